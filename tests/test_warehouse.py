"""The warehouse on real DuckDB files: versioning, as-of, reference data, views, checks, queries.

Reports are built here as text with facts at known offsets, the way the extractor
hands them over, so an edit to a report moves doc_id and offsets as it would for real.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.frames import DOCUMENT_SCHEMA, OBSERVATION_SCHEMA, REJECT_SCHEMA
from flows.settings import PROJECT_ROOT
from flows.warehouse import (
    LoadResult,
    WarehouseError,
    history,
    known_inputs,
    load,
    query,
    run_checks,
)

SQL_DIR = PROJECT_ROOT / "sql"


# ---------------------------------------------------------------- report builder


@dataclass(frozen=True)
class Fact:
    """One fact as the extractor would report it; `written` is how the text shows the number."""

    indicator: str | None
    value: float | None
    unit: str
    written: str
    subject: str
    measure: str = "level"
    period: str | None = "2022"
    area_code: str | None = "20"
    area: str = "tỉnh Lạng Sơn"
    approx: bool = False
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class Report:
    """A report: sentences, each a template with `{}` where its facts' numbers stand."""

    source: str
    sentences: list[tuple[str, tuple[Fact, ...]]] = field(default_factory=list)
    published: date | None = None
    title: str = "Báo cáo tình hình kinh tế - xã hội"

    def text_and_facts(self) -> tuple[str, list[tuple[Fact, int, int, str]]]:
        """The NFC text and each fact with its (start, end) and sentence."""
        text = ""
        found: list[tuple[Fact, int, int, str]] = []
        for template, facts in self.sentences:
            parts = template.split("{}")
            assert len(parts) == len(facts) + 1, template
            sentence = parts[0]
            spans = []
            for fact, rest in zip(facts, parts[1:], strict=True):
                spans.append((fact, len(sentence), len(sentence) + len(fact.written)))
                sentence += fact.written + rest
            base = len(text) + (1 if text else 0)
            text = f"{text} {sentence}" if text else sentence
            found += [(f, base + s, base + e, sentence) for f, s, e in spans]
        return text, found


def frames(
    reports: list[Report], extractor_version: str = "0.1.0"
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """documents, observations and (empty) rejects frames of the reports."""
    docs, obs = [], []
    for report in reports:
        text, facts = report.text_and_facts()
        raw = text.encode("utf-8")
        doc_id = hashlib.sha256(raw).hexdigest()[:16]
        docs.append(
            {
                "doc_id": doc_id,
                "source": report.source,
                "title": report.title,
                "published": report.published,
                "published_precision": "day" if report.published else None,
                "url": None,
                "province": None,
                "format": "txt",
                "encoding": "utf-8",
                "content_hash": hashlib.sha256(raw).hexdigest(),
                "size_bytes": len(raw),
                "n_chars": len(text),
                "n_sentences": len(report.sentences),
                "extractor_version": extractor_version,
            }
        )
        for fact, start, end, sentence in facts:
            obs.append(
                {
                    "doc_id": doc_id,
                    "source": report.source,
                    "indicator": fact.indicator,
                    "subject": fact.subject,
                    "measure": fact.measure,
                    "value": fact.value,
                    "value_low": fact.value if fact.low is None else fact.low,
                    "value_high": fact.value if fact.high is None else fact.high,
                    "unit": fact.unit,
                    "period": fact.period,
                    "base_period": None,
                    "area_code": fact.area_code,
                    "area": fact.area,
                    "approx": fact.approx,
                    "qualifier": fact.qualifier,
                    "text": sentence,
                    "start": start,
                    "end": end,
                }
            )
    return (
        pl.DataFrame(docs, schema=DOCUMENT_SCHEMA),
        pl.DataFrame(obs, schema=OBSERVATION_SCHEMA),
        pl.DataFrame([], schema=REJECT_SCHEMA),
    )


ENROLMENT = Fact(
    "labour.vocational_enrolment", 19436, "person", "19.436 học viên", "tuyển sinh và đào tạo"
)
TRAINED = Fact("labour.trained_share", 60, "percent", "60%", "tỷ lệ lao động qua đào tạo")
INSTITUTIONS = Fact(
    "education.vocational_institutions",
    2,
    "institution",
    "02 cơ sở",
    "cơ sở giáo dục nghề nghiệp",
    period=None,
)


def lang_son() -> Report:
    """The seed report's facts, plus trade figures (one a range, one approximate, two per gate)."""
    trade = "trade.import_export"
    return Report(
        "lang_son/dao_tao_nghe.txt",
        [
            ("Cửa khẩu Tân Thanh đã và đang thu hút lực lượng lao động lớn.", ()),
            (
                "Năm 2022, Tỉnh đã tuyển sinh và đào tạo được {}, "
                "tỷ lệ lao động qua đào tạo đạt {}.",
                (ENROLMENT, TRAINED),
            ),
            (
                "Trên địa bàn Tỉnh hiện có {} giáo dục nghề nghiệp tham gia hợp tác quốc tế.",
                (INSTITUTIONS,),
            ),
            (
                "Kim ngạch xuất nhập khẩu qua cửa khẩu Tân Thanh đạt {}, "
                "qua cửa khẩu Hữu Nghị đạt {}.",
                (
                    Fact(
                        trade,
                        1.2e9,
                        "USD",
                        "1,2 tỷ USD",
                        "kim ngạch xuất nhập khẩu",
                        area="cửa khẩu Tân Thanh",
                    ),
                    Fact(
                        trade,
                        2.5e9,
                        "USD",
                        "2,5 tỷ USD",
                        "kim ngạch xuất nhập khẩu",
                        area="cửa khẩu Hữu Nghị",
                    ),
                ),
            ),
            (
                "Lượng xe thông quan đạt {}, tăng {} so với cùng kỳ.",
                (
                    Fact(
                        "trade.vehicles_cleared",
                        None,
                        "vehicle/day",
                        "1.100 - 1.350 xe/ngày",
                        "lượng xe thông quan",
                        low=1100,
                        high=1350,
                    ),
                    Fact(
                        "trade.vehicles_cleared",
                        12.5,
                        "percent",
                        "12,5%",
                        "lượng xe thông quan",
                        measure="change_pct",
                    ),
                ),
            ),
            (
                "Tổng kim ngạch xuất nhập khẩu toàn tỉnh ước đạt {}.",
                (
                    Fact(
                        trade,
                        5.1e9,
                        "USD",
                        "5,1 tỷ USD",
                        "tổng kim ngạch xuất nhập khẩu",
                        approx=True,
                        qualifier="ước",
                    ),
                ),
            ),
            (
                "Có {} và {} tham gia chuỗi liên kết.",
                (
                    Fact(None, 120, "household", "120 hộ", "hộ tham gia chuỗi liên kết"),
                    Fact(None, 45, "household", "45 hộ", "hộ tham gia chuỗi liên kết"),
                ),
            ),
        ],
        published=date(2023, 3, 1),
    )


def bac_giang() -> Report:
    """Code 24 before the 2025 reorganisation (Bắc Giang), and a Lạng Sơn figure that disagrees."""
    return Report(
        "bac_giang/bao_cao_2022.txt",
        [
            (
                "Năm 2022, tổng kim ngạch xuất nhập khẩu của tỉnh đạt {}, "
                "tăng {} so với năm trước.",
                (
                    Fact(
                        "trade.import_export",
                        2.2e10,
                        "USD",
                        "22 tỷ USD",
                        "tổng kim ngạch xuất nhập khẩu",
                        area_code="24",
                        area="tỉnh Bắc Giang",
                    ),
                    Fact(
                        "trade.import_export",
                        15.0,
                        "percent",
                        "15%",
                        "tổng kim ngạch xuất nhập khẩu",
                        measure="change_pct",
                        area_code="24",
                        area="tỉnh Bắc Giang",
                    ),
                ),
            ),
            (
                "Theo số liệu của tỉnh bạn, kim ngạch xuất nhập khẩu của Lạng Sơn năm 2022 đạt {}.",
                (
                    Fact(
                        "trade.import_export", 5.0e9, "USD", "5 tỷ USD", "kim ngạch xuất nhập khẩu"
                    ),
                ),
            ),
            (
                "Tỷ lệ hộ nghèo giảm còn {}.",
                (
                    Fact(
                        "social.poverty_rate",
                        2.1,
                        "percent",
                        "2,1%",
                        "tỷ lệ hộ nghèo",
                        area_code="24",
                        area="tỉnh Bắc Giang",
                    ),
                ),
            ),
        ],
        published=date(2023, 1, 5),
    )


def bac_ninh() -> Report:
    """Code 24 after the reorganisation (Bắc Ninh), period 2025-Q3."""
    return Report(
        "bac_ninh/quy_3_2025.txt",
        [
            (
                "Quý III/2025, kim ngạch xuất khẩu của tỉnh Bắc Ninh đạt {}.",
                (
                    Fact(
                        "trade.export",
                        1.5e10,
                        "USD",
                        "15 tỷ USD",
                        "kim ngạch xuất khẩu",
                        period="2025-Q3",
                        area_code="24",
                        area="tỉnh Bắc Ninh",
                    ),
                ),
            ),
            (
                "Chín tháng đầu năm, thu ngân sách đạt {}.",
                (
                    Fact(
                        "budget.revenue",
                        3.2e13,
                        "VND",
                        "32 nghìn tỷ đồng",
                        "thu ngân sách",
                        period="2025-01-01/2025-09-30",
                        area_code="24",
                        area="tỉnh Bắc Ninh",
                    ),
                ),
            ),
        ],
        published=date(2025, 10, 6),
    )


def corpus() -> list[Report]:
    return [lang_son(), bac_giang(), bac_ninh()]


N_FACTS = 10 + 4 + 2


def run_load(
    db: Path,
    reports: list[Report],
    *,
    sources: list[str] | None = None,
    full: bool = False,
    extractor_version: str = "0.1.0",
    rejects: pl.DataFrame | None = None,
    lock_timeout_s: float = 30.0,
) -> LoadResult:
    """Load the reports as one run that read `sources` (default: the reports' sources)."""
    documents, observations, no_rejects = frames(reports, extractor_version)
    return load(
        db,
        documents,
        observations,
        no_rejects if rejects is None else rejects,
        sources=[r.source for r in reports] if sources is None else sources,
        full=full,
        code_version="test",
        extractor_version=extractor_version,
        flow_run_id="00000000-0000-0000-0000-000000000000",
        lock_timeout_s=lock_timeout_s,
    )


def rows(db: Path, sql: str, params: dict | list | None = None) -> list[tuple]:
    return query(db, sql, params)[1]


def edit(
    report: Report, index: int, template: str | None = None, facts: tuple[Fact, ...] | None = None
) -> Report:
    """The report with sentence `index` rewritten."""
    sentences = list(report.sentences)
    old_template, old_facts = sentences[index]
    sentences[index] = (template or old_template, old_facts if facts is None else facts)
    return replace(report, sentences=sentences)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "chitieu.duckdb"


# ---------------------------------------------------------------- versioning, issue 4 steps 1-7


def test_first_load_opens_every_fact(db: Path) -> None:
    result = run_load(db, corpus())
    assert (result.inserted, result.closed, result.unchanged, result.rejected) == (N_FACTS, 0, 0, 0)
    assert result.documents == 3 and result.files == 3 and result.load_id == 1
    assert rows(db, "SELECT count(*) FROM observations_current") == [(N_FACTS,)]
    assert rows(
        db,
        "SELECT inserted, closed, unchanged, rejected, files, documents, code_version, "
        "extractor_version, flow_run_id, full_snapshot FROM loads",
    ) == [(N_FACTS, 0, 0, 0, 3, 3, "test", "0.1.0", "00000000-0000-0000-0000-000000000000", False)]
    assert rows(db, "SELECT count(DISTINCT fact_key) FROM observations") == [(N_FACTS,)]


def test_same_run_again_changes_nothing(db: Path) -> None:
    run_load(db, corpus())
    before = rows(db, "SELECT * FROM observations ORDER BY fact_key")
    again = run_load(db, corpus())
    assert (again.inserted, again.closed, again.unchanged) == (0, 0, N_FACTS)
    assert rows(db, "SELECT * FROM observations ORDER BY fact_key") == before
    assert rows(db, "SELECT count(*) FROM documents") == [(3,)]
    assert rows(db, "SELECT load_id, inserted, closed, unchanged FROM loads ORDER BY load_id") == [
        (1, N_FACTS, 0, 0),
        (2, 0, 0, N_FACTS),
    ]


def test_sources_skipped_as_unchanged_keep_their_facts(db: Path) -> None:
    run_load(db, corpus())
    skipped = run_load(db, [], sources=[r.source for r in corpus()])
    assert (skipped.inserted, skipped.closed, skipped.unchanged, skipped.files) == (
        0,
        0,
        N_FACTS,
        3,
    )
    assert rows(db, "SELECT count(*) FROM observations_current") == [(N_FACTS,)]


def test_one_changed_number_versions_exactly_that_fact(db: Path) -> None:
    first = run_load(db, corpus())
    changed = edit(
        lang_son(), 1, facts=(replace(ENROLMENT, value=19536, written="19.536 học viên"), TRAINED)
    )
    second = run_load(db, [changed, bac_giang(), bac_ninh()])
    assert (second.inserted, second.closed, second.unchanged) == (1, 1, N_FACTS - 1)

    [(loaded_at,)] = rows(db, "SELECT loaded_at FROM loads WHERE load_id = 2")
    closed = rows(
        db,
        "SELECT indicator, value, valid_to, closed_load_id FROM observations "
        "WHERE valid_to IS NOT NULL",
    )
    assert closed == [("labour.vocational_enrolment", 19436.0, loaded_at, 2)]
    opened = rows(
        db, "SELECT indicator, value, load_id, valid_from FROM observations WHERE load_id = 2"
    )
    assert opened == [("labour.vocational_enrolment", 19536.0, 2, loaded_at)]
    # Same key: the new version continues the old one's history.
    assert rows(
        db,
        "SELECT count(DISTINCT fact_key), count(*) FROM observations "
        "WHERE indicator = 'labour.vocational_enrolment'",
    ) == [(1, 2)]
    # Every other row is untouched: opened by load 1, still current.
    assert rows(
        db,
        "SELECT count(*) FROM observations WHERE load_id = $1 AND valid_to IS NULL",
        [first.load_id],
    ) == [(N_FACTS - 1,)]
    # The new document version replaced the old one for that source.
    assert rows(
        db, "SELECT count(*), count(valid_to) FROM documents WHERE source = $1", [changed.source]
    ) == [(2, 1)]


def test_new_sentence_adds_one_fact_and_closes_nothing(db: Path) -> None:
    run_load(db, corpus())
    report = lang_son()
    jobs = Fact("labour.jobs_created", 15000, "person", "15.000 lao động", "giải quyết việc làm")
    # Inserted near the top, so every later fact's offsets move.
    report.sentences.insert(1, ("Năm 2022, toàn tỉnh giải quyết việc làm cho {}.", (jobs,)))
    result = run_load(db, [report, bac_giang(), bac_ninh()])
    assert (result.inserted, result.closed, result.unchanged) == (1, 0, N_FACTS)
    assert rows(db, "SELECT indicator FROM observations WHERE load_id = 2") == [
        ("labour.jobs_created",)
    ]


def test_absent_report_stays_current_unless_full(db: Path) -> None:
    run_load(db, corpus())
    incremental = run_load(db, [lang_son(), bac_giang()])
    assert (incremental.inserted, incremental.closed) == (0, 0)
    assert rows(
        db, "SELECT count(*) FROM observations_current WHERE source = 'bac_ninh/quy_3_2025.txt'"
    ) == [(2,)]

    full = run_load(db, [lang_son(), bac_giang()], full=True)
    assert (full.inserted, full.closed, full.unchanged) == (0, 2, N_FACTS - 2)
    assert rows(
        db, "SELECT count(*) FROM observations_current WHERE source = 'bac_ninh/quy_3_2025.txt'"
    ) == [(0,)]
    # Closed, never deleted; its document is closed too.
    assert rows(
        db,
        "SELECT count(*), count(valid_to), min(closed_load_id) FROM observations "
        "WHERE source = 'bac_ninh/quy_3_2025.txt'",
    ) == [(2, 2, 3)]
    assert rows(
        db, "SELECT count(*) FROM documents_current WHERE source = 'bac_ninh/quy_3_2025.txt'"
    ) == [(0,)]
    assert rows(db, "SELECT full_snapshot FROM loads ORDER BY load_id") == [
        (False,),
        (False,),
        (True,),
    ]

    back = run_load(db, corpus())
    assert (back.inserted, back.closed) == (2, 0)


def test_full_snapshot_of_nothing_is_refused(db: Path) -> None:
    run_load(db, corpus())
    with pytest.raises(WarehouseError, match="full snapshot that read no files"):
        run_load(db, [], sources=[], full=True)
    assert rows(db, "SELECT count(*) FROM observations_current") == [(N_FACTS,)]


def test_full_snapshot_keeps_sources_read_but_skipped(db: Path) -> None:
    run_load(db, corpus())
    everything = [r.source for r in corpus()]
    result = run_load(db, [bac_ninh()], sources=everything, full=True)
    assert (result.inserted, result.closed, result.unchanged) == (0, 0, N_FACTS)


def test_new_extractor_version_versions_only_facts_read_differently(db: Path) -> None:
    run_load(db, corpus())
    # 0.2.0 reads "ước" as approximate on a fact it did not before, and finds an indicator
    # for the households of the last sentence.
    report = lang_son()
    households = [replace(f, indicator="rural.households_linked") for f in report.sentences[6][1]]
    report = edit(report, 6, facts=tuple(households))
    report = edit(report, 1, facts=(replace(ENROLMENT, approx=True, qualifier="được"), TRAINED))
    result = run_load(db, [report, bac_giang(), bac_ninh()], extractor_version="0.2.0")
    # approx changed (same key, 1 closed + 1 opened); indicator changed (new keys: 2 + 2).
    assert (result.inserted, result.closed, result.unchanged) == (3, 3, N_FACTS - 3)
    # The documents of all three sources were read by the new extractor.
    assert sorted(v for _, v in known_inputs(db).values()) == ["0.2.0"] * 3
    assert rows(db, "SELECT count(*) FROM documents") == [(6,)]


def test_as_of_load_and_time(db: Path) -> None:
    run_load(db, corpus())
    run_load(db, corpus())
    changed = edit(
        lang_son(), 1, facts=(replace(ENROLMENT, value=20000, written="20.000 học viên"), TRAINED)
    )
    run_load(db, [changed, bac_giang(), bac_ninh()])
    times = dict(rows(db, "SELECT load_id, loaded_at FROM loads"))

    enrolment = "SELECT value FROM {} WHERE indicator = 'labour.vocational_enrolment'"
    for k, expected in [(1, 19436.0), (2, 19436.0), (3, 20000.0)]:
        assert rows(db, enrolment.format("observations_as_of($1)"), [k]) == [(expected,)]
        assert rows(db, enrolment.format("observations_at($1)"), [times[k]]) == [(expected,)]
        assert rows(db, "SELECT count(*) FROM observations_as_of($1)", [k]) == [(N_FACTS,)]
    assert rows(db, "SELECT count(*) FROM observations_as_of(0)") == [(0,)]
    # As of the latest load is the current state.
    assert (
        rows(db, "SELECT * FROM observations_as_of(3) EXCEPT SELECT * FROM observations_current")
        == []
    )


def test_history_lists_versions(db: Path) -> None:
    run_load(db, corpus())
    changed = edit(
        lang_son(), 1, facts=(replace(ENROLMENT, value=20000, written="20.000 học viên"), TRAINED)
    )
    run_load(db, [changed, bac_giang(), bac_ninh()])
    columns, versions = history(db, indicator="labour.vocational_enrolment")
    got = [dict(zip(columns, v, strict=True)) for v in versions]
    assert [(v["value"], v["load_id"], v["closed_load_id"]) for v in got] == [
        (19436.0, 1, 2),
        (20000.0, 2, None),
    ]
    assert len(history(db, source="bac_ninh/quy_3_2025.txt")[1]) == 2
    assert len(history(db)[1]) == N_FACTS + 1


def test_fact_key_survives_reordering_of_other_facts(db: Path) -> None:
    run_load(db, corpus())
    report = lang_son()
    report.sentences.reverse()
    result = run_load(db, [report, bac_giang(), bac_ninh()])
    assert (result.inserted, result.closed) == (0, 0)


def test_rejects_are_kept_with_their_load(db: Path) -> None:
    rejects = pl.DataFrame(
        [
            {
                "source": "hong.pdf",
                "doc_id": None,
                "stage": "read",
                "check": "decode",
                "reason": "not a readable PDF",
                "record": None,
            },
            {
                "source": "lang_son/dao_tao_nghe.txt",
                "doc_id": "abc",
                "stage": "validate",
                "check": "value_low <= value_high",
                "reason": "bounds reversed",
                "record": '{"value_low": 5}',
            },
        ],
        schema=REJECT_SCHEMA,
    )
    result = run_load(db, corpus(), rejects=rejects)
    assert result.rejected == 2
    assert rows(db, "SELECT load_id, stage, check_name FROM rejects ORDER BY stage") == [
        (1, "read", "decode"),
        (1, "validate", "value_low <= value_high"),
    ]
    assert rows(db, "SELECT rejected FROM loads") == [(2,)]


def test_known_inputs(db: Path) -> None:
    assert known_inputs(db) == {}
    run_load(db, corpus())
    documents, _, _ = frames(corpus())
    expected = {d["source"]: (d["content_hash"], "0.1.0") for d in documents.iter_rows(named=True)}
    assert known_inputs(db) == expected


def test_refuses_facts_without_their_document(db: Path) -> None:
    documents, observations, rejects = frames(corpus())
    with pytest.raises(WarehouseError, match="observations without a document"):
        load(
            db,
            documents.head(1),
            observations,
            rejects,
            sources=[],
            code_version="t",
            extractor_version="0.1.0",
        )
    assert known_inputs(db) == {}


# ---------------------------------------------------------------- reading


def test_query_is_read_only(db: Path) -> None:
    run_load(db, corpus())
    for statement in [
        "DELETE FROM observations",
        "DROP TABLE loads",
        "CREATE TABLE x (a INTEGER)",
        "UPDATE loads SET files = 0",
    ]:
        with pytest.raises(WarehouseError) as refused:
            query(db, statement)
        message = str(refused.value)
        assert message.startswith("the warehouse is opened read-only") and "\n" not in message
    assert rows(db, "SELECT count(*) FROM observations") == [(N_FACTS,)]


def test_query_errors_say_what_failed_first_and_keep_duckdbs_hints(db: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse at"):
        query(db, "SELECT 1")
    run_load(db, corpus())
    with pytest.raises(WarehouseError) as bad:
        query(db, "SELECT no_such_column FROM observations")
    first, *rest = str(bad.value).splitlines()
    assert first.startswith("query failed: Binder Error:") and "no_such_column" in first
    assert any(line.startswith("Candidate bindings") for line in rest)
    assert any(line.strip().startswith("^") for line in rest), "the caret under the column"


# ---------------------------------------------------------------- reference data and views


def test_reference_data_loaded_idempotently(db: Path) -> None:
    run_load(db, corpus())
    tables = ["provinces", "province_mapping", "indicators", "units"]
    first = {t: rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    run_load(db, corpus())
    assert {t: rows(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == first
    assert rows(db, "SELECT vintage, count(*) FROM provinces GROUP BY ALL ORDER BY ALL") == [
        (date(2008, 8, 1), 63),
        (date(2025, 7, 1), 34),
    ]
    assert rows(db, "SELECT count(*) FROM province_mapping") == [(63,)]
    csv_rows = (PROJECT_ROOT / "seeds/reference/indicators.csv").read_text(encoding="utf-8").strip()
    assert rows(db, "SELECT count(*) FROM indicators") == [(len(csv_rows.splitlines()) - 1,)]
    assert rows(
        db,
        "SELECT list_contains(phrases, 'thu ngân sách') FROM indicators "
        "WHERE code = 'budget.revenue'",
    ) == [(True,)]


def test_reference_edits_are_mirrored(db: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    for f in (PROJECT_ROOT / "seeds/reference").glob("*.csv"):
        (reference / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    documents, observations, rejects = frames(corpus())
    kwargs = {
        "sources": [],
        "code_version": "t",
        "extractor_version": "0.1.0",
        "reference_dir": reference,
    }
    load(db, documents, observations, rejects, **kwargs)
    csv = reference / "indicators.csv"
    csv.write_text(
        csv.read_text(encoding="utf-8").replace("thu ngân sách|", "thu ngân sách|thu NSNN|")
        + "rural.households_linked,Hộ tham gia liên kết,"
        "Households in linkage chains,household,hộ tham gia chuỗi liên kết\n",
        encoding="utf-8",
    )
    load(db, documents, observations, rejects, **kwargs)
    assert rows(
        db,
        "SELECT list_contains(phrases, 'thu NSNN') FROM indicators WHERE code = 'budget.revenue'",
    ) == [(True,)]
    assert rows(db, "SELECT name_en FROM indicators WHERE code = 'rural.households_linked'") == [
        ("Households in linkage chains",)
    ]


def test_facts_view_names_old_and_new_units(db: Path) -> None:
    run_load(db, corpus())
    named = rows(
        db,
        "SELECT source, indicator, measure, area_code, area_vintage, province_name, "
        "province_code_2025, province_name_2025, indicator_name_vi FROM facts "
        "WHERE area_code = '24' ORDER BY period, indicator, measure",
    )
    assert named == [
        (
            "bac_giang/bao_cao_2022.txt",
            "social.poverty_rate",
            "level",
            "24",
            date(2008, 8, 1),
            "Bắc Giang",
            "24",
            "Bắc Ninh",
            "Tỷ lệ hộ nghèo",
        ),
        (
            "bac_giang/bao_cao_2022.txt",
            "trade.import_export",
            "change_pct",
            "24",
            date(2008, 8, 1),
            "Bắc Giang",
            "24",
            "Bắc Ninh",
            "Kim ngạch xuất nhập khẩu",
        ),
        (
            "bac_giang/bao_cao_2022.txt",
            "trade.import_export",
            "level",
            "24",
            date(2008, 8, 1),
            "Bắc Giang",
            "24",
            "Bắc Ninh",
            "Kim ngạch xuất nhập khẩu",
        ),
        (
            "bac_ninh/quy_3_2025.txt",
            "budget.revenue",
            "level",
            "24",
            date(2025, 7, 1),
            "Bắc Ninh",
            "24",
            "Bắc Ninh",
            "Thu ngân sách nhà nước",
        ),
        (
            "bac_ninh/quy_3_2025.txt",
            "trade.export",
            "level",
            "24",
            date(2025, 7, 1),
            "Bắc Ninh",
            "24",
            "Bắc Ninh",
            "Kim ngạch xuất khẩu",
        ),
    ]
    assert rows(db, "SELECT count(*) FROM facts") == [(N_FACTS,)]
    # A fact without a period is placed by its document's publication date.
    assert rows(db, "SELECT area_vintage, province_name FROM facts WHERE period IS NULL") == [
        (date(2008, 8, 1), "Lạng Sơn")
    ]


def test_indicator_values_and_conflicts(db: Path) -> None:
    run_load(db, corpus())
    values = rows(
        db,
        "SELECT value, value_min, value_max, n_values, n_documents, n_facts "
        "FROM indicator_values WHERE indicator = 'trade.import_export' AND area_code = '20' "
        "AND measure = 'level' AND period = '2022'",
    )
    [(value, *spread)] = values
    assert value in {1.2e9, 2.5e9, 5.0e9, 5.1e9} and spread == [1.2e9, 5.1e9, 4, 2, 4]
    conflicts = rows(
        db,
        "SELECT source_a, value_a, source_b, value_b, same_area FROM indicator_conflicts "
        "WHERE indicator = 'trade.import_export' ORDER BY value_b, value_a",
    )
    # Lạng Sơn's three figures (two border gates and the province total) against Bắc Giang's
    # report; only the province total names the same place.
    assert conflicts == [
        ("bac_giang/bao_cao_2022.txt", 5.0e9, "lang_son/dao_tao_nghe.txt", 1.2e9, False),
        ("bac_giang/bao_cao_2022.txt", 5.0e9, "lang_son/dao_tao_nghe.txt", 2.5e9, False),
        ("bac_giang/bao_cao_2022.txt", 5.0e9, "lang_son/dao_tao_nghe.txt", 5.1e9, True),
    ]
    assert rows(db, "SELECT count(*) FROM indicator_values WHERE n_documents > 1") == [(1,)]


def test_period_macros(db: Path) -> None:
    run_load(db, [])
    got = rows(
        db,
        "SELECT p, period_start(p), period_end(p), period_year(p) FROM (VALUES "
        "('2022'), ('2023-Q3'), ('2023-11'), ('2024-H1'), ('2023-01-01/2023-11-30'), "
        "('2016-01-01/2020-12-31'), ('2023-02-28'), ('khác'), (NULL)) AS t(p)",
    )
    assert got == [
        ("2022", date(2022, 1, 1), date(2022, 12, 31), 2022),
        ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30), 2023),
        ("2023-11", date(2023, 11, 1), date(2023, 11, 30), 2023),
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), 2024),
        ("2023-01-01/2023-11-30", date(2023, 1, 1), date(2023, 11, 30), 2023),
        ("2016-01-01/2020-12-31", date(2016, 1, 1), date(2020, 12, 31), None),
        ("2023-02-28", date(2023, 2, 28), date(2023, 2, 28), 2023),
        ("khác", None, None, None),
        (None, None, None, None),
    ]


# ---------------------------------------------------------------- checks and example queries


def test_checks_hold_after_loads(db: Path) -> None:
    run_load(db, corpus())
    changed = edit(
        lang_son(), 1, facts=(replace(ENROLMENT, value=20000, written="20.000 học viên"), TRAINED)
    )
    run_load(db, [changed, bac_giang()], full=True)
    run_load(db, corpus(), extractor_version="0.2.0")
    checks = run_checks(db)
    assert len(checks) >= 8
    assert {name: found for name, found in checks.items() if found} == {}


def test_checks_catch_violations(db: Path) -> None:
    """Each check returns rows on a warehouse that breaks its rule."""
    run_load(db, corpus())
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "UPDATE observations SET valid_to = valid_from - INTERVAL 1 DAY, closed_load_id = 1 "
            "WHERE indicator = 'labour.trained_share'"
        )
        con.execute(
            "INSERT INTO observations SELECT * FROM observations WHERE indicator = 'trade.export'"
        )
        con.execute(
            "UPDATE observations SET value = 130, value_low = 130, value_high = 130 "
            "WHERE indicator = 'social.poverty_rate'"
        )
        con.execute("UPDATE observations SET doc_id = 'nowhere' WHERE indicator = 'budget.revenue'")
    finally:
        con.close()
    broken = {name for name, found in run_checks(db).items() if found}
    assert {
        "valid_from_before_valid_to",
        "one_current_version_per_key",
        "percent_in_range",
        "fact_has_document",
    } <= broken


@pytest.mark.parametrize("path", sorted((SQL_DIR / "queries").glob("*.sql")), ids=lambda p: p.stem)
def test_example_query_runs(db: Path, path: Path) -> None:
    run_load(db, corpus())
    columns, result = query(db, path.read_text(encoding="utf-8"))
    assert columns
    assert result, f"{path.name} returned no rows on the test corpus"


# ---------------------------------------------------------------- synthetic volume

SYNTHETIC_INDICATORS = [
    ("trade.import_export", "USD"),
    ("trade.export", "USD"),
    ("budget.revenue", "VND"),
    ("labour.vocational_enrolment", "person"),
    ("social.poverty_rate", "percent"),
    ("tourism.visitors", "visitor"),
    ("enterprise.new", "enterprise"),
    ("agriculture.food_output", "tonne"),
]


def synthetic_frames(
    n_reports: int, facts_per_report: int = 20, *, changed_every: int = 0, version: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Many reports' frames, built column-wise: report r, fact j has a deterministic key and
    value; with `changed_every` = k, every k-th report has its first fact's value raised by
    `version` (a new doc_id too), as an edited report would."""
    reports = pl.DataFrame({"r": pl.Series(range(n_reports), dtype=pl.Int64)})
    changed = (pl.lit(changed_every > 0) & (pl.col("r") % max(changed_every, 1) == 0)).alias("c")
    reports = reports.with_columns(
        changed,
        source=pl.format("tinh_{}/bao_cao_{}.txt", pl.col("r") % 63, pl.col("r")),
    ).with_columns(
        doc_id=pl.format(
            "{}{}",
            pl.col("r").hash(seed=1).cast(pl.String),
            pl.when("c").then(version).otherwise(0),
        ).str.slice(0, 16)
    )
    documents = reports.select(
        "doc_id",
        "source",
        title=pl.lit("Báo cáo tình hình kinh tế - xã hội"),
        published=pl.lit(date(2023, 1, 15)),
        published_precision=pl.lit("day"),
        url=pl.lit(None, pl.String),
        province=pl.lit(None, pl.String),
        format=pl.lit("txt"),
        encoding=pl.lit("utf-8"),
        content_hash=pl.col("doc_id"),
        size_bytes=pl.lit(5000, pl.Int64),
        n_chars=pl.lit(4800, pl.Int64),
        n_sentences=pl.lit(40, pl.Int64),
        extractor_version=pl.lit("0.1.0"),
    ).cast(dict(DOCUMENT_SCHEMA))
    facts = reports.join(
        pl.DataFrame({"j": pl.Series(range(facts_per_report), dtype=pl.Int64)}),
        how="cross",
    )
    k = len(SYNTHETIC_INDICATORS)
    indicator = pl.col("j") % k
    is_percent = indicator == 4  # social.poverty_rate
    base = pl.when(is_percent).then((pl.col("r") * 3 + pl.col("j")) % 90 + 0.5)
    value = base.otherwise(pl.col("r") * 1000 + pl.col("j") * 7 + 1).cast(pl.Float64) + pl.when(
        pl.col("c") & (pl.col("j") == 0)
    ).then(float(version)).otherwise(0.0)
    observations = facts.select(
        "doc_id",
        "source",
        indicator=indicator.replace_strict(
            list(range(k)), [code for code, _ in SYNTHETIC_INDICATORS], return_dtype=pl.String
        ),
        subject=pl.lit("chỉ tiêu tổng hợp"),
        measure=pl.when((pl.col("j") // k) % 2 == 0)
        .then(pl.lit("level"))
        .otherwise(pl.lit("change_pct")),
        value=value,
        value_low=value,
        value_high=value,
        unit=indicator.replace_strict(
            list(range(k)), [unit for _, unit in SYNTHETIC_INDICATORS], return_dtype=pl.String
        ),
        period=pl.format("{}", 2015 + pl.col("j") // (2 * k)),
        base_period=pl.lit(None, pl.String),
        area_code=pl.lit("20"),
        area=pl.lit("tỉnh Lạng Sơn"),
        approx=pl.lit(False),
        qualifier=pl.lit(None, pl.String),
        text=pl.format("Câu thứ {} của báo cáo {} nêu một con số.", pl.col("j"), pl.col("r")),
        start=pl.col("j") * 100,
        end=pl.col("j") * 100 + 10,
    ).cast(dict(OBSERVATION_SCHEMA))
    return documents, observations, pl.DataFrame([], schema=REJECT_SCHEMA)


def test_synthetic_volume_versions_only_changes(db: Path) -> None:
    documents, observations, rejects = synthetic_frames(500)
    kwargs = {"code_version": "t", "extractor_version": "0.1.0"}
    sources = documents["source"].to_list()
    first = load(db, documents, observations, rejects, sources=sources, **kwargs)
    assert (first.inserted, first.closed) == (10_000, 0)
    documents, observations, rejects = synthetic_frames(500, changed_every=100, version=1)
    second = load(db, documents, observations, rejects, sources=sources, **kwargs)
    assert (second.inserted, second.closed, second.unchanged) == (5, 5, 9_995)
    assert {name: found for name, found in run_checks(db).items() if found} == {}
