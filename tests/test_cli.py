"""The command line as a user meets it: JSON lines from `extract`, a read-only `query`,
and one-line errors with a non-zero exit for bad arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.observations import OBSERVATION_FIELDS
from tests.conftest import SEED_REPORTS, write_report

CHITIEU = [sys.executable, "-m", "flows"]


def chitieu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run([*CHITIEU, *args], capture_output=True, text=True, timeout=180, env=env)


def test_extract_prints_one_contract_record_per_line():
    out = chitieu("extract", str(SEED_REPORTS), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert records, "the seed report has facts"
    for record in records:
        assert tuple(record) == OBSERVATION_FIELDS
        assert record["source"] == "000_99cc5f84f4453255.txt"


def test_extract_of_a_file_names_the_source_by_its_file_name(tmp_path: Path):
    report = write_report(
        tmp_path / "in", "bao cáo.txt", "Năm 2023, thu ngân sách đạt 1.234 tỷ đồng."
    )
    out = chitieu("extract", str(report))
    assert out.returncode == 0, out.stderr
    assert {json.loads(line)["source"] for line in out.stdout.splitlines()} == {"bao cáo.txt"}


def test_extract_csv_has_a_header_of_the_contract_fields():
    out = chitieu("extract", str(SEED_REPORTS), "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == ",".join(OBSERVATION_FIELDS)


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "no/such/folder"],
        ["extract", str(SEED_REPORTS), "--format", "yaml"],
        ["run", "no/such/folder"],
        ["query"],
        ["query", "SELECT 1", "--format", "xml"],
        ["history", "--nope"],
        ["frobnicate"],
        ["extract"],
    ],
)
def test_bad_arguments_give_one_line_and_a_non_zero_exit(args: list[str]):
    out = chitieu(*args)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, "one clear line"
    assert lines[0].startswith("chitieu: ")


def test_a_missing_path_is_named_in_the_error():
    out = chitieu("extract", "no/such/folder")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "chitieu: error: no/such/folder: no such file or folder"
    ]


def test_query_without_a_warehouse_says_how_to_make_one(tmp_path: Path):
    out = chitieu("query", "SELECT 1", "--db", str(tmp_path / "none.duckdb"))
    assert out.returncode == 2
    assert "no warehouse yet" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_help_is_there_for_every_command():
    for command in ([], ["run"], ["extract"], ["query"], ["history"], ["serve"]):
        out = chitieu(*command, "--help")
        assert out.returncode == 0
        assert "Usage" in out.stdout


@pytest.fixture
def seed_warehouse(tmp_path: Path) -> Path:
    """A warehouse holding the seed report's facts, loaded by the real loader."""
    from flows.documents import discover
    from flows.frames import extract_batch, rejects_frame
    from flows.warehouse import load

    files, _ = discover([SEED_REPORTS])
    batch = extract_batch(files)
    db = tmp_path / "seed.duckdb"
    load(
        db,
        batch.documents,
        batch.observations,
        rejects_frame([]),
        sources=[f.source for f in files],
        code_version="test",
        extractor_version="test",
    )
    return db


def test_query_prints_rows_in_the_format_asked(seed_warehouse: Path):
    sql = "SELECT indicator, value FROM observations_current ORDER BY value"
    out = chitieu("query", sql, "--db", str(seed_warehouse), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == [
        {"indicator": "education.vocational_institutions", "value": 2.0},
        {"indicator": "labour.trained_share", "value": 60.0},
        {"indicator": "labour.vocational_enrolment", "value": 19436.0},
    ]


def test_query_runs_an_example_query_file(seed_warehouse: Path):
    out = chitieu(
        "query",
        "--file",
        "sql/queries/facts_per_indicator_and_province.sql",
        "--db",
        str(seed_warehouse),
        "--format",
        "csv",
    )
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) >= 2


def test_query_cannot_write_and_says_so_in_one_line(seed_warehouse: Path):
    out = chitieu("query", "DELETE FROM observations", "--db", str(seed_warehouse))
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        line for line in out.stderr.strip().splitlines() if "read-only" in line
    ]
    assert len(out.stderr.strip().splitlines()) == 1
    still = chitieu(
        "query",
        "SELECT count(*) AS n FROM observations",
        "--db",
        str(seed_warehouse),
        "--format",
        "csv",
    )
    assert still.stdout.splitlines() == ["n", "3"]


def test_history_shows_the_versions_of_a_source(seed_warehouse: Path):
    out = chitieu(
        "history",
        "--source",
        "000_99cc5f84f4453255.txt",
        "--db",
        str(seed_warehouse),
        "--format",
        "jsonl",
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 3
    assert all(r["valid_to"] is None for r in rows)


def test_query_reaches_neither_files_nor_the_network(seed_warehouse: Path, tmp_path: Path):
    target = tmp_path / "out.csv"
    out = chitieu("query", f"COPY (SELECT 1) TO '{target}'", "--db", str(seed_warehouse))
    assert out.returncode == 2
    assert not target.exists()
    assert len(out.stderr.strip().splitlines()) == 1


def test_an_empty_query_is_refused_in_one_line(seed_warehouse: Path):
    out = chitieu("query", "  ", "--db", str(seed_warehouse))
    assert out.returncode == 2
    assert out.stderr.strip() == "chitieu: error: no SQL statement given"
