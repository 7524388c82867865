"""Decoded text: bytes of a text file turned into Unicode, whatever Vietnamese encoding they use.

Provincial reports still arrive in the encodings of the 1990s and 2000s:
Windows-1258 (base letters plus combining tone marks), TCVN3/ABC (one byte per
precomposed lowercase letter) and VNI (base letter followed by a mark byte).
The last two were "font encodings": the bytes were shown by special fonts, so
the same text also turns up as Latin-1 look-alike characters inside Unicode
files. Both forms are recognised and converted here; what cannot be decoded is
a `DecodeError` with a one-line reason.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer


class DecodeError(ValueError):
    """Bytes that are not readable text; the message is one line for the user."""

    def __init__(self, reason: str, check: str = "decode") -> None:
        super().__init__(reason)
        self.reason = reason
        self.check = check


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes, and the name of the encoding it was found in."""

    text: str
    encoding: str


# --- Vietnamese letters --------------------------------------------------------

_BASES = "aăâeêioôơuưy"
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
_TONE_MARKS = frozenset(_TONES[1:])


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    ch
    for base in _BASES
    for tone in _TONES
    for ch in (_compose(base, tone), _compose(base.upper(), tone))
    if ch not in "aeiouyAEIOUY"
) | frozenset("đĐ")
"""Letters with a diacritic that Vietnamese uses (134 of them, NFC)."""

# --- TCVN3 (ABC): one byte per letter; toned capitals borrow the lowercase codes -------

_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
"""TCVN 5712:1993 VN3 ("ABC"), the byte → letter table of the .Vn* fonts."""

_TCVN3_CHARS: dict[int, str] = {code: letter for code, letter in _TCVN3_BYTES.items()}
"""The same table on code points: a TCVN3 byte seen through Latin-1/cp1252 is that code point."""


def _cp1252_or_latin1(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_TCVN3_DECODING_TABLE = "".join(
    _TCVN3_BYTES.get(b, _cp1252_or_latin1(b) if b >= 0x80 else chr(b)) for b in range(256)
)


# --- VNI: a base letter followed by a mark byte ---------------------------------------

_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_sequences() -> dict[str, str]:
    """VNI spelling → Unicode letter, lowercase and capitals (marks in the case of the base)."""
    table: dict[str, str] = {}
    for tone in _TONES:
        # a e o u y with a tone only; circumflex / breve vowels; ơ ư; i; ỵ
        for base in "aeouy":
            if tone:
                table[base + _VNI_TONE[tone]] = _compose(base, tone)
        for base in "aeo":
            table[base + _VNI_CIRCUMFLEX[tone]] = _compose(base + "\u0302", tone)
        table["a" + _VNI_BREVE[tone]] = _compose("a\u0306", tone)
        table["ô" + (_VNI_TONE[tone] if tone else "")] = _compose("ơ", tone)
        table["ö" + (_VNI_TONE[tone] if tone else "")] = _compose("ư", tone)
        if tone:
            table[_VNI_I[tone]] = _compose("i", tone)
    table["î"] = "ỵ"
    table["yï"] = "ỵ"
    table["ñ"] = "đ"
    upper = {key.upper(): value.upper() for key, value in table.items()}
    # A capital base with a lowercase mark also occurs (mixed fonts): the base decides the case.
    mixed = {
        key[0].upper() + key[1:]: value.upper() for key, value in table.items() if len(key) == 2
    }
    return {**mixed, **table, **upper}


_VNI_TABLE = _vni_sequences()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(_VNI_TABLE, key=len, reverse=True))
)
_VNI_MARKS = frozenset(ch for key in _VNI_TABLE for ch in key if ch not in "aeouyAEOUY")


def tcvn3_bytes_to_text(data: bytes) -> str:
    """Bytes in TCVN3 (ABC) as Unicode."""
    return codecs.charmap_decode(data, "strict", _TCVN3_DECODING_TABLE)[0]


def tcvn3_chars_to_text(text: str) -> str:
    """TCVN3 text that was read as Latin-1/cp1252 characters, as real Vietnamese letters."""
    return text.translate(_TCVN3_CHARS)


def vni_chars_to_text(text: str) -> str:
    """VNI text (seen as Latin-1/cp1252 characters) as real Vietnamese letters."""
    return _VNI_PATTERN.sub(lambda m: _VNI_TABLE[m.group()], text)


def vni_bytes_to_text(data: bytes) -> str:
    """Bytes in VNI Windows as Unicode."""
    return vni_chars_to_text(data.decode("cp1252", errors="replace"))


def text_to_tcvn3(text: str) -> bytes:
    """Unicode text as TCVN3 bytes (toned capitals become lowercase, as in the fonts)."""
    reverse = {letter: code for code, letter in _TCVN3_BYTES.items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in reverse:
            out.append(reverse[ch])
        elif ch.lower() in reverse and ch not in "ĂÂÊÔƠƯĐ":
            out.append(reverse[ch.lower()])
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def text_to_vni(text: str) -> bytes:
    """Unicode text as VNI Windows bytes."""
    reverse: dict[str, str] = {}
    for key, value in _VNI_TABLE.items():
        if key == "yï" or (len(key) == 2 and key[0].isupper() != key[1].isupper()):
            continue
        reverse.setdefault(value, key)
    chars = "".join(reverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    return chars.encode("cp1252")


def text_to_cp1258(text: str) -> bytes:
    """Unicode text as Windows-1258 bytes: letters with â ê ô ă ơ ư kept whole, tones as marks."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


# --- how Vietnamese a text looks -----------------------------------------------------

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_NUCLEUS = (
    r"(?:uyê|uya|uyu|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|"
    r"ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|ưa|ưi|ươ|ưu|uy|yê|"
    r"[aăâeêioôơuưy])"
)
_CODA = r"(?:ng|nh|ch|[cmnpt])?"
_SYLLABLE = re.compile(f"{_ONSET}{_NUCLEUS}{_CODA}")
_WORD = re.compile(r"[^\W\d_]+")


def _syllable_ok(word: str) -> bool:
    """A word that could be one Vietnamese syllable: one tone at most, a known vowel cluster."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str) -> float:
    """Share of the words with a diacritic that are well-formed Vietnamese syllables, minus noise.

    Near 1 for real Vietnamese; low or negative for mis-decoded text, where letters carry two
    tones, stray combining marks remain or foreign Latin letters appear.
    """
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if all(ch in VIETNAMESE_LETTERS or ch.isascii() for ch in word) and _syllable_ok(word):
            good += 1
        else:
            bad += 1
    stray = sum(1 for ch in text if unicodedata.combining(ch))
    return (good - bad - stray) / max(1, good + bad)


_NOT_LETTER = re.compile(r"[\W\d_]+")
_OTHER_NON_ASCII = re.compile("[^\x00-\x7f" + "".join(sorted(VIETNAMESE_LETTERS)) + "]")
"""A character that is neither ASCII nor a Vietnamese letter (rare in a Vietnamese text)."""
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


def vietnamese_letter_share(text: str) -> tuple[int, int]:
    """(letters with a Vietnamese diacritic, all letters) in the text.

    Counted without visiting every character in Python: ASCII letters on the ASCII bytes,
    the other characters are Vietnamese letters except the few the scan finds."""
    ascii_part = text.encode("ascii", "ignore")
    ascii_letters = len(ascii_part.translate(None, _NOT_ASCII_LETTER))
    others = _OTHER_NON_ASCII.findall(text)
    viet = len(text) - len(ascii_part) - len(others)
    return viet, ascii_letters + viet + len(_NOT_LETTER.sub("", "".join(others)))


def looks_legacy(text: str) -> bool:
    """Text holding TCVN3/VNI letters seen as Latin-1: no letter past U+00FF, many above 0x9F."""
    high = 0
    for ch in text:
        o = ord(ch)
        if o >= 0x100 and ch in VIETNAMESE_LETTERS:
            return False
        if 0xA0 <= o <= 0xFF:
            high += 1
    return high >= 3


def repair_legacy(text: str, sample: int = 65536) -> tuple[str, str | None]:
    """The text with TCVN3/VNI font letters converted, and which of the two (None when neither)."""
    head = text[:sample]
    if not looks_legacy(head):
        return text, None
    candidates = {
        "tcvn3": tcvn3_chars_to_text,
        "vni": vni_chars_to_text,
    }
    scored = {name: vietnamese_score(convert(head)) for name, convert in candidates.items()}
    best = max(scored, key=lambda name: scored[name])
    if scored[best] < 0.5 or scored[best] <= vietnamese_score(head):
        return text, None
    return candidates[best](text), best


# --- bytes → text --------------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office (.doc/.xls) file"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"RIFF", "RIFF media file"),
    (b"SQLite format 3\x00", "SQLite database"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file the bytes start like, or None."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""Control characters (category Cc) other than the whitespace ones."""


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(1, len(text))


def _check_text(text: str, encoding: str) -> DecodedText:
    if _control_share(text[:65536]) > 0.01:
        raise DecodeError("binary data, not text (control characters)", "binary")
    return DecodedText(text, encoding)


def decode_bytes(data: bytes) -> DecodedText:
    """The text in the bytes of a text file, or `DecodeError` saying why there is none."""
    kind = binary_kind(data)
    if kind is not None:
        raise DecodeError(f"binary file ({kind}), not text", "binary")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(codec), codec.replace("-sig", "") + " (BOM)")
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {codec} text at byte {exc.start}") from exc
    head = data[:65536]
    if b"\x00" in head:
        return _decode_with_nuls(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise DecodeError(
                f"truncated UTF-8: the file ends inside a character (byte {exc.start})"
            ) from exc
        prefix = data[: exc.start].decode("utf-8")
        if not prefix.isascii():
            raise DecodeError(f"invalid UTF-8 at byte {exc.start}") from exc
        return _decode_legacy(data)
    fixed, legacy = repair_legacy(text)
    if legacy is not None:
        return _check_text(fixed, f"utf-8+{legacy}")
    return _check_text(text, "utf-8")


def _decode_with_nuls(data: bytes) -> DecodedText:
    """UTF-16 without a byte-order mark (NULs on one side of ASCII), else binary."""
    head = data[:4096]
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    codec = "utf-16-le" if odd > 0.3 * half and even == 0 else None
    codec = "utf-16-be" if even > 0.3 * half and odd == 0 else codec
    if codec is None:
        raise DecodeError("binary data, not text (NUL bytes)", "binary")
    try:
        return _check_text(data.decode(codec), codec)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {codec} text at byte {exc.start}") from exc


def _decode_legacy(data: bytes) -> DecodedText:
    """An 8-bit Vietnamese encoding (Windows-1258, TCVN3, VNI): the one that reads best."""
    head = data[:65536]
    candidates: dict[str, str] = {}
    with contextlib.suppress(UnicodeDecodeError):
        candidates["windows-1258"] = unicodedata.normalize("NFC", head.decode("cp1258"))
    candidates["tcvn3"] = tcvn3_bytes_to_text(head)
    candidates["vni"] = vni_bytes_to_text(head)
    scored = {name: vietnamese_score(text) for name, text in candidates.items()}
    best = max(scored, key=lambda name: scored[name])
    if scored[best] >= 0.5:
        if best == "windows-1258":
            return _check_text(data.decode("cp1258"), best)
        if best == "tcvn3":
            return _check_text(tcvn3_bytes_to_text(data), best)
        return _check_text(vni_bytes_to_text(data), best)
    guess = charset_normalizer.from_bytes(head).best()
    if guess is not None:
        try:
            return _check_text(data.decode(guess.encoding), guess.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise DecodeError(
        "unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)", "decode"
    )
