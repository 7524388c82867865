"""`chitieu run --dask` refuses, in one line, what cannot work (the run itself on a real
Dask cluster is in tests/test_distributed.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEED_REPORTS


def test_dask_without_a_prefect_server_is_refused_before_anything_runs(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "home"), CHITIEU_DASK="tcp://127.0.0.1:9")
    db = tmp_path / "chitieu.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "flows", "run", str(SEED_REPORTS), "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("chitieu: error: --dask tcp://127.0.0.1:9: ")
    assert "PREFECT_API_URL" in line
    assert not db.exists()
