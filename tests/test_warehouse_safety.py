"""The warehouse stays whole: one transaction per load, a killed loader, a second writer,
migration of an older file, and the DuckDB shell users install from PyPI."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from test_warehouse import (
    ENROLMENT,
    N_FACTS,
    TRAINED,
    bac_giang,
    bac_ninh,
    corpus,
    edit,
    frames,
    lang_son,
    run_load,
    synthetic_frames,
)

import flows.warehouse as warehouse
from flows.frames import REJECT_SCHEMA
from flows.settings import PROJECT_ROOT
from flows.warehouse import (
    STORAGE_VERSION,
    WarehouseError,
    WarehouseLocked,
    known_inputs,
    load,
    query,
    run_checks,
)

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "chitieu.duckdb"


def snapshot(db: Path) -> dict[str, Any]:
    """Everything a user can see in the file: every table's rows, views and macros."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        state: dict[str, Any] = {
            t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables
        }
        state["_views"] = con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        state["_macros"] = con.execute(
            "SELECT function_name, macro_definition FROM duckdb_functions() "
            "WHERE NOT internal AND function_type IN ('macro', 'table_macro') ORDER BY 1"
        ).fetchall()
        return state
    finally:
        con.close()


def file_digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def changed_lang_son() -> list:
    from dataclasses import replace

    changed = edit(
        lang_son(), 1, facts=(replace(ENROLMENT, value=20000, written="20.000 học viên"), TRAINED)
    )
    return [changed, bac_giang(), bac_ninh()]


# ---------------------------------------------------------------- one transaction


def test_failure_after_first_insert_leaves_file_as_before(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_load(db, corpus())
    before, digest = snapshot(db), file_digest(db)
    real_step = warehouse._step

    def failing_step(con: duckdb.DuckDBPyConnection, step: str, /, **params: Any) -> Any:
        result = real_step(con, step, **params)
        if step == "insert_observations":
            assert result[0][0] == 1  # the changed fact was written inside the transaction
            raise RuntimeError("injected failure after the first insert")
        return result

    monkeypatch.setattr(warehouse, "_step", failing_step)
    with pytest.raises(RuntimeError, match="injected"):
        run_load(db, changed_lang_son())
    monkeypatch.undo()

    assert snapshot(db) == before
    assert file_digest(db) == digest
    result = run_load(db, changed_lang_son())
    assert (result.load_id, result.inserted, result.closed) == (2, 1, 1)


def test_database_error_mid_load_rolls_back_with_one_line(db: Path) -> None:
    run_load(db, corpus())
    before = snapshot(db)
    # A reject without a reason breaks a NOT NULL rule after the facts were inserted.
    bad = pl.DataFrame(
        [{"source": "x.txt", "doc_id": None, "stage": "read", "check": "decode", "reason": None}],
        schema=REJECT_SCHEMA,
    )
    with pytest.raises(WarehouseError) as failed:
        run_load(db, changed_lang_son(), rejects=bad)
    message = str(failed.value)
    assert "\n" not in message and str(db) in message and "nothing was written" in message
    assert snapshot(db) == before


def test_migrations_views_and_reference_roll_back_with_a_failed_first_load(db: Path) -> None:
    documents, observations, rejects = frames(corpus())
    with pytest.raises(WarehouseError):
        load(
            db,
            documents.head(1),
            observations,
            rejects,
            sources=[],
            code_version="t",
            extractor_version="0.1.0",
        )
    assert not db.exists()  # no half-made file: not even an empty one
    assert not db.with_name(db.name + ".wal").exists()


# ---------------------------------------------------------------- other processes

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    import flows.warehouse as warehouse
    from test_warehouse import synthetic_frames

    db, marker = Path(sys.argv[1]), Path(sys.argv[2])
    pause, version = float(sys.argv[3]), int(sys.argv[4])
    real_step = warehouse._step

    def paused_step(con, step, /, **params):
        result = real_step(con, step, **params)
        if step == "insert_observations":
            marker.write_text(str(os.getpid()))
            time.sleep(pause)
        return result

    warehouse._step = paused_step
    documents, observations, rejects = synthetic_frames(2000, changed_every=10, version=version)
    result = warehouse.load(
        db, documents, observations, rejects, sources=documents["source"].to_list(),
        code_version="child", extractor_version="0.1.0",
    )
    print(result.load_id, result.inserted, result.closed)
    """
)


def start_loader(
    tmp_path: Path, db: Path, *, pause: float, version: int
) -> tuple[subprocess.Popen, Path]:
    """A loader in another process that pauses `pause` s inside its transaction, after its first
    insert; returns once it is there."""
    script = tmp_path / "child_loader.py"
    script.write_text(CHILD, encoding="utf-8")
    marker = tmp_path / f"inside_transaction_{version}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), str(TESTS_DIR)])}
    child = subprocess.Popen(
        [sys.executable, str(script), str(db), str(marker), str(pause), str(version)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        if child.poll() is not None:
            raise AssertionError(f"loader exited early: {child.communicate()}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError("loader never reached its first insert")
        time.sleep(0.02)
    return child, marker


def base_load(db: Path) -> None:
    documents, observations, rejects = synthetic_frames(2000)
    load(
        db,
        documents,
        observations,
        rejects,
        sources=documents["source"].to_list(),
        code_version="base",
        extractor_version="0.1.0",
    )


def test_sigkill_mid_load_leaves_file_as_before_and_next_load_succeeds(
    db: Path, tmp_path: Path
) -> None:
    base_load(db)
    before = snapshot(db)
    child, _ = start_loader(tmp_path, db, pause=120, version=1)
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL

    assert snapshot(db) == before
    documents, observations, rejects = synthetic_frames(2000, changed_every=10, version=1)
    result = load(
        db,
        documents,
        observations,
        rejects,
        sources=documents["source"].to_list(),
        code_version="after",
        extractor_version="0.1.0",
    )
    assert (result.load_id, result.inserted, result.closed) == (2, 200, 200)
    assert {name: found for name, found in run_checks(db).items() if found} == {}


def test_second_writer_waits_then_fails_naming_the_file(db: Path, tmp_path: Path) -> None:
    base_load(db)
    child, _ = start_loader(tmp_path, db, pause=4, version=1)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as locked:
            run_load(db, corpus(), lock_timeout_s=1.0)
        waited = time.monotonic() - started
        message = str(locked.value)
        assert 1.0 <= waited < 3.5
        assert "\n" not in message and str(db) in message and f"PID {child.pid}" in message
        # Readers wait for the writer too, and give up the same way.
        with pytest.raises(WarehouseLocked):
            query(db, "SELECT count(*) FROM loads", lock_timeout_s=0.3)
    finally:
        out, err = child.communicate(timeout=60)
    # The first writer was unaffected.
    assert child.returncode == 0, err
    assert out.split() == ["2", "200", "200"]
    assert query(db, "SELECT load_id, code_version FROM loads ORDER BY 1")[1] == [
        (1, "base"),
        (2, "child"),
    ]


def test_second_writer_gets_the_file_once_the_first_commits(db: Path, tmp_path: Path) -> None:
    base_load(db)
    child, _ = start_loader(tmp_path, db, pause=1.0, version=1)
    result = run_load(db, corpus(), lock_timeout_s=60)
    child.communicate(timeout=60)
    assert child.returncode == 0
    assert result.load_id == 3 and result.inserted == N_FACTS


# ---------------------------------------------------------------- migrations


def test_file_made_by_migration_001_alone_is_migrated_in_place(db: Path) -> None:
    """An older chitieu made the file with 001 and loaded the corpus; this one migrates it."""
    sql = PROJECT_ROOT / "sql"
    migration = sql / "migrations" / "001_core.sql"
    documents, observations, _ = frames(corpus())
    db.parent.mkdir(parents=True)
    con = duckdb.connect(str(db), config={"storage_compatibility_version": STORAGE_VERSION})
    try:
        con.execute(migration.read_text(encoding="utf-8"))
        con.execute(
            "INSERT INTO schema_migrations VALUES (1, '001_core', $1, now())",
            [hashlib.sha256(migration.read_bytes()).hexdigest()],
        )
        # What the first loader wrote: its load, documents and keyed facts.
        for name, frame in [("input_documents", documents), ("input_observations", observations)]:
            con.register(name, frame.to_arrow())
        con.register("input_sources", pl.DataFrame({"source": documents["source"]}).to_arrow())
        for statement in warehouse._statements((sql / "load" / "stage.sql").read_text("utf-8")):
            con.execute(statement)
        con.execute(
            "INSERT INTO loads VALUES (1, TIMESTAMPTZ '2024-01-02 03:04:05+00', "
            "TIMESTAMPTZ '2024-01-02 03:04:06+00', 3, $1, 0, 0, '0.0.1', '0.1.0', NULL)",
            [observations.height],
        )
        con.execute(
            "INSERT INTO documents BY NAME SELECT * EXCLUDE (row_hash, published_precision), "
            "1 AS load_id "
            "FROM staged_documents"
        )
        con.execute(
            "INSERT INTO observations BY NAME SELECT * EXCLUDE (base_period), "
            "TIMESTAMPTZ '2024-01-02 03:04:05+00' "
            "AS valid_from, 1 AS load_id FROM staged_observations"
        )
    finally:
        con.close()
    assert known_inputs(db) == {}  # an unmigrated file: everything is read again

    result = run_load(db, corpus())
    assert (result.load_id, result.inserted, result.closed, result.unchanged) == (2, 0, 0, N_FACTS)
    assert query(db, "SELECT version FROM schema_migrations ORDER BY 1")[1] == [
        (int(p.name[:3]),) for p in sorted((sql / "migrations").glob("*.sql"))
    ]
    assert query(db, "SELECT load_id, loaded_at IS NOT NULL, closed FROM loads ORDER BY 1")[1] == [
        (1, True, 0),
        (2, True, 0),
    ]
    assert query(db, "SELECT count(*) FROM documents WHERE valid_from IS NULL")[1] == [(0,)]
    assert {name: found for name, found in run_checks(db).items() if found} == {}
    again = run_load(db, changed_lang_son())
    assert (again.inserted, again.closed) == (1, 1)
    assert len(known_inputs(db)) == 3


def test_migrations_are_numbered_and_applied_once(db: Path) -> None:
    names = sorted(p.name for p in (PROJECT_ROOT / "sql" / "migrations").glob("*.sql"))
    versions = [int(n[:3]) for n in names]
    assert versions[0] == 1 and len(set(versions)) == len(versions)  # each number reserved once
    assert warehouse.migrate(db) == versions
    assert warehouse.migrate(db) == []
    rows = query(db, "SELECT version, name, checksum FROM schema_migrations ORDER BY 1")[1]
    assert [(v, n) for v, n, _ in rows] == [(int(n[:3]), n[:-4]) for n in names]


# ---------------------------------------------------------------- the DuckDB shell


def duckdb_shell() -> Path | None:
    """The `duckdb` command of the duckdb-cli package, installed next to this Python."""
    shell = Path(sys.executable).parent / "duckdb"
    return shell if shell.exists() else None


@pytest.mark.skipif(duckdb_shell() is None, reason="duckdb-cli (dev dependency) not installed")
def test_duckdb_shell_from_pypi_reads_the_warehouse(db: Path) -> None:
    run_load(db, corpus())
    run_load(db, changed_lang_son())
    shell = str(duckdb_shell())
    version = subprocess.run([shell, "-version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("v1.5"), version.stdout
    sql = (
        "SELECT count(*) FROM observations_current; "
        "SELECT value FROM facts WHERE indicator = 'labour.vocational_enrolment'; "
        "SELECT value FROM observations_as_of(1) WHERE indicator = 'labour.vocational_enrolment'; "
        "SELECT count(*) FROM indicator_conflicts;"
    )
    shown = subprocess.run(
        [shell, "-readonly", "-csv", "-noheader", str(db), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [str(N_FACTS), "20000.0", "19436.0", "3"]
    # Every example query and check runs in that shell too.
    sql_files = sorted((PROJECT_ROOT / "sql").glob("[cq]*/*.sql"))
    for path in sql_files:
        ran = subprocess.run(
            [shell, "-readonly", "-csv", str(db), "-f", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ran.returncode == 0 and not ran.stderr, f"{path.name}: {ran.stderr}"
