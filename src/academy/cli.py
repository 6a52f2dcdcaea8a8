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


@main.command(help="Generate the nbgrader student versions of MODULE (default: all modules).")
@click.argument("module", required=False)
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def release(module: str | None, course_dir: Path | None) -> None:
    from academy.release import ReleaseError, release_all

    try:
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
