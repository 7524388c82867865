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
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from flows.frames import DOCUMENT_SCHEMA, OBSERVATION_SCHEMA, REJECT_SCHEMA
from flows.integrity import IntegrityError, check_before_write, check_schema_version, damaged
from flows.limits import printable
from flows.settings import get_settings

STORAGE_VERSION = "v1.5.0"
"""Storage format of new files: readable by the DuckDB 1.5 shell (duckdb-cli on PyPI)."""

LOAD_DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    **DOCUMENT_SCHEMA,
    "source_path": pl.String(),
    "catalogue_hash": pl.String(),
}
"""The documents handed to the load: the frame's columns, the file read and the catalogue."""

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
_READ_STATEMENTS = frozenset(
    {
        duckdb.StatementType.SELECT,
        duckdb.StatementType.EXPLAIN,
        duckdb.StatementType.PRAGMA,
        duckdb.StatementType.CALL,
    }
)
"""Statements a reader may run (SELECT covers SHOW, DESCRIBE, SUMMARIZE, FROM and VALUES)."""
READER_CONFIG: dict[str, object] = {
    "enable_external_access": False,  # no COPY TO, read_csv, ATTACH, INSTALL, network
    "temp_directory": "",  # no spill folder: not a single writable path is left
}
"""The sandbox of every read-only connection (query, history, checks, the unchanged check)."""
FETCH_ROWS = 10_000
"""Rows fetched from DuckDB at a time by a streaming read."""
LOCK_NOTICE_EVERY_S = 5.0
"""How often a process waiting for another's lock says so on stderr."""


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
    closed_sources: tuple[str, ...] = field(default=())
    """Sources a full snapshot closed (current before, absent from the input)."""
    duplicates: tuple[tuple[str, str | None, str], ...] = ()
    """(source, file, the source already holding the same text) of documents not loaded."""
    flagged: tuple[tuple[int, str, str, str | None], ...] = ()
    """(correction_id, kind, source, fact_key) of corrections this load flagged for review."""


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


def _lock_timeout(seconds: float | None) -> float:
    """The lock wait asked for, else `CHITIEU_LOCK_TIMEOUT` (every reader and writer)."""
    return get_settings().lock_timeout_s if seconds is None else seconds


def _tell_waiting(db_path: Path, pid: str | None, waited_s: float, timeout_s: float) -> None:
    """Say on stderr that this process waits for another's lock. A wait is not noise, so
    this is said even when the command was asked to be quiet."""
    holder = f"another process (PID {pid})" if pid else "another process"
    sys.stderr.write(
        f"chitieu: waiting for the warehouse {db_path}, locked by {holder}: "
        f"{waited_s:.0f} s of at most {timeout_s:g} s (CHITIEU_LOCK_TIMEOUT)\n"
    )
    sys.stderr.flush()


def _open(db_path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """One attempt at opening the file: readers in their sandbox, writers in the storage
    format of `STORAGE_VERSION`."""
    if read_only:
        con = duckdb.connect(str(db_path), read_only=True, config=READER_CONFIG)
        con.execute("SET enable_progress_bar = false")  # readers print rows, not a bar
        con.execute("SET lock_configuration = true")  # and no SET can give a path back
        return con
    return duckdb.connect(str(db_path), config={"storage_compatibility_version": STORAGE_VERSION})


def _connect(
    db_path: Path, *, read_only: bool, lock_timeout_s: float | None
) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting with backoff while another process holds its lock: one clock
    for the whole wait, said on stderr every few seconds. A writer's file is checked
    (length, schema version) before anything is written to it.

    DuckDB refuses at once when another process holds the file; waiting is ours.
    """
    timeout_s = _lock_timeout(lock_timeout_s)
    started = time.monotonic()
    delay = 0.05
    next_notice = 0.5  # a lock let go at once is not worth a line
    while True:
        try:
            con = _open(db_path, read_only=read_only)
            break
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" not in message.lower():
                raise _open_error(db_path, exc) from None
            waited = time.monotonic() - started
            pid = _LOCK_PID.search(message)
            holder = pid.group(1) if pid else None
            if waited >= timeout_s:
                raise WarehouseLocked(db_path, waited, holder) from None
            if waited >= next_notice:
                _tell_waiting(db_path, holder, waited, timeout_s)
                next_notice = waited + LOCK_NOTICE_EVERY_S
            time.sleep(min(delay, max(timeout_s - waited, 0.0)))
            delay = min(delay * 2, 2.0)
        except duckdb.Error as exc:
            raise _open_error(db_path, exc) from None
    if not read_only:
        try:
            check_before_write(con, db_path)
        except (IntegrityError, duckdb.Error) as exc:
            con.close()
            if isinstance(exc, duckdb.Error):
                raise _open_error(db_path, exc) from None
            raise WarehouseError(str(exc)) from None
    return con


def _open_error(db_path: Path, exc: duckdb.Error) -> WarehouseError:
    """The one line for a file that does not open: damaged, or another reason."""
    if damaged(exc):
        return WarehouseError(
            f"the warehouse {db_path} is damaged: {_one_line(exc)}; nothing was written "
            "(restore it from a backup)"
        )
    return WarehouseError(f"cannot open the warehouse {db_path}: {_one_line(exc)}")


def _connect_reader(db_path: Path, lock_timeout_s: float | None) -> duckdb.DuckDBPyConnection:
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


def migrate(db_path: Path, *, lock_timeout_s: float | None = None) -> list[int]:
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
        _checkpoint(con, db_path)
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
    lock_timeout_s: float | None = None,
    reference_dir: Path | None = None,
    confirm_full: bool = False,
    catalogue_hash: str | None = None,
) -> LoadResult:
    """Version one run's documents and facts into the warehouse, in one transaction.

    `sources` lists every source the run read, including those skipped as unchanged:
    a source with a document in `documents` has its facts replaced by this load's
    (changed ones versioned, missing ones closed); a read source without a document
    keeps its facts. With `full`, facts of sources not read at all are closed too, but
    not more than half of the current sources unless `confirm_full`.
    Nothing is deleted. A failure rolls everything back and raises `WarehouseError`; so
    does a failed checkpoint after the commit (a full disk), though the load is then kept
    in the file's write-ahead log, which the next writer writes into the file.
    `documents` may carry `source_path` (the file read; else its source), and
    `catalogue_hash` names the reference files the extractor read them with.
    """
    if full and not sources and documents.height == 0:
        raise WarehouseError(
            "refusing a full snapshot that read no files: it would close every fact "
            "(check the input path)"
        )
    started_at = started_at or datetime.now(UTC)
    reference_dir = reference_dir or get_settings().reference_dir
    if "source_path" not in documents.columns:
        documents = documents.with_columns(source_path=pl.col("source"))
    documents = documents.with_columns(catalogue_hash=pl.lit(catalogue_hash, pl.String()))
    inputs = {
        "input_documents": _arrow(documents, LOAD_DOCUMENT_SCHEMA, "documents"),
        "input_observations": _arrow(observations, OBSERVATION_SCHEMA, "observations"),
        "input_rejects": _arrow(rejects, REJECT_SCHEMA, "rejects"),
        "input_sources": pa.table({"source": pa.array(list(sources), pa.string())}),
    }
    for _, filename in REFERENCE_TABLES:
        if not (reference_dir / filename).is_file():
            raise WarehouseError(f"reference file {reference_dir / filename} is missing")

    db_path.parent.mkdir(parents=True, exist_ok=True)
    new_file, committed = not db_path.exists(), False
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
                confirm_full=confirm_full,
            )
            con.execute("COMMIT")
            committed = True
        except BaseException:
            _rollback(con)
            raise
        _checkpoint(con, db_path)
        return result
    except duckdb.Error as exc:
        if damaged(exc):
            raise _open_error(db_path, exc) from None
        raise WarehouseError(
            f"loading into {db_path} failed, nothing was written: {_one_line(exc)}"
        ) from None
    finally:
        con.close()
        if new_file and not committed:  # a first load that failed leaves no empty file
            _discard(db_path)


def _discard(db_path: Path) -> None:
    """Remove a warehouse file this load created and did not fill, with its WAL."""
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        with contextlib.suppress(OSError):
            path.unlink()


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
    confirm_full: bool = False,
) -> LoadResult:
    """The body of `load`, run inside its transaction."""
    _migrate(con)
    for step, filename in REFERENCE_TABLES:
        _step(con, step, path=str(reference_dir / filename))
    problems = _step(con, "input_problems")
    if problems:
        raise WarehouseError(
            "refusing the load: "
            + "; ".join(f"{n} {problem} ({printable(names)})" for problem, n, names in problems)
        )
    [(load_id, loaded_at)] = _step(con, "next_load")
    ids = {"load_id": load_id, "loaded_at": loaded_at}
    _step(con, "stage")
    absent: tuple[str, ...] = ()
    if full:
        absent, current = _absent_sources(con)
        if not confirm_full:
            _refuse_closing_most(absent, current)
    duplicates = _step(con, "stage_identity")
    _step(con, "close_documents", **ids)
    _step(con, "insert_documents", **ids)
    flagged = _step(con, "apply_corrections", load_id=load_id)
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
        closed_sources=absent,
        duplicates=tuple(duplicates),
        flagged=tuple(flagged),
    )


def _absent_sources(con: duckdb.DuckDBPyConnection) -> tuple[tuple[str, ...], int]:
    """The current sources a full snapshot would close (not read by this run), and how many
    sources are current."""
    rows = _step(con, "absent_sources")
    return tuple(source for source, _ in rows), (rows[0][1] if rows else 0)


def _refuse_closing_most(absent: Sequence[str], current: int) -> None:
    """A full snapshot that would close more than half of the current sources is most likely
    a wrong input folder: refused, naming what it would close, unless confirmed."""
    if 2 * len(absent) <= current:
        return
    shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
    raise WarehouseError(
        f"refusing --full: it would close the facts of {len(absent)} of the {current} current "
        f"sources, absent from the input ({shown}); check the input path, or confirm with --yes "
        "(flow parameter confirm_full)"
    )


def _checkpoint(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Write the committed load from the write-ahead log into the file itself. DuckDB would
    do it on close, silently dropping a failure (a full disk): here a failure is an error."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise WarehouseError(
            f"the load was committed to {db_path}.wal but writing it into {db_path} failed: "
            f"{_one_line(exc)}; free space and run again (the next run writes the log into "
            "the file; readers see the load already)"
        ) from None


def _schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to an open file, 0 for a file chitieu never wrote."""
    if not _step(con, "has_table", name="schema_migrations")[0][0]:
        return 0
    return _run_sql(con, _sql_dir() / "read" / "schema_version.sql")[0][0] or 0


def known_inputs(
    db_path: Path, *, lock_timeout_s: float | None = None
) -> dict[str, tuple[str, str]]:
    """source -> (content_hash, extractor_version) of the document currently loaded for it
    (or of the bytes a file was last rejected for). Empty when the file does not exist yet
    or has not been migrated to the current schema."""
    rows = _read_if_current(db_path, "known_inputs", lock_timeout_s)
    return {source: (content_hash, version) for source, content_hash, version in rows}


def _read_if_current(
    db_path: Path, step: str, lock_timeout_s: float | None
) -> list[tuple[Any, ...]]:
    """The rows of `sql/read/<step>.sql` on a warehouse at the current schema; none when
    there is no file yet or it was not migrated (then every input is read again)."""
    if not db_path.exists():
        return []
    con = _connect(db_path, read_only=True, lock_timeout_s=lock_timeout_s)
    try:
        check_schema_version(con, db_path)
        if _schema_version(con) < _migrations(_sql_dir())[-1][0]:
            return []
        return _run_sql(con, _sql_dir() / "read" / f"{step}.sql")
    except IntegrityError as exc:
        raise WarehouseError(str(exc)) from None
    except duckdb.Error as exc:
        if damaged(exc):
            raise _open_error(db_path, exc) from None
        raise WarehouseError(f"reading {db_path} failed: {_one_line(exc)}") from None
    finally:
        con.close()


def _statement(sql: str) -> str:
    """The one read-only statement of `sql`; anything else is refused before it runs."""
    if not sql.strip():
        raise WarehouseError("no SQL statement given")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {_full_message(exc)}") from None
    if not statements:
        raise WarehouseError("no SQL statement given")
    if len(statements) > 1:
        raise WarehouseError(
            f"one statement at a time: this SQL holds {len(statements)} statements "
            "(run them one by one)"
        )
    kind = statements[0].type
    if kind not in _READ_STATEMENTS:
        raise WarehouseError(
            f"the warehouse is opened read-only: {kind.name} statements are refused "
            "(queries never change it; `chitieu run` loads it)"
        )
    return sql


def _full_message(exc: BaseException) -> str:
    """DuckDB's message with its hints ("Did you mean", candidate bindings) and the caret
    line under the query, trailing blank lines dropped."""
    return str(exc).rstrip() or type(exc).__name__


def _query_error(exc: duckdb.Error) -> WarehouseError:
    """A query's failure in words: a refused write said as such, DuckDB's help kept."""
    refused = _READ_ONLY.search(str(exc))
    if refused and refused.group(1).upper() == "SELECT":
        return WarehouseError(
            "the warehouse is opened read-only: this query changes data (an INSERT, UPDATE "
            "or DELETE inside it, e.g. in a WITH clause) and is refused"
        )
    if refused:
        return WarehouseError(
            f"the warehouse is opened read-only: {refused.group(1)} statements are refused "
            "(queries never change it; `chitieu run` loads it)"
        )
    return WarehouseError(f"query failed: {_full_message(exc)}")


@contextmanager
def read_rows(
    db_path: Path,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    lock_timeout_s: float | None = None,
    batch_rows: int = FETCH_ROWS,
) -> Iterator[tuple[list[str], Iterator[list[tuple[Any, ...]]]]]:
    """Column names and the rows of one read-only statement in batches, fetched as they are
    consumed: ten million rows never sit in memory at once. The connection is open for the
    block; an error while fetching is a `WarehouseError` too."""
    statement = _statement(sql)
    con = _connect_reader(db_path, lock_timeout_s)
    try:
        try:
            cursor = con.execute(statement, params)
        except duckdb.Error as exc:
            raise _query_error(exc) from None
        if cursor is None or cursor.description is None:
            yield [], iter(())
            return

        def batches() -> Iterator[list[tuple[Any, ...]]]:
            while True:
                try:
                    rows = cursor.fetchmany(batch_rows)
                except duckdb.Error as exc:
                    raise _query_error(exc) from None
                if not rows:
                    return
                yield rows

        yield [d[0] for d in cursor.description], batches()
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class KnownFile:
    """What the warehouse holds for one input file: its current document's source (the
    report's identity), content hash, and the extractor and catalogue that read it; or,
    for a file last rejected for what its bytes hold, those bytes' hash and the extractor
    of that load (`rejected`: the catalogue plays no part)."""

    source: str
    content_hash: str
    extractor_version: str
    catalogue_hash: str | None
    rejected: bool = False


def known_files(db_path: Path, *, lock_timeout_s: float | None = None) -> dict[str, KnownFile]:
    """source_path -> what the warehouse holds for that file (see `KnownFile`); empty when
    the file does not exist yet or has not been migrated to the current schema."""
    rows = _read_if_current(db_path, "known_files", lock_timeout_s)
    return {path: KnownFile(*rest) for path, *rest in rows}


@contextlib.contextmanager
def transaction(
    db_path: Path, *, lock_timeout_s: float = 30.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writing connection inside one transaction on a migrated warehouse: committed when
    the block ends, rolled back (nothing written) when it raises."""
    con = _connect(db_path, read_only=False, lock_timeout_s=lock_timeout_s)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            _migrate(con)
            yield con
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
    except duckdb.Error as exc:
        raise WarehouseError(
            f"writing {db_path} failed, nothing was written: {_one_line(exc)}"
        ) from None
    finally:
        con.close()


def run_step(
    con: duckdb.DuckDBPyConnection, folder: str, step: str, /, **params: Any
) -> list[tuple[Any, ...]]:
    """Run `sql/<folder>/<step>.sql` on an open connection; the last statement's rows."""
    return _run_sql(con, _sql_dir() / folder / f"{step}.sql", params)


def query(
    db_path: Path,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
    *,
    lock_timeout_s: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and all rows of one SQL statement, run on the warehouse opened read-only
    (`read_rows` streams them instead)."""
    with read_rows(db_path, sql, params, lock_timeout_s=lock_timeout_s) as (columns, batches):
        return columns, [row for batch in batches for row in batch]


def history_sql() -> str:
    """The SQL of `history`: every version of the facts of `$source` / `$indicator`."""
    return (_sql_dir() / "read" / "history.sql").read_text(encoding="utf-8")


def history(
    db_path: Path,
    source: str | None = None,
    indicator: str | None = None,
    *,
    fact_key: str | None = None,
    lock_timeout_s: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every version of the facts of a source, indicator and/or fact, grouped by source and
    fact, each fact's versions oldest first, with who corrected or retracted a version, when
    and why."""
    return query(
        db_path,
        history_sql(),
        {"source": source, "indicator": indicator, "fact_key": fact_key},
        lock_timeout_s=lock_timeout_s,
    )


def facts_by_indicator(
    db_path: Path, load_id: int, *, lock_timeout_s: float | None = None
) -> list[dict[str, Any]]:
    """Current facts per indicator and province (names), and those load `load_id` opened."""
    sql = (_sql_dir() / "read" / "facts_by_indicator.sql").read_text(encoding="utf-8")
    columns, rows = query(db_path, sql, {"load_id": load_id}, lock_timeout_s=lock_timeout_s)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def run_checks(
    db_path: Path, *, lock_timeout_s: float | None = None
) -> dict[str, list[tuple[Any, ...]]]:
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
    lock_timeout_s: float | None = None,
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
    lock_timeout_s: float | None = None,
) -> Iterator[pa.RecordBatch]:
    """The rows of one read-only statement as Arrow record batches, for results too large to
    hold at once; writing statements are refused as in `query`."""
    sql = _statement(sql)
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
