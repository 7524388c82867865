"""Partition results on the shared folder (flows/results.py), and the partitioned flow
where no work pool runs it: plain functions on real Parquet files in tmp_path, and a
real flow run under the session's Prefect test server."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.documents import InputFile, discover
from flows.frames import extract_batch
from flows.partitions import chitieu_etl_partitioned, chitieu_partition, partitions
from flows.results import (
    PartitionOutput,
    PartitionResultError,
    partition_key,
    read_partition,
    remove_partitions,
    write_partition,
)
from flows.schemas import validate_run
from tests.conftest import SEED_REPORTS, write_report

REPORT = (
    "Năm 2023, kim ngạch xuất khẩu của tỉnh Bắc Ninh đạt 32,5 tỷ USD, tăng 12% so với năm "
    "2022. Tổng thu ngân sách của tỉnh đạt 1.234 tỷ đồng."
)


def reports(folder: Path, n: int) -> list[InputFile]:
    """`n` small reports (the numbers differ) and their input files."""
    for i in range(n):
        write_report(folder, f"r{i:02d}.txt", REPORT.replace("32,5", f"{30 + i},5"))
    files, missing = discover([folder])
    assert not missing
    return files


def output_of(files: list[InputFile]) -> PartitionOutput:
    """What a partition's child leaves: validated frames and its counts."""
    batch = extract_batch(files)
    docs, obs, rejects = validate_run(batch.documents, batch.observations)
    return PartitionOutput(docs, obs, rejects, files=len(files), facts=batch.observations.height)


def test_a_partition_reads_back_exactly_what_it_wrote(tmp_path: Path):
    files = reports(tmp_path / "in", 3)
    output = output_of(files)
    key = partition_key(files, "v1")

    write_partition(tmp_path / "results", key, output)
    back = read_partition(tmp_path / "results", key)

    assert back.documents.equals(output.documents)
    assert back.observations.equals(output.observations)
    assert back.rejects.equals(output.rejects)
    assert (back.files, back.facts) == (3, output.observations.height)
    assert back.observations.height > 3


def test_the_same_partition_gets_the_same_name_and_a_retry_replaces_its_output(tmp_path: Path):
    files = reports(tmp_path / "in", 4)
    key = partition_key(files, "v1")
    assert partition_key(list(files), "v1") == key
    assert partition_key(files[:3], "v1") != key
    assert partition_key(files, "v2") != key, "another extractor writes elsewhere"

    results = tmp_path / "results"
    write_partition(results, key, output_of(files[:1]))
    write_partition(results, key, output_of(files))

    assert [p.name for p in results.iterdir()] == [key]
    assert read_partition(results, key).files == 4
    assert not [p for p in (results / key).iterdir() if p.name.endswith(".tmp")]


def test_an_unfinished_or_missing_partition_is_an_error_naming_its_folder(tmp_path: Path):
    files = reports(tmp_path / "in", 1)
    results = tmp_path / "results"
    key = partition_key(files, "v1")
    with pytest.raises(PartitionResultError, match=f"{key}: no finished results"):
        read_partition(results, key)

    write_partition(results, key, output_of(files))
    (results / key / "manifest.json").unlink()  # a child that died while writing
    with pytest.raises(PartitionResultError, match="no finished results"):
        read_partition(results, key)

    remove_partitions(results, [key])
    assert not (results / key).exists()


def test_partitions_cut_the_files_in_order_with_a_name_each(tmp_path: Path):
    files = reports(tmp_path / "in", 5)
    parts = partitions(files, size=2)
    assert [len(p.files) for p in parts] == [2, 2, 1]
    assert [f for p in parts for f in p.files] == files
    assert len({p.key for p in parts}) == 3
    params = parts[0].parameters(tmp_path / "results")
    assert all(Path(p).is_absolute() for p in params["paths"])


@pytest.mark.usefixtures("prefect_harness")
def test_a_child_flow_run_writes_its_partition_for_the_parent(tmp_path: Path):
    files = reports(tmp_path / "in", 3)
    [part] = partitions(files, size=10)
    results = tmp_path / "results"

    done = chitieu_partition(**part.parameters(results))

    back = read_partition(results, part.key)
    assert done["facts"] == back.observations.height > 0
    assert back.documents["source"].to_list() == [f.source for f in files]


@pytest.mark.usefixtures("prefect_harness")
def test_a_child_of_another_extractor_version_fails_saying_so(tmp_path: Path):
    [part] = partitions(reports(tmp_path / "in", 1), size=10)
    params = {**part.parameters(tmp_path / "results"), "extractor_version": "0-other"}
    with pytest.raises(Exception, match="install the same chitieu on every host"):
        chitieu_partition(**params)
    assert not (tmp_path / "results").exists()


@pytest.mark.usefixtures("prefect_harness")
def test_without_a_work_pool_the_partitioned_flow_runs_as_the_ordinary_one(db_path: Path):
    summary = chitieu_etl_partitioned([str(SEED_REPORTS)], str(db_path), partition_size=1)
    assert summary["inserted"] == summary["facts"] == 3
    assert "partitions" not in summary
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]
