"""Base periods: what a change compares with (CONTRACT.md's base_period section).

A comparison phrase ("so với cùng kỳ", "so với năm 2021", "gấp 2 lần năm 2020") never sets
a period: it gives the base of the changes it closes or introduces (`assign_comparisons`),
dated from the change's own period (`base_of`): "cùng kỳ" one year earlier, "tháng trước"
the month before, "đầu năm" the year's first day, a holiday's base its year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flows.folding import tone_form
from flows.periods import Period, as_stock, interval, month_end

_YEAR = r"(?:19|20)\d{2}"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

COMPARISON_RE = re.compile(
    tone_form(
        r"(?:(?<![\w])so(?:\s+sánh)?(?:\s+với)?|(?<=lần)(?=\s+(?:năm\s+\d|cùng kỳ)))\s+(?:"
        r"(?P<prevdays>cùng kỳ tháng trước)"
        r"|(?P<prevmonth>(?:cùng thời điểm\s+)?tháng trước)"
        rf"|(?P<sameperiod>(?:tháng\s+|quý\s+)?(?:cùng kỳ|cùng thời điểm|cùng thời gian)"
        rf"(?:\s+(?:năm\s+)?(?P<sy>{_YEAR}|trước|ngoái))?(?![\w]))"
        r"|(?P<prevquarter>quý trước)"
        r"|(?P<prevyear>(?:cùng kỳ\s+)?năm (?:trước|ngoái))"
        rf"|(?P<yearstart>đầu năm(?:\s+(?P<ysy>{_YEAR}))?)"
        rf"|(?P<month>(?:cuối\s+|hết\s+)?tháng\s+(?P<m>1[0-2]|0?[1-9])(?:\s*[/.\-]\s*(?P<my>{_YEAR}))?(?![\d]))"
        rf"|(?P<quarter>(?:cuối\s+)?quý\s+(?P<q>iv|i{{1,3}}|[1-4])(?:\s*[/.\-]\s*(?:năm\s+)?(?P<qy>{_YEAR}))?(?![\w]))"
        rf"|(?P<year>(?:cuối\s+|cả\s+)?(?:năm\s+)?(?P<y>{_YEAR})(?![\d]))"
        r"|(?P<plan>(?:chỉ tiêu\s+)?(?:kế hoạch|dự toán|chỉ tiêu|mục tiêu|nghị quyết|kh(?![\w])))"
        r"|(?P<other>[^\W\d_]))"
    )
)
"""A comparison phrase: what follows "so với" (or "so", "so sánh với") names the base."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison phrase of a text: where it stands and what base it names."""

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    quarter: int | None = None

    @property
    def is_plan(self) -> bool:
        """True for "so với kế hoạch": a plan, not a base period."""
        return self.kind == "plan"


def find_comparisons(low: str) -> list[Comparison]:
    """Every comparison phrase of a lower-form text, in order: after "so (với)", and right
    after a multiplier ("gấp 10,2 lần năm 2022"); anchored on those words, cheap."""
    out: list[Comparison] = []
    for anchor, skip in (("so", 0), ("lần", 3)):
        pos = low.find(anchor)
        while pos >= 0:
            m = COMPARISON_RE.match(low, pos + skip)
            if m is not None:
                out.append(_comparison(m))
                pos = low.find(anchor, m.end())
            else:
                pos = low.find(anchor, pos + len(anchor))
    out.sort(key=lambda c: c.start)
    return out


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _comparison(m: re.Match[str]) -> Comparison:
    kind = m.lastgroup or "other"
    start, end = m.start(), m.end()
    if kind == "sameperiod":
        y = m.group("sy")
        return Comparison(start, end, kind, year=_int(y))
    if kind == "yearstart":
        return Comparison(start, end, kind, year=_int(m.group("ysy")))
    if kind == "month":
        return Comparison(start, end, kind, year=_int(m.group("my")), month=int(m.group("m")))
    if kind == "quarter":
        q = m.group("q")
        quarter = _ROMAN.get(q) or int(q)
        return Comparison(start, end, kind, year=_int(m.group("qy")), quarter=quarter)
    if kind == "year":
        return Comparison(start, end, kind, year=int(m.group("y")))
    if kind == "other":
        end = start + len(m.group(0)) - 1
    return Comparison(start, end, kind)


# ---- periods moved in time -------------------------------------------------------------------


def _same_day(year: int, month: int, day: int, month_end_day: bool) -> date:
    """The day in another year or month; a month's last day stays its last day."""
    last = month_end(year, month)
    return last if month_end_day or day > last.day else date(year, month, day)


def shift_years(period: Period, years: int) -> Period:
    """The same days `years` earlier or later ("cùng kỳ" of 2023-01-01/2023-02-28 →
    2022-01-01/2022-02-28; 29 February keeps the month's end)."""
    f, la = period.first, period.last
    first = _same_day(f.year + years, f.month, f.day, False)
    last = _same_day(la.year + years, la.month, la.day, la == month_end(la.year, la.month))
    if period.first == period.last:
        return Period(last.isoformat(), last, last)
    return interval(first, last)


def shift_months(period: Period, months: int) -> Period:
    """The same days of an earlier month (figures of 1-20 October → 1-20 September)."""

    def move(d: date, keep_end: bool) -> date:
        k = d.year * 12 + d.month - 1 + months
        return _same_day(k // 12, k % 12 + 1, d.day, keep_end)

    f, la = period.first, period.last
    last = move(la, la == month_end(la.year, la.month))
    if f == la:
        return Period(last.isoformat(), last, last)
    return interval(move(f, False), last)


def month_of(period: Period) -> Period:
    """The month a period ends in (a change "so với tháng trước" is a month's figure)."""
    if period.first.year == period.last.year and period.first.month == period.last.month:
        return period
    return as_stock(period)


HOLIDAY_RE = re.compile(tone_form(r"(?<![\w])(?:lễ|tết|nghỉ)(?![\w])"))
"""Words of a holiday (Tết, a long weekend): its days differ from year to year."""


def base_of(comparison: Comparison, period: Period | None, holiday: bool) -> str | None:
    """The base period a comparison names for a change of `period` (CONTRACT's base
    section); None when it names another area or quantity, or the period is unknown."""
    kind = comparison.kind
    if kind == "year":
        return str(comparison.year)
    if kind == "month" and comparison.year:
        return f"{comparison.year}-{comparison.month:02d}"
    if kind == "quarter" and comparison.year:
        return f"{comparison.year}-Q{comparison.quarter}"
    if period is None:
        return None
    year = period.last.year
    if kind in ("sameperiod", "prevyear"):
        if comparison.year and comparison.year < period.first.year:
            shifted = shift_years(period, comparison.year - period.first.year)
        else:
            shifted = shift_years(period, -1)
        if holiday and (period.last - period.first).days < 10:
            return str(shifted.last.year)  # a holiday's earlier dates are not given
        return shifted.label
    if kind == "prevmonth":
        return shift_months(month_of(period), -1).label
    if kind == "prevdays":
        return shift_months(period, -1).label
    if kind == "prevquarter":
        return shift_months(period, -3).label
    if kind == "yearstart":
        return f"{comparison.year or year}-01-01"
    if kind == "month":
        return f"{year}-{comparison.month:02d}"
    if kind == "quarter":
        return f"{year}-Q{comparison.quarter}"
    return None


# ---- which changes a comparison closes or introduces ---------------------------------------


@dataclass(slots=True)
class ChangeSlot:
    """A change of a sentence being dated: where its number ends, and the comparison found."""

    start: int
    end: int
    comparison: Comparison | None = None


_ATTACH_GAP = 45
"""How far after a change its comparison may stand ("tăng 8,05% so với cuối năm 2024")."""


def assign_comparisons(
    changes: Sequence[ChangeSlot], comparisons: Sequence[Comparison], low: str
) -> None:
    """Give the changes of one sentence their comparison, by CONTRACT's reach rules.

    A comparison right after a change closes it and the list of changes before it
    ("thịt tăng 1,5%, trứng tăng 9% so với cùng kỳ"); one that follows no change of its clause
    introduces the changes after it, up to the next comparison ("So với cùng kỳ, A tăng 4%,
    B tăng 2%"). A change in a later clause with no comparison of its own keeps none."""
    forward: list[Comparison] = []
    for comparison in comparisons:
        if comparison.is_plan:
            continue
        before = [c for c in changes if c.end <= comparison.start]
        last = before[-1] if before else None
        if (
            last is None
            or comparison.start - last.end > _ATTACH_GAP
            or _CLAUSE_BREAK.search(low, last.end, comparison.start)
        ):
            forward.append(comparison)
            continue
        last.comparison = comparison
        # a comparison inside brackets reaches only the changes inside them
        opened = low.rfind("(", 0, comparison.start)
        floor = opened if opened > low.rfind(")", 0, comparison.start) else -1
        reached = last
        for slot in reversed(before[:-1]):
            if slot.comparison is not None or slot.start < floor:
                break
            if _SENTENCE_BREAK.search(low, slot.end, reached.start):
                break  # "(tăng 2.389 ha).Vụ Thu Đông ...": a sentence the split missed
            slot.comparison = comparison
            reached = slot
    for comparison in forward:
        later = [c for c in comparisons if c.start > comparison.start and not c.is_plan]
        stop = later[0].start if later else len(low)
        for slot in changes:
            if slot.start < comparison.end:
                continue
            if slot.start > stop or slot.comparison is not None:
                break
            slot.comparison = comparison


_CLAUSE_BREAK = re.compile(r"[;.:]|,\s*(?:trong đó|tuy nhiên)")
_SENTENCE_BREAK = re.compile(r"\.\s*(?=[^\W\d_])")
