"""Vietnamese numerals: digits, scale words, spelled-out numbers, ranges, percent, multipliers."""

from __future__ import annotations

import pytest

from flows.folding import lower_form
from flows.numbers import iter_numerals, parse_amount, parse_digits, parse_number


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("19.436", 19436),
        ("51.990,563", 51990.563),
        ("2.158.400", 2158400),
        ("02", 2),
        ("0,03", 0.03),
        ("1,5", 1.5),
        ("1.234,5", 1234.5),
        ("113.588", 113588),
        ("7", 7),
    ],
)
def test_digits(written: str, value: float) -> None:
    assert parse_digits(written) == pytest.approx(value)


@pytest.mark.parametrize("written", ["", "abc", "1,2,3", ".5", "5."])
def test_digits_that_are_not_a_number(written: str) -> None:
    assert parse_digits(written) is None


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("2.100 tỷ", 2.1e12),
        ("1,5 tỷ", 1.5e9),
        ("1,5 tỉ", 1.5e9),
        ("11,5 nghìn", 11500),
        ("245 ngàn", 245000),
        ("518,2 nghìn tỷ", 5.182e14),
        ("1 tỷ 306 triệu", 1.306e9),
        ("3 triệu rưỡi", 3.5e6),
        ("một", 1),
        ("mười", 10),
        ("mười lăm", 15),
        ("hai mươi mốt", 21),
        ("hai mươi tư", 24),
        ("năm mươi lăm", 55),
        ("một trăm linh năm", 105),
        ("ba trăm hai mươi", 320),
        ("hai nghìn không trăm mười", 2010),
        ("năm mươi mốt phẩy chín", 51.9),
        ("hai mươi lăm nghìn", 25000),
        ("một triệu hai", 1.2e6),
        ("hai nghìn rưỡi", 2500),
        ("một phẩy năm triệu", 1.5e6),
        ("bốn", 4),
    ],
)
def test_amounts(written: str, value: float) -> None:
    assert parse_amount(written) == pytest.approx(value)


@pytest.mark.parametrize(
    "written", ["tư", "mốt", "lăm", "mươi", "triệu", "hai ba", "mười hai mươi"]
)
def test_words_that_are_not_one_number(written: str) -> None:
    assert parse_amount(written) is None


@pytest.mark.parametrize(
    ("written", "value"),
    [("45%", 45), ("45 phần trăm", 45), ("10,4 %", 10.4), ("gấp 1,7 lần", 1.7), ("gấp đôi", 2)],
)
def test_whole_numerals(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "low", "high", "percent"),
    [
        ("1.100 - 1.350", 1100, 1350, False),
        ("8.000 – 10.000", 8000, 10000, False),
        ("từ 3 đến 5", 3, 5, False),
        ("7 - 7,5%", 7, 7.5, True),
        ("1,2 - 1,5 triệu", 1.2e6, 1.5e6, False),
    ],
)
def test_ranges(written: str, low: float, high: float, percent: bool) -> None:
    (numeral,) = list(iter_numerals(lower_form(written)))
    assert (numeral.low, numeral.high) == pytest.approx((low, high))
    assert numeral.is_range
    assert numeral.percent is percent
    assert parse_number(written) is None  # a range has no single value


def test_tỷ_lệ_is_no_scale() -> None:
    numerals = list(iter_numerals(lower_form("đạt 60 tỷ lệ")))
    assert [n.low for n in numerals] == [60]


def test_multiplier_with_qualifier() -> None:
    (numeral,) = list(iter_numerals(lower_form("gấp hơn 2 lần")))
    assert numeral.times and numeral.low == 2 and numeral.qualifier == "hơn"


def test_spans_are_offsets_of_the_original_text() -> None:
    text = "Kim ngạch đạt 1.300 tỷ đồng, tăng 5,2%."
    spans = [text[n.start : n.end] for n in iter_numerals(lower_form(text))]
    assert spans == ["1.300 tỷ", "5,2%"]
