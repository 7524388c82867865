"""The partitioned run on this machine: a Prefect server, a process work pool, 1 or 2
workers, the deployment `chitieu-etl-partitioned/partitioned` of `prefect.yaml`, against a
plain `chitieu run` on the same server over the same reports.

On one machine the workers share its cores, so this measures what partitioning costs
(child flow runs, Parquet hand-off, one load), not what more hosts gain. Each worker gets
cores / workers extraction processes, so that both setups use the same cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from flows.server import local_server, start_process, stop_process_group

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POOL = "chitieu-pool"
PARENT = "chitieu-etl-partitioned/partitioned"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class DistributedRun:
    """One partitioned run (or the plain run it is compared with)."""

    mode: str
    workers: int
    partitions: int
    wall_s: float
    facts: int
    child_start_s: list[float] = field(default_factory=list)
    """Per child: from its creation to its flow starting (worker pick-up, process, imports)."""
    child_run_s: list[float] = field(default_factory=list)
    """Per child: from its flow starting to its end (extract, validate, write Parquet)."""


def _seconds(start: str | None, end: str | None) -> float:
    """Seconds between two API timestamps."""
    if not start or not end:
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _prefect(env: dict[str, str], *args: str) -> None:
    """A `prefect` command from the project root, which must succeed."""
    out = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if out.returncode != 0:
        raise RuntimeError(f"prefect {' '.join(args)}: {out.stdout[-1000:]}{out.stderr[-2000:]}")


@contextmanager
def pool_server(work: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A Prefect server with the pool and the partitioned deployments: the environment that
    points commands at it."""
    home = work / "distributed-prefect-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {**env, "PREFECT_HOME": str(home)}
    with local_server(env=env, log_path=work / "distributed-server.log", timeout_s=180) as (
        url,
        _,
    ):
        env = {**env, "PREFECT_API_URL": url}
        _prefect(env, "work-pool", "create", POOL, "--type", "process", "--overwrite")
        _prefect(env, "--no-prompt", "deploy", "-n", "partitioned", "-n", "partition")
        yield env


@contextmanager
def pool_workers(
    env: dict[str, str], work: Path, n: int, results: Path
) -> Iterator[list[subprocess.Popen]]:
    """`n` process workers, the first also serving the loader queue, one child at a time
    each; stopped on exit."""
    cores = os.cpu_count() or 1
    worker_env = {
        **env,
        "CHITIEU_RESULTS": str(results),
        "CHITIEU_WORKERS": str(max(1, cores // n)),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
    }
    procs: list[subprocess.Popen] = []
    try:
        for i in range(n):
            queues = ["-q", "loader", "-q", "default"] if i == 0 else ["-q", "default"]
            limit = "2" if i == 0 else "1"  # the first also runs the parent
            log = work / f"distributed-worker-{n}-{i}.log"
            procs.append(
                start_process(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL,
                     *queues, "--name", f"bench-{n}-{i}", "--limit", limit],
                    env=worker_env,
                    log_path=log,
                )
            )  # fmt: skip
        _wait_for_workers(env["PREFECT_API_URL"], n)
        yield procs
    finally:
        for proc in procs:
            stop_process_group(proc)


def _wait_for_workers(api: str, n: int, timeout_s: float = 120) -> None:
    """Until `n` workers of the pool are online."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = httpx.post(f"{api}/work_pools/{POOL}/workers/filter", json={}, timeout=10)
        if response.is_success and sum(w["status"] == "ONLINE" for w in response.json()) >= n:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{n} workers did not come online within {timeout_s:.0f} s")


def partitioned_run(
    env: dict[str, str],
    folder: Path,
    db: Path,
    results: Path,
    partition_size: int,
    workers: int,
    timeout_s: float = 1800,
) -> DistributedRun:
    """One flow run of the partitioned deployment, timed from its creation to its end."""
    api = env["PREFECT_API_URL"]
    deployment = httpx.get(f"{api}/deployments/name/{PARENT}", timeout=10).json()
    params = {
        "paths": [str(folder)],
        "db_path": str(db),
        "partition_size": partition_size,
        "results_dir": str(results),
    }
    started = time.perf_counter()
    created = httpx.post(
        f"{api}/deployments/{deployment['id']}/create_flow_run",
        json={"parameters": params},
        timeout=10,
    )
    created.raise_for_status()
    run_id = created.json()["id"]
    deadline = time.monotonic() + timeout_s
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = httpx.get(f"{api}/flow_runs/{run_id}", timeout=10).json()
        if run["state_type"] in TERMINAL:
            break
        time.sleep(0.2)
    wall = time.perf_counter() - started
    if run.get("state_type") != "COMPLETED":
        raise RuntimeError(f"partitioned run ended {run.get('state_type')}: {run.get('state')}")
    children = httpx.post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": {"parent_flow_run_id": {"any_": [run_id]}}},
        timeout=10,
    ).json()
    result = DistributedRun("partitioned", workers, len(children), wall, _facts(db))
    for child in children:
        result.child_start_s.append(_seconds(child["created"], child["start_time"]))
        result.child_run_s.append(_seconds(child["start_time"], child["end_time"]))
    return result


def _facts(db: Path) -> int:
    """Current facts in a warehouse."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        [(n,)] = con.execute("SELECT count(*) FROM observations_current").fetchall()
    finally:
        con.close()
    return int(n)


def measure(
    folder: Path,
    work: Path,
    env: dict[str, str],
    partition_size: int,
    worker_counts: tuple[int, ...] = (1, 2),
) -> list[DistributedRun]:
    """The plain run and the partitioned run with each number of workers, all against the
    same Prefect server, each into an empty warehouse."""
    runs: list[DistributedRun] = []
    db_dir = work / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        server_env = stack.enter_context(pool_server(work, env))
        plain_db = db_dir / "distributed_plain.duckdb"
        _reset(plain_db)
        cli = [str(Path(sys.executable).parent / "chitieu"), "run", str(folder)]
        started = time.perf_counter()
        out = subprocess.run(
            [*cli, "--db", str(plain_db), "--json"],
            env=server_env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        wall = time.perf_counter() - started
        if out.returncode not in (0, 1):
            raise RuntimeError(f"chitieu run: exit {out.returncode}: {out.stderr[-2000:]}")
        runs.append(DistributedRun("plain chitieu run", 1, 0, wall, _facts(plain_db)))
        for n in worker_counts:
            results = work / f"distributed-results-{n}"
            db = db_dir / f"distributed_{n}.duckdb"
            _reset(db)
            with pool_workers(server_env, work, n, results):
                runs.append(partitioned_run(server_env, folder, db, results, partition_size, n))
    return runs


def _reset(db: Path) -> None:
    """No warehouse at `db`."""
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
