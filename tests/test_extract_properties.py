"""Properties of the extractor: numbers read back, spans point at the number, nothing raises."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.catalogue import get_catalogue
from flows.documents import Document, doc_id_of, normalise, split_sentences
from flows.numbers import parse_amount, parse_digits
from flows.observations import _DocumentReader, extract_observations


def vietnamese(value: int, decimals: str = "") -> str:
    """An integer part grouped with '.', and decimal digits after ','."""
    groups = f"{value:,}".replace(",", ".")
    return f"{groups},{decimals}" if decimals else groups


def document(text: str) -> Document:
    t = normalise(text)
    return Document(doc_id=doc_id_of(t), source="p.txt", text=t, sentences=split_sentences(t))


integers = st.integers(min_value=0, max_value=10**12)
decimal_digits = st.text(alphabet="0123456789", min_size=0, max_size=3)


@given(integers, decimal_digits)
def test_vietnamese_numbers_parse_back(value: int, decimals: str) -> None:
    written = vietnamese(value, decimals)
    expected = float(f"{value}.{decimals}") if decimals else float(value)
    assert parse_digits(written) == expected


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["nghìn", "triệu", "tỷ"]))
def test_scaled_numbers_parse_back(value: int, scale: str) -> None:
    factor = {"nghìn": 1e3, "triệu": 1e6, "tỷ": 1e9}[scale]
    assert parse_amount(f"{vietnamese(value)} {scale}") == value * factor


UNITS = ["tỷ đồng", "triệu USD", "lao động", "ha", "tấn", "dự án", "lượt khách", "%"]
SUBJECTS = ["kim ngạch xuất khẩu", "thu ngân sách", "vốn đầu tư", "sản lượng lương thực"]


@settings(max_examples=200, deadline=2000)
@given(
    st.integers(min_value=1, max_value=10**9),
    decimal_digits,
    st.sampled_from(UNITS),
    st.sampled_from(SUBJECTS),
    st.sampled_from(["đạt", "tăng", "giảm", "ước đạt", "đạt khoảng"]),
)
def test_spans_point_at_the_number(
    value: int, decimals: str, unit: str, subject: str, verb: str
) -> None:
    written = vietnamese(value, decimals)
    sep = "" if unit == "%" else " "
    text = f"Năm 2023, {subject} của tỉnh Lạng Sơn {verb} {written}{sep}{unit}."
    found = extract_observations(document(text))
    assert len(found) == 1
    fact = found[0]
    assert text[fact.start : fact.end].startswith(written)
    assert fact.text in text
    assert 0 <= fact.start < fact.end <= len(text)
    expected = float(f"{value}.{decimals}") if decimals else float(value)
    assert abs(fact.value_low) >= expected * (1 - 1e-9) or unit == "%"


@settings(max_examples=300, deadline=2000)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    doc = document(text)
    found = _DocumentReader(doc, get_catalogue()).read()
    for fact in found:
        assert math.isfinite(fact.value_low) and math.isfinite(fact.value_high)
        assert fact.value is None or math.isfinite(fact.value)
        assert 0 <= fact.start < fact.end <= len(doc.text)


TOKENS = [*"0123456789.,%/- ", "tỷ", "triệu", "nghìn", "gấp", "lần", "tháng", "năm", "quý"]
TOKENS += ["đến", "từ", "hai", "mươi", "rưỡi", "phẩy", "\n", "Đ", "ạ", "thứ", "xã", "USD"]
NOISY = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join)


@settings(max_examples=300, deadline=2000)
@given(NOISY)
def test_number_like_noise_never_raises(text: str) -> None:
    doc = document(text)
    for fact in _DocumentReader(doc, get_catalogue()).read():
        assert math.isfinite(fact.value_low) and math.isfinite(fact.value_high)
        assert fact.value_low <= fact.value_high
