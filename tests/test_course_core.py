"""The course core: one course id, one course layout, nbgrader's configuration written once."""

from __future__ import annotations

import re
from pathlib import Path

from traitlets.config import Config

from academy.course_core import COURSE_ID, course_layout, nbgrader_config


def _repository_config(repo_root: Path, monkeypatch, course: Path) -> Config:
    monkeypatch.setenv("ACADEMY_COURSE_DIR", str(course))
    config = Config()
    source = (repo_root / "nbgrader_config.py").read_text()
    exec(compile(source, "nbgrader_config.py", "exec"),  # noqa: S102 - our own file
         {"get_config": lambda: config, "__file__": str(repo_root / "nbgrader_config.py")})
    return config


def test_repository_nbgrader_config_equals_the_course_core(repo_root, monkeypatch, tmp_path):
    from_file = _repository_config(repo_root, monkeypatch, tmp_path / "state")
    from_core = nbgrader_config(course_layout(repo_root, tmp_path / "state"))
    for section in ("CourseDirectory", "ClearSolutions"):
        assert dict(from_file[section]) == dict(from_core[section])
    assert from_file.CourseDirectory.course_id == COURSE_ID


def test_course_id_is_written_only_in_the_course_core(repo_root):
    literal = re.compile(r"""["']global-classroom["']""")
    found = [str(path.relative_to(repo_root))
             for path in [*(repo_root / "src").rglob("*.py"), repo_root / "nbgrader_config.py"]
             if literal.search(path.read_text(encoding="utf-8"))]
    assert found == ["src/academy/course_core.py"]


def test_verbs_take_the_layout_from_the_core_not_the_release_verb(repo_root):
    importers = [str(path.relative_to(repo_root)) for path in (repo_root / "src").rglob("*.py")
                 if re.search(r"from academy\.release import .*(course_layout|CourseLayout|"
                              r"nbgrader_config|nbgrader_api)", path.read_text())]
    assert importers == []
