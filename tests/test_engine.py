"""The engine on hand-checkable systems, with the real bw2calc solver (see conftest.py for the background)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import GRID_A, TRUCK

import pcf
from pcf.errors import MappingError
from pcf.bom import model_from_data

STEEL = 2.0 + 0.01 * 29.8  # kg CO2e per kg: CO2 + CH4 fossil x AR6 29.8
ALUMINIUM_FOSSIL, ALUMINIUM_LUC = 8.0, 0.5
MACHINING_A = 0.05 + 2.0 * GRID_A  # per kg removed: direct CO2 + 2 kWh of factory electricity on grid_a

BASE = {
    "machine": {"id": "M", "name": "Test machine", "declared_mass_kg": 16},
    "factory": {"electricity": "grid_a"},
    "items": [
        {"kind": "assembly", "id": "A", "quantity": 2, "children": [
            {"kind": "part", "id": "P1", "material": "steel", "mass_kg": 3, "quantity": 2, "scrap_fraction": 0.25,
             "processes": [{"id": "P1-mach", "dataset": "machining", "amount": 500, "unit": "g"}]},
            {"kind": "component", "id": "C1", "dataset": "aluminium", "quantity": 1.5, "unit": "kg"},
        ]},
    ],
    "packaging": [{"id": "crate", "dataset": "wood", "mass_kg": 10}],
    "transport": [{"id": "T1", "dataset": "truck", "mass_kg": 1000, "distance_km": 500}],
    "energy": [{"id": "E1", "dataset": "electricity_factory", "amount": 0.1, "unit": "MWh"}],
}

# by hand, per machine: 2 assemblies x 2 parts x (3 kg / 0.75 = 4 kg steel, 0.5 kg machined)
RAW = 2 * 2 * 4 * STEEL + 2 * 1.5 * (ALUMINIUM_FOSSIL + ALUMINIUM_LUC)
PRODUCTION = 2 * 2 * 0.5 * MACHINING_A + 100 * GRID_A
PACKAGING = 10 * (0.1 + 0.2)  # fossil + biogenic CO2 emission; the uptake (-16) is reported apart
TRANSPORT = 1000 / 1000 * 500 * TRUCK
TOTAL = RAW + PRODUCTION + PACKAGING + TRANSPORT


def system(data=BASE):
    return model_from_data(copy.deepcopy(data))


@pytest.mark.parametrize("solver", ["structured", "brightway"])
def test_hand_computed_system_is_exact(tiny_background, solver):
    result = pcf.footprint(system(), background=tiny_background, solver=solver)
    assert result.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert result.by_stage["raw_material_acquisition"] == pytest.approx(RAW, rel=1e-9)
    assert result.by_stage["production"] == pytest.approx(PRODUCTION, rel=1e-9)
    assert result.by_stage["packaging"] == pytest.approx(PACKAGING, rel=1e-9)
    assert result.by_stage["upstream_transport"] == pytest.approx(TRANSPORT, rel=1e-9)
    assert result.biogenic_removals_kg_co2e == pytest.approx(-1.6 * 10, rel=1e-12)
    assert result.biogenic_emissions_kg_co2e == pytest.approx(0.2 * 10, rel=1e-12)
    assert result.dluc_kg_co2e == pytest.approx(2 * 1.5 * ALUMINIUM_LUC, rel=1e-12)
    assert result.total_including_removals_kg_co2e == pytest.approx(TOTAL - 16.0, rel=1e-9)


def test_solvers_agree(tiny_background):
    structured = pcf.footprint(system(), background=tiny_background, solver="structured")
    brightway = pcf.footprint(system(), background=tiny_background, solver="brightway")
    assert structured.total_kg_co2e == pytest.approx(brightway.total_kg_co2e, rel=1e-12)
    assert (structured.by_module - brightway.by_module).abs().max() < 1e-9


def test_modules_and_nodes(tiny_background):
    result = pcf.footprint(system(), background=tiny_background)
    assembly = 2 * (2 * (4 * STEEL + 0.5 * MACHINING_A) + 1.5 * (ALUMINIUM_FOSSIL + ALUMINIUM_LUC))
    assert result.by_module["A"] == pytest.approx(assembly, rel=1e-9)
    assert result.by_module["packaging"] == pytest.approx(PACKAGING, rel=1e-9)
    assert result.by_module["inbound transport"] == pytest.approx(TRANSPORT, rel=1e-9)
    assert result.by_module["factory energy"] == pytest.approx(100 * GRID_A, rel=1e-9)
    assert result.nodes.loc["P1", "supply"] == pytest.approx(4.0)
    assert result.nodes.loc["M", "kg_co2e_per_unit"] == pytest.approx(TOTAL, rel=1e-9)


def test_contributions_sum_to_the_total_at_every_level(tiny_background):
    result = pcf.footprint(system(), background=tiny_background)
    total = result.total_kg_co2e
    for series in (result.by_stage, result.by_module, result.by_material):
        assert series.sum() == pytest.approx(total, rel=1e-12)
    assert result.by_dataset["kg_co2e"].sum() == pytest.approx(total, rel=1e-12)
    assert result.lines["kg_co2e"].sum() == pytest.approx(total, rel=1e-12)
    gas = result.by_gas[result.by_gas["ghg_class"] != "biogenic_removal"]["kg_co2e"].sum()
    assert gas == pytest.approx(total, rel=1e-12)
    assert result.by_class.drop("biogenic_removal").sum() == pytest.approx(total, rel=1e-12)


def test_doubling_every_quantity_doubles_the_result(tiny_background):
    doubled = copy.deepcopy(BASE)
    doubled["items"][0]["quantity"] *= 2
    doubled["packaging"][0]["mass_kg"] *= 2
    doubled["transport"][0]["mass_kg"] *= 2
    doubled["energy"][0]["amount"] *= 2
    doubled["machine"]["declared_mass_kg"] *= 2
    one = pcf.footprint(system(), background=tiny_background)
    two = pcf.footprint(system(doubled), background=tiny_background)
    assert two.total_kg_co2e == pytest.approx(2 * one.total_kg_co2e, rel=1e-12)
    assert np.allclose(two.by_stage.to_numpy(), 2 * one.by_stage.to_numpy(), rtol=1e-12)


def test_shared_subassembly_counts_twice(tiny_background):
    data = {
        "machine": {"id": "M", "name": "Shared"},
        "factory": {"electricity": "grid_a"},
        "subassemblies": [{"kind": "assembly", "id": "SA", "children": [
            {"kind": "part", "id": "bolt", "material": "steel", "mass_kg": 0.5, "quantity": 4}]}],
        "items": [
            {"kind": "assembly", "id": "left", "children": [{"kind": "ref", "id": "left-sa", "ref": "SA"}]},
            {"kind": "assembly", "id": "right", "children": [
                {"kind": "ref", "id": "right-sa", "ref": "SA", "quantity": 3}]},
        ],
    }
    result = pcf.footprint(model_from_data(data), background=tiny_background)
    per_sa = 4 * 0.5 * STEEL
    assert result.total_kg_co2e == pytest.approx((1 + 3) * per_sa, rel=1e-12)
    assert result.by_module["left"] == pytest.approx(per_sa, rel=1e-12)
    assert result.by_module["right"] == pytest.approx(3 * per_sa, rel=1e-12)
    assert result.nodes.loc["SA", "supply"] == pytest.approx(4.0)
    assert result.mass["parts_kg"] == pytest.approx(4 * 4 * 0.5)


def test_background_loop_is_solved(tiny_background):
    bg = tiny_background
    grid = bg.cumulative[bg.index("grid_a")]
    co2 = list(bg.flow_keys).index("co2_fossil")
    assert grid[co2] == pytest.approx(GRID_A, rel=1e-12)
    assert bg.cumulative[bg.index("truck"), co2] == pytest.approx(TRUCK, rel=1e-12)


def test_changing_the_factory_grid_changes_machining_by_the_hand_computed_amount(tiny_background):
    on_a = pcf.footprint(system(), background=tiny_background)
    on_b = pcf.footprint(system(), background=tiny_background, grid="grid_b")
    # 2 x 2 parts x 0.5 kg machined x 2 kWh/kg + 100 kWh of factory energy = 104 kWh at the factory grid
    kwh = 2 * 2 * 0.5 * 2.0 + 100
    assert on_a.total_kg_co2e - on_b.total_kg_co2e == pytest.approx(kwh * (GRID_A - 0.2), rel=1e-9)
    assert on_b.aggregated_kg_co2e == pytest.approx(kwh * 0.2, rel=1e-12)
    assert on_b.grid == "grid_b"


def test_credit_lines_are_subtracted(tiny_background):
    data = copy.deepcopy(BASE)
    data["energy"].append({"id": "E2", "dataset": "electricity_factory", "amount": 10, "unit": "kWh",
                           "credit": True})
    result = pcf.footprint(system(data), background=tiny_background)
    assert result.total_kg_co2e == pytest.approx(TOTAL - 10 * GRID_A, rel=1e-9)


def test_aircraft_emissions_are_reported_apart(tiny_background):
    data = copy.deepcopy(BASE)
    data["transport"].append({"id": "T2", "dataset": "air", "mass_kg": 20, "distance_km": 8000})
    result = pcf.footprint(system(data), background=tiny_background)
    assert result.aircraft_kg_co2e == pytest.approx(0.02 * 8000 * 1.0, rel=1e-12)
    assert result.total_kg_co2e == pytest.approx(TOTAL + 160.0, rel=1e-9)


def test_mass_rollup_reports_the_gap(tiny_background):
    result = pcf.footprint(system(), background=tiny_background)
    # parts: 2 x 2 x 3 kg net; component: 2 x 1.5 kg
    assert result.mass["rolled_up_kg"] == pytest.approx(12 + 3)
    assert result.mass["gap_kg"] == pytest.approx(16 - 15)
    data = copy.deepcopy(BASE)
    data["machine"]["declared_mass_kg"] = 20  # a 25 % gap: refused unless accepted
    with pytest.raises(MappingError, match=r"15.0 kg against a declared 20.0 kg \(\+25.0%; limit 10%\)"):
        pcf.footprint(system(data), background=tiny_background)
    accepted = pcf.footprint(system(data), background=tiny_background, allow_gaps=True)
    assert accepted.mass["gap_kg"] == pytest.approx(20 - 15)
    assert any("differs from the declared" in w for w in accepted.warnings)


def test_primary_data_share(tiny_background):
    data = copy.deepcopy(BASE)
    data["energy"][0]["data_type"] = "primary"
    result = pcf.footprint(system(data), background=tiny_background)
    # metered energy on a background grid factor: primary activity data, secondary emission factor
    assert result.activity_data_share == pytest.approx(100 * GRID_A / TOTAL, rel=1e-9)
    assert result.primary_data_share == 0  # PACT: activity data AND emission factor primary
    assert result.to_dict()["activity_data_share"] == result.activity_data_share


def test_result_document_has_the_required_fields(tiny_background, tmp_path):
    import json

    result = pcf.footprint(system(), background=tiny_background)
    doc = json.loads(result.write_json(tmp_path / "r.json").read_text())
    for key in ("functional_unit", "total_kg_co2e", "fossil_kg_co2e", "biogenic_emissions_kg_co2e",
                "biogenic_removals_kg_co2e", "dluc_kg_co2e", "by_stage", "by_module", "coverage", "data_versions"):
        assert key in doc
    assert doc["total_kg_co2e"] == pytest.approx(TOTAL, rel=1e-9)
    assert doc["data_versions"]["lci_data_hash"] == tiny_background.content_hash
    assert sum(doc["by_stage"].values()) == pytest.approx(TOTAL, rel=1e-12)


def test_spend_based_share_follows_the_supply_chain(tiny_background):
    data = copy.deepcopy(BASE)
    data["items"].append({"kind": "component", "id": "PLC", "dataset": "controller", "quantity": 1})
    result = pcf.footprint(system(data), background=tiny_background)
    controller = 100 * 0.4 + 2 * STEEL
    assert result.total_kg_co2e == pytest.approx(TOTAL + controller, rel=1e-9)
    # only the EEIO part inside the component model counts as spend-based
    assert result.coverage["spend_based_share"] == pytest.approx(40.0 / (TOTAL + controller), rel=1e-9)
