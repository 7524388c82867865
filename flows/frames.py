"""Tidy Polars frames of the pipeline: documents, observations and rejects.

The frames are the hand-off between stages: typed columns, one row per
document / fact / reject, ready for Pandera and for DuckDB through Arrow.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

import polars as pl

from flows.documents import Document, InputFile, RejectedInput, read_document
from flows.limits import too_large_reason
from flows.observations import EXTRACTOR_VERSION, Observation, extract_document

DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "source": pl.String(),
    "title": pl.String(),
    "published": pl.Date(),
    "published_precision": pl.String(),
    "url": pl.String(),
    "province": pl.String(),
    "format": pl.String(),
    "encoding": pl.String(),
    "content_hash": pl.String(),
    "size_bytes": pl.Int64(),
    "n_chars": pl.Int64(),
    "n_sentences": pl.Int64(),
    "extractor_version": pl.String(),
}

OBSERVATION_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "source": pl.String(),
    "indicator": pl.String(),
    "subject": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "value_low": pl.Float64(),
    "value_high": pl.Float64(),
    "unit": pl.String(),
    "period": pl.String(),
    "base_period": pl.String(),
    "area_code": pl.String(),
    "area": pl.String(),
    "approx": pl.Boolean(),
    "qualifier": pl.String(),
    "text": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
}

REJECT_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "doc_id": pl.String(),
    "stage": pl.String(),
    "check": pl.String(),
    "reason": pl.String(),
    "record": pl.String(),
    "content_hash": pl.String(),
}


def documents_frame(docs: Sequence[Document]) -> pl.DataFrame:
    """One row per document version."""
    return pl.DataFrame(
        {
            "doc_id": [d.doc_id for d in docs],
            "source": [d.source for d in docs],
            "title": [d.title for d in docs],
            "published": [d.published for d in docs],
            "published_precision": [d.published_precision for d in docs],
            "url": [d.url for d in docs],
            "province": [d.province for d in docs],
            "format": [d.format for d in docs],
            "encoding": [d.encoding for d in docs],
            "content_hash": [d.content_hash for d in docs],
            "size_bytes": [d.size_bytes for d in docs],
            "n_chars": [len(d.text) for d in docs],
            "n_sentences": [len(d.sentences) for d in docs],
            "extractor_version": [EXTRACTOR_VERSION] * len(docs),
        },
        schema=DOCUMENT_SCHEMA,
    )


_OBSERVATION_FIELDS = [(name, attrgetter(name)) for name in OBSERVATION_SCHEMA]


def observations_frame(observations: Iterable[Observation]) -> pl.DataFrame:
    """One row per fact, the CONTRACT.md columns in order (built column by column: Polars
    makes a column from a list several times faster than it makes rows from tuples)."""
    facts = list(observations)
    return pl.DataFrame(
        {name: list(map(get, facts)) for name, get in _OBSERVATION_FIELDS},
        schema=OBSERVATION_SCHEMA,
    )


def rejects_frame(rows: Iterable[dict[str, object]]) -> pl.DataFrame:
    """One row per reject: which input, which stage and check, why, and the record if any."""
    return pl.DataFrame(list(rows), schema=REJECT_SCHEMA)


def input_reject(exc: RejectedInput) -> dict[str, object]:
    """The reject row of an input that could not be read."""
    return {
        "source": exc.source,
        "doc_id": None,
        "stage": "read",
        "check": exc.check,
        "reason": exc.reason,
        "record": None,
        "content_hash": exc.content_hash,
    }


def record_json(row: dict[str, object]) -> str:
    """A rejected row kept as JSON, so nothing is lost."""
    return json.dumps(row, ensure_ascii=False, default=str, sort_keys=True)


@dataclass
class ExtractedBatch:
    """What one batch of files became: documents, facts and rejects."""

    documents: pl.DataFrame
    observations: pl.DataFrame
    rejects: pl.DataFrame


def extract_batch(files: Sequence[InputFile]) -> ExtractedBatch:
    """Read and extract a batch of files into the run's three frames."""
    docs: list[Document] = []
    observations: list[Observation] = []
    rejects: list[dict[str, object]] = []
    for file in files:
        try:
            doc = read_document(file)
        except RejectedInput as exc:
            rejects.append(input_reject(exc))
            continue
        except OSError as exc:
            rejects.append(input_reject(RejectedInput(file.source, f"cannot read file: {exc}")))
            continue
        facts, province = extract_document(doc)
        docs.append(doc if province == doc.province else replace(doc, province=province))
        observations.extend(facts)
    finite, too_large = finite_facts(observations_frame(observations), docs)
    return ExtractedBatch(documents_frame(docs), finite, rejects_frame([*rejects, *too_large]))


def finite_facts(
    facts: pl.DataFrame, docs: Sequence[Document]
) -> tuple[pl.DataFrame, list[dict[str, object]]]:
    """The facts whose values are finite numbers, and a reject for each other one (a
    figure too large for a double is infinite: not a value, and not valid JSON)."""
    finite = (pl.col("value_low").is_finite() & pl.col("value_high").is_finite()).fill_null(True)
    if facts.height == 0 or facts.select(finite.all()).item():
        return facts, []
    texts = {d.doc_id: d.text for d in docs}
    rejects = []
    for row in facts.filter(~finite).iter_rows(named=True):
        text = texts.get(str(row["doc_id"]), "")
        rejects.append(
            {
                "source": row["source"],
                "doc_id": row["doc_id"],
                "stage": "extract",
                "check": "finite_value",
                "reason": too_large_reason(text[row["start"] : row["end"]]),
                "record": record_json(
                    {k: _json_safe(v) for k, v in row.items()}  # Infinity is not JSON
                ),
                "content_hash": None,
            }
        )
    return facts.filter(finite), rejects


def _json_safe(value: object) -> object:
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value
