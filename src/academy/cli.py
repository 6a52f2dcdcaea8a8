"""The `academy` command line: a thin layer over the toolkit's typed functions.

Heavy libraries are imported inside the commands so that `academy --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

COURSE_DIR_HELP = ("Course working folder (default: $ACADEMY_COURSE_DIR, or course/ in the "
                   "repository).")


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.group(help="Global Classroom toolkit: validate, release, grade and publish the curriculum.")
@click.version_option(package_name="academy")
def main() -> None:
    pass


@main.command(help="Validate the curriculum files and the data package; list every problem.")
def validate() -> None:
    from academy.curriculum import CurriculumError, load_curriculum
    from academy.data import DatasetError, validate_package

    try:
        curriculum = load_curriculum()
        problems = validate_package(curriculum.root)
    except (CurriculumError, DatasetError) as exc:
        _fail(str(exc))
        return
    if problems:
        _fail("\n".join(problems))
    click.echo(f"OK: {len(curriculum.modules)} modules, data package valid.")


@main.group(help="Curated datasets and their upstream sources.")
def data() -> None:
    pass


@data.command(name="list", help="List the curated datasets with their titles and sources.")
def data_list() -> None:
    from academy.data import dataset_names, describe

    for name in dataset_names():
        info = describe(name)
        flag = " [synthetic]" if info.synthetic else ""
        click.echo(f"{name}{flag}: {info.title}")
        for source in info.sources:
            click.echo(f"    - {source.citation()}")


@data.command(name="fetch", help="Download the full upstream dataset NAME (needs the internet) "
              "into the user cache, check and parse it. Without NAME, list what can be fetched.")
@click.argument("name", required=False)
@click.option("--url", default=None, help="Download from this URL instead of the configured one "
              "(also: $ACADEMY_URL_<NAME>).")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Cache folder (default: $ACADEMY_CACHE_DIR or ~/.cache/academy).")
@click.option("--force", is_flag=True, help="Download again even if a cached copy exists.")
def data_fetch(name: str | None, url: str | None, cache_dir: Path | None, force: bool) -> None:
    from academy.upstream import UpstreamError, describe_upstream, load_upstream, upstream_names

    if not name:
        for known in upstream_names():
            info = describe_upstream(known)
            click.echo(f"{known}: {info.title} ({info.publisher}, {info.licence})")
        return
    try:
        frame = load_upstream(name, url=url, cache_dir=cache_dir, force=force)
    except (UpstreamError, KeyError) as exc:
        _fail(str(exc))
        return
    click.echo(f"{name}: {len(frame):,} rows, columns {', '.join(map(str, frame.columns))}")
    click.echo(f"cached at {frame.attrs.get('path', '?')}")


@main.command(help="Execute the source notebooks (with solutions); unchanged modules are skipped.")
@click.argument("modules", nargs=-1)
def execute(modules: tuple[str, ...]) -> None:
    from academy.curriculum import load_curriculum
    from academy.execute import ExecutionError, execute_modules

    curriculum = load_curriculum()
    try:
        results = execute_modules(curriculum, modules=list(modules) or None,
                                  cache_file=curriculum.root / ".academy-cache" / "executed.json")
    except ExecutionError as exc:
        _fail(str(exc))
        return
    for result in results:
        state = "cached" if result.cached else f"{result.seconds:.1f} s"
        click.echo(f"{result.notebook.relative_to(curriculum.root)}: {state}")


@main.command(help="Generate the nbgrader student versions of MODULE (default: all modules); "
                   "with --to-exchange, also release them to nbgrader's exchange on a hub.")
@click.argument("module", required=False)
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
@click.option("--to-exchange", is_flag=True, default=False,
              help="Release to nbgrader's exchange, where learners fetch it (needs MODULE).")
@click.option("--exchange", type=click.Path(path_type=Path), default=None,
              help="Exchange folder (default: $ACADEMY_EXCHANGE, else nbgrader's Exchange.root).")
def release(module: str | None, course_dir: Path | None, to_exchange: bool,
            exchange: Path | None) -> None:
    from academy.release import ReleaseError, release_all, release_to_exchange

    if to_exchange and not module:
        _fail("--to-exchange releases one module at a time: name the MODULE.")
        return
    try:
        if to_exchange and module:
            folders = [release_to_exchange(module, course=course_dir, exchange=exchange)]
        else:
            folders = release_all(course=course_dir, modules=[module] if module else None)
    except (ReleaseError, KeyError) as exc:
        _fail(str(exc))
        return
    for folder in folders:
        click.echo(f"released: {folder}")


@main.command(help="Build the Jupyter Book (learner edition by default) as HTML.")
@click.option("--edition", type=click.Choice(["learner", "instructor"]), default="learner",
              show_default=True, help="The learner edition has no solutions or hidden tests.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def book(edition: str, course_dir: Path | None) -> None:
    from academy.book import BookError, build_book

    try:
        index = build_book(edition=edition, course=course_dir)
    except BookError as exc:
        _fail(str(exc))
        return
    click.echo(f"book: {index}")


@main.command(help="Set up the whole course: validate, execute, release and build the book.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def course(course_dir: Path | None) -> None:
    from academy.course import CourseError, build_course

    try:
        report = build_course(course=course_dir, echo=click.echo)
    except CourseError as exc:
        _fail(str(exc))
        return
    click.echo("")
    click.secho("The course is ready.", fg="green", bold=True)
    click.echo(f"  Book (open in a browser): {report.book_index}")
    click.echo(f"  Student notebooks:        {report.release_dir}")


@main.group(help="Host a class on one Linux server with JupyterHub and nbgrader's exchange.")
def hub() -> None:
    pass


@hub.command(name="init", help="Prepare this server for a class (run as root): accounts from the "
                               "roster, the exchange, nbgrader and JupyterHub configuration.")
@click.option("--users", "roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="Roster CSV with columns username, role (learner or "
                                  "instructor) and optionally name.")
@click.option("--course-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The instructor's checkout of the curriculum, copied from this repository if "
                   "absent (default: ~INSTRUCTOR/global-classroom).")
@click.option("--env", type=click.Path(path_type=Path), default=Path("/opt/global-classroom/env"),
              show_default=True, help="Python environment every account runs (make hub-env).")
@click.option("--prefix", type=click.Path(file_okay=False, path_type=Path), default=Path("/"),
              show_default=True, help="Root under which etc/jupyter and srv/ are written.")
@click.option("--spawner", type=click.Choice(["systemd", "local"]), default="systemd",
              show_default=True, help="systemd enforces the memory and CPU limits; local runs "
                                      "plain processes with per-process limits only.")
@click.option("--mem-limit", default="2G", show_default=True, help="Memory per learner server.")
@click.option("--cpu-limit", type=float, default=1.0, show_default=True,
              help="CPUs per learner server.")
@click.option("--port", type=int, default=8000, show_default=True, help="The hub's public port.")
@click.option("--proxy", default="configurable-http-proxy", show_default=True,
              help="configurable-http-proxy command (make hub-proxy installs one in deploy/).")
@click.option("--no-create-users", is_flag=True, default=False,
              help="Do not create Linux accounts (they already exist).")
def hub_init(roster: Path, course_root: Path | None, env: Path, prefix: Path, spawner: str,
             mem_limit: str, cpu_limit: float, port: int, proxy: str,
             no_create_users: bool) -> None:
    from academy.hub import HubSettings, HubSetupError, RosterError, read_roster
    from academy.hub import hub_init as run_hub_init

    try:
        instructor = read_roster(roster).instructors[0]
    except RosterError as exc:
        _fail(str(exc))
        return
    course_root = course_root or Path("/home") / instructor / "global-classroom"
    settings = HubSettings(course_root=course_root.resolve(), env=env,
                           prefix=prefix.resolve(), spawner="local" if spawner == "local"
                           else "systemd", mem_limit=mem_limit, cpu_limit=cpu_limit, port=port,
                           proxy_command=(proxy,))
    try:
        report = run_hub_init(roster, settings, create_users=not no_create_users,
                              echo=click.echo)
    except (RosterError, HubSetupError, PermissionError) as exc:
        _fail(str(exc))
        return
    click.secho("The hub is prepared.", fg="green", bold=True)
    click.echo(f"  Start it with: jupyterhub -f {report.hub_config}")
