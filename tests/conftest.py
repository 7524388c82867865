"""Shared fixtures: a real Prefect test server for the session, and report folders in tmp_path."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

# The test session's own Prefect home, set before anything imports Prefect: the flow runs of
# the tests (embedded servers of `chitieu run`, profiles, the local database) never reach the
# user's ~/.prefect, nor a server the user's environment or profile points at.
PREFECT_HOME = Path(tempfile.mkdtemp(prefix="chitieu-tests-prefect-"))
os.environ["PREFECT_HOME"] = str(PREFECT_HOME)
for _name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
    os.environ.pop(_name, None)

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORTS = ROOT / "seeds" / "reports"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The session's Prefect home goes with the session."""
    shutil.rmtree(PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One real (temporary) Prefect server and database for every flow run of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse file in tmp_path, also set as CHITIEU_DB."""
    path = tmp_path / "warehouse" / "chitieu.duckdb"
    path.parent.mkdir()
    monkeypatch.setenv("CHITIEU_DB", str(path))
    return path


def write_report(folder: Path, name: str, text: str) -> Path:
    """A UTF-8 report file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
