"""Which report a file is, whatever folder it was passed in: the warehouse's `source`.

A report's source is its URL when its metadata gives one, else its path relative
to the reports root (`CHITIEU_REPORTS`, default `seeds/reports`) when it lies
under it, else its absolute path. `chitieu extract` keeps the path relative to
the folder given (the record's `source`); the warehouse uses this identity, and
keeps the file's path in `documents.source_path`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from flows.documents import InputFile
from flows.warehouse import KnownFile


def path_key(path: Path, root: Path) -> str:
    """The file's path relative to the reports root when it lies under it, else absolute
    (POSIX separators; links are not resolved unless that is what puts it under the root)."""
    absolute = Path(os.path.abspath(path))
    for file, base in ((absolute, Path(os.path.abspath(root))), (path.resolve(), root.resolve())):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return absolute.as_posix()


def warehouse_inputs(files: Sequence[InputFile], root: Path) -> list[InputFile]:
    """The files with their path key (see `path_key`) as the name the run knows them by."""
    return [InputFile(f.path, path_key(f.path, root)) for f in files]


def fingerprint(extractor_version: str, catalogue_hash: str | None) -> str:
    """What must be equal for a file read before to be skipped: extractor and catalogue."""
    return f"{extractor_version}+{catalogue_hash}"


def known_by_path(
    known: Mapping[str, KnownFile], catalogue_hash: str | None
) -> dict[str, tuple[str, str]]:
    """source_path -> (content hash, fingerprint), the shape `unchanged_inputs` compares; a
    file rejected for its bytes is fingerprinted with today's catalogue (it plays no part)."""
    return {
        path: (
            k.content_hash,
            fingerprint(k.extractor_version, catalogue_hash if k.rejected else k.catalogue_hash),
        )
        for path, k in known.items()
    }


def with_identity(
    documents: pl.DataFrame, observations: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents and facts under the report's identity: `source` becomes the URL when the
    document has one (its path key stays in `source_path`); facts follow their document.
    Two files of one run that give the same URL: the first is known by it, the others by
    their path (so a copy is then reported as a duplicate, never refused with the load)."""
    url = pl.col("url").str.strip_chars().replace("", None)
    documents = (
        documents.with_columns(source_path=pl.col("source"), _url=url)
        .with_columns(
            # a URL claimed by two files of one run names only the first; the others keep their path
            source=pl.when(pl.col("_url").is_not_null() & pl.col("_url").is_first_distinct())
            .then(pl.col("_url"))
            .otherwise(pl.col("source"))
        )
        .drop("_url")
    )
    renamed = documents.filter(pl.col("source") != pl.col("source_path"))
    if renamed.height:
        mapping = renamed.select(
            pl.col("source_path").alias("source"), pl.col("source").alias("_identity")
        )
        observations = (
            observations.join(mapping, on="source", how="left", maintain_order="left")
            .with_columns(source=pl.coalesce("_identity", "source"))
            .drop("_identity")
        )
    return documents, observations
