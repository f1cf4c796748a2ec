"""Compare two designs under the same operating conditions: per step, per machine-year, per machine and per line.

`compare` is pure: it takes a validated configuration and the embodied footprints (kg CO2e per machine, from the
engine) and returns an EnergyComparison. Reading files and running the engine happen at the edges
(`readers.read_config`, `embodied.embodied_footprints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import pandas as pd

from .balance import BREAKDOWN, MachineYear, StepBalance, balance_frame, machine_year, protocol_balance
from .errors import EnergyError
from .grid import emission_factors, prices, years
from .lifetime import Savings, ScopeOutcome, savings, scope_outcome
from .models import ComparisonConfig, Design

DESIGNS = ("baseline", "candidate")


@dataclass(frozen=True)
class DesignOutcome:
    """One design: its step balances, one machine-year, and its machine and line outcomes."""

    key: str  # "baseline" or "candidate"
    design: Design
    steps: list[StepBalance]
    year: MachineYear
    machine: ScopeOutcome
    line: ScopeOutcome

    @property
    def steps_frame(self) -> pd.DataFrame:
        return balance_frame(self.steps)

    @property
    def embodied_kg_co2e(self) -> float:
        """Cradle-to-gate footprint of one machine."""
        return self.machine.embodied_kg_co2e


@dataclass(frozen=True)
class EnergyComparison:
    """The comparison of a baseline and a candidate design, per machine and per line."""

    config: ComparisonConfig
    baseline: DesignOutcome
    candidate: DesignOutcome
    machine_savings: Savings
    line_savings: Savings
    tornado: pd.DataFrame | None = None  # see sensitivity.tornado
    embodied_details: Mapping[str, dict] = field(default_factory=dict)  # per design: BOM, by_stage, ...

    def design(self, key: str) -> DesignOutcome:
        return getattr(self, key)

    def savings(self, scope: str) -> Savings:
        return self.machine_savings if scope == "machine" else self.line_savings

    def with_tornado(self, frame: pd.DataFrame) -> EnergyComparison:
        return replace(self, tornado=frame)

    def with_embodied_details(self, details: Mapping[str, dict]) -> EnergyComparison:
        return replace(self, embodied_details=dict(details))


def compare(config: ComparisonConfig, embodied_kg_co2e: Mapping[str, float]) -> EnergyComparison:
    """Compare the baseline and candidate of `config`; `embodied_kg_co2e` maps each to kg CO2e per machine."""
    missing = [key for key in DESIGNS if key not in embodied_kg_co2e]
    if missing:
        raise EnergyError(f"no embodied footprint for {', '.join(missing)}",
                          expected="kg CO2e per machine for 'baseline' and 'candidate'")
    calendar = years(config.operation)
    factors = emission_factors(config.grid, config.operation)
    price = prices(config.grid, config.operation)
    outcomes = {}
    for key in DESIGNS:
        design: Design = getattr(config, key)
        steps = protocol_balance(config.protocol, config.cell, design, config.site)
        year = machine_year(steps, design, config.operation, config.site)
        scopes = {scope: scope_outcome(scope, year.annual_kWh, float(embodied_kg_co2e[key]), config.line,
                                       config.operation, calendar, factors, price)
                  for scope in ("machine", "line")}
        outcomes[key] = DesignOutcome(key=key, design=design, steps=steps, year=year, **scopes)
    base, cand = outcomes["baseline"], outcomes["candidate"]
    premium = None
    if base.design.purchase_price is not None and cand.design.purchase_price is not None:
        premium = cand.design.purchase_price - base.design.purchase_price
    line_premium = premium  # per machine; shared equipment is the same for both designs
    return EnergyComparison(
        config=config, baseline=base, candidate=cand,
        machine_savings=savings(base.machine, cand.machine, premium),
        line_savings=savings(base.line, cand.line, line_premium),
    )


def breakdown_frame(comparison: EnergyComparison) -> pd.DataFrame:
    """Annual kWh of one machine by use, one column per design."""
    return pd.DataFrame({key: comparison.design(key).year.breakdown_kWh.reindex(list(BREAKDOWN))
                         for key in DESIGNS})
