"""One real Prefect flow run end to end: reports in, versioned facts in a DuckDB file.

Runs under the session's `prefect_test_harness`; every assertion is SQL on the
real warehouse file in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.etl import chitieu_etl
from tests.conftest import SEED_REPORTS, write_report

pytestmark = pytest.mark.usefixtures("prefect_harness")


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_seed_report_loads_its_facts_and_a_second_run_inserts_nothing(db_path: Path):
    first = chitieu_etl([str(SEED_REPORTS)], str(db_path))
    assert first["files"] == 1 and first["documents"] == 1
    assert first["inserted"] == first["facts"] == 3
    assert first["rejected"] == 0

    assert rows(db_path, "SELECT count(*) FROM documents") == [(1,)]
    assert rows(
        db_path,
        "SELECT indicator, value, unit, measure, period, area_code FROM observations "
        "WHERE valid_to IS NULL ORDER BY start",
    ) == [
        ("labour.vocational_enrolment", 19436.0, "person", "level", "2022", "20"),
        ("labour.trained_share", 60.0, "percent", "level", "2022", "20"),
        ("education.vocational_institutions", 2.0, "institution", "level", None, "20"),
    ]
    (load,) = rows(db_path, "SELECT inserted, rejected, files, flow_run_id FROM loads")
    assert load[:3] == (3, 0, 1)
    assert load[3] == first["flow_run_id"] and load[3]

    second = chitieu_etl([str(SEED_REPORTS)], str(db_path))
    assert second["inserted"] == 0 and second["closed"] == 0
    assert second["skipped_unchanged"] == 1
    assert rows(db_path, "SELECT count(*) FROM observations") == [(3,)]
    assert rows(db_path, "SELECT inserted, unchanged FROM loads ORDER BY load_id") == [
        (3, 0),
        (0, 3),
    ]


def test_a_bad_file_is_rejected_with_its_reason_and_the_others_still_load(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    reports = tmp_path / "reports"
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))  # sources relative to the reports root
    write_report(reports, "tot.txt", "Năm 2023, tổng thu ngân sách của tỉnh đạt 1.234 tỷ đồng.")
    (reports / "rong.txt").write_bytes(b"")
    (reports / "anh.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))

    summary = chitieu_etl([str(reports)], str(db_path))

    assert summary["documents"] == 1
    assert summary["rejected_files"] == 2
    assert rows(db_path, "SELECT DISTINCT source FROM observations") == [("tot.txt",)]
    rejected = dict(rows(db_path, "SELECT source, reason FROM rejects ORDER BY source"))
    assert set(rejected) == {"anh.txt", "rong.txt"}
    assert all(reason for reason in rejected.values())
