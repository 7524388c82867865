"""The `chitieu` command line: run, extract, query (and more as they land)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from flows.documents import discover, read_documents
from flows.observations import extract_observations

app = typer.Typer(
    help="chitieu: Vietnamese provincial reports into a versioned DuckDB warehouse of facts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


@app.callback()
def _root() -> None:
    """chitieu: Vietnamese provincial reports into a versioned DuckDB warehouse of facts."""


def _fail(message: str, code: int = 2) -> None:
    """One clear line on stderr and a non-zero exit; never a traceback."""
    typer.echo(f"chitieu: error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    fmt: Annotated[ExtractFormat, typer.Option("--format", help="Output format.")] = ExtractFormat.jsonl,
) -> None:
    """Print the facts found in reports; nothing is written to the warehouse."""
    files, missing = discover(paths)
    for reject in missing:
        typer.echo(f"chitieu: {reject.source}: {reject.reason}", err=True)
    docs, rejects = read_documents(files)
    for reject in rejects:
        typer.echo(f"chitieu: {reject.source}: {reject.reason}", err=True)
    out = sys.stdout
    for doc in docs:
        for obs in extract_observations(doc):
            out.write(json.dumps(obs.to_record(), ensure_ascii=False) + "\n")
    if missing or rejects:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point."""
    app()
