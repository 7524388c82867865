"""Partitioned runs: extraction spread over the workers of a Prefect work pool.

The parent flow (`chitieu-etl-partitioned`) finds the changed inputs, cuts them into
partitions and starts one child flow run (`chitieu-partition`) per partition through
the child's deployment, all at once; the work pool's workers, on any number of hosts,
pick them up. Each child reads, extracts and validates its files and leaves its frames
as Parquet in the shared results folder (`CHITIEU_RESULTS`, see flows/results.py). The
parent waits for every child, then loads all of it in one warehouse transaction: the
warehouse keeps its single writer. A failed or lost child fails the parent with the
child's reason, and nothing is loaded.

Run outside a deployment on a work pool (from the CLI, or on the embedded server), the
parent flow runs the ordinary flow instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import polars as pl
from prefect import flow, get_client, get_run_logger
from prefect.deployments import run_deployment
from prefect.runtime import deployment
from prefect.states import Cancelled, Cancelling, Crashed
from prefect.utilities.annotations import quote

from flows.documents import InputFile
from flows.etl import (
    BATCH_SIZE,
    batches,
    chitieu_etl,
    extract_reports,
    extraction_pool,
    load_run,
    run_inputs,
    validate_frames,
)
from flows.frames import documents_frame, input_reject, observations_frame, rejects_frame
from flows.observations import EXTRACTOR_VERSION
from flows.results import (
    PartitionOutput,
    partition_key,
    read_partition,
    remove_partitions,
    write_partition,
)
from flows.settings import get_settings

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import FlowRun

PARTITION_SIZE = 2000
"""Files per child flow run: each costs a few seconds to start on a worker, so partitions
are coarse (a child still extracts its partition in batches, on every core of its host)."""
PARTITION_DEPLOYMENT = "chitieu-partition/partition"
"""The child flow's deployment (`prefect.yaml`)."""
PARTITION_TIMEOUT_S = 3600.0
"""How long the parent waits for all children before it gives up on the run."""
POLL_S = 1.0
"""How often the parent asks the API how its children are doing."""
EVENTS_PAGE = 50
"""The most events the API returns in one page."""
PENDING_LIMIT_S = 600.0
"""A child taken by a worker but not started after this long never will be (its worker
died between taking it and starting its process)."""
MISSED_HEARTBEATS = 3
"""A worker silent for this many of its heartbeat intervals is taken as gone."""


class PartitionFailed(Exception):
    """A child flow run failed, crashed, was cancelled, or its worker stopped answering."""


@dataclass(frozen=True)
class Partition:
    """One child's share of the run: its files and the name of its results."""

    number: int
    files: list[InputFile]
    key: str

    def describe(self, total: int, run_name: str) -> str:
        """How an error names this partition: which, how big, which flow run."""
        return f"partition {self.number} of {total} ({len(self.files)} files, flow run {run_name})"

    def parameters(self, results_dir: Path) -> dict[str, Any]:
        """The child flow run's parameters (absolute paths: workers start elsewhere)."""
        return {
            "paths": [str(f.path.absolute()) for f in self.files],
            "sources": [f.source for f in self.files],
            "results_dir": str(results_dir.absolute()),
            "key": self.key,
            "extractor_version": EXTRACTOR_VERSION,
        }


def partitions(files: Sequence[InputFile], size: int = PARTITION_SIZE) -> list[Partition]:
    """Files cut into partitions of at most `size`, each named by its content."""
    return [
        Partition(n, chunk, partition_key(chunk, EXTRACTOR_VERSION))
        for n, chunk in enumerate(batches(files, size), start=1)
    ]


@flow(name="chitieu-partition", log_prints=False)
def chitieu_partition(
    paths: list[str],
    sources: list[str],
    results_dir: str,
    key: str,
    extractor_version: str,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> dict[str, Any]:
    """Read, extract and validate one partition's files; leave the valid documents and
    facts and the rejects as Parquet in `results_dir`/`key` for the parent to load."""
    if extractor_version != EXTRACTOR_VERSION:
        raise PartitionFailed(
            f"this host's chitieu extracts with version {EXTRACTOR_VERSION}, the run with "
            f"{extractor_version}: install the same chitieu on every host"
        )
    files = [InputFile(Path(p), s) for p, s in zip(paths, sources, strict=True)]
    chunks = batches(files, batch_size)
    with extraction_pool(workers or get_settings().workers, len(chunks)) as pool:
        futures = [extract_reports.submit(quote(chunk), quote(pool)) for chunk in chunks]
        parts = [f.result() for f in futures]
    documents = pl.concat([p.documents for p in parts]) if parts else documents_frame([])
    observations = pl.concat([p.observations for p in parts]) if parts else observations_frame([])
    read_rejects = pl.concat([p.rejects for p in parts]) if parts else rejects_frame([])
    docs, obs, row_rejects = validate_frames(documents, observations)
    output = PartitionOutput(
        docs,
        obs,
        pl.concat([read_rejects, row_rejects]),
        files=len(files),
        facts=observations.height,
    )
    folder = write_partition(Path(results_dir), key, output)
    get_run_logger().info(
        "partition %s: %d files, %d documents, %d facts, %d rejected, written to %s",
        key,
        len(files),
        docs.height,
        obs.height,
        output.rejects.height,
        folder,
    )
    return {"key": key, "files": len(files), "documents": docs.height, "facts": obs.height}


@flow(name="chitieu-etl-partitioned", log_prints=False)
def chitieu_etl_partitioned(
    paths: list[str] | None = None,
    db_path: str | None = None,
    full: bool = False,
    partition_size: int = PARTITION_SIZE,
    results_dir: str | None = None,
    partition_deployment: str = PARTITION_DEPLOYMENT,
    timeout_s: float = PARTITION_TIMEOUT_S,
    batch_size: int = BATCH_SIZE,
    confirm_full: bool = False,
    reread: bool = False,
) -> dict[str, Any]:
    """The ETL flow with extraction spread over the work pool: one child flow run per
    partition of the changed inputs, then one load of all their results. Outside a
    deployment on a work pool it is the ordinary flow."""
    if not _runs_on_a_work_pool():
        get_run_logger().info("not run by a work pool's worker: running the ordinary flow")
        return chitieu_etl(paths, db_path, full, confirm_full=confirm_full, reread=reread)
    started_at = datetime.now(UTC)
    logger = get_run_logger()
    settings = get_settings()
    results = Path(results_dir) if results_dir else settings.results_dir
    if results is None:
        raise ValueError(
            "a partitioned run needs a results folder every host shares: "
            "set CHITIEU_RESULTS or the results_dir parameter"
        )
    run = run_inputs(paths, db_path, reread, logger)
    parts = partitions(run.to_read, partition_size)
    logger.info(
        "%d unchanged, %d to read in %d partitions of up to %d",
        len(run.skipped),
        len(run.to_read),
        len(parts),
        partition_size,
    )
    runs = start_partitions(parts, results, partition_deployment, batch_size)
    wait_for_partitions(runs, timeout_s)
    outputs = [read_partition(results, p.key) for p in parts]

    docs = pl.concat([o.documents for o in outputs]) if outputs else documents_frame([])
    obs = pl.concat([o.observations for o in outputs]) if outputs else observations_frame([])
    read_rejects = rejects_frame(input_reject(m) for m in run.missing)
    rejects = pl.concat([read_rejects, *(o.rejects for o in outputs)])
    n_facts = sum(o.facts for o in outputs)
    n_rejected_files = rejects.filter(pl.col("stage") == "read").height
    summary = load_run(
        run, docs, obs, rejects, n_facts, n_rejected_files, full, confirm_full, started_at, logger
    )
    remove_partitions(results, [p.key for p in parts])
    return {**summary, "partitions": len(parts)}


def _runs_on_a_work_pool() -> bool:
    """Whether this flow run belongs to a deployment on a work pool (else the CLI, the
    embedded server or `serve` runs it, and there is no pool to spread it over)."""
    deployment_id = deployment.get_id()
    if deployment_id is None:
        return False
    with get_client(sync_client=True) as client:
        return client.read_deployment(UUID(deployment_id)).work_pool_name is not None


def start_partitions(
    parts: Sequence[Partition], results_dir: Path, deployment_name: str, batch_size: int
) -> dict[UUID, Partition]:
    """One child flow run per partition, created at once (not waited for one by one)."""
    runs: dict[UUID, Partition] = {}
    for part in parts:
        child: FlowRun = run_deployment(
            deployment_name,
            parameters={**part.parameters(results_dir), "batch_size": batch_size},
            flow_run_name=f"partition-{part.number}-of-{len(parts)}",
            timeout=0,
            tags=["chitieu"],
        )
        runs[child.id] = part
    return runs


def wait_for_partitions(
    runs: dict[UUID, Partition], timeout_s: float, poll_s: float = POLL_S
) -> None:
    """Return when every child completed; raise `PartitionFailed` with the reason of the
    first that failed, crashed or was cancelled, whose worker stopped answering, or when
    `timeout_s` ran out. The children still running then are cancelled."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    logger = get_run_logger()
    pending = set(runs)
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        try:
            while pending:
                children = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(pending)))
                )
                for child in children:
                    state = child.state
                    if state is None or not state.is_final():
                        continue
                    part = runs[child.id]
                    if not state.is_completed():
                        reason = (state.message or "no reason given").removeprefix(
                            "Flow run encountered an exception: "
                        )
                        raise PartitionFailed(
                            f"{part.describe(len(runs), child.name)} {state.name.lower()}: {reason}"
                        )
                    pending.discard(child.id)
                    logger.info("partition %d of %d done", len(runs) - len(pending), len(runs))
                if not pending:
                    break
                try:
                    _check_workers(client, [c for c in children if c.id in pending], runs)
                except PartitionFailed:
                    raise
                except Exception as exc:  # a check that could not be made is no failure
                    logger.warning("could not check the workers of the partitions: %s", exc)
                if time.monotonic() > deadline:
                    raise PartitionFailed(
                        f"{len(pending)} of {len(runs)} partitions not finished within "
                        f"{timeout_s:.0f} s"
                    )
                time.sleep(poll_s)
        except BaseException:
            _cancel(client, pending)
            raise


def _check_workers(
    client: SyncPrefectClient, children: Sequence[FlowRun], runs: dict[UUID, Partition]
) -> None:
    """Raise `PartitionFailed` for a running child whose worker stopped sending heartbeats
    (its host or process died: the child will never report an end)."""
    running = [c for c in children if c.state and (c.state.is_running() or c.state.is_pending())]
    if not running:
        return
    now = datetime.now(UTC)
    for child in running:
        since = child.state.timestamp if child.state else None
        if child.state and child.state.is_pending() and since is not None:
            waited = (now - since).total_seconds()
            if waited > PENDING_LIMIT_S:
                part = runs[child.id]
                _crash(client, child.id, f"taken by a worker but not started in {waited:.0f} s")
                raise PartitionFailed(
                    f"{part.describe(len(runs), child.name)} lost: taken by a worker but not "
                    f"started in {waited:.0f} s"
                )
    submitted = _workers_of(client, [c.id for c in running])
    silent: dict[str, str] = {}
    for pool in {c.work_pool_name for c in running if c.work_pool_name}:
        silent.update(_silent_workers(client, pool))
    for child in running:
        worker = submitted.get(child.id)
        if worker is not None and worker in silent:
            part = runs[child.id]
            _crash(client, child.id, f"its worker {worker} stopped answering")
            raise PartitionFailed(
                f"{part.describe(len(runs), child.name)} lost: its worker {worker} "
                f"stopped answering ({silent[worker]})"
            )


def _workers_of(client: SyncPrefectClient, run_ids: Sequence[UUID]) -> dict[UUID, str]:
    """Which worker took each of these flow runs, from the workers' own events."""
    from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter

    found: dict[UUID, str] = {}
    for chunk in batches(list(run_ids), EVENTS_PAGE // 2):
        page = client.read_events(
            EventFilter(
                event=EventNameFilter(name=["prefect.worker.submitted-flow-run"]),
                related=EventRelatedFilter(id=[f"prefect.flow-run.{i}" for i in chunk]),
            ),
            limit=EVENTS_PAGE,
        )
        for event in reversed(page.events):  # newest last: a resubmitted run's last worker
            for related in event.related:
                if related.role == "flow-run":
                    run_id = UUID(related.id.removeprefix("prefect.flow-run."))
                    found[run_id] = event.resource.name
    return found


def _silent_workers(client: SyncPrefectClient, pool: str) -> dict[str, str]:
    """Workers of `pool` that missed `MISSED_HEARTBEATS` heartbeats, with how long ago
    they last answered."""
    now = datetime.now(UTC)
    silent: dict[str, str] = {}
    for worker in client.read_workers_for_work_pool(pool):
        interval = worker.heartbeat_interval_seconds or 30
        last = worker.last_heartbeat_time
        if last is None:
            continue
        ago = now - last
        if worker.status == "OFFLINE" or ago > timedelta(seconds=MISSED_HEARTBEATS * interval):
            silent[worker.name] = f"last heartbeat {ago.total_seconds():.0f} s ago"
    return silent


def _crash(client: SyncPrefectClient, run_id: UUID, reason: str) -> None:
    """Mark a lost child Crashed, so that it does not stay Running for ever."""
    client.set_flow_run_state(run_id, Crashed(message=reason), force=True)


def _cancel(client: SyncPrefectClient, run_ids: set[UUID]) -> None:
    """Ask the workers to stop the children that are still pending or running."""
    for run_id in run_ids:
        try:
            run = client.read_flow_run(run_id)
            if run.state is None or run.state.is_final():
                continue
            # Not yet taken by a worker: nothing to stop. Taken: its worker stops it.
            state = Cancelled if run.state.is_scheduled() else Cancelling
            client.set_flow_run_state(run_id, state(message="the run failed"), force=True)
        except Exception as exc:  # the parent's own failure is the one to report
            get_run_logger().warning("could not cancel flow run %s: %s", run_id, exc)
