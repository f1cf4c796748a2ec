"""Lifetime energy comparator for formation/grading machines and production lines.

    >>> from pcf.energy import run
    >>> result = run("bill_of_materials/energy/compare_line_50.yaml")
    >>> result.line_savings.lifetime_kWh, result.line_savings.carbon_payback_years

Flow: configuration file (+ power logs) --read_config--> ComparisonConfig --(engine) embodied_footprints--> kg CO2e
per machine --compare--> EnergyComparison (candidate vs every baseline) --tornado--> sensitivity
--document/render/plots/workbook--> JSON, tables, PNG, Markdown, Excel.
Equations and default values with their sources: docs/energy.md.
"""

from __future__ import annotations

from pathlib import Path

from .balance import MachineYear, StepBalance, machine_year, protocol_balance, step_balance
from .calibrate import Calibration, calibrate
from .compare import BaselineComparison, DesignOutcome, EnergyComparison, compare
from .embodied import embodied_footprints
from .errors import EnergyError
from .lifetime import Savings, ScopeOutcome, payback_years
from .models import (AuxiliaryLoad, Cell, ComparisonConfig, Design, DischargeRoute, Grid, Line, Measurement,
                     Operation, Plant, PlantArea, SensitivityParameter, SharedEquipment, Site, Step)
from .power_log import PowerLog, read_power_log
from .readers import read_config, validate_config
from .sensitivity import tornado


def run(config: str | Path | ComparisonConfig, *, sensitivity: bool = True, **engine_options) -> EnergyComparison:
    """Read the configuration, compute both embodied footprints with the engine, compare, and run the tornado."""
    if not isinstance(config, ComparisonConfig):
        config = read_config(config)
    details = embodied_footprints(config, **engine_options)
    embodied = {key: value["kg_co2e"] for key, value in details.items()}
    result = compare(config, embodied).with_embodied_details(details)
    if sensitivity and config.sensitivity:
        result = result.with_tornado(tornado(config, embodied))
    return result


__all__ = [
    "run", "read_config", "validate_config", "compare", "tornado", "embodied_footprints",
    "ComparisonConfig", "Cell", "Step", "Design", "DischargeRoute", "AuxiliaryLoad", "Operation", "Site", "Grid",
    "Line", "SharedEquipment", "SensitivityParameter", "Measurement", "Plant", "PlantArea",
    "BaselineComparison", "Calibration", "calibrate", "PowerLog", "read_power_log",
    "StepBalance", "MachineYear", "step_balance", "protocol_balance", "machine_year",
    "EnergyComparison", "DesignOutcome", "ScopeOutcome", "Savings", "payback_years", "EnergyError",
]
