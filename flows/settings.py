"""One settings object for paths and options; environment variables override the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (or installed tree) that holds `sql/` and `seeds/`."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@dataclass(frozen=True)
class Settings:
    """Where chitieu reads and writes, resolved once per command or flow run."""

    db_path: Path = field(
        default_factory=lambda: _env_path(
            "CHITIEU_DB", PROJECT_ROOT / "warehouse" / "chitieu.duckdb"
        )
    )
    reports_dir: Path = field(
        default_factory=lambda: _env_path("CHITIEU_REPORTS", PROJECT_ROOT / "seeds" / "reports")
    )
    reference_dir: Path = field(
        default_factory=lambda: _env_path("CHITIEU_REFERENCE", PROJECT_ROOT / "seeds" / "reference")
    )
    sql_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "sql")
    workers: int = field(
        default_factory=lambda: int(os.environ.get("CHITIEU_WORKERS", os.cpu_count() or 1))
    )
    results_dir: Path | None = field(
        default_factory=lambda: Path(v) if (v := os.environ.get("CHITIEU_RESULTS")) else None
    )
    """Shared folder where partitions of a partitioned run leave their results."""
    dask_address: str | None = field(default_factory=lambda: os.environ.get("CHITIEU_DASK") or None)
    """Scheduler of an existing Dask cluster that `chitieu run` extracts on (tcp://HOST:PORT)."""
    lock_timeout_s: float = field(
        default_factory=lambda: float(os.environ.get("CHITIEU_LOCK_TIMEOUT", "30"))
    )


def get_settings() -> Settings:
    """The settings as the environment says now (tests point CHITIEU_DB at tmp_path)."""
    return Settings()
