"""Measured inputs: power logs read, checked and integrated; metered forms; calibration — every value by hand.

The small hand case of test_energy_balance: 100 Ah / 3.0 V cell, 10 channels, charge 2 h (0.32 kWh in), rest 1 h,
discharge 2 h (0.30 kWh out), 1000 cells a year, 1000 operating hours, 500 idle hours, standby 0.4 kW, controls
0.1 kW (powered), fans 2 kW (cycling), HVAC COP 2 with all heat removed.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pcf.energy import ComparisonConfig, EnergyError, calibrate, compare, read_config, read_power_log
from pcf.energy.balance import protocol_balance
from pcf.energy.power_log import integrate_kWh, step_energies_kWh
from test_energy_balance import EMBODIED, small_config

HEADER = "# a hand-made log\ntimestamp,{unit}\n"


def write_log(tmp_path, rows: list[tuple[float, float]], unit: str = "kW", name: str = "log.csv"):
    """rows: (hours after 06:00, power) -> a CSV with ISO timestamps."""
    lines = [f"2026-03-02T{6 + int(h):02d}:{int(round(h % 1 * 60)):02d}:00,{p}" for h, p in rows]
    path = tmp_path / name
    path.write_text(HEADER.format(unit=unit) + "\n".join(lines) + "\n")
    return path


HALF_HOURS = [(i * 0.5, p) for i, p in enumerate([5, 5, 5, 5, 3, 3, 3, 3, 3, 3, 3])]  # 0 .. 5 h


def test_trapezoid_integration_by_hand(tmp_path):
    log = read_power_log(write_log(tmp_path, [(0, 10), (0.5, 20), (1.0, 10)]), max_gap_minutes=30)
    assert log.span_h == pytest.approx(1.0)
    # 0.5 h x (10 + 20) / 2 + 0.5 h x (20 + 10) / 2 = 15 kWh
    assert log.total_kWh == pytest.approx(15.0)
    # window 0.25-0.75 h: interpolated 15 kW at both ends, 20 kW in the middle: 2 x 0.25 x 17.5 = 8.75 kWh
    assert integrate_kWh(log, 0.25, 0.75) == pytest.approx(8.75)


def test_power_in_watts_is_converted_to_kW(tmp_path):
    log = read_power_log(write_log(tmp_path, [(0, 10000), (0.5, 20000), (1.0, 10000)], unit="W"),
                         max_gap_minutes=30)
    assert log.total_kWh == pytest.approx(15.0)


def test_step_energies_by_hand(tmp_path):
    log = read_power_log(write_log(tmp_path, HALF_HOURS), max_gap_minutes=30)
    # charge 0-2 h: 0.5 x (5 + 5 + 5 + (5 + 3) / 2) = 9.5; rest 2-3 h: 0.5 x (3 + 3) = 3; discharge 3-5 h: 0.5 x 12 = 6
    assert step_energies_kWh(log, [2.0, 1.0, 2.0]) == pytest.approx([9.5, 3.0, 6.0])
    with pytest.raises(EnergyError, match="covers 5.000 h, the protocol takes 6.000 h"):
        step_energies_kWh(log, [2.0, 2.0, 2.0])


@pytest.mark.parametrize("rows,unit,message,row,column", [
    ([(0, 1), (1.0 / 60, 1), (1.0 / 60, 1)], "kW", "duplicate timestamp", 5, "timestamp"),
    ([(0, 1), (2.0 / 60, 1), (1.0 / 60, 1)], "kW", "earlier than the row before", 5, "timestamp"),
    ([(0, 1), (1.0 / 60, 1), (0.5, 1)], "kW", "gap of 29.0 minutes", 5, "timestamp"),
    ([(0, 1), (1.0 / 60, -2)], "kW", "negative power", 4, "kW"),
    ([(0, 1), (1.0 / 60, 1)], "kVA", "unknown power unit 'kVA'", 2, "kVA"),
    ([(0, 1), (1.0 / 60, "n/a")], "kW", "not a number: 'n/a'", 4, "kW"),
    ([(0, 1), (1.0 / 60, "nan")], "kW", "not a finite number", 4, "kW"),
])
def test_bad_power_logs_name_the_file_row_and_column(tmp_path, rows, unit, message, row, column):
    path = write_log(tmp_path, rows, unit=unit)
    with pytest.raises(EnergyError, match=message) as info:
        read_power_log(path)
    text = info.value.describe()
    assert str(path) in text and f"row {row}" in text and f"column '{column}'" in text


def test_mixed_time_zones_and_short_logs_are_rejected(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("timestamp,kW\n2026-03-02T06:00:00,1\n2026-03-02T06:01:00+00:00,1\n")
    with pytest.raises(EnergyError, match="with and without a UTC offset are mixed"):
        read_power_log(path)
    path.write_text("timestamp,kW\n2026-03-02T06:00:00,1\n")
    with pytest.raises(EnergyError, match="at least two rows"):
        read_power_log(path)
    path.write_text("time,kW,extra\n")
    with pytest.raises(EnergyError, match="row 1"):
        read_power_log(path)


def measured_config(measured: dict) -> ComparisonConfig:
    data = small_config()
    data["baseline"] = {**data["baseline"], "measured": {"source": "hand case", **measured}}
    return ComparisonConfig.model_validate(data)


# Every per-cell form below means 2.5 kWh per cell at the meter over production periods: 2500 kWh a year for 1000
# cells. HVAC: (2500 - 1000 cells x (0.32 - 0.30) kWh stored per cell) x 1.0 / COP 2 = 1240 -> 3740 kWh a year.
@pytest.mark.parametrize("measured", [
    {"kWh_per_cell": 2.5},
    {"kWh_per_tray": 25.0, "cells_per_tray": 10},
    {"kWh_per_machine_year": 5000.0, "cells_per_machine_year": 2000},
    {"nameplate_kW": 5.0, "load_factor": 0.5},  # 5 kW x 0.5 x 1000 h = 2500
])
def test_metered_forms_by_hand(measured):
    result = compare(measured_config(measured), EMBODIED)
    year = result.baseline.year
    assert year.breakdown_kWh["metered machine electricity"] == pytest.approx(2500.0)
    assert year.breakdown_kWh["HVAC"] == pytest.approx(1240.0)
    assert result.baseline.machine.annual_kWh == pytest.approx(3740.0)
    assert year.basis_of("metered machine electricity").startswith("measured")
    assert year.basis_of("HVAC") == "modelled"
    assert result.baseline.basis.startswith("measured")
    assert result.candidate.basis == "modelled"
    # the candidate is unchanged (2337.5 kWh, test_energy_balance)
    assert result.machine_savings.annual_kWh == pytest.approx(3740.0 - 2337.5)


def test_a_measurement_that_includes_the_hvac_gets_no_hvac_term():
    result = compare(measured_config({"kWh_per_cell": 2.5, "includes_hvac": True}), EMBODIED)
    assert result.baseline.machine.annual_kWh == pytest.approx(2500.0)


def test_a_measurement_below_the_energy_stored_in_the_cells_is_rejected():
    with pytest.raises(EnergyError, match="less than the 20 kWh/year the protocol stores"):
        compare(measured_config({"kWh_per_cell": 0.01}), EMBODIED)


def test_measurement_forms_are_validated():
    with pytest.raises(ValueError, match="exactly one of"):
        measured_config({"kWh_per_cell": 2.5, "nameplate_kW": 5, "load_factor": 0.5})
    with pytest.raises(ValueError, match="nameplate_kW and load_factor go together"):
        measured_config({"nameplate_kW": 5})
    with pytest.raises(ValueError, match="calibration fits the model to the steps of a power log"):
        measured_config({"kWh_per_cell": 2.5, "use": "calibrate"})


def _config_file(tmp_path, measured: dict) -> str:
    (tmp_path / "unused.yaml").write_text("x: 1\n")
    data = small_config()
    data["baseline"] = {**data["baseline"], "measured": {"source": "hand log", **measured}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_power_log_measured_end_to_end_by_hand(tmp_path):
    write_log(tmp_path, HALF_HOURS)
    config = read_config(_config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10, "max_gap_minutes": 30}))
    assert config.baseline.measured.log_step_kWh == pytest.approx((9.5, 3.0, 6.0))
    result = compare(config, EMBODIED)
    year = result.baseline.year
    # 18.5 kWh / 10 cells = 1.85 kWh per cell x 1000 cells = 1850; idle 500 h x (0.4 standby + 0.1 controls) = 250;
    # HVAC (1850 + 250 - 20 stored) / 2 = 1040; total 3140
    assert year.breakdown_kWh["metered machine electricity"] == pytest.approx(1850.0)
    assert year.breakdown_kWh["standby"] + year.breakdown_kWh["powered auxiliaries"] == pytest.approx(250.0)
    assert year.breakdown_kWh["HVAC"] == pytest.approx(1040.0)
    assert result.baseline.machine.annual_kWh == pytest.approx(3140.0)
    assert result.baseline.calibration is not None  # the calibration is reported beside the measured figure


def test_a_changed_protocol_of_a_measured_design_is_refused_not_computed_with_the_stale_log(tmp_path):
    from pcf.energy.sensitivity import varied

    write_log(tmp_path, HALF_HOURS)
    config = read_config(_config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10, "max_gap_minutes": 30}))
    assert config.baseline.measured.log_step_h == pytest.approx((2.0, 1.0, 2.0))
    shorter_rest, embodied = varied(config, EMBODIED, "protocol.1.duration_h", 0.5)  # the log has a 1 h rest
    with pytest.raises(EnergyError, match=r"integrated over steps of 2, 1, 2 h, .* now has 2, 0.5, 2 h"):
        compare(shorter_rest, embodied)


def test_a_power_log_fit_is_made_once_across_comparisons_that_leave_the_design_unchanged(tmp_path):
    from pcf.energy.sensitivity import varied

    write_log(tmp_path, HALF_HOURS)
    config = read_config(_config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10, "max_gap_minutes": 30,
                                                        "use": "calibrate"}))
    fits = {}
    first = compare(config, EMBODIED, calibrations=fits)
    assert len(fits) == 1
    warmer, embodied = varied(config, EMBODIED, "site.hvac_cop", 3.0)  # the room changes, the fit does not
    again = compare(warmer, embodied, calibrations=fits)
    assert len(fits) == 1 and again.baseline.calibration is first.baseline.calibration
    fresh = compare(warmer, embodied)
    assert again.line_savings == fresh.line_savings
    assert again.baseline.calibration.parameters.equals(fresh.baseline.calibration.parameters)
    other, embodied = varied(config, EMBODIED, "baseline.charge_path_efficiency", 0.7)  # another prior: fitted again
    compare(other, embodied, calibrations=fits)
    assert len(fits) == 2


def test_power_log_errors_carry_the_log_file(tmp_path):
    write_log(tmp_path, HALF_HOURS[:6])  # 2.5 h of a 5 h protocol
    with pytest.raises(EnergyError, match="covers 2.500 h, the protocol takes 5.000 h") as info:
        read_config(_config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10, "max_gap_minutes": 30}))
    assert "log.csv" in info.value.describe()


def test_calibration_recovers_known_parameters_exactly():
    cfg = ComparisonConfig.model_validate(small_config())
    steps = protocol_balance(cfg.protocol, cfg.cell, cfg.baseline, cfg.site)
    # resistive, "true" charge path 0.64 and machine load 3 kW, 10 cells:
    # charge 10 x 0.32 / 0.64 + 3 x 2 = 11; rest 3 x 1 = 3; discharge 3 x 2 = 6 kWh
    fit = calibrate(cfg.baseline, steps, np.array([11.0, 3.0, 6.0]), cells=10)
    assert fit.parameters.loc["charge_path_efficiency", "fitted"] == pytest.approx(0.64, rel=1e-6)
    assert fit.parameters.loc["machine_load_kW", "fitted"] == pytest.approx(3.0, rel=1e-6)
    assert fit.rms_kWh == pytest.approx(0.0, abs=1e-6)
    assert fit.design.charge_path_efficiency == pytest.approx(0.64, rel=1e-6)
    # every auxiliary load scaled by 3 / (2 + 0.1) kW
    assert [a.power_kW for a in fit.design.auxiliary_loads] == pytest.approx([2.0 * 3 / 2.1, 0.1 * 3 / 2.1])
    # feedback: "true" eta_d 0.8 (reuse 0.5 fixed), charge path 0.8, load 2.1 kW:
    # charge 10 x 0.32 / 0.8 + 2.1 x 2 = 8.2; rest 2.1; discharge 2.1 x 2 - 10 x 0.8 x 0.5 x 0.30 = 3.0
    steps = protocol_balance(cfg.protocol, cfg.cell, cfg.candidate, cfg.site)
    fit = calibrate(cfg.candidate, steps, np.array([8.2, 2.1, 3.0]), cells=10)
    assert fit.parameters.loc["discharge.path_efficiency", "fitted"] == pytest.approx(0.8, rel=1e-6)
    assert fit.parameters.loc["charge_path_efficiency", "fitted"] == pytest.approx(0.8, rel=1e-6)
    assert fit.relative_residual == pytest.approx(0.0, abs=1e-6)


def test_calibrate_mode_uses_the_fitted_model(tmp_path):
    write_log(tmp_path, HALF_HOURS)
    config = read_config(_config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10, "max_gap_minutes": 30,
                                                        "use": "calibrate"}))
    result = compare(config, EMBODIED)
    fitted = result.baseline.calibration.design
    assert result.baseline.design == fitted
    assert result.baseline.basis.startswith("modelled, calibrated to the power log log.csv")
    assert result.baseline.year.breakdown_kWh["metered machine electricity"] == 0.0
    # the fitted model reproduces the log's total within its residual
    assert result.baseline.calibration.steps["fitted_kWh"].sum() == pytest.approx(
        18.5 + result.baseline.calibration.total_residual_kWh)


def test_shipped_measured_example_computes_and_calibrates():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "bill_of_materials" / "energy"
    config = read_config(folder / "compare_measured_power_log.yaml")
    header = (folder / "power_log_fg256c_synthetic.csv").read_text().splitlines()[0]
    assert "SYNTHETIC" in header and "NOT A MEASUREMENT" in header
    embodied = {key: 1000.0 for key in config.designs()}
    result = compare(config, embodied)
    legacy, calibrated = result.design("legacy"), result.design("legacy_calibrated")
    assert legacy.basis.startswith("measured") and calibrated.basis.startswith("modelled, calibrated")
    # the synthetic log was made with charge path 0.74 and 12.4 kW of machine loads (+1.5 % noise)
    parameters = calibrated.calibration.parameters["fitted"]
    assert parameters["charge_path_efficiency"] == pytest.approx(0.74, abs=0.01)
    assert parameters["machine_load_kW"] == pytest.approx(12.4, abs=0.3)
    assert calibrated.calibration.relative_residual < 0.01
    # measured and calibrated agree on the machine-year within 1 %
    assert calibrated.machine.annual_kWh == pytest.approx(legacy.machine.annual_kWh, rel=0.01)


@settings(max_examples=30, deadline=None)
@given(power=st.lists(st.floats(min_value=0.0, max_value=500.0), min_size=2, max_size=40),
       cut=st.floats(min_value=0.0, max_value=1.0))
def test_integration_invariants(tmp_path_factory, power, cut):
    """Any valid minute log: energy between min and max power x span; windows add up to the whole."""
    path = write_log(tmp_path_factory.mktemp("log"), [(i / 60.0, p) for i, p in enumerate(power)])
    log = read_power_log(path)
    span = (len(power) - 1) / 60.0
    assert min(power) * span - 1e-9 <= log.total_kWh <= max(power) * span + 1e-9
    middle = cut * span
    assert integrate_kWh(log, 0.0, middle) + integrate_kWh(log, middle, span) == pytest.approx(log.total_kWh,
                                                                                               abs=1e-9)


def test_cli_prints_a_bad_power_log_as_one_line(tmp_path, capsys):
    from pcf.cli import main

    write_log(tmp_path, [(0, 5), (1.0 / 60, 5), (1.0 / 60, 5)])  # a duplicate timestamp in file row 5
    config = _config_file(tmp_path, {"power_log": "log.csv", "cells_in_log": 10})
    assert main(["energy", "compare", str(config), "--no-sensitivity"]) == 2
    err = capsys.readouterr().err
    assert "log.csv, row 5, column 'timestamp': duplicate timestamp" in err and "Traceback" not in err
