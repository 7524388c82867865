"""Observations: the numeric facts of a document, one CONTRACT.md record each.

Stage 2 of the pipeline (transform). Plain functions on plain data: a
`Document` in, a list of `Observation` out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from flows.documents import Document

EXTRACTOR_VERSION = "0.1.0"
"""Bumped whenever the extractor may read a text differently; recorded with every load."""


@dataclass(slots=True)
class Observation:
    """One extracted fact, exactly the fields of the CONTRACT.md record, in its order."""

    doc_id: str
    source: str
    indicator: str | None
    subject: str
    measure: str
    value: float | None
    value_low: float
    value_high: float
    unit: str
    period: str | None
    area_code: str | None
    area: str
    approx: bool
    qualifier: str | None
    text: str
    start: int
    end: int

    def to_record(self) -> dict[str, Any]:
        """The record as the `extract` command prints it."""
        return asdict(self)


OBSERVATION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Observation))


def extract_observations(doc: Document) -> list[Observation]:
    """Every numeric fact of the document, in text order."""
    raise NotImplementedError
