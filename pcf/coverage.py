"""Coverage and cut-off (ISO 14067 6.3.4.3): what share of the machine's mass and estimated emissions is modelled,
proxied, estimated, ambiguous, unmapped or excluded, and whether the exclusions meet the configured cut-off criteria.

Emissions of lines that are not modelled are estimated as their mass x the average kg CO2e per kg of the modelled
material and component lines of the same BOM (stated in the report). An ambiguous line (several materials or a
catch-all) with per-kg candidate datasets is modelled by intake with its highest-emitting candidate (status `proxy`,
method `ambiguous`); one left out (no usable candidate) is estimated at the highest candidate's kg CO2e per kg where
one is known, else at the average; ambiguous lines never enter the average. Lines without a mass cannot be assessed and are listed as
such. Each exclusion says its `estimate_basis`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

MASS_KINDS = ("part", "component")


class CutoffCriteria(BaseModel):
    """Exclusion is acceptable for a line below both shares, and for all excluded lines together below `total`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mass_share: float = Field(default=0.01, ge=0, le=1, description="max share of the machine's mass per line")
    emission_share: float = Field(default=0.01, ge=0, le=1, description="max share of estimated emissions per line")
    total_share: float = Field(default=0.05, ge=0, le=1, description="max share of estimated emissions, all lines")


@dataclass(frozen=True)
class Coverage:
    summary: pd.DataFrame  # by status: lines, mass kg, mass share, kg CO2e (estimated for removed), emission share
    exclusions: pd.DataFrame  # every line taken out, with reason, shares and whether the criteria allow it
    intensity_kg_co2e_per_kg: float
    criteria: CutoffCriteria
    criteria_met: bool
    violations: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "criteria": self.criteria.model_dump(),
            "criteria_met": self.criteria_met,
            "violations": list(self.violations),
            "estimate_basis_kg_co2e_per_kg": self.intensity_kg_co2e_per_kg,
            "by_status": _records(self.summary),
            "exclusions": _records(self.exclusions),
        }


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.reset_index().replace({np.nan: None}).to_dict(orient="records")
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in out]


def assess(intake: pd.DataFrame, lines: pd.DataFrame, total_kg_co2e: float,
           criteria: CutoffCriteria | None = None, candidate_intensity: dict[str, float] | None = None) -> Coverage:
    """Coverage of a footprint: `intake` (pcf.intake) and the result's link table `lines`.

    candidate_intensity: kg CO2e per kg of the datasets ambiguous lines could mean; such a line is estimated at the
    highest of its candidates (conservative), the other left-out lines at the BOM's average intensity."""
    criteria = criteria or CutoffCriteria()
    emissions = lines.groupby("line_id")["kg_co2e"].sum()
    frame = intake.copy()
    frame["mass_kg_per_machine"] = pd.to_numeric(frame["mass_kg_per_machine"], errors="coerce").astype(float)
    frame["modelled"] = frame["modelled"].astype(bool)
    frame["kg_co2e"] = frame["line_id"].map(emissions).where(frame["modelled"], np.nan)
    # the BOM's own intensity, for estimating left-out lines: modelled parts and components, without the ambiguous
    # lines modelled with their highest-emitting candidate (one such line must not inflate the estimate)
    proxied = frame["method"] == "ambiguous" if "method" in frame else False
    massive = frame[frame["kind"].isin(MASS_KINDS) & frame["modelled"] & frame["mass_kg_per_machine"].notna()
                    & ~proxied]
    modelled_mass = float(massive["mass_kg_per_machine"].sum())
    modelled_emissions = float(massive["kg_co2e"].fillna(0.0).sum())
    intensity = modelled_emissions / modelled_mass if modelled_mass > 0 else 0.0
    removed = ~frame["modelled"]
    frame["kg_co2e"] = frame["kg_co2e"].astype(float)
    frame["estimate_basis"] = None
    if "candidates" not in frame:
        frame["candidates"] = None
    if removed.any():
        frame.loc[removed, "kg_co2e"] = frame.loc[removed, "mass_kg_per_machine"].to_numpy() * intensity
        frame.loc[removed, "estimate_basis"] = f"BOM average {intensity:.3g} kg CO2e/kg"
        for i in frame.index[removed & (frame["status"] == "ambiguous")]:
            names = [n.strip() for n in str(frame.at[i, "candidates"] or "").split(",") if n.strip()]
            known = {n: (candidate_intensity or {})[n] for n in names if n in (candidate_intensity or {})}
            if known:
                worst = max(known, key=known.get)
                frame.at[i, "kg_co2e"] = frame.at[i, "mass_kg_per_machine"] * known[worst]
                frame.at[i, "estimate_basis"] = f"highest candidate {worst} {known[worst]:.3g} kg CO2e/kg"
    frame["emissions_estimated"] = removed
    mass_rows = frame[frame["kind"].isin(MASS_KINDS)]
    total_mass = float(mass_rows["mass_kg_per_machine"].fillna(0.0).sum())
    estimated_total = total_kg_co2e + float(frame.loc[removed, "kg_co2e"].fillna(0.0).sum())
    frame["mass_share"] = frame["mass_kg_per_machine"] / total_mass if total_mass else np.nan
    frame.loc[~frame["kind"].isin(MASS_KINDS), "mass_share"] = np.nan
    frame["emission_share"] = frame["kg_co2e"] / estimated_total if estimated_total else np.nan

    summary = frame.groupby("status").agg(
        lines=("line_id", "size"),
        mass_kg=("mass_kg_per_machine", lambda s: float(s[frame.loc[s.index, "kind"].isin(MASS_KINDS)].sum())),
        kg_co2e=("kg_co2e", "sum"),
    ).reindex(["mapped", "proxy", "estimated", "ambiguous", "unmapped", "excluded"], fill_value=0)
    summary["mass_share"] = summary["mass_kg"] / total_mass if total_mass else 0.0
    summary["emission_share"] = summary["kg_co2e"] / estimated_total if estimated_total else 0.0

    exclusions = frame[removed][["line_id", "kind", "name", "given", "status", "reason", "source_file",
                                 "source_row", "mass_kg_per_machine", "mass_share", "kg_co2e",
                                 "emission_share", "estimate_basis"]].copy()
    within = ((exclusions["mass_share"].fillna(np.inf) <= criteria.mass_share)
              & (exclusions["emission_share"].fillna(np.inf) <= criteria.emission_share))
    # a line without a mass (or a process, transport or energy line) has no estimate: it cannot meet the criteria
    exclusions["within_criteria"] = within
    violations = []
    for row in exclusions[~exclusions["within_criteria"]].itertuples():
        if pd.isna(row.mass_kg_per_machine):
            why = "cannot be assessed (no mass, no emission estimate)"
        else:
            mass = (f"{row.mass_share:.1%} of the mass" if pd.notna(row.mass_share)
                    else f"{row.mass_kg_per_machine:,.3g} kg of {row.kind} (not in the machine's mass)")
            emissions = (f"about {row.emission_share:.1%} of the emissions" if pd.notna(row.emission_share)
                         else "emissions not estimated")
            why = f"{mass}, {emissions}"
        violations.append(f"line '{row.line_id}' ({row.status}: {row.reason or 'no reason'}) - {why}")
    excluded_share = float(exclusions["emission_share"].fillna(0.0).sum())
    if excluded_share > criteria.total_share:
        violations.append(f"excluded lines together are about {excluded_share:.1%} of the estimated emissions "
                          f"(criterion: at most {criteria.total_share:.0%})")
    return Coverage(summary, exclusions.reset_index(drop=True), intensity, criteria, not violations,
                    tuple(violations))
