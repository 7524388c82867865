"""Periods, bases and areas by CONTRACT.md's period, base_period and area sections: one row per
rule, on sentences written for these tests, read through the whole extractor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows.bases import find_comparisons, shift_months, shift_years
from flows.documents import Document, doc_id_of, normalise, split_sentences
from flows.observations import Observation, extract_observations
from flows.periods import Period, interval


def facts(text: str, published: date | None = None, precision: str = "day") -> list[Observation]:
    t = normalise(text)
    doc = Document(
        doc_id=doc_id_of(t),
        source="t.txt",
        text=t,
        sentences=split_sentences(t),
        published=published,
        published_precision=precision if published else None,
    )
    return extract_observations(doc)


OCT_2025 = date(2025, 10, 20)
JUNE_2024 = date(2024, 6, 1)

# (CONTRACT rule, text, publication date, expected facts in text order: the fields of the rule)
CASES: list[tuple[str, str, date | None, list[dict[str, Any]]]] = [
    # ---- period ------------------------------------------------------------------------------
    (
        "a flow over part of a year is an interval; a whole quarter is written short",
        "9 tháng đầu năm 2024, tỉnh Hòa Bình thu ngân sách 4.100 tỷ đồng. "
        "Riêng quý III/2024 thu 1.500 tỷ đồng.",
        None,
        [
            {"period": "2024-01-01/2024-09-30", "value": 4.1e12},
            {"period": "2024-Q3", "value": 1.5e12},
        ],
    ),
    (
        "a day range is an interval, never numbers",
        "Trong 4 ngày nghỉ lễ (30/8-2/9), tỉnh Ninh Bình đón 320.000 lượt khách du lịch.",
        OCT_2025,
        [{"period": "2025-08-30/2025-09-02", "value": 320000, "unit": "visitor"}],
    ),
    (
        "a holiday in a title is a date range: one fact, not three",
        "Dịp nghỉ lễ 30/4 - 1/5, Hà Nam đón 95.000 lượt khách",
        date(2025, 5, 3),
        [{"period": "2025-04-30/2025-05-01", "value": 95000}],
    ),
    (
        "'từ ngày 1 đến hết 20-10' is an interval of that month",
        "Từ ngày 1 đến hết 20-10, tỉnh Bình Định thu ngân sách được 820 tỷ đồng.",
        OCT_2025,
        [{"period": "2025-10-01/2025-10-20", "value": 8.2e11}],
    ),
    (
        "a holiday span frames the sentences after it as a whole",
        "Từ ngày 30/4 đến ngày 4/5/2025, tỉnh Phú Thọ đón 210.000 lượt khách. "
        "Doanh thu du lịch đạt 350 tỷ đồng.",
        date(2025, 5, 6),
        [
            {"period": "2025-04-30/2025-05-04"},
            {"period": "2025-04-30/2025-05-04", "value": 3.5e11},
        ],
    ),
    (
        "a stock counted at a day written 14-3 takes that day, in the publication year",
        "Tính đến ngày 14-3, toàn tỉnh Hưng Yên có 560 dự án FDI còn hiệu lực.",
        date(2025, 3, 16),
        [{"period": "2025-03-14", "value": 560}],
    ),
    (
        "'tháng 11.2022' is a month, the stock counted then takes it",
        "Lũy kế đến hết tháng 11.2022, tỉnh Kon Tum có 85 xã đạt chuẩn nông thôn mới.",
        None,
        [{"period": "2022-11", "value": 85, "unit": "commune"}],
    ),
    (
        "'tính đến ngày X, có N' counts what stands at that day",
        "Tính đến ngày 30/9/2024, toàn tỉnh Sơn La có 98.000 người tham gia bảo hiểm xã hội.",
        None,
        [{"period": "2024-09-30", "value": 98000}],
    ),
    (
        "'hiện có' is read against the publication month",
        "Tỉnh Điện Biên hiện có 12 cơ sở giáo dục nghề nghiệp.",
        JUNE_2024,
        [{"period": "2024-06", "value": 12}],
    ),
    (
        "'đến nay' is read against the publication month",
        "Đến nay, tỉnh Lai Châu có 64 xã đạt chuẩn nông thôn mới.",
        date(2023, 12, 28),
        [{"period": "2023-12", "value": 64}],
    ),
    (
        "'đến nay' with no publication date keeps the last period named",
        "Quý I/2023, tỉnh Gia Lai cấp mới 12 dự án. Lũy kế đến nay, toàn tỉnh có 310 dự án.",
        None,
        [{"period": "2023-Q1", "value": 12}, {"period": "2023-Q1", "value": 310}],
    ),
    (
        "a month given as the publication's precision is the report's now",
        "Hiện nay, tỉnh Bến Tre có 120 doanh nghiệp chế biến dừa.",
        date(2024, 8, 1),
        [{"period": "2024-08", "value": 120}],
    ),
    (
        "results against the year's plan with no year named take the publication year",
        "Tỉnh Quảng Bình đã giải ngân 3.200 tỷ đồng, đạt 61,5% kế hoạch vốn được giao.",
        date(2025, 8, 26),
        [{"period": "2025", "value": 3.2e12}, {"period": "2025", "measure": "plan_pct"}],
    ),
    (
        "a date without a year takes the year of the text's frame",
        "Năm 2023, tỉnh Trà Vinh đón 1,2 triệu lượt khách. Riêng đến 30/6 đón 700.000 lượt khách.",
        None,
        [{"period": "2023"}, {"period": "2023-H1", "value": 700000}],
    ),
    (
        "a comparison never sets the period",
        "Năm 2023, GRDP của tỉnh Hậu Giang tăng 7,2% so với năm 2022.",
        None,
        [{"period": "2023", "base_period": "2022", "value": 7.2}],
    ),
    (
        "an aside about another period dates only its own numbers",
        "Năm 2024, chỉ số sản xuất công nghiệp tỉnh Vĩnh Long tăng 8,1% (năm 2023 tăng 4,6%), "
        "kim ngạch xuất khẩu đạt 900 triệu USD.",
        None,
        [{"period": "2024"}, {"period": "2023", "value": 4.6}, {"period": "2024", "value": 9e8}],
    ),
    (
        "a plan horizon dates the targets, not the results beside it",
        "Năm 2024, tỉnh Lâm Đồng đón 8 triệu lượt khách. Mục tiêu đến năm 2030, tỉnh phấn đấu "
        "đón 15 triệu lượt khách. Doanh thu du lịch năm 2024 đạt 9.000 tỷ đồng.",
        None,
        [
            {"period": "2024", "value": 8e6},
            {"period": "2030", "value": 15e6},
            {"period": "2024", "value": 9e12},
        ],
    ),
    (
        "a headline figure the body repeats takes the body's period and base",
        "Thu ngân sách tỉnh Yên Bái tăng 12%\n\n"
        "9 tháng đầu năm 2024, thu ngân sách tỉnh Yên Bái tăng 12% so với cùng kỳ.",
        None,
        [
            {"period": "2024-01-01/2024-09-30", "base_period": "2023-01-01/2023-09-30"},
            {"period": "2024-01-01/2024-09-30", "base_period": "2023-01-01/2023-09-30"},
        ],
    ),
    (
        "a time word inside a clause dates its figure only; the frame carries on",
        "10 tháng năm 2025, tình hình kinh tế tỉnh Tây Ninh ổn định.\n\n"
        "Chỉ số sản xuất công nghiệp tháng 10 tăng 9,5% so cùng kỳ. Tổng mức bán lẻ hàng hóa "
        "đạt 120.000 tỷ đồng.",
        OCT_2025,
        [{"period": "2025-10"}, {"period": "2025-01-01/2025-10-31", "value": 1.2e14}],
    ),
    (
        "'trong đó' parts share the period of the figure they break down",
        "Năm 2024, tỉnh Nghệ An thu ngân sách 23.000 tỷ đồng. Tháng 12 thu 2.500 tỷ đồng. "
        "Trong đó, thu nội địa 2.100 tỷ đồng.",
        None,
        [{"period": "2024"}, {"period": "2024-12"}, {"period": "2024-12", "value": 2.1e12}],
    ),
    (
        "a figure said of every year has no period",
        "Năm 2024, tỉnh Cà Mau có nhiều kết quả. Sản lượng tôm hằng năm đạt 200.000 tấn.",
        None,
        [{"period": None, "value": 2e5}],
    ),
    (
        "credit outstanding counted over months is the stock at the last month",
        "8 tháng 2025, dư nợ tín dụng trên địa bàn tỉnh Đồng Nai đạt 570.000 tỷ đồng.",
        date(2025, 9, 17),
        [{"period": "2025-08"}],
    ),
    (
        "a flow summed 'lũy kế đến tháng 10' stays an interval from the year's start",
        "Năm 2025, nhập khẩu của tỉnh Đồng Tháp lũy kế đến tháng 10 đạt 4.000 triệu USD.",
        OCT_2025,
        [{"period": "2025-01-01/2025-10-31", "indicator": "trade.import"}],
    ),
    (
        "a time word right after a figure dates that figure, not the next",
        "Tỷ lệ hộ nghèo tỉnh Hà Giang giảm từ 30,2% cuối năm 2021 xuống còn 22,1% cuối năm 2023.",
        date(2024, 4, 1),
        [
            {"period": "2021", "measure": "level", "value": 30.2},
            {"period": "2023", "measure": "level", "value": 22.1},
        ],
    ),
    (
        "a programme's years ('Nghị quyết ... giai đoạn 2021 – 2025') frame nothing",
        "Thực hiện Nghị quyết của Tỉnh ủy Quảng Trị giai đoạn 2021 – 2025.\n\nCụ thể, tỷ lệ hộ "
        "nghèo giảm còn 12,5% vào cuối năm 2023. Còn tại 40 xã nghèo, tỷ lệ hộ nghèo giảm mạnh.",
        date(2024, 4, 1),
        [{"period": "2023", "value": 12.5}, {"period": "2023", "value": 40}],
    ),
    # ---- base_period --------------------------------------------------------------------------
    (
        "'so với cùng kỳ' is the fact's period one year earlier",
        "6 tháng đầu năm 2024, kim ngạch xuất khẩu của tỉnh Bắc Ninh tăng 15% so với cùng kỳ.",
        None,
        [{"period": "2024-H1", "base_period": "2023-H1", "measure": "change_pct"}],
    ),
    (
        "a month's last day stays the last day a year earlier (leap years)",
        "2 tháng đầu năm 2025, thu ngân sách tỉnh Hà Tĩnh tăng 9% so với cùng kỳ năm trước.",
        None,
        [{"period": "2025-01-01/2025-02-28", "base_period": "2024-01-01/2024-02-29"}],
    ),
    (
        "a base closes the list of changes before it",
        "Năm 2024, sản lượng thịt tỉnh Thái Bình tăng 1,5%, sữa tươi tăng 9,6%, trứng tăng 9% "
        "so với cùng kỳ.",
        None,
        [{"base_period": "2023"}, {"base_period": "2023"}, {"base_period": "2023"}],
    ),
    (
        "a fronted base introduces the changes after it",
        "Năm 2023, so với cùng kỳ năm 2022, số dự án cấp mới của tỉnh Long An tăng 4,7%, "
        "tổng vốn đăng ký tăng 1,5 lần.",
        None,
        [{"base_period": "2022", "value": 4.7}, {"base_period": "2022", "value": 50}],
    ),
    (
        "a change in a later clause without its own base has none",
        "Năm 2024, GRDP tỉnh Hải Dương tăng 10,2% so với năm 2023 và khu vực dịch vụ tăng 7,1%.",
        None,
        [{"base_period": "2023"}, {"base_period": None, "value": 7.1}],
    ),
    (
        "a comparison with the previous month gives that month, and makes the figure a month's",
        "9 tháng năm 2019, CPI tỉnh Khánh Hòa tăng 2,8% so với cùng kỳ. Trong 11 nhóm hàng, có "
        "6 nhóm tăng so với tháng trước gồm: hàng ăn tăng 0,56%; may mặc tăng 0,09%.",
        None,
        [
            {"period": "2019-01-01/2019-09-30", "base_period": "2018-01-01/2018-09-30"},
            {"value": 11},
            {"value": 6},
            {"period": "2019-09", "base_period": "2019-08"},
            {"period": "2019-09", "base_period": "2019-08"},
        ],
    ),
    (
        "'so với đầu năm' is the first day of the fact's year",
        "Đến cuối tháng 8/2025, dư nợ tín dụng tỉnh Đắk Lắk tăng 6,3% so với đầu năm.",
        None,
        [{"period": "2025-08", "base_period": "2025-01-01"}],
    ),
    (
        "'so với cùng kỳ tháng trước' is the same days of the previous month",
        "Từ ngày 1 đến hết 20-10, thu ngân sách tỉnh Bình Thuận tăng 5% so với cùng kỳ tháng "
        "trước.",
        date(2024, 10, 22),
        [{"period": "2024-10-01/2024-10-20", "base_period": "2024-09-01/2024-09-20"}],
    ),
    (
        "a holiday compared with 'cùng kỳ' has the base year",
        "Dịp nghỉ lễ 30/4 - 1/5, tỉnh Thanh Hóa đón 700.000 lượt khách, tăng 18% so với cùng kỳ.",
        date(2025, 5, 2),
        [{"period": "2025-04-30/2025-05-01"}, {"base_period": "2024", "value": 18}],
    ),
    (
        "a comparison with another area has no base",
        "Năm 2023, tăng trưởng GRDP tỉnh Bắc Giang gấp 1,5 lần bình quân cả nước.",
        None,
        [{"base_period": None, "measure": "change_pct"}],
    ),
    (
        "'gấp X lần năm YYYY' compares with that year, which is no period",
        "Năm 2023, khách quốc tế đến tỉnh Quảng Ninh đạt 1,4 triệu lượt, gấp 10,2 lần năm 2022.",
        None,
        [{"period": "2023"}, {"period": "2023", "base_period": "2022"}],
    ),
    (
        "percentage points are change_pp, with their base",
        "Năm 2024, tỷ lệ hộ nghèo tỉnh Lào Cai giảm 2,1 điểm phần trăm so với năm 2023.",
        None,
        [{"measure": "change_pp", "value": -2.1, "base_period": "2023", "unit": "percent"}],
    ),
    (
        "a comparison in brackets reaches only the changes inside them",
        "Năm 2024, chỉ số sản xuất công nghiệp tỉnh Sóc Trăng tăng 5,5%; xuất khẩu đạt 1,8 tỷ "
        "USD (tăng 20% so với cùng kỳ).",
        None,
        [{"base_period": None, "value": 5.5}, {}, {"base_period": "2023", "value": 20}],
    ),
    # ---- area ---------------------------------------------------------------------------------
    (
        "a national figure has no area code, also inside a provincial report",
        "Năm 2024, tỉnh Cà Mau xuất khẩu tôm đạt 1,1 tỷ USD; ngành tôm Việt Nam đạt 4 tỷ USD.",
        None,
        [{"area_code": "96"}, {"area_code": None, "value": 4e9}],
    ),
    (
        "a figure in brackets after 'cả nước' is the national one",
        "Năm 2025, thành phố Huế giải ngân đạt 74,3% kế hoạch, vượt mức bình quân cả nước (46,3%).",
        None,
        [{"area_code": "46"}, {"area_code": None, "value": 46.3}],
    ),
    (
        "the code in force at the end of the period: 2025 ends after the reorganisation",
        "Năm 2025, thu ngân sách tỉnh Đồng Tháp đạt 20.000 tỷ đồng.",
        date(2025, 12, 20),
        [{"area_code": "82"}],
    ),
    (
        "a figure of 2024 in a report after the reorganisation keeps the former code",
        "Năm 2024, thu ngân sách tỉnh Đồng Tháp đạt 18.000 tỷ đồng.",
        date(2025, 12, 20),
        [{"area_code": "87"}],
    ),
    (
        "a former province 'tỉnh X (cũ)' takes the code it merged into for a period after it",
        "8 tháng năm 2025, dư nợ tín dụng tại tỉnh Bình Phước (cũ) đạt 127.900 tỷ đồng.",
        date(2025, 9, 17),
        [{"area_code": "75"}],
    ),
    (
        "targets name the province as it stood when they were set",
        "Năm 2022, tỉnh Yên Bái có 50 doanh nghiệp mới. Dự báo đến năm 2025, tỉnh có khoảng "
        "1.000 doanh nghiệp hoạt động.",
        date(2022, 11, 1),
        [{"area_code": "15", "period": "2022"}, {"area_code": "15", "period": "2025"}],
    ),
    (
        "a list of provinces 'lần lượt là' gives each figure its own province",
        "Năm 2024, kim ngạch xuất khẩu của tỉnh Lạng Sơn và tỉnh Cao Bằng lần lượt là 2 tỷ USD "
        "và 500 triệu USD.",
        None,
        [
            {"area_code": "20", "area": "tỉnh Lạng Sơn", "value": 2e9},
            {"area_code": "04", "area": "tỉnh Cao Bằng", "value": 5e8},
        ],
    ),
    (
        "the report's province is named one way in every fact of it",
        "Quảng Ninh: du lịch khởi sắc\n\nNăm 2023, tỉnh Quảng Ninh đón 15 triệu lượt khách. "
        "Doanh thu du lịch đạt 30.000 tỷ đồng.",
        None,
        [{"area": "tỉnh Quảng Ninh"}, {"area": "tỉnh Quảng Ninh"}],
    ),
    (
        "a bare number in a list of percent changes is one of them",
        "Năm 2024, sản lượng bia của tỉnh Hải Phòng giảm 12,2%; gỗ xẻ giảm 15,4, gạch giảm 9,1%.",
        None,
        [{"unit": "percent"}, {"unit": "percent", "value": -15.4}, {"value": -9.1}],
    ),
    (
        "a number naming a level or a region ('cấp 2', 'Khu vực 2') counts nothing",
        "Theo Ngân hàng Nhà nước Chi nhánh Khu vực 2, ngành công nghiệp cấp 2 của tỉnh Bình "
        "Dương tăng 8% trong năm 2024.",
        None,
        [{"value": 8, "unit": "percent"}],
    ),
    (
        "percents listed with dashes, each with its own sign, are a list of shares",
        "Năm 2024, cơ cấu kinh tế khu vực I - II - III của tỉnh Bạc Liêu tương ứng là "
        "40,97% - 16,18% - 39,77%. Mục tiêu tăng trưởng năm 2025 là 7 - 7,5%.",
        None,
        [
            {"value": 40.97, "measure": "share_pct"},
            {"value": 16.18, "measure": "share_pct"},
            {"value": 39.77, "measure": "share_pct"},
            {"value": None, "value_low": 7, "value_high": 7.5},
        ],
    ),
    # ---- item 6 of the issue: found by hand ---------------------------------------------------
    (
        "a line wrapped inside a sentence does not end it",
        "Năm 2023, kim ngạch xuất khẩu của tỉnh Bình Dương tăng\n35% so với năm 2022.",
        None,
        [{"measure": "change_pct", "value": 35, "base_period": "2022"}],
    ),
    (
        "square kilometres are hectares",
        "Tỉnh Gia Lai có diện tích tự nhiên 21.576 km2, rừng trồng 1.200 km².",
        None,
        [{"unit": "ha", "value": 2157600}, {"unit": "ha", "value": 120000}],
    ),
    (
        "'lượt' in a tourism sentence counts visitors like its sibling",
        "Năm 2024, tỉnh Khánh Hòa đón 10 triệu lượt khách, trong đó quốc tế 3,5 triệu lượt.",
        None,
        [{"unit": "visitor"}, {"unit": "visitor", "value": 3.5e6}],
    ),
]


@pytest.mark.parametrize(
    ("rule", "text", "published", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_rule(rule: str, text: str, published: date | None, expected: list[dict[str, Any]]) -> None:
    found = facts(text, published)
    got = [(f.value, f.measure, f.period, f.base_period, f.area_code, f.unit) for f in found]
    assert len(found) == len(expected), got
    for fact, want in zip(found, expected, strict=True):
        for key, value in want.items():
            actual = getattr(fact, key)
            if (
                isinstance(value, float | int)
                and not isinstance(value, bool)
                and actual is not None
            ):
                assert actual == pytest.approx(value), (rule, key, got)
            else:
                assert actual == value, (rule, key, got)


def test_a_month_published_is_the_report_now_at_month_precision() -> None:
    (fact,) = facts(
        "Hiện có 40 xã đạt chuẩn nông thôn mới ở tỉnh Hà Nam.", date(2025, 8, 1), "month"
    )
    assert fact.period == "2025-08"


def test_only_changes_have_a_base() -> None:
    found = facts("Năm 2024, tỉnh Nam Định thu ngân sách 5.000 tỷ đồng, tăng 8% so với năm 2023.")
    assert [(f.measure, f.base_period) for f in found] == [("level", None), ("change_pct", "2023")]


@pytest.mark.parametrize(
    ("period", "years", "label"),
    [
        (interval(date(2024, 1, 1), date(2024, 12, 31)), -1, "2023"),
        (interval(date(2024, 7, 1), date(2024, 9, 30)), -1, "2023-Q3"),
        (interval(date(2024, 1, 1), date(2024, 2, 29)), -1, "2023-01-01/2023-02-28"),
        (interval(date(2023, 1, 1), date(2023, 2, 28)), -1, "2022-01-01/2022-02-28"),
        (Period("2024-03-14", date(2024, 3, 14), date(2024, 3, 14)), -1, "2023-03-14"),
    ],
)
def test_shifting_a_period_by_years_keeps_its_shape(period: Period, years: int, label: str) -> None:
    assert shift_years(period, years).label == label


def test_the_previous_month_of_a_range_of_days_is_the_same_days() -> None:
    period = interval(date(2024, 3, 1), date(2024, 3, 31))
    assert shift_months(period, -1).label == "2024-02"
    assert shift_months(interval(date(2024, 10, 1), date(2024, 10, 20)), -1).label == (
        "2024-09-01/2024-09-20"
    )


def test_comparisons_are_found_after_so_and_after_a_multiplier() -> None:
    low = normalise("tăng 5% so với cùng kỳ, gấp 2 lần năm 2020, đạt 90% so với kế hoạch").lower()
    kinds = [(c.kind, c.year) for c in find_comparisons(low)]
    assert kinds == [("sameperiod", None), ("year", 2020), ("plan", None)]
