"""The plain bw2calc Monte Carlo of a footprint, as the reference the vectorised path is tested against.

The foreground over the uncertain unit-process background in a stock `bw2calc.LCA` with `use_distributions=True`
and `seed_override`: bw2calc draws every background exchange itself and re-solves the whole system per iteration
(slow: for tests and small systems). The foreground is given either with its distributions (bw2calc draws them
too: statistically, not draw for draw, equal to pcf's common random numbers) or as fixed amounts.
"""

from __future__ import annotations

import numpy as np

from .._brightway import bw2calc as bc
from .._brightway import bw_processing as bwp
from ..data.background import Background
from ..matrices import ForegroundArrays, _indices, grid_exchanges
from ..methods import Method
from ..solve import _characterization
from .background import UncertainBackground
from .distributions import as_stats_arrays, empty_params
from .foreground import ForegroundSpreads


def foreground_datapackage(fg: ForegroundArrays, background: Background,
                           spreads: ForegroundSpreads | None) -> bwp.Datapackage:
    """The foreground (diagonal, piece counts, links, grid exchanges) with the lines' distributions, if given."""
    g_rows, g_cols, g_vals = grid_exchanges(fg, background)
    n, n_links = len(fg.node_ids), len(fg.link_amount)
    rows = np.concatenate([fg.rows, g_rows])
    cols = np.concatenate([fg.cols, g_cols])
    values = np.concatenate([fg.values, g_vals])
    flip = np.concatenate([fg.flip, np.ones(len(g_vals), dtype=bool)])
    extra = {}
    if spreads is not None:
        n_edges = len(fg.values) - n - n_links
        params = np.concatenate([empty_params(np.ones(n)), spreads.edge_params[:n_edges], spreads.link_params,
                                 empty_params(g_vals)])
        extra["distributions_array"] = as_stats_arrays(params)
    dp = bwp.create_datapackage(name="pcf-foreground-uncertain", sequential=False)
    dp.add_persistent_vector(matrix="technosphere_matrix", name="foreground-technosphere",
                             indices_array=_indices(rows, cols), data_array=values, flip_array=flip, **extra)
    return dp


def bw2calc_monte_carlo(fg: ForegroundArrays, background: Background, method: Method, ub: UncertainBackground, *,
                        iterations: int, seed: int, spreads: ForegroundSpreads | None = None) -> np.ndarray:
    """bw2calc's score (kg CO2e, biogenic removals included) in each of `iterations` draws."""
    packages = [ub.datapackage(), foreground_datapackage(fg, background, spreads),
                _characterization(background, method)]
    lca = bc.LCA({fg.functional_unit_id: 1.0}, data_objs=packages, use_distributions=True, seed_override=seed)
    lca.lci()
    lca.lcia()
    scores = [float(lca.score)]
    for _ in range(iterations - 1):
        next(lca)
        scores.append(float(lca.score))
    return np.array(scores)
