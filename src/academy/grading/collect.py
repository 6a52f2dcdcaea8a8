"""Collect submissions into ``<course>/submitted/<student>/<module>/``, never guessing who is who.

Sources: a folder (or zip) of ``<student_id>/<notebook>.ipynb``; Moodle's "Download all
submissions" zip; Canvas's submissions zip. Every file is matched to exactly one learner of the
roster, or reported and not imported. The pipeline: :func:`read_entries` (zips with unsafe
entries are refused before anything is written) → :func:`match_entries` (:func:`parse_entry`:
what the LMS file name says, a name, an LMS id, late; :func:`resolve`: who that is) →
:func:`assign_files` (one file per learner and notebook; group copies) →
:func:`write_submissions`.

File names, as the LMSs write them:

- Moodle 4.1+ (``mod/assign/classes/downloader.php``, ``get_student_prefix``): the prefix is
  ``clean_filename(str_replace('_', ' ', fullname) . '_' . uniqueid)`` where the unique id is the
  assignment's participant number; with blind marking the name is the word "Participant"; team
  submissions use ``<group name>_<group id>`` (or "Default group" with no id) once per group.
  Files go to ``<prefix>_assignsubmission_file_/<file>`` (or ``<prefix>_assignsubmission_file_
  <file>`` when "download as folders" is off).
- Moodle before 4.1 (``mod/assign/locallib.php``, ``download_submissions``): the same prefix with
  the group name and a dash in front of the full name (``Team A-Ada Lovelace_1234567``), once
  per member.
- Canvas (``lib/content_zipper.rb``, ``get_filename``/``sanitize_user_name``): the sortable name
  ("Last, First"), lower-cased, with every non-word character removed (letters of any script
  stay: ``núñezjosé``), then ``LATE`` for late work, then the Canvas user id, or
  ``anon_<anonymous id>`` under anonymous grading, then ``_<attachment id>_<file name>``. A group
  assignment arrives under one representative member.

The roster (CSV) has ``student_id`` and any of: ``name`` (or ``first_name`` and ``last_name``),
``lms_id`` (Moodle participant number or Canvas user id), ``anonymous_id`` (Canvas),
``email``, ``username``, ``sis_id``, ``id_number`` and ``group``.
"""

from __future__ import annotations

import csv
import itertools
import re
import shutil
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from academy.errors import AcademyError

if TYPE_CHECKING:
    from academy.curriculum import Module
    from academy.grading.layout import GradingLayout

MOODLE_PLUGIN = r"_assign(?:submission|feedback)_(?P<plugin>[a-z]+)"
MOODLE_FOLDER = re.compile(rf"^(?P<prefix>[^_]+?)(?:_(?P<id>\d+))?{MOODLE_PLUGIN}_?$")
MOODLE_FLAT = re.compile(rf"^(?P<prefix>[^_]+?)(?:_(?P<id>\d+))?{MOODLE_PLUGIN}_(?P<file>.+)$")
CANVAS = re.compile(r"^(?:(?P<name>[^_]+?)_)??(?:(?P<late>late)_)?"
                    r"(?:anon_(?P<anon>[0-9a-z]+)|(?P<id>\d+))_(?P<attachment>\d+)_(?P<file>.+)$",
                    re.IGNORECASE)
SAFE_ID = re.compile(r"[^\w.@-]+")
MAX_ENTRY_BYTES = 50 << 20
ID_COLUMNS = ("student_id", "lms_id", "email", "username", "sis_id", "id_number")
# Moodle's English "participant" string (blind marking hides the name behind it). In other
# languages the translated word is taken as a name that matches nobody: the file is still
# matched by its participant number, or reported, never guessed.
BLIND_NAMES = {"participant"}


class CollectError(AcademyError, ValueError):
    """The submissions cannot be collected (unsafe archive, unreadable roster); says why."""


@dataclass
class CollectSummary:
    """What was collected for whom, and every file that was not imported, with the reason."""

    collected: dict[str, list[str]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Every file not imported and every note, as one list of messages."""
        return [*self.ambiguous, *self.unmatched, *self.notes]


@dataclass(frozen=True)
class Entry:
    """What an LMS file name says about its owner (any field may be empty)."""

    path: str
    filename: str
    scheme: str  # "folder", "moodle" or "canvas"
    name: str = ""
    lms_id: str = ""
    anonymous_id: str = ""
    late: bool = False
    blind: bool = False


@dataclass(frozen=True)
class Match:
    """The learners an entry belongs to, or why it belongs to nobody."""

    students: tuple[str, ...] = ()
    problem: str = ""
    ambiguous: bool = False
    group: str = ""


# -- names --------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def _squash(text: str) -> str:
    """Letters and digits only (any script), as Canvas's ``[^[[:word:]]]`` removal leaves."""
    return "".join(c for c in text if c.isalnum())


def name_keys(name: str) -> tuple[set[str], set[str]]:
    """Return the (exact, accent-free) comparison keys of a person's name, in every word order.

    Exact keys keep accents: NFKC, case folding, non-letters removed; accent-free keys also drop
    combining marks. Both cover every order of the name's words (up to five words), so
    "José Núñez", "Núñez, José" and Canvas's ``núñezjosé`` share a key.
    """
    words = [w for w in re.split(r"[\W_]+", _fold(name)) if w]
    if not words:
        return set(), set()
    orders = itertools.permutations(words) if len(words) <= 5 else iter([tuple(words)])
    exact = {_squash("".join(order)) for order in orders}
    exact.discard("")
    return exact, {_strip_accents(k) for k in exact}


# -- the roster ---------------------------------------------------------------------------------
def read_roster(path: Path | None) -> dict[str, dict[str, str]]:
    """Return roster rows by our student id; raise CollectError naming what is wrong."""
    if path is None:
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CollectError(f"{path}: the roster is not UTF-8 text (byte {exc.start}); save it "
                           "as 'CSV UTF-8' and try again") from None
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip() for f in reader.fieldnames or []]
    if "student_id" not in fields:
        raise CollectError(f"{path}: the roster needs a 'student_id' column (found: "
                           f"{', '.join(fields) or 'nothing'})")
    rows: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()
               if isinstance(v, str | type(None))}
        student = row.get("student_id", "")
        if not student:
            continue
        if student in rows:
            raise CollectError(f"{path}: row {number}: student_id '{student}' appears twice")
        if row.get("idnumber") and not row.get("id_number"):
            row["id_number"] = row["idnumber"]
        rows[student] = row
    return rows


class Roster:
    """Look learners up by LMS id or by name, reporting ambiguity instead of choosing."""

    def __init__(self, rows: dict[str, dict[str, str]]) -> None:
        self.rows = rows
        self.ids: dict[str, set[str]] = {}
        self.anonymous: dict[str, set[str]] = {}
        self.exact: dict[str, set[str]] = {}
        self.loose: dict[str, set[str]] = {}
        self.groups: dict[str, set[str]] = {}
        self.group_names: dict[str, str] = {}
        for student, row in rows.items():
            for column in ID_COLUMNS:
                if row.get(column):
                    self.ids.setdefault(_fold(row[column]), set()).add(student)
            if row.get("anonymous_id"):
                self.anonymous.setdefault(_fold(row["anonymous_id"]), set()).add(student)
            for exact in self._names(row):
                keys, loose = name_keys(exact)
                for key in keys:
                    self.exact.setdefault(key, set()).add(student)
                for key in loose:
                    self.loose.setdefault(key, set()).add(student)
            if row.get("group"):
                key = _squash(_fold(row["group"]))
                self.groups.setdefault(key, set()).add(student)
                self.group_names[key] = row["group"]

    @staticmethod
    def _names(row: dict[str, str]) -> list[str]:
        names = [row[c] for c in ("name", "sortable_name") if row.get(c)]
        if row.get("first_name") or row.get("last_name"):
            names.append(f"{row.get('first_name', '')} {row.get('last_name', '')}")
        return names

    def by_id(self, value: str) -> set[str]:
        return set(self.ids.get(_fold(value), set())) if value else set()

    def by_name(self, name: str) -> set[str]:
        """Return the learners whose name matches exactly, else without accents."""
        exact, loose = name_keys(name)
        found = set().union(*(self.exact.get(k, set()) for k in exact)) if exact else set()
        if not found and loose:
            found = set().union(*(self.loose.get(k, set()) for k in loose))
        return found

    def group(self, name: str) -> tuple[str, set[str]]:
        key = _squash(_fold(name))
        return self.group_names.get(key, ""), set(self.groups.get(key, set()))


def _listing(students: set[str] | tuple[str, ...], rows: dict[str, dict[str, str]]) -> str:
    return ", ".join(f"{s} ({rows[s].get('name') or rows[s].get('email') or '?'})"
                     for s in sorted(students))


# -- reading and parsing ------------------------------------------------------------------------
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


def read_entries(path: Path, notes: list[str]) -> list[tuple[str, bytes | Path]]:
    """Return (relative path, content or file) for every file of a folder or zip."""
    entries: list[tuple[str, bytes | Path]] = []
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
            if file.is_symlink():
                notes.append(f"skipped link {file}")
                continue
            entries.append((unicodedata.normalize("NFC", file.relative_to(path).as_posix()),
                            file))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name)
            for info in archive.infolist():
                if not info.is_dir():
                    name = unicodedata.normalize("NFC", info.filename.replace("\\", "/"))
                    entries.append((name, archive.read(info)))
    else:
        raise CollectError(f"{path} is neither a folder nor a zip archive")
    return entries


def parse_entry(path: str, module_id: str) -> Entry | None:
    """Return what an archive or folder entry's name says about its owner (None: not a file
    of anyone, such as ``__MACOSX`` or hidden files)."""
    parts = PurePosixPath(path).parts
    if not parts or parts[-1].startswith(".") or "__MACOSX" in parts:
        return None
    filename = parts[-1]
    for part in parts[:-1]:
        if m := MOODLE_FOLDER.match(part):
            return _moodle(path, filename, m["prefix"], m["id"] or "")
    if m := MOODLE_FLAT.match(filename):
        return _moodle(path, m["file"], m["prefix"], m["id"] or "")
    if len(parts) == 1 and (m := CANVAS.match(filename)):
        return Entry(path, m["file"], "canvas", name=m["name"] or "", lms_id=m["id"] or "",
                     anonymous_id=m["anon"] or "", late=bool(m["late"]))
    if len(parts) >= 2:
        owner = parts[-2]
        if owner == module_id and len(parts) >= 3:
            owner = parts[-3]  # <student>/<module>/<notebook>.ipynb
        return Entry(path, filename, "folder", lms_id=owner)
    return Entry(path, filename, "folder")


def _moodle(path: str, filename: str, prefix: str, lms_id: str) -> Entry:
    name = prefix.strip()
    return Entry(path, filename, "moodle", name=name, lms_id=lms_id,
                 blind=_fold(name) in BLIND_NAMES)


# -- resolving ----------------------------------------------------------------------------------
def _by_name_with_group_prefix(roster: Roster, name: str) -> set[str]:
    """Moodle before 4.1 writes ``<group>-<full name>``: try the whole, then after each dash."""
    found = roster.by_name(name)
    if found:
        return found
    for i, char in enumerate(name):
        if char == "-":
            found = roster.by_name(name[i + 1:])
            if found:
                return found
    return set()


def resolve(entry: Entry, roster: Roster, *, groups: bool = False) -> Match:
    """Return the learner(s) ``entry`` belongs to, or the reason it belongs to nobody."""
    rows = roster.rows
    if not rows:
        if entry.anonymous_id:
            return Match(problem="anonymous submission: give a roster with an 'anonymous_id' "
                                 "column, or download again after identities are shown")
        owner = SAFE_ID.sub("_", entry.lms_id).strip("._")
        if entry.scheme == "moodle" and not entry.lms_id:
            return Match(problem=f"Moodle group '{entry.name}' without a roster")
        return Match(students=(owner,)) if owner else Match(problem="no owner in the name")
    if entry.anonymous_id:
        found = set(roster.anonymous.get(_fold(entry.anonymous_id), set()))
        if len(found) == 1:
            return Match(students=tuple(found))
        if found:
            return Match(problem=f"anonymous id '{entry.anonymous_id}' is on several roster "
                                 f"rows: {_listing(found, rows)}", ambiguous=True)
        return Match(problem=f"anonymous submission 'anon_{entry.anonymous_id}' (Canvas "
                             "anonymous grading): no roster row has this anonymous_id")
    if groups and entry.scheme == "moodle" and not entry.blind:
        group, members = roster.group(entry.name)
        if members:  # Moodle 4.1+ team folder: <group name>_<group id>
            return Match(students=tuple(sorted(members)), group=group)
    by_id = roster.by_id(entry.lms_id)
    if entry.scheme == "folder":
        if len(by_id) == 1:
            return Match(students=tuple(by_id))
        by_name = roster.by_name(entry.lms_id) if not by_id else set()
        if len(by_name) == 1:
            return Match(students=tuple(by_name))
        found = by_id or by_name
        if found:
            return Match(problem=f"'{entry.lms_id}' matches several learners: "
                                 f"{_listing(found, rows)}", ambiguous=True)
        return Match(problem=f"no roster learner has the id or name '{entry.lms_id}'")
    by_name = (set() if entry.blind or not entry.name
               else _by_name_with_group_prefix(roster, entry.name))
    if len(by_id) > 1:
        return Match(problem=f"LMS id {entry.lms_id} is on several roster rows: "
                             f"{_listing(by_id, rows)}", ambiguous=True)
    if by_id:
        if by_name and not by_name & by_id:
            return Match(problem=f"the name '{entry.name}' is {_listing(by_name, rows)} in the "
                                 f"roster but LMS id {entry.lms_id} is {_listing(by_id, rows)}; "
                                 "correct the roster", ambiguous=True)
        return Match(students=tuple(by_id))
    if entry.blind:
        return Match(problem=f"blind marking: participant {entry.lms_id} is not in the roster's "
                             "lms_id column (copy it from Moodle's grading worksheet)")
    if len(by_name) == 1:
        return Match(students=tuple(by_name))
    if by_name:
        return Match(problem=f"the name '{entry.name}' matches several learners: "
                             f"{_listing(by_name, rows)}; add their lms_id to the roster",
                     ambiguous=True)
    what = f"name '{entry.name}'" if entry.name else "no name"
    return Match(problem=f"{what} and LMS id {entry.lms_id or '(none)'} match no roster learner")


def _bytes(content: bytes | Path) -> bytes:
    return content.read_bytes() if isinstance(content, Path) else content


def _notebook_name(filename: str, notebooks: list[str]) -> str:
    """Return the module notebook a submitted file stands for (LMS downloads rename files)."""
    stem = Path(filename).stem
    for nb in notebooks:
        if stem == nb or re.fullmatch(rf"{re.escape(nb)}(?:[-_ ]?\(?\d+\)?)?", stem):
            return f"{nb}.ipynb"
    return Path(filename).name


# -- the pipeline -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """One file for one learner: where it came from, and the group it was shared by, if any."""

    student: str
    filename: str
    content: bytes | Path
    origin: str
    group: str = ""


def match_entries(entries: list[tuple[str, bytes | Path]], module: Module, people: Roster,
                  groups: bool, summary: CollectSummary) -> list[Placement]:
    """Return a placement per (file, learner); files that match nobody, or several learners,
    are reported in ``summary`` and left out."""
    placements: list[Placement] = []
    for name, content in entries:
        entry = parse_entry(name, module.id)
        if entry is None:
            continue
        if not entry.filename.endswith(".ipynb") and entry.filename != "timestamp.txt":
            summary.notes.append(f"skipped {name}: not a notebook")
            continue
        match = resolve(entry, people, groups=groups)
        if not match.students:
            (summary.ambiguous if match.ambiguous else summary.unmatched).append(
                f"NOT imported {name}: {match.problem}")
            continue
        filename = entry.filename
        if filename.endswith(".ipynb"):
            filename = _notebook_name(filename, list(module.notebooks))
        members, group = set(match.students), match.group
        if groups and not group and len(members) == 1:  # a Canvas group's representative
            student = next(iter(members))
            group, members = people.group(people.rows.get(student, {}).get("group", ""))
            if len(members) < 2:
                group, members = "", {student}
        placements += [Placement(m, filename, content, name, group) for m in sorted(members)]
    return placements


def assign_files(placements: list[Placement],
                 summary: CollectSummary) -> dict[str, dict[str, Placement]]:
    """Return {student: {file name: placement}}: a learner's own file, else the group's copy.

    Refused (and reported): two own files with one name for one learner; a group whose members
    handed in different files; a group copy for a learner who has their own submission.
    """
    plan: dict[str, dict[str, Placement]] = {}
    for own in (p for p in placements if not p.group):
        previous = plan.get(own.student, {}).get(own.filename)
        if previous is not None:
            summary.ambiguous.append(f"NOT imported {own.origin}: {own.student} already has "
                                     f"{own.filename} from {previous.origin}; remove one of "
                                     "the two")
            continue
        plan.setdefault(own.student, {})[own.filename] = own
    shared: dict[tuple[str, str], list[Placement]] = {}
    for copy in (p for p in placements if p.group):
        shared.setdefault((copy.group, copy.filename), []).append(copy)
    for (group, filename), copies in shared.items():
        if len({_bytes(c.content) for c in copies}) > 1:
            origins = sorted({c.origin for c in copies})
            summary.ambiguous.append(f"NOT imported {filename} of group {group}: different "
                                     f"files from {', '.join(origins)}")
            continue
        for copy in copies:
            if copy.student in plan and not any(p.group for p in plan[copy.student].values()):
                summary.ambiguous.append(f"NOT copied {copy.origin} (group {group}) to "
                                         f"{copy.student}: they have their own submission in "
                                         "the download")
                continue
            plan.setdefault(copy.student, {}).setdefault(filename, copy)
    return plan


def write_submissions(plan: dict[str, dict[str, Placement]], layout: GradingLayout,
                      module_id: str, summary: CollectSummary) -> None:
    """Replace each planned learner's submission folder with their files."""
    for student, files in sorted(plan.items()):
        target = layout.submission(module_id, student)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        summary.collected[student] = []
        for filename, placement in sorted(files.items()):
            destination = target / Path(filename).name
            if isinstance(placement.content, Path):
                shutil.copyfile(placement.content, destination)
            else:
                destination.write_bytes(placement.content)
            summary.collected[student].append(destination.name)
            if placement.group:
                summary.notes.append(f"{student}: {destination.name} copied from "
                                     f"{placement.origin} (group {placement.group})")


def collect_submissions(module_id: str, path: Path, *, root: Path | None = None,
                        course: Path | str | None = None, roster: Path | None = None,
                        groups: bool = False) -> CollectSummary:
    """Copy the submissions of ``module_id`` from ``path`` (folder or zip) into the course.

    With ``groups``, a group's submission (Moodle team folder, or a Canvas representative's
    files) is copied to every roster member of that group (roster column ``group``).
    """
    from academy.curriculum import load_curriculum
    from academy.grading.layout import grading_layout

    curriculum = load_curriculum(root)
    module = curriculum.module(module_id)
    layout = grading_layout(curriculum.root, course)
    people = Roster(read_roster(roster))
    if groups and not people.groups:
        raise CollectError("--groups needs a roster with a 'group' column naming each "
                           "learner's group")
    summary = CollectSummary()
    entries = read_entries(path, summary.notes)
    placements = match_entries(entries, module, people, groups, summary)
    plan = assign_files(placements, summary)
    write_submissions(plan, layout, module.id, summary)
    missing = sorted(set(people.rows) - set(plan))
    if missing:
        summary.notes.append(f"no submission from {len(missing)} roster learners: "
                             + ", ".join(missing))
    return summary
