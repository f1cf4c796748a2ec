"""Electricity where the work happens (pcf/electricity.py) and the GWP-basis split, on real bw2calc solves.

Expected values are computed by hand from the background's cumulative inventories: a link's kg CO2e is
amount x (score of the dataset with electricity_factory left free + its kWh of electricity_factory x the score of
the grid of the site that does the work).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import GRID_A, make_tables, unit_gwp

import pcf
from pcf.bom import model_from_data, read_bom
from pcf.compare import Variant, compare
from pcf.data.background import compile_background, default_background
from pcf.data.tables import tables_from_frames
from pcf.electricity import MAKER, SUPPLIER, HOME, is_in_house, site_of
from pcf.errors import DataError, MappingError


@pytest.fixture(scope="module")
def shipped():
    return default_background()


def _kwh(bg, key):
    return float(bg.factory_electricity_kwh[bg.index(key)])


def _line_kg(result, line_id):
    return float(result.lines.loc[result.lines["line_id"] == line_id, "kg_co2e"].sum())


def _machine(items, grid="electricity_cn_east_2023"):
    return model_from_data({"machine": {"id": "M", "name": "test"}, "factory": {"electricity": grid},
                            "items": items})


def test_the_site_rule_is_pure_and_follows_the_line():
    part = model_from_data({"machine": {"id": "M", "name": "m"}, "factory": {"electricity": "x"}, "items": [
        {"kind": "part", "id": "p", "material": "steel", "mass_kg": 1, "supplier": "Acme", "country": "DE",
         "processes": [{"id": "s", "dataset": "machining", "amount": 1, "unit": "kg"}]}]}).items[0]
    step = part.processes[0]
    assert site_of("energy", step).kind == MAKER
    assert site_of("process", step, part).kind == SUPPLIER and site_of("process", step, part).country == "DE"
    assert site_of("process", step, part.model_copy(update={"supplier": "in-house, Dongguan"})).kind == MAKER
    assert site_of("process", step, part.model_copy(update={"supplier": None})).kind == MAKER
    assert site_of("process", step, None).kind == MAKER  # a process on an assembly: the maker's
    assert site_of("part", part).kind == HOME  # the material of a part: its own geography
    assert is_in_house(None) and is_in_house("In-house weld shop") and not is_in_house("Acme GmbH")


def test_a_purchased_copper_wire_and_a_material_do_not_follow_the_factory_grid(shipped):
    system = _machine([
        {"kind": "component", "id": "wire", "dataset": "copper_wire", "quantity": 10, "unit": "kg"},
        {"kind": "part", "id": "plate", "material": "steel_hot_rolled", "mass_kg": 20},
    ])
    east = pcf.footprint(system, background=shipped)
    wind = pcf.footprint(system, background=shipped, grid="electricity_cn_wind_footprint_2023")
    sweden = pcf.footprint(system, background=shipped, grid="electricity_se_ember_2025")
    score = unit_gwp(shipped)
    for key, line, amount in (("copper_wire", "wire", 10.0), ("steel_hot_rolled", "plate", 20.0)):
        geo = shipped.tables.datasets.loc[key, "geography"]
        home = "electricity_cn_footprint_2024" if geo == "CN" else (
            "electricity_world_iea_2024" if len(geo) != 2 else None)
        if home is None:
            home = [k for k in shipped.keys if k.startswith(f"electricity_{geo.lower()}_ember_")][-1]
        expected = amount * (score(key) + _kwh(shipped, key) * score(home))
        for result in (east, wind, sweden):
            assert _line_kg(result, line) == pytest.approx(expected, rel=1e-9)
    assert east.total_kg_co2e == pytest.approx(wind.total_kg_co2e, rel=1e-12)
    assert east.total_kg_co2e == pytest.approx(sweden.total_kg_co2e, rel=1e-12)


def test_a_part_made_by_a_german_supplier_runs_on_the_german_grid(shipped):
    score = unit_gwp(shipped)
    system = _machine([{"kind": "part", "id": "shaft", "material": "steel_hot_rolled", "mass_kg": 10,
                        "supplier": "Drehteile GmbH", "country": "DE",
                        "processes": [{"id": "turning", "dataset": "machining", "amount": 2.5, "unit": "kg"}]}])
    de = [k for k in shipped.keys if k.startswith("electricity_de_ember_")]
    de_grid = max(de)
    expected = 2.5 * (score("machining") + _kwh(shipped, "machining") * score(de_grid))
    for grid in (None, "electricity_cn_wind_footprint_2023"):
        result = pcf.footprint(system, background=shipped, grid=grid)
        assert _line_kg(result, "turning") == pytest.approx(expected, rel=1e-9)
        assert result.lines.set_index("line_id").loc["turning", "electricity_grid"] == de_grid
        assert de_grid in result.electricity.index
        assert result.electricity.loc[de_grid, "kwh"] == pytest.approx(2.5 * _kwh(shipped, "machining"), rel=1e-12)
        assert "turning" in result.electricity.loc[de_grid, "lines"]


@pytest.mark.parametrize("region", ["Jiangsu", "CN-JS", "jiangsu province"])
def test_a_component_from_jiangsu_uses_the_jiangsu_grid(shipped, region):
    score = unit_gwp(shipped)
    # a purchased, outsourced machining service per kg removed: a dataset with factory electricity in it
    system = _machine([{"kind": "component", "id": "service", "dataset": "machining", "quantity": 4, "unit": "kg",
                        "supplier": "Suzhou Precision", "country": "CN", "region": region}])
    result = pcf.footprint(system, background=shipped)
    expected = 4 * (score("machining") + _kwh(shipped, "machining") * score("electricity_cn_jiangsu_2023"))
    assert _line_kg(result, "service") == pytest.approx(expected, rel=1e-9)
    assert list(result.electricity.index) == ["electricity_cn_jiangsu_2023"]
    # the same component without a region: the national CN grid of the factory grid's series (MEE/NBS 2023)
    national = _machine([{"kind": "component", "id": "service", "dataset": "machining", "quantity": 4,
                          "unit": "kg", "supplier": "Suzhou Precision", "country": "CN"}])
    assert list(pcf.footprint(national, background=shipped).electricity.index) == ["electricity_cn_national_2023"]


def test_both_solvers_agree_with_several_grids(shipped):
    system = _machine([
        {"kind": "part", "id": "a", "material": "steel_hot_rolled", "mass_kg": 10, "supplier": "X", "country": "DE",
         "processes": [{"id": "a-m", "dataset": "machining", "amount": 2, "unit": "kg"}]},
        {"kind": "part", "id": "b", "material": "aluminium_primary_cn", "mass_kg": 3,
         "processes": [{"id": "b-m", "dataset": "machining", "amount": 1, "unit": "kg"}]},
        {"kind": "component", "id": "c", "dataset": "machining", "quantity": 1, "unit": "kg", "country": "CN",
         "region": "CN-GD"},
    ])
    structured = pcf.footprint(system, background=shipped)
    brightway = pcf.footprint(system, background=shipped, solver="brightway")
    assert structured.total_kg_co2e == pytest.approx(brightway.total_kg_co2e, rel=1e-9)
    assert set(structured.electricity.index) >= {"electricity_cn_east_2023", "electricity_cn_guangdong_2023"}
    assert structured.electricity["kg_co2e"].sum() > 0


def test_an_unknown_supplier_country_is_an_error_naming_the_line(shipped, tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(
        "machine: {id: M, name: test}\n"
        "factory: {electricity: electricity_cn_footprint_2024}\n"
        "items:\n"
        "  - kind: part\n"
        "    id: shaft\n"
        "    material: steel_hot_rolled\n"
        "    mass_kg: 10\n"
        "    supplier: Somebody\n"
        "    country: XQ\n"
        "    processes:\n"
        "      - {id: turning, dataset: machining, amount: 1, unit: kg}\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        pcf.footprint(read_bom(path), background=shipped)
    err = caught.value
    assert "XQ" in err.message and err.column == "country" and err.row == 4 and str(path) in str(err.file)
    bad_region = _machine([{"kind": "component", "id": "c", "dataset": "machining", "quantity": 1, "unit": "kg",
                            "country": "CN", "region": "Atlantis"}])
    with pytest.raises(MappingError, match="Atlantis"):
        pcf.footprint(bad_region, background=shipped)


def test_the_comparator_fast_path_follows_the_per_link_grids(shipped):
    system = _machine([
        {"kind": "part", "id": "a", "material": "steel_hot_rolled", "mass_kg": 10, "supplier": "X", "country": "DE",
         "processes": [{"id": "a-m", "dataset": "machining", "amount": 2, "unit": "kg"}]},
        {"kind": "part", "id": "b", "material": "steel_hot_rolled", "mass_kg": 3,
         "processes": [{"id": "b-m", "dataset": "machining", "amount": 1, "unit": "kg"}]},
    ], grid="electricity_cn_footprint_2024")
    variants = [
        Variant.model_validate({"name": "wind", "edits": [{"op": "electricity",
                                                           "dataset": "electricity_cn_wind_footprint_2024"}]}),
        Variant.model_validate({"name": "swedish supplier", "edits": [
            {"op": "supplier", "match": {"ids": ["a"]}, "supplier": "Svarv AB", "country": "SE"}]}),
    ]
    comparison = compare(system, variants, background=shipped, verify=True)  # fast path == full rebuild
    score = unit_gwp(shipped)
    kwh = _kwh(shipped, "machining")
    base, (wind, sweden) = comparison.base, comparison.variants
    # only the in-house part's machining follows the factory grid
    assert base.total_kg_co2e - wind.total_kg_co2e == pytest.approx(
        1 * kwh * (score("electricity_cn_footprint_2024") - score("electricity_cn_wind_footprint_2024")), rel=1e-9)
    de, se = max(k for k in shipped.keys if k.startswith("electricity_de_ember_")), \
        max(k for k in shipped.keys if k.startswith("electricity_se_ember_"))
    assert base.total_kg_co2e - sweden.total_kg_co2e == pytest.approx(2 * kwh * (score(de) - score(se)), rel=1e-9)
    for variant in comparison.variants:
        assert variant.evaluation != "rebuilt"


def _basis_background(ar5_lines: bool = True):
    tables = make_tables()
    datasets = tables.datasets.reset_index(drop=True)
    datasets.loc[datasets["key"] == "grid_b", "gwp_basis"] = "AR5"
    exchanges = pd.concat([tables.exchanges, pd.DataFrame([{"dataset": "motor", "kind": "technosphere",
                                                            "input": "grid_b", "amount": 5.0, "unit": "",
                                                            "comment": ""}])], ignore_index=True)
    return compile_background(tables_from_frames(
        flows=tables.flows.reset_index(drop=True), datasets=datasets, exchanges=exchanges, sources=tables.sources,
        methods=tables.methods, origin="tests"), use_disk_cache=False)


def test_the_gwp_basis_split_follows_supply_chains_and_the_grid():
    bg = _basis_background()
    system = model_from_data({
        "machine": {"id": "M", "name": "basis"}, "factory": {"electricity": "grid_b"},
        "items": [{"kind": "component", "id": "motors", "dataset": "motor", "quantity": 2},
                  {"kind": "part", "id": "p", "material": "steel", "mass_kg": 10,
                   "processes": [{"id": "m", "dataset": "machining", "amount": 1, "unit": "kg"}]}]})
    result = pcf.footprint(system, background=bg)
    # motor = 3 x 2.298 + 8.5 + 5 kWh x 0.2 (CO2e given by an AR5 source) = 16.394; machining = 0.05 + 2 x 0.2
    assert result.total_kg_co2e == pytest.approx(2 * 16.394 + 10 * 2.298 + 0.45, rel=1e-12)
    assert result.by_gwp_basis["AR5"] == pytest.approx(2 * 1.0 + 0.4, rel=1e-12)
    assert result.by_gwp_basis["AR6"] == pytest.approx(result.total_kg_co2e - 2.4, rel=1e-12)
    assert result.by_gwp_basis.sum() == pytest.approx(result.total_kg_co2e, rel=1e-12)
    doc = result.to_dict()["by_gwp_basis"]
    assert sum(v["share"] for v in doc.values()) == pytest.approx(1.0)
    on_a = pcf.footprint(system, background=bg, grid="grid_a")  # the grid folded in changes the split
    assert on_a.by_gwp_basis["AR5"] == pytest.approx(2.0, rel=1e-12)


def test_gwp_basis_values_are_validated():
    tables = make_tables()
    datasets = tables.datasets.reset_index(drop=True)
    datasets.loc[0, "gwp_basis"] = "AR7"
    with pytest.raises(DataError, match="gwp_basis"):
        tables_from_frames(flows=tables.flows.reset_index(drop=True), datasets=datasets,
                           exchanges=tables.exchanges, sources=tables.sources, methods=tables.methods)


def test_the_report_states_the_grid_of_each_stage_and_the_gwp_basis(shipped, tmp_path):
    from openpyxl import load_workbook

    from pcf.report.content import build_content
    from pcf.report.excel import write_workbook

    system = _machine([
        {"kind": "part", "id": "a", "material": "steel_hot_rolled", "mass_kg": 10, "supplier": "X", "country": "DE",
         "processes": [{"id": "a-m", "dataset": "machining", "amount": 2, "unit": "kg"}]},
        # a purchased service without a country: the grid of the dataset's own geography
        {"kind": "component", "id": "service", "dataset": "machining", "quantity": 1, "unit": "kg"},
    ])
    result = pcf.footprint(system, background=shipped)
    content = build_content(result)
    stage = next(s for s in content.sections if s.id == "results-stage")
    table = next(t for t in stage.tables if t.caption == "Electricity grid used by each life-cycle stage")
    grids = {row[1] for row in table.rows}
    assert max(k for k in shipped.keys if k.startswith("electricity_de_ember_")) in grids
    from pcf.electricity import resolver

    assert resolver(shipped).home_grid("machining")[0] in grids
    quality = next(s for s in content.sections if s.id == "data-quality")
    assert any(b.startswith("GWP basis of the CFP") and "AR6" in b for b in quality.bullets)
    path = write_workbook(result, tmp_path / "r.xlsx")
    assert "Electricity" in load_workbook(path).sheetnames


def test_a_spreadsheet_bom_carries_the_supplier_province(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("# machine.id: T1\n# machine.name: Test rig\n# factory.electricity: electricity_cn_footprint_2024\n"
                    "level,id,name,qty,uom,material,weight (kg),supplier,country,province\n"
                    "1,P1,Shaft,1,pcs,steel_hot_rolled,10,Wuxi Shafts,CN,Jiangsu\n", encoding="utf-8")
    part = read_bom(path).items[0]
    assert (part.supplier, part.country, part.region) == ("Wuxi Shafts", "CN", "Jiangsu")


# ------------------------------------------------------------------ the grid in place of the placeholder (issue 11, 3)
def _rated_background():
    """The tiny background with the placeholder rated 5/5/5 (as shipped) and grid_a 1/1/1 from its own source."""
    tables = make_tables()
    datasets = tables.datasets.reset_index(drop=True)
    placeholder = datasets["key"] == "electricity_factory"
    grid = datasets["key"] == "grid_a"
    datasets.loc[placeholder, ["dq_technological", "dq_geographical", "dq_temporal"]] = 5
    datasets.loc[placeholder, "source_title"] = "pcf placeholder dataset"
    datasets.loc[grid, ["dq_technological", "dq_geographical", "dq_temporal"]] = 1
    datasets.loc[grid, ["source_title", "reference_year"]] = ["grid A statistics", "2023"]
    return compile_background(tables_from_frames(
        flows=tables.flows.reset_index(drop=True), datasets=datasets, exchanges=tables.exchanges,
        sources=tables.sources, methods=tables.methods, origin="tests"), use_disk_cache=False)


def test_the_grid_used_appears_where_the_placeholder_did(tmp_path):
    from openpyxl import load_workbook
    from test_engine import BASE, TOTAL

    from pcf import pact
    from pcf.report import write_report

    result = pcf.footprint(model_from_data(BASE), background=_rated_background())
    grid_kg = 100 * GRID_A  # E1: 0.1 MWh of factory electricity on the factory grid grid_a
    assert result.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert "electricity_factory" not in result.by_dataset.index
    row = result.by_dataset.loc["grid_a"]
    assert (row["amount_per_machine"], row["source_title"], row["dq_technological"]) == (100, "grid A statistics", 1)
    assert row["kg_co2e"] == pytest.approx(grid_kg, rel=1e-9)
    assert result.lines.set_index("line_id").loc["E1", "dataset"] == "grid_a"
    # DQRs: every dataset is rated 2 / 3 / 1 except the grid (1 / 1 / 1), weighted by kg CO2e
    share = grid_kg / TOTAL
    assert result.data_quality["technologicalDQR"] == pytest.approx(2 - share, rel=1e-9)
    assert result.data_quality["geographicalDQR"] == pytest.approx(3 - 2 * share, rel=1e-9)
    assert result.data_quality["temporalDQR"] == pytest.approx(1.0, rel=1e-9)
    # PACT: the grid's source is listed (the machining steps use grid_a too), the placeholder's is not
    options = pact.ExportOptions(company_name="x", reference_period_start="2024-01-01T00:00:00Z")
    sources = pact.to_pact_v3(result, options)
    names = {s["name"]: s["version"] for s in sources["pcf"]["secondaryEmissionFactorSources"]}
    assert names.get("grid A statistics") == "2023" and "pcf placeholder dataset" not in names
    assert all("placeholder" not in a["source"] for a in result.attributions)
    # the report's dataset table and the workbook's Datasets sheet
    files = write_report(result, tmp_path, workbook=True)
    html = files.html.read_text(encoding="utf-8")
    assert "grid_a" in html and "pcf placeholder dataset" not in html
    sheet = load_workbook(files.workbook)["Datasets"]
    keys = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "grid_a" in keys and "electricity_factory" not in keys


# ------------------------------------------------------------------ GWP set disclosed by share (issue 11, item 1)
def test_the_gwp_set_is_disclosed_by_share_in_the_report_cli_and_pact(capsys):
    import datetime as dt

    from test_engine import BASE, PACKAGING, RAW, TRANSPORT, TOTAL

    from pcf import pact
    from pcf.cli import print_summary
    from pcf.report.content import build_content
    from pcf.results import gwp_disclosure

    options = pact.ExportOptions(company_name="x", cpc="4491",
                                 reference_period_start=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    # all AR6: the tiny machine on grid_a (every factor a gas split characterised with AR6)
    plain = pcf.footprint(model_from_data(BASE), background=_basis_background())
    assert plain.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert gwp_disclosure(plain)["line"] == f"{plain.method} (all of the CFP)"
    assert pact.to_pact_v3(plain, options)["pcf"]["ipccCharacterizationFactors"] == ["AR6"]
    # on grid_b (0.2 kg CO2e per kWh given as CO2e on AR5): E1's 100 kWh + machining's 2 kWh/kg x 2 kg removed
    data = {**BASE, "factory": {"electricity": "grid_b"}}
    mixed = pcf.footprint(model_from_data(data), background=_basis_background())
    ar5 = (100 + 2 * 2) * 0.2
    total = RAW + 2 * 2 * 0.5 * (0.05 + 2 * 0.2) + 100 * 0.2 + PACKAGING + TRANSPORT
    assert mixed.total_kg_co2e == pytest.approx(total, rel=1e-9)
    own, other = 1 - ar5 / total, ar5 / total
    line = (f"{mixed.method} for {own:.1%} of the CFP; {other:.1%} is CO2e reported by its sources on another or "
            f"an unknown basis: {other:.1%} on IPCC AR5 GWP100")
    disclosure = gwp_disclosure(mixed)
    assert disclosure["line"] == line
    assert [(s["basis"], round(s["share"], 12)) for s in disclosure["shares"]] == [("AR6", round(own, 12)),
                                                                                  ("AR5", round(other, 12))]
    v3, v2 = pact.to_pact_v3(mixed, options), pact.to_pact_v2(mixed, options)
    assert v3["pcf"]["ipccCharacterizationFactors"] == ["AR6", "AR5"]
    assert v2["pcf"]["ipccCharacterizationFactorsSources"] == ["AR6", "AR5"]
    for footprint in (v3, v2):
        assert f"GWP set by share of the PCF: {line}." in footprint["comment"]
    summary = build_content(mixed).sections[0].paragraphs[0]
    assert f"with {line}." in summary
    print_summary(mixed)
    assert f"method {line};" in " ".join(capsys.readouterr().out.split())
