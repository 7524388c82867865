"""Export a view or a query of the warehouse to a file an analyst hands on: xlsx, csv, Parquet.

The warehouse is read read-only, in Arrow record batches (`warehouse.read_batches`), so a
large result is written batch by batch where the format allows: CSV (with a UTF-8
byte-order mark by default, so that Excel shows Vietnamese text correctly) and Parquet
(a folder partitioned by province and year, hive style: `province=20/year=2022/`), and
an xlsx workbook too, row by row in xlsxwriter's constant-memory mode (Excel holds at most
1,048,576 rows): typed cells, number and date formats, a frozen header row with a filter.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads

from flows.settings import get_settings
from flows.warehouse import WarehouseError, query, read_batches

EXCEL_MAX_ROWS = 1_048_575
"""Rows an Excel sheet holds below its header."""
EXCEL_TIMEZONE = "Asia/Ho_Chi_Minh"
"""Excel has no time zones: version times are written as Vietnam local time."""
BOM = b"\xef\xbb\xbf"


class ExportFormat(StrEnum):
    """File formats of `chitieu export`."""

    xlsx = "xlsx"
    csv = "csv"
    parquet = "parquet"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int
    seconds: float
    partitioned_by: tuple[str, ...] = ()


def _sql(name: str) -> str:
    return (get_settings().sql_dir / "export" / f"{name}.sql").read_text(encoding="utf-8")


def relations(db_path: Path, lock_timeout_s: float) -> list[str]:
    """The tables and views of the warehouse an export may name."""
    _, rows = query(db_path, _sql("relations"), lock_timeout_s=lock_timeout_s)
    return [r[0] for r in rows]


def _columns(db_path: Path, sql: str, lock_timeout_s: float) -> list[str]:
    """The column names a statement returns (it is described, not run)."""
    _, rows = query(db_path, _sql("columns"), {"sql": sql}, lock_timeout_s=lock_timeout_s)
    return [r[0] for r in rows]


def source_sql(db_path: Path, view: str | None, sql: str | None, lock_timeout_s: float) -> str:
    """The SELECT to export: a named table or view (checked against the warehouse), or
    the user's own query."""
    if sql is not None:
        return sql
    name = view or "facts"
    known = relations(db_path, lock_timeout_s)
    if name not in known:
        raise WarehouseError(
            f"no table or view {name!r} in the warehouse (one of: {', '.join(known)})"
        )
    # a name of the warehouse's own list, quoted as an identifier (names cannot be bound)
    return 'SELECT * FROM "{}"'.format(name.replace('"', '""'))


def export(
    db_path: Path,
    out: Path,
    fmt: ExportFormat,
    *,
    view: str | None = None,
    sql: str | None = None,
    bom: bool = True,
    batch_rows: int = 100_000,
    lock_timeout_s: float | None = None,
) -> ExportResult:
    """Write the rows of `view` (default `facts`) or of the query `sql` to `out`."""
    started = time.perf_counter()
    timeout = get_settings().lock_timeout_s if lock_timeout_s is None else lock_timeout_s
    statement = source_sql(db_path, view, sql, timeout)
    if fmt is ExportFormat.parquet:
        return _parquet(db_path, statement, out, batch_rows, timeout, started)
    batches = read_batches(db_path, statement, batch_rows=batch_rows, lock_timeout_s=timeout)
    rows = _csv(batches, out, bom) if fmt is ExportFormat.csv else _xlsx(batches, out)
    return ExportResult(out, rows, time.perf_counter() - started)


def _frame(batch: pa.RecordBatch) -> pl.DataFrame:
    """A batch as a Polars frame; a column type Polars cannot take (INTERVAL) is one line."""
    try:
        return pl.DataFrame(pl.from_arrow(batch))
    except pl.exceptions.PolarsError:
        odd = [f"{f.name} ({f.type})" for f in batch.schema if pa.types.is_interval(f.type)]
        raise WarehouseError(
            f"cannot export column(s) {', '.join(odd) or 'of this result'}: "
            "cast them in the query, e.g. CAST(x AS VARCHAR)"
        ) from None


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists as text (`a; b`) and structs as JSON, for formats without nested values."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List | pl.Array)]
    structs = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Struct)]
    if not lists and not structs:
        return frame
    return frame.with_columns(
        *(pl.col(name).cast(pl.List(pl.String)).list.join("; ") for name in lists),
        *(pl.col(name).struct.json_encode() for name in structs),
    )


def _csv(batches: Iterator[pa.RecordBatch], out: Path, bom: bool) -> int:
    """CSV, batch by batch; the header (and byte-order mark) once, first. A failure leaves
    no partial file."""
    rows = 0
    first = True
    try:
        with out.open("wb") as f:
            if bom:
                f.write(BOM)
            for batch in batches:
                frame = _flat(_frame(batch))
                frame.write_csv(f, include_header=first)
                rows += frame.height
                first = False
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return rows


def _for_excel(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns Excel can hold: lists as text, times with a zone as Vietnam local time."""
    zoned = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    ]
    frame = _flat(frame)
    if zoned:
        frame = frame.with_columns(
            pl.col(name).dt.convert_time_zone(EXCEL_TIMEZONE).dt.replace_time_zone(None)
            for name in zoned
        )
    return frame


_EXCEL_FORMATS: tuple[tuple[tuple[type[pl.DataType], ...], str], ...] = (
    ((pl.Float32, pl.Float64, pl.Decimal), "#,##0.###"),
    ((pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64), "#,##0"),
    ((pl.Date,), "dd/mm/yyyy"),
    ((pl.Datetime,), "dd/mm/yyyy hh:mm:ss"),
    ((pl.Time,), "hh:mm:ss"),
)
"""Number formats by column type (Excel shows them with the reader's own separators)."""


def _xlsx(batches: Iterator[pa.RecordBatch], out: Path) -> int:
    """One sheet: typed cells, number and date formats, a frozen header row with a filter.

    Written row by row in xlsxwriter's constant-memory mode, so memory stays flat however
    many rows there are (up to the sheet's limit)."""
    from xlsxwriter import Workbook

    book = Workbook(
        str(out),
        {"constant_memory": True, "strings_to_formulas": False, "nan_inf_to_errors": True},
    )
    sheet = book.add_worksheet("chitieu")
    header = book.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
    rows = 0
    columns: list[str] = []
    try:
        for batch in batches:
            frame = _for_excel(_frame(batch))
            if not columns:
                columns = frame.columns
                formats = [_excel_format(book, dtype) for dtype in frame.dtypes]
                for c, name in enumerate(columns):
                    sheet.set_column(c, c, 16, formats[c])
                    sheet.write_string(0, c, name, header)
            if rows + frame.height > EXCEL_MAX_ROWS:
                raise WarehouseError(
                    f"{rows + frame.height:,}+ rows do not fit in an Excel sheet "
                    f"(at most {EXCEL_MAX_ROWS:,}); export as csv or parquet, or narrow the query"
                )
            write = sheet.write
            for values in frame.iter_rows():
                rows += 1
                for c, value in enumerate(values):
                    if value is not None:
                        write(rows, c, value, formats[c])
        if not columns:
            raise WarehouseError("the query returned no columns to export")
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, rows, len(columns) - 1)
        book.close()
    except BaseException:
        with contextlib.suppress(Exception):
            book.close()
        out.unlink(missing_ok=True)
        raise
    return rows


def _excel_format(book: Any, dtype: pl.DataType) -> Any:
    """The cell format of a column type, None for text and booleans."""
    for kinds, number_format in _EXCEL_FORMATS:
        if isinstance(dtype, kinds):
            return book.add_format({"num_format": number_format})
    return None


def _partition_sql(columns: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The statement adding partition keys, and the keys, for rows with these columns."""
    if "area_code" in columns and "period" in columns:
        clash = {"province", "year"} & set(columns)
        if clash:
            raise WarehouseError(
                f"cannot partition: the result already has column(s) {sorted(clash)}; "
                "rename them in the query"
            )
        return _sql("partition_area_period"), ("province", "year")
    if "province" in columns and "published" in columns and "year" not in columns:
        return _sql("partition_province_published"), ("province", "year")
    return None


def _parquet(
    db_path: Path, statement: str, out: Path, batch_rows: int, timeout: float, started: float
) -> ExportResult:
    """A folder of Parquet files, partitioned by province and year where the rows have them
    (hive style, so DuckDB, Polars, Spark and pandas read the keys back as columns)."""
    columns = _columns(db_path, statement, timeout)
    partition = _partition_sql(columns)
    if partition is None:
        sql, params, keys = statement, None, ()
    else:
        sql, params, keys = partition[0], {"sql": statement}, partition[1]
    if out.exists():
        if not out.is_dir() or any(out.iterdir()):
            raise WarehouseError(f"{out}: already exists and is not an empty folder")
        out.rmdir()
    batches = read_batches(db_path, sql, params, batch_rows=batch_rows, lock_timeout_s=timeout)
    first = next(batches, None)
    rows = 0

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        for batch in [first] if first is not None else []:
            rows += batch.num_rows
            yield batch
        for batch in batches:
            rows += batch.num_rows
            yield batch

    if first is None:
        out.mkdir(parents=True)
        return ExportResult(out, 0, time.perf_counter() - started, keys)
    try:
        pads.write_dataset(
            counted(),
            out,
            schema=first.schema,
            format="parquet",
            partitioning=list(keys) or None,
            partitioning_flavor="hive" if keys else None,
            basename_template="part-{i}.parquet",
            existing_data_behavior="error",
        )
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return ExportResult(out, rows, time.perf_counter() - started, keys)
