"""Input limits and guards: what one input may cost, whatever it holds.

A report folder is untrusted input. These guards keep one file from taking the
run down with it: the bytes read from a file, the bytes a Word file expands to,
the characters of a document and the size of a fact's evidence are bounded
(settings `CHITIEU_MAX_*`, see docs/operations.md); a file is opened without
blocking and read only when it is a regular file; names and reasons are escaped
before they are printed, so a file name cannot forge lines of the summary or logs.
A limit that is passed is a reject of that file, with a reason naming the limit.
"""

from __future__ import annotations

import functools
import os
import re
import stat

from flows.settings import get_settings, parse_count

MIB = 1 << 20
EVIDENCE_SETTING = "CHITIEU_MAX_EVIDENCE_CHARS"
EVIDENCE_DEFAULT = 600
MAX_ZIP_ENTRIES = 10_000
"""Parts of a Word file; real ones have a few dozen (each costs memory before any limit)."""


class InputLimitError(ValueError):
    """An input that breaks a limit or a guard; `reason` is one line naming the limit."""

    def __init__(self, reason: str, check: str = "limit") -> None:
        super().__init__(reason)
        self.reason = reason
        self.check = check


def check_settings() -> None:
    """Raise `ValueError` with a clear message when a limit setting is not a positive number
    (the commands call this first, so a bad setting is one line, not a reject per file)."""
    get_settings()
    evidence_limit()


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n >= MIB else f"{n} bytes"


# --- bytes read -----------------------------------------------------------------------


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """All bytes of a regular file of at most `max_bytes`.

    A pipe, device or socket is refused without being opened; and since one could be
    swapped in between that look and the open, the file is opened without blocking and
    checked again on the open handle, so it is refused at once instead of hanging the
    run. At most `max_bytes + 1` bytes are ever read, even from a file that grows.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise InputLimitError("not a regular file (device, pipe or socket)", "read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with open(fd, "rb", closefd=True) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputLimitError("not a regular file (device, pipe or socket)", "read")
        if info.st_size > max_bytes:
            raise InputLimitError(_over_file_limit(info.st_size, max_bytes))
        data = handle.read(info.st_size + 1)  # one read of the whole file, as big as it is
        if info.st_size < len(data) <= max_bytes:  # it grew meanwhile: on, up to the limit
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise InputLimitError(_over_file_limit(len(data), max_bytes))
    return data


def _over_file_limit(size: int, max_bytes: int) -> str:
    return (
        f"file too large: {_size(size)}, over the limit of {_size(max_bytes)} (CHITIEU_MAX_FILE_MB)"
    )


def max_file_bytes() -> int:
    """Bytes read from one input file (`CHITIEU_MAX_FILE_MB`)."""
    return get_settings().max_file_mb * MIB


# --- bytes decompressed ----------------------------------------------------------------


def check_unzipped_size(data: bytes, max_bytes: int | None = None) -> None:
    """Refuse a zip (Word) file whose parts would expand past `CHITIEU_MAX_UNZIPPED_MB`.

    Checked on the sizes the archive declares, before any part is inflated: Python's
    `zipfile` (which python-docx reads with) never returns more bytes of a part than
    its declared size, so the declared total bounds what the reader can inflate.
    """
    import io
    import zipfile

    limit = max_bytes if max_bytes is not None else get_settings().max_unzipped_mb * MIB
    entries = data.count(b"PK\x01\x02")  # central directory headers, counted before parsing
    if entries > MAX_ZIP_ENTRIES:
        raise InputLimitError(
            f"zip file with {entries} parts, over the limit of {MAX_ZIP_ENTRIES} parts"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: the format's reader says why
    if total > limit:
        raise InputLimitError(
            f"expands to {_size(total)} when unzipped, over the limit of {_size(limit)} "
            "(CHITIEU_MAX_UNZIPPED_MB)"
        )


# --- characters per document ------------------------------------------------------------


def check_chars(n_chars: int, max_chars: int | None = None) -> None:
    """Refuse a document with more characters of text than `CHITIEU_MAX_CHARS`."""
    limit = max_chars if max_chars is not None else get_settings().max_chars
    if n_chars > limit:
        raise InputLimitError(
            f"text too long: {n_chars:,} characters, over the limit of {limit:,} "
            "(CHITIEU_MAX_CHARS)"
        )


# --- evidence ----------------------------------------------------------------------------


def evidence_limit() -> int:
    """Characters of a fact's evidence (`CHITIEU_MAX_EVIDENCE_CHARS`): one environment
    lookup, the parsed value cached, so that it is cheap once per document."""
    return _evidence_limit(os.environ.get(EVIDENCE_SETTING))


@functools.lru_cache(maxsize=8)
def _evidence_limit(raw: str | None) -> int:
    return parse_count(EVIDENCE_SETTING, raw, EVIDENCE_DEFAULT)


_WORD_SNAP = 40
"""How far a window's edge moves to fall between words rather than inside one."""


def evidence_window(
    text: str, sentence_start: int, sentence_end: int, start: int, end: int, limit: int
) -> str:
    """At most `limit` characters of the sentence `text[sentence_start:sentence_end]` around
    the number at `start:end` (the number whole, however long), cut between words.

    Every fact of a sentence carries its evidence; a sentence of thousands of figures
    would make memory grow with facts × sentence, a window makes it grow with the facts.
    The window is a slice of the text, so `start`/`end` still point into the whole text.
    """
    room = max(0, limit - (end - start))
    a = max(sentence_start, start - room // 2)
    b = min(sentence_end, end + room - (start - a))
    a = max(sentence_start, start - (room - (b - end)))
    if a > sentence_start:
        space = text.find(" ", a, min(start, a + _WORD_SNAP))
        if space >= 0:
            a = space + 1
    if b < sentence_end:
        space = text.rfind(" ", max(end, b - _WORD_SNAP), b)
        if space >= 0:
            b = space
    return text[a:b]


# --- printing names ------------------------------------------------------------------------

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    char = m.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` safe to print on one line: control characters, line and paragraph separators,
    bidirectional overrides and undecodable bytes of a file name as backslash escapes."""
    return _UNSAFE.sub(_escape, text)


def is_utf8(name: str) -> bool:
    """True when a name (as the OS gave it) is valid Unicode text: a name whose bytes are not
    UTF-8 arrives holding lone surrogates, which no database or JSON writer accepts."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- values ----------------------------------------------------------------------------------


def too_large_reason(number_text: str) -> str:
    """Why a fact whose value is not a finite number is a reject (a figure of hundreds of
    digits overflows a double to infinity, which is neither JSON nor a value to load)."""
    shown = number_text if len(number_text) <= 40 else f"{number_text[:16]}…{number_text[-16:]}"
    return (
        f"number too large: {printable(shown)} ({len(number_text)} characters) "
        "is beyond what a number can hold"
    )
