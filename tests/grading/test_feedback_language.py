"""Feedback pages and class reports speak the learner's (or the instructor's) language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from academy.curriculum import load_curriculum
from academy.grading import results as R
from academy.grading.feedback import feedback_html
from academy.grading.language import (
    GRADING_MESSAGES,
    LearnerLanguageError,
    extract_grading_template,
    grading_text,
    learner_languages,
    translated_exercise_titles,
)
from academy.grading.report import report_html
from academy.grading.results import CheckOutcome, ExerciseResult, ManualAnswer, SubmissionResult
from academy.i18n import LANGUAGES, catalogue_path, read_catalog, translations
from academy.notebook_language import LANGUAGE_FILE

from .conftest import MODULE, ROOT

HINT = "A fee of 5 on 200 is 2.5 per cent. Did you forget to multiply by 100?"
FIELD = re.compile(r"\{(\w+)\}")


def result(first: float) -> SubmissionResult:
    fee_only = CheckOutcome("fee only", True, first > 0, HINT)
    return SubmissionResult(
        "s1", MODULE, "k",
        exercises=[ExerciseResult(MODULE, "total-cost-tests", 3, first, checks=[fee_only],
                                  reason="" if first else "self-checks failed: fee only"),
                   ExerciseResult(MODULE, "corridors-tests", 3, 0.0, R.TIMEOUT,
                                  "the test cell timed out: Timeout after 60 s")],
        manual=[ManualAnswer(MODULE, "reflection", 8, True, "text")],
        problems=[f"{MODULE}: cells were reordered; the instructor's order was restored",
                  "an unforeseen problem"])


@pytest.fixture(scope="module")
def module():  # type: ignore[no-untyped-def]
    return load_curriculum(ROOT).module(MODULE)


@pytest.mark.parametrize("language, words", [
    ("es", ["Ejercicios", "Autocomprobaciones", "Sobre su entrega", "se quedó sin tiempo",
            "se restableció el orden del instructor"]),
    ("fr", ["Exercices", "Autovérifications", "À propos de votre remise",
            "a manqué de temps", "l'ordre de l'enseignant a été rétabli"]),
])
def test_a_feedback_page_is_in_the_learners_language_with_the_same_scores(module, language,
                                                                          words):
    text = grading_text(ROOT, language, module)
    titles = translated_exercise_titles(module, text)
    page = feedback_html(module, result(0.0), {}, {"reflection": (None, None)}, titles, text)
    english = feedback_html(module, result(0.0), {}, {"reflection": (None, None)})
    assert f"<html lang='{language}'>" in page and "<html lang='en'>" in english
    for word in words:
        assert word in unescape(page), word
    module_po = translations(catalogue_path(ROOT, language, "modules", MODULE))
    assert module_po[HINT] in unescape(page)  # the self-check's hint, from the module's catalogue
    assert module_po[module.title] in unescape(page)
    first = titles["total-cost-tests"]
    assert first.startswith({"es": "Ejercicio 1", "fr": "Exercice 1"}[language])
    assert "(" not in first and first in unescape(page)
    assert "<li lang='en'>an unforeseen problem</li>" in page  # no translation: marked
    assert "0 / 3" in page and "0 / 3" in english  # scores as in English
    assert "total-cost-tests" not in page and "Exercise 1" not in page


def test_every_grading_message_is_translated_with_its_placeholders(repo_root: Path) -> None:
    for language in LANGUAGES:
        done = translations(catalogue_path(repo_root, language, "ui", "grading"))
        for message in GRADING_MESSAGES:
            assert message in done, (language, message)
            assert set(FIELD.findall(done[message])) == set(FIELD.findall(message)), message


def test_the_grading_template_is_up_to_date(tmp_path: Path, repo_root: Path) -> None:
    written = extract_grading_template(tmp_path)
    committed = repo_root / "locales" / "templates" / "ui" / "grading.pot"
    assert ({m.id for m in read_catalog(written) if m.id}
            == {m.id for m in read_catalog(committed) if m.id}), (
        "run `academy translate extract` and `academy translate update`")


def test_the_roster_then_the_submitted_release_choose_the_language(tmp_path: Path) -> None:
    spanish = tmp_path / "ana"
    spanish.mkdir()
    (spanish / LANGUAGE_FILE).write_text("es\n")
    french_by_roster = tmp_path / "bo"
    french_by_roster.mkdir()
    (french_by_roster / LANGUAGE_FILE).write_text("es\n")
    odd = tmp_path / "cy"
    odd.mkdir()
    (odd / LANGUAGE_FILE).write_text("klingon")
    chosen = learner_languages(
        ["ana", "bo", "cy", "di"], roster={"bo": {"language": "FR"}},
        submitted={"ana": spanish, "bo": french_by_roster, "cy": odd}, default="en")
    assert chosen == {"ana": "es", "bo": "fr", "cy": "en", "di": "en"}
    with pytest.raises(LearnerLanguageError, match="'di'.*'de'"):
        learner_languages(["di"], roster={"di": {"language": "de"}}, submitted={})


def test_the_class_report_is_in_the_chosen_language(module) -> None:  # type: ignore[no-untyped-def]
    text = grading_text(ROOT, "fr", module)
    titles = translated_exercise_titles(module, text)
    page = report_html(text(module.title), [result(float(i % 2) * 3) for i in range(4)],
                       titles, text)
    assert "<html lang='fr'>" in page
    for words in ("Rapport de la classe", "Autovérifications échouées les plus fréquentes",
                  "Remises à examiner", "Distribution des notes"):
        assert words in unescape(page), words
    assert translations(catalogue_path(ROOT, "fr", "modules", MODULE))[HINT] in unescape(page)
