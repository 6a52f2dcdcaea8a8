"""Where the project's files are: the repository root and the course working folder."""

from __future__ import annotations

import os
from pathlib import Path

from academy.errors import AcademyError

_MARKER = Path("curriculum") / "programme.yml"


class ProjectNotFoundError(AcademyError, RuntimeError):
    """Raised when no curriculum repository can be found."""


def project_root(start: Path | None = None) -> Path:
    """Return the repository root: $ACADEMY_ROOT, else the nearest folder holding curriculum/.

    The search starts at ``start`` (default: the working directory), then falls back to the
    folder this package was installed from, so notebooks find the data wherever they are opened.
    """
    env = os.environ.get("ACADEMY_ROOT")
    if env:
        root = Path(env).expanduser().resolve()
        if not (root / _MARKER).is_file():
            raise ProjectNotFoundError(f"ACADEMY_ROOT={env} has no {_MARKER}")
        return root
    candidates = [Path(start or Path.cwd()).resolve(), Path(__file__).resolve().parent]
    for candidate in candidates:
        for folder in (candidate, *candidate.parents):
            if (folder / _MARKER).is_file():
                return folder
    raise ProjectNotFoundError(
        f"No {_MARKER} found above {candidates[0]} or the installed package; "
        "run from inside the curriculum repository or set ACADEMY_ROOT."
    )


def course_dir(root: Path | None = None, override: Path | str | None = None) -> Path:
    """Return the course working folder: ``override``, $ACADEMY_COURSE_DIR, or <root>/course."""
    chosen = override or os.environ.get("ACADEMY_COURSE_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return (root or project_root()) / "course"


def ensure_interpreter_bin_on_path() -> None:
    """Put this interpreter's bin folder first on PATH.

    nbgrader runs tools such as ``alembic`` and Jupyter kernels by name; inside a virtual
    environment that was not activated they are found only this way.
    """
    import sys

    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def user_cache_dir(override: Path | str | None = None) -> Path:
    """Return the user cache folder: ``override``, $ACADEMY_CACHE_DIR, or <XDG cache>/academy.

    The XDG cache is $XDG_CACHE_HOME when set, else ~/.cache. Downloads of upstream data live
    here, outside the repository, so they survive `make clean` and are shared by checkouts.
    """
    chosen = override or os.environ.get("ACADEMY_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache").expanduser().resolve() / "academy"
