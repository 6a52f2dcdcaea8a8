"""What a learner's kernel may see: a read-only view of the course, and matplotlib's font cache.

Both are built once per batch in the grader's working folder and bound read-only into every
sandbox (the font cache is copied into each job folder), so no kernel rebuilds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from academy.curriculum import Curriculum


def build_course_view(curriculum: Curriculum, target: Path) -> Path:
    """Write the read-only view of the repository a learner's kernel may see; return it.

    It holds the curriculum, module metadata and datasets, with empty notebooks in place of the
    source notebooks (solutions and hidden tests never enter the sandbox).
    """
    root = curriculum.root
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "curriculum", target / "curriculum")
    shutil.copytree(root / "datasets", target / "datasets")
    empty = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    for module in curriculum.modules:
        folder = target / "modules" / module.id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module.folder / "module.yml", folder / "module.yml")
        for nb in module.notebooks:
            (folder / f"{nb}.ipynb").write_text(empty)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def build_matplotlib_cache(target: Path) -> Path:
    """Build matplotlib's font cache once in ``target``; return it. Each kernel gets a copy in
    its job folder instead of rebuilding the cache."""
    import subprocess
    import sys

    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                   env={"MPLCONFIGDIR": str(target), "PATH": "/usr/bin:/bin"},
                   capture_output=True, timeout=300, check=False)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target
