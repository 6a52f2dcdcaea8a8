"""Feedback pages, class reports and messages name exercises as the learner saw them."""

from __future__ import annotations

from academy.curriculum import load_curriculum
from academy.grading.feedback import feedback_html
from academy.grading.report import report_html
from academy.grading.results import CheckOutcome, ExerciseResult, ManualAnswer, SubmissionResult
from academy.grading.titles import module_exercise_titles, notebook_titles, with_titles

from .conftest import MODULE, ROOT

FIRST = "Exercise 1 — The cost of one transfer"


def markdown(text: str) -> dict[str, object]:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def graded(grade_id: str, solution: bool = False) -> dict[str, object]:
    meta = {"grade": not solution, "solution": solution, "grade_id": grade_id, "points": 1}
    return {"cell_type": "code", "metadata": {"nbgrader": meta}, "source": ""}


def test_titles_come_from_the_heading_before_the_answer() -> None:
    notebook = {"cells": [
        markdown("# Module\n\n## Why this matters"),
        markdown("Some text.\n\n## Exercise 1 — *The* cost of one transfer (3 points)\n"),
        graded("q1-answer", solution=True), graded("q1-tests"),
        markdown("## Exercise 2 — Corridors (2 pts)\n\n### Hint\n\nLook at the data."),
        graded("q2-tests"),
        markdown("No heading here."), graded("q3-tests"),
        markdown("## Reflect (8 points)"), graded("reflection", solution=False),
    ]}
    assert notebook_titles(notebook) == {
        "q1-answer": FIRST, "q1-tests": FIRST, "q2-tests": "Exercise 2 — Corridors",
        "q3-tests": "Exercise 3", "reflection": "Reflect"}


def test_every_module_exercise_has_a_learner_title() -> None:
    for module in load_curriculum(ROOT).modules:
        titles = module_exercise_titles(module)
        assert titles, module.id
        assert all(not t.endswith("points)") and t for t in titles.values()), titles


def test_messages_name_the_exercise_not_the_cell_id() -> None:
    titles = module_exercise_titles(load_curriculum(ROOT).module(MODULE))
    text = with_titles("answer cell 'total-cost-answer' was deleted; corridors-tests: timed out",
                       titles)
    assert text == (f"answer cell '{FIRST}' was deleted; "
                    "Exercise 2 — Corridors above the 5% line: timed out")
    assert with_titles("no reflection yet", titles) == "no reflection yet"


def result(student: str, first: float) -> SubmissionResult:
    check = CheckOutcome("USD 5 fee on USD 200", True, first > 0, "A fee of 5 on 200 is 2.5%.")
    return SubmissionResult(
        student, MODULE, "k",
        exercises=[ExerciseResult(MODULE, "total-cost-tests", 3, first, checks=[check]),
                   ExerciseResult(MODULE, "corridors-tests", 3, 3.0)],
        manual=[ManualAnswer(MODULE, "reflection", 8, True, "text")],
        problems=[f"{MODULE}: answer cell 'total-cost-answer' was retyped; restored"])


def test_feedback_page_names_exercises_as_the_learner_saw_them() -> None:
    module = load_curriculum(ROOT).module(MODULE)
    page = feedback_html(module, result("s1", 0.0), {}, {"reflection": (None, None)})
    assert FIRST in page and "Exercise 2 — Corridors above the 5% line" in page
    assert "<h2>Reflect</h2>" in page
    for grade_id in ("total-cost-tests", "corridors-tests", "total-cost-answer", "(reflection)"):
        assert grade_id not in page


def test_class_report_names_exercises_as_the_learner_saw_them() -> None:
    titles = module_exercise_titles(load_curriculum(ROOT).module(MODULE))
    page = report_html("Remittances", [result(f"s{i}", float(i % 3)) for i in range(4)], titles)
    assert f"<td>{FIRST}</td>" in page
    assert f"{FIRST}: A fee of 5 on 200 is 2.5%." in page  # the common failing self-check
    assert "total-cost-tests" not in page and "corridors-tests" not in page
