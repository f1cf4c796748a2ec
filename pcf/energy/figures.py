"""Derived figures of a comparison as plain tables: per cell, per kWh of cell capacity, per GWh of annual line output,
and the candidate against every baseline side by side. Pure (numbers, no formatting); render and workbook show them.

cell energy (kWh) = capacity_Ah x nominal_voltage_V / 1000; output of a machine (kWh of cells per year) = cells per
year x cell energy; line output (GWh/year) = machines x machine output / 10^6.
per cell = machine annual kWh / cells per year; per kWh of cell = per cell / cell energy;
per GWh = line annual kWh / 1000 / line output GWh (MWh per GWh); emissions in the first year of use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # types only: this module must not import the comparison module at run time
    from .compare import BaselineComparison, DesignOutcome, EnergyComparison


def cell_kWh(c: EnergyComparison) -> float:
    """Nominal energy of one cell, kWh."""
    return c.config.cell.capacity_Ah * c.config.cell.nominal_voltage_V / 1000.0


def line_output_GWh(c: EnergyComparison) -> float:
    """kWh of cell capacity the line forms per year, in GWh (equal for every design)."""
    return c.config.line.machines * c.baseline.year.cells_per_year * cell_kWh(c) / 1e6


def unit_values(c: EnergyComparison, outcome: DesignOutcome) -> dict[str, float]:
    """Per machine, per line, per cell, per kWh of cell and per GWh of line output for one design (first year)."""
    cells = outcome.year.cells_per_year
    machine_kg = float(outcome.machine.yearly["kg_co2e"].iloc[0])
    line_kg = float(outcome.line.yearly["kg_co2e"].iloc[0])
    gwh = line_output_GWh(c)
    per_cell = outcome.machine.annual_kWh / cells
    return {
        "machine_MWh_per_year": outcome.machine.annual_kWh / 1000.0,
        "line_MWh_per_year": outcome.line.annual_kWh / 1000.0,
        "kWh_per_cell": per_cell,
        "kWh_per_kWh_cell": per_cell / cell_kWh(c),
        "kg_co2e_per_cell": machine_kg / cells,
        "kg_co2e_per_kWh_cell": machine_kg / (cells * cell_kWh(c)),
        "line_MWh_per_GWh": outcome.line.annual_kWh / 1000.0 / gwh,
        "line_t_co2e_per_GWh": line_kg / 1000.0 / gwh,
        "machine_t_co2e_first_year": machine_kg / 1000.0,
        "line_t_co2e_first_year": line_kg / 1000.0,
    }


UNIT_ROWS = (
    ("machine_MWh_per_year", "electricity per machine, first year (MWh)"),
    ("line_MWh_per_year", "electricity per line, first year (MWh)"),
    ("kWh_per_cell", "electricity per cell (kWh)"),
    ("kWh_per_kWh_cell", "electricity per kWh of cell capacity (kWh/kWh)"),
    ("line_MWh_per_GWh", "line electricity per GWh of annual line output (MWh/GWh)"),
    ("machine_t_co2e_first_year", "emissions per machine, first year (t CO2e)"),
    ("line_t_co2e_first_year", "emissions per line, first year (t CO2e)"),
    ("kg_co2e_per_cell", "emissions per cell, first year (kg CO2e)"),
    ("kg_co2e_per_kWh_cell", "emissions per kWh of cell capacity, first year (kg CO2e/kWh)"),
    ("line_t_co2e_per_GWh", "line emissions per GWh of annual line output, first year (t CO2e/GWh)"),
)


def unit_table(c: EnergyComparison) -> pd.DataFrame:
    """Rows UNIT_ROWS (quantity with unit); one column per design (candidate, then each baseline), then the
    candidate's saving against each baseline ("saving vs KEY")."""
    baselines = c.baselines()
    columns = {"candidate": unit_values(c, c.candidate)}
    columns.update({key: unit_values(c, b.baseline) for key, b in baselines.items()})
    frame = pd.DataFrame(columns)
    for key in baselines:
        frame[f"saving vs {key}"] = frame[key] - frame["candidate"]
    frame.index = [dict(UNIT_ROWS)[k] for k in frame.index]
    frame.index.name = "quantity"
    return frame.reindex([label for _k, label in UNIT_ROWS])


def baseline_row(c: EnergyComparison, key: str, b: BaselineComparison) -> dict:
    """What the candidate saves against one baseline, per machine, per line and per unit of output."""
    m, line = b.machine_savings, b.line_savings
    cells = c.baseline.year.cells_per_year
    first_machine_kg = float(b.baseline.machine.yearly["kg_co2e"].iloc[0]
                             - c.candidate.machine.yearly["kg_co2e"].iloc[0])
    first_line_kg = float(b.baseline.line.yearly["kg_co2e"].iloc[0] - c.candidate.line.yearly["kg_co2e"].iloc[0])
    return {
        "key": key, "baseline": b.baseline.design.name, "architecture": b.baseline.design.architecture or "",
        "why": b.baseline.design.why or "", "basis": b.baseline.basis,
        "machine_saved_MWh_first_year": m.annual_kWh / 1000.0, "machine_saved_share": m.annual_share,
        "machine_saved_t_co2e_lifetime": m.lifetime_use_kg_co2e / 1000.0,
        "machine_net_t_co2e_lifetime": m.net_lifetime_kg_co2e / 1000.0,
        "line_saved_MWh_first_year": line.annual_kWh / 1000.0, "line_saved_share": line.annual_share,
        "line_saved_t_co2e_lifetime": line.lifetime_use_kg_co2e / 1000.0,
        "line_net_t_co2e_lifetime": line.net_lifetime_kg_co2e / 1000.0,
        "saved_kWh_per_cell": m.annual_kWh / cells,
        "saved_kg_co2e_per_kWh_cell_first_year": first_machine_kg / (cells * cell_kWh(c)),
        "saved_t_co2e_per_GWh_first_year": first_line_kg / 1000.0 / line_output_GWh(c),
        "carbon_payback_years": m.carbon_payback_years,
        "machine_npv": m.npv, "line_npv": line.npv,
    }


def baselines_table(c: EnergyComparison) -> pd.DataFrame:
    """One row per baseline (the main one first): the candidate's savings against it."""
    return pd.DataFrame([baseline_row(c, key, b) for key, b in c.baselines().items()]).set_index("key")


def saving_by_use(c: EnergyComparison) -> pd.DataFrame:
    """Where the saving comes from: per use (BREAKDOWN), the machine-year kWh of each baseline minus the candidate's,
    one column per baseline, and its share of that baseline's total saving ("share vs KEY"). Sums to the machine's
    annual saving. A measured baseline shows its meter reading as one use ("metered machine electricity")."""
    from .balance import BREAKDOWN

    candidate = c.candidate.year.breakdown_kWh.reindex(list(BREAKDOWN)).fillna(0.0)
    frame = pd.DataFrame(index=pd.Index(list(BREAKDOWN), name="use"))
    for key, b in c.baselines().items():
        saved = b.baseline.year.breakdown_kWh.reindex(list(BREAKDOWN)).fillna(0.0) - candidate
        frame[key] = saved
        total = float(saved.sum())
        frame[f"share vs {key}"] = saved / total if total else 0.0
    return frame
