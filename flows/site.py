"""The fact browser: a static site of the warehouse, readable offline from disk.

`build_site` reads the warehouse read-only (the SQL is in `sql/site/`) and writes plain
HTML pages rendered by Jinja templates (`flows/templates/site/`, autoescaped), the page
script and style, and the Vega/Vega-Lite/vega-embed bundle for the charts, all local:
nothing is fetched from the network when a page opens. Pages:

- `index.html`: loads, counts, indicators, facts per province and indicator;
- `i/<indicator>.html`: a chart of each province's yearly series and its table;
  `i/<indicator>/<area_code>.html`: every current value of the indicator in that province;
- `documents.html` and `d/<id>.html`: one page per report with an anchor per fact (its
  sentence with the number marked, its version history), rather than one file per fact;
- `conflicts.html` and `c/<indicator>.html`: reports that disagree, side by side.

`serve_site` serves a built folder on 127.0.0.1 for `chitieu browse`.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape

from flows.charts import province_series_chart, series_key, vn_sort_key
from flows.highlight import locate_numbers
from flows.settings import get_settings
from flows.vn_format import LABELS, MEASURES, vn_number, vn_quantity
from flows.warehouse import read_frames

TEMPLATES = Path(__file__).resolve().parent / "templates" / "site"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
"""Load and version times are shown in Vietnam time."""
CONFLICTS_PER_INDICATOR = 200
"""Conflicting pairs shown per indicator (the largest differences first); all are in SQL."""
SOURCES_PER_PROCESS = 1000
"""Report pages are split over several processes only from this many reports per process."""

_SQL = (
    "summary",
    "loads",
    "indicators",
    "facts_by_province_indicator",
    "conflict_counts",
    "conflicts",
    "indicator_values",
    "documents_index",
    "has_corrections",
)


@dataclass
class SiteResult:
    """What `build_site` wrote."""

    out_dir: Path
    pages: int = 0
    documents: int = 0
    facts: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


# ---- formatting used by the templates ------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def doc_page(source: str) -> str:
    """The page of a report, relative to the site root (a hash: sources are paths or URLs)."""
    return f"d/{hashlib.sha1(source.encode('utf-8')).hexdigest()[:16]}.html"


def _count(value: int | None) -> str:
    return "" if value is None else vn_number(value, 0)


def _date(value: Any) -> str:
    """A date, or a time in Vietnam time, as Vietnamese readers write them: 05/12/2026."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        if value.tzinfo is not None:
            value = value.astimezone(VIETNAM)
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return value.strftime("%d/%m/%Y")


def _percent(value: float | None) -> str:
    return "" if value is None else vn_number(value * 100, 1) + "%"


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(labels=LABELS, measures=MEASURES, doc_page=doc_page)
    env.filters.update(
        count=_count, date=_date, percent=_percent, quantity=_quantity, number=vn_number
    )
    return env


def _quantity(row: Mapping[str, Any], suffix: str = "") -> str:
    """The quantity of a row with columns value, value_low/min, value_high/max, unit..."""
    return vn_quantity(
        row.get("value" + suffix),
        row.get("value_low" + suffix, row.get("value_min")),
        row.get("value_high" + suffix, row.get("value_max")),
        row.get("unit"),
        row.get("unit_name_vi"),
        row.get("measure"),
    )


def render(template: str, **context: Any) -> str:
    """One page as an HTML string."""
    return _environment().get_template(template).render(**context)


# ---- the pages -----------------------------------------------------------------------------


def _write(out_dir: Path, relative: str, html: str) -> None:
    path = out_dir / relative
    path.write_text(html, encoding="utf-8")


@functools.cache
def _vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script, as vl-convert bundles them (no network)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def _write_assets(out_dir: Path) -> None:
    """The style, the page script and the chart libraries, next to the pages."""
    import vl_convert

    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name in ("site.css", "site.js"):
        shutil.copyfile(TEMPLATES / name, assets / name)
    header = f"/* vega {vl_convert.get_vega_version()}, vl-convert bundle */\n"
    bundle = assets / "vega.js"
    if bundle.exists():
        with bundle.open(encoding="utf-8") as f:
            if f.readline() == header:
                return  # already there from an earlier build: bundling takes seconds
    bundle.write_text(header + _vega_bundle(), encoding="utf-8")


def _groups(rows: Iterable[dict[str, Any]], key: str) -> Iterator[tuple[Any, list[dict]]]:
    """Consecutive rows with equal `key`, as (value, rows): the SQL sorts by it."""
    current: list[dict[str, Any]] = []
    for row in rows:
        if current and row[key] != current[0][key]:
            yield current[0][key], current
            current = []
        current.append(row)
    if current:
        yield current[0][key], current


def _indicator_pages(out_dir: Path, values: pl.DataFrame, indicators: list[dict[str, Any]]) -> int:
    """The page of every indicator with values, and one page per province of it."""
    names = {i["indicator"]: i for i in indicators}
    pages = 0
    for code, rows in _groups(values.iter_rows(named=True), "indicator"):
        (out_dir / "i" / code).mkdir(parents=True, exist_ok=True)
        provinces = []
        for area_code, province_rows in _groups(rows, "area_code"):
            provinces.append(
                {"area_code": area_code, "name": province_rows[0]["province_name"]}
                | {"n": len(province_rows)}
            )
            _write(
                out_dir,
                f"i/{code}/{area_code}.html",
                render(
                    "indicator_province.html",
                    root="../../",
                    indicator=names.get(code, {"indicator": code}),
                    province=province_rows[0]["province_name"] or area_code,
                    area_code=area_code,
                    rows=province_rows,
                ),
            )
            pages += 1
        provinces.sort(key=lambda p: vn_sort_key(p["name"] or p["area_code"]))
        rank = {p["area_code"]: i for i, p in enumerate(provinces)}
        series = series_key(rows)
        yearly = [r for r in rows if r["is_year"] and (r["measure"], r["unit"]) == series]
        yearly.sort(key=lambda r: rank[r["area_code"]])  # stable: periods stay in order
        chart, chart_unit = province_series_chart(yearly) if yearly else (None, "")
        _write(
            out_dir,
            f"i/{code}.html",
            render(
                "indicator.html",
                root="../",
                indicator=names.get(code, {"indicator": code}),
                series=series,
                rows=yearly,
                provinces=provinces,
                chart=chart,
                chart_unit=chart_unit,
            ),
        )
        pages += 1
    return pages


def _facts_of_source(
    rows: list[dict[str, Any]], corrections: Mapping[int, dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The facts of one report: latest version first shown, versions oldest first (with the
    correction each corrected version comes from), numbers located in their sentences.
    `corrections` is None when the warehouse records none (before migration 004)."""
    facts = []
    for key, versions in _groups(rows, "fact_key"):
        latest = versions[-1]
        if corrections is not None:
            for v in versions:
                v["correction"] = corrections.get(v["correction_id"])
        facts.append(
            {
                "key": key,
                "latest": latest,
                "current": latest["valid_to"] is None,
                "corrected": corrections is not None
                and any(v["correction_id"] is not None for v in versions),
                "versions": versions,
            }
        )
    by_sentence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for fact in facts:
        latest = fact["latest"]
        by_sentence.setdefault((latest["doc_id"], latest["text"] or ""), []).append(fact)
    for (_, text), group in by_sentence.items():
        spans = [(f["latest"]["start"], f["latest"]["end"]) for f in group]
        values = [_point(f["latest"]) for f in group]
        for fact, span in zip(group, locate_numbers(text, spans, values), strict=True):
            if span is None:
                fact["parts"] = (text, "", "")
            else:
                fact["parts"] = (text[: span[0]], text[span[0] : span[1]], text[span[1] :])
    facts.sort(key=lambda f: (not f["current"], f["latest"]["start"] or 0, f["key"]))
    return facts


def _point(row: Mapping[str, Any]) -> float | None:
    """The value a fact's number states: the point, or the low end of a range."""
    return row["value"] if row["value"] is not None else row["value_low"]


def _document_pages(
    out_dir: Path,
    documents: pl.DataFrame,
    observations: pl.DataFrame,
    corrections: pl.DataFrame | None = None,
) -> tuple[int, int]:
    """One page per report: the document, its versions, each fact with an anchor. Facts are
    marked corrected when `observations` has the column `correction_id` (migration 004)."""
    known: dict[int, dict[str, Any]] | None = None
    if "correction_id" in observations.columns:
        rows = corrections.to_dicts() if corrections is not None else []
        known = {r["correction_id"]: r for r in rows}
    (out_dir / "d").mkdir(parents=True, exist_ok=True)
    docs = {src: rows for src, rows in _groups(documents.iter_rows(named=True), "source")}
    pages = facts = 0
    seen: set[str] = set()
    for source, rows in _groups(observations.iter_rows(named=True), "source"):
        seen.add(source)
        shown = _facts_of_source(rows, known)
        facts += len(shown)
        _write(out_dir, doc_page(source), _document_html(source, docs.get(source, []), shown))
        pages += 1
    for source, versions in docs.items():
        if source not in seen:
            _write(out_dir, doc_page(source), _document_html(source, versions, []))
            pages += 1
    return pages, facts


def _document_share(
    db_path: Path,
    out_dir: Path,
    part: int,
    parts: int,
    lock_timeout_s: float,
    with_corrections: bool = False,
) -> tuple[int, int]:
    """The report pages of one share of the sources, read on its own connection (so that
    shares can be written by several processes at once)."""
    sql_dir = get_settings().sql_dir / "site"
    params = {"part": part, "parts": parts}
    names = ("documents", "observations", *(("corrections",) if with_corrections else ()))
    frames = read_frames(
        db_path,
        {n: (sql_dir / f"{n}.sql").read_text(encoding="utf-8") for n in names},
        {"documents": params, "observations": params},
        lock_timeout_s=lock_timeout_s,
    )
    return _document_pages(
        out_dir, frames["documents"], frames["observations"], frames.get("corrections")
    )


def _document_html(source: str, versions: list[dict[str, Any]], facts: list[dict]) -> str:
    current = next((v for v in reversed(versions) if v["is_current"]), None)
    return render(
        "document.html",
        root="../",
        source=source,
        document=current or (versions[-1] if versions else None),
        versions=versions,
        facts=facts,
    )


class SiteError(Exception):
    """The site cannot be written where asked; the message is one line for the user."""


def _prepare(out_dir: Path) -> None:
    """An empty folder, or an earlier site whose pages are removed (no stale page stays);
    a folder holding anything else is refused rather than written into."""
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError(f"{out_dir}: not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / "assets" / "site.js").is_file():
            raise SiteError(
                f"{out_dir}: not empty and not a site written by `chitieu report`; "
                "choose a new or empty folder"
            )
        for sub in ("d", "i", "c"):
            shutil.rmtree(out_dir / sub, ignore_errors=True)
    (out_dir / "d").mkdir(parents=True, exist_ok=True)


def _shares(n_documents: int, workers: int) -> int:
    """How many processes write report pages: one for a small warehouse."""
    return max(1, min(workers, n_documents // SOURCES_PER_PROCESS))


def build_site(
    db_path: Path, out_dir: Path, *, lock_timeout_s: float | None = None, workers: int | None = None
) -> SiteResult:
    """Write the whole site for the warehouse at `db_path` into `out_dir`.

    Report pages, most of the work, are written by `workers` processes (default
    CHITIEU_WORKERS, one per core) when there are many reports, while this process writes
    the indicator and conflict pages.
    """
    started = time.perf_counter()
    settings = get_settings()
    timeout = settings.lock_timeout_s if lock_timeout_s is None else lock_timeout_s
    result = SiteResult(out_dir=out_dir)
    sql_dir = settings.sql_dir / "site"
    frames = read_frames(
        db_path,
        {n: (sql_dir / f"{n}.sql").read_text(encoding="utf-8") for n in _SQL},
        {"conflicts": {"per_indicator": CONFLICTS_PER_INDICATOR}},
        lock_timeout_s=timeout,
    )
    result.timings["read"] = time.perf_counter() - started
    _prepare(out_dir)
    _write_assets(out_dir)

    indicators = frames["indicators"].to_dicts()
    conflict_counts = frames["conflict_counts"].to_dicts()
    documents = frames["documents_index"].to_dicts()
    _write(
        out_dir,
        "index.html",
        render(
            "overview.html",
            root="",
            summary=frames["summary"].to_dicts()[0],
            db_name=db_path.name,
            loads=frames["loads"].to_dicts(),
            indicators=indicators,
            by_province=frames["facts_by_province_indicator"].to_dicts(),
            n_conflicts=sum(c["n_conflicts"] for c in conflict_counts),
        ),
    )
    _write(out_dir, "documents.html", render("documents.html", root="", documents=documents))
    result.pages += 2

    corrected = bool(frames["has_corrections"].item())
    shares = _shares(len(documents), settings.workers if workers is None else workers)
    pool = None
    if shares > 1:
        pool = ProcessPoolExecutor(shares, mp_context=multiprocessing.get_context("spawn"))
        futures = [
            pool.submit(_document_share, db_path, out_dir, k, shares, timeout, corrected)
            for k in range(shares)
        ]
    try:
        mark = time.perf_counter()
        result.pages += _indicator_pages(out_dir, frames["indicator_values"], indicators)
        result.pages += _conflict_pages(out_dir, conflict_counts, frames["conflicts"])
        result.timings["indicators and conflicts"] = time.perf_counter() - mark
        del frames
        done = (
            [f.result() for f in futures]
            if pool
            else [_document_share(db_path, out_dir, 0, 1, timeout, corrected)]
        )
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    result.documents = sum(pages for pages, _ in done)
    result.facts = sum(facts for _, facts in done)
    result.pages += result.documents
    result.seconds = time.perf_counter() - started
    return result


def _conflict_pages(out_dir: Path, counts: list[dict[str, Any]], conflicts: pl.DataFrame) -> int:
    """The list of indicators with conflicts, and a page of side-by-side pairs for each."""
    _write(
        out_dir,
        "conflicts.html",
        render("conflicts.html", root="", counts=counts, shown=CONFLICTS_PER_INDICATOR),
    )
    (out_dir / "c").mkdir(parents=True, exist_ok=True)
    totals = {c["indicator"]: c for c in counts}
    pages = 1
    for code, rows in _groups(conflicts.iter_rows(named=True), "indicator"):
        _write(
            out_dir,
            f"c/{code}.html",
            render("conflicts_indicator.html", root="../", info=totals.get(code), rows=rows),
        )
        pages += 1
    return pages


# ---- serving -------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Files of the site folder; no request log on the terminal."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_site(directory: Path, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for the folder on 127.0.0.1 (port 0: any free port); call serve_forever.

    Raises OSError when the port cannot be bound."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
