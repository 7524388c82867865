"""Unchanged inputs are recognised by their fingerprint and the extractor version, so a
daily run re-reads only what changed."""

from __future__ import annotations

import json
from pathlib import Path

from flows.documents import InputFile, content_hash_of, read_document, sidecar_of, unchanged_inputs

TEXT = "Năm 2023, tỉnh đón 1,2 triệu lượt khách du lịch."


def report(folder: Path, name: str, text: str = TEXT) -> InputFile:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return InputFile(path, name)


def known_of(*files: InputFile, version: str = "1") -> dict[str, tuple[str, str]]:
    """What the warehouse would record after loading these files."""
    return {f.source: (read_document(f).content_hash, version) for f in files}


def test_a_file_loaded_before_with_the_same_bytes_is_skipped(tmp_path: Path):
    a, b = report(tmp_path, "a.txt"), report(tmp_path, "b.txt", TEXT + " Thêm 5 dự án.")
    to_read, skipped = unchanged_inputs([a, b], known_of(a), "1")
    assert to_read == [b]
    assert skipped == ["a.txt"]


def test_a_changed_file_is_read_again(tmp_path: Path):
    a = report(tmp_path, "a.txt")
    known = known_of(a)
    a.path.write_text(TEXT.replace("1,2", "1,3"), encoding="utf-8")
    assert unchanged_inputs([a], known, "1") == ([a], [])


def test_a_new_extractor_version_reads_every_file_again(tmp_path: Path):
    a = report(tmp_path, "a.txt")
    assert unchanged_inputs([a], known_of(a, version="1"), "2") == ([a], [])


def test_an_edited_metadata_sidecar_makes_the_file_new(tmp_path: Path):
    a = report(tmp_path, "a.txt")
    sidecar = tmp_path / "a.meta.json"
    sidecar.write_text(json.dumps({"province": "Lạng Sơn"}), encoding="utf-8")
    known = known_of(a)
    assert unchanged_inputs([a], known, "1") == ([], ["a.txt"])
    sidecar.write_text(json.dumps({"province": "Cao Bằng"}), encoding="utf-8")
    assert unchanged_inputs([a], known, "1") == ([a], [])


def test_the_fingerprint_is_the_one_the_reader_records(tmp_path: Path):
    a = report(tmp_path, "a.txt")
    assert read_document(a).content_hash == content_hash_of(a.path.read_bytes(), sidecar_of(a.path))


def test_a_file_that_vanished_is_left_to_the_reader_to_reject(tmp_path: Path):
    a = report(tmp_path, "a.txt")
    known = known_of(a)
    a.path.unlink()
    assert unchanged_inputs([a], known, "1") == ([a], [])
