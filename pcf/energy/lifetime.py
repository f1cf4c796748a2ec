"""From one year to the service life: a machine or a line of N machines, savings, carbon payback, net balance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .models import Line, Operation, Site


@dataclass(frozen=True)
class ScopeOutcome:
    """One design over its service life, for one machine or for a line."""

    scope: str  # "machine" or "line"
    machines: int
    annual_kWh: float  # the same every year (no ageing of the machine is modelled)
    yearly: pd.DataFrame  # index: calendar year; kWh, kg_co2e_per_kWh, kg_co2e, price_per_kWh, cost
    embodied_kg_co2e: float

    @property
    def lifetime_kWh(self) -> float:
        return float(self.yearly["kWh"].sum())

    @property
    def lifetime_use_kg_co2e(self) -> float:
        return float(self.yearly["kg_co2e"].sum())

    @property
    def lifetime_cost(self) -> float:
        return float(self.yearly["cost"].sum())

    @property
    def life_cycle_kg_co2e(self) -> float:
        """Embodied (cradle to gate) + use-phase electricity."""
        return self.embodied_kg_co2e + self.lifetime_use_kg_co2e

    def cumulative_kg_co2e(self) -> np.ndarray:
        """Embodied at year 0, then + use-phase emissions of each year: length service_life + 1."""
        return self.embodied_kg_co2e + np.concatenate(([0.0], np.cumsum(self.yearly["kg_co2e"].to_numpy())))


def shared_kWh(line: Line, operation: Operation, site: Site) -> float:
    """Annual electricity of the shared equipment, with the HVAC removing the heat of the indoor equipment.

    sum(power x operating hours x duty x (1 + heat_removed_share / COP if indoor)), kWh.
    """
    total = 0.0
    for e in line.shared_equipment:
        kwh = e.power_kW * operation.operating_hours_per_year * e.duty
        total += kwh * (1.0 + (site.heat_removed_share / site.hvac_cop if e.indoor else 0.0))
    return total


def scope_outcome(scope: str, annual_machine_kWh: float, embodied_machine_kg: float, line: Line,
                  operation: Operation, calendar: np.ndarray, factors: np.ndarray,
                  prices: np.ndarray, site: Site) -> ScopeOutcome:
    """A machine (N = 1, no shared equipment) or the line (N machines + shared equipment).

    E_line = N x E_machine + shared equipment with its HVAC (`shared_kWh`); embodied likewise.
    """
    if scope == "machine":
        machines, shared, shared_kg = 1, 0.0, 0.0
    else:
        machines = line.machines
        shared = shared_kWh(line, operation, site)
        shared_kg = sum(e.embodied_kg_co2e for e in line.shared_equipment)
    annual = machines * annual_machine_kWh + shared
    kwh = np.full(len(calendar), annual, dtype=np.float64)
    yearly = pd.DataFrame({"kWh": kwh, "kg_co2e_per_kWh": factors, "kg_co2e": kwh * factors,
                           "price_per_kWh": prices, "cost": kwh * prices}, index=pd.Index(calendar, name="year"))
    return ScopeOutcome(scope=scope, machines=machines, annual_kWh=annual, yearly=yearly,
                        embodied_kg_co2e=machines * embodied_machine_kg + shared_kg)


@dataclass(frozen=True)
class Savings:
    """What the candidate saves against the baseline (positive = candidate better)."""

    scope: str
    annual_kWh: float
    annual_share: float  # of the baseline's annual kWh
    lifetime_kWh: float
    lifetime_use_kg_co2e: float
    lifetime_cost: float
    extra_embodied_kg_co2e: float  # candidate - baseline; negative = the candidate is also lighter in carbon
    carbon_payback_years: float | None  # None: the extra embodied emissions are not paid back within the life
    net_lifetime_kg_co2e: float  # use-phase savings - extra embodied emissions
    extra_purchase_price: float | None
    cost_payback_years: float | None
    discount_rate: float = 0.0  # fraction per year
    npv: float = 0.0  # sum_y saved cost_y / (1 + r)^(y+1) - extra purchase price (0 if not given), currency


def present_value(yearly: np.ndarray, rate: float) -> float:
    """sum_y yearly[y] / (1 + rate)^(y + 1): each year's amount at the end of that year."""
    y = np.arange(1, len(yearly) + 1, dtype=np.float64)
    return float((np.asarray(yearly, dtype=np.float64) / (1.0 + rate) ** y).sum())


def payback_years(extra: float, yearly_savings: np.ndarray) -> float | None:
    """Years of use until the cumulative savings equal `extra` (linear within a year); 0 if extra <= 0.

    None if the savings never reach it within the years given.
    """
    if extra <= 0:
        return 0.0
    cumulative = 0.0
    for year, saved in enumerate(yearly_savings):
        if saved > 0 and cumulative + saved >= extra:
            return year + (extra - cumulative) / saved
        cumulative += saved
    return None


def savings(baseline: ScopeOutcome, candidate: ScopeOutcome, price_premium: float | None,
            discount_rate: float = 0.0) -> Savings:
    """Savings of the candidate over the baseline, its carbon payback, net lifetime balance and NPV."""
    saved_kg = (baseline.yearly["kg_co2e"] - candidate.yearly["kg_co2e"]).to_numpy()
    saved_cost = (baseline.yearly["cost"] - candidate.yearly["cost"]).to_numpy()
    extra = candidate.embodied_kg_co2e - baseline.embodied_kg_co2e
    premium = None if price_premium is None else price_premium * candidate.machines
    return Savings(
        scope=baseline.scope,
        annual_kWh=baseline.annual_kWh - candidate.annual_kWh,
        annual_share=(baseline.annual_kWh - candidate.annual_kWh) / baseline.annual_kWh if baseline.annual_kWh else 0.0,
        lifetime_kWh=baseline.lifetime_kWh - candidate.lifetime_kWh,
        lifetime_use_kg_co2e=float(saved_kg.sum()),
        lifetime_cost=float(saved_cost.sum()),
        extra_embodied_kg_co2e=extra,
        carbon_payback_years=payback_years(extra, saved_kg),
        net_lifetime_kg_co2e=float(saved_kg.sum()) - extra,
        extra_purchase_price=premium,
        cost_payback_years=None if premium is None else payback_years(premium, saved_cost),
        discount_rate=discount_rate,
        npv=present_value(saved_cost, discount_rate) - (premium or 0.0),
    )
