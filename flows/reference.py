"""The reference folder the extractor reads: checked before use, and fingerprinted.

A missing or unreadable reference folder would otherwise give facts with no
indicator and no province code and no error at all, so every command that
extracts checks it first. Its fingerprint (`catalogue_hash`) is stored with
each document: when the catalogue changes, the next run reads every report again.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

REQUIRED_FILES: dict[str, str] = {
    "indicators.csv": "code",
    "units.csv": "code",
    "provinces.csv": "code",
    "province_mapping.csv": "old_code",
}
"""The files the extractor cannot work without, and a column each must have."""
OPTIONAL_FILES: tuple[str, ...] = ("places.csv",)
"""Files the extractor reads when they are there."""


class ReferenceDataError(Exception):
    """The reference folder cannot be used; the message is one line naming the file."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReferenceDataError(
            f"reference file {path} is missing (CHITIEU_REFERENCE must name a folder with "
            f"{', '.join(REQUIRED_FILES)})"
        ) from None
    except OSError as exc:
        raise ReferenceDataError(
            f"cannot read reference file {path}: {exc.strerror or exc}"
        ) from None


def _check_header(path: Path, data: bytes, column: str) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceDataError(f"reference file {path} is not UTF-8 text") from None
    header = next(csv.reader(io.StringIO(text)), [])
    if column not in [h.strip() for h in header]:
        raise ReferenceDataError(f"reference file {path} has no '{column}' column")


def reference_files(reference_dir: Path) -> dict[str, bytes]:
    """The bytes of every reference file the extractor reads (file name -> bytes), checked:
    `ReferenceDataError` when the folder or a required file is missing or unreadable."""
    if not reference_dir.is_dir():
        raise ReferenceDataError(
            f"reference folder {reference_dir} does not exist or is not a folder "
            "(set CHITIEU_REFERENCE, or leave it unset for the bundled catalogue)"
        )
    files: dict[str, bytes] = {}
    for name, column in REQUIRED_FILES.items():
        data = _read(reference_dir / name)
        _check_header(reference_dir / name, data, column)
        files[name] = data
    for name in OPTIONAL_FILES:
        if (reference_dir / name).exists():
            files[name] = _read(reference_dir / name)
    return files


def catalogue_hash(reference_dir: Path) -> str:
    """Fingerprint of the catalogue: SHA-256 over the names and bytes of the reference files
    the extractor reads (first 16 hex digits); checks the folder as `reference_files` does."""
    digest = hashlib.sha256()
    for name, data in sorted(reference_files(reference_dir).items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


CATALOGUE_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "indicators": ("indicators.csv", ("code", "name_vi", "name_en", "unit", "phrases")),
    "units": ("units.csv", ("code", "name_vi", "name_en", "kind")),
    "provinces": ("provinces.csv", ("code", "vintage", "name", "full_name", "name_en", "kind")),
}
"""What `chitieu catalogue` lists: the reference file and the columns shown."""


def catalogue_rows(reference_dir: Path, what: str) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of one catalogue list (`indicators`, `units`, `provinces`), read from
    the reference files the extractor reads; an indicator's phrases are joined with ' | '."""
    filename, columns = CATALOGUE_LISTS[what]
    data = reference_files(reference_dir)[filename]
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    rows = []
    for row in reader:
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not values.get("code"):
            continue
        if "phrases" in values:
            values["phrases"] = " | ".join(p.strip() for p in values["phrases"].split("|") if p)
        rows.append([values.get(c, "") for c in columns])
    return list(columns), rows


_loaded: dict[str, str] = {}


def refresh_catalogue(reference_dir: Path, fingerprint: str) -> None:
    """Forget the catalogue this process built when its reference files changed since, so a
    long-lived process (`chitieu serve`) reads reports with the catalogue it records."""
    from flows import catalogue

    key = str(reference_dir.resolve())
    if _loaded.get(key, fingerprint) != fingerprint:
        # every cached builder of the catalogue module (`functools.cache`)
        for value in vars(catalogue).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
    _loaded[key] = fingerprint
