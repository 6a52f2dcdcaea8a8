"""Done when (issue 18): a class whose names span Latin with diacritics, Cyrillic, Arabic and CJK
goes through collect -> grade -> export for Moodle and for Canvas, with every notebook and every
grade on the right learner.

Each learner hands in a different notebook with a known score out of the module's total
(autograded points + 8 for the reflection): José all correct, Иван blank (0), 李 小龙 without
the providers exercise, محمد علي without the flows exercise. File names follow the LMS source
code cited in test_lms_moodle.py and test_lms_canvas.py. One grading run (4 submissions) serves
both LMSs: after the Canvas collect the grader finds every file unchanged, so each learner's
notebook is byte for byte the one collected from Moodle.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import MODULE, answered, cell, released_notebook, solutions
from .conftest import POINTS as EXERCISE_POINTS

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "lms"
LEARNERS = {  # student_id: (name, Moodle participant, Canvas user id, Canvas sortable name)
    "jose": ("José Núñez", "7310421", "1001", "núñezjosé"),
    "ivan": ("Иван Петров", "7310422", "1002", "петровиван"),
    "li": ("李 小龙", "7310423", "1003", "李小龙"),
    "ali": ("محمد علي", "7310424", "1004", "عليمحمد"),
}
FULL = float(sum(EXERCISE_POINTS.values()))
MODULE_MAX = FULL + 8  # the reflection's 8 points, graded by hand
# jose answers everything, ivan nothing, li all but the providers exercise, ali all but the flows
POINTS = {"jose": FULL, "ivan": 0.0, "li": FULL - EXERCISE_POINTS["providers-tests"],
          "ali": FULL - EXERCISE_POINTS["flows-tests"]}


def notebooks(release: dict[str, Any]) -> dict[str, bytes]:
    import json

    good = solutions()
    jose = answered(release, good)
    cell(jose, "reflection")["source"] = "Two measures: ... (a reflection to grade by hand)"
    li = answered(release, {k: v for k, v in good.items() if k != "providers-answer"})
    ali = answered(release, {k: v for k, v in good.items() if k != "flows-answer"})
    return {"jose": json.dumps(jose).encode(), "ivan": json.dumps(release).encode(),
            "li": json.dumps(li).encode(), "ali": json.dumps(ali).encode()}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory, sandbox_mode: str) -> dict[str, Any]:
    from academy.grading.autograde import grade_module
    from academy.grading.collect import collect_submissions

    tmp = tmp_path_factory.mktemp("lms")
    course = tmp / "course"
    files = notebooks(released_notebook(course))
    moodle_zip, canvas_zip = tmp / "moodle.zip", tmp / "canvas.zip"
    with zipfile.ZipFile(moodle_zip, "w") as z:
        for student, (name, participant, _, _) in LEARNERS.items():
            z.writestr(f"{name}_{participant}_assignsubmission_file_/{MODULE}.ipynb",
                       files[student])
    with zipfile.ZipFile(canvas_zip, "w") as z:
        for student, (_, _, user, sortable) in LEARNERS.items():
            late = "_LATE" if student == "ivan" else ""
            z.writestr(f"{sortable}{late}_{user}_9{user}_{MODULE}-1.ipynb", files[student])
    moodle_roster, canvas_roster = tmp / "moodle.csv", tmp / "canvas.csv"
    moodle_roster.write_text("student_id,name,lms_id,id_number\n" + "".join(
        f"{s},{n},{p},S-{c}\n" for s, (n, p, c, _) in LEARNERS.items()), encoding="utf-8")
    canvas_roster.write_text("student_id,name,lms_id\n" + "".join(
        f"{s},{n},{c}\n" for s, (n, _, c, _) in LEARNERS.items()), encoding="utf-8")
    moodle = collect_submissions(MODULE, moodle_zip, course=course, roster=moodle_roster)
    graded = grade_module(MODULE, course=course, jobs=2, timeout=60, sandbox=sandbox_mode)
    submitted = {s: (course / "submitted" / s / MODULE / f"{MODULE}.ipynb").read_bytes()
                 for s in LEARNERS}
    canvas = collect_submissions(MODULE, canvas_zip, course=course, roster=canvas_roster)
    regraded = grade_module(MODULE, course=course, jobs=2, timeout=60, sandbox=sandbox_mode)
    return {"course": course, "files": files, "submitted": submitted, "moodle": moodle,
            "canvas": canvas, "graded": graded, "regraded": regraded,
            "moodle_roster": moodle_roster, "canvas_roster": canvas_roster, "tmp": tmp}


def test_every_notebook_reaches_its_learner(round_trip: dict[str, Any]) -> None:
    assert round_trip["submitted"] == round_trip["files"]
    for summary in (round_trip["moodle"], round_trip["canvas"]):
        assert sorted(summary.collected) == sorted(LEARNERS)
        assert not summary.unmatched and not summary.ambiguous
    assert round_trip["regraded"].graded == []  # Canvas brought the same file for everyone


def test_every_learner_gets_their_own_score(round_trip: dict[str, Any]) -> None:
    results = {r.student: r.score for r in round_trip["graded"].results}
    assert results == POINTS


def test_moodle_export_puts_each_grade_on_its_learner(round_trip: dict[str, Any]) -> None:
    from academy.grading.export import export

    result = export("moodle", course=round_trip["course"], roster=round_trip["moodle_roster"],
                    maximum={MODULE: 100})
    rows = list(csv.reader(io.StringIO(result.text)))
    assert rows[0] == ["ID number", "Remittances and financial inclusion"]
    assert dict(rows[1:]) == {f"S-{LEARNERS[s][2]}": f"{round(p * 100 / MODULE_MAX, 2):g}"
                              for s, p in POINTS.items()}
    assert any("provisional" in n and "jose" in n for n in result.notes)
    held = export("moodle", course=round_trip["course"], roster=round_trip["moodle_roster"],
                  maximum={MODULE: 100}, hold_unfinished=True)
    assert "S-1001" not in held.text
    assert any(s.startswith("jose (José Núñez): Remittances") and "held back" in s
               for s in held.skipped)


def test_canvas_export_puts_each_grade_on_its_learner(round_trip: dict[str, Any]) -> None:
    from academy.grading.export import export

    template = round_trip["tmp"] / "gradebook.csv"
    template.write_text((FIXTURES / "canvas_gradebook.csv").read_text(encoding="utf-8")
                        .replace(",EX,", ",,"), encoding="utf-8")
    result = export("canvas", course=round_trip["course"], template=template,
                    roster=round_trip["canvas_roster"])
    rows = list(csv.reader(io.StringIO(result.text)))
    by_id = {r[1]: r[5] for r in rows[2:]}
    assert by_id == {**{LEARNERS[s][2]: f"{round(p * 20 / MODULE_MAX, 2):g}"
                        for s, p in POINTS.items()}, "1099": ""}
    assert len(result.written) == 4 and not result.skipped


def test_exercise_export_names_exercises_as_learners_saw_them(round_trip: dict[str, Any]) -> None:
    from academy.grading.export import export

    rows = list(csv.DictReader(io.StringIO(export("exercises",
                                                  course=round_trip["course"]).text)))
    li = {r["exercise"]: float(r["score"]) for r in rows if r["student_id"] == "li"}
    assert li["Exercise 7 — Who is cheapest?"] == 0
    assert li["Exercise 1 — The cost of one transfer"] == 3
    assert not any(r["exercise"].endswith("-tests") for r in rows)
