"""The wheel is complete: installed outside the checkout, `chitieu run` loads the seed's facts
with their indicator and province (the reference data and the SQL travel with the package)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT
from tests.conftest import SEED_REPORTS

UV = PROJECT_ROOT / ".tools" / "bin" / "uv"


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert out.returncode == 0, f"{args[:3]}: {out.stderr[-2000:]}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not UV.exists():
        pytest.skip("uv is installed by `make install` into .tools/")
    dist = tmp_path_factory.mktemp("dist")
    run(UV, "build", "--wheel", "--out-dir", dist, PROJECT_ROOT)
    [built] = dist.glob("chitieu-*.whl")
    return built


def test_the_wheel_carries_the_sql_and_the_reference_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, source in (
        ("flows/_data/sql", PROJECT_ROOT / "sql"),
        ("flows/_data/reference", PROJECT_ROOT / "seeds" / "reference"),
    ):
        expected = {
            f"{folder}/{p.relative_to(source).as_posix()}" for p in source.rglob("*") if p.is_file()
        }
        assert expected <= names


@pytest.mark.slow
def test_installed_from_the_wheel_run_loads_the_seed_facts_with_indicator_and_area(
    wheel: Path, tmp_path: Path
):
    venv = tmp_path / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    run(UV, "pip", "install", "--offline", "--no-deps", "--python", python, wheel)
    # the dependencies: those of this environment (installing them again needs the network)
    [site] = (venv / "lib").glob("python*/site-packages")
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    shutil.copytree(SEED_REPORTS, work / "reports")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHITIEU_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PREFECT_HOME"] = str(tmp_path / "prefect")

    where = run(python, "-c", "import flows; print(flows.__file__)", cwd=work, env=env)
    assert where.stdout.startswith(str(site)), "the installed package, not the checkout"
    version = run(venv / "bin" / "chitieu", "--version", cwd=work, env=env)
    assert version.stdout.startswith("chitieu ")
    out = run(
        venv / "bin" / "chitieu", "run", "reports", "--db", "x.duckdb", "--json", cwd=work, env=env
    )
    assert json.loads(out.stdout)["inserted"] == 3
    facts = run(
        venv / "bin" / "chitieu", "query", "--db", "x.duckdb", "--format", "jsonl",
        "SELECT indicator, area_code FROM observations_current",
        cwd=work, env=env,
    )  # fmt: skip
    rows = [json.loads(line) for line in facts.stdout.splitlines()]
    assert len(rows) == 3
    assert all(r["indicator"] and r["area_code"] for r in rows)
