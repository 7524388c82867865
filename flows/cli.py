"""The `chitieu` command line: run the flow, extract without loading, query the warehouse."""

from __future__ import annotations

import csv
import importlib.util
import json
import logging
import os
import signal
import sys
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from flows.documents import discover, read_documents
from flows.observations import OBSERVATION_FIELDS, extract_observations
from flows.server import EmbeddedServer, ServerError, check_api, prefect_api
from flows.settings import get_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

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
    bool, typer.Option("--full", help="Input is a full snapshot: close facts of absent reports.")
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


@app.callback()
def _root() -> None:
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
    for p in paths:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder")
    files, missing = discover(paths)
    docs, rejects = read_documents(files)
    for reject in [*missing, *rejects]:
        typer.echo(f"chitieu: rejected {reject.source}: {reject.reason}", err=True)
    records = (o.to_record() for doc in docs for o in extract_observations(doc))
    _print_rows(
        list(OBSERVATION_FIELDS), ([r[k] for k in OBSERVATION_FIELDS] for r in records), fmt.value
    )
    if missing or rejects:
        raise typer.Exit(1)


@app.command()
def run(
    paths: PathsArgument = None,
    db: DbOption = None,
    full: FullOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
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
    (see the `rejects` table), 2 on a usage or warehouse error.
    """
    settings = get_settings()
    db_path = db or settings.db_path
    inputs = paths or [settings.reports_dir]
    for p in inputs:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder")
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
        summary = _run_flow(inputs, db_path, full, show_progress=not (quiet or as_json), dask=dask)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, default=str))
    elif not quiet:
        _print_summary(summary)
    if summary["rejected"]:
        raise typer.Exit(1)


def _run_flow(
    inputs: Sequence[Path], db_path: Path, full: bool, show_progress: bool, dask: str | None = None
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
            return the_flow([str(p) for p in inputs], str(db_path), full)
        except WarehouseError as exc:
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
    for r in summary["rejects"][:10]:
        out.append(f"  rejected {r['source']}: {r['reason']}")
    out.append(
        'try              chitieu query "SELECT indicator, value, unit, period, area_code '
        'FROM observations_current LIMIT 10"'
    )
    typer.echo("\n".join(out))


@app.command()
def query(
    sql: Annotated[str | None, typer.Argument(help="A SQL statement (read-only).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the SQL from a file.")
    ] = None,
    db: DbOption = None,
    fmt: QueryFormatOption = QueryFormat.table,
) -> None:
    """Run SQL against the warehouse, opened read-only."""
    if (sql is None) == (file is None):
        raise _fail("give either a SQL statement or --file FILE")
    if file is not None:
        try:
            sql = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{file}: {exc.strerror or exc}") from None
    from flows.warehouse import query as run_query

    columns, rows = _read_warehouse(db, lambda path: run_query(path, sql or ""))
    _print_rows(columns, rows, fmt.value)


@app.command()
def history(
    source: Annotated[
        str | None, typer.Option("--source", help="Only facts of this source.")
    ] = None,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Only facts of this indicator.")
    ] = None,
    db: DbOption = None,
    fmt: QueryFormatOption = QueryFormat.table,
) -> None:
    """Show every version of the facts, oldest first."""
    from flows.warehouse import history as fact_history

    columns, rows = _read_warehouse(
        db, lambda path: fact_history(path, source=source, indicator=indicator)
    )
    _print_rows(columns, rows, fmt.value)


def _read_warehouse(
    db: Path | None, read: Callable[[Path], tuple[list[str], list[tuple[Any, ...]]]]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Rows read from the warehouse file; a missing file or a warehouse error is one line."""
    from flows.warehouse import WarehouseError

    db_path = db or get_settings().db_path
    if not db_path.exists():
        raise _fail(f"{db_path}: no warehouse yet; run `chitieu run` first")
    try:
        return read(db_path)
    except WarehouseError as exc:
        raise _fail(str(exc)) from None


def _print_rows(columns: list[str], rows: Iterator[Sequence[Any]] | list, fmt: str) -> None:
    """Rows on stdout as JSON lines, CSV or a table."""
    out = sys.stdout
    if fmt == "jsonl":
        for row in rows:
            out.write(
                json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)
                + "\n"
            )
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console(file=out, width=max(120, len(columns) * 14)).print(table)
    out.flush()


@app.command()
def serve(
    paths: PathsArgument = None,
    db: DbOption = None,
    full: FullOption = False,
) -> None:
    """Run the flow every day at 06:00 Vietnam time from this process, until interrupted.

    Uses the Prefect server of PREFECT_API_URL when set; otherwise starts a local one
    on 127.0.0.1 (its UI lists the runs) and stops it on exit. No work pool or worker.
    """
    settings = get_settings()
    inputs = [p.resolve() for p in (paths or [settings.reports_dir])]
    for p in inputs:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder")
    db_path = (db or settings.db_path).resolve()
    _exit_cleanly_on_signals()  # so that a server started here is stopped too
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        _check_prefect_api()
        typer.echo(f"chitieu: serving on the Prefect server at {PREFECT_API_URL.value()}")
        _serve(inputs, db_path, full)
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
                _serve(inputs, db_path, full)
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


def _serve(inputs: Sequence[Path], db_path: Path, full: bool) -> None:
    """Serve the flow on its daily schedule (returns when interrupted)."""
    from flows.etl import serve_schedule

    serve_schedule([str(p) for p in inputs], str(db_path), full)


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
