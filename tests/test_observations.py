"""The extractor on sentences written for these tests: one case per rule of the record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows.catalogue import get_catalogue
from flows.documents import Document, doc_id_of, normalise, split_sentences
from flows.observations import Observation, extract_observations


def facts(
    text: str, province: str | None = None, published: date | None = None
) -> list[Observation]:
    t = normalise(text)
    doc = Document(
        doc_id=doc_id_of(t),
        source="t.txt",
        text=t,
        sentences=split_sentences(t),
        province=province,
        published=published,
    )
    return extract_observations(doc)


# (rule, text, expected facts in order: each a dict of the fields that rule is about)
CASES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "thousands '.' and decimal ','",
        "Năm 2023, kim ngạch xuất khẩu của tỉnh Cao Bằng đạt 51.990,563 triệu USD.",
        [
            {
                "value": 51990563000,
                "unit": "USD",
                "measure": "level",
                "indicator": "trade.export",
                "period": "2023",
                "area_code": "04",
            }
        ],
    ),
    (
        "a bare figure takes the scale of its indicator's last amount, part by part",
        "Năm 2024, kim ngạch nhập khẩu của tỉnh Lai Châu đạt 1 tỷ 306 triệu USD, "
        "riêng quý IV kim ngạch nhập khẩu đạt 400.",
        [
            {"value": 1306e6, "unit": "USD", "indicator": "trade.import"},
            {"value": 400e6, "unit": "USD", "indicator": "trade.import"},
        ],
    ),
    (
        "scale words combined",
        "Năm 2022, doanh thu du lịch của tỉnh Khánh Hòa đạt 11,5 nghìn tỷ đồng.",
        [{"value": 11.5e12, "unit": "VND", "indicator": "tourism.revenue", "area_code": "56"}],
    ),
    (
        "two-part amount",
        "Năm 2021, tỉnh Lạng Sơn thu hút vốn FDI đạt 1 tỷ 306 triệu USD.",
        [{"value": 1306000000, "unit": "USD", "indicator": "investment.fdi"}],
    ),
    (
        "leading zero",
        "Năm 2022, tỉnh Bắc Kạn có 03 cơ sở giáo dục nghề nghiệp công lập.",
        [{"value": 3, "unit": "institution", "indicator": "education.vocational_institutions"}],
    ),
    (
        "spelled-out number and change in units",
        "Năm 2020, tỉnh Hà Tĩnh có thêm hai mươi lăm xã đạt chuẩn nông thôn mới.",
        [
            {
                "value": 25,
                "unit": "commune",
                "measure": "change_abs",
                "indicator": "rural.new_rural_communes",
            }
        ],
    ),
    (
        "range with a dash, per-day unit",
        "Năm 2023, mỗi ngày có 1.100 - 1.350 xe/ngày thông quan qua cửa khẩu Tân Thanh, "
        "tỉnh Lạng Sơn.",
        [
            {
                "value": None,
                "value_low": 1100,
                "value_high": 1350,
                "unit": "vehicle/day",
                "area": "cửa khẩu Tân Thanh",
            }
        ],
    ),
    (
        "range 'từ ... đến'",
        "Năm 2024, tỉnh Lào Cai phấn đấu thu hút từ 3 đến 5 dự án FDI.",
        [
            {
                "value": None,
                "value_low": 3,
                "value_high": 5,
                "unit": "project",
                "indicator": "investment.projects",
            }
        ],
    ),
    (
        "a fall is a negative change",
        "Năm 2023, kim ngạch nhập khẩu của tỉnh Lạng Sơn giảm 12,5% so với năm 2022.",
        [
            {
                "value": -12.5,
                "unit": "percent",
                "measure": "change_pct",
                "indicator": "trade.import",
                "period": "2023",
            }
        ],
    ),
    (
        "plan attainment, half year",
        "6 tháng đầu năm 2024, thu ngân sách nhà nước của tỉnh Nghệ An đạt 7.800 tỷ đồng, "
        "bằng 95,2% dự toán.",
        [
            {
                "value": 7.8e12,
                "measure": "level",
                "indicator": "budget.revenue",
                "period": "2024-H1",
            },
            {
                "value": 95.2,
                "measure": "plan_pct",
                "indicator": "budget.revenue",
                "period": "2024-H1",
            },
        ],
    ),
    (
        "share",
        "Năm 2022, nông sản chiếm 45% tổng kim ngạch xuất khẩu của tỉnh Sơn La.",
        [{"value": 45, "measure": "share_pct", "unit": "percent"}],
    ),
    (
        "rate that is the indicator is a level",
        "Năm 2021, tỷ lệ hộ nghèo của tỉnh Hà Giang còn 28,5%.",
        [{"value": 28.5, "measure": "level", "indicator": "social.poverty_rate"}],
    ),
    (
        "multiplier with 'hơn'",
        "Năm 2022, vốn FDI vào tỉnh Thái Nguyên gấp hơn 2 lần năm 2021.",
        [{"value": 100, "measure": "change_pct", "approx": True, "qualifier": "hơn"}],
    ),
    (
        "'tăng X lần'",
        "Quý I/2022, lượt khách du lịch đến tỉnh Quảng Ninh tăng 3 lần so với cùng kỳ.",
        [{"value": 200, "measure": "change_pct", "period": "2022-Q1"}],
    ),
    (
        "multiplier of a target",
        "Năm 2023, tổng vốn đầu tư vào tỉnh Nghệ An gấp 1,5 lần kế hoạch.",
        [{"value": 150, "measure": "plan_pct"}],
    ),
    (
        "'bằng X% so với cùng kỳ'",
        "Quý III/2023, lượt khách du lịch đến tỉnh Quảng Bình chỉ bằng 46% so với cùng kỳ.",
        [{"value": -54, "measure": "change_pct", "period": "2023-Q3"}],
    ),
    (
        "'tăng X% so với dự toán'",
        "Năm 2022, tổng thu ngân sách của tỉnh Bình Dương tăng 8% so với dự toán.",
        [{"value": 108, "measure": "plan_pct", "indicator": "budget.revenue"}],
    ),
    (
        "'vượt X% kế hoạch'",
        "Năm 2022, sản lượng lương thực của tỉnh Thái Bình vượt 2,5% kế hoạch.",
        [{"value": 102.5, "measure": "plan_pct", "indicator": "agriculture.food_output"}],
    ),
    (
        "fraction of counted things: part and whole",
        "Năm 2022, tỉnh Điện Biên có 3/10 huyện đạt chuẩn.",
        [{"value": 3, "unit": "count"}, {"value": 10, "unit": "count"}],
    ),
    (
        "ordinal fraction is no fact",
        "Năm 2022, tỉnh Phú Thọ xếp thứ 12/63 tỉnh, thành phố về chỉ số PCI.",
        [],
    ),
    (
        "a list of ranks after 'thứ' is no fact",
        "Năm 2022, tỉnh Phú Thọ xếp thứ 12/63 tỉnh, thứ 2/14 tỉnh trong vùng và 1/5 tỉnh.",
        [],
    ),
    (
        "approx belongs to the number its marker stands before",
        "Năm 2023, tỉnh Quảng Nam đón khoảng 7,5 triệu lượt khách du lịch, "
        "tăng 20% so với năm 2022.",
        [
            {
                "value": 7.5e6,
                "unit": "visitor",
                "approx": True,
                "qualifier": "khoảng",
                "indicator": "tourism.visitors",
            },
            {"value": 20, "approx": False, "qualifier": None, "indicator": "tourism.visitors"},
        ],
    ),
    (
        "estimate marker 'ước đạt'",
        "Năm 2023, GRDP của tỉnh Bình Định ước đạt 110.000 tỷ đồng.",
        [{"value": 1.1e14, "approx": True, "qualifier": "ước", "indicator": "economy.grdp"}],
    ),
    (
        "each number its own subject",
        "Năm 2023, tỉnh Lạng Sơn xuất khẩu 2.750 triệu USD, nhập khẩu đạt 2.225 triệu USD.",
        [
            {"value": 2.75e9, "indicator": "trade.export"},
            {"value": 2.225e9, "indicator": "trade.import"},
        ],
    ),
    (
        "subject before a list of figures",
        "Tỉnh Hà Nam: kim ngạch xuất khẩu năm 2023 quý I đạt 500 triệu USD, "
        "quý II đạt 600 triệu USD.",
        [
            {"value": 5e8, "indicator": "trade.export", "period": "2023-Q1"},
            {"value": 6e8, "indicator": "trade.export", "period": "2023-Q2"},
        ],
    ),
    (
        "nine months is an interval",
        "9 tháng đầu năm 2023, tỉnh Gia Lai đón 1,2 triệu lượt khách.",
        [{"period": "2023-01-01/2023-09-30", "unit": "visitor", "area_code": "64"}],
    ),
    (
        "month",
        "Trong tháng 10/2023, tổng mức bán lẻ hàng hóa của tỉnh Hải Dương đạt 5.100 tỷ đồng.",
        [{"period": "2023-10", "indicator": "retail.sales", "area_code": "30"}],
    ),
    (
        "cumulative to a day is an interval from the year's start",
        "Tính đến ngày 30/11/2023, tỉnh Long An thu hút 45 dự án FDI.",
        [{"period": "2023-01-01/2023-11-30", "value": 45}],
    ),
    (
        "stock counted at a month",
        "Lũy kế đến hết tháng 9/2022, toàn tỉnh Hậu Giang có 40 xã đạt chuẩn nông thôn mới.",
        [{"period": "2022-09", "value": 40, "indicator": "rural.new_rural_communes"}],
    ),
    (
        "stock counted at the end of a month is that month",
        "Tính đến hết tháng 10/2024, toàn tỉnh Nam Định có 204/204 xã đạt chuẩn nông thôn mới.",
        [
            {"period": "2024-10", "value": 204, "unit": "commune"},
            {"period": "2024-10", "value": 204, "unit": "commune"},
        ],
    ),
    (
        "a rate counted at a day takes that day, with the code in force then",
        "Tính đến 30/9/2025, tỷ lệ bao phủ bảo hiểm y tế của tỉnh Hà Giang đạt 95,4%.",
        [
            {
                "period": "2025-09-30",
                "indicator": "health.insurance_coverage",
                "area_code": "08",
                "measure": "level",
            }
        ],
    ),
    (
        "institutions and households counted at a date are stocks",
        "Tính đến hết quý II/2023, tỉnh Sơn La có 12 cơ sở giáo dục nghề nghiệp và "
        "21.500 hộ nghèo.",
        [
            {"period": "2023-06", "unit": "institution"},
            {"period": "2023-06", "unit": "household"},
        ],
    ),
    (
        "population counted at a date is a stock",
        "Tính đến tháng 6/2022, dân số tỉnh Bình Phước là 1.024.000 người.",
        [{"period": "2022-06", "unit": "person"}],
    ),
    (
        "a stock counted in the middle of a month keeps its day",
        "Tính đến ngày 15/8/2023, tỉnh Bắc Ninh có 420 dự án còn hiệu lực.",
        [{"period": "2023-08-15", "unit": "project"}],
    ),
    (
        "money to a date is a flow from the year's start",
        "Năm 2022 tỉnh Quảng Ngãi phát triển. Tính đến 30/11, thu ngân sách đạt 9.500 tỷ đồng.",
        [{"period": "2022-01-01/2022-11-30", "indicator": "budget.revenue"}],
    ),
    (
        "visitors and new enterprises to a date are flows",
        "Tính đến hết tháng 8/2024, tỉnh Ninh Bình đón 5 triệu lượt khách, có 600 doanh nghiệp "
        "thành lập mới.",
        [
            {"period": "2024-01-01/2024-08-31", "unit": "visitor"},
            {"period": "2024-01-01/2024-08-31", "unit": "enterprise"},
        ],
    ),
    (
        "'từ đầu năm đến' says the interval, even of a rate",
        "Từ đầu năm đến hết tháng 9/2023, tỷ lệ giải ngân vốn đầu tư công của tỉnh Hòa Bình "
        "đạt 65%.",
        [{"period": "2023-01-01/2023-09-30"}],
    ),
    (
        "'hiện' with a count has no period",
        "Năm 2023, tỉnh Yên Bái đạt nhiều kết quả. Hiện toàn tỉnh có 18 cơ sở giáo dục nghề "
        "nghiệp. Diện tích quế hiện khoảng 80.000 ha.",
        [
            {"period": None, "value": 18, "unit": "institution"},
            {"period": None, "value": 80000, "unit": "ha", "approx": True},
        ],
    ),
    (
        "'hiện đại', 'hiện hành' are no 'now'",
        "Năm 2023, tỉnh Bắc Ninh có 40 nhà máy hiện đại; GRDP theo giá hiện hành đạt "
        "250.000 tỷ đồng.",
        [{"period": "2023", "value": 40}, {"period": "2023", "value": 2.5e14}],
    ),
    (
        "'đến nay' with no publication date keeps the last period named, at its precision",
        "Tính đến 30/6/2024, tỉnh Hải Dương thu hút 30 dự án mới. Lũy kế đến nay, toàn tỉnh có "
        "600 dự án còn hiệu lực. Trong đó, 400 dự án FDI với tổng vốn 9 tỷ USD.",
        [
            {"period": "2024-H1", "value": 30},
            {"period": "2024-H1", "value": 600},
            {"period": "2024-H1", "value": 400},
            {"period": "2024-H1", "value": 9e9},
        ],
    ),
    (
        "a rank list ends at ';': the fraction after it counts districts",
        "Năm 2023, tỉnh Yên Bái xếp thứ 9/63 cả nước về chỉ số cải cách hành chính; "
        "4/9 huyện đạt chuẩn nông thôn mới.",
        [{"value": 4, "unit": "count"}, {"value": 9, "unit": "count"}],
    ),
    (
        "hotels are not visitors",
        "Năm 2023, tỉnh Ninh Thuận có 210 khách sạn và đón 2 triệu lượt khách.",
        [{"value": 210, "unit": "count"}, {"value": 2e6, "unit": "visitor"}],
    ),
    (
        "'lượt' alone is a visit of what the clause speaks of",
        "Năm 2023, tỉnh Bình Dương có 35 lượt góp vốn, mua cổ phần; lượt khách đạt 3 triệu lượt.",
        [{"value": 35, "unit": "count"}, {"value": 3e6, "unit": "visitor"}],
    ),
    (
        "a count of vehicles under a per-day cue is per day",
        "Năm 2024, qua cửa khẩu Hữu Nghị bình quân mỗi ngày có khoảng 600 - 700 lượt xe; "
        "cửa khẩu Chi Ma đón 150 xe mỗi ngày.",
        [
            {"value_low": 600, "value_high": 700, "unit": "vehicle/day", "approx": True},
            {"value": 150, "unit": "vehicle/day"},
        ],
    ),
    (
        "vehicles with no per-day cue are vehicles",
        "Năm 2024, cửa khẩu Tân Thanh có 120.000 lượt xe xuất nhập khẩu.",
        [{"value": 120000, "unit": "vehicle"}],
    ),
    (
        "'trên' naming what was just said is no approximation",
        "Năm 2023, tỉnh Vĩnh Phúc có 5.000 doanh nghiệp. Cũng trong thời gian trên có 420 "
        "doanh nghiệp thành lập mới; tỷ lệ lao động qua đào tạo đạt trên 70%.",
        [
            {"value": 5000, "approx": False},
            {"value": 420, "approx": False, "qualifier": None},
            {"value": 70, "approx": True, "qualifier": "trên"},
        ],
    ),
    (
        "average over years",
        "Tốc độ tăng trưởng kinh tế bình quân giai đoạn 2016-2020 của tỉnh Bắc Ninh đạt 9,5%/năm.",
        [{"period": "2016-01-01/2020-12-31", "measure": "change_pct", "indicator": "economy.grdp"}],
    ),
    (
        "year of the paragraph carries to the next sentence",
        "Năm 2022, tỉnh Tây Ninh đón 5 triệu lượt khách. Doanh thu du lịch đạt 4.000 tỷ đồng.",
        [{"period": "2022"}, {"period": "2022", "indicator": "tourism.revenue"}],
    ),
    (
        "comparison period is not the period",
        "Kim ngạch xuất khẩu của tỉnh Đồng Nai tăng 10% so với cùng kỳ năm 2022.",
        [{"period": None, "value": 10}],
    ),
    (
        "'hiện có' has no period",
        "Năm 2022 tỉnh Kon Tum có nhiều đổi mới. Hiện có 12 cơ sở giáo dục nghề nghiệp.",
        [{"period": None, "value": 12}],
    ),
    (
        "spelling variants of provinces",
        "Năm 2023, tỉnh Khánh Hoà, TP.HCM và Thừa Thiên - Huế đều có 2 cửa khẩu.",
        [{"area_code": "46", "unit": "border_gate"}],
    ),
    (
        "district keeps the province's code and names itself as the area",
        "Tỉnh Hà Tĩnh năm 2022 đạt nhiều kết quả. Huyện Hương Sơn có 3 xã đạt chuẩn nông thôn mới.",
        [{"area_code": "42", "area": "Huyện Hương Sơn", "period": "2022"}],
    ),
    (
        "national figures have no province",
        "Năm 2023, cả nước có 18.000 doanh nghiệp thành lập mới.",
        [{"area_code": None, "indicator": "enterprise.new"}],
    ),
    (
        "codes after the July 2025 reorganisation",
        "Tháng 9/2025, kim ngạch xuất nhập khẩu của tỉnh Hà Giang đạt 20 triệu USD.",
        [{"period": "2025-09", "area_code": "08"}],
    ),
    (
        "main province of the document by default",
        "Quảng Trị: kết quả năm 2022\nNăm 2022, toàn tỉnh giải quyết việc làm cho 12.500 lao động.",
        [{"area_code": "45", "indicator": "labour.jobs_created", "unit": "person"}],
    ),
    (
        "yield in quintals per hectare",
        "Năm 2024, năng suất lúa của tỉnh Thái Bình đạt 67,5 tạ/ha.",
        [{"value": 6.75, "unit": "tonne/ha"}],
    ),
    (
        "money per person per year",
        "Năm 2022, GRDP bình quân đầu người của tỉnh Hà Nam đạt 42,98 triệu đồng/người/năm.",
        [{"value": 42.98e6, "unit": "VND/person", "indicator": "economy.grdp_per_capita"}],
    ),
    (
        "hectares glued to the number",
        "Năm 2023, tỉnh Sơn La có 41.250ha cây ăn quả trồng trên đất dốc.",
        [{"value": 41250, "unit": "ha"}],
    ),
    (
        "percent written as words",
        "Năm 2022, tỷ lệ che phủ rừng của tỉnh Bắc Kạn đạt 73 phần trăm.",
        [{"value": 73, "unit": "percent", "indicator": "environment.forest_cover"}],
    ),
    (
        "years, dates, times on their own are no facts",
        "Sáng ngày 15/3/2023, lúc 8:30, hội nghị tổng kết năm 2022 được tổ chức.",
        [],
    ),
    (
        "ordinals and names with numbers are no facts",
        "Đại hội lần thứ 14 bàn về dịch Covid-19, Quốc lộ 1A và liên kết 3 bên.",
        [],
    ),
    (
        "document numbers are no facts",
        "Theo Quyết định số 123/QĐ-UBND của tỉnh Yên Bái, kế hoạch được phê duyệt.",
        [],
    ),
    (
        "photo-caption numbering is no fact",
        "Toàn cảnh cửa khẩu Hữu Nghị, tỉnh Lạng Sơn 3\nCửa khẩu luôn tấp nập.",
        [],
    ),
    (
        "percentage points are a change in points",
        "Năm 2023, tỷ lệ hộ nghèo của tỉnh Cao Bằng giảm 2,5 điểm phần trăm so với năm 2022.",
        [{"value": -2.5, "unit": "percent", "measure": "change_pp", "base_period": "2022"}],
    ),
    (
        "money per person without '/người'",
        "Năm 2023, GRDP bình quân đầu người của tỉnh Quảng Ninh đạt 8.500 USD.",
        [{"value": 8500, "unit": "USD/person", "indicator": "economy.grdp_per_capita"}],
    ),
    (
        "'thực hiện' is no 'now'",
        "Năm 2023, tỉnh Hòa Bình đã thực hiện có hiệu quả, đón 3 triệu lượt khách.",
        [{"period": "2023", "unit": "visitor"}],
    ),
    (
        "the date of a decision is not the period",
        "Năm 2022, theo Quyết định số 45/QĐ-UBND ngày 12/3/2022, tỉnh Hà Nam có 5 dự án mới.",
        [{"period": "2022", "value": 5}],
    ),
    (
        "a month with no year takes the document's year",
        "Tỉnh Phú Yên: kết quả 8 tháng năm 2024\n\nTính chung 8 tháng, lượt khách đạt 2 triệu "
        "lượt.\n\nNăm 2023 tỷ lệ che phủ rừng đạt 40%.\n\nRiêng tháng 8 đón 300 nghìn lượt khách.",
        [
            {"period": "2024-01-01/2024-08-31", "area_code": "54"},
            {"period": "2023", "value": 40},
            {"period": "2024-08", "value": 300000},
        ],
    ),
    (
        "words in closed brackets belong to the subject",
        "Quý II/2024, tốc độ tăng trưởng kinh tế (GRDP) của tỉnh Long An ước đạt 6,2%.",
        [{"value": 6.2, "measure": "change_pct", "indicator": "economy.grdp", "period": "2024-Q2"}],
    ),
    (
        "decimals with scale words are exact",
        "Năm 2023, tỉnh Bình Phước thu hút vốn FDI đạt 1,017 tỷ USD.",
        [{"value": 1017000000}],
    ),
    (
        "a figure with no unit words takes its indicator's unit",
        "Năm 2023, thu ngân sách của tỉnh Lai Châu đạt 2.500 tỷ đồng. "
        "Trong đó năm 2022 thu ngân sách được 2.300, thấp hơn.",
        [{"value": 2.5e12, "unit": "VND"}, {"value": 2.3e12, "unit": "VND", "period": "2022"}],
    ),
]


@pytest.mark.parametrize(("rule", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(rule: str, text: str, expected: list[dict[str, Any]]) -> None:
    found = facts(text)
    assert len(found) == len(expected), [(f.value, f.unit, f.text) for f in found]
    for fact, want in zip(found, expected, strict=True):
        for key, value in want.items():
            got = getattr(fact, key)
            if isinstance(value, float | int) and not isinstance(value, bool) and got is not None:
                assert got == pytest.approx(value), (rule, key)
            else:
                assert got == value, (rule, key)
        assert text[fact.start : fact.end].strip()
        assert fact.text in normalise(text)


def test_metadata_province_and_date_are_used() -> None:
    (fact,) = facts("Đến nay, toàn tỉnh có 150 xã đạt chuẩn nông thôn mới.", province="Nam Định")
    assert fact.area_code == "36"


def test_indicator_phrases_match_without_diacritics() -> None:
    cat = get_catalogue()
    assert cat.indicator_codes("kim ngach xuat khau") == ("trade.export",)
    assert cat.indicator_codes("Kim ngạch xuất khẩu") == ("trade.export",)


def test_catalogue_keeps_every_starter_code() -> None:
    starter = {
        "economy.grdp",
        "economy.grdp_per_capita",
        "budget.revenue",
        "budget.expenditure",
        "trade.import_export",
        "trade.export",
        "trade.import",
        "trade.vehicles_cleared",
        "trade.cargo",
        "retail.sales",
        "industry.production_index",
        "investment.total",
        "investment.fdi",
        "investment.projects",
        "enterprise.new",
        "tourism.visitors",
        "tourism.revenue",
        "labour.vocational_enrolment",
        "labour.trained_share",
        "labour.jobs_created",
        "labour.unemployment_rate",
        "social.poverty_rate",
        "population.total",
        "education.vocational_institutions",
        "agriculture.food_output",
        "agriculture.area",
        "rural.new_rural_communes",
        "health.insurance_coverage",
        "environment.forest_cover",
        "infrastructure.border_gates",
    }
    cat = get_catalogue()
    assert starter <= set(cat.indicators)
    assert {i.unit for i in cat.indicators.values()} <= cat.units


def test_province_lists_and_mapping() -> None:
    cat = get_catalogue()
    assert sum(p.vintage == "2008-08-01" for p in cat.provinces) == 63
    assert sum(p.vintage == "2025-07-01" for p in cat.provinces) == 34
    assert cat.province("Hoà Bình") == cat.province("Hòa Bình")
    assert cat.province("TP. Hồ Chí Minh").code == "79"
    assert cat.province("Bắc Giang", date(2025, 8, 1)).code == "24"
    assert cat.province("Bắc Ninh").code == "27"
    found = [m.group() for m in cat.province_re.finditer("xuyên Thái Bình Dương, tỉnh Thái Bình")]
    assert found == ["Thái Bình"]
