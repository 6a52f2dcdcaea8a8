"""`academy new module ID`: a new module that passes every check of the project from the start.

The module is written from the template in ``academy/templates/module/``: its metadata
(``module.yml``), an nbgrader source notebook in the shape of the others (header, data, five
exercises with locked test cells, the reflection and its rubric, key points), the exercises' wrong
answers (``wrong_answers.yml``) and a minimal facilitation kit (``facilitation.yml``), every text
marked TODO for the author. Its exercises use a table that already exists in ``datasets/``
(:data:`DATASET`); the expected values of their hidden checks are computed from that table now and
written out as literals, as the exercise audit requires. Finally one line is added to
``curriculum/programme.yml`` (the file is edited as text, so its comments and layout stay).

Nothing is ever overwritten: an invalid id, an existing folder or an id already in the programme
is refused before anything is written.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from academy.errors import AcademyError

DATASET = "remittance_recipients_2023"
TEMPLATE_FOLDER = ("templates", "module")  # inside the academy package
# template file -> file name in the new module folder ("{id}" is the module id)
TEMPLATE_FILES = {
    "module.yml": "module.yml",
    "notebook.ipynb": "{id}.ipynb",
    "wrong_answers.yml": "wrong_answers.yml",
    "facilitation.yml": "facilitation.yml",
}
MODULE_ID = re.compile(r"[a-z][a-z0-9_]*")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# One module of the programme per line, in flow style: "  - {id: remittances, week: 1}".
PROGRAMME_ENTRY = re.compile(r"^(?P<indent>\s*)- \{id: (?P<id>[a-z][a-z0-9_]*), "
                             r"week: (?P<week>\d+)\}\s*(#.*)?$")
THRESHOLD_USD_M = 20_000  # Exercise 5: "received more than USD 20 billion"
MIN_TITLE = 5  # module.schema.json: title minLength


class ScaffoldError(AcademyError, ValueError):
    """A new module cannot be created as asked; the message names the problem."""


def new_module(root: Path, module_id: str, *, title: str | None = None,
               week: int | None = None) -> list[Path]:
    """Create module ``module_id`` in the repository at ``root``; return the files written.

    The files are the module's ``module.yml``, notebook, ``wrong_answers.yml`` and
    ``facilitation.yml``, and ``curriculum/programme.yml`` (one line added). ``title`` defaults to
    the id in words; ``week`` to the week after the programme's last module (at most the
    programme's last week). Raises ScaffoldError, writing nothing, when the id is invalid, the
    folder exists, the id is in the programme or the week is outside the programme.
    """
    root = root.resolve()
    check_module_id(module_id)
    programme_path = root / "curriculum" / "programme.yml"
    programme_text = _read(programme_path)
    programme = _programme(programme_text, programme_path)
    listed = [str(entry.get("id")) for entry in programme["modules"]]
    if module_id in listed:
        raise ScaffoldError(f"{programme_path}: module '{module_id}' is already in the programme; "
                            "choose another id")
    folder = root / "modules" / module_id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; `academy new module` never overwrites "
                            "anything: choose another id, or move the folder away")
    title = _title(module_id, title)
    week = _week(programme, week, programme_path)
    new_programme = with_programme_entry(programme_text, module_id, week, programme_path)
    values = {"module_id": module_id, "title": title, "title_yaml": json.dumps(title),
              "week": str(week), **exercise_values(root)}
    files = {folder / name.format(id=module_id): _rendered_file(template, values)
             for template, name in TEMPLATE_FILES.items()}

    folder.mkdir(parents=True)
    try:
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
        programme_path.write_text(new_programme, encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)  # only the folder this call created
        raise ScaffoldError(f"Cannot write the new module: {exc}") from None
    return [*files, programme_path]


def check_module_id(module_id: str) -> None:
    """Raise ScaffoldError unless ``module_id`` is lowercase letters, digits and underscores,
    starting with a letter (the id of the module, its folder, notebook and nbgrader assignment)."""
    if not MODULE_ID.fullmatch(module_id):
        raise ScaffoldError(f"'{module_id}' is not a valid module id: use lowercase letters, "
                            "digits and underscores, starting with a letter (e.g. "
                            "climate_mobility)")


def render(template: str, values: dict[str, str]) -> str:
    """Return ``template`` with each ``{{name}}`` replaced by ``values[name]``."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ScaffoldError(f"the module template uses {{{{{name}}}}}, which has no value")
        return values[name]

    return PLACEHOLDER.sub(value, template)


def with_programme_entry(text: str, module_id: str, week: int, path: Path) -> str:
    """Return programme.yml's ``text`` with ``- {id: module_id, week: week}`` added as one line.

    The line goes after the last module of the same or an earlier week, so the programme stays
    in week order; every other line (comments included) is kept as it is.
    """
    lines = text.splitlines(keepends=True)
    entries = [(i, m) for i, line in enumerate(lines) if (m := PROGRAMME_ENTRY.match(line))]
    listed = [entry.get("id") for entry in _programme(text, path)["modules"]]
    if not entries or [m["id"] for _, m in entries] != listed:
        raise ScaffoldError(f"{path}: its modules are not listed one per line as "
                            "`- {id: ..., week: N}`, so this command cannot add one; add "
                            f"`- {{id: {module_id}, week: {week}}}` by hand")
    earlier = [i for i, m in entries if int(m["week"]) <= week]
    position = earlier[-1] + 1 if earlier else entries[0][0]
    indent = entries[0][1]["indent"]
    if position > 0 and not lines[position - 1].endswith("\n"):
        lines[position - 1] += "\n"
    lines.insert(position, f"{indent}- {{id: {module_id}, week: {week}}}\n")
    new_text = "".join(lines)
    added = [entry.get("id") for entry in _programme(new_text, path)["modules"]]
    if sorted(added) != sorted([*listed, module_id]):  # the YAML must read as intended
        raise ScaffoldError(f"{path}: could not add '{module_id}' safely; add "
                            f"`- {{id: {module_id}, week: {week}}}` by hand")
    return new_text


def exercise_values(root: Path) -> dict[str, str]:
    """Return the template's expected values, computed from :data:`DATASET` and written out as
    Python literals (the test cells compare with written-out values only)."""
    from academy import data

    table = data.load(DATASET, root=root)
    table = table.assign(share=100 * table["remittances_received_usd_m"] / table["gdp_usd_m"])
    by_usd = table.sort_values("remittances_received_usd_m", ascending=False, kind="stable")
    by_share = table.sort_values("share", ascending=False, kind="stable")
    largest = by_usd.iloc[0]
    # Exercise 2: the largest recipient in the self-check; three others in the hidden check.
    hidden = list(dict.fromkeys([by_usd.iloc[1]["iso3"], by_share.iloc[0]["iso3"],
                                 by_share.iloc[-1]["iso3"], *by_usd["iso3"].iloc[2:]]))
    hidden = [code for code in hidden if code != largest["iso3"]][:3]
    share = float(largest["share"])
    hidden_shares = [round(float(table.set_index("iso3").loc[code, "share"]), 6)
                     for code in hidden]
    # Exercise 3: the total in USD billion, and the likely mistakes' values for the hint.
    total_bn = float(table["remittances_received_usd_m"].sum() / 1000)
    mean_bn = float(table["remittances_received_usd_m"].mean() / 1000)
    # Exercise 4: the three highest shares of GDP.
    top3 = [str(name) for name in by_share["country"].head(3)]
    lowest = str(by_share["country"].iloc[-1])
    first_usd = str(largest["country"])
    # Exercise 5: the countries above the threshold.
    above = sorted(str(c) for c in table.loc[table["remittances_received_usd_m"]
                                             > THRESHOLD_USD_M, "country"])
    if not 0 < len(above) < len(table):
        raise ScaffoldError(f"dataset {DATASET}: no useful exercise 5 (countries above "
                            f"USD {THRESHOLD_USD_M:,} million: {len(above)} of {len(table)})")
    ranking_hint = (f"{top3[0]} has the highest share of GDP. If your list starts with {lowest}, "
                    "sort with ascending=False")
    if first_usd != top3[0]:
        ranking_hint += (f"; if it starts with {first_usd}, you sorted the amounts in dollars, "
                         "not share_of_gdp")
    return {
        "ex1_label": _literal(f"{largest['country']}: remittances and GDP"),
        "ex1_part": _literal(float(largest["remittances_received_usd_m"])),
        "ex1_whole": _literal(float(largest["gdp_usd_m"])),
        "ex2_label": _literal(str(largest["country"])),
        "ex2_code": _literal(str(largest["iso3"])),
        "ex2_value": _literal(round(share, 6)),
        "ex2_hint": _literal(
            f"{largest['country']} received remittances worth about {share:.2f}% of its GDP. "
            f"If you got about {share / 100:.4f}, multiply by 100; if you got about "
            f"{10_000 / share:,.0f}, you divided GDP by remittances."),
        "ex2_codes": _literal([str(code) for code in hidden]),
        "ex2_values": _literal(hidden_shares),
        "ex3_rounded": _literal(round(total_bn)),
        "ex3_value": _literal(round(total_bn, 6)),
        "ex3_hint": _literal(
            f"The countries of the table received about {total_bn:,.0f} billion dollars in all. "
            f"About {total_bn * 1000:,.0f} means you kept USD million (divide by 1,000); about "
            f"{mean_bn:,.1f} means you took the mean, not the sum."),
        "ex4_first": _literal(top3[0]),
        "ex4_top3": _literal(top3),
        "ex4_hint": _literal(ranking_hint + "."),
        "ex5_threshold": _literal(THRESHOLD_USD_M),
        "ex5_threshold_bn": f"{THRESHOLD_USD_M / 1000:g}",  # prose, not code
        "ex5_names": _literal(above),
    }


def _literal(value: object) -> str:
    """Return ``value`` (a string, a number or a list of them) as a Python literal, with double
    quotes as the notebooks write strings."""
    return json.dumps(value, ensure_ascii=False)


def _title(module_id: str, title: str | None) -> str:
    chosen = " ".join((title if title is not None else module_id.replace("_", " ")).split())
    chosen = chosen[:1].upper() + chosen[1:]
    if len(chosen) < MIN_TITLE:
        raise ScaffoldError(f"the title '{chosen}' is shorter than {MIN_TITLE} characters: "
                            "give one with --title")
    return chosen


def _week(programme: dict[str, Any], week: int | None, path: Path) -> int:
    last_week = int(programme["weeks"])
    if week is None:
        weeks = [int(entry.get("week", 0)) for entry in programme["modules"]]
        return min(max(weeks, default=0) + 1, last_week)
    if not 0 <= week <= last_week:
        raise ScaffoldError(f"week {week} is outside the programme: {path} has weeks 0 (the "
                            f"on-ramp) to {last_week}")
    return week


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScaffoldError(f"{path}: file not found; run inside the curriculum repository or "
                            "set ACADEMY_ROOT") from None


def _programme(text: str, path: Path) -> dict[str, Any]:
    try:
        programme = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScaffoldError(f"{path}: not valid YAML: {exc}") from None
    if (not isinstance(programme, dict) or not isinstance(programme.get("modules"), list)
            or not isinstance(programme.get("weeks"), int)):
        raise ScaffoldError(f"{path}: expected `weeks` and a list of `modules`; run "
                            "`academy validate`")
    return programme


def _rendered_file(name: str, values: dict[str, str]) -> str:
    """Return template file ``name`` rendered; a notebook is rendered cell by cell (its JSON
    text would not survive values with quotes) and written without outputs."""
    text = resources.files("academy").joinpath(*TEMPLATE_FOLDER, name).read_text("utf-8")
    if not name.endswith(".ipynb"):
        return render(text, values)
    import nbformat

    notebook = nbformat.reads(text, as_version=4)
    for cell in notebook.cells:
        cell.source = render(cell.source, values)
    notebook.metadata["title"] = render(notebook.metadata.get("title", ""), values)
    return str(nbformat.writes(notebook)) + "\n"  # as nbformat.write ends a file
