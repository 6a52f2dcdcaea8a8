"""Benchmark: what a notebook kernel or a toolkit process pays to import what it needs.

Times, in fresh interpreters, the imports of a module notebook's first cells plus nbformat, in
the order that lets the toolkit keep jsonschema from loading rfc3987_syntax (``academy`` first,
as in a notebook and in the CLI) against the baseline order (``nbformat`` first, so jsonschema
loads it). Both run in this process's loop, alternating, so the ratio holds on a noisy machine.
Run from the repository: `.venv/bin/python benchmarks/import_cost.py --runs 5`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TOOLKIT_FIRST = ("import academy.checks, academy.notebook, academy.data, academy.explore, "
                 "nbformat")
BASELINE = "import nbformat, academy.checks, academy.notebook, academy.data, academy.explore"


def seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    baseline, toolkit = [], []
    for _ in range(runs):
        baseline.append(seconds(BASELINE))
        toolkit.append(seconds(TOOLKIT_FIRST))
    b, t = statistics.median(baseline), statistics.median(toolkit)
    print(f"imports, nbformat first (rfc3987_syntax loaded): {b:.2f} s (median of {runs})")
    print(f"imports, toolkit first (rfc3987_syntax skipped): {t:.2f} s (median of {runs})")
    print(f"ratio: {b / t:.2f}x faster, {b - t:.2f} s saved per process or kernel")


if __name__ == "__main__":
    main()
