"""The physics: the energy balance of every protocol step for one cell, and of one machine over one year.

Pure functions of validated models; all energies in kWh, powers in kW, times in h. Equations: docs/energy.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import EnergyError
from .models import Cell, Design, Operation, Site, Step

BREAKDOWN = ("charging", "recovered", "cycling auxiliaries", "powered auxiliaries", "standby", "HVAC",
             "metered machine electricity")


@dataclass(frozen=True)
class StepBalance:
    """Energy balance of one protocol step for one cell, in kWh.

    Conservation over the step (closes by construction, checked in tests):
    grid_drawn + cell_out = cell_in + conversion_loss + dissipated + recovered.
    Net grid energy: net = grid_drawn - recovered + auxiliary + hvac.
    """

    name: str
    stage: str
    kind: str
    duration_h: float
    charge_Ah: float
    mean_voltage_V: float
    cell_in_kWh: float  # energy into the cell at its terminals (charge steps)
    cell_out_kWh: float  # energy out of the cell at its terminals (discharge steps)
    grid_drawn_kWh: float  # drawn from the grid by the channel's power path
    conversion_loss_kWh: float  # heat in converters and linear stages
    dissipated_kWh: float  # burnt in load resistors or the DC-bus brake resistor
    recovered_kWh: float  # returned to the DC bus / grid, displacing grid electricity
    auxiliary_kWh: float  # cycling auxiliary loads allocated to this cell
    hvac_kWh: float  # HVAC electricity removing the heat released in this step

    @property
    def heat_kWh(self) -> float:
        """Heat released into the room by the machine during the step."""
        return self.conversion_loss_kWh + self.dissipated_kWh + self.auxiliary_kWh

    @property
    def net_kWh(self) -> float:
        """Net grid electricity of the step: drawn - recovered + auxiliaries + HVAC."""
        return self.grid_drawn_kWh - self.recovered_kWh + self.auxiliary_kWh + self.hvac_kWh

    @property
    def residual_kWh(self) -> float:
        """In minus out over the step boundary (grid + cell -> cell + heat + recovered); zero when it closes."""
        return (self.grid_drawn_kWh + self.cell_out_kWh) - (
            self.cell_in_kWh + self.conversion_loss_kWh + self.dissipated_kWh + self.recovered_kWh)


def hvac_kWh(heat_kWh: float, site: Site) -> float:
    """HVAC electricity to remove heat released into the room: heat x heat_removed_share / COP."""
    return heat_kWh * site.heat_removed_share / site.hvac_cop


def step_balance(step: Step, cell: Cell, design: Design, site: Site) -> StepBalance:
    """The energy balance of one step for one cell of `design` (see StepBalance)."""
    charge_Ah, duration_h, voltage = step.resolve(cell)
    cell_kWh = charge_Ah * voltage / 1000.0  # E_cell = Ah x mean voltage
    cell_in = cell_out = drawn = loss = dissipated = recovered = 0.0
    if step.kind == "charge":
        cell_in = cell_kWh
        drawn = cell_kWh / design.charge_path_efficiency  # E_grid = E_cell / eta_charge
        loss = drawn - cell_kWh
    elif step.kind == "discharge":
        cell_out = cell_kWh
        route = design.discharge
        if route.route == "resistive":
            dissipated = cell_kWh
        else:
            on_bus = cell_kWh * route.path_efficiency
            loss = cell_kWh - on_bus
            recovered = on_bus * route.reuse_share  # = E_cell x eta_recovery
            dissipated = on_bus - recovered  # the DC-bus brake resistor
    cycling_kW = sum(load.power_kW for load in design.auxiliary_loads if load.when == "cycling")
    auxiliary = cycling_kW * duration_h / design.channels  # machine loads shared by the cells in the machine
    heat = loss + dissipated + auxiliary
    return StepBalance(
        name=step.name, stage=step.stage, kind=step.kind, duration_h=duration_h, charge_Ah=charge_Ah,
        mean_voltage_V=voltage, cell_in_kWh=cell_in, cell_out_kWh=cell_out, grid_drawn_kWh=drawn,
        conversion_loss_kWh=loss, dissipated_kWh=dissipated, recovered_kWh=recovered, auxiliary_kWh=auxiliary,
        hvac_kWh=hvac_kWh(heat, site),
    )


def protocol_balance(protocol: tuple[Step, ...], cell: Cell, design: Design, site: Site) -> list[StepBalance]:
    """The balance of every step of the protocol, for one cell."""
    return [step_balance(step, cell, design, site) for step in protocol]


def balance_frame(steps: list[StepBalance]) -> pd.DataFrame:
    """One row per step (kWh per cell) with the derived heat, net and residual columns."""
    rows = []
    for s in steps:
        row = {k: getattr(s, k) for k in StepBalance.__dataclass_fields__}
        row.update(heat_kWh=s.heat_kWh, net_kWh=s.net_kWh, residual_kWh=s.residual_kWh)
        rows.append(row)
    return pd.DataFrame(rows).set_index("name")


@dataclass(frozen=True)
class MachineYear:
    """One machine over one year of operation."""

    protocol_h: float  # duration of one formation + grading cycle of a tray of cells
    cycles_per_year: float  # protocol cycles per channel per year
    cells_per_year: float
    channel_utilisation: float
    cycling_hours: float
    idle_hours: float  # powered but not cycling: standby
    per_cell_kWh: float  # net grid electricity per cell, cycling only (steps incl. auxiliaries and HVAC)
    breakdown_kWh: pd.Series  # index BREAKDOWN; sums to annual_kWh
    basis: dict[str, str] | None = None  # per BREAKDOWN entry: "modelled" or "measured" (None: all modelled)

    @property
    def annual_kWh(self) -> float:
        return float(self.breakdown_kWh.sum())

    def basis_of(self, use: str) -> str:
        return (self.basis or {}).get(use, "modelled")

    @property
    def measured(self) -> bool:
        return any(v.startswith("measured") for v in (self.basis or {}).values())


def throughput(protocol_h: float, channels: int, operation: Operation,
               cells_per_year: float | None = None) -> tuple[float, float]:
    """(cycles per channel per year, channel utilisation).

    From `cells_per_year` when given (equal output: the baseline's cells), else from the utilisation or the cells
    per day. An EnergyError when the output needs more cycling hours than the operating hours.
    """
    hours = operation.operating_hours_per_year
    if cells_per_year is None and operation.channel_utilisation is not None:
        utilisation = operation.channel_utilisation
        return hours * utilisation / protocol_h, utilisation
    column = "operation.cells_per_day"
    if cells_per_year is None:
        cells_per_year = operation.cells_per_day * hours / 24.0
    elif operation.channel_utilisation is not None:
        column = "operation.channel_utilisation"
    cycles = cells_per_year / channels
    utilisation = cycles * protocol_h / hours
    if utilisation > 1.0 + 1e-9:
        raise EnergyError(
            f"{cells_per_year * 24.0 / hours:,.1f} cells per day need {cycles * protocol_h:,.0f} cycling hours per "
            f"year on {channels} channels with a {protocol_h:.2f} h protocol, more than the {hours:g} operating "
            "hours", column=column, expected=f"at most {24.0 * channels / protocol_h:,.1f} cells per day")
    return cycles, utilisation


def machine_year(steps: list[StepBalance], design: Design, operation: Operation, site: Site,
                 cells_per_year: float | None = None) -> MachineYear:
    """Annual grid electricity of one machine, by use (see BREAKDOWN), in kWh (modelled)."""
    protocol_h = sum(s.duration_h for s in steps)
    cycles, utilisation = throughput(protocol_h, design.channels, operation, cells_per_year)
    cells = cycles * design.channels
    hours = operation.operating_hours_per_year
    cycling_hours = cycles * protocol_h
    idle_hours = max(hours - cycling_hours, 0.0)
    powered = sum(load.power_kW for load in design.auxiliary_loads if load.when == "powered") * hours
    standby = design.standby_power_kW * idle_hours
    breakdown = pd.Series({
        "charging": cells * sum(s.grid_drawn_kWh for s in steps),
        "recovered": -cells * sum(s.recovered_kWh for s in steps),
        "cycling auxiliaries": cells * sum(s.auxiliary_kWh for s in steps),
        "powered auxiliaries": powered,
        "standby": standby,
        "HVAC": cells * sum(s.hvac_kWh for s in steps) + hvac_kWh(powered + standby, site),
        "metered machine electricity": 0.0,
    }, name="kWh")
    return MachineYear(
        protocol_h=protocol_h, cycles_per_year=cycles, cells_per_year=cells, channel_utilisation=utilisation,
        cycling_hours=cycling_hours, idle_hours=idle_hours, per_cell_kWh=sum(s.net_kWh for s in steps),
        breakdown_kWh=breakdown,
    )
