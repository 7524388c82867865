"""Observations: the numeric facts of a document, one CONTRACT.md record each.

Stage 2 of the pipeline (transform). Plain functions on plain data: a
`Document` in, a list of `Observation` out. Every pattern runs once over the
whole document (numbers, time expressions, indicator phrases, place names);
each number then looks only at a bounded window of its sentence, so the cost
grows with the length of the text, not with the number of figures squared.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from flows.catalogue import Catalogue, Province, get_catalogue
from flows.documents import Document
from flows.folding import folded_form, lower_form, tone_form
from flows.numbers import Numeral, iter_numerals
from flows.periods import Mention, Period, as_stock, find_mentions, resolve
from flows.quantities import Unit, noun_after, unit_after

EXTRACTOR_VERSION = "0.1.0"
"""Bumped whenever the extractor may read a text differently; recorded with every load."""

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Observation:
    """One extracted fact, exactly the fields of the CONTRACT.md record, in its order."""

    doc_id: str
    source: str
    indicator: str | None
    subject: str
    measure: str
    value: float | None
    value_low: float
    value_high: float
    unit: str
    period: str | None
    area_code: str | None
    area: str
    approx: bool
    qualifier: str | None
    text: str
    start: int
    end: int

    def to_record(self) -> dict[str, Any]:
        """The record as the `extract` command prints it."""
        return asdict(self)


OBSERVATION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Observation))


def _rx(pattern: str) -> re.Pattern[str]:
    """A pattern over the lower form of a text (tone marks placed as `lower_form` places them)."""
    return re.compile(tone_form(pattern))


# ---- what is not a fact -------------------------------------------------------------------

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:html?|php|aspx?|vn|com|net|org)(?:/\S*)?")
_NOT_FACT_BEFORE = _rx(
    r"(?:^|[^\w])(?:thứ|lần thứ|hạng|top|nhóm|đợt|khóa|khoá|số|mã|phiên|lần|bước|phường|quận|"
    r"tổ|đội|tuyến|quốc lộ|ql|tỉnh lộ|đường|km|điều|khoản|chương|mục|tập|kỳ họp|bảng|biểu|"
    r"hình|ảnh|nghị định|nghị quyết|quyết định|thông tư|công văn|chỉ thị|tầng|lô|mốc|"
    r"phụ lục|trang|kênh|ngõ|ngách|hẻm|thôn|bản|xóm|tiểu khu|khu phố|khu|giờ|lúc|"
    r"ngày|sáng|chiều|tối|version|phiên bản|kỳ)\s*$"
)
_NOT_FACT_AFTER = _rx(
    r"\s*(?:tuổi|năm|tháng|ngày|giờ|phút|giây|tuần|thế kỷ|bên|sao|tầng|lần|điểm đến"
    r"|/\s*[^\W\d_])(?![\w])"
)
_GLUED_UNIT = _rx(r"(?:ha|km|kg|tấn|tạ|đ|usd|vnđ|%)(?![\w])")
_STOCK_RE = _rx(r"lũy kế|luỹ kế|còn hiệu lực|đang hoạt động")

# ---- measure ------------------------------------------------------------------------------

_QUALIFIER = (
    r"xấp xỉ|ước tính|ước khoảng|ước|dự kiến|dự báo|chưa tới|chưa đến|chưa đầy|tới gần|"
    r"gần như|gần|khoảng chừng|khoảng|hơn|trên|dưới|ngót|tối thiểu|ít nhất|không bằng|"
    r"chưa bằng|chừng|không tới|không đến"
)
_FILLER = r"đạt|được|là|có|ở mức|mức|cho|tính|đạt được|sẽ có|sẽ|thu|đón|thực hiện|lên|tới"
_CUE_FILLER = r"được|mức|ở mức|tỷ trọng|tỉ trọng|khoảng|từ|cho|gần|tới"
_QUAL_BEFORE = _rx(
    rf"(?:^|[^\w])(?P<q>{_QUALIFIER})\s+(?:(?:{_FILLER}|{_QUALIFIER})\s+){{0,2}}(?:\(\s*)?$"
)
_CUE_BEFORE = _rx(
    r"(?:^|[^\w])(?P<cue>tăng thêm|tăng lên|tăng trưởng|tăng|giảm xuống|giảm đi|giảm|thêm|"
    r"đạt|bằng|chiếm|vượt|hoàn thành|là|có|được|lên|xuống|gấp|với)"
    rf"\s+(?:(?:{_QUALIFIER}|{_CUE_FILLER})\s+){{0,3}}"
    r"(?:\(\s*)?$"
)
_PLAN_AFTER = _rx(
    r"^\s*\)?\s*(?:so\s+với\s+|so\s+|của\s+)?(?:(?:chỉ tiêu\s+)?kế hoạch|kh(?![\w])|dự toán|"
    r"chỉ tiêu|mục tiêu|nghị quyết|hđnd|thủ tướng|trung ương|tw(?![\w])|ubnd|chính phủ|"
    r"cấp trên|tỉnh giao|bộ giao|giao)"
)
_COMPARE_AFTER = _rx(
    r"^\s*\)?\s*(?:so\s+với|so|của|như)\s+(?:cùng kỳ|cùng thời|năm|tháng|quý|kỳ|mức|bình quân|"
    r"trước|\d|[0-9]+ tháng|chín tháng|sáu tháng)"
)
_GROWTH_RE = _rx(r"tăng trưởng|tốc độ tăng")
_NATIONAL_RE = _rx(r"^\s*(?:tính chung\s+|trên\s+|trong\s+)?(?:cả nước|toàn quốc)(?![\w])")

# ---- places -------------------------------------------------------------------------------

_PLACE_RE = re.compile(
    r"(?:(?i:huyện|thị xã|thành phố|tp\.?|quận|cửa khẩu(?: quốc tế| chính| phụ)?|"
    r"khu kinh tế(?: cửa khẩu)?|kkt(?: cửa khẩu)?|khu công nghiệp|kcn|cảng|ga)\s*"
    r"(?P<name>[^\W\d_]\w*(?:[ -]+[^\W\d_]\w*){0,3}))",
)
_CAPITALISED = re.compile(r"[^\W\d_]\w*")
_ABBREV_END = re.compile(r"(?:^|\W)(?:TP|Tp|TX|TT|Q|P|H|ThS|TS|PGS|GS|BS|KS|CN|Th\.S|St|Mr|Ms)\.$")
_HEADING_END = re.compile(r"[.!?…;:]\s*[\"”’)]*\s*$")

_AFTER_STOP = _rx(r"[,;:.()]|\s(?:và|tăng|giảm|chiếm|là|so|với|trong đó)\s")
_UNIT_INDICATORS = {
    "visitor": "tourism.visitors",
    "border_gate": "infrastructure.border_gates",
    "project": "investment.projects",
    "institution": "education.vocational_institutions",
}
_PCT_MEASURES = frozenset({"change_pct", "plan_pct", "share_pct"})
_MONEY = frozenset({"VND", "USD", "VND/person", "USD/person"})
_VEHICLES = frozenset({"vehicle", "vehicle/day"})


@dataclass(slots=True)
class _Span:
    """A sentence after merging the splits at abbreviations ("TP. Đà Nẵng")."""

    start: int
    end: int
    heading: bool


@dataclass(slots=True)
class _Found:
    """A fact under construction, with what later numbers of the sentence may inherit."""

    obs: Observation
    measure: str
    sign: float
    percent: bool
    indicator: str | None
    unit: str
    scale_unit: tuple[str, float] | None


def extract_observations(doc: Document) -> list[Observation]:
    """Every numeric fact of the document, in text order."""
    try:
        return _DocumentReader(doc, get_catalogue()).read()
    except Exception:  # the pipeline must never stop on one odd document
        log.exception("extractor failed on %s", doc.source)
        return []


class _DocumentReader:
    """Reads one document: every pattern once over the text, then each number in its sentence."""

    def __init__(self, doc: Document, cat: Catalogue) -> None:
        self.doc = doc
        self.cat = cat
        self.text = doc.text
        self.low = lower_form(doc.text)
        self.fold = folded_form(doc.text)
        self.mentions = find_mentions(self.low)
        self.mention_starts = [m.start for m in self.mentions]
        self.numerals = list(iter_numerals(self.low))
        self.numeral_starts = [n.start for n in self.numerals]
        self.phrases = [
            (m.start(1), m.end(1), cat.indicator_codes(self.text[m.start(1) : m.end(1)]))
            for m in cat.phrase_re.finditer(self.fold)
        ]
        self.phrases.sort(key=lambda p: (p[1], p[0]))
        self.phrase_ends = [p[1] for p in self.phrases]
        self.provinces = [
            (m.start(), m.end())
            for m in cat.province_re.finditer(self.fold)
            if self.text[m.start()].isupper() or self.text[m.start()].isdigit()
        ]
        self.province_starts = [p[0] for p in self.provinces]
        self.places = [_capitalised_part(m) for m in _PLACE_RE.finditer(self.text)]
        self.places = [p for p in self.places if p[1] > p[0]]
        self.place_starts = [p[0] for p in self.places]
        self.urls = [(m.start(), m.end()) for m in _URL_RE.finditer(self.text)]
        self.main = self._main_province()
        self.doc_year = self._doc_year()
        self.last_by_indicator: dict[str, tuple[str, float]] = {}

    # ---- document level -------------------------------------------------------------------

    def _main_province(self) -> Province | None:
        """The province the document is about: its metadata hint, else the most named one."""
        if self.doc.province:
            p = self.cat.province(self.doc.province, self.doc.published)
            if p is not None:
                return p
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for start, end in self.provinces:
            name = self.text[start:end]
            p = self.cat.province(name)
            if p is None:
                continue
            key = p.code + p.vintage
            counts[key] += 2 if start < 300 else 1
            first.setdefault(key, start)
        if not counts:
            return None
        best = max(counts, key=lambda k: (counts[k], -first[k]))
        for p in self.cat.provinces:
            if p.code + p.vintage == best:
                return p
        return None

    def _doc_year(self) -> int | None:
        """The year most figures of the document are about (for "8 tháng" with no year)."""
        years = Counter(
            m.year
            for m in self.mentions
            if m.year and not m.comparison and m.kind not in ("dateline", "time")
        )
        if years:
            return years.most_common(1)[0][0]
        if self.doc.published:
            return self.doc.published.year
        return None

    def _spans(self) -> list[_Span]:
        """Sentences, merged where the splitter cut after an abbreviation, with heading flags."""
        merged: list[list[int]] = []
        text = self.text
        for s in self.doc.sentences:
            if (
                merged
                and _ABBREV_END.search(text[merged[-1][0] : merged[-1][1]])
                and "\n" not in text[merged[-1][1] : s.start]
            ):
                merged[-1][1] = s.end
            else:
                merged.append([s.start, s.end])
        spans = []
        for start, end in merged:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            whole_line = not text[line_start:start].strip() and not text[end:line_end].strip()
            heading = whole_line and not _HEADING_END.search(text[start:end])
            spans.append(_Span(start, end, heading))
        return spans

    # ---- reading --------------------------------------------------------------------------

    def read(self) -> list[Observation]:
        """The facts of the document, sentence by sentence, carrying the period context."""
        out: list[Observation] = []
        context: Period | None = None
        for span in self._spans():
            mentions = self._mentions_in(span.start, span.end)
            explicit = [m for m in mentions if _is_period(m) and not m.comparison]
            year_hint = self._year_hint(explicit, context)
            stock = _STOCK_RE.search(self.low, span.start, span.end) is not None
            own = resolve(explicit[0], year_hint, stock) if explicit else None
            found = self._sentence(span, mentions, context, year_hint, stock)
            out.extend(f.obs for f in found)
            has_now = any(m.kind == "now" for m in mentions)
            if span.heading:
                if own is None:
                    context = None
                elif context is None:
                    context = own
            elif own is not None:
                context = own
            elif has_now:
                context = None
        return out

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.mention_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def _year_hint(self, explicit: list[Mention], context: Period | None) -> int | None:
        for m in explicit:
            if m.year:
                return m.year
        if context is not None:
            return context.last.year
        if any(m.this_year for m in explicit) and self.doc.published:
            return self.doc.published.year
        return self.doc_year

    def _sentence(
        self,
        span: _Span,
        mentions: list[Mention],
        context: Period | None,
        year_hint: int | None,
        stock: bool,
    ) -> list[_Found]:
        found: list[_Found] = []
        i = bisect.bisect_left(self.numeral_starts, span.start)
        numerals: list[Numeral] = []
        while i < len(self.numerals) and self.numerals[i].start < span.end:
            if self.numerals[i].end <= span.end:
                numerals.append(self.numerals[i])
            i += 1
        skip_next_fraction = False
        ordinal_until = -1
        k = 0
        while k < len(numerals):
            n = numerals[k]
            k += 1
            nxt = numerals[k] if k < len(numerals) else None
            is_fraction = (
                nxt is not None
                and not n.percent
                and not n.times
                and self.text[n.end : n.end + 1] == "/"
                and nxt.start == n.end + 1
            )
            if self._not_a_fact(n, span, mentions) or skip_next_fraction:
                skip_next_fraction = is_fraction
                continue
            before = self.low[max(span.start, n.start - 24) : n.start]
            if is_fraction and (
                _NOT_FACT_BEFORE.search(before)
                or (ordinal_until >= 0 and n.start - ordinal_until < 80)
            ):
                ordinal_until = nxt.end if nxt else n.end
                skip_next_fraction = True
                continue
            if is_fraction and nxt is not None:
                whole = self._fact(nxt, span, mentions, context, year_hint, stock, found, None)
                part = self._fact(n, span, mentions, context, year_hint, stock, found, whole)
                for f in (part, whole):
                    if f is not None:
                        found.append(f)
                k += 1
                continue
            f = self._fact(n, span, mentions, context, year_hint, stock, found, None)
            if f is not None:
                found.append(f)
        return found

    def _not_a_fact(self, n: Numeral, span: _Span, mentions: list[Mention]) -> bool:
        """Years, dates, times, codes, ordinals, document numbers, captions: no fact."""
        for m in mentions:
            if m.start < n.end and n.start < m.end and m.kind not in ("now", "tonow"):
                return True
        for a, b in self.urls:
            if a < n.end and n.start < b:
                return True
        text, low = self.text, self.low
        s = n.start
        if n.times:
            return False
        prev = text[s - 1] if s > 0 else " "
        if prev in "“\"«‘'":
            return True
        if prev.isalpha() or (prev in "-–_" and s > 1 and text[s - 2].isalnum()):
            return True
        nxt = text[n.end] if n.end < len(text) else " "
        if nxt.isalpha() and not _GLUED_UNIT.match(low, n.end):
            return True
        before = low[max(span.start, s - 24) : s]
        if _NOT_FACT_BEFORE.search(before):
            return True
        if not n.percent and _NOT_FACT_AFTER.match(low, n.end):
            return True
        raw = text[s : n.end]
        digits = raw.replace(".", "").replace(",", "")
        if not n.percent and not n.scaled and raw.isdigit():
            if len(raw) == 4 and 1900 <= int(raw) <= 2100:
                unit = unit_after(low, n.end, span.end)
                if unit is None or not unit.known:
                    return True
            if len(raw) >= 7:
                return True
        return digits.isdigit() and len(digits) > 15

    def _fact(
        self,
        n: Numeral,
        span: _Span,
        mentions: list[Mention],
        context: Period | None,
        year_hint: int | None,
        stock: bool,
        found: list[_Found],
        whole: _Found | None,
    ) -> _Found | None:
        text, low = self.text, self.low
        if whole is not None:
            unit: Unit | None = Unit(whole.unit, 1.0, n.end, n.end, True)
            unit_code, factor, end = whole.unit, 1.0, n.end
        else:
            unit = None if (n.percent or n.times) else unit_after(low, n.end, span.end)
            if n.percent or n.times:
                unit_code, factor, end = "percent", 1.0, n.end
            elif unit is not None:
                unit_code, factor, end = unit.code, unit.factor, unit.end
            else:
                unit_code, factor, end = "count", 1.0, n.end
        if (
            unit_code == "person"
            and "lượt" in low[n.end : end]
            and "khách" in self._clause_lead(span, n.start)
        ):
            unit_code = "visitor"
        bare = not n.percent and not n.times and (unit is None or not unit.known) and whole is None
        if n.spelled and (bare or (unit is not None and not unit.known)) and not n.scaled:
            return None
        if bare and unit is None and not n.scaled:
            prev = self.text[n.start - 2 : n.start].strip()
            word_before = re.search(r"(\w+)\s*$", text[max(span.start, n.start - 30) : n.start])
            if word_before and word_before.group(1)[0].isupper() and prev.isalpha():
                return None  # caption numbering, a name with a number
        lead_start = max(span.start, n.start - 60)
        lead = low[lead_start : n.start]
        q = _QUAL_BEFORE.search(lead)
        qualifier = n.qualifier or (q.group("q") if q else None)
        cue_m = _CUE_BEFORE.search(lead)
        cue = cue_m.group("cue") if cue_m else None
        sign_char = text[n.start - 1] if n.start > 0 else ""
        after = low[end : min(span.end, end + 60)]
        plan_after = _PLAN_AFTER.match(after) is not None
        compare_after = _COMPARE_AFTER.match(after) is not None
        clause_lead = self._clause_lead(span, n.start)
        growth = _GROWTH_RE.search(clause_lead) is not None
        prev = found[-1] if found else None

        measure, sign, offset = "level", 1.0, 0.0
        if n.times:
            gap = low[n.start : n.start + 3] == "gấp"
            if cue in ("giảm", "giảm đi"):
                measure = "change_pct"
            elif plan_after and gap:
                measure = "plan_pct"
            elif gap or cue in ("tăng", "gấp"):
                measure = "change_pct"
            else:
                return None
        elif n.percent:
            if sign_char == "+" or cue in ("tăng", "tăng thêm", "tăng trưởng"):
                measure = "plan_pct" if plan_after else "change_pct"
                offset = 100.0 if plan_after else 0.0
            elif sign_char in "-−" or cue in ("giảm", "giảm đi"):
                measure = "plan_pct" if plan_after else "change_pct"
                offset, sign = (100.0, -1.0) if plan_after else (0.0, -1.0)
            elif cue == "chiếm":
                measure = "share_pct"
            elif cue == "vượt":
                if compare_after and not plan_after:
                    measure = "change_pct"
                else:
                    measure, offset = "plan_pct", 100.0
            elif plan_after:
                measure = "plan_pct"
            elif compare_after and cue in ("bằng", "đạt", "chỉ bằng"):
                measure, offset = "change_pct", -100.0
            elif cue in ("tăng lên", "lên", "giảm xuống", "xuống"):
                measure = "level"
            elif cue is None and prev is not None and prev.percent and prev.measure != "level":
                measure, sign = prev.measure, prev.sign
            elif growth and cue in (None, "đạt", "là", "với"):
                measure = "change_pct"
        elif cue in ("tăng", "tăng thêm", "thêm") or sign_char == "+":
            measure = "change_abs"
        elif cue in ("giảm", "giảm đi") or sign_char in "-−":
            measure, sign = "change_abs", -1.0
        low_v, high_v = _values(n, measure, cue, sign, offset, factor)

        # a figure written without unit words takes the unit of its indicator's last figure
        indicator = self._indicator(
            n, end, span, "bare" if bare and unit is None else unit_code, measure, prev
        )
        if bare and unit is None and indicator in self.last_by_indicator and not n.percent:
            unit_code, scale = self.last_by_indicator[indicator]
            if not n.scaled:
                low_v, high_v = low_v * scale, high_v * scale
        elif indicator and unit_code in _MONEY and n.scaled:
            self.last_by_indicator[indicator] = (unit_code, _scale_factor(low[n.start : n.end]))

        period = self._period(n, span, mentions, context, year_hint, stock)
        area_code, area = self._area(n, span, period)
        subject = self._subject(span, n, end, clause_lead)
        obs = Observation(
            doc_id=self.doc.doc_id,
            source=self.doc.source,
            indicator=indicator,
            subject=subject,
            measure=measure,
            value=None if low_v != high_v else low_v,
            value_low=low_v,
            value_high=high_v,
            unit=unit_code,
            period=period.label if period else None,
            area_code=area_code,
            area=area,
            approx=qualifier is not None,
            qualifier=qualifier,
            text=text[span.start : span.end],
            start=n.start,
            end=end,
        )
        return _Found(obs, measure, sign, n.percent or n.times, indicator, unit_code, None)

    # ---- dimensions -----------------------------------------------------------------------

    def _clause_lead(self, span: _Span, pos: int) -> str:
        """The lower-form words of the clause before a position (back to , ; : or the sentence)."""
        start = max(span.start, pos - 120)
        chunk = self.low[start:pos]
        cut = max(chunk.rfind(","), chunk.rfind(";"), chunk.rfind(":"), chunk.rfind("("))
        return chunk[cut + 1 :] if cut >= 0 else chunk

    def _indicator(
        self, n: Numeral, end: int, span: _Span, unit: str, measure: str, prev: _Found | None
    ) -> str | None:
        """The catalogue code of what the number measures: the nearest fitting phrase."""
        after_limit = min(span.end, end + 50)
        stop = _AFTER_STOP.search(self.low, end, after_limit)
        if stop:
            after_limit = stop.start()
        # the noun written after a count ("187 doanh nghiệp thành lập mới") names it first
        if not n.percent and not n.times:
            i = bisect.bisect_left(self.phrase_ends, n.end)
            while i < len(self.phrases) and self.phrases[i][0] < after_limit:
                start, _, codes = self.phrases[i]
                if start >= n.end:
                    code = self._fit(codes, unit, measure)
                    if code:
                        return code
                i += 1
        i = bisect.bisect_right(self.phrase_ends, n.start) - 1
        best: tuple[int, int, str] | None = None
        while i >= 0 and self.phrases[i][1] > span.start:
            start, p_end, codes = self.phrases[i]
            if p_end <= n.start:
                code = self._fit(codes, unit, measure)
                if code and (
                    best is None or p_end > best[0] or (p_end == best[0] and start < best[1])
                ):
                    best = (p_end, start, code)
                if best is not None and p_end < best[0] - 200:
                    break
            i -= 1
        if (
            prev is not None
            and prev.indicator
            and measure in _PCT_MEASURES
            and (best is None or best[0] <= prev.obs.start)
        ):
            return prev.indicator
        if best is not None:
            return best[2]
        return _UNIT_INDICATORS.get(unit)

    def _fit(self, codes: tuple[str, ...], unit: str, measure: str) -> str | None:
        """The first code whose usual unit fits the number's unit and measure."""
        fallback = None
        for code in codes:
            ind = self.cat.indicators.get(code)
            if ind is None:
                continue
            u = ind.unit
            if measure in _PCT_MEASURES:
                if u != "percent" or measure == "change_pct":
                    return code
                fallback = fallback or code
                continue
            if unit == u:
                return code
            if unit == "bare" and u != "percent":
                return code
            if unit == "percent" or u == "percent":
                continue
            if (
                (unit in _MONEY and u in _MONEY)
                or (unit in _VEHICLES and u in _VEHICLES)
                or (unit == "count" and u not in _MONEY)
            ):
                fallback = fallback or code
        return fallback

    def _period(
        self,
        n: Numeral,
        span: _Span,
        mentions: list[Mention],
        context: Period | None,
        year_hint: int | None,
        stock: bool,
    ) -> Period | None:
        """The period of a number: the nearest time words before it in its sentence, else the
        first after it, else the period the text has been speaking of."""
        nearest: Mention | None = None
        for m in mentions:
            if m.end > n.start:
                break
            gap = self.low[m.end : n.start]
            if re.fullmatch(
                tone_form(r"\s*\(?\s*(?:là|:)\s*(?:khoảng |gần |hơn |trên |đạt )?"), gap
            ):
                return resolve(m, year_hint, stock)
            if m.kind in ("now", "tonow") or (_is_period(m) and not m.comparison):
                nearest = m
        if nearest is not None:
            if nearest.kind == "now":
                return None
            if nearest.kind == "tonow":
                return as_stock(context) if context is not None else None
            return resolve(nearest, year_hint, stock)
        for m in mentions:
            if m.start >= n.end and _is_period(m) and not m.comparison:
                if self.text[m.start].isupper():
                    break
                return resolve(m, year_hint, stock)
        return context

    def _area(self, n: Numeral, span: _Span, period: Period | None) -> tuple[str | None, str]:
        """The province code (as it stood in the period) and the most specific place named."""
        on = period.first if period else self.doc.published
        if _NATIONAL_RE.match(self._clause_lead(span, n.start)) or _NATIONAL_RE.match(
            self.low, span.start
        ):
            return None, "cả nước"
        province: Province | None = None
        name = ""
        i = bisect.bisect_left(self.province_starts, n.start) - 1
        if i >= 0 and self.provinces[i][0] >= span.start:
            start, end = self.provinces[i]
            province = self.cat.province(self.text[start:end], on)
            name = self.text[start:end]
        if province is None and self.main is not None:
            province = self.cat.province(self.main.name, on) or self.main
            name = self.main.full_name or self.main.name
        area = name
        j = bisect.bisect_left(self.place_starts, n.start) - 1
        if j >= 0 and self.places[j][0] >= span.start and self.places[j][1] <= n.start:
            area = self.text[self.places[j][0] : self.places[j][1]]
        elif j + 1 < len(self.places) and self.places[j + 1][1] <= span.end:
            start, end = self.places[j + 1]
            if not re.search(r"[,;:()]", self.text[n.end : start]):
                area = self.text[start:end]
        if province is None:
            return None, area
        if province.vintage != "2025-07-01" and on is not None and on >= date(2025, 7, 1):
            return self.cat.code_on(province.code, on), area
        return province.code, area

    def _subject(self, span: _Span, n: Numeral, end: int, clause_lead: str) -> str:
        """The words that name what is measured: the clause before the number, else its noun."""
        start = n.start - len(clause_lead)
        words = self.text[start : n.start].strip(" ,;:(-–")
        words = re.sub(
            tone_form(rf"(?:\s+(?:{_QUALIFIER}|{_FILLER}|tăng|giảm|chiếm|bằng|vượt|gấp))+\s*\(?$"),
            "",
            words,
            flags=re.IGNORECASE,
        ).strip()
        if len(words) < 3:
            words = noun_after(self.text, end, span.end) or noun_after(self.text, n.end, span.end)
        return words[:200]


def _values(
    n: Numeral, measure: str, cue: str | None, sign: float, offset: float, factor: float
) -> tuple[float, float]:
    """The bounds of a fact in its unit: multipliers as percent, falls negative, plans on 100."""
    bounds = []
    for x in (n.low, n.high):
        if n.times:
            if cue in ("giảm", "giảm đi"):
                v = -(1 - 1 / x) * 100 if x else 0.0
            elif measure == "plan_pct":
                v = x * 100
            else:
                v = (x - 1) * 100
        elif n.percent:
            v = sign * x + offset
        else:
            v = sign * x * factor
        bounds.append(v)
    return min(bounds), max(bounds)


def _capitalised_part(m: re.Match[str]) -> tuple[int, int]:
    """A place mention up to its last capitalised word ("huyện Hương Khê có" → without "có")."""
    end = m.start("name")
    for w in _CAPITALISED.finditer(m.string, m.start("name"), m.end("name")):
        if not w.group()[0].isupper():
            break
        end = w.end()
    return (m.start(), end) if end > m.start("name") else (m.start(), m.start())


def _is_period(m: Mention) -> bool:
    return m.kind in ("year", "years", "nmonths", "quarter", "month", "date")


def _scale_factor(low_numeral: str) -> float:
    factor = 1.0
    for word in low_numeral.split():
        if word in ("nghìn", "ngàn"):
            factor *= 1e3
        elif word == "triệu":
            factor *= 1e6
        elif word in ("tỷ", "tỉ"):
            factor *= 1e9
    return factor
