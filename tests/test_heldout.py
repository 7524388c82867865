"""The extractor against the labelled corpora of the project: regression floors.

tests/heldout/: twelve short reports written for these tests (not taken from any
publication), with 160 hand-labelled facts in gold.jsonl, labelled before the record had a
base_period. tests/blind/: ten reports written and labelled by CONTRACT.md (with bases) by
someone who had not read the extractor, 134 facts, with publication dates in docs.jsonl.
The extractor runs on them as a user would (`chitieu extract DIR/*.txt --format jsonl`, each
report with its metadata as a NAME.meta.json sidecar), and each gold fact is paired with a
prediction of the same document and the same value (relative tolerance 1e-6), one whose
span overlaps the fact's text being preferred to one elsewhere in the document.

Extractor 0.3.0 on tests/blind: value F1 1.000, full-record F1 0.925, join-key F1 0.873
(before this version, 0.942 / 0.514 / 0.374: month-only dates were refused, no bases).

Measured on the current extractor (0.2.0): 160 predicted, 160 found, value F1 1.000;
144 full records right (value, measure, unit, period and area_code), full-record F1 0.900;
indicator right on 110 of the 110 facts that have one. (Extractor 0.1.0, before the
error kinds this corpus showed were fixed with general rules, had 135 and 0.844.)
The thresholds below sit a few points under these numbers, so the test catches regressions.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "seeds" / "reference"
CORPORA = ("heldout", "blind")
FLOORS = {  # a few points under what the current extractor scores
    "heldout": {"value_f1": 0.95, "full_record_f1": 0.88, "indicator_accuracy": 0.95},
    "blind": {
        "value_f1": 0.97,
        "full_record_f1": 0.88,
        "join_key_f1": 0.83,
        "indicator_accuracy": 0.88,
        "base_accuracy": 0.88,
    },
}
RECORD_FIELDS = ("measure", "unit", "period", "area_code")
MEASURES = {"level", "change_pct", "change_abs", "change_pp", "plan_pct", "share_pct"}
PERIOD = re.compile(r"\d{4}(-(Q[1-4]|H[12]|\d{2}))?|\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?")


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def texts(corpus: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))}


def gold_by_doc(corpus: Path) -> dict[str, list[dict]]:
    """Gold facts per document, each with the span of its raw text: the k-th fact
    carrying a given raw string stands at that string's k-th occurrence."""
    docs = texts(corpus)
    out: dict[str, list[dict]] = defaultdict(list)
    for fact in read_jsonl(corpus / "gold.jsonl"):
        text, facts = docs[fact["doc"]], out[fact["doc"]]
        earlier = sum(1 for f in facts if f["raw"] == fact["raw"])
        start = -1
        for _ in range(earlier + 1):
            start = text.find(fact["raw"], start + 1)
        fact["span"] = (start, start + len(fact["raw"])) if start >= 0 else None
        facts.append(fact)
    return out


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def same_number(fact: dict, pred: dict) -> bool:
    if fact["value"] is None:  # a range: both ends must agree
        return close(fact["value_low"], pred.get("value_low")) and close(
            fact["value_high"], pred.get("value_high")
        )
    return close(fact["value"], pred.get("value"))


def touches(fact: dict, pred: dict) -> bool:
    span, start, end = fact["span"], pred.get("start"), pred.get("end")
    if span is None or not isinstance(start, int) or not isinstance(end, int):
        return False
    return start < span[1] and span[0] < end


def pair_up(facts: list[dict], preds: list[dict]) -> list[tuple[dict, dict]]:
    """Greedy one-to-one pairing: first by overlapping span, then anywhere in the doc."""
    free = list(range(len(preds)))
    pairs: list[tuple[dict, dict]] = []
    waiting = list(facts)
    for need_overlap in (True, False):
        still_waiting = []
        for fact in waiting:
            hit = next(
                (
                    i
                    for i in free
                    if same_number(fact, preds[i]) and (not need_overlap or touches(fact, preds[i]))
                ),
                None,
            )
            if hit is None:
                still_waiting.append(fact)
            else:
                free.remove(hit)
                pairs.append((fact, preds[hit]))
        waiting = still_waiting
    return pairs


def agrees(fact: dict, pred: dict, field: str) -> bool:
    if fact.get(field) is None:
        return pred.get(field) is None
    return str(fact[field]) == str(pred.get(field))


def f1(right: int, n_pred: int, n_gold: int) -> float:
    if not right:
        return 0.0
    precision, recall = right / n_pred, right / n_gold
    return 2 * precision * recall / (precision + recall)


def is_change(fact: dict) -> bool:
    return str(fact["measure"]).startswith("change")


@pytest.fixture(scope="module", params=CORPORA)
def corpus(request: pytest.FixtureRequest) -> Path:
    return ROOT / "tests" / request.param


@pytest.fixture(scope="module")
def predictions(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    work = tmp_path_factory.mktemp(corpus.name)
    meta = {row["doc"]: row for row in read_jsonl(corpus / "docs.jsonl")}
    for path in sorted(corpus.glob("*.txt")):
        shutil.copyfile(path, work / path.name)
        row = meta.get(path.stem, {})
        side = {k: row.get(v) for k, v in (("published", "date"), ("url", "url")) if row.get(v)}
        if side:
            (work / f"{path.stem}.meta.json").write_text(json.dumps(side), encoding="utf-8")
    files = [str(p) for p in sorted(work.glob("*.txt"))]
    out = subprocess.run(
        [sys.executable, "-m", "flows", "extract", *files, "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in out.stdout.splitlines():
        if line.strip().startswith("{"):
            record = json.loads(line)
            by_doc[Path(str(record.get("source", ""))).stem].append(record)
    return by_doc


@pytest.fixture(scope="module")
def scores(corpus: Path, predictions: dict[str, list[dict]]) -> dict[str, float]:
    gold = gold_by_doc(corpus)
    n_gold = sum(len(facts) for facts in gold.values())
    n_pred = sum(len(preds) for preds in predictions.values())
    found = full = joined = with_indicator = indicator_right = changes = base_right = 0
    for doc in texts(corpus):
        for fact, pred in pair_up(gold.get(doc, []), predictions.get(doc, [])):
            found += 1
            record = all(agrees(fact, pred, field) for field in RECORD_FIELDS)
            full += record
            key = [*RECORD_FIELDS]
            if fact["indicator"] is not None:
                with_indicator += 1
                indicator_right += agrees(fact, pred, "indicator")
                key.append("indicator")
            if is_change(fact) and "base_period" in fact:
                changes += 1
                base_right += agrees(fact, pred, "base_period")
                key.append("base_period")
            joined += all(agrees(fact, pred, field) for field in key)
    return {
        "value_f1": f1(found, n_pred, n_gold),
        "full_record_f1": f1(full, n_pred, n_gold),
        "join_key_f1": f1(joined, n_pred, n_gold),
        "indicator_accuracy": indicator_right / with_indicator if with_indicator else 0.0,
        "base_accuracy": base_right / changes if changes else 0.0,
    }


@pytest.mark.parametrize("name", CORPORA)
def test_gold_labels_are_well_formed(name: str):
    corpus = ROOT / "tests" / name
    units = {row["code"] for row in csv.DictReader((REFERENCE / "units.csv").open())}
    indicators = {row["code"] for row in csv.DictReader((REFERENCE / "indicators.csv").open())}
    areas = {row["code"] for row in csv.DictReader((REFERENCE / "provinces.csv").open())}
    docs = {row["doc"] for row in read_jsonl(corpus / "docs.jsonl")}
    gold = gold_by_doc(corpus)
    assert docs == set(texts(corpus)) == set(gold)
    for facts in gold.values():
        for fact in facts:
            assert fact["span"] is not None, fact["raw"]
            assert fact["unit"] in units, fact
            assert fact["measure"] in MEASURES, fact
            assert fact["indicator"] is None or fact["indicator"] in indicators, fact
            assert fact["area_code"] is None or fact["area_code"] in areas, fact
            assert fact["period"] is None or PERIOD.fullmatch(fact["period"]), fact
            base = fact.get("base_period")
            assert base is None or (is_change(fact) and PERIOD.fullmatch(base)), fact
            if fact["value"] is None:
                assert fact["value_low"] < fact["value_high"], fact
            else:
                assert fact["value_low"] == fact["value"] == fact["value_high"], fact


def test_scores_stay_above_their_floors(corpus: Path, scores: dict[str, float]):
    below = {
        name: (round(scores[name], 3), floor)
        for name, floor in FLOORS[corpus.name].items()
        if scores[name] < floor
    }
    assert below == {}, scores
