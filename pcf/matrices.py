"""Compile a product graph into bw_processing datapackages: plain arrays, one call per matrix, float64 throughout.

Foreground node i (in topological order) gets Brightway id FOREGROUND_ID_OFFSET + i; background dataset j keeps
its background id (j + 1). Every foreground node produces one unit of itself (diagonal 1); its inputs are its
child nodes (pieces) and background datasets (reference units), entered as positive amounts with flip=True.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._brightway import bw_processing as bwp
from ._brightway import indices_array as _indices
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY
from .errors import DataError
from .graph import ProductGraph
from .methods import Method

FOREGROUND_ID_OFFSET = 10_000_000


@dataclass(frozen=True)
class ForegroundArrays:
    """The foreground technosphere as arrays, plus the link table the contributions are computed from."""

    node_ids: np.ndarray  # (n_fg,) Brightway ids, topological order
    rows: np.ndarray  # technosphere rows (product ids)
    cols: np.ndarray  # technosphere cols (activity ids)
    values: np.ndarray  # amounts, positive = input (flip=True) except the diagonal
    flip: np.ndarray
    link_parent: np.ndarray  # (n_links,) index of the parent foreground node
    link_dataset: np.ndarray  # (n_links,) index of the background dataset
    link_amount: np.ndarray  # (n_links,) reference units per unit of the parent (negative: credit)
    grid_index: int  # background index of the maker's factory grid
    link_grid: np.ndarray  # (n_links,) background index of the grid supplying the link's electricity_factory
    link_maker: np.ndarray  # (n_links,) bool: the link's electricity is the maker's (follows --grid)
    link_kwh: np.ndarray  # (n_links,) kWh of electricity_factory per unit of the parent
    edge_parent: np.ndarray  # (n_edges,) position of the consuming node (graph.edges order)
    edge_child: np.ndarray  # (n_edges,) position of the input node
    edge_amount: np.ndarray  # (n_edges,) pieces of the child per piece of the parent

    @property
    def functional_unit_id(self) -> int:
        return int(self.node_ids[0])


def compile_foreground(graph: ProductGraph, background: Background) -> ForegroundArrays:
    """Arrays of the foreground technosphere: production diagonal, foreground inputs and background inputs."""
    position = {node: i for i, node in enumerate(graph.order)}
    n = len(graph.order)
    node_ids = np.arange(n, dtype=np.int64) + FOREGROUND_ID_OFFSET

    e_parent = np.fromiter((position[e[0]] for e in graph.edges), dtype=np.int64, count=len(graph.edges))
    e_child = np.fromiter((position[e[1]] for e in graph.edges), dtype=np.int64, count=len(graph.edges))
    e_amount = np.fromiter((e[2] for e in graph.edges), dtype=np.float64, count=len(graph.edges))

    index = background._index()
    l_parent = np.fromiter((position[link.parent] for link in graph.links), dtype=np.int64, count=len(graph.links))
    l_dataset = np.fromiter((index[link.dataset] for link in graph.links), dtype=np.int64, count=len(graph.links))
    l_amount = np.fromiter((link.amount for link in graph.links), dtype=np.float64, count=len(graph.links))

    rows = np.concatenate([node_ids, node_ids[e_child], background.dataset_ids[l_dataset]])
    cols = np.concatenate([node_ids, node_ids[e_parent], node_ids[l_parent]])
    values = np.concatenate([np.ones(n), e_amount, l_amount])
    flip = np.concatenate([np.zeros(n, dtype=bool), np.ones(len(e_amount) + len(l_amount), dtype=bool)])
    # no factory grid (a materials-only BOM): no maker's link draws electricity (build_graph checked), any index will do
    grid_index = background.index(graph.grid) if graph.grid is not None else 0
    l_maker = np.fromiter((link.grid is None for link in graph.links), dtype=bool, count=len(graph.links))
    l_grid = np.fromiter((grid_index if link.grid is None else index[link.grid] for link in graph.links),
                         dtype=np.int64, count=len(graph.links))
    l_kwh = l_amount * background.factory_electricity_kwh[l_dataset]
    fe_of_grid = background.factory_electricity_kwh[l_grid[l_kwh != 0.0]]
    if np.any(fe_of_grid != 0.0):
        bad = background.keys[int(l_grid[l_kwh != 0.0][np.nonzero(fe_of_grid)[0][0]])]
        raise DataError(f"grid dataset '{bad}' itself uses {FACTORY_ELECTRICITY}", expected="a grid dataset")
    return ForegroundArrays(node_ids, rows, cols, values, flip, l_parent, l_dataset, l_amount, grid_index,
                            l_grid, l_maker, l_kwh, e_parent, e_child, e_amount)


def grid_exchanges(fg: ForegroundArrays, background: Background) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The explicit exchanges grid -> parent node of every link's electricity_factory demand (rows, cols, kWh).

    With them, the background is used with electricity_factory left free: each link's kWh are supplied by the
    grid of the site that does the work (pcf/electricity.py), not by one grid for the whole supply chain.
    """
    used = fg.link_kwh != 0.0
    return (background.dataset_ids[fg.link_grid[used]], fg.node_ids[fg.link_parent[used]], fg.link_kwh[used])


def foreground_datapackage(fg: ForegroundArrays, background: Background) -> bwp.Datapackage:
    """The foreground as a datapackage, with the explicit grid exchanges of `grid_exchanges`."""
    g_rows, g_cols, g_vals = grid_exchanges(fg, background)
    rows = np.concatenate([fg.rows, g_rows])
    cols = np.concatenate([fg.cols, g_cols])
    values = np.concatenate([fg.values, g_vals])
    flip = np.concatenate([fg.flip, np.ones(len(g_vals), dtype=bool)])
    dp = bwp.create_datapackage(name="pcf-foreground", sequential=False)
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        name="foreground-technosphere",
        indices_array=_indices(rows, cols),
        data_array=values.astype(np.float64),
        flip_array=flip,
    )
    return dp


def aggregated_background_datapackage(background: Background) -> bwp.Datapackage:
    """The background as system processes: one column per dataset, its cumulative inventory as biosphere
    (electricity_factory left free: the foreground supplies it through explicit grid exchanges)."""
    cumulative = background.cumulative
    ids = background.dataset_ids
    d_rows, f_cols = np.nonzero(cumulative)
    dp = bwp.create_datapackage(name="pcf-background-aggregated", sequential=False)
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        name="background-system-processes",
        indices_array=_indices(ids, ids),
        data_array=np.ones(len(ids)),
        flip_array=np.zeros(len(ids), dtype=bool),
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        name="background-cumulative-biosphere",
        indices_array=_indices(background.flow_ids[f_cols], ids[d_rows]),
        data_array=cumulative[d_rows, f_cols].astype(np.float64),
    )
    return dp


def characterization_datapackage(background: Background, method: Method) -> bwp.Datapackage:
    """Characterisation factors (kg CO2e per kg of gas) on the background's flow ids."""
    factors = method.factors_for(background.flow_keys)
    nonzero = np.nonzero(factors)[0]
    dp = bwp.create_datapackage(name=f"pcf-{method.name}", sequential=False)
    dp.add_persistent_vector(
        matrix="characterization_matrix",
        name=method.name,
        indices_array=_indices(background.flow_ids[nonzero], np.zeros(len(nonzero), dtype=np.int64)),
        data_array=factors[nonzero],
        global_index=0,
    )
    return dp
