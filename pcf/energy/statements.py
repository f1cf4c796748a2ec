"""The sentences every output of a comparison starts with: which baseline and why, and the shared conditions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .figures import line_output_GWh

if TYPE_CHECKING:
    from .compare import EnergyComparison


def baseline_statement(c: EnergyComparison) -> str:
    """Which baseline the candidate is compared against, and why (the comparison's first sentence)."""
    b = c.baseline.design
    text = (f"Candidate {c.candidate.design.name} against the baseline {b.name} ({b.architecture_text}). "
            f"Why this baseline: {b.why}")
    if c.others:
        text += " Also shown beside it: " + "; ".join(
            f"{key}: {o.baseline.design.name} ({o.baseline.design.architecture_text})" for key, o in c.others.items())
        text += "."
    return text


def conditions(c: EnergyComparison) -> str:
    """The conditions every design shares: output (cells, GWh), protocol, hours, life, room and grid."""
    cfg = c.config
    protocols = {key: c.design(key).year.protocol_h for key in ("candidate", *c.baselines())}
    same = len({round(h, 9) for h in protocols.values()}) == 1
    protocol = (f"{len(cfg.protocol)} protocol steps, {c.baseline.year.protocol_h:.2f} h per cycle" if same else
                "own protocols (" + ", ".join(f"{k} {h:.2f} h" for k, h in protocols.items()) + ")")
    change = f" ({cfg.grid.annual_change_percent:+g} %/year)" if cfg.grid.annual_change_percent else ""
    first_factor = c.baseline.machine.yearly["kg_co2e_per_kWh"].iloc[0]
    return (f"Same output for every design: cell {cfg.cell.name}, {c.baseline.year.cells_per_year:,.0f} cells per "
            f"machine per year ({line_output_GWh(c):,.3f} GWh/year for the line); {protocol}; "
            f"{cfg.operation.operating_hours_per_year:g} operating hours per year; service life "
            f"{cfg.operation.service_life_years} years from {cfg.operation.first_year}; "
            f"HVAC COP {cfg.site.hvac_cop:g}; grid {cfg.grid.name} ({cfg.grid.basis}-based), "
            f"{first_factor:.4f} kg CO2e/kWh in the first year{change}.")
