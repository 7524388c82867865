"""Extraction spread over several hosts, on loopback with real processes: a `prefect
server`, a process work pool with two workers (each in its own working folder, as if on
two hosts), the partitioned deployment of `prefect.yaml`; and a Dask scheduler with two
Dask workers for `chitieu run --dask`.

Each test compares the warehouse it made with the one a plain `chitieu run` makes over
the same generated reports. Every process started here runs in its own process group
and is stopped at teardown, with everything it started, whatever the outcome.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx
import psutil
import pytest

from benchmarks.generate import generate
from flows.server import free_port, local_server, start_process, stop_process_group
from tests.conftest import ROOT

pytestmark = [pytest.mark.server, pytest.mark.slow]

POOL = "chitieu-pool"
PARENT = "chitieu-etl-partitioned/partitioned"
REPORTS = 300
PARTITION_SIZE = 100  # three partitions
RUN_TIMEOUT_S = 180.0
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Cluster:
    """A Prefect server with the partitioned deployments, and the shared inputs."""

    api_url: str
    env: dict[str, str]
    reports: Path
    plain: Path
    """The warehouse a plain `chitieu run` made over `reports`."""


def _clean_env(home: Path) -> dict[str, str]:
    """This environment without chitieu or Prefect API settings, with its own PREFECT_HOME."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CHITIEU_") and k not in {"PREFECT_API_URL", "PREFECT_UI_URL"}
    }
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    return env


def _check(args: list[str], env: dict[str, str], cwd: Path = ROOT, timeout: float = 120) -> str:
    """Run a command to completion; its stdout (its output in full if it failed)."""
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The server, the pool and both deployments, a few hundred generated reports, and the
    warehouse of a plain run over them."""
    home = tmp_path_factory.mktemp("prefect-home")
    shared = tmp_path_factory.mktemp("shared")
    generate(shared / "corpus", REPORTS, seed=11, changed_fraction=0)
    reports = shared / "corpus" / "base"
    env = _clean_env(home)
    with local_server(env=env, log_path=home / "server.log", timeout_s=90) as (api_url, _):
        env["PREFECT_API_URL"] = api_url
        prefect = [sys.executable, "-m", "prefect"]
        _check([*prefect, "work-pool", "create", POOL, "--type", "process"], env)
        _check([*prefect, "--no-prompt", "deploy", "-n", "partitioned", "-n", "partition"], env)
        plain = shared / "plain.duckdb"
        _check([sys.executable, "-m", "flows", "run", str(reports), "--db", str(plain), "-q"], env)
        yield Cluster(api_url, env, reports, plain)


@contextlib.contextmanager
def workers(
    cluster: Cluster, root: Path, results: Path, *names: str, processes: int = 1
) -> Iterator[dict[str, Any]]:
    """Process workers of the pool, each in its own folder with its own log, their flow
    runs extracting on `processes` processes; the first also serves the `loader` queue
    (the host with the warehouse). Yields name → process."""
    env = {
        **cluster.env,
        "CHITIEU_RESULTS": str(results),
        "CHITIEU_WORKERS": str(processes),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_HEARTBEAT_SECONDS": "2",
    }
    procs: dict[str, Any] = {}
    try:
        for i, name in enumerate(names):
            folder = root / name
            folder.mkdir(parents=True)
            queues = ["-q", "loader", "-q", "default"] if i == 0 else ["-q", "default"]
            args = [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL]
            args += [*queues, "--name", name, "--limit", "2"]
            procs[name] = _start_in(args, env, folder, folder / "worker.log")
        yield procs
    finally:
        cancel_unfinished(cluster)  # nothing of this test is left for the next one's workers
        for proc in procs.values():
            kill_tree(proc)


def cancel_unfinished(cluster: Cluster) -> None:
    """Every flow run on the server that has not ended, set Cancelled."""
    response = httpx.post(
        f"{cluster.api_url}/flow_runs/filter",
        json={"flow_runs": {"state": {"type": {"not_any_": sorted(TERMINAL)}}}},
        timeout=10,
    )
    for run in response.json() if response.is_success else []:
        httpx.post(
            f"{cluster.api_url}/flow_runs/{run['id']}/set_state",
            json={"state": {"type": "CANCELLED", "message": "test over"}, "force": True},
            timeout=10,
        )


def _start_in(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    """`start_process` in the folder `cwd`."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return start_process(args, env=env, log_path=log)
    finally:
        os.chdir(old)


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a process and everything it started, even in sessions of their own (a
    process worker starts each flow run in a new session), as a host that dies would."""
    with contextlib.suppress(psutil.NoSuchProcess):
        for child in psutil.Process(proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    stop_process_group(proc, timeout_s=5)


def start_parent(cluster: Cluster, db: Path, results: Path, **more: Any) -> str:
    """A flow run of the partitioned deployment (parameters `more` added); its id."""
    api = cluster.api_url
    deployment = httpx.get(f"{api}/deployments/name/{PARENT}", timeout=10).json()
    params = {
        "paths": [str(cluster.reports)],
        "db_path": str(db),
        "partition_size": PARTITION_SIZE,
        "results_dir": str(results),
        **more,
    }
    created = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": params},
        timeout=10,
    )
    created.raise_for_status()
    return created.json()["id"]


def flow_run(cluster: Cluster, run_id: str) -> dict[str, Any]:
    """A flow run as the API has it."""
    response = httpx.get(f"{cluster.api_url}/flow_runs/{run_id}", timeout=10)
    response.raise_for_status()
    return response.json()


def wait_for(cluster: Cluster, run_id: str, timeout_s: float = RUN_TIMEOUT_S) -> dict[str, Any]:
    """The flow run once it reached a terminal state (bounded wait)."""
    deadline = time.monotonic() + timeout_s
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = flow_run(cluster, run_id)
        if run["state_type"] in TERMINAL:
            return run
        time.sleep(0.5)
    raise AssertionError(f"flow run {run_id} still {run.get('state_type')} after {timeout_s} s")


def children_of(cluster: Cluster, parent_id: str) -> list[dict[str, Any]]:
    """The child flow runs the parent started (linked to it as subflows)."""
    response = httpx.post(
        f"{cluster.api_url}/flow_runs/filter",
        json={"flow_runs": {"parent_flow_run_id": {"any_": [parent_id]}}},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def facts(db: Path) -> list[tuple[Any, ...]]:
    """Every current fact of a warehouse with its key, in key order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT fact_key, row_hash, source, indicator, measure, value, unit, period, "
            "area_code, text FROM observations_current ORDER BY fact_key, source"
        ).fetchall()
    finally:
        con.close()


def loads(db: Path) -> list[tuple[Any, ...]]:
    """(load_id, flow_run_id) of every load."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT load_id, flow_run_id FROM loads ORDER BY load_id").fetchall()
    finally:
        con.close()


def logs(root: Path, names: tuple[str, ...]) -> str:
    """The workers' logs, for failure messages."""
    return "\n".join(
        f"--- {n}\n{(root / n / 'worker.log').read_text(errors='replace')[-3000:]}" for n in names
    )


def test_partitions_run_on_both_workers_and_load_the_same_facts_as_a_plain_run(
    cluster: Cluster, tmp_path: Path
):
    results = tmp_path / "results"
    db = tmp_path / "warehouse" / "chitieu.duckdb"
    names = ("host-a", "host-b")
    with workers(cluster, tmp_path, results, *names, processes=2):
        # two batches a partition: each child extracts on a pool of 2 spawned processes
        parent_id = start_parent(cluster, db, results, batch_size=PARTITION_SIZE // 2)
        run = wait_for(cluster, parent_id)
        assert run["state_type"] == "COMPLETED", f"{run['state']}\n{logs(tmp_path, names)}"

    children = children_of(cluster, parent_id)
    assert len(children) == REPORTS // PARTITION_SIZE
    assert {c["state_type"] for c in children} == {"COMPLETED"}
    for name in names:
        log = (tmp_path / name / "worker.log").read_text(errors="replace")
        assert any(c["id"] in log for c in children), f"{name} ran no partition"

    assert facts(db) == facts(cluster.plain)
    assert len(facts(db)) > REPORTS
    assert [run_id for _, run_id in loads(db)] == [parent_id], "one load, by the parent"
    assert list(results.iterdir()) == [], "loaded partition results are removed"


def test_a_worker_lost_mid_run_fails_the_run_and_a_rerun_completes(
    cluster: Cluster, tmp_path: Path
):
    results = tmp_path / "results"
    db = tmp_path / "warehouse" / "chitieu.duckdb"
    names = ("host-a", "host-b")
    with workers(cluster, tmp_path, results, *names) as procs:
        parent_id = start_parent(cluster, db, results)
        log_b = tmp_path / "host-b" / "worker.log"
        deadline = time.monotonic() + RUN_TIMEOUT_S
        taken: list[dict[str, Any]] = []
        while not taken and time.monotonic() < deadline:  # host-b runs a partition
            taken = [
                c
                for c in children_of(cluster, parent_id)
                if c["state_type"] == "RUNNING" and c["id"] in log_b.read_text()
            ]
            time.sleep(0.2)
        assert taken, f"host-b ran no partition\n{logs(tmp_path, names)}"
        kill_tree(procs["host-b"])  # the host dies, its flow runs with it

        run = wait_for(cluster, parent_id)
        assert run["state_type"] == "FAILED", f"{run['state']}\n{logs(tmp_path, names)}"
        assert "host-b stopped answering" in run["state"]["message"]
        assert not db.exists() or loads(db) == [], "nothing loaded from a failed run"
        lost = flow_run(cluster, taken[0]["id"])
        assert lost["state_type"] in {"CRASHED", "COMPLETED", "CANCELLED", "CANCELLING"}

        rerun_id = start_parent(cluster, db, results)
        rerun = wait_for(cluster, rerun_id)
        assert rerun["state_type"] == "COMPLETED", f"{rerun['state']}\n{logs(tmp_path, names)}"

    assert facts(db) == facts(cluster.plain)
    assert [run_id for _, run_id in loads(db)] == [rerun_id]


def test_a_failed_partition_fails_the_run_with_its_reason_and_nothing_is_loaded(
    cluster: Cluster, tmp_path: Path
):
    not_a_folder = tmp_path / "results"
    not_a_folder.write_text("a file where the results folder should be")
    db = tmp_path / "warehouse" / "chitieu.duckdb"
    with workers(cluster, tmp_path, tmp_path / "unused", "host-a"):
        parent_id = start_parent(cluster, db, not_a_folder)
        run = wait_for(cluster, parent_id)
        children = children_of(cluster, parent_id)
        deadline = time.monotonic() + 30  # the children still pending are being stopped
        while time.monotonic() < deadline and not all(
            c["state_type"] in TERMINAL for c in children
        ):
            time.sleep(0.5)
            children = children_of(cluster, parent_id)

    assert run["state_type"] == "FAILED"
    message = run["state"]["message"]
    failed = r"partition \d of 3 \(100 files, .*\) failed: NotADirectoryError: .*Not a directory"
    assert re.search(failed, message), message
    assert {c["state_type"] for c in children} <= {"FAILED", "CANCELLED"}
    assert "FAILED" in {c["state_type"] for c in children}
    assert not db.exists() or loads(db) == [], "nothing loaded from a failed run"


def test_run_with_dask_extracts_on_the_dask_workers_and_loads_the_same_facts(
    cluster: Cluster, tmp_path: Path
):
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = cluster.env
    procs: list[subprocess.Popen] = []
    try:
        scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
        procs.append(
            start_process(
                [*scheduler, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                log_path=tmp_path / "scheduler.log",
            )
        )
        for name in ("dask-a", "dask-b"):
            folder = tmp_path / name
            folder.mkdir()
            worker = [sys.executable, "-m", "distributed.cli.dask_worker", address]
            worker += ["--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"]
            worker += ["--name", name, "--local-directory", str(folder)]
            procs.append(_start_in(worker, env, folder, folder / "worker.log"))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)

            db = tmp_path / "dask.duckdb"
            more = tmp_path / "more"  # 600 reports: three batches of 250 to spread
            generate(more, 2 * REPORTS, seed=11, changed_fraction=0)
            run = [sys.executable, "-m", "flows", "run", str(more / "base"), "--db", str(db)]
            out = _check([*run, "--dask", address, "--json"], env, timeout=300)
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
        summary = json.loads(out.strip().splitlines()[-1])
        plain = tmp_path / "plain.duckdb"
        _check([*run[:-1], str(plain), "-q"], env, timeout=300)
    finally:
        for proc in reversed(procs):
            kill_tree(proc)
    assert summary["inserted"] == len(facts(db)) > 2 * REPORTS
    assert facts(db) == facts(plain)
    assert sorted(executed.values())[0] >= 1, f"a Dask worker ran nothing: {executed}"
    assert sum(executed.values()) >= 3, executed
