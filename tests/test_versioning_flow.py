"""Issue 4's versioning steps through the real Prefect flow, on a warehouse file in tmp_path.

The load-level cases are in test_warehouse.py; here
real report files go through extraction, validation and the load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.integrity import known_schema_version
from flows.settings import PROJECT_ROOT
from flows.warehouse import query, run_checks

SEED = next((PROJECT_ROOT / "seeds" / "reports").glob("*.txt"))
OTHER = (
    "Báo cáo kinh tế - xã hội tỉnh Bắc Giang năm 2022.\n\n"
    "Năm 2022, tổng thu ngân sách nhà nước trên địa bàn tỉnh Bắc Giang đạt 12.500 tỷ đồng.\n\n"
    "Tỷ lệ hộ nghèo của tỉnh Bắc Giang giảm còn 2,1%.\n"
)


pytestmark = pytest.mark.usefixtures("prefect_harness")


def rows(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)[1]


def last_load(db: Path) -> tuple[int, int, int]:
    [counts] = rows(
        db, "SELECT inserted, closed, unchanged FROM loads ORDER BY load_id DESC LIMIT 1"
    )
    return counts


def test_versioning_through_the_flow(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.etl import chitieu_etl

    reports = tmp_path / "reports"
    monkeypatch.setenv("CHITIEU_REPORTS", str(reports))  # sources relative to the reports root
    reports.mkdir()
    seed = reports / SEED.name
    shutil.copy(SEED, seed)
    (reports / "bac_giang_2022.txt").write_text(OTHER, encoding="utf-8")

    def run(full: bool = False) -> tuple[int, int, int]:
        chitieu_etl([str(reports)], str(db_path), full=full)
        return last_load(db_path)

    # 1. First run: every fact current, all inserted.
    inserted, closed, unchanged = run()
    [(n,)] = rows(db_path, "SELECT count(*) FROM observations_current")
    n_other = rows(
        db_path,
        "SELECT count(*) FROM observations_current WHERE source = 'bac_giang_2022.txt'",
    )[0][0]
    assert n >= 4 and n_other >= 1
    assert (inserted, closed, unchanged) == (n, 0, 0)

    # 2. The same run again: nothing inserted or closed, all recorded as unchanged.
    assert run() == (0, 0, n)

    # 3. One number changed: exactly that fact closed and a new version opened.
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("19.436", "19.536"), encoding="utf-8")
    assert run() == (1, 1, n - 1)
    assert rows(db_path, "SELECT value FROM observations WHERE valid_to IS NOT NULL") == [
        (19436.0,)
    ]
    assert rows(
        db_path,
        "SELECT value FROM observations_current WHERE indicator = 'labour.vocational_enrolment'",
    ) == [(19536.0,)]

    # 4. A sentence with a new figure: new facts, nothing closed.
    seed.write_text(
        seed.read_text(encoding="utf-8")
        + "\n\nNăm 2022, toàn tỉnh đã giải quyết việc làm cho 15.000 lao động.\n",
        encoding="utf-8",
    )
    inserted, closed, unchanged = run()
    assert inserted >= 1 and closed == 0 and unchanged == n
    [(n,)] = rows(db_path, "SELECT count(*) FROM observations_current")

    # 5. A report gone from the folder: kept by default, closed (not deleted) with --full.
    (reports / "bac_giang_2022.txt").unlink()
    assert run() == (0, 0, n - n_other)
    assert run(full=True) == (0, n_other, n - n_other)
    assert rows(
        db_path,
        "SELECT count(*), count(valid_to) FROM observations WHERE source = 'bac_giang_2022.txt'",
    ) == [(n_other, n_other)]

    # (6, a new extractor version, is the test below.)
    # 7. As of load 1 / 2 the warehouse said 19436; as of load 3 it says 19536.
    enrolment = "WHERE indicator = 'labour.vocational_enrolment'"
    for k, value in [(1, 19436.0), (2, 19436.0), (3, 19536.0)]:
        assert rows(db_path, f"SELECT value FROM observations_as_of({k}) {enrolment}") == [(value,)]

    # Every rule of sql/checks holds on what the real flow wrote.
    assert {name: found for name, found in run_checks(db_path).items() if found} == {}


def test_a_new_extractor_version_versions_only_the_facts_it_reads_differently(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 6: every file is read again by the new version (its version differs from the one
    recorded), and only the facts whose content changed get a new version."""
    import dataclasses

    from flows import etl, frames

    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEED, reports / SEED.name)
    (reports / "bac_giang_2022.txt").write_text(OTHER, encoding="utf-8")
    etl.chitieu_etl([str(reports)], str(db_path), workers=1)
    [(n,)] = rows(db_path, "SELECT count(*) FROM observations_current")

    reads = frames.extract_document

    def next_version_reads(doc):  # the next version reads "hiện có" as an approximation
        facts, province = reads(doc)
        return [
            dataclasses.replace(o, approx=True, qualifier="hiện có")
            if o.indicator == "education.vocational_institutions"
            else o
            for o in facts
        ], province

    monkeypatch.setattr(frames, "extract_document", next_version_reads)
    monkeypatch.setattr(frames, "EXTRACTOR_VERSION", "next")
    monkeypatch.setattr(etl, "EXTRACTOR_VERSION", "next")
    summary = etl.chitieu_etl([str(reports)], str(db_path), workers=1)

    assert summary["skipped_unchanged"] == 0, "a new extractor version reads every file again"
    assert last_load(db_path) == (1, 1, n - 1)
    assert rows(
        db_path,
        "SELECT approx, valid_to IS NULL FROM observations "
        "WHERE indicator = 'education.vocational_institutions' ORDER BY valid_from",
    ) == [(False, False), (True, True)]
    assert {name: found for name, found in run_checks(db_path).items() if found} == {}


def test_a_warehouse_read_before_bases_is_migrated_and_its_changes_versioned(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written by the extractor before bases were read (schema 2, version 0.2.0, no
    base_period column) is migrated in place by the next real run; the changes it now reads
    with a base get a new version (the history keeps the old reading), the rest is untouched."""
    import dataclasses

    import duckdb

    from flows import etl, frames

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "ha_nam_2023.txt").write_text(
        "Năm 2023, thu ngân sách tỉnh Hà Nam đạt 5.000 tỷ đồng, tăng 8% so với năm 2022.\n",
        encoding="utf-8",
    )
    reads, version = frames.extract_document, frames.EXTRACTOR_VERSION

    def before_bases(doc):
        facts, province = reads(doc)
        return [dataclasses.replace(o, base_period=None) for o in facts], province

    with monkeypatch.context() as m:
        m.setattr(frames, "extract_document", before_bases)
        m.setattr(frames, "EXTRACTOR_VERSION", "0.2.0")
        m.setattr(etl, "EXTRACTOR_VERSION", "0.2.0")
        etl.chitieu_etl([str(reports)], str(db_path), workers=1)
    con = duckdb.connect(str(db_path))
    try:  # what schema 2 held: no base, no date precision, migrations 3 and later not applied
        for name, kind in con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_type = 'VIEW' AND table_schema = 'main'"
        ).fetchall():
            con.execute(f'DROP {kind.split()[-1]} "{name}"')
        con.execute("DROP TABLE corrections")
        for table, column in [
            ("observations", "base_period"),
            ("observations", "correction_id"),
            ("documents", "published_precision"),
            ("documents", "source_path"),
            ("documents", "catalogue_hash"),
            ("loads", "kind"),
            ("rejects", "content_hash"),
        ]:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        con.execute("DELETE FROM schema_migrations WHERE version >= 3")
    finally:
        con.close()

    summary = etl.chitieu_etl([str(reports)], str(db_path), workers=1)

    assert frames.EXTRACTOR_VERSION == version != "0.2.0"
    assert summary["skipped_unchanged"] == 0, "a new extractor version reads every file again"
    assert rows(db_path, "SELECT max(version) FROM schema_migrations") == [
        (known_schema_version(),)
    ]
    assert last_load(db_path) == (1, 1, 1)  # the change versioned, the level unchanged
    assert rows(
        db_path,
        "SELECT measure, base_period, valid_to IS NULL, load_id FROM observations "
        "ORDER BY measure, load_id",
    ) == [("change_pct", None, False, 1), ("change_pct", "2022", True, 2), ("level", None, True, 1)]
    assert {name: found for name, found in run_checks(db_path).items() if found} == {}
