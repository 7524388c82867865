"""Bad input end to end: `chitieu run` over a folder of broken files next to good ones.

Each case checks what a user and an analyst see: a one-line reason on stderr
naming the file, a row in the warehouse's `rejects` table, the good files
loaded, no traceback, and exit status 1 (0 when nothing was rejected).
Every input is generated here.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from flows import documents
from flows.decoding import text_to_vni
from flows.documents import InputFile, read_document

pytestmark = [pytest.mark.server, pytest.mark.slow]

CHITIEU = Path(sys.executable).with_name("chitieu")
GOOD = (
    "Năm 2022, tỉnh Lạng Sơn tuyển sinh và đào tạo được 19.436 học viên, đạt 130,9% kế hoạch.\n"
    "Tỷ lệ lao động qua đào tạo đạt 60%.\n"
)
NO_NUMBERS = "Hội nghị tổng kết công tác năm của tỉnh diễn ra tại trụ sở Ủy ban nhân dân.\n"
ENGLISH = "The province reported strong growth in trade and tourism this year. " * 20


def _extractor_ready() -> bool:
    from flows.observations import extract_observations

    try:
        extract_observations(read_document_from_text(GOOD))
    except NotImplementedError:
        return False
    return True


def read_document_from_text(text: str) -> documents.Document:
    normal = documents.normalise(text)
    return documents.Document(
        doc_id=documents.doc_id_of(normal),
        source="probe.txt",
        text=normal,
        sentences=documents.split_sentences(normal),
    )


@pytest.fixture(scope="module", autouse=True)
def _needs_extractor() -> None:
    if not _extractor_ready():
        pytest.skip("the fact extractor is not implemented yet")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bang.csv", "a,b\n1,2\n")
    return buffer.getvalue()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "rong.txt": (b"", "empty file"),
    "khoang trang.txt": (b"  \n\t\n\r\n", "only whitespace"),
    "anh.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    "nen.txt": (zip_bytes(), "zip archive"),
    "gia.docx": (zip_bytes(), "Word"),
    "cut.txt": (GOOD.encode()[: GOOD.encode().index("ạ".encode()) + 2], "truncated UTF-8"),
    "english.txt": (ENGLISH.encode(), "not Vietnamese"),
}
GOOD_FILES: dict[str, bytes] = {
    "tot.txt": GOOD.encode(),
    "thư mục có dấu/báo cáo số 1.txt": GOOD.replace("2022", "2021").encode(),
    "khong so.txt": NO_NUMBERS.encode(),
    "cu/vni.txt": text_to_vni(GOOD.replace("2022", "2020")),
}


def env() -> dict[str, str]:
    out = dict(os.environ)
    out.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    out.pop("PREFECT_API_URL", None)
    return out


def run(paths: list[Path], db: Path) -> subprocess.CompletedProcess[str]:
    # the folder given is the reports root, so sources are relative to it
    root = {"CHITIEU_REPORTS": str(paths[0])} if paths[0].is_dir() else {}
    return subprocess.run(
        [str(CHITIEU), "run", *map(str, paths), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**env(), **root},
        timeout=600,
    )


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def bad_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One `chitieu run` over a folder holding every bad case and some good files."""
    base = tmp_path_factory.mktemp("bad input")
    folder = base / "báo cáo"
    for name, data in {**{k: v[0] for k, v in BAD_FILES.items()}, **GOOD_FILES}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / "vong").mkdir()
    (folder / "vong" / "lai").symlink_to(folder, target_is_directory=True)
    db = base / "kho.duckdb"
    return run([folder], db), db


def test_exit_status_and_no_traceback(bad_run):
    result, _ = bad_run
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_is_named_on_stderr_and_kept_in_rejects(bad_run, name):
    result, db = bad_run
    words = BAD_FILES[name][1]
    assert any(name in line and words in line for line in result.stderr.splitlines()), name
    reasons = rows(db, "SELECT reason FROM rejects WHERE source = ?", name)
    assert len(reasons) == 1 and words in reasons[0][0]


def test_a_symlink_loop_is_a_reject(bad_run):
    result, db = bad_run
    assert rows(db, "SELECT reason FROM rejects WHERE source = 'vong/lai'") == [
        ("symbolic link loop: links back to a folder above it",)
    ]
    assert "vong/lai" in result.stderr


def test_the_good_files_still_load(bad_run):
    _, db = bad_run
    loaded = {s for (s,) in rows(db, "SELECT source FROM documents")}
    assert loaded == set(GOOD_FILES)
    facts = rows(
        db,
        "SELECT source, count(*) FROM observations WHERE valid_to IS NULL GROUP BY source",
    )
    by_source = dict(facts)
    assert "khong so.txt" not in by_source  # a text with no numbers: a document, zero facts
    assert by_source.get("thư mục có dấu/báo cáo số 1.txt", 0) >= 1
    assert by_source.get("cu/vni.txt", 0) >= 1


def test_a_clean_run_exits_zero(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    result = run([folder], tmp_path / "kho.duckdb")
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_file_that_changes_during_the_run_is_rejected(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    growing = folder / "dang ghi.txt"
    growing.write_bytes((GOOD * 100_000).encode())  # ~15 MB: reading takes a while
    stop = threading.Event()

    def append() -> None:
        with open(growing, "ab", buffering=0) as handle:
            while not stop.is_set():
                handle.write(b"Them mot dong.\n")
                time.sleep(0.0002)

    writer = threading.Thread(target=append, daemon=True)
    writer.start()
    try:
        result = run([folder], tmp_path / "kho.duckdb")
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 1
    assert any(
        "dang ghi.txt" in line and "changed while being read" in line
        for line in result.stderr.splitlines()
    ), result.stderr[-2000:]
    assert rows(tmp_path / "kho.duckdb", "SELECT source FROM documents") == [("tot.txt",)]


def test_an_unreadable_file_is_rejected(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tot.txt").write_text(GOOD, encoding="utf-8")
    locked = folder / "khoa.txt"
    locked.write_text(GOOD, encoding="utf-8")
    if os.geteuid() == 0:
        # root reads any file; the read error is simulated in the reader's own test
        assert "permission denied" in _reject_as_if_unreadable(locked)
        return
    locked.chmod(0)
    result = run([folder], tmp_path / "kho.duckdb")
    assert result.returncode == 1
    assert any("khoa.txt" in line for line in result.stderr.splitlines())


def _reject_as_if_unreadable(path: Path) -> str:
    real = documents._read_bytes

    def deny(p: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(p))

    documents._read_bytes = deny
    try:
        read_document(InputFile(path, path.name))
    except documents.RejectedInput as exc:
        return exc.reason
    finally:
        documents._read_bytes = real
    return ""


def test_a_fifty_megabyte_report_loads_with_bounded_memory(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "lon.txt"
    block = NO_NUMBERS.encode() * 1000
    with open(path, "wb") as handle:
        handle.write(GOOD.encode())
        for _ in range(50 * 2**20 // len(block) + 1):
            handle.write(block)
    started = time.perf_counter()
    result = run([folder], tmp_path / "kho.duckdb")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"50 MB run: {seconds:.1f} s, peak RSS of a child {peak_mb:.0f} MB")
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(tmp_path / "kho.duckdb", "SELECT count(*) FROM documents") == [(1,)]
    assert peak_mb < 1536
