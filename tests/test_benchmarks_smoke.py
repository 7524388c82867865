"""A small run of the benchmark harness: the generator, extraction against the regex floor,
and the versioned load (against dlt when it is installed). Checks that the harness works
and its figures are sane, not how fast anything is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import run as bench
from benchmarks.generate import (
    UNIT_FORMS,
    generate,
    load_indicators,
    load_provinces,
    spell,
    vn_number,
)

N = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 reports and their second generation, 2 of them with one number edited."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder, N, seed=3, changed_fraction=0.1)
    return folder


def test_numbers_are_written_the_vietnamese_way_and_read_back_by_the_parser():
    from flows.numbers import parse_amount, parse_digits

    assert vn_number(19436) == "19.436"
    assert vn_number(51990563, 3) == "51.990,563"
    assert vn_number(5, 2) == "0,05"
    assert parse_digits(vn_number(51990563, 3)) == pytest.approx(51990.563)
    for n, words in [(21, "hai mươi mốt"), (15, "mười lăm"), (25000, "hai mươi lăm nghìn")]:
        assert spell(n) == words
        assert parse_amount(words) == n
    assert all(parse_amount(spell(n)) == n for n in range(1, 100))


def test_reference_lists_feed_the_generator():
    assert len(load_provinces()) == 63
    indicators = load_indicators()
    assert len(indicators) >= 30
    assert {i.unit for i in indicators} <= set(UNIT_FORMS)


def test_generations_are_deterministic_and_differ_in_one_number_of_the_changed(
    corpus: Path, tmp_path: Path
):
    again = generate(tmp_path / "again", N, seed=3, changed_fraction=0.1)
    base = sorted((corpus / "base").iterdir())
    assert len(base) == N
    assert all(p.read_bytes() == (tmp_path / "again" / "base" / p.name).read_bytes() for p in base)
    assert all(3_500 < p.stat().st_size < 8_000 for p in base)
    differ = [p.name for p in base if p.read_bytes() != (corpus / "changed" / p.name).read_bytes()]
    assert differ == again.changed and len(differ) == 2
    for name in differ:
        old = (corpus / "base" / name).read_text(encoding="utf-8")
        new = (corpus / "changed" / name).read_text(encoding="utf-8")
        numbers = re.compile(r"\d+(?:[.,]\d+)*")
        pairs = zip(numbers.findall(old), numbers.findall(new), strict=True)
        assert sum(a != b for a, b in pairs) == 1


def test_extraction_and_the_regex_floor_give_sane_figures(corpus: Path):
    files = bench.corpus_files(corpus / "base")
    floor = bench.scan_floor(files)
    serial = bench.extract_serial(files, batch_size=8)
    assert floor.reports == serial.reports == N
    assert floor.bytes == serial.bytes > N * 3_500
    assert floor.matches > N * 40
    assert serial.documents == N and serial.rejects == 0
    assert N * 10 < serial.facts < floor.matches
    assert 0 < floor.seconds < serial.seconds
    assert serial.mb_per_s > 0 and serial.facts_per_s > 0


@pytest.fixture(scope="module")
def frames(corpus: Path) -> tuple[bench.Frames, bench.Frames]:
    """The validated frames of both generations, as the loader receives them."""
    return (
        bench.frames_of(bench.corpus_files(corpus / "base"), batch_size=8, workers=1),
        bench.frames_of(bench.corpus_files(corpus / "changed"), batch_size=8, workers=1),
    )


@pytest.fixture(scope="module")
def chitieu_loads(
    frames: tuple[bench.Frames, bench.Frames], tmp_path_factory: pytest.TempPathFactory
) -> list[bench.LoadRun]:
    """Both loads of both generations by chitieu's loader."""
    return bench.compare_loads(tmp_path_factory.mktemp("load"), *frames, with_dlt=False)


def test_the_loader_versions_only_the_edited_facts(
    frames: tuple[bench.Frames, bench.Frames], chitieu_loads: list[bench.LoadRun]
):
    base, changed = frames
    first, second = chitieu_loads
    assert first.rows == first.current == base.observations.height > 0
    assert first.closed == 0
    assert second.current == changed.observations.height
    assert 1 <= second.closed <= 4
    assert first.rows_per_s > 0


def test_dlt_scd2_ends_with_the_same_current_facts(
    frames: tuple[bench.Frames, bench.Frames],
    chitieu_loads: list[bench.LoadRun],
    tmp_path: Path,
):
    pytest.importorskip("dlt")
    base, changed = frames
    bench.dlt_load(tmp_path, base, "initial")
    theirs = bench.dlt_load(tmp_path, changed, "reload")
    ours = chitieu_loads[1]
    assert theirs.current == ours.current
    assert theirs.closed >= ours.closed
    md = bench.render(bench.Report("smoke", "now", {"nproc": "2"}, loads=[*chitieu_loads, theirs]))
    assert "dlt scd2 merge (Arrow)" in md and "chitieu load()" in md
