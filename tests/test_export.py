"""`chitieu export`: the warehouse's views as files another tool opens, written for real and
read back (openpyxl for xlsx, Polars for csv and Parquet)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from test_warehouse import corpus, run_load

from flows import export as export_module
from flows.export import BOM, ExportFormat, export
from flows.warehouse import query

CHITIEU = [sys.executable, "-m", "flows"]


def chitieu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CHITIEU, *args], capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real warehouse with reports of three provinces."""
    db = tmp_path_factory.mktemp("export") / "chitieu.duckdb"
    run_load(db, corpus())
    return db


def count(db: Path, relation: str) -> int:
    return query(db, f"SELECT count(*) FROM {relation}")[1][0][0]


def test_xlsx_has_typed_formatted_columns_and_a_frozen_header(warehouse: Path, tmp_path: Path):
    out = tmp_path / "facts.xlsx"
    result = chitieu("export", "--db", str(warehouse), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {count(warehouse, 'facts')} rows" in result.stdout
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    columns, _ = query(warehouse, "SELECT * FROM facts LIMIT 0")
    assert header == columns
    assert sheet.max_row == count(warehouse, "facts") + 1
    cell = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert isinstance(cell["value"].value, int | float)
    assert cell["value"].number_format == "#,##0.###"
    assert isinstance(cell["load_id"].value, int)
    assert isinstance(cell["approx"].value, bool)
    assert isinstance(cell["valid_from"].value, dt.datetime)
    assert cell["valid_from"].number_format == "dd/mm/yyyy hh:mm:ss"
    texts = [sheet.cell(row=r, column=header.index("text") + 1).value for r in range(2, 6)]
    assert any("năm" in t.lower() for t in texts), "Vietnamese text kept as text"


def test_csv_starts_with_a_utf8_byte_order_mark_unless_told_not_to(warehouse: Path, tmp_path: Path):
    with_bom = tmp_path / "values.csv"
    without = tmp_path / "values-plain.csv"
    for out, extra in ((with_bom, []), (without, ["--no-bom"])):
        result = chitieu(
            "export", "--db", str(warehouse), "--view", "indicator_values", "--out", str(out),
            *extra,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert with_bom.read_bytes().startswith(BOM)
    assert not without.read_bytes().startswith(BOM)
    # the same rows (a view has no order of its own)
    assert sorted(with_bom.read_bytes()[len(BOM) :].splitlines()) == sorted(
        without.read_bytes().splitlines()
    )
    frame = pl.read_csv(without)
    assert frame.height == count(warehouse, "indicator_values")
    assert frame["sources"].dtype == pl.String, "lists are written as text"
    assert frame["province_name"].drop_nulls().str.contains("ơ|ắ|ạ|ă|ư|ộ|ồ|ả").any()


def test_csv_written_in_batches_has_one_header(warehouse: Path, tmp_path: Path):
    out = tmp_path / "obs.csv"
    result = export(warehouse, out, ExportFormat.csv, view="observations", bom=False, batch_rows=3)
    assert result.rows == count(warehouse, "observations") > 3
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("fact_key,") for line in lines) == 1
    assert pl.read_csv(out).height == result.rows


def test_parquet_is_a_folder_partitioned_by_province_and_year(warehouse: Path, tmp_path: Path):
    out = tmp_path / "facts.parquet"
    result = chitieu("export", "--db", str(warehouse), "--format", "parquet", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "partitioned by province and year" in result.stdout
    provinces = {p.name for p in out.iterdir()}
    codes = {r[0] for r in query(warehouse, "SELECT DISTINCT area_code FROM facts")[1]}
    assert provinces == {f"province={c}" for c in codes if c is not None} | (
        {"province=__HIVE_DEFAULT_PARTITION__"} if None in codes else set()
    )
    years = {p.name for p in out.glob("province=*/year=*")}
    assert any(y.startswith("year=20") for y in years)
    frame = pl.read_parquet(out, hive_partitioning=True)
    assert frame.height == count(warehouse, "facts")
    known = frame.filter(pl.col("area_code").is_not_null())
    assert (known["province"].cast(pl.String) == known["area_code"]).all()


def test_a_query_is_exported_and_a_writing_statement_refused(warehouse: Path, tmp_path: Path):
    out = tmp_path / "q.csv"
    sql = "SELECT indicator, count(*) AS n FROM facts GROUP BY indicator"
    result = chitieu("export", "--db", str(warehouse), "--query", sql, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert pl.read_csv(out).columns == ["indicator", "n"]
    refused = chitieu(
        "export", "--db", str(warehouse), "--query", "DELETE FROM loads", "--out", str(out)
    )
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "chitieu: error: the warehouse is opened read-only: DELETE statements are refused "
        "(queries never change it; `chitieu run` loads it)"
    ]
    assert count(warehouse, "loads") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "nope", "--out", "x.csv"], "no table or view 'nope' in the warehouse"),
        (["--out", "x.json"], "--format must be one of xlsx, csv, parquet"),
        (["--view", "facts", "--query", "SELECT 1", "--out", "x.csv"], "either --view or"),
    ],
)
def test_bad_export_arguments_are_one_line(warehouse: Path, tmp_path: Path, args, message):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    result = chitieu("export", "--db", str(warehouse), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_result_larger_than_a_sheet_is_refused_for_xlsx(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(export_module, "EXCEL_MAX_ROWS", 2)
    with pytest.raises(Exception, match="do not fit in an Excel sheet"):
        export(warehouse, tmp_path / "big.xlsx", ExportFormat.xlsx, batch_rows=1)
    assert not (tmp_path / "big.xlsx").exists()


def test_xlsx_cells_keep_the_types_of_a_query(warehouse: Path, tmp_path: Path):
    out = tmp_path / "types.xlsx"
    sql = (
        "SELECT [1, 2] AS parts, {'a': 1} AS pair, DATE '2024-01-02' AS day, "
        "1.25::DECIMAL(10, 2) AS amount, TIME '10:30:00' AS at, NULL AS nothing, "
        "'Lạng Sơn' AS name, true AS flag, 42 AS n"
    )
    result = chitieu("export", "--db", str(warehouse), "--query", sql, "--out", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:I2"
    cells = {c.value: v for c, v in zip(sheet[1], sheet[2], strict=True)}
    assert cells["parts"].value == "1; 2"
    assert cells["pair"].value == '{"a":1}'
    assert cells["day"].value == dt.datetime(2024, 1, 2)
    assert cells["day"].number_format == "dd/mm/yyyy"
    assert cells["amount"].value == 1.25 and cells["amount"].number_format == "#,##0.###"
    assert cells["at"].number_format == "hh:mm:ss"
    assert cells["nothing"].value is None
    assert cells["name"].value == "Lạng Sơn"
    assert cells["flag"].value is True
    assert cells["n"].value == 42 and cells["n"].number_format == "#,##0"


def test_a_column_type_no_file_format_holds_is_one_line_and_no_file(
    warehouse: Path, tmp_path: Path
):
    out = tmp_path / "interval.csv"
    result = chitieu(
        "export", "--db", str(warehouse), "--query", "SELECT INTERVAL 3 DAY AS wait",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "chitieu: error: cannot export column(s) wait (month_day_nano_interval): "
        "cast them in the query, e.g. CAST(x AS VARCHAR)"
    ]
    assert not out.exists()
