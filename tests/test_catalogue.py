"""The catalogue as a user's tool: `chitieu catalogue` lists what the extractor knows, a
changed catalogue makes the next run read every report again (versioning only the facts that
now read differently), `run --reread` forces it, and a missing reference folder is an error."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT
from flows.warehouse import query, run_checks
from tests.conftest import SEED_REPORTS, write_report

REFERENCE = PROJECT_ROOT / "seeds" / "reference"
BUSES = "Năm 2023, số xe buýt điện của tỉnh Lạng Sơn đạt 120 chiếc.\n"
REVENUE = "Năm 2023, tổng thu ngân sách của tỉnh đạt 1.234 tỷ đồng.\n"


def chitieu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flows", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def csv_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)[1]


def test_catalogue_lists_every_indicator_with_its_phrases():
    out = chitieu("catalogue", "indicators", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    listed = {r["code"]: r for r in map(json.loads, out.stdout.splitlines())}
    expected = {r["code"]: r for r in csv_rows("indicators.csv")}
    assert set(listed) == set(expected)
    for code, row in expected.items():
        assert listed[code]["name_vi"] == row["name_vi"]
        assert listed[code]["phrases"].split(" | ") == [p for p in row["phrases"].split("|") if p]


@pytest.mark.parametrize(
    ("what", "filename"), [("units", "units.csv"), ("provinces", "provinces.csv")]
)
def test_catalogue_lists_units_and_provinces(what: str, filename: str):
    out = chitieu("catalogue", what, "--format", "csv")
    assert out.returncode == 0, out.stderr
    listed = list(csv.DictReader(out.stdout.splitlines()))
    assert [r["code"] for r in listed] == [r["code"] for r in csv_rows(filename)]


def test_catalogue_reads_the_configured_reference_folder(tmp_path: Path):
    reference = shutil.copytree(REFERENCE, tmp_path / "reference")
    with (reference / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("transport.electric_buses,Xe buýt điện,Electric buses,vehicle,xe buýt điện\n")
    out = chitieu("catalogue", "--format", "csv", env={"CHITIEU_REFERENCE": str(reference)})
    assert "transport.electric_buses" in out.stdout


@pytest.mark.parametrize("command", [["extract", str(SEED_REPORTS)], ["run"], ["catalogue"]])
def test_a_missing_reference_folder_is_one_line_and_exit_2(tmp_path: Path, command: list[str]):
    out = chitieu(*command, env={"CHITIEU_REFERENCE": str(tmp_path / "nowhere")})
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("chitieu: error: reference folder") and "nowhere" in line
    assert out.stdout == ""


def test_a_reference_folder_missing_a_file_names_it(tmp_path: Path):
    reference = shutil.copytree(REFERENCE, tmp_path / "reference")
    (reference / "units.csv").unlink()
    out = chitieu("extract", str(SEED_REPORTS), env={"CHITIEU_REFERENCE": str(reference)})
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert "units.csv" in line and "missing" in line


def test_a_reference_file_without_its_header_is_refused(tmp_path: Path):
    reference = shutil.copytree(REFERENCE, tmp_path / "reference")
    (reference / "indicators.csv").write_text("không phải CSV\n", encoding="utf-8")
    out = chitieu("extract", str(SEED_REPORTS), env={"CHITIEU_REFERENCE": str(reference)})
    assert out.returncode == 2
    assert "indicators.csv has no 'code' column" in out.stderr


def test_a_changed_catalogue_rereads_every_report_and_versions_only_what_reads_differently(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.etl import chitieu_etl

    reference = shutil.copytree(REFERENCE, tmp_path / "reference")
    monkeypatch.setenv("CHITIEU_REFERENCE", str(reference))
    reports = tmp_path / "reports"
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))
    write_report(reports, "buses.txt", BUSES + REVENUE)
    shutil.copy(next(SEED_REPORTS.glob("*.txt")), reports / "seed.txt")
    first = chitieu_etl([str(reports)], str(db_path))
    unchanged = chitieu_etl([str(reports)], str(db_path))
    assert unchanged["skipped_unchanged"] == 2

    with (reference / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("transport.electric_buses,Xe buýt điện,Electric buses,vehicle,xe buýt điện\n")
    changed = chitieu_etl([str(reports)], str(db_path))

    assert changed["skipped_unchanged"] == 0, "a new catalogue reads every report again"
    assert changed["catalogue_hash"] != first["catalogue_hash"]
    # the bus figure gets its indicator (a new key: the old row closed); nothing else moves
    assert (changed["inserted"], changed["closed"]) == (1, 1)
    assert rows(
        db_path,
        "SELECT value FROM observations_current WHERE indicator = 'transport.electric_buses'",
    ) == [(120.0,)]
    assert {name: found for name, found in run_checks(db_path).items() if found} == {}


def test_reread_reads_every_report_again_and_changes_nothing(
    tmp_path: Path, db_path: Path, prefect_harness: None
):
    from flows.etl import chitieu_etl

    chitieu_etl([str(SEED_REPORTS)], str(db_path))
    again = chitieu_etl([str(SEED_REPORTS)], str(db_path), reread=True)
    assert (again["skipped_unchanged"], again["documents"]) == (0, 1)
    assert (again["inserted"], again["closed"], again["unchanged"]) == (0, 0, 3)


def test_version_prints_the_version():
    from flows import __version__

    out = chitieu("--version")
    assert out.returncode == 0
    assert out.stdout.startswith(f"chitieu {__version__}")


def test_catalogue_doc_names_the_columns_of_indicators_csv():
    doc = (PROJECT_ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    header = (REFERENCE / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header in doc


@pytest.mark.parametrize("command", ["catalogue", "correct", "retract"])
def test_the_new_commands_have_help(command: str):
    out = chitieu(command, "--help")
    assert out.returncode == 0
    assert "Usage" in out.stdout
