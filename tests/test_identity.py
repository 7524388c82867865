"""A report's identity in the warehouse does not depend on the folder passed: its URL, else
its path under the reports root, else its absolute path; the same text under another name is
reported, not loaded twice; a warehouse from before migration 004 keeps its sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.identity import path_key
from flows.warehouse import query, run_checks
from tests.conftest import SEED_REPORTS

SEED = next(SEED_REPORTS.glob("*.txt"))


def rows(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)[1]


def chitieu(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "flows", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_a_path_under_the_reports_root_is_relative_to_it_and_any_other_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    root = tmp_path / "reports"
    (root / "2023").mkdir(parents=True)
    assert path_key(root / "2023" / "a.txt", root) == "2023/a.txt"
    assert path_key(tmp_path / "other" / "a.txt", root) == (tmp_path / "other" / "a.txt").as_posix()
    monkeypatch.chdir(tmp_path)
    assert path_key(Path("reports/2023/a.txt"), root) == "2023/a.txt", "relative paths too"


@pytest.mark.slow
def test_running_the_parent_folder_finds_the_same_reports_unchanged(tmp_path: Path):
    parent = tmp_path / "data"
    reports = parent / "reports"
    reports.mkdir(parents=True)
    shutil.copy(SEED, reports / SEED.name)
    db = tmp_path / "w.duckdb"
    env = {"CHITIEU_REPORTS": str(reports), "PREFECT_HOME": str(tmp_path / "prefect")}

    first = chitieu("run", str(reports), "--db", str(db), "--json", env=env)
    second = chitieu("run", str(parent), "--db", str(db), "--json", env=env)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert json.loads(first.stdout)["inserted"] == 3
    summary = json.loads(second.stdout)
    assert (summary["skipped_unchanged"], summary["inserted"], summary["closed"]) == (1, 0, 0)
    assert rows(db, "SELECT DISTINCT source FROM observations") == [(SEED.name,)]
    assert rows(db, "SELECT max(n_documents) FROM indicator_values") == [(1,)]

    reread = chitieu("run", str(parent), "--db", str(db), "--json", "--reread", env=env)
    assert reread.returncode == 0, reread.stderr
    summary = json.loads(reread.stdout)
    assert (summary["skipped_unchanged"], summary["documents"], summary["inserted"]) == (0, 1, 0)


def test_outside_the_reports_root_a_report_is_known_by_its_absolute_path(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.etl import chitieu_etl

    monkeypatch.setenv("CHITIEU_REPORTS", str(tmp_path / "elsewhere"))
    reports = tmp_path / "parent" / "reports"
    reports.mkdir(parents=True)
    shutil.copy(SEED, reports / SEED.name)

    chitieu_etl([str(reports)], str(db_path))
    again = chitieu_etl([str(reports.parent)], str(db_path))

    assert rows(db_path, "SELECT DISTINCT source FROM observations") == [
        ((reports / SEED.name).as_posix(),)
    ]
    assert (again["skipped_unchanged"], again["inserted"]) == (1, 0)


def test_a_report_with_a_url_is_known_by_it_and_extract_still_names_the_file(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.etl import chitieu_etl

    reports = tmp_path / "reports"
    reports.mkdir()
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))
    shutil.copy(SEED, reports / "lang_son.txt")
    url = "https://langson.gov.vn/bao-cao-2022"
    (reports / "lang_son.meta.json").write_text(json.dumps({"url": url}), "utf-8")

    chitieu_etl([str(reports)], str(db_path))
    again = chitieu_etl([str(reports)], str(db_path))

    assert rows(db_path, "SELECT source, source_path, url FROM documents") == [
        (url, "lang_son.txt", url)
    ]
    assert rows(db_path, "SELECT DISTINCT source FROM observations") == [(url,)]
    assert rows(db_path, "SELECT files FROM loads ORDER BY load_id") == [(1,), (1,)]
    assert (again["skipped_unchanged"], again["inserted"]) == (1, 0)
    extracted = chitieu("extract", str(reports), env={})
    assert {json.loads(line)["source"] for line in extracted.stdout.splitlines()} == {
        "lang_son.txt"
    }


def test_the_same_text_under_another_name_is_reported_and_not_loaded_twice(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.etl import chitieu_etl

    reports = tmp_path / "reports"
    reports.mkdir()
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))
    shutil.copy(SEED, reports / SEED.name)
    chitieu_etl([str(reports)], str(db_path))
    shutil.copy(SEED, reports / "copy.txt")

    summary = chitieu_etl([str(reports)], str(db_path))

    assert summary["duplicates"] == [
        {"source": "copy.txt", "file": "copy.txt", "duplicate_of": SEED.name}
    ]
    assert summary["inserted"] == 0
    assert rows(db_path, "SELECT DISTINCT source FROM documents") == [(SEED.name,)]
    assert rows(db_path, "SELECT max(n_documents) FROM indicator_values") == [(1,)]
    from flows.cli import _identity_and_review_lines

    assert "duplicates       1" in _identity_and_review_lines(summary)[0]


def test_two_copies_read_in_one_run_load_once(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
):
    from flows.etl import chitieu_etl

    reports = tmp_path / "reports"
    reports.mkdir()
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))
    shutil.copy(SEED, reports / "a.txt")
    shutil.copy(SEED, reports / "b.txt")

    summary = chitieu_etl([str(reports)], str(db_path))

    assert [d["source"] for d in summary["duplicates"]] == ["b.txt"]
    assert rows(db_path, "SELECT DISTINCT source FROM observations") == [("a.txt",)]


def test_documents_province_is_the_province_the_extractor_found(
    tmp_path: Path, db_path: Path, prefect_harness: None
):
    from flows.etl import chitieu_etl

    chitieu_etl([str(SEED_REPORTS)], str(db_path))
    [(province,)] = rows(db_path, "SELECT province FROM documents")
    [(code,)] = rows(db_path, "SELECT DISTINCT area_code FROM observations")
    [(name,)] = rows(
        db_path, f"SELECT name FROM provinces WHERE code = '{code}' AND vintage = '2008-08-01'"
    )
    assert province == name


def downgrade_to_before_004(db: Path) -> None:
    """Make the file what a chitieu without migration 004 left: no corrections, no new
    columns (views and macros are recreated by every load)."""
    con = duckdb.connect(str(db))
    try:
        views = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' "
            "AND table_schema = 'main'"
        ).fetchall()
        for (view,) in views:
            con.execute(f'DROP VIEW IF EXISTS "{view}" CASCADE')
        con.execute("DROP MACRO TABLE IF EXISTS observations_as_of")
        con.execute("DROP MACRO TABLE IF EXISTS observations_at")
        con.execute("DROP TABLE corrections")
        con.execute("ALTER TABLE observations DROP COLUMN correction_id")
        con.execute("ALTER TABLE documents DROP COLUMN source_path")
        con.execute("ALTER TABLE documents DROP COLUMN catalogue_hash")
        con.execute("ALTER TABLE loads DROP COLUMN kind")
        con.execute("DELETE FROM schema_migrations WHERE version = 4")
    finally:
        con.close()


def test_an_older_warehouse_keeps_its_sources_and_is_not_doubled(tmp_path: Path):
    """Before 004 a source was relative to the folder passed ('reports/...'); the migration
    keeps it (and records it as the document's source_path); the next run, which knows the
    report by its new identity, reports it as a duplicate of the old source."""
    from tests.test_corrections import load_folder

    parent = tmp_path / "data"
    (parent / "reports").mkdir(parents=True)
    shutil.copy(SEED, parent / "reports" / SEED.name)
    db = tmp_path / "old.duckdb"
    load_folder(db, parent)  # the old behaviour: relative to the folder given
    downgrade_to_before_004(db)

    result = load_folder(db, parent / "reports")

    old = f"reports/{SEED.name}"
    assert rows(db, "SELECT source, source_path FROM documents") == [(old, old)]
    assert rows(db, "SELECT kind FROM loads ORDER BY load_id") == [("run",), ("run",)]
    assert result.duplicates == ((SEED.name, SEED.name, old),)
    assert (result.inserted, result.closed) == (0, 0)
    assert {name: found for name, found in run_checks(db).items() if found} == {}

    from flows.corrections import retract

    retract(db, old, reason="known by its path under the reports root now")
    moved = load_folder(db, parent / "reports")
    assert (moved.duplicates, moved.inserted) == ((), 3)
    assert rows(db, "SELECT DISTINCT source FROM observations_current") == [(SEED.name,)]


def test_two_files_giving_one_url_do_not_share_a_source():
    import polars as pl

    from flows.identity import with_identity

    documents = pl.DataFrame(
        {"source": ["a.txt", "b.txt", "c.txt"], "url": ["https://x.vn/1", "https://x.vn/1", " "]}
    )
    facts = pl.DataFrame({"source": ["a.txt", "b.txt", "c.txt"], "value": [1.0, 2.0, 3.0]})

    documents, facts = with_identity(documents, facts)

    assert documents["source"].to_list() == ["https://x.vn/1", "b.txt", "c.txt"]
    assert documents["source_path"].to_list() == ["a.txt", "b.txt", "c.txt"]
    assert facts["source"].to_list() == ["https://x.vn/1", "b.txt", "c.txt"]
