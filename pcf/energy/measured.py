"""One machine-year from a measurement at the machine's meter instead of the model (see models.Measurement).

metered (kWh/year) = kWh per cell x cells per year (meter over production periods; tray and machine-year figures
are first divided by their cells), or nameplate kW x load factor x operating hours, or the power log's kWh per cell
x cells per year + (standby + powered loads) x idle hours (modelled: the log covers cycling only).
HVAC (modelled) = (metered - cells x net energy stored per cell) x heat_removed_share / COP, unless the
measurement includes the HVAC. Every breakdown entry is labelled "measured" or "modelled".
"""

from __future__ import annotations

import pandas as pd

from .balance import BREAKDOWN, MachineYear, StepBalance, hvac_kWh
from .errors import EnergyError
from .models import Design, Measurement, Operation, Site


def metered_kWh_per_cell(m: Measurement) -> float | None:
    """kWh per cell at the machine meter for the per-cell forms and the power log; None for nameplate power."""
    if m.kWh_per_cell is not None:
        return m.kWh_per_cell
    if m.kWh_per_tray is not None:
        return m.kWh_per_tray / m.cells_per_tray
    if m.kWh_per_machine_year is not None:
        return m.kWh_per_machine_year / m.cells_per_machine_year
    if m.power_log is not None:
        if m.log_step_kWh is None:
            raise EnergyError(f"power log '{m.power_log}' was not read", column="measured.power_log",
                              expected="a configuration read with pcf.energy.read_config")
        return sum(m.log_step_kWh) / m.cells_in_log
    return None


def measured_year(steps: list[StepBalance], design: Design, operation: Operation, site: Site,
                  modelled: MachineYear) -> MachineYear:
    """The machine-year of `design` with the electricity taken from its measurement (throughput as modelled)."""
    m = design.measured
    cells = modelled.cells_per_year
    idle_kWh = 0.0
    per_cell = metered_kWh_per_cell(m)
    if per_cell is not None:
        metered = per_cell * cells
    else:
        metered = m.nameplate_kW * m.load_factor * operation.operating_hours_per_year
    powered_kW = sum(a.power_kW for a in design.auxiliary_loads if a.when == "powered")
    standby = powered = 0.0
    if m.power_log is not None:  # the log covers one cycle: idle hours are modelled
        standby = design.standby_power_kW * modelled.idle_hours
        powered = powered_kW * modelled.idle_hours
        idle_kWh = standby + powered
    stored = cells * sum(s.cell_in_kWh - s.cell_out_kWh for s in steps)
    heat = metered + idle_kWh - stored
    if heat < -1e-9 * max(metered, 1.0):
        raise EnergyError(f"design '{design.name}': the measured {metered:,.0f} kWh/year is less than the "
                          f"{stored:,.0f} kWh/year the protocol stores in the cells", column="measured",
                          expected="a measurement of the whole machine at its meter")
    hvac = 0.0 if m.includes_hvac else hvac_kWh(max(heat, 0.0), site)
    values = dict.fromkeys(BREAKDOWN, 0.0)
    values.update({"metered machine electricity": metered, "standby": standby, "powered auxiliaries": powered,
                   "HVAC": hvac})
    basis = dict.fromkeys(BREAKDOWN, "modelled")
    basis["metered machine electricity"] = f"measured ({m.form}: {m.source})" + (
        "; includes HVAC" if m.includes_hvac else "")
    breakdown = pd.Series(values, name="kWh")
    return MachineYear(
        protocol_h=modelled.protocol_h, cycles_per_year=modelled.cycles_per_year, cells_per_year=cells,
        channel_utilisation=modelled.channel_utilisation, cycling_hours=modelled.cycling_hours,
        idle_hours=modelled.idle_hours, per_cell_kWh=float(breakdown.sum()) / cells if cells else 0.0,
        breakdown_kWh=breakdown, basis=basis)
