"""Benchmark: where a submission's grading time goes (the basis for the next speed step).

Grades a small class of the remittances module with ``grade_module`` (one job, so phases do not
overlap) and times each phase by wrapping the functions that do it:

    kernel start   starting the sandboxed kernel and its bootstrap cell (SandboxedKernel)
    imports        the notebook's code cells that import libraries
    cells          every other code cell (answers and rewritten test cells)
    scoring        score_exercise, outside the kernel
    saving         the result JSON (save_result)
    gradebook      record_in_gradebook (nbgrader's gradebook, through academy.gradebook)
    other          the rest of grade_student: reading, restoring, copying, writing the notebook

The reference run (solutions) is timed separately. Prints seconds and shares of the graded
submissions' total, so runs on noisy machines compare by share. Run from the repository:
`.venv/bin/python benchmarks/grading_breakdown.py --size 6`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from grading import MODULE, build_class  # noqa: E402

IMPORT_LINE = re.compile(r"^\s*(import|from)\s+\S+", re.MULTILINE)


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6, help="submissions in the class")
    parser.add_argument("--sandbox", default="auto", choices=["auto", "on", "off"])
    args = parser.parse_args()

    from academy.grading import autograde, kernel, pipeline, record

    seconds: dict[str, float] = defaultdict(float)
    # The reference run overlaps the first submission in another thread: its kernel and cells
    # are counted in "reference run" only.
    local = threading.local()

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            if getattr(local, "in_reference", False):
                return function(*a, **k)
            local.in_reference = name == "reference run"
            start = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                seconds[name] += time.perf_counter() - start
                local.in_reference = False
        return wrapper

    original_run = kernel.SandboxedKernel.run

    def run_cell(self: Any, source: str, timeout: float) -> Any:
        if source == kernel.BOOTSTRAP:
            name = "kernel start"
        elif IMPORT_LINE.search(source):
            name = "imports"
        else:
            name = "cells"
        return timed(name, original_run)(self, source, timeout)

    kernel.SandboxedKernel.__init__ = timed(  # type: ignore[method-assign]
        "kernel start", kernel.SandboxedKernel.__init__)
    kernel.SandboxedKernel.run = run_cell  # type: ignore[method-assign]
    pipeline.score_exercise = timed("scoring", pipeline.score_exercise)
    autograde.save_result = timed("saving", autograde.save_result)
    autograde.record_in_gradebook = timed("gradebook", record.record_in_gradebook)
    reference = timed("reference run", pipeline.ModuleGrader.load_reference)
    pipeline.ModuleGrader.load_reference = reference  # type: ignore[method-assign]
    grade_student = timed("submission", pipeline.ModuleGrader.grade_student)
    pipeline.ModuleGrader.grade_student = grade_student  # type: ignore[method-assign]

    with tempfile.TemporaryDirectory(prefix="breakdown-") as tmp:
        course = Path(tmp) / "course"
        students = build_class(course, args.size)
        start = time.perf_counter()
        summary = autograde.grade_module(MODULE, course=course, jobs=1, sandbox=args.sandbox)
        total = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(f"not graded: {summary.failed}")

    # Phases inside grade_student; "other" is what is left of it.
    inside = ["kernel start", "imports", "cells", "scoring"]
    per_submission = seconds["submission"]
    seconds["other"] = per_submission - sum(seconds[p] for p in inside)
    rows = [*inside, "other", "saving", "gradebook"]
    graded = per_submission + seconds["saving"] + seconds["gradebook"]
    report = {"submissions": len(students), "sandboxed": summary.sandboxed,
              "batch_seconds": round(total, 2),
              "reference_run_seconds": round(seconds["reference run"], 2),
              "seconds_per_submission": round(graded / len(students), 3),
              "phases": {p: {"seconds": round(seconds[p], 2),
                             "share": round(seconds[p] / graded, 3)} for p in rows}}
    print(f"{len(students)} submissions, {'sandboxed' if summary.sandboxed else 'NO sandbox'}, "
          f"batch {total:.1f} s (reference run {seconds['reference run']:.1f} s)")
    print(f"{'phase':<14} {'seconds':>8} {'share':>7}")
    for p in rows:
        print(f"{p:<14} {seconds[p]:>8.2f} {seconds[p] / graded:>7.1%}")
    print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
