"""Autograde every collected submission of a module, safely and in parallel: the batch.

``grade_module`` runs, in order:

1. ``ensure_released``        the gradebook knows the module's notebooks and cells
2. ``build_course_view``      what a learner's kernel may see (no solutions, no hidden tests)
3. ``resolve_policy``         the sandbox: bubblewrap and resource limits
4. ``ModuleGrader``           the reference run (solutions), started in the background, then
                              ``grade_student`` per submission in parallel (see ``pipeline``)
5. ``save_result``            one JSON per submission, written atomically (the commit point)
6. ``record_in_gradebook``    the calling process alone writes scores to nbgrader's gradebook

A re-run skips submissions whose stored result matches their current files, so a batch killed at
any point is completed by running it again.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.curriculum import load_curriculum
from academy.grading.course_view import build_course_view, build_matplotlib_cache
from academy.grading.layout import grading_layout
from academy.grading.pipeline import GradingError, ModuleGrader
from academy.grading.record import ensure_released, record_in_gradebook
from academy.grading.results import SubmissionResult, load_result, save_result
from academy.grading.sandbox import Limits, resolve_policy

__all__ = ["GradeSummary", "GradingError", "grade_module"]


@dataclass
class GradeSummary:
    """What one ``grade_module`` run did."""

    module: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    results: list[SubmissionResult] = field(default_factory=list)
    seconds: float = 0.0
    sandboxed: bool = True



def grade_module(module_id: str, *, root: Path | None = None, course: Path | str | None = None,
                 jobs: int = 0, timeout: float = 60.0, memory_mb: int = 2048,
                 sandbox: str = "auto", students: list[str] | None = None,
                 force: bool = False,
                 progress: Callable[[int], Any] | None = None,
                 on_start: Callable[[int], Any] | None = None) -> GradeSummary:
    """Autograde every collected submission of ``module_id`` into the gradebook.

    ``jobs`` 0 means one per CPU core; ``timeout`` is per cell in seconds; ``sandbox`` is
    auto|on|off. Submissions with a stored result for their current files are skipped unless
    ``force``. ``on_start(total)`` and ``progress(1)`` report progress.
    """
    import os

    from academy.grading.sandbox import CgroupLimits
    from academy.paths import ensure_interpreter_bin_on_path

    started = time.monotonic()
    ensure_interpreter_bin_on_path()
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    ensure_released(curriculum, module, layout)
    CgroupLimits.remove_stale()
    jobs = jobs or os.cpu_count() or 1
    workdir = Path(tempfile.mkdtemp(prefix="academy-grade-"))
    workdir.chmod(0o755)
    try:
        view = build_course_view(curriculum, workdir / "view")
        fonts = build_matplotlib_cache(workdir / "matplotlib")
        policy = resolve_policy(sandbox, Limits(memory_mb=memory_mb,
                                                cpu_seconds=int(timeout * 6 + 120)),
                                readonly=[view], env={"ACADEMY_ROOT": str(view)},
                                matplotlib_cache=fonts)
        grader = ModuleGrader(module, layout, policy, timeout=timeout, view=view,
                              workdir=workdir)
        summary = GradeSummary(module=module.id, sandboxed=policy.bubblewrap)
        reference = ThreadPoolExecutor(max_workers=1)
        # The reference run overlaps the first submissions' execution; scoring waits for it.
        reference_done = reference.submit(grader.load_reference_in_background)
        todo: list[str] = []
        done: list[SubmissionResult] = []
        for student in students or layout.students(module.id):
            stored = None if force else load_result(layout, module.id, student)
            if stored is not None and stored.key == grader.submission_key(student):
                done.append(stored)
                summary.skipped.append(student)
            else:
                todo.append(student)
        record_in_gradebook(layout, done)
        summary.results += done
        if on_start:
            on_start(len(todo))
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures: dict[Future[SubmissionResult], str] = {
                pool.submit(grader.grade_student, s): s for s in todo}
            for future in as_completed(futures):
                if grader.reference_error is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                    reference_done.result()  # raises the reference run's error
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
                    summary.failed.append(f"{futures[future]}: {type(exc).__name__}: {exc}")
                    continue
                save_result(layout, result)
                record_in_gradebook(layout, [result])
                summary.graded.append(result.student)
                summary.results.append(result)
                if progress:
                    progress(1)
        reference_done.result()
        reference.shutdown()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    summary.results.sort(key=lambda r: r.student)
    summary.seconds = time.monotonic() - started
    return summary
