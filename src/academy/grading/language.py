"""The learner's language for feedback pages and class reports.

A learner's language is, in order: the ``language`` column of the roster, the language of the
release they submitted (the ``.academy-language`` file a translated release puts beside its
notebooks, submitted with them), else the default (``--language``, English if not given).

Texts come from the catalogues in ``locales/``: the module's own catalogue (its title, exercise
headings, self-check labels and hints, rubric) and ``ui/grading.po`` (the fixed sentences of the
pages, below). A text with no finished translation stays English and is marked ``lang="en"`` by
the pages, so a screen reader reads it right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from academy.curriculum import Module
from academy.errors import AcademyError
from academy.grading import results as R
from academy.i18n import (
    LANGUAGES,
    MODULES_DOMAIN,
    SOURCE_LANGUAGE,
    UI_DOMAIN,
    catalogue_path,
    check_language,
    fold,
    translate_notebook,
    translations,
)
from academy.notebook_language import LANGUAGE_FILE

GRADING_CATALOGUE = "grading"  # locales/<lang>/LC_MESSAGES/ui/grading.po


class LearnerLanguageError(AcademyError, ValueError):
    """A roster names a language the course is not translated into."""


# What a learner reads when an exercise did not score: one sentence per grading status. The
# English page keeps the grader's own, more technical reason.
STATUS_NOTES = {
    R.TIMEOUT: "The test of this exercise ran out of time (an endless loop, or a very slow "
               "answer).",
    R.DIED: "Python stopped while this exercise was tested (for example, it ran out of memory).",
    R.NOT_RUN: "Not tested: an earlier cell used up the notebook's time, or Python stopped too "
               "often.",
    R.ERROR: "Checking this exercise stopped with an error:",
    R.MISSING: "The notebook of this exercise was not submitted.",
    R.UNREADABLE: "The notebook of this exercise could not be read.",
}
FAILED_CHECKS_NOTE = "Some self-checks failed: see the list beside this note."
NOTEBOOK_STATUS = {R.MISSING: "missing", R.UNREADABLE: "unreadable", R.ERROR: "error"}

# The problems grading reports about a submission (academy.grading.restore and pipeline), as
# templates: a problem that matches one is shown translated, with its values kept.
PROBLEM_TEMPLATES = (
    "{notebook}: cell '{cell}' was duplicated; the first copy was graded",
    "{notebook}: cell '{cell}' is not in the assignment; graded as a plain cell",
    "{notebook}: cells were reordered; the instructor's order was restored",
    "{notebook}: answer cell '{cell}' was deleted; graded as unanswered",
    "{notebook}: a cell timed out ({detail})",
    "{notebook}: a cell killed the kernel ({detail})",
    "{notebook}.ipynb: {status}",
)

SCORES_GRADED = ("Autograded exercises: {score} of {total} points. Reflection: {manual} of "
                 "{manual_total} points.")
SCORES_PENDING = ("Autograded exercises: {score} of {total} points. Reflection: {manual} of "
                  "{manual_total} points (not graded yet).")
# The fixed sentences of the feedback page and the class report (ui/grading.pot).
PAGE_MESSAGES = (
    "Feedback: {module}", "Learner: {student}", SCORES_GRADED, SCORES_PENDING,
    "About your submission", "Exercises", "Exercise", "Score", "Self-checks", "Hidden tests",
    "Notes", "{passed} of {total} passed", "none", "not reached", "Criterion", "Level", "Points",
    "not graded yet", "Score: {score} / {points}", "Comment:",
    "Class report: {module}", "No graded submissions yet: run academy grade.",
    "{count} submissions; mean {mean}, median {median} of {total} autograded points.",
    "Score distribution", "autograded score (points)", "students",
    "Score distribution: a histogram of the autograded scores of {count} submissions",
    "mean share of points (difficulty: lower is harder)",
    "discrimination (correlation with the rest of the score)",
    "Per exercise: mean share of points and discrimination", "Points", "Mean share",
    "Discrimination", "Most common failing self-checks", "Message", "Students",
    "Submissions that need attention", "Student", "Reasons", "n/a",
)
GRADING_MESSAGES = tuple(dict.fromkeys([
    *PAGE_MESSAGES, *STATUS_NOTES.values(), FAILED_CHECKS_NOTE, *NOTEBOOK_STATUS.values(),
    *PROBLEM_TEMPLATES]))


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                      for i, p in enumerate(parts))
    return re.compile(f"^{pattern}$", re.DOTALL)


_PROBLEM_PATTERNS = [(t, _template_pattern(t)) for t in PROBLEM_TEMPLATES]


@dataclass
class GradingText:
    """The texts of one module's pages in one language; English when ``language`` is 'en'."""

    language: str = SOURCE_LANGUAGE
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def is_source(self) -> bool:
        return self.language == SOURCE_LANGUAGE

    def has(self, text: str) -> bool:
        """Whether ``text`` has a translation (English always has)."""
        return self.is_source or fold(text) in self.messages

    def __call__(self, text: str, **values: object) -> str:
        """Return ``text`` translated (English if it has no translation), formatted."""
        found = text if self.is_source else self.messages.get(fold(text), text)
        return found.format(**values) if values else found

    def problem(self, text: str) -> str:
        """Return a grading problem translated when it matches a known template."""
        if self.is_source:
            return text
        for template, pattern in _PROBLEM_PATTERNS:
            match = pattern.match(text)
            if match and self.has(template):
                values = dict(match.groupdict())
                if "status" in values:
                    values["status"] = self(values["status"])
                return self(template, **values)
        return text


def grading_text(root: Path, language: str, module: Module | None = None) -> GradingText:
    """Return the texts of ``language``: ui/grading.po, and the module's catalogue if given."""
    check_language(language)
    if language == SOURCE_LANGUAGE:
        return GradingText()
    found = translations(catalogue_path(root, language, UI_DOMAIN, GRADING_CATALOGUE))
    if module is not None:
        found = {**translations(catalogue_path(root, language, MODULES_DOMAIN, module.id)),
                 **found}
    return GradingText(language, found)


def translated_exercise_titles(module: Module, text: GradingText) -> dict[str, str]:
    """Return {grade_id: title} as the learner saw them in ``text``'s language (the module's
    notebooks translated with its catalogue, then read as in English)."""
    import nbformat

    from academy.exercise_titles import module_exercise_titles, notebook_titles

    if text.is_source:
        return module_exercise_titles(module)
    titles: dict[str, str] = {}
    for name in module.notebooks:
        notebook = nbformat.read(module.notebook_path(name), as_version=4)
        translate_notebook(notebook, text.messages, text.language)
        for grade_id, title in notebook_titles(notebook).items():
            titles.setdefault(grade_id, title)
    return titles


def learner_languages(students: Iterable[str], *, roster: dict[str, dict[str, str]],
                      submitted: dict[str, Path], default: str = SOURCE_LANGUAGE
                      ) -> dict[str, str]:
    """Return each learner's language: the roster's ``language`` column, else the language of
    the release they submitted (``submitted``: student to their submission folder), else
    ``default``. A roster language the course does not have is refused, naming the learner."""
    check_language(default)
    chosen: dict[str, str] = {}
    for student in students:
        named = roster.get(student, {}).get("language", "").strip().lower()
        if named:
            if named != SOURCE_LANGUAGE and named not in LANGUAGES:
                raise LearnerLanguageError(
                    f"roster: learner '{student}' has language '{named}'; the course is in "
                    f"{', '.join([SOURCE_LANGUAGE, *LANGUAGES])}")
            chosen[student] = named
            continue
        chosen[student] = _submitted_language(submitted.get(student)) or default
    return chosen


def _submitted_language(folder: Path | None) -> str | None:
    if folder is None:
        return None
    try:
        marker = folder / LANGUAGE_FILE
        if marker.is_file() and not marker.is_symlink():
            language = marker.read_text(encoding="utf-8")[:20].strip().lower()
            if language in LANGUAGES:
                return language
    except (OSError, UnicodeDecodeError):
        pass
    return None


def extract_grading_template(root: Path) -> Path:
    """Write ``locales/templates/ui/grading.pot``: the fixed sentences of feedback pages and
    class reports; return its path."""
    from babel.messages.catalog import Catalog

    from academy.i18n import template_path, write_catalog

    catalog = Catalog(project="Global Classroom: feedback and class reports", charset="utf-8",
                      fuzzy=False)
    for message in GRADING_MESSAGES:
        catalog.add(message, locations=[("src/academy/grading/language.py", 0)])
    path = template_path(root, UI_DOMAIN, GRADING_CATALOGUE)
    write_catalog(catalog, path)
    return path
