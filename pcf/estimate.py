"""Mass estimates for parts that come without a weight, each documented and flagged as estimated.

1. `dimensions`: envelope volume (length x width x thickness, mm) x the material's density
   (`lci_data/mapping/densities.csv`). An envelope overstates a part with holes or pockets: the estimate is an upper
   bound, and flagged as such.
2. `typical`: a typical mass per piece for the first keyword of `lci_data/mapping/typical_masses.csv` found in the
   line's name (fasteners, small hardware), longest keyword first.
Otherwise no estimate: the line is reported as lacking a mass and left out of the footprint, never set to 0 kg.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .data.tables import lci_data_dir
from .mapping import _token_pattern, normalise


@dataclass(frozen=True)
class MassEstimate:
    mass_kg: float
    method: str  # dimensions | typical
    basis: str  # what it rests on, for the report


@lru_cache(maxsize=2)
def _densities(path: str) -> dict[str, tuple[float, str]]:
    out = {}
    p = Path(path)
    if p.exists():
        with p.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    out[row["dataset"].strip()] = (float(row["density_kg_m3"]), (row.get("source") or "").strip())
                except (KeyError, ValueError):
                    continue
    return out


@lru_cache(maxsize=2)
def _typical(path: str) -> tuple[tuple[str, float, str], ...]:
    rows = []
    p = Path(path)
    if p.exists():
        with p.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    rows.append((normalise(row["keyword"]), float(row["mass_kg"]), (row.get("source") or "").strip()))
                except (KeyError, ValueError):
                    continue
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


class MassEstimator:
    """Estimates a part's mass from its dimensions and material, or from a typical mass for its name."""

    def __init__(self, root: Path | None = None):
        base = (root or lci_data_dir()) / "mapping"
        self.densities = _densities(str(base / "densities.csv"))
        self.typical = _typical(str(base / "typical_masses.csv"))

    def estimate(self, *, dataset: str | None, name: str, dimensions_mm=None) -> MassEstimate | None:
        if dimensions_mm and dataset in self.densities:
            length, width, thickness = dimensions_mm
            density, source = self.densities[dataset]
            volume_m3 = length * width * thickness * 1e-9
            return MassEstimate(volume_m3 * density, "dimensions",
                                f"{length:g} x {width:g} x {thickness:g} mm envelope x {density:g} kg/m3 ({source})")
        text = normalise(name)
        for keyword, mass, source in self.typical:  # longest keyword first, as a whole token
            if keyword and _token_pattern(keyword).search(text):
                return MassEstimate(mass, "typical", f"typical mass of '{keyword}' ({source})")
        return None
