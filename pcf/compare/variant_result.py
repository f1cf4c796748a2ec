"""A variant's footprint and its breakdowns (`VariantResult`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..bom.models import ProductSystem


@dataclass(frozen=True, eq=False)
class VariantResult:
    """A variant's footprint (kg CO2e per machine) and its breakdowns, for side-by-side comparison."""

    name: str
    description: str
    parameters: dict
    total_kg_co2e: float  # excluding biogenic uptake, like Result.total_kg_co2e
    biogenic_removals_kg_co2e: float
    by_stage: pd.Series
    by_module: pd.Series
    by_dataset: pd.Series
    by_material: pd.Series
    by_line: pd.Series  # kg CO2e per BOM line id
    line_dataset: dict[str, str]  # dataset of the lines this variant built (others: as in the base)
    mass_kg: float  # rolled-up parts and components, kg per machine
    packaging_kg: float
    electricity: str
    evaluation: str  # base | patched (supply reused) | resolved (foreground re-solved) | rebuilt (full pipeline)
    system: ProductSystem
    seconds: float = 0.0
    electricity_basis: str = ""  # the factory electricity's basis label (pcf.electricity_claims.BASES)

    def summary(self) -> dict:
        return {"name": self.name, "description": self.description, "parameters": self.parameters,
                "total_kg_co2e": self.total_kg_co2e, "biogenic_removals_kg_co2e": self.biogenic_removals_kg_co2e,
                "mass_kg": self.mass_kg, "packaging_kg": self.packaging_kg, "electricity": self.electricity,
                "electricity_basis": self.electricity_basis, "evaluation": self.evaluation}
