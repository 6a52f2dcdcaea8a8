"""A translated release is graded like the English one: same cells, same gradebook, same scores."""

from __future__ import annotations

import json
import re

import pytest

from academy.i18n import notebook_messages
from conftest import REPO, wrong_answers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("i18n-grading")]

MODULE = "working_with_data"


def _answered(release: dict, answers: dict[str, str]) -> dict:
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return notebook


@pytest.mark.parametrize("language", ["es"])
def test_translated_release_earns_exactly_the_english_scores(tmp_path, curriculum, language):
    """Reference answers earn full marks in both languages, and the same wrong answers lose the
    same points, through `academy grade` (the sandboxed pipeline and the one gradebook)."""
    import nbformat

    from academy.course_core import course_layout
    from academy.grading.autograde import grade_module
    from academy.i18n import language_release_dir
    from academy.notebook_language import LANGUAGE_FILE
    from academy.release import release_module

    module = curriculum.module(MODULE)
    course = tmp_path / "course"
    english_dir = release_module(MODULE, root=REPO, course=course)
    translated_dir = release_module(MODULE, root=REPO, course=course, language=language)
    layout = course_layout(REPO, course)
    assert translated_dir == language_release_dir(layout.release, language) / MODULE
    assert (translated_dir / LANGUAGE_FILE).read_text().strip() == language  # for the hints
    name = f"{module.notebooks[0]}.ipynb"
    english = json.loads((english_dir / name).read_text())
    translated = json.loads((translated_dir / name).read_text())
    # the translation changed the text (so this test is about a translated notebook) ...
    english_text = [m for _, m in notebook_messages(nbformat.reads(json.dumps(english), 4))]
    translated_text = [m for _, m in notebook_messages(nbformat.reads(json.dumps(translated), 4))]
    changed = sum(a != b for a, b in zip(english_text, translated_text, strict=True))
    assert changed >= 10, "too little of the release is translated to test anything"
    # ... and nothing that nbgrader grades
    graded = [(c["cell_type"], c["source"], c["metadata"].get("nbgrader"))
              for c in english["cells"] if c["cell_type"] == "code"
              or c["metadata"].get("nbgrader", {}).get("solution")]
    assert graded == [(c["cell_type"], c["source"], c["metadata"].get("nbgrader"))
                      for c in translated["cells"] if c["cell_type"] == "code"
                      or c["metadata"].get("nbgrader", {}).get("solution")]

    source = json.loads(module.notebook_path().read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")
                 and c["cell_type"] == "code"}
    wrong = wrong_answers(module)[:3]
    submissions = {}
    for tag, release in (("en", english), (language, translated)):
        submissions[f"{tag}-reference"] = _answered(release, solutions)
        for i, entry in enumerate(wrong):
            submissions[f"{tag}-wrong-{i}"] = _answered(release, {**solutions,
                                                                  entry["answer"]: entry["code"]})
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(notebook))
        if student.startswith(language):  # the fetched release's language file is submitted too
            (folder / LANGUAGE_FILE).write_text(language)

    summary = grade_module(MODULE, course=course, jobs=2, timeout=60, sandbox="auto")
    assert not summary.failed, summary.failed
    scores = {r.student: {e.grade_id: e.score for e in r.exercises} for r in summary.results}
    full = module.autograded_points
    assert sum(scores["en-reference"].values()) == pytest.approx(full)
    assert scores[f"{language}-reference"] == scores["en-reference"]
    for i in range(len(wrong)):
        assert scores[f"{language}-wrong-{i}"] == scores[f"en-wrong-{i}"], wrong[i]["answer"]
        assert sum(scores[f"{language}-wrong-{i}"].values()) < full, wrong[i]["answer"]

    # feedback: each learner's page in the language of the release they submitted
    from academy.grading.feedback import write_feedback

    pages = {page.parents[1].name: page.read_text() for page in write_feedback(MODULE,
                                                                              course=course)}
    assert f"<html lang='{language}'>" in pages[f"{language}-wrong-0"]
    assert "<html lang='en'>" in pages["en-wrong-0"]
    cells = re.compile(r"<td>(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)</td>")
    assert cells.findall(pages[f"{language}-wrong-0"]) == cells.findall(pages["en-wrong-0"])
