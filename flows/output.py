"""Rows as the command line prints them: JSON lines, CSV or a table, streamed.

Rows arrive in batches and are written as they come (csv, jsonl), so a query of ten
million rows never sits in memory; a table, which must measure its columns first,
shows at most `limit` rows and says so. Values print as people write them: a whole
number without `.0`, a time in the local zone with its offset.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

TABLE_LIMIT = 1000
"""Rows a table shows unless `--limit` says otherwise."""
_EXACT_INTEGERS = 2**53
"""Whole floats below this print as integers: every one of them is exact."""


def plain(value: Any) -> Any:
    """A value for JSON: a whole float as an int, a time in local time, a date as ISO text."""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
            return int(value)
        return value
    if isinstance(value, Decimal):
        return plain(float(value)) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def local_time(value: datetime) -> str:
    """A timestamp in the local time zone with its offset (`2026-01-15 06:00:03+07:00`); one
    without a zone as it is."""
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.isoformat(sep=" ", timespec="seconds")


def cell(value: Any) -> str:
    """A value as text for CSV and tables: empty for null, no float noise."""
    if value is None:
        return ""
    value = plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def write_rows(
    columns: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    fmt: str,
    *,
    limit: int | None = None,
    out: TextIO | None = None,
    width: int | None = None,
) -> tuple[int, bool]:
    """Write the rows of `batches` in `fmt` (jsonl, csv, table); at most `limit` rows
    (None: all). Returns the rows written and whether more were left unshown."""
    out = out or sys.stdout
    written = 0
    more = False
    kept: list[list[str]] = []
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(columns)
    for batch in batches:
        if limit is not None and written + len(batch) > limit:
            batch = batch[: limit - written]
            more = True
        if fmt == "jsonl":
            out.writelines(
                json.dumps(
                    {c: plain(v) for c, v in zip(columns, row, strict=True)},
                    ensure_ascii=False,
                    default=str,
                )
                + "\n"
                for row in batch
            )
        elif writer is not None:
            writer.writerows([cell(v) for v in row] for row in batch)
        else:
            kept.extend([cell(v) for v in row] for row in batch)
        written += len(batch)
        if more:
            break
    if fmt not in ("jsonl", "csv"):
        _table(columns, kept, out, width)
    out.flush()
    return written, more


def _table(columns: Sequence[str], rows: list[list[str]], out: TextIO, width: int | None) -> None:
    """A boxed table (rich) of rows already turned into text."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*row)
    Console(file=out, width=width or max(120, len(columns) * 14)).print(table)
