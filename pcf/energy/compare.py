"""Compare two designs under the same operating conditions: per step, per machine-year, per machine and per line.

`compare` is pure: it takes a validated configuration and the embodied footprints (kg CO2e per machine, from the
engine) and returns an EnergyComparison. Reading files and running the engine happen at the edges
(`readers.read_config`, `embodied.embodied_footprints`); rendering (document, render, plots, workbook) imports
this module, never the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from .balance import BREAKDOWN, MachineYear, StepBalance, balance_frame, machine_year, protocol_balance
from .calibrate import Calibration, calibrate
from .errors import EnergyError
from .grid import emission_factors, prices, years
from .lifetime import Savings, ScopeOutcome, savings, scope_outcome
from .measured import measured_year
from .models import ComparisonConfig, Design

DESIGNS = ("baseline", "candidate")


@dataclass(frozen=True)
class DesignOutcome:
    """One design: its step balances, one machine-year, and its machine and line outcomes."""

    key: str  # "baseline", "candidate" or the name of another baseline
    design: Design
    steps: list[StepBalance]
    year: MachineYear
    machine: ScopeOutcome
    line: ScopeOutcome
    basis: str = "modelled"  # "modelled", "measured: ..." or "modelled, calibrated to ..."
    calibration: Calibration | None = None

    @property
    def steps_frame(self) -> pd.DataFrame:
        return balance_frame(self.steps)

    @property
    def embodied_kg_co2e(self) -> float:
        """Cradle-to-gate footprint of one machine."""
        return self.machine.embodied_kg_co2e


@dataclass(frozen=True)
class BaselineComparison:
    """The candidate against one baseline: per machine and per line."""

    key: str
    baseline: DesignOutcome
    machine_savings: Savings
    line_savings: Savings

    def savings(self, scope: str) -> Savings:
        return self.machine_savings if scope == "machine" else self.line_savings


@dataclass(frozen=True)
class EnergyComparison:
    """The candidate against the main baseline (and the other baselines beside it), per machine and per line."""

    config: ComparisonConfig
    baseline: DesignOutcome
    candidate: DesignOutcome
    machine_savings: Savings
    line_savings: Savings
    tornado: pd.DataFrame | None = None  # see sensitivity.tornado
    embodied_details: Mapping[str, dict] = field(default_factory=dict)  # per design: BOM, by_stage, ...
    others: Mapping[str, BaselineComparison] = field(default_factory=dict)  # other baselines, by name

    def design(self, key: str) -> DesignOutcome:
        if key in DESIGNS:
            return getattr(self, key)
        return self.others[key].baseline

    def savings(self, scope: str) -> Savings:
        return self.machine_savings if scope == "machine" else self.line_savings

    def baselines(self) -> dict[str, BaselineComparison]:
        """The main baseline first (key 'baseline'), then the other baselines."""
        main = BaselineComparison("baseline", self.baseline, self.machine_savings, self.line_savings)
        return {"baseline": main, **self.others}

    def with_tornado(self, frame: pd.DataFrame) -> EnergyComparison:
        return replace(self, tornado=frame)

    def with_embodied_details(self, details: Mapping[str, dict]) -> EnergyComparison:
        return replace(self, embodied_details=dict(details))

    def to_dict(self) -> dict:
        """The result document (JSON-ready); units are in the key names."""
        from .document import comparison_document

        return comparison_document(self)


def _outcome(key: str, design: Design, config: ComparisonConfig, embodied_kg: float, cells: float | None,
             lifetime: tuple, calibrations: dict) -> DesignOutcome:
    """Model (or measure) one design; `cells`: the cells per year every design must form (None: the design's own);
    `calibrations`: fits already made, by (design, protocol, cell) (a fit depends on nothing else)."""
    protocol = config.protocol_of(design)
    used, calibration, measurement = design, None, design.measured
    if measurement is not None and measurement.power_log is not None:
        if measurement.log_step_kWh is None or len(measurement.log_step_kWh) != len(protocol):
            raise EnergyError(f"{key} '{design.name}': the power log was not integrated over this design's "
                              f"{len(protocol)} protocol steps", column=f"{key}.measured.power_log",
                              expected="a configuration read with pcf.energy.read_config")
        durations = [step.resolve(config.cell)[1] for step in protocol]
        integrated = measurement.log_step_h
        if integrated is not None and not np.allclose(integrated, durations, rtol=1e-9, atol=0.0):
            raise EnergyError(f"{key} '{design.name}': the power log was integrated over steps of "
                              f"{', '.join(f'{h:g}' for h in integrated)} h, this design's protocol now has "
                              f"{', '.join(f'{h:g}' for h in durations)} h; a measurement holds for the protocol it "
                              "was logged with (a sensitivity row cannot change the protocol of a measured design)",
                              column=f"{key}.measured.power_log",
                              expected="the protocol of the log, or a model of the design instead of its log")
        fitted = (design, protocol, config.cell)
        calibration = calibrations.get(fitted)
        if calibration is None:
            prior_steps = protocol_balance(protocol, config.cell, design, config.site)
            calibration = calibrations[fitted] = calibrate(design, prior_steps, measurement.log_step_kWh,
                                                           measurement.cells_in_log)
        if measurement.use == "calibrate":
            used = calibration.design
    steps = protocol_balance(protocol, config.cell, used, config.site)
    year = machine_year(steps, used, config.operation, config.site, cells)
    basis = "modelled"
    if measurement is not None and measurement.use == "measured":
        year = measured_year(steps, design, config.operation, config.site, year)
        basis = f"measured ({measurement.form}: {measurement.source}); HVAC and idle hours modelled"
    elif calibration is not None:
        basis = (f"modelled, calibrated to the power log {Path(measurement.power_log).name} (relative residual "
                 f"{calibration.relative_residual:.1%})")
    scopes = {scope: scope_outcome(scope, year.annual_kWh, float(embodied_kg), config.line, config.operation,
                                   *lifetime, config.site)
              for scope in ("machine", "line")}
    return DesignOutcome(key=key, design=used, steps=steps, year=year, basis=basis, calibration=calibration,
                         **scopes)


def compare(config: ComparisonConfig, embodied_kg_co2e: Mapping[str, float], *,
            calibrations: dict | None = None) -> EnergyComparison:
    """Compare the candidate with the baseline and every other baseline of `config`.

    `embodied_kg_co2e` maps 'baseline', 'candidate' and each other baseline's name to kg CO2e per machine.
    Equal output: every design forms the cells per year of the main baseline. `calibrations`: a dict the caller
    keeps across many comparisons of varied configurations (tornado, Monte Carlo) so that a power-log fit of an
    unchanged design is made once.
    """
    calibrations = {} if calibrations is None else calibrations
    missing = [key for key in config.designs() if key not in embodied_kg_co2e]
    if missing:
        raise EnergyError(f"no embodied footprint for {', '.join(missing)}",
                          expected="kg CO2e per machine for every design")
    lifetime = (years(config.operation), emission_factors(config.grid, config.operation),
                prices(config.grid, config.operation))
    rate = config.grid.discount_rate_percent / 100.0
    base = _outcome("baseline", config.baseline, config, embodied_kg_co2e["baseline"], None, lifetime,
                    calibrations)
    cells = base.year.cells_per_year
    cand = _outcome("candidate", config.candidate, config, embodied_kg_co2e["candidate"], cells, lifetime,
                    calibrations)

    def against(outcome: DesignOutcome) -> tuple[Savings, Savings]:
        premium = None
        if outcome.design.purchase_price is not None and cand.design.purchase_price is not None:
            premium = cand.design.purchase_price - outcome.design.purchase_price  # per machine
        return (savings(outcome.machine, cand.machine, premium, rate),
                savings(outcome.line, cand.line, premium, rate))

    others = {}
    for name, design in config.other_baselines.items():
        outcome = _outcome(name, design, config, embodied_kg_co2e[name], cells, lifetime, calibrations)
        others[name] = BaselineComparison(name, outcome, *against(outcome))
    machine_savings, line_savings = against(base)
    return EnergyComparison(config=config, baseline=base, candidate=cand, machine_savings=machine_savings,
                            line_savings=line_savings, others=others)


def breakdown_frame(comparison: EnergyComparison, keys: tuple[str, ...] = DESIGNS) -> pd.DataFrame:
    """Annual kWh of one machine by use, one column per design."""
    return pd.DataFrame({key: comparison.design(key).year.breakdown_kWh.reindex(list(BREAKDOWN))
                         for key in keys})
