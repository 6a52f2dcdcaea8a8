"""The pipeline that grades one submission of a module, as a list of steps.

For each of the module's notebooks, ``ModuleGrader.grade_student`` runs:

1. ``find_notebooks``                  the submitted file for each expected notebook (renames too)
2. ``read_and_restore``                ``read_submission`` refuses empty, invalid or non-notebooks;
                                       ``restore_instructor_cells`` keeps the instructor's layout,
                                       cells and metadata and only the learner's answers
3. ``run_notebook``                    test cells rewritten (``rewrite_test_cell``: checks become
                                       observations, expected values stay out), then ``run_cells``
                                       in a sandboxed kernel, cell by cell, with deadlines
4. ``score_notebook``                  ``score_exercise`` compares observations with the reference
                                       run, outside the kernel
5. ``collect_manual_answers``          the answers an instructor grades with the rubric
6. ``write_autograded_notebook``       the graded notebook, for nbgrader's feedback

The reference values come from running the source notebook (solutions) through step 3 once per
module (``load_reference``). The batch (``academy.grading.autograde``) then saves each result and
records it in the gradebook.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from academy.checks import matches
from academy.course_core import IGNORED_FILES
from academy.curriculum import Module
from academy.errors import AcademyError
from academy.grading import results as R
from academy.grading.kernel import DIED, OK, TIMEOUT, CellRun, run_cells
from academy.grading.layout import GradingLayout
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
    ExerciseResult,
    ManualAnswer,
    SubmissionResult,
    write_json_atomic,
)
from academy.grading.sandbox import SandboxPolicy
from academy.grading.scoring import GradedCell, Observations, _keys, _observations, score_exercise
from academy.grading.transform import CheckCellError, parse_checks, rewrite_test_cell

GRADER_VERSION = "1"


class GradingError(AcademyError):
    """Grading cannot start (unknown module, no release, a failing solution); says why."""


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
            + Path(__file__).parents[1].joinpath("checks.py").read_text()
            + Path(__file__).parents[1].joinpath("check_cells.py").read_text())
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
        """Grade one learner's submission; never raises for anything in the submission.

        The steps, per notebook: find it, read and restore it, run it, score it, write it.
        """
        started = time.monotonic()
        result = SubmissionResult(student=student, module=self.module.id,
                                  key=self.submission_key(student))
        folder = self.layout.submission(self.module.id, student)
        found = find_notebooks(folder, list(self.notebooks))
        autograded = self.layout.autograded(self.module.id, student)
        shutil.rmtree(autograded, ignore_errors=True)
        copy_submitted_files(folder, autograded)
        for nb, instructor in self.notebooks.items():
            path, note = found.get(nb, (None, ""))
            if note:
                result.problems.append(note)
            restored = self.read_and_restore(nb, instructor, path, result)
            if restored is None:
                continue
            code, runs = self.run_notebook(nb, restored, student)
            self.score_notebook(nb, code, runs, result)
            self.collect_manual_answers(nb, restored, result)
            write_autograded_notebook(autograded / f"{nb}.ipynb", instructor, restored.cells)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def read_and_restore(self, nb: str, instructor: InstructorNotebook, path: Path | None,
                         result: SubmissionResult) -> RestoredNotebook | None:
        """Read the submitted notebook and restore the instructor's cells into it.

        Returns None, with its exercises scored zero and the reason recorded, when the notebook
        is missing or unreadable.
        """
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
                return restored
            except UnreadableNotebookError as exc:
                result.notebooks[nb] = R.UNREADABLE
                reason = str(exc)
        for test in self._tests_of(nb):
            result.exercises.append(ExerciseResult(
                nb, test.grade_id, test.points, 0.0, R.MISSING
                if result.notebooks[nb] == R.MISSING else R.UNREADABLE, reason))
        result.manual += [ManualAnswer(nb, grade_id(c) or "", _points(c), False)
                          for c in instructor.manual_cells]
        return None

    def run_notebook(self, nb: str, restored: RestoredNotebook,
                     student: str) -> tuple[list[dict[str, Any]], list[CellRun]]:
        """Run the restored notebook's code cells, test cells rewritten, in a sandboxed kernel.

        Returns the code cells (their outputs filled in) and one CellRun per cell.
        """
        code = [c for c in restored.cells if c.get("cell_type") == "code"]
        sources = [self.tests[(nb, grade_id(c) or "")].rewritten if is_test_cell(c)
                   else source_text(c) for c in code]
        job = Path(tempfile.mkdtemp(prefix=f"{student}-", dir=self.workdir))
        self._copy_module_files(job)
        runs = run_cells(sources, policy=self.policy, job_dir=job, timeout=self.timeout,
                         budget=self.timeout * 4 + 60)
        shutil.rmtree(job, ignore_errors=True)
        for cell, run in zip(code, runs, strict=True):
            cell["outputs"] = run.outputs + [
                {"output_type": "display_data", "metadata": {},
                 "data": {"application/json": o, "text/plain": json.dumps(o)[:300]}}
                for o in run.observations]
        return code, runs

    def score_notebook(self, nb: str, code: list[dict[str, Any]], runs: list[CellRun],
                       result: SubmissionResult) -> None:
        """Score each test cell against the reference run; note cells that hung or crashed."""
        for cell, run in zip(code, runs, strict=True):
            if is_test_cell(cell):
                test = self.tests[(nb, grade_id(cell) or "")]
                expected = self.expected_values(nb, test.grade_id)
                result.exercises.append(score_exercise(test, run, expected))
            elif run.status in (TIMEOUT, DIED):
                what = "timed out" if run.status == TIMEOUT else "killed the kernel"
                result.problems.append(f"{nb}: a cell {what} ({run.evalue})")
            if run.output_truncated:
                result.problems.append(f"{nb}: {run.reason}")

    @staticmethod
    def collect_manual_answers(nb: str, restored: RestoredNotebook,
                               result: SubmissionResult) -> None:
        """Record each manually graded answer cell, and whether the learner answered it."""
        for cell in restored.cells:
            if is_manual_cell(cell):
                gid = grade_id(cell) or ""
                result.manual.append(ManualAnswer(nb, gid, _points(cell),
                                                  restored.answered.get(gid, False),
                                                  source_text(cell)))

    def _tests_of(self, nb: str) -> list[GradedCell]:
        return [t for (n, _), t in self.tests.items() if n == nb]

    def _copy_module_files(self, job: Path) -> None:
        import fnmatch

        for path in self.module.folder.rglob("*"):
            rel = path.relative_to(self.module.folder)
            if (path.is_file() and path.suffix != ".ipynb" and not any(
                    fnmatch.fnmatch(part, pattern) for part in rel.parts
                    for pattern in IGNORED_FILES)):
                (job / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, job / rel)


def copy_submitted_files(folder: Path, autograded: Path) -> None:
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


def find_notebooks(folder: Path, names: list[str]) -> dict[str, tuple[Path | None, str]]:
    """Return, per expected notebook, the submitted file (or None) and a note if renamed."""
    present = sorted(p for p in folder.glob("*.ipynb") if p.is_file()) if folder.is_dir() else []
    out: dict[str, tuple[Path | None, str]] = {}
    unclaimed = [p for p in present if p.stem not in names]
    for name in names:
        path = folder / f"{name}.ipynb"
        out[name] = (path, "") if path.is_file() else (None, "")
    missing = [n for n in names if out[n][0] is None]
    if len(missing) == 1 and len(unclaimed) == 1:
        out[missing[0]] = (unclaimed[0], f"{unclaimed[0].name} was graded as "
                                         f"{missing[0]}.ipynb (renamed)")
    return out


def write_autograded_notebook(path: Path, instructor: InstructorNotebook,
                    cells: list[dict[str, Any]]) -> None:
    """Write the graded notebook (instructor's metadata, the run's outputs) atomically."""

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
