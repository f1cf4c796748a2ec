"""The formation line placed in its plant: the rest of the plant before and after its own measures.

plant before = baseline line + sum of the areas' `before`; plant after = candidate line + sum of `after`.
An area given per kWh of cell: MWh/year = intensity x line output (kWh of cells per year) / 1000.
Shares: formation line saving / plant before ("line-level" share of the plant), all measures / plant before.
Emissions in the first year: electricity x the grid factor of that year, fuel x fuel_kg_co2e_per_kWh.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .models import Plant


@dataclass(frozen=True)
class PlantOutcome:
    """Annual energy of the plant before and after: one row per area plus the formation line."""

    frame: pd.DataFrame  # index area: carrier, before_MWh, after_MWh, saved_MWh, before_t_co2e, after_t_co2e,
    #                      saved_t_co2e, measure, source
    output_GWh: float

    @property
    def before_MWh(self) -> float:
        return float(self.frame["before_MWh"].sum())

    @property
    def after_MWh(self) -> float:
        return float(self.frame["after_MWh"].sum())

    @property
    def saved_share(self) -> float:
        """Saving of all measures (formation line included) as a share of the plant's energy before."""
        return (self.before_MWh - self.after_MWh) / self.before_MWh if self.before_MWh else 0.0

    @property
    def line_saved_share(self) -> float:
        """Saving of the formation line alone as a share of the plant's energy before."""
        row = self.frame.loc[FORMATION_LINE]
        return float(row["saved_MWh"]) / self.before_MWh if self.before_MWh else 0.0

    @property
    def before_kWh_per_kWh_cell(self) -> float:
        return self.before_MWh / self.output_GWh / 1000.0 if self.output_GWh else 0.0

    @property
    def after_kWh_per_kWh_cell(self) -> float:
        return self.after_MWh / self.output_GWh / 1000.0 if self.output_GWh else 0.0


FORMATION_LINE = "formation and grading line (this comparison)"


def plant_outcome(plant: Plant, output_GWh: float, line_before_kWh: float, line_after_kWh: float,
                  grid_kg_co2e_per_kWh: float, line_measure: str) -> PlantOutcome:
    """The plant's annual energy (MWh) and first-year emissions (t CO2e), before and after, by area."""
    rows = [{"area": FORMATION_LINE, "carrier": "electricity", "before_MWh": line_before_kWh / 1000.0,
             "after_MWh": line_after_kWh / 1000.0, "measure": line_measure, "source": "this comparison"}]
    for area in plant.areas:
        if area.before_kWh_per_kWh_cell is not None:
            before = area.before_kWh_per_kWh_cell * output_GWh * 1000.0  # kWh/kWh x GWh -> MWh
            after = area.after_kWh_per_kWh_cell * output_GWh * 1000.0
        else:
            before, after = area.before_MWh_per_year, area.after_MWh_per_year
        rows.append({"area": area.name, "carrier": area.carrier, "before_MWh": before, "after_MWh": after,
                     "measure": area.measure or "none", "source": area.source})
    frame = pd.DataFrame(rows).set_index("area")
    frame["saved_MWh"] = frame["before_MWh"] - frame["after_MWh"]
    factor = frame["carrier"].map({"electricity": grid_kg_co2e_per_kWh,
                                   "fuel": plant.fuel_kg_co2e_per_kWh or 0.0})
    for what in ("before", "after", "saved"):
        frame[f"{what}_t_co2e"] = frame[f"{what}_MWh"] * factor  # MWh x kg/kWh = t
    return PlantOutcome(frame=frame[["carrier", "before_MWh", "after_MWh", "saved_MWh", "before_t_co2e",
                                     "after_t_co2e", "saved_t_co2e", "measure", "source"]], output_GWh=output_GWh)


def comparison_plant(c) -> PlantOutcome | None:
    """The plant of an EnergyComparison against its main baseline, or None when the configuration has no plant."""
    from .figures import line_output_GWh

    plant = c.config.plant
    if plant is None:
        return None
    return plant_outcome(plant, line_output_GWh(c), c.baseline.line.annual_kWh, c.candidate.line.annual_kWh,
                         float(c.baseline.line.yearly["kg_co2e_per_kWh"].iloc[0]),
                         f"{c.baseline.design.name} -> {c.candidate.design.name}")
