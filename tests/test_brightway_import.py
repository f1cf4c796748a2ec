"""pcf.data.brightway_import: Excel LCI import, USLCI import, Brightway -> pcf tables, cumulative inventories.

Every Brightway project lives in pytest's tmp_path (nothing is written to the home directory).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from pcf.data.brightway_import import (
    BrightwayImportError,
    classify_ghg_flow,
    cumulative_ghg_inventory,
    import_excel_lci,
    import_uslci_ecospold1,
    tables_from_brightway,
)

REPO = Path(__file__).resolve().parents[1]
USLCI_ZIP = REPO.parent / "shared" / "data" / "uslci" / "uslci_fy21_q3_01_olca_10_3_ecospold2.zip"

EXCHANGE_HEADER = ("name", "amount", "unit", "database", "location", "categories", "type")


def _activity(ws, name, code, unit, exchanges):
    for row in (("Activity", name), ("code", code), ("location", "GLO"), ("type", "process"), ("unit", unit),
                (), ("Exchanges",), EXCHANGE_HEADER):
        ws.append(row)
    for row in exchanges:
        ws.append(row)
    ws.append(())


def _write_toy_workbook(path: Path, *, extra_exchange=None) -> Path:
    """Three activities in bw2io's Excel LCI format, with a loop (steel <-> electricity).

    steel part: makes 2 kg; uses 3 kWh electricity; emits 4 kg CO2 fossil and 0.02 kg CH4 fossil.
    electricity: makes 1 kWh; uses 0.01 kg steel part (the loop); emits 0.5 kg CO2 fossil,
                 0.001 kg CH4 non-fossil and 0.002 kg SO2 (not a GHG).
    assembly: makes 1 piece; uses 10 kg steel part and 5 kWh; takes 0.3 kg CO2 from air.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(("Database", "toy"))
    ws.append(())
    _activity(ws, "steel part", "steel_part", "kilogram", [
        ("steel part", 2, "kilogram", "toy", "GLO", None, "production"),
        ("electricity", 3, "kilowatt hour", "toy", "GLO", None, "technosphere"),
        ("Carbon dioxide, fossil", 4, "kilogram", "biosphere3", None, "air", "biosphere"),
        ("Methane, fossil", 0.02, "kilogram", "biosphere3", None, "air::urban air close to ground", "biosphere"),
    ])
    _activity(ws, "electricity", "electricity", "kilowatt hour", [
        ("electricity", 1, "kilowatt hour", "toy", "GLO", None, "production"),
        ("steel part", 0.01, "kilogram", "toy", "GLO", None, "technosphere"),
        ("Carbon dioxide, fossil", 0.5, "kilogram", "biosphere3", None, "air::non-urban air or from high stacks", "biosphere"),
        ("Methane, non-fossil", 0.001, "kilogram", "biosphere3", None, "air", "biosphere"),
        ("Sulfur dioxide", 0.002, "kilogram", "biosphere3", None, "air", "biosphere"),
    ] + ([extra_exchange] if extra_exchange else []))
    _activity(ws, "assembly", "assembly", "unit", [
        ("assembly", 1, "unit", "toy", "GLO", None, "production"),
        ("steel part", 10, "kilogram", "toy", "GLO", None, "technosphere"),
        ("electricity", 5, "kilowatt hour", "toy", "GLO", None, "technosphere"),
        ("Carbon dioxide, in air", 0.3, "kilogram", "biosphere3", None, "natural resource::in air", "biosphere"),
    ])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("excel")
    workbook = _write_toy_workbook(tmp / "toy.xlsx")
    project_dir = tmp / "bw"
    assert import_excel_lci(workbook, project_dir, "toy") == "toy"
    return project_dir


def _amount(exchanges, dataset, kind, input_key):
    rows = exchanges[(exchanges.dataset == dataset) & (exchanges.kind == kind) & (exchanges.input == input_key)]
    assert len(rows) == 1, (dataset, kind, input_key, rows)
    return float(rows.amount.iloc[0])


def test_excel_tables_are_normalised_to_one_reference_unit(toy_project):
    tables = tables_from_brightway(toy_project, "toy")
    ex = tables["exchanges"]
    # steel part makes 2 kg: every input is divided by 2
    assert _amount(ex, "steel_part", "technosphere", "electricity") == pytest.approx(3 / 2)
    assert _amount(ex, "steel_part", "biosphere", "co2_fossil") == pytest.approx(4 / 2)
    assert _amount(ex, "steel_part", "biosphere", "ch4_fossil") == pytest.approx(0.02 / 2)
    assert _amount(ex, "electricity", "technosphere", "steel_part") == pytest.approx(0.01)
    assert _amount(ex, "electricity", "biosphere", "co2_fossil") == pytest.approx(0.5)
    assert _amount(ex, "electricity", "biosphere", "ch4_biogenic") == pytest.approx(0.001)
    assert _amount(ex, "assembly", "technosphere", "steel_part") == pytest.approx(10)
    assert _amount(ex, "assembly", "biosphere", "co2_uptake") == pytest.approx(0.3)
    assert len(ex) == 9  # SO2 is not a GHG: dropped
    assert (ex.amount > 0).all()


def test_excel_tables_layout_units_and_counts(toy_project):
    tables = tables_from_brightway(toy_project, "toy")
    ds = tables["datasets"].set_index("key")
    assert set(ds.index) == {"steel_part", "electricity", "assembly"}
    assert ds.loc["steel_part", "unit"] == "kg"
    assert ds.loc["electricity", "unit"] == "kWh"
    assert ds.loc["assembly", "unit"] == "piece"
    assert "normalised to 1" in ds.loc["steel_part", "notes"]
    assert list(tables["sources"].columns) == ["source_id", "title", "publisher", "year", "kind", "url", "read_at",
                                                "licence", "attribution", "notes"]
    assert tables["sources"].attrs["dropped_non_ghg_exchanges"] == 1  # the SO2 exchange
    assert "1 non-GHG biosphere exchanges dropped" in tables["sources"].notes.iloc[0]
    assert tables["unresolved"].empty
    flows = tables["flows"].set_index("key")
    assert flows.loc["co2_fossil", "biosphere3_uuid"] == "349b29d1-3e58-4c66-98b9-9d1a076efd2e"
    assert flows.loc["co2_uptake", "categories"] == "natural resource::in air"


def test_cumulative_inventory_solves_the_loop(toy_project):
    # per kWh: e = 0.5 + 0.01 s ; per kg steel: s = 2.0 + 1.5 e  =>  e = 0.52 / 0.985, s = 2 + 1.5 e
    e = 0.52 / 0.985
    s = 2.0 + 1.5 * e
    table = cumulative_ghg_inventory(toy_project, "toy", ["electricity", "steel_part", "assembly"])
    co2 = table[table.flow_key == "co2_fossil"].set_index("code").amount
    assert co2["electricity"] == pytest.approx(e, rel=1e-6)
    assert co2["steel_part"] == pytest.approx(s, rel=1e-6)
    assert co2["assembly"] == pytest.approx(10 * s + 5 * e, rel=1e-6)
    uptake = table[(table.flow_key == "co2_uptake") & (table.code == "assembly")].amount.iloc[0]
    assert uptake == pytest.approx(0.3, rel=1e-6)


def test_unlinked_excel_exchange_is_named_in_the_error(tmp_path):
    workbook = _write_toy_workbook(
        tmp_path / "bad.xlsx", extra_exchange=("Unobtainium dust", 1, "kilogram", "biosphere3", None, "air", "biosphere")
    )
    with pytest.raises(BrightwayImportError, match="Unobtainium dust"):
        import_excel_lci(workbook, tmp_path / "bw", "bad")


@pytest.mark.parametrize(
    ("name", "categories", "key"),
    [
        ("Carbon dioxide, fossil", ("air", "lower stratosphere + upper troposphere"), "co2_fossil"),
        ("Carbon dioxide, non-fossil", ("air", "urban air close to ground"), "co2_biogenic"),
        ("Carbon dioxide, from soil or biomass stock", ("air",), "co2_luc"),
        ("Carbon dioxide, in air", ("natural resource", "in air"), "co2_uptake"),
        ("Methane, from soil or biomass stock", ("air", "low population density, long-term"), "ch4_biogenic"),
        ("Ethane, hexafluoro-, HFC-116", ("air",), "c2f6"),
        ("Methane, tetrafluoro-, R-14", ("air",), "cf4"),
        ("Carbon dioxide", ("emission", "air"), "co2_fossil"),  # USLCI/FEDEFL spelling
        ("Nitrous oxide", ("troposphere", "rural"), "n2o"),
        ("Carbon dioxide", ("resource", "air"), "co2_uptake"),
        ("Carbon dioxide, fossil", ("water",), None),
        ("Sulfur dioxide", ("air",), None),
    ],
)
def test_every_compartment_variant_maps_to_one_pcf_key(name, categories, key):
    assert classify_ghg_flow(name, categories) == key


@pytest.fixture(scope="module")
def uslci_project(tmp_path_factory):
    if not USLCI_ZIP.exists():
        pytest.skip(f"USLCI release not found at {USLCI_ZIP} (../shared is not checked out)")
    project_dir = tmp_path_factory.mktemp("uslci")
    import_uslci_ecospold1(USLCI_ZIP, project_dir, "uslci")  # about 20 s
    return project_dir


def test_uslci_pp_resin_gwp_is_within_published_range(uslci_project):
    """Plausibility range for PP resin, kg CO2e/kg cradle-to-gate: 1.5 to 2.6.

    Lower end: PlasticsEurope eco-profile 2.0 (Hopewell et al. 2009, Phil. Trans. R. Soc. B 364:2115, Table 3)
    minus 25 %; upper end: DESNZ 2025 material use 'Plastics: PP (incl. forming)' 2.578 (includes conversion).
    AR6 GWP100: CO2 1, CH4 fossil 29.8, CH4 non-fossil 27.0, N2O 273 (IPCC AR6 WG1 Tables 7.15 and 7.SM.7).
    """
    table = cumulative_ghg_inventory(uslci_project, "uslci", ["48143"])
    amounts = table.set_index("flow_key").amount
    gwp = (amounts.get("co2_fossil", 0) + 29.8 * amounts.get("ch4_fossil", 0)
           + 27.0 * amounts.get("ch4_biogenic", 0) + 273 * amounts.get("n2o", 0))
    assert 1.5 <= gwp <= 2.6


def test_uslci_pack_matches_a_fresh_solve(uslci_project):
    table = cumulative_ghg_inventory(uslci_project, "uslci", ["48143"])
    fresh = table.set_index("flow_key").amount
    with open(REPO / "lci_data" / "packs" / "uslci" / "exchanges.csv", newline="", encoding="utf-8") as handle:
        committed = {r["input"]: float(r["amount"]) for r in csv.DictReader(handle) if r["dataset"] == "uslci_pp_resin"}
    assert committed, "uslci_pp_resin missing from the committed pack"
    for flow, amount in committed.items():
        assert fresh[flow] == pytest.approx(amount, rel=1e-5)


def test_uslci_cleaning_is_recorded_and_nothing_is_silently_lost(uslci_project):
    from pcf.data.brightway_import import open_project

    bd = open_project(uslci_project)
    cleaning = bd.databases["uslci"]["pcf_cleaning"]
    assert cleaning["metadata repairs"] == {"timePeriod date": 11, "modellingAndValidation": 5, "dataEntryBy": 9}
    assert len([a for a in bd.Database("uslci") if a.get("categories") and tuple(a["categories"])[:1] != ("cut-off",)
                and not str(a["code"]).startswith("avg:")]) == 639
    tables = tables_from_brightway(uslci_project, "uslci", key_prefix="uslci_")
    assert len(tables["datasets"]) == len(bd.Database("uslci"))
    assert set(tables["unresolved"].reason) <= {
        "greenhouse gas without a pcf flow key", "negative greenhouse-gas amount",
        "negative technosphere amount (waste treatment or credit)",
    }
