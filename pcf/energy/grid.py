"""Grid emission factors and electricity prices for every year of the service life."""

from __future__ import annotations

import numpy as np

from .errors import EnergyError
from .models import Grid, Operation


def years(operation: Operation) -> np.ndarray:
    """Calendar years of the service life."""
    return np.arange(operation.first_year, operation.first_year + operation.service_life_years)


def emission_factors(grid: Grid, operation: Operation) -> np.ndarray:
    """kg CO2e per kWh for every year of the service life.

    A table is read as given; otherwise f(y) = max(floor, f0 x (1 + annual_change_percent / 100)^y), y = 0, 1, ...
    """
    calendar = years(operation)
    if grid.by_year_kg_co2e_per_kWh is not None:
        return np.array([grid.by_year_kg_co2e_per_kWh[int(y)] for y in calendar], dtype=np.float64)
    if grid.first_year_kg_co2e_per_kWh is None:
        raise EnergyError(f"the factor of grid dataset '{grid.dataset}' was not resolved", column="grid",
                          expected="a configuration read with pcf.energy.read_config, or first_year_kg_co2e_per_kWh")
    y = np.arange(len(calendar), dtype=np.float64)
    factors = grid.first_year_kg_co2e_per_kWh * (1.0 + grid.annual_change_percent / 100.0) ** y
    return np.maximum(factors, grid.floor_kg_co2e_per_kWh)


def prices(grid: Grid, operation: Operation) -> np.ndarray:
    """Electricity price (currency per kWh) for every year: p(y) = p0 x (1 + price_annual_change_percent / 100)^y."""
    y = np.arange(operation.service_life_years, dtype=np.float64)
    return grid.electricity_price_per_kWh * (1.0 + grid.price_annual_change_percent / 100.0) ** y
