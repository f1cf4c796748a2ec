"""Write the SYNTHETIC example power log `power_log_fg256c_synthetic.csv` (not a measurement).

    PYTHONPATH=. python bill_of_materials/energy/make_synthetic_power_log.py

It stands for a cell maker's log of one FG-256C (legacy, resistive) machine running one protocol cycle with 256
cells: one row per minute, power at the machine's meter in kW. The curve is made from the comparator's own step
model with "true" values that differ from the design file (charge-path efficiency 0.74 instead of 0.78, machine
loads 12.4 kW instead of 11.3 kW) plus 1.5 % Gaussian noise (seed 2026), so that the calibration has something to
find. Constant power within each step (no CC-CV taper): a real log would be shaped differently.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from pcf.energy.balance import protocol_balance
from pcf.energy.calibrate import machine_load_kW
from pcf.energy.readers import _raw, validate_config

HERE = Path(__file__).resolve().parent
OUT = HERE / "power_log_fg256c_synthetic.csv"
TRUE_CHARGE_EFFICIENCY = 0.74
TRUE_MACHINE_LOAD_KW = 12.4
NOISE = 0.015
CELLS = 256


def main() -> Path:
    data = _raw(HERE / "compare_one_machine.yaml")
    data["grid"] = {**data["grid"], "dataset": None, "first_year_kg_co2e_per_kWh": 0.5777}
    config = validate_config(data)
    design = config.other_baselines["legacy"]
    assert abs(machine_load_kW(design) - 11.3) < 1e-9
    design = design.model_copy(update={"charge_path_efficiency": TRUE_CHARGE_EFFICIENCY})
    steps = protocol_balance(config.protocol_of(design), config.cell, design, config.site)
    bounds = np.concatenate(([0.0], np.cumsum([s.duration_h for s in steps])))
    # machine power in each step: cells x grid energy drawn per cell / step hours + machine loads (kW)
    power = [CELLS * s.grid_drawn_kWh / s.duration_h + TRUE_MACHINE_LOAD_KW for s in steps]
    minutes = int(np.ceil(bounds[-1] * 60)) + 1
    hours = np.arange(minutes + 1) / 60.0
    index = np.clip(np.searchsorted(bounds, hours, side="right") - 1, 0, len(steps) - 1)
    rng = np.random.default_rng(2026)
    kw = np.array(power)[index] * (1.0 + NOISE * rng.standard_normal(len(hours)))
    start = datetime(2026, 3, 2, 6, 0, 0)
    lines = [
        "# SYNTHETIC, ILLUSTRATIVE DATA - NOT A MEASUREMENT.",
        "# Made by bill_of_materials/energy/make_synthetic_power_log.py from the comparator's step model of the",
        f"# FG-256C (legacy, resistive) with charge-path efficiency {TRUE_CHARGE_EFFICIENCY} and machine loads "
        f"{TRUE_MACHINE_LOAD_KW} kW,",
        f"# one protocol cycle of {CELLS} cells, one row per minute, {NOISE:.1%} Gaussian noise (seed 2026).",
        "# Replace it with a real log of the machine's meter: timestamp (ISO 8601), power in kW.",
        "timestamp,kW",
    ]
    lines += [f"{(start + timedelta(minutes=i)).isoformat()},{v:.3f}" for i, v in enumerate(kw)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return OUT


if __name__ == "__main__":
    print(main())
