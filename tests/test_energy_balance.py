"""The comparator's physics: step balances, one machine-year, a line, savings and payback — computed by hand.

No engine here: embodied footprints are given as numbers, so every test is pure arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcf.energy import ComparisonConfig, compare, payback_years
from pcf.energy.balance import protocol_balance
from pcf.energy.grid import emission_factors


def small_config(**overrides) -> dict:
    """A hand-checkable comparison: 100 Ah / 3.0 V cell, 10 channels, one charge, one rest, one discharge."""
    data = {
        "name": "hand case",
        "cell": {"name": "test cell", "capacity_Ah": 100, "nominal_voltage_V": 3.0},
        "protocol": [
            {"name": "charge", "stage": "formation", "kind": "charge", "c_rate": 0.5, "soc_from_percent": 0,
             "soc_to_percent": 100, "mean_voltage_V": 3.2},
            {"name": "rest", "stage": "formation", "kind": "rest", "duration_h": 1.0},
            {"name": "discharge", "stage": "grading", "kind": "discharge", "c_rate": 0.5, "soc_from_percent": 100,
             "soc_to_percent": 0},  # mean voltage: the nominal 3.0 V
        ],
        "operation": {"operating_hours_per_year": 1000, "channel_utilisation": 0.5, "service_life_years": 3,
                      "first_year": 2030},
        "site": {"hvac_cop": 2.0, "heat_removed_share": 1.0},
        "grid": {"name": "flat", "basis": "location", "first_year_kg_co2e_per_kWh": 0.5,
                 "electricity_price_per_kWh": 0.1, "currency": "EUR"},
        "line": {"machines": 1},
        "baseline": {**_design("resistive", {"route": "resistive"}), "why": "the machine it replaces"},
        "candidate": _design("feedback", {"route": "feedback", "path_efficiency": 0.9, "reuse_share": 0.5}),
    }
    for path, value in overrides.items():
        node = data
        *head, last = path.split(".")
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
    return data


def _design(name: str, discharge: dict) -> dict:
    return {"name": name, "bom": "unused.yaml", "channels": 10, "charge_path_efficiency": 0.8,
            "discharge": discharge, "standby_power_kW": 0.4,
            "auxiliary_loads": [{"name": "fans", "power_kW": 2.0, "when": "cycling"},
                                {"name": "controls", "power_kW": 0.1, "when": "powered"}]}


EMBODIED = {"baseline": 1000.0, "candidate": 1100.0}


def run(data: dict, embodied=EMBODIED):
    return compare(ComparisonConfig.model_validate(data), embodied)


def test_hand_computed_single_machine():
    result = run(small_config())
    cand = result.candidate
    charge, rest, discharge = cand.steps
    # charge: 100 Ah x 3.2 V = 0.32 kWh into the cell; drawn 0.32 / 0.8 = 0.4; losses 0.08
    assert charge.cell_in_kWh == pytest.approx(0.32)
    assert charge.grid_drawn_kWh == pytest.approx(0.4)
    assert charge.conversion_loss_kWh == pytest.approx(0.08)
    assert charge.duration_h == pytest.approx(2.0)  # 100 Ah / (0.5 C x 100 Ah)
    # fans 2 kW shared by 10 channels: 0.2 kWh per cell-hour -> 0.4 (charge), 0.2 (rest), 0.4 (discharge)
    assert [s.auxiliary_kWh for s in cand.steps] == pytest.approx([0.4, 0.2, 0.4])
    # HVAC = heat / COP 2: (0.08 + 0.4) / 2 = 0.24; 0.2 / 2 = 0.1
    assert charge.hvac_kWh == pytest.approx(0.24)
    assert rest.hvac_kWh == pytest.approx(0.1)
    # discharge: 100 Ah x 3.0 V = 0.3 kWh out; on the bus 0.3 x 0.9 = 0.27 (losses 0.03);
    # recovered 0.27 x 0.5 = 0.135; brake resistor 0.135; HVAC (0.03 + 0.135 + 0.4) / 2 = 0.2825
    assert discharge.cell_out_kWh == pytest.approx(0.3)
    assert discharge.conversion_loss_kWh == pytest.approx(0.03)
    assert discharge.recovered_kWh == pytest.approx(0.135)
    assert discharge.dissipated_kWh == pytest.approx(0.135)
    assert discharge.hvac_kWh == pytest.approx(0.2825)
    # net per cell: (0.4 + 0.4 + 0.24) + (0.2 + 0.1) + (-0.135 + 0.4 + 0.2825) = 1.8875
    assert cand.year.per_cell_kWh == pytest.approx(1.8875)
    # 1000 h x 0.5 / 5 h = 100 cycles x 10 channels = 1000 cells; 500 idle hours
    assert cand.year.cycles_per_year == pytest.approx(100)
    assert cand.year.cells_per_year == pytest.approx(1000)
    assert cand.year.idle_hours == pytest.approx(500)
    # + standby 0.4 kW x 500 h = 200 + controls 0.1 kW x 1000 h = 100 + their HVAC 300 / 2 = 150
    assert cand.machine.annual_kWh == pytest.approx(1000 * 1.8875 + 200 + 100 + 150)  # 2337.5
    # resistive: discharge dissipates 0.3, HVAC (0.3 + 0.4) / 2 = 0.35 -> net 0.75; per cell 1.04 + 0.3 + 0.75
    assert result.baseline.year.per_cell_kWh == pytest.approx(2.09)
    assert result.baseline.machine.annual_kWh == pytest.approx(2090 + 450)
    # 3 years at 0.5 kg CO2e/kWh and 0.1 EUR/kWh
    assert cand.machine.lifetime_kWh == pytest.approx(3 * 2337.5)
    assert cand.machine.lifetime_use_kg_co2e == pytest.approx(3 * 2337.5 * 0.5)
    assert cand.machine.lifetime_cost == pytest.approx(3 * 233.75)
    saved = result.machine_savings
    assert saved.annual_kWh == pytest.approx(2540 - 2337.5)  # 202.5
    assert saved.lifetime_use_kg_co2e == pytest.approx(3 * 202.5 * 0.5)  # 303.75
    # 100 kg extra embodied / 101.25 kg saved per year
    assert saved.extra_embodied_kg_co2e == pytest.approx(100)
    assert saved.carbon_payback_years == pytest.approx(100 / 101.25)
    assert saved.net_lifetime_kg_co2e == pytest.approx(303.75 - 100)


def test_energy_balance_closes_for_every_step():
    result = run(small_config())
    for outcome in (result.baseline, result.candidate):
        frame = outcome.steps_frame
        assert np.allclose(frame["residual_kWh"], 0.0, atol=1e-12)
        for s in outcome.steps:
            assert s.net_kWh == pytest.approx(s.grid_drawn_kWh - s.recovered_kWh + s.auxiliary_kWh + s.hvac_kWh)
            # the cell side alone: what leaves the cell is recovered, lost or dissipated
            if s.kind == "discharge":
                assert s.cell_out_kWh == pytest.approx(s.recovered_kWh + s.conversion_loss_kWh + s.dissipated_kWh)
        assert outcome.year.breakdown_kWh.sum() == pytest.approx(outcome.machine.annual_kWh)


fractions = st.floats(min_value=0.05, max_value=1.0)


@settings(max_examples=40, deadline=None)
@given(charge=fractions, path=fractions, reuse=st.floats(min_value=0.0, max_value=1.0),
       cop=st.floats(min_value=0.5, max_value=6.0), share=st.floats(min_value=0.0, max_value=1.0))
def test_energy_balance_closes_for_any_design(charge, path, reuse, cop, share):
    data = small_config(**{"candidate.charge_path_efficiency": charge, "candidate.discharge.path_efficiency": path,
                           "candidate.discharge.reuse_share": reuse, "site.hvac_cop": cop,
                           "site.heat_removed_share": share})
    cfg = ComparisonConfig.model_validate(data)
    for s in protocol_balance(cfg.protocol, cfg.cell, cfg.candidate, cfg.site):
        assert abs(s.residual_kWh) < 1e-12
        assert min(s.grid_drawn_kWh, s.conversion_loss_kWh, s.dissipated_kWh, s.recovered_kWh, s.hvac_kWh) >= 0


def test_line_of_identical_machines_without_shared_equipment_is_n_times_one():
    one = run(small_config())
    line = run(small_config(**{"line.machines": 7}))
    for key in ("baseline", "candidate"):
        machine, whole = one.design(key).machine, line.design(key).line
        assert whole.annual_kWh == pytest.approx(7 * machine.annual_kWh)
        assert whole.lifetime_use_kg_co2e == pytest.approx(7 * machine.lifetime_use_kg_co2e)
        assert whole.lifetime_cost == pytest.approx(7 * machine.lifetime_cost)
        assert whole.embodied_kg_co2e == pytest.approx(7 * machine.embodied_kg_co2e)
    assert line.line_savings.lifetime_kWh == pytest.approx(7 * one.machine_savings.lifetime_kWh)
    # the payback time does not depend on the number of identical machines
    assert line.line_savings.carbon_payback_years == pytest.approx(one.machine_savings.carbon_payback_years)


def test_shared_equipment_adds_to_the_line_and_cancels_in_the_savings():
    shared = [{"name": "crane", "power_kW": 10.0, "duty": 0.25, "embodied_kg_co2e": 500.0}]
    result = run(small_config(**{"line.machines": 4, "line.shared_equipment": shared}))
    base = result.baseline
    # 10 kW x 1000 h x 0.25 = 2500 kWh, indoors: + its heat removed by the HVAC, 2500 x 1.0 / COP 2 = 1250
    assert base.line.annual_kWh == pytest.approx(4 * base.machine.annual_kWh + 2500 + 1250)
    assert base.line.embodied_kg_co2e == pytest.approx(4 * 1000 + 500)
    assert result.line_savings.annual_kWh == pytest.approx(4 * result.machine_savings.annual_kWh)
    outdoor = run(small_config(**{"line.machines": 4, "line.shared_equipment": [{**shared[0], "indoor": False}]}))
    assert outdoor.baseline.line.annual_kWh == pytest.approx(4 * base.machine.annual_kWh + 2500)


@pytest.mark.parametrize("path_efficiency", [0.5, 0.9, 1.0])
def test_zero_recovery_reproduces_the_conventional_design(path_efficiency):
    result = run(small_config(**{"candidate.discharge.reuse_share": 0.0,
                                 "candidate.discharge.path_efficiency": path_efficiency}),
                 {"baseline": 1000.0, "candidate": 1000.0})
    assert result.candidate.year.per_cell_kWh == pytest.approx(result.baseline.year.per_cell_kWh)
    assert result.candidate.machine.annual_kWh == pytest.approx(result.baseline.machine.annual_kWh)
    assert result.machine_savings.lifetime_use_kg_co2e == pytest.approx(0.0, abs=1e-9)
    for b, c in zip(result.baseline.steps, result.candidate.steps):
        assert c.heat_kWh == pytest.approx(b.heat_kWh)  # the same heat, split between losses and resistors


@settings(max_examples=40, deadline=None)
@given(low=st.floats(min_value=0.05, max_value=1.0), high=st.floats(min_value=0.05, max_value=1.0),
       parameter=st.sampled_from(["candidate.charge_path_efficiency", "candidate.discharge.path_efficiency",
                                  "candidate.discharge.reuse_share"]))
def test_higher_recovery_or_efficiency_never_increases_energy(low, high, parameter):
    low, high = sorted((low, high))
    worse = run(small_config(**{parameter: low})).candidate.machine.annual_kWh
    better = run(small_config(**{parameter: high})).candidate.machine.annual_kWh
    assert better <= worse + 1e-9


def test_higher_cop_never_increases_energy():
    energies = [run(small_config(**{"site.hvac_cop": cop})).baseline.machine.annual_kWh for cop in (1, 2, 3, 5)]
    assert energies == sorted(energies, reverse=True)


def test_grid_factor_zero_gives_zero_use_phase_emissions():
    result = run(small_config(**{"grid.first_year_kg_co2e_per_kWh": 0.0}))
    for key in ("baseline", "candidate"):
        assert result.design(key).machine.lifetime_use_kg_co2e == 0.0
        assert result.design(key).line.lifetime_use_kg_co2e == 0.0
        assert result.design(key).machine.lifetime_kWh > 0  # electricity is still used and paid for
    # nothing to pay back the 100 kg of extra embodied emissions with
    assert result.machine_savings.carbon_payback_years is None
    assert result.machine_savings.net_lifetime_kg_co2e == pytest.approx(-100.0)


def test_declining_grid_trajectory_and_floor():
    cfg = ComparisonConfig.model_validate(small_config(**{
        "grid.annual_change_percent": -10.0, "grid.floor_kg_co2e_per_kWh": 0.42}))
    # 0.5, 0.5 x 0.9 = 0.45, 0.5 x 0.81 = 0.405 -> floor 0.42
    assert emission_factors(cfg.grid, cfg.operation) == pytest.approx([0.5, 0.45, 0.42])
    result = compare(cfg, EMBODIED)
    assert result.candidate.machine.lifetime_use_kg_co2e == pytest.approx(2337.5 * (0.5 + 0.45 + 0.42))


def test_grid_factor_table_by_year():
    data = small_config()
    data["grid"] = {**data["grid"], "first_year_kg_co2e_per_kWh": None,
                    "by_year_kg_co2e_per_kWh": {2030: 0.6, 2031: 0.3, 2032: 0.0}}
    result = run(data)
    assert list(result.candidate.machine.yearly.index) == [2030, 2031, 2032]
    assert result.candidate.machine.lifetime_use_kg_co2e == pytest.approx(2337.5 * 0.9)


def test_payback_years():
    assert payback_years(-5.0, np.array([1.0, 1.0])) == 0.0
    assert payback_years(1.5, np.array([1.0, 1.0, 1.0])) == pytest.approx(1.5)
    assert payback_years(2.5, np.array([2.0, 1.0])) == pytest.approx(1.5)  # 2 in year 1, 0.5 of year 2
    assert payback_years(5.0, np.array([1.0, 1.0])) is None


def test_cells_per_day_sets_the_throughput():
    data = small_config()
    data["operation"] = {**data["operation"], "channel_utilisation": None, "cells_per_day": 24.0}
    result = run(data)
    # 24 cells per 24 operating hours x 1000 h = 1000 cells -> 100 cycles of 5 h = utilisation 0.5
    assert result.candidate.year.cells_per_year == pytest.approx(1000)
    assert result.candidate.year.channel_utilisation == pytest.approx(0.5)


def test_cumulative_emissions_start_with_the_embodied_footprint():
    result = run(small_config())
    cumulative = result.candidate.machine.cumulative_kg_co2e()
    assert cumulative[0] == pytest.approx(1100.0)
    assert cumulative[-1] == pytest.approx(1100.0 + 3 * 2337.5 * 0.5)
    assert len(cumulative) == 4 and math.isfinite(cumulative.sum())
