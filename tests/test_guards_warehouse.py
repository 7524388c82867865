"""Guards of the warehouse and the command line: nothing silent, nothing unbounded.

Each test reproduces one way the warehouse or the CLI went wrong (a query holding ten
million rows, a fall of 500 % that only the warehouse check saw, a truncated file
appended to, a failed checkpoint with exit 0, an empty input loaded as a healthy run,
a lock wait adding up past its setting, a writable path in the query sandbox...) with
the real `chitieu` command on a real warehouse and generated input, and checks what
happens now.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from uuid import UUID

import duckdb
import polars as pl
import pytest

from flows.documents import discover
from flows.frames import DOCUMENT_SCHEMA, extract_batch, observations_frame, rejects_frame
from flows.integrity import known_schema_version
from flows.schemas import MEASURES, validate_observations
from flows.settings import PROJECT_ROOT
from flows.warehouse import WarehouseError, load, migrate, run_checks
from tests.conftest import SEED_REPORTS, write_report

SEED_TEXT = next(SEED_REPORTS.iterdir()).read_text(encoding="utf-8")
RSS_PROBE = textwrap.dedent(
    """
    import resource, subprocess, sys
    with open(sys.argv[1], "wb") as out:
        code = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE).returncode
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(code, peak // 1024)
    """
)


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A `chitieu` command's environment: its own Prefect home, no configured API."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHITIEU_", "PREFECT_")) or k == "PREFECT_SERVER_ANALYTICS_ENABLED"
    }
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env.update(extra)
    return env


def chitieu(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user runs it; a run's first folder is its
    reports root, so that its reports are known by their names in that folder."""
    folders = [a for a in args[1:] if Path(a).is_dir()]
    if args and args[0] == "run" and folders and env is not None and "CHITIEU_REPORTS" not in env:
        env = {**env, "CHITIEU_REPORTS": folders[0]}
    return subprocess.run(
        [sys.executable, "-m", "flows", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=PROJECT_ROOT,
    )


def reports(folder: Path, n: int, first: int = 0) -> Path:
    """`n` generated reports (the seed report with other years and figures)."""
    for i in range(first, first + n):
        text = SEED_TEXT.replace("19.436", f"{19000 + i}.{i % 1000:03}").replace(
            "2022", str(1990 + i % 30)
        )
        write_report(folder, f"r{i:04}.txt", text)
    return folder


def seed_load(db: Path, folder: Path) -> None:
    """The reports of `folder` loaded by the real loader, without Prefect."""
    files, _ = discover([folder])
    batch = extract_batch(files)
    load(
        db,
        batch.documents,
        batch.observations,
        rejects_frame([]),
        sources=[f.source for f in files],
        code_version="test",
        extractor_version="test",
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def error_lines(out: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in out.stderr.splitlines() if line.startswith("chitieu: error:")]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    seed_load(db, SEED_REPORTS)
    return db


# ---------------------------------------------------------------- 3. streaming query output


def peak_rss(tmp_path: Path, args: list[str], out: Path) -> tuple[int, int]:
    """Exit status and peak RSS (MB) of the command, its stdout written to `out`."""
    probe = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(out), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROJECT_ROOT,
    )
    code, mb = probe.stdout.split()
    return int(code), int(mb)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_query_streams_millions_of_rows_in_bounded_memory(warehouse: Path, tmp_path: Path, fmt):
    n = 1_000_000
    sql = f"SELECT range AS i, 'hàng ' || range AS label, range * 1.5 AS v FROM range({n})"
    out = tmp_path / f"rows.{fmt}"
    args = [sys.executable, "-m", "flows", "query", sql, "--db", str(warehouse), "--format", fmt]
    code, mb = peak_rss(tmp_path, args, out)
    assert code == 0
    with out.open(encoding="utf-8") as fh:
        lines = sum(1 for _ in fh)
    assert lines == n + (fmt == "csv")
    assert mb < 250, f"{mb} MB for {n:,} rows: rows are held, not streamed"


def test_a_table_shows_the_first_rows_and_says_how_to_see_more(warehouse: Path, tmp_path: Path):
    sql = "SELECT range AS i FROM range(10000000)"
    out = tmp_path / "table.txt"
    args = [sys.executable, "-m", "flows", "query", sql, "--db", str(warehouse)]
    started = time.monotonic()
    code, mb = peak_rss(tmp_path, args, out)
    assert code == 0
    assert time.monotonic() - started < 60
    assert mb < 250
    shown = [line for line in out.read_text(encoding="utf-8").splitlines() if "│" in line]
    assert len(shown) == 1000
    limited = chitieu("query", sql, "--db", str(warehouse), "--limit", "5")
    assert limited.returncode == 0
    assert len([line for line in limited.stdout.splitlines() if "│" in line]) == 5
    assert "showing the first 5 rows" in limited.stderr and "--limit" in limited.stderr


# ---------------------------------------------------------------- 5. one set of value rules

ROW_RULES = {"codes_are_known", "percent_in_range", "value_within_bounds"}
"""Checks over single fact rows: validation must reject every row they would flag."""
WAREHOUSE_RULES = {
    "corrections_are_consistent",
    "fact_has_document",
    "load_counts_match_rows",
    "one_current_version_per_key",
    "reference_is_consistent",
    "rejects_have_reasons",
    "valid_from_before_valid_to",
    "versions_do_not_overlap",
    "versions_match_loads",
}
"""Checks of what the loader itself writes (versions, loads, references)."""


def test_every_warehouse_check_is_either_a_row_rule_or_a_loader_rule():
    checks = {p.stem for p in (PROJECT_ROOT / "sql" / "checks").glob("*.sql")}
    assert checks == ROW_RULES | WAREHOUSE_RULES, "a new check must say which it is"


def grid_of_facts() -> list[dict]:
    """Facts around every boundary: each measure with percent and other units, values
    below, at and above 0, 100 and -100, known and unknown codes, points and ranges."""
    base = {
        "doc_id": "0123456789abcdef",
        "source": "grid.txt",
        "indicator": "labour.trained_share",
        "subject": "tỷ lệ lao động qua đào tạo",
        "period": "2023",
        "base_period": None,
        "area_code": "20",
        "area": "Lạng Sơn",
        "approx": False,
        "qualifier": None,
        "text": "Một câu có số.",
        "start": 0,
        "end": 3,
    }
    rows = []
    for measure in (*MEASURES, "grew"):
        for unit in ("percent", "person", "furlong"):
            for low, high in [
                (-500, -500),
                (-100, -100),
                (-0.5, -0.5),
                (0, 0),
                (50, 50),
                (100, 100),
                (100.5, 100.5),
                (140, 140),
                (-20, 120),
                (5, 1),
            ]:
                value = low if low == high else None
                rows.append(
                    {
                        **base,
                        "measure": measure,
                        "unit": unit,
                        "value": value,
                        "value_low": float(low),
                        "value_high": float(high),
                    }
                )
    rows.append(
        {
            **base,
            "measure": "level",
            "unit": "person",
            "value": 1.0,
            "value_low": 1.0,
            "value_high": 1.0,
            "indicator": "economy.no_such_thing",
        }
    )
    rows.append(
        {
            **base,
            "measure": "level",
            "unit": "person",
            "value": 1.0,
            "value_low": 1.0,
            "value_high": 1.0,
            "area_code": "99",
        }
    )
    rows.append(
        {
            **base,
            "measure": "level",
            "unit": "person",
            "value": 2.0,
            "value_low": 1.0,
            "value_high": 3.0,
        }
    )
    for i, row in enumerate(rows):
        row["source"] = f"grid_{i:04}.txt"
        row["doc_id"] = f"{i:016x}"
    return rows


def facts_frame(rows: list[dict]) -> pl.DataFrame:
    """Fact rows as the observations frame the flow validates and loads."""
    empty = observations_frame([])
    frame = pl.DataFrame(rows)
    missing = [pl.lit(None).alias(c) for c in empty.columns if c not in frame.columns]
    return frame.with_columns(missing).select(empty.columns).cast(dict(empty.schema))


def load_rows(db: Path, rows: list[dict]) -> None:
    """Rows loaded as they are, each source with its document: what a loader without
    validation would write."""
    documents = pl.DataFrame(
        [
            {
                "doc_id": r["doc_id"],
                "source": r["source"],
                "title": None,
                "published": None,
                "url": None,
                "province": None,
                "format": "txt",
                "encoding": "utf-8",
                "content_hash": r["doc_id"],
                "size_bytes": 10,
                "n_chars": 10,
                "n_sentences": 1,
                "extractor_version": "test",
            }
            for r in rows
        ],
        schema=DOCUMENT_SCHEMA,
    )
    load(
        db,
        documents,
        facts_frame(rows),
        rejects_frame([]),
        sources=documents["source"].to_list(),
        code_version="test",
        extractor_version="test",
    )


def test_every_row_a_warehouse_check_flags_was_rejected_by_validation_first(tmp_path: Path):
    rows = grid_of_facts()
    unvalidated = tmp_path / "unvalidated.duckdb"
    load_rows(unvalidated, rows)
    flagged = {name for name, found in run_checks(unvalidated).items() if found}
    assert flagged == ROW_RULES, "the grid reaches every row rule (the test has teeth)"

    valid, rejects = validate_observations(facts_frame(rows))
    assert valid.height > 0 and rejects.height > 0
    validated = tmp_path / "validated.duckdb"
    load_rows(validated, valid.to_dicts())
    assert {name: found for name, found in run_checks(validated).items() if found} == {}


def test_a_fall_of_500_percent_is_rejected_at_validation_with_its_rule(tmp_path: Path):
    folder = tmp_path / "in"
    write_report(
        folder,
        "xuat_khau.txt",
        "Năm 2023, kim ngạch xuất khẩu của tỉnh Lạng Sơn giảm 500% so với cùng kỳ, "
        "tỷ lệ hộ nghèo là 3,5%.",
    )
    db = tmp_path / "w.duckdb"
    out = chitieu("run", str(folder), "--db", str(db), "--json", env=cli_env(tmp_path))
    assert out.returncode == 1, out.stderr
    summary = json.loads(out.stdout)
    [reject] = summary["rejects"]
    assert reject["source"] == "xuat_khau.txt"
    assert "nothing falls by more than 100 %" in reject["reason"]
    assert summary["inserted"] == 1, "the poverty rate of the same sentence loads"
    assert run_checks(db)["percent_in_range"] == []


# ---------------------------------------------------------------- 6. integrity before a write


@pytest.fixture
def big_warehouse(tmp_path: Path) -> Path:
    """A warehouse of 300 generated reports, several blocks long."""
    db = tmp_path / "big.duckdb"
    seed_load(db, reports(tmp_path / "base", 300))
    return db


def test_a_truncated_warehouse_is_refused_and_left_as_it_is(big_warehouse: Path, tmp_path: Path):
    size = big_warehouse.stat().st_size
    with big_warehouse.open("r+b") as fh:
        fh.truncate(size - 256 * 1024)  # the last block cut, as an unfinished copy leaves it
    before = digest(big_warehouse)
    folder = reports(tmp_path / "more", 3, first=1000)
    out = chitieu("run", str(folder), "--db", str(big_warehouse), env=cli_env(tmp_path))
    assert out.returncode == 2
    [line] = error_lines(out)
    assert str(big_warehouse) in line and "damaged" in line and "truncated" in line
    assert digest(big_warehouse) == before, "nothing appended"
    assert not Path(f"{big_warehouse}.wal").exists()


def test_free_blocks_cut_off_the_end_are_no_damage_but_a_cut_used_block_is(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    folder = reports(tmp_path / "in", 60)
    for round_ in range(6):  # loads that free blocks and let DuckDB shorten the file
        for path in sorted(folder.iterdir())[round_ % 3 :: 3]:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("60%", f"{61 + round_}%"), encoding="utf-8")
        seed_load(db, folder)
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size - 256 * 1024)
    with pytest.raises(WarehouseError, match="is damaged: "):
        seed_load(db, folder)


def test_a_warehouse_with_garbled_blocks_is_refused_and_left_as_it_is(
    big_warehouse: Path, tmp_path: Path
):
    size = big_warehouse.stat().st_size
    with big_warehouse.open("r+b") as fh:
        for where in (0.3, 0.5, 0.7, 0.9):  # bytes overwritten inside the data blocks
            fh.seek(int(size * where))
            fh.write(b"\xff" * 64)
    before = digest(big_warehouse)
    folder = reports(tmp_path / "base", 300)  # the same reports, so the load reads their facts
    for path in list(folder.iterdir())[::10]:
        path.write_text(path.read_text(encoding="utf-8").replace("60%", "61%"), encoding="utf-8")
    out = chitieu("run", str(folder), "--db", str(big_warehouse), env=cli_env(tmp_path))
    assert out.returncode == 2
    [line] = error_lines(out)
    assert str(big_warehouse) in line and "damaged" in line and "checksum" in line
    assert digest(big_warehouse) == before


def test_a_warehouse_of_a_newer_chitieu_is_refused_naming_both_versions(
    warehouse: Path, tmp_path: Path
):
    newer = known_schema_version() + 1
    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO schema_migrations VALUES (?, 'from_the_future', 'x', now())", [newer])
    con.close()
    before = digest(warehouse)
    out = chitieu("run", str(SEED_REPORTS), "--db", str(warehouse), env=cli_env(tmp_path))
    assert out.returncode == 2
    [line] = error_lines(out)
    assert (
        f"made by a newer chitieu (schema {newer}, this one knows {known_schema_version()})" in line
    )
    assert str(warehouse) in line
    assert digest(warehouse) == before


# ---------------------------------------------------------------- 7. a failed checkpoint

RUN_WITH_FILE_SIZE_LIMIT = textwrap.dedent(
    """
    import os, resource, sys
    limit = os.path.getsize(sys.argv[1])  # the warehouse may not grow: a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.argv = ["chitieu", *sys.argv[2:]]
    from flows.cli import main
    main()
    """
)


@pytest.mark.usefixtures("prefect_harness")
def test_a_checkpoint_that_fails_on_a_full_disk_fails_the_run(big_warehouse: Path, tmp_path: Path):
    from prefect.settings import PREFECT_API_URL

    folder = reports(tmp_path / "new", 300, first=5000)
    # The session's Prefect server, so that the file-size limit only meets the warehouse.
    env = cli_env(tmp_path, PREFECT_API_URL=str(PREFECT_API_URL.value()))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_WITH_FILE_SIZE_LIMIT,
            str(big_warehouse),
            "run",
            str(folder),
            "--db",
            str(big_warehouse),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert out.returncode == 2, out.stderr[-2000:]
    [line] = error_lines(out)
    assert "writing it into" in line and "File too large" in line and "free space" in line
    # With room again, the committed load is applied from the log, whole.
    loads = chitieu(
        "query", "SELECT count(*) AS n FROM loads", "--db", str(big_warehouse), "--format", "csv"
    )
    assert loads.stdout.splitlines() == ["n", "2"]
    assert {name: found for name, found in run_checks(big_warehouse).items() if found} == {}
    migrate(big_warehouse)  # the next writer writes the log into the file
    assert not Path(f"{big_warehouse}.wal").exists()
    assert run_checks(big_warehouse)["load_counts_match_rows"] == []


# ---------------------------------------------------------------- 8. empty input, --full


def test_an_empty_input_folder_is_an_error_naming_it(tmp_path: Path):
    empty = tmp_path / "incoming"
    empty.mkdir()
    db = tmp_path / "w.duckdb"
    out = chitieu("run", str(empty), "--db", str(db), "--quiet", env=cli_env(tmp_path))
    assert out.returncode == 2
    [line] = error_lines(out)
    assert line.startswith(f"chitieu: error: {empty}: no report files")
    assert not db.exists(), "no load of nothing is recorded"


def test_full_refuses_to_close_most_reports_without_yes_and_names_them(tmp_path: Path):
    env = cli_env(tmp_path)
    everything = reports(tmp_path / "all", 4)
    db = tmp_path / "w.duckdb"
    assert chitieu("run", str(everything), "--db", str(db), "--quiet", env=env).returncode == 0
    stray = tmp_path / "wrong"
    write_report(stray, "r0000.txt", (everything / "r0000.txt").read_text(encoding="utf-8"))

    refused = chitieu("run", str(stray), "--db", str(db), "--full", env=env)
    assert refused.returncode == 2
    [line] = error_lines(refused)
    assert "refusing --full" in line and "3 of the 4 current sources" in line
    assert all(f"r000{i}.txt" in line for i in (1, 2, 3)) and "--yes" in line
    current = chitieu(
        "query",
        "SELECT count(DISTINCT source) AS n FROM observations_current",
        "--db",
        str(db),
        "--format",
        "csv",
    )
    assert current.stdout.splitlines() == ["n", "4"], "nothing was closed"

    confirmed = chitieu("run", str(stray), "--db", str(db), "--full", "--yes", "--json", env=env)
    assert confirmed.returncode == 0, confirmed.stderr
    summary = json.loads(confirmed.stdout)
    assert summary["closed_sources"] == ["r0001.txt", "r0002.txt", "r0003.txt"]


def test_a_full_snapshot_missing_a_few_reports_closes_them_and_lists_them(tmp_path: Path):
    env = cli_env(tmp_path)
    folder = reports(tmp_path / "all", 4)
    db = tmp_path / "w.duckdb"
    assert chitieu("run", str(folder), "--db", str(db), "--quiet", env=env).returncode == 0
    (folder / "r0002.txt").unlink()
    out = chitieu("run", str(folder), "--db", str(db), "--full", env=env)
    assert out.returncode == 0, out.stderr
    assert "reports closed   1 (absent from this full snapshot): r0002.txt" in out.stdout


def test_the_operations_guide_shows_full_with_what_it_closes():
    guide = (PROJECT_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    paragraphs = [p for p in guide.split("\n\n") if "full=true" in p]
    assert paragraphs
    for paragraph in paragraphs:
        assert "close" in paragraph, f"shown as harmless: {paragraph}"


# ---------------------------------------------------------------- 15. one clock for a lock

HOLD_LOCK = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    print("locked", flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture
def locked(warehouse: Path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    yield holder
    holder.communicate(timeout=30)


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT count(*) FROM loads"],
        ["history"],
        ["run", str(SEED_REPORTS), "--quiet"],
    ],
    ids=["query", "history", "run --quiet"],
)
def test_the_lock_timeout_bounds_the_whole_wait_and_the_wait_is_said(
    warehouse: Path, locked: subprocess.Popen, tmp_path: Path, command: list[str]
):
    env = cli_env(tmp_path, CHITIEU_LOCK_TIMEOUT="3")
    started = time.monotonic()
    out = chitieu(*command, "--db", str(warehouse), env=env)
    elapsed = time.monotonic() - started
    assert out.returncode == 2
    if command[0] != "run":  # `run` first starts a Prefect server, whose time varies
        assert elapsed < 3 + 10, f"{elapsed:.0f} s: the setting was not the whole wait"
    assert "Retry" not in out.stderr, "no retry adds a second wait"
    assert re.search(
        rf"chitieu: waiting for the warehouse {re.escape(str(warehouse))}, "
        rf"locked by another process \(PID {locked.pid}\)",
        out.stderr,
    ), out.stderr
    [line] = error_lines(out)
    assert "gave up after 3." in line and f"PID {locked.pid}" in line


# ---------------------------------------------------------------- 16. the query sandbox


def test_query_has_no_writable_path_not_even_the_spill_folder(warehouse: Path):
    spill = Path(f"{warehouse}.tmp")
    spill.mkdir()
    target = spill / "leak.csv"
    out = chitieu("query", f"COPY (SELECT 'x') TO '{target}'", "--db", str(warehouse))
    assert out.returncode == 2
    assert not target.exists()
    settings = chitieu(
        "query",
        "SELECT current_setting('temp_directory') AS t, "
        "len(current_setting('allowed_directories')) AS n",
        "--db",
        str(warehouse),
        "--format",
        "jsonl",
    )
    assert json.loads(settings.stdout) == {"t": "", "n": 0}


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE statements are refused"),
        ("WITH gone AS (DELETE FROM loads RETURNING *) SELECT * FROM gone", "changes data"),
        ("SET temp_directory = '/tmp'", "SET statements are refused"),
    ],
)
def test_query_refuses_what_would_write_in_the_right_words(warehouse: Path, sql: str, words: str):
    out = chitieu("query", sql, "--db", str(warehouse))
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert "read-only" in line and words in line


def test_query_keeps_duckdbs_hints_and_caret(warehouse: Path):
    out = chitieu("query", "SELECT * FROM laods", "--db", str(warehouse))
    assert out.returncode == 2
    lines = out.stderr.rstrip().splitlines()
    assert lines[0].startswith("chitieu: error: query failed: Catalog Error:")
    assert 'Did you mean "loads"' in out.stderr
    assert lines[-1].strip().startswith("^")


def test_two_statements_are_refused_instead_of_showing_the_last(warehouse: Path):
    out = chitieu("query", "SELECT 1 AS a; SELECT 2 AS b", "--db", str(warehouse))
    assert out.returncode == 2
    assert out.stdout == ""
    assert error_lines(out) == [
        "chitieu: error: one statement at a time: this SQL holds 2 statements (run them one by one)"
    ]


# ---------------------------------------------------------------- 17. the user's Prefect home


def test_the_test_session_has_its_own_prefect_home():
    from prefect.settings import PREFECT_HOME

    home = Path(PREFECT_HOME.value()).resolve()
    assert home == Path(os.environ["PREFECT_HOME"]).resolve()
    assert home != (Path.home() / ".prefect").resolve()
    assert "PREFECT_API_URL" not in os.environ


def test_a_run_in_the_environment_the_tests_inherit_loads(tmp_path: Path):
    """`chitieu run` with the test session's own environment, nothing added: its embedded
    Prefect server keeps its flow runs in the session's Prefect home."""
    out = chitieu("run", str(SEED_REPORTS), "--db", str(tmp_path / "w.duckdb"), "--quiet")
    assert out.returncode == 0, out.stderr


def test_running_tests_leaves_the_users_prefect_home_untouched(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    inner = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_guards_warehouse.py::test_a_run_in_the_environment_the_tests_inherit_loads",
            "tests/test_guards_warehouse.py::test_an_unchanged_run_still_publishes_facts_per_indicator_by_name",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert inner.returncode == 0, inner.stdout[-3000:]
    assert "2 passed" in inner.stdout
    assert not (home / ".prefect").exists(), "a test wrote into the user's Prefect home"


# ---------------------------------------------------------------- 18. CLI conventions


def test_values_print_without_float_noise_and_times_in_local_time(warehouse: Path, tmp_path):
    sql = (
        "SELECT 23540000000000.0::DOUBLE AS v, 0.5::DOUBLE AS half, max(loaded_at) AS t FROM loads"
    )
    env = {**os.environ, "TZ": "Asia/Ho_Chi_Minh"}
    as_csv = chitieu("query", sql, "--db", str(warehouse), "--format", "csv", env=env)
    [_, row] = as_csv.stdout.splitlines()
    value, half, when = row.split(",")
    assert (value, half) == ("23540000000000", "0.5")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07:00", when), when
    as_json = json.loads(
        chitieu("query", sql, "--db", str(warehouse), "--format", "jsonl", env=env).stdout
    )
    assert as_json["v"] == 23540000000000 and isinstance(as_json["v"], int)
    assert as_json["t"] == when
    table = chitieu("query", sql, "--db", str(warehouse), env=env).stdout
    assert "23540000000000 " in table and "23540000000000.0" not in table


def test_flags_show_no_value_in_help():
    for command in ("run", "serve"):
        help_text = chitieu(command, "--help").stdout
        assert re.search(r"--full\s+Input is a full snapshot", help_text), help_text
        assert "--yes" in help_text


def test_history_sorts_as_its_help_says(tmp_path: Path):
    folder = reports(tmp_path / "in", 3)
    db = tmp_path / "w.duckdb"
    seed_load(db, folder)
    (folder / "r0001.txt").write_text(SEED_TEXT.replace("19.436", "20.111"), encoding="utf-8")
    seed_load(db, folder)
    assert "grouped by source and fact" in " ".join(chitieu("history", "--help").stdout.split())
    out = chitieu("history", "--db", str(db), "--format", "jsonl")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    keys = [(r["source"], r["fact_key"], r["valid_from"]) for r in rows]
    assert keys == sorted(keys)
    assert any(r["valid_to"] is not None for r in rows), "an old version is shown too"


def test_the_try_hint_works_when_the_venv_is_not_on_path(tmp_path: Path):
    chitieu_script = Path(sys.executable).with_name("chitieu")
    if not chitieu_script.exists():
        pytest.skip("no chitieu console script next to this interpreter")
    env = cli_env(tmp_path)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != chitieu_script.parent
    )
    db = tmp_path / "w.duckdb"
    out = subprocess.run(
        [str(chitieu_script), "run", str(SEED_REPORTS), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert out.returncode == 0, out.stderr
    [hint] = [line for line in out.stdout.splitlines() if line.startswith("try ")]
    command = hint.removeprefix("try").strip()
    tried = subprocess.run(
        f"{command} --db {db}",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=PROJECT_ROOT,
    )
    assert tried.returncode == 0, tried.stderr
    assert "labour.vocational_enrolment" in tried.stdout


def test_document_encoding_holds_encodings_and_format_the_file_type(tmp_path: Path):
    docx = pytest.importorskip("docx")
    folder = tmp_path / "in"
    write_report(folder, "a.txt", SEED_TEXT)
    write_report(
        folder,
        "b.html",
        f"<html><head><title>Báo cáo</title></head><body><p>{SEED_TEXT}</p></body></html>",
    )
    document = docx.Document()
    document.add_paragraph(SEED_TEXT + "\n\nBản Word của báo cáo.")  # not a copy of a.txt
    document.save(str(folder / "c.docx"))
    db = tmp_path / "w.duckdb"
    seed_load(db, folder)
    con = duckdb.connect(str(db), read_only=True)
    found = dict(con.execute("SELECT format, encoding FROM documents").fetchall())
    con.close()
    assert found == {"txt": "utf-8", "html": "utf-8", "docx": "utf-8"}


@pytest.mark.usefixtures("prefect_harness")
def test_an_unchanged_run_still_publishes_facts_per_indicator_by_name(tmp_path: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.etl import chitieu_etl

    db = tmp_path / "w.duckdb"
    chitieu_etl([str(SEED_REPORTS)], str(db))
    again = chitieu_etl([str(SEED_REPORTS)], str(db))
    assert again["skipped_unchanged"] == 1 and again["inserted"] == 0

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(again["flow_run_id"])])
            )
        )
    [artifact] = [a for a in artifacts if a.key == "chitieu-facts-by-indicator"]
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    assert sum(r["facts"] for r in rows) == 3
    assert sum(r["new_in_this_load"] for r in rows) == 0
    by_code = {r["indicator_code"]: r for r in rows}
    assert by_code["labour.vocational_enrolment"]["indicator"] != "labour.vocational_enrolment"
    assert by_code["labour.vocational_enrolment"]["province"] == "Lạng Sơn"
