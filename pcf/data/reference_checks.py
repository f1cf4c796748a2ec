"""Independent published values for the background datasets, and how pcf's own factors compare with them.

`lci_data/reference_checks.csv` holds one row per (dataset, reference): a value published by someone other than
the dataset's own source, with its scope, GWP basis and address. `evaluate_reference_checks` computes pcf's value
for each row (cradle-to-gate kg CO2e per reference unit, or kWh of factory electricity per reference unit for
process datasets), the ratio pcf / reference and whether it lies in the band (+-30 % around the reference value or
its published range). A value outside the band needs a written justification. Format: docs/lci_data_format.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import DataError
from .tables import FACTORY_ELECTRICITY, SOURCE_KINDS, WEAK_SOURCE_KINDS, _read_csv, _validate_rows, lci_data_dir

REFERENCE_CHECKS_FILE = "reference_checks.csv"
DEFAULT_BAND = 0.30  # +-30 % around the reference value (or its published range)
PRIMARY_KINDS = tuple(k for k in SOURCE_KINDS if k not in WEAK_SOURCE_KINDS)
QUANTITIES = ("kg CO2e", "kWh")


def _blank_to_none(value):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return value


class ReferenceCheck(BaseModel):
    """One independent published value for one dataset (a row of reference_checks.csv)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    dataset: str = Field(min_length=1)
    quantity: Literal[QUANTITIES]  # type: ignore[valid-type]
    grid: str | None = None
    reference_value: float = Field(gt=0, allow_inf_nan=False)
    reference_low: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    reference_high: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    reference_unit: str = Field(min_length=1)
    source: str = Field(min_length=3)
    kind: Literal[PRIMARY_KINDS]  # type: ignore[valid-type]
    year: str = Field(pattern=r"^(\d{4}(-\d{4})?|n\.d\.)$", description="year of publication, or n.d.")
    geography: str = Field(min_length=1)
    scope: str = Field(min_length=1)
    gwp_basis: str = Field(min_length=1)
    url: str = ""
    locator: str = ""
    justification: str = ""

    _blanks = field_validator("grid", "reference_low", "reference_high", mode="before")(_blank_to_none)

    @model_validator(mode="after")
    def _range_brackets_value(self):
        low = self.reference_low if self.reference_low is not None else self.reference_value
        high = self.reference_high if self.reference_high is not None else self.reference_value
        if not low <= self.reference_value <= high:
            raise ValueError("reference_low <= reference_value <= reference_high is required")
        return self

    @property
    def band(self) -> tuple[float, float]:
        """Values of pcf that agree with this reference: its range (or value) widened by DEFAULT_BAND."""
        low = min(self.reference_low or self.reference_value, self.reference_value)
        high = max(self.reference_high or self.reference_value, self.reference_value)
        return low * (1.0 - DEFAULT_BAND), high * (1.0 + DEFAULT_BAND)


def load_reference_checks(root: str | Path | None = None) -> list[ReferenceCheck]:
    """The rows of lci_data/reference_checks.csv, validated (errors name file, row and column)."""
    path = Path(root if root is not None else lci_data_dir()) / REFERENCE_CHECKS_FILE
    if not path.exists():
        raise DataError("file not found", file=str(path), expected="lci_data/reference_checks.csv")
    return _validate_rows(path, _read_csv(path), ReferenceCheck)


@dataclass(frozen=True)
class CheckedReference:
    """A reference row with pcf's value beside it."""

    check: ReferenceCheck
    pcf_value: float
    ratio: float  # pcf / reference value

    @property
    def within_band(self) -> bool:
        low, high = self.check.band
        return low <= self.pcf_value <= high

    @property
    def status(self) -> str:
        """'within band', 'justified' (outside, with a written reason) or 'OUTSIDE' (outside, unexplained)."""
        if self.within_band:
            return "within band"
        return "justified" if self.check.justification else "OUTSIDE"


def dataset_value(background, factors: np.ndarray, key: str, quantity: str, grid: str | None) -> float:
    """pcf's value of one dataset: kg CO2e (method `factors`) or kWh of factory electricity per reference unit."""
    i = background.index(key)
    if quantity == "kWh":
        return float(background.factory_electricity_kwh[i])
    uses_factory_grid = background.has(FACTORY_ELECTRICITY) and abs(background.factory_electricity_kwh[i]) > 1e-12
    if uses_factory_grid and grid is None:
        raise DataError(f"reference check of '{key}' needs a grid: the dataset uses {FACTORY_ELECTRICITY}",
                        file=REFERENCE_CHECKS_FILE, column="grid", expected="an electricity dataset key")
    cumulative = background.cumulative_with_grid(grid if uses_factory_grid else None)
    return float(cumulative[i] @ factors)


def evaluate_reference_checks(background, method, checks: list[ReferenceCheck]) -> list[CheckedReference]:
    """pcf's value, ratio and band status of every reference row (unknown datasets are an error)."""
    factors = method.factors_for(background.flow_keys)
    out = []
    for number, check in enumerate(checks, start=2):
        if not background.has(check.dataset):
            raise DataError(f"reference check names unknown dataset '{check.dataset}'", file=REFERENCE_CHECKS_FILE,
                            row=number, column="dataset", expected="a key listed by `pcf data list`")
        if check.grid is not None and not background.has(check.grid):
            raise DataError(f"unknown grid '{check.grid}'", file=REFERENCE_CHECKS_FILE, row=number, column="grid")
        value = dataset_value(background, factors, check.dataset, check.quantity, check.grid)
        ratio = value / check.reference_value
        if not math.isfinite(ratio):
            raise DataError(f"non-finite value for '{check.dataset}'", file=REFERENCE_CHECKS_FILE, row=number)
        out.append(CheckedReference(check, value, ratio))
    return out


def alternative_factors(by_dataset: pd.DataFrame, background, method, checks: list[ReferenceCheck], *,
                        top: int = 5) -> list[dict]:
    """The next-best source of the `top` largest datasets of a result: the first independent published value of
    each in reference_checks.csv (quantity kg CO2e), with pcf's value on the same grid and the dataset's kg CO2e.

    A dataset without one is listed with reference_value None. Used by the report's alternative-data cases."""
    factors = method.factors_for(background.flow_keys)
    out = []
    for key in by_dataset.sort_values("kg_co2e", ascending=False).index[:top]:
        row = {"dataset": str(key), "kg_co2e": float(by_dataset.loc[key, "kg_co2e"]), "reference_value": None}
        check = next((c for c in checks if c.dataset == key and c.quantity == "kg CO2e"), None)
        if check is not None and background.has(str(key)) and (check.grid is None or background.has(check.grid)):
            row.update({"source": check.source, "reference_value": check.reference_value,
                        "reference_unit": check.reference_unit, "year": check.year,
                        "pcf_value": dataset_value(background, factors, str(key), "kg CO2e", check.grid)})
        out.append(row)
    return out


def checks_frame(checked: list[CheckedReference]) -> pd.DataFrame:
    """The checked references as a table (one row per reference), in file order."""
    return pd.DataFrame([{
        "dataset": c.check.dataset, "quantity": c.check.quantity, "pcf_value": c.pcf_value,
        "reference_value": c.check.reference_value, "reference_low": c.check.reference_low,
        "reference_high": c.check.reference_high, "ratio": c.ratio, "status": c.status,
        "source": c.check.source, "kind": c.check.kind, "year": c.check.year, "geography": c.check.geography,
        "scope": c.check.scope, "gwp_basis": c.check.gwp_basis, "url": c.check.url, "locator": c.check.locator,
        "justification": c.check.justification,
    } for c in checked])


def weak_datasets(tables) -> pd.DataFrame:
    """Default datasets whose only source is a secondary copy or an assumption (the known weak points)."""
    ds = tables.datasets
    weak = ds[ds["source_kind"].isin(WEAK_SOURCE_KINDS) & (ds["category"] != "placeholder")]
    return weak[["name", "pack", "source_id", "source_kind", "dq_reliability"]]


def stand_in_datasets(tables) -> pd.DataFrame:
    """Default datasets rated reliability 5 although their source is a primary one: the source's figure is for
    something else (a different material, an average plastic, a spend factor times an assumed price)."""
    ds = tables.datasets
    primary = ~ds["source_kind"].isin(WEAK_SOURCE_KINDS) & (ds["category"] != "placeholder")
    rated = ds[primary & (ds["dq_reliability"] == 5)]
    return rated[["name", "pack", "source_id", "source_kind", "dq_reliability"]]
