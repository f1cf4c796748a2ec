"""The JSON result document of a comparison: plain data, every figure labelled measured or modelled.

Imports the models and derived tables, never the comparison module at run time (compare.to_dict imports this).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .figures import baselines_table, cell_kWh, line_output_GWh, unit_table
from .lifetime import Savings, ScopeOutcome
from .plant import comparison_plant

if TYPE_CHECKING:
    from .compare import DesignOutcome, EnergyComparison

STEP_COLUMNS = ("stage", "kind", "duration_h", "charge_Ah", "mean_voltage_V", "cell_in_kWh", "cell_out_kWh",
                "grid_drawn_kWh", "conversion_loss_kWh", "dissipated_kWh", "recovered_kWh", "auxiliary_kWh",
                "hvac_kWh", "net_kWh", "residual_kWh")


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _scope(outcome: ScopeOutcome) -> dict:
    return {
        "machines": outcome.machines,
        "annual_kWh": outcome.annual_kWh,
        "lifetime_kWh": outcome.lifetime_kWh,
        "lifetime_use_t_co2e": outcome.lifetime_use_kg_co2e / 1000.0,
        "lifetime_cost": outcome.lifetime_cost,
        "embodied_t_co2e": outcome.embodied_kg_co2e / 1000.0,
        "life_cycle_t_co2e": outcome.life_cycle_kg_co2e / 1000.0,
        "yearly": [{"year": int(year), **{k: _clean(v) for k, v in row.items()}}
                   for year, row in outcome.yearly.iterrows()],
    }


def _savings(s: Savings) -> dict:
    return {
        "annual_kWh": s.annual_kWh, "annual_share": s.annual_share, "lifetime_kWh": s.lifetime_kWh,
        "lifetime_use_t_co2e": s.lifetime_use_kg_co2e / 1000.0, "lifetime_cost": s.lifetime_cost,
        "extra_embodied_t_co2e": s.extra_embodied_kg_co2e / 1000.0,
        "carbon_payback_years": s.carbon_payback_years,
        "net_lifetime_t_co2e": s.net_lifetime_kg_co2e / 1000.0,
        "extra_purchase_price": s.extra_purchase_price, "cost_payback_years": s.cost_payback_years,
        "discount_rate": s.discount_rate, "npv_cost_savings": s.npv,
    }


def _records(frame) -> list[dict]:
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.reset_index().to_dict("records")]


def _design(c: EnergyComparison, key: str, d: DesignOutcome) -> dict:
    steps = d.steps_frame
    calibration = None
    if d.calibration is not None:
        cal = d.calibration
        calibration = {"cells_in_log": cal.cells, "relative_residual": cal.relative_residual,
                       "rms_residual_kWh_per_step": cal.rms_kWh, "total_residual_kWh": cal.total_residual_kWh,
                       "parameters": _records(cal.parameters), "steps": _records(cal.steps)}
    return {
        "name": d.design.name,
        "architecture": d.design.architecture,
        "architecture_text": d.design.architecture_text,
        "why": d.design.why,
        "basis": d.basis,
        "bom": d.design.bom,
        "bom_note": d.design.bom_note,
        "recovery_efficiency": d.design.discharge.recovery_efficiency,
        "embodied_t_co2e_per_machine": d.embodied_kg_co2e / 1000.0,
        "embodied_engine": c.embodied_details.get(key, {}),
        "protocol_h": d.year.protocol_h,
        "cycles_per_year": d.year.cycles_per_year,
        "cells_per_year_per_machine": d.year.cells_per_year,
        "channel_utilisation": d.year.channel_utilisation,
        "cycling_hours_per_year": d.year.cycling_hours,
        "idle_hours_per_year": d.year.idle_hours,
        "net_kWh_per_cell": d.year.per_cell_kWh,
        "steps_kWh_per_cell": [{"name": name, **{k: _clean(row[k]) for k in STEP_COLUMNS}}
                               for name, row in steps.iterrows()],
        "annual_kWh_per_machine_by_use": {k: float(v) for k, v in d.year.breakdown_kWh.items()},
        "basis_by_use": {k: d.year.basis_of(k) for k in d.year.breakdown_kWh.index},
        "machine": _scope(d.machine),
        "line": _scope(d.line),
        "calibration": calibration,
    }


def comparison_document(c: EnergyComparison) -> dict:
    """The JSON result document of a comparison."""
    designs = {"baseline": _design(c, "baseline", c.baseline), "candidate": _design(c, "candidate", c.candidate)}
    designs.update({key: _design(c, key, b.baseline) for key, b in c.others.items()})
    plant = comparison_plant(c)
    plant_doc = None
    if plant is not None:
        plant_doc = {"name": c.config.plant.name, "output_GWh_per_year": plant.output_GWh,
                     "before_MWh": plant.before_MWh, "after_MWh": plant.after_MWh,
                     "saved_share": plant.saved_share, "line_saved_share": plant.line_saved_share,
                     "before_kWh_per_kWh_cell": plant.before_kWh_per_kWh_cell,
                     "after_kWh_per_kWh_cell": plant.after_kWh_per_kWh_cell,
                     "reference": c.config.plant.reference, "areas": _records(plant.frame)}
    tornado = None
    if c.tornado is not None:
        tornado = {"metric": "net lifetime balance of the line, t CO2e saved",
                   "base_net_t_co2e": c.tornado.attrs.get("base_net_t_co2e"),
                   "base_saved_MWh": c.tornado.attrs.get("base_saved_MWh"),
                   "rows": [{k: _clean(v) for k, v in row.items()} for row in c.tornado.to_dict("records")]}
    return {
        "kind": "pcf energy comparison",
        "name": c.config.name,
        "description": c.config.description,
        "inputs": c.config.model_dump(mode="json"),
        "designs": designs,
        "savings": {"machine": _savings(c.machine_savings), "line": _savings(c.line_savings)},
        "savings_by_baseline": {key: {"machine": _savings(b.machine_savings), "line": _savings(b.line_savings)}
                                for key, b in c.baselines().items()},
        "baselines": _records(baselines_table(c)),
        "per_unit": {"cell_kWh": cell_kWh(c), "line_output_GWh_per_year": line_output_GWh(c),
                     "rows": _records(unit_table(c))},
        "plant": plant_doc,
        "tornado": tornado,
        "currency": c.config.grid.currency,
        "notes": [
            "Use phase: grid electricity of formation and grading over the service life; embodied: cradle-to-gate "
            "footprint of each machine from its BOM (pcf engine). Positive savings favour the candidate.",
            "Equations, default values and their sources: docs/energy.md.",
            "Every design states its basis: modelled, measured (at the machine meter; HVAC modelled) or modelled and "
            "calibrated to a power log. Every baseline states why it was chosen.",
        ],
    }


