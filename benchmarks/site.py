"""Time `chitieu report` and `chitieu export` on a warehouse (e.g. one of 10,000 reports).

    python -m benchmarks.generate OUT -n 10000 --seed 7
    chitieu run OUT/base --db OUT/w.duckdb --quiet
    python -m benchmarks.site OUT/w.duckdb --work OUT/site-bench

Each command runs as a subprocess (the installed console script), measured like the
end-to-end runs of `benchmarks.run` (wall time, peak memory of the process tree). Prints
a Markdown table for the notes of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks.run import bench_env, chitieu_command, run_measured

EXPORTS: tuple[tuple[str, str], ...] = (
    ("facts", "csv"),
    ("facts", "parquet"),
    ("facts", "xlsx"),
    ("indicator_values", "csv"),
    ("indicator_values", "parquet"),
    ("indicator_values", "xlsx"),
    ("observations", "csv"),
)


def _size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="warehouse file")
    parser.add_argument("--work", type=Path, required=True, help="folder for the outputs")
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args(argv)
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    env = bench_env(args.work)
    chitieu = chitieu_command()
    rows = []
    if not args.skip_report:
        out = args.work / "site"
        m = run_measured(
            "report", [*chitieu, "report", "--db", str(args.db), "--out", str(out)], env
        )
        if m.returncode:
            sys.stderr.write(m.stderr)
            return 1
        pages = sum(1 for _ in out.rglob("*.html"))
        rows.append(
            ("`chitieu report`", f"{pages:,} pages", m.wall_s, m.peak_tree_rss_mb, _size_mb(out))
        )
    for view, fmt in EXPORTS:
        out = args.work / f"{view}.{fmt}"
        cmd = [*chitieu, "export", "--db", str(args.db), "--view", view, "--out", str(out)]
        m = run_measured(f"export {view} {fmt}", cmd, env)
        if m.returncode:
            sys.stderr.write(m.stderr)
            return 1
        rows.append(
            (
                f"`chitieu export --view {view}` {fmt}",
                m.stdout.split(" rows")[0].removeprefix("wrote ") + " rows",
                m.wall_s,
                m.peak_tree_rss_mb,
                _size_mb(out),
            )
        )
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print("| command | output | wall s | peak RSS MB | size MB |")
    print("| --- | --- | --- | --- | --- |")
    for label, what, wall, rss, size in rows:
        print(f"| {label} | {what} | {wall:.1f} | {rss:.0f} | {size:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
