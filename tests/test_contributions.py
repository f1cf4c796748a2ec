"""pcf.contributions on a hand-made four-node machine over the tiny background of conftest.py: supply through the
tree, every breakdown computed by hand, and every breakdown summing to the total."""

from __future__ import annotations

import numpy as np
import pytest

from pcf.contributions import (CLASSES, SHARED_MODULE, STAGES, Edges, Labels, Links, contributions,
                               foreground_matrix, foreground_supply, unit_scores)
from pcf.methods import get_method
from pcf.solve import triangular_solve

from conftest import GRID_A

STEEL, ALUMINIUM, WOOD, WOOD_UPTAKE = 2.0 + 0.01 * 29.8, 8.5, 0.1 + 0.2, -1.6
MACHINING_ON_B = 0.05 + 2.0 * 0.2  # 0.05 kg CO2 + 2 kWh of factory electricity on grid_b (0.2 kg CO2e/kWh)
MACHINING_ON_A = 0.05 + 2.0 * GRID_A

# machine (0) -> 2 frames (1) -> 3 plates each (2); the machine also holds 1 spare plate; a plate holds 0.5 bracket (3)
EDGES = Edges(parent=np.array([0, 1, 0, 2]), child=np.array([1, 2, 2, 3]), amount=np.array([2.0, 3.0, 1.0, 0.5]),
              line=np.array(["frame", "plate", "spare_plate", "bracket"], dtype=object))
SUPPLY = [1.0, 2.0, 2 * 3 + 1, (2 * 3 + 1) * 0.5]  # machine, frames, plates, brackets


def test_triangular_solve_of_a_hand_matrix():
    lower = foreground_matrix(2, Edges(np.array([0]), np.array([1]), np.array([4.0]), np.array(["x"], dtype=object)))
    assert lower.toarray().tolist() == [[1.0, 0.0], [-4.0, 1.0]]
    assert triangular_solve(lower, np.array([1.0, 0.0]), lower=True).tolist() == [1.0, 4.0]
    assert triangular_solve(lower.T, np.array([0.0, 2.0]), lower=False).tolist() == [8.0, 2.0]


def test_foreground_supply_counts_pieces_through_the_tree():
    assert foreground_supply(4, EDGES).tolist() == pytest.approx(SUPPLY, rel=1e-15)


@pytest.fixture(scope="module")
def parts(tiny_background):
    bg = tiny_background
    i = bg.index
    rows = [  # parent, dataset, amount, grid, stage, module, material, line
        (2, "steel", 4.0, "grid_a", "raw_material_acquisition", "frame", "steel", "plate"),
        (2, "machining", 4.0, "grid_b", "production", "frame", "(process: not a material)", "plate_machining"),
        (3, "aluminium", 1.0, "grid_a", "raw_material_acquisition", "frame", "aluminium", "bracket"),
        (0, "wood", 10.0, "grid_a", "packaging", None, "wood", "crate"),
        (0, "machining", 5.0, "grid_a", "production", "assembly", "(process: not a material)", "assembly"),
        (0, "electricity_factory", 100.0, "grid_b", "production", "assembly", "(energy: not a material)", "testing"),
    ]
    links = Links(parent=np.array([r[0] for r in rows]), dataset=np.array([i(r[1]) for r in rows]),
                  amount=np.array([r[2] for r in rows]), grid=np.array([i(r[3]) for r in rows]),
                  stage=Labels.of([r[4] for r in rows]), module=Labels.of([r[5] for r in rows]),
                  material=Labels.of([r[6] for r in rows]), line=Labels.of([r[7] for r in rows]))
    method = get_method(bg.tables)
    return contributions(foreground_supply(4, EDGES), links, EDGES, bg, method, scores=unit_scores(bg, method))


def _as_dict(breakdown) -> dict:
    return dict(zip(breakdown.keys, np.asarray(breakdown.kg_co2e).tolist()))


# per machine: 7 plates x (4 kg steel + 4 kg machining on grid_b); 3.5 brackets x 1 kg aluminium; the machine's
# crate (10 kg wood), 5 kg of assembly machining on grid_a and 100 kWh of testing on grid_b
STEEL_KG = 7 * 4 * STEEL
PLATE_MACHINING_KG = 7 * 4 * MACHINING_ON_B
ALUMINIUM_KG = 3.5 * ALUMINIUM
CRATE_KG = 10 * WOOD
ASSEMBLY_KG = 5 * MACHINING_ON_A
TESTING_KG = 100 * 0.2
TOTAL = STEEL_KG + PLATE_MACHINING_KG + ALUMINIUM_KG + CRATE_KG + ASSEMBLY_KG + TESTING_KG


def test_total_and_removals_by_hand(parts):
    assert parts.total_kg_co2e == pytest.approx(TOTAL, rel=1e-12)
    assert parts.removals_kg_co2e == pytest.approx(10 * WOOD_UPTAKE, rel=1e-12)
    assert _as_dict(parts.by_class)["biogenic_removal"] == pytest.approx(-16.0, rel=1e-12)
    assert parts.by_class.keys == CLASSES


def test_by_stage_lists_every_stage_in_order(parts):
    assert parts.by_stage.keys == STAGES
    assert _as_dict(parts.by_stage) == pytest.approx({
        "raw_material_acquisition": STEEL_KG + ALUMINIUM_KG,
        "production": PLATE_MACHINING_KG + ASSEMBLY_KG + TESTING_KG,
        "packaging": CRATE_KG, "upstream_transport": 0.0}, rel=1e-12)


def test_by_node_is_the_cradle_to_gate_score_per_piece(parts):
    bracket = ALUMINIUM
    plate = 4 * STEEL + 4 * MACHINING_ON_B + 0.5 * bracket
    frame = 3 * plate
    machine = 2 * frame + plate + CRATE_KG + ASSEMBLY_KG + TESTING_KG
    assert np.asarray(parts.node_unit_kg_co2e).tolist() == pytest.approx([machine, frame, plate, bracket], rel=1e-12)


def test_by_module_splits_the_machine_by_its_own_lines(parts):
    plate = 4 * STEEL + 4 * MACHINING_ON_B + 0.5 * ALUMINIUM
    assert _as_dict(parts.by_module) == pytest.approx({
        "frame": 2 * 3 * plate, "spare_plate": plate, SHARED_MODULE: CRATE_KG, "assembly": ASSEMBLY_KG + TESTING_KG},
        rel=1e-12)
    values = np.asarray(parts.by_module.kg_co2e)
    assert list(values) == sorted(values, reverse=True)


def test_by_dataset_reports_the_placeholder_as_its_grid(parts, tiny_background):
    found = dict(zip(parts.by_dataset.keys, zip(parts.by_dataset.amount_per_machine, parts.by_dataset.kg_co2e)))
    assert "electricity_factory" not in found
    assert found["grid_b"] == pytest.approx((100.0, TESTING_KG), rel=1e-12)
    assert found["machining"] == pytest.approx((28.0 + 5.0, PLATE_MACHINING_KG + ASSEMBLY_KG), rel=1e-12)
    assert found["steel"] == pytest.approx((28.0, STEEL_KG), rel=1e-12)


def test_by_line_and_material(parts):
    assert _as_dict(parts.by_line) == pytest.approx({
        "plate": STEEL_KG, "plate_machining": PLATE_MACHINING_KG, "bracket": ALUMINIUM_KG, "crate": CRATE_KG,
        "assembly": ASSEMBLY_KG, "testing": TESTING_KG}, rel=1e-12)
    assert _as_dict(parts.by_material)["(process: not a material)"] == pytest.approx(
        PLATE_MACHINING_KG + ASSEMBLY_KG, rel=1e-12)


def test_by_gas_counts_the_kwh_on_their_grids(parts, tiny_background):
    gas = dict(zip(parts.by_gas.flow_keys, np.asarray(parts.by_gas.kg).tolist()))
    assert gas["co2_uptake"] == pytest.approx(16.0, rel=1e-12)
    assert gas["ch4_fossil"] == pytest.approx(28 * 0.01, rel=1e-12)
    # grid_b's aggregated CO2e: 28 kg x 2 kWh of plate machining and the 100 kWh of testing
    assert gas["co2e_aggregated"] == pytest.approx(0.2 * (28 * 2 + 100), rel=1e-12)


def test_every_breakdown_sums_to_the_total(parts):
    for breakdown in (parts.by_stage, parts.by_module, parts.by_material, parts.by_line):
        assert float(np.sum(breakdown.kg_co2e)) == pytest.approx(TOTAL, rel=1e-12)
    assert float(np.sum(parts.by_dataset.kg_co2e)) == pytest.approx(TOTAL, rel=1e-12)
    assert float(np.sum(parts.by_gas.kg_co2e)) == pytest.approx(TOTAL + parts.removals_kg_co2e, rel=1e-12)
    assert float(np.sum(parts.by_basis.kg_co2e)) == pytest.approx(TOTAL, rel=1e-12)
    assert parts.node_unit_kg_co2e[0] == pytest.approx(TOTAL, rel=1e-12)


def test_breakdowns_are_read_only(parts):
    with pytest.raises(ValueError):
        parts.link_kg_co2e[0] = 0.0
    with pytest.raises(AttributeError):
        parts.total_kg_co2e = 0.0


def test_the_product_graph_is_tables_with_a_networkx_view_on_demand(tiny_background):
    from pcf.bom import model_from_data
    from pcf.graph import build_graph

    system = model_from_data({
        "machine": {"id": "M", "name": "m"}, "factory": {"electricity": "grid_a"},
        "items": [{"kind": "assembly", "id": "A", "quantity": 2, "children": [
            {"kind": "part", "id": "P", "material": "steel", "mass_kg": 3, "quantity": 2}]}],
        "packaging": [{"id": "crate", "dataset": "wood", "mass_kg": 10}]})
    graph = build_graph(system, tiny_background)
    assert graph.order == ("M", "A", "P") and graph.node_kinds == ("machine", "assembly", "part")
    assert "graph" not in graph.__dict__  # not built until asked for
    view = graph.graph
    assert set(view.successors("M")) == {"A", "bg:wood"} and set(view.successors("P")) == {"bg:steel"}
    assert view.nodes["bg:steel"]["unit"] == "kg" and view["A"]["P"][0]["amount"] == 2
