"""The design comparator on a hand-checkable system (tests/conftest.py background), real bw2calc, no mocks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from conftest import GRID_A, TRUCK

from pcf.bom import model_from_data
from pcf.compare import (
    ScenarioError,
    ScenarioFile,
    Variant,
    compare,
    compile_base,
    evaluate,
    load_scenarios,
    rebuild,
)

STEEL = 2.0 + 0.01 * 29.8  # kg CO2e per kg
ALUMINIUM = 8.0 + 0.5
WOOD = 0.1 + 0.2  # excluding the uptake (-1.6), which is reported apart
MOTOR = 3 * STEEL + ALUMINIUM
MACHINING = 0.05 + 2.0 * GRID_A  # per kg removed, 2 kWh of factory electricity on grid_a

BOM = {
    "machine": {"id": "M", "name": "Test machine"},
    "factory": {"electricity": "grid_a"},
    "items": [
        {"kind": "assembly", "id": "FRAME", "children": [
            {"kind": "part", "id": "F1", "material": "steel", "mass_kg": 10, "quantity": 2,
             "supplier": "Steel Co", "country": "CN",
             "processes": [{"id": "F1-mach", "dataset": "machining", "amount": 1, "unit": "kg"}]},
            {"kind": "part", "id": "F2", "material": "steel", "mass_kg": 5, "supplier": "Steel Co", "country": "CN"},
        ]},
        {"kind": "component", "id": "MOTOR", "dataset": "motor", "quantity": 2, "unit": "piece", "mass_kg": 4},
        {"kind": "ref", "id": "SUB-USE", "ref": "SUB", "quantity": 3},
    ],
    "subassemblies": [
        {"kind": "assembly", "id": "SUB", "children": [
            {"kind": "part", "id": "SUB-P", "material": "aluminium", "mass_kg": 0.5}]},
    ],
    "packaging": [{"id": "PK", "dataset": "wood", "mass_kg": 20}],
    "transport": [{"id": "TR", "dataset": "truck", "mass_kg": 1000, "distance_km": 100}],
    "energy": [{"id": "EN", "dataset": "electricity_factory", "amount": 100, "unit": "kWh"}],
}

# by hand, per machine
RAW = 2 * 10 * STEEL + 5 * STEEL + 2 * MOTOR + 3 * 0.5 * ALUMINIUM
PRODUCTION = 2 * 1 * MACHINING + 100 * GRID_A
TOTAL = RAW + PRODUCTION + 20 * WOOD + 1000 / 1000 * 100 * TRUCK


@pytest.fixture(scope="module")
def base(tiny_background):
    return compile_base(model_from_data(copy.deepcopy(BOM)), tiny_background)


def variant(name: str, *edits: dict, **kwargs) -> Variant:
    return Variant.model_validate({"name": name, "edits": list(edits), **kwargs})


def assert_same(fast, full):
    """The fast path and the full rebuild (graph, datapackages, bw2calc) give the same numbers."""
    assert fast.total_kg_co2e == pytest.approx(full.total_kg_co2e, rel=1e-9)
    assert fast.biogenic_removals_kg_co2e == pytest.approx(full.biogenic_removals_kg_co2e, rel=1e-9, abs=1e-12)
    for by in ("by_stage", "by_module", "by_dataset", "by_material", "by_line"):
        a, b = getattr(fast, by), getattr(full, by)
        joined = a.to_frame("fast").join(b.to_frame("full"), how="outer").fillna(0.0)
        np.testing.assert_allclose(joined["fast"], joined["full"], rtol=1e-9, atol=1e-9, err_msg=by)
    assert fast.mass_kg == pytest.approx(full.mass_kg, rel=1e-12)
    assert fast.packaging_kg == pytest.approx(full.packaging_kg, rel=1e-12)


def test_base_is_the_hand_computed_footprint(base):
    assert base.result.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert base.own.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert base.own.by_stage.sum() == pytest.approx(TOTAL, rel=1e-12)
    assert base.own.by_module.sum() == pytest.approx(TOTAL, rel=1e-12)
    assert base.own.mass_kg == pytest.approx(2 * 10 + 5 + 2 * 4 + 3 * 0.5)


def test_substitution_delta_equals_the_hand_computed_difference(base):
    al = variant("aluminium F1", {"op": "substitute", "match": {"ids": ["F1"]}, "to": "aluminium",
                                  "mass_factor": 0.4})
    comparison = compare(base, [al])
    # 2 pieces x (10 kg x 0.4 of aluminium - 10 kg of steel); the machining line is kept
    expected = 2 * (10 * 0.4 * ALUMINIUM - 10 * STEEL)
    assert comparison.totals().at["aluminium F1", "delta_kg_co2e"] == pytest.approx(expected, rel=1e-9)
    assert comparison.deltas("stage").at["raw_material_acquisition", "aluminium F1"] == pytest.approx(expected,
                                                                                                       rel=1e-9)
    assert comparison.deltas("module").at["FRAME", "aluminium F1"] == pytest.approx(expected, rel=1e-9)
    assert comparison.totals().at["aluminium F1", "delta_mass_kg"] == pytest.approx(2 * (4 - 10))
    top = comparison.top_changes(3)
    assert top.iloc[0]["line_id"] == "F1"
    assert (top.iloc[0]["dataset_reference"], top.iloc[0]["dataset_variant"]) == ("steel", "aluminium")
    assert_same(comparison.variants[0], rebuild(base, al))


def test_explicit_new_mass_replaces_the_old_one(base):
    v = variant("F2 in aluminium", {"op": "substitute", "match": {"ids": ["F2"]}, "to": "aluminium", "mass_kg": 2})
    assert evaluate(base, v).total_kg_co2e == pytest.approx(TOTAL - 5 * STEEL + 2 * ALUMINIUM, rel=1e-9)


def test_identity_scenario_has_zero_delta(base):
    comparison = compare(base, [variant("identity")])
    assert comparison.totals().at["identity", "delta_kg_co2e"] == 0.0
    for by in ("stage", "module", "dataset", "material", "line"):
        assert (comparison.deltas(by)["identity"] == 0.0).all(), by
    assert comparison.top_changes().empty
    assert comparison.variants[0].evaluation == "patched"


EDITS = {
    "set F1 mass": [{"op": "set", "match": {"ids": ["F1"]}, "values": {"mass_kg": 12}}],
    "scale frame quantity": [{"op": "scale", "match": {"ids": ["FRAME"]}, "factors": {"quantity": 2}}],
    "remove the subassembly use": [{"op": "remove", "match": {"ids": ["SUB-USE"]}}],
    "add a part": [{"op": "add", "to": "FRAME", "lines": [
        {"kind": "part", "id": "F3", "material": "aluminium", "mass_kg": 1, "quantity": 4}]}],
    "add to the subassembly": [{"op": "add", "to": "SUB", "lines": [
        {"kind": "component", "id": "SUB-M", "dataset": "motor", "quantity": 1}]}],
    "add a process to a part": [{"op": "add", "to": "F2", "lines": [
        {"kind": "process", "id": "F2-mach", "dataset": "machining", "amount": 0.5, "unit": "kg"}]}],
    "grid b": [{"op": "electricity", "dataset": "grid_b", "basis": "market"}],
    "swap packaging": [{"op": "replace", "match": {"kind": "packaging"}, "lines": [
        {"kind": "crate", "id": "CRATE", "elements": [
            {"dataset": "wood", "volume_m3": 0.05, "density_kg_m3": 500}]}]}],
    "supplier by air": [{"op": "supplier", "match": {"supplier": "steel co"}, "supplier": "Far Steel",
                         "country": "DE", "legs_out": ["TR"],
                         "legs": [{"id": "AIR", "dataset": "air", "distance_km": 1000}]}],
    "nested edits": [
        {"op": "scale", "match": {"ids": ["FRAME"]}, "factors": {"quantity": 3}},
        {"op": "substitute", "match": {"under": "FRAME", "dataset": "steel"}, "to": "aluminium"},
        {"op": "remove", "match": {"ids": ["F1-mach"]}},
    ],
    "new assembly using the subassembly": [{"op": "add", "lines": [
        {"kind": "assembly", "id": "NEW", "children": [{"kind": "ref", "id": "NEW-SUB", "ref": "SUB"}]}]}],
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_fast_path_equals_a_full_rebuild(base, name):
    v = variant(name, *EDITS[name])
    assert_same(evaluate(base, v), rebuild(base, v))


def test_fast_path_reuses_the_supply_or_re_solves_only_when_the_structure_changes(base):
    assert evaluate(base, variant("v", *EDITS["set F1 mass"])).evaluation == "patched"
    assert evaluate(base, variant("v", *EDITS["grid b"])).evaluation == "patched"
    assert evaluate(base, variant("v", *EDITS["scale frame quantity"])).evaluation == "resolved"
    assert evaluate(base, variant("v", *EDITS["add a part"])).evaluation == "resolved"
    # a new assembly using a shared subassembly would put an edge against the base's order: rebuilt in full
    assert evaluate(base, variant("v", *EDITS["new assembly using the subassembly"])).evaluation == "rebuilt"


def test_hand_computed_deltas_of_edit_kinds(base):
    def delta(name):
        return evaluate(base, variant(name, *EDITS[name])).total_kg_co2e - TOTAL

    # electricity: 100 kWh at the factory + 2 pieces x 1 kg machined x 2 kWh
    assert delta("grid b") == pytest.approx((0.2 - GRID_A) * (100 + 2 * 1 * 2), rel=1e-9)
    # the subassembly goes with its last use: 3 x 0.5 kg of aluminium
    assert delta("remove the subassembly use") == pytest.approx(-3 * 0.5 * ALUMINIUM, rel=1e-9)
    # a second frame: its steel and machining once more
    assert delta("scale frame quantity") == pytest.approx(25 * STEEL + 2 * MACHINING, rel=1e-9)
    # crate: 0.05 m3 x 500 kg/m3 = 25 kg of wood instead of 20
    assert delta("swap packaging") == pytest.approx((25 - 20) * WOOD, rel=1e-9)
    # the frame's 25 kg of steel leave the truck leg and fly 1000 km
    assert delta("supplier by air") == pytest.approx(25 / 1000 * 1000 * 1.0 - 25 / 1000 * 100 * TRUCK, rel=1e-9)


def test_supplier_change_sets_supplier_and_country(base):
    v = variant("v", *EDITS["supplier by air"])
    system = evaluate(base, v).system
    frame = system.items[0]
    assert {(c.supplier, c.country) for c in frame.children} == {("Far Steel", "DE")}
    assert {t.id: t.mass_kg for t in system.transport} == {"TR": 975.0, "AIR": 25.0}


def test_variant_order_does_not_change_results(base):
    variants = [variant(name, *edits) for name, edits in sorted(EDITS.items())]
    forward = compare(base, variants)
    backward = compare(base, list(reversed(variants)))
    for v in variants:
        a, b = forward.result(v.name), backward.result(v.name)
        assert a.total_kg_co2e == b.total_kg_co2e
        assert a.by_stage.equals(b.by_stage)
        assert a.by_line.sort_index().equals(b.by_line.sort_index())
    # and the base is untouched by any variant
    assert evaluate(base, variant("identity")).total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)


def test_every_breakdown_sums_to_the_total(base):
    comparison = compare(base, [variant(name, *edits) for name, edits in sorted(EDITS.items())])
    for r in comparison.results:
        for by in ("by_stage", "by_module", "by_dataset", "by_material", "by_line"):
            assert getattr(r, by).sum() == pytest.approx(r.total_kg_co2e, rel=1e-9), (r.name, by)
        delta = comparison.deltas("stage")
        if r.name != "base":
            assert delta[r.name].sum() == pytest.approx(comparison.totals().at[r.name, "delta_kg_co2e"], abs=1e-9)


@pytest.mark.parametrize("edit, message", [
    ({"op": "substitute", "match": {"dataset": "copper"}, "to": "aluminium"}, "matches no line (dataset=copper)"),
    ({"op": "remove", "match": {"ids": ["F1", "NOPE"]}}, "no line with id 'NOPE'"),
    ({"op": "set", "match": {"under": "FRAME", "supplier": "nobody"}, "values": {"mass_kg": 1}}, "matches no line"),
    ({"op": "add", "to": "NOWHERE", "lines": [{"kind": "part", "id": "X", "material": "steel", "mass_kg": 1}]},
     "no line with id 'NOWHERE'"),
    ({"op": "supplier", "match": {"ids": ["F1"]}, "legs_out": ["TR-X"]}, "no transport line 'TR-X'"),
])
def test_an_edit_that_matches_nothing_is_reported(base, edit, message):
    with pytest.raises(ScenarioError) as info:
        evaluate(base, variant("broken", edit))
    assert message in str(info.value)
    assert "variant 'broken', edit 1" in str(info.value)


@pytest.mark.parametrize("edit, message", [
    ({"op": "set", "match": {"ids": ["TR"]}, "values": {"quantity": 2}}, "has no field 'quantity'"),
    ({"op": "set", "match": {"ids": ["F1"]}, "values": {"mass_kg": -1}}, "greater than 0"),
    ({"op": "substitute", "match": {"ids": ["FRAME"]}, "to": "aluminium"}, "is a assembly"),
    ({"op": "substitute", "match": {"ids": ["F1"]}, "to": "unobtainium"}, "unknown dataset 'unobtainium'"),
    ({"op": "add", "lines": [{"kind": "part", "id": "F2", "material": "steel", "mass_kg": 1}]},
     "id 'F2' is already used"),
    ({"op": "remove", "match": {"ids": ["F1", "F2"]}}, "would have no children"),
    ([{"op": "set", "match": {"ids": ["TR"]}, "values": {"mass_kg": 10}},
      {"op": "supplier", "match": {"ids": ["FRAME"]}, "legs_out": ["TR"]}], "carries 10 kg, less than the 25 kg"),
    ({"op": "electricity", "dataset": "steel"}, "not an electricity dataset"),
])
def test_an_edit_that_cannot_apply_is_reported(base, edit, message):
    with pytest.raises(ScenarioError) as info:
        evaluate(base, variant("broken", *(edit if isinstance(edit, list) else [edit])))
    assert message in str(info.value)


def test_a_scenario_file_error_names_the_file_and_row(base, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: test\n"
        "variants:\n"
        "  - name: ok\n"
        "  - name: broken\n"
        "    edits:\n"
        "      - op: substitute\n"
        "        match: {dataset: copper}\n"
        "        to: aluminium\n", encoding="utf-8")
    scenarios = load_scenarios(path)
    with pytest.raises(ScenarioError) as info:
        compare(base, scenarios)
    assert info.value.file == str(path) and info.value.row == 6
    assert "matches no line" in info.value.describe()


def test_invalid_scenario_files_are_reported(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("variants:\n  - name: v\n    edits:\n      - op: explode\n        match: {ids: [A]}\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenarios(path).expand()
    assert info.value.row == 4 and "op" in info.value.describe()
    path.write_text("variants: [{name: v, edits: [{op: remove, match: {}}]}]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="empty selector"):
        load_scenarios(path).expand()
    path.write_text("variants: [{name: v, edits: [{op: set, match: {ids: [A]}, values: {mass_kg: $m}}]}]\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match="undefined parameter"):
        load_scenarios(path).expand()
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenarios(tmp_path / "missing.yaml")


def test_parameters_expand_into_one_variant_per_value(base):
    scenarios = ScenarioFile.model_validate({
        "reference": "F1 x 1",
        "parameters": {"f": {"range": {"start": 1, "stop": 2, "step": 0.5}}, "g": {"value": 3}},
        "variants": [{"name": "F1 x {f}", "edits": [
            {"op": "scale", "match": {"ids": ["F1"]}, "factors": {"mass_kg": "$f"}}]},
            {"name": "motors", "edits": [{"op": "set", "match": {"ids": ["MOTOR"]}, "values": {"quantity": "$g"}}]}],
    })
    variants = scenarios.expand()
    assert [v.name for v in variants] == ["F1 x 1", "F1 x 1.5", "F1 x 2", "motors"]
    assert variants[1].parameters == {"f": 1.5}
    comparison = compare(base, scenarios)
    assert comparison.reference == "F1 x 1"
    # against F1 x 1 (= the base): 2 pieces x 10 kg x 0.5 more steel
    assert comparison.totals().at["F1 x 1.5", "delta_kg_co2e"] == pytest.approx(2 * 10 * 0.5 * STEEL, rel=1e-9)
    assert comparison.totals().at["motors", "delta_kg_co2e"] == pytest.approx(MOTOR, rel=1e-9)


def test_comparison_document_and_report(base, tmp_path):
    comparison = compare(base, [variant(name, *edits) for name, edits in sorted(EDITS.items())])
    doc = comparison.to_dict()
    assert doc["reference"] == "base" and len(doc["variants"]) == len(EDITS) + 1
    grid_b = next(v for v in doc["variants"] if v["name"] == "grid b")
    assert grid_b["delta_kg_co2e"] == pytest.approx((0.2 - GRID_A) * 104, rel=1e-9)
    assert set(doc["delta_by_stage"]["production"]) == set(EDITS)
    path = comparison.write_json(tmp_path / "c.json")
    assert path.read_text(encoding="utf-8").startswith("{")
    text = comparison.to_markdown()
    assert "| grid b |" in text and "### By life-cycle stage" in text


# -- the shipped scenario files, end to end over the shipped data ----------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "bill_of_materials" / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped_base():
    from pcf.cli_compare import load_system
    from pcf.data.background import default_background

    system, background = load_system(str(ROOT / "bill_of_materials" / "formation_grading_machine.yaml"),
                                     default_background())
    return compile_base(system, background)


def test_one_scenario_file_per_substitution_family():
    names = {p.stem for p in SCENARIOS}
    assert {"frame_material", "crate_designs", "stretch_film", "pallets_containers", "supplier_sourcing",
            "electricity"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_agree_with_full_rebuilds(shipped_base, path):
    comparison = compare(shipped_base, load_scenarios(path), verify=True)
    assert len(comparison.variants) >= 2
    for r in comparison.results:
        assert r.by_stage.sum() == pytest.approx(r.total_kg_co2e, rel=1e-9)


def test_shipped_green_electricity_lowers_the_footprint(shipped_base):
    comparison = compare(shipped_base, load_scenarios(ROOT / "bill_of_materials/scenarios/electricity.yaml"))
    totals = comparison.totals()
    assert totals.at["wind PPA", "delta_kg_co2e"] < 0
    assert comparison.deltas("stage").at["packaging", "wind PPA"] == pytest.approx(0.0, abs=1e-9)
    # a "wind PPA" without a documented instrument is not a market-based claim, and the comparison says so
    from pcf.electricity_claims import LOCATION, MARKET_UNDOCUMENTED

    assert totals.at["base", "electricity_basis"] == LOCATION
    assert totals.at["Jiangsu provincial grid 2023 (CO2 only)", "electricity_basis"] == LOCATION
    for name in ("wind PPA", "on-site solar PV", "hydropower certificates"):
        assert totals.at[name, "electricity_basis"] == MARKET_UNDOCUMENTED
    variants = load_scenarios(ROOT / "bill_of_materials/scenarios/electricity.yaml").expand()
    full = rebuild(shipped_base, next(v for v in variants if v.name == "wind PPA"))  # the full path labels it too
    assert full.electricity_basis == MARKET_UNDOCUMENTED


def test_cli_compare_writes_tables_json_markdown_and_chart(tmp_path, capsys):
    from report_helpers import run_cli

    out = tmp_path / "out"
    assert run_cli([
        "compare", str(ROOT / "bill_of_materials" / "formation_grading_machine.yaml"),
        "--scenarios", str(ROOT / "bill_of_materials" / "scenarios" / "stretch_film.yaml"),
        "--json", str(out / "c.json"), "--markdown", str(out / "c.md"), "--chart", str(out / "c.png"),
    ]) == 0
    printed = capsys.readouterr().out
    assert "stretch film, 8 turns" in printed and "Lines that changed most" in printed
    import json

    doc = json.loads((out / "c.json").read_text(encoding="utf-8"))
    assert doc["reference"] == "stretch film, 12 turns"
    assert (out / "c.png").stat().st_size > 1000
    assert "## Design comparison" in (out / "c.md").read_text(encoding="utf-8")
