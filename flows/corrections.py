"""Corrections and retractions: people fixing what the extractor read, versioned like any load.

`correct` closes a fact's current version and opens a corrected one (same
`fact_key`, `correction_id` set); `retract` closes every current fact of a
source. Each is one transaction with its own `loads` row (kind `correction` or
`retraction`) and a `corrections` row saying who, when and why. Nothing is
deleted. How a later run treats them is in `sql/load/apply_corrections.sql`.
Plain functions, no Prefect.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flows import __version__
from flows.observations import EXTRACTOR_VERSION
from flows.warehouse import WarehouseError, run_step, transaction

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True, slots=True)
class Applied:
    """What a correction or retraction wrote."""

    correction_id: int
    load_id: int
    closed: int
    inserted: int


def default_author() -> str:
    """Who is making the change: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def correct(
    db_path: Path,
    fact_key: str,
    *,
    reason: str,
    value: float | None = None,
    period: str | None = None,
    area_code: str | None = None,
    indicator: str | None = None,
    author: str | None = None,
    lock_timeout_s: float = 30.0,
) -> Applied:
    """Correct one fact's value, period, area_code and/or indicator (None = unchanged).

    Raises `WarehouseError` (nothing written) when the fact has no current version, a
    code is not in the reference data, the period cannot be read, or nothing would change.
    """
    _check_reason(reason)
    if value is None and period is None and area_code is None and indicator is None:
        raise WarehouseError(
            "nothing to correct: give --value, --period, --area-code or --indicator"
        )
    if not db_path.exists():
        raise WarehouseError(f"no warehouse at {db_path} (run `chitieu run` to create it)")
    started_at = datetime.now(UTC)
    with transaction(db_path, lock_timeout_s=lock_timeout_s) as con:
        if not run_step(con, "load", "correction_current_fact", fact_key=fact_key):
            raise WarehouseError(f"no current fact with key {fact_key} (see `chitieu history`)")
        problems = run_step(
            con,
            "load",
            "correction_check_values",
            period=period,
            area_code=area_code,
            indicator=indicator,
        )
        if problems:
            raise WarehouseError("; ".join(problem for (problem,) in problems))
        [(load_id, loaded_at)] = run_step(con, "load", "next_load")
        [(correction_id,)] = run_step(con, "load", "correction_next_correction")
        run_step(
            con,
            "load",
            "correction_insert_correction",
            correction_id=correction_id,
            fact_key=fact_key,
            value=value,
            period=period,
            area_code=area_code,
            indicator=indicator,
            reason=reason.strip(),
            author=(author or default_author()).strip(),
            created_at=started_at,
            load_id=load_id,
        )
        [(inserted,)] = run_step(
            con,
            "load",
            "correction_open_corrected",
            fact_key=fact_key,
            correction_id=correction_id,
            loaded_at=loaded_at,
            load_id=load_id,
        )
        if not inserted:
            raise WarehouseError(f"nothing to correct: fact {fact_key} already states these values")
        [(closed,)] = run_step(
            con, "load", "correction_close_corrected", fact_key=fact_key, loaded_at=loaded_at,
            load_id=load_id,
        )  # fmt: skip
        _audit(con, "correction", load_id, loaded_at, started_at, inserted=1, closed=closed)
    return Applied(correction_id, load_id, closed, inserted)


def retract(
    db_path: Path,
    source: str,
    *,
    reason: str,
    author: str | None = None,
    lock_timeout_s: float = 30.0,
) -> Applied:
    """Close every current fact of a source, with the reason; later runs over the same
    unchanged report do not reopen them. Raises `WarehouseError` when the source has no
    current facts or is already retracted (nothing written)."""
    _check_reason(reason)
    if not db_path.exists():
        raise WarehouseError(f"no warehouse at {db_path} (run `chitieu run` to create it)")
    started_at = datetime.now(UTC)
    with transaction(db_path, lock_timeout_s=lock_timeout_s) as con:
        [(n_current, retracted)] = run_step(con, "load", "correction_source_state", source=source)
        if retracted:
            raise WarehouseError(f"{source} is already retracted (correction {retracted})")
        if not n_current:
            raise WarehouseError(
                f"no current facts of source {source} (sources are listed by "
                '`chitieu query "SELECT DISTINCT source FROM observations_current"`)'
            )
        [(load_id, loaded_at)] = run_step(con, "load", "next_load")
        [(correction_id,)] = run_step(con, "load", "correction_next_correction")
        run_step(
            con,
            "load",
            "correction_insert_retraction",
            correction_id=correction_id,
            source=source,
            reason=reason.strip(),
            author=(author or default_author()).strip(),
            created_at=started_at,
            load_id=load_id,
        )
        [(closed,)] = run_step(
            con, "load", "correction_close_source", source=source, loaded_at=loaded_at,
            load_id=load_id,
        )  # fmt: skip
        _audit(con, "retraction", load_id, loaded_at, started_at, inserted=0, closed=closed)
    return Applied(correction_id, load_id, closed, 0)


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise WarehouseError('a reason is required (--reason "...")')


def _audit(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    load_id: int,
    loaded_at: datetime,
    started_at: datetime,
    *,
    inserted: int,
    closed: int,
) -> None:
    """The `loads` row of a correction or retraction."""
    run_step(
        con,
        "load",
        "correction_load",
        load_id=load_id,
        loaded_at=loaded_at,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        inserted=inserted,
        closed=closed,
        code_version=__version__,
        extractor_version=EXTRACTOR_VERSION,
        kind=kind,
    )
