"""Monte Carlo of one footprint: distributions on every exchange, draws, statistics and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..bom.models import Component
from ..data.background import Background
from ..graph import ProductGraph
from ..matrices import ForegroundArrays
from ..methods import Method
from .background import uncertain_background
from .foreground import estimate_methods, foreground_spreads
from .montecarlo import Draws, ForegroundModel, compute, key_columns, sample_background
from .sensitivity import DRIVER_SHARE, contribution_to_variance
from .summary import describe

DEFAULT_SEED = 0


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Monte Carlo of one machine's CFP (kg CO2e per machine, excluding biogenic removals)."""

    iterations: int
    seed: int
    pedigree: str
    static_total: float
    draws: Draws
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: dict = field(default_factory=dict)  # count of exchanges by where their spread comes from
    explained_variance: float = 0.0  # R^2 of the sensitivity regression

    @property
    def total(self) -> dict:
        return describe(self.draws.total)

    def by_stage(self) -> dict:
        return {s: describe(self.draws.by_stage[:, i]) for i, s in enumerate(self.draws.stages)
                if np.any(self.draws.by_stage[:, i] != 0)}

    def drivers(self) -> list[str]:
        """The fewest inputs whose contributions to variance sum to DRIVER_SHARE."""
        if self.sensitivity.empty:
            return []
        return list(self.sensitivity.loc[self.sensitivity["drives_90_percent"], "input"])

    def statement(self) -> str:
        """One line for summaries and PACT comments."""
        t = self.total
        return (f"Monte Carlo ({self.iterations} iterations, seed {self.seed}, pedigree '{self.pedigree}'): mean "
                f"{t['mean']:,.1f}, median {t['median']:,.1f}, 95 % interval {t['p2_5']:,.1f} to {t['p97_5']:,.1f} "
                "kg CO2e per machine")

    def to_dict(self) -> dict:
        return {
            "method": "Monte Carlo: background as bw2calc draws it (stats_arrays, seed), foreground lines by common "
                      "random numbers; docs/uncertainty.md",
            "iterations": self.iterations, "seed": self.seed, "pedigree": self.pedigree,
            "static_total_kg_co2e": self.static_total,
            "total_kg_co2e": self.total, "by_stage": self.by_stage(), "statement": self.statement(),
            "spread_sources": self.sources,
            "sensitivity": {"measure": "contribution to variance: squared Spearman rank correlation with the total, "
                                       "normalised over the inputs kept by first-order screening; standardised "
                                       "regression coefficients (src) and the regression's R^2 beside it",
                            "explained_variance_r2": self.explained_variance,
                            "driver_share": DRIVER_SHARE, "drivers": self.drivers(),
                            "inputs": self.sensitivity.to_dict(orient="records")},
        }


def supplier_spreads(graph) -> dict:
    """{supplier:<line id>: (Spread, stated kg CO2e per unit or None)} of supplier figures with a spread, in a
    ProductGraph's system or a ProductSystem."""
    return supplier_spreads_of(getattr(graph, "system", graph).all_lines())


def supplier_spreads_of(lines) -> dict:
    """As `supplier_spreads`, over some BOM lines."""
    out = {}
    for line in lines:
        fp = getattr(line, "supplier_footprint", None) if isinstance(line, Component) else None
        if fp is not None and fp.uncertainty is not None:
            out[f"supplier:{line.id}"] = (fp.uncertainty, fp.kg_co2e_per_unit)
    return out


def prepare_variant(graph: ProductGraph, fg: ForegroundArrays, supply: np.ndarray, *, intake_lines=None,
                    pedigree: str = "ecoinvent3") -> ForegroundModel:
    spreads = foreground_spreads(graph, estimates=estimate_methods(intake_lines), pedigree=pedigree)
    return ForegroundModel.build(graph, fg, spreads, supply)


def needed_datasets(models) -> np.ndarray:
    return np.unique(np.concatenate([np.concatenate([m.link_dataset, m.link_grid]) for m in models]))


def footprint_monte_carlo(graph: ProductGraph, fg: ForegroundArrays, background: Background, method: Method,
                          supply: np.ndarray, *, iterations: int, seed: int = DEFAULT_SEED,
                          pedigree: str = "ecoinvent3", intake_lines=None, static_total: float = float("nan"),
                          background_distributions: bool = True,
                          foreground_distributions: bool = True) -> UncertaintyResult:
    """Monte Carlo of one machine (see montecarlo.py). Without distributions (background, foreground or both)
    those inputs keep their static amounts in every draw: with neither, every draw is the static result."""
    spreads = foreground_spreads(graph, estimates=estimate_methods(intake_lines), pedigree=pedigree)
    model = ForegroundModel.build(graph, fg, spreads, supply)
    model_sources = list(spreads.link_source)
    if not foreground_distributions:
        model = _without_distributions(model)
    ub = uncertain_background(background, pedigree=pedigree, supplier_spreads=supplier_spreads(graph))
    bg = sample_background(ub, background, method, needed_datasets([model]), iterations=iterations, seed=seed,
                           with_distributions=background_distributions)
    draws = compute(model, bg, key_columns([model]), seed, iterations)
    sources = {"background": pd.Series(np.concatenate([ub.tech_source, ub.bio_source])).value_counts().to_dict()}
    sources["foreground"] = pd.Series(model_sources).value_counts().to_dict()
    sensitivity, r2 = sensitivity_table(draws, model, graph, background)
    return UncertaintyResult(iterations, seed, pedigree, static_total, draws, sensitivity,
                             {k: {str(a): int(b) for a, b in v.items()} for k, v in sources.items()}, r2)


def _without_distributions(model: ForegroundModel) -> ForegroundModel:
    from dataclasses import replace

    from .distributions import empty_params

    return replace(model, edge_params=empty_params(model.edge_static), link_params=empty_params(model.link_static))


def sensitivity_table(draws: Draws, model: ForegroundModel, graph: ProductGraph, background: Background
                      ) -> tuple[pd.DataFrame, float]:
    """Contribution to variance of the dataset intensities and the lines' quantities (sensitivity.py), screened by
    their first-order variance: (static contribution)^2 x var(relative draw)."""
    intensity = draws.dataset_intensity
    mean_intensity = intensity.mean(axis=0)
    amount = model.static_supply[model.link_parent] * model.link_static  # reference units per machine
    column = {d: k for k, d in enumerate(draws.used_datasets)}
    dataset_amount = np.zeros(len(draws.used_datasets))
    np.add.at(dataset_amount, [column[d] for d in model.link_dataset], amount)
    labels = [f"dataset {background.keys[i]}" for i in draws.used_datasets]
    inputs = [intensity]
    weights = [(dataset_amount ** 2) * intensity.var(axis=0)]
    l_unc = np.nonzero(model.link_params["uncertainty_type"] > 1)[0]
    if len(l_unc):
        link_score = amount[l_unc] * mean_intensity[[column[d] for d in model.link_dataset[l_unc]]]
        weights.append(link_score ** 2 * draws.link_multiplier.var(axis=0))
        labels += [f"line {graph.links[k].line_id} ({graph.links[k].dataset})" for k in l_unc]
        inputs.append(draws.link_multiplier)
    return contribution_to_variance(draws.total, np.column_stack(inputs), labels, np.concatenate(weights))
