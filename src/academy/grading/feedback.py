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
from academy.grading import results as R
from academy.grading.language import (
    FAILED_CHECKS_NOTE,
    SCORES_GRADED,
    SCORES_PENDING,
    STATUS_NOTES,
    GradingText,
    grading_text,
    learner_languages,
    translated_exercise_titles,
)
from academy.grading.layout import grading_layout
from academy.grading.results import GRADED, ExerciseResult, SubmissionResult, graded_results
from academy.grading.rubric import load_rubric_levels
from academy.i18n import SOURCE_LANGUAGE

STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;
padding:.4rem;text-align:left;vertical-align:top}.ok{color:#176b2c}.bad{color:#a4161a}
.note{background:#fff4d6;padding:.6rem;border-left:4px solid #e0a800}"""


def public_reason(reason: str) -> str:
    """Return a reason fit for learners (error values of hidden checks are dropped)."""
    return reason


def _in(text: GradingText, english: str, shown: str) -> str:
    """Return ``shown`` escaped, marked English where it was left untranslated."""
    if text.is_source or text.has(english):
        return escape(shown)
    return f"<span lang='en'>{escape(shown)}</span>"


def exercise_note(ex: ExerciseResult, text: GradingText, titles: dict[str, str]) -> str:
    """Return the note (HTML) on one exercise: the grader's reason in English, a sentence per
    status in another language (with the error's name where there is one)."""
    if not ex.reason:
        return ""
    if text.is_source:
        return escape(with_titles(public_reason(ex.reason), titles))
    if ex.status == R.GRADED:
        return _in(text, FAILED_CHECKS_NOTE, text(FAILED_CHECKS_NOTE))
    note = STATUS_NOTES.get(ex.status)
    if note is None:
        return f"<span lang='en'>{escape(with_titles(ex.reason, titles))}</span>"
    shown = _in(text, note, text(note))
    if ex.status == R.ERROR:
        detail = ex.reason.split(" with ", 1)[-1].split(":", 1)[0]
        shown += f" <code>{escape(detail)}</code>"
    return shown


def feedback_html(module: Module, result: SubmissionResult, rubric: dict[str, Any],
                  manual_scores: dict[str, tuple[float | None, str | None]],
                  titles: dict[str, str] | None = None,
                  text: GradingText | None = None) -> str:
    """Return the feedback page of one learner for one module, in ``text``'s language.

    Exercises are named as the learner saw them (``titles``: grade_id to the notebook's
    heading, by default read from the module's notebooks), never by their internal grade_id.
    """
    text = text or GradingText()
    titles = module_exercise_titles(module) if titles is None else titles
    t = text
    manual_total = sum((s or 0.0) for s, _ in manual_scores.values())
    manual_max = sum(a.points for a in result.manual)
    graded = all(s is not None for s, _ in manual_scores.values()) and manual_scores
    scores = SCORES_GRADED if graded else SCORES_PENDING
    title = t(module.title)
    summary = t(scores, score=f"{result.score:g}", total=f"{result.max_score:g}",
                manual=f"{manual_total:g}", manual_total=f"{manual_max:g}")
    parts = [f"<!doctype html><html lang='{text.language}'><head><meta charset='utf-8'>"
             f"<title>{escape(t('Feedback: {module}', module=title))}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>{_in(t, module.title, title)}</h1>",
             f"<p>{escape(t('Learner: {student}', student='@@'))}</p>".replace(
                 "@@", f"<strong>{escape(result.student)}</strong>"),
             f"<p>{escape(summary)}</p>"]
    problems = [*result.problems, *(f"{nb}.ipynb: {status}"
                                    for nb, status in result.notebooks.items()
                                    if status != GRADED)]
    if problems:
        items = []
        for problem in problems:
            shown = t.problem(problem)
            mark = " lang='en'" if shown == problem and not t.is_source else ""
            items.append(f"<li{mark}>{escape(with_titles(shown, titles))}</li>")
        parts.append(f"<div class='note'><strong>{escape(t('About your submission'))}</strong>"
                     "<ul>" + "".join(items) + "</ul></div>")
    head = "".join(f"<th>{escape(t(h))}</th>" for h in
                   ("Exercise", "Score", "Self-checks", "Hidden tests", "Notes"))
    parts.append(f"<h2>{escape(t('Exercises'))}</h2><table><tr>{head}</tr>")
    for ex in result.exercises:
        visible = [c for c in ex.checks if c.visible]
        hidden = [c for c in ex.checks if not c.visible]
        checks = "".join(
            f"<li class='{'ok' if c.passed else 'bad'}'>{'✔' if c.passed else '✘'} "
            f"{_in(t, c.label, t(c.label))}"
            f"{'' if c.passed or not c.hint else ': ' + _in(t, c.hint, t(c.hint))}"
            f"{'' if c.reached else ' (' + escape(t('not reached')) + ')'}</li>"
            for c in visible)
        hidden_text = (t("{passed} of {total} passed", passed=sum(c.passed for c in hidden),
                         total=len(hidden)) if hidden else t("none"))
        parts.append(f"<tr><td>{escape(title_of(titles, ex.grade_id))}</td>"
                     f"<td>{ex.score:g} / {ex.points:g}</td>"
                     f"<td><ul>{checks}</ul></td><td>{escape(hidden_text)}</td>"
                     f"<td>{exercise_note(ex, text, titles)}</td></tr>")
    parts.append("</table>")
    for answer in result.manual:
        score, comment = manual_scores.get(answer.grade_id, (None, None))
        parts.append(f"<h2>{escape(title_of(titles, answer.grade_id))}</h2>")
        chosen = rubric.get(answer.grade_id, {}).get("criteria", {})
        head = "".join(f"<th>{escape(t(h))}</th>" for h in ("Criterion", "Level", "Points"))
        parts.append(f"<table><tr>{head}</tr>")
        for criterion in module.rubric.criteria:
            points = chosen.get(criterion.name)
            level = next((lv for lv in criterion.levels if lv.points == points), None)
            label = (f"{_in(t, level.label, t(level.label))}: "
                     f"{_in(t, level.descriptor, t(level.descriptor))}" if level
                     else escape(t("not graded yet")))
            parts.append(f"<tr><td>{_in(t, criterion.name, t(criterion.name))}</td>"
                         f"<td>{label}</td>"
                         f"<td>{'' if points is None else f'{points:g}'} / "
                         f"{criterion.max_points:g}</td></tr>")
        parts.append("</table>")
        if score is not None:
            parts.append("<p>" + escape(t("Score: {score} / {points}", score="@@",
                                          points=f"{answer.points:g}")).replace(
                "@@", f"<strong>{score:g}") + "</strong></p>")
        if comment:
            parts.append(f"<p><strong>{escape(t('Comment:'))}</strong> {escape(comment)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_feedback(module_id: str, *, root: Path | None = None,
                   course: Path | str | None = None, roster: Path | None = None,
                   language: str = SOURCE_LANGUAGE) -> list[Path]:
    """Write one feedback page per graded learner of ``module_id``, each in the learner's
    language (the roster's ``language`` column, else the language of the release they
    submitted, else ``language``); return their paths."""
    from academy.grading.collect import read_roster

    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    levels = load_rubric_levels(curriculum.root, course, module.id)
    results = graded_results(layout, module.id)
    languages = learner_languages(
        [r.student for r in results], roster=read_roster(roster), default=language,
        submitted={r.student: layout.submission(module.id, r.student) for r in results})
    graded = cell_grades(layout.course, module.id,
                         [(r.student, a.notebook, a.grade_id) for r in results for a in r.manual])
    texts: dict[str, tuple[GradingText, dict[str, str]]] = {}
    for lang in sorted(set(languages.values())):
        text = grading_text(curriculum.root, lang, module)
        texts[lang] = (text, translated_exercise_titles(module, text))
    pages = []
    for result in results:
        page = layout.feedback(module.id, result.student) / f"{module.id}-feedback.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        manual = {grade_id: value for (student, _, grade_id), value in graded.items()
                  if student == result.student}
        text, titles = texts[languages[result.student]]
        page.write_text(feedback_html(module, result, levels.get(result.student, {}), manual,
                                      titles, text), encoding="utf-8")
        pages.append(page)
    return pages
