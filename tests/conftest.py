"""Shared fixtures: the repository, its curriculum, a released course and nbgrader round trips."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from academy.curriculum import Curriculum, Module, load_curriculum

REPO = Path(__file__).resolve().parents[1]
UPSTREAM_EXCERPTS = REPO / "tests" / "fixtures" / "upstream"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load_curriculum(REPO)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Excerpts of the publishers' files (tests/fixtures/upstream/README.md cites them)."""
    return UPSTREAM_EXCERPTS


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Path:
    """A scratch copy of the curriculum, modules and datasets that a test may break."""
    for name in ("curriculum", "modules", "datasets", "book", "facilitation"):
        shutil.copytree(REPO / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    return tmp_path


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@dataclass
class RoundTrip:
    """Autograded scores per student and test cell for one module."""

    module: Module
    scores: dict[str, dict[str, tuple[float, float]]]  # student -> grade_id -> (score, max)

    def autograded_total(self, student: str) -> float:
        return sum(score for grade_id, (score, _) in self.scores[student].items()
                   if grade_id != self.module.rubric.grade_id)


def wrong_answers(module: Module) -> list[dict[str, str]]:
    path = module.folder / "wrong_answers.yml"
    entries: list[dict[str, str]] = yaml.safe_load(path.read_text())
    return entries


def one_wrong_answer_per_exercise(module: Module) -> list[dict[str, str]]:
    """The first wrong answer listed for each exercise in wrong_answers.yml.

    Real nbgrader grades these in the round trips, all in one submission (each exercise is scored
    by its own test cell); every wrong answer on its own is scored the way plain nbgrader scores
    it by the exercise audit (tests/test_audit.py), whose scores are checked against real
    grading in tests/grading/test_audit_agrees_with_grade.py.
    """
    first: dict[str, dict[str, str]] = {}
    for wrong in wrong_answers(module):
        first.setdefault(wrong["tests"], wrong)
    return list(first.values())


def with_answers_replaced(source: Path, answers: dict[str, str]) -> Any:
    """The notebook at ``source`` with the code of ``answers`` (by grade_id) in those cells."""
    notebook = nbformat.read(source, as_version=4)
    found = set()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
            found.add(grade_id)
    assert found == set(answers), f"{source}: no cell with grade_id {set(answers) - found}"
    return notebook


def run_round_trip(module: Module, course: Path, root: Path = REPO) -> RoundTrip:
    """Release ``module`` of the repository at ``root``; submit the reference, the blank release
    and one submission ("wrong") answering every exercise with its first wrong answer; autograde
    with nbgrader. (For a ``root`` other than REPO, set $ACADEMY_ROOT to it so that nbgrader's
    kernels load that curriculum.)"""
    from academy.course_core import course_layout, nbgrader_api
    from academy.gradebook import notebook_scores, register_students
    from academy.release import release_module

    release_module(module.id, root=root, course=course)
    layout = course_layout(root, course)
    notebook = module.notebooks[0]
    source = module.notebook_path(notebook)
    students: dict[str, Any] = {
        "reference": nbformat.read(source, as_version=4),
        "blank": nbformat.read(layout.release / module.id / f"{notebook}.ipynb", as_version=4),
    }
    students["wrong"] = with_answers_replaced(source, {
        wrong["answer"]: wrong["code"] for wrong in one_wrong_answer_per_exercise(module)})
    api = nbgrader_api(layout)
    register_students(layout, students)
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    for student, nb in students.items():
        folder = layout.submitted / student / module.id
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{notebook}.ipynb")
        result = api.autograde(module.id, student, force=True, create=False)
        assert result["success"], f"autograde of {student} failed: {result.get('error')}"
    for student in students:
        scores[student] = notebook_scores(layout, module.id, notebook, student)
    return RoundTrip(module=module, scores=scores)


@pytest.fixture(scope="session")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("course")


@pytest.fixture(scope="session")
def released(curriculum: Curriculum, course_dir: Path) -> Path:
    """The student versions of every module, released into a scratch course folder."""
    from academy.course_core import course_layout
    from academy.release import release_all

    release_all(root=REPO, course=course_dir)
    return course_layout(REPO, course_dir).release


@pytest.fixture(scope="session")
def learner_book(released: Path, course_dir: Path) -> Path:
    """The learner edition of the book, built from the scratch release; its HTML folder."""
    from academy.book import build_book

    index = build_book(root=REPO, course=course_dir, edition="learner")
    return index.parent


@pytest.fixture(scope="session")
def instructor_book(released: Path, course_dir: Path) -> Path:
    """The instructor edition, built from the scratch release; its HTML folder."""
    from academy.book import build_book

    return build_book(root=REPO, course=course_dir, edition="instructor").parent


@pytest.fixture(scope="session")
def translated_books(released: Path, course_dir: Path, learner_book: Path) -> dict[str, Any]:
    """Every translation released and built into the scratch course, and the assembled site
    (English at its root, each translation in its folder): {"site": folder, "seconds": build
    time per language}. Its tests share the xdist group "released-course", so it is built once."""
    from academy.book import assemble_site, build_book
    from academy.i18n import LANGUAGES
    from academy.release import release_all

    seconds = {}
    for language in LANGUAGES:
        release_all(root=REPO, course=course_dir, language=language)
        started = time.monotonic()
        build_book(root=REPO, course=course_dir, language=language)
        seconds[language] = time.monotonic() - started
    site = assemble_site(root=REPO, languages=list(LANGUAGES)).parent
    return {"site": site, "seconds": seconds}
