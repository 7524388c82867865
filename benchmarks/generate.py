"""Synthetic Vietnamese provincial reports for benchmarks, deterministic from a seed.

Each report is about 5 KB of UTF-8 text about one province and one period: headings,
sentences stating facts in every number format the extractor reads (thousands with '.',
decimals with ',', scale words, ranges, percents, changes, plan attainment, shares,
spelled-out numbers, multipliers, fractions) and sentences whose numbers are no facts
(dates, document numbers, ordinals, road names). A second generation equals the first
except that a fraction of the reports has one number edited, to measure incremental runs.

    python -m benchmarks.generate OUT -n 10000 --seed 7 --changed 0.01

writes OUT/base/*.txt, OUT/changed/*.txt (same names) and OUT/manifest.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

GENERATOR_VERSION = "1"
"""Bumped whenever the same seed would write different reports."""

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = PROJECT_ROOT / "seeds" / "reference"
TARGET_BYTES = 5000
"""Reports grow paragraph by paragraph until they reach this size in UTF-8."""
PROVINCE_VINTAGE = "2008-08-01"
"""The 63 provinces in force for the reports' periods (2019-2024)."""


@dataclass(frozen=True, slots=True)
class Province:
    """A province as the reference list names it."""

    code: str
    name: str
    full_name: str
    kind: str

    @property
    def called(self) -> str:
        """How a sentence names it: 'tỉnh Lạng Sơn', 'thành phố Hà Nội'."""
        return ("thành phố " if self.kind == "municipality" else "tỉnh ") + self.name


@dataclass(frozen=True, slots=True)
class Indicator:
    """A catalogue indicator: code, the words that name it, its usual unit."""

    code: str
    names: tuple[str, ...]
    unit: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a generated corpus is: enough to tell whether it can be reused."""

    n: int
    seed: int
    changed_fraction: float
    changed: list[str]
    base_bytes: int
    changed_bytes: int
    generator_version: str = GENERATOR_VERSION


def load_provinces(reference_dir: Path = REFERENCE_DIR) -> list[Province]:
    """The provinces of the 2008 list (codes as they stood for 2019-2024 reports)."""
    with (reference_dir / "provinces.csv").open(encoding="utf-8") as f:
        return [
            Province(r["code"], r["name"], r["full_name"], r["kind"])
            for r in csv.DictReader(f)
            if r["vintage"] == PROVINCE_VINTAGE
        ]


def load_indicators(reference_dir: Path = REFERENCE_DIR) -> list[Indicator]:
    """The indicator catalogue with its Vietnamese names and phrases."""
    with (reference_dir / "indicators.csv").open(encoding="utf-8") as f:
        out = []
        for r in csv.DictReader(f):
            name = r["name_vi"].split(" (")[0]
            name = name if name[:2].isupper() else name[0].lower() + name[1:]
            phrases = [p for p in r["phrases"].split("|") if len(p) > 6 and not p.isupper()]
            out.append(Indicator(r["code"], (name, *phrases), r["unit"]))
        return out


# --- numbers written the Vietnamese way ------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def vn_number(mantissa: int, decimals: int = 0) -> str:
    """`mantissa / 10**decimals` with '.' between thousands and ',' before decimals."""
    digits = str(abs(mantissa)).rjust(decimals + 1, "0")
    whole, frac = (digits[:-decimals], digits[-decimals:]) if decimals else (digits, "")
    text = f"{int(whole):,}".replace(",", ".")
    return ("-" if mantissa < 0 else "") + text + ("," + frac if frac else "")


def spell(n: int) -> str:
    """A number below 100, or a whole number of thousands below 100,000, in words."""
    if n >= 1000 and n % 1000 == 0 and n < 100_000:
        return spell(n // 1000) + " nghìn"
    if not 0 <= n < 100:
        raise ValueError(f"cannot spell {n}")
    if n < 10:
        return _DIGIT_WORDS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{_DIGIT_WORDS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        return f"{head} lăm"
    if tens > 1 and unit == 1:
        return f"{head} mốt"
    if tens > 1 and unit == 4:
        return f"{head} tư"
    return f"{head} {_DIGIT_WORDS[unit]}"


# Unit forms: the words after the number, and the mantissa range and decimals to draw.
_Form = tuple[str, int, int, int]
UNIT_FORMS: dict[str, tuple[_Form, ...]] = {
    "VND": (
        ("tỷ đồng", 1_000, 999_999, 1),
        ("nghìn tỷ đồng", 10, 9_999, 1),
        ("triệu đồng", 100, 999_999, 0),
        ("tỷ đồng", 100, 99_999, 0),
    ),
    "USD": (
        ("triệu USD", 10_000, 99_999_999, 3),
        ("tỷ USD", 10, 9_999, 2),
        ("triệu USD", 10, 99_999, 1),
        ("nghìn USD", 100, 999_999, 0),
    ),
    "VND/person": (("triệu đồng/người/năm", 200, 1_500, 1), ("triệu đồng/người", 30, 150, 0)),
    "USD/person": (("USD/người", 1_000, 9_999, 0),),
    "person": (
        ("người", 100, 999_999, 0),
        ("lao động", 500, 99_999, 0),
        ("học viên", 500, 49_999, 0),
        ("nghìn người", 100, 9_999, 1),
        ("triệu người", 10, 99, 1),
    ),
    "household": (("hộ", 100, 399_999, 0),),
    "enterprise": (("doanh nghiệp", 50, 9_999, 0), ("nghìn doanh nghiệp", 10, 999, 1)),
    "project": (("dự án", 2, 999, 0),),
    "institution": (("cơ sở", 2, 99, 0),),
    "vehicle/day": (("xe/ngày", 100, 9_999, 0), ("lượt xe/ngày", 100, 4_999, 0)),
    "tonne": (("tấn", 1_000, 999_999, 0), ("nghìn tấn", 100, 99_999, 1)),
    "ha": (("ha", 1_000, 199_999, 0), ("nghìn ha", 10, 9_999, 1)),
    "visitor": (
        ("lượt khách", 1_000, 999_999, 0),
        ("nghìn lượt khách", 100, 99_999, 1),
        ("triệu lượt khách", 10, 999, 1),
    ),
    "commune": (("xã", 2, 199, 0),),
    "border_gate": (("cửa khẩu", 1, 12, 0),),
    "percent": (("%", 1, 999, 1),),
}
"""Every unit of the catalogue's indicators, with its usual wordings."""

SPELLED_UNITS = {
    "enterprise": "doanh nghiệp",
    "project": "dự án",
    "institution": "cơ sở",
    "commune": "xã",
    "visitor": "lượt khách",
    "person": "lao động",
}
"""Units whose counts the reports sometimes spell out."""

QUALIFIERS = ("khoảng", "gần", "hơn", "trên", "xấp xỉ", "ước")
SECTORS = (
    "khu vực kinh tế nhà nước",
    "khu vực ngoài nhà nước",
    "khu vực có vốn đầu tư nước ngoài",
    "nhóm hàng nông, lâm, thủy sản",
    "nhóm hàng công nghiệp chế biến",
    "các doanh nghiệp trong khu công nghiệp",
)
PLACES = (
    "khu kinh tế cửa khẩu",
    "khu công nghiệp phía Nam",
    "các huyện vùng cao",
    "thành phố trực thuộc tỉnh",
    "khu vực nông thôn",
    "cụm công nghiệp tập trung",
)


@dataclass(frozen=True, slots=True)
class Period:
    """A report's reference period as a sentence says it, and its year."""

    phrase: str
    year: int


def draw_period(rng: random.Random) -> Period:
    """One of the period wordings the extractor reads."""
    year = rng.randint(2019, 2024)
    kind = rng.randrange(7)
    if kind == 0:
        return Period(f"năm {year}", year)
    if kind == 1:
        return Period(f"9 tháng đầu năm {year}", year)
    if kind == 2:
        return Period(f"6 tháng đầu năm {year}", year)
    if kind == 3:
        return Period(f"quý {_ROMAN[rng.randrange(4)]}/{year}", year)
    if kind == 4:
        return Period(f"tháng {rng.randint(1, 12)}/{year}", year)
    if kind == 5:
        return Period(f"từ đầu năm đến ngày 30/11/{year}", year)
    return Period(f"{rng.choice(('3', '5', '10', '11'))} tháng năm {year}", year)


class Writer:
    """Draws numbers for one report; with `edit_at`, that digit number is written changed."""

    def __init__(self, rng: random.Random, edit_at: int | None = None) -> None:
        """Draw from `rng`; the digit number counted `edit_at` (from 0) is edited."""
        self.rng = rng
        self.edit_at = edit_at
        self.count = 0

    def digits(self, low: int, high: int, decimals: int = 0) -> str:
        """A number in [low, high] / 10**decimals, in digits."""
        mantissa = self.rng.randint(low, high)
        if self.count == self.edit_at:
            mantissa += 1 + mantissa % 7
        self.count += 1
        return vn_number(mantissa, decimals)

    def pct(self, low: float = 0.1, high: float = 40.0) -> str:
        """A percentage with one or two decimals."""
        decimals = self.rng.choice((1, 1, 2))
        scale = 10**decimals
        return self.digits(round(low * scale), round(high * scale), decimals)

    def amount(self, unit: str) -> str:
        """An amount in one of the unit's wordings: '1,5 tỷ đồng', '1 tỷ 306 triệu đồng'..."""
        rng = self.rng
        if unit == "VND" and rng.random() < 0.15:
            return f"{self.digits(1, 99)} tỷ {self.digits(100, 999)} triệu đồng"
        if unit in SPELLED_UNITS and rng.random() < 0.12:
            n = rng.randint(2, 99) * (1000 if unit == "visitor" else 1)
            return f"{spell(n)} {SPELLED_UNITS[unit]}"
        words, low, high, decimals = rng.choice(UNIT_FORMS[unit])
        if unit == "percent":
            return self.pct(1, 99) + rng.choice(("%", "%", "%", " phần trăm"))
        return f"{self.digits(low, high, decimals)} {words}"

    def times(self) -> str:
        """A multiplier: 'gấp 1,7 lần', 'gấp hơn 2 lần', 'gấp đôi'."""
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return "gấp đôi"
        if kind == 1:
            return f"gấp hơn {rng.randint(2, 4)} lần"
        return f"gấp {self.digits(11, 39, 1)} lần"


# --- sentences ---------------------------------------------------------------------------

SentenceMaker = Callable[[Writer, Province, Period, Indicator], str]


def _cap(text: str) -> str:
    """The text with its first letter capitalised."""
    return text[0].upper() + text[1:]


def _name(w: Writer, ind: Indicator) -> str:
    """One of the words that name the indicator."""
    return w.rng.choice(ind.names)


def _qual(w: Writer) -> str:
    """An approximation marker before a number, sometimes."""
    return w.rng.choice(QUALIFIERS) + " " if w.rng.random() < 0.3 else ""


def _change(w: Writer) -> str:
    """A change in percent against the same period: 'tăng 8,5% so với cùng kỳ'."""
    rng = w.rng
    verb = rng.choice(("tăng", "tăng", "tăng", "giảm"))
    return f"{verb} {w.pct()}% so với {rng.choice(('cùng kỳ', 'cùng kỳ năm trước'))}"


def _opener(w: Writer, t: Period) -> str:
    """'Năm 2023, ', 'Trong quý III/2023, ', 'Tính chung 9 tháng đầu năm 2023, '."""
    if t.phrase.startswith("từ"):
        return f"{_cap(t.phrase)}, "
    return w.rng.choice((f"{_cap(t.phrase)}, ", f"Trong {t.phrase}, ", f"Tính chung {t.phrase}, "))


def s_level_change(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Level and change in percent: '..., ước đạt 1.234 tỷ đồng, tăng 8,5% so với cùng kỳ.'"""
    opener = _opener(w, t)
    verb = w.rng.choice(("ước đạt", "đạt", "thực hiện được"))
    return (
        f"{opener}{_name(w, ind)} trên địa bàn {p.called} {verb} {_qual(w)}"
        f"{w.amount(ind.unit)}, {_change(w)}."
    )


def s_plan(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Plan attainment: 'đạt 103,5% kế hoạch năm'."""
    target = w.rng.choice(("kế hoạch năm", "kế hoạch", "dự toán Hội đồng nhân dân tỉnh giao"))
    return (
        f"{_cap(_name(w, ind))} {t.phrase} đạt {w.amount(ind.unit)}, "
        f"đạt {w.pct(40, 160)}% {target}, {_change(w)}."
    )


def s_equal_pct(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """'bằng 46% so với cùng kỳ'."""
    return (
        f"Do ảnh hưởng của thị trường, {_name(w, ind)} {t.phrase} chỉ đạt "
        f"{w.amount(ind.unit)}, bằng {w.pct(30, 99)}% so với cùng kỳ năm {t.year - 1}."
    )


def s_times(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """A multiplier: 'gấp 1,7 lần cùng kỳ'."""
    return (
        f"Đáng chú ý, {_name(w, ind)} của {p.called} {t.phrase} đạt {w.amount(ind.unit)}, "
        f"{w.times()} so với cùng kỳ năm {t.year - 1}."
    )


def s_share(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Shares: 'Trong đó, khu vực ... đạt X, chiếm 45,2%'."""
    a, b = w.rng.sample(SECTORS, 2)
    return (
        f"Trong đó, {a} đạt {w.amount(ind.unit)}, chiếm {w.pct(5, 70)}% tổng số; "
        f"{b} đạt {w.amount(ind.unit)}, chiếm {w.pct(5, 30)}%."
    )


def s_range(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Ranges: 'từ 3 đến 5 nghìn tỷ đồng', '1.100 - 1.350 xe/ngày'."""
    words, low, high, decimals = w.rng.choice(UNIT_FORMS[ind.unit])
    a = w.rng.randint(low, max(low, high // 2))
    b = a + w.rng.randint(1, max(1, a // 3))
    sep = w.rng.choice((" - ", " đến "))
    lead = "từ " if sep == " đến " else ""
    words = "%" if ind.unit == "percent" else " " + words
    return (
        f"Dự báo cả năm {t.year}, {_name(w, ind)} của {p.called} có thể đạt "
        f"{lead}{vn_number(a, decimals)}{sep}{vn_number(b, decimals)}{words}."
    )


def s_change_abs(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Change in units: 'tăng 1.200 lao động so với cùng kỳ'."""
    words = UNIT_FORMS[ind.unit][0][0]
    return (
        f"{_cap(t.phrase)}, {_name(w, ind)} của toàn tỉnh đạt {w.amount(ind.unit)}, "
        f"{w.rng.choice(('tăng', 'giảm'))} {w.digits(1, 900)} {words} so với cùng kỳ."
    )


def s_percent_level(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """A rate that is the indicator: 'tỷ lệ hộ nghèo giảm còn 3,2%'."""
    verb = w.rng.choice(("đạt", "ước đạt", "giảm còn", "tăng lên"))
    return (
        f"{_opener(w, t)}{_name(w, ind)} của {p.called} {verb} {w.amount('percent')}, "
        f"{w.rng.choice(('tăng', 'giảm'))} {w.pct(0.1, 5)}% so với năm {t.year - 1}."
    )


def s_average(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """An average over years: 'bình quân giai đoạn 2016-2020 đạt 7,5%/năm'."""
    y = t.year - t.year % 5 - (5 if t.year % 5 == 0 else 0)
    return (
        f"Bình quân giai đoạn {y - 4}-{y}, tốc độ tăng trưởng kinh tế của {p.called} "
        f"đạt {w.pct(2, 12)}%/năm, cao hơn mức bình quân chung của cả nước."
    )


def s_cumulative(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """A stock at a date: 'Lũy kế đến hết tháng 9/2022, có 412 dự án ... vốn 3,2 tỷ USD'."""
    return (
        f"Lũy kế đến hết tháng {w.rng.randint(1, 12)}/{t.year}, trên địa bàn tỉnh có "
        f"{w.amount('project')} đầu tư còn hiệu lực với tổng vốn đăng ký "
        f"{_qual(w)}{w.amount(w.rng.choice(('VND', 'USD')))}."
    )


def s_fraction(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Fractions of counted things: '45/106 xã', '19.965/371.154 hộ'."""
    if w.rng.random() < 0.5:
        whole = w.rng.randint(80, 200)
        part = w.rng.randint(10, whole)
        return (
            f"Đến nay, {p.called} có {part}/{whole} xã đạt chuẩn nông thôn mới, "
            f"{w.rng.randint(1, 5)}/{w.rng.randint(6, 15)} huyện hoàn thành nhiệm vụ "
            f"xây dựng nông thôn mới."
        )
    whole = w.rng.randint(50_000, 400_000)
    part = w.rng.randint(2_000, whole // 5)
    return (
        f"Theo kết quả rà soát cuối năm {t.year}, toàn tỉnh còn {vn_number(part)}/"
        f"{vn_number(whole)} hộ nghèo, tỷ lệ hộ nghèo giảm còn {w.pct(1, 15)}%."
    )


def s_spelled(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """Spelled-out counts: 'có thêm mười hai doanh nghiệp thành lập mới'."""
    unit = w.rng.choice(tuple(SPELLED_UNITS))
    n = w.rng.randint(2, 99) * (1000 if unit == "visitor" else 1)
    place = w.rng.choice(PLACES)
    return (
        f"Riêng {place}, {t.phrase} đã có thêm {spell(n)} {SPELLED_UNITS[unit]} "
        f"được ghi nhận, góp phần vào kết quả chung của {p.called}."
    )


def s_vehicles(w: Writer, p: Province, t: Period, ind: Indicator) -> str:
    """A daily flow with a range: 'bình quân 1.100 - 1.350 xe/ngày'."""
    a = w.rng.randint(300, 2000)
    return (
        f"Tại {w.rng.choice(PLACES)}, lượng xe thông quan bình quân đạt khoảng "
        f"{vn_number(a)} - {vn_number(a + w.rng.randint(50, 600))} xe/ngày, "
        f"lượng hàng hóa đạt {w.amount('tonne')}."
    )


MAKERS_BY_UNIT: dict[str, tuple[SentenceMaker, ...]] = {
    "money": (s_level_change, s_plan, s_equal_pct, s_times, s_share, s_range),
    "count": (s_level_change, s_plan, s_change_abs, s_range, s_times),
    "percent": (s_percent_level, s_percent_level, s_range),
}
EXTRA_MAKERS: tuple[SentenceMaker, ...] = (
    s_average,
    s_cumulative,
    s_fraction,
    s_spelled,
    s_vehicles,
)


def _unit_kind(unit: str) -> str:
    """Which sentence makers fit a unit: money, count or percent."""
    if unit == "percent":
        return "percent"
    if unit in ("VND", "USD", "VND/person", "USD/person"):
        return "money"
    return "count"


FILLER = (
    "Công tác chỉ đạo, điều hành của các cấp, các ngành được triển khai đồng bộ, quyết liệt.",
    "Các sở, ban, ngành đã chủ động tham mưu nhiều giải pháp tháo gỡ khó khăn cho doanh nghiệp.",
    "Tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn cơ bản ổn định.",
    "Công tác cải cách hành chính tiếp tục được quan tâm, chỉ số hài lòng của người dân "
    "được cải thiện rõ rệt.",
    "Hoạt động thương mại, dịch vụ diễn ra sôi động, hàng hóa phong phú, giá cả ổn định.",
    "Thời tiết diễn biến bất thường gây ảnh hưởng không nhỏ đến sản xuất vụ đông xuân.",
    "Nhiều công trình trọng điểm được đẩy nhanh tiến độ, sớm đưa vào sử dụng.",
    "Công tác chuyển đổi số được đẩy mạnh ở cả ba trụ cột chính quyền số, kinh tế số và xã hội số.",
    "Các chính sách an sinh xã hội được thực hiện đầy đủ, kịp thời, đúng đối tượng.",
    "Ngành du lịch phối hợp với các địa phương tổ chức nhiều sự kiện văn hóa đặc sắc, "
    "thu hút du khách trong và ngoài nước.",
    "Tuy nhiên, việc giải ngân vốn đầu tư công ở một số dự án còn chậm so với yêu cầu.",
    "Sản xuất công nghiệp gặp khó khăn do đơn hàng xuất khẩu sụt giảm.",
    "Chất lượng giáo dục đại trà và giáo dục mũi nhọn tiếp tục được nâng lên.",
    "Mạng lưới y tế cơ sở được củng cố, công tác khám chữa bệnh được bảo đảm.",
)
"""Sentences without any number."""


def non_fact_sentence(w: Writer, p: Province, t: Period) -> str:
    """A sentence whose numbers are no facts: dates, document numbers, ordinals, names."""
    rng = w.rng
    kind = rng.randrange(5)
    if kind == 0:
        return (
            f"Thực hiện Nghị quyết số {rng.randint(1, 99)}/NQ-HĐND ngày "
            f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{t.year - 1} của Hội đồng nhân dân "
            f"{p.called}, các địa phương đã xây dựng kế hoạch triển khai cụ thể."
        )
    if kind == 1:
        return (
            f"Ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{t.year}, Ủy ban nhân dân "
            f"{p.called} tổ chức hội nghị sơ kết, đánh giá kết quả thực hiện nhiệm vụ."
        )
    if kind == 2:
        return (
            f"Dự án nâng cấp Quốc lộ {rng.choice(('1A', '4B', '3', '279'))} đoạn qua địa bàn "
            "tỉnh đang được các nhà thầu tập trung thi công."
        )
    if kind == 3:
        return (
            f"Đại hội đại biểu Đảng bộ {p.called} lần thứ {_ROMAN[rng.randrange(10)]} "
            "đã đề ra nhiều mục tiêu, nhiệm vụ quan trọng."
        )
    return (
        "Sau thời gian chịu tác động của dịch Covid-19, hoạt động sản xuất kinh doanh "
        "dần phục hồi và lấy lại đà tăng trưởng."
    )


HEADINGS = (
    "Sản xuất nông, lâm nghiệp và thủy sản",
    "Sản xuất công nghiệp",
    "Thương mại, dịch vụ và xuất nhập khẩu",
    "Đầu tư phát triển",
    "Tài chính, ngân sách",
    "Du lịch",
    "Lao động, việc làm và an sinh xã hội",
    "Văn hóa, xã hội",
    "Phát triển doanh nghiệp",
)


def report_text(
    i: int,
    seed: int,
    provinces: Sequence[Province],
    indicators: Sequence[Indicator],
    edit_at: int | None = None,
) -> str:
    """Report number `i` of the corpus of `seed`; `edit_at` changes that digit number."""
    rng = random.Random(f"chitieu-bench:{seed}:{i}")
    w = Writer(rng, edit_at)
    p = rng.choice(provinces)
    t = draw_period(rng)
    title = (
        f"Báo cáo tình hình kinh tế - xã hội {t.phrase} của {p.called}"
        if rng.random() < 0.5
        else f"{_cap(p.called)}: kinh tế - xã hội {t.phrase} tiếp tục chuyển biến tích cực"
    )
    head = ""
    if rng.random() < 0.33:
        head = (
            f"---\ntitle: {title}\npublished: {t.year + 1 if t.year < 2024 else 2024}-"
            f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\nprovince: {p.name}\n---\n"
        )
    parts = [head + title, ""]
    size = len("\n".join(parts).encode())
    section = 0
    while size < TARGET_BYTES:
        heading = f"{_ROMAN[section % 10]}. {rng.choice(HEADINGS).upper()}"
        sentences = []
        for _ in range(rng.randint(3, 6)):
            roll = rng.random()
            if roll < 0.62:
                ind = rng.choice(indicators)
                maker = rng.choice(MAKERS_BY_UNIT[_unit_kind(ind.unit)])
                sentences.append(maker(w, p, t, ind))
            elif roll < 0.75:
                sentences.append(rng.choice(EXTRA_MAKERS)(w, p, t, rng.choice(indicators)))
            elif roll < 0.88:
                sentences.append(rng.choice(FILLER))
            else:
                sentences.append(non_fact_sentence(w, p, t))
        paragraph = f"{heading}\n{' '.join(sentences)}\n"
        parts.append(paragraph)
        size += len(paragraph.encode()) + 1
        section += 1
    return "\n".join(parts)


def _name_of(i: int) -> str:
    """The file name of report `i`."""
    return f"bc_{i:05d}.txt"


def generate(
    out: Path,
    n: int,
    seed: int = 7,
    changed_fraction: float = 0.01,
    reference_dir: Path = REFERENCE_DIR,
) -> Manifest:
    """Write `out/base` (n reports) and `out/changed` (the same, a fraction with one edit).

    Reuses what is there when `out/manifest.json` says it was made with the same arguments.
    """
    manifest_path = out / "manifest.json"
    if manifest_path.is_file():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        same = (old.get("n"), old.get("seed"), old.get("changed_fraction"))
        if same == (n, seed, changed_fraction) and (
            old.get("generator_version") == GENERATOR_VERSION
        ):
            return Manifest(**old)
    provinces = load_provinces(reference_dir)
    indicators = load_indicators(reference_dir)
    pick = random.Random(f"chitieu-bench-changed:{seed}")
    n_changed = max(1, round(n * changed_fraction)) if changed_fraction > 0 and n else 0
    changed = sorted(pick.sample(range(n), n_changed))
    changed_set = set(changed)
    for sub in ("base", "changed"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir(parents=True)
    base_bytes = changed_bytes = 0
    for i in range(n):
        text = report_text(i, seed, provinces, indicators)
        data = text.encode("utf-8")
        (out / "base" / _name_of(i)).write_bytes(data)
        base_bytes += len(data)
        if i in changed_set:
            edit_at = random.Random(f"chitieu-bench-edit:{seed}:{i}").randrange(8)
            data = report_text(i, seed, provinces, indicators, edit_at=edit_at).encode("utf-8")
        (out / "changed" / _name_of(i)).write_bytes(data)
        changed_bytes += len(data)
    manifest = Manifest(
        n=n,
        seed=seed,
        changed_fraction=changed_fraction,
        changed=[_name_of(i) for i in changed],
        base_bytes=base_bytes,
        changed_bytes=changed_bytes,
    )
    manifest_path.write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write a corpus of synthetic reports."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write base/, changed/, manifest.json")
    parser.add_argument("-n", type=int, default=1000, help="number of reports")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--changed", type=float, default=0.01, help="fraction of reports edited in changed/"
    )
    args = parser.parse_args(argv)
    m = generate(args.out, args.n, args.seed, args.changed)
    print(
        f"{m.n} reports, {m.base_bytes / 1e6:.1f} MB in {args.out / 'base'}; "
        f"{len(m.changed)} changed in {args.out / 'changed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
