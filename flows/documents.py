"""Documents: input files read, decoded, normalised to NFC and split into sentences.

Stage 1 of the pipeline. Every input file becomes either a `Document` or a
`RejectedInput` with a one-line reason that names the file; nothing is dropped
silently and no parser error escapes as a traceback. Text files may be in
UTF-8, UTF-16, Windows-1258, TCVN3 or VNI (see `flows.decoding`); web pages,
Word files and PDFs are read by their libraries (see `flows.formats`).
Metadata (url, published date, province, title) comes from the file itself,
from front matter at the top of a text file, or from `NAME.meta.json` beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from flows.decoding import (
    DecodeError,
    binary_kind,
    decode_bytes,
    repair_legacy,
    vietnamese_letter_share,
)
from flows.formats import (
    ExtractedText,
    FormatError,
    html_encoding,
    read_docx,
    read_html,
    read_pdf,
)
from flows.limits import (
    InputLimitError,
    check_chars,
    check_unzipped_size,
    is_utf8,
    max_file_bytes,
    printable,
    read_regular_file,
)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
META_SUFFIX = ".meta.json"
IGNORE_FILE = ".chitieuignore"
"""gitignore-style patterns in an input folder: files there that are no reports."""

MIN_LETTERS_FOR_LANGUAGE = 200
"""Texts with fewer letters are not judged for language (tables, short notes)."""
MIN_VIETNAMESE_SHARE = 0.02
"""Real Vietnamese has ~20% letters with diacritics; English with a few place names ~1%."""


class Sentence(NamedTuple):
    """A sentence as a span of its document's NFC text (a named tuple: cheap to make in bulk)."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to read, with the name it is known by in the warehouse (`source`)."""

    path: Path
    source: str


@dataclass(frozen=True)
class Document:
    """One document version: the normalised text and what is known about it."""

    doc_id: str
    source: str
    text: str
    sentences: tuple[Sentence, ...]
    format: str = "txt"
    encoding: str | None = "utf-8"
    content_hash: str = ""
    size_bytes: int = 0
    title: str | None = None
    published: date | None = None
    published_precision: str | None = None
    """"day" or "month" (then `published` is the month's first day); None without a date."""
    url: str | None = None
    province: str | None = None

    def sentence_text(self, sentence: Sentence) -> str:
        """The text of one of this document's sentences."""
        return self.text[sentence.start : sentence.end]


class RejectedInput(Exception):
    """An input that cannot become a document; `reason` is one line for the user."""

    def __init__(
        self, source: str, reason: str, check: str = "read", content_hash: str | None = None
    ) -> None:
        reason = " ".join(reason.split())
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.check = check
        self.content_hash = content_hash
        """The fingerprint of the file's bytes when the reject follows from them (so that
        the same bytes are not rejected again on every run), else None."""


# --- text ----------------------------------------------------------------------------


def doc_id_of(text: str) -> str:
    """Stable id of a document version: first 16 hex digits of SHA-256 of the NFC text."""
    digest = hashlib.sha256()
    step = 1 << 20
    for i in range(0, len(text), step):
        digest.update(text[i : i + step].encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()[:16]


_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def normalise(text: str) -> str:
    """NFC text with unified line ends (copies only when something changes)."""
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# --- sentences -----------------------------------------------------------------------

_CLOSING = r"(?=[\s\"'”’»)\]])"
_LINE_END = re.compile(r"\n")
_PERIOD_END = re.compile(r"\." + _CLOSING)
_OTHER_END = re.compile(r"[!?…]" + _CLOSING)
"""Where a sentence may end: a line end, or a terminator followed by space or a closing quote
(three scans: one for a single literal character runs in C several times faster than one
for a class of characters, and the rarer terminators are looked for only when present)."""
_SPACE_RUN = re.compile(r"\s*+")
_CLOSERS = re.compile(r"[\"'”’»)\]]*+")
_GAP = re.compile(r"[ \t\u00a0\u202f\u2009]++")
_OPENERS = frozenset("\"'“‘«([")
_TERMINATORS = frozenset(".!?…")
ABBREVIATIONS = frozenset(
    {
        "tp", "tx", "tt", "ths", "th.s", "ts", "pgs", "pgs.ts", "gs", "gs.ts", "bs", "ks",
        "cn", "ncs", "v.v", "vv", "mr", "mrs", "ms", "dr", "st", "nxb", "tr", "sđd", "vd",
        "đ/c", "đc", "no", "ttg", "ubnd", "q", "p", "h", "x",
    }
)  # fmt: skip
"""Words that end with a period inside a sentence ("TP. Hồ Chí Minh", "ThS. Nguyễn")."""
_ROMAN = re.compile(r"[IVXLC]+|[ivxlc]+|\d{1,3}|[a-zđ]")
_LAST_BREAK = re.compile(r"(?s:.*)[\s(\[\"'“‘«]")
"""Up to the last space or opening bracket or quote: what follows is the token (matched from
the token's end backwards, never trying every start)."""


def _is_abbreviation(text: str, period: int, sentence_start: int) -> bool:
    """True when the period at `period` closes an abbreviation or a heading number."""
    floor = max(sentence_start, period - 24)
    m = _LAST_BREAK.match(text, floor, period)
    start = m.end() if m is not None else floor
    if start == period:
        return False
    token = text[start:period]
    lowered = token.lower()
    if lowered in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True
    # "1. Kinh tế", "II. Nhiệm vụ", "a. Nông nghiệp": a heading number opens the sentence
    return start == sentence_start and _ROMAN.fullmatch(token) is not None


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with their offsets; a paragraph is a block of lines between blank lines.

    A sentence ends at a line end, or at . ! ? … followed by space and a capital,
    a digit or an opening quote, except after an abbreviation. Linear in the text.
    """
    sentences: list[Sentence] = []
    append = sentences.append
    n = len(text)
    paragraph = 0
    start = 0
    for i in _candidates(text):
        if i < start:
            continue
        if text[i] == "\n":
            after = _SPACE_RUN.match(text, i).end()
            if _wrapped(text, i, after):
                continue  # a line wrapped inside a sentence ("tăng\n35% so với ..."), as in PDFs
            _add(append, text, start, i, paragraph)
            start = after
            if text.count("\n", i, start) > 1:
                paragraph += 1
            continue
        j = _CLOSERS.match(text, i + 1).end()
        gap = _GAP.match(text, j)
        if gap is None:
            continue
        k = gap.end()
        if k >= n:
            continue
        nxt = text[k]
        if nxt not in _OPENERS and not (nxt.isupper() or nxt.isdigit()):
            continue
        if (
            text[i] == "."
            and (i == 0 or text[i - 1] not in _TERMINATORS)
            and _is_abbreviation(text, i, _skip_space(text, start))
        ):
            continue
        _add(append, text, start, j, paragraph)
        start = k
    _add(append, text, start, n, paragraph)
    return tuple(sentences)


_NUMBERED = re.compile(r"\d{1,2}[.)]\s")


def _wrapped(text: str, newline: int, after: int) -> bool:
    """True when a single line break falls inside a sentence: the line before ends on a
    lowercase word or a comma, and the next goes on in lowercase or with a figure."""
    if after >= len(text) or text.count("\n", newline, after) > 1 or newline == 0:
        return False
    last, nxt = text[newline - 1], text[after]
    if not (last.islower() or last == ","):
        return False
    return nxt.islower() or (nxt.isdigit() and _NUMBERED.match(text, after) is None)


def _candidates(text: str) -> list[int]:
    """The offsets where a sentence may end, in order."""
    found = [m.start() for m in _LINE_END.finditer(text)]
    found += [m.start() for m in _PERIOD_END.finditer(text)]
    if "!" in text or "?" in text or "…" in text:
        found += [m.start() for m in _OTHER_END.finditer(text)]
    found.sort()
    return found


def _skip_space(text: str, i: int) -> int:
    return _SPACE_RUN.match(text, i).end()


def _add(append: Callable[[Sentence], None], text: str, a: int, b: int, paragraph: int) -> None:
    """Append the span a..b without its surrounding whitespace, when anything is left."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        append(Sentence(a, b, paragraph))


# --- metadata ------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n((?:[^\n]*\n){0,60}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_FRONT_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_KEYS = {
    "url": "url",
    "link": "url",
    "source_url": "url",
    "published": "published",
    "date": "published",
    "published_date": "published",
    "publish_date": "published",
    "ngay": "published",
    "province": "province",
    "tinh": "province",
    "title": "title",
    "tieu_de": "title",
}


def _parse_date(value: object, name: str) -> tuple[date, str]:
    """A published date from metadata and its precision ("day" or "month"): an ISO date or
    datetime, dd/mm/yyyy, or a month alone (`2025-08`, `08/2025`) as many pages give it."""
    if isinstance(value, datetime):
        return value.date(), "day"
    if isinstance(value, date):
        return value, "day"
    text = str(value).strip()
    day = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    month = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})[/.-](\d{4})", text)
    try:
        if day:
            return date(int(day.group(3)), int(day.group(2)), int(day.group(1))), "day"
        if month:
            year, mon = (month.group(1), month.group(2)) if month.group(1) else month.group(4, 3)
            return date(int(year), int(mon), 1), "month"
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date(), "day"
    except ValueError:
        raise ValueError(
            f"{name}: published date {text[:40]!r} is not a date (use YYYY-MM-DD or YYYY-MM)"
        ) from None


def _metadata(raw: dict[str, object], name: str) -> dict[str, object]:
    """The known keys of a metadata mapping, checked and typed."""
    out: dict[str, object] = {}
    for key, value in raw.items():
        field = _KEYS.get(str(key).strip().lower())
        if field is None or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if field == "published":
            out[field], out["published_precision"] = _parse_date(value, name)
        elif isinstance(value, str | int | float):
            out[field] = str(value).strip().strip("\"'").strip()
        else:
            raise ValueError(f"{name}: {key} must be text, not {type(value).__name__}")
    return out


def split_front_matter(text: str) -> tuple[str, dict[str, object]]:
    """The text without its leading `---` block of `key: value` lines, and those keys."""
    m = _FRONT_MATTER.match(text)
    if m is None:
        return text, {}
    raw: dict[str, object] = {}
    for line in m.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        kv = _FRONT_LINE.match(line)
        if kv is None:
            return text, {}
        value = kv.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        raw[kv.group(1)] = value
    return text[m.end() :], raw


def sidecar_of(path: Path) -> Path | None:
    """The `NAME.meta.json` beside a file (`report.txt.meta.json` or `report.meta.json`);
    looked for with `os.path`, which costs a fraction of `pathlib` on every input file."""
    folder, name = os.path.split(os.fspath(path))
    for candidate_name in (name + META_SUFFIX, os.path.splitext(name)[0] + META_SUFFIX):
        candidate = os.path.join(folder, candidate_name)
        if os.path.isfile(candidate):
            return Path(candidate)
    return None


def _read_sidecar(path: Path) -> dict[str, object]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"metadata file {path.name} is not readable JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"metadata file {path.name} must hold a JSON object")
    if not all(is_utf8(v) for v in raw.values() if isinstance(v, str)):  # "\ud800" in JSON
        raise ValueError(f"metadata file {path.name} holds text that is not valid Unicode")
    return _metadata(raw, path.name)


# --- discovering files ---------------------------------------------------------------


def _skipped(name: str) -> bool:
    """Hidden files, metadata sidecars and Word's lock files are not reports."""
    return name.startswith((".", "~$")) or name.endswith(META_SUFFIX)


def discover(paths: Sequence[Path]) -> tuple[list[InputFile], list[RejectedInput]]:
    """Input files under the given files and folders; `source` is relative to the folder given.

    Folders are walked recursively (following links to folders, but never twice
    into the same one), in sorted order, leaving out what the folder's `.chitieuignore`
    names. What cannot be walked is a reject, and so is a name that is not UTF-8 and a
    source that two inputs share (naming both paths; neither is read).
    """
    files: list[InputFile] = []
    rejects: list[RejectedInput] = []
    seen: set[tuple[int, int]] = set()
    for given in paths:
        given = Path(given)
        label = printable(str(given))
        try:
            info = given.stat()
        except OSError as exc:
            rejects.append(
                RejectedInput(label, _os_reason(exc, "no such file or folder"), "discover")
            )
            continue
        if stat.S_ISDIR(info.st_mode):
            found: list[InputFile] = []
            try:
                ignore = _ignore_list(given)
            except ValueError as exc:
                rejects.append(RejectedInput(f"{label}/{IGNORE_FILE}", str(exc), "discover"))
                continue
            _walk(given, given, found, rejects, {(info.st_dev, info.st_ino)}, ignore)
            found.sort(key=lambda f: f.source)
            for f in found:
                key = _file_key(f.path)
                if key is None or key not in seen:
                    if key is not None:
                        seen.add(key)
                    files.append(f)
        elif stat.S_ISREG(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if not is_utf8(given.name):
                rejects.append(_not_utf8(printable(given.name)))
            elif key not in seen:
                seen.add(key)
                files.append(InputFile(given, given.name))
        else:
            rejects.append(RejectedInput(label, "not a regular file or folder", "discover"))
    return _one_file_per_source(files, rejects)


def _not_utf8(source: str) -> RejectedInput:
    return RejectedInput(
        source, "file name is not valid UTF-8 (shown with \\x escapes; rename it)", "discover"
    )


DUPLICATE_SOURCE = "duplicate"
"""The check of a source that two inputs share: it was given, so its facts are kept."""


def _one_file_per_source(
    files: list[InputFile], rejects: list[RejectedInput]
) -> tuple[list[InputFile], list[RejectedInput]]:
    """The files whose source no other input has; one reject per shared source, naming its
    paths (which one is the report is not ours to guess: neither is read)."""
    by_source: dict[str, list[InputFile]] = {}
    for f in files:
        by_source.setdefault(f.source, []).append(f)
    if len(by_source) == len(files):
        return files, rejects
    for source, same in by_source.items():
        if len(same) > 1:
            paths = ", ".join(printable(str(f.path)) for f in same)
            rejects.append(
                RejectedInput(
                    source,
                    f"{len(same)} inputs have this source: {paths} (pass one folder holding "
                    "both, or rename one)",
                    DUPLICATE_SOURCE,
                )
            )
    return [f for f in files if len(by_source[f.source]) == 1], rejects


def _ignore_list(folder: Path) -> Callable[[str], bool] | None:
    """What the folder's `.chitieuignore` leaves out (gitignore patterns, matched against
    the path relative to the folder; a folder's path ends with `/`), or None."""
    path = folder / IGNORE_FILE
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the ignore list: {exc}") from None
    import pathspec

    try:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception as exc:  # a pattern the library cannot compile
        raise ValueError(f"bad pattern in the ignore list: {exc}") from None
    return spec.match_file


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _os_reason(exc: OSError, missing: str) -> str:
    import errno

    if exc.errno == errno.ENOENT:
        return missing
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def _walk(
    root: Path,
    folder: Path,
    found: list[InputFile],
    rejects: list[RejectedInput],
    ancestors: set[tuple[int, int]],
    ignore: Callable[[str], bool] | None = None,
) -> None:
    """Collect the files under `folder`; links back into a folder on the way are rejects."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        rejects.append(
            RejectedInput(
                _relative(root, folder),
                f"cannot read folder: {_os_reason(exc, 'folder vanished')}",
                "discover",
            )
        )
        return
    for entry in entries:
        if _skipped(entry.name):
            continue
        path = Path(entry.path)
        source = _relative(root, path)
        if not is_utf8(source):
            rejects.append(_not_utf8(printable(source)))
            continue
        if ignore is not None and ignore(source):
            continue
        try:
            info = os.stat(path)
        except OSError as exc:
            broken = "broken symbolic link" if entry.is_symlink() else "file vanished"
            rejects.append(RejectedInput(source, _os_reason(exc, broken), "discover"))
            continue
        if ignore is not None and stat.S_ISDIR(info.st_mode) and ignore(source + "/"):
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                rejects.append(
                    RejectedInput(
                        source, "symbolic link loop: links back to a folder above it", "discover"
                    )
                )
                continue
            _walk(root, path, found, rejects, ancestors | {key}, ignore)
        elif stat.S_ISREG(info.st_mode):
            found.append(InputFile(path, source))
        else:
            rejects.append(
                RejectedInput(source, "not a regular file (device, pipe or socket)", "discover")
            )


def _relative(root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
    return rel if rel != "." else root.name or str(root)


# --- reading -------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    """All bytes of a regular file within `CHITIEU_MAX_FILE_MB` (one read, never blocking on
    a pipe; the caller checks the file did not change meanwhile)."""
    return read_regular_file(path, max_file_bytes())


def _format_of(path: Path, data: bytes) -> str:
    """Which reader a file needs: by its suffix, else by its first bytes."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "txt" if suffix != ".md" and suffix != ".markdown" else "md"
    if suffix in HTML_SUFFIXES:
        return "html" if b"<" in data[:65536] else "txt"  # a text file saved as .html
    if suffix == ".docx":
        return "docx"
    if suffix == ".pdf":
        return "pdf"
    if suffix in {".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf"}:
        raise RejectedInput(
            "", f"unsupported file type '{suffix}' (save it as .docx, .pdf or .txt)", "format"
        )
    head = data[:1024].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    kind = binary_kind(data)
    if kind is not None:
        raise RejectedInput("", f"binary file ({kind}), not a report", "binary")
    if suffix:  # a data file (.csv, .json, .log...) in the input folder is no report
        raise RejectedInput(
            "",
            f"unsupported file type '{suffix}' (reports are .txt, .md, .html, .docx or .pdf)",
            "format",
        )
    return "txt"


FORMAT_ENCODINGS: dict[str, str | None] = {"html": None, "docx": "utf-8", "pdf": None}
"""The text encoding of a formatted file: a Word file's XML is UTF-8; a web page's is
found from its bytes; a PDF's text has none (null unless its letters are a legacy font's)."""


def _extract(fmt: str, data: bytes) -> tuple[ExtractedText, str | None]:
    """The text of the file in its format, and the encoding it was in."""
    if fmt in ("txt", "md"):
        decoded = decode_bytes(data)
        return ExtractedText(decoded.text), decoded.encoding
    reader = {"html": read_html, "docx": read_docx, "pdf": read_pdf}[fmt]
    if fmt != "html" and not data.startswith(b"%PDF-" if fmt == "pdf" else b"PK\x03\x04"):
        kind = binary_kind(data)
        what = f"{kind}" if kind else "something else"
        raise FormatError(f"not a {fmt.upper()} file: its content is {what}", "format")
    if fmt == "docx":
        check_unzipped_size(data)
    extracted = reader(data)
    text, legacy = repair_legacy(extracted.text)
    base = FORMAT_ENCODINGS[fmt] or (html_encoding(data) if fmt == "html" else None)
    encoding = "+".join(part for part in (base, legacy) if part) or None
    return ExtractedText(text, extracted.title, extracted.published, extracted.url), encoding


def content_hash_of(data: bytes, sidecar: Path | None) -> str:
    """The fingerprint of an input: its bytes and its metadata sidecar's, so that an edited
    sidecar makes a new input too."""
    digest = hashlib.sha256(data)
    if sidecar is not None:
        with contextlib.suppress(OSError):
            digest.update(b"\0" + sidecar.read_bytes())
    return digest.hexdigest()[:16]


def unchanged_inputs(
    files: Sequence[InputFile], known: Mapping[str, tuple[str, str]], extractor_version: str
) -> tuple[list[InputFile], list[str]]:
    """The files to read, and the sources skipped because the warehouse already holds them
    with the same fingerprint and extractor version (`known`: source → both)."""
    to_read: list[InputFile] = []
    skipped: list[str] = []
    for file in files:
        seen = known.get(file.source)
        if seen is not None and seen[1] == extractor_version:
            try:
                data = _read_bytes(file.path)
            except (OSError, InputLimitError):
                to_read.append(file)  # read_document says why, as a reject
                continue
            if content_hash_of(data, sidecar_of(file.path)) == seen[0]:
                skipped.append(file.source)
                continue
        to_read.append(file)
    return to_read, skipped


def read_document(file: InputFile) -> Document:
    """The document in a file, or `RejectedInput` saying why it cannot be read (with the
    file's fingerprint when the reason follows from its bytes)."""
    fingerprint: list[str] = []
    try:
        return _read_document(file, fingerprint)
    except RejectedInput as exc:
        exc.content_hash = fingerprint[0] if fingerprint else None
        raise


def _read_document(file: InputFile, fingerprint: list[str]) -> Document:
    """`read_document`; `fingerprint` receives the content hash once the bytes are read."""
    source = file.source
    try:
        before = os.stat(file.path)
        if not stat.S_ISREG(before.st_mode):
            raise RejectedInput(source, "not a regular file", "read")
        data = _read_bytes(file.path)
        after = os.stat(file.path)
    except OSError as exc:
        raise RejectedInput(
            source, f"cannot read file: {_os_reason(exc, 'file vanished')}", "read"
        ) from exc
    except InputLimitError as exc:
        raise RejectedInput(source, exc.reason, exc.check) from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise RejectedInput(
            source, "file changed while being read (try again when it is complete)", "changed"
        )
    sidecar = sidecar_of(file.path)
    content_hash = content_hash_of(data, sidecar)
    fingerprint.append(content_hash)
    if not data:
        raise RejectedInput(source, "empty file", "empty")
    try:
        fmt = _format_of(file.path, data)
        extracted, encoding = _extract(fmt, data)
        check_chars(len(extracted.text))
    except RejectedInput as exc:
        raise RejectedInput(source, exc.reason, exc.check) from None
    except (DecodeError, FormatError, InputLimitError) as exc:
        raise RejectedInput(source, exc.reason, exc.check) from None
    del data
    text = normalise(extracted.text)
    meta: dict[str, object] = {}
    try:
        if fmt in ("txt", "md"):
            text, front = split_front_matter(text)
            meta.update(_metadata(front, "front matter"))
        if sidecar is not None:
            meta.update(_read_sidecar(sidecar))
    except ValueError as exc:
        raise RejectedInput(source, f"bad metadata: {exc}", "metadata") from None
    if not text.strip():
        raise RejectedInput(source, "no text: the file holds only whitespace", "empty")
    _check_language(source, text)
    title = meta.get("title") or extracted.title
    published, precision = meta.get("published"), meta.get("published_precision")
    if published is None and extracted.published is not None:
        published, precision = extracted.published, "day"
    return Document(
        doc_id=doc_id_of(text),
        source=source,
        text=text,
        sentences=split_sentences(text),
        format=fmt,
        encoding=encoding,
        content_hash=content_hash,
        size_bytes=before.st_size,
        title=" ".join(str(title).split()) if title else None,
        published=published,  # type: ignore[arg-type]
        published_precision=precision,  # type: ignore[arg-type]
        url=meta.get("url") or extracted.url,  # type: ignore[arg-type]
        province=meta.get("province"),  # type: ignore[arg-type]
    )


def _check_language(source: str, text: str) -> None:
    """Reject a long text with (almost) no Vietnamese letters: it is not a Vietnamese report."""
    sample = text[: 1 << 20]
    viet, letters = vietnamese_letter_share(sample)
    if letters >= MIN_LETTERS_FOR_LANGUAGE and viet < MIN_VIETNAMESE_SHARE * letters:
        raise RejectedInput(
            source,
            f"not Vietnamese text: {viet} of {letters} letters carry Vietnamese diacritics",
            "language",
        )


def read_documents(files: Iterable[InputFile]) -> tuple[list[Document], list[RejectedInput]]:
    """Every file read: the documents and the rejects, in input order."""
    docs: list[Document] = []
    rejects: list[RejectedInput] = []
    for file in files:
        try:
            docs.append(read_document(file))
        except RejectedInput as exc:
            rejects.append(exc)
    return docs, rejects
