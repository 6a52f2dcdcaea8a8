"""Upstream datasets: parsers against the real published files, fetch against a local server."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import socket
import threading
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from academy import upstream
from academy.upstream import (
    UpstreamDownloadError,
    UpstreamError,
    UpstreamFormatError,
    cached_path,
    fetch,
    load_upstream,
    parse_rpw_databank_csv,
    parse_rpw_xlsx,
    parse_undesa_stock_csv,
    parse_wdi_wide_csv,
    read_fetch_record,
)

# In CI the repository is cloned with shared/ beside it; the files are read there, never copied.
REPO_ROOT = Path(__file__).resolve().parents[1]
# The full upstream files (tens of MB, not in the repository): $ACADEMY_REFERENCE_DIR, or the
# project's shared/data/reference beside the checkout.
REFERENCE = Path(os.environ.get("ACADEMY_REFERENCE_DIR")
                 or REPO_ROOT.parent / "shared" / "data" / "reference")
RPW_DATABANK = "rpw_corridors_databank.csv"
WDI_PAID = "wdi_remittances_paid_BM.TRF.PWKR.CD.DT.csv"
UNDESA = "undesa_stocks.csv"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Refuse any connection beyond this machine, and keep every cache inside tmp_path."""
    real_connect = socket.create_connection

    def local_only(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] not in ("127.0.0.1", "localhost"):
            raise AssertionError(f"test tried to reach {address[0]}")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", local_only)
    monkeypatch.setenv("ACADEMY_CACHE_DIR", str(tmp_path / "cache"))
    for dataset in upstream.UPSTREAM_DATASETS.values():
        monkeypatch.delenv(dataset.env_var, raising=False)


@pytest.fixture(scope="module")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"needs the full upstream files, absent at {REFERENCE}: run with "
                    "ACADEMY_REFERENCE_DIR=/path/to/reference (the files are named in "
                    "tests/test_upstream.py)")
    return REFERENCE


@pytest.fixture(scope="module")
def rpw_corridors(reference: Path) -> pd.DataFrame:
    return parse_rpw_databank_csv(reference / RPW_DATABANK)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.endswith("/truncated.csv"):
            # Promise more bytes than are sent, then hang up: a download cut short.
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'"Data Source","World Development Indicators",\n')
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def serve() -> Iterator[Callable[[Path], str]]:
    """Start HTTP servers on 127.0.0.1 for folders; return each one's base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        handler = partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(tmp_path: Path, serve: Callable[[Path], str]) -> tuple[Path, str]:
    folder = tmp_path / "served"
    folder.mkdir()
    return folder, serve(folder)


def _wdi_csv(indicator: str = "BX.TRF.PWKR.CD.DT", value: str = "1500000") -> str:
    """A small file in the WDI wide layout: 4 header lines, one column per year, trailing comma."""
    return (
        '\ufeff"Data Source","World Development Indicators",\n\n'
        '"Last Updated Date","2024-06-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
        f'"Nepal","NPL","Personal remittances, received (current US$)","{indicator}",'
        f'"8250000000","{value}",\n'
        f'"Tonga","TON","Personal remittances, received (current US$)","{indicator}",'
        '"","200000000",\n'
    )


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/wdi.csv"


# --- parsers on the real published files ---------------------------------------------------------

def test_rpw_databank_2020q3_matches_published_corridor_shares(
    rpw_corridors: pd.DataFrame,
) -> None:
    q3 = rpw_corridors[rpw_corridors["period"] == "2020Q3"]["total_cost_pct"]
    assert len(q3) == 367
    assert round((q3 < 5).mean() * 100, 1) == 34.3
    assert round((q3 < 3).mean() * 100, 1) == 7.1


@pytest.mark.parametrize(
    ("sending", "receiving", "published"),
    [
        ("USA", "MEX", (5.01, 4.63, 4.04, 4.18)),
        ("ARE", "IND", (4.94, 2.91, 3.04, 2.97)),
        ("SAU", "EGY", (4.24, 6.87, 3.81, 4.11)),
        ("DEU", "TUR", (9.22, 5.47, 6.50, 7.35)),
        ("GBR", "NGA", (5.91, 7.19, 8.65, 3.70)),
        ("ZAF", "MWI", (18.14, 19.59, 15.75, 16.26)),
        ("TZA", "KEN", (23.62, 14.68, 16.58, 19.00)),
        ("RUS", "TJK", (2.46, 2.19, 1.67, 2.00)),
    ],
)
def test_rpw_databank_corridor_averages_match_facts(
    rpw_corridors: pd.DataFrame, sending: str, receiving: str, published: tuple[float, ...],
) -> None:
    frame = rpw_corridors
    corridor = frame[(frame["sending_iso3"] == sending) & (frame["receiving_iso3"] == receiving)]
    by_quarter = corridor.set_index("period")["total_cost_pct"]
    quarters = [pd.Period(q, "Q") for q in ("2011Q1", "2015Q1", "2020Q1", "2020Q3")]
    assert tuple(round(float(by_quarter[q]), 2) for q in quarters) == published


def test_rpw_databank_is_tidy_typed_and_drops_missing_and_footer(
    rpw_corridors: pd.DataFrame,
) -> None:
    frame = rpw_corridors
    assert tuple(frame.columns) == upstream.RPW_CORRIDOR_COLUMNS
    assert isinstance(frame["period"].dtype, pd.PeriodDtype)
    assert frame["total_cost_pct"].dtype == "float64"
    assert frame["total_cost_pct"].notna().all()
    assert not frame.duplicated(["sending_iso3", "receiving_iso3", "period"]).any()
    assert frame.attrs["last_updated"] == "12/07/2020"
    assert frame["sending_iso3"].str.fullmatch(r"[A-Z]{3}").all()


def test_wdi_paid_reads_long_form_with_header_dates(reference: Path) -> None:
    frame = parse_wdi_wide_csv(reference / WDI_PAID, indicator="BM.TRF.PWKR.CD.DT")
    assert tuple(frame.columns) == upstream.WDI_COLUMNS
    assert frame["year"].dtype == "Int64" and frame["value"].dtype == "float64"
    assert frame["value"].notna().all()
    assert (frame["indicator"] == "BM.TRF.PWKR.CD.DT").all()
    assert frame.attrs["indicator_name"] == "Personal remittances, paid (current US$)"
    assert frame.attrs["last_updated"] == "2021-09-15"
    usa = frame[(frame["iso3"] == "USA") & (frame["year"] == 2020)]["value"]
    assert usa.iloc[0] == pytest.approx(68.0e9)


def test_wdi_with_another_indicator_names_file_and_code(reference: Path) -> None:
    with pytest.raises(UpstreamFormatError, match=r"wdi_remittances_paid.*expected indicator BX"):
        parse_wdi_wide_csv(reference / WDI_PAID, indicator="BX.TRF.PWKR.CD.DT")


def test_undesa_2024_stock_matches_published_totals(reference: Path) -> None:
    frame = parse_undesa_stock_csv(reference / UNDESA)
    assert tuple(frame.columns) == upstream.UNDESA_COLUMNS
    assert frame["migrants"].dtype == "Int64" and frame["imputed"].dtype == "boolean"
    y2024 = frame[frame["year"] == 2024]
    assert int(y2024["migrants"].sum()) == 304_021_813
    by_destination = y2024.groupby("destination_iso3")["migrants"].sum() / 1e6
    assert round(float(by_destination["USA"]), 1) == 52.4
    assert round(float(by_destination["DEU"]), 1) == 16.8
    women = y2024[y2024["sex"] == "female"]["migrants"].sum() / y2024["migrants"].sum()
    assert round(float(women) * 100) == 48


# --- parsers: layouts that differ are refused with the file named ---------------------------------

def test_databank_with_an_unknown_column_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Sending Countries Name,Sending Countries Code,Series Name,Series Code,"
        "Receiving Countries  Name,Receiving Countries  Code,2011Q1 [YR2011Q1],Notes\n"
        "Spain,ESP,Average,ATCR.CORR,Morocco,MAR,6.5,\n", encoding="utf-8",
    )
    with pytest.raises(UpstreamFormatError, match=r"export\.csv: .*'2011Q1 \[YR2011Q1\]'.*Notes"):
        parse_rpw_databank_csv(path)


def test_databank_with_text_in_a_quarter_names_line_and_value(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "\ufeffSending Countries Name,Sending Countries Code,Series Name,Series Code,"
        "Receiving Countries  Name,Receiving Countries  Code,2011Q1 [YR2011Q1]\n"
        "Spain,ESP,Average,ATCR.CORR,Morocco,MAR,6.5\n"
        "Spain,ESP,Average,ATCR.CORR,Senegal,SEN,six\n", encoding="utf-8",
    )
    with pytest.raises(UpstreamFormatError, match=r"export\.csv: line 3 \(2011Q1.*'six'"):
        parse_rpw_databank_csv(path)


def test_html_page_instead_of_csv_names_file_and_expected_header(tmp_path: Path) -> None:
    path = tmp_path / "stocks.csv"
    path.write_text("<!DOCTYPE html><html><body>Sign in</body></html>\n", encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"stocks\.csv: expected a CSV header.*'geo'"):
        parse_undesa_stock_csv(path)


def test_undesa_with_unknown_sex_names_line(tmp_path: Path) -> None:
    path = tmp_path / "stocks.csv"
    path.write_text("geo,t,from,sex,n\nDEU,2024,TUR,female,10\nDEU,2024,TUR,total,20\n",
                    encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"stocks\.csv: line 3, column 'sex'.*'total'"):
        parse_undesa_stock_csv(path)


# --- RPW full dataset (xlsx), on a tiny generated workbook -------------------------------------

_XLSX_HEADER = [
    "period", "source_code", "source_name", "destination_code", "destination_name", "firm",
    "firm_type", "payment instrument", "access point", "speed actual", "cc1 lcu fee",
    "cc1 fx margin", "cc1 total cost %", "cc2 total cost %", "corridor",
]


def _rpw_workbook(path: Path, *, sheets: tuple[str, ...] = upstream.RPW_XLSX_SHEETS,
                  period: str = "2016_2Q") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    rows: dict[str, list[list[Any]]] = {
        sheets[0]: [["2011_1Q", "USA", "United States", "MEX", "Mexico", "Firm A", "MTO", "Cash",
                     "Agent", "Less than one hour", 10, 1.5, 6.5, 3.1, "USAMEX"]],
        sheets[-1]: [[period, "GBR", "United Kingdom", "NGA", "Nigeria", "Bank B", "Bank",
                      "Bank account", "Branch", "3-5 days", 12.0, "2.25", 8.25, None, "GBRNGA"],
                     [None] * len(_XLSX_HEADER)],
    }
    for title in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(_XLSX_HEADER)
        for row in rows[title]:
            sheet.append(row)
    workbook.save(path)
    return path


def test_rpw_xlsx_reads_both_sheets_into_typed_rows(tmp_path: Path) -> None:
    frame = parse_rpw_xlsx(_rpw_workbook(tmp_path / "rpw.xlsx"))
    assert tuple(frame.columns) == upstream.RPW_FULL_COLUMNS
    assert list(frame["sheet"]) == list(upstream.RPW_XLSX_SHEETS)
    assert list(frame["period"].astype(str)) == ["2011Q1", "2016Q2"]
    assert list(frame["sending_iso3"]) == ["USA", "GBR"]
    assert list(frame["fx_margin_pct"]) == [1.5, 2.25]
    assert list(frame["total_cost_pct"]) == [6.5, 8.25]
    assert frame["total_cost_pct"].dtype == "float64"
    assert frame["firm"].dtype == "string"


def test_rpw_xlsx_without_the_2016_split_names_file_and_sheets(tmp_path: Path) -> None:
    path = _rpw_workbook(tmp_path / "rpw.xlsx", sheets=("Data",))
    with pytest.raises(UpstreamFormatError, match=r"rpw\.xlsx: expected sheets .*found \['Data'\]"):
        parse_rpw_xlsx(path)


def test_rpw_xlsx_with_a_bad_period_names_sheet_and_row(tmp_path: Path) -> None:
    path = _rpw_workbook(tmp_path / "rpw.xlsx", period="Q2 2016")
    with pytest.raises(UpstreamFormatError, match=r"sheet 'Dataset \(from Q2 2016\)' row 2"):
        parse_rpw_xlsx(path)


def test_rpw_xlsx_that_is_not_a_workbook_names_file(tmp_path: Path) -> None:
    path = tmp_path / "rpw.xlsx"
    path.write_text("period,source_code\n", encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"rpw\.xlsx: not an xlsx workbook"):
        parse_rpw_xlsx(path)


# --- fetch, against a local HTTP server -------------------------------------------------------

def test_fetch_stores_file_and_sidecar_with_url_size_and_sha256(
    served: tuple[Path, str], tmp_path: Path,
) -> None:
    folder, base = served
    (folder / "received.csv").write_text(_wdi_csv(), encoding="utf-8")
    url = f"{base}/received.csv"
    path = fetch("wdi_remittances_received", url=url)
    assert path == tmp_path / "cache" / "upstream" / "wdi_remittances_received.csv"
    assert path.read_bytes() == (folder / "received.csv").read_bytes()
    record = read_fetch_record(path)
    assert record is not None
    assert record["url"] == url
    assert record["size"] == path.stat().st_size
    assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record["downloaded_at"].endswith("+00:00")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".json"]


def test_fetch_reuses_the_cache_without_downloading_again(served: tuple[Path, str]) -> None:
    folder, base = served
    (folder / "received.csv").write_text(_wdi_csv(), encoding="utf-8")
    first = fetch("wdi_remittances_received", url=f"{base}/received.csv")
    (folder / "received.csv").unlink()  # a second request would now get a 404
    assert fetch("wdi_remittances_received", url=f"{base}/received.csv") == first


def test_fetch_downloads_again_when_the_configured_url_changes(
    served: tuple[Path, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, base = served
    (folder / "old.csv").write_text(_wdi_csv(value="1"), encoding="utf-8")
    (folder / "new.csv").write_text(_wdi_csv(value="2"), encoding="utf-8")
    fetch("wdi_remittances_received", url=f"{base}/old.csv")
    monkeypatch.setenv("ACADEMY_URL_WDI_REMITTANCES_RECEIVED", f"{base}/new.csv")
    frame = load_upstream("wdi_remittances_received")
    assert frame.attrs["url"] == f"{base}/new.csv"
    assert frame[(frame["iso3"] == "NPL") & (frame["year"] == 2020)]["value"].iloc[0] == 2.0


def test_fetch_unzips_the_data_csv_not_the_metadata(served: tuple[Path, str]) -> None:
    folder, base = served
    with zipfile.ZipFile(folder / "wdi.zip", "w") as archive:
        archive.writestr("Metadata_Indicator_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv",
                         '"INDICATOR_CODE","INDICATOR_NAME"\n')
        archive.writestr("API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv", _wdi_csv())
        archive.writestr("Metadata_Country_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv",
                         '"Country Code","Region"\n')
    frame = load_upstream("wdi_remittances_received", url=f"{base}/wdi.zip")
    assert set(frame["iso3"]) == {"NPL", "TON"}
    record = read_fetch_record(cached_path("wdi_remittances_received"))
    assert record is not None
    assert record["archive_member"] == "API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_1.csv"


def test_fetch_zip_with_only_metadata_is_rejected_naming_the_kept_file(
    served: tuple[Path, str],
) -> None:
    folder, base = served
    with zipfile.ZipFile(folder / "wdi.zip", "w") as archive:
        archive.writestr("Metadata_Country_API_X.csv", '"Country Code","Region"\n')
    expected = r"\.rejected: downloaded from .*wdi\.zip.*one data CSV"
    with pytest.raises(UpstreamFormatError, match=expected) as info:
        fetch("wdi_remittances_received", url=f"{base}/wdi.zip")
    assert zipfile.is_zipfile(info.value.path)
    assert not cached_path("wdi_remittances_received").exists()


def test_http_404_names_the_url_and_keeps_the_cached_copy(served: tuple[Path, str]) -> None:
    folder, base = served
    (folder / "received.csv").write_text(_wdi_csv(), encoding="utf-8")
    path = fetch("wdi_remittances_received", url=f"{base}/received.csv")
    before = (path.read_bytes(), path.with_name(path.name + ".json").read_bytes())
    missing = f"{base}/moved/received.csv"
    with pytest.raises(UpstreamDownloadError, match=rf"{missing}: .*HTTP 404.*unchanged"):
        fetch("wdi_remittances_received", url=missing, force=True)
    assert (path.read_bytes(), path.with_name(path.name + ".json").read_bytes()) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.name + ".json"]


def test_offline_error_names_the_url() -> None:
    url = _closed_port_url()
    with pytest.raises(UpstreamDownloadError, match=rf"{url}: cannot connect"):
        fetch("wdi_remittances_paid", url=url, timeout=5)
    assert not cached_path("wdi_remittances_paid").parent.exists() or not any(
        cached_path("wdi_remittances_paid").parent.iterdir()
    )


def test_truncated_download_leaves_no_partial_file(served: tuple[Path, str]) -> None:
    _, base = served
    with pytest.raises(UpstreamDownloadError, match=r"truncated\.csv: download"):
        fetch("wdi_remittances_paid", url=f"{base}/truncated.csv", timeout=5)
    assert list(cached_path("wdi_remittances_paid").parent.iterdir()) == []


def test_unexpected_file_raises_format_error_and_keeps_the_good_cache(
    served: tuple[Path, str],
) -> None:
    folder, base = served
    (folder / "received.csv").write_text(_wdi_csv(), encoding="utf-8")
    (folder / "login.html").write_text("<html><body>Please sign in</body></html>\n")
    good = fetch("wdi_remittances_received", url=f"{base}/received.csv")
    content = good.read_bytes()
    with pytest.raises(UpstreamFormatError, match=r"login\.html as 'wdi_remittances_received' but "
                       r"expected a CSV header with columns \['Country Code'") as info:
        fetch("wdi_remittances_received", url=f"{base}/login.html")
    assert str(info.value).startswith(f"{good}.rejected: ")
    assert info.value.path.read_text().startswith("<html>")
    assert good.read_bytes() == content


def test_csv_fetched_as_the_xlsx_dataset_is_rejected(served: tuple[Path, str]) -> None:
    folder, base = served
    (folder / "rpw.xlsx").write_text(_wdi_csv(), encoding="utf-8")
    with pytest.raises(UpstreamFormatError, match=r"rpw_full\.xlsx\.rejected: .*not an xlsx"):
        fetch("rpw_full", url=f"{base}/rpw.xlsx")


def test_rpw_full_downloads_and_parses_a_workbook(served: tuple[Path, str]) -> None:
    folder, base = served
    _rpw_workbook(folder / "rpw_dataset.xlsx")
    frame = load_upstream("rpw_full", url=f"{base}/rpw_dataset.xlsx")
    assert len(frame) == 2
    assert frame.attrs["licence"] == "CC BY 4.0"


def test_corrupt_cached_file_raises_format_error_naming_it() -> None:
    path = cached_path("rpw_corridors")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    with pytest.raises(UpstreamFormatError, match=rf"{path}: not UTF-8 text"):
        load_upstream("rpw_corridors")


def test_dataset_without_default_url_names_its_environment_variable() -> None:
    with pytest.raises(UpstreamDownloadError, match=r"ACADEMY_URL_RPW_FULL.*datacatalog"):
        fetch("rpw_full")


def test_unknown_dataset_lists_the_known_ones() -> None:
    with pytest.raises(UpstreamError, match=r"No upstream dataset named 'wdi'.*rpw_corridors"):
        fetch("wdi")


def test_url_override_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = upstream.describe_upstream("wdi_remittances_paid")
    assert dataset.resolve_url() == (
        "https://api.worldbank.org/v2/en/indicator/BM.TRF.PWKR.CD.DT?downloadformat=csv"
    )
    monkeypatch.setenv("ACADEMY_URL_WDI_REMITTANCES_PAID", "http://127.0.0.1/mirror.csv")
    assert dataset.resolve_url() == "http://127.0.0.1/mirror.csv"
    assert dataset.resolve_url("http://127.0.0.1/arg.csv") == "http://127.0.0.1/arg.csv"


def test_cache_dir_argument_wins_over_environment(tmp_path: Path) -> None:
    assert cached_path("undesa_migrant_stock", cache_dir=tmp_path / "mine") == (
        tmp_path / "mine" / "upstream" / "undesa_migrant_stock.csv"
    )


# --- end to end on the real files, served locally --------------------------------------------

@pytest.mark.parametrize(
    ("name", "filename"),
    [("rpw_corridors", RPW_DATABANK), ("wdi_remittances_paid", WDI_PAID),
     ("undesa_migrant_stock", UNDESA)],
)
def test_real_file_fetched_from_local_server_parses_to_registry_columns(
    reference: Path, serve: Callable[[Path], str], name: str, filename: str,
) -> None:
    url = f"{serve(reference)}/{filename}"
    frame = load_upstream(name, url=url)
    assert tuple(frame.columns) == upstream.describe_upstream(name).tidy_columns
    assert len(frame) > 1000
    record = json.loads(Path(frame.attrs["path"] + ".json").read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256((reference / filename).read_bytes()).hexdigest()
