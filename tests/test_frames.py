"""The tidy frames handed between stages: the CONTRACT.md columns, typed, in order."""

from __future__ import annotations

from flows.documents import Document, RejectedInput, split_sentences
from flows.frames import (
    DOCUMENT_SCHEMA,
    OBSERVATION_SCHEMA,
    documents_frame,
    input_reject,
    observations_frame,
    rejects_frame,
)
from flows.observations import OBSERVATION_FIELDS, Observation

TEXT = "Năm 2023, tỉnh có 1.250 doanh nghiệp thành lập mới."


def test_observation_columns_are_the_contract_fields_in_order():
    assert tuple(OBSERVATION_SCHEMA) == OBSERVATION_FIELDS


def test_an_observation_becomes_one_row_with_every_field():
    obs = Observation(
        doc_id="0123456789abcdef",
        source="a.txt",
        indicator="enterprise.new",
        subject="doanh nghiệp thành lập mới",
        measure="level",
        value=1250.0,
        value_low=1250.0,
        value_high=1250.0,
        unit="enterprise",
        period="2023",
        base_period=None,
        area_code=None,
        area="tỉnh",
        approx=False,
        qualifier=None,
        text=TEXT,
        start=18,
        end=36,
    )
    frame = observations_frame([obs, obs])
    assert frame.height == 2
    assert frame.row(0, named=True) == obs.to_record()


def test_empty_inputs_give_empty_frames_with_the_full_schema():
    assert observations_frame([]).schema == OBSERVATION_SCHEMA
    assert documents_frame([]).schema == DOCUMENT_SCHEMA
    assert rejects_frame([]).is_empty()


def test_a_document_row_records_size_and_sentences():
    doc = Document(
        doc_id="0123456789abcdef",
        source="a.txt",
        text=TEXT,
        sentences=split_sentences(TEXT),
        content_hash="ab",
        size_bytes=len(TEXT.encode()),
    )
    row = documents_frame([doc]).row(0, named=True)
    assert row["n_chars"] == len(TEXT)
    assert row["n_sentences"] == 1
    assert row["size_bytes"] == len(TEXT.encode())


def test_an_unreadable_input_becomes_a_reject_row_with_its_reason():
    row = input_reject(RejectedInput("x.txt", "empty file", "empty"))
    frame = rejects_frame([row])
    assert frame.row(0, named=True) == {
        "source": "x.txt",
        "doc_id": None,
        "stage": "read",
        "check": "empty",
        "reason": "empty file",
        "record": None,
        "content_hash": None,
    }
