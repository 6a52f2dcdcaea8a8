"""Collect submissions into ``<course>/submitted/<student>/<module>/``.

Sources: a folder of ``<student_id>/<notebook>.ipynb``; a zip of the same shape; Moodle's
"Download all submissions" zip (``<Full Name>_<participant id>_assignsubmission_file_/<file>``,
or the same prefix on flat file names); Canvas's submissions zip
(``<name>[_LATE]_<user id>_<submission id>_<file>``). An optional roster CSV (``student_id`` plus
``lms_id``, ``name``, ``email`` or ``username``) maps LMS names and ids to ours. Zips with unsafe
entries (absolute paths, ``..``, links) are refused before anything is extracted.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from academy.curriculum import load_curriculum
from academy.grading.export import read_roster
from academy.grading.layout import grading_layout

MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?:submission|feedback)_[a-z]+_?$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_[a-z]+_(?P<file>.+)$")
CANVAS = re.compile(r"^(?P<name>[a-z0-9]+)(?:_LATE)?_(?P<id>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
SAFE_ID = re.compile(r"[^A-Za-z0-9_.@-]+")
MAX_ENTRY_BYTES = 50 << 20


class CollectError(ValueError):
    """The submissions cannot be collected (unsafe archive, unknown module); says why."""


@dataclass
class CollectSummary:
    """Which files were collected for which students, and what was skipped."""

    collected: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Raise CollectError naming the first unsafe entry (absolute, ``..``, link, device)."""
    for info in archive.infolist():
        path = info.filename.replace("\\", "/")
        parts = PurePosixPath(path).parts
        mode = info.external_attr >> 16
        if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
            raise CollectError(f"{name}: refused: entry '{info.filename}' has an absolute path")
        if ".." in parts:
            raise CollectError(f"{name}: refused: entry '{info.filename}' leaves the archive "
                               "folder ('..')")
        if stat.S_ISLNK(mode):
            raise CollectError(f"{name}: refused: entry '{info.filename}' is a symbolic link")
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise CollectError(f"{name}: refused: entry '{info.filename}' is not a regular file")
        if info.file_size > MAX_ENTRY_BYTES:
            raise CollectError(f"{name}: refused: entry '{info.filename}' is larger than "
                               f"{MAX_ENTRY_BYTES >> 20} MB")


def _aliases(roster: dict[str, dict[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for student, row in roster.items():
        out[student.lower()] = student
        for key in ("lms_id", "name", "email", "username", "sis_id"):
            if row.get(key):
                out[row[key].lower()] = student
                out[re.sub(r"[^a-z0-9]", "", row[key].lower())] = student
    return out


def _identify(path: str, aliases: dict[str, str], module_id: str) -> tuple[str, str] | None:
    """Return (student, file name) for an archive or folder entry, or None to skip it."""
    parts = PurePosixPath(path).parts
    if not parts or parts[-1].startswith(".") or "__MACOSX" in parts:
        return None
    filename = parts[-1]
    candidates: list[str] = []
    for part in parts[:-1]:
        if m := MOODLE.match(part):
            candidates = [m["id"], m["name"]]
            break
    else:
        if m := MOODLE_FLAT.match(filename):
            candidates, filename = [m["id"], m["name"]], m["file"]
        elif m := CANVAS.match(filename):
            candidates, filename = [m["id"], m["name"]], m["file"]
        elif len(parts) >= 2:
            owner = parts[-2]
            if owner == module_id and len(parts) >= 3:
                owner = parts[-3]  # <student>/<module>/<notebook>.ipynb
            candidates = [owner]
    if not candidates:
        return None
    for candidate in candidates:
        key = candidate.lower()
        if key in aliases:
            return aliases[key], filename
        squashed = re.sub(r"[^a-z0-9]", "", key)
        if squashed in aliases:
            return aliases[squashed], filename
    if aliases:
        return None  # with a roster, only known students are collected
    student = SAFE_ID.sub("_", candidates[0]).strip("._")
    return (student, filename) if student else None


def _notebook_name(filename: str, notebooks: list[str]) -> str:
    """Return the module notebook a submitted file stands for (LMS downloads rename files)."""
    stem = Path(filename).stem
    for nb in notebooks:
        if stem == nb or re.fullmatch(rf"{re.escape(nb)}(?:[-_ ]?\(?\d+\)?)?", stem):
            return f"{nb}.ipynb"
    return Path(filename).name


def collect_submissions(module_id: str, path: Path, *, root: Path | None = None,
                        course: Path | str | None = None,
                        roster: Path | None = None) -> CollectSummary:
    """Copy the submissions of ``module_id`` from ``path`` (folder or zip) into the course."""
    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    aliases = _aliases(read_roster(roster))
    summary = CollectSummary()
    entries: list[tuple[str, bytes | Path]] = []
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if file.is_symlink():
                summary.warnings.append(f"skipped link {file}")
                continue
            entries.append((file.relative_to(path).as_posix(), file))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name)
            for info in archive.infolist():
                if not info.is_dir():
                    entries.append((info.filename.replace("\\", "/"), archive.read(info)))
    else:
        raise CollectError(f"{path} is neither a folder nor a zip archive")
    for name, content in entries:
        found = _identify(name, aliases, module.id)
        if found is None:
            summary.warnings.append(f"skipped {name}: no student could be identified")
            continue
        student, filename = found
        if not filename.endswith(".ipynb") and filename != "timestamp.txt":
            summary.warnings.append(f"skipped {name}: not a notebook")
            continue
        if filename.endswith(".ipynb"):
            filename = _notebook_name(filename, list(module.notebooks))
        target = layout.submission(module.id, student)
        if student not in summary.collected:
            shutil.rmtree(target, ignore_errors=True)
            summary.collected[student] = []
        target.mkdir(parents=True, exist_ok=True)
        destination = target / Path(filename).name
        if isinstance(content, Path):
            shutil.copyfile(content, destination)
        else:
            destination.write_bytes(content)
        summary.collected[student].append(destination.name)
    return summary
