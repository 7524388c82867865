"""The scheduled deployment, end to end, on real components: a `prefect server start` on
127.0.0.1, the deployment of `prefect.yaml`, a process worker, a flow run of the
deployment and the DuckDB file it wrote; and `chitieu serve` on the same server.

Every process started here runs in its own process group and is stopped at teardown,
whatever the outcome. Skipped by `make test-fast` (`-m "not server"`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from flows.server import is_healthy, local_server, start_process, stop_process_group
from tests.conftest import ROOT, SEED_REPORTS, write_report

pytestmark = pytest.mark.server

POOL = "chitieu-pool"
DEPLOYMENT = "chitieu-etl/daily"
SERVED = "chitieu-etl/served"
RUN_TIMEOUT_S = 90.0
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Server:
    """A running Prefect server and the environment that points commands at it."""

    api_url: str
    env: dict[str, str]
    home: Path


def _clean_env(home: Path) -> dict[str, str]:
    """This process's environment, minus chitieu and Prefect API settings, with its own
    PREFECT_HOME (so nothing reads or writes the user's Prefect database)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CHITIEU_") and k not in {"PREFECT_API_URL", "PREFECT_UI_URL"}
    }
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real Prefect server on a free port for this module, stopped at teardown."""
    home = tmp_path_factory.mktemp("prefect-home")
    env = _clean_env(home)
    with local_server(env=env, log_path=home / "server.log", timeout_s=60) as (api_url, _):
        yield Server(api_url, {**env, "PREFECT_API_URL": api_url}, home)


def prefect(server: Server, *args: str, timeout: float = 60) -> str:
    """Run a `prefect` command against the server from the project root; its output."""
    out = subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, f"prefect {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def api_get(server: Server, path: str) -> Any:
    """JSON of a GET on the server's API."""
    response = httpx.get(f"{server.api_url}{path}", timeout=10)
    response.raise_for_status()
    return response.json()


def wait_for_deployment(server: Server, name: str, timeout_s: float = 60) -> dict[str, Any]:
    """The deployment `flow/deployment` once something polls it for runs (bounded wait):
    for a served deployment, once the serving process is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = httpx.get(f"{server.api_url}/deployments/name/{name}", timeout=10)
        if response.status_code == 200 and response.json()["status"] == "READY":
            return response.json()
        time.sleep(0.5)
    raise AssertionError(f"deployment {name} was not polled within {timeout_s:.0f} s")


def wait_for_run(server: Server, run_id: str, timeout_s: float = RUN_TIMEOUT_S) -> dict[str, Any]:
    """The flow run once it reached a terminal state (bounded wait)."""
    deadline = time.monotonic() + timeout_s
    run: dict[str, Any] = {}
    while time.monotonic() < deadline:
        run = api_get(server, f"/flow_runs/{run_id}")
        if run["state_type"] in TERMINAL:
            return run
        time.sleep(0.5)
    raise AssertionError(f"flow run {run_id} still {run.get('state_type')} after {timeout_s:.0f} s")


def assert_daily_at_six_vietnam_time(deployment: dict[str, Any]) -> None:
    """One active schedule: cron 0 6 * * * in Asia/Ho_Chi_Minh, i.e. 23:00 UTC."""
    from prefect.server.schemas.schedules import CronSchedule

    [schedule] = deployment["schedules"]
    assert schedule["active"] is True
    assert schedule["schedule"]["cron"] == "0 6 * * *"
    assert schedule["schedule"]["timezone"] == "Asia/Ho_Chi_Minh"
    cron = CronSchedule(cron="0 6 * * *", timezone=schedule["schedule"]["timezone"])
    [next_run] = asyncio.run(cron.get_dates(1))
    assert (next_run.astimezone(UTC).hour, next_run.minute) == (23, 0)


def incoming_reports(folder: Path) -> Path:
    """A folder of incoming reports: the seed reports plus one short report."""
    folder.mkdir(parents=True)
    for report in SEED_REPORTS.iterdir():
        shutil.copy(report, folder / report.name)
    write_report(
        folder,
        "bac-ninh-2024.txt",
        "Năm 2024, kim ngạch xuất khẩu của tỉnh Bắc Ninh đạt 32,5 tỷ USD, "
        "tăng 12% so với năm 2023.",
    )
    return folder


def warehouse_counts(db: Path) -> tuple[int, int, str | None]:
    """(observations, loads, flow run id of the last load) of a warehouse file, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        [(observations,)] = con.execute("SELECT count(*) FROM observations").fetchall()
        [(loads, flow_run_id)] = con.execute(
            "SELECT count(*), max_by(flow_run_id, load_id) FROM loads"
        ).fetchall()
    finally:
        con.close()
    return observations, loads, flow_run_id


def test_the_deployment_runs_on_a_worker_and_loads_the_warehouse(server: Server, tmp_path: Path):
    reports = incoming_reports(tmp_path / "incoming")
    db = tmp_path / "warehouse" / "chitieu.duckdb"

    prefect(server, "work-pool", "create", POOL, "--type", "process")
    params = {"paths": [str(reports)], "db_path": str(db)}
    prefect(server, "--no-prompt", "deploy", "-n", "daily", "--params", json.dumps(params))

    deployment = api_get(server, f"/deployments/name/{DEPLOYMENT}")
    assert_daily_at_six_vietnam_time(deployment)
    assert deployment["work_pool_name"] == POOL
    assert deployment["parameters"] == {**params, "full": False}
    [pull] = deployment["pull_steps"]
    directory = pull["prefect.deployments.steps.set_working_directory"]["directory"]
    assert Path(directory).resolve() == ROOT.resolve(), "runs start in this checkout, no clone"

    created = prefect(server, "deployment", "run", DEPLOYMENT, "--param", "full=true")
    match = re.search(r"UUID: ([0-9a-f-]{36})", created)
    assert match, created
    run_id = match.group(1)

    worker_log = tmp_path / "worker.log"
    worker = start_process(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--run-once"],
        env=server.env,
        log_path=worker_log,
    )
    try:
        run = wait_for_run(server, run_id)
        worker.wait(timeout=30)
    finally:
        stop_process_group(worker)
    log = worker_log.read_text(errors="replace")
    assert run["state_type"] == "COMPLETED", f"{run['state_name']}\n{log[-4000:]}"
    assert run["parameters"]["full"] is True

    observations, loads, flow_run_id = warehouse_counts(db)
    assert observations > 0
    assert loads == 1
    assert flow_run_id == run_id


def test_serve_registers_the_schedule_and_runs_the_flow(server: Server, tmp_path: Path):
    reports = incoming_reports(tmp_path / "incoming")
    db = tmp_path / "served.duckdb"
    log = tmp_path / "serve.log"
    serve = start_process(
        [sys.executable, "-m", "flows", "serve", str(reports), "--db", str(db)],
        env={**server.env, "PREFECT_RUNNER_POLL_FREQUENCY": "1"},  # not every 10 s
        log_path=log,
    )
    try:
        deployment = wait_for_deployment(server, SERVED)
        assert_daily_at_six_vietnam_time(deployment)
        assert deployment["parameters"]["db_path"] == str(db)

        # The command serve prints works as printed, from a shell that knows no server
        # and has a Prefect home of its own (so no shared database can make it work).
        banner = re.search(r"a run now: (.+)$", log.read_text(), re.MULTILINE)
        assert banner, log.read_text(errors="replace")[-4000:]
        elsewhere = {k: v for k, v in server.env.items() if not k.startswith("PREFECT_")}
        elsewhere["PREFECT_HOME"] = str(tmp_path / "another-prefect-home")
        created = subprocess.run(
            banner.group(1), shell=True, capture_output=True, text=True, timeout=120,
            env=elsewhere, cwd=tmp_path,
        )  # fmt: skip
        assert created.returncode == 0, created.stdout + created.stderr
        match = re.search(r"UUID: ([0-9a-f-]{36})", created.stdout)
        assert match, created.stdout
        run_id = match.group(1)
        run = wait_for_run(server, run_id)
        assert run["state_type"] == "COMPLETED", log.read_text(errors="replace")[-4000:]
        assert warehouse_counts(db)[1:] == (1, run_id)

        os.killpg(serve.pid, signal.SIGINT)  # Ctrl-C
        assert serve.wait(timeout=30) == 130, log.read_text(errors="replace")[-4000:]
    finally:
        stop_process_group(serve)
    assert f"serving on the Prefect server at {server.api_url}" in log.read_text()
    assert "chitieu: interrupted" in log.read_text().splitlines()
    assert api_get(server, f"/deployments/{deployment['id']}")["paused"] is True


def test_serve_without_an_api_starts_its_own_server_and_stops_it(tmp_path: Path):
    env = _clean_env(tmp_path / "prefect-home")
    log = tmp_path / "serve.log"
    serve = start_process(
        [sys.executable, "-m", "flows", "serve", "--db", str(tmp_path / "chitieu.duckdb")],
        env=env,
        log_path=log,
    )
    started: re.Match[str] | None = None
    try:
        deadline = time.monotonic() + 60
        while started is None and time.monotonic() < deadline and serve.poll() is None:
            started = re.search(r"local Prefect server \(pid (\d+)\) at (\S+),", log.read_text())
            time.sleep(0.25)
        assert started, log.read_text(errors="replace")
        api_url = started.group(2)
        deployment = wait_for_deployment(Server(api_url, env, tmp_path), SERVED)
        assert_daily_at_six_vietnam_time(deployment)

        os.killpg(serve.pid, signal.SIGTERM)
        assert serve.wait(timeout=30) == 0, log.read_text(errors="replace")[-4000:]
        assert not is_healthy(api_url), "the server serve started is stopped with it"
    finally:
        stop_process_group(serve)
        if started:  # the server's own process group, in case serve could not stop it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(started.group(1)), signal.SIGKILL)
    assert "PREFECT_API_URL is not set" in log.read_text()
