"""How the flow behaves under Prefect: which failures are retried, what every run
publishes, and what a run says when the configured Prefect API is not there.

Flow runs use the session's `prefect_test_harness` (a real temporary server) and
real DuckDB files in tmp_path; the lock is held by a real second process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.states import State

from flows.etl import chitieu_etl, extract_reports, load_warehouse
from flows.frames import documents_frame, observations_frame, rejects_frame
from flows.server import free_port
from flows.warehouse import WarehouseError
from tests.conftest import SEED_REPORTS, write_report

HOLD_LOCK = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.read()  # hold the write lock until told to let go
    con.close()
    """
)


def _task_run_count(state: State) -> int:
    """How many times the task run behind `state` ran."""
    with get_client(sync_client=True) as client:
        return client.read_task_run(state.state_details.task_run_id).run_count


def _empty_load(db: Path, lock_timeout_s: float, **options: Any) -> State:
    """The state of a real `load-warehouse` task run of empty frames into `db`."""
    states: list[State] = []

    @flow
    def load_once() -> None:
        states.append(
            load_warehouse.with_options(**options)(
                db,
                documents_frame([]),
                observations_frame([]),
                rejects_frame([]),
                [],
                False,
                lock_timeout_s,
                return_state=True,
            )
        )

    load_once()
    return states[0]


def test_the_tasks_are_configured_to_retry_nothing_a_retry_cannot_help():
    assert load_warehouse.retries == 0, "the lock wait is the load's one wait, on one clock"
    assert extract_reports.retries == 0, "a file that does not parse is a reject, not a retry"


@pytest.mark.usefixtures("prefect_harness")
def test_a_locked_warehouse_is_waited_for_until_the_other_writer_lets_go(tmp_path: Path):
    db = tmp_path / "chitieu.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        releaser = threading.Timer(1.0, lambda: holder.communicate(timeout=30))
        releaser.start()
        state = _empty_load(db, lock_timeout_s=30)
        releaser.join()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)
    assert state.is_completed(), state.message
    assert _task_run_count(state) == 1


@pytest.mark.usefixtures("prefect_harness")
def test_an_error_a_retry_cannot_help_fails_at_once(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CHITIEU_REFERENCE", str(tmp_path / "no-reference-here"))
    state = _empty_load(tmp_path / "chitieu.duckdb", lock_timeout_s=0.2, retry_delay_seconds=0.1)
    assert state.is_failed()
    with pytest.raises(WarehouseError, match="reference file"):
        state.result()
    assert _task_run_count(state) == 1


@pytest.mark.usefixtures("prefect_harness")
def test_every_run_publishes_a_load_summary_and_facts_per_indicator(tmp_path: Path, db_path: Path):
    reports = tmp_path / "reports"
    shutil.copytree(SEED_REPORTS, reports)
    write_report(reports, "rong.txt", "")

    summary = chitieu_etl([str(reports)], str(db_path))

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(summary["flow_run_id"])])
            )
        )
    by_key = {a.key: a for a in artifacts}
    assert set(by_key) == {"chitieu-load-summary", "chitieu-facts-by-indicator"}

    markdown = by_key["chitieu-load-summary"]
    assert markdown.type == "markdown"
    assert f"chitieu load {summary['load_id']}" in markdown.data
    assert "## Rejects" in markdown.data and "rong.txt" in markdown.data

    table = by_key["chitieu-facts-by-indicator"]
    assert table.type == "table"
    rows = table.data if isinstance(table.data, list) else json.loads(table.data)
    assert {"indicator", "indicator_code", "province", "facts", "new_in_this_load"} <= set(rows[0])
    assert sum(r["facts"] for r in rows) == summary["inserted"] > 0
    assert sum(r["new_in_this_load"] for r in rows) == summary["inserted"]


@pytest.mark.parametrize("command", ["run", "serve"])
def test_an_unreachable_prefect_api_is_one_line_that_names_the_way_out(
    command: str, tmp_path: Path
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHITIEU_")}
    env["PREFECT_API_URL"] = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    out = subprocess.run(
        [sys.executable, "-m", "flows", command, str(SEED_REPORTS), "--db", str(tmp_path / "w.db")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert env["PREFECT_API_URL"] in line
    assert "unset PREFECT_API_URL" in line and "embedded" in line
    assert not (tmp_path / "w.db").exists(), "nothing ran"
