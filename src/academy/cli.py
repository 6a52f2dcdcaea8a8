"""The `academy` command line: a thin layer over the toolkit's typed functions.

Heavy libraries are imported inside the commands so that `academy --help` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click


def _fail(message: str) -> NoReturn:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


class AcademyGroup(click.Group):
    """The command group: every expected failure (an AcademyError) ends any command with its
    plain message on standard error and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from academy.errors import AcademyError

            if isinstance(exc, AcademyError):
                _fail(str(exc))
            raise


class FunctionDefault(click.Option):
    """An option whose default is the keyword default of the function the command calls.

    ``default`` is ``"module:function"``; the module is imported only when the default is needed
    (running the command or showing its help), so `academy --help` stays fast.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        target, name = kwargs.pop("default"), kwargs.pop("keyword", None)
        self.target = target
        super().__init__(*args, **kwargs)
        self.keyword = name or self.name
        self.default = self._read
        self.show_default = True

    def _read(self) -> Any:
        import importlib

        module, attribute = self.target.split(":")
        function = importlib.import_module(module)
        for part in attribute.split("."):
            function = getattr(function, part)
        if isinstance(function, type):  # a dataclass: its field's default
            from dataclasses import fields

            return next(f.default for f in fields(function) if f.name == self.keyword)
        return function.__kwdefaults__[self.keyword]

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        return super().get_default(ctx, call=True)  # help shows the value, not "(dynamic)"


def course_dir_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The shared --course-dir option."""
    return click.option("--course-dir", type=click.Path(path_type=Path), default=None,
                        help="Course working folder (default: $ACADEMY_COURSE_DIR, or course/ "
                             "in the repository).")(function)


def write_output(path: Path, text: str) -> None:
    """Write a command's output file; an unwritable path is an expected error."""
    from academy.errors import AcademyError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AcademyError(f"Cannot write {path}: {exc.strerror or exc}") from None


@click.group(cls=AcademyGroup,
             help="Global Classroom toolkit: validate, release, grade and publish the curriculum.")
@click.version_option(package_name="academy")
def main() -> None:
    pass


@main.command(help="Validate the curriculum files and the data package; list every problem.")
def validate() -> None:
    from academy.curriculum import load_curriculum
    from academy.data import validate_package

    curriculum = load_curriculum()
    problems = validate_package(curriculum.root)
    if problems:
        _fail("\n".join(problems))
    click.echo(f"OK: {len(curriculum.modules)} modules, data package valid.")


@main.group(help="Create new curriculum material from the project's templates.")
def new() -> None:
    pass


@new.command(name="module", help="Create module ID (lowercase letters, digits, underscores): its "
                                 "module.yml, a notebook with five template exercises, their "
                                 "wrong answers and a facilitation kit, all marked TODO, and its "
                                 "line in curriculum/programme.yml. It passes every check from "
                                 "the start; nothing existing is overwritten.")
@click.argument("module_id", metavar="ID")
@click.option("--title", default=None, help="The module's title (default: the id in words).")
@click.option("--week", type=int, default=None,
              help="Its week in the programme (default: the week after the last module's).")
def new_module_command(module_id: str, title: str | None, week: int | None) -> None:
    from academy.paths import project_root
    from academy.scaffold import new_module

    root = project_root()
    for path in new_module(root, module_id, title=title, week=week):
        click.echo(f"{'changed' if path.name == 'programme.yml' else 'created'}: "
                   f"{path.relative_to(root)}")
    click.echo(f"Next: replace every TODO, then run `academy validate` and "
               f"`academy audit {module_id}` (CONTRIBUTING.md, \"Add a module\").")


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
    from academy.upstream import describe_upstream, load_upstream, upstream_names

    if not name:
        for known in upstream_names():
            info = describe_upstream(known)
            click.echo(f"{known}: {info.title} ({info.publisher}, {info.licence})")
        return
    try:
        frame = load_upstream(name, url=url, cache_dir=cache_dir, force=force)
    except KeyError as exc:  # an unknown name: the message lists the known ones
        _fail(str(exc))
    click.echo(f"{name}: {len(frame):,} rows, columns {', '.join(map(str, frame.columns))}")
    click.echo(f"cached at {frame.attrs.get('path', '?')}")


@main.command(help="Execute the source notebooks (with solutions); unchanged modules are skipped.")
@click.argument("modules", nargs=-1)
def execute(modules: tuple[str, ...]) -> None:
    from academy.curriculum import load_curriculum
    from academy.execute import execute_modules

    curriculum = load_curriculum()
    results = execute_modules(curriculum, modules=list(modules) or None,
                              cache_file=curriculum.root / ".academy-cache" / "executed.json")
    for result in results:
        state = "cached" if result.cached else f"{result.seconds:.1f} s"
        click.echo(f"{result.notebook.relative_to(curriculum.root)}: {state}")


@main.command(help="Generate the nbgrader student versions of MODULE (default: all modules); "
                   "with --to-exchange, also release them to nbgrader's exchange on a hub.")
@click.argument("module", required=False)
@course_dir_option
@click.option("--to-exchange", is_flag=True, default=False,
              help="Release to nbgrader's exchange, where learners fetch it (needs MODULE).")
@click.option("--exchange", type=click.Path(path_type=Path), default=None,
              help="Exchange folder (default: $ACADEMY_EXCHANGE, else nbgrader's Exchange.root).")
@click.option("--language", type=click.Choice(["en", "es", "fr"]), default="en",
              show_default=True,
              help="Translate the student versions' text from the catalogues in locales/ "
                   "(into COURSE/release-LANGUAGE/); graded cells stay the same.")
def release(module: str | None, course_dir: Path | None, to_exchange: bool,
            exchange: Path | None, language: str) -> None:
    from academy.release import release_all, release_to_exchange

    if to_exchange and not module:
        _fail("--to-exchange releases one module at a time: name the MODULE.")
    if to_exchange and module:
        folders = [release_to_exchange(module, course=course_dir, exchange=exchange,
                                       language=language)]
    else:
        folders = release_all(course=course_dir, modules=[module] if module else None,
                              language=language)
    for folder in folders:
        click.echo(f"released: {folder}")


@main.command(help="Build the Jupyter Book (learner edition by default) as HTML. With --language, "
                   "build that language's site too and put the built languages together in "
                   "one site with a language switcher on every page.")
@click.option("--edition", cls=FunctionDefault, default="academy.book:build_book",
              type=click.Choice(["learner", "instructor"]),
              help="The learner edition has no solutions or hidden tests.")
@click.option("--language", "languages", multiple=True, type=click.Choice(["es", "fr"]),
              help="A translation to build (repeat for several); needs `academy release "
                   "--language LANGUAGE` first. English is built when it is not yet.")
@course_dir_option
def book(edition: str, languages: tuple[str, ...], course_dir: Path | None) -> None:
    import time

    from academy.book import assemble_site, build_book, build_dir
    from academy.paths import project_root

    if not languages:
        click.echo(f"book: {build_book(edition=edition, course=course_dir)}")
        return
    english = build_dir(project_root(), edition) / "_build" / "html" / "index.html"
    for language in ([] if english.is_file() else ["en"]) + list(languages):
        started = time.monotonic()
        index = build_book(edition=edition, course=course_dir, language=language)
        click.echo(f"book ({language}): {index} ({time.monotonic() - started:.0f} s)")
    click.echo(f"site: {assemble_site(edition=edition, languages=list(languages))}")


@main.group(help="Translations: extract the messages of the book and the notebooks, merge them "
                 "into the catalogues in locales/, report how much is translated.")
def translate() -> None:
    pass


@translate.command(name="extract", help="Extract the messages of the module notebooks and of "
                                        "the book's pages into locales/templates/ (the book's "
                                        "need the English release).")
@course_dir_option
def translate_extract(course_dir: Path | None) -> None:
    from academy.book import (
        extract_book_templates,
        extract_notebook_ui_template,
        extract_ui_template,
    )
    from academy.grading.language import extract_grading_template
    from academy.i18n import extract_notebook_templates
    from academy.paths import project_root

    for path in [*extract_notebook_templates(), extract_ui_template(),
                 extract_notebook_ui_template(), extract_grading_template(project_root()),
                 *extract_book_templates(course=course_dir)]:
        click.echo(f"template: {path}")


@translate.command(name="update", help="Merge the templates into each language's catalogues "
                                       "(sphinx-intl): new messages are added untranslated, "
                                       "changed ones are marked fuzzy.")
@click.option("--language", "languages", multiple=True, type=click.Choice(["es", "fr"]),
              help="The languages to update (default: all).")
def translate_update(languages: tuple[str, ...]) -> None:
    from academy.i18n import update_catalogues
    from academy.paths import project_root

    for path in update_catalogues(project_root(), list(languages) or None):
        click.echo(f"catalogue: {path}")


@translate.command(name="status", help="Report the translated share of every catalogue, per "
                                       "language (untranslated text falls back to English).")
@click.option("--language", "languages", multiple=True, type=click.Choice(["es", "fr"]),
              help="The languages to report (default: all).")
def translate_status(languages: tuple[str, ...]) -> None:
    from academy.i18n import LANGUAGES, translated_share
    from academy.paths import project_root

    for language in languages or tuple(LANGUAGES):
        for line in translated_share(project_root(), language).lines():
            click.echo(line)


@main.command(help="Build the offline course pack (zip): the learner book as HTML that opens from "
                   "disk, the learner notebooks, the datasets, the toolkit and a set-up guide. "
                   "With --edition instructor: the instructor pack (solutions, rubrics, "
                   "facilitator's pages), never for learners.")
@click.option("--edition", type=click.Choice(["learner", "instructor"]), default="learner",
              show_default=True, help="Which pack to build.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The zip file to write (default: dist/COURSE_ID-pack.zip, or "
                   "dist/COURSE_ID-instructor-pack.zip).")
@click.option("--no-build", is_flag=True,
              help="Use the release and learner book already built instead of rebuilding them.")
@click.option("--wheels", "wheels_here", is_flag=True, default=False,
              help="Put every package the course needs into the pack (for this computer), so "
                   "it installs with no network: pip install --no-index --find-links wheels.")
@click.option("--wheels-for", type=click.Choice(["windows", "macos-arm64", "macos-x86_64",
                                                 "linux-x86_64"]), default=None,
              help="As --wheels, for another kind of computer (Python 3.11).")
@click.option("--language", "languages", multiple=True, type=click.Choice(["es", "fr"]),
              help="Add this language's book and notebooks to the learners' pack, with English "
                   "(repeat for several).")
@course_dir_option
def pack(edition: str, output: Path | None, no_build: bool, wheels_here: bool,
         wheels_for: str | None, languages: tuple[str, ...], course_dir: Path | None) -> None:
    from academy.pack import SIZE_TARGET_BYTES, build_instructor_pack, build_pack, format_size

    if wheels_here and wheels_for:
        _fail("Give --wheels (this computer) or --wheels-for PLATFORM, not both.")
    wheels = "here" if wheels_here else wheels_for

    if edition == "instructor" and languages:
        _fail("--language is for the learners' pack, for now.")
    if edition == "instructor":
        if wheels:
            _fail("--wheels is for the learners' pack; the instructor pack holds the book only.")
        report = build_instructor_pack(course=course_dir, output=output, build=not no_build)
        click.echo(f"instructor pack (not for learners): {report.path}")
        click.echo(f"  {report.files} files, {format_size(report.size_bytes)} zipped")
        return
    report = build_pack(course=course_dir, output=output, build=not no_build, wheels=wheels,
                        languages=list(languages) or None)
    click.echo(f"pack: {report.path}")
    click.echo(f"  learner tree (for the launch branch): {report.tree}")
    click.echo(f"  {report.files} files, {format_size(report.size_bytes)} zipped "
               f"(target: under {format_size(SIZE_TARGET_BYTES)})")
    for part, size in report.parts.items():
        click.echo(f"    {part + '/':<12} {format_size(size)} unzipped")
    if report.wheels_platform:
        click.echo(f"  with the packages for {report.wheels_platform}: it installs offline")
    elif not report.within_target:
        click.secho("The pack is larger than the target.", fg="yellow", err=True)


@main.command(help="Set up the whole course: validate, execute, release and build the book.")
@course_dir_option
def course(course_dir: Path | None) -> None:
    from academy.course import build_course

    report = build_course(course=course_dir, echo=click.echo)
    click.echo("")
    click.secho("The course is ready.", fg="green", bold=True)
    click.echo(f"  Book (open in a browser): {report.book_index}")
    click.echo(f"  Student notebooks:        {report.release_dir}")


# -- instructor grading -------------------------------------------------------------------------
@main.command(help="Import submissions of MODULE from a folder of <student_id>/<notebook>.ipynb "
                   "or from a Moodle or Canvas submissions zip. Every file is matched to exactly "
                   "one roster learner, or reported and not imported.")
@click.argument("module")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--roster", type=click.Path(exists=True, path_type=Path), default=None,
              help="CSV with student_id and any of name (or first_name, last_name), lms_id "
                   "(Moodle participant number or Canvas user id), anonymous_id, email, "
                   "username, sis_id, id_number, group.")
@click.option("--groups", is_flag=True, default=False,
              help="A group assignment: copy each group's submission to every member of the "
                   "group (roster column 'group').")
@course_dir_option
def collect(module: str, path: Path, roster: Path | None, groups: bool,
            course_dir: Path | None) -> None:
    from academy.grading.collect import collect_submissions

    summary = collect_submissions(module, path, roster=roster, course=course_dir, groups=groups)
    for student, files in sorted(summary.collected.items()):
        click.echo(f"{student}: {', '.join(files)}")
    for problem in [*summary.ambiguous, *summary.unmatched]:
        click.secho(problem, fg="red", err=True)
    for note in summary.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    refused = len(summary.ambiguous) + len(summary.unmatched)
    click.echo(f"collected {len(summary.collected)} submissions of {module}"
               + (f"; {refused} files NOT imported (see above)" if refused else ""))


GRADE = "academy.grading.autograde:grade_module"


@main.command(help="Autograde every collected submission of MODULE into the gradebook, in "
                   "parallel and sandboxed. Re-running completes an interrupted batch. Exits "
                   "with code 1 if any submission is left ungraded.")
@click.argument("module")
@click.option("--jobs", "-j", cls=FunctionDefault, default=GRADE, type=int,
              help="Submissions graded at once (0: one per CPU core).")
@click.option("--timeout", cls=FunctionDefault, default=GRADE, type=float,
              help="Seconds a cell may run before it is interrupted (then killed).")
@click.option("--memory", "memory_mb", cls=FunctionDefault, default=GRADE, type=int,
              help="Memory limit per submission in MB.")
@click.option("--sandbox", cls=FunctionDefault, default=GRADE,
              type=click.Choice(["auto", "on", "off"]),
              help="Run learners' code in bubblewrap: auto falls back to resource limits only "
                   "(with a warning) where it is missing.")
@click.option("--force", is_flag=True, help="Regrade submissions that already have a result.")
@course_dir_option
def grade(module: str, jobs: int, timeout: float, memory_mb: int, sandbox: str, force: bool,
          course_dir: Path | None) -> None:
    import warnings

    from academy.grading.autograde import grade_module

    bar: list[Any] = []

    def on_start(total: int) -> None:
        from tqdm import tqdm

        bar.append(tqdm(total=total, unit="submission", desc=f"grading {module}"))

    def progress(step: int) -> None:
        for b in bar:
            b.update(step)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            summary = grade_module(module, course=course_dir, jobs=jobs, timeout=timeout,
                                   memory_mb=memory_mb, sandbox=sandbox, force=force,
                                   on_start=on_start, progress=progress)
        finally:
            for b in bar:
                b.close()
    for warning in caught:
        if "sandbox" in str(warning.message).lower():
            click.secho(f"warning: {warning.message}", fg="yellow", err=True)
    for result in summary.results:
        flag = " (needs attention)" if result.needs_attention else ""
        click.echo(f"{result.student}: {result.score:g}/{result.max_score:g}{flag}")
    click.echo(f"graded {len(summary.graded)}, already graded {len(summary.skipped)}, "
               f"in {summary.seconds:.1f} s ({'sandboxed' if summary.sandboxed else 'NO sandbox'})")
    if summary.failed:
        _fail("\n".join([f"{len(summary.failed)} submissions NOT graded (grader error; re-run "
                          "`academy grade` to retry):", *summary.failed]))


@main.group(help="Grade manual (reflection) answers against the module's rubric in a spreadsheet.")
def rubric() -> None:
    pass


@rubric.command(name="export", help="Write MODULE's manual answers and rubric criteria as CSV.")
@click.argument("module")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The CSV sheet to write.")
@course_dir_option
def rubric_export(module: str, output: Path, course_dir: Path | None) -> None:
    from academy.grading.rubric import export_rubric_sheet

    write_output(output, export_rubric_sheet(module, course=course_dir))
    click.echo(f"rubric sheet: {output}")


@rubric.command(name="import", help="Write the rubric scores and comments of SHEET into the "
                                    "gradebook.")
@click.argument("module")
@click.argument("sheet", type=click.Path(exists=True, path_type=Path))
@course_dir_option
def rubric_import(module: str, sheet: Path, course_dir: Path | None) -> None:
    from academy.grading.rubric import import_rubric_sheet

    outcome = import_rubric_sheet(module, sheet, course=course_dir)
    click.echo(f"imported {len(outcome.scores)} rubric grades; {len(outcome.blank)} rows blank")


@main.command(help="Write one HTML feedback page per learner of MODULE (no hidden test code), "
                   "in the learner's language: the roster's 'language' column, else the "
                   "language of the release they submitted, else --language.")
@click.argument("module")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="CSV with student_id and language (en, es, fr).")
@click.option("--language", type=click.Choice(["en", "es", "fr"]), default="en",
              help="The language of learners whose language is not known (default: en).")
@course_dir_option
def feedback(module: str, roster: Path | None, language: str, course_dir: Path | None) -> None:
    from academy.grading.feedback import write_feedback

    pages = write_feedback(module, course=course_dir, roster=roster, language=language)
    click.echo(f"wrote {len(pages)} feedback pages under "
               f"{pages[0].parents[2] if pages else 'the feedback folder'}")


@main.command(name="export", help="Export grades from the gradebook for an LMS, with a summary "
                                  "of who was written or left out, and why.")
@click.option("--format", "fmt", default="csv", show_default=True,
              # the formats and their descriptions come from the registry in grading/export.py
              help=__import__("academy.grading.export", fromlist=["x"]).format_help())
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--template", type=click.Path(exists=True, path_type=Path), default=None,
              help="Canvas: the gradebook CSV exported from Canvas (required). Moodle: a grade "
                   "export from Moodle, to leave out identifiers it does not know (optional).")
@click.option("--roster", type=click.Path(exists=True, path_type=Path), default=None,
              help="CSV mapping student_id to LMS columns (id_number, email, username, lms_id, "
                   "sis_id).")
@click.option("--module", "modules", multiple=True,
              help="Export only this module (repeatable; default: every module with grades).")
@click.option("--max", "maximum", multiple=True,
              help="The LMS grade item's maximum: N for every module, or MODULE=N (repeatable). "
                   "Canvas reads it from the template's Points Possible.")
@click.option("--moodle-identifier", type=click.Choice(["id_number", "email", "username"]),
              default="id_number", show_default=True,
              help="Moodle only: the user field that identifies students (a roster column).")
@click.option("--leave-out-unknown", is_flag=True, default=False,
              help="Moodle: leave out (and list) learners without the identifier instead of "
                   "refusing the export.")
@click.option("--hold-unfinished", is_flag=True, default=False,
              help="Leave out learners whose reflection is not graded yet (else their "
                   "provisional totals are exported and listed).")
@course_dir_option
def export_command(fmt: str, output: Path | None, template: Path | None, roster: Path | None,
                   modules: tuple[str, ...], maximum: tuple[str, ...], moodle_identifier: str,
                   leave_out_unknown: bool, hold_unfinished: bool,
                   course_dir: Path | None) -> None:
    from academy.grading.export import export, parse_maximum

    result = export(fmt, course=course_dir, template=template, roster=roster,
                    modules=list(modules) or None, moodle_identifier=moodle_identifier,
                    maximum=parse_maximum(maximum), hold_unfinished=hold_unfinished,
                    leave_out_unknown=leave_out_unknown)
    if output is None:
        click.echo(result.text, nl=False)
    else:
        from academy.errors import AcademyError

        try:
            with output.open("w", encoding=result.encoding, newline="") as handle:
                handle.write(result.text)
        except OSError as exc:
            raise AcademyError(f"Cannot write {output}: {exc.strerror or exc}") from None
    for line in result.summary():
        click.echo(line, err=True)
    if output is not None:
        click.echo(f"grades: {output}", err=True)


@main.command(help="Write MODULE's HTML class report: score distribution, exercise difficulty "
                   "and discrimination, common failing self-checks, submissions needing "
                   "attention.")
@click.argument("module")
@click.option("--language", type=click.Choice(["en", "es", "fr"]), default="en",
              help="The report's language (default: en).")
@course_dir_option
def report(module: str, language: str, course_dir: Path | None) -> None:
    from academy.grading.report import write_report

    click.echo(f"report: {write_report(module, course=course_dir, language=language)}")


@main.command(help="Audit the autograded exercises of MODULE (default: every module): grade "
                   "faulty variants of each reference solution (mutants), same-shape wrong "
                   "values and the module's wrong answers; fail if any earns what it should not.")
@click.argument("modules", nargs=-1)
@click.option("--jobs", "-j", type=int, default=2, show_default=True,
              help="Modules audited at the same time.")
@click.option("--no-nbgrader-check", is_flag=True, default=False,
              help="Skip re-scoring every variant as plain nbgrader does (twice as fast).")
@course_dir_option
def audit(modules: tuple[str, ...], jobs: int, no_nbgrader_check: bool,
          course_dir: Path | None) -> None:
    from academy.audit import audit_modules
    from academy.audit.report import summary_lines, write_reports
    from academy.curriculum import load_curriculum
    from academy.grading.layout import grading_layout

    curriculum = load_curriculum()
    ids = list(modules) or [m.id for m in curriculum.modules]
    for module_id in ids:
        curriculum.module(module_id)  # an unknown id: one plain message
    audits = audit_modules(ids, root=curriculum.root, jobs=jobs, nbgrader=not no_nbgrader_check)
    layout = grading_layout(curriculum.root, course_dir)
    for result in audits:
        for line in summary_lines(result):
            click.echo(line)
        html_path, json_path = write_reports(result, layout.module_dir(result.module))
        click.echo(f"  report: {html_path}\n  data:   {json_path}")
    failed = [a.module for a in audits if not a.passed]
    if failed:
        _fail(f"The audit fails for: {', '.join(failed)}")
    click.secho("Every exercise passes the audit.", fg="green")


@main.group(help="Host a class on one Linux server with JupyterHub and nbgrader's exchange.")
def hub() -> None:
    pass


HUB = "academy.hub:HubSettings"


@hub.command(name="init", help="Prepare this server for a class (run as root): accounts from the "
                               "roster, the exchange, nbgrader and JupyterHub configuration.")
@click.option("--users", "roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="Roster CSV with columns username, role (learner or "
                                  "instructor) and optionally name.")
@click.option("--course-root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The instructor's checkout of the curriculum, copied from this repository if "
                   "absent (default: ~INSTRUCTOR/COURSE_ID).")
@click.option("--env", cls=FunctionDefault, default=HUB, type=click.Path(path_type=Path),
              help="Python environment every account runs (make hub-env).")
@click.option("--prefix", cls=FunctionDefault, default=HUB,
              type=click.Path(file_okay=False, path_type=Path),
              help="Root under which etc/jupyter and srv/ are written.")
@click.option("--spawner", cls=FunctionDefault, default=HUB,
              type=click.Choice(["systemd", "local"]),
              help="systemd enforces the memory and CPU limits; local runs plain processes with "
                   "per-process limits only.")
@click.option("--mem-limit", cls=FunctionDefault, default=HUB, help="Memory per learner server.")
@click.option("--cpu-limit", cls=FunctionDefault, default=HUB, type=float,
              help="CPUs per learner server.")
@click.option("--port", cls=FunctionDefault, default=HUB, type=int, help="The hub's public port.")
@click.option("--proxy", default=None,
              help="configurable-http-proxy command, make hub-proxy installs one in deploy/ "
                   "(default: configurable-http-proxy on PATH).")
@click.option("--no-create-users", is_flag=True, default=False,
              help="Do not create Linux accounts (they already exist).")
def hub_init(roster: Path, course_root: Path | None, env: Path, prefix: Path, spawner: str,
             mem_limit: str, cpu_limit: float, port: int, proxy: str | None,
             no_create_users: bool) -> None:
    from academy.hub import HubSettings, HubSetupError, default_course_root, read_roster
    from academy.hub import hub_init as run_hub_init

    instructor = read_roster(roster).instructors[0]
    course_root = course_root or default_course_root(instructor)
    settings = HubSettings(course_root=course_root.resolve(), env=Path(env),
                           prefix=Path(prefix).resolve(),
                           spawner="local" if spawner == "local" else "systemd",
                           mem_limit=mem_limit, cpu_limit=cpu_limit, port=port,
                           proxy_command=(proxy,) if proxy else HubSettings.proxy_command)
    try:
        report = run_hub_init(roster, settings, create_users=not no_create_users,
                              echo=click.echo)
    except PermissionError as exc:
        raise HubSetupError(f"{exc}; run `academy hub init` as root") from None
    click.secho("The hub is prepared.", fg="green", bold=True)
    click.echo(f"  Start it with: jupyterhub -f {report.hub_config}")
