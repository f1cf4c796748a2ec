"""Baselines, own protocols with equal output, per-unit figures, NPV, the plant block, grid history and the
sensitivity dimensions that take names — on the small hand case of test_energy_balance, computed by hand.

Hand case (test_energy_balance): candidate 2337.5 kWh/year, resistive baseline 2540 kWh/year, 1000 cells a year of
a 100 Ah x 3.0 V = 0.3 kWh cell, 3 years at 0.5 kg CO2e/kWh and 0.1 EUR/kWh.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pcf.energy import ComparisonConfig, EnergyError, compare, tornado
from pcf.energy.figures import baselines_table, line_output_GWh, saving_by_use, unit_table, unit_values
from pcf.energy.plant import comparison_plant
from pcf.energy.sensitivity import varied, varied_all
from test_energy_balance import EMBODIED, _design, small_config

ENERGY = Path(__file__).resolve().parents[1] / "pcf" / "energy"


def run(data: dict, embodied=None):
    config = ComparisonConfig.model_validate(data)
    embodied = embodied or {**EMBODIED, **{key: 1000.0 for key in config.other_baselines}}
    return compare(config, embodied)


def with_other_baseline(**overrides) -> dict:
    data = small_config(**overrides)
    data["other_baselines"] = {"better": {**_design("better", {"route": "feedback", "path_efficiency": 1.0,
                                                                "reuse_share": 1.0}), "why": "strictest"}}
    return data


def test_other_baselines_are_compared_with_the_same_candidate():
    result = run(with_other_baseline())
    better = result.others["better"]
    # "better": recovery 1.0 -> discharge net -0.3 + 0.4 aux + HVAC 0.4 / 2 = 0.3; per cell 1.04 + 0.3 + 0.3 = 1.64
    assert better.baseline.year.per_cell_kWh == pytest.approx(1.64)
    assert better.baseline.machine.annual_kWh == pytest.approx(1640 + 450)
    assert better.machine_savings.annual_kWh == pytest.approx(2090 - 2337.5)  # negative: the candidate is worse
    table = baselines_table(result)
    assert list(table.index) == ["baseline", "better"]
    assert table.loc["better", "why"] == "strictest"
    assert table.loc["baseline", "machine_saved_MWh_first_year"] == pytest.approx((2540 - 2337.5) / 1000)


def test_a_baseline_must_say_why():
    data = small_config()
    data["baseline"].pop("why")
    with pytest.raises(ValueError, match="say why it is the machine to compare against"):
        ComparisonConfig.model_validate(data)


def test_architecture_must_match_the_discharge_route():
    with pytest.raises(ValueError, match="legacy_resistive machine has a resistive discharge"):
        ComparisonConfig.model_validate(small_config(**{"candidate.architecture": "legacy_resistive"}))


def test_per_unit_figures_by_hand():
    result = run(small_config())
    values = unit_values(result, result.candidate)
    assert values["kWh_per_cell"] == pytest.approx(2.3375)  # 2337.5 kWh / 1000 cells
    assert values["kWh_per_kWh_cell"] == pytest.approx(2.3375 / 0.3)
    assert values["kg_co2e_per_kWh_cell"] == pytest.approx(2337.5 * 0.5 / (1000 * 0.3))
    assert line_output_GWh(result) == pytest.approx(1000 * 0.3 / 1e6)
    assert values["line_MWh_per_GWh"] == pytest.approx(2.3375 / 0.0003)
    table = unit_table(result)
    assert table.loc["electricity per cell (kWh)", "saving vs baseline"] == pytest.approx(2.54 - 2.3375)


def test_per_gwh_scales_with_the_line_not_with_the_machine_count():
    one, seven = run(small_config()), run(small_config(**{"line.machines": 7}))
    assert unit_values(seven, seven.candidate)["line_MWh_per_GWh"] == pytest.approx(
        unit_values(one, one.candidate)["line_MWh_per_GWh"])
    assert line_output_GWh(seven) == pytest.approx(7 * line_output_GWh(one))


def test_saving_by_use_by_hand():
    frame = saving_by_use(run(small_config()))
    # same charge path (0.8) for both: charging saves 0; recovered 1000 cells x 0.135 kWh = 135;
    # HVAC of the discharge step 0.35 (resistive) - 0.2825 (feedback) = 0.0675 kWh per cell -> 67.5
    assert frame.loc["charging", "baseline"] == pytest.approx(0.0)
    assert frame.loc["recovered", "baseline"] == pytest.approx(135.0)
    assert frame.loc["HVAC", "baseline"] == pytest.approx(67.5)
    assert frame["baseline"].sum() == pytest.approx(202.5)  # the machine's annual saving
    assert frame.loc["recovered", "share vs baseline"] == pytest.approx(135.0 / 202.5)


def test_npv_of_the_cost_savings_by_hand():
    data = small_config(**{"grid.discount_rate_percent": 10.0})
    data["baseline"]["purchase_price"] = 1000.0
    data["candidate"]["purchase_price"] = 1030.0
    saved = run(data).machine_savings
    # 202.5 kWh x 0.1 EUR = 20.25 EUR a year for 3 years at 10 %, minus the 30 EUR premium
    assert saved.npv == pytest.approx(20.25 / 1.1 + 20.25 / 1.1 ** 2 + 20.25 / 1.1 ** 3 - 30.0)
    assert run(small_config()).machine_savings.npv == pytest.approx(3 * 20.25)  # undiscounted, no prices


def test_own_protocol_with_equal_output():
    data = small_config()
    data["candidate"]["protocol"] = [s for s in data["protocol"] if s["kind"] != "rest"]  # 4 h instead of 5 h
    result = run(data)
    # the baseline sets the output (1000 cells); the candidate's 10 channels need 100 cycles of 4 h = 400 h
    assert result.candidate.year.cells_per_year == pytest.approx(1000)
    assert result.candidate.year.channel_utilisation == pytest.approx(0.4)
    assert result.candidate.year.idle_hours == pytest.approx(600)
    # per cell without the rest: 2.09 - (0.2 + 0.1) = 1.5875 (test_energy_balance: the rest costs 0.2 aux + 0.1 HVAC)
    assert result.candidate.year.per_cell_kWh == pytest.approx(1.5875)
    # + standby 0.4 x 600 + controls 100 + HVAC (240 + 100) / 2
    assert result.candidate.machine.annual_kWh == pytest.approx(1587.5 + 240 + 100 + 170)


def test_unequal_output_is_rejected():
    data = small_config()
    data["candidate"]["protocol"] = [dict(data["protocol"][0])]  # charges to 100 %, never discharges
    with pytest.raises(ValueError, match="equal output: the protocol of candidate leaves 100 Ah in each cell, "
                                         "the baseline's 0 Ah"):
        ComparisonConfig.model_validate(data)


def test_named_protocols_and_the_shared_name():
    data = small_config()
    data["protocols"] = {"short": [s for s in data["protocol"] if s["kind"] != "rest"]}
    data["candidate"]["protocol"] = "short"
    config = ComparisonConfig.model_validate(data)
    assert len(config.candidate.protocol) == 2
    data["candidate"]["protocol"] = "nothing"
    with pytest.raises(ValueError, match="unknown protocol 'nothing'"):
        ComparisonConfig.model_validate(data)


def test_sensitivity_dimensions_that_take_names():
    data = with_other_baseline()
    data["protocols"] = {"short": [s for s in data["protocol"] if s["kind"] != "rest"]}
    data["sensitivity"] = [
        {"path": "baseline", "low": "baseline", "high": "better"},
        {"path": "candidate.protocol", "low": "shared", "high": "short"},
    ]
    config = ComparisonConfig.model_validate(data)
    embodied = {**EMBODIED, "better": 1000.0}
    frame = tornado(config, embodied).set_index("path")
    swapped = compare(*varied(config, embodied, "baseline", "better"))
    assert swapped.baseline.design.name == "better"
    assert frame.loc["baseline", "net_t_co2e_high"] == pytest.approx(swapped.line_savings.net_lifetime_kg_co2e / 1000)
    assert frame.loc["baseline", "net_t_co2e_low"] == pytest.approx(frame.attrs["base_net_t_co2e"])
    short = compare(*varied(config, embodied, "candidate.protocol", "short"))
    assert short.candidate.year.protocol_h == pytest.approx(4.0)
    assert frame.loc["candidate.protocol", "net_t_co2e_high"] == pytest.approx(
        short.line_savings.net_lifetime_kg_co2e / 1000)
    with pytest.raises(EnergyError, match="unknown baseline 'nobody'"):
        varied(config, embodied, "baseline", "nobody")
    with pytest.raises(EnergyError, match="takes numbers"):
        varied(config, embodied, "site.hvac_cop", "high")


def test_several_parameters_set_at_once_equal_setting_them_one_after_the_other():
    config = ComparisonConfig.model_validate(small_config())
    values = [("site.hvac_cop", 3.5), ("candidate.charge_path_efficiency", 0.9), ("embodied.candidate_factor", 1.2),
              ("operation.service_life_years", 12)]
    one_by_one, embodied = config, EMBODIED
    for path, value in values:
        one_by_one, embodied = varied(one_by_one, embodied, path, value)
    at_once, embodied_at_once = varied_all(config, EMBODIED, values)
    assert at_once == one_by_one and embodied_at_once == embodied
    assert embodied["candidate"] == pytest.approx(1.2 * EMBODIED["candidate"])
    assert varied_all(config, EMBODIED, [("embodied.baseline_factor", 1.0)])[0] is config  # nothing to validate
    with pytest.raises(EnergyError, match=r"parameters 'site.hvac_cop' = 3, 'candidate.charge_path_efficiency' = 1.5 "
                                          r"are not a valid input: .*efficiency must be greater than 0 and at most 1"):
        varied_all(config, EMBODIED, [("site.hvac_cop", 3), ("candidate.charge_path_efficiency", 1.5)])


def test_grid_history_range_uses_the_grids_own_years():
    data = small_config()
    data["grid"]["history_kg_co2e_per_kWh"] = {2021: 0.6, 2022: 0.45, 2023: 0.55}
    data["sensitivity"] = [{"path": "grid.first_year_kg_co2e_per_kWh", "range": "grid_history"}]
    config = ComparisonConfig.model_validate(data)
    row = tornado(config, EMBODIED).iloc[0]
    assert (row["low"], row["high"]) == (0.45, 0.6)
    assert "2021-2023" in row["source"]
    assert "min 0.4500 (2022)" in row["source"] and "max 0.6000 (2021)" in row["source"]
    data["grid"]["history_kg_co2e_per_kWh"] = {2025: 0.3}
    row = tornado(ComparisonConfig.model_validate(data), EMBODIED).iloc[0]
    assert row["swing_t_co2e"] == 0.0 and "one year only (2025)" in row["source"]


def test_plant_block_by_hand():
    data = small_config()
    data["plant"] = {"name": "hand plant", "fuel_kg_co2e_per_kWh": 0.2, "areas": [
        {"name": "dry room", "carrier": "electricity", "before_kWh_per_kWh_cell": 10.0,
         "after_kWh_per_kWh_cell": 8.0, "source": "hand"},
        {"name": "drying gas", "carrier": "fuel", "before_MWh_per_year": 1.0, "after_MWh_per_year": 0.5,
         "source": "hand"}]}
    plant = comparison_plant(run(data))
    frame = plant.frame
    # output 1000 cells x 0.3 kWh = 300 kWh = 0.0003 GWh: dry room 10 x 300 kWh = 3 MWh -> 2.4 MWh
    assert frame.loc["dry room", "before_MWh"] == pytest.approx(3.0)
    assert frame.loc["dry room", "after_MWh"] == pytest.approx(2.4)
    # plant before 2.54 (baseline line) + 3 + 1 = 6.54 MWh; after 2.3375 + 2.4 + 0.5 = 5.2375 MWh
    assert plant.before_MWh == pytest.approx(6.54)
    assert plant.after_MWh == pytest.approx(5.2375)
    assert plant.saved_share == pytest.approx((6.54 - 5.2375) / 6.54)
    assert plant.line_saved_share == pytest.approx(0.2025 / 6.54)
    # 0.5 MWh of fuel x 0.2 kg/kWh = 0.1 t; 0.6 MWh of electricity x 0.5 kg/kWh = 0.3 t
    assert frame.loc["drying gas", "saved_t_co2e"] == pytest.approx(0.1)
    assert frame.loc["dry room", "saved_t_co2e"] == pytest.approx(0.3)
    data["plant"]["fuel_kg_co2e_per_kWh"] = None
    with pytest.raises(ValueError, match="a fuel area needs fuel_kg_co2e_per_kWh"):
        ComparisonConfig.model_validate(data)


PRESENTATION = {"render", "plots", "workbook", "statements"}


def test_the_energy_model_never_imports_its_presentation():
    """compare, balance, lifetime ... import no renderer, not even inside a function (no import cycle)."""
    for path in ENERGY.glob("*.py"):
        if path.stem in PRESENTATION or path.stem == "__init__":
            continue
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                imported.add((node.module or "").split(".")[0])
                imported.update(alias.name for alias in node.names if not node.module)
        assert not imported & PRESENTATION, f"{path.name} imports {imported & PRESENTATION}"
