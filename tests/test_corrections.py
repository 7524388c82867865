"""Corrections and retractions: made through the real command on a real warehouse, versioned
like any load, kept over re-reads of the same report, flagged when the report changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.documents import discover
from flows.frames import extract_batch, rejects_frame
from flows.identity import warehouse_inputs, with_identity
from flows.warehouse import LoadResult, WarehouseError, load, query, run_checks
from tests.conftest import SEED_REPORTS

SEED = next(SEED_REPORTS.glob("*.txt"))
ENROLMENT = "labour.vocational_enrolment"


def chitieu(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flows", *args], capture_output=True, text=True, timeout=180
    )


def load_folder(db: Path, folder: Path) -> LoadResult:
    """One load of every report in the folder, as the flow hands it to the warehouse."""
    files = warehouse_inputs(discover([folder])[0], folder)
    batch = extract_batch(files)
    documents, observations = with_identity(batch.documents, batch.observations)
    return load(
        db,
        documents,
        observations,
        rejects_frame([]),
        sources=[f.source for f in files],
        code_version="test",
        extractor_version="test",
        catalogue_hash="test",
    )


def rows(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)[1]


def checks_hold(db: Path) -> None:
    assert {name: found for name, found in run_checks(db).items() if found} == {}


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def db(tmp_path: Path, reports: Path) -> Path:
    path = tmp_path / "chitieu.duckdb"
    load_folder(path, reports)
    return path


def enrolment_key(db: Path) -> str:
    [(key,)] = rows(
        db, f"SELECT fact_key FROM observations_current WHERE indicator = '{ENROLMENT}'"
    )
    return key


def test_correct_closes_the_extracted_version_and_opens_a_corrected_one_with_who_when_why(
    db: Path,
):
    key = enrolment_key(db)
    out = chitieu(
        "correct", key, "--value", "19463", "--reason", "the table gives 19.463",
        "--author", "Lan", "--db", str(db),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "correction 1" in out.stdout

    versions = rows(
        db,
        f"SELECT value, valid_to IS NULL, correction_id, text FROM observations "
        f"WHERE fact_key = '{key}' ORDER BY valid_from",
    )
    assert [v[:3] for v in versions] == [(19436.0, False, None), (19463.0, True, 1)]
    assert versions[0][3] == versions[1][3], "the corrected version keeps its sentence"
    assert rows(db, "SELECT kind, fact_key, value, author, reason, status FROM corrections") == [
        ("correct", key, 19463.0, "Lan", "the table gives 19.463", "active")
    ]
    assert rows(db, "SELECT kind, inserted, closed FROM loads ORDER BY load_id") == [
        ("run", 3, 0),
        ("correction", 1, 1),
    ]
    history = chitieu("history", "--fact", key, "--db", str(db), "--format", "jsonl")
    assert history.returncode == 0, history.stderr
    shown = [json.loads(line) for line in history.stdout.splitlines()]
    assert [(r["value"], r["corrected_by"], r["correction_reason"]) for r in shown] == [
        (19436.0, None, None),
        (19463.0, "Lan", "the table gives 19.463"),
    ]
    assert shown[1]["corrected_at"] is not None
    checks_hold(db)


def test_a_correction_of_period_area_and_indicator_keeps_the_fact_key(db: Path):
    key = enrolment_key(db)
    out = chitieu(
        "correct", key, "--period", "2023", "--area-code", "24",
        "--indicator", "labour.trained_share", "--reason", "wrong year and province",
        "--db", str(db),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert rows(
        db,
        f"SELECT period, area_code, indicator, value FROM observations_current "
        f"WHERE fact_key = '{key}'",
    ) == [("2023", "24", "labour.trained_share", 19436.0)]
    checks_hold(db)


def test_a_reread_of_the_same_report_keeps_the_correction(db: Path, reports: Path):
    key = enrolment_key(db)
    assert (
        chitieu("correct", key, "--value", "19463", "--reason", "r", "--db", str(db)).returncode
        == 0
    )

    again = load_folder(db, reports)

    assert (again.inserted, again.closed, again.flagged) == (0, 0, ())
    assert rows(db, f"SELECT value FROM observations_current WHERE fact_key = '{key}'") == [
        (19463.0,)
    ]
    assert rows(db, "SELECT status FROM corrections") == [("active",)]
    checks_hold(db)


def test_a_report_that_now_reads_differently_flags_the_correction_and_is_versioned(
    db: Path, reports: Path
):
    key = enrolment_key(db)
    assert (
        chitieu("correct", key, "--value", "19463", "--reason", "r", "--db", str(db)).returncode
        == 0
    )
    report = reports / SEED.name
    report.write_text(report.read_text("utf-8").replace("19.436", "19.500"), "utf-8")

    again = load_folder(db, reports)

    assert again.flagged == ((1, "correct", SEED.name, key),)
    assert rows(
        db, f"SELECT value, correction_id FROM observations_current WHERE fact_key = '{key}'"
    ) == [(19500.0, None)]
    assert rows(db, "SELECT status, flagged_load_id FROM corrections") == [
        ("needs_review", again.load_id)
    ]
    checks_hold(db)


def test_a_second_correction_of_a_fact_corrects_the_same_extracted_version(db: Path, reports: Path):
    key = enrolment_key(db)
    for value in ("19463", "19464"):
        assert (
            chitieu("correct", key, "--value", value, "--reason", "r", "--db", str(db)).returncode
            == 0
        )
    assert rows(db, "SELECT DISTINCT extracted_row_hash FROM corrections") == rows(
        db, f"SELECT row_hash FROM observations WHERE fact_key = '{key}' AND correction_id IS NULL"
    )
    load_folder(db, reports)
    assert rows(db, f"SELECT value FROM observations_current WHERE fact_key = '{key}'") == [
        (19464.0,)
    ]


def test_retract_closes_every_fact_of_the_source_and_deletes_nothing(db: Path):
    out = chitieu(
        "retract", SEED.name, "--reason", "a draft, not the published report", "--db", str(db)
    )
    assert out.returncode == 0, out.stderr
    assert "3 facts" in out.stdout
    assert rows(db, "SELECT count(*) FROM observations_current") == [(0,)]
    assert rows(db, "SELECT count(*) FROM observations") == [(3,)]
    assert rows(db, "SELECT kind, source, fact_key, reason FROM corrections") == [
        ("retract", SEED.name, None, "a draft, not the published report")
    ]
    history = chitieu("history", "--source", SEED.name, "--db", str(db), "--format", "jsonl")
    shown = [json.loads(line) for line in history.stdout.splitlines()]
    assert {r["retraction_reason"] for r in shown} == {"a draft, not the published report"}
    checks_hold(db)


def test_a_retracted_source_stays_closed_when_the_same_file_is_read_again(db: Path, reports: Path):
    assert chitieu("retract", SEED.name, "--reason", "r", "--db", str(db)).returncode == 0

    again = load_folder(db, reports)

    assert (again.inserted, again.flagged) == (0, ())
    assert rows(db, "SELECT count(*) FROM observations_current") == [(0,)]
    assert rows(db, "SELECT status FROM corrections") == [("active",)]


def test_a_retracted_source_whose_file_changed_is_flagged_and_stays_closed(db: Path, reports: Path):
    assert chitieu("retract", SEED.name, "--reason", "r", "--db", str(db)).returncode == 0
    report = reports / SEED.name
    report.write_text(report.read_text("utf-8").replace("19.436", "19.500"), "utf-8")

    again = load_folder(db, reports)

    assert again.flagged == ((1, "retract", SEED.name, None),)
    assert rows(db, "SELECT count(*) FROM observations_current") == [(0,)]
    assert rows(db, "SELECT status FROM corrections") == [("needs_review",)]
    checks_hold(db)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["correct", "nosuchkey", "--value", "1", "--reason", "r"], "no current fact with key"),
        (["correct", "KEY", "--indicator", "no.such", "--reason", "r"], "unknown indicator"),
        (["correct", "KEY", "--period", "năm ngoái", "--reason", "r"], "cannot be read"),
        (["correct", "KEY", "--value", "19436", "--reason", "r"], "already states"),
        (["correct", "KEY", "--reason", "r"], "nothing to correct"),
        (["correct", "KEY", "--value", "1", "--reason", " "], "a reason is required"),
        (["retract", "no/such/source.txt", "--reason", "r"], "no current facts of source"),
    ],
)
def test_a_bad_correction_is_one_line_and_writes_nothing(db: Path, args: list[str], message: str):
    key = enrolment_key(db)
    before = rows(db, "SELECT count(*) FROM loads")
    out = chitieu(*[key if a == "KEY" else a for a in args], "--db", str(db))
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("chitieu: error: ") and message in line
    assert rows(db, "SELECT count(*) FROM loads") == before
    assert rows(db, "SELECT count(*) FROM corrections") == [(0,)]


def test_retracting_twice_is_refused(db: Path):
    from flows.corrections import retract

    retract(db, SEED.name, reason="r")
    with pytest.raises(WarehouseError, match="already retracted"):
        retract(db, SEED.name, reason="again")


def test_the_run_summary_names_corrections_to_review(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.corrections import correct
    from flows.etl import chitieu_etl

    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEED, reports / SEED.name)
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))
    chitieu_etl([str(reports)], str(db_path))
    key = enrolment_key(db_path)
    correct(db_path, key, value=19463, reason="r")
    report = reports / SEED.name
    report.write_text(report.read_text("utf-8").replace("19.436", "19.500"), "utf-8")

    summary = chitieu_etl([str(reports)], str(db_path))

    assert summary["needs_review"] == [
        {"correction_id": 1, "kind": "correct", "source": SEED.name, "fact_key": key}
    ]
    from flows.cli import _identity_and_review_lines

    assert any("needs review" in line for line in _identity_and_review_lines(summary))
