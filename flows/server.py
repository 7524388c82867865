"""Local Prefect API servers, for when no PREFECT_API_URL is configured.

- `EmbeddedServer`: the temporary API one `chitieu run` talks to. Prefect would start the
  same server itself when the flow starts, after importing its server package (about 5 s
  more); started here first, before Prefect is imported, its start overlaps with the CLI's
  imports and reading of the inputs.
- `local_server`: `prefect server start` for `chitieu serve`. Scheduling needs a server that
  outlives one flow run (the temporary one refuses to schedule); it is stopped, with every
  process it spawned, when serving stops.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from tempfile import mkstemp

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
    import httpx  # here, not at the top: `chitieu run` starts its server before this import

    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s).is_success
    except httpx.HTTPError:
        return False


def wait_healthy(
    api_url: str,
    timeout_s: float = STARTUP_TIMEOUT_S,
    proc: subprocess.Popen | None = None,
    poll_s: float = 0.25,
) -> float:
    """Seconds until the API at `api_url` answered (asked every `poll_s`); `ServerError` if
    it did not in time or if `proc`, the server's process, exited first."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if is_healthy(api_url):
            return time.monotonic() - started
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"the Prefect server exited with status {proc.returncode}")
        time.sleep(poll_s)
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


EMBEDDED_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}
"""What Prefect sets for its own temporary server (no UI, ephemeral services), telemetry off."""

_SERVE_UNTIL_PARENT_EXITS = """\
import os, signal, sys, threading

def _watch():
    sys.stdin.buffer.read()  # end of file: the process that started the server is gone
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=_watch, daemon=True).start()
from uvicorn.main import main
sys.argv[0] = "uvicorn"
main()
"""
"""uvicorn's command line, plus a thread that stops the server when its parent dies by any
means (SIGKILL, a closed terminal): the parent holds the other end of the server's stdin."""
_ERROR_LINE = re.compile(r"^[\w.]*(?:Error|Exception)\b.*$", re.MULTILINE)


class EmbeddedServer:
    """Prefect's temporary API server (the uvicorn app Prefect itself starts when no API
    is configured), for one process: started by `start()`, stopped by `stop()` or at exit,
    and by itself when this process dies.

    It serves on a loopback socket opened here and handed over, so no other process can
    take its port meanwhile. Its database is the one of the Prefect settings
    (PREFECT_HOME), as for Prefect's own; its output goes to a temporary log, removed
    when it stops unless it failed to start.
    """

    def __init__(self) -> None:
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        fd, name = mkstemp(prefix="chitieu-prefect-", suffix=".log")
        os.close(fd)
        self.log = Path(name)
        self._keep_log = False

    @property
    def api_url(self) -> str:
        """The API address, `http://127.0.0.1:PORT/api`."""
        return f"http://{HOST}:{self.port}/api"

    @classmethod
    def start(cls) -> EmbeddedServer:
        """A server starting now in the background; `wait()` for it before use."""
        server = cls()
        atexit.register(server.stop)  # after Prefect drains its log and event queues
        server._launch()
        return server

    def _launch(self) -> None:
        """Start uvicorn with Prefect's API app on a listening loopback socket."""
        spec = importlib.util.find_spec("prefect")  # finds it without importing it
        site = Path(spec.origin).parent.parent if spec and spec.origin else Path.cwd()
        with socket.socket() as sock, self.log.open("ab") as log:
            sock.bind((HOST, 0))
            sock.listen(64)
            self.port = int(sock.getsockname()[1])
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SERVE_UNTIL_PARENT_EXITS,
                    "--app-dir",
                    str(site),
                    "--factory",
                    "prefect.server.api.server:create_app",
                    "--fd",
                    str(sock.fileno()),
                    "--log-level",
                    "error",
                    "--lifespan",
                    "on",
                ],
                pass_fds=(sock.fileno(),),
                env={**os.environ, **EMBEDDED_ENV},
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the CLI, which stops the server itself
            )

    def wait(self, timeout_s: float = STARTUP_TIMEOUT_S) -> str:
        """The API URL once the server answers `/health`; `ServerError` naming the reason
        and the kept log when it exits or does not answer in time."""
        if self.proc is None:
            raise ServerError("the temporary Prefect server was not started")
        try:
            wait_healthy(self.api_url, timeout_s, self.proc, poll_s=0.05)
        except ServerError:
            self._keep_log = True
            status = self.proc.poll()
            if status is None:
                self.stop()
                raise ServerError(
                    f"the temporary Prefect server did not answer within {timeout_s:.0f} s "
                    f"(log: {self.log})"
                ) from None
            raise ServerError(
                f"the temporary Prefect server exited with status {status}: "
                f"{self._reason()} (log: {self.log})"
            ) from None
        return self.api_url

    def _reason(self) -> str:
        """The last error the server logged (the end of its traceback), else its last line."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        errors = _ERROR_LINE.findall(text)
        lines = text.strip().splitlines()
        return (errors[-1] if errors else lines[-1] if lines else "no output").strip()

    def settings(self) -> AbstractContextManager[object]:
        """Prefect settings that send this process's flow runs to the server, once it answers.

        No UI is served, and the server stops with the process: no "View at" link is
        logged. No flow-run heartbeats: they tell a server that a run's process is still
        alive, and this server ends with that process (each flow run would otherwise
        wait up to a second at its end for its heartbeat thread)."""
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            PREFECT_UI_URL,
            temporary_settings,
        )

        api_url = self.wait()
        os.environ["PREFECT_API_URL"] = api_url  # for anything that reads the environment again
        return temporary_settings(
            updates={
                PREFECT_API_URL: api_url,
                PREFECT_UI_URL: "",
                PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
            }
        )

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s) and remove its log unless it
        failed to start; idempotent."""
        if self.proc is not None:
            proc, self.proc = self.proc, None
            if proc.stdin is not None:
                proc.stdin.close()
            if proc.poll() is None:
                stop_process_group(proc, timeout_s=5.0)
        if not self._keep_log:
            self.log.unlink(missing_ok=True)


def prefect_api(server: EmbeddedServer | None) -> AbstractContextManager[object]:
    """Where this process's flow runs report: the Prefect API configured in the environment
    or the Prefect profile (checked to answer), else `server`, started before Prefect was
    imported (and so before the profile could be read), which is waited for; it is stopped
    at once when an API is configured. `ServerError` when neither is usable."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    url = PREFECT_API_URL.value()
    if url or server is None or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        if server is not None:
            server.stop()
        if url:
            check_api(url)
        elif not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
            raise ServerError(
                "no Prefect API: set PREFECT_API_URL, or allow the embedded server "
                "(PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=true)"
            )
        return nullcontext()
    return server.settings()


def check_api(url: str) -> None:
    """`ServerError` when the Prefect API at `url` does not answer its health check."""
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        raise ServerError(
            f"cannot reach the Prefect API at {url} ({type(exc).__name__}); "
            "unset PREFECT_API_URL (or `prefect config unset PREFECT_API_URL`) "
            "to use the embedded server"
        ) from None
