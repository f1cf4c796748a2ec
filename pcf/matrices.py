"""Compile a product graph into bw_processing datapackages: plain arrays, one call per matrix, float64 throughout.

Foreground node i (in topological order) gets Brightway id FOREGROUND_ID_OFFSET + i; background dataset j keeps
its background id (j + 1). Every foreground node produces one unit of itself (diagonal 1); its inputs are its
child nodes (pieces) and background datasets (reference units), entered as positive amounts with flip=True.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._brightway import bw_processing as bwp
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY
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
    grid_index: int  # background index of the dataset supplying electricity_factory

    @property
    def functional_unit_id(self) -> int:
        return int(self.node_ids[0])


def _indices(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    out = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    out["row"] = rows
    out["col"] = cols
    return out


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
    return ForegroundArrays(node_ids, rows, cols, values, flip, l_parent, l_dataset, l_amount,
                            background.index(graph.grid))


def foreground_datapackage(fg: ForegroundArrays, background: Background, *, link_grid: bool) -> bwp.Datapackage:
    """The foreground as a datapackage; `link_grid` adds the exchange grid -> electricity_factory.

    The link is needed with the unit-process background only: the aggregated background has the grid already
    folded into its cumulative inventories.
    """
    rows, cols, values, flip = fg.rows, fg.cols, fg.values, fg.flip
    if link_grid and background.has(FACTORY_ELECTRICITY):
        rows = np.append(rows, background.dataset_ids[fg.grid_index])
        cols = np.append(cols, background.dataset_id(FACTORY_ELECTRICITY))
        values = np.append(values, 1.0)
        flip = np.append(flip, True)
    dp = bwp.create_datapackage(name="pcf-foreground", sequential=False)
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        name="foreground-technosphere",
        indices_array=_indices(rows, cols),
        data_array=values.astype(np.float64),
        flip_array=flip,
    )
    return dp


def aggregated_background_datapackage(background: Background, grid: str | None) -> bwp.Datapackage:
    """The background as system processes: one column per dataset, its cumulative inventory as biosphere."""
    cumulative = background.cumulative_with_grid(grid)
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
