"""The input guards as plain functions: evidence windows, escaped names, zip sizes, the
ignore list and shared sources (the end-to-end cases are in test_input_guards.py)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.documents import discover
from flows.limits import (
    InputLimitError,
    check_unzipped_size,
    evidence_window,
    printable,
    read_regular_file,
)

words = st.lists(st.text(alphabet="abcđêơ0123456789,", min_size=1, max_size=12), min_size=1)


@given(words, words, st.integers(min_value=20, max_value=400))
def test_an_evidence_window_is_a_slice_holding_the_number_within_the_limit(
    before: list[str], after: list[str], limit: int
) -> None:
    left, right = " ".join(before) + " ", " " + " ".join(after)
    text = "X. " + left + "12.345 hộ" + right + " Y."
    start, end = 3 + len(left), 3 + len(left) + len("12.345 hộ")
    window = evidence_window(text, 3, len(text) - 3, start, end, limit)
    assert len(window) <= max(limit, end - start)
    assert "12.345 hộ" in window
    at = text.find(window, 3)
    assert 3 <= at <= start and end <= at + len(window) <= len(text) - 3


def test_printable_escapes_what_could_forge_or_hide_a_line() -> None:
    assert printable("a\nchitieu: error: b\r\t") == "a\\nchitieu: error: b\\r\\t"
    assert printable("x\x1b[2Ky\u202ez\u2028") == "x\\x1b[2Ky\\u202ez\\u2028"
    assert printable(os.fsdecode(b"b\xe1o.txt")) == "b\\xe1o.txt"
    assert printable("báo cáo số 1.txt") == "báo cáo số 1.txt"


def test_a_zip_is_measured_by_what_its_parts_declare_before_inflating() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:t>a</w:t>" * 200_000)  # 2.3 MiB
    data = buffer.getvalue()
    check_unzipped_size(data, 3 * 2**20)
    with pytest.raises(InputLimitError, match=r"expands to 2\.3 MiB .* 2\.0 MiB"):
        check_unzipped_size(data, 2 * 2**20)
    check_unzipped_size(b"PK\x03\x04 not a zip", 1)  # the Word reader says what is wrong


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.txt")
    with pytest.raises(InputLimitError, match="not a regular file"):
        read_regular_file(tmp_path / "p.txt", 100)


def test_the_ignore_list_takes_gitignore_patterns_with_exceptions(tmp_path: Path) -> None:
    for name in ("a.txt", "b.xlsx", "keep.xlsx", "nhap/c.txt", "sub/d.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".chitieuignore").write_text("*.xlsx\n!keep.xlsx\nnhap/\n", encoding="utf-8")
    files, rejects = discover([tmp_path])
    assert [f.source for f in files] == ["a.txt", "keep.xlsx"]
    assert rejects == []


def test_an_unreadable_ignore_list_is_a_reject_of_the_folder_not_silence(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".chitieuignore").write_bytes(b"\xff\xfe*.xlsx")
    files, rejects = discover([tmp_path])
    assert files == []
    assert [r.source.endswith("/.chitieuignore") for r in rejects] == [True]


def test_one_source_from_two_inputs_is_one_reject_naming_both(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "s.txt").write_text("x", encoding="utf-8")
    files, rejects = discover([tmp_path / "a", tmp_path / "b"])
    assert [f.source for f in files] == ["s.txt"]
    [reject] = rejects
    assert (reject.source, reject.check) == ("r.txt", "duplicate")
    assert str(tmp_path / "a" / "r.txt") in reject.reason
    assert str(tmp_path / "b" / "r.txt") in reject.reason


def test_a_sidecar_holding_a_lone_surrogate_is_a_reject_of_its_report(tmp_path: Path) -> None:
    from flows.documents import InputFile, RejectedInput, read_document

    report = tmp_path / "r.txt"
    report.write_text("Năm 2022 tỉnh có 12 dự án.", encoding="utf-8")
    (tmp_path / "r.meta.json").write_text('{"title": "B\\ud800o c\\u00e1o"}', encoding="utf-8")
    with pytest.raises(RejectedInput, match="not valid Unicode"):
        read_document(InputFile(report, "r.txt"))
