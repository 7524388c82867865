"""Benchmarks of chitieu: a synthetic report generator and the harness that measures the job.

`python -m benchmarks.generate OUT -n N` writes a corpus; `python -m benchmarks.run` measures
extraction, the regular-expression floor, end-to-end runs, loading and Prefect overhead, and
writes `benchmarks/RESULTS.md`.
"""
