"""Collect never guesses: names in any script, accents, word order, ambiguity and no match."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from academy.grading.collect import CollectError, Roster, collect_submissions, name_keys

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def notebook(owner: str) -> bytes:
    """A notebook whose content names its owner, so a test can see whose file went where."""
    return NOTEBOOK.replace(b'"metadata": {}', f'"metadata": {{"owner": "{owner}"}}'.encode())


def submitted(course: Path) -> dict[str, bytes]:
    base = course / "submitted"
    if not base.is_dir():
        return {}
    return {p.name: (p / "remittances" / "remittances.ipynb").read_bytes()
            for p in sorted(base.iterdir())}


def roster_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_names_in_non_latin_scripts_do_not_collapse_to_one_key() -> None:
    """The old matcher kept only [a-z0-9], so every Cyrillic, Arabic or CJK name became ''."""
    keys = [name_keys(n)[0] for n in ("Иван Петров", "李 小龙", "محمد علي", "Ana Núñez")]
    assert all(keys)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            assert not a & b


def test_name_keys_fold_case_width_accents_and_word_order() -> None:
    roster = Roster({"jn": {"student_id": "jn", "name": "José Núñez"},
                     "ip": {"student_id": "ip", "name": "Иван Петров"},
                     "ll": {"student_id": "ll", "name": "李 小龙"}})
    assert roster.by_name("núñezjosé") == {"jn"}  # Canvas: sortable name, squashed, lower case
    assert roster.by_name("NÚÑEZ, José") == {"jn"}
    assert roster.by_name("Jose Nunez") == {"jn"}  # accents dropped only when nothing exact
    assert roster.by_name("Núñez José") == {"jn"}
    assert roster.by_name("ПЕТРОВ Иван") == {"ip"}
    assert roster.by_name("小龙李") == {"ll"}
    assert roster.by_name("ＩＶＡＮ ＰＥＴＲＯＶ") == set()  # full-width Latin is not Cyrillic
    decomposed = "Jose\u0301 Nu\u0301n\u0303ez"  # NFD, as macOS writes file names
    assert roster.by_name(decomposed) == {"jn"}


def test_cjk_learner_is_not_filed_under_a_cyrillic_one(tmp_path: Path) -> None:
    """Issue 18: "小龙 李" was filed under Иван Петров. Now each goes to their own folder."""
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Иван Петров_501_assignsubmission_file_/remittances.ipynb", notebook("ivan"))
        z.writestr("小龙 李_502_assignsubmission_file_/remittances.ipynb", notebook("li"))
        z.writestr("محمد علي_503_assignsubmission_file_/remittances.ipynb", notebook("ali"))
    roster = roster_file(tmp_path, "student_id,name\ns-ivan,Иван Петров\ns-li,李 小龙\n"
                                   "s-ali,محمد علي\n")
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=roster)
    got = submitted(tmp_path / "c")
    assert got == {"s-ali": notebook("ali"), "s-ivan": notebook("ivan"), "s-li": notebook("li")}
    assert not summary.unmatched and not summary.ambiguous


def test_ambiguous_name_is_refused_with_the_candidates(tmp_path: Path) -> None:
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Maria Garcia_77_assignsubmission_file_/remittances.ipynb", notebook("mg"))
    roster = roster_file(tmp_path, "student_id,name\ns1,María García\ns2,Maria Garcia\n"
                                   "s3,María Garcia\n")
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=roster)
    assert submitted(tmp_path / "c") == {"s2": notebook("mg")}  # the only exact match
    roster = roster_file(tmp_path, "student_id,name\ns1,María García\ns3,María Garcia\n")
    summary = collect_submissions("remittances", archive, course=tmp_path / "d", roster=roster)
    assert submitted(tmp_path / "d") == {}
    assert len(summary.ambiguous) == 1
    assert "s1 (María García)" in summary.ambiguous[0]
    assert "s3 (María Garcia)" in summary.ambiguous[0]


def test_file_of_nobody_on_the_roster_is_reported_and_not_imported(tmp_path: Path) -> None:
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Ada Lovelace_1_assignsubmission_file_/remittances.ipynb", notebook("ada"))
        z.writestr("Stranger Person_2_assignsubmission_file_/remittances.ipynb", notebook("x"))
    roster = roster_file(tmp_path, "student_id,name\nada,Ada Lovelace\n")
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=roster)
    assert submitted(tmp_path / "c") == {"ada": notebook("ada")}
    assert summary.unmatched == [
        "NOT imported Stranger Person_2_assignsubmission_file_/remittances.ipynb: name "
        "'Stranger Person' and LMS id 2 match no roster learner"]


def test_id_and_name_that_point_at_different_learners_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Ada Lovelace_1002_assignsubmission_file_/remittances.ipynb", notebook("a"))
    roster = roster_file(tmp_path, "student_id,name,lms_id\nada,Ada Lovelace,1001\n"
                                   "grace,Grace Hopper,1002\n")
    summary = collect_submissions("remittances", archive, course=tmp_path / "c", roster=roster)
    assert submitted(tmp_path / "c") == {}
    assert "correct the roster" in summary.ambiguous[0]


def test_two_files_for_one_learner_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "in"
    for owner in ("s001", "Ada Lovelace"):
        (source / owner).mkdir(parents=True)
        (source / owner / "remittances.ipynb").write_bytes(notebook(owner))
    roster = roster_file(tmp_path, "student_id,name\ns001,Ada Lovelace\n")
    summary = collect_submissions("remittances", source, course=tmp_path / "c", roster=roster)
    assert len(submitted(tmp_path / "c")) == 1
    assert "already has remittances.ipynb" in summary.ambiguous[0]


def test_roster_problems_are_plain_messages(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_bytes("student_id,name\ns1,Jos\xe9\n".encode("cp1252"))
    with pytest.raises(CollectError, match="not UTF-8"):
        collect_submissions("remittances", source, course=tmp_path / "c", roster=bad)
    twice = roster_file(tmp_path, "student_id,name\ns1,A\ns1,B\n")
    with pytest.raises(CollectError, match="row 3: student_id 's1' appears twice"):
        collect_submissions("remittances", source, course=tmp_path / "c", roster=twice)
    none = roster_file(tmp_path, "name\nA\n")
    with pytest.raises(CollectError, match="needs a 'student_id' column"):
        collect_submissions("remittances", source, course=tmp_path / "c", roster=none)
