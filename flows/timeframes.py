"""Time frames: the period that dates each figure of a report (CONTRACT.md's period section).

`TimeFrames` reads a document's time words once and keeps, sentence by sentence, the frame
its figures fall back on. The rules about time live here and nowhere else:

- the publication date (at its precision) is the report's "now": `hiện nay`, `hiện có`,
  `đến nay` are read against it, and so are results against the year's plan with no year;
- a time expression that opens a clause ("Năm 2022, ...", "Tính đến 30/11, ...") frames
  what the text says next; one inside a clause ("chỉ số ... tháng 10 tăng ...") dates only
  its own figures; a new time word resets the frame;
- a time expression right after a figure dates that figure; an aside in brackets dates
  only its own numbers; a comparison never sets a period (`flows.bases` gives the base);
- a plan horizon ("phấn đấu", "mục tiêu đến năm 2030") dates only its targets;
- stocks are counted at a moment (`tính đến ngày X ... có`, credit outstanding, communes,
  rates), flows over an interval, at the precision the text gives;
- a headline figure the body repeats takes the body's period and base; figures before the
  report names any frame take the only frame it names.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from flows.bases import (
    HOLIDAY_RE,
    ChangeSlot,
    Comparison,
    assign_comparisons,
    base_of,
    find_comparisons,
    month_of,
)
from flows.folding import lower_pattern, tone_form, word_set
from flows.numbers import Numeral
from flows.periods import Mention, Period, as_stock, interval, month_end, resolve
from flows.quantities import MONEY

NOW_KINDS = frozenset(("now", "tonow"))
PERIOD_KINDS = frozenset(("year", "years", "nmonths", "quarter", "month", "date", "days"))
"""Time words that name a period (not "hiện nay", not a clock time or a dateline)."""
CHANGE_MEASURES = frozenset({"change_pct", "change_abs", "change_pp"})
_rx = lower_pattern


_OF_WHICH = tone_form("trong đó")
_TARGET_RE = _rx(
    r"(?<![\w])(?:phấn đấu|mục tiêu đến|đặt mục tiêu|tầm nhìn|định hướng đến|dự báo)(?![\w])"
)
"""A sentence of targets or forecasts: dated by its horizon, provinces as they stood then."""
_PROGRAMME_RE = _rx(
    r"(?<![\w])(?:nghị quyết|kế hoạch|chương trình|đề án|chiến lược|quy hoạch)(?![\w])"
)
_STOCK_RE = _rx(r"lũy kế|luỹ kế|còn hiệu lực|đang hoạt động")
_STOCK_UNITS = frozenset({"commune", "institution", "household", "border_gate"})
"""Things counted as they stand at a date: communes, institutions, households, border gates."""
_STOCK_WORDS_RE = _rx(
    r"(?:t(?<![\w].)(?:ỷ|ỉ) lệ|c(?<![\w].)he phủ|b(?<![\w].)ao phủ|d(?<![\w].)ân số)(?![\w])"
)
"""A rate, a coverage or a population: a figure as it stands at a date, not a flow (each
word's first letter a literal, so that the search skips to candidates in C; the look-behind
after it says the word starts there)."""
_STANDING_AREA_RE = _rx(
    r"(?<![\w])diện tích(?!\s+(?:gieo|thu hoạch|trồng|xuống giống|cấy|sạ|chuyển đổi))"
)
_DEBT_RE = _rx(r"(?<![\w])(?:dư nợ|số dư|tồn kho)(?![\w])")
_FLOWS = ("trade.", "retail.", "budget.", "tourism.", "industry.")
"""Indicators that are flows over time: summed to a date ("lũy kế đến tháng 10") they stay
flows from the year's start, not stocks at the date."""
_PERIOD_LINK = _rx(r"\s*\(?\s*(?:là|:)\s*(?:khoảng |gần |hơn |trên |đạt )?")
_ATTACH_GAP_RE = _rx(r"[ \t]*(?:[^\W\d_]+[ \t]+){0,2}?(?:vào[ \t]+|trong[ \t]+)?")
RECURRING_RE = _rx(
    r"(?<![\w])(?:hằng năm|hàng năm|mỗi năm|những năm (?:tiếp theo|tới)|các năm tới)(?![\w])"
)
"""A figure said of every year ("sản lượng hằng năm đạt ...") or of years to come: no period."""
_PLAN_YEAR_RE = _rx(r"(?<![\w])(?:kế hoạch|dự toán|chỉ tiêu)(?![\w])")
_FRONT_WORDS = word_set(
    "trong tính chung riêng cũng kết quả đến tới hết từ lũy luỹ kế sau qua vào và theo đó "
    "thời gian cuối đầu ngày sáng chiều tối trưa nay hôm"
)
"""Words that may stand before a time expression opening its clause ("Tính chung 9 tháng",
"Kết quả đến cuối tháng 6", "Riêng trong tháng 10", "Sáng nay 28/6")."""


def publication_month(published: date | None) -> Period | None:
    """The month of publication: what "hiện nay", "hiện có" and "đến nay" are read against."""
    if published is None:
        return None
    return interval(
        date(published.year, published.month, 1), month_end(published.year, published.month)
    )


def publication_year(published: date | None) -> Period | None:
    """The year of publication: the year of results against "the year's plan" with no year."""
    if published is None:
        return None
    return interval(date(published.year, 1, 1), date(published.year, 12, 31))


def opens_clause(low: str, sentence_start: int, pos: int) -> bool:
    """True when the time expression at `pos` opens its clause, so that it frames what the
    text says next ("Năm 2022, ...", "Theo UBND tỉnh, 10 tháng đầu năm 2025, ..."), not
    only the figure of a phrase it qualifies ("chỉ số sản xuất tháng 10 tăng 13,9%")."""
    cut = max(low.rfind(",", sentence_start, pos), low.rfind(";", sentence_start, pos))
    cut = max(cut, low.rfind(":", sentence_start, pos), low.rfind("(", sentence_start, pos))
    lead = low[max(cut + 1, sentence_start) : pos].split()
    return all(w.strip('-–"“”') in _FRONT_WORDS for w in lead)


def against_plan(low: str, start: int, end: int) -> bool:
    """True when words between two offsets measure results against a plan ("đạt 73,55% kế
    hoạch")."""
    return _PLAN_YEAR_RE.search(low, max(0, start), end) is not None


def lead_mention(explicit: Sequence[Mention], low: str, start: int) -> Mention | None:
    """The time expression that frames a sentence: its first, unless that is the day of an
    event or a dateline ("Ngày 26/10, Sở ... cho biết, trong tháng 10 ..."; "Lạng Sơn, ngày
    12/10/2025 – ..., 9 tháng đầu năm 2025, ...") and a longer period follows."""
    if not explicit:
        return None
    first = explicit[0]
    if first.kind != "date" or first.to:
        return first
    for m in explicit[1:]:
        if m.kind != "date" and (
            m.within or (low.startswith(",", m.end) and opens_clause(low, start, m.start))
        ):
            return m
    return first


def is_stock(
    unit: str, measure: str, indicator: str | None, low: str, clause: int, pos: int
) -> bool:
    """True when a figure is a stock counted at a date (communes, institutions, households,
    border gates; a rate, a coverage, a population; credit outstanding; a standing area),
    not a flow over the time to that date."""
    if measure not in ("level", "share_pct"):
        return False
    if unit in _STOCK_UNITS or indicator == "population.total":
        return True
    if unit in MONEY and _DEBT_RE.search(low, clause, pos):
        return True  # credit outstanding, balances: a stock at a date
    if unit == "ha" and _STANDING_AREA_RE.search(low, clause, pos):
        return True  # "diện tích cà phê toàn tỉnh": the area standing at a date
    return (unit == "percent" or unit == "person") and bool(
        _STOCK_WORDS_RE.search(low, clause, pos)
    )


@dataclass(slots=True)
class SentenceTime:
    """How the figures of one sentence are dated."""

    start: int
    end: int
    frame: Period | None
    """The period the text has been speaking of: figures with no time words of their own."""
    year_hint: int | None
    """The year of time words that name none ("tháng 8", "8 tháng")."""
    stock: bool
    """Words of a stock ("lũy kế", "còn hiệu lực", "tính đến ... có"): counted at the date."""
    target: bool
    """A sentence of targets or forecasts ("phấn đấu", "mục tiêu đến năm 2030")."""


class Record(Protocol):
    """What time frames read and write of an extracted fact."""

    start: int
    end: int
    measure: str
    unit: str
    value_low: float
    value_high: float
    period: str | None
    base_period: str | None


class Figure(Protocol):
    """A fact being read with the period object it was given."""

    obs: Any  # a Record
    measure: str
    period: Period | None


@dataclass(slots=True)
class _State:
    """What the reading of a document carries from sentence to sentence."""

    context: Period | None = None
    context_paragraph: int = -1
    main: Period | None = None  # the first frame the report sets
    last_period: Period | None = None  # the period of the last figure read
    target_frame: Period | None = None  # the horizon of the last plan or target
    speaks_of_now: bool = False  # the text has said "hiện nay" / "đến nay" (maybe undated)
    unframed: list[tuple[Any, int]] = field(default_factory=list)
    headings: list[Any] = field(default_factory=list)
    undated_bases: dict[int, Comparison] = field(default_factory=dict)


class TimeFrames:
    """The time frames of one document: its time words and comparisons read once, then a
    period for each figure and a base for each change, sentence by sentence."""

    def __init__(
        self,
        text: str,
        low: str,
        mentions: list[Mention],
        numerals: list[Numeral],
        published: date | None,
    ) -> None:
        self.text, self.low = text, low
        self.mentions = mentions
        self.mention_starts = [m.start for m in mentions]
        self.numerals = numerals
        self.numeral_starts = [n.start for n in numerals]
        self.published = published
        self.now = publication_month(published)
        self.holiday = HOLIDAY_RE.search(low) is not None
        self.recurring_starts = [m.start() for m in RECURRING_RE.finditer(low)]
        self.comparisons = find_comparisons(low)
        self.comparison_starts = [c.start for c in self.comparisons]
        self.stocks = [(m.start(), m.end()) for m in _STOCK_RE.finditer(low)]
        self.stock_starts = [s[0] for s in self.stocks]
        self.resolved: dict[tuple[int, int | None, bool], Period | None] = {}
        self.doc_year = self._doc_year()
        self.state = _State()

    def _doc_year(self) -> int | None:
        """The year most figures of the document are about (for "8 tháng" with no year)."""
        years = Counter(
            m.year
            for m in self.mentions
            if m.year and not m.comparison and m.kind not in ("dateline", "time")
        )
        if years:
            return years.most_common(1)[0][0]
        return self.published.year if self.published else None

    # ---- sentence by sentence ---------------------------------------------------------------

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The time expressions starting between two offsets."""
        starts = self.mention_starts
        i = bisect.bisect_left(starts, start)
        return self.mentions[i : bisect.bisect_left(starts, end, i)]

    def open_sentence(
        self, start: int, end: int, paragraph: int, heading: bool, first_number: int | None
    ) -> SentenceTime | None:
        """How the figures of a sentence are dated; None for a sentence with neither figures
        nor time words (it may still end the frame: a heading, "hiện nay")."""
        st, low = self.state, self.low
        mentions = self.mentions_in(start, end)
        explicit = [m for m in mentions if m.kind in PERIOD_KINDS and not m.comparison]
        has_now = bool(mentions) and any(m.kind == "now" for m in mentions)
        st.speaks_of_now = st.speaks_of_now or any(m.kind in NOW_KINDS for m in mentions)
        target = _TARGET_RE.search(low, start, end) is not None
        if not explicit and first_number is None:
            if has_now or heading:
                st.context = self.now if has_now else None
            return None
        near = st.context if st.context_paragraph == paragraph else None
        year_hint = self._year_hint(explicit, near, st.context)
        stock = self._stock_in(start, end) or (
            first_number is not None and self._counted_at(explicit, first_number)
        )
        lead = lead_mention(explicit, low, start)
        own = self._resolve(lead, year_hint, stock) if lead is not None else None
        if (
            lead is not None
            and lead.kind == "years"
            and _PROGRAMME_RE.search(low, start, lead.start)
        ):
            target = True  # "Nghị quyết ... giai đoạn 2021 – 2025": a plan's horizon, no frame
        frame = st.context
        if st.last_period is not None and low.startswith(_OF_WHICH, start):
            frame = st.last_period  # "Trong đó, ...": the parts of the figure just given
        if target and st.target_frame is not None:
            frame = st.target_frame  # targets share the plan horizon set before them
        time = SentenceTime(start, end, frame, year_hint, stock, target)
        self._carry(time, paragraph, heading, mentions, lead, own, has_now)
        return time

    def _carry(
        self,
        time: SentenceTime,
        paragraph: int,
        heading: bool,
        mentions: list[Mention],
        lead: Mention | None,
        own: Period | None,
        has_now: bool,
    ) -> None:
        """The frame the sentences after this one fall back on."""
        st = self.state
        if time.target:
            st.target_frame = own or st.target_frame
            return  # a plan horizon dates only its targets, not what the text says next
        if heading:
            if own is None:
                st.context = None
            elif st.context is None:
                st.context, st.context_paragraph = own, paragraph
        elif own is not None and lead is not None:
            if st.context is None or opens_clause(self.low, time.start, lead.start):
                st.context, st.context_paragraph = own, paragraph
        elif has_now:
            st.context, st.context_paragraph = self.now, paragraph
        elif st.context is not None and any(m.kind == "tonow" for m in mentions):
            # "Lũy kế đến nay ...": what follows speaks of the same count, as it stands now
            st.context = self.now or st.context
        if st.main is None and st.context is not None:
            st.main = st.context

    def close_sentence(self, time: SentenceTime, figures: Sequence[Figure], heading: bool) -> None:
        """Give the changes of a sentence their bases and remember what its figures say for
        the sentences after it."""
        self._bases(time, figures)
        st = self.state
        records = [f.obs for f in figures]
        if heading:
            st.headings.extend(records)
        elif (
            st.main is None and not st.speaks_of_now and not self.mentions_in(time.start, time.end)
        ):
            st.unframed.extend((r, time.start) for r in records)
        if figures and not time.target:
            st.last_period = figures[-1].period

    def finish(self, records: Sequence[Record]) -> None:
        """Date what the whole report tells: headline figures and figures read before any
        frame."""
        self._date_headings(records)
        self._date_unframed()

    # ---- one figure ---------------------------------------------------------------------------

    def period_of(
        self,
        n: Numeral,
        time: SentenceTime,
        unit: str,
        measure: str,
        indicator: str | None,
        clause: int,
    ) -> Period | None:
        """The period of one figure of a sentence."""
        low = self.low
        # "lũy kế" counts a stock, but a flow of the year summed to a date stays a flow
        stock = time.stock and not (indicator is not None and indicator.startswith(_FLOWS))
        inferred = not stock and is_stock(unit, measure, indicator, low, clause, n.start)
        period = self._period(n, time, inferred, stock)
        if period is time.frame and self._recurring_at(n.start, time.start):
            return None  # "hằng năm", "mỗi năm": said of every year, unless dated itself
        if period is not None and _DEBT_RE.search(low, time.start, n.start):
            return as_stock(period)  # "8 tháng 2025, dư nợ ... đạt": at the 8th month's end
        return period

    def _period(self, n: Numeral, time: SentenceTime, inferred: bool, stock: bool) -> Period | None:
        """The time words of a number: right after it, else the nearest before it in its
        sentence, else the first after it, else the frame. A target's period is its horizon
        ("Mục tiêu đến năm 2030, ... đạt 2 tỷ USD")."""
        start, end, frame, year_hint = time.start, time.end, time.frame, time.year_hint
        if time.target:
            horizon = self._horizon(time, n)
            if horizon is not None:
                return horizon
        mentions = self.mentions
        first = bisect.bisect_left(self.mention_starts, n.start)
        if first < len(mentions):  # "43,59% cuối năm 2023": the words right after it
            m = mentions[first]
            if (
                m.start < end
                and m.kind in PERIOD_KINDS
                and not m.comparison
                and self._attached_to(n.end, m.start)
            ):
                return self._resolve(m, year_hint, stock, inferred)
        nearest: Mention | None = None
        j = first - 1
        while j >= 0 and mentions[j].start >= start and first - j < 50:
            m = mentions[j]
            j -= 1
            if m.end > n.start:
                continue
            if n.start - m.end < 30 and _PERIOD_LINK.fullmatch(self.low, m.end, n.start):
                return self._resolve(m, year_hint, stock, inferred)
            if m.kind in NOW_KINDS or (m.kind in PERIOD_KINDS and not m.comparison):
                if self._dates_other_number(m, n, start) or self._aside(m, n, start):
                    continue  # "giảm từ 62,28% cuối năm 2021 xuống còn 43,59%", "(năm 2023 ...)"
                nearest = m
                break
        if nearest is not None:
            if nearest.kind == "now":
                return self.now
            if nearest.kind == "tonow":
                return self.now or frame
            return self._resolve(nearest, year_hint, stock, inferred)
        j = first
        while j < len(mentions) and mentions[j].start < end and j - first < 50:
            m = mentions[j]
            j += 1
            if m.start >= n.end and m.kind in PERIOD_KINDS and not m.comparison:
                if self.text[m.start].isupper():
                    break  # a capitalised time word opens a sentence the splitter missed
                if self._dates_other_number(m, n, start):
                    break  # it dates the figure it follows, not this one
                return self._resolve(m, year_hint, stock, inferred)
        return frame

    def _horizon(self, time: SentenceTime, n: Numeral) -> Period | None:
        """The year or years a target sentence aims at: the last named before the number,
        else the first after it (plan words mark them as comparisons elsewhere)."""
        years = [m for m in self.mentions_in(time.start, time.end) if m.kind in ("year", "years")]
        years = [m for m in years if m.year]
        before = [m for m in years if m.end <= n.start]
        chosen = before[-1] if before else (years[0] if years else None)
        return None if chosen is None else self._resolve(chosen, chosen.year, False)

    def _attached_to(self, end: int, start: int) -> bool:
        """True when a time expression at `start` follows a figure ending at `end` closely,
        with at most a unit or a preposition between ("3 tỷ USD trong năm 2025")."""
        return (
            0 <= start - end <= 14
            and not self.text[start].isupper()  # "258ha Năm 2021, ...": a sentence begins
            and _ATTACH_GAP_RE.fullmatch(self.low, end, start) is not None
        )

    def _dates_other_number(self, m: Mention, n: Numeral, sentence_start: int) -> bool:
        """True when the time expression follows another figure of the sentence closely,
        so that it dates that figure."""
        i = bisect.bisect_left(self.numeral_starts, m.start) - 1
        if i < 0:
            return False
        other = self.numerals[i]
        return (
            other.start != n.start
            and other.start >= sentence_start
            and self._attached_to(other.end, m.start)
        )

    def _aside(self, m: Mention, n: Numeral, sentence_start: int) -> bool:
        """True when the time expression stands in brackets closed before the number: an
        aside about another period ("(năm 2023 tăng 4,6%)") dates only its own numbers."""
        low = self.low
        opened = low.rfind("(", sentence_start, m.start)
        if opened <= low.rfind(")", sentence_start, m.start):
            return False
        closed = low.find(")", m.end, n.start)
        if closed < 0:
            return False
        i = bisect.bisect_left(self.numeral_starts, opened)  # "(30/8-2/9)" names the period
        return i < len(self.numerals) and self.numerals[i].start < closed

    # ---- bases -----------------------------------------------------------------------------

    def _bases(self, time: SentenceTime, figures: Sequence[Figure]) -> None:
        """The base period of each change of a sentence, from the comparisons that close or
        introduce it; a change compared with the previous month is that month's figure."""
        changes = [f for f in figures if f.measure in CHANGE_MEASURES]
        if not changes:
            return
        starts = self.comparison_starts
        i = bisect.bisect_left(starts, time.start)
        comparisons = self.comparisons[i : bisect.bisect_left(starts, time.end, i)]
        if not comparisons:
            return
        slots = [ChangeSlot(f.obs.start, f.obs.end) for f in changes]
        assign_comparisons(slots, comparisons, self.low)
        monthly: set[Period] = set()
        for f, slot in zip(changes, slots, strict=True):
            if slot.comparison is None:
                continue
            period = f.period
            if period is not None and slot.comparison.kind in ("prevmonth", "month"):
                monthly.add(period)  # compared with a month: the figures are a month's
                period = month_of(period)
            f.obs.base_period = base_of(slot.comparison, period, self.holiday)
            if period is None:  # dated later, from the report's frame
                self.state.undated_bases[id(f.obs)] = slot.comparison
        for f in figures:
            if f.period in monthly and f.period is not None:
                f.period = month_of(f.period)
                f.obs.period = f.period.label

    # ---- the whole report -------------------------------------------------------------------

    def _date_headings(self, records: Sequence[Record]) -> None:
        """A headline figure the body repeats takes the body's period and base; one with no
        time word and no repeat takes the report's main frame."""
        headings, main = self.state.headings, self.state.main
        if not headings:
            return
        heading_ids = {id(h) for h in headings}
        body = [f for f in records if id(f) not in heading_ids]
        for h in headings:
            repeat = next(
                (
                    f
                    for f in body
                    if f.unit == h.unit
                    and f.value_low == h.value_low
                    and f.value_high == h.value_high
                    and f.measure == h.measure
                ),
                None,
            )
            if repeat is not None:
                h.period, h.base_period = repeat.period, repeat.base_period
            elif h.period is None and main is not None and h.start < 300:
                h.period = main.label

    def _date_unframed(self) -> None:
        """Figures read before the report names any time frame: the frame when it is the only
        one the report names (an excerpt that starts mid-article); else, for results against
        the year's plan, the year of publication."""
        main = self.state.main
        single = main is not None and self._frames_named() == 1
        plan_year = publication_year(self.published)
        for obs, sentence_start in self.state.unframed:
            if obs.period is not None or self._recurring_at(obs.start, sentence_start):
                continue
            if single and main is not None:
                obs.period = main.label
                undated = self.state.undated_bases.get(id(obs))
                if undated is not None:
                    obs.base_period = base_of(undated, main, self.holiday)
            elif plan_year is not None and against_plan(self.low, obs.start - 200, obs.end + 80):
                obs.period = plan_year.label

    def _frames_named(self) -> int:
        """How many different periods the report's time words name (comparisons aside)."""
        labels = set()
        for m in self.mentions:
            if m.kind in PERIOD_KINDS and not m.comparison:
                period = self._resolve(m, m.year or self.doc_year, False)
                if period is not None:
                    labels.add(period.label)
        return len(labels)

    # ---- helpers ------------------------------------------------------------------------------

    def _counted_at(self, explicit: list[Mention], first_number: int) -> bool:
        """True when a sentence counts what stands at a date: "tính đến ngày 31/10, toàn
        tỉnh có 225.823 người tham gia" (a stock), not what was done up to it."""
        low = self.low
        for m in explicit:
            if m.to and m.end <= first_number and low.find(" có ", m.end, first_number + 1) >= 0:
                return True
        return False

    def _recurring_at(self, pos: int, sentence_start: int) -> bool:
        """True when words of a figure said of every year stand before `pos` in its sentence."""
        starts = self.recurring_starts
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and sentence_start <= starts[i] and pos - starts[i] < 120

    def _stock_in(self, start: int, end: int) -> bool:
        """True when words of a stock ("lũy kế", "đang hoạt động") stand between two offsets."""
        i = bisect.bisect_left(self.stock_starts, start)
        return i < len(self.stocks) and self.stocks[i][1] <= end

    def _year_hint(
        self, explicit: list[Mention], near: Period | None, context: Period | None
    ) -> int | None:
        """The year of time words that give none: the sentence's own year, else that of the
        paragraph's period, else the document's main year, else the last period's."""
        for m in explicit:
            if m.year:
                return m.year
        if near is not None:
            return near.last.year
        if any(m.this_year for m in explicit) and self.published:
            return self.published.year
        if self.doc_year is not None:
            return self.doc_year
        return context.last.year if context is not None else None

    def _resolve(
        self, m: Mention, year_hint: int | None, stock: bool, inferred: bool = False
    ) -> Period | None:
        """The period of a mention; a stock told by the words ("lũy kế") is counted at the
        date, one inferred from what is counted too unless the words say "từ đầu năm"."""
        stock = stock or (inferred and not m.from_start)
        key = (m.start, year_hint, stock)
        period = self.resolved.get(key, _UNSET)
        if period is _UNSET:
            period = self.resolved[key] = _resolved(
                (
                    m.kind,
                    m.year,
                    m.month,
                    m.day,
                    m.quarter,
                    m.months,
                    m.from_end,
                    m.end_year,
                    m.end_month,
                    m.end_day,
                    m.to,
                    year_hint,
                    stock,
                )
            )
        return period


_UNSET: Any = object()


@functools.lru_cache(maxsize=4096)
def _resolved(key: tuple[Any, ...]) -> Period | None:
    """`resolve` of a mention given by its fields (many mentions of a corpus are alike)."""
    kind, year, month, day, quarter, months, from_end, end_year, end_month, end_day, to = key[:11]
    year_hint, stock = key[11:]
    mention = Mention(
        0,
        0,
        kind,
        year=year,
        month=month,
        day=day,
        quarter=quarter,
        months=months,
        from_end=from_end,
        end_year=end_year,
        end_month=end_month,
        end_day=end_day,
        to=to,
    )
    return resolve(mention, year_hint, stock)
