"""The `chitieu` command line: run the flow, extract without loading, query the warehouse."""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import os
import shlex
import shutil
import signal
import sys
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from flows.documents import Document, discover, read_documents
from flows.limits import check_settings, is_utf8, printable, too_large_reason
from flows.observations import OBSERVATION_FIELDS, extract_observations
from flows.output import TABLE_LIMIT, write_rows
from flows.server import EmbeddedServer, ServerError, check_api, prefect_api
from flows.settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

app = typer.Typer(
    help="chitieu: Vietnamese provincial reports into a versioned DuckDB warehouse of facts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ExtractFormat(StrEnum):
    """How `extract` prints facts."""

    jsonl = "jsonl"
    csv = "csv"
    table = "table"


class QueryFormat(StrEnum):
    """How `query` and `history` print rows."""

    table = "table"
    csv = "csv"
    jsonl = "jsonl"


PathsArgument = Annotated[
    list[Path] | None, typer.Argument(help="Report files or folders (default: seeds/reports).")
]
FullOption = Annotated[
    bool,
    typer.Option(
        "--full",
        help="Input is a full snapshot: close facts of absent reports (never more than half "
        "of the current reports without --yes).",
        metavar="",
    ),
]
YesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        help="With --full: close the absent reports' facts even when they are more than half "
        "of the current reports.",
        metavar="",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=0,
        help=f"Print at most N rows (0: all). Default: all for csv and jsonl, {TABLE_LIMIT} "
        "for a table, which must hold its rows before printing.",
        metavar="N",
    ),
]
QueryFormatOption = Annotated[QueryFormat, typer.Option("--format", help="Output format.")]
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file (default: $CHITIEU_DB or warehouse/chitieu.duckdb)."),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print one clear line on stderr; the caller raises the returned Exit."""
    typer.echo(f"chitieu: error: {message}", err=True)
    return typer.Exit(code)


def _show_version(value: bool) -> None:
    """`--version`: print the version and stop."""
    if value:
        from flows import __version__
        from flows.observations import EXTRACTOR_VERSION

        typer.echo(f"chitieu {__version__} (extractor {EXTRACTOR_VERSION})")
        raise typer.Exit(0)


def _check_reference() -> str:
    """The catalogue's hash; a missing or unreadable reference folder is one line, exit 2."""
    from flows.reference import ReferenceDataError, catalogue_hash

    try:
        return catalogue_hash(get_settings().reference_dir)
    except ReferenceDataError as exc:
        raise _fail(str(exc)) from None


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """chitieu: Vietnamese provincial reports into a versioned DuckDB warehouse of facts."""
    # Offline-friendly defaults: the embedded Prefect server sends no telemetry.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="Output format.")] = (
        ExtractFormat.jsonl
    ),
) -> None:
    """Print the facts found in reports (one CONTRACT.md record a line); nothing is written."""
    _check_settings()
    for p in paths:
        if not p.exists():
            raise _fail(f"{printable(str(p))}: no such file or folder")
    _check_reference()
    files, missing = discover(paths)
    docs, rejects = read_documents(files)
    for reject in [*missing, *rejects]:
        _echo_reject(reject.source, reject.reason)
    too_large: list[str] = []
    records = (r for doc in docs for r in _finite_records(doc, too_large))
    _print_rows(
        list(OBSERVATION_FIELDS),
        ([[r[k] for k in OBSERVATION_FIELDS]] for r in records),
        fmt.value,
        0,  # every fact: extract reads files the user chose, not a warehouse
    )
    if missing or rejects or too_large:
        raise typer.Exit(1)


def _finite_records(doc: Document, too_large: list[str]) -> Iterator[dict[str, Any]]:
    """The records of a document's facts; a fact whose value is not a finite number is a
    reject on stderr (never `Infinity` in the output)."""
    for o in extract_observations(doc):
        if math.isfinite(o.value_low) and math.isfinite(o.value_high):
            yield o.to_record()
        else:
            too_large.append(doc.source)
            _echo_reject(doc.source, too_large_reason(doc.text[o.start : o.end]))


def _echo_reject(source: str, reason: str) -> None:
    """One line on stderr for a reject; names escaped, so no name can forge a line."""
    typer.echo(f"chitieu: rejected {printable(source)}: {printable(reason)}", err=True)


def _check_settings() -> None:
    """A limit setting that is not a positive number is a usage error, up front."""
    try:
        check_settings()
    except ValueError as exc:
        raise _fail(str(exc)) from None


@app.command()
def run(
    paths: PathsArgument = None,
    db: DbOption = None,
    full: FullOption = False,
    yes: YesOption = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print nothing but errors and waits.", metavar=""),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON.", metavar="")
    ] = False,
    reread: Annotated[
        bool,
        typer.Option(
            "--reread", help="Read every report again, even those already loaded.", metavar=""
        ),
    ] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="tcp://HOST:PORT",
            help="Extract on this Dask cluster's workers (default: $CHITIEU_DASK; needs "
            "chitieu[dask] and PREFECT_API_URL).",
        ),
    ] = None,
) -> None:
    """Run the ETL flow (a real Prefect flow run) over reports into the warehouse.

    Exit status: 0 when every file and fact loaded, 1 when some were rejected
    (see the `rejects` table), 2 on a usage or warehouse error or an input folder
    without report files.
    """
    _check_settings()
    settings = get_settings()
    db_path = db or settings.db_path
    inputs = paths or [settings.reports_dir]
    for p in [*inputs, db_path]:
        if not is_utf8(str(p)):  # a flow run's parameters and DuckDB take only text
            raise _fail(f"{printable(str(p))}: the path is not valid UTF-8 (rename it)")
    for p in inputs:
        if not p.exists():
            raise _fail(f"{printable(str(p))}: no such file or folder")
    _check_reference()
    dask = dask or settings.dask_address
    if dask:
        _check_dask(dask)
    if quiet or as_json:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    _exit_cleanly_on_signals()  # so that the server started next is stopped too
    server = None if os.environ.get("PREFECT_API_URL") else EmbeddedServer.start()
    from flows import etl  # while the server starts: imports, and what the run loads lazily

    etl.preload()
    with _prefect_api(server):
        summary = _run_flow(
            inputs,
            db_path,
            full,
            yes,
            show_progress=not (quiet or as_json),
            reread=reread,
            dask=dask,
        )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, default=str))
    elif not quiet:
        _print_summary(summary)
    if quiet or as_json:  # the log lines naming them are hidden: rejects are no noise
        for r in summary["rejects"]:
            _echo_reject(str(r["source"]), str(r["reason"]))
    if summary["rejected"]:
        raise typer.Exit(1)


def _run_flow(
    inputs: Sequence[Path],
    db_path: Path,
    full: bool,
    yes: bool,
    show_progress: bool,
    reread: bool = False,
    dask: str | None = None,
) -> dict:
    """Run the flow (its extraction on the Dask cluster at `dask`, if given), with a
    progress bar over files on a terminal."""
    from rich.progress import Progress

    from flows import etl
    from flows.warehouse import WarehouseError

    _hide_tracebacks()
    show = show_progress and sys.stderr.isatty()
    with Progress(transient=True, disable=not show) as progress:
        bar = progress.add_task("reports", total=None)

        def advance(n: int, total: int) -> None:
            progress.update(bar, total=total, advance=n)

        etl.add_progress_hook(advance)
        try:
            the_flow = etl.on_dask(dask) if dask else etl.chitieu_etl
            return the_flow(
                [str(p) for p in inputs], str(db_path), full, confirm_full=yes, reread=reread
            )
        except (WarehouseError, etl.NoReports) as exc:
            raise _fail(str(exc)) from None
        finally:
            etl.remove_progress_hook(advance)


def _check_dask(address: str) -> None:
    """`--dask` needs prefect-dask installed, and a Prefect server the Dask workers can
    reach (the embedded one answers on this host's loopback only)."""
    if importlib.util.find_spec("prefect_dask") is None:
        raise _fail("--dask needs the dask extra: pip install 'chitieu[dask]'")
    if not os.environ.get("PREFECT_API_URL"):
        raise _fail(
            f"--dask {address}: the Dask workers report to Prefect; set PREFECT_API_URL "
            "to a Prefect server they can reach (prefect server start)"
        )


class _OneLineErrors(logging.Filter):
    """Console log records without their traceback: the user reads one line, while the
    Prefect API (and so the UI) still receives the full record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


def _hide_tracebacks() -> None:
    """Keep tracebacks off the terminal for the rest of this command."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OneLineErrors) for f in handler.filters):
            handler.addFilter(_OneLineErrors())


def _prefect_api(server: EmbeddedServer | None) -> AbstractContextManager[object]:
    """`prefect_api`, its errors as one line."""
    try:
        return prefect_api(server)
    except ServerError as exc:
        raise _fail(str(exc)) from None


def _check_prefect_api() -> None:
    """A configured Prefect API that does not answer is reported in one line, up front."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        try:
            check_api(url)
        except ServerError as exc:
            raise _fail(str(exc)) from None


def _print_summary(summary: dict[str, Any]) -> None:
    """The short human summary of a run."""
    out = [
        f"files read       {summary['files']} ({summary['skipped_unchanged']} unchanged, skipped)",
        f"facts found      {summary['facts']}",
        f"rows inserted    {summary['inserted']}",
        f"rows closed      {summary['closed']}",
        f"rows unchanged   {summary['unchanged']}",
        f"rows rejected    {summary['rejected']}",
        f"warehouse        {summary['warehouse']} (load {summary['load_id']})",
    ]
    closed = summary.get("closed_sources") or []
    if closed:
        more = f" and {len(closed) - 10} more" if len(closed) > 10 else ""
        shown = ", ".join(closed[:10]) + more
        out.append(f"reports closed   {len(closed)} (absent from this full snapshot): {shown}")
    for r in summary["rejects"][:10]:
        out.append(f"  rejected {printable(str(r['source']))}: {printable(str(r['reason']))}")
    out += _identity_and_review_lines(summary)
    out.append(
        f"try              {_self_command()} query "
        '"SELECT indicator, value, unit, period, area_code FROM observations_current LIMIT 10"'
    )
    typer.echo("\n".join(out))


def _self_command() -> str:
    """How to call this same chitieu again from the current directory: `chitieu` when that
    name finds it on PATH, else the path it was started by (`.venv/bin/chitieu`, or the
    interpreter with `-m flows`)."""
    started = Path(sys.argv[0])
    if started.name == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m flows"
    on_path = shutil.which("chitieu")
    if on_path and Path(on_path).resolve() == started.resolve():
        return "chitieu"
    return shlex.quote(str(started))


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="A SQL statement (read-only).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the SQL from a file.")
    ] = None,
    db: DbOption = None,
    fmt: QueryFormatOption = QueryFormat.table,
    limit: LimitOption = None,
) -> None:
    """Run one SQL statement against the warehouse, opened read-only, with no writable path.

    Rows print as they are fetched (csv, jsonl); a table shows the first rows only.
    """
    if (sql is None) == (file is None):
        raise _fail("give either a SQL statement or --file FILE")
    if file is not None:
        try:
            sql = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{file}: {exc.strerror or exc}") from None
    _stream_warehouse(db, sql or "", None, fmt.value, limit)


@app.command()
def history(
    source: Annotated[
        str | None, typer.Option("--source", help="Only facts of this source.")
    ] = None,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Only facts of this indicator.")
    ] = None,
    fact: Annotated[str | None, typer.Option("--fact", help="Only this fact (its key).")] = None,
    db: DbOption = None,
    fmt: QueryFormatOption = QueryFormat.table,
    limit: LimitOption = None,
) -> None:
    """Show every version of the facts, grouped by source and fact (key), each fact's
    versions oldest first, with who corrected or retracted them, when and why."""
    from flows.warehouse import history_sql

    params = {"source": source, "indicator": indicator, "fact_key": fact}
    _stream_warehouse(db, history_sql(), params, fmt.value, limit)


def _stream_warehouse(
    db: Path | None, sql: str, params: dict[str, Any] | None, fmt: str, limit: int | None
) -> None:
    """The rows of a read-only statement printed as they are fetched; a missing file or a
    warehouse error is an error line (with DuckDB's hints for a query)."""
    from flows.warehouse import WarehouseError, read_rows

    db_path = db or get_settings().db_path
    if not db_path.exists():
        raise _fail(f"{db_path}: no warehouse yet; run `chitieu run` first")
    try:
        with read_rows(db_path, sql, params) as (columns, batches):
            _print_rows(columns, batches, fmt, limit)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None


def _print_rows(
    columns: list[str], batches: Iterable[Sequence[Sequence[Any]]], fmt: str, limit: int | None
) -> None:
    """Rows on stdout as JSON lines, CSV or a table (a table at most `TABLE_LIMIT` rows
    unless `limit` says otherwise; 0 is no limit), with a note on stderr when rows were
    left out. A reader that stops early (`| head`) ends the output quietly."""
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    try:
        written, more = write_rows(columns, batches, fmt, limit=limit or None)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    if more:
        typer.echo(
            f"chitieu: showing the first {written:,} rows; more were not fetched "
            "(--limit N shows more, --limit 0 all; --format csv or jsonl streams every row)",
            err=True,
        )


@app.command()
def serve(
    paths: PathsArgument = None,
    db: DbOption = None,
    full: FullOption = False,
    yes: YesOption = False,
) -> None:
    """Run the flow every day at 06:00 Vietnam time from this process, until interrupted.

    Uses the Prefect server of PREFECT_API_URL when set; otherwise starts a local one
    on 127.0.0.1 (its UI lists the runs) and stops it on exit. No work pool or worker.
    Exit status 130 after Ctrl-C, 0 after SIGTERM (a service manager's stop).
    """
    settings = get_settings()
    inputs = [p.resolve() for p in (paths or [settings.reports_dir])]
    for p in inputs:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder")
    db_path = (db or settings.db_path).resolve()
    _exit_cleanly_on_signals()  # so that a server started here is stopped too
    interrupted = _note_ctrl_c()
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        _check_prefect_api()
        typer.echo(f"chitieu: serving on the Prefect server at {PREFECT_API_URL.value()}")
        _serve(inputs, db_path, full, yes, PREFECT_API_URL.value(), interrupted)
        return
    from prefect.settings import PREFECT_HOME, temporary_settings

    from flows.server import local_server

    log = Path(PREFECT_HOME.value()) / "chitieu-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    typer.echo(
        "chitieu: PREFECT_API_URL is not set and the embedded server cannot schedule; "
        f"starting a local Prefect server (log: {log})"
    )
    try:
        with local_server(log_path=log) as (api_url, pid):
            typer.echo(
                f"chitieu: local Prefect server (pid {pid}) at {api_url}, "
                f"UI at {api_url.removesuffix('/api')}; it stops when serve stops"
            )
            os.environ["PREFECT_API_URL"] = api_url  # for the flow runs this process starts
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                _serve(inputs, db_path, full, yes, api_url, interrupted)
    except ServerError as exc:
        raise _fail(f"{exc} (log: {log})") from None


def _exit_cleanly_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) end the command like Ctrl-C does: cleanly,
    stopping the servers it started."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)


def _exit_on_signal(signum: int, frame: object) -> None:
    """Exit with 128 + the signal number, through the normal exit path."""
    raise SystemExit(128 + signum)


def _note_ctrl_c() -> list[int]:
    """A list that gets an item on Ctrl-C. Once Prefect's runner is serving, Ctrl-C stops
    it the way SIGTERM does (its graceful stop pauses the schedule); before, it interrupts
    as usual. Either way `serve` then exits with 130, like `run`."""
    seen: list[int] = []

    def on_sigint(signum: int, frame: object) -> None:
        seen.append(signum)
        graceful = signal.getsignal(signal.SIGTERM)
        if len(seen) == 1 and callable(graceful) and graceful is not _exit_on_signal:
            graceful(signal.SIGTERM, frame)  # the runner's own stop
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    return seen


def _serve(
    inputs: Sequence[Path],
    db_path: Path,
    full: bool,
    yes: bool,
    api_url: str,
    interrupted: list[int],
) -> None:
    """Serve the flow on its daily schedule until stopped, after saying how to start a run
    now against this very server; a stop by Ctrl-C ends as an interrupt (exit 130)."""
    from flows.etl import SERVED_DEPLOYMENT, chitieu_etl, serve_schedule

    prefect = Path(sys.executable).with_name("prefect")
    command = shlex.quote(str(prefect)) if prefect.exists() else f"{sys.executable} -m prefect"
    typer.echo(
        f"chitieu: serving {chitieu_etl.name}/{SERVED_DEPLOYMENT}, daily at 06:00 Vietnam time; "
        f"a run now: PREFECT_API_URL={api_url} {command} deployment run "
        f"{chitieu_etl.name}/{SERVED_DEPLOYMENT}"
    )
    try:
        serve_schedule([str(p) for p in inputs], str(db_path), full, confirm_full=yes)
    except SystemExit:
        if not interrupted:
            raise
    if interrupted:
        raise KeyboardInterrupt


# --- the analyst's commands: catalogue, corrections, retractions ----------------------


class CatalogueList(StrEnum):
    """What `catalogue` lists."""

    indicators = "indicators"
    units = "units"
    provinces = "provinces"


@app.command()
def catalogue(
    what: Annotated[
        CatalogueList, typer.Argument(help="indicators (with their phrases), units or provinces.")
    ] = CatalogueList.indicators,
    fmt: QueryFormatOption = QueryFormat.table,
) -> None:
    """List what the extractor knows: indicators and the phrases that name them, units,
    provinces (from the reference folder, $CHITIEU_REFERENCE or the bundled one)."""
    from flows.reference import ReferenceDataError, catalogue_rows

    try:
        columns, rows = catalogue_rows(get_settings().reference_dir, what.value)
    except ReferenceDataError as exc:
        raise _fail(str(exc)) from None
    _print_rows(columns, [rows], fmt.value, 0)  # the whole catalogue: it is small


ReasonOption = Annotated[str, typer.Option("--reason", help="Why, in words (required).")]
AuthorOption = Annotated[
    str | None, typer.Option("--author", help="Who (default: the operating-system user).")
]


@app.command()
def correct(
    fact_key: Annotated[str, typer.Argument(help="The fact's key (see `chitieu history`).")],
    reason: ReasonOption,
    value: Annotated[float | None, typer.Option("--value", help="The right value.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="The right period.")] = None,
    area_code: Annotated[
        str | None, typer.Option("--area-code", help="The right province code.")
    ] = None,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="The right indicator code.")
    ] = None,
    author: AuthorOption = None,
    db: DbOption = None,
) -> None:
    """Correct one fact: its current version is closed and a corrected one opened, with
    who, when and why. Later runs keep it while the report still reads what was corrected."""
    from flows.corrections import correct as apply_correction
    from flows.warehouse import WarehouseError

    db_path = db or get_settings().db_path
    try:
        done = apply_correction(
            db_path,
            fact_key,
            reason=reason,
            value=value,
            period=period,
            area_code=area_code,
            indicator=indicator,
            author=author,
            lock_timeout_s=get_settings().lock_timeout_s,
        )
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"correction {done.correction_id}: fact {fact_key} corrected (load {done.load_id}); "
        f"see `chitieu history --fact {fact_key}`"
    )


@app.command()
def retract(
    source: Annotated[str, typer.Argument(help="The report's source, as in `documents.source`.")],
    reason: ReasonOption,
    author: AuthorOption = None,
    db: DbOption = None,
) -> None:
    """Retract a report: every current fact of it is closed (nothing is deleted), and later
    runs over the same file do not reopen them."""
    from flows.corrections import retract as apply_retraction
    from flows.warehouse import WarehouseError

    db_path = db or get_settings().db_path
    try:
        done = apply_retraction(
            db_path, source, reason=reason, author=author,
            lock_timeout_s=get_settings().lock_timeout_s,
        )  # fmt: skip
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"retraction {done.correction_id}: {done.closed} facts of {source} closed "
        f"(load {done.load_id})"
    )


def _identity_and_review_lines(summary: dict[str, Any]) -> list[str]:
    """Summary lines for reports not loaded as duplicates and corrections to review."""
    out = []
    duplicates = summary.get("duplicates") or []
    if duplicates:
        out.append(f"duplicates       {len(duplicates)} (same text already loaded, not loaded)")
        out += [f"  {d['file']} = {d['duplicate_of']}" for d in duplicates[:10]]
    review = summary.get("needs_review") or []
    if review:
        out.append(f"needs review     {len(review)} (the report now reads differently)")
        out += [
            f"  {'correction' if r['kind'] == 'correct' else 'retraction'} "
            f"{r['correction_id']} of {r['source']}"
            for r in review[:10]
        ]
    return out


# ---- the fact browser: `report` and `browse` --------------------------------------------


@app.command()
def report(
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the site into (created).")
    ] = Path("site"),
) -> None:
    """Write the fact browser, a static site of the warehouse that opens offline from disk."""
    result = _build_site(db, out)
    typer.echo(
        f"wrote {result.pages} pages ({result.documents} documents, {result.facts} facts) "
        f"to {out} in {result.seconds:.1f} s; open {out / 'index.html'}"
    )


def _build_site(db: Path | None, out: Path) -> Any:
    """Build the site; a missing warehouse or a read error is one line."""
    from flows.site import SiteError, build_site
    from flows.warehouse import WarehouseError

    db_path = db or get_settings().db_path
    if not db_path.exists():
        raise _fail(f"{db_path}: no warehouse yet; run `chitieu run` first")
    try:
        return build_site(db_path, out)
    except (WarehouseError, SiteError) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or out}: {exc.strerror or exc}") from None


@app.command()
def browse(
    db: DbOption = None,
    port: Annotated[
        int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).", min=0)
    ] = 8765,
) -> None:
    """Serve the fact browser on 127.0.0.1 until interrupted (the pages of `chitieu report`)."""
    import tempfile

    from flows.site import serve_site

    _exit_cleanly_on_signals()
    with tempfile.TemporaryDirectory(prefix="chitieu-site-") as tmp:
        try:  # the port first: a port in use is told before the pages are built
            server = serve_site(Path(tmp), port)
        except OSError as exc:
            raise _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        result = _build_site(db, Path(tmp))
        host, bound = server.server_address[:2]
        typer.echo(
            f"chitieu: serving {result.pages} pages at http://{host}:{bound}/ (Ctrl-C stops)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


# ---- export ---------------------------------------------------------------------------------


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write (a folder for parquet).")],
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx, csv or parquet (default: from --out's suffix).")
    ] = "",
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            help="Table or view to export: facts (default), indicator_values, "
            "observations_current, observations, indicator_conflicts, documents...",
        ),
    ] = None,
    sql: Annotated[
        str | None, typer.Option("--query", help="A read-only SELECT to export instead.")
    ] = None,
    bom: Annotated[
        bool, typer.Option("--bom/--no-bom", help="CSV: start with a UTF-8 byte-order mark.")
    ] = True,
    db: DbOption = None,
) -> None:
    """Export a view or a query of the warehouse as xlsx, csv or Parquet (partitioned by
    province and year), reading the warehouse read-only."""
    from flows.export import ExportFormat
    from flows.export import export as write_export
    from flows.warehouse import WarehouseError

    if view is not None and sql is not None:
        raise _fail("give either --view or --query, not both")
    chosen = fmt or out.suffix.lstrip(".").lower()
    try:
        export_format = ExportFormat(chosen)
    except ValueError:
        raise _fail(
            f"--format must be one of xlsx, csv, parquet (got {chosen or 'none'!r})"
        ) from None
    db_path = db or get_settings().db_path
    if not db_path.exists():
        raise _fail(f"{db_path}: no warehouse yet; run `chitieu run` first")
    if not out.parent.is_dir():
        raise _fail(f"{out.parent}: no such folder")
    try:
        result = write_export(db_path, out, export_format, view=view, sql=sql, bom=bom)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or out}: {exc.strerror or exc}") from None
    parts = (
        f", partitioned by {' and '.join(result.partitioned_by)}" if result.partitioned_by else ""
    )
    typer.echo(
        f"wrote {result.rows} rows to {result.path} ({export_format}{parts}) "
        f"in {result.seconds:.1f} s"
    )


def main() -> None:
    """Console-script entry point: errors as one line, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError:  # bare `chitieu`: typer has printed the help
        sys.exit(0)
    except UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        typer.echo(f"chitieu: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except ClickException as exc:
        typer.echo(f"chitieu: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("chitieu: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last guard before the user's terminal
        typer.echo(f"chitieu: error: {type(exc).__name__}: {exc}".splitlines()[0], err=True)
        sys.exit(2)
    if code == 130:  # typer's exit for Ctrl-C inside a command
        typer.echo("chitieu: interrupted", err=True)
    sys.exit(code if isinstance(code, int) else 0)
