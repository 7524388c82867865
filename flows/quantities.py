"""Quantities: a numeral with the unit words written after it, in a CONTRACT.md unit code.

"19.436 học viên" → person, "3.250 tỷ đồng" → VND, "58,4 tạ/ha" → 5.84
tonne/ha, "1.100 - 1.350 xe/ngày" → vehicle/day. A counted noun with no code
of its own ("40 làng") is `count`; a number with no noun after it has no unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.folding import tone_form, word_set

# (pattern, unit code, factor); longest and most specific first.
MONEY = frozenset({"VND", "USD", "VND/person", "USD/person"})
"""The units of amounts of money."""
_UNITS: tuple[tuple[str, str, float], ...] = (
    (
        r"(?:triệu\s+)?(?:đồng|vnđ|vnd|đ)\s*/\s*(?:người|lao động|khẩu)(?:\s*/\s*(?:năm|tháng))?",
        "VND/person",
        1.0,
    ),
    (
        r"(?:usd|đô la mỹ|đô-la mỹ|đô la|đô-la|đôla)\s*/\s*(?:người|lao động)(?:\s*/\s*năm)?",
        "USD/person",
        1.0,
    ),
    (r"đồng|vnđ|vnd|đ(?![\w])", "VND", 1.0),
    (r"usd|đô la mỹ|đô-la mỹ|đô la|đô-la|đôla|\$", "USD", 1.0),
    (r"tấn\s*/\s*(?:ha|héc-ta|hecta)", "tonne/ha", 1.0),
    (r"tạ\s*/\s*(?:ha|héc-ta|hecta)", "tonne/ha", 0.1),
    (r"tấn(?:\s*/\s*(?:năm|ngày|tháng))?", "tonne", 1.0),
    (r"tạ(?![\w])", "tonne", 0.1),
    (r"kg(?![\w])|ki-lô-gam|kilôgam", "tonne", 0.001),
    (
        r"(?:lượt\s+)?(?:xe|phương tiện|ô tô|xe ô tô|xe hàng|chiếc xe)(?:\s+\w+)?"
        r"\s*/\s*(?:ngày đêm|ngày)",
        "vehicle/day",
        1.0,
    ),
    (r"toa(?:\s+tàu)?\s*/\s*(?:ngày đêm|ngày)", "railcar/day", 1.0),
    (r"lượt\s+(?:xe|phương tiện)|phương tiện|xe ô tô|ô tô|xe(?![\w])|chiếc xe", "vehicle", 1.0),
    (r"lượt\s+dự án|dự án", "project", 1.0),
    (r"lượt\s+(?:người|học viên|lao động)", "person", 1.0),
    (
        r"(?:lượt\s+(?:khách|du khách)|du khách|khách)(?!\s+(?:sạn|hàng)(?![\w]))",
        "visitor",
        1.0,
    ),
    # "lượt" alone counts visits of anything ("29 lượt góp vốn"); the reader makes it
    # `visitor` when the clause speaks of khách, else `count`
    (r"lượt(?![\w])", "visit", 1.0),
    (r"ha(?![\w])|héc-ta|héc ta|hecta|hécta|hec-ta", "ha", 1.0),
    (r"(?:km2|km²|ki-lô-mét vuông|kilômét vuông|cây số vuông)(?![\w])", "ha", 100.0),
    (r"km(?![\w²])|ki-lô-mét|kilômét|cây số", "km", 1.0),
    (r"hộ(?![\w])", "household", 1.0),
    (r"doanh nghiệp|dn(?![\w])|công ty", "enterprise", 1.0),
    (r"cơ sở|trường(?![\w])", "institution", 1.0),
    (r"xã(?![\w])", "commune", 1.0),
    (r"cửa khẩu", "border_gate", 1.0),
    (r"thỏa thuận|thoả thuận|hiệp định|bản ghi nhớ|biên bản ghi nhớ", "agreement", 1.0),
    (
        r"người|lao động|học viên|học sinh|sinh viên|nhân khẩu|công nhân|thí sinh|bệnh nhân"
        r"|cán bộ|hội viên|đoàn viên|thanh niên|trẻ em|đối tượng|khẩu(?![\w])|lao đông",
        "person",
        1.0,
    ),
)

UNIT_RE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<u{i}>{tone_form(p)})" for i, (p, _, _) in enumerate(_UNITS)) + r")"
)
"""A unit written right after a number (on the lower form); group i + 1 is `_UNITS[i]` (the
unit patterns capture nothing themselves)."""

_NOT_A_NOUN = word_set(
    "và hoặc so của là đến tới trong tại với cho được để từ theo trên dưới khi thì mà nên "
    "nhưng vì do bởi ở đã đang sẽ cũng còn chỉ như này đó kia bằng tăng giảm đạt chiếm vượt "
    "lên xuống về qua sau trước nhằm gồm có thuộc nay hơn khoảng gần lần"
)
_WORD_RE = re.compile(r"\s+([^\W\d_]+)")
_NOUN_RE = re.compile(r"\s*((?:[^\W\d_]+)(?:[ ][^\W\d_]+){0,3})")


@dataclass(slots=True)
class Unit:
    """The unit written after a number: code, factor to the base unit, its span."""

    code: str
    factor: float
    start: int
    end: int
    known: bool


def unit_after(low: str, pos: int, limit: int) -> Unit | None:
    """The unit written at `pos` of a lower-form text: a known one (told by the number of the
    group that matched), else a counted noun."""
    m = UNIT_RE.match(low, pos, limit)
    if m is not None and m.lastindex:
        _, code, factor = _UNITS[m.lastindex - 1]
        return Unit(code, factor, m.start(m.lastindex), m.end(), True)
    w = _WORD_RE.match(low, pos, limit)
    if w is not None and w.start() == pos and w.group(1) not in _NOT_A_NOUN:
        return Unit("count", 1.0, w.start(1), w.end(1), False)
    return None


def noun_after(text: str, pos: int, limit: int) -> str:
    """Up to four words written after a position (what a bare count counts)."""
    m = _NOUN_RE.match(text, pos, limit)
    return m.group(1) if m else ""
