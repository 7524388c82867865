"""Vietnamese numerals: digits, scale words, spelled-out numbers, ranges, percent, "gấp X lần".

Vietnamese reports group thousands with '.' and mark decimals with ','
("51.990,563"), put scale words after the digits ("1,5 tỷ", "518,2 nghìn tỷ",
"1 tỷ 306 triệu") and sometimes spell numbers out ("hai mươi lăm nghìn").
Every pattern here works on the lower form of a text (`flows.folding.lower_form`),
which keeps offsets, so spans found here are spans of the original text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flows.folding import lower_form, tone_form, trie_pattern, word_set

SCALES: dict[str, float] = {
    "nghìn": 1e3,
    "ngàn": 1e3,
    "ngìn": 1e3,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}
"""Scale words and their factors; combined ones multiply ("nghìn tỷ" = 10^12)."""

_UNIT_DIGITS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_AFTER_TENS_ONLY = frozenset({"mốt", "lăm", "nhăm"})
_MARKERS = frozenset({"mười", "mươi", "chục", "trăm", "linh", "lẻ", "rưỡi", "phẩy"})
NUMBER_WORDS: frozenset[str] = frozenset(_UNIT_DIGITS) | _MARKERS | frozenset(SCALES)
"""Every word that can be part of a spelled-out number."""

_W = r"(?![\w])"
_SCALE_WORDS = "|".join(SCALES)
SCALE = tone_form(rf"(?:{_SCALE_WORDS})(?!\s*(?:lệ|trọng|suất|giá)\b)" + _W)
"""A scale word, not the "tỷ" of "tỷ lệ" / "tỷ trọng"."""

DIGITS = r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\d])"
"""Digits with '.' / ',' separators, not starting inside another token."""

_WORD = tone_form("(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")" + _W)
SPELLED = rf"(?<![\w]){_WORD}(?:\s+{_WORD})*"
"""A run of number words (validated by `parse_amount`)."""

AMOUNT = (
    rf"{DIGITS}(?:\s*{SCALE})*(?:\s+{DIGITS}\s*{SCALE}(?:\s*{SCALE})*)*"
    rf"(?:\s+{tone_form('rưỡi')}{_W})?"
)
"""A written amount: digits with scale words, also two-part ("1 tỷ 306 triệu")."""

_PERCENT = tone_form(r"(?:\s+điểm)?(?:\s*%|\s+phần\s+trăm" + _W + ")")
_RANGE_SEP = tone_form(r"\s*[-–—~]\s*")
_QUAL = tone_form(r"hơn|gần|khoảng|xấp xỉ|trên|chừng|ngót")
_TIMES_WORD = tone_form(r"đôi|rưỡi|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười")

NUMERAL_RE = re.compile(
    tone_form(
        rf"(?P<times>(?:gấp\s+(?:(?P<tq>{_QUAL})\s+)?"
        rf"(?:(?P<tn>{AMOUNT})|(?P<tw>{_TIMES_WORD}){_W})(?:\s+lần{_W})?)"
        rf"|(?P<tl>{AMOUNT})\s+lần{_W}(?!\s+thứ))"
        rf"|(?:từ\s+)?(?P<a>{AMOUNT}|{SPELLED})(?P<ap>{_PERCENT})?"
        rf"(?:(?:{_RANGE_SEP}|\s+(?:đến|tới)\s+)(?P<b>{AMOUNT})(?P<bp>{_PERCENT})?)?"
    )
)
"""One numeral: a multiplier ("gấp 1,7 lần"), or an amount, or a range, each maybe in percent."""

_TOKEN_RE = re.compile(rf"\d+(?:[.,]\d+)*|{_WORD}|%")


@dataclass(slots=True)
class Numeral:
    """A number as written: its span, bounds, and how it is written."""

    start: int
    end: int
    low: float
    high: float
    percent: bool = False
    times: bool = False
    spelled: bool = False
    scaled: bool = False
    qualifier: str | None = None

    @property
    def is_range(self) -> bool:
        """True for "1.100 - 1.350": two different bounds."""
        return self.low != self.high


def parse_digits(text: str) -> float | None:
    """The value of digits written the Vietnamese way ('.' thousands, ',' decimal), or None."""
    if text.isdigit():
        return float(text)
    s = text.strip().lstrip("+")
    if not s or not s[0].isdigit() or not s[-1].isdigit():
        return None
    dots, commas = s.count("."), s.count(",")
    try:
        if dots and commas:
            if s.rfind(",") > s.rfind("."):
                return _finite(float(s.replace(".", "").replace(",", ".")))
            return _finite(float(s.replace(",", "")))
        if commas:
            groups = s.split(",")
            if commas > 1 and all(len(g) == 3 for g in groups[1:]):
                return _finite(float(s.replace(",", "")))
            if commas > 1:
                return None
            return _finite(float(s.replace(",", ".")))
        if dots:
            groups = s.split(".")
            if all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
                return _finite(float(s.replace(".", "")))
            if dots == 1:
                return _finite(float(s))
            return None
        return _finite(float(s))
    except ValueError:
        return None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _combine(tokens: Sequence[float | str]) -> float | None:
    """The value of a run of digit groups and number words, or None when it is not one number."""
    total = 0.0
    section = 0.0
    has_section = False
    pending: int | None = None
    pending_after_scale = False
    last_group = 0.0
    last_scale = math.inf
    group_scale = 0.0
    prev: float | str | None = None
    decimals: str | None = None
    for tok in tokens:
        if decimals is not None and isinstance(tok, str) and tok in _UNIT_DIGITS:
            decimals += str(_UNIT_DIGITS[tok])
            prev = tok
            continue
        if decimals is not None:
            if not decimals or not (isinstance(tok, str) and tok in SCALES):
                return None
            section += float("0." + decimals)
            decimals = None
        if isinstance(tok, float):
            if has_section or pending is not None or (prev is not None and prev not in SCALES):
                return None
            section, has_section = tok, True
        elif tok in _UNIT_DIGITS:
            if pending is not None:
                return None
            if tok in _AFTER_TENS_ONLY and prev not in ("mươi", "mười"):
                return None
            if tok == "tư" and prev not in ("mươi", "trăm", "linh", "lẻ"):
                return None
            if tok == "không" and prev is not None and prev not in SCALES and prev != "phẩy":
                return None
            pending = _UNIT_DIGITS[tok]
            pending_after_scale = isinstance(prev, str) and prev in SCALES
        elif tok == "mười":
            if pending is not None or section % 100:
                return None
            section += 10
            has_section = True
        elif tok == "mươi":
            if pending is None or pending < 2 or section % 100:
                return None
            section += pending * 10
            pending, has_section = None, True
        elif tok == "chục":
            section += (pending if pending is not None else 1) * 10
            pending, has_section = None, True
        elif tok == "trăm":
            if section % 1000 and prev not in SCALES:
                return None
            section += (pending if pending is not None else 1) * 100
            pending, has_section = None, True
        elif tok in ("linh", "lẻ"):
            if prev != "trăm":
                return None
        elif tok == "phẩy":
            if pending is not None:
                section += pending
                pending, has_section = None, True
            if not has_section:
                return None
            decimals = ""
        elif tok == "rưỡi":
            if isinstance(prev, str) and prev in SCALES:
                total += 0.5 * group_scale
            elif prev == "trăm":
                section += 50
            else:
                return None
        elif tok in SCALES:
            scale = SCALES[tok]
            if isinstance(prev, str) and prev in SCALES:
                total += last_group * (scale - 1)
                last_group *= scale
                group_scale *= scale
                last_scale = group_scale
            else:
                value = section + (pending or 0)
                if not has_section and pending is None:
                    return None
                if scale >= last_scale:
                    return None
                last_group = value * scale
                total += last_group
                group_scale = scale
                last_scale = scale
                section, has_section, pending = 0.0, False, None
        else:
            return None
        prev = tok
    if decimals is not None:
        if not decimals:
            return None
        section += float("0." + decimals)
    if pending is not None:
        if pending_after_scale and not has_section:
            return _finite(total + pending * group_scale / 10)
        section += pending
        has_section = True
    if not has_section and total == 0:
        return None
    return _finite(total + section)


def parse_amount(text: str) -> float | None:
    """The value of a written amount ("1,5 tỷ", "hai mươi lăm nghìn", "1 tỷ 306 triệu"), or None."""
    if text.isdigit():
        return float(text)
    return _amount(lower_form(text))


def _amount(low: str) -> float | None:
    """`parse_amount` of a text already in lower form."""
    if low.isdigit():
        return float(low)
    if " " not in low and low[:1].isdigit() and low[-1:].isdigit():
        return parse_digits(low)
    digits, _, word = low.partition(" ")
    scale = SCALES.get(word)
    if scale is not None and _DIGIT_RUN.fullmatch(digits):
        return _scaled(digits, scale)
    tokens: list[float | str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(low):
        if low[pos : m.start()].strip():
            return None
        pos = m.end()
        word = m.group()
        if word[0].isdigit():
            value = parse_digits(word)
            if value is None:
                return None
            tokens.append(value)
        elif word == "%":
            return None
        else:
            tokens.append(word)
    if low[pos:].strip() or not tokens:
        return None
    return _combine(tokens)


def _scaled(digits: str, scale: float) -> float | None:
    """`_combine` of digits and one scale word ("1,6 triệu"), the commonest written amount,
    without its token loop: the same value, and None for a zero or an unreadable group."""
    value = parse_digits(digits)
    if value is None:
        return None
    total = value * scale
    return _finite(total) if total else None


def parse_number(text: str) -> float | None:
    """The value of a whole numeral text, in percent points for "45%" and "45 phần trăm"."""
    low = lower_form(text).strip()
    m = NUMERAL_RE.fullmatch(low)
    if m is None:
        return None
    numeral = _numeral(m, low)
    if numeral is None or numeral.is_range:
        return None
    return numeral.low


def _longest_amount(raw: str, base: int) -> tuple[float, int] | None:
    """The value and end of the longest prefix of a spelled run that reads as one number."""
    words = list(re.finditer(r"\S+", raw))
    for n in range(len(words), 0, -1):
        tokens: list[float | str] = []
        for w in words[:n]:
            word = w.group()
            value = parse_digits(word) if word[0].isdigit() else None
            tokens.append(value if value is not None else word)
        value = _combine(tokens)
        if value is not None:
            return value, base + words[n - 1].end()
    return None


def _numeral(m: re.Match[str], low: str) -> Numeral | None:
    """The numeral of one NUMERAL_RE match, or None when the words are not a number."""
    if m.group("times") is not None or m.group("tl") is not None:
        if m.group("tw"):
            word = m.group("tw")
            value = {"đôi": 2.0, "rưỡi": 1.5}.get(word, float(_UNIT_DIGITS.get(word, 10)))
        else:
            text = m.group("tn") or m.group("tl")
            value = parse_amount(text) if text else None
            if value is None:
                return None
        return Numeral(m.start(), m.end(), value, value, times=True, qualifier=m.group("tq"))
    a = m.group("a")
    spelled = not a[0].isdigit()
    if spelled:
        found = _longest_amount(a, m.start("a"))
        if found is None:
            return None
        low_value, a_end = found
        if a_end != m.end("a"):
            return Numeral(m.start("a"), a_end, low_value, low_value, spelled=True)
    else:
        low_value = parse_amount(a)
        if low_value is None:
            return None
    scaled = any(w in SCALES for w in a.split())
    percent = m.group("ap") is not None
    high_value = low_value
    if m.group("b") is not None:
        b_value = parse_amount(m.group("b"))
        if b_value is None:
            return Numeral(
                m.start("a"),
                m.end("ap") if percent else m.end("a"),
                low_value,
                low_value,
                percent=percent,
                spelled=spelled,
                scaled=scaled,
            )
        b_scale = _scale_of(m.group("b"))
        if not scaled and b_scale > 1:
            low_value *= b_scale
        percent = percent or m.group("bp") is not None
        high_value = b_value
        scaled = scaled or b_scale > 1
        if high_value < low_value:
            low_value, high_value = high_value, low_value
    return Numeral(
        m.start(), m.end(), low_value, high_value, percent=percent, spelled=spelled, scaled=scaled
    )


def _scale_of(text: str) -> float:
    """The combined scale factor of the scale words at the end of an amount."""
    factor = 1.0
    for word in reversed(text.split()):
        if word in SCALES:
            factor *= SCALES[word]
        else:
            break
    return factor


def iter_numerals(low: str, start: int = 0, end: int | None = None) -> Iterator[Numeral]:
    """The numerals of `low` (a lower-form text) between `start` and `end`, in order."""
    stop = len(low) if end is None else end
    for m in NUMERAL_RE.finditer(low, start, stop):
        numeral = _numeral(m, low)
        if numeral is not None:
            yield numeral


_DIGIT_RUN = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_PLAIN_RE = re.compile(
    tone_form(
        rf"(?P<a>{AMOUNT})(?P<ap>{_PERCENT})?"
        rf"(?:(?:{_RANGE_SEP}|\s+(?:đến|tới)\s+)(?P<b>{AMOUNT})(?P<bp>{_PERCENT})?)?"
        rf"(?P<lan>\s+lần{_W}(?!\s+thứ))?"
    )
)
_TIMES_BEFORE = re.compile(tone_form(rf"gấp\s+(?:(?:{_QUAL})\s+)?$"))
_UNIT_START = trie_pattern(
    word_set(
        "đồng usd đô người lao học sinh hộ doanh công dự cơ trường xã cửa thỏa thoả hiệp xe "
        "phương ô chiếc toa tấn tạ ha héc km lượt khách du nhân cán hội đoàn trẻ đối phần lần "
        "nghìn ngàn triệu tỷ tỉ huyện tỉnh làng thôn bản sản dòng hợp"
    )
)
_WORD_TRIE = "(?:" + trie_pattern(NUMBER_WORDS) + ")" + _W


def _spelled_pattern() -> str:
    """Spelled-out numerals followed by a unit or scale word, and "gấp hai": one alternative
    per first letter, each of them a literal, so that the scan skips to candidates in C; the
    look-behind after that letter (`(?<!\\w.)`) says the word starts there."""
    by_first: dict[str, set[str]] = {}
    for word in NUMBER_WORDS:
        by_first.setdefault(word[0], set()).add(word[1:])
    tail = rf"{_W}(?:\s+{_WORD_TRIE})*(?=\s*(?:{_UNIT_START}{_W}|%))"
    alts = [rf"g(?<!\w.)ấp\s+(?:(?:{_QUAL})\s+)?(?:{_TIMES_WORD}){_W}"]
    for first in sorted(by_first):
        alts.append(rf"{re.escape(first)}(?<!\w.)(?:{trie_pattern(by_first[first])}){tail}")
    return tone_form("(?:" + "|".join(alts) + ")")


_SPELLED_RE = re.compile(_spelled_pattern())


class _AmountCache(dict[str, float | None]):
    """Values of written amounts, computed once each ("2023", "1.300", "1,5 tỷ")."""

    def __missing__(self, key: str) -> float | None:
        value = _amount(key)
        if len(self) > 100_000:
            self.clear()
        self[key] = value
        return value


_AMOUNTS = _AmountCache()


def _plain(m: re.Match[str]) -> Numeral | None:
    """The numeral of a _PLAIN_RE match: an amount, a range, a percent, or "X lần" (its
    five groups read in one call: this runs once for nearly every figure of a text)."""
    a, ap, b, bp, lan = m.groups()
    value = _AMOUNTS[a]
    if value is None:
        return None
    start = m.start()
    if b is None and lan is not None:
        return Numeral(start, m.end(), value, value, False, True)
    percent = ap is not None
    scaled = not a[-1].isdigit()
    if b is None:
        end = start + len(a) if ap is None else start + len(a) + len(ap)
        return Numeral(start, end, value, value, percent, False, False, scaled)
    high = _AMOUNTS[b]
    if high is None or (ap is not None and bp is not None and _listed(m, value, high)):
        # "40,97% - 16,18% - 39,77%": shares listed with dashes, each with its own sign
        end = m.end("ap") if percent else m.end("a")
        return Numeral(start, end, value, value, percent=percent, scaled=scaled)
    b_scale = _scale_of(b)
    if not scaled and b_scale > 1:
        value *= b_scale
    percent = percent or bp is not None
    end = m.end("bp") if bp is not None else m.end("b")
    low_value, high_value = min(value, high), max(value, high)
    return Numeral(start, end, low_value, high_value, percent=percent, scaled=scaled or b_scale > 1)


def _listed(m: re.Match[str], first: float, second: float) -> bool:
    """True when two percents joined by a dash are items of a list, not a range: they fall,
    or a dash joins them to a figure before ("... - 16,18% - 39,77%")."""
    if second < first:
        return True
    before = m.string[max(0, m.start() - 4) : m.start()].rstrip()
    return before.endswith(("-", "–")) and before[:-1].rstrip()[-1:] in ("%", *"0123456789")


def find_numerals(low: str, skip: Sequence[tuple[int, int]] = ()) -> list[Numeral]:
    """Every numeral of a lower-form text, in order: found from its digits (a few characters
    looked at before them for "gấp"), and spelled-out ones followed by a unit or scale word.
    Digits inside the `skip` spans (sorted; time expressions) are passed over."""
    out: list[Numeral] = []
    covered = -1
    for d in _DIGIT_RUN.finditer(_blanked(low, skip) if skip else low):
        p = d.start()
        if p < covered:
            continue
        if low.find("gấp", p - 16 if p > 16 else 0, p) >= 0:
            before = low[max(0, p - 16) : p]
            t = _TIMES_BEFORE.search(before)
            if t is not None:
                m = NUMERAL_RE.match(low, p - len(before) + t.start())
                numeral = _numeral(m, low) if m is not None else None
                if numeral is not None and numeral.end > p:
                    out.append(numeral)
                    covered = numeral.end
                    continue
        m = _PLAIN_RE.match(low, p)
        numeral = _plain(m) if m is not None else None
        if numeral is not None:
            out.append(numeral)
            covered = numeral.end
    if not _SPELLED_HINT.search(low):
        return out
    spelled: list[Numeral] = []
    for m in _SPELLED_RE.finditer(low):
        if _NEVER_FIRST.match(low, m.start()):
            continue  # "tỷ đồng" after "1,5": no number starts with a scale word
        w = NUMERAL_RE.match(low, m.start())
        numeral = _numeral(w, low) if w is not None else None
        if numeral is not None and not any(c.isdigit() for c in low[m.start() : numeral.end]):
            spelled.append(numeral)
    if not spelled:
        return out
    return sorted(out + spelled, key=lambda n: n.start)


def _blanked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with the (sorted) spans turned into NULs, same length: a scan of its digits
    never stops inside them. A digit run it cuts at a span's end starts after a digit or a
    separator, where no numeral starts, so the runs found are those of the text that matter."""
    parts: list[str] = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        if end > start:
            parts += (text[pos:start], "\0" * (end - start))
            pos = end
    parts.append(text[pos:])
    return "".join(parts)


_NEVER_FIRST = re.compile(
    tone_form(rf"(?:{_SCALE_WORDS}|rưỡi|linh|lẻ|mươi|mốt|lăm|nhăm|tư|phẩy)") + _W
)
"""Number words no number starts with (`_combine` refuses each of them first)."""
_SPELLED_HINT = re.compile(tone_form(r"mười|mươi|một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|trăm|gấp"))
