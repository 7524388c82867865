"""The fact browser as a reader meets it: pages built by `chitieu report` from a real
warehouse, opened in headless Chromium (from disk and from `chitieu browse`), and checked
for what the page shows after its scripts ran."""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from flows import site as site_module
from flows.etl import chitieu_etl
from flows.highlight import locate_numbers
from flows.site import build_site, doc_page, render
from flows.vn_format import vn_amount, vn_number, vn_quantity
from tests.conftest import SEED_REPORTS, write_report

CHITIEU = [sys.executable, "-m", "flows"]
SEED_SOURCE = "000_99cc5f84f4453255.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(tempfile.gettempdir()) / "chitieu-test-artifacts"

OTHER_REPORT = (
    "Báo cáo tình hình lao động tỉnh Lạng Sơn\n\n"
    "Năm 2022, tỉnh Lạng Sơn đã tuyển sinh và đào tạo được {n2022} học viên.\n\n"
    "Năm 2021, tỉnh Lạng Sơn đã tuyển sinh và đào tạo được 18.200 học viên.\n\n"
    "Kim ngạch xuất nhập khẩu năm 2023 đạt 51.990,563 triệu USD.\n"
)


def needs_chromium() -> None:
    """Browser tests run wherever Chromium is; in CI a missing Chromium is a failure."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")


def chromium(url: str, *args: str, profile: Path) -> str:
    """Run headless Chromium on a URL; stdout (the DOM with --dump-dom)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def dump_dom(url: str, profile: Path, budget_ms: int = 0) -> str:
    """The DOM after the page's scripts ran (and timers, within the virtual time budget)."""
    extra = [f"--virtual-time-budget={budget_ms}"] if budget_ms else []
    return chromium(url, *extra, "--dump-dom", profile=profile)


def screenshot(url: str, path: Path, profile: Path) -> Path:
    """A PNG of the page as Chromium draws it."""
    chromium(
        url,
        "--virtual-time-budget=8000",
        "--window-size=1280,900",
        f"--screenshot={path}",
        profile=profile,
    )
    assert path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


class _Rows(HTMLParser):
    """The body rows of one table (its own rows, not those of tables nested in them)."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # tables open inside the wanted one, itself included
        self.in_body = False
        self.rows: list[tuple[list[str], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth == 1 and tag == "tbody":
            self.in_body = True
        elif self.depth == 1 and self.in_body and tag == "tr":
            self.rows.append(([], "hidden" in dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "tbody" and self.depth == 1:
            self.in_body = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.rows and self.in_body:
            self.rows[-1][0].append(data)


def rows_of(dom: str, table_id: str) -> list[tuple[str, bool]]:
    """(text, hidden) of each body row of a table of a dumped DOM."""
    parser = _Rows(table_id)
    parser.feed(dom)
    assert parser.rows or f'id="{table_id}"' in dom, f"no table {table_id}"
    return [(" ".join(" ".join(parts).split()), hidden) for parts, hidden in parser.rows]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[Path]:
    """A real warehouse: the seed report and a second report on the same province and year
    (a conflict), loaded twice with one figure changed in between (a second version)."""
    root = tmp_path_factory.mktemp("browser")
    reports = root / "reports"
    shutil.copytree(SEED_REPORTS, reports)
    write_report(reports, "lang_son_2022.txt", OTHER_REPORT.format(n2022="21.050"))
    db = root / "chitieu.duckdb"
    with pytest.MonkeyPatch.context() as env:  # sources relative to the reports root
        env.setenv("CHITIEU_REPORTS", str(reports))
        assert chitieu_etl([str(reports)], str(db))["inserted"] > 0
        write_report(reports, "lang_son_2022.txt", OTHER_REPORT.format(n2022="21.150"))
        assert chitieu_etl([str(reports)], str(db))["closed"] == 1
    yield db


@pytest.fixture(scope="module")
def site(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site `chitieu report` writes for that warehouse."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = subprocess.run(
        [*CHITIEU, "report", "--db", str(warehouse), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "pages" in result.stdout
    return out


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """A throwaway Chromium profile."""
    return tmp_path / "chromium-profile"


# ---- number formatting and number location (no browser) -----------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "name", "expected"),
    [
        (51_990_563_000, "USD", "đô la Mỹ", "51.990,6 triệu USD"),
        (19_436, "person", "người", "19.436 người"),
        (60, "percent", "phần trăm", "60%"),
        (81.84, "percent", None, "81,84%"),
        (1_500_000_000, "VND", "đồng", "1,5 tỷ đồng"),
        (45_678_000_000_000, "VND", "đồng", "45.678 tỷ đồng"),
        (95_600_000, "VND/person", "đồng/người", "95,6 triệu đồng/người"),
        (2_350_000, "person", "người", "2,35 triệu người"),
        (0.25, "tonne/ha", "tấn/ha", "0,25 tấn/ha"),
    ],
)
def test_amounts_are_written_the_vietnamese_way(value, unit, name, expected):
    assert vn_amount(value, unit, name) == expected


def test_ranges_share_one_scale_and_rises_carry_a_sign():
    assert vn_quantity(None, 1100, 1350, "vehicle/day", "xe/ngày") == "1.100 – 1.350 xe/ngày"
    assert vn_quantity(5.0, 5.0, 5.0, "percent", None, "change_pct") == "+5%"
    assert vn_quantity(-3.5, -3.5, -3.5, "percent", None, "change_pct") == "-3,5%"
    assert vn_number(1234567.891, 2) == "1.234.567,89"


def test_numbers_are_found_in_their_sentence_from_document_offsets():
    sentence = "Năm 2022, Tỉnh đã tuyển sinh 19.436 học viên, tỷ lệ đạt 60%."
    shift = 1000  # the sentence's own offset in its document, unknown to the warehouse
    first = sentence.index("19.436")
    second = sentence.index("60%")
    spans = [(shift + first, shift + first + 15), (shift + second, shift + second + 3)]
    found = locate_numbers(sentence, spans, [19436.0, 60.0])
    assert [sentence[s:e] for s, e in found] == ["19.436 học viên", "60%"]


def test_a_lone_number_is_told_from_a_year_of_the_same_length():
    sentence = "Năm 2022, tỉnh Lạng Sơn đã tuyển sinh và đào tạo được 21.150 học viên."
    start = 500 + sentence.index("21.150")
    # "2022, tỉnh Lạng" has the same length and also starts on digits
    [found] = locate_numbers(sentence, [(start, start + 15)], [21150.0])
    assert found is not None and sentence[found[0] : found[1]] == "21.150 học viên"


def test_page_text_is_escaped():
    fact = {
        "key": "k1",
        "latest": {
            "value": 5.0, "value_low": 5.0, "value_high": 5.0, "unit": "percent",
            "unit_name_vi": None, "measure": "level", "qualifier": None, "indicator": None,
            "subject": "<i>x</i>", "period": None, "area": None, "area_code": None,
            "valid_from": None, "valid_to": None, "load_id": 1,
        },
        "current": True,
        "corrected": False,
        "versions": [{}],
        "parts": ("<script>alert(1)</script> đạt ", "5%", "."),
    }  # fmt: skip
    page = render("document.html", root="../", source="a<b>.txt", document=None,
                  versions=[], facts=[fact])  # fmt: skip
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; đạt <mark>5%</mark>." in page
    assert "a&lt;b&gt;.txt" in page


# ---- the generated site in a real browser --------------------------------------------------


def test_the_seed_figure_is_marked_in_its_sentence(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom((site / doc_page(SEED_SOURCE)).as_uri(), profile)
    cells = re.findall(r'<td class="sentence">(.*?)<mark>(.*?)</mark>', dom, re.S)
    marked = {html.unescape(m): html.unescape(before) for before, m in cells}
    assert "19.436 học viên" in marked
    assert marked["19.436 học viên"].strip().endswith("Tỉnh đã tuyển sinh và đào tạo được")
    assert "60%" in marked


def test_indicator_page_shows_values_by_province_with_vietnamese_numbers(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom((site / "i" / "labour.vocational_enrolment.html").as_uri(), profile)
    rows = [text for text, _ in rows_of(dom, "values-table")]
    assert any("Lạng Sơn" in r and "2021" in r and "18.200 người" in r for r in rows), rows
    row_2022 = next(r for r in rows if " 2022 " in f" {r} ")
    # two reports disagree on 2022: the spread is shown, with Vietnamese digit groups
    assert "19.436" in row_2022 and "21.150" in row_2022
    assert "Chỉ tiêu" in dom or "Tỉnh, thành phố" in dom
    assert re.search(r"Tỉnh, thành phố\s*<code[^>]*>province</code>", dom)


def test_the_chart_draws_from_local_scripts_only(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom(
        (site / "i" / "labour.vocational_enrolment.html").as_uri(), profile, budget_ms=15000
    )
    chart = re.search(r'<div id="chart"[^>]*>', dom)
    assert chart and 'data-rendered="true"' in chart.group(0)
    assert "<svg" in dom
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', text), page


def test_a_filter_in_the_address_hides_the_rows_that_do_not_match(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom((site / "index.html").as_uri() + "?q=tuyen+sinh", profile)
    rows = rows_of(dom, "indicators-table")
    shown = [text for text, hidden in rows if not hidden]
    assert shown and all("labour.vocational_enrolment" in text for text in shown)
    assert any(hidden for _, hidden in rows), "other indicators are filtered out"
    unfiltered = rows_of(dump_dom((site / "index.html").as_uri(), profile), "indicators-table")
    assert not any(hidden for _, hidden in unfiltered)


def test_a_fact_lists_its_versions(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom((site / doc_page("lang_son_2022.txt")).as_uri(), profile)
    rows = rows_of(dom, "facts-table")
    changed = next(text for text, _ in rows if "2 phiên bản" in text)
    assert "21.050 người" in changed and "21.150 người" in changed
    assert "<mark>21.150 học viên</mark>" in dom


def test_conflicts_show_both_sources_side_by_side(site: Path, profile: Path):
    needs_chromium()
    dom = dump_dom((site / "c" / "labour.vocational_enrolment.html").as_uri(), profile)
    rows = rows_of(dom, "conflicts-table")
    assert len(rows) == 1
    text = rows[0][0]
    assert SEED_SOURCE in text and "lang_son_2022.txt" in text
    assert text.index("19.436 người") < text.index("21.150 người")


def test_corrected_facts_are_marked_with_who_when_and_why(
    warehouse: Path, tmp_path: Path, profile: Path
):
    """A fact corrected with `chitieu correct` is marked on its report's page, with the
    correction's number, reason, author and date."""
    needs_chromium()
    corrected = tmp_path / "corrected.duckdb"
    shutil.copyfile(warehouse, corrected)
    con = duckdb.connect(str(corrected), read_only=True)
    [(key,)] = con.execute(
        "SELECT fact_key FROM observations WHERE valid_to IS NULL AND value = 19436"
    ).fetchall()
    con.close()
    fixed = subprocess.run(
        [*CHITIEU, "correct", key, "--value", "19463", "--db", str(corrected), "--author",
         "analyst", "--reason", "số liệu chính thức của Cục Thống kê"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    out = tmp_path / "site"
    build_site(corrected, out)
    dom = dump_dom((out / doc_page(SEED_SOURCE)).as_uri(), profile)
    row = re.search(rf'<tr id="{key}" class="([^"]*)"', dom)
    assert row and "corrected" in row.group(1).split()
    assert dom.count("đã hiệu chỉnh") == 1
    versions = next(text for text, _ in rows_of(dom, "facts-table") if "đã hiệu chỉnh" in text)
    assert "số liệu chính thức của Cục Thống kê (analyst," in versions
    assert "19.463" in versions and "19.436" in versions


def test_browse_serves_the_same_pages_on_localhost(warehouse: Path, tmp_path: Path):
    needs_chromium()
    server = subprocess.Popen(
        [*CHITIEU, "browse", "--db", str(warehouse), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line + (server.stderr.read() if server.poll() is not None else "")
        page = url.group(0) + doc_page(SEED_SOURCE)
        dom = dump_dom(page, tmp_path / "profile")
        assert "<mark>19.436 học viên</mark>" in dom
        shot = screenshot(
            url.group(0) + "i/labour.vocational_enrolment.html",
            tmp_path / "browse.png",
            tmp_path / "profile2",
        )
        assert shot.stat().st_size > 10_000
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode is not None


def test_browse_on_a_port_in_use_is_one_line(warehouse: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [*CHITIEU, "browse", "--db", str(warehouse), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"chitieu: error: cannot listen on 127.0.0.1:{port}"
    )


def test_a_screenshot_of_a_report_page_is_kept(
    site: Path, tmp_path: Path, profile: Path, capsys: pytest.CaptureFixture[str]
):
    needs_chromium()
    shot = screenshot((site / doc_page(SEED_SOURCE)).as_uri(), tmp_path / "report.png", profile)
    assert shot.stat().st_size > 10_000, "a page was drawn, not a blank"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kept = ARTIFACTS / "browser-report.png"
    shutil.copyfile(shot, kept)
    with capsys.disabled():
        print(f"\nscreenshot of the fact browser: {kept}")
    assert kept.exists()


def test_report_pages_written_by_several_processes_equal_those_of_one(
    warehouse: Path, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(site_module, "SOURCES_PER_PROCESS", 1)
    out = tmp_path / "parallel"
    result = build_site(warehouse, out, workers=2)
    assert result.documents == 2
    pages = sorted(p.relative_to(site) for p in (site / "d").glob("*.html"))
    assert pages == sorted(p.relative_to(out) for p in (out / "d").glob("*.html"))
    for page in pages:
        assert (out / page).read_text(encoding="utf-8") == (site / page).read_text(encoding="utf-8")


def test_report_rewrites_its_own_site_but_no_other_folder(warehouse: Path, tmp_path: Path):
    out = tmp_path / "site"
    build_site(warehouse, out)
    stale = out / "d" / "gone.html"
    stale.write_text("an earlier page", encoding="utf-8")
    build_site(warehouse, out)
    assert not stale.exists() and (out / doc_page(SEED_SOURCE)).exists()
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep", encoding="utf-8")
    result = subprocess.run(
        [*CHITIEU, "report", "--db", str(warehouse), "--out", str(other)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "not a site written by `chitieu report`" in result.stderr
    assert (other / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_report_without_a_warehouse_is_one_line(tmp_path: Path):
    out = subprocess.run(
        [*CHITIEU, "report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        f"chitieu: error: {tmp_path / 'none.duckdb'}: no warehouse yet; run `chitieu run` first"
    ]
