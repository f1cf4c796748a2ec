"""The `energy` pack (lci_data/packs/energy): format, provenance, data quality, and per-gas data that reproduce their
sources' totals.

Expected totals are the source figures, written here with their locator; the per-gas masses in exchanges.csv must
give them back under the source's GWP set (AR5: CH4 28, N2O 265). Reads only lci_data/ CSVs, plus ../shared for
the cross-checks (skipped where absent).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LCI_DATA = REPO / "lci_data"
PACK = LCI_DATA / "packs" / "energy"
SHARED = Path(__file__).resolve().parents[2] / "shared"
needs_shared = pytest.mark.skipif(not (SHARED / "data").is_dir(), reason=f"{SHARED} absent: cross-check skipped")

CATEGORIES = {"material", "component", "process", "packaging", "electricity", "fuel", "transport", "spend", "placeholder"}
UNITS = {"kg", "kWh", "MJ", "m3", "litre", "tkm", "m", "m2", "piece", "USD2022"}
GWP_BASES = {"AR6", "AR5", "CO2 only", "unknown"}
DQ_REQUIRED = ["dq_technological", "dq_geographical", "dq_temporal"]
DQ_OPTIONAL = ["dq_completeness", "dq_reliability"]
# DESNZ's totals are rounded to 5 decimals, as is each gas's share: the sum of rounded shares may differ by a few 1e-5.
DESNZ_ROUNDING = 3e-5


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def datasets() -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in read_csv(PACK / "datasets.csv")}


@lru_cache(maxsize=None)
def exchanges() -> dict[str, list[dict[str, str]]]:
    out = defaultdict(list)
    for r in read_csv(PACK / "exchanges.csv"):
        out[r["dataset"]].append(r)
    return out


@lru_cache(maxsize=None)
def sources() -> dict[str, dict[str, str]]:
    return {r["source_id"]: r for r in read_csv(PACK / "sources.csv")}


@lru_cache(maxsize=None)
def gwp(name: str) -> dict[str, float]:
    return {r["flow_key"]: float(r["factor"]) for r in read_csv(LCI_DATA / "methods" / name)}


def flow_kg(key: str, flow: str) -> float:
    return sum(float(e["amount"]) for e in exchanges()[key] if e["input"] == flow)


def gases_co2e(key: str, method: str = "ipcc_ar5_gwp100.csv") -> float:
    """kg CO2e of the dataset's gas exchanges (all but co2e_aggregated) under a method."""
    factors = gwp(method)
    return sum(float(e["amount"]) * factors[e["input"]] for e in exchanges()[key] if e["input"] != "co2e_aggregated")


# ------------------------------------------------------------------------------------------------ format
def test_tables_have_the_documented_columns():
    assert list(read_csv(PACK / "sources.csv")[0]) == [
        "source_id", "title", "publisher", "year", "kind", "url", "read_at", "licence", "attribution", "notes"]
    assert list(read_csv(PACK / "datasets.csv")[0]) == [
        "key", "name", "category", "unit", "geography", "reference_year", "source_id", "source_locator",
        "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability", "aircraft",
        "gwp_basis", "notes"]
    assert list(read_csv(PACK / "exchanges.csv")[0]) == ["dataset", "kind", "input", "amount", "unit", "comment"]


def test_pack_yaml_names_the_pack_and_its_licences():
    import yaml

    pack = yaml.safe_load((PACK / "pack.yaml").read_text(encoding="utf-8"))
    assert pack["name"] == "energy"
    assert pack["optional"] is False
    assert "Open Government Licence" in pack["licence"] and "CC BY 4.0" in pack["licence"]
    assert "Ember (2026), with major processing by Our World in Data" in pack["attribution"]


def test_dataset_keys_are_unique_snake_case():
    rows = read_csv(PACK / "datasets.csv")
    assert len({r["key"] for r in rows}) == len(rows)
    for r in rows:
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", r["key"]), r["key"]


def test_every_dataset_has_category_unit_source_and_licence():
    for key, d in datasets().items():
        assert d["category"] in CATEGORIES, key
        assert d["unit"] in UNITS, key
        assert d["source_id"] in sources(), key
        assert sources()[d["source_id"]]["licence"], f"{key}: source without licence"
        assert d["name"] and d["geography"], key
        assert d["aircraft"] in ("true", "false"), key
        assert d["gwp_basis"] in GWP_BASES, key
        assert 1990 <= int(d["reference_year"]) <= 2026, key
        if d["category"] != "placeholder":
            assert d["source_locator"] and d["notes"], key


def test_every_source_is_used_and_cites_its_publisher():
    used = {d["source_id"] for d in datasets().values()}
    assert used == set(sources())
    for sid, s in sources().items():
        assert s["title"] and s["publisher"] and s["year"], sid


def test_attribution_is_present_where_the_licence_requires_it():
    for sid, s in sources().items():
        if s["licence"] in ("OGL-3.0", "CC-BY-4.0"):
            assert s["attribution"], sid
    assert sources()["desnz_2025"]["attribution"].startswith(
        "Contains public sector information licensed under the Open Government Licence v3.0.")
    assert sources()["ember_owid_2026"]["attribution"] == "Ember (2026), with major processing by Our World in Data"


def test_dq_ratings_are_1_to_5_with_a_justification():
    for key, d in datasets().items():
        for column in DQ_REQUIRED:  # the placeholder too: pcf's table reader requires them
            assert d[column] in {"1", "2", "3", "4", "5"}, (key, column)
        for column in DQ_OPTIONAL:
            assert d[column] in {"", "1", "2", "3", "4", "5"}, (key, column)
        assert "DQ:" in d["notes"] or d["category"] == "placeholder", key


def test_exchanges_reference_known_datasets_and_flows_with_positive_kg():
    flow_keys = {r["key"] for r in read_csv(LCI_DATA / "flows.csv")}
    for r in read_csv(PACK / "exchanges.csv"):
        assert r["dataset"] in datasets(), r
        assert r["kind"] == "biosphere", r
        assert r["input"] in flow_keys, r
        assert r["unit"] == "kilogram", r
        assert float(r["amount"]) > 0, r
        assert r["comment"], r


def test_every_dataset_but_the_placeholder_has_exchanges():
    for key, d in datasets().items():
        assert bool(exchanges().get(key)) == (d["category"] != "placeholder"), key


def test_electricity_factory_is_an_empty_placeholder_kwh():
    d = datasets()["electricity_factory"]
    assert (d["category"], d["unit"]) == ("placeholder", "kWh")
    assert "electricity_factory" not in exchanges()


def test_aircraft_flag_marks_exactly_the_air_freight_datasets():
    for key, d in datasets().items():
        assert (d["aircraft"] == "true") == key.startswith("transport_air_"), key


def test_co2e_only_sources_use_the_aggregated_flow_and_per_gas_sources_do_not_for_direct_emissions():
    for key, d in datasets().items():
        flows = {e["input"] for e in exchanges().get(key, [])}
        if d["source_id"] in ("ember_owid_2026", "mee_footprint_2023", "mee_footprint_2024"):
            assert flows == {"co2e_aggregated"}, key
        if d["source_id"].startswith("mee_nbs_"):
            assert flows == {"co2_fossil"} and d["gwp_basis"] == "CO2 only", key
        if d["source_id"] in ("desnz_2025", "epa_egrid2023", "epa_hub_2025"):
            assert {"co2_fossil", "n2o"} <= flows, key


def test_expected_dataset_groups_are_complete():
    keys = set(datasets())
    for year in (2021, 2022, 2023):
        assert f"electricity_cn_national_{year}" in keys
    for region in ("north", "northeast", "east", "central", "northwest", "south", "southwest"):
        for year in (2022, 2023):
            assert f"electricity_cn_{region}_{year}" in keys
    assert sum(1 for k in keys if re.fullmatch(r"electricity_cn_[a-z]+_2023", k)) >= 30 + 7 + 2
    for tech in ("wind", "pv", "hydro", "coal"):
        assert f"electricity_cn_{tech}_footprint_2023" in keys
    assert {"electricity_cn_footprint_2023", "electricity_cn_footprint_2024", "electricity_gb_desnz_2025",
            "electricity_us_average_egrid2023", "natural_gas_combusted", "diesel_combusted", "lpg_combusted",
            "transport_truck_rigid_3_5_7_5t", "transport_truck_rigid_7_5_17t", "transport_truck_rigid_over_17t",
            "transport_truck_articulated_over_33t", "transport_truck_average", "transport_van_average",
            "transport_rail_freight", "transport_container_ship_average", "transport_bulk_carrier_average",
            "transport_air_freight_long_haul", "transport_air_freight_long_haul_rf",
            "transport_air_freight_short_haul", "transport_air_freight_short_haul_rf", "transport_truck_us_epa2025",
            "transport_rail_us_epa2025", "transport_ship_us_epa2025", "transport_air_us_epa2025"} <= keys
    assert sum(1 for k in keys if k.endswith("_egrid2023")) == 28  # 27 subregions + US average
    assert sum(1 for k in keys if "_ember_" in k) >= 200


# ------------------------------------------------------------------------------------------------ source totals
# DESNZ 2025 flat file ('Factors by Category'), kg CO2e per unit under AR5: (direct total, well-to-tank)
DESNZ_TOTALS = {
    # Fuels / Natural gas / kWh (Gross CV): 1_100_1004_6_1 = 0.18296; WTT 11_100_1004_6_1 = 0.03021
    "natural_gas_combusted": (0.18296, 0.03021),
    # Fuels / Diesel (100% mineral diesel) / litres: 1_101_1012_8_1 = 2.66155; WTT 11_101_1012_8_1 = 0.62409
    "diesel_combusted": (2.66155, 0.62409),
    # UK electricity generated 7_400_4000_5_1 = 0.177 + T&D 13_402_4000_5_1 = 0.01853; WTT 0.0459 + 0.00397
    "electricity_gb_desnz_2025": (0.177 + 0.01853, 0.0459 + 0.00397),
    # HGV (all diesel) / Articulated (>33t) / Average laden / tonne.km: 27_304_3132_14_1 = 0.07703; WTT 0.01799
    "transport_truck_articulated_over_33t": (0.07703, 0.01799),
    # Cargo ship / Container ship / Average / tonne.km: 27_320_3235_14_1 = 0.01612; WTT 28_916_3235_14_1 = 0.00365
    "transport_container_ship_average": (0.01612, 0.00365),
    # Freight flights / Long-haul / Without RF: 27_317_3157_14_1 = 0.5313; WTT 28_913_3157_14_1 = 0.13516
    "transport_air_freight_long_haul": (0.5313, 0.13516),
}


@pytest.mark.parametrize("key", sorted(DESNZ_TOTALS))
def test_desnz_per_gas_masses_give_back_the_desnz_total_under_ar5(key):
    direct, wtt = DESNZ_TOTALS[key]
    assert gases_co2e(key) == pytest.approx(direct, abs=DESNZ_ROUNDING)
    assert flow_kg(key, "co2e_aggregated") == pytest.approx(wtt, abs=1e-9)


def test_air_freight_with_rf_adds_only_the_rf_uplift_to_co2e_aggregated():
    # Long-haul With RF 27_317_3156_14_1 = 0.89939, without 0.5313: uplift 0.36809 (= 0.70 x 0.52583 kg CO2)
    base, rf = "transport_air_freight_long_haul", "transport_air_freight_long_haul_rf"
    assert gases_co2e(rf) == pytest.approx(gases_co2e(base), abs=1e-12)
    assert flow_kg(rf, "co2e_aggregated") - flow_kg(base, "co2e_aggregated") == pytest.approx(0.89939 - 0.5313, abs=1e-9)
    assert flow_kg(base, "co2_fossil") * 0.7 == pytest.approx(0.36809, abs=2e-5)


def test_ar6_changes_desnz_natural_gas_only_through_ch4_and_n2o():
    # 0.18259 kg CO2 + 0.00028/28 kg CH4 x 29.8 + 0.00009/265 kg N2O x 273
    expected = 0.18259 + 0.00028 / 28 * 29.8 + 0.00009 / 265 * 273
    assert gases_co2e("natural_gas_combusted", "ipcc_ar6_gwp100.csv") == pytest.approx(expected, rel=1e-9)


LB = 0.45359237  # kg


@pytest.mark.parametrize("key, co2_lb, ch4_lb, n2o_lb", [
    # EPA Hub 2025 Table 6 (eGRID2023 total output, lb/MWh)
    ("electricity_us_camx_egrid2023", 436.655, 0.025, 0.003),
    ("electricity_us_erct_egrid2023", 738.038, 0.043, 0.006),
    ("electricity_us_srmw_egrid2023", 1238.311, 0.132, 0.019),
    ("electricity_us_average_egrid2023", 771.523, 0.057, 0.008),
])
def test_egrid_gas_masses_are_the_lb_per_mwh_rates_in_kg_per_kwh(key, co2_lb, ch4_lb, n2o_lb):
    assert flow_kg(key, "co2_fossil") == pytest.approx(co2_lb * LB / 1000, rel=1e-9)
    assert flow_kg(key, "ch4_fossil") == pytest.approx(ch4_lb * LB / 1000, rel=1e-9)
    assert flow_kg(key, "n2o") == pytest.approx(n2o_lb * LB / 1000, rel=1e-9)
    assert gases_co2e(key) == pytest.approx((co2_lb + 28 * ch4_lb + 265 * n2o_lb) * LB / 1000, rel=1e-9)


def test_egrid_camx_reproduces_the_ar5_co2e_of_the_shared_extraction():
    # egrid2023_subregion_total_output_rates_from_hub2025.csv: CAMX 0.19874, ERCT 0.33604, SRMW 0.56565 kg CO2e/kWh
    for key, total in (("camx", 0.19874), ("erct", 0.33604), ("srmw", 0.56565)):
        assert gases_co2e(f"electricity_us_{key}_egrid2023") == pytest.approx(total, abs=5e-6)


def test_mee_national_2023_is_0_5306_kg_co2_per_kwh():
    key = "electricity_cn_national_2023"
    assert [(e["input"], float(e["amount"])) for e in exchanges()[key]] == [("co2_fossil", 0.5306)]
    assert gases_co2e(key) == gases_co2e(key, "ipcc_ar6_gwp100.csv") == 0.5306


def test_mee_footprint_2023_is_0_6205_kg_co2e_per_kwh():
    assert flow_kg("electricity_cn_footprint_2023", "co2e_aggregated") == 0.6205


def test_epa_truck_is_converted_from_short_ton_miles():
    # Table 8: 0.186 kg CO2, 0.0016 g CH4, 0.0054 g N2O per short ton-mile; 1 short ton-mile = 0.90718474 t x 1.609344 km
    tkm = 0.90718474 * 1.609344
    assert flow_kg("transport_truck_us_epa2025", "co2_fossil") == pytest.approx(0.186 / tkm, rel=1e-9)
    assert flow_kg("transport_truck_us_epa2025", "ch4_fossil") == pytest.approx(0.0016e-3 / tkm, rel=1e-9)
    assert flow_kg("transport_truck_us_epa2025", "n2o") == pytest.approx(0.0054e-3 / tkm, rel=1e-9)


def test_uk_biofuel_blend_diesel_reports_its_biogenic_co2_separately():
    # Outside of scopes 99_604_1011_8_2: 0.14 kg CO2 per litre of average-blend diesel
    assert flow_kg("diesel_combusted_uk_biofuel_blend", "co2_biogenic") == pytest.approx(0.14)


# ------------------------------------------------------------------------------------------------ cross-checks
@needs_shared
def test_every_desnz_dataset_reproduces_the_totals_its_locator_names():
    with (SHARED / "data/desnz-2025/ghg-conversion-factors-2025-flat-format.csv").open(encoding="utf-8-sig") as f:
        flat = {r["ID"]: float(r["GHG Conversion Factor 2025"]) for r in csv.DictReader(f)
                if r["GHG Conversion Factor 2025"]}
    for key, d in datasets().items():
        if d["source_id"] != "desnz_2025":
            continue
        direct_ids = re.findall(r"\b(\d+_\d+_\d+_\d+)_1\.\.4\b", d["source_locator"])
        expected = sum(flat[f"{base}_1"] for base in direct_ids)
        assert direct_ids and gases_co2e(key) - flow_kg(key, "co2_biogenic") == pytest.approx(
            expected, abs=DESNZ_ROUNDING * len(direct_ids)), key


@needs_shared
def test_every_egrid_dataset_matches_the_shared_extraction():
    path = SHARED / "data/epa-ghg-ef-hub-2025/egrid2023_subregion_total_output_rates_from_hub2025.csv"
    for r in read_csv(path):
        part = "average" if r["subregion"] == "US Average" else r["subregion"].lower()
        key = f"electricity_us_{part}_egrid2023"
        assert gases_co2e(key) == pytest.approx(float(r["co2e_ar5_kg_per_kwh_total_output"]), abs=5e-6), key


@needs_shared
def test_every_ember_dataset_matches_the_json():
    doc = json.loads((SHARED / "data/ember-owid/co2-emission-intensity_ember2026_owid.json").read_text())
    assert len(doc["countries"]) == sum(1 for k in datasets() if "_ember_" in k)
    for c in doc["countries"]:
        key = f"electricity_{c['name']}_ember_{c['year']}"
        assert flow_kg(key, "co2e_aggregated") == pytest.approx(c["co2g_kwh"] / 1000, rel=1e-9), key


def _load_build_script():
    import sys

    name = "_pcf_lci_build_energy"
    spec = importlib.util.spec_from_file_location(name, PACK / "build_energy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


@needs_shared
def test_committed_csvs_are_what_the_build_script_gives():
    build = _load_build_script()
    for name, text in build.render(build.build(SHARED)).items():
        assert (PACK / name).read_text(encoding="utf-8") == text, f"{name}: run build_energy.py"
