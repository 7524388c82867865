"""Input guards end to end: hostile and careless inputs through the real `chitieu` command on
a real warehouse file. Every input is generated here.

A report folder is untrusted: a file may be a zip bomb, a line of ten thousand figures, a
number of hundreds of digits, a name holding a newline or bytes that are not UTF-8, a pipe
swapped in for a report, a page nested thousands of elements deep, or a stray spreadsheet
that stays there for months. Each must cost bounded memory and be at most a reject of that
one file, named in one line; the other files load.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import duckdb
import pytest

from flows.documents import InputFile, RejectedInput, read_document, unchanged_inputs

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHITIEU = Path(sys.executable).with_name("chitieu")
GOOD = (
    "Năm 2022, tỉnh Lạng Sơn tuyển sinh và đào tạo được 19.436 học viên, đạt 130,9% kế hoạch.\n"
    "Tỷ lệ lao động qua đào tạo đạt 60%.\n"
)
NINES = "9" * 500
TOO_LARGE = f"Năm 2022, doanh thu du lịch của tỉnh Lạng Sơn tăng {NINES}% so với cùng kỳ.\n"
PEAK = "PEAK_RSS_KB"
RSS_WRAPPER = f"""
import atexit, resource, sys

def peak_kib():
    try:  # the high-water mark of this process's own memory since it started this program
        with open("/proc/self/status") as status:
            return next(int(x.split()[1]) for x in status if x.startswith("VmHWM:"))
    except (OSError, StopIteration):  # not Linux: getrusage, which counts the parent's pages
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

atexit.register(lambda: print("{PEAK}", peak_kib(), file=sys.stderr, flush=True))
from flows.cli import main
sys.argv = ["chitieu", *sys.argv[1:]]
main()
"""
"""Runs the real CLI in a Python process that reports its own peak RSS when it exits. Its
own: Linux's `getrusage` peak survives the fork and exec that start a process, so it would
report the test process's size, not the command's (VmHWM is reset by the exec). The embedded
Prefect server is a separate process, not counted."""


def env(*args: object, **extra: str) -> dict[str, str]:
    """The command's environment; a run's first folder is its reports root, so that its
    reports are known by their names in that folder (as under `CHITIEU_REPORTS`)."""
    out = dict(os.environ)
    out.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
    out.pop("PREFECT_API_URL", None)
    folders = [a for a in args[1:] if isinstance(a, Path) and a.is_dir()]
    if args and args[0] == "run" and folders and "CHITIEU_REPORTS" not in extra:
        out["CHITIEU_REPORTS"] = str(folders[0])
    return out


def chitieu(*args: object, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHITIEU), *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        env=env(*args, **extra),
        timeout=600,
    )


def chitieu_rss(*args: object, **extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The command's result and the peak RSS of its own process, in MiB."""
    result = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        env=env(*args, **extra),
        timeout=600,
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith(PEAK)]
    assert lines, result.stderr[-2000:]
    return result, int(lines[-1].split()[1]) / 1024


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.splitlines()


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]


# --- 1. a Word file that expands to 200 MB ---------------------------------------------------


def word_bomb(path: Path, expanded_mb: int) -> None:
    """A .docx whose word/document.xml inflates to `expanded_mb` MiB of real paragraphs."""
    paragraph = (
        "<w:p><w:r><w:t>Năm 2022 tỉnh Lạng Sơn có 1.234 hộ nghèo, giảm 56 hộ.</w:t></w:r></w:p>"
    ).encode()
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>"
    )
    block = paragraph * (2**20 // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            for _ in range(expanded_mb):
                part.write(block)
            part.write(b"</w:body></w:document>")


def test_a_word_file_expanding_to_200_mb_is_rejected_naming_the_limit_in_bounded_memory(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    word_bomb(folder / "bom.docx", 200)
    assert (folder / "bom.docx").stat().st_size < 2 * 2**20  # a small file...
    db = tmp_path / "kho.duckdb"

    extracted, extract_mb = chitieu_rss("extract", folder)
    loaded, run_mb = chitieu_rss("run", folder, "--db", db)
    baseline, baseline_mb = chitieu_rss("run", tmp_path / "in" / "tot.txt", "--db", tmp_path / "b")
    print(f"200 MB docx: extract {extract_mb:.0f} MiB, run {run_mb:.0f} MiB "
          f"(a run over one small report: {baseline_mb:.0f} MiB)")  # fmt: skip

    for result in (extracted, loaded):
        no_traceback(result)
        assert result.returncode == 1
        assert any(
            "bom.docx" in line and "CHITIEU_MAX_UNZIPPED_MB" in line and "200.0 MiB" in line
            for line in stderr_lines(result)
        ), result.stderr[-2000:]
    assert extract_mb < 300  # ...that costs no more to refuse than any small file
    assert run_mb < baseline_mb + 50
    assert baseline.returncode == 0
    [(reason,)] = rows(db, "SELECT reason FROM rejects WHERE source = 'bom.docx'")
    assert "over the limit of 100.0 MiB (CHITIEU_MAX_UNZIPPED_MB)" in reason
    assert rows(db, "SELECT source FROM documents") == [("tot.txt",)]


def test_each_input_limit_is_a_setting_that_rejects_naming_itself(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    (folder / "dai.txt").write_text(GOOD * 20, encoding="utf-8")  # 2,500 characters
    word_bomb(folder / "nho.docx", 2)
    result = chitieu(
        "extract",
        folder,
        CHITIEU_MAX_UNZIPPED_MB="1",
        CHITIEU_MAX_CHARS="2000",
    )
    no_traceback(result)
    assert result.returncode == 1
    lines = stderr_lines(result)
    assert any("nho.docx" in x and "CHITIEU_MAX_UNZIPPED_MB" in x for x in lines), lines
    assert any("dai.txt" in x and "2,000 (CHITIEU_MAX_CHARS)" in x for x in lines), lines
    assert {json.loads(x)["source"] for x in result.stdout.splitlines()} == {"tot.txt"}

    big = folder / "lon.txt"
    big.write_bytes(GOOD.encode() * 8000)
    size = f"{big.stat().st_size / 2**20:.1f} MiB"
    over = chitieu("extract", big, CHITIEU_MAX_FILE_MB="1")
    assert over.returncode == 1
    assert over.stderr == (
        f"chitieu: rejected lon.txt: file too large: {size}, over the limit of 1.0 MiB "
        "(CHITIEU_MAX_FILE_MB)\n"
    )

    wrong = chitieu("extract", folder, CHITIEU_MAX_CHARS="lots")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        "chitieu: error: CHITIEU_MAX_CHARS must be a positive whole number, not 'lots'"
    )


# --- 2. one line with 10,000 facts -------------------------------------------------------------


def test_a_line_of_ten_thousand_figures_loads_in_bounded_memory_with_windowed_evidence(tmp_path):
    n = 10_000
    line = "Năm 2022 tỉnh Lạng Sơn có " + ", ".join(f"{i} hộ" for i in range(1, n + 1)) + ".\n"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dong.txt").write_text(line, encoding="utf-8")
    db = tmp_path / "kho.duckdb"

    result, peak_mb = chitieu_rss("run", folder, "--db", db)
    print(f"one line of {n} figures ({len(line):,} characters): peak RSS {peak_mb:.0f} MiB")
    no_traceback(result)
    assert result.returncode == 0, result.stderr[-2000:]
    assert peak_mb < 500
    facts = rows(db, 'SELECT value, text, "start", "end" FROM observations')
    assert len(facts) == n
    assert max(len(text) for _, text, _, _ in facts) <= 600
    for value, text, start, end in facts:  # the window holds the number and is the text there
        number = line[start:end]
        assert number.split()[0] == str(int(value))
        assert number in text
        assert line.find(text, max(0, start - 600), end + 600) >= 0


# --- shared: one folder of hostile names and contents, run twice ------------------------------

NEWLINE_NAME = "x\nchitieu: error: the warehouse is corrupt.txt"
NOT_UTF8 = b"b\xe1o c\xe1o.txt"  # "báo cáo" in Windows-1258 bytes: not UTF-8
DEEP = 3000


def deep_page() -> str:
    body = "".join(f"<p>{GOOD.splitlines()[0]} Dòng {i}.</p>" for i in range(20))
    return f"<html><body>{'<div>' * DEEP}{body}{'</div>' * DEEP}</body></html>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`chitieu run --quiet` over a folder of hostile inputs, then `chitieu run` again."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    (folder / "chin.txt").write_text(GOOD.replace("2022", "2021") + TOO_LARGE, encoding="utf-8")
    (folder / "sau.html").write_text(deep_page(), encoding="utf-8")
    (folder / NEWLINE_NAME).symlink_to(base / "gone")  # rejected every run: its name is printed
    (folder / "rong.txt").write_bytes(b"")
    with open(os.path.join(os.fsencode(folder), NOT_UTF8), "wb") as handle:
        handle.write(GOOD.replace("2022", "2020").encode())
    os.mkfifo(folder / "ong.txt")  # a pipe where a report should be: never opened
    (folder / "bang.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(200))
    (folder / "nhap").mkdir()
    (folder / "nhap" / "ghi chu.txt").write_text(GOOD, encoding="utf-8")
    (folder / ".chitieuignore").write_text("# not reports\n*.xlsx\nnhap/\n", encoding="utf-8")
    (folder / "so lieu.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not ignored
    db = base / "kho.duckdb"
    first = chitieu("run", folder, "--db", db, "--quiet")
    second = chitieu("run", folder, "--db", db)
    extracted = subprocess.run(
        [str(CHITIEU), "extract", str(folder)], capture_output=True, env=env(), timeout=600
    )
    return {"first": first, "second": second, "db": db, "extract": extracted}


def test_quiet_still_prints_every_reject_on_stderr(hostile):
    first = hostile["first"]
    no_traceback(first)
    assert first.returncode == 1
    assert first.stdout == ""
    lines = [x for x in stderr_lines(first) if x.startswith("chitieu: rejected ")]
    names = ("chin.txt", "x\\nchitieu: error:", "b\\xe1o c\\xe1o.txt", "ong.txt", "so lieu", "rong")
    for name in names:
        assert any(name in x for x in lines), (name, lines)


def test_a_name_with_a_newline_cannot_forge_a_line_of_the_summary_or_logs(hostile):
    for result in (hostile["first"], hostile["second"]):
        out = result.stdout.splitlines() + result.stderr.splitlines()
        assert not [x for x in out if x.startswith("chitieu: error:")], out
        assert not [x for x in out if "error: the warehouse is corrupt" in x.split("\\n")[0]]
    shown = "rejected x\\nchitieu: error: the warehouse is corrupt.txt: broken symbolic link"
    assert shown in hostile["first"].stderr  # --quiet: the reject lines
    assert shown in hostile["second"].stdout  # the summary
    assert shown in hostile["second"].stderr  # the log
    [(source,)] = rows(hostile["db"], "SELECT DISTINCT source FROM rejects WHERE source LIKE 'x%'")
    assert source == NEWLINE_NAME  # the warehouse keeps the real name; printing escapes it


def test_a_name_that_is_not_utf8_is_a_reject_of_that_file_and_the_others_load(hostile):
    reasons = rows(hostile["db"], "SELECT reason FROM rejects WHERE source = 'b\\xe1o c\\xe1o.txt'")
    assert reasons and all("not valid UTF-8" in r for (r,) in reasons)
    loaded = {s for (s,) in rows(hostile["db"], "SELECT source FROM documents")}
    assert loaded == {"tot.txt", "chin.txt", "sau.html"}


def test_extract_over_hostile_names_prints_only_utf8_json_and_escaped_lines(hostile):
    result = hostile["extract"]
    assert result.returncode == 1
    out = result.stdout.decode("utf-8")  # strict: no raw bytes of a name
    sources = {json.loads(line)["source"] for line in out.splitlines()}
    assert sources == {"tot.txt", "chin.txt", "sau.html"}
    err = result.stderr.decode("utf-8").splitlines()
    assert all(line.startswith("chitieu: rejected ") for line in err), err
    assert "chitieu: rejected b\\xe1o c\\xe1o.txt: file name is not valid UTF-8" in "\n".join(err)


def test_a_pipe_in_the_folder_is_a_reject_and_the_run_goes_on(hostile):
    assert rows(hostile["db"], "SELECT reason FROM rejects WHERE source = 'ong.txt' LIMIT 1") == [
        ("not a regular file (device, pipe or socket)",)
    ]


def test_a_deeply_nested_page_with_real_text_is_read(hostile):
    facts = rows(
        hostile["db"],
        "SELECT count(*), min(value) FROM observations "
        "WHERE source = 'sau.html' AND indicator = 'labour.vocational_enrolment' "
        "AND measure = 'level'",
    )
    assert facts == [(20, 19436.0)]


def test_a_number_too_large_is_a_reject_with_its_reason_and_never_infinity(hostile):
    db = hostile["db"]
    [(reason, record)] = rows(
        db, "SELECT reason, record FROM rejects WHERE source = 'chin.txt' AND load_id = 1"
    )
    assert reason == (
        "number too large: 9999999999999999…999999999999999% (501 characters) "
        "is beyond what a number can hold"
    )
    assert "Infinity" not in record and json.loads(record)["source"] == "chin.txt"
    assert rows(db, "SELECT count(*) FROM observations WHERE NOT isfinite(value_low)") == [(0,)]
    assert rows(db, "SELECT count(*) FROM observations WHERE source = 'chin.txt'")[0][0] >= 2


def test_the_ignore_list_leaves_files_and_folders_out_unread(hostile):
    sources = {s for (s,) in rows(hostile["db"], "SELECT source FROM rejects")}
    sources |= {s for (s,) in rows(hostile["db"], "SELECT source FROM documents")}
    assert "bang.xlsx" not in sources
    assert not [s for s in sources if s.startswith("nhap")]


def test_a_rejected_file_is_reported_once_not_on_every_run(hostile):
    db = hostile["db"]
    by_load = rows(db, "SELECT load_id, source FROM rejects ORDER BY load_id, source")
    first = {s for load, s in by_load if load == 1}
    second = {s for load, s in by_load if load == 2}
    assert {"so lieu.csv", "rong.txt"} <= first
    assert "so lieu.csv" not in second and "rong.txt" not in second
    # what is wrong with the name or the kind of file, not with its bytes, is told every run
    assert {"b\\xe1o c\\xe1o.txt", "ong.txt", NEWLINE_NAME} <= second
    assert "so lieu.csv" not in hostile["second"].stderr + hostile["second"].stdout


def test_a_stray_file_makes_one_failing_run_then_the_daily_run_is_clean(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    (folder / "bang.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    db = tmp_path / "kho.duckdb"
    first, second = chitieu("run", folder, "--db", db), chitieu("run", folder, "--db", db)
    assert (first.returncode, second.returncode) == (1, 0), second.stderr[-2000:]
    assert rows(db, "SELECT load_id, source FROM rejects") == [(1, "bang.xls")]
    (folder / "bang.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    third = chitieu("run", folder, "--db", db)  # new bytes: told again
    assert third.returncode == 1
    assert rows(db, "SELECT load_id FROM rejects WHERE source = 'bang.xls'") == [(1,), (3,)]


# --- 13. two inputs with the same source ----------------------------------------------------


def test_two_inputs_with_one_source_are_a_reject_naming_both_and_the_others_load(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, year in ((a, "2022"), (b, "2021")):
        folder.mkdir()
        (folder / "report.txt").write_text(GOOD.replace("2022", year), encoding="utf-8")
    (a / "khac.txt").write_text(GOOD.replace("2022", "2019"), encoding="utf-8")
    db = tmp_path / "kho.duckdb"
    result = chitieu("run", a, b, "--db", db)
    no_traceback(result)
    assert result.returncode == 1
    line = next(x for x in stderr_lines(result) if "rejected report.txt" in x)
    assert str(a / "report.txt") in line and str(b / "report.txt") in line
    assert rows(db, "SELECT source FROM documents") == [("khac.txt",)]
    assert rows(db, "SELECT check_name FROM rejects WHERE source = 'report.txt'") == [
        ("duplicate",)
    ]


def test_a_first_run_that_fails_to_load_leaves_no_empty_warehouse_file(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(Path(__file__).parent.parent / "seeds" / "reference", reference)
    with open(reference / "provinces.csv", "a", encoding="utf-8") as handle:
        handle.write("99,not a date,X,X,X,X\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "kho.duckdb"
    result = chitieu("run", folder, "--db", db, CHITIEU_REFERENCE=str(reference))
    no_traceback(result)
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert not db.exists() and not db.with_name("kho.duckdb.wal").exists()


# --- 14. a pipe swapped in after discovery ------------------------------------------------------


def test_the_unchanged_check_and_the_reader_never_open_a_pipe(tmp_path):
    path = tmp_path / "bao cao.txt"
    path.write_text(GOOD, encoding="utf-8")
    file = InputFile(path, path.name)
    known = {file.source: (read_document(file).content_hash, "1")}
    path.unlink()
    os.mkfifo(path)  # swapped in after discovery: no writer will ever come
    outcome: list[object] = []

    def check() -> None:
        outcome.append(unchanged_inputs([file], known, "1"))
        try:
            read_document(file)
        except RejectedInput as exc:
            outcome.append(exc.reason)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the opener, so the test ends
        with open(os.open(path, os.O_WRONLY | os.O_NONBLOCK), "wb"):
            pass
        pytest.fail("opening the pipe blocked")
    assert outcome == [([file], []), "not a regular file"]


def test_a_folder_given_by_a_name_that_is_not_utf8_is_a_usage_error_in_one_line(tmp_path):
    folder = os.path.join(os.fsencode(tmp_path), b"th\xf0u")
    os.mkdir(folder)
    with open(os.path.join(folder, b"tot.txt"), "w", encoding="utf-8") as handle:
        handle.write(GOOD)
    name = os.fsdecode(folder)
    result = chitieu("run", name, "--db", tmp_path / "kho.duckdb")
    assert result.returncode == 2
    assert result.stderr == (
        f"chitieu: error: {tmp_path}/th\\xf0u: the path is not valid UTF-8 (rename it)\n"
    )
    extracted = chitieu("extract", name)  # nothing goes to Prefect or DuckDB: it reads
    assert extracted.returncode == 0
    assert {json.loads(x)["source"] for x in extracted.stdout.splitlines()} == {"tot.txt"}


def test_a_load_refused_for_a_shared_source_names_it_and_leaves_no_new_file(tmp_path):
    from flows.documents import Document, doc_id_of, split_sentences
    from flows.frames import documents_frame, observations_frame, rejects_frame
    from flows.warehouse import WarehouseError, load

    def doc(text: str) -> Document:
        return Document(doc_id_of(text), "báo cáo\n1.txt", text, split_sentences(text))

    db = tmp_path / "kho.duckdb"
    documents = documents_frame([doc(GOOD), doc(GOOD + "Thêm.")])
    with pytest.raises(WarehouseError) as refused:
        load(
            db,
            documents,
            observations_frame([]),
            rejects_frame([]),
            sources=["báo cáo\n1.txt"],
            code_version="t",
            extractor_version="t",
        )
    assert "1 sources with more than one document in this load (báo cáo\\n1.txt)" in str(
        refused.value
    )
    assert not db.exists()
