"""The warehouse: versioned facts, documents, rejects and loads in one DuckDB file.

`load` writes a run's frames in one transaction (migrations, reference data,
SCD2 versioning, the audit row); `known_inputs`, `query`, `history` and
`run_checks` read it. The SQL lives in `sql/`; this module only sequences it.
Plain functions, no Prefect: the flow module calls them.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from flows.frames import DOCUMENT_SCHEMA, OBSERVATION_SCHEMA, REJECT_SCHEMA
from flows.settings import get_settings

STORAGE_VERSION = "v1.5.0"
"""Storage format of new files: readable by the DuckDB 1.5 shell (duckdb-cli on PyPI)."""

REFERENCE_TABLES: tuple[tuple[str, str], ...] = (
    ("reference_provinces", "provinces.csv"),
    ("reference_province_mapping", "province_mapping.csv"),
    ("reference_indicators", "indicators.csv"),
    ("reference_units", "units.csv"),
)
"""Loader step and the seeds/reference/ file it mirrors into the warehouse."""

_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")
_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")
_LOCK_PID = re.compile(r"\(PID (\d+)\)")
_READ_ONLY = re.compile(r'statement of type "(\w+)".*read-only', re.IGNORECASE)


class WarehouseError(Exception):
    """A warehouse operation failed; the message is one line meant for the user."""


class WarehouseLocked(WarehouseError):
    """Another process held the warehouse file for longer than the lock timeout."""

    def __init__(self, db_path: Path, waited_s: float, pid: str | None) -> None:
        holder = f"another process (PID {pid})" if pid else "another process"
        super().__init__(
            f"the warehouse {db_path} is locked by {holder}; gave up after {waited_s:.1f} s "
            "(wait for that run to finish, or raise CHITIEU_LOCK_TIMEOUT)"
        )
        self.db_path = db_path
        self.pid = pid


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one load did, as also recorded in its `loads` row."""

    load_id: int
    inserted: int
    closed: int
    unchanged: int
    rejected: int
    documents: int
    files: int
    loaded_at: datetime


def _sql_dir() -> Path:
    return get_settings().sql_dir


def _one_line(exc: BaseException) -> str:
    """The first line of an error message, for errors shown to users."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _statements(text: str) -> list[str]:
    """The statements of a SQL file (split on `;` at a line end), comment-only chunks dropped."""
    out = []
    for chunk in _STATEMENT_END.split(text):
        code = "\n".join(
            line for line in chunk.splitlines() if not line.lstrip().startswith("--")
        ).strip()
        if code:
            out.append(chunk.strip())
    return out


def _run_sql(
    con: duckdb.DuckDBPyConnection, path: Path, params: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run every statement of a SQL file with the bound parameters it names; the last result."""
    params = params or {}
    rows: list[tuple[Any, ...]] = []
    for statement in _statements(path.read_text(encoding="utf-8")):
        names = set(_PARAMETER.findall(statement))
        missing = names - params.keys()
        if missing:
            raise WarehouseError(f"{path.name}: no value for parameter(s) {sorted(missing)}")
        cursor = con.execute(statement, {n: params[n] for n in names} if names else None)
        rows = cursor.fetchall() if cursor.description else []
    return rows


def _step(con: duckdb.DuckDBPyConnection, step: str, /, **params: Any) -> list[tuple[Any, ...]]:
    """Run the loader step `sql/load/<step>.sql`."""
    return _run_sql(con, _sql_dir() / "load" / f"{step}.sql", params)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo the open transaction; a connection already broken has nothing left to undo."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _connect(db_path: Path, *, read_only: bool, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting with exponential backoff while another process holds its lock.

    DuckDB refuses at once when another process holds the file; waiting is ours.
    """
    started = time.monotonic()
    delay = 0.05
    while True:
        try:
            if read_only:
                # readers neither write the file nor reach files or the network (COPY, INSTALL)
                return duckdb.connect(
                    str(db_path), read_only=True, config={"enable_external_access": False}
                )
            return duckdb.connect(
                str(db_path), config={"storage_compatibility_version": STORAGE_VERSION}
            )
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" not in message.lower():
                raise WarehouseError(
                    f"cannot open the warehouse {db_path}: {_one_line(exc)}"
                ) from None
            waited = time.monotonic() - started
            if waited >= lock_timeout_s:
                pid = _LOCK_PID.search(message)
                raise WarehouseLocked(db_path, waited, pid.group(1) if pid else None) from None
            time.sleep(min(delay, max(lock_timeout_s - waited, 0.0)))
            delay = min(delay * 2, 2.0)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open the warehouse {db_path}: {_one_line(exc)}") from None


def _connect_reader(db_path: Path, lock_timeout_s: float) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a clear error when there is no warehouse yet."""
    if not db_path.exists():
        raise WarehouseError(f"no warehouse at {db_path} (run `chitieu run` to create it)")
    return _connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s)


def _migrations(sql_dir: Path) -> list[tuple[int, Path]]:
    """The numbered migrations `sql/migrations/NNN_*.sql`, in order."""
    found = []
    for path in sorted((sql_dir / "migrations").glob("[0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:3]), path))
    return found


def _migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the pending migrations and (re)create views and macros; the versions applied."""
    sql_dir = _sql_dir()
    applied: set[int] = set()
    if _step(con, "has_table", name="schema_migrations")[0][0]:
        applied = {row[0] for row in _step(con, "applied_migrations")}
    done = []
    for version, path in _migrations(sql_dir):
        if version in applied:
            continue
        try:
            _run_sql(con, path)
        except duckdb.Error as exc:
            raise WarehouseError(f"migration {path.name} failed: {_one_line(exc)}") from None
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        _step(con, "record_migration", version=version, name=path.stem, checksum=checksum)
        done.append(version)
    for path in sorted((sql_dir / "views").glob("*.sql")):
        _run_sql(con, path)
    return done


def _arrow(frame: pl.DataFrame, schema: Mapping[str, pl.DataType], name: str) -> pa.Table:
    """The frame's contract columns, typed, as Arrow (DuckDB reads Polars through Arrow)."""
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise WarehouseError(f"the {name} frame lacks column(s) {', '.join(missing)}")
    return frame.select(list(schema)).cast(dict(schema)).to_arrow()


def migrate(db_path: Path, *, lock_timeout_s: float = 30.0) -> list[int]:
    """Bring a warehouse file (new or made by an older chitieu) to the current schema.

    Returns the migration versions applied. `load` does the same inside its transaction.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(db_path, read_only=False, lock_timeout_s=lock_timeout_s)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            done = _migrate(con)
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return done
    except duckdb.Error as exc:
        raise WarehouseError(f"migrating {db_path} failed: {_one_line(exc)}") from None
    finally:
        con.close()


def load(
    db_path: Path,
    documents: pl.DataFrame,
    observations: pl.DataFrame,
    rejects: pl.DataFrame,
    *,
    sources: Sequence[str],
    full: bool = False,
    code_version: str,
    extractor_version: str,
    flow_run_id: str | None = None,
    started_at: datetime | None = None,
    lock_timeout_s: float = 30.0,
    reference_dir: Path | None = None,
) -> LoadResult:
    """Version one run's documents and facts into the warehouse, in one transaction.

    `sources` lists every source the run read, including those skipped as unchanged:
    a source with a document in `documents` has its facts replaced by this load's
    (changed ones versioned, missing ones closed); a read source without a document
    keeps its facts. With `full`, facts of sources not read at all are closed too.
    Nothing is deleted. A failure rolls everything back and raises `WarehouseError`.
    """
    if full and not sources and documents.height == 0:
        raise WarehouseError(
            "refusing a full snapshot that read no files: it would close every fact "
            "(check the input path)"
        )
    started_at = started_at or datetime.now(UTC)
    reference_dir = reference_dir or get_settings().reference_dir
    inputs = {
        "input_documents": _arrow(documents, DOCUMENT_SCHEMA, "documents"),
        "input_observations": _arrow(observations, OBSERVATION_SCHEMA, "observations"),
        "input_rejects": _arrow(rejects, REJECT_SCHEMA, "rejects"),
        "input_sources": pa.table({"source": pa.array(list(sources), pa.string())}),
    }
    for _, filename in REFERENCE_TABLES:
        if not (reference_dir / filename).is_file():
            raise WarehouseError(f"reference file {reference_dir / filename} is missing")

    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(db_path, read_only=False, lock_timeout_s=lock_timeout_s)
    try:
        for name, table in inputs.items():
            con.register(name, table)
        con.execute("BEGIN TRANSACTION")
        try:
            result = _load_in_transaction(
                con,
                reference_dir=reference_dir,
                full=full,
                started_at=started_at,
                code_version=code_version,
                extractor_version=extractor_version,
                flow_run_id=flow_run_id,
                n_documents=documents.height,
            )
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return result
    except duckdb.Error as exc:
        raise WarehouseError(
            f"loading into {db_path} failed, nothing was written: {_one_line(exc)}"
        ) from None
    finally:
        con.close()


def _load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    *,
    reference_dir: Path,
    full: bool,
    started_at: datetime,
    code_version: str,
    extractor_version: str,
    flow_run_id: str | None,
    n_documents: int,
) -> LoadResult:
    """The body of `load`, run inside its transaction."""
    _migrate(con)
    for step, filename in REFERENCE_TABLES:
        _step(con, step, path=str(reference_dir / filename))
    problems = _step(con, "input_problems")
    if problems:
        raise WarehouseError(
            "refusing the load: " + "; ".join(f"{n} {problem}" for problem, n in problems)
        )
    [(load_id, loaded_at)] = _step(con, "next_load")
    ids = {"load_id": load_id, "loaded_at": loaded_at}
    _step(con, "stage")
    _step(con, "close_documents", **ids)
    _step(con, "insert_documents", **ids)
    [(closed,)] = _step(con, "close_observations", **ids)
    [(inserted,)] = _step(con, "insert_observations", **ids)
    if full:
        [(closed_absent,)] = _step(con, "close_absent", **ids)
        closed += closed_absent
    [(rejected,)] = _step(con, "insert_rejects", load_id=load_id)
    [(unchanged,)] = _step(con, "count_unchanged", load_id=load_id)
    [(files,)] = _step(con, "count_read_sources")
    _step(
        con,
        "insert_load",
        **ids,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        full_snapshot=full,
        documents=n_documents,
        inserted=inserted,
        closed=closed,
        unchanged=unchanged,
        rejected=rejected,
        code_version=code_version,
        extractor_version=extractor_version,
        flow_run_id=flow_run_id,
    )
    return LoadResult(
        load_id=load_id,
        inserted=inserted,
        closed=closed,
        unchanged=unchanged,
        rejected=rejected,
        documents=n_documents,
        files=files,
        loaded_at=loaded_at,
    )


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to an open file, 0 for a file chitieu never wrote."""
    if not _step(con, "has_table", name="schema_migrations")[0][0]:
        return 0
    return _run_sql(con, _sql_dir() / "read" / "schema_version.sql")[0][0] or 0


def known_inputs(db_path: Path, *, lock_timeout_s: float = 30.0) -> dict[str, tuple[str, str]]:
    """source -> (content_hash, extractor_version) of the document currently loaded for it.

    Lets a run skip files it has already loaded with the same extractor. Empty when
    the file does not exist yet or has not been migrated to the current schema.
    """
    if not db_path.exists():
        return {}
    con = _connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s)
    try:
        if _schema_version(con) < _migrations(_sql_dir())[-1][0]:
            return {}
        rows = _run_sql(con, _sql_dir() / "read" / "known_inputs.sql")
        return {source: (content_hash, version) for source, content_hash, version in rows}
    except duckdb.Error as exc:
        raise WarehouseError(f"reading {db_path} failed: {_one_line(exc)}") from None
    finally:
        con.close()


def query(
    db_path: Path,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    lock_timeout_s: float = 30.0,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one SQL statement, run on the warehouse opened read-only."""
    if not sql.strip():
        raise WarehouseError("no SQL statement given")
    con = _connect_reader(db_path, lock_timeout_s)
    try:
        cursor = con.execute(sql, params)
        if cursor is None or cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        refused = _READ_ONLY.search(str(exc))
        if refused:
            raise WarehouseError(
                f"the warehouse is opened read-only: {refused.group(1)} statements are refused "
                "(queries never change it; `chitieu run` loads it)"
            ) from None
        raise WarehouseError(f"query failed: {_one_line(exc)}") from None
    finally:
        con.close()


def history(
    db_path: Path,
    source: str | None = None,
    indicator: str | None = None,
    *,
    lock_timeout_s: float = 30.0,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every version of the facts of a source and/or indicator, oldest first per fact."""
    sql = (_sql_dir() / "read" / "history.sql").read_text(encoding="utf-8")
    return query(
        db_path, sql, {"source": source, "indicator": indicator}, lock_timeout_s=lock_timeout_s
    )


def run_checks(db_path: Path, *, lock_timeout_s: float = 30.0) -> dict[str, list[tuple[Any, ...]]]:
    """The rows breaking each rule of `sql/checks/*.sql`, by check name (empty when all hold)."""
    con = _connect_reader(db_path, lock_timeout_s)
    try:
        return {
            path.stem: _run_sql(con, path) for path in sorted((_sql_dir() / "checks").glob("*.sql"))
        }
    except duckdb.Error as exc:
        raise WarehouseError(f"running the checks on {db_path} failed: {_one_line(exc)}") from None
    finally:
        con.close()


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bar on the terminal from long reads (a connection whose configuration is
    locked keeps its own setting)."""
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")


def read_frames(
    db_path: Path,
    statements: Mapping[str, str],
    params: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    lock_timeout_s: float = 30.0,
) -> dict[str, pl.DataFrame]:
    """Polars frames of several named SQL statements, read on one read-only connection
    (so all of them see the same state of the file)."""
    params = params or {}
    con = _connect_reader(db_path, lock_timeout_s)
    try:
        _quiet(con)
        return {
            name: pl.from_arrow(con.sql(sql, params=params.get(name)).to_arrow_table())
            for name, sql in statements.items()
        }
    except duckdb.Error as exc:
        raise WarehouseError(f"reading {db_path} failed: {_one_line(exc)}") from None
    finally:
        con.close()


def read_batches(
    db_path: Path,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    batch_rows: int = 100_000,
    lock_timeout_s: float = 30.0,
) -> Iterator[pa.RecordBatch]:
    """The rows of one read-only statement as Arrow record batches, for results too large to
    hold at once; writing statements are refused as in `query`."""
    if not sql.strip():
        raise WarehouseError("no SQL statement given")
    con = _connect_reader(db_path, lock_timeout_s)
    try:
        _quiet(con)
        try:
            reader = con.sql(sql, params=params).to_arrow_reader(batch_rows)
        except AttributeError:  # a statement without a result (it ran: only reads may)
            raise WarehouseError("the statement returns no rows") from None
        yield from reader
    except duckdb.Error as exc:
        refused = _READ_ONLY.search(str(exc))
        if refused:
            raise WarehouseError(
                f"the warehouse is opened read-only: {refused.group(1)} statements are refused "
                "(queries never change it; `chitieu run` loads it)"
            ) from None
        raise WarehouseError(f"query failed: {_one_line(exc)}") from None
    finally:
        con.close()
