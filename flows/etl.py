"""The Prefect flow: report files in, validated and versioned facts in the warehouse.

This module only wires the stages (documents → observations → frames →
schemas → warehouse); each stage is a plain function tested on its own.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
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
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import __version__
from flows.documents import (
    InputFile,
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
from flows.observations import EXTRACTOR_VERSION
from flows.schemas import validate_run
from flows.settings import get_settings
from flows.warehouse import LoadResult, WarehouseLocked, known_inputs, load

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


def batches(files: Sequence[InputFile], size: int = BATCH_SIZE) -> list[list[InputFile]]:
    """Files cut into batches of at most `size`."""
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


def _is_lock_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a load only when another writer held the warehouse file."""
    try:
        state.result()
    except WarehouseLocked:
        return True
    except Exception:  # any other failure is not helped by a retry
        return False
    return False


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
def select_changed_inputs(files: list[InputFile], db_path: Path) -> ChangedInputs:
    """The files to read, and the sources skipped: the warehouse already holds them with
    the same bytes and extractor version (its own record is the cache)."""
    to_read, skipped = unchanged_inputs(files, known_inputs(db_path), EXTRACTOR_VERSION)
    _progress.report(len(skipped))
    return ChangedInputs(to_read, skipped)


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


@task(
    name="load-warehouse",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_condition_fn=_is_lock_error,
)
def load_warehouse(
    db_path: Path,
    documents: pl.DataFrame,
    observations: pl.DataFrame,
    rejects: pl.DataFrame,
    sources: list[str],
    full: bool,
    lock_timeout_s: float,
    started_at: datetime | None = None,
) -> LoadResult:
    """One transaction: the facts versioned into the warehouse, the load audited."""
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
    )


@flow(name="chitieu-etl", log_prints=False)
def chitieu_etl(
    paths: list[str] | None = None,
    db_path: str | None = None,
    full: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> dict[str, Any]:
    """Extract every fact from the reports under `paths`, validate, and load them into the
    warehouse as versioned rows. `full=True` treats the input as a complete snapshot:
    facts of reports no longer present are closed."""
    started_at = datetime.now(UTC)
    logger = get_run_logger()
    settings = get_settings()
    db = Path(db_path) if db_path else settings.db_path
    inputs = [Path(p) for p in paths] if paths else [settings.reports_dir]
    files, missing = discover(inputs)
    logger.info("%d files under %s", len(files), ", ".join(map(str, inputs)))
    _progress.report(0, len(files))
    changed = select_changed_inputs(quote(files), db)
    to_read, skipped = changed.to_read, changed.skipped

    chunks = batches(to_read, batch_size)
    if _tasks_leave_this_process():
        futures, parts = [], _extract_elsewhere(chunks)
    else:
        with extraction_pool(workers or settings.workers, len(chunks)) as pool:
            futures = [extract_reports.submit(quote(chunk), quote(pool)) for chunk in chunks]
            parts = [f.result() for f in futures]
    documents = pl.concat([p.documents for p in parts]) if parts else documents_frame([])
    observations = pl.concat([p.observations for p in parts]) if parts else observations_frame([])
    read_rejects = pl.concat(
        [rejects_frame(input_reject(m) for m in missing), *(p.rejects for p in parts)]
    )
    del futures, parts  # the batches live on only in the concatenated frames
    for row in read_rejects.iter_rows(named=True):
        logger.warning("rejected %s: %s", row["source"], row["reason"])

    n_facts = observations.height
    docs, obs, row_rejects = validate_frames(documents, observations)
    del documents, observations
    rejects = pl.concat([read_rejects, row_rejects])
    result = load_warehouse(
        db, docs, obs, rejects, [f.source for f in files], full, settings.lock_timeout_s, started_at
    )
    summary = {
        "files": len(files) + len(missing),
        "documents": docs.height,
        "skipped_unchanged": len(skipped),
        "facts": n_facts,
        "inserted": result.inserted,
        "closed": result.closed,
        "unchanged": result.unchanged,
        "rejected": rejects.height,
        "rejected_files": read_rejects.height,
        "rejects": [
            {"source": r["source"], "stage": r["stage"], "reason": r["reason"]}
            for r in rejects.select("source", "stage", "reason").iter_rows(named=True)
        ],
        "load_id": result.load_id,
        "warehouse": str(db),
        "flow_run_id": flow_run.get_id(),
    }
    _publish(summary, obs)
    logger.info(
        "load %s: %d inserted, %d closed, %d unchanged, %d rejected",
        result.load_id,
        result.inserted,
        result.closed,
        result.unchanged,
        rejects.height,
    )
    return summary


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


def _publish(summary: dict[str, Any], observations: pl.DataFrame) -> None:
    """Prefect artifacts: the load in markdown, and facts per indicator and province."""
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
            f"| {r['source']} | {r['stage']} | {str(r['reason']).replace('|', '/')} |"
            for r in summary["rejects"][:200]
        ]
    create_markdown_artifact(
        key="chitieu-load-summary", markdown="\n".join(lines), description="What this run loaded"
    )
    table = (
        observations.group_by("indicator", "area_code")
        .len("facts")
        .sort("indicator", "area_code", nulls_last=True)
        .to_dicts()
    )
    create_table_artifact(
        key="chitieu-facts-by-indicator",
        table=table,
        description="Facts per indicator and province",
    )


DAILY_CRON = "0 6 * * *"
"""When the scheduled run starts: every day at 06:00 ..."""
TIMEZONE = "Asia/Ho_Chi_Minh"
"""... Vietnam time (23:00 UTC the day before)."""
SERVED_DEPLOYMENT = "served"
"""Deployment name of `serve_schedule` (`prefect.yaml`'s worker deployment is `daily`)."""


def serve_schedule(
    paths: list[str] | None = None, db_path: str | None = None, full: bool = False
) -> None:
    """Serve the flow from this process on the daily schedule until interrupted: the
    deployment `chitieu-etl/served`, one run at a time, no work pool or worker needed.
    Needs a real Prefect server (the ephemeral one refuses to schedule)."""
    chitieu_etl.serve(
        name=SERVED_DEPLOYMENT,
        schedule=Cron(DAILY_CRON, timezone=TIMEZONE),
        parameters={"paths": paths, "db_path": db_path, "full": full},
        tags=["chitieu"],
        limit=1,
    )
