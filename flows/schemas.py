"""Validated frames: Pandera models for documents and observations, and the split
of a frame into the rows that pass and reject rows that say which check failed.

The gate before loading: only valid rows reach the warehouse; every failing
row is kept in `rejects` with its reason, so nothing is lost silently.
"""

from __future__ import annotations

import copy
import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import pandera.polars as pa
import polars as pl

from flows.frames import REJECT_SCHEMA, record_json
from flows.rules import value_bound_checks
from flows.settings import get_settings
from flows.timeframes import CHANGE_MEASURES as TIME_CHANGE_MEASURES

MEASURES = ("level", "change_pct", "change_abs", "change_pp", "plan_pct", "share_pct")
CHANGE_MEASURES = tuple(sorted(TIME_CHANGE_MEASURES))
PERIOD_PATTERN = (
    r"^\d{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$"
    r"|^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
    r"|^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"
)
"""A year, quarter, half, month, a day (a stock counted at a date) or a date interval."""
DOC_ID_PATTERN = r"^[0-9a-f]{16}$"
INDICATOR_PATTERN = r"^[a-z_]+\.[a-z_0-9]+$"
AREA_CODE_PATTERN = r"^\d{2}$"


def _reference_codes(folder: Path, filename: str) -> tuple[str, ...]:
    """The distinct `code` column of a reference CSV, read again when the file changes (a
    long-lived process validates with the catalogue it reads reports with)."""
    path = folder / filename
    stat = path.stat()
    return _codes_of_file(path, stat.st_mtime_ns, stat.st_size)


@cache
def _codes_of_file(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    with path.open(encoding="utf-8") as fh:
        return tuple(dict.fromkeys(row["code"] for row in csv.DictReader(fh)))


def unit_codes(reference_dir: Path | None = None) -> tuple[str, ...]:
    """The unit codes of `seeds/reference/units.csv`: the only units a fact may carry."""
    return _reference_codes(reference_dir or get_settings().reference_dir, "units.csv")


def indicator_codes(reference_dir: Path | None = None) -> tuple[str, ...]:
    """The indicator codes of `seeds/reference/indicators.csv` (the warehouse's `indicators`)."""
    return _reference_codes(reference_dir or get_settings().reference_dir, "indicators.csv")


def province_codes(reference_dir: Path | None = None) -> tuple[str, ...]:
    """The GSO codes of `seeds/reference/provinces.csv`, any vintage (`provinces`)."""
    return _reference_codes(reference_dir or get_settings().reference_dir, "provinces.csv")


class DocumentModel(pa.DataFrameModel):
    """A document version: a content id, where it came from, and its size."""

    doc_id: str = pa.Field(str_matches=DOC_ID_PATTERN)
    source: str = pa.Field(str_length={"min_value": 1})
    title: str = pa.Field(nullable=True)
    published: pl.Date = pa.Field(nullable=True)
    published_precision: str = pa.Field(nullable=True, isin=["day", "month"])
    url: str = pa.Field(nullable=True)
    province: str = pa.Field(nullable=True)
    format: str = pa.Field(str_length={"min_value": 1})
    encoding: str = pa.Field(nullable=True, str_length={"min_value": 1})
    content_hash: str = pa.Field(str_length={"min_value": 1})
    size_bytes: int = pa.Field(ge=0)
    n_chars: int = pa.Field(ge=0)
    n_sentences: int = pa.Field(ge=0)
    extractor_version: str = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


class ObservationModel(pa.DataFrameModel):
    """One fact as CONTRACT.md defines it, with the checks that make it trustworthy."""

    doc_id: str = pa.Field(str_matches=DOC_ID_PATTERN)
    source: str = pa.Field(str_length={"min_value": 1})
    indicator: str = pa.Field(nullable=True, str_matches=INDICATOR_PATTERN)
    subject: str
    measure: str = pa.Field(isin=MEASURES)
    value: float = pa.Field(nullable=True)
    value_low: float
    value_high: float
    unit: str
    period: str = pa.Field(nullable=True)
    base_period: str = pa.Field(nullable=True)
    area_code: str = pa.Field(nullable=True, str_matches=AREA_CODE_PATTERN)
    area: str
    approx: bool
    qualifier: str = pa.Field(nullable=True)
    text: str = pa.Field(str_length={"min_value": 1})
    start: int = pa.Field(ge=0)
    end: int = pa.Field(ge=1)

    class Config:
        strict = True

    @pa.check("unit", name="known_unit")
    def known_unit(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The unit is one of the catalogue's unit codes."""
        return data.lazyframe.select(pl.col(data.key).is_in(list(unit_codes())))

    @pa.check("indicator", name="known_indicator")
    def known_indicator(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The indicator, when there is one, is in the catalogue."""
        col = pl.col(data.key)
        return data.lazyframe.select(col.is_null() | col.is_in(list(indicator_codes())))

    @pa.check("area_code", name="known_area_code")
    def known_area_code(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The province code, when there is one, is a GSO code of the reference list."""
        col = pl.col(data.key)
        return data.lazyframe.select(col.is_null() | col.is_in(list(province_codes())))

    @pa.check("period", "base_period", name="period_format")
    def period_format(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A period as CONTRACT.md writes it: `2023`, `2023-Q3`, `2023-H1`, `2023-11`,
        `2023-11-30`, or an interval `2023-01-01/2023-09-30`."""
        col = pl.col(data.key)
        return data.lazyframe.select(col.is_null() | col.str.contains(PERIOD_PATTERN))

    @pa.dataframe_check(name="base_only_for_changes")
    def base_only_for_changes(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Only a change compares with a base period."""
        change = pl.col("measure").is_in(list(CHANGE_MEASURES))
        return data.lazyframe.select(pl.col("base_period").is_null() | change)

    @pa.dataframe_check(name="finite_values")
    def finite_values(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Values are finite numbers (no NaN, no infinity)."""
        cols = [pl.col(c) for c in ("value_low", "value_high")]
        finite = pl.all_horizontal([c.is_finite() for c in cols])
        value_ok = pl.col("value").is_null() | pl.col("value").is_finite()
        return data.lazyframe.select(finite & value_ok)

    @pa.dataframe_check(name="bounds_ordered")
    def bounds_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """value_low <= value_high; a point value equals both bounds."""
        ordered = pl.col("value_low") <= pl.col("value_high")
        point = pl.col("value").is_null() | (
            (pl.col("value") == pl.col("value_low")) & (pl.col("value") == pl.col("value_high"))
        )
        return data.lazyframe.select(ordered & point)

    @pa.dataframe_check(name="span_ordered")
    def span_ordered(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The number's span is non-empty."""
        return data.lazyframe.select(pl.col("start") < pl.col("end"))

    @pa.dataframe_check(name="percent_measure_in_percent")
    def percent_measure_in_percent(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """change_pct, change_pp, plan_pct and share_pct are percentages."""
        pct = pl.col("measure").is_in(["change_pct", "change_pp", "plan_pct", "share_pct"])
        return data.lazyframe.select(~pct | (pl.col("unit") == "percent"))


def observation_schema() -> pa.DataFrameSchema:
    """`ObservationModel` with one check per value rule of `flows.rules` (the rules the
    warehouse check `percent_in_range` applies, from the same definition)."""
    schema = copy.deepcopy(ObservationModel.to_schema())
    schema.checks = [*schema.checks, *value_bound_checks()]
    return schema


def validate_documents(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The documents that pass `DocumentModel`, and a reject row for each that does not."""
    return _split(frame, DocumentModel, stage="validate_document")


def validate_observations(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The observations that pass `ObservationModel`, and a reject row for each that does not."""
    return _split(frame, observation_schema(), stage="validate_observation")


def _split(
    frame: pl.DataFrame, model: type[pa.DataFrameModel] | pa.DataFrameSchema, stage: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate lazily (all failures at once) and split the frame by failing row index."""
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return frame, pl.DataFrame(schema=REJECT_SCHEMA)

    reasons: dict[int, list[str]] = defaultdict(list)
    checks: dict[int, list[str]] = defaultdict(list)
    frame_level: list[tuple[str, str]] = []
    for row in cases.iter_rows(named=True):
        check = str(row["check"])
        if row["schema_context"] == "Column":
            what = f"{row['column']}: {check}"
            detail = f"{what} (got {row['failure_case']!s:.80})"
        else:
            what = detail = check
        if row["index"] is None:
            frame_level.append((what, f"{what}: {row['failure_case']!s:.80}"))
            continue
        idx = int(row["index"])
        if what not in checks[idx]:
            checks[idx].append(what)
            reasons[idx].append(detail)

    if frame_level:  # the frame's shape itself is wrong: no row can be trusted
        bad = set(range(frame.height))
        for idx in bad:
            reasons[idx] = [d for _, d in frame_level] + reasons.get(idx, [])
            checks[idx] = [w for w, _ in frame_level] + checks.get(idx, [])
    else:
        bad = set(reasons)

    rows = frame.with_row_index("_i").filter(pl.col("_i").is_in(sorted(bad)))
    rejects = [
        {
            "source": r.get("source"),
            "doc_id": r.get("doc_id"),
            "stage": stage,
            "check": "; ".join(checks[r["_i"]]),
            "reason": "; ".join(reasons[r["_i"]]),
            "record": record_json({k: v for k, v in r.items() if k != "_i"}),
        }
        for r in rows.iter_rows(named=True)
    ]
    valid = frame.with_row_index("_i").filter(~pl.col("_i").is_in(sorted(bad))).drop("_i")
    return valid, pl.DataFrame(rejects, schema=REJECT_SCHEMA)


def validate_run(
    documents: pl.DataFrame, observations: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A run's valid documents, its valid observations (none of a rejected document), and
    the rejects of both."""
    docs, doc_rejects = validate_documents(documents)
    bad_docs = doc_rejects["doc_id"].drop_nulls().unique().to_list()
    obs, obs_rejects = validate_observations(observations.filter(~pl.col("doc_id").is_in(bad_docs)))
    return docs, obs, pl.concat([doc_rejects, obs_rejects])
