"""The Prefect flow: report files in, validated and versioned facts in the warehouse.

This module only wires the stages (documents → observations → frames →
schemas → warehouse); each stage is a plain function tested on its own.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from prefect import Flow, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.schedules import Cron
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows import __version__
from flows.documents import (
    DUPLICATE_SOURCE,
    InputFile,
    RejectedInput,
    discover,
    unchanged_inputs,
)
from flows.frames import (
    ExtractedBatch,
    documents_frame,
    extract_batch,
    input_reject,
    observations_frame,
    rejects_frame,
)
from flows.identity import fingerprint, known_by_path, warehouse_inputs, with_identity
from flows.limits import printable
from flows.observations import EXTRACTOR_VERSION
from flows.reference import catalogue_hash, refresh_catalogue
from flows.schemas import validate_run
from flows.settings import get_settings
from flows.warehouse import LoadResult, facts_by_indicator, known_files, load

BATCH_SIZE = 250
"""Files per extraction task: thousands of files are a few dozen task runs, not thousands."""

ProgressHook = Callable[[int, int], None]
"""Called with (files just handled, files in the run)."""


class _Progress:
    """How far the current run is, told to whoever listens (the CLI's progress bar)."""

    def __init__(self) -> None:
        self.hooks: list[ProgressHook] = []
        self.total = 0

    def report(self, advance: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        for hook in self.hooks:
            hook(advance, self.total)

    def __reduce__(self) -> tuple[Callable[[], _Progress], tuple[()]]:
        """Pickled as a reference to the receiving process's own instance: a task or flow
        shipped to another process (Dask) must not drag this one's listeners along."""
        return (_current_progress, ())


_progress = _Progress()


def _current_progress() -> _Progress:
    """This process's progress listeners."""
    return _progress


def add_progress_hook(hook: ProgressHook) -> None:
    """Be told how many more files were handled (the CLI draws its progress bar from this)."""
    _progress.hooks.append(hook)


def remove_progress_hook(hook: ProgressHook) -> None:
    """Stop telling `hook` about progress."""
    if hook in _progress.hooks:
        _progress.hooks.remove(hook)


class NoReports(Exception):
    """An input folder holds no report file: most likely the wrong folder, never a quiet
    load of nothing."""


def empty_inputs(inputs: Sequence[Path], files: Sequence[InputFile]) -> list[Path]:
    """The input folders under which no file was found."""
    return [
        folder
        for folder in inputs
        if folder.is_dir() and not any(f.path.is_relative_to(folder) for f in files)
    ]


def batches(files: Sequence[InputFile], size: int = BATCH_SIZE) -> list[list[InputFile]]:
    """Files cut into batches of at most `size`."""
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


@contextmanager
def extraction_pool(workers: int, n_batches: int) -> Iterator[Executor | None]:
    """Worker processes for extraction, so that every core reads reports; none when one
    core or one batch would do (starting a worker costs about a second)."""
    if workers < 2 or n_batches < 2:
        yield None
        return
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool


class ChangedInputs:
    """What `select_changed_inputs` found: the files to read, and the sources skipped.

    A plain object rather than a tuple of lists: Prefect walks a task's tuple, list or
    dataclass result item by item to link each item to the task run, which costs more
    than the check itself over ten thousand files.
    """

    __slots__ = ("skipped", "to_read")

    def __init__(self, to_read: list[InputFile], skipped: list[str]) -> None:
        self.to_read = to_read
        self.skipped = skipped


@task(name="select-changed-inputs", cache_policy=NO_CACHE)
def select_changed_inputs(
    files: list[InputFile],
    db_path: Path,
    catalogue: str | None = None,
    reread: bool = False,
) -> ChangedInputs:
    """The files to read, and the sources skipped: the warehouse already holds them with
    the same bytes, extractor version and catalogue (its own record is the cache).
    `files` are named by their path key; a skipped file is named by its source."""
    if catalogue is None:
        catalogue = catalogue_hash(get_settings().reference_dir)
    known = {} if reread else known_files(db_path)
    to_read, skipped = unchanged_inputs(
        files, known_by_path(known, catalogue), fingerprint(EXTRACTOR_VERSION, catalogue)
    )
    _progress.report(len(skipped))
    return ChangedInputs(to_read, [known[path].source for path in skipped])


@task(name="extract-reports", cache_policy=NO_CACHE, retries=0)
def extract_reports(files: list[InputFile], pool: Executor | None) -> ExtractedBatch:
    """Documents and facts of one batch of files (a parse error is not retried)."""
    batch = extract_batch(files) if pool is None else pool.submit(extract_batch, files).result()
    _progress.report(len(files))
    get_run_logger().info(
        "batch of %d files: %d documents, %d facts, %d rejected",
        len(files),
        batch.documents.height,
        batch.observations.height,
        batch.rejects.height,
    )
    return batch


@task(name="validate-frames", cache_policy=NO_CACHE)
def validate_frames(
    documents: pl.DataFrame, observations: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Valid documents, valid observations, and the rejects of both."""
    return validate_run(documents, observations)


@task(name="load-warehouse", cache_policy=NO_CACHE, retries=0)
def load_warehouse(
    db_path: Path,
    documents: pl.DataFrame,
    observations: pl.DataFrame,
    rejects: pl.DataFrame,
    sources: list[str],
    full: bool,
    lock_timeout_s: float,
    started_at: datetime | None = None,
    catalogue: str | None = None,
    confirm_full: bool = False,
) -> LoadResult:
    """One transaction: the facts versioned into the warehouse, the load audited. Not
    retried: waiting for another writer's lock is the load's own single wait, on one clock
    of `lock_timeout_s`, so retries cannot add up past it."""
    return load(
        db_path,
        documents,
        observations,
        rejects,
        sources=sources,
        full=full,
        code_version=__version__,
        extractor_version=EXTRACTOR_VERSION,
        flow_run_id=flow_run.get_id(),
        started_at=started_at or datetime.now(UTC),
        lock_timeout_s=lock_timeout_s,
        catalogue_hash=catalogue,
        confirm_full=confirm_full,
    )


@dataclass
class RunInputs:
    """What a run reads: its warehouse, the files found (named by their path key), those
    rejected before reading, the changed ones and the sources skipped as unchanged."""

    db: Path
    catalogue: str
    files: list[InputFile]
    missing: list[RejectedInput]
    to_read: list[InputFile]
    skipped: list[str]


def run_inputs(
    paths: list[str] | None, db_path: str | None, reread: bool, logger: Any
) -> RunInputs:
    """The inputs of a run: the files under `paths` (default: the reports folder), the
    catalogue they are read with, and which of them changed since the warehouse read them.
    An input folder without files fails the run."""
    settings = get_settings()
    db = Path(db_path) if db_path else settings.db_path
    inputs = [Path(p) for p in paths] if paths else [settings.reports_dir]
    catalogue = catalogue_hash(settings.reference_dir)
    refresh_catalogue(settings.reference_dir, catalogue)
    found, missing = discover(inputs)
    files = warehouse_inputs(found, settings.reports_dir)
    logger.info("%d files under %s", len(files), printable(", ".join(map(str, inputs))))
    empty = empty_inputs(inputs, files)
    if empty and not missing:  # a folder whose files were all rejected is reported by those
        raise NoReports(
            f"{', '.join(map(str, empty))}: no report files in this folder "
            "(check the input path; nothing was loaded)"
        )
    _progress.report(0, len(files))
    changed = select_changed_inputs(quote(files), db, catalogue, reread)
    return RunInputs(db, catalogue, files, missing, changed.to_read, changed.skipped)


def load_run(
    run: RunInputs,
    docs: pl.DataFrame,
    obs: pl.DataFrame,
    rejects: pl.DataFrame,
    n_facts: int,
    rejected_files: int,
    full: bool,
    confirm_full: bool,
    started_at: datetime,
    logger: Any,
) -> dict[str, Any]:
    """Load a run's validated frames in one warehouse transaction, publish what it did,
    and return its summary."""
    settings = get_settings()
    docs, obs = with_identity(docs, obs)
    # sources read: those skipped (by their identity), the documents (idem), the other files,
    # and a source two inputs share (neither was read: its facts stay)
    extracted = set(docs["source_path"].to_list())
    read = [
        *run.skipped,
        *(f.source for f in run.to_read if f.source not in extracted),
        *(m.source for m in run.missing if m.check == DUPLICATE_SOURCE),
    ]
    result = load_warehouse(
        run.db,
        docs,
        obs,
        rejects,
        read,
        full,
        settings.lock_timeout_s,
        started_at,
        run.catalogue,
        confirm_full,
    )
    for _, path, same_as in result.duplicates:
        logger.warning("not loaded %s: the same text is already loaded as %s", path, same_as)
    for correction_id, kind, source, _ in result.flagged:
        logger.warning(
            "%s %d of %s needs review: the report now reads differently",
            "correction" if kind == "correct" else "retraction",
            correction_id,
            source,
        )
    summary = {
        "files": len(run.files) + len(run.missing),
        "documents": docs.height,
        "skipped_unchanged": len(run.skipped),
        "facts": n_facts,
        "inserted": result.inserted,
        "closed": result.closed,
        "unchanged": result.unchanged,
        "rejected": rejects.height,
        "rejected_files": rejected_files,
        "rejects": [
            {"source": r["source"], "stage": r["stage"], "reason": r["reason"]}
            for r in rejects.select("source", "stage", "reason").iter_rows(named=True)
        ],
        "closed_sources": list(result.closed_sources),
        "duplicates": [
            {"source": source, "file": path, "duplicate_of": same_as}
            for source, path, same_as in result.duplicates
        ],
        "needs_review": [
            {"correction_id": cid, "kind": kind, "source": source, "fact_key": key}
            for cid, kind, source, key in result.flagged
        ],
        "catalogue_hash": run.catalogue,
        "load_id": result.load_id,
        "warehouse": str(run.db),
        "flow_run_id": flow_run.get_id(),
    }
    _publish(summary, facts_by_indicator(run.db, result.load_id))
    logger.info(
        "load %s: %d inserted, %d closed, %d unchanged, %d rejected",
        result.load_id,
        result.inserted,
        result.closed,
        result.unchanged,
        rejects.height,
    )
    return summary


@flow(name="chitieu-etl", log_prints=False)
def chitieu_etl(
    paths: list[str] | None = None,
    db_path: str | None = None,
    full: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    confirm_full: bool = False,
    reread: bool = False,
) -> dict[str, Any]:
    """Extract every fact from the reports under `paths`, validate, and load them into the
    warehouse as versioned rows. `full=True` treats the input as a complete snapshot:
    facts of reports no longer present are closed, but not more than half of the current
    sources unless `confirm_full=True`. `reread=True` reads every report again, even those
    loaded with the same bytes, extractor and catalogue. An input folder without files
    fails the run."""
    started_at = datetime.now(UTC)
    logger = get_run_logger()
    run = run_inputs(paths, db_path, reread, logger)
    chunks = batches(run.to_read, batch_size)
    if _tasks_leave_this_process():
        futures, parts = [], _extract_elsewhere(chunks)
    else:
        with extraction_pool(workers or get_settings().workers, len(chunks)) as pool:
            futures = [extract_reports.submit(quote(chunk), quote(pool)) for chunk in chunks]
            parts = [f.result() for f in futures]
    documents = pl.concat([p.documents for p in parts]) if parts else documents_frame([])
    observations = pl.concat([p.observations for p in parts]) if parts else observations_frame([])
    read_rejects = pl.concat(
        [rejects_frame(input_reject(m) for m in run.missing), *(p.rejects for p in parts)]
    )
    del futures, parts  # the batches live on only in the concatenated frames
    for row in read_rejects.iter_rows(named=True):
        logger.warning("rejected %s: %s", printable(row["source"]), printable(row["reason"]))

    n_facts = observations.height
    docs, obs, row_rejects = validate_frames(documents, observations)
    del documents, observations
    rejects = pl.concat([read_rejects, row_rejects])
    n_rejected_files = read_rejects.height
    return load_run(
        run, docs, obs, rejects, n_facts, n_rejected_files, full, confirm_full, started_at, logger
    )


def _tasks_leave_this_process() -> bool:
    """Whether this flow run's task runner sends tasks to other processes or hosts (Dask)
    rather than to threads of this one."""
    context = FlowRunContext.get()
    return context is not None and not isinstance(context.task_runner, ThreadPoolTaskRunner)


def _extract_elsewhere(chunks: list[list[InputFile]]) -> list[ExtractedBatch]:
    """The batches extracted by a task runner of other processes (Dask workers): no process
    pool (theirs are their own) and no `quote()`d arguments, which prefect-dask hands to
    the task still wrapped."""
    futures = [extract_reports.submit(chunk, None) for chunk in chunks]
    parts = []
    for chunk, future in zip(chunks, futures, strict=True):
        parts.append(future.result())
        _progress.report(len(chunk))
    return parts


def on_dask(address: str) -> Flow[..., dict[str, Any]]:
    """The flow with its extraction tasks run on the Dask cluster whose scheduler is at
    `address` (tcp://HOST:PORT). Needs the `dask` extra (prefect-dask)."""
    from prefect_dask import DaskTaskRunner

    return chitieu_etl.with_options(task_runner=DaskTaskRunner(address=address))


def preload() -> None:
    """Load now what a flow run would otherwise load on its way (Pandera's Polars checks,
    Prefect's parameter encoder, about 0.6 s): `chitieu run` calls this while the embedded
    Prefect server starts, when the time is free."""
    validate_run(documents_frame([]), observations_frame([]))
    chitieu_etl.serialize_parameters({"paths": None})


def _publish(summary: dict[str, Any], facts: list[dict[str, Any]]) -> None:
    """Prefect artifacts: the load in markdown, and the warehouse's current facts per
    indicator and province, by name (so an unchanged run shows them too)."""
    lines = [
        f"# chitieu load {summary['load_id']}",
        "",
        "| files | documents | skipped | facts | inserted | closed | unchanged | rejected |",
        "|---|---|---|---|---|---|---|---|",
        "| {files} | {documents} | {skipped_unchanged} | {facts} | {inserted} | {closed} "
        "| {unchanged} | {rejected} |".format(**summary),
    ]
    if summary["rejects"]:
        lines += ["", "## Rejects", "", "| source | stage | reason |", "|---|---|---|"]
        lines += [
            f"| {printable(str(r['source']))} | {r['stage']} "
            f"| {printable(str(r['reason'])).replace('|', '/')} |"
            for r in summary["rejects"][:200]
        ]
    if summary["closed_sources"]:
        lines += ["", "## Closed: absent from this full snapshot", ""]
        lines += [f"- {source}" for source in summary["closed_sources"][:200]]
    create_markdown_artifact(
        key="chitieu-load-summary", markdown="\n".join(lines), description="What this run loaded"
    )
    create_table_artifact(
        key="chitieu-facts-by-indicator",
        table=facts,
        description="Facts per indicator and province",
    )


DAILY_CRON = "0 6 * * *"
"""When the scheduled run starts: every day at 06:00 ..."""
TIMEZONE = "Asia/Ho_Chi_Minh"
"""... Vietnam time (23:00 UTC the day before)."""
SERVED_DEPLOYMENT = "served"
"""Deployment name of `serve_schedule` (`prefect.yaml`'s worker deployment is `daily`)."""


def serve_schedule(
    paths: list[str] | None = None,
    db_path: str | None = None,
    full: bool = False,
    confirm_full: bool = False,
) -> None:
    """Serve the flow from this process on the daily schedule until interrupted: the
    deployment `chitieu-etl/served`, one run at a time, no work pool or worker needed.
    Needs a real Prefect server (the ephemeral one refuses to schedule)."""
    chitieu_etl.serve(
        name=SERVED_DEPLOYMENT,
        schedule=Cron(DAILY_CRON, timezone=TIMEZONE),
        parameters={
            "paths": paths,
            "db_path": db_path,
            "full": full,
            "confirm_full": confirm_full,
        },
        tags=["chitieu"],
        limit=1,
        print_starting_message=False,  # the CLI says how to start a run on this server
    )
