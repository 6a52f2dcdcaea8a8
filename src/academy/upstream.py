"""Full upstream datasets: download into the user cache, check, and parse into tidy frames.

The curated teaching tables in datasets/ are small; these loaders fetch the publishers' full files
when a user is online. Each download URL is configuration: a ``url`` argument, else the
environment variable ``ACADEMY_URL_<NAME>``, else the registry's default (when there is a stable
one). Every file is stored under ``<user cache>/upstream/`` with a JSON sidecar recording where and
when it came from, its size and its sha256.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import json
import os
import re
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from academy.errors import AcademyError
from academy.paths import user_cache_dir

DEFAULT_TIMEOUT = 60.0
USER_AGENT = "academy-curriculum-toolkit (Python urllib)"
QUARTER = pd.PeriodDtype("Q-DEC")

Progress = Callable[[int, int | None], None]
"""Download progress callback: bytes received so far, total bytes when the server says."""


class UpstreamError(AcademyError):
    """An upstream dataset cannot be fetched or read; the message says which and why."""


class UpstreamDownloadError(UpstreamError):
    """A download failed: offline, HTTP error, timeout or no URL configured."""


class UpstreamFormatError(UpstreamError, ValueError):
    """A file does not have the expected layout; the message names the file and what was expected.

    ``path`` is the file and ``problem`` the message without it.
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = Path(path)
        self.problem = problem


@dataclass(frozen=True)
class UpstreamDataset:
    """One publisher's full dataset: where to get it, how to check it and how to parse it.

    ``expected_columns`` are the upstream file's required header cells, compared after collapsing
    runs of whitespace (and, for xlsx, in lower case); ``tidy_columns`` are the parsed frame's.
    """

    name: str
    title: str
    publisher: str
    licence: str
    default_url: str | None
    landing_page: str
    file_format: Literal["csv", "xlsx"]
    parser: Callable[[Path], pd.DataFrame]
    check: Callable[[Path], object]
    expected_columns: tuple[str, ...]
    tidy_columns: tuple[str, ...]

    @property
    def env_var(self) -> str:
        """Return the environment variable that overrides the download URL."""
        return f"ACADEMY_URL_{self.name.upper()}"

    def resolve_url(self, override: str | None = None) -> str | None:
        """Return the download URL: ``override``, else $ACADEMY_URL_<NAME>, else the default."""
        return override or os.environ.get(self.env_var) or self.default_url


# --- shared reading helpers -------------------------------------------------------------------

def _normalise(name: object) -> str:
    """Collapse runs of whitespace: DataBank writes `Receiving Countries  Name` with two spaces."""
    return " ".join(str(name).split())


def _csv_header(path: Path, required: Sequence[str], *, within: int = 10) -> tuple[int, list[str]]:
    """Return the 0-based line number and the normalised cells of the first header row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(islice(handle, within))
    except FileNotFoundError:
        raise UpstreamFormatError(path, "file not found") from None
    except UnicodeDecodeError:
        raise UpstreamFormatError(path, "not UTF-8 text: expected a CSV file") from None
    for number, row in enumerate(csv.reader(lines)):
        cells = [_normalise(c) for c in row]
        if set(required) <= set(cells):
            return number, cells
    first = lines[0].strip()[:80] if lines else ""
    raise UpstreamFormatError(
        path, f"expected a CSV header with columns {list(required)} in the first {within} "
        f"lines; line 1 reads {first!r}",
    )


def _read_csv(path: Path, header_line: int) -> pd.DataFrame:
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=header_line,
            skip_blank_lines=False,
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UpstreamFormatError(path, f"cannot be read as CSV ({exc})") from None
    frame.columns = [_normalise(c) for c in frame.columns]
    return frame


_MISSING = frozenset({"", "..", "-", ".", "n/a", "na", "nan", "none"})


def _numeric(
    values: pd.Series, *, path: Path, column: str, rows: Sequence[str], integer: bool = False,
) -> pd.Series:
    """Return ``values`` as numbers (missing markers become NA) or raise naming the first bad one.

    ``rows`` describes where each value sits in the file, e.g. ``line 12``, for the message.
    """
    text = values.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(_MISSING)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = numbers.isna() & ~missing
    if integer:
        bad |= numbers.notna() & (numbers % 1 != 0)
    if bad.any():
        at = int(bad.to_numpy().argmax())
        kind = "an integer" if integer else "a number"
        raise UpstreamFormatError(
            path, f"{rows[at]}, column '{column}': expected {kind}, found '{text.iloc[at]}'"
        )
    return numbers.astype("Int64") if integer else numbers.astype("float64")


def _line_labels(frame: pd.DataFrame, header_line: int) -> list[str]:
    # Data row i of the frame is physical line header_line + 2 + i (1-based).
    return [f"line {header_line + 2 + i}" for i in range(len(frame))]


def _reject_duplicates(frame: pd.DataFrame, key: list[str], path: Path, rows: list[str]) -> None:
    # The frame's index is each row's position in the file, so `rows` can locate it.
    duplicated = frame.duplicated(subset=key)
    if duplicated.any():
        at = int(duplicated.to_numpy().argmax())
        values = ", ".join(f"{k}={frame[k].iloc[at]}" for k in key)
        raise UpstreamFormatError(path, f"{rows[int(frame.index[at])]}: duplicate row for {values}")


# --- RPW corridors, World Bank DataBank CSV export ----------------------------------------------

_RPW_DATABANK_IDS = {
    "Sending Countries Name": "sending_country",
    "Sending Countries Code": "sending_iso3",
    "Series Name": "series_name",
    "Series Code": "series_code",
    "Receiving Countries Name": "receiving_country",
    "Receiving Countries Code": "receiving_iso3",
}
_RPW_SERIES = "ATCR.CORR"
_DATABANK_QUARTER = re.compile(r"^(\d{4})Q([1-4])(?: \[YR\1Q\2\])?$")
RPW_CORRIDOR_COLUMNS = (
    "sending_iso3", "sending_country", "receiving_iso3", "receiving_country", "period",
    "total_cost_pct",
)


def _rpw_databank_header(path: Path) -> tuple[int, list[str]]:
    return _csv_header(path, list(_RPW_DATABANK_IDS))


def parse_rpw_databank_csv(path: Path | str) -> pd.DataFrame:
    """Return the DataBank export of RPW corridors in long form, one row per observed quarter.

    Columns: sending_iso3, sending_country, receiving_iso3, receiving_country, period
    (quarterly ``pd.Period``, compares equal to ``"2020Q3"``) and total_cost_pct (average total
    cost of sending USD 200, series ATCR.CORR). Quarters marked ``..`` are left out; the footer
    lines are dropped and their ``Last Updated`` date is kept in ``attrs["last_updated"]``.
    """
    path = Path(path)
    header_line, _ = _rpw_databank_header(path)
    raw = _read_csv(path, header_line)
    quarters = {c: _DATABANK_QUARTER.match(c) for c in raw.columns if c not in _RPW_DATABANK_IDS}
    unknown = [c for c, match in quarters.items() if match is None]
    if unknown or not quarters:
        raise UpstreamFormatError(
            path, f"expected quarter columns like '2011Q1 [YR2011Q1]' after the corridor "
            f"columns, found {unknown or 'none'}",
        )
    rows = _line_labels(raw, header_line)
    is_data = raw["Sending Countries Code"].str.strip() != ""
    footer_start = len(is_data) - int(is_data[::-1].to_numpy().argmax()) if is_data.any() else 0
    gaps = ~is_data.iloc[:footer_start]
    if gaps.any():
        raise UpstreamFormatError(path, f"{rows[int(gaps.to_numpy().argmax())]}: blank corridor "
                                  "row before the end of the data (only footer lines may be blank)")
    footer = raw.iloc[footer_start:, 0].str.strip()
    updated = footer[footer.str.startswith("Last Updated:")].str.removeprefix("Last Updated:")
    data = raw.iloc[:footer_start]
    data = data[data["Series Code"].str.strip() == _RPW_SERIES]
    if data.empty:
        raise UpstreamFormatError(path, f"no rows of series {_RPW_SERIES} (average total cost "
                                  "to remit in corridor)")
    ids = list(_RPW_DATABANK_IDS)
    _reject_duplicates(data, ["Sending Countries Code", "Receiving Countries Code"], path, rows)
    long = data.reset_index(names="_row").melt(
        id_vars=["_row", *ids], value_vars=list(quarters), var_name="period", value_name="value",
    )
    long["total_cost_pct"] = _numeric(
        long["value"], path=path, column="quarter values",
        rows=[f"{rows[r]} ({c})" for r, c in zip(long["_row"], long["period"], strict=True)],
    )
    long = long[long["total_cost_pct"].notna()].rename(columns=_RPW_DATABANK_IDS)
    label = {c: f"{m.group(1)}Q{m.group(2)}" for c, m in quarters.items() if m is not None}
    long["period"] = long["period"].map(label).astype(QUARTER)
    for column in ("sending_iso3", "sending_country", "receiving_iso3", "receiving_country"):
        long[column] = long[column].str.strip().astype("string")
    frame = long.sort_values(["sending_iso3", "receiving_iso3", "period"])[
        list(RPW_CORRIDOR_COLUMNS)
    ].reset_index(drop=True)
    frame.attrs["last_updated"] = updated.iloc[0].strip() if len(updated) else None
    return frame


# --- World Development Indicators, wide CSV (as in the API's ZIP download) -----------------------

_WDI_IDS = {
    "Country Code": "iso3",
    "Country Name": "country",
    "Indicator Code": "indicator",
    "Indicator Name": "indicator_name",
}
_YEAR = re.compile(r"^\d{4}$")
WDI_COLUMNS = ("iso3", "country", "indicator", "year", "value")


def _wdi_header(path: Path) -> tuple[int, list[str]]:
    return _csv_header(path, list(_WDI_IDS))


def parse_wdi_wide_csv(path: Path | str, *, indicator: str | None = None) -> pd.DataFrame:
    """Return a WDI wide CSV (header lines, one column per year) in long form.

    Columns: iso3, country, indicator (code), year (Int64), value (float64); empty cells are
    left out. Regional and income aggregates (WLD, LMY, ...) are kept as WDI publishes them.
    With ``indicator``, every row must carry that indicator code.
    """
    path = Path(path)
    header_line, _ = _wdi_header(path)
    raw = _read_csv(path, header_line)
    # WDI ends every line with a comma, which pandas reads as an empty 'Unnamed: N' column.
    trailing = [c for c in raw.columns if c.startswith("Unnamed:") and (raw[c] == "").all()]
    raw = raw.drop(columns=trailing)
    years = [c for c in raw.columns if _YEAR.match(c)]
    unknown = [c for c in raw.columns if c not in _WDI_IDS and c not in years]
    if unknown or not years:
        raise UpstreamFormatError(path, f"expected one column per year like '1960' after "
                                  f"{list(_WDI_IDS)}, found {unknown or 'no year columns'}")
    rows = _line_labels(raw, header_line)
    raw = raw[raw["Country Code"].str.strip() != ""]
    codes = sorted(set(raw["Indicator Code"].str.strip()))
    if indicator is not None and codes != [indicator]:
        raise UpstreamFormatError(path, f"expected indicator {indicator}, found {codes}")
    _reject_duplicates(raw, ["Country Code", "Indicator Code"], path, rows)
    long = raw.reset_index(names="_row").melt(
        id_vars=["_row", *_WDI_IDS], value_vars=years, var_name="year", value_name="text",
    )
    long["value"] = _numeric(
        long["text"], path=path, column="year values",
        rows=[f"{rows[r]} ({y})" for r, y in zip(long["_row"], long["year"], strict=True)],
    )
    long = long[long["value"].notna()].rename(columns=_WDI_IDS)
    long["year"] = long["year"].astype("Int64")
    for column in ("iso3", "country", "indicator"):
        long[column] = long[column].str.strip().astype("string")
    frame = long.sort_values(["indicator", "iso3", "year"])[list(WDI_COLUMNS)]
    frame = frame.reset_index(drop=True)
    names = sorted(set(raw["Indicator Name"].str.strip()))
    frame.attrs["indicator_name"] = names[0] if len(names) == 1 else names
    frame.attrs["last_updated"] = _wdi_last_updated(path, header_line)
    return frame


def _wdi_last_updated(path: Path, header_line: int) -> str | None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(islice(handle, header_line)):
            if len(row) > 1 and _normalise(row[0]) == "Last Updated Date":
                return row[1].strip()
    return None


# --- UN DESA international migrant stock, long CSV ----------------------------------------------

_UNDESA_REQUIRED = ("geo", "t", "from", "sex", "n")
_UNDESA_FLAGS = {
    "type_b": "foreign_born",
    "type_c": "foreign_citizens",
    "type_r": "includes_refugees",
    "type_i": "imputed",
}
_SEXES = frozenset({"female", "male"})
UNDESA_COLUMNS = (
    "destination_iso3", "origin_iso3", "year", "sex", "migrants", *_UNDESA_FLAGS.values(),
)


def _undesa_header(path: Path) -> tuple[int, list[str]]:
    return _csv_header(path, _UNDESA_REQUIRED, within=1)


def parse_undesa_stock_csv(path: Path | str) -> pd.DataFrame:
    """Return UN DESA international migrant stock, one row per destination, origin, year and sex.

    Reads the long CSV ``geo, t, from, sex, n`` (IOM gdidata's packaging of the UN DESA
    estimates). Columns: destination_iso3, origin_iso3 (``OOO`` = other or unknown origin),
    year, sex (female or male), migrants (Int64), and the estimate-type flags foreign_born,
    foreign_citizens, includes_refugees, imputed (boolean; NA when the file has no type_*
    columns).
    """
    path = Path(path)
    header_line, _ = _undesa_header(path)
    raw = _read_csv(path, header_line)
    rows = _line_labels(raw, header_line)
    text = {c: raw[c].str.strip() for c in raw.columns}
    for column in ("geo", "from"):
        blank = text[column] == ""
        if blank.any():
            raise UpstreamFormatError(path, f"{rows[int(blank.to_numpy().argmax())]}, column "
                                      f"'{column}': a country code is required")
    sex = text["sex"]
    odd = ~sex.isin(_SEXES)
    if odd.any():
        at = int(odd.to_numpy().argmax())
        raise UpstreamFormatError(path, f"{rows[at]}, column 'sex': expected one of "
                                  f"{sorted(_SEXES)}, found '{sex.iloc[at]}'")
    frame = pd.DataFrame({
        "destination_iso3": text["geo"].astype("string"),
        "origin_iso3": text["from"].astype("string"),
        "year": _numeric(text["t"], path=path, column="t", rows=rows, integer=True),
        "sex": sex.astype("string"),
        "migrants": _numeric(text["n"], path=path, column="n", rows=rows, integer=True),
    })
    negative = frame["migrants"] < 0
    if negative.any():
        raise UpstreamFormatError(path, f"{rows[int(negative.to_numpy().argmax())]}, column "
                                  "'n': a migrant count cannot be negative")
    for column, tidy in _UNDESA_FLAGS.items():
        if column not in text:
            frame[tidy] = pd.array([pd.NA] * len(frame), dtype="boolean")
            continue
        flag = text[column].map({"1": True, "0": False, "": pd.NA, "TRUE": True, "FALSE": False})
        bad = flag.isna() & (text[column] != "")
        if bad.any():
            at = int(bad.to_numpy().argmax())
            raise UpstreamFormatError(path, f"{rows[at]}, column '{column}': expected 0 or 1, "
                                      f"found '{text[column].iloc[at]}'")
        frame[tidy] = flag.astype("boolean")
    _reject_duplicates(frame, ["destination_iso3", "origin_iso3", "year", "sex"], path, rows)
    return frame[list(UNDESA_COLUMNS)]


# --- RPW full dataset, xlsx ---------------------------------------------------------------------

RPW_XLSX_SHEETS = ("Dataset (up to Q1 2016)", "Dataset (from Q2 2016)")
_RPW_XLSX = {  # upstream column (lower case, single spaces) -> tidy column
    "period": "period",
    "source_code": "sending_iso3",
    "source_name": "sending_country",
    "destination_code": "receiving_iso3",
    "destination_name": "receiving_country",
    "corridor": "corridor",
    "firm": "firm",
    "firm_type": "firm_type",
    "payment instrument": "payment_instrument",
    "access point": "access_point",
    "speed actual": "speed",
    "cc1 lcu fee": "fee_lcu",
    "cc1 fx margin": "fx_margin_pct",
    "cc1 total cost %": "total_cost_pct",
}
_RPW_XLSX_NUMBERS = ("cc1 lcu fee", "cc1 fx margin", "cc1 total cost %")
_RPW_PERIOD = re.compile(r"^(\d{4})_([1-4])Q$")
RPW_FULL_COLUMNS = ("sheet", *_RPW_XLSX.values())


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook  # heavy import, only for the xlsx dataset
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UpstreamFormatError(path, "file not found") from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UpstreamFormatError(path, f"not an xlsx workbook ({exc})") from None


def _xlsx_header(
    path: Path, workbook: Any, sheet: str, *, within: int = 10,
) -> tuple[int, list[str]]:
    """Return the 1-based row number and normalised cells of ``sheet``'s header row."""
    if sheet not in workbook.sheetnames:
        raise UpstreamFormatError(path, f"expected sheets {list(RPW_XLSX_SHEETS)}, found "
                                  f"{workbook.sheetnames}")
    rows = workbook[sheet].iter_rows(max_row=within, values_only=True)
    for number, row in enumerate(rows, start=1):
        cells = [_normalise(c).lower() if c is not None else "" for c in row]
        if set(_RPW_XLSX) <= set(cells):
            return number, cells
    raise UpstreamFormatError(path, f"sheet '{sheet}': expected a header row with columns "
                              f"{list(_RPW_XLSX)} in the first {within} rows")


def check_rpw_xlsx(path: Path | str) -> None:
    """Raise UpstreamFormatError unless the workbook has both RPW sheets and their columns."""
    path = Path(path)
    workbook = _open_workbook(path)
    try:
        for sheet in RPW_XLSX_SHEETS:
            _xlsx_header(path, workbook, sheet)
    finally:
        workbook.close()


def _sheet_rows(workbook: Any, sheet: str, first: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, row in enumerate(workbook[sheet].iter_rows(min_row=first, values_only=True), first):
        if any(cell not in (None, "") for cell in row):
            yield number, row


def parse_rpw_xlsx(path: Path | str) -> pd.DataFrame:
    """Return the RPW full dataset: one row per sheet, quarter, corridor, firm and product.

    Reads both sheets (up to Q1 2016, from Q2 2016). Columns: sheet, period (quarterly
    ``pd.Period``, from ``2011_1Q``), sending_iso3, sending_country, receiving_iso3,
    receiving_country, corridor, firm, firm_type, payment_instrument, access_point, speed, and
    for sending USD 200 (RPW's ``cc1``): fee_lcu (fee in the sending country's currency),
    fx_margin_pct and total_cost_pct. Other upstream columns are not kept.
    """
    path = Path(path)
    workbook = _open_workbook(path)
    parts: list[pd.DataFrame] = []
    try:
        for sheet in RPW_XLSX_SHEETS:
            header_row, cells = _xlsx_header(path, workbook, sheet)
            index = {name: cells.index(name) for name in _RPW_XLSX}
            columns: dict[str, list[Any]] = {name: [] for name in _RPW_XLSX}
            where: list[str] = []
            for number, row in _sheet_rows(workbook, sheet, header_row + 1):
                where.append(f"sheet '{sheet}' row {number}")
                for name, at in index.items():
                    columns[name].append(row[at] if at < len(row) else None)
            parts.append(_rpw_sheet_frame(path, sheet, columns, where))
    finally:
        workbook.close()
    return pd.concat(parts, ignore_index=True)[list(RPW_FULL_COLUMNS)]


def _rpw_sheet_frame(
    path: Path, sheet: str, columns: dict[str, list[Any]], where: list[str],
) -> pd.DataFrame:
    raw = pd.DataFrame(columns, dtype=object)
    frame = pd.DataFrame({"sheet": pd.Series([sheet] * len(raw), dtype="string")})
    period = raw["period"].map(lambda v: _normalise(v) if v is not None else "")
    parts = period.str.extract(_RPW_PERIOD)
    bad = parts[0].isna()
    if bad.any():
        at = int(bad.to_numpy().argmax())
        raise UpstreamFormatError(path, f"{where[at]}, column 'period': expected a quarter like "
                                  f"'2011_1Q', found '{period.iloc[at]}'")
    frame["period"] = (parts[0] + "Q" + parts[1]).astype(QUARTER)
    for name, tidy in _RPW_XLSX.items():
        if name == "period":
            continue
        if name in _RPW_XLSX_NUMBERS:
            frame[tidy] = _numeric(raw[name], path=path, column=name, rows=where)
        else:
            text = raw[name].map(lambda v: None if v is None else str(v).strip())
            frame[tidy] = text.astype("string")
    return frame


# --- registry -----------------------------------------------------------------------------------

def _wdi(indicator: str) -> Callable[[Path], pd.DataFrame]:
    def parse(path: Path) -> pd.DataFrame:
        return parse_wdi_wide_csv(path, indicator=indicator)

    return parse


def _wdi_url(indicator: str) -> str:
    return f"https://api.worldbank.org/v2/en/indicator/{indicator}?downloadformat=csv"


def _wdi_remittances(direction: str, indicator: str) -> UpstreamDataset:
    """Return the registry entry of one WDI personal-remittances series (paid or received)."""
    return UpstreamDataset(
        name=f"wdi_remittances_{direction}",
        title=f"World Development Indicators: personal remittances, {direction} (current US$), "
              f"{indicator}",
        publisher=_WB, licence=_CC_BY,
        default_url=_wdi_url(indicator),
        landing_page=f"https://data.worldbank.org/indicator/{indicator}",
        file_format="csv", parser=_wdi(indicator), check=_wdi_header,
        expected_columns=tuple(_WDI_IDS), tidy_columns=WDI_COLUMNS,
    )


_WB = "World Bank"
_CC_BY = "CC BY 4.0"
_REGISTRY = (
    UpstreamDataset(
        name="rpw_corridors",
        title="Remittance Prices Worldwide (Corridors): average total cost, DataBank export",
        publisher=_WB, licence=_CC_BY,
        # DataBank exports are generated on demand and have no permanent address.
        default_url=None,
        landing_page="https://databank.worldbank.org/source/remittance-prices-worldwide-(corridors)",
        file_format="csv", parser=parse_rpw_databank_csv, check=_rpw_databank_header,
        expected_columns=tuple(_RPW_DATABANK_IDS), tidy_columns=RPW_CORRIDOR_COLUMNS,
    ),
    UpstreamDataset(
        name="rpw_full",
        title="Remittance Prices Worldwide: full dataset (xlsx)",
        publisher=_WB, licence=_CC_BY,
        # The file's download path changes with every release: see the catalogue page.
        default_url=None,
        landing_page="https://datacatalog.worldbank.org/search/dataset/0037898/"
                     "remittance-prices-worldwide",
        file_format="xlsx", parser=parse_rpw_xlsx, check=check_rpw_xlsx,
        expected_columns=tuple(_RPW_XLSX), tidy_columns=RPW_FULL_COLUMNS,
    ),
    _wdi_remittances("paid", "BM.TRF.PWKR.CD.DT"),
    _wdi_remittances("received", "BX.TRF.PWKR.CD.DT"),
    UpstreamDataset(
        name="undesa_migrant_stock",
        title="International Migrant Stock 2024, by destination, origin and sex (long form)",
        publisher="UN DESA Population Division, as packaged by IOM's gdidata",
        licence="UN DESA terms of use; gdidata packaging MIT",
        # UN DESA publishes xlsx workbooks; the long CSV is a repackaging with no fixed address.
        default_url=None,
        landing_page="https://www.un.org/development/desa/pd/content/international-migrant-stock",
        file_format="csv", parser=parse_undesa_stock_csv, check=_undesa_header,
        expected_columns=_UNDESA_REQUIRED, tidy_columns=UNDESA_COLUMNS,
    ),
)
UPSTREAM_DATASETS: Mapping[str, UpstreamDataset] = MappingProxyType(
    {d.name: d for d in _REGISTRY}
)


def upstream_names() -> list[str]:
    """Return the names of every upstream dataset, in registry order."""
    return list(UPSTREAM_DATASETS)


def describe_upstream(name: str) -> UpstreamDataset:
    """Return the registry entry of upstream dataset ``name``."""
    try:
        return UPSTREAM_DATASETS[name]
    except KeyError:
        known = ", ".join(UPSTREAM_DATASETS)
        raise UpstreamError(f"No upstream dataset named '{name}' (known: {known})") from None


# --- cache and download -------------------------------------------------------------------------

def cached_path(name: str, *, cache_dir: Path | str | None = None) -> Path:
    """Return where dataset ``name`` is (or would be) stored in the user cache."""
    dataset = describe_upstream(name)
    return user_cache_dir(cache_dir) / "upstream" / f"{name}.{dataset.file_format}"


def sidecar_path(path: Path) -> Path:
    """Return the JSON sidecar that records the origin of cached file ``path``."""
    return path.with_name(path.name + ".json")


def read_fetch_record(path: Path) -> dict[str, Any] | None:
    """Return the sidecar record of cached file ``path``, or None when it is missing or broken."""
    try:
        record = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def fetch(
    name: str,
    *,
    url: str | None = None,
    cache_dir: Path | str | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> Path:
    """Return the path of upstream dataset ``name`` in the user cache, downloading it if needed.

    A cached file is reused unless ``force`` is set or it came from another URL than the one
    configured. A download goes to a temporary file, is unzipped if it is a ZIP of CSVs (the
    data CSV, not ``Metadata_*``), checked for the expected columns, then renamed into place:
    a failed download never leaves a partial file nor touches the cached copy. A file with the
    wrong layout is kept beside the cache as ``<file>.rejected`` and raises UpstreamFormatError.
    """
    dataset = describe_upstream(name)
    source = dataset.resolve_url(url)
    target = cached_path(name, cache_dir=cache_dir)
    if not force and target.is_file():
        record = read_fetch_record(target)
        if source is None or (record is not None and record.get("url") == source):
            return target
    if source is None:
        raise UpstreamDownloadError(
            f"No download URL configured for '{name}': pass url= or set {dataset.env_var} to the "
            f"file's address (the publisher's page: {dataset.landing_page})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}-") as work:
        payload = Path(work) / f"download.{dataset.file_format}"  # openpyxl checks the suffix
        try:
            _download(source, payload, timeout, progress)
        except UpstreamDownloadError as exc:
            if target.is_file():
                raise UpstreamDownloadError(
                    f"{exc}; the cached copy {target} is unchanged"
                ) from None
            raise
        try:
            data, member = _unpack(payload, dataset)
            dataset.check(data)
        except UpstreamFormatError as exc:
            rejected = target.with_name(target.name + ".rejected")
            os.replace(payload, rejected)
            raise UpstreamFormatError(
                rejected, f"downloaded from {source} as '{name}' but {exc.problem}"
            ) from None
        record = _fetch_record(dataset, source, data, member)
        os.replace(data, target)
    _write_json_atomically(sidecar_path(target), record)
    target.with_name(target.name + ".rejected").unlink(missing_ok=True)
    return target


def _download(url: str, dest: Path, timeout: float, progress: Progress | None) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    received, total = 0, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, dest.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            while chunk := response.read(1 << 20):
                out.write(chunk)
                received += len(chunk)
                if progress is not None:
                    progress(received, total)
    except urllib.error.HTTPError as exc:
        raise UpstreamDownloadError(f"{url}: the server answered HTTP {exc.code} {exc.reason}"
                                    ) from None
    except urllib.error.URLError as exc:
        raise UpstreamDownloadError(f"{url}: cannot connect ({exc.reason}); are you online?"
                                    ) from None
    except (TimeoutError, http.client.HTTPException, OSError) as exc:
        raise UpstreamDownloadError(f"{url}: download failed ({str(exc) or type(exc).__name__})"
                                    ) from None
    if total is not None and received != total:
        raise UpstreamDownloadError(f"{url}: download incomplete, {received} of {total} bytes")


def _unpack(payload: Path, dataset: UpstreamDataset) -> tuple[Path, str | None]:
    """Return the data file inside a ZIP download (and its member name), or the payload itself."""
    # An xlsx workbook is itself a ZIP: only CSV datasets arrive zipped.
    if dataset.file_format != "csv" or not zipfile.is_zipfile(payload):
        return payload, None
    with zipfile.ZipFile(payload) as archive:
        members = [m for m in archive.namelist() if not m.endswith("/")]
        csvs = [m for m in members if m.lower().endswith(".csv")
                and not Path(m).name.startswith("Metadata_")]
        if len(csvs) != 1:
            raise UpstreamFormatError(payload, "the ZIP should hold one data CSV besides the "
                                      f"Metadata_ files, found {members}")
        data = payload.with_name("data.csv")
        with archive.open(csvs[0]) as source, data.open("wb") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
    return data, csvs[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_record(
    dataset: UpstreamDataset, url: str, data: Path, member: str | None,
) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "title": dataset.title,
        "publisher": dataset.publisher,
        "licence": dataset.licence,
        "url": url,
        "archive_member": member,
        "downloaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "size": data.stat().st_size,
        "sha256": _sha256(data),
    }


def _write_json_atomically(path: Path, record: dict[str, Any]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=2)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_upstream(
    name: str,
    *,
    url: str | None = None,
    cache_dir: Path | str | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Return upstream dataset ``name`` as a tidy DataFrame, fetching it first when not cached.

    The frame's ``attrs`` hold the title, publisher, licence, URL and cached path.
    """
    dataset = describe_upstream(name)
    path = fetch(name, url=url, cache_dir=cache_dir, force=force, timeout=timeout,
                 progress=progress)
    frame = dataset.parser(path)
    record = read_fetch_record(path) or {}
    frame.attrs.update(
        name=name, title=dataset.title, publisher=dataset.publisher, licence=dataset.licence,
        url=record.get("url"), downloaded_at=record.get("downloaded_at"), path=str(path),
    )
    return frame
