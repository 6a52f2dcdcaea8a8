"""Hub: prepare one Linux server to host a class with JupyterHub and nbgrader's exchange.

We do not write a multi-user server: JupyterHub runs the learners' servers and nbgrader's
exchange carries release, fetch, submit, collect and feedback. ``hub_init`` prepares a server
for them as a list of small steps, each a function that tests call on their own:

    create_accounts         one Linux account per roster entry, home folders private (0700)
    place_course_checkout   the instructor's copy of the curriculum, unless one is there
    create_exchange         nbgrader's exchange folder: world-writable with the sticky bit
    build_learner_share     what learners' notebooks read: curriculum, data, student versions
    write_nbgrader_config   system-wide nbgrader configuration: course id and exchange
    write_learner_config    learners' servers without the instructor's formgrader
    write_instructor_config the instructor's nbgrader configuration, pointing at modules/
    hand_course_to_instructor  the instructor's course folder belongs to the instructor
    write_hub_config        jupyterhub_config.py: roster, authenticator, spawner, limits

Every path lives under ``HubSettings.prefix`` ("/" on a real server), so tests prepare a whole
hub inside a temporary folder.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from academy.course_core import (
    COURSE_ID,
    CourseLayout,
    course_layout,
    nbgrader_config_lines,
    nbgrader_settings,
)
from academy.errors import AcademyError

ROLES = ("learner", "instructor")
# Linux account names that useradd accepts everywhere and that are also safe in hub URLs.
_USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
# nbgrader's lab plugins that only an instructor needs; learners keep the Assignments tab.
INSTRUCTOR_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                          "@jupyter/nbgrader:course-list")
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",
                                "nbgrader.server_extensions.course_list")

Authenticator = Literal["native", "dummy"]
SpawnerKind = Literal["systemd", "local"]


class RosterError(AcademyError, ValueError):
    """The roster file is malformed; the message names the file and the line."""


class HubSetupError(AcademyError, RuntimeError):
    """A step of preparing the hub failed; the message says which and why."""


@dataclass(frozen=True)
class Person:
    """One roster entry: a Linux account and hub user."""

    username: str
    role: str
    name: str = ""


@dataclass(frozen=True)
class Roster:
    """The people of one class, as read from a roster CSV."""

    people: tuple[Person, ...]

    @property
    def learners(self) -> list[str]:
        return [p.username for p in self.people if p.role == "learner"]

    @property
    def instructors(self) -> list[str]:
        return [p.username for p in self.people if p.role == "instructor"]

    @property
    def usernames(self) -> list[str]:
        return [p.username for p in self.people]


def read_roster(path: Path) -> Roster:
    """Return the roster in CSV file ``path`` (columns: username, role[, name]).

    Raises RosterError naming the file and line of every problem: a username Linux would refuse,
    an unknown role, a duplicate, or a class without an instructor.
    """
    problems: list[str] = []
    people: list[Person] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"username", "role"} - set(reader.fieldnames or [])
        if missing:
            raise RosterError(f"{path}: header: missing column(s) {sorted(missing)}")
        for row in reader:
            line = reader.line_num
            username = (row.get("username") or "").strip()
            role = (row.get("role") or "").strip().lower()
            if not _USERNAME.match(username):
                problems.append(f"{path}:{line}: username: '{username}' is not a valid Linux "
                                "account name (lower case letters, digits, _ and -, at most 32)")
            if role not in ROLES:
                problems.append(f"{path}:{line}: role: '{role}' is not one of {list(ROLES)}")
            if username in [p.username for p in people]:
                problems.append(f"{path}:{line}: username: '{username}' appears twice")
            people.append(Person(username, role, (row.get("name") or "").strip()))
    roster = Roster(tuple(people))
    if not roster.instructors:
        problems.append(f"{path}: role: no instructor in the roster")
    if problems:
        raise RosterError("\n".join(problems))
    return roster


@dataclass(frozen=True)
class HubSettings:
    """Where a hosted class lives on the server, and how learners' servers run.

    ``course_root`` is the instructor's checkout of the curriculum (with modules/, the source
    notebooks); ``env`` is the Python environment every account can run (``make hub-env``).
    """

    course_root: Path
    env: Path = Path(f"/opt/{COURSE_ID}/env")
    prefix: Path = Path("/")
    course_dir: Path | None = None
    authenticator: Authenticator = "native"
    spawner: SpawnerKind = "systemd"
    mem_limit: str = "2G"
    cpu_limit: float = 1.0
    max_processes: int = 256
    ip: str = ""
    port: int = 8000
    proxy_command: tuple[str, ...] = ("configurable-http-proxy",)
    home_root: Path = Path("/home")
    dummy_password: str = ""
    extra_environment: dict[str, str] = field(default_factory=dict)

    @property
    def exchange(self) -> Path:
        return self.prefix / "srv" / "nbgrader" / "exchange"

    @property
    def config_dir(self) -> Path:
        return self.prefix / "etc" / "jupyter"

    @property
    def learner_config_dir(self) -> Path:
        return self.config_dir / "learner"

    @property
    def hub_dir(self) -> Path:
        return self.prefix / "srv" / "jupyterhub"

    @property
    def learner_share(self) -> Path:
        return self.prefix / "srv" / COURSE_ID / "share"

    @property
    def layout(self) -> CourseLayout:
        return course_layout(self.course_root, self.course_dir)

    def home(self, username: str) -> Path:
        """Return the account's home folder (where useradd puts it, for a new account)."""
        try:
            return Path(pwd.getpwnam(username).pw_dir)
        except KeyError:
            return self.home_root / username


@dataclass(frozen=True)
class HubReport:
    """What ``hub_init`` prepared: the files to start the hub with and the accounts it made."""

    hub_config: Path
    exchange: Path
    created_accounts: tuple[str, ...]
    steps: tuple[str, ...]


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise HubSetupError(f"{' '.join(command)} failed ({result.returncode}): "
                            f"{result.stderr.strip()}")


def account_exists(username: str) -> bool:
    """Return whether a Linux account ``username`` exists."""
    try:
        pwd.getpwnam(username)
    except KeyError:
        return False
    return True


def create_accounts(roster: Roster, settings: HubSettings) -> list[str]:
    """Create a Linux account for every roster entry that lacks one; return those created.

    Home folders are made private (0700) whether new or not: a learner's work is theirs alone.
    """
    created: list[str] = []
    for person in roster.people:
        if not account_exists(person.username):
            _run(["useradd", "--create-home", "--base-dir", str(settings.home_root),
                  "--shell", "/bin/bash", "--comment", person.name or person.role,
                  person.username])
            created.append(person.username)
        home = Path(pwd.getpwnam(person.username).pw_dir)
        home.mkdir(parents=True, exist_ok=True)
        os.chmod(home, 0o700)
    return created


def create_exchange(settings: HubSettings) -> Path:
    """Create nbgrader's exchange folder and return it.

    nbgrader's documented mode is world-writable (each course folder inside then gets the
    instructor's permissions on release); the sticky bit keeps anyone from removing or renaming
    another user's course folder.
    """
    exchange = settings.exchange
    exchange.mkdir(parents=True, exist_ok=True)
    for parent in [exchange.parent, *exchange.parent.parents]:
        if parent == settings.prefix or parent == parent.parent:
            break
        os.chmod(parent, os.stat(parent).st_mode | 0o055)  # traversable by learners
    os.chmod(exchange, 0o1777)
    return exchange


def _python_config(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def default_course_root(instructor: str, home_root: Path = Path("/home")) -> Path:
    """Return where the instructor's checkout of the curriculum goes by default."""
    return home_root / instructor / COURSE_ID


def write_nbgrader_config(settings: HubSettings) -> Path:
    """Write the system-wide nbgrader_config.py (course id, exchange); return its path."""
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    path = settings.config_dir / "nbgrader_config.py"
    path.write_text(_python_config([
        '"""System-wide nbgrader configuration of the Global Classroom hub (academy hub init)."""',
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {COURSE_ID!r}",
        f"c.Exchange.root = {str(settings.exchange)!r}",
    ]))
    os.chmod(path, 0o644)
    return path


def write_learner_config(settings: HubSettings) -> Path:
    """Write the learners' server configuration: no formgrader, Assignments tab kept.

    The instructor-only nbgrader parts would only confuse learners (they run with the learner's
    own permissions, so hiding them is about clarity, not security). Returns the folder.
    """
    folder = settings.learner_config_dir
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    server = {"ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS,
                                                                 False)}}
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n")
    page = {"disabledExtensions": dict.fromkeys(INSTRUCTOR_LAB_PLUGINS, True)}
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n")
    for path in [folder, folder / "labconfig"]:
        os.chmod(path, 0o755)
    return folder


def render_instructor_config(settings: HubSettings) -> str:
    """Return the instructor's nbgrader_config.py: the course layout of academy, plus exchange."""
    lines = ['"""The instructor\'s nbgrader configuration (academy hub init)."""',
             "c = get_config()  # noqa: F821",
             *nbgrader_config_lines(nbgrader_settings(settings.layout, settings.exchange))]
    return _python_config(lines)


def write_instructor_config(settings: HubSettings, instructor: str) -> Path:
    """Write ``instructor``'s ~/.jupyter/nbgrader_config.py; return its path."""
    folder = settings.home(instructor) / ".jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nbgrader_config.py"
    path.write_text(render_instructor_config(settings))
    if account_exists(instructor):
        _chown_tree(folder, instructor)
    return path


def build_learner_share(settings: HubSettings) -> Path:
    """Copy what learners' notebooks read, without solutions; return the share folder.

    Learners' notebooks load the curriculum and the data package ($ACADEMY_ROOT). The share holds
    curriculum/, datasets/ and each module's module.yml beside its *student version* (from the
    course's release folder, generated if missing): the source notebooks stay with the instructor.
    """
    from academy.curriculum import load_curriculum
    from academy.release import release_module

    curriculum = load_curriculum(settings.course_root)
    share = settings.learner_share
    if share.exists():
        shutil.rmtree(share)
    share.mkdir(parents=True)
    for name in ("curriculum", "datasets"):
        shutil.copytree(curriculum.root / name, share / name)
    for module in curriculum.modules:
        released = settings.layout.release / module.id
        if not all((released / f"{nb}.ipynb").is_file() for nb in module.notebooks):
            release_module(module.id, course=settings.layout.course, curriculum=curriculum)
        target = share / "modules" / module.id
        target.mkdir(parents=True)
        shutil.copy2(module.folder / "module.yml", target / "module.yml")
        for notebook in module.notebooks:
            shutil.copy2(released / f"{notebook}.ipynb", target / f"{notebook}.ipynb")
    _make_world_readable(share.parent)
    return share


COURSE_FILES = ("curriculum", "datasets", "modules", "nbgrader_config.py")


def place_course_checkout(settings: HubSettings, source_root: Path) -> bool:
    """Copy the curriculum from ``source_root`` to the instructor's course root if it is absent.

    Returns whether it copied. An instructor who keeps the curriculum in git clones it there
    before `academy hub init` instead; an existing checkout is never touched.
    """
    if (settings.course_root / "curriculum" / "programme.yml").is_file():
        return False
    settings.course_root.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        source = source_root / name
        if source.is_dir():
            shutil.copytree(source, settings.course_root / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif source.is_file():
            shutil.copy2(source, settings.course_root / name)
    return True


def hand_course_to_instructor(settings: HubSettings, instructor: str) -> None:
    """Give the course checkout and working folder to ``instructor``, private to them (0700)."""
    for folder in {settings.course_root, settings.layout.course}:
        folder.mkdir(parents=True, exist_ok=True)
        _chown_tree(folder, instructor)
        os.chmod(folder, 0o700)


def render_hub_config(settings: HubSettings, roster: Roster) -> str:
    """Return a jupyterhub_config.py for ``roster`` on this server."""
    singleuser = str(settings.env / "bin" / "jupyterhub-singleuser")
    if settings.spawner == "systemd":
        spawner = [
            "# SystemdSpawner (as in The Littlest JupyterHub) runs each server as the learner's",
            "# Linux account in its own systemd unit, where mem_limit and cpu_limit are enforced.",
            'c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"',
            "c.SystemdSpawner.dynamic_users = False",
            "c.SystemdSpawner.isolate_tmp = True",
            "c.SystemdSpawner.disable_user_sudo = True",
            f"c.Spawner.cmd = [{singleuser!r}]",
        ]
    else:
        limits = [f"--as={_bytes(settings.mem_limit)}", f"--nproc={settings.max_processes}"]
        spawner = [
            "# LocalProcessSpawner runs each server as the learner's Linux account. It cannot",
            "# enforce mem_limit or cpu_limit; prlimit caps each process's memory and the",
            "# number of processes of the account instead.",
            'c.JupyterHub.spawner_class = "localprocess"',
            f"c.Spawner.cmd = {['prlimit', *limits, '--', singleuser]!r}",
        ]
    if settings.authenticator == "native":
        authenticator = [
            "# NativeAuthenticator: learners sign up with their roster name and choose a",
            "# password; the instructor approves each sign-up at /hub/authorize. No email needed.",
            'c.JupyterHub.authenticator_class = "native"',
            "c.NativeAuthenticator.open_signup = False",
            "c.NativeAuthenticator.minimum_password_length = 8",
            "c.NativeAuthenticator.check_common_password = True",
            "c.NativeAuthenticator.allowed_failed_logins = 5",
            "c.NativeAuthenticator.seconds_before_next_try = 600",
        ]
    else:
        authenticator = [
            "# DummyAuthenticator: for tests only, never for a class.",
            'c.JupyterHub.authenticator_class = "dummy"',
            f"c.DummyAuthenticator.password = {settings.dummy_password!r}",
        ]
    common = str(settings.config_dir)
    learner = f"{settings.learner_config_dir}{os.pathsep}{common}"
    path_env = f"{settings.env / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    environment = {"ACADEMY_ROOT": str(settings.learner_share), "PATH": path_env,
                   **settings.extra_environment}
    lines = [
        '"""JupyterHub configuration of a Global Classroom hub, generated by `academy hub init`.',
        "",
        "Regenerate it from the roster rather than editing it; see book/hosting.md.",
        '"""',
        "c = get_config()  # noqa: F821",
        "",
        f"INSTRUCTORS = {sorted(roster.instructors)!r}",
        f"LEARNERS = {sorted(roster.learners)!r}",
        "",
        f"c.JupyterHub.ip = {settings.ip!r}",
        f"c.JupyterHub.port = {settings.port}",
        'c.JupyterHub.hub_ip = "127.0.0.1"',
        f"c.JupyterHub.db_url = {'sqlite:///' + str(settings.hub_dir / 'jupyterhub.sqlite')!r}",
        f"c.JupyterHub.cookie_secret_file = {str(settings.hub_dir / 'jupyterhub_cookie_secret')!r}",
        f"c.ConfigurableHTTPProxy.command = {list(settings.proxy_command)!r}",
        f"c.ConfigurableHTTPProxy.pid_file = {str(settings.hub_dir / 'proxy.pid')!r}",
        "",
        *authenticator,
        "c.Authenticator.allowed_users = set(INSTRUCTORS + LEARNERS)",
        "c.Authenticator.admin_users = set(INSTRUCTORS)",
        "",
        *spawner,
        f"c.Spawner.mem_limit = {settings.mem_limit!r}",
        f"c.Spawner.cpu_limit = {settings.cpu_limit!r}",
        'c.Spawner.default_url = "/lab"',
        'c.Spawner.notebook_dir = "~"',
        "c.Spawner.start_timeout = 120",
        "c.Spawner.http_timeout = 120",
        f"c.Spawner.environment = {environment!r}",
        "",
        "",
        "def _jupyter_config_path(spawner):",
        '    """Learners get the learner layer (no formgrader); everyone gets the exchange."""',
        "    if spawner.user.name in INSTRUCTORS:",
        f"        return {common!r}",
        f"    return {learner!r}",
        "",
        "",
        'c.Spawner.environment["JUPYTER_CONFIG_PATH"] = _jupyter_config_path',
        "",
        "# Instructors grade in the formgrader of their own server; nothing else needs a role.",
        "c.JupyterHub.load_roles = [",
        '    {"name": "instructor", "scopes": ["admin:users", "admin:servers", "list:users"],',
        '     "users": INSTRUCTORS},',
        "]",
    ]
    return _python_config(lines)


def write_hub_config(settings: HubSettings, roster: Roster) -> Path:
    """Write jupyterhub_config.py into the hub folder (private to root); return its path."""
    settings.hub_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(settings.hub_dir, 0o700)
    path = settings.hub_dir / "jupyterhub_config.py"
    path.write_text(render_hub_config(settings, roster))
    return path


def hub_init(roster_path: Path, settings: HubSettings, *, create_users: bool = True,
             source_root: Path | None = None,
             echo: Callable[[str], None] = lambda _: None) -> HubReport:
    """Prepare this server to host the class in ``roster_path``; return what was prepared.

    Runs the steps listed in this module's docstring, in order. ``source_root`` is the
    curriculum copied to the instructor when they have no checkout yet (default: this
    repository). Needs root to create accounts and hand files to them.
    """
    from academy.paths import project_root

    roster = read_roster(roster_path)
    instructor = roster.instructors[0]
    steps: list[str] = []

    def step(name: str) -> None:
        steps.append(name)
        echo(f"hub init: {name}")

    created: list[str] = []
    if create_users:
        created = create_accounts(roster, settings)
        step(f"accounts ({len(created)} created, {len(roster.people)} in the roster)")
    if place_course_checkout(settings, source_root or project_root()):
        step(f"course checkout copied to {settings.course_root}")
    exchange = create_exchange(settings)
    step(f"exchange {exchange}")
    share = build_learner_share(settings)
    step(f"learner share {share}")
    step(f"nbgrader config {write_nbgrader_config(settings)}")
    step(f"learner server config {write_learner_config(settings)}")
    step(f"instructor config {write_instructor_config(settings, instructor)}")
    if account_exists(instructor):
        hand_course_to_instructor(settings, instructor)
        step(f"course {settings.course_root} handed to {instructor}")
    hub_config = write_hub_config(settings, roster)
    step(f"hub config {hub_config}")
    return HubReport(hub_config=hub_config, exchange=exchange, created_accounts=tuple(created),
                     steps=tuple(steps))


def _bytes(size: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = size.strip().upper()
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _chown_tree(folder: Path, username: str) -> None:
    entry = pwd.getpwnam(username)
    for dirpath, dirnames, filenames in os.walk(folder):
        os.chown(dirpath, entry.pw_uid, entry.pw_gid)
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid,
                     follow_symlinks=False)


def _make_world_readable(folder: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)
