"""Partition results on a shared folder: the frames one host extracted, for the loader.

A partitioned run cuts its inputs into partitions; each partition is extracted on
whichever host picks it up, and its three frames (valid documents, valid facts,
rejects) are written here as Parquet, in a folder named by the partition's content
(its files and the extractor version). A retried partition therefore writes to the
same folder and replaces its own earlier output. The loader reads every partition
back and loads them in one transaction. Plain functions, no orchestration.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.documents import InputFile
from flows.frames import (
    DOCUMENT_SCHEMA,
    OBSERVATION_SCHEMA,
    REJECT_SCHEMA,
)

FRAMES = ("documents", "observations", "rejects")
"""The frames a partition writes, one Parquet file each."""
MANIFEST = "manifest.json"
"""Written last: a partition folder without it is unfinished."""


class PartitionResultError(Exception):
    """A partition's results are missing or unreadable; the message is one line."""


@dataclass(frozen=True)
class PartitionOutput:
    """What one partition became: its frames after validation, and what it counted."""

    documents: pl.DataFrame
    observations: pl.DataFrame
    rejects: pl.DataFrame
    files: int
    facts: int
    """Facts found before validation (the run summary's `facts`)."""


def partition_key(files: Sequence[InputFile], extractor_version: str) -> str:
    """The name of a partition's results: a hash of its files (source and path, in order)
    and of the extractor version, so the same partition always writes the same folder."""
    digest = hashlib.sha256(extractor_version.encode())
    for f in files:
        digest.update(b"\0" + f.source.encode() + b"\0" + str(f.path).encode())
    return digest.hexdigest()[:32]


def partition_dir(results_dir: Path, key: str) -> Path:
    """The folder of one partition's results."""
    return results_dir / key


def write_partition(results_dir: Path, key: str, output: PartitionOutput) -> Path:
    """Write a partition's frames as Parquet and then its manifest, each file through a
    temporary name and a rename, so a reader sees whole files only and a retried
    partition replaces what it wrote before. Returns the partition's folder."""
    folder = partition_dir(results_dir, key)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # unfinished until the new manifest lands
    for name in FRAMES:
        frame: pl.DataFrame = getattr(output, name)
        _replace(folder / f"{name}.parquet", lambda tmp, f=frame: f.write_parquet(tmp))
    manifest = {"key": key, "files": output.files, "facts": output.facts}
    _replace(folder / MANIFEST, lambda tmp: tmp.write_text(json.dumps(manifest)))
    return folder


def read_partition(results_dir: Path, key: str) -> PartitionOutput:
    """A partition's frames and counts, as `write_partition` left them."""
    folder = partition_dir(results_dir, key)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise PartitionResultError(f"{folder}: no finished results (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise PartitionResultError(f"{folder / MANIFEST}: unreadable: {exc}") from None
    schemas = {
        "documents": DOCUMENT_SCHEMA,
        "observations": OBSERVATION_SCHEMA,
        "rejects": REJECT_SCHEMA,
    }
    frames: dict[str, pl.DataFrame] = {}
    for name in FRAMES:
        path = folder / f"{name}.parquet"
        try:
            frame = pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise PartitionResultError(f"{path}: unreadable: {exc}".splitlines()[0]) from None
        if dict(frame.schema) != schemas[name]:
            raise PartitionResultError(f"{path}: columns differ from the {name} frame's")
        frames[name] = frame
    return PartitionOutput(
        frames["documents"],
        frames["observations"],
        frames["rejects"],
        files=int(manifest["files"]),
        facts=int(manifest["facts"]),
    )


def remove_partitions(results_dir: Path, keys: Sequence[str]) -> None:
    """Delete partition folders once their results are loaded."""
    for key in keys:
        shutil.rmtree(partition_dir(results_dir, key), ignore_errors=True)


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside `path`, then rename over it (atomic on POSIX,
    also on NFS for a rename within one folder)."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
