"""Numbers as a Vietnamese reader writes them: `51.990,6 triệu USD`, `19.436 người`, `60%`.

Dots between thousands, a comma before decimals, and a scale word for large amounts
in the way provincial statistics print them: dollars in millions (triệu USD), dong in
billions (tỷ đồng) or millions, per-person amounts in millions, counts in full below
a million. Plain functions, used by the fact browser and its templates, and the
Vietnamese names of the columns and measures they show.
"""

from __future__ import annotations

import math

from flows.timeframes import CHANGE_MEASURES

LABELS: dict[str, str] = {
    "approx": "Xấp xỉ",
    "area": "Địa bàn",
    "area_code": "Mã tỉnh",
    "closed": "Đóng",
    "closed_load_id": "Lần nạp đóng",
    "correction_id": "Hiệu chỉnh",
    "doc_id": "Phiên bản tài liệu",
    "documents": "Tài liệu",
    "extractor_version": "Phiên bản trích xuất",
    "files": "Tệp đã đọc",
    "format": "Định dạng",
    "full_snapshot": "Ảnh chụp đầy đủ",
    "indicator": "Chỉ tiêu",
    "inserted": "Thêm mới",
    "load_id": "Lần nạp",
    "loaded_at": "Thời điểm nạp",
    "max_relative_difference": "Chênh lệch lớn nhất",
    "measure": "Loại số liệu",
    "n_conflicts": "Số cặp mâu thuẫn",
    "n_documents": "Số tài liệu",
    "n_facts": "Số dữ kiện",
    "n_provinces": "Số tỉnh",
    "n_same_area": "Cùng địa bàn",
    "n_values": "Số giá trị khác nhau",
    "name_en": "Tên tiếng Anh",
    "period": "Kỳ",
    "province": "Tỉnh, thành phố",
    "published": "Ngày công bố",
    "rejected": "Bị loại",
    "relative_difference": "Chênh lệch tương đối",
    "same_area": "Cùng địa bàn",
    "source": "Nguồn",
    "sources": "Nguồn",
    "text": "Câu",
    "title": "Tiêu đề",
    "unchanged": "Không đổi",
    "unit": "Đơn vị",
    "url": "Địa chỉ",
    "valid_from": "Hiệu lực từ",
    "valid_to": "Hiệu lực đến",
    "value": "Giá trị",
    "value_range": "Khoảng giá trị",
}
"""Vietnamese column headers; each is shown with its English code beside it."""

MEASURES: dict[str, str] = {
    "level": "mức",
    "change_pct": "tăng/giảm (%)",
    "change_abs": "tăng/giảm",
    "plan_pct": "so với kế hoạch (%)",
    "share_pct": "tỷ trọng (%)",
}

_UNIT_WORDS = {"USD": "USD", "percent": "%"}
"""Units written differently from their catalogue name (`đô la Mỹ` reads `USD` in tables)."""

_CHANGE_MEASURES = CHANGE_MEASURES


def vn_number(value: float, decimals: int = 2) -> str:
    """`value` rounded to at most `decimals` places, '.' between thousands, ',' before decimals."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.translate(str.maketrans({",": ".", ".": ","}))


def scale(size: float, unit: str | None) -> tuple[float, str]:
    """The divisor an amount of this size is printed with, and its scale word ('' for none)."""
    size = abs(size)
    if unit == "VND" and size >= 1e9:
        return 1e9, "tỷ"
    if unit != "percent" and size >= 1e6:
        return 1e6, "triệu"
    return 1.0, ""


def unit_word(unit: str | None, unit_name: str | None = None) -> str:
    """How a unit is written after a number: `USD`, `%`, else its Vietnamese name."""
    if unit is None:
        return ""
    return _UNIT_WORDS.get(unit) or unit_name or unit


def _decimals(scaled: float) -> int:
    """One decimal for a sizeable figure, two for a small one (19.436; 51.990,6; 1,25)."""
    return 1 if abs(scaled) >= 100 else 2


def vn_amount(value: float | None, unit: str | None, unit_name: str | None = None) -> str:
    """One amount with its scale word and unit: `51.990,6 triệu USD`, `60%`, `19.436 người`."""
    if value is None:
        return ""
    return _written([value], unit, unit_name)


def _written(values: list[float], unit: str | None, unit_name: str | None) -> str:
    """Numbers on one scale (that of the largest), joined by a dash, then scale word and unit."""
    divisor, word = scale(max(abs(v) for v in values), unit)
    numbers = " – ".join(vn_number(v / divisor, _decimals(v / divisor)) for v in values)
    if unit == "percent":
        return f"{numbers}%"
    return " ".join(part for part in (numbers, word, unit_word(unit, unit_name)) if part)


def vn_quantity(
    value: float | None,
    low: float | None,
    high: float | None,
    unit: str | None,
    unit_name: str | None = None,
    measure: str | None = None,
) -> str:
    """A fact's quantity: a point, or a range `1.100 – 1.350 xe/ngày`; a rise carries a `+`."""
    if value is None and low is not None and high is not None and low != high:
        return _written([low, high], unit, unit_name)
    point = value if value is not None else low
    if point is None:
        return ""
    text = _written([point], unit, unit_name)
    return "+" + text if measure in _CHANGE_MEASURES and point > 0 else text
