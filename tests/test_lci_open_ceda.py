"""The optional `open_ceda` pack (lci_data/packs/open_ceda): Open CEDA 2024 by Watershed, CC BY-SA 4.0.

It is not loaded unless named, carries its source, licence, attribution and data quality on every dataset, has one
dataset per (country, sector) of the source, and three hand-picked values equal the raw export. Reads only lci_data/,
plus the raw export in ../shared for the cross-check (skipped where absent).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from pcf.data.tables import load_lci_tables

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "lci_data" / "packs" / "open_ceda"
SHARED = Path(__file__).resolve().parents[2] / "shared"
RAW = SHARED / "data" / "open-ceda-2024" / "open_ceda_2024_third_party_csv_export.csv"
needs_raw = pytest.mark.skipif(not RAW.is_file(), reason=f"{RAW} absent (../shared not checked out): raw cross-check "
                                                         "skipped; the lci_data checks still run")

N_COUNTRY_ROWS = 149  # 148 countries + ROW (Rest of World)
N_SECTORS = 400
# (ISO3 as in the source, sector code as in the source) -> kg CO2e per USD (producer price, 2022), read by hand from
# the raw export (decimal commas: 2,255 / 0,258 / 0,400)
HAND_PICKED = {
    ("CHN", "331110"): 2.255,  # Iron and steel mills and ferroalloy manufacturing, China
    ("DEU", "333912"): 0.258,  # Air and gas compressor manufacturing, Germany
    ("USA", "335312"): 0.400,  # Motor and generator manufacturing, United States
}


def key_of(iso: str, code: str) -> str:
    return f"ceda_{iso.lower()}_{code.lower()}"


@pytest.fixture(scope="module")
def default_tables():
    return load_lci_tables()


@pytest.fixture(scope="module")
def ceda_tables():
    return load_lci_tables(optional_packs=("open_ceda",))


@pytest.fixture(scope="module")
def ceda(ceda_tables):
    ds = ceda_tables.datasets
    return ds[ds["pack"] == "open_ceda"]


@pytest.fixture(scope="module")
def ceda_exchanges(ceda_tables):
    ex = ceda_tables.exchanges
    return ex[ex["pack"] == "open_ceda"]


def test_pack_yaml_marks_the_pack_optional_with_licence_and_attribution():
    meta = yaml.safe_load((PACK / "pack.yaml").read_text(encoding="utf-8"))
    assert meta["name"] == "open_ceda"
    assert meta["optional"] is True
    assert meta["licence"] == "CC-BY-SA-4.0"
    assert meta["attribution"] == "CEDA by Watershed"
    assert meta["title"]


def test_not_loaded_by_default(default_tables):
    assert "open_ceda" not in default_tables.packs
    assert not default_tables.datasets["key"].str.startswith("ceda_").any()
    assert not default_tables.exchanges["dataset"].str.startswith("ceda_").any()


def test_loaded_when_named(ceda_tables, default_tables):
    assert "open_ceda" in ceda_tables.packs
    assert len(ceda_tables.datasets) == len(default_tables.datasets) + N_COUNTRY_ROWS * N_SECTORS
    assert ceda_tables.content_hash != default_tables.content_hash


def test_every_dataset_has_unit_source_licence_and_quality(ceda):
    assert len(ceda) == N_COUNTRY_ROWS * N_SECTORS
    assert ceda["key"].str.match(r"^ceda_[a-z]{3}_[a-z0-9_]+$").all()
    assert (ceda["category"] == "spend").all()
    assert (ceda["unit"] == "USD2022").all()
    assert (ceda["reference_year"].astype(str) == "2022").all()
    assert (ceda["gwp_basis"] == "unknown").all()
    assert not ceda["aircraft"].any()
    assert (ceda["source_id"] == "open_ceda_2024").all()
    assert ceda["source_title"].str.contains("Open CEDA 2024").all()
    assert ceda["licence"].str.startswith("CC BY-SA 4.0").all()
    assert ceda["source_locator"].str.startswith("CSV line ").all()
    assert ceda["notes"].str.contains("Producer price").all()
    assert ceda["notes"].str.contains("CEDA by Watershed").all()
    for column in ("dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability"):
        assert ceda[column].between(1, 5).all(), column
    assert (ceda["dq_technological"] == 5).all()
    rest = ceda["geography"] == "RoW"
    assert rest.sum() == N_SECTORS
    assert (ceda.loc[rest, "dq_geographical"] == 4).all() and (ceda.loc[~rest, "dq_geographical"] == 3).all()
    assert ceda.loc[~rest, "geography"].str.match(r"^[A-Z]{3}$").all()


def test_one_co2e_exchange_per_dataset(ceda, ceda_exchanges):
    assert len(ceda_exchanges) == len(ceda)
    assert set(ceda_exchanges["dataset"]) == set(ceda["key"])
    assert (ceda_exchanges["kind"] == "biosphere").all()
    assert (ceda_exchanges["input"] == "co2e_aggregated").all()
    assert (ceda_exchanges["amount"] >= 0).all()
    # source zeros are kept and flagged, not dropped
    zero = set(ceda_exchanges.loc[ceda_exchanges["amount"] == 0, "dataset"])
    assert (ceda.loc[sorted(zero), "dq_completeness"] == 5).all()
    assert ceda.loc[sorted(zero), "notes"].str.contains("0,000").all()


def test_count_is_countries_times_sectors(ceda):
    countries = ceda["key"].str.split("_").str[1]
    sectors = ceda["key"].str.split("_", n=2).str[2]
    assert countries.nunique() == N_COUNTRY_ROWS
    assert sectors.nunique() == N_SECTORS


def test_hand_picked_values_in_the_pack(ceda, ceda_exchanges):
    amounts = ceda_exchanges.set_index("dataset")["amount"]
    for (iso, code), value in HAND_PICKED.items():
        assert amounts[key_of(iso, code)] == pytest.approx(value, abs=1e-12), (iso, code)
        assert ceda.loc[key_of(iso, code), "geography"] == iso


def _read_raw() -> tuple[list[str], dict[str, dict[str, float]]]:
    """The raw export, parsed independently of the build script: sector codes and {ISO3: {code: value}}."""
    text = RAW.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = next(i for i, r in enumerate(rows) if len(r) > 1 and r[1] == "Country Code")
    codes = [c for c in rows[header][4:] if c.strip()]
    data = {}
    for r in rows[header + 1:]:
        data[r[1]] = {code: float(r[4 + j].replace(",", ".")) for j, code in enumerate(codes)}
    return codes, data


@needs_raw
def test_count_and_hand_picked_values_match_the_raw_file(ceda, ceda_exchanges):
    codes, data = _read_raw()
    assert len(data) == N_COUNTRY_ROWS and len(codes) == N_SECTORS
    assert len(ceda) == len(data) * len(codes)
    amounts = ceda_exchanges.set_index("dataset")["amount"]
    for (iso, code), value in HAND_PICKED.items():
        assert data[iso][code] == value, (iso, code)
        assert amounts[key_of(iso, code)] == data[iso][code], (iso, code)
    # and every other value too (cheap: one dict look-up per dataset)
    mismatched = [(iso, code) for iso, values in data.items() for code, v in values.items()
                  if amounts[key_of(iso, code)] != v]
    assert mismatched == []


def test_licence_and_notice_name_the_pack_and_the_attribution():
    for name in ("LICENSES.md", "NOTICE"):
        text = (REPO / "lci_data" / name).read_text(encoding="utf-8")
        assert "## Open CEDA 2024 by Watershed - pack `open_ceda` (optional)" in text, name
        assert "CEDA by Watershed" in text.split("pack `open_ceda` (optional)", 1)[1], name
