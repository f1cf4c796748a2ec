"""lci_data/flows.csv and the GWP100 methods: checked against the IPCC tables in ../shared and bw2io's bundled data.

Reads only lci_data/ CSVs, the IPCC tables in ../shared (skipped where absent) and the data files bw2io ships
(no Brightway project is opened).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import uuid
import xml.etree.ElementTree as ET
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LCI_DATA = REPO / "lci_data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
IPCC_DIR = SHARED / "data" / "ipcc-ar6-gwp"
needs_shared = pytest.mark.skipif(not IPCC_DIR.is_dir(), reason=f"IPCC tables not found at {IPCC_DIR} (../shared absent)")

GHG_CLASSES = {"fossil", "biogenic_emission", "biogenic_removal", "land_use_change", "aggregated"}
BW2IO_METHOD = ("IPCC 2021", "climate change", "global warming potential (GWP100)")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def flows() -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in read_csv(LCI_DATA / "flows.csv")}


@lru_cache(maxsize=None)
def method(name: str) -> dict[str, float]:
    return {row["flow_key"]: float(row["factor"]) for row in read_csv(LCI_DATA / "methods" / name)}


def bw2io_data_dir() -> Path:
    spec = importlib.util.find_spec("bw2io")
    assert spec is not None and spec.origin is not None, "bw2io (a dependency of pcf) is not installed"
    return Path(spec.origin).parent / "data"


@lru_cache(maxsize=None)
def biosphere3() -> dict[str, tuple[str, str]]:
    """uuid -> (name, categories joined by '::') of bw2io's ecoinvent 3.9 elementary flows, the way
    create_default_biosphere3() stores them ('unspecified' subcompartments dropped)."""
    ns = {"e": "http://www.EcoInvent.org/EcoSpold02"}
    path = bw2io_data_dir() / "lci" / "ecoinvent elementary flows 3.9.xml"
    out = {}
    for el in ET.parse(path).getroot():
        compartment = el.find("e:compartment/e:compartment", ns).text
        sub = el.find("e:compartment/e:subcompartment", ns).text
        out[el.get("id")] = (el.find("e:name", ns).text, compartment if sub == "unspecified" else f"{compartment}::{sub}")
    return out


@lru_cache(maxsize=None)
def bw2io_ipcc2021() -> dict[str, float]:
    with zipfile.ZipFile(bw2io_data_dir() / "lcia" / "lcia_39_ecoinvent.zip") as archive:
        methods = json.load(archive.open("data.json"))
    (m,) = [m for m in methods if tuple(m["name"]) == BW2IO_METHOD]  # keys are JSON lists in this file
    return {e["input"][1]: float(e["amount"]) for e in m["exchanges"]}


def is_pcf_uuid(key: str, code: str) -> bool:
    return code == str(uuid.uuid5(uuid.NAMESPACE_URL, f"pcf:{key}"))


# ------------------------------------------------------------------------------------------------ flows.csv
def test_flows_have_the_documented_columns_and_values():
    rows = read_csv(LCI_DATA / "flows.csv")
    assert list(rows[0]) == ["key", "name", "categories", "unit", "biosphere3_uuid", "gas", "ghg_class"]
    assert len({r["key"] for r in rows}) == len(rows)
    assert len({r["biosphere3_uuid"] for r in rows}) == len(rows)
    for r in rows:
        assert r["unit"] == "kilogram", r["key"]
        assert r["ghg_class"] in GHG_CLASSES, r["key"]


def test_flows_required_by_the_format_are_present_with_their_class():
    expected = {
        "co2_fossil": "fossil", "co2_biogenic": "biogenic_emission", "co2_luc": "land_use_change",
        "co2_uptake": "biogenic_removal", "ch4_fossil": "fossil", "ch4_biogenic": "biogenic_emission",
        "n2o": "fossil", "sf6": "fossil", "nf3": "fossil", "hfc_134a": "fossil", "hfc_32": "fossil",
        "hfc_125": "fossil", "hfc_143a": "fossil", "hfc_23": "fossil", "cf4": "fossil", "c2f6": "fossil",
        "co2e_aggregated": "aggregated",
    }
    assert {k: flows()[k]["ghg_class"] for k in expected} == expected


def test_co2e_aggregated_has_the_fixed_uuid5_of_its_name():
    row = flows()["co2e_aggregated"]
    assert row["biosphere3_uuid"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "pcf:co2e_aggregated"))
    assert row["name"] == "Carbon dioxide equivalent, aggregated (source gives CO2e only)"
    assert row["gas"] == "CO2e"


def test_flow_uuids_exist_in_bw2io_biosphere3_with_the_same_name_and_categories():
    bio = biosphere3()
    names = {v for v in bio.values()}
    for key, row in flows().items():
        code = row["biosphere3_uuid"]
        if is_pcf_uuid(key, code):
            # only for gases biosphere3 lacks (HFC-236fa and some PFCs of the EPA per-gas file) and co2e_aggregated
            assert (row["name"], row["categories"]) not in names, key
            continue
        assert code in bio, f"{key}: {code} not in bw2io's biosphere3 data"
        assert bio[code] == (row["name"], row["categories"]), key


def test_uptake_is_the_natural_resource_flow_and_emissions_go_to_unspecified_air():
    assert (flows()["co2_uptake"]["name"], flows()["co2_uptake"]["categories"]) == (
        "Carbon dioxide, in air", "natural resource::in air")
    for key, row in flows().items():
        if key != "co2_uptake":
            assert row["categories"] == "air", key


# ------------------------------------------------------------------------------------------------ methods
@pytest.mark.parametrize("name", ["ipcc_ar6_gwp100.csv", "ipcc_ar5_gwp100.csv"])
def test_every_flow_has_exactly_one_factor(name):
    rows = read_csv(LCI_DATA / "methods" / name)
    assert list(rows[0]) == ["flow_key", "factor", "unit", "source"]
    assert [r["flow_key"] for r in rows] == list(flows())
    assert all(r["source"] for r in rows)


@pytest.mark.parametrize("name", ["ipcc_ar6_gwp100.csv", "ipcc_ar5_gwp100.csv"])
def test_biogenic_and_aggregated_conventions(name):
    m = method(name)
    assert (m["co2_fossil"], m["co2_biogenic"], m["co2_uptake"], m["co2_luc"], m["co2e_aggregated"]) == (1, 1, -1, 1, 1)


def test_ar6_methane_by_origin_is_table_7_15():
    # AR6 WG1 ch. 7 Table 7.15: CH4-fossil 29.8, CH4-non fossil 27.0 (not in Table 7.SM.7, which has 27.9 overall)
    assert method("ipcc_ar6_gwp100.csv")["ch4_fossil"] == 29.8
    assert method("ipcc_ar6_gwp100.csv")["ch4_biogenic"] == 27.0


def test_ar5_values_are_those_desnz_and_epa_use():
    # DESNZ 2025 'Refrigerant & other' and EPA Hub 2025 Table 11: CH4 28, N2O 265, SF6 23500, NF3 16100, HFC-134a 1300
    m = method("ipcc_ar5_gwp100.csv")
    assert (m["ch4_fossil"], m["ch4_biogenic"], m["n2o"], m["sf6"], m["nf3"], m["hfc_134a"]) == (
        28, 28, 265, 23500, 16100, 1300)


@needs_shared
def test_every_ar6_gas_factor_equals_ipcc_table_7sm7():
    table = read_csv(IPCC_DIR / "AR6_WG1_Table7SM7_metrics_supplement_cleaned.csv")
    special = {"c-C4F8": ("Acronym", "PFC-C-318")}  # the table's formula is 'cyc (-CF2CF2CF2CF2-)'
    m = method("ipcc_ar6_gwp100.csv")
    checked = 0
    for key, row in flows().items():
        gas = row["gas"]
        if gas in ("CH4", "CO2e") or key in ("co2_biogenic", "co2_uptake", "co2_luc"):
            continue
        if gas in special:
            column, value = special[gas]
            matches = [r for r in table if r[column] == value]
        else:
            matches = [r for r in table if gas in (r["Acronym"], r["Formula"], r["Formula"].removeprefix("n-"))]
        assert len(matches) == 1, f"{key}: {len(matches)} rows for {gas} in Table 7.SM.7"
        assert m[key] == float(matches[0]["GWP100"]), key
        checked += 1
    assert checked >= 15


@needs_shared
def test_every_ar5_gas_factor_equals_the_cc0_table():
    with (IPCC_DIR / "globalwarmingpotentials_0.13.2.csv").open(encoding="utf-8") as f:
        table = {r["Species"]: r for r in csv.DictReader(line for line in f if not line.startswith("#"))}
    m = method("ipcc_ar5_gwp100.csv")
    for key, row in flows().items():
        gas = row["gas"]
        if gas in ("CO2", "CO2e"):
            continue
        assert m[key] == float(table[gas.replace("-", "")]["AR5GWP100"]), key


def test_ar6_factors_equal_bw2io_ipcc_2021_gwp100_where_it_has_the_flow():
    reference = bw2io_ipcc2021()
    m = method("ipcc_ar6_gwp100.csv")
    compared = []
    for key, row in flows().items():
        expected = reference.get(row["biosphere3_uuid"])
        if expected is not None:
            assert m[key] == pytest.approx(expected, rel=1e-12), key
            compared.append(key)
    # 'IPCC 2021' characterises neither 'Carbon dioxide, non-fossil' nor 'Carbon dioxide, in air' (ecoinvent's
    # 0 / 0 convention); pcf reports them at +1 / -1 and separately.
    assert {"co2_fossil", "ch4_fossil", "ch4_biogenic", "n2o", "sf6", "nf3", "hfc_134a", "cf4", "c2f6",
            "co2_luc"} <= set(compared)


@needs_shared
def test_committed_method_csvs_are_what_build_methods_gives():
    import sys

    name = "_pcf_lci_build_methods"
    spec = importlib.util.spec_from_file_location(name, LCI_DATA / "methods" / "build_methods.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    for filename, rows in (("ipcc_ar6_gwp100.csv", module.build_ar6(SHARED)),
                           ("ipcc_ar5_gwp100.csv", module.build_ar5(SHARED))):
        assert (LCI_DATA / "methods" / filename).read_text(encoding="utf-8") == module.render(rows), filename
