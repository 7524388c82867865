"""One settings object for paths and options; environment variables override the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (or installed tree) that holds `sql/` and `seeds/`."""

PACKAGE_DATA = Path(__file__).resolve().parent / "_data"
"""Where an installed wheel keeps `sql/` and the reference data (see pyproject.toml)."""


def _bundled(checkout: Path, packaged: Path) -> Path:
    """A data folder of the checkout when there is one, else the copy in the installed package."""
    if checkout.is_dir() or not packaged.is_dir():
        return checkout
    return packaged


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


def env_count(name: str, default: int) -> int:
    """A positive whole number from the environment; a clear error for anything else."""
    return parse_count(name, os.environ.get(name), default)


def parse_count(name: str, raw: str | None, default: int) -> int:
    """The value of setting `name` as a positive whole number (`_` between digits allowed),
    `default` when unset or empty; `ValueError` naming the setting for anything else."""
    value = (raw or "").strip().replace("_", "")
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {value[:40]!r}")
    return number


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
        default_factory=lambda: _env_path(
            "CHITIEU_REFERENCE",
            _bundled(PROJECT_ROOT / "seeds" / "reference", PACKAGE_DATA / "reference"),
        )
    )
    sql_dir: Path = field(
        default_factory=lambda: _bundled(PROJECT_ROOT / "sql", PACKAGE_DATA / "sql")
    )
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
    # input limits (flows/limits.py): what one file may cost, whatever it holds
    max_file_mb: int = field(default_factory=lambda: env_count("CHITIEU_MAX_FILE_MB", 100))
    """Bytes read from one input file, in MiB."""
    max_unzipped_mb: int = field(default_factory=lambda: env_count("CHITIEU_MAX_UNZIPPED_MB", 100))
    """Bytes one .docx file may expand to when unzipped, in MiB."""
    max_chars: int = field(default_factory=lambda: env_count("CHITIEU_MAX_CHARS", 50_000_000))
    """Characters of text in one document."""
    max_evidence_chars: int = field(
        default_factory=lambda: env_count("CHITIEU_MAX_EVIDENCE_CHARS", 600)
    )
    """A fact's evidence (`text`): its sentence, or a window of this size around the number."""


def get_settings() -> Settings:
    """The settings as the environment says now (tests point CHITIEU_DB at tmp_path)."""
    return Settings()
