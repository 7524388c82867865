"""The validation gate: Pandera models pass good rows, and every bad row becomes a reject
that names the failed check, while the valid rows go on."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from flows.documents import Document, split_sentences
from flows.frames import documents_frame, observations_frame
from flows.observations import Observation
from flows.schemas import validate_documents, validate_observations

TEXT = "Năm 2023, tổng thu ngân sách đạt 1.234 tỷ đồng."


def fact(**changes: object) -> Observation:
    base = Observation(
        doc_id="0123456789abcdef",
        source="bao-cao.txt",
        indicator="budget.revenue",
        subject="tổng thu ngân sách",
        measure="level",
        value=1.234e12,
        value_low=1.234e12,
        value_high=1.234e12,
        unit="VND",
        period="2023",
        base_period=None,
        area_code="20",
        area="tỉnh Lạng Sơn",
        approx=False,
        qualifier=None,
        text=TEXT,
        start=33,
        end=46,
    )
    return dataclasses.replace(base, **changes)


def test_valid_observations_pass_unchanged():
    frame = observations_frame(
        [
            fact(),
            fact(measure="change_pct", unit="percent", value=12.5, value_low=12.5, value_high=12.5),
        ]
    )
    valid, rejects = validate_observations(frame)
    assert valid.equals(frame)
    assert rejects.is_empty()


@pytest.mark.parametrize(
    "period",
    ["2023", "2023-Q3", "2023-H1", "2023-11", "2023-11-30", "2023-01-01/2023-09-30", None],
)
def test_every_period_form_of_the_contract_is_valid(period):
    valid, rejects = validate_observations(observations_frame([fact(period=period)]))
    assert valid.height == 1 and rejects.is_empty()


@pytest.mark.parametrize("period", ["2023-13", "2023-Q5", "23", "2023-11-31x", "năm 2023"])
def test_a_malformed_period_is_rejected(period):
    valid, rejects = validate_observations(observations_frame([fact(period=period)]))
    assert valid.is_empty()
    assert rejects["check"].to_list() == ["period: period_format"]


def test_a_range_has_no_point_value():
    frame = observations_frame(
        [fact(value=None, value_low=1100.0, value_high=1350.0, unit="vehicle/day")]
    )
    valid, rejects = validate_observations(frame)
    assert valid.height == 1 and rejects.is_empty()


def test_bad_rows_are_rejected_with_the_failed_check_and_valid_rows_go_on():
    rows = [
        fact(),
        fact(measure="grew"),
        fact(unit="furlong"),
        fact(period="2023-13"),
        fact(measure="share_pct", unit="percent", value=140.0, value_low=140.0, value_high=140.0),
        fact(value=float("inf"), value_low=float("inf"), value_high=float("inf")),
        fact(value_low=5.0, value_high=1.0, value=None),
        fact(start=10, end=10),
        fact(),
    ]
    valid, rejects = validate_observations(observations_frame(rows))
    assert valid.height == 2
    assert rejects.height == 7
    checks = rejects["check"].to_list()
    assert "measure: isin" in checks[0]
    assert "unit: known_unit" in checks[1]
    assert "period: period_format" in checks[2]
    assert "value_bounds: share_pct" in checks[3]
    assert "finite_values" in checks[4]
    assert "bounds_ordered" in checks[5]
    assert "span_ordered" in checks[6]
    assert set(rejects["stage"]) == {"validate_observation"}
    assert set(rejects["source"]) == {"bao-cao.txt"}
    assert "2023-13" in rejects["reason"][2]
    # the rejected row itself is kept, as JSON
    assert '"measure": "grew"' in rejects["record"][0]


def test_a_frame_missing_a_column_rejects_every_row_with_the_reason():
    frame = observations_frame([fact(), fact()]).drop("area")
    valid, rejects = validate_observations(frame)
    assert valid.is_empty()
    assert rejects.height == 2
    assert rejects["reason"].to_list() == ["column_in_dataframe: area"] * 2


def test_documents_are_validated_too():
    doc = Document(
        doc_id="0123456789abcdef",
        source="a.txt",
        text=TEXT,
        sentences=split_sentences(TEXT),
        content_hash="ab12cd34ef56ab78",
    )
    good = documents_frame([doc])
    bad = documents_frame([dataclasses.replace(doc, doc_id="XYZ", source="b.txt")])
    valid, rejects = validate_documents(pl.concat([good, bad]))
    assert valid["source"].to_list() == ["a.txt"]
    assert rejects["source"].to_list() == ["b.txt"]
    assert "doc_id: str_matches" in rejects["check"][0]
