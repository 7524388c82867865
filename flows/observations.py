"""Observations: the numeric facts of a document, one CONTRACT.md record each.

Stage 2 of the pipeline (transform). Plain functions on plain data: a
`Document` in, a list of `Observation` out. Each pattern runs once over the
whole document (numbers, time expressions, indicator phrases, place names),
starting from cheap anchors; each number then looks only at a few words
around it, so the cost grows with the text and its figures, never with their
product.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import operator
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from flows.catalogue import Catalogue, Province, get_catalogue
from flows.documents import Document, split_sentences
from flows.folding import fast_lower, lower_pattern, tone_form, word_set
from flows.limits import evidence_limit, evidence_window
from flows.numbers import SCALES, Numeral, find_numerals
from flows.periods import Period, find_mentions
from flows.quantities import MONEY, Unit, noun_after, unit_after
from flows.timeframes import NOW_KINDS, SentenceTime, TimeFrames

EXTRACTOR_VERSION = "0.3.0"
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
    base_period: str | None
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


_rx = lower_pattern


# ---- what is not a fact -------------------------------------------------------------------

_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_NOT_FACT_WORDS = word_set(
    "thứ hạng top nhóm đợt khóa khoá mã phiên lần bước phường quận tổ đội tuyến ql lộ "
    "đường km điều khoản chương mục tập bảng biểu hình ảnh tầng lô mốc trang kênh ngõ ngách "
    "hẻm xóm khu giờ lúc ngày sáng chiều tối kỳ version số câu"
)
_NOT_FACT_PAIRS = frozenset(
    tone_form(w)
    for w in (
        "lần thứ",
        "kỳ họp",
        "nghị định",
        "nghị quyết",
        "quyết định",
        "thông tư",
        "công văn",
        "chỉ thị",
        "phụ lục",
        "tiểu khu",
        "khu phố",
        "phiên bản",
    )
)
_NOT_FACT_AFTER = _rx(
    r"\s*(?:tuổi|năm|tháng|ngày|giờ|phút|giây|tuần|thế kỷ|bên|sao|tầng|lần|điểm đến"
    r"|/\s*[^\W\d_])(?![\w])"
)
_GLUED_UNIT = _rx(r"(?:ha|km|kg|tấn|tạ|đ|usd|vnđ|%)(?![\w])")
_KHACH_RE = _rx(r"khách(?!\s+(?:sạn|hàng)(?![\w]))")
_PER_DAY_BEFORE = _rx(
    r"(?<![\w])(?:mỗi|một|từng|hằng|hàng|bình quân|trung bình)\s+(?:một\s+)?ngày(?![\w])"
)
_PER_DAY_AFTER = _rx(r"\s*(?:/\s*|(?:mỗi|một|trên|trong)\s+)(?:ngày|ngày đêm)(?![\w])")
"""A per-day cue governing a count of vehicles ("mỗi ngày có 850 lượt xe", "900 xe mỗi ngày")."""

# ---- measure and approximation ------------------------------------------------------------

_QUAL_WORDS = word_set("ước khoảng gần hơn trên dưới ngót chừng")
_QUAL_PAIRS = frozenset(
    tone_form(w)
    for w in (
        "xấp xỉ",
        "ước tính",
        "ước khoảng",
        "dự kiến",
        "dự báo",
        "chưa tới",
        "chưa đến",
        "chưa đầy",
        "tới gần",
        "gần như",
        "khoảng chừng",
        "tối thiểu",
        "ít nhất",
        "không tới",
        "không đến",
    )
)
_CUE_WORDS = word_set("tăng giảm thêm đạt bằng chiếm vượt là có được lên xuống gấp với")
_CUE_PAIRS = frozenset(
    tone_form(w)
    for w in ("tăng thêm", "tăng lên", "tăng trưởng", "giảm xuống", "giảm đi", "hoàn thành")
)
_PAIR_ENDS = frozenset(pair.split()[-1] for pair in _QUAL_PAIRS | _CUE_PAIRS)
"""The second words of those pairs: only before them is a pair worth building."""
_FILLERS = word_set("được mức ở tỷ tỉ trọng từ cho tới sẽ thu đón thực hiện tính")
_AFTER_RE = _rx(
    r"\s*\)?\s*(?P<pre>(?:so\s+với|so|của|như)\s+)?(?:(?P<plan>(?:chỉ tiêu\s+)?kế hoạch|kh(?![\w])|"
    r"dự toán|chỉ tiêu|mục tiêu|nghị quyết|hđnd|thủ tướng|trung ương|tw(?![\w])|ubnd|"
    r"chính phủ|cấp trên|tỉnh giao|bộ giao|giao)|(?P<cmp>cùng kỳ|cùng thời|năm|tháng|quý|kỳ|"
    r"mức|bình quân|trước|\d|chín tháng|sáu tháng))"
)
"""What follows a figure: a plan it is measured against, or a comparison ("so với ...")."""
_GROWTH_RE = _rx(r"tăng trưởng|tốc độ tăng|grdp|tổng sản phẩm")
"""Words of growth: a percent that "đạt" after them is a growth rate (GRDP's too: GRDP
itself is an amount, so "GRDP quý 3 ước đạt 9,45%" is its growth)."""
_STRUCTURE_RE = _rx(r"(?<![\w])(?:cơ cấu|tỷ trọng|tỉ trọng)(?![\w])")
_RATE_RE = _rx(r"t(?<![\w].)(?:ỷ|ỉ) lệ")
_NATIONAL_RE = _rx(r"\s*(?:tính chung\s+|trên\s+|trong\s+)?(?:cả nước|toàn quốc)(?![\w])")
_NATIONAL_SUBJECT_RE = _rx(
    r"(?<![\w])(?:ngành|kinh tế|toàn)\s+(?:[^\W\d_]+\s+){0,2}?việt nam(?![\w])"
)
"""The country as the subject of a figure ("ngành tôm Việt Nam đạt ...")."""
_NATIONAL_BEFORE_RE = _rx(r"(?:cả nước|toàn quốc)\s*\(\s*$")
"""A figure in brackets right after "cả nước": the national one ("bình quân cả nước (46,3%)")."""
_AFTER_STOP = _rx(r"[,;:.()\s](?:(?<=\S)|(?:và|tăng|giảm|chiếm|là|so|với|trong đó)\s)")
"""Where the words after a figure stop: a punctuation mark, or a space before a linking word
(one leading character class, so that the scan skips to candidates in C)."""

# ---- places and sentences -----------------------------------------------------------------

_PLACE_RE = _rx(
    r"(?:huyện|thị xã|thành phố|tp\.?|quận|cửa khẩu(?: quốc tế| chính| phụ)?|"
    r"khu kinh tế(?: cửa khẩu)?|kkt(?: cửa khẩu)?|khu công nghiệp|kcn|cảng)\s*"
    r"(?P<name>[^\W\d_]\w*(?:[ -]+[^\W\d_]\w*){0,3})"
)
_CAPITALISED = re.compile(r"[^\W\d_]\w*")
_STOP_CHARS = ".!?…;:"
"""Final stops: a sentence ending on one (maybe before a closing quote) is no heading."""
_STOPS = frozenset(_STOP_CHARS)
_HEADING_END = re.compile(rf"[{re.escape(_STOP_CHARS)}]\s*[\"”’)]*\s*$")

_PLACE_BEFORE = word_set("trên dưới")
"""Qualifiers that are also words of place ("thời gian trên có"): markers only right before
the number, never before its verb."""

_UNIT_INDICATORS = {
    "visitor": "tourism.visitors",
    "border_gate": "infrastructure.border_gates",
    "project": "investment.projects",
    "institution": "education.vocational_institutions",
}
_PCT_MEASURES = frozenset({"change_pct", "change_pp", "plan_pct", "share_pct"})
_TU = tone_form("từ")
_RESPECTIVELY = tone_form("lần lượt")
_CAP = tone_form("cấp")
_CHANGE_VERBS = frozenset(tone_form(w) for w in ("tăng", "giảm"))
_AREA_LABEL = tone_form("khu vực")
"""Before a number with no unit, part of a name or a level ("cấp 2", "Khu vực 2"): no count."""
_CONTRIBUTES = [tone_form("đóng"), tone_form("góp")]
_VEHICLES = frozenset({"vehicle", "vehicle/day"})
_REORGANISED = "2025-07-01"
_REORGANISED_DAY = date(2025, 7, 1)
_CLAUSE_MARK = re.compile(r"[,;:()]")
_UNSET: Any = object()


@dataclass(slots=True)
class _Span:
    """A sentence with numbers being read, and what every number of it shares: its text,
    how its figures are dated, and the facts found in it so far."""

    start: int
    end: int
    national: bool
    body: str
    time: SentenceTime
    found: list[_Found]


@dataclass(slots=True)
class _Found:
    """A fact of the sentence being read, with what later numbers of it may inherit."""

    obs: Observation
    measure: str
    sign: float
    percent: bool
    indicator: str | None
    period: Period | None


def extract_observations(doc: Document) -> list[Observation]:
    """Every numeric fact of the document, in text order."""
    return extract_document(doc)[0]


def extract_document(doc: Document) -> tuple[list[Observation], str | None]:
    """Every numeric fact of the document, and the name of the province the report is about
    as the extractor decided it (`_DocumentReader.main`; the metadata's when none was found)."""
    try:
        reader = _DocumentReader(doc, get_catalogue())
        return reader.read(), reader.main.name if reader.main is not None else doc.province
    except Exception:  # the pipeline must never stop on one odd document
        log.exception("extractor failed on %s", doc.source)
        return [], doc.province


class _DocumentReader:
    """Reads one document: every pattern once over the text, then each number in its sentence."""

    def __init__(self, doc: Document, cat: Catalogue) -> None:
        self.doc = doc
        self.cat = cat
        self.text = text = doc.text
        self.evidence_chars = evidence_limit()
        self.low = low = fast_lower(text)
        self.mentions = find_mentions(low)
        self.mention_starts = [m.start for m in self.mentions]
        self.numerals = find_numerals(
            low, [(m.start, m.end) for m in self.mentions if m.kind not in NOW_KINDS]
        )
        self.numeral_starts = [n.start for n in self.numerals]
        self.time = TimeFrames(text, low, self.mentions, self.numerals, doc.published)
        codes = _codes_of(cat)
        phrases = [(*m.span(1), codes[m.group(1)]) for m in cat.phrase_scan.finditer(low)]
        phrases.sort(key=_END_START)
        self.phrases = phrases
        self.phrase_ends = [p[1] for p in phrases]
        self.provinces = _non_overlapping(cat.province_scan.finditer(text))
        self.province_starts = [p[0] for p in self.provinces]
        places = [
            _capitalised_part(m, text)
            for m in _PLACE_RE.finditer(low)
            if m.start() == 0 or not low[m.start() - 1].isalnum()
        ]
        self.places = [p for p in places if p[1] > p[0]]
        self.place_starts = [p[0] for p in self.places]
        self.urls = (
            [m.span() for m in _URL_RE.finditer(text)] if "http" in text or "www." in text else []
        )
        self.url_starts = [u[0] for u in self.urls]
        self.province_cache: dict[tuple[str, str | None], Province | None] = {}
        self.main = self._main_province()
        self.last_by_indicator: dict[str, tuple[str, float]] = {}
        self.before_cache: dict[Any, Any] = {}
        self.main_cache: dict[str | None, tuple[str, Province]] = {}
        # the vintage of a figure with no period: that of the publication day
        published = doc.published
        self.published_on = (
            _REORGANISED
            if published is not None and published.isoformat() >= _REORGANISED
            else None
        )

    # ---- document level -------------------------------------------------------------------

    def _province(self, name: str, on: str | None) -> Province | None:
        """The province a name denotes on a day (looked up once per name and day)."""
        key = (name, on)
        province = self.province_cache.get(key, _UNSET)
        if province is _UNSET:
            day = None if on is None else date.fromisoformat(on)
            province = self.province_cache[key] = self.cat.province(name, day)
        return province

    def _main_on(self, main: Province, on: str | None) -> tuple[str, Province]:
        """The name and unit of the document's main province as it stood on a day (looked up
        once per day: most figures of a report fall back on it)."""
        found = self.main_cache.get(on)
        if found is None:
            province = self._province(main.name, on) or main
            found = self.main_cache[on] = (_unit_name(main), province)
        return found

    def _main_province(self) -> Province | None:
        """The province the document is about: its metadata hint, else the most named one."""
        if self.doc.province:
            on = self.doc.published.isoformat() if self.doc.published else None
            p = self.cat.province(self.doc.province, self.doc.published)
            if p is not None and (on is None or on < _REORGANISED):
                return self.cat.province(self.doc.province) or p
            if p is not None:
                return p
        counts: Counter[str] = Counter()
        first: dict[str, Province] = {}
        for start, end in self.provinces:
            p = self._province(self.text[start:end], None)
            if p is None:
                continue
            key = p.code + p.vintage
            counts[key] += 2 if start < 300 else 1
            first.setdefault(key, p)
        if not counts:
            return None
        order = list(first)
        best = max(counts, key=lambda k: (counts[k], -order.index(k)))
        return first[best]

    def _sentences(self) -> Iterable[tuple[int, int, int]]:
        """The sentences as (start, end, paragraph); the reader's split already keeps
        abbreviations ("TP. Huế") inside a sentence."""
        sentences = self.doc.sentences
        if not sentences and self.text.strip():
            sentences = split_sentences(self.text)
        return sentences

    def _heading(self, start: int, end: int) -> bool:
        """True when the sentence between two offsets is a heading: alone on its line, with
        no final stop (looked at first: most sentences end on one)."""
        text = self.text
        if text[end - 1] in _STOPS:
            return False  # what `_HEADING_END` finds first, without a regex call
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        whole_line = not text[line_start:start].strip() and not text[end:line_end].strip()
        return whole_line and not _HEADING_END.search(text, max(start, end - 8), end)

    # ---- reading --------------------------------------------------------------------------

    def read(self) -> list[Observation]:
        """The facts of the document, sentence by sentence, each dated by the time frames."""
        out: list[Observation] = []
        numeral_starts, numerals, time = self.numeral_starts, self.numerals, self.time
        for start, end, paragraph in self._sentences():
            i = bisect.bisect_left(numeral_starts, start)
            first_number = (
                numerals[i].start if i < len(numerals) and numerals[i].start < end else None
            )
            heading = self._heading(start, end)
            when = time.open_sentence(start, end, paragraph, heading, first_number)
            if when is None or first_number is None:
                continue
            found = self._sentence(when)
            time.close_sentence(when, found, heading)
            out.extend(f.obs for f in found)
        time.finish(out)
        return out

    def _sentence(self, time: SentenceTime) -> list[_Found]:
        """The facts of a sentence with numbers, dated as `time` says."""
        low, start, end = self.low, time.start, time.end
        national = (
            low.find("cả nước", start, end) >= 0
            or low.find("toàn quốc", start, end) >= 0
            or low.find("việt nam", start, end) >= 0
        )
        found: list[_Found] = []
        span = _Span(start, end, national, self.text[start:end], time, found)
        self.before_cache.clear()  # its keys hold the sentence's start: none is met again
        starts = self.numeral_starts
        i = bisect.bisect_left(starts, start)
        j = bisect.bisect_left(starts, end, i)
        numerals = [n for n in self.numerals[i:j] if n.end <= end]
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
                and nxt.start == n.end + 1
                and self.text[n.end] == "/"
            )
            words = _left_words(self.low, n.start, span.start)
            if skip_next_fraction or self._not_a_fact(n, span, words):
                if is_fraction and nxt is not None and _ordinal(words):
                    ordinal_until = nxt.end  # a rank: "xếp thứ 7/63 ..., thứ 3/11 ... và 2/6 ..."
                skip_next_fraction = is_fraction
                continue
            if is_fraction and nxt is not None:
                in_ranking = (  # a list of ranks goes on within its clause, up to ";"
                    ordinal_until >= 0
                    and n.start - ordinal_until < 80
                    and self.text.find(";", ordinal_until, n.start) < 0
                )
                if _ordinal(words) or in_ranking:
                    ordinal_until = nxt.end
                    k += 1
                    continue
                whole = self._fact(nxt, span, None, _left_words(self.low, nxt.start, span.start))
                part = self._fact(n, span, whole, words)
                found.extend(f for f in (part, whole) if f is not None)
                k += 1
                continue
            f = self._fact(n, span, None, words)
            if f is not None:
                found.append(f)
        if len(found) > 1 and low.find(_RESPECTIVELY, start, end) >= 0:
            self._respectively(span)
        return found

    def _respectively(self, span: _Span) -> None:
        """ "Lạng Sơn và Cao Bằng lần lượt là 2 tỷ USD và 500 triệu USD": the figures after
        "lần lượt" take the provinces named before it, in order."""
        at = self.low.find(_RESPECTIVELY, span.start, span.end)
        i = bisect.bisect_left(self.province_starts, span.start)
        named = [p for p in self.provinces[i:] if p[1] <= at]
        after = [f for f in span.found if f.obs.start > at]
        if len(named) < 2 or len(after) < len(named):
            return
        for f, (start, end) in zip(after, named, strict=False):
            period = f.period
            on = _REORGANISED if period is not None and period.last >= _REORGANISED_DAY else None
            province = self._province(self.text[start:end], on)
            if province is not None:
                f.obs.area_code = province.code
                named_unit = self._province(self.text[start:end], None)
                f.obs.area = _unit_name(named_unit) if named_unit else self.text[start:end]

    def _in_percent_list(self, n: Numeral, span: _Span, words: list[str]) -> bool:
        """True when a bare number continues a list of percent changes of its sentence
        ("Bia giảm 12,23%; Gỗ giảm 15,38, săm xe máy giảm 12,65%"): it is one of them."""
        found = span.found
        return (
            not n.scaled
            and bool(found)
            and found[-1].percent
            and found[-1].measure in ("change_pct", "change_pp")
            and bool(words)
            and words[-1] in _CHANGE_VERBS
            and n.end < len(self.text)
            and self.text[n.end] in ",;. "
        )

    def _not_a_fact(self, n: Numeral, span: _Span, words: list[str]) -> bool:
        """Years, dates, times, codes, ordinals, document numbers, captions: no fact."""
        j = bisect.bisect_left(self.mention_starts, n.end) - 1
        if j >= 0:
            m = self.mentions[j]
            if m.end > n.start and m.kind not in ("now", "tonow"):
                return True
        if self.urls:
            j = bisect.bisect_left(self.url_starts, n.end) - 1
            if j >= 0 and self.urls[j][1] > n.start:
                return True
        if n.times:
            return False
        text, low, s = self.text, self.low, n.start
        prev = text[s - 1] if s > 0 else " "
        if prev in "“\"«‘'" or prev.isalpha():
            return True
        if prev in "-–_" and s > 1 and text[s - 2].isalnum():
            return True
        nxt = text[n.end] if n.end < len(text) else " "
        if nxt.isalpha() and not _GLUED_UNIT.match(low, n.end):
            return True
        if _ordinal(words):
            return True
        if not n.percent and _NOT_FACT_AFTER.match(low, n.end):
            return True
        raw = text[s : n.end]
        if not n.percent and not n.scaled and raw.isdigit():
            if len(raw) == 4 and 1900 <= int(raw) <= 2100:
                unit = unit_after(low, n.end, span.end)
                if unit is None or not unit.known:
                    return True
            if len(raw) >= 7:
                return True
        return False

    def _fact(
        self, n: Numeral, span: _Span, whole: _Found | None, words: list[str]
    ) -> _Found | None:
        """The fact of one number of a sentence (`whole`: the fact of the "Y" of an "X/Y"
        written right after it), or None when the number states none."""
        text, low = self.text, self.low
        unit: Unit | None = None
        if whole is not None:
            unit_code, factor, end, known = whole.obs.unit, 1.0, n.end, True
        elif n.percent or n.times:
            unit_code, factor, end, known = "percent", 1.0, n.end, True
        else:
            unit = unit_after(low, n.end, span.end)
            if unit is not None:
                unit_code, factor, end, known = unit.code, unit.factor, unit.end, unit.known
            elif self._in_percent_list(n, span, words):
                n = dataclasses.replace(n, percent=True)  # "giảm 12,23%; ... giảm 15,38, ..."
                unit_code, factor, end, known = "percent", 1.0, n.end, True
            else:
                unit_code, factor, end, known = "count", 1.0, n.end, False
        if n.spelled and not known and not n.scaled:
            return None
        label = bool(words) and (words[-1] == _CAP or " ".join(words[-2:]) == _AREA_LABEL)
        if label and unit is None and whole is None and not n.percent:
            return None  # "công nghiệp cấp 2", "Chi nhánh Khu vực 2": a label, not a count
        bare = unit is None and whole is None and not n.percent and not n.times
        if bare and not n.scaled and span.start < n.start - 1:
            word = _CAPITALISED.search(text, max(span.start, n.start - 30), n.start - 1)
            last = None
            while word is not None:
                last = word
                word = _CAPITALISED.search(text, word.end(), n.start - 1)
            if last is not None and last.end() >= n.start - 1 and last.group()[0].isupper():
                return None  # caption numbering, a name with a number
        clause = self._clause_start(span, n.start)
        cue, q = _cue_and_qualifier(words)
        if words and words[-1] == _TU and cue in ("tăng", "giảm"):
            cue = None  # "giảm từ 62,28% xuống còn 43,59%": the two levels, not changes
        qualifier = n.qualifier or q
        if unit_code == "visit":
            # "lượt" alone: visitors when the clause speaks of khách, else visits of something
            sibling = span.found[-1].obs.unit if span.found else None
            visitors = sibling == "visitor" or _KHACH_RE.search(low, clause, n.start)
            unit_code = "visitor" if visitors else "count"
        elif (
            unit_code == "person"
            and "lượt" in low[n.end : end]
            and _KHACH_RE.search(low, clause, n.start)
        ):
            unit_code = "visitor"
        elif unit_code in ("VND", "USD") and "đầu người" in low[clause : n.start]:
            unit_code += "/person"
        elif unit_code == "vehicle" and (
            _PER_DAY_BEFORE.search(low, clause, n.start) or _PER_DAY_AFTER.match(low, end)
        ):
            unit_code = "vehicle/day"
        sign_char = text[n.start - 1] if n.start > 0 else ""
        plan_after = compare_after = False
        if n.times or n.percent:  # only rates are measured against a plan or a past figure
            after = _AFTER_RE.match(low, end, min(span.end, end + 60))
            plan_after = after is not None and after.group("plan") is not None
            compare_after = after is not None and after.group("pre") is not None and not plan_after
        found = span.found
        prev = found[-1] if found else None

        measure, sign, offset = "level", 1.0, 0.0
        if n.times:
            gap = low.startswith("gấp", n.start)
            if cue in ("giảm", "giảm đi"):
                measure = "change_pct"
            elif plan_after and gap:
                measure = "plan_pct"
            elif gap or cue in ("tăng", "gấp"):
                measure = "change_pct"
            else:
                return None
        elif n.percent:
            if "điểm" in low[n.start : n.end]:  # "giảm 1,2 điểm phần trăm": a change in points
                measure = "change_pp"
                if sign_char in ("-", "−") or cue in ("giảm", "giảm đi"):
                    sign = -1.0
            elif sign_char == "+" or cue in ("tăng", "tăng thêm", "tăng trưởng"):
                measure = "plan_pct" if plan_after else "change_pct"
                offset = 100.0 if plan_after else 0.0
            elif sign_char in ("-", "−") or cue in ("giảm", "giảm đi"):
                measure = "plan_pct" if plan_after else "change_pct"
                offset, sign = (100.0, -1.0) if plan_after else (0.0, -1.0)
            elif cue == "chiếm":  # a rate that is itself the indicator stays a level
                measure = "level" if _RATE_RE.search(low, clause, n.start) else "share_pct"
            elif words[-2:] == _CONTRIBUTES:
                measure = "share_pct"  # "đóng góp 62,76% trong mức tăng trưởng chung"
            elif cue == "vượt":
                if compare_after and not plan_after:
                    measure = "change_pct"
                else:
                    measure, offset = "plan_pct", 100.0
            elif plan_after:
                measure = "plan_pct"
            elif compare_after and cue in ("bằng", "đạt"):
                measure, offset = "change_pct", -100.0
            elif cue in ("tăng lên", "lên", "giảm xuống", "xuống"):
                measure = "level"
            elif (
                cue is None
                and prev is not None
                and prev.percent
                and prev.measure != "level"
                and (not words or words[-1][-1] in ",;(" or words[-1] == "và" or sign_char == "(")
            ):
                measure, sign = prev.measure, prev.sign
            elif cue in (None, "đạt", "là", "với") and _GROWTH_RE.search(low, clause, n.start):
                measure = "change_pct"
            elif cue in (None, "là") and _STRUCTURE_RE.search(
                low, max(span.start, n.start - 150), n.start
            ):
                measure = "share_pct"  # "cơ cấu kinh tế ... tương ứng là 40,97% - 16,18%"
        elif cue in ("tăng", "tăng thêm", "thêm") or sign_char == "+":
            measure = "change_abs"
        elif cue in ("giảm", "giảm đi") or sign_char in ("-", "−"):
            measure, sign = "change_abs", -1.0
        low_v, high_v = _values(n, measure, cue, sign, offset, factor)

        indicator = self._indicator(
            n, end, span, "bare" if bare else unit_code, measure, prev, known
        )
        # a figure written without unit words takes the unit of its indicator's last figure
        if bare and indicator in self.last_by_indicator:
            unit_code, scale = self.last_by_indicator[indicator]
            if not n.scaled:
                low_v, high_v = low_v * scale, high_v * scale
        elif indicator and unit_code in MONEY and n.scaled:
            self.last_by_indicator[indicator] = (unit_code, _scale_factor(low[n.start : n.end]))

        period = self.time.period_of(n, span.time, unit_code, measure, indicator, clause)
        area_code, area = self._area(n, span, clause, period)
        obs = Observation(  # positional: the fields in their CONTRACT.md order
            self.doc.doc_id,
            self.doc.source,
            indicator,
            self._subject(span, n, end, clause),
            measure,
            None if low_v != high_v else low_v,
            low_v,
            high_v,
            unit_code,
            period.label if period else None,
            None,
            area_code,
            area,
            qualifier is not None,
            qualifier,
            span.body  # the sentence; a window around the number when the sentence is long
            if len(span.body) <= self.evidence_chars
            else evidence_window(
                self.text, span.start, span.end, n.start, end, self.evidence_chars
            ),
            n.start,
            end,
        )
        return _Found(obs, measure, sign, n.percent or n.times, indicator, period)

    # ---- dimensions -----------------------------------------------------------------------

    def _clause_start(self, span: _Span, pos: int) -> int:
        """Where the clause of a position starts (after , ; : or an opening bracket)."""
        low = self.low
        floor = max(span.start, pos - 120)
        cut = max(
            low.rfind(",", floor, pos), low.rfind(";", floor, pos), low.rfind(":", floor, pos)
        )
        paren = low.rfind("(", floor, pos)
        if paren > cut and low.rfind(")", paren, pos) < 0:
            cut = (
                paren  # inside brackets: "(tăng 35%, ...)"; a closed "(GRDP)" is part of the words
            )
        return cut + 1 if cut >= 0 else floor

    def _indicator(
        self,
        n: Numeral,
        end: int,
        span: _Span,
        unit: str,
        measure: str,
        prev: _Found | None,
        known: bool,
    ) -> str | None:
        """The catalogue code of what the number measures: the nearest fitting phrase."""
        phrases, ends = self.phrases, self.phrase_ends
        # the noun written after a count ("187 doanh nghiệp thành lập mới") names it first
        if not n.percent and not n.times:
            after_limit = min(span.end, end + 50)
            stop = _AFTER_STOP.search(self.low, end, after_limit)
            if stop:
                after_limit = stop.start()
            best_after: tuple[int, int, str] | None = None
            i = bisect.bisect_left(ends, n.end)
            while i < len(phrases) and phrases[i][1] <= after_limit + 40:
                start, p_end, codes = phrases[i]
                if n.end <= start < after_limit and p_end <= span.end:
                    code = self._fit(codes, unit, measure)
                    if code and (
                        best_after is None
                        or start < best_after[0]
                        or (start == best_after[0] and p_end > best_after[1])
                    ):
                        best_after = (start, p_end, code)
                i += 1
            if best_after is not None:
                return best_after[2]
        i = bisect.bisect_right(ends, n.start) - 1
        # the numbers of a sentence with no phrase between them share the phrase before them
        key = (i, span.start, unit, measure) if n.start - span.start < 600 else None
        best: tuple[int, int, str] | None = self.before_cache.get(key, _UNSET)
        if best is _UNSET:
            best = None
            while i >= 0 and phrases[i][1] > span.start:
                start, p_end, codes = phrases[i]
                if start >= span.start:
                    code = self._fit(codes, unit, measure)
                    if code and (
                        best is None or p_end > best[0] or (p_end == best[0] and start < best[1])
                    ):
                        best = (p_end, start, code)
                    if best is not None and p_end < best[0] - 200:
                        break
                if p_end < n.start - 600:
                    break  # a phrase that far back names something else
                i -= 1
            if key is not None:
                self.before_cache[key] = best
        if (
            prev is not None
            and prev.indicator
            and measure in _PCT_MEASURES
            and (best is None or best[0] <= prev.obs.start)
        ):
            return prev.indicator
        if best is not None:
            return best[2]
        return _UNIT_INDICATORS.get(unit) if known else None

    def _fit(self, codes: tuple[str, ...], unit: str, measure: str) -> str | None:
        """The first code whose usual unit fits the number's unit and measure."""
        key = (id(self.cat), codes, unit, measure)
        code = _FITS.get(key, _UNSET)
        if code is _UNSET:
            if len(_FITS) > 50_000:
                _FITS.clear()
            code = _FITS[key] = self._first_fit(codes, unit, measure)
        return code

    def _first_fit(self, codes: tuple[str, ...], unit: str, measure: str) -> str | None:
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
                (unit in MONEY and u in MONEY)
                or (unit in _VEHICLES and u in _VEHICLES)
                or (unit == "count" and u not in MONEY)
            ):
                fallback = fallback or code
        return fallback

    def _area(
        self, n: Numeral, span: _Span, clause: int, period: Period | None
    ) -> tuple[str | None, str]:
        """The province code (as it stood in the period) and the most specific place named."""
        # the catalogue tells only before / after the reorganisation apart
        # the code in force at the end of the period; a target's as it stood when it was set
        if period is not None and not span.time.target:
            on: str | None = _REORGANISED if period.last >= _REORGANISED_DAY else None
        else:
            on = self.published_on
        if span.national and (
            _NATIONAL_RE.match(self.low, clause, n.start)
            or _NATIONAL_RE.match(self.low, span.start, n.start)
            or _NATIONAL_SUBJECT_RE.search(self.low, clause, n.start)
            or (
                self.text[n.start - 1] == "("
                and _NATIONAL_BEFORE_RE.search(self.low, max(span.start, n.start - 30), n.start)
            )
        ):
            return None, "cả nước"
        province: Province | None = None
        name = ""
        i = bisect.bisect_left(self.province_starts, n.start) - 1
        if i >= 0 and self.provinces[i][0] >= span.start:
            start, end = self.provinces[i]
            name = self.text[start:end]
            province = self._province(name, on)
            named = self._province(name, None)  # the unit the text names, maybe a former one
            name = _unit_name(named) if named is not None else name
        if province is None and self.main is not None:
            name, province = self._main_on(self.main, on)
        area = name
        j = bisect.bisect_left(self.place_starts, n.start) - 1
        if j >= 0 and self.places[j][0] >= span.start and self.places[j][1] <= n.start:
            area = self.text[self.places[j][0] : self.places[j][1]]
        elif j + 1 < len(self.places) and self.places[j + 1][1] <= span.end:
            start, end = self.places[j + 1]
            if _CLAUSE_MARK.search(self.text, n.end, start) is None:
                area = self.text[start:end]
        if province is None:
            return None, area
        return province.code, area

    def _subject(self, span: _Span, n: Numeral, end: int, clause: int) -> str:
        """The words that name what is measured: the clause before the number, else the noun
        after its unit, else the words right after the number."""
        subject = self.text[clause : n.start].strip(" ,;:(-–\t\n")
        while subject:
            cut = subject.rfind(" ")
            last = subject[cut + 1 :]
            if last.lower().strip("(") not in _TRIM and last.strip("(-–:"):
                break
            subject = subject[:cut].rstrip(" ,;:(-–") if cut > 0 else ""
        if len(subject) < 3:
            subject = noun_after(self.text, end, span.end)
            if not subject and end != n.end:  # nothing after the unit: the words it is made of
                subject = noun_after(self.text, n.end, span.end)
        return subject[:200]


_TRIM = _QUAL_WORDS | _CUE_WORDS | _FILLERS | word_set("xấp xỉ tính dự kiến báo chưa tới đến đầy")


def _unit_name(province: Province) -> str:
    """A province as `area` names it: "tỉnh Lạng Sơn", "thành phố Hà Nội"."""
    full = province.full_name or province.name
    return full[:1].lower() + full[1:]


def _values(
    n: Numeral, measure: str, cue: str | None, sign: float, offset: float, factor: float
) -> tuple[float, float]:
    """The bounds of a fact in its unit: multipliers as percent, falls negative, plans on 100."""
    if not n.times and not offset and factor == 1.0:
        low = _round15(n.low)
        high = low if n.high == n.low else _round15(n.high)
        return (low, high) if sign > 0 else (-high, -low)
    bounds = []
    for x in (n.low, n.high) if n.low != n.high else (n.low,):
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
        bounds.append(_round15(v))
    return min(bounds), max(bounds)


def _non_overlapping(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    """Spans of group 1, each starting after the previous one ends (as `finditer` would)."""
    out: list[tuple[int, int]] = []
    covered = -1
    for m in matches:
        start, end = m.span(1)
        if start >= covered:
            out.append((start, end))
            covered = end
    return out


def _round15(v: float) -> float:
    """The value rounded to 15 significant digits (whole numbers below 10^15 are exact)."""
    if v.is_integer() and -1e15 < v < 1e15:
        return v
    return float(f"{v:.15g}")


def _capitalised_part(m: re.Match[str], text: str) -> tuple[int, int]:
    """A place mention up to its last capitalised word ("huyện Hương Khê có" → without "có")."""
    end = m.start("name")
    for w in _CAPITALISED.finditer(text, m.start("name"), m.end("name")):
        if not w.group()[0].isupper():
            break
        end = w.end()
    return (m.start(), end) if end > m.start("name") else (m.start(), m.start())


class _PhraseCodes(dict[str, tuple[str, ...]]):
    """The indicator codes of matched words, looked up once each in one catalogue."""

    def __init__(self, cat: Catalogue) -> None:
        super().__init__()
        self.cat = cat

    def __missing__(self, words: str) -> tuple[str, ...]:
        """Looks the words up (and forgets everything first when too many are held)."""
        if len(self) > 50_000:
            self.clear()
        codes = self[words] = self.cat.indicator_codes(words)
        return codes


_CODES: dict[int, _PhraseCodes] = {}
_FITS: dict[tuple[Any, ...], str | None] = {}
_END_START = operator.itemgetter(1, 0)


def _codes_of(cat: Catalogue) -> _PhraseCodes:
    """The remembered phrase codes of a catalogue."""
    codes = _CODES.get(id(cat))
    if codes is None or codes.cat is not cat:
        codes = _CODES[id(cat)] = _PhraseCodes(cat)
    return codes


def _left_words(low: str, pos: int, floor: int, n: int = 6) -> list[str]:
    """The last words before a position (at most n, not before `floor`), nearest last."""
    start = max(floor, pos - 8 * n)
    words = low[start:pos].rsplit(None, n)
    if len(words) > n:
        return words[1:]  # the last n, whole; the rest (maybe cut at `start`) left unsplit
    if start > floor and words and not low[start - 1].isspace():
        words = words[1:]
    return words


def _ordinal(words: list[str]) -> bool:
    """True when the words right before a number make it an ordinal, a code or a label."""
    if not words:
        return False
    last = words[-1]
    if last in _NOT_FACT_WORDS:
        return not (last == "số" and len(words) > 1 and words[-2] == "tổng")
    return len(words) > 1 and f"{words[-2]} {last}" in _NOT_FACT_PAIRS


def _cue_and_qualifier(words: list[str]) -> tuple[str | None, str | None]:
    """The verb a number hangs on (tăng, giảm, đạt, chiếm...) and its approximation marker."""
    cue = qual = None
    i = len(words) - 1
    while i >= 0:
        w = words[i].strip('(“"')
        if not w:
            i -= 1
            continue
        if w[-1] in ",;:)”":
            break
        pair = f"{words[i - 1]} {w}" if i > 0 and w in _PAIR_ENDS else ""
        if pair in _CUE_PAIRS:
            cue, i = pair, i - 2
            break
        if pair in _QUAL_PAIRS:
            qual, i = qual or pair, i - 2
            continue
        if w in _CUE_WORDS:
            cue, i = w, i - 1
            break
        if w in _QUAL_WORDS:
            qual, i = qual or w, i - 1
            continue
        if w in _FILLERS:
            i -= 1
            continue
        break
    if cue is not None and qual is None and i >= 0:
        w = words[i]
        pair = f"{words[i - 1]} {w}" if i > 0 and w in _PAIR_ENDS else ""
        if pair in _QUAL_PAIRS:
            qual = pair
        elif w in _QUAL_WORDS and w not in _PLACE_BEFORE:
            qual = w
        elif cue == "bằng" and w in ("không", "chưa"):
            qual = f"{w} bằng"
    return cue, qual


def _scale_factor(low_numeral: str) -> float:
    """The scale a later bare figure of the same indicator is read in: the scale words of
    the amount's last part ("nghìn tỷ" → 10^12; "1 tỷ 306 triệu" → 10^6)."""
    factor = 1.0
    after_scale = False
    for word in low_numeral.split():
        scale = SCALES.get(word)
        if scale is None:
            if after_scale:  # a new part of the amount begins: its own scale words follow
                factor, after_scale = 1.0, False
            continue
        factor *= scale
        after_scale = True
    return factor
