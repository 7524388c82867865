"""Value rules shared by validation and the warehouse checks, defined once in SQL.

The bounds a fact's value keeps (a share within 0-100 %, no fall of more than 100 %...)
are the rows of the `value_bounds` view, `sql/views/02_value_bounds.sql`. The warehouse
check `sql/checks/percent_in_range.sql` joins that view; validation reads the same file
through an in-memory DuckDB and turns each row into a Pandera check, so a fact the
warehouse check would flag is rejected, with the rule as its reason, before it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb
import pandera.polars as pa
import polars as pl

from flows.settings import get_settings


@dataclass(frozen=True, slots=True)
class ValueBound:
    """One rule: facts of `measure` (and `unit`, when given) keep their value in [low, high]."""

    measure: str
    unit: str | None
    low: float | None
    high: float | None
    rule: str

    def applies(self) -> pl.Expr:
        """Which rows the rule is about."""
        applies = pl.col("measure") == self.measure
        if self.unit is not None:
            applies = applies & (pl.col("unit") == self.unit)
        return applies.fill_null(False)

    def holds(self) -> pl.Expr:
        """Rows the rule is not about, or whose bounds stay inside it."""
        inside = pl.lit(True)
        if self.low is not None:
            inside = inside & (pl.col("value_low") >= self.low)
        if self.high is not None:
            inside = inside & (pl.col("value_high") <= self.high)
        return ~self.applies() | inside.fill_null(False)

    @property
    def name(self) -> str:
        """The check's name, as a reject's reason shows it."""
        what = self.measure if self.unit is None else f"{self.measure} in {self.unit}"
        limits = " and ".join(
            part
            for part in (
                f">= {self.low:g}" if self.low is not None else "",
                f"<= {self.high:g}" if self.high is not None else "",
            )
            if part
        )
        return f"value_bounds: {what} {limits} ({self.rule})"

    def check(self) -> pa.Check:
        """The rule as a Pandera check over a Polars frame."""
        holds = self.holds()
        return pa.Check(lambda data: data.lazyframe.select(holds), name=self.name)


@cache
def value_bounds() -> tuple[ValueBound, ...]:
    """The rows of the `value_bounds` view, read from its SQL file (the one definition)."""
    sql_dir = get_settings().sql_dir
    con = duckdb.connect()
    try:
        con.execute((sql_dir / "views" / "02_value_bounds.sql").read_text(encoding="utf-8"))
        rows = con.execute(
            (sql_dir / "read" / "value_bounds.sql").read_text(encoding="utf-8")
        ).fetchall()
    finally:
        con.close()
    return tuple(ValueBound(*row) for row in rows)


def value_bound_checks() -> list[pa.Check]:
    """One Pandera check per value rule."""
    return [bound.check() for bound in value_bounds()]
