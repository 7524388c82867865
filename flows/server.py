"""A real local Prefect server, for `chitieu serve` when no PREFECT_API_URL is configured.

Scheduling needs a server that outlives one flow run (the embedded ephemeral server
refuses to schedule), so `serve` starts `prefect server start` on 127.0.0.1 and
stops it, with every process it spawned, when serving stops.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 90.0
"""How long a starting server may take to answer /api/health (about 5-10 s usually)."""


class ServerError(Exception):
    """The Prefect server could not be reached or started; the message is one line."""


def free_port(host: str = HOST) -> int:
    """A TCP port on `host` that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def is_healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    """Whether the Prefect API at `api_url` answers its health check."""
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s).is_success
    except httpx.HTTPError:
        return False


def wait_healthy(
    api_url: str, timeout_s: float = STARTUP_TIMEOUT_S, proc: subprocess.Popen | None = None
) -> float:
    """Seconds until the API at `api_url` answered; `ServerError` if it did not in time
    or if `proc`, the server's process, exited first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if is_healthy(api_url):
            return time.monotonic() - started
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"the Prefect server exited with status {proc.returncode}")
        time.sleep(0.25)
    raise ServerError(f"the Prefect server at {api_url} did not answer within {timeout_s:.0f} s")


def start_process(
    args: list[str], env: Mapping[str, str] | None = None, log_path: Path | None = None
) -> subprocess.Popen:
    """`args` started in a new process group (so it can be stopped with its children),
    its output appended to `log_path` or discarded."""
    out = log_path.open("ab") if log_path else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            args,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log_path:
            out.close()  # the child holds its own descriptor


def stop_process_group(proc: subprocess.Popen, timeout_s: float = 15.0) -> None:
    """Stop `proc` and every process of its group: SIGTERM, then SIGKILL for whatever
    is left after `timeout_s`."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        proc.poll()
        return
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout_s)
    with suppress(ProcessLookupError):  # the leader's children, or the leader itself
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)


def prefect_command() -> list[str]:
    """The `prefect` command of the running interpreter's environment."""
    return [sys.executable, "-m", "prefect"]


@contextmanager
def local_server(
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log_path: Path | None = None,
    timeout_s: float = STARTUP_TIMEOUT_S,
) -> Iterator[tuple[str, int]]:
    """A `prefect server start` on 127.0.0.1 for the duration of the block; yields its
    API URL and process id. Analytics are off; the database is the one under PREFECT_HOME."""
    port = port or free_port()
    server_env = dict(os.environ if env is None else env)
    server_env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    server_env.pop("PREFECT_API_URL", None)
    proc = start_process(
        [*prefect_command(), "server", "start", "--host", HOST, "--port", str(port)],
        env=server_env,
        log_path=log_path,
    )
    try:
        api_url = f"http://{HOST}:{port}/api"
        wait_healthy(api_url, timeout_s, proc)
        yield api_url, proc.pid
    finally:
        stop_process_group(proc)
