"""Components pack (issue 10 item 5): compositions recomputed by hand from their inputs' factors, the electrical
steel and PVC each component uses, and the price basis of every spend-based component.

The expected values are the composition arithmetic written out (share x input factor), with the inputs' factors
taken from the compiled background; the composition shares are the ones cited in the pack's build script.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import unit_gwp

from pcf.data.background import default_background
from pcf.methods import get_method

LCI = Path(__file__).resolve().parents[1] / "lci_data"
COMPONENTS = LCI / "packs" / "components"
GRID = "electricity_cn_footprint_2024"


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def gwp():
    return unit_gwp(default_background(), GRID)


@pytest.fixture(scope="module")
def exchanges() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for e in _read(COMPONENTS / "exchanges.csv"):
        out.setdefault(e["dataset"], {})[e["input"]] = out.get(e["dataset"], {}).get(e["input"], 0.0) + float(
            e["amount"])
    return out


def test_cables_use_chinese_pvc_by_hand(gwp, exchanges):
    cu, pvc = gwp("copper_wire"), gwp("pvc_cn")
    assert pvc == pytest.approx(5.42)  # An et al. 2022, Chinese PVC production mix
    # power cable: 55 % copper conductor + 45 % PVC insulation and sheath
    assert exchanges["cable_power"] == pytest.approx({"copper_wire": 0.55, "pvc_cn": 0.45})
    assert gwp("cable_power") == pytest.approx(0.55 * cu + 0.45 * 5.42, rel=1e-9)
    # control cable: 35 % copper (conductors + braid) + 65 % PVC
    assert exchanges["cable_signal"] == pytest.approx({"copper_wire": 0.35, "pvc_cn": 0.65})
    assert gwp("cable_signal") == pytest.approx(0.35 * cu + 0.65 * 5.42, rel=1e-9)
    assert "plastic_pvc" not in exchanges["cable_power"] and "plastic_pvc" not in exchanges["cable_signal"]


def test_cable_twins_differ_from_the_chinese_base_only_in_the_pvc_by_hand(gwp, exchanges):
    cu = gwp("copper_wire")
    pvc_eu, pvc_us = gwp("plastic_pvc"), gwp("pvc")
    assert pvc_eu == pytest.approx(1.9)  # PlasticsEurope eco-profile (Hopewell et al. 2009 table)
    assert pvc_us == pytest.approx(1.88, abs=0.01)  # USLCI suspension PVC resin, AR6
    shares = {"cable_power": (0.55, 0.45), "cable_signal": (0.35, 0.65)}
    for base, (copper, pvc_share) in shares.items():
        for suffix, pvc_key, pvc_factor in (("_eu", "plastic_pvc", pvc_eu), ("_us", "pvc", pvc_us)):
            twin = base + suffix
            assert exchanges[twin] == pytest.approx({"copper_wire": copper, pvc_key: pvc_share})
            # the same inputs as the CN base except pvc_cn -> the twin's PVC
            base_inputs = dict(exchanges[base])
            base_inputs[pvc_key] = base_inputs.pop("pvc_cn")
            assert exchanges[twin] == pytest.approx(base_inputs)
            assert gwp(twin) == pytest.approx(copper * cu + pvc_share * pvc_factor, rel=1e-9)
            assert gwp(base) - gwp(twin) == pytest.approx(pvc_share * (5.42 - pvc_factor), rel=1e-9)


def test_cable_geographies_are_their_origin():
    rows = {r["key"]: r for r in _read(COMPONENTS / "datasets.csv")}
    expected = {"cable_power": "CN", "cable_signal": "CN", "cable_power_eu": "RER", "cable_signal_eu": "RER",
                "cable_power_us": "US", "cable_signal_us": "US"}
    assert {k: rows[k]["geography"] for k in expected} == expected
    assert "Chinese-made" in rows["cable_power"]["name"] and "Chinese-made" in rows["cable_signal"]["name"]
    assert "European-made" in rows["cable_power_eu"]["name"] and "North-American-made" in rows["cable_power_us"]["name"]
    for key in expected:  # same data-quality ratings as the base: only the PVC differs
        assert [rows[key][c] for c in rows[key] if c.startswith("dq_")] == \
            [rows["cable_power"][c] for c in rows["cable_power"] if c.startswith("dq_")]


def test_a_cable_line_takes_the_twin_of_its_supplier_country():
    from pcf.mapping import Mapper

    mapper = Mapper.create(default_background())
    assert mapper.match("power cable", country="DE").dataset == "cable_power_eu"
    assert mapper.match("power cable", country="DE").method == "table+regional"
    assert mapper.match("power cable", country="US").dataset == "cable_power_us"
    assert mapper.match("power cable", country="CN").dataset == "cable_power"
    assert mapper.match("power cable").dataset == "cable_power"
    assert mapper.match("signal cable", country="FR").dataset == "cable_signal_eu"
    assert mapper.match("signal cable", country="US").dataset == "cable_signal_us"
    assert mapper.match("cable_power", country="DE").dataset == "cable_power"  # a dataset key is kept as given


def test_transformer_core_is_grain_oriented_electrical_steel_by_hand(gwp, exchanges):
    assert exchanges["transformer"] == pytest.approx({"electrical_steel_go": 0.60, "copper_wire": 0.30,
                                                      "steel_hot_rolled_cn": 0.05,
                                                      "plastic_engineering_proxy": 0.05})
    expected = (0.60 * 3.7 + 0.30 * gwp("copper_wire") + 0.05 * gwp("steel_hot_rolled_cn")
                + 0.05 * gwp("plastic_engineering_proxy"))
    assert gwp("electrical_steel_go") == pytest.approx(3.7)
    assert gwp("transformer") == pytest.approx(expected, rel=1e-9)


def test_motor_laminations_are_not_the_grain_oriented_dataset(exchanges):
    """No non-oriented electrical-steel figure was reached: motors keep the CN cold-rolled stand-in (named as such),
    never the grain-oriented dataset (box-annealed GO steel would over-state a motor)."""
    for key in ("electric_motor", "fan", "electric_motor_induction_large"):
        assert "electrical_steel_go" not in exchanges[key], key
        assert "steel_cold_rolled_cn" in exchanges[key], key
    comments = {(e["dataset"], e["input"]): e["comment"] for e in _read(COMPONENTS / "exchanges.csv")}
    assert "NO electrical-steel laminations" in comments[("electric_motor", "steel_cold_rolled_cn")]
    assert "proxy" in comments[("fan", "steel_cold_rolled_cn")]


def test_every_spend_based_component_states_its_price_basis_and_range():
    """A component that links to an input-output (spend) dataset names its assumed price and a low-high range in
    its notes, and carries the same range in uncertainty.csv (item 7)."""
    spend_keys = {d["key"] for name in ("epa_spend", "open_ceda")
                  for d in _read(LCI / "packs" / name / "datasets.csv")}
    datasets = {d["key"]: d for d in _read(COMPONENTS / "datasets.csv")}
    ranges = {(u["dataset"], u["input"]): (float(u["low"]), float(u["high"]))
              for u in _read(COMPONENTS / "uncertainty.csv")}
    spend_links = [e for e in _read(COMPONENTS / "exchanges.csv") if e["input"] in spend_keys]
    assert len(spend_links) == 5
    for e in spend_links:
        d = datasets[e["dataset"]]
        assert "Price basis" in d["notes"] and "ASSUMED range" in d["notes"], e["dataset"]
        low, high = ranges[(e["dataset"], e["input"])]
        assert low < float(e["amount"]) < high, e["dataset"]
        assert f"range {low:g}-{high:g}" in e["comment"], e["dataset"]
        assert d["dq_reliability"] == "5", e["dataset"]


def test_spend_based_components_count_in_the_spend_based_share():
    bg = default_background()
    factors = get_method(bg.tables).factors_for(bg.flow_keys)
    spend = bg.cumulative_with_grid(GRID, spend_only=True)
    total = bg.cumulative_with_grid(GRID)
    for key in ("pcb_assembly", "power_electronics_module", "hmi_panel", "sensor", "pneumatic_valve"):
        i = bg.index(key)
        assert float(spend[i] @ factors) == pytest.approx(float(total[i] @ factors), rel=1e-9), key
    # a component that uses a spend-based board carries that board's share (servo drive: 0.5 kg PCBA + 0.1 kg module)
    i = bg.index("servo_drive")
    expected = 0.5 * float(total[bg.index("pcb_assembly")] @ factors) + 0.1 * float(
        total[bg.index("power_electronics_module")] @ factors)
    assert float(spend[i] @ factors) == pytest.approx(expected, rel=1e-9)


def test_a_board_by_area_needs_a_per_area_figure():
    """pcb_assembly is per kg: a board entered in cm2 is refused naming the unit; with the supplier's own figure per
    cm2 the area line is accepted (200 cm2 x 0.003 kg CO2e/cm2 = 0.6 kg)."""
    import pcf
    from pcf.bom import model_from_data
    from pcf.errors import UnitError

    line = {"kind": "component", "id": "PCB-1", "dataset": "pcb_assembly", "quantity": 200, "unit": "cm2"}
    machine = {"id": "M1", "name": "test", "country": "CN", "reference_year": 2026}
    with pytest.raises(UnitError, match="cannot convert 'cm2'"):
        pcf.footprint(model_from_data({"machine": machine, "items": [line]}), background=default_background())
    line["supplier_footprint"] = {"kg_co2e_per_unit": 0.003, "source": "supplier PCF per cm2",
                                  "reference_period_start": "2025-01-01", "reference_period_end": "2025-12-31"}
    result = pcf.footprint(model_from_data({"machine": machine, "items": [line]}), background=default_background())
    assert result.total_kg_co2e == pytest.approx(200 * 0.003)


def test_components_pack_is_what_its_build_script_writes_from_the_current_processes_pack(tmp_path):
    # The components fold process energies (heat_treatment, machining ...) into their exchanges at build time: a
    # process change without a rebuild leaves the committed CSVs stale. Rebuild in a copy and compare byte for byte.
    import shutil
    import subprocess
    import sys

    packs = Path(__file__).resolve().parents[1] / "lci_data" / "packs"
    copy = tmp_path / "repo" / "lci_data" / "packs"
    for name in ("components", "processes", "materials"):
        shutil.copytree(packs / name, copy / name)
    subprocess.run([sys.executable, str(copy / "components" / "build_components.py")], check=True,
                   capture_output=True, cwd=tmp_path)
    for name in ("datasets.csv", "exchanges.csv", "sources.csv"):
        assert (copy / "components" / name).read_bytes() == (packs / "components" / name).read_bytes(), (
            f"lci_data/packs/components/{name} is stale: run lci_data/packs/components/build_components.py")


def test_a_component_line_of_a_bom_takes_the_twin_of_its_supplier_country():
    """Through the whole intake, not only the mapper: a component line's country chooses the regional twin (2 kg
    of German power cable = 2 x cable_power_eu), a key written in the BOM is kept."""
    import pcf
    from pcf.bom import model_from_data

    bg = default_background()
    factors = get_method(bg.tables).factors_for(bg.flow_keys)
    per_kg = {k: float(bg.cumulative_with_grid(GRID)[bg.index(k)] @ factors)
              for k in ("cable_power", "cable_power_eu", "cable_signal_us")}
    machine = {"id": "M1", "name": "test", "country": "CN", "reference_year": 2026}
    lines = [{"kind": "component", "id": "C1", "dataset": "power cable", "quantity": 2, "unit": "kg", "country": "DE"},
             {"kind": "component", "id": "C2", "dataset": "signal cable", "quantity": 1, "unit": "kg",
              "country": "US"},
             {"kind": "component", "id": "C3", "dataset": "cable_power", "quantity": 1, "unit": "kg", "country": "DE"}]
    result = pcf.footprint(model_from_data({"machine": machine, "factory": {"electricity": GRID}, "items": lines}),
                           background=bg)
    # the background's cumulative factors net the tiny biogenic uptake of USLCI PVC, as does this total
    assert result.total_including_removals_kg_co2e == pytest.approx(
        2 * per_kg["cable_power_eu"] + per_kg["cable_signal_us"] + per_kg["cable_power"], rel=1e-9)
