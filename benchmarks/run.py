"""The chitieu benchmark: how fast the job is, against what it could be.

    python -m benchmarks.run                      # the full set (make bench)
    python -m benchmarks.run --quick              # a small run of every part
    python -m benchmarks.run --only extract,load  # some parts

Parts: `extract` (throughput in one process and on a pool of workers, against the floor
of one regular expression that only finds digit groups), `e2e` (`chitieu run` as a
subprocess over 1,000 and 10,000 reports, re-run unchanged and with 1% changed), `load`
(chitieu's versioned load against dlt's scd2 merge into DuckDB, the same rows), `prefect`
(the flow against its stage functions called directly), `distributed` (the partitioned
run on a process work pool with 1 and 2 workers against the plain run). Corpora, warehouses and raw
figures go to benchmarks/out/ (not versioned); the table goes to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.generate import Manifest, generate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK = PROJECT_ROOT / "benchmarks" / "out"
DEFAULT_RESULTS = PROJECT_ROOT / "benchmarks" / "RESULTS.md"
NOTES_MARKER = "<!-- notes below are kept when the results are regenerated -->"
PARTS = ("extract", "e2e", "load", "prefect", "distributed")
PACKAGES = ("prefect", "duckdb", "polars", "pyarrow", "pandera", "dlt", "pyinstrument")

DIGIT_GROUPS = re.compile(r"\d+(?:[.,]\d+)*")
"""The floor: one compiled expression that finds digit groups and does nothing else."""


# --- timing helpers ----------------------------------------------------------------------


@dataclass
class ScanRun:
    """One pass over a corpus: how long, over how many bytes, finding how much."""

    mode: str
    reports: int
    bytes: int
    seconds: float
    cpu_seconds: float
    workers: int = 1
    documents: int = 0
    facts: int = 0
    rejects: int = 0
    matches: int = 0

    @property
    def mb_per_s(self) -> float:
        """Input megabytes (10^6 bytes) per wall second."""
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0

    @property
    def mb_per_s_per_core(self) -> float:
        """Throughput divided by the workers that ran it."""
        return self.mb_per_s / self.workers

    @property
    def mb_per_cpu_s(self) -> float:
        """Megabytes per CPU second: per-core throughput that other load on the machine
        does not distort (a busy machine stretches wall time, not CPU time)."""
        return self.bytes / 1e6 / self.cpu_seconds if self.cpu_seconds else 0.0

    @property
    def facts_per_s(self) -> float:
        """Facts extracted per wall second."""
        return self.facts / self.seconds if self.seconds else 0.0


@dataclass
class Measured:
    """A subprocess run: wall time, memory, exit status and output."""

    label: str
    wall_s: float
    returncode: int
    peak_tree_rss_mb: float
    max_rss_mb: float
    stdout: str
    stderr: str
    summary: dict[str, Any] = field(default_factory=dict)


def _tree_memory_kb(pid: int) -> dict[int, tuple[int, int]]:
    """(VmRSS, VmHWM) in kB of a process and each of its live descendants, by pid."""
    out: dict[int, tuple[int, int]] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii", errors="replace") as f:
                fields = dict(line.split(":", 1) for line in f if line.startswith("Vm"))
            out[p] = (int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, KeyError):
            continue
    return out


def run_measured(label: str, cmd: Sequence[str], env: dict[str, str]) -> Measured:
    """Run a command, sampling the memory of its process tree every 20 ms; wall time and
    peak memory.

    `peak_tree_rss_mb` is the largest sum of VmRSS over the live tree; `max_rss_mb` the
    largest VmHWM (the kernel's high-water mark) of one process of the tree. The kernel's
    `ru_maxrss` is not used: a child inherits the harness's own peak through fork.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=PROJECT_ROOT)
        tree_peak = one_peak = 0
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            memory = _tree_memory_kb(proc.pid)
            tree_peak = max(tree_peak, sum(rss for rss, _ in memory.values()))
            one_peak = max([one_peak, *(hwm for _, hwm in memory.values())])
            time.sleep(0.02)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    return Measured(
        label,
        wall,
        proc.returncode,
        max(tree_peak, one_peak) / 1024,
        one_peak / 1024,
        stdout,
        stderr,
    )


def _last_json(text: str) -> dict[str, Any]:
    """The last line of `text` that is a JSON object."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON summary in the output")


def bench_env(work: Path) -> dict[str, str]:
    """Environment of the measured subprocesses: a Prefect home of their own, no telemetry."""
    env = dict(os.environ)
    for name in ("PREFECT_API_URL", "CHITIEU_DB", "PREFECT_PROFILE"):
        env.pop(name, None)
    env["PREFECT_HOME"] = str(work / "prefect-home")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["DO_NOT_TRACK"] = "1"
    env["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    env["RUNTIME__LOG_LEVEL"] = "ERROR"
    env["PYTHONHASHSEED"] = "0"
    return env


def chitieu_command() -> list[str]:
    """The installed `chitieu` console script beside this interpreter, else `python -m flows`."""
    script = Path(sys.executable).parent / "chitieu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows"]


# --- extraction ----------------------------------------------------------------------------


def corpus_files(folder: Path, limit: int | None = None) -> list[Any]:
    """The input files of a folder as the flow discovers them (sorted), maybe the first few."""
    from flows.documents import discover

    files, _ = discover([folder])
    return files[:limit] if limit else files


def _size(files: Iterable[Any]) -> int:
    """Bytes on disk of the files."""
    return sum(f.path.stat().st_size for f in files)


def scan_floor(files: Sequence[Any]) -> ScanRun:
    """Read, decode and scan every file with one digit-group expression: the floor."""
    started, cpu = time.perf_counter(), time.process_time()
    matches = 0
    for f in files:
        text = f.path.read_bytes().decode("utf-8")
        matches += sum(1 for _ in DIGIT_GROUPS.finditer(text))
    return ScanRun(
        "regex floor (read + decode + scan)",
        len(files),
        _size(files),
        time.perf_counter() - started,
        time.process_time() - cpu,
        matches=matches,
    )


def _batches(files: Sequence[Any], size: int) -> list[list[Any]]:
    """The files cut into batches of at most `size`, as the flow cuts them."""
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


def _extract(files: list[Any]) -> Any:
    """One batch through the flow's extraction stage (runs in pool workers too)."""
    from flows.frames import extract_batch

    return extract_batch(files)


def _extract_timed(files: list[Any]) -> tuple[Any, float]:
    """One batch through the extraction stage, with the CPU seconds the worker spent on it."""
    cpu = time.process_time()
    batch = _extract(files)
    return batch, time.process_time() - cpu


def _warm_worker(_: int) -> int:
    """Import the extractor in a pool worker before timing starts."""
    import flows.etl  # noqa: F401

    time.sleep(0.3)
    return os.getpid()


def _tally(
    mode: str, files: Sequence[Any], parts: Sequence[Any], seconds: float, cpu: float, workers: int
) -> ScanRun:
    """The figures of one extraction pass from its batches."""
    return ScanRun(
        mode,
        len(files),
        _size(files),
        seconds,
        cpu,
        workers=workers,
        documents=sum(p.documents.height for p in parts),
        facts=sum(p.observations.height for p in parts),
        rejects=sum(p.rejects.height for p in parts),
    )


def extract_serial(files: Sequence[Any], batch_size: int) -> ScanRun:
    """The extraction stage (read, decode, normalise, split, extract, frames) in one process."""
    import flows.etl  # noqa: F401  (imported before the clock starts)

    started, cpu = time.perf_counter(), time.process_time()
    parts = [_extract(chunk) for chunk in _batches(files, batch_size)]
    return _tally(
        "one process", files, parts, time.perf_counter() - started, time.process_time() - cpu, 1
    )


def extract_pool(files: Sequence[Any], batch_size: int, workers: int, kind: str) -> ScanRun:
    """The extraction stage on a pool: 'process' (spawned worker processes, as the flow's
    `extraction_pool`) or 'thread' (what Prefect's default ThreadPoolTaskRunner alone gives
    CPU-bound tasks). Worker start-up is excluded."""
    pool: Executor
    if kind == "process":
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    else:
        pool = ThreadPoolExecutor(workers)
    with pool:
        list(pool.map(_warm_worker, range(workers)))
        started, cpu = time.perf_counter(), time.process_time()
        timed = list(pool.map(_extract_timed, _batches(files, batch_size)))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if kind == "process":  # the workers' CPU time (the parent only waits and unpickles)
        cpu += sum(t for _, t in timed)
    mode = "process pool (as the flow)" if kind == "process" else "thread pool"
    return _tally(mode, files, [b for b, _ in timed], seconds, cpu, workers)


# --- load: chitieu's loader against dlt's scd2 --------------------------------------------


@dataclass
class LoadRun:
    """One versioned load of a frame of facts (and their documents)."""

    loader: str
    load: str
    rows: int
    documents: int
    seconds: float
    current: int = 0
    closed: int = 0

    @property
    def rows_per_s(self) -> float:
        """Fact rows per second."""
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Frames:
    """Validated documents and facts of one corpus generation, as the flow hands them on."""

    documents: pl.DataFrame
    observations: pl.DataFrame


def frames_of(files: Sequence[Any], batch_size: int, workers: int) -> Frames:
    """Extract and validate a set of files (not timed) into the frames the loader receives."""
    from flows.etl import validate_frames

    if workers > 1 and len(files) > batch_size:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            parts = list(pool.map(_extract, _batches(files, batch_size)))
    else:
        parts = [_extract(chunk) for chunk in _batches(files, batch_size)]
    docs, obs, _ = validate_frames.fn(
        pl.concat([p.documents for p in parts]), pl.concat([p.observations for p in parts])
    )
    return Frames(docs, obs)


def chitieu_load(db: Path, frames: Frames, label: str) -> LoadRun:
    """Version the frames into a chitieu warehouse with `flows.warehouse.load`."""
    import duckdb

    from flows import __version__
    from flows.frames import rejects_frame
    from flows.observations import EXTRACTOR_VERSION
    from flows.warehouse import load

    started = time.perf_counter()
    load(
        db,
        frames.documents,
        frames.observations,
        rejects_frame([]),
        sources=frames.documents["source"].to_list(),
        code_version=__version__,
        extractor_version=EXTRACTOR_VERSION,
    )
    seconds = time.perf_counter() - started
    with duckdb.connect(str(db), read_only=True) as con:
        current, closed = con.execute(
            "SELECT count(*) FILTER (WHERE valid_to IS NULL), "
            "count(*) FILTER (WHERE valid_to IS NOT NULL) FROM observations"
        ).fetchone()  # type: ignore[misc]
    return LoadRun(
        "chitieu load()",
        label,
        frames.observations.height,
        frames.documents.height,
        seconds,
        current,
        closed,
    )


def _with_row_hash(table: Any) -> Any:
    """The Arrow table with a `row_hash` of all its columns (what dlt's scd2 compares).

    dlt's own `add_row_hash_to_table` needs pandas; Polars computes the same kind of hash
    faster, so dlt is measured on its fastest path.
    """
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    row_hash = frame.hash_rows(seed=0).reinterpret(signed=True).alias("row_hash")
    return frame.with_columns(row_hash).to_arrow()


def dlt_load(folder: Path, frames: Frames, label: str, rows: str = "arrow") -> LoadRun:
    """Version the same frames into DuckDB with dlt: merge disposition, scd2 strategy.

    `merge_key="source"` retires only the absent rows of the sources in the load, which is
    chitieu's rule. With `rows="arrow"` (dlt's fastest path) the resources are Arrow tables
    and the row version is a hash of every column computed inside the run; with
    `rows="dicts"` they are Python dicts and dlt hashes each row itself (its default path).
    """
    import dlt
    import duckdb

    disposition: dict[str, str] = {"disposition": "merge", "strategy": "scd2"}
    if rows == "arrow":
        disposition["row_version_column_name"] = "row_hash"
    folder = folder / f"dlt_{rows}"
    pipeline = dlt.pipeline(
        pipeline_name=f"chitieu_bench_{rows}",
        destination=dlt.destinations.duckdb(str(folder / "dlt.duckdb")),
        dataset_name="chitieu",
        pipelines_dir=str(folder / "pipelines"),
    )
    started = time.perf_counter()
    resources = []
    for name, frame in (("documents", frames.documents), ("observations", frames.observations)):
        data = frame.to_arrow() if rows == "arrow" else frame.to_dicts()
        resource = dlt.resource(data, name=name, write_disposition=disposition, merge_key="source")
        resources.append(resource.add_map(_with_row_hash) if rows == "arrow" else resource)
    pipeline.run(resources)
    seconds = time.perf_counter() - started
    with duckdb.connect(str(folder / "dlt.duckdb"), read_only=True) as con:
        current, closed = con.execute(
            "SELECT count(*) FILTER (WHERE _dlt_valid_to IS NULL), "
            "count(*) FILTER (WHERE _dlt_valid_to IS NOT NULL) FROM chitieu.observations"
        ).fetchone()  # type: ignore[misc]
    return LoadRun(
        f"dlt scd2 merge ({'Arrow' if rows == 'arrow' else 'Python rows'})",
        label,
        frames.observations.height,
        frames.documents.height,
        seconds,
        current,
        closed,
    )


def compare_loads(
    work: Path,
    base: Frames,
    changed: Frames,
    with_dlt: bool = True,
    dlt_dicts: bool = False,
    repeat: int = 1,
) -> list[LoadRun]:
    """Two loads by each loader: the first generation into an empty warehouse, then all rows
    of the second generation (1% of the reports with one number changed). dlt runs on
    Arrow tables and, with `dlt_dicts`, also on Python rows (once: it is slow). Each pair
    runs `repeat` times from scratch; the fastest pair is kept."""
    folder = work / "load"

    def best(pair: Callable[[Path], list[LoadRun]], times: int) -> list[LoadRun]:
        """The fastest of `times` runs of a pair of loads, each from scratch."""
        runs: list[list[LoadRun]] = []
        for _ in range(times):
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            runs.append(pair(folder))
        return min(runs, key=lambda rs: sum(r.seconds for r in rs))

    out = best(
        lambda f: [
            chitieu_load(f / "chitieu.duckdb", base, "initial"),
            chitieu_load(f / "chitieu.duckdb", changed, "reload, 1% changed"),
        ],
        repeat,
    )
    if with_dlt:
        out += best(
            lambda f: [
                dlt_load(f, base, "initial"),
                dlt_load(f, changed, "reload, 1% changed"),
            ],
            repeat,
        )
    if with_dlt and dlt_dicts:
        out += best(
            lambda f: [
                dlt_load(f, base, "initial", rows="dicts"),
                dlt_load(f, changed, "reload, 1% changed", rows="dicts"),
            ],
            1,
        )
    return out


# --- machine -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info: dict[str, str] = {}
    info["nproc"] = str(len(os.sched_getaffinity(0)))
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
        info["RAM"] = f"{kb / 1024 / 1024:.1f} GiB"
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["CPU"] = model.group(1).strip() if model else platform.processor()
        info["load average at start"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        info["CPU"] = platform.processor()
    info["OS"] = f"{platform.system()} {platform.release()}"
    info["Python"] = platform.python_version()
    for name in PACKAGES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    from flows import __version__
    from flows.observations import EXTRACTOR_VERSION

    info["chitieu"] = f"{__version__} (extractor {EXTRACTOR_VERSION})"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "flows", "sql", "seeds", "pyproject.toml"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        info["commit"] = head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "unknown"
    return info


# --- the benchmark -------------------------------------------------------------------------


@dataclass
class Check:
    """One figure against its target."""

    figure: str
    value: str
    target: str
    passed: bool | None


@dataclass
class Report:
    """Everything one benchmark run measured."""

    command: str
    started: str
    machine: dict[str, str]
    workload: dict[str, Any] = field(default_factory=dict)
    extraction: list[ScanRun] = field(default_factory=list)
    e2e: list[Measured] = field(default_factory=list)
    loads: list[LoadRun] = field(default_factory=list)
    prefect: list[Measured] = field(default_factory=list)
    distributed: list[Any] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: str = "benchmarks/out/results.json"


def _shown(path: Path) -> str:
    """A path as the results file shows it: relative to the project when inside it."""
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _log(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_extraction(
    report: Report, folder: Path, n: int, batch_size: int, workers: int, repeat: int = 3
) -> None:
    """Throughput of the extraction stage against the regex floor, serial and on pools
    (the one-process and process-pool passes: the best of `repeat`)."""
    files = corpus_files(folder, n)
    scan_floor(files)  # warm the page cache: every pass below reads from memory
    floor = min((scan_floor(files) for _ in range(3)), key=lambda r: r.seconds)
    _log(f"floor: {floor.mb_per_s:.1f} MB/s over {len(files)} reports")
    # best of `repeat` passes: other work on a shared machine only ever slows a pass down
    serial = min((extract_serial(files, batch_size) for _ in range(repeat)),
                 key=lambda r: r.seconds)  # fmt: skip
    _log(f"one process: {serial.mb_per_s:.2f} MB/s, {serial.facts_per_s:.0f} facts/s")
    procs = min((extract_pool(files, batch_size, workers, "process") for _ in range(repeat)),
                key=lambda r: r.seconds)  # fmt: skip
    _log(f"{workers} processes: {procs.mb_per_s:.2f} MB/s")
    threads = extract_pool(files, batch_size, workers, "thread")
    _log(f"{workers} threads: {threads.mb_per_s:.2f} MB/s")
    report.extraction += [floor, serial, procs, threads]
    ratio = serial.cpu_seconds / floor.cpu_seconds
    report.checks += [
        Check("extraction CPU time / regex floor CPU time (one process)", f"{ratio:.1f}×",
              "≤ 15×", ratio <= 15),
        Check("extraction MB/s (one process, wall)", f"{serial.mb_per_s:.2f}", "≥ 3",
              serial.mb_per_s >= 3),
        Check("extraction MB per CPU second (one core)", f"{serial.mb_per_cpu_s:.2f}", "≥ 3",
              serial.mb_per_cpu_s >= 3),
        Check(f"extraction MB/s on {workers} processes, wall (per worker)",
              f"{procs.mb_per_s:.2f} ({procs.mb_per_s_per_core:.2f})",
              f"≥ {3 * workers} (≥ 3)", procs.mb_per_s_per_core >= 3),
    ]  # fmt: skip


@contextmanager
def prefect_server(work: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A long-lived local Prefect server (as a scheduled deployment has): the environment
    that points runs at it. The server is stopped on exit."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (work / "prefect-server.log").open("wb")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
         "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    try:
        import httpx

        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not start (see {log.name})")
            time.sleep(0.5)
        yield {**env, "PREFECT_API_URL": url}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def bench_e2e(
    report: Report, corpora: dict[int, Path], work: Path, env: dict[str, str], server: bool
) -> None:
    """`chitieu run --json` as a user runs it, over each size; re-runs over the largest, with
    the embedded (ephemeral) Prefect API and, with `server`, against a running server."""
    cli = chitieu_command()

    def run(label: str, folder: Path, db: Path, run_env: dict[str, str]) -> Measured:
        """One measured `chitieu run`; a failed run stops the benchmark."""
        _log(f"chitieu run: {label}")
        m = run_measured(label, [*cli, "run", str(folder), "--db", str(db), "--json"], run_env)
        _check_run(m)
        _log(f"  {m.wall_s:.1f} s, peak RSS {m.peak_tree_rss_mb:.0f} MB, "
             f"{m.summary.get('facts')} facts")  # fmt: skip
        return m

    warm_db = work / "db" / "warmup.duckdb"
    _reset(warm_db)
    run("warm-up", corpora[min(corpora)] / "base", warm_db, env)
    biggest = max(corpora)
    for size in sorted(corpora):
        db = work / "db" / f"e2e_{size}.duckdb"
        _reset(db)
        report.e2e.append(run(f"{size:,} reports, empty warehouse", corpora[size] / "base",
                              db, env))  # fmt: skip
    cold_db = work / "db" / f"e2e_{biggest}.duckdb"
    variants = [("embedded Prefect API", env)]
    if server:
        variants.append(("running Prefect server", {}))
    for name, _ in variants:
        db = work / "db" / f"rerun_{name.split()[0]}.duckdb"
        _reset(db)
        shutil.copyfile(cold_db, db)
    runs: dict[str, Measured] = {}
    for name, run_env in variants:
        db = work / "db" / f"rerun_{name.split()[0]}.duckdb"
        with ExitStack() as stack:
            if not run_env:
                run_env = stack.enter_context(prefect_server(work, env))
                run(f"warm-up ({name})", corpora[min(corpora)] / "base", warm_db, run_env)
            for what, folder in (("unchanged", "base"), ("with 1% changed", "changed")):
                label = f"{biggest:,} reports, re-run {what} ({name})"
                runs[label] = run(label, corpora[biggest] / folder, db, run_env)
                report.e2e.append(runs[label])
    cold = report.e2e[len(corpora) - 1]
    unchanged = runs[f"{biggest:,} reports, re-run unchanged (embedded Prefect API)"]
    changed = runs[f"{biggest:,} reports, re-run with 1% changed (embedded Prefect API)"]
    report.checks += [
        Check(f"chitieu run, {biggest:,} reports: wall", f"{cold.wall_s:.1f} s", "< 60 s",
              cold.wall_s < 60),
        Check(f"chitieu run, {biggest:,} reports: peak RSS", f"{cold.peak_tree_rss_mb:.0f} MB",
              "< 2048 MB", cold.peak_tree_rss_mb < 2048),
        Check(f"re-run, {biggest:,} unchanged (embedded Prefect API)",
              f"{unchanged.wall_s:.1f} s", "< 10 s", unchanged.wall_s < 10),
        Check(f"re-run, {biggest:,} with 1% changed (embedded Prefect API)",
              f"{changed.wall_s:.1f} s", "< 15 s", changed.wall_s < 15),
    ]  # fmt: skip
    for label, m in runs.items():
        if "running Prefect server" in label:
            limit = 10 if "unchanged" in label else 15
            report.checks.append(Check(label.replace("reports, ", ""), f"{m.wall_s:.1f} s",
                                       f"< {limit} s", m.wall_s < limit))  # fmt: skip


def _reset(db: Path) -> None:
    """No warehouse file (nor its WAL) at `db`, its folder made."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)


def _check_run(m: Measured) -> None:
    """A run that failed (exit 2, or no summary) stops the benchmark with its error."""
    if m.returncode not in (0, 1):
        raise RuntimeError(f"{m.label}: exit {m.returncode}: {m.stderr.strip()[-2000:]}")
    try:
        m.summary = _last_json(m.stdout)
    except ValueError:
        raise RuntimeError(
            f"{m.label}: no JSON summary; stdout {m.stdout[-500:]!r}; stderr {m.stderr[-2000:]}"
        ) from None


def bench_load(
    report: Report,
    folder: Path,
    n: int,
    batch_size: int,
    workers: int,
    work: Path,
    dlt_dicts: bool = True,
) -> None:
    """chitieu's load against dlt scd2, on the same validated rows, in this process."""
    base = frames_of(corpus_files(folder / "base", n), batch_size, workers)
    changed = frames_of(corpus_files(folder / "changed", n), batch_size, workers)
    try:
        import dlt  # noqa: F401

        with_dlt = True
    except ImportError:
        with_dlt = False
        report.notes.append("dlt is not installed: the load comparison ran chitieu only.")
    runs = compare_loads(work, base, changed, with_dlt, dlt_dicts, repeat=3)
    report.loads += runs
    for r in runs:
        _log(f"{r.loader} {r.load}: {r.rows:,} rows in {r.seconds:.2f} s")
    ours = sum(r.seconds for r in runs if r.loader.startswith("chitieu"))
    for path in ("Arrow", "Python rows"):
        theirs = sum(r.seconds for r in runs if r.loader.endswith(f"({path})"))
        if theirs:
            speedup = theirs / ours
            report.checks.append(
                Check(
                    f"versioned load speed, chitieu / dlt scd2 on {path} (both loads)",
                    f"{speedup:.1f}×",
                    "≥ 5×",
                    speedup >= 5,
                )
            )


def bench_prefect(
    report: Report, folder: Path, work: Path, env: dict[str, str], workers: int, server: bool
) -> None:
    """The flow against its stages called directly, each in a fresh process, same input:
    on an empty warehouse, then again over the same unchanged files; with `server`, the
    flow also against a running Prefect server (as a deployment runs it)."""

    def stage(label: str, mode: str, db: Path, run_env: dict[str, str]) -> Measured:
        """One measured `benchmarks.stages` process."""
        _log(f"stages: {label}")
        cmd = [sys.executable, "-m", "benchmarks.stages", mode, str(folder), str(db),
               "--workers", str(workers)]  # fmt: skip
        m = run_measured(label, cmd, run_env)
        if m.returncode != 0:
            raise RuntimeError(f"stages {mode}: exit {m.returncode}: {m.stderr.strip()[-2000:]}")
        m.summary = _last_json(m.stdout)
        report.prefect.append(m)
        _log(f"  {m.summary['seconds']:.1f} s in the call, {m.wall_s:.1f} s process")
        return m

    variants = [("direct", "direct", env), ("flow", "flow", env)]
    with ExitStack() as stack:
        if server:
            variants.append(
                (
                    "flow (running Prefect server)",
                    "flow",
                    stack.enter_context(prefect_server(work, env)),
                )
            )
        runs: dict[str, Measured] = {}
        for label, mode, run_env in variants:
            db = work / "db" / f"prefect_{label.split()[0]}_{len(runs)}.duckdb"
            _reset(db)
            runs[label] = stage(label, mode, db, run_env)
            runs[f"{label}, re-run unchanged"] = stage(
                f"{label}, re-run unchanged", mode, db, run_env
            )
    for what in ("", ", re-run unchanged"):
        direct = runs[f"direct{what}"].summary["seconds"]
        for flow_label in ("flow", "flow (running Prefect server)"):
            if f"{flow_label}{what}" not in runs:
                continue
            flow = runs[f"{flow_label}{what}"].summary["seconds"]
            overhead = (flow - direct) / flow
            where = " (running server)" if "server" in flow_label else ""
            report.checks.append(
                Check(
                    f"Prefect overhead{where}, share of the flow run{what}",
                    f"{overhead:.0%}",
                    "< 20%",
                    overhead < 0.2,
                )
            )


def bench_distributed(
    report: Report, folder: Path, n: int, work: Path, env: dict[str, str], partition_size: int
) -> None:
    """The partitioned run (child flow runs on a work pool's workers) against the plain
    run, over the same reports, on one Prefect server (benchmarks/distributed.py)."""
    from benchmarks.distributed import measure

    _log(f"distributed: {n:,} reports, partitions of {partition_size:,}")
    runs = measure(folder, work, env, partition_size)
    report.distributed += [asdict(r) for r in runs]
    plain = runs[0]
    for r in runs[1:]:
        overhead = r.wall_s - plain.wall_s
        _log(f"  {r.workers} worker(s): {r.wall_s:.1f} s against {plain.wall_s:.1f} s plain")
        report.checks.append(
            Check(
                f"partitioned run, {n:,} reports, {r.workers} worker(s): wall (plain run)",
                f"{r.wall_s:.1f} s ({plain.wall_s:.1f} s, {overhead / max(r.partitions, 1):+.1f} "
                "s a partition)",
                "no target (one host)",
                None,
            )
        )
        report.checks.append(
            Check(
                f"partitioned run, {r.workers} worker(s): same facts as the plain run",
                f"{r.facts:,} / {plain.facts:,}",
                "equal",
                r.facts == plain.facts,
            )
        )


def profile_extraction(files: Sequence[Any], batch_size: int, out: Path) -> Path:
    """A pyinstrument profile of the extraction stage in one process, as text."""
    from pyinstrument import Profiler

    import flows.etl  # noqa: F401

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for chunk in _batches(files, batch_size):
        _extract(chunk)
    profiler.stop()
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return out


def profile_stages(folder: Path, db: Path, out: Path) -> Path:
    """A pyinstrument profile of the stages called directly (no Prefect), as text."""
    from pyinstrument import Profiler

    import flows.etl  # noqa: F401  (imported before the profile starts)
    from benchmarks.stages import run_direct

    _reset(db)
    profiler = Profiler(interval=0.002)
    profiler.start()
    run_direct(folder, db, workers=1)
    profiler.stop()
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return out


def profile_cli(cmd: Sequence[str], env: dict[str, str], out: Path) -> Path:
    """A pyinstrument profile of one `chitieu` command in a subprocess, as text."""
    subprocess.run(
        [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out), "-m", "flows", *cmd],
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
    )
    return out


# --- the results file --------------------------------------------------------------------


def _row(cells: Iterable[Any]) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A Markdown table's lines."""
    return [_row(header), _row("---" for _ in header), *(_row(r) for r in rows)]


def render(report: Report) -> str:
    """RESULTS.md: machine, command, the checks against targets, then the details."""
    verdict = {True: "pass", False: "**miss**", None: "n/a"}
    lines = [
        "# Benchmark results",
        "",
        f"Measured {report.started} with `{report.command}` "
        f"(`make bench` runs the full set). Raw figures: `{report.raw}`.",
        "",
        "## Machine",
        "",
        *_table(("", ""), report.machine.items()),
        "",
        "## Workload",
        "",
        *_table(("", ""), report.workload.items()),
        "",
        "## Figures against the targets",
        "",
        *_table(
            ("figure", "measured", "target", "result"),
            ((c.figure, c.value, c.target, verdict[c.passed]) for c in report.checks),
        ),
    ]
    if report.extraction:
        floor = report.extraction[0]
        lines += [
            "",
            "## Extraction",
            "",
            "The extraction stage is `flows.frames.extract_batch` (read, decode, normalise, split "
            "sentences, extract facts, build frames) over batches of files; the floor reads, "
            "decodes and scans the same files with one compiled `\\d+(?:[.,]\\d+)*` (best of 3; "
            "the one-process and process-pool passes also best of 3). CPU s "
            "counts the pool workers' CPU time; MB per CPU s is the per-core figure that other "
            "load on the shared machine does not distort.",
            "",
            *_table(
                (
                    "mode",
                    "workers",
                    "reports",
                    "MB",
                    "wall s",
                    "CPU s",
                    "MB/s",
                    "MB/s per worker",
                    "MB per CPU s",
                    "facts",
                    "facts/s",
                    "CPU × floor",
                ),
                (
                    (
                        r.mode,
                        r.workers,
                        r.reports,
                        f"{r.bytes / 1e6:.1f}",
                        f"{r.seconds:.2f}",
                        f"{r.cpu_seconds:.2f}",
                        f"{r.mb_per_s:.2f}",
                        f"{r.mb_per_s_per_core:.2f}",
                        f"{r.mb_per_cpu_s:.2f}",
                        r.facts or r.matches,
                        f"{r.facts_per_s:.0f}" if r.facts else "",
                        f"{r.cpu_seconds / floor.cpu_seconds:.1f}",
                    )
                    for r in report.extraction
                ),
            ),
        ]
    if report.e2e:
        lines += [
            "",
            "## End to end: `chitieu run PATH --db FILE --json`",
            "",
            "A subprocess per run (the installed console script), after one warm-up run that "
            "creates the Prefect database. Peak RSS is the largest sum of resident memory over "
            "the process tree (the CLI, its Prefect server, its extraction workers), sampled "
            "every 20 ms; the largest process is its kernel high-water mark (VmHWM).",
            "",
            *_table(
                (
                    "run",
                    "wall s",
                    "peak RSS MB",
                    "largest process MB",
                    "files",
                    "facts",
                    "inserted",
                    "closed",
                    "skipped unchanged",
                    "rejected",
                ),
                (
                    (
                        m.label,
                        f"{m.wall_s:.1f}",
                        f"{m.peak_tree_rss_mb:.0f}",
                        f"{m.max_rss_mb:.0f}",
                        m.summary.get("files"),
                        m.summary.get("facts"),
                        m.summary.get("inserted"),
                        m.summary.get("closed"),
                        m.summary.get("skipped_unchanged"),
                        m.summary.get("rejected"),
                    )
                    for m in report.e2e
                ),
            ),
        ]
    if report.loads:
        lines += [
            "",
            "## Versioned load: chitieu `load()` against dlt `scd2`",
            "",
            "The same validated documents and facts, in this process. chitieu: "
            "`flows.warehouse.load` (migrations, reference tables, staging, SCD2, audit row, "
            "one transaction). dlt: `pipeline.run` of two Arrow resources with "
            '`write_disposition={"disposition": "merge", "strategy": "scd2", '
            '"row_version_column_name": "row_hash"}`, `merge_key="source"` and a row hash of '
            "all columns computed by Polars inside the run, into DuckDB. The reload sends "
            "every row again, 1% of the reports with one number changed. Each pair of loads "
            "ran 3 times from an empty warehouse (dlt on Python rows once); the fastest is "
            "shown.",
            "",
            *_table(
                (
                    "loader",
                    "load",
                    "fact rows",
                    "documents",
                    "seconds",
                    "rows/s",
                    "current after",
                    "closed after",
                ),
                (
                    (
                        r.loader,
                        r.load,
                        r.rows,
                        r.documents,
                        f"{r.seconds:.2f}",
                        f"{r.rows_per_s:,.0f}",
                        r.current,
                        r.closed,
                    )
                    for r in report.loads
                ),
            ),
        ]
    if report.prefect:
        lines += [
            "",
            "## Prefect overhead",
            "",
            "`python -m benchmarks.stages MODE`, each in a fresh process, first on an empty "
            "warehouse, then again over the same unchanged files: `direct` calls discover, the "
            "unchanged-input check, `extract_batch` on the same worker processes and batches, "
            "the validation and `load` with no Prefect; `flow` runs `chitieu_etl` as shipped "
            "(embedded Prefect API), and again against a running Prefect server. "
            "Seconds in the call exclude imports; the process wall includes them.",
            "",
            *_table(
                (
                    "mode",
                    "seconds in the call",
                    "process wall s",
                    "peak RSS MB",
                    "files",
                    "facts",
                    "inserted",
                ),
                (
                    (
                        m.label,
                        f"{m.summary['seconds']:.1f}",
                        f"{m.wall_s:.1f}",
                        f"{m.peak_tree_rss_mb:.0f}",
                        m.summary.get("files"),
                        m.summary.get("facts"),
                        m.summary.get("inserted"),
                    )
                    for m in report.prefect
                ),
            ),
        ]
    if report.distributed:
        plain = report.distributed[0]
        lines += [
            "",
            "## Partitioned run: child flow runs on a process work pool",
            "",
            "The deployment `chitieu-etl-partitioned/partitioned` on a `prefect server` with 1 "
            "and 2 process workers on this machine (each worker cores / workers extraction "
            "processes, one child at a time), against a plain `chitieu run` on the same "
            "server. Wall: from the parent's creation to its end. Child start: from a child's "
            "creation to its flow starting (waiting for a free worker, pick-up, process start, "
            "imports); child run: extract, validate, write Parquet (docs/scaling.md).",
            "",
            *_table(
                (
                    "mode",
                    "workers",
                    "partitions",
                    "wall s",
                    "vs plain s",
                    "per partition s",
                    "child start s (mean)",
                    "child run s (mean)",
                    "facts",
                ),
                (
                    (
                        r["mode"],
                        r["workers"],
                        r["partitions"],
                        f"{r['wall_s']:.1f}",
                        f"{r['wall_s'] - plain['wall_s']:+.1f}" if r["partitions"] else "",
                        f"{(r['wall_s'] - plain['wall_s']) / r['partitions']:+.1f}"
                        if r["partitions"]
                        else "",
                        _mean(r["child_start_s"]),
                        _mean(r["child_run_s"]),
                        r["facts"],
                    )
                    for r in report.distributed
                ),
            ),
        ]
    if report.notes:
        lines += ["", "## Notes of this run", "", *(f"- {n}" for n in report.notes)]
    return "\n".join(lines) + "\n"


def _mean(values: Sequence[float]) -> str:
    """The mean, with one decimal; empty for no values."""
    return f"{sum(values) / len(values):.1f}" if values else ""


def write_results(report: Report, path: Path, work: Path) -> None:
    """RESULTS.md (keeping the hand-written notes after the marker) and results.json."""
    notes = ""
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER) + len(NOTES_MARKER) :]
    path.write_text(render(report) + "\n" + NOTES_MARKER + notes, encoding="utf-8")
    raw = asdict(report)
    for m in raw["e2e"] + raw["prefect"]:
        m.pop("stdout", None)
        m["stderr"] = m["stderr"][-500:]
    (work / "results.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False, default=str))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the chosen parts and write the results."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="report counts of the end-to-end runs; the largest is re-run and "
        "used for the Prefect overhead [1000,10000]",
    )
    parser.add_argument(
        "--extract-n", type=int, default=2000, help="reports in the extraction measurements [2000]"
    )
    parser.add_argument(
        "--load-n",
        type=int,
        default=2000,
        help="reports whose facts the load comparison loads [2000]",
    )
    parser.add_argument("--only", default=",".join(PARTS), help=f"parts to run {PARTS}")
    parser.add_argument(
        "--distributed-n",
        type=int,
        default=10000,
        help="reports of the partitioned run [10000]",
    )
    parser.add_argument(
        "--partition-size", type=int, default=None, help="files per partition [PARTITION_SIZE]"
    )
    parser.add_argument("--workers", type=int, default=2, help="pool size [2]")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="files per extraction batch [the flow's BATCH_SIZE]",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes everywhere (sizes 50,200; 200 reports to extract and load)",
    )
    parser.add_argument(
        "--no-dlt-rows", action="store_true", help="skip dlt on Python rows (its slow path)"
    )
    parser.add_argument(
        "--no-server", action="store_true", help="skip the re-runs against a running Prefect server"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also write pyinstrument profiles to the work folder"
    )
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="corpora, warehouses")
    parser.add_argument(
        "--results",
        type=Path,
        default=DEFAULT_RESULTS,
        help="where to write the results table ('-' for nowhere)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.extract_n, args.load_n = "50,200", 200, 200
        args.distributed_n, args.partition_size = 200, args.partition_size or 100
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    from flows.etl import BATCH_SIZE

    batch_size = args.batch_size or BATCH_SIZE
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work)
    os.environ.update(
        {k: env[k] for k in ("DO_NOT_TRACK", "RUNTIME__DLTHUB_TELEMETRY", "RUNTIME__LOG_LEVEL")}
    )

    report = Report(
        command="python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        raw=_shown(work / "results.json"),
    )
    # one corpus per size; the first n reports of a seed are the same whatever n is
    need = sorted(
        {
            *(sizes if {"e2e", "prefect"} & set(parts) else ()),
            *((args.extract_n,) if "extract" in parts else ()),
            *((args.load_n,) if "load" in parts else ()),
            *((args.distributed_n,) if "distributed" in parts else ()),
        }
    )
    corpora: dict[int, Path] = {}
    manifests: dict[int, Manifest] = {}
    for n in need:
        corpora[n] = work / f"corpus_{n}"
        _log(f"corpus of {n} reports")
        manifests[n] = generate(corpora[n], n, args.seed, 0.01)
    biggest = max(sizes)
    m = manifests[max(manifests)]
    if "distributed" in parts:
        from flows.partitions import PARTITION_SIZE

        partition_size = args.partition_size or PARTITION_SIZE
    report.workload = {
        "generator": f"`python -m benchmarks.generate OUT -n N --seed {args.seed}`",
        "reports (largest corpus)": f"{m.n:,}",
        "bytes": f"{m.base_bytes / 1e6:.1f} MB ({m.base_bytes / m.n / 1000:.2f} KB a report)",
        "changed generation": f"{len(m.changed)} reports with one number edited",
        "extraction set": f"first {args.extract_n:,} reports",
        "load set": f"first {args.load_n:,} reports",
        "batch size": str(batch_size),
        "workers": str(args.workers),
    }
    if "distributed" in parts:
        report.workload["partitioned run"] = (
            f"first {args.distributed_n:,} reports, partitions of {partition_size:,}"
        )
    if "extract" in parts:
        bench_extraction(
            report, corpora[args.extract_n] / "base", args.extract_n, batch_size, args.workers
        )
        if args.profile:
            out = profile_extraction(
                corpus_files(corpora[args.extract_n] / "base", min(args.extract_n, 500)),
                batch_size,
                work / "profile_extract.txt",
            )
            _log(f"profile: {out}")
    if "load" in parts:
        bench_load(report, corpora[args.load_n], args.load_n, batch_size, args.workers, work,
                   not args.no_dlt_rows)  # fmt: skip
    if "e2e" in parts:
        bench_e2e(report, {n: corpora[n] for n in sizes}, work, env, not args.no_server)
        if args.profile:
            db = work / "db" / "rerun_embedded.duckdb"
            cmd = ["run", str(corpora[biggest] / "base"), "--db", str(db), "--json"]
            out = profile_cli(cmd, env, work / "profile_cli_rerun.txt")
            _log(f"profile: {out}")
    if "prefect" in parts:
        if args.profile:
            db = work / "db" / "profile_stages.duckdb"
            out = profile_stages(corpora[min(sizes)] / "base", db, work / "profile_stages.txt")
            _log(f"profile: {out}")
        bench_prefect(
            report, corpora[biggest] / "base", work, env, args.workers, not args.no_server
        )
    if "distributed" in parts:
        bench_distributed(report, corpora[args.distributed_n] / "base", args.distributed_n,
                          work, env, partition_size)  # fmt: skip
    if str(args.results) != "-":
        write_results(report, args.results, work)
        _log(f"results: {args.results}")
    for c in report.checks:
        mark = {True: "PASS", False: "MISS", None: "INFO"}[c.passed]
        print(f"{mark}  {c.figure}: {c.value} (target {c.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
