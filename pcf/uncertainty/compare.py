"""Paired Monte Carlo of a design comparison (`pcf compare --uncertainty N`): every variant's BOM rebuilt into a
graph and drawn with the base from the same inputs (paired.py)."""

from __future__ import annotations

import numpy as np

from ..compare.base import CompiledBase
from ..compare.tables import Comparison
from ..graph import build_graph
from ..matrices import compile_foreground
from .montecarlo import ForegroundModel
from .paired import PairedResult, VariantInput, paired_monte_carlo
from .run import DEFAULT_SEED


def static_supply(graph, fg) -> np.ndarray:
    """Pieces of every foreground node per machine: the piece counts propagated from the machine down."""
    from .distributions import empty_params
    from .foreground import ForegroundSpreads

    edges = np.array([e[2] for e in graph.edges], dtype=np.float64)
    spreads = ForegroundSpreads(empty_params(edges), tuple(str(i) for i in range(len(edges))),
                                empty_params(fg.link_amount), (), ())
    model = ForegroundModel.build(graph, fg, spreads, np.zeros(len(graph.order)))
    return model.supply(edges[None, :])[0]


def variant_inputs(base: CompiledBase, comparison: Comparison) -> list[VariantInput]:
    """The base and every variant of a comparison as Monte Carlo inputs (graphs rebuilt from their BOMs)."""
    out = []
    for result in comparison.results:
        if result.system is base.system:
            graph, fg, supply = base.graph, base.fg, base.supply
        else:
            graph = build_graph(result.system, base.background, grid=result.electricity, family=base.family)
            fg = compile_foreground(graph, base.background)
            supply = static_supply(graph, fg)
        out.append(VariantInput(result.name, graph, fg, supply, base.background))
    return out


def comparison_monte_carlo(base: CompiledBase, comparison: Comparison, *, iterations: int,
                           seed: int = DEFAULT_SEED, pedigree: str = "ecoinvent3") -> PairedResult:
    """Paired draws of the base and every variant of `comparison`."""
    return paired_monte_carlo(variant_inputs(base, comparison), base.method, iterations=iterations, seed=seed,
                              pedigree=pedigree)
