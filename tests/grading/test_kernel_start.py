"""Kernels started at the same moment lose no message of their first cells.

A client's IOPub subscription joins late on a busy machine ("slow joiner"); a kernel that replied
before it was live used to lose its first cell's ``idle`` status, and the cell looked hung.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from academy.grading.kernel import OK, CellRun, run_cells
from academy.grading.sandbox import Limits, resolve_policy

KERNELS = 12  # more than the pool's 3 workers: kernels start while others work


def test_kernels_started_together_see_their_first_cells_finish(tmp_path: Path,
                                                               sandbox_mode: str) -> None:
    policy = resolve_policy(sandbox_mode, Limits(), readonly=[], env={})

    def first_cells(i: int) -> list[CellRun]:
        job = tmp_path / f"job{i}"
        job.mkdir()
        job.chmod(0o777)
        # heavy imports keep the other kernels (and the machine) busy while these start
        return run_cells(["print('hello', 6 * 7)", "6 * 7",
                          "import pandas, matplotlib.pyplot, scipy.optimize"],
                         policy=policy, job_dir=job, timeout=60, budget=240)

    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(first_cells, range(KERNELS)))
    for kernel, (printed, result, imported) in enumerate(runs):
        assert [printed.status, result.status, imported.status] == [OK, OK, OK], (kernel, runs)
        assert printed.outputs[0]["text"] == "hello 42\n"
        assert result.outputs[0]["data"]["text/plain"] == "42"
