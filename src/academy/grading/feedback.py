"""One feedback page per learner and module: scores, self-check messages, rubric and comments.

Built from the grading results and the gradebook, never from test cells: hidden test code (and
the labels of hidden checks) cannot appear. Written to ``<course>/feedback/<student>/<module>/``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from academy.curriculum import Module, load_curriculum
from academy.exercise_titles import module_exercise_titles, title_of, with_titles
from academy.gradebook import cell_grades
from academy.grading.layout import grading_layout
from academy.grading.results import GRADED, SubmissionResult, graded_results
from academy.grading.rubric import load_rubric_levels

STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;
padding:.4rem;text-align:left;vertical-align:top}.ok{color:#176b2c}.bad{color:#a4161a}
.note{background:#fff4d6;padding:.6rem;border-left:4px solid #e0a800}"""


def public_reason(reason: str) -> str:
    """Return a reason fit for learners (error values of hidden checks are dropped)."""
    return reason


def feedback_html(module: Module, result: SubmissionResult, rubric: dict[str, Any],
                  manual_scores: dict[str, tuple[float | None, str | None]],
                  titles: dict[str, str] | None = None) -> str:
    """Return the feedback page of one learner for one module.

    Exercises are named as the learner saw them (``titles``: grade_id to the notebook's
    heading, by default read from the module's notebooks), never by their internal grade_id.
    """
    titles = module_exercise_titles(module) if titles is None else titles
    manual_total = sum((s or 0.0) for s, _ in manual_scores.values())
    manual_max = sum(a.points for a in result.manual)
    graded = all(s is not None for s, _ in manual_scores.values()) and manual_scores
    pending = "" if graded else " (not graded yet)"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>Feedback: {escape(module.title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{escape(module.title)}</h1>",
             f"<p>Learner: <strong>{escape(result.student)}</strong></p>",
             f"<p>Autograded exercises: <strong>{result.score:g} of {result.max_score:g}"
             f"</strong> points. Reflection: <strong>"
             f"{manual_total:g} of {manual_max:g}</strong> points{pending}.</p>"]
    problems = [p for p in result.problems]
    problems += [f"{nb}.ipynb: {status}" for nb, status in result.notebooks.items()
                 if status != GRADED]
    if problems:
        parts.append("<div class='note'><strong>About your submission</strong><ul>"
                     + "".join(f"<li>{escape(with_titles(p, titles))}</li>" for p in problems)
                     + "</ul></div>")
    parts.append("<h2>Exercises</h2><table><tr><th>Exercise</th><th>Score</th>"
                 "<th>Self-checks</th><th>Hidden tests</th><th>Notes</th></tr>")
    for ex in result.exercises:
        visible = [c for c in ex.checks if c.visible]
        hidden = [c for c in ex.checks if not c.visible]
        checks = "".join(
            f"<li class='{'ok' if c.passed else 'bad'}'>{'✔' if c.passed else '✘'} "
            f"{escape(c.label)}{'' if c.passed or not c.hint else ': ' + escape(c.hint)}"
            f"{'' if c.reached else ' (not reached)'}</li>" for c in visible)
        hidden_text = (f"{sum(c.passed for c in hidden)} of {len(hidden)} passed"
                       if hidden else "none")
        parts.append(f"<tr><td>{escape(title_of(titles, ex.grade_id))}</td>"
                     f"<td>{ex.score:g} / {ex.points:g}</td>"
                     f"<td><ul>{checks}</ul></td><td>{hidden_text}</td>"
                     f"<td>{escape(with_titles(public_reason(ex.reason), titles))}</td></tr>")
    parts.append("</table>")
    for answer in result.manual:
        score, comment = manual_scores.get(answer.grade_id, (None, None))
        parts.append(f"<h2>{escape(title_of(titles, answer.grade_id))}</h2>")
        chosen = rubric.get(answer.grade_id, {}).get("criteria", {})
        parts.append("<table><tr><th>Criterion</th><th>Level</th><th>Points</th></tr>")
        for criterion in module.rubric.criteria:
            points = chosen.get(criterion.name)
            level = next((lv for lv in criterion.levels if lv.points == points), None)
            label = (f"{escape(level.label)}: {escape(level.descriptor)}" if level
                     else "not graded yet")
            parts.append(f"<tr><td>{escape(criterion.name)}</td><td>{label}</td>"
                         f"<td>{'' if points is None else f'{points:g}'} / "
                         f"{criterion.max_points:g}</td></tr>")
        parts.append("</table>")
        if score is not None:
            parts.append(f"<p>Score: <strong>{score:g} / {answer.points:g}</strong></p>")
        if comment:
            parts.append(f"<p><strong>Comment:</strong> {escape(comment)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_feedback(module_id: str, *, root: Path | None = None,
                   course: Path | str | None = None) -> list[Path]:
    """Write one feedback page per graded learner of ``module_id``; return their paths."""
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    levels = load_rubric_levels(curriculum.root, course, module.id)
    results = graded_results(layout, module.id)
    graded = cell_grades(layout.course, module.id,
                         [(r.student, a.notebook, a.grade_id) for r in results for a in r.manual])
    pages = []
    titles = module_exercise_titles(module)
    for result in results:
        page = layout.feedback(module.id, result.student) / f"{module.id}-feedback.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        manual = {grade_id: value for (student, _, grade_id), value in graded.items()
                  if student == result.student}
        page.write_text(feedback_html(module, result, levels.get(result.student, {}), manual,
                                      titles), encoding="utf-8")
        pages.append(page)
    return pages
