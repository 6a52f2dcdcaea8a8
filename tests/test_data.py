"""The data package validates, cites every figure, loads typed, and fails clearly on bad files."""

from __future__ import annotations

import pandas as pd
import pytest

from academy import data
from academy.data import DatasetError, describe, validate_package


def test_data_package_is_valid(repo_root):
    assert validate_package(repo_root) == []


def test_every_resource_cites_a_source_and_a_licence(repo_root):
    for name in data.dataset_names(repo_root):
        info = data.describe(name, repo_root)
        assert info.licence and info.licence != "unknown", name
        assert info.sources, name
        for source in info.sources:
            assert source.title and source.publisher and source.year > 1900, (name, source)
            assert source.url.startswith("http"), (name, source)


def test_every_numeric_field_states_its_unit(repo_root):
    for name in data.dataset_names(repo_root):
        for spec in data.describe(name, repo_root).fields:
            if spec["type"] == "number":
                assert spec.get("unit"), f"{name}.{spec['name']} has no unit"


def test_load_returns_a_typed_frame_with_citations(repo_root):
    costs = data.load("rpw_corridor_costs", root=repo_root)
    assert costs["total_cost_pct"].dtype == "float64"
    assert str(costs["period"].dtype) == "string"
    assert costs.attrs["sources"] and "World Bank" in costs.attrs["sources"][0]
    flows = data.load("remittance_flows", root=repo_root)
    assert str(flows["year"].dtype) == "Int64" and str(flows["estimate"].dtype) == "boolean"


def test_missing_data_file_is_named(repo_copy):
    (repo_copy / "datasets" / "rpw_provider_costs.csv").unlink()
    with pytest.raises(DatasetError, match=r"rpw_provider_costs\.csv.*missing"):
        data.load("rpw_provider_costs", root=repo_copy)


def test_corrupt_data_file_is_named(repo_copy):
    path = repo_copy / "datasets" / "rpw_provider_costs.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00\xff")
    with pytest.raises(DatasetError, match="rpw_provider_costs.csv"):
        data.load("rpw_provider_costs", root=repo_copy)


def test_value_of_the_wrong_type_is_named(repo_copy):
    path = repo_copy / "datasets" / "rpw_provider_costs.csv"
    path.write_text(path.read_text().replace("11.18", "eleven"))
    with pytest.raises(DatasetError, match="total_cost_pct.*number"):
        data.load("rpw_provider_costs", root=repo_copy)
    assert any("rpw_provider_costs" in p for p in validate_package(repo_copy))


def test_unknown_dataset_lists_the_known_ones(repo_root):
    with pytest.raises(DatasetError, match="known: .*rpw_corridor_costs"):
        data.load("remittances_2099", root=repo_root)


def test_row_citing_an_undeclared_source_is_reported(repo_copy):
    path = repo_copy / "datasets" / "rpw_global_averages.csv"
    path.write_text(path.read_text().replace("rpw_issue_3\n", "a_blog_somewhere\n", 1))
    assert any("a_blog_somewhere" in p for p in validate_package(repo_copy))


def test_raw_publisher_file_is_valid_but_not_loaded_as_a_curated_table(repo_root):
    with pytest.raises(DatasetError, match="raw publisher file.*parse_wdi_wide_csv"):
        data.load("wdi_remittances_paid_excerpt", root=repo_root)


def test_blank_column_in_a_curated_table_is_still_reported(repo_copy):
    path = repo_copy / "datasets" / "rpw_provider_costs.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line + "," for line in lines) + "\n")
    assert any("rpw_provider_costs" in p and "blank" in p for p in validate_package(repo_copy))


def _databank(reference_dir):
    frame = pd.read_csv(reference_dir / "rpw_corridors_databank.csv", encoding="utf-8-sig",
                        na_values="..", skipfooter=5, engine="python")
    frame.columns = [c.split(" [")[0] for c in frame.columns]
    return frame.set_index(["Sending Countries Code", "Receiving Countries  Code"])


def test_corridor_costs_match_the_world_bank_databank(repo_root, reference_dir):
    databank = _databank(reference_dir)
    costs = data.load("rpw_corridor_costs", root=repo_root)
    checked = 0
    for row in costs[costs["source"] == "rpw_databank"].itertuples():
        published = databank.loc[(row.sending_iso3, row.receiving_iso3), row.period]
        assert round(float(published), 2) == pytest.approx(row.total_cost_pct, abs=1e-9), row
        checked += 1
    assert checked >= 100


def test_uk_2025_corridor_costs_match_the_published_file(repo_root, reference_dir):
    uk = pd.read_csv(reference_dir / "rpw_uk_outbound_corridors_2025q3.csv")
    uk = uk.set_index("destination_country")["average_total_cost_pct"]
    costs = data.load("rpw_corridor_costs", root=repo_root)
    for row in costs[costs["period"] == "2025Q3"].itertuples():
        assert round(float(uk[row.receiving_country]), 2) == pytest.approx(row.total_cost_pct)


def test_recipient_figures_match_world_development_indicators(repo_root, reference_dir):
    wdi = pd.read_csv(reference_dir / "wdi.csv")
    wdi = wdi[wdi["t"] == 2023].pivot(index="geo", columns="var", values="v")
    recipients = data.load("remittance_recipients_2023", root=repo_root)
    for row in recipients.itertuples():
        assert row.remittances_received_usd_m == pytest.approx(
            wdi.loc[row.iso3, "remin"] / 1e6, abs=0.051), row.iso3
        assert row.gdp_usd_m == pytest.approx(wdi.loc[row.iso3, "gdp"] / 1e6, abs=0.051)
        assert row.population == round(wdi.loc[row.iso3, "pop"])


def test_every_synthetic_table_regenerates_identically_from_its_seed(repo_root):
    from academy import synthetic

    for name in synthetic.TABLES:
        published = (repo_root / "datasets" / f"{name}.csv").read_text(encoding="utf-8")
        assert synthetic.csv_text(name) == published, name


def test_every_generator_module_is_registered_once():
    import pkgutil

    from academy import synthetic

    modules = {info.name for info in pkgutil.iter_modules(synthetic.__path__)} - {"__main__"}
    assert modules == set(synthetic.TABLES.values())
    for name in synthetic.TABLES:
        assert describe(name).synthetic or "constructed" in name, name
