"""Paired Monte Carlo of variants: shared inputs drawn once per iteration for all variants.

Every variant is evaluated in every iteration with the same background draw (one draw per dataset, as
`montecarlo.sample_background` gives it: variants on the same background share it) and the same standard normal
for every line key they share (common random numbers), so the difference between two variants carries only the
uncertainty of what differs between them: a variant compared with itself differs by exactly zero in every draw.
Reported per variant against a reference: the delta's mean, median and 95 % interval, and the probability that the
variant is lower than the reference (the share of draws in which it is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.background import Background
from ..graph import ProductGraph
from ..matrices import ForegroundArrays
from ..methods import Method
from .background import uncertain_background
from .montecarlo import Draws, all_normals, compute, key_columns, sample_background
from .run import DEFAULT_SEED, needed_datasets, prepare_variant, supplier_spreads
from .summary import describe


@dataclass(frozen=True)
class VariantInput:
    """One variant as the Monte Carlo needs it: its graph, compiled foreground and static supply."""

    name: str
    graph: ProductGraph
    fg: ForegroundArrays
    supply: np.ndarray
    background: Background


@dataclass(frozen=True, eq=False)
class PairedResult:
    """Draws of every variant (kg CO2e per machine) from the same shared inputs."""

    names: tuple[str, ...]
    draws: tuple[Draws, ...]
    iterations: int
    seed: int
    pedigree: str

    def totals(self, name: str) -> np.ndarray:
        return self.draws[self.names.index(name)].total

    def delta(self, name: str, reference: str) -> np.ndarray:
        """Draw-by-draw difference variant - reference (kg CO2e per machine)."""
        return self.totals(name) - self.totals(reference)

    def probability_lower(self, name: str, reference: str) -> float:
        """Share of draws in which the variant's CFP is strictly lower than the reference's."""
        return float(np.mean(self.delta(name, reference) < 0))

    def table(self, reference: str) -> list[dict]:
        """Per variant: its CFP's statistics, the delta to the reference and P(variant < reference)."""
        out = []
        for name in self.names:
            delta = self.delta(name, reference)
            out.append({"name": name, "total_kg_co2e": describe(self.totals(name)),
                        "delta_kg_co2e": describe(delta), "probability_lower": self.probability_lower(name, reference),
                        "identical_in_every_draw": bool(np.all(delta == 0))})
        return out

    def to_dict(self, reference: str) -> dict:
        return {"method": "paired Monte Carlo: background drawn once per iteration for all variants, lines by "
                          "common random numbers (docs/uncertainty.md)",
                "iterations": self.iterations, "seed": self.seed, "pedigree": self.pedigree, "reference": reference,
                "variants": self.table(reference)}


def paired_monte_carlo(variants: list[VariantInput], method: Method, *, iterations: int,
                       seed: int = DEFAULT_SEED, pedigree: str = "ecoinvent3") -> PairedResult:
    """Draw every variant from the same inputs (see module docstring)."""
    models = [prepare_variant(v.graph, v.fg, v.supply, pedigree=pedigree) for v in variants]
    columns = key_columns(models)
    z_all = all_normals(seed, iterations, len(columns))  # the same normals as each variant would draw alone
    groups: dict[str, list[int]] = {}
    for k, v in enumerate(variants):  # variants on the same background share its draws
        groups.setdefault(v.background.content_hash or str(id(v.background)), []).append(k)
    draws: list[Draws | None] = [None] * len(variants)
    for members in groups.values():
        background = variants[members[0]].background
        spreads = {}
        for k in members:
            spreads.update(supplier_spreads(variants[k].graph))
        ub = uncertain_background(background, pedigree=pedigree, supplier_spreads=spreads)
        bg = sample_background(ub, background, method, needed_datasets([models[k] for k in members]),
                               iterations=iterations, seed=seed)
        for k in members:
            draws[k] = compute(models[k], bg, columns, seed, iterations, z_all)
    return PairedResult(tuple(v.name for v in variants), tuple(draws), iterations, seed, pedigree)
