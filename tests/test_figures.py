"""Every figure a module lists in ``figures:`` (module.yml) is checked: recomputed from its dataset,
or cited with title, publisher, year and URL; and it is stated where the learner reads it."""

from __future__ import annotations

from typing import Any

import nbformat
import pandas as pd
import pytest
import yaml

from academy import data
from conftest import REPO

PROGRAMME = yaml.safe_load((REPO / "curriculum" / "programme.yml").read_text())
MODULE_IDS = [entry["id"] for entry in PROGRAMME["modules"]]


def _module(module_id: str) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(
        (REPO / "modules" / module_id / "module.yml").read_text(encoding="utf-8"))
    return raw


def _figures() -> list[tuple[str, dict[str, Any]]]:
    return [(m, f) for m in MODULE_IDS for f in _module(m).get("figures", [])]


def _prose(module_id: str) -> str:
    """The text a learner reads: markdown cells of the module's notebooks, and its metadata."""
    folder = REPO / "modules" / module_id
    metadata = {k: v for k, v in _module(module_id).items() if k not in ("figures", "audit")}
    # the metadata without its own list of figures, which would state every figure trivially
    texts = [yaml.safe_dump(metadata, allow_unicode=True, width=10_000)]
    for notebook in _module(module_id)["notebooks"]:
        nb = nbformat.read(folder / f"{notebook}.ipynb", as_version=4)
        texts += [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    return "\n".join(texts)


def measure(figure: dict[str, Any]) -> float:
    """Recompute a listed figure from its dataset."""
    table = data.load(figure["dataset"])
    rows = table.query(figure["query"]) if figure.get("query") else table
    kind = figure["measure"]
    if kind == "count":
        return float(len(rows))
    if kind == "share":
        return 100 * len(rows.query(figure["where"])) / len(rows)
    column = rows[figure["column"]]
    if kind == "value":
        assert len(column) == 1, f"query selects {len(column)} rows, not one"
        return float(column.iloc[0])
    return float(getattr(column, kind)())


@pytest.mark.parametrize(("module_id", "figure"), _figures(),
                         ids=[f"{m}:{f['id']}" for m, f in _figures()])
def test_listed_figure_matches_its_dataset_or_cites_its_source(module_id, figure):
    if "dataset" in figure:
        value = measure(figure)
        assert value == pytest.approx(figure["value"], abs=figure.get("tol", 1e-9)), (
            f"{module_id}: figure '{figure['id']}' is {figure['value']} in module.yml but "
            f"{value} in {figure['dataset']}")
    else:
        source = figure["source"]
        assert source["url"].startswith(("https://", "http://")) and source["title"]


@pytest.mark.parametrize(("module_id", "figure"), _figures(),
                         ids=[f"{m}:{f['id']}" for m, f in _figures()])
def test_listed_figure_is_stated_in_the_module(module_id, figure):
    words = " ".join  # line breaks in the markdown are spaces to the reader
    assert words(figure["stated"].split()) in words(_prose(module_id).split()), (
        f"{module_id}: '{figure['stated']}' (figure {figure['id']}) occurs in no markdown cell")


def test_measures_recompute_a_known_figure():
    """The checker itself: a wrong value is caught (so the parametrised test can fail)."""
    figure = {"dataset": "rpw_global_averages", "measure": "value", "column": "total_cost_pct",
              "query": "region == 'World' and period == '2011Q3'"}
    assert measure(figure) == pytest.approx(9.30, abs=0.005)
    assert measure(figure) != pytest.approx(9.0, abs=0.005)
    assert isinstance(data.load("rpw_global_averages"), pd.DataFrame)
