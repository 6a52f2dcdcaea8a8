"""The `academy` command line: a thin layer over the toolkit's typed functions.

Heavy libraries are imported inside the commands so that `academy --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

COURSE_DIR_HELP = ("Course working folder (default: $ACADEMY_COURSE_DIR, or course/ in the "
                   "repository).")


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


class AcademyGroup(click.Group):
    """The command group: a module id that is not in the programme ends any command with one
    plain message naming the known modules, whichever command was given it."""

    def invoke(self, ctx: click.Context) -> Any:
        from academy.curriculum import UnknownModuleError

        try:
            return super().invoke(ctx)
        except UnknownModuleError as exc:
            _fail(str(exc))


@click.group(cls=AcademyGroup,
             help="Global Classroom toolkit: validate, release, grade and publish the curriculum.")
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
    except ReleaseError as exc:
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


@main.command(help="Build the offline course pack (zip): the learner book as HTML that opens from "
                   "disk, the learner notebooks, the datasets, the toolkit and a set-up guide.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The zip file to write (default: dist/COURSE_ID-pack.zip).")
@click.option("--no-build", is_flag=True,
              help="Use the release and learner book already built instead of rebuilding them.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def pack(output: Path | None, no_build: bool, course_dir: Path | None) -> None:
    from academy.book import BookError
    from academy.pack import SIZE_TARGET_BYTES, PackError, build_pack, format_size
    from academy.release import ReleaseError

    try:
        report = build_pack(course=course_dir, output=output, build=not no_build)
    except (PackError, BookError, ReleaseError) as exc:
        _fail(str(exc))
        return
    click.echo(f"pack: {report.path}")
    click.echo(f"  learner tree (for the launch branch): {report.tree}")
    click.echo(f"  {report.files} files, {format_size(report.size_bytes)} zipped "
               f"(target: under {format_size(SIZE_TARGET_BYTES)})")
    for part, size in report.parts.items():
        click.echo(f"    {part + '/':<12} {format_size(size)} unzipped")
    if not report.within_target:
        click.secho("The pack is larger than the target.", fg="yellow", err=True)


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


# -- instructor grading -------------------------------------------------------------------------
@main.command(help="Import submissions of MODULE from a folder of <student_id>/<notebook>.ipynb "
                   "or from a Moodle or Canvas submissions zip.")
@click.argument("module")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--roster", type=click.Path(exists=True, path_type=Path), default=None,
              help="CSV mapping LMS names/ids to student ids (columns: student_id and any of "
                   "lms_id, name, email, username).")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def collect(module: str, path: Path, roster: Path | None, course_dir: Path | None) -> None:
    from academy.grading.collect import CollectError, collect_submissions

    try:
        summary = collect_submissions(module, path, roster=roster, course=course_dir)
    except CollectError as exc:
        _fail(str(exc))
        return
    for student, files in sorted(summary.collected.items()):
        click.echo(f"{student}: {', '.join(files)}")
    for warning in summary.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(f"collected {len(summary.collected)} submissions of {module}")


@main.command(help="Autograde every collected submission of MODULE into the gradebook, in "
                   "parallel and sandboxed. Re-running completes an interrupted batch.")
@click.argument("module")
@click.option("--jobs", "-j", type=int, default=0, show_default=True,
              help="Submissions graded at once (0: one per CPU core).")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds a cell may run before it is interrupted (then killed).")
@click.option("--memory", "memory_mb", type=int, default=2048, show_default=True,
              help="Memory limit per submission in MB.")
@click.option("--sandbox", type=click.Choice(["auto", "on", "off"]), default="auto",
              show_default=True, help="Run learners' code in bubblewrap: auto falls back to "
                                      "resource limits only (with a warning) where it is missing.")
@click.option("--force", is_flag=True, help="Regrade submissions that already have a result.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def grade(module: str, jobs: int, timeout: float, memory_mb: int, sandbox: str, force: bool,
          course_dir: Path | None) -> None:
    import warnings

    from academy.grading.autograde import GradingError, grade_module
    from academy.grading.sandbox import SandboxUnavailableError

    bar: list[object] = []

    def on_start(total: int) -> None:
        try:
            from tqdm import tqdm
            bar.append(tqdm(total=total, unit="submission", desc=f"grading {module}"))
        except ImportError:
            pass

    def progress(step: int) -> None:
        for b in bar:
            b.update(step)  # type: ignore[attr-defined]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            summary = grade_module(module, course=course_dir, jobs=jobs, timeout=timeout,
                                   memory_mb=memory_mb, sandbox=sandbox, force=force,
                                   on_start=on_start, progress=progress)
        except (GradingError, SandboxUnavailableError) as exc:
            _fail(str(exc))
            return
        finally:
            for b in bar:
                b.close()  # type: ignore[attr-defined]
    for warning in caught:
        if "sandbox" in str(warning.message).lower():
            click.secho(f"warning: {warning.message}", fg="yellow", err=True)
    for result in summary.results:
        flag = " (needs attention)" if result.needs_attention else ""
        click.echo(f"{result.student}: {result.score:g}/{result.max_score:g}{flag}")
    for failure in summary.failed:
        click.secho(f"not graded (grader error, re-run to retry): {failure}", fg="red", err=True)
    click.echo(f"graded {len(summary.graded)}, already graded {len(summary.skipped)}, "
               f"in {summary.seconds:.1f} s ({'sandboxed' if summary.sandboxed else 'NO sandbox'})")


@main.group(help="Grade manual (reflection) answers against the module's rubric in a spreadsheet.")
def rubric() -> None:
    pass


@rubric.command(name="export", help="Write MODULE's manual answers and rubric criteria as CSV.")
@click.argument("module")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The CSV sheet to write.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def rubric_export(module: str, output: Path, course_dir: Path | None) -> None:
    from academy.grading.rubric import export_rubric_sheet

    output.write_text(export_rubric_sheet(module, course=course_dir), encoding="utf-8")
    click.echo(f"rubric sheet: {output}")


@rubric.command(name="import", help="Write the rubric scores and comments of SHEET into the "
                                    "gradebook.")
@click.argument("module")
@click.argument("sheet", type=click.Path(exists=True, path_type=Path))
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def rubric_import(module: str, sheet: Path, course_dir: Path | None) -> None:
    from academy.grading.rubric import RubricSheetError, import_rubric_sheet

    try:
        outcome = import_rubric_sheet(module, sheet, course=course_dir)
    except RubricSheetError as exc:
        _fail(str(exc))
        return
    click.echo(f"imported {len(outcome.scores)} rubric grades; {len(outcome.blank)} rows blank")


@main.command(help="Write one HTML feedback page per learner of MODULE (no hidden test code).")
@click.argument("module")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def feedback(module: str, course_dir: Path | None) -> None:
    from academy.grading.feedback import write_feedback

    pages = write_feedback(module, course=course_dir)
    click.echo(f"wrote {len(pages)} feedback pages under "
               f"{pages[0].parents[2] if pages else 'the feedback folder'}")


@main.command(name="export", help="Export grades from the gradebook: csv, Moodle's grade import "
                                  "or a Canvas gradebook CSV.")
@click.option("--format", "fmt", type=click.Choice(["csv", "moodle", "canvas"]), default="csv",
              show_default=True, help="csv: one row per student and module; moodle: Moodle's "
                                      "Import grades (CSV); canvas: fills --template.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--template", type=click.Path(exists=True, path_type=Path), default=None,
              help="Canvas only: the gradebook CSV exported from Canvas.")
@click.option("--roster", type=click.Path(exists=True, path_type=Path), default=None,
              help="CSV mapping student_id to LMS columns (lms_id, email, username, sis_id).")
@click.option("--moodle-identifier", type=click.Choice(["id_number", "email", "username"]),
              default="id_number", show_default=True,
              help="Moodle only: the user field that identifies students.")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def export_command(fmt: str, output: Path | None, template: Path | None, roster: Path | None,
                   moodle_identifier: str, course_dir: Path | None) -> None:
    from academy.grading.export import ExportError, export_grades

    try:
        text = export_grades(fmt=fmt, course=course_dir, template=template, roster=roster,
                             moodle_identifier=moodle_identifier)
    except ExportError as exc:
        _fail(str(exc))
        return
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"grades: {output}", err=True)


@main.command(help="Write MODULE's HTML class report: score distribution, exercise difficulty "
                   "and discrimination, common failing self-checks, submissions needing "
                   "attention.")
@click.argument("module")
@click.option("--course-dir", type=click.Path(path_type=Path), default=None, help=COURSE_DIR_HELP)
def report(module: str, course_dir: Path | None) -> None:
    from academy.grading.report import write_report

    click.echo(f"report: {write_report(module, course=course_dir)}")


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
                   "absent (default: ~INSTRUCTOR/COURSE_ID).")
@click.option("--env", type=click.Path(path_type=Path), default=None,
              help="Python environment every account runs, built by make hub-env "
                   "(default: /opt/COURSE_ID/env).")
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
    from academy.hub import (
        HubSettings,
        HubSetupError,
        RosterError,
        default_course_root,
        read_roster,
    )
    from academy.hub import hub_init as run_hub_init

    try:
        instructor = read_roster(roster).instructors[0]
    except RosterError as exc:
        _fail(str(exc))
        return
    course_root = course_root or default_course_root(instructor)
    settings = HubSettings(course_root=course_root.resolve(), env=env or HubSettings.env,
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
