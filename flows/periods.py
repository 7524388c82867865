"""Reference periods: the time expressions of a report and the CONTRACT.md period they denote.

"9 tháng đầu năm 2023" → 2023-01-01/2023-09-30, "quý III/2023" → 2023-Q3,
"6 tháng đầu năm" → 2023-H1, "tháng 10/2023" → 2023-10, "đến 30/11" → an
interval from the start of the year (or the month of a stock counted then),
"giai đoạn 2021-2025" → whole years. Comparison periods ("so với cùng kỳ năm
2022") are found too, so that they are not taken for the period of a figure.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from datetime import date

from flows.folding import tone_form, word_set

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
}
_NMONTH = r"\d{1,2}|mười một|mười hai|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười"
_YEAR = r"(?:19|20)\d{2}"
_HIEN_COMPOUNDS = (
    "đại|hành|hữu|thực|trạng|tượng|diện|vật|thân|hình|ra|lên|rõ|trường|kim|dịch|tình|"
    "hồn|ảnh|sinh|tiền|nguyên"
)
"""Words that make "hiện" part of a compound (hiện đại, hiện hành...), not "now"."""
_SEP = r"\s*[/.\-]\s*"
_TO = r"(?P<{}>(?:(?:tính|lũy kế|luỹ kế|từ đầu năm)\s+)?(?:đến|tới)\s+(?:hết\s+|cuối\s+)?)"
_W = r"(?![\w])"

PERIOD_RE = re.compile(
    tone_form(
        rf"(?P<time>(?<![\w.,])\d{{1,2}}\s*(?::|h)\s*\d{{2}}(?![\d])(?:\s*phút)?)"
        rf"|(?P<years>(?:giai đoạn\s+|từ năm\s+|thời kỳ\s+)?(?P<y1>{_YEAR})"
        rf"\s*(?:[-–—]|đến|tới)\s*(?:năm\s+)?(?P<y2>{_YEAR})(?![\d]))"
        rf"|(?P<nmonths>(?<![\w])(?P<n>{_NMONTH})\s+tháng(?:\s+(?P<edge>đầu|cuối))?"
        rf"(?:\s+(?:của\s+)?năm\s+(?P<ny>{_YEAR}|nay|trước)|\s+(?P<ny2>{_YEAR})|\s+năm)?{_W})"
        rf"|(?P<half>(?:nửa|sáu tháng)\s+(?P<hedge>đầu|cuối)\s+năm(?:\s+(?P<hy>{_YEAR}|nay))?)"
        rf"|(?P<quarter>{_TO.format('qto')}?quý\s+(?P<q>iv|i{{1,3}}|[1-4])(?![\w])(?:{_SEP}(?P<qy>{_YEAR})|\s+(?:năm\s+)?(?P<qy2>{_YEAR}|nay))?)"
        rf"|(?P<month>{_TO.format('mto')}?tháng\s+(?P<m>1[0-2]|0?[1-9])(?![\d])(?:{_SEP}(?P<my>{_YEAR})|\s+(?:năm\s+)?(?P<my2>{_YEAR}|nay))?)"
        rf"|(?P<days>(?:từ\s+)?(?P<rword>ngày\s+)?(?<![\w/.,])(?P<r1d>3[01]|[12]\d|0?[1-9])(?:/(?P<r1m>1[0-2]|0?[1-9]))?(?:/(?P<r1y>{_YEAR}))?\s*(?:[-–]|(?:đến|tới)(?:\s+hết)?)\s*(?:ngày\s+)?(?P<r2d>3[01]|[12]\d|0?[1-9])[/.\-](?P<r2m>1[0-2]|0?[1-9])(?:[/.\-](?P<r2y>{_YEAR}))?(?![\d/%]|[.,]\d))"
        rf"|(?P<date>{_TO.format('dto')}?(?P<dayword>ngày\s+)?(?<![\w/.,])(?P<d>3[01]|[12]\d|0?[1-9])(?:/(?P<dm>1[0-2]|0?[1-9])(?:/(?P<dy>{_YEAR}))?|(?P<dsep>[.\-])(?P<dm2>1[0-2]|0?[1-9])(?:(?P=dsep)(?P<dy2>{_YEAR}))?)(?![\d/%]|[.,]\d))"
        rf"|(?P<year>(?:cả\s+)?năm\s+(?P<y>{_YEAR})(?![\d]))"
        rf"|(?P<thisyear>năm\s+nay{_W})"
        rf"|(?P<bareyear>(?<![\w.,/\-]){_YEAR}(?=\s*[,.;:)](?![\d])|\s*$))"
        rf"|(?P<tonow>(?:(?:tính|lũy kế|luỹ kế)\s+)?(?:đến|tới)\s+nay{_W})"
        rf"|(?P<now>(?<![\w])hiện(?:\s+(?:nay|có|tại|đang|còn|vẫn|trên|giờ|thời){_W}"
        rf"|(?=\s+(?!(?:{_HIEN_COMPOUNDS}){_W})[^\W_])))"
    )
)
"""Every time expression, found in one pass over the lower form of a document."""

_COMPARED_WORDS = word_set("so kỳ giá bằng với lần")
"""Words after which a time expression is a comparison ("gấp 10,2 lần năm 2022")."""
_COMPARED_PAIRS = frozenset(
    tone_form(w) for w in ("so với", "so sánh", "cố định", "hiện hành", "cùng thời")
)
_CUA = tone_form("của")
_FROM_START = tone_form("từ đầu năm")
_CUNG_KY = [tone_form("cùng"), tone_form("kỳ")]
_PLAN_WORDS = frozenset(tone_form(w) for w in ("kế hoạch", "chỉ tiêu", "dự toán", "mục tiêu"))


@functools.lru_cache(maxsize=8192)
def _compared(before: str) -> bool:
    """True when the words before a time expression make it a comparison or a plan's year
    ("so với cùng kỳ năm 2022", "giá so sánh năm 2010", "kế hoạch năm 2023", "45% của năm")."""
    cut = max(before.rfind("."), before.rfind(";"), before.rfind("!"), before.rfind("?"))
    words = before[cut + 1 :].split()[-5:]
    if words and words[-1] == _CUA:
        if len(words) > 1 and words[-2].endswith("%"):
            return True
        words = words[:-1]
    if not words:
        return False
    if words[-2:] == _CUNG_KY or words[-1] in _COMPARED_WORDS:
        return True
    if " ".join(words[-2:]) in _COMPARED_PAIRS:
        return True
    for i in range(max(0, len(words) - 4), len(words) - 1):
        if f"{words[i]} {words[i + 1]}" in _PLAN_WORDS:
            return all(w.isalpha() for w in words[i + 2 :])
    return False


_EVER = tone_form("từ trước ")
_WITHIN_ENDS = tuple(tone_form(w) for w in ("trong ", "tính chung ", "trong cả "))
_SEASON_BEFORE = re.compile(tone_form(r"(?<![\w])vụ\s+[^\W\d]+(?:\s+[^\W\d]+)?\s+$"))
_VERB_BEFORE_HIEN = re.compile(tone_form(r"(?:thực|thể|phát|xuất|biểu|hiển|tái)\s*$"))
_DOCUMENT_BEFORE = re.compile(r"[0-9]+/[^\W\d_][\w\-]*\s+(?:ngày\s+)?$")
_DAYLINE_BEFORE = re.compile(tone_form(r"(?:sáng|chiều|tối|trưa|đêm|hôm)(?:\s+(?:nay|qua))?\s+$"))
_DATE_FOLLOW = re.compile(r"\s*(?:[,.;:)|]|$)")


@dataclass(frozen=True, slots=True)
class Period:
    """A reference period: its CONTRACT.md label and the days it covers."""

    label: str
    first: date
    last: date


@dataclass(slots=True)
class Mention:
    """A time expression in a text: span, kind, fields, and whether it is a comparison."""

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None
    months: int | None = None
    from_end: bool = False
    end_year: int | None = None
    to: bool = False
    from_start: bool = False
    """"từ đầu năm đến ...": the words themselves say the figure runs from the year's start."""
    comparison: bool = False
    this_year: bool = False
    end_month: int | None = None
    end_day: int | None = None
    within: bool = False
    """"trong tháng 10", "tính chung 9 tháng": the words say the figures fall within it."""


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_end(year: int, month: int) -> date:
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return date(year, month, _DAYS[month - 1] + leap)


def interval(first: date, last: date) -> Period:
    """The period of a span of days, named the shortest CONTRACT.md way."""
    y = first.year
    if first.day == 1 and last.year == y and last == month_end(y, last.month):
        if first.month == 1 and last.month == 12:
            return Period(str(y), first, last)
        if first.month == last.month:
            return Period(f"{y}-{first.month:02d}", first, last)
        if (first.month, last.month) in ((1, 6), (7, 12)):
            return Period(f"{y}-H{1 if first.month == 1 else 2}", first, last)
        if first.month % 3 == 1 and last.month == first.month + 2:
            return Period(f"{y}-Q{(first.month + 2) // 3}", first, last)
    return Period(f"{first.isoformat()}/{last.isoformat()}", first, last)


_WORD_ANCHOR_RE = re.compile(tone_form(r"hiện|nay|quý|tháng|nửa|ngày"))
_DIGIT_ANCHOR_RE = re.compile(
    tone_form(
        r"[0-9]++(?:[/:]|h[0-9]|[.\-][0-9]{1,2}(?![0-9])|\s*tháng(?![\w])"
        r"|(?<=(?:19|20)[0-9]{2})(?![0-9]))"
    )
)
"""Where a time expression may be: a few words, and digits that are a year or stand before
"/", ":" or "tháng"; both scans skip everything else in C."""


def _anchors(low: str) -> list[tuple[int, int]]:
    """Anchor spans of both scans, in text order."""
    found = [(m.start(), m.end()) for m in _WORD_ANCHOR_RE.finditer(low)]
    found += [
        (m.start(), m.end())
        for m in _DIGIT_ANCHOR_RE.finditer(low)
        if m.start() == 0 or not low[m.start() - 1].isdigit()
    ]
    found.sort()
    return found


_PREFIX_WORDS = word_set(
    "tính lũy luỹ kế từ đầu năm đến tới hết cuối ngày tháng quý giai đoạn thời kỳ cả của "
    "nửa sáu chín tám bảy năm bốn ba hai một mười"
)
_MID_WORDS = word_set("đầu hết cuối kế đoạn kỳ của")
"""Words that continue a time expression but never open one."""


def _starts_before(low: str, pos: int, floor: int) -> list[int]:
    """Where a time expression around `pos` may start: `pos` and up to five words before it
    that can open one ("tính đến hết tháng", "giai đoạn", "từ đầu năm đến"), earliest first.
    Most anchors follow a digit or a sign: one character tells, before any word is cut."""
    starts = [pos]
    i = pos
    for _ in range(5):
        j = i
        while j > floor and low[j - 1] in " \t":
            j -= 1
        if j == floor or not low[j - 1].isalpha():
            break  # no word ends here (a digit, a sign): nothing below would be taken
        k = j - 1
        while k > floor and low[k - 1].isalpha():  # only its letters count ("(năm")
            k -= 1
        word = low[k:j]
        if word not in _PREFIX_WORDS:
            break
        if word not in _MID_WORDS:
            starts.append(k)
        i = k
    starts.reverse()
    return starts


def find_mentions(low: str) -> list[Mention]:
    """Every time expression of a lower-form text, in order, with comparisons marked.

    Found from anchors (digits and a few words), each tried at the few places an expression
    around it can start, so the cost follows the number of anchors, not the text's length."""
    out: list[Mention] = []
    times: list[int] = []
    covered = -1
    for p, _ in _anchors(low):
        if p < covered or (p > 0 and low[p - 1].isalnum() and not low[p].isdigit()):
            continue
        for start in _starts_before(low, p, max(0, covered, p - 40)):
            m = PERIOD_RE.match(low, start)
            if m is None or m.end() <= p:
                continue
            mention = _mention(m, low)
            if mention is None:
                continue
            mention.within = low[max(0, start - 12) : start].endswith(_WITHIN_ENDS)
            if mention.kind == "time":
                times.append(m.start())
            out.append(mention)
            covered = m.end()
            break
    if times:
        out = [
            Mention(mt.start, mt.end, "dateline")
            if mt.kind == "date" and _near(times, mt.start, 24)
            else mt
            for mt in out
        ]
    return out


def _near(positions: list[int], pos: int, distance: int) -> bool:
    """True when one of the (sorted) positions is less than `distance` away from `pos`."""
    i = bisect.bisect_left(positions, pos - distance + 1)
    return i < len(positions) and positions[i] < pos + distance


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _to(to_words: str | None) -> tuple[bool, bool]:
    """Whether "đến" words open a time expression, and whether they say "từ đầu năm"."""
    if not to_words:
        return False, False
    return True, _FROM_START in to_words


def _mention(m: re.Match[str], low: str) -> Mention | None:
    """The mention of one PERIOD_RE match, or None when its words name no period; the words
    before it are looked at only for the kinds that need them."""
    start, end = m.start(), m.end()
    kind = m.lastgroup  # the alternative that matched: each is one named group
    if kind == "time":
        return Mention(start, end, "time")
    if kind == "tonow":
        if low.endswith(_EVER, 0, start):
            return None  # "cao nhất từ trước đến nay": the highest ever, not "up to now"
        return Mention(start, end, "tonow")
    before = low[max(0, start - 24) : start]
    comparison = _compared(before)
    if kind == "years":
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if y2 < y1 or y2 - y1 > 30:
            return None
        if y2 == y1 + 1 and _SEASON_BEFORE.search(before):
            # "vụ Đông Xuân 2018 - 2019": a crop season, of the year it is harvested in
            return Mention(start, end, "year", year=y2, comparison=comparison)
        return Mention(start, end, "years", year=y1, end_year=y2, comparison=comparison)
    if kind == "nmonths":
        n_text = m.group("n")
        n = int(n_text) if n_text.isdigit() else _MONTH_WORDS.get(n_text)
        if not n or n > 12:
            return None
        has_year = m.group("ny") or m.group("ny2") or m.group("edge")
        if not has_year and re.search(
            tone_form(r"(?:dưới|trên|sau|hơn|khoảng|gần|mỗi|từng|vòng|mất|kéo dài|thời hạn)\s+$"),
            before,
        ):
            return None
        year_text = m.group("ny") or m.group("ny2")
        return Mention(
            start,
            end,
            "nmonths",
            year=_int(year_text),
            months=n,
            from_end=m.group("edge") == "cuối",
            comparison=comparison or year_text == "trước",
            this_year=year_text == "nay",
        )
    if kind == "half":
        return Mention(
            start,
            end,
            "nmonths",
            year=_int(m.group("hy")),
            months=6,
            from_end=m.group("hedge") == "cuối",
            comparison=comparison,
            this_year=m.group("hy") == "nay",
        )
    if kind == "quarter":
        to, from_start = _to(m.group("qto"))
        q_text = m.group("q")
        q = _ROMAN.get(q_text) or _int(q_text)
        year_text = m.group("qy") or m.group("qy2")
        return Mention(
            start,
            end,
            "quarter",
            year=_int(year_text),
            quarter=q,
            to=to,
            from_start=from_start,
            comparison=comparison,
            this_year=year_text == "nay",
        )
    if kind == "month":
        to, from_start = _to(m.group("mto"))
        year_text = m.group("my") or m.group("my2")
        return Mention(
            start,
            end,
            "month",
            year=_int(year_text),
            month=int(m.group("m")),
            to=to,
            from_start=from_start,
            comparison=comparison,
            this_year=year_text == "nay",
        )
    if kind == "days":  # "30/4 - 1/5", "(30/8-2/9)", "từ ngày 1 đến hết 20-10": an interval
        if m.group("r1m") is None and m.group("rword") is None:
            return None  # "5 - 10/3" without "ngày" may be numbers
        y1, y2 = _int(m.group("r1y")), _int(m.group("r2y"))
        m2 = int(m.group("r2m"))
        m1 = int(m.group("r1m") or m2)
        return Mention(
            start,
            end,
            "days",
            year=y1 or y2,
            month=m1,
            day=int(m.group("r1d")),
            end_year=y2,
            end_month=m2,
            end_day=int(m.group("r2d")),
            comparison=comparison,
        )
    if kind == "date":
        to, from_start = _to(m.group("dto"))
        d = int(m.group("d"))
        mo = int(m.group("dm") or m.group("dm2"))
        y = _int(m.group("dy") or m.group("dy2"))
        bare = not (m.group("dayword") or y or to)
        if bare and m.group("dsep") and not _DAYLINE_BEFORE.search(before):
            return None  # "14-3", "14.3" without "ngày", "đến" or "chiều": maybe numbers
        if bare and not (_DATE_FOLLOW.match(low, end) or _DAYLINE_BEFORE.search(before)):
            return None
        try:
            date(y or 2000, mo, d)
        except ValueError:
            return None
        if _DOCUMENT_BEFORE.search(before):
            comparison = True  # the date of a decision or a letter, not of a figure
        return Mention(
            start,
            end,
            "date",
            year=y,
            month=mo,
            day=d,
            to=to,
            from_start=from_start,
            comparison=comparison,
        )
    if kind == "year":
        return Mention(start, end, "year", year=int(m.group("y")), comparison=comparison)
    if kind == "bareyear":  # "Kết thúc năm lương thực 2025, ...": a year named after its noun
        return Mention(start, end, "year", year=int(m.group()), comparison=comparison)
    if kind == "thisyear":
        return Mention(start, end, "year", this_year=True, comparison=comparison)
    if kind == "now":
        if _VERB_BEFORE_HIEN.search(before):
            return None  # "thực hiện", "thể hiện": a verb, not "now"
        return Mention(start, end, "now")
    return None


def resolve(mention: Mention, year: int | None, stock: bool = False) -> Period | None:
    """The period a mention denotes, taking `year` when the words give none; None if unknown."""
    y = mention.year or year
    if mention.kind == "years" and mention.year and mention.end_year:
        return interval(date(mention.year, 1, 1), date(mention.end_year, 12, 31))
    if mention.kind == "days" and mention.month and mention.end_month and mention.day:
        y2 = mention.end_year or mention.year or year
        if y2 is None or not (1900 <= y2 <= 2100) or not mention.end_day:
            return None
        y1 = y2 if mention.month <= mention.end_month else y2 - 1  # "28/12 - 3/1"
        try:
            return interval(
                date(mention.year or y1, mention.month, mention.day),
                date(y2, mention.end_month, mention.end_day),
            )
        except ValueError:
            return None
    if y is None or not (1900 <= y <= 2100):
        return None
    try:
        if mention.kind == "year":
            return interval(date(y, 1, 1), date(y, 12, 31))
        if mention.kind == "nmonths" and mention.months:
            n = mention.months
            if mention.from_end:
                return interval(date(y, 13 - n, 1), date(y, 12, 31))
            return interval(date(y, 1, 1), month_end(y, n))
        if mention.kind == "quarter" and mention.quarter:
            q = mention.quarter
            last = month_end(y, q * 3)
            if mention.to and stock:
                return interval(date(y, q * 3, 1), last)
            first = date(y, 1, 1) if mention.to else date(y, q * 3 - 2, 1)
            return interval(first, last)
        if mention.kind == "month" and mention.month:
            last = month_end(y, mention.month)
            if mention.to and not stock:
                return interval(date(y, 1, 1), last)
            return interval(date(y, mention.month, 1), last)
        if mention.kind == "date" and mention.month and mention.day:
            day = date(y, mention.month, mention.day)
            if mention.to and not stock:
                return interval(date(y, 1, 1), day)
            return Period(day.isoformat(), day, day)
    except ValueError:
        return None
    return None


def as_stock(period: Period) -> Period:
    """The period of a stock counted at the end of a period: its last month (or day)."""
    if period.first == period.last:
        return period
    last = period.last
    return interval(date(last.year, last.month, 1), month_end(last.year, last.month))
