"""Fuzzing `extract`: a seeded mutation loop over real reports.

The seed report (and a web page made from it) is mutated as bytes and as text: bytes
flipped, inserted and deleted, the file cut short, control characters and separators
put in, figures of hundreds of digits, sentences repeated, the text re-encoded or nested
in markup. Whatever comes out must be valid JSON with finite values and offsets inside the
text, with no traceback, within a time bound per file; a file that cannot be read is a
one-line reject. The loop is seeded, so a failure names its mutant and reproduces.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.documents import InputFile, RejectedInput, read_document
from flows.frames import finite_facts, observations_frame
from flows.observations import extract_observations

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "seeds" / "reports" / "000_99cc5f84f4453255.txt").read_bytes()
CHITIEU = Path(sys.executable).with_name("chitieu")
SECONDS_PER_FILE = 10.0
"""A bound against runaway (quadratic, hanging) work, with room for a loaded machine: a
mutant costs tens of milliseconds, the largest (a 3.4 MB page nested 2,000 deep) 1-2.5 s."""
MUTANTS = 240

Mutation = Callable[[random.Random, bytes], bytes]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _insert_bytes(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return data[:at] + junk + data[at:]


def _delete(rng: random.Random, data: bytes) -> bytes:
    a = rng.randrange(len(data))
    return data[:a] + data[a + rng.randint(1, 400) :]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _text_edit(edit: Callable[[random.Random, str], str]) -> Mutation:
    def mutate(rng: random.Random, data: bytes) -> bytes:
        text = data.decode("utf-8", errors="replace")
        return edit(rng, text).encode("utf-8", errors="surrogatepass")

    mutate.__name__ = edit.__name__
    return mutate


def _at(rng: random.Random, text: str, piece: str) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + piece + text[i:]


CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\u200b\u202e\ufeff\ufffd"


def _controls(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 20)):
        text = _at(rng, text, rng.choice(CONTROLS) * rng.randint(1, 3))
    return text


def _huge_digits(rng: random.Random, text: str) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(20, 800)))
    shapes = [
        f" {digits} ",
        f" tăng {digits}% so với cùng kỳ ",
        f" đạt {'9' * rng.randint(300, 700)} tỷ đồng ",
        f" {'.'.join(['999'] * rng.randint(10, 200))} người ",
        f" 1,{digits} triệu USD ",
        f" gấp {digits} lần ",
        f" từ {digits} đến {digits} ha ",
        f" {digits}/{digits} hộ ",
        f" 1e{digits[:4]} ",
    ]
    for _ in range(rng.randint(1, 4)):
        text = _at(rng, text, rng.choice(shapes))
    return text


def _repeat_sentence(rng: random.Random, text: str) -> str:
    lines = [line for line in text.splitlines() if any(c.isdigit() for c in line)] or [text]
    line = rng.choice(lines)
    joiner = rng.choice([" ", ", ", "\n", ""])
    return _at(rng, text, joiner.join([line] * rng.randint(2, 200)))


def _shuffle_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    rng.shuffle(lines)
    return "\n".join(lines)


def _reencode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    codec = rng.choice(["utf-16", "utf-16-le", "cp1258", "utf-8-sig", "latin-1"])
    return text.encode(codec, errors="replace")


def _as_page(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    depth = rng.choice([1, 10, 300, 2000])
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines())
    if rng.random() < 0.3:
        paragraphs = paragraphs[: rng.randrange(len(paragraphs) + 1)]  # unclosed markup
    return f"<html><body>{'<div>' * depth}{paragraphs}{'</div>' * depth}</body></html>".encode()


MUTATIONS: list[Mutation] = [
    _flip,
    _insert_bytes,
    _delete,
    _truncate,
    _text_edit(_controls),
    _text_edit(_huge_digits),
    _text_edit(_repeat_sentence),
    _text_edit(_shuffle_lines),
    _reencode,
    _as_page,
]


def mutants(n: int, seed: int = 20240613) -> list[tuple[str, bytes]]:
    """`n` (name, bytes) mutants of the seed report, each from one to three mutations."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        data = SEED
        names = []
        for _ in range(rng.randint(1, 3)):
            mutate = rng.choice(MUTATIONS)
            names.append(getattr(mutate, "__name__", "edit").strip("_"))
            data = mutate(rng, data) or b" "
        suffix = ".html" if data.lstrip().startswith(b"<html") else ".txt"
        out.append((f"m{i:03d}_{'-'.join(names)}{suffix}", data))
    return out


def check_record(record: dict[str, object], text: str, where: str) -> None:
    """A fact as printed: JSON without NaN or Infinity, finite values, its span in the text."""
    line = json.dumps(record, ensure_ascii=False, allow_nan=False, default=str)
    assert json.loads(line) == json.loads(line), where
    for key in ("value_low", "value_high"):
        assert math.isfinite(record[key]), (where, key, record[key])
    if record["value"] is not None:
        assert math.isfinite(record["value"]), where
    start, end = record["start"], record["end"]
    assert 0 <= start < end <= len(text), (where, start, end, len(text))
    assert text[start:end] in record["text"], (where, text[start:end], record["text"][:200])


def test_extract_over_mutated_reports_gives_valid_json_finite_values_and_true_offsets(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    slowest = (0.0, "")
    outcomes = {"documents": 0, "rejects": 0, "facts": 0, "too_large": 0}
    for name, data in mutants(MUTANTS):
        path = tmp_path / name
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            doc = read_document(InputFile(path, name))
        except RejectedInput as exc:
            assert exc.reason and "\n" not in exc.reason, name
            outcomes["rejects"] += 1
            continue
        facts, too_large = finite_facts(observations_frame(extract_observations(doc)), [doc])
        seconds = time.perf_counter() - started
        slowest = max(slowest, (seconds, name))
        assert seconds < SECONDS_PER_FILE, (name, seconds)
        outcomes["documents"] += 1
        outcomes["facts"] += facts.height
        outcomes["too_large"] += len(too_large)
        for record in facts.iter_rows(named=True):
            check_record(record, doc.text, name)
        for reject in too_large:
            assert reject["reason"].startswith("number too large"), name
            json.loads(str(reject["record"]))  # strict: no Infinity
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []  # the extractor never failed on a document (it logs a traceback)
    print(f"{MUTANTS} mutants: {outcomes}, slowest {slowest[0]:.2f} s ({slowest[1]})")
    assert outcomes["documents"] > MUTANTS // 2 and outcomes["rejects"] > 0
    assert outcomes["too_large"] > 0  # the huge figures were met, and rejected


def test_the_extract_command_over_mutated_reports_prints_only_strict_json_lines(tmp_path: Path):
    folder = tmp_path / "mutants"
    folder.mkdir()
    for name, data in mutants(80, seed=7):
        (folder / name).write_bytes(data)
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    result = subprocess.run(
        [str(CHITIEU), "extract", str(folder)],
        capture_output=True,
        env=env,
        timeout=80 * SECONDS_PER_FILE,
    )
    stdout, stderr = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode in (0, 1), stderr[-2000:]
    assert "Traceback" not in stderr

    def strict(constant: str) -> None:
        raise AssertionError(f"{constant} in the output")

    texts = {p.name: p for p in folder.iterdir()}
    lines = stdout.splitlines()
    assert lines
    for line in lines:
        record = json.loads(line, parse_constant=strict)
        assert record["source"] in texts
        assert math.isfinite(record["value_low"]) and math.isfinite(record["value_high"])
    assert all(line.startswith("chitieu: rejected m") for line in stderr.splitlines()), stderr
