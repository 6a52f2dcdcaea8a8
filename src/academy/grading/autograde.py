"""Autograde every collected submission of a module, safely and in parallel.

The pipeline for one submission, step by step (each step does one thing):

1. ``read_submission``            read the file; empty, invalid or non-notebooks are refused
2. ``restore_instructor_cells``   instructor's layout, cells and metadata; learner's answers only
3. ``rewrite_test_cell``          checks become observations; expected values stay out
4. ``run_cells``                  execute in a sandboxed kernel, cell by cell, with deadlines
5. ``score_exercise``             compare observations with the reference run, outside the kernel
6. ``save_result``                one JSON per submission, written atomically (the commit point)
7. ``record_in_gradebook``        the parent process alone writes scores to nbgrader's gradebook

The reference values come from running the source notebook (solutions) through steps 3-4 once per
module. A re-run skips submissions whose stored result matches their current files, so a batch
killed at any point is completed by running it again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from academy.checks import CheckResult, matches, score_from_results
from academy.course_core import IGNORED_FILES
from academy.curriculum import Curriculum, Module, load_curriculum
from academy.gradebook import AutogradedSubmission, record_autograded, released_notebooks
from academy.grading import results as R
from academy.grading.kernel import DIED, ERROR, NOT_RUN, OK, TIMEOUT, CellRun, run_cells
from academy.grading.layout import GradingLayout, grading_layout
from academy.grading.restore import (
    InstructorNotebook,
    RestoredNotebook,
    UnreadableNotebookError,
    grade_id,
    is_manual_cell,
    is_test_cell,
    load_instructor_notebook,
    read_submission,
    restore_instructor_cells,
    source_text,
)
from academy.grading.results import (
    CheckOutcome,
    ExerciseResult,
    ManualAnswer,
    SubmissionResult,
    load_result,
    save_result,
    write_json_atomic,
)
from academy.grading.sandbox import Limits, SandboxPolicy, resolve_policy
from academy.grading.transform import CheckCellError, CheckSpec, parse_checks, rewrite_test_cell

GRADER_VERSION = "1"
Observations = dict[tuple[str, int], Any]


class GradingError(RuntimeError):
    """Grading cannot start (unknown module, no release, a failing solution); says why."""


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


@dataclass(frozen=True)
class GradedCell:
    """One autograded test cell: its checks as written and its rewritten source."""

    notebook: str
    grade_id: str
    points: float
    specs: tuple[CheckSpec, ...]
    rewritten: str


def _file_digest(paths: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


class ModuleGrader:
    """Grades learners' submissions of one module (see the module docstring)."""

    def __init__(self, module: Module, layout: GradingLayout, policy: SandboxPolicy, *,
                 timeout: float, view: Path, workdir: Path) -> None:
        self.module = module
        self.layout = layout
        self.policy = policy
        self.timeout = timeout
        self.view = view
        self.workdir = workdir
        self.notebooks = {nb: load_instructor_notebook(module.notebook_path(nb))
                          for nb in module.notebooks}
        self.tests: dict[tuple[str, str], GradedCell] = {}
        for nb, instructor in self.notebooks.items():
            for cell in instructor.test_cells:
                gid = grade_id(cell) or ""
                try:
                    specs, rewritten = (tuple(parse_checks(source_text(cell))),
                                        rewrite_test_cell(source_text(cell)))
                except CheckCellError as exc:
                    raise GradingError(f"{module.notebook_path(nb)}: test cell '{gid}': "
                                       f"{exc}") from None
                self.tests[(nb, gid)] = GradedCell(
                    notebook=nb, grade_id=gid,
                    points=float(cell["metadata"]["nbgrader"].get("points", 0)),
                    specs=specs, rewritten=rewritten)
        self.reference_key = _file_digest(
            [module.notebook_path(nb) for nb in module.notebooks],
            GRADER_VERSION + Path(__file__).with_name("transform.py").read_text()
            + Path(__file__).parents[1].joinpath("checks.py").read_text())
        self.expected: dict[tuple[str, str], Observations] = {}
        self.reference_loaded = threading.Event()
        self.reference_error: BaseException | None = None

    # -- reference run --------------------------------------------------------------------
    def load_reference(self) -> None:
        """Run the source notebooks (solutions) once, or reuse the stored run; check that the
        solutions pass every check. Raises GradingError if one does not."""
        path = self.layout.reference_path(self.module.id)
        stored: dict[str, Any] = {}
        if path.is_file():
            try:
                stored = json.loads(path.read_text())
            except ValueError:
                stored = {}
        if stored.get("key") != self.reference_key:
            stored = {"key": self.reference_key, "expected": self._run_reference()}
            write_json_atomic(path, stored)
        for test in self.tests.values():
            values = stored["expected"].get(test.notebook, {}).get(test.grade_id, [])
            self.expected[(test.notebook, test.grade_id)] = {
                (label, int(n)): value for label, n, value in values}
        self.reference_loaded.set()

    def load_reference_in_background(self) -> None:
        """``load_reference``, recording its error; graders of submissions wait for it."""
        try:
            self.load_reference()
        except BaseException as exc:
            self.reference_error = exc
            raise
        finally:
            self.reference_loaded.set()

    def expected_values(self, notebook: str, grade_id: str) -> Observations:
        """Return the reference values of a test cell (waiting for the reference run)."""
        self.reference_loaded.wait()
        if self.reference_error is not None:
            raise GradingError(f"the reference run failed: {self.reference_error}")
        return self.expected[(notebook, grade_id)]

    def _run_reference(self) -> dict[str, dict[str, list[Any]]]:
        out: dict[str, dict[str, list[Any]]] = {}
        for nb, instructor in self.notebooks.items():
            cells = [c for c in instructor.cells if c.get("cell_type") == "code"]
            sources = [rewrite_test_cell(source_text(c), reference=True) if is_test_cell(c)
                       else source_text(c) for c in cells]
            job = Path(tempfile.mkdtemp(prefix="reference-", dir=self.workdir))
            self._copy_module_files(job)
            runs = run_cells(sources, policy=self.policy, job_dir=job,
                             timeout=max(self.timeout, 120), budget=max(self.timeout, 120) * 4)
            failures: list[str] = []
            for cell, run in zip(cells, runs, strict=True):
                if not is_test_cell(cell):
                    if run.status != OK:
                        failures.append(f"cell {grade_id(cell)}: {run.status} {run.ename}: "
                                        f"{run.evalue}")
                    continue
                test = self.tests[(nb, grade_id(cell) or "")]
                observed = _observations(run, "observed")
                expected = _observations(run, "expected")
                values = []
                for key, spec in _keys(test.specs):
                    if key not in expected:
                        failures.append(f"{test.grade_id}: check '{spec.label}' not reached "
                                        f"({run.ename}: {run.evalue})")
                        continue
                    if not matches(observed.get(key), expected[key], spec.tol):
                        failures.append(f"{test.grade_id}: the solution fails '{spec.label}'")
                    values.append([key[0], key[1], expected[key]])
                out.setdefault(nb, {})[test.grade_id] = values
            if failures:
                raise GradingError(f"the source notebook {nb}.ipynb of '{self.module.id}' does "
                                   "not pass its own tests:\n  " + "\n  ".join(failures))
        return out

    # -- one submission -------------------------------------------------------------------
    def submission_key(self, student: str) -> str:
        folder = self.layout.submission(self.module.id, student)
        files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
        return _file_digest(files, self.reference_key + student)

    def grade_student(self, student: str) -> SubmissionResult:
        """Grade one learner's submission; never raises for anything in the submission."""
        started = time.monotonic()
        result = SubmissionResult(student=student, module=self.module.id,
                                  key=self.submission_key(student))
        folder = self.layout.submission(self.module.id, student)
        found = _match_notebooks(folder, list(self.notebooks))
        autograded = self.layout.autograded(self.module.id, student)
        shutil.rmtree(autograded, ignore_errors=True)
        _copy_submitted_files(folder, autograded)
        for nb, instructor in self.notebooks.items():
            path, note = found.get(nb, (None, ""))
            if note:
                result.problems.append(note)
            restored: RestoredNotebook | None = None
            if path is None:
                result.notebooks[nb] = R.MISSING
                reason = f"no notebook {nb}.ipynb was submitted"
            else:
                try:
                    cells, notes = read_submission(path)
                    result.problems += notes
                    restored = restore_instructor_cells(instructor, cells)
                    result.problems += [f"{nb}: {p}" for p in restored.problems]
                    result.notebooks[nb] = R.GRADED
                    reason = ""
                except UnreadableNotebookError as exc:
                    result.notebooks[nb] = R.UNREADABLE
                    reason = str(exc)
            if restored is None:
                for test in self._tests_of(nb):
                    result.exercises.append(ExerciseResult(
                        nb, test.grade_id, test.points, 0.0, R.MISSING
                        if result.notebooks[nb] == R.MISSING else R.UNREADABLE, reason))
                result.manual += [ManualAnswer(nb, grade_id(c) or "", _points(c), False)
                                  for c in instructor.manual_cells]
                continue
            self._grade_notebook(nb, instructor, restored, result, autograded)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def _tests_of(self, nb: str) -> list[GradedCell]:
        return [t for (n, _), t in self.tests.items() if n == nb]

    def _grade_notebook(self, nb: str, instructor: InstructorNotebook,
                        restored: RestoredNotebook, result: SubmissionResult,
                        autograded: Path) -> None:
        code = [c for c in restored.cells if c.get("cell_type") == "code"]
        sources = [self.tests[(nb, grade_id(c) or "")].rewritten if is_test_cell(c)
                   else source_text(c) for c in code]
        job = Path(tempfile.mkdtemp(prefix=f"{result.student}-", dir=self.workdir))
        self._copy_module_files(job)
        runs = run_cells(sources, policy=self.policy, job_dir=job, timeout=self.timeout,
                         budget=self.timeout * 4 + 60)
        shutil.rmtree(job, ignore_errors=True)
        for cell, run in zip(code, runs, strict=True):
            cell["outputs"] = run.outputs + [
                {"output_type": "display_data", "metadata": {},
                 "data": {"application/json": o, "text/plain": json.dumps(o)[:300]}}
                for o in run.observations]
            if is_test_cell(cell):
                test = self.tests[(nb, grade_id(cell) or "")]
                expected = self.expected_values(nb, test.grade_id)
                result.exercises.append(score_exercise(test, run, expected))
            elif run.status in (TIMEOUT, DIED):
                what = "timed out" if run.status == TIMEOUT else "killed the kernel"
                result.problems.append(f"{nb}: a cell {what} ({run.evalue})")
            if run.output_truncated:
                result.problems.append(f"{nb}: {run.reason}")
        for cell in restored.cells:
            if is_manual_cell(cell):
                gid = grade_id(cell) or ""
                result.manual.append(ManualAnswer(nb, gid, _points(cell),
                                                  restored.answered.get(gid, False),
                                                  source_text(cell)))
        _write_notebook(autograded / f"{nb}.ipynb", instructor, restored.cells)

    def _copy_module_files(self, job: Path) -> None:
        import fnmatch

        for path in self.module.folder.rglob("*"):
            rel = path.relative_to(self.module.folder)
            if (path.is_file() and path.suffix != ".ipynb" and not any(
                    fnmatch.fnmatch(part, pattern) for part in rel.parts
                    for pattern in IGNORED_FILES)):
                (job / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, job / rel)


def _copy_submitted_files(folder: Path, autograded: Path) -> None:
    """Copy the submission's other files (timestamp.txt, submission_secret.txt, data) into
    its autograded folder, as nbgrader's autograde does: nbgrader's generate_feedback and the
    exchange's release_feedback read them there. Links are not followed."""
    autograded.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb":
            continue
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        (autograded / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, autograded / rel)


def _points(cell: dict[str, Any]) -> float:
    return float(cell["metadata"]["nbgrader"].get("points", 0))


def _keys(specs: tuple[CheckSpec, ...]) -> list[tuple[tuple[str, int], CheckSpec]]:
    seen: dict[str, int] = {}
    out = []
    for spec in specs:
        n = seen.get(spec.label, 0)
        seen[spec.label] = n + 1
        out.append(((spec.label, n), spec))
    return out


def _observations(run: CellRun, role: str) -> Observations:
    """Return a cell's observations of ``role`` by (label, occurrence); first one wins."""
    seen: dict[str, int] = {}
    out: Observations = {}
    for payload in run.observations:
        if not isinstance(payload, dict) or payload.get("role", "observed") != role:
            continue
        label = payload.get("label")
        if not isinstance(label, str):
            continue
        n = seen.get(label, 0)
        seen[label] = n + 1
        out[(label, n)] = payload.get("value")
    return out


def score_exercise(test: GradedCell, run: CellRun, expected: Observations) -> ExerciseResult:
    """Return the score of one test cell from its run, compared with the reference values.

    Same formula as ``Exercise.score()`` in the kernel: a failed visible check or an error in
    the cell gives zero, else the points are shared by weight among passed checks.
    """
    observed = _observations(run, "observed")
    checks: list[CheckOutcome] = []
    results: list[CheckResult] = []
    for key, spec in _keys(test.specs):
        reached = key in observed
        passed = reached and key in expected and matches(observed[key], expected[key], spec.tol)
        checks.append(CheckOutcome(spec.label, spec.visible, passed,
                                   spec.hint if spec.visible else "", reached))
        results.append(CheckResult(spec.label, passed, spec.visible, spec.weight, spec.hint))
    base = ExerciseResult(test.notebook, test.grade_id, test.points, 0.0, checks=checks)
    if run.status == NOT_RUN:
        base.status, base.reason = R.NOT_RUN, run.reason or "not run"
        return base
    if run.status == TIMEOUT:
        base.status, base.reason = R.TIMEOUT, f"the test cell timed out: {run.evalue}"
        return base
    if run.status == DIED:
        base.status, base.reason = R.DIED, f"the kernel died while testing ({run.evalue})"
        return base
    if run.status == ERROR:
        base.status = R.ERROR
        if all(c.reached for c in checks if c.visible):
            # the error came from a hidden test: its message could quote hidden test code
            base.reason = f"a hidden test stopped with {run.ename}"
        else:
            base.reason = f"checking stopped with {run.ename}: {run.evalue}"[:500]
        return base
    if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in run.outputs):
        base.status = R.ERROR
        base.reason = "the test cell wrote to stderr (e.g. a warning); nbgrader scores that zero"
        return base
    score, failed = score_from_results(results, test.points)
    base.score = score
    if failed:
        base.reason = "self-checks failed: " + "; ".join(failed)
    return base


def _match_notebooks(folder: Path, names: list[str]) -> dict[str, tuple[Path | None, str]]:
    """Return, per expected notebook, the submitted file (or None) and a note if renamed."""
    present = sorted(p for p in folder.glob("*.ipynb") if p.is_file()) if folder.is_dir() else []
    out: dict[str, tuple[Path | None, str]] = {}
    unclaimed = [p for p in present if p.stem not in names]
    for name in names:
        path = folder / f"{name}.ipynb"
        out[name] = (path, "") if path.is_file() else (None, "")
    missing = [n for n in names if out[n][0] is None]
    if len(missing) == 1 and len(unclaimed) == 1:
        out[missing[0]] = (unclaimed[0], f"{name_of(unclaimed[0])} was graded as "
                                         f"{missing[0]}.ipynb (renamed)")
    return out


def name_of(path: Path) -> str:
    return path.name


def _write_notebook(path: Path, instructor: InstructorNotebook,
                    cells: list[dict[str, Any]]) -> None:
    import os
    import uuid

    out_cells: list[dict[str, Any]] = []
    notebook = {"cells": out_cells, "metadata": instructor.metadata, "nbformat": 4,
                "nbformat_minor": 5}
    for cell in cells:
        out = {"cell_type": cell.get("cell_type", "code"), "id": uuid.uuid4().hex[:8],
               "metadata": cell.get("metadata", {}), "source": source_text(cell)}
        if out["cell_type"] == "code":
            out["outputs"] = cell.get("outputs", [])
            out["execution_count"] = None
        out_cells.append(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


# -- gradebook --------------------------------------------------------------------------------
def ensure_released(curriculum: Curriculum, module: Module, layout: GradingLayout) -> None:
    """Make sure the gradebook knows the module's notebooks and cells (release it if not)."""
    from academy.release import release_module

    if not set(module.notebooks) <= released_notebooks(layout.course, module.id):
        release_module(module.id, course=layout.course.course, curriculum=curriculum)


def record_in_gradebook(layout: GradingLayout, results: list[SubmissionResult]) -> None:
    """Write autograded scores into nbgrader's gradebook (one writer: the calling process)."""
    record_autograded(layout.course, [
        AutogradedSubmission(
            module=r.module, student=r.student,
            timestamp=_timestamp(layout, r.module, r.student),
            scores=[(ex.notebook, ex.grade_id, ex.score) for ex in r.exercises],
            answers=[(a.notebook, a.grade_id, a.answered) for a in r.manual])
        for r in results])


def _timestamp(layout: GradingLayout, module: str, student: str) -> Any:
    from nbgrader.utils import parse_utc

    path = layout.submission(module, student) / "timestamp.txt"
    try:
        text = path.read_text().strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None


# -- the batch --------------------------------------------------------------------------------
def build_course_view(curriculum: Curriculum, target: Path) -> Path:
    """Write the read-only view of the repository a learner's kernel may see; return it.

    It holds the curriculum, module metadata and datasets, with empty notebooks in place of the
    source notebooks (solutions and hidden tests never enter the sandbox).
    """
    root = curriculum.root
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "curriculum", target / "curriculum")
    shutil.copytree(root / "datasets", target / "datasets")
    empty = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    for module in curriculum.modules:
        folder = target / "modules" / module.id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module.folder / "module.yml", folder / "module.yml")
        for nb in module.notebooks:
            (folder / f"{nb}.ipynb").write_text(empty)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def build_matplotlib_cache(target: Path) -> Path:
    """Build matplotlib's font cache once in ``target``; return it. Each kernel gets a copy in
    its job folder instead of rebuilding the cache."""
    import subprocess
    import sys

    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                   env={"MPLCONFIGDIR": str(target), "PATH": "/usr/bin:/bin"},
                   capture_output=True, timeout=300, check=False)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


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
