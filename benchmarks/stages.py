"""One run over a folder of reports, either as the Prefect flow or as the bare stage functions.

    python -m benchmarks.stages {direct,flow} FOLDER DB [--workers N]

`direct` calls the stages the flow wires (discover, the unchanged-input check,
`extract_batch` on the same worker processes, validation, load) with no Prefect at all;
`flow` runs `chitieu_etl` as `chitieu run` runs it: with no PREFECT_API_URL, the embedded
Prefect server is started first, before the imports. Prints one JSON line: the seconds
spent in the call (imports excluded; for `flow`, waiting for the server's start included)
and what was loaded. The harness runs each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flows.server import EmbeddedServer, prefect_api


def run_direct(folder: Path, db: Path, workers: int | None = None) -> dict[str, Any]:
    """The flow's stages called as plain functions (its tasks' `.fn`), in the flow's order,
    with the same extraction workers and batches, and no Prefect."""
    import polars as pl

    from flows.documents import discover
    from flows.etl import (
        BATCH_SIZE,
        batches,
        extract_batch,
        extraction_pool,
        load_warehouse,
        select_changed_inputs,
        validate_frames,
    )
    from flows.frames import documents_frame, input_reject, observations_frame, rejects_frame
    from flows.settings import get_settings

    settings = get_settings()
    files, missing = discover([folder])
    changed = select_changed_inputs.fn(files, db)
    to_read, skipped = changed.to_read, changed.skipped
    chunks = batches(to_read, BATCH_SIZE)
    with extraction_pool(workers or settings.workers, len(chunks)) as pool:
        if pool is None:
            parts = [extract_batch(c) for c in chunks]
        else:
            parts = [f.result() for f in [pool.submit(extract_batch, c) for c in chunks]]
    documents = pl.concat([p.documents for p in parts]) if parts else documents_frame([])
    observations = pl.concat([p.observations for p in parts]) if parts else observations_frame([])
    read_rejects = pl.concat(
        [rejects_frame(input_reject(m) for m in missing), *(p.rejects for p in parts)]
    )
    docs, obs, row_rejects = validate_frames.fn(documents, observations)
    result = load_warehouse.fn(
        db,
        docs,
        obs,
        pl.concat([read_rejects, row_rejects]),
        [f.source for f in files],
        False,
        settings.lock_timeout_s,
    )
    return {
        "files": len(files),
        "facts": observations.height,
        "inserted": result.inserted,
        "closed": result.closed,
        "skipped_unchanged": len(skipped),
    }


def run_flow(
    folder: Path, db: Path, workers: int | None = None, server: EmbeddedServer | None = None
) -> dict[str, Any]:
    """`chitieu_etl` as it ships (a real flow run), with `workers` extraction processes,
    reporting where `chitieu run` would: the configured Prefect API, else `server`."""
    from flows.etl import chitieu_etl

    with prefect_api(server):
        summary = chitieu_etl([str(folder)], str(db), workers=workers)
    return {k: summary[k] for k in ("files", "facts", "inserted", "closed", "skipped_unchanged")}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: one timed run, its result as one JSON line on stdout."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__)
    parser.add_argument("mode", choices=("direct", "flow"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--workers", type=int, default=None, help="[CHITIEU_WORKERS or nproc]")
    args = parser.parse_args(argv)
    server = None
    if args.mode == "flow" and not os.environ.get("PREFECT_API_URL"):
        server = EmbeddedServer.start()  # as `chitieu run` does, before Prefect is imported
    import flows.etl  # the imports and what a run loads lazily stay outside the timed call

    flows.etl.preload()  # as `chitieu run` does while the server starts

    started = time.perf_counter()
    if args.mode == "direct":
        out = run_direct(args.folder, args.db, args.workers)
    else:
        out = run_flow(args.folder, args.db, args.workers, server)
    out["seconds"] = time.perf_counter() - started
    out["mode"] = args.mode
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
