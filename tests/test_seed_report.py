"""The seed report yields exactly its three facts, field by field (issue 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.documents import InputFile, read_document
from flows.observations import OBSERVATION_FIELDS, Observation, extract_observations

SEED = Path(__file__).resolve().parent.parent / "seeds" / "reports" / "000_99cc5f84f4453255.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[str, list[Observation]]:
    doc = read_document(InputFile(SEED, SEED.name))
    return doc.text, extract_observations(doc)


EXPECTED = [
    # (number as written, value, unit, indicator, period, sentence starts with)
    ("19.436", 19436, "person", "labour.vocational_enrolment", "2022", "Năm 2022, Tỉnh đã tuyển"),
    ("60%", 60, "percent", "labour.trained_share", "2022", "Năm 2022, Tỉnh đã tuyển"),
    ("02", 2, "institution", "education.vocational_institutions", None, "Trên địa bàn Tỉnh hiện"),
]


def test_seed_has_exactly_three_facts(seed: tuple[str, list[Observation]]) -> None:
    _, facts = seed
    assert [(f.value, f.unit) for f in facts] == [(e[1], e[2]) for e in EXPECTED]


@pytest.mark.parametrize("i", range(len(EXPECTED)))
def test_seed_fact_fields(seed: tuple[str, list[Observation]], i: int) -> None:
    text, facts = seed
    written, value, unit, indicator, period, sentence = EXPECTED[i]
    fact = facts[i]
    assert fact.value == value
    assert fact.value_low == fact.value_high == value
    assert fact.unit == unit
    assert fact.measure == "level"
    assert fact.indicator == indicator
    assert fact.period == period
    assert fact.area_code == "20"
    assert fact.source == SEED.name
    assert fact.text.startswith(sentence)
    assert fact.text in text
    assert text[fact.start : fact.end].startswith(written)
    sentence_start = text.index(fact.text)
    assert sentence_start <= fact.start < fact.end <= sentence_start + len(fact.text)


def test_seed_records_have_every_contract_field(seed: tuple[str, list[Observation]]) -> None:
    _, facts = seed
    for fact in facts:
        assert tuple(fact.to_record()) == OBSERVATION_FIELDS
