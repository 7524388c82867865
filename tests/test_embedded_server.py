"""The temporary Prefect server of an ad-hoc `chitieu run`: started before Prefect is
imported, used by the flow run, and gone when the command ends, whatever way it ends.

Every test starts real servers (uvicorn with Prefect's API app) on loopback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from flows.server import EmbeddedServer, ServerError, free_port, is_healthy
from tests.conftest import SEED_REPORTS

pytestmark = pytest.mark.server


def _processes_with(marker: str) -> list[int]:
    """Process ids whose environment holds `marker` (children inherit the environment)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a `chitieu` command with its own Prefect home, no configured
    API, and a marker to find every process it started."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHITIEU_", "PREFECT_")) or k == "PREFECT_SERVER_ANALYTICS_ENABLED"
    }
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        TMPDIR=str(tmp_path),
        CHITIEU_TEST_MARKER=uuid.uuid4().hex,
        **extra,
    )
    return env


def _chitieu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_the_server_answers_once_started_and_is_gone_when_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    marker = uuid.uuid4().hex
    monkeypatch.setenv("CHITIEU_TEST_MARKER", marker)
    server = EmbeddedServer.start()
    try:
        api_url = server.wait(timeout_s=120)
        assert api_url == f"http://127.0.0.1:{server.port}/api"
        assert is_healthy(api_url)
        assert server.proc is not None
        assert _processes_with(marker) == [server.proc.pid], "found by its environment"
    finally:
        server.stop()
    assert _processes_with(marker) == []
    assert not is_healthy(api_url)
    assert (tmp_path / "prefect-home" / "prefect.db").exists(), "its database is PREFECT_HOME's"
    server.stop()  # a second stop (as at exit) is harmless


def test_a_server_that_cannot_start_is_one_error_with_its_reason_and_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("PREFECT_HOME", str(not_a_folder / "home"))
    server = EmbeddedServer.start()
    try:
        with pytest.raises(ServerError) as failed:
            server.wait(timeout_s=120)
    finally:
        server.stop()
    message = str(failed.value)
    assert message.startswith("the temporary Prefect server exited with status")
    assert "Error" in message, "the reason is the error the server logged"
    assert "Application startup failed" not in message
    assert f"(log: {server.log})" in message and server.log.exists(), "its log is kept"
    server.log.unlink()


def test_the_server_stops_by_itself_when_its_process_is_killed(tmp_path: Path):
    env = _cli_env(tmp_path)
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from flows.server import EmbeddedServer\n"
            "s = EmbeddedServer.start(); s.wait(120)\n"
            "print(s.proc.pid, flush=True)\n"
            "import time; time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert starter.stdout is not None
    server_pid = int(starter.stdout.readline())
    assert _processes_with(env["CHITIEU_TEST_MARKER"]) == sorted([starter.pid, server_pid])
    starter.kill()  # SIGKILL: no atexit, no signal handler
    starter.wait()
    deadline = time.monotonic() + 30
    while _processes_with(env["CHITIEU_TEST_MARKER"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(env["CHITIEU_TEST_MARKER"]) == []


def test_a_run_without_a_configured_api_leaves_no_server_behind(tmp_path: Path):
    env = _cli_env(tmp_path)
    out = _chitieu(env, "run", str(SEED_REPORTS), "--db", str(tmp_path / "w.duckdb"))
    assert out.returncode == 0, out.stderr
    assert "rows inserted    3" in out.stdout
    assert "Beginning flow run" in out.stderr, "Prefect's run log is shown"
    assert "View at" not in out.stderr, "no UI link to a server that is gone"
    assert _processes_with(env["CHITIEU_TEST_MARKER"]) == []
    assert not list(tmp_path.glob("chitieu-prefect-*.log")), "its log is removed"


def test_an_api_configured_in_a_profile_is_used_and_the_early_server_stopped(tmp_path: Path):
    profiles = tmp_path / "profiles.toml"
    unreachable = f"http://127.0.0.1:{free_port()}/api"
    profiles.write_text(
        f'active = "remote"\n\n[profiles.remote]\nPREFECT_API_URL = "{unreachable}"\n'
    )
    env = _cli_env(tmp_path, PREFECT_PROFILES_PATH=str(profiles))
    out = _chitieu(env, "run", str(SEED_REPORTS), "--db", str(tmp_path / "w.duckdb"))
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert unreachable in line, "the profile's API is the one the run tried"
    assert _processes_with(env["CHITIEU_TEST_MARKER"]) == []
    assert not (tmp_path / "w.duckdb").exists()


def test_ctrl_c_during_a_run_says_so_and_leaves_no_server_behind(tmp_path: Path):
    reports = tmp_path / "reports"
    reports.mkdir()
    seed = next(SEED_REPORTS.iterdir()).read_text(encoding="utf-8")
    for i in range(600):  # long enough to be interrupted mid-run
        (reports / f"r{i:03}.txt").write_text(seed.replace("2022", str(1900 + i % 120)))
    env = _cli_env(tmp_path)
    run = subprocess.Popen(
        [sys.executable, "-m", "flows", "run", str(reports), "--db", str(tmp_path / "w.duckdb")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert run.stderr is not None
    for line in run.stderr:
        if "Beginning flow run" in line:
            run.send_signal(signal.SIGINT)
            break
    rest = run.stderr.read()
    assert run.wait(timeout=60) == 130
    assert rest.strip().splitlines()[-1] == "chitieu: interrupted"
    assert "Traceback" not in rest
    assert _processes_with(env["CHITIEU_TEST_MARKER"]) == []
