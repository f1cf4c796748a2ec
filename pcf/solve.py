"""Solving with bw2calc.

Two solvers give the same numbers (tests hold them to 1e-9):

* ``structured`` (default): the foreground datapackage over the *aggregated* background (one system process per
  dataset, its cumulative inventory solved once per background). That technosphere is a DAG, so `TreeLCA`, a
  bw2calc `LCA` with its linear solve replaced by a permuted triangular solve, is exact and takes milliseconds at
  100k nodes, where SuperLU takes seconds.
* ``brightway``: the plain Brightway path, the foreground over the unit-process background (loops included) in a
  stock `bw2calc.LCA` with its default solver.

In both, `electricity_factory` is left free in the background and every foreground link's kWh of it are supplied
by an explicit exchange from the grid of the site that does the work (`matrices.grid_exchanges`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve_triangular

from ._brightway import bw2calc as bc
from .data.background import Background, Passenger
from .errors import SolveError
from .matrices import (
    ForegroundArrays,
    aggregated_background_datapackage,
    characterization_datapackage,
    foreground_datapackage,
)
from .methods import Method

log = logging.getLogger(__name__)
SOLVERS = ("structured", "brightway")


class TreeLCA(bc.LCA):
    """A bw2calc LCA whose technosphere is acyclic: solved by a triangular solve in topological order.

    `order_ids` lists node ids (each both an activity and its product) with every consumer before its inputs;
    ids not listed (the aggregated background) follow. If the permuted matrix is not triangular, the stock
    bw2calc solver is used, so the result is always correct.

    Only the permutation (structure) is cached, per loaded matrix. The permuted matrix is rebuilt, and a stock
    factorisation dropped, whenever the technosphere's values change: after `next()` (Monte Carlo, array
    datapackages), after the matrix is edited in place or replaced.
    """

    def __init__(self, *args, order_ids: np.ndarray, **kwargs):
        super().__init__(*args, **kwargs)
        self._order_ids = np.asarray(order_ids)

    def _permutation(self) -> np.ndarray | None:
        """Row/column order that makes the technosphere lower triangular, cached per loaded `technosphere_mm`."""
        owner = getattr(self, "technosphere_mm", None)
        cached = self.__dict__.get("_perm_cache")
        if cached is not None and cached[0] is owner:
            return cached[1]
        act, prod = self.dicts.activity, self.dicts.product
        listed = [act[i] for i in self._order_ids.tolist()]
        perm = None
        if [prod[i] for i in self._order_ids.tolist()] == listed:
            rest = np.setdiff1d(np.arange(len(act)), listed, assume_unique=False)
            perm = np.concatenate([np.asarray(listed, dtype=np.int64), rest])
        self._perm_cache = (owner, perm)
        return perm

    def _lower(self) -> sp.csr_matrix | None:
        """The permuted lower-triangular technosphere of the current values, or None to use the stock solver."""
        matrix = self.technosphere_matrix.tocsr()
        seen = self.__dict__.get("_lower_cache")
        if seen is not None and seen[0] is self.technosphere_matrix and _same_csr(seen[1], matrix):
            return seen[2]
        if seen is not None:
            self.__dict__.pop("solver", None)  # a factorisation of the old values is stale too
        perm = self._permutation()
        lower = None
        if perm is not None:
            permuted = matrix[perm][:, perm]
            if not sp.triu(permuted, 1).nnz:
                lower = permuted.tocsr()
        self._lower_cache = (self.technosphere_matrix, matrix.copy(), lower)
        return lower

    def decompose_technosphere(self) -> None:
        if self._lower() is None:
            log.info("technosphere not triangular in the given order: bw2calc's sparse LU is used")
            super().decompose_technosphere()

    def solve_linear_system(self, demand: np.ndarray | None = None) -> np.ndarray:
        demand = self.demand_array if demand is None else demand
        lower = self._lower()
        if lower is None:
            log.debug("technosphere not triangular in the given order: bw2calc's solver is used")
            return super().solve_linear_system(demand)
        perm = self._permutation()
        x = np.empty_like(demand, dtype=np.float64)
        x[perm] = triangular_solve(lower, demand[perm], lower=True)
        return x


def triangular_solve(matrix: sp.spmatrix, rhs: np.ndarray, *, lower: bool) -> np.ndarray:
    """x with `matrix @ x = rhs` for a sparse triangular matrix (lower or upper), in float64.

    The one triangular solve of pcf: the structured solver's permuted technosphere, the foreground supply of a
    design variant and the per-piece scores of every foreground node all go through it. A zero on the diagonal
    (a node that produces nothing) raises numpy's LinAlgError.
    """
    return spsolve_triangular(sp.csr_matrix(matrix), np.asarray(rhs, dtype=np.float64), lower=lower)


def _same_csr(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    """Same shape, structure and values (O(nnz), far cheaper than a solve)."""
    return (a.shape == b.shape and a.nnz == b.nnz and np.array_equal(a.indptr, b.indptr)
            and np.array_equal(a.indices, b.indices) and np.array_equal(a.data, b.data))


@dataclass(frozen=True)
class Solution:
    """What the results need from a solve: supply of every foreground node and bw2calc's score."""

    supply: np.ndarray  # (n_fg,) units of each foreground node per functional unit
    score: float  # bw2calc's characterised score, biogenic removals included
    solver: str
    lca: bc.LCA


@lru_cache(maxsize=16)
def _aggregated(background: Background):
    return aggregated_background_datapackage(background)


def _characterization(background: Background, method: Method):
    """The characterisation datapackage, cached on (background content hash, method name): `get_method` builds a
    new `Method` per call, so a cache keyed on the objects would never hit."""
    if not background.content_hash:
        return characterization_datapackage(background, method)
    return _characterization_cached(background.content_hash, method.name, Passenger(background, method))


@lru_cache(maxsize=16)
def _characterization_cached(content_hash: str, method_name: str, carrier: Passenger):
    return characterization_datapackage(*carrier.objects)


def solve(fg: ForegroundArrays, background: Background, method: Method, *, solver: str = "structured") -> Solution:
    """Solve the foreground for one functional unit with bw2calc."""
    demand = {fg.functional_unit_id: 1.0}
    if solver == "structured":
        packages = [
            foreground_datapackage(fg, background),
            _aggregated(background),
            _characterization(background, method),
        ]
        lca = TreeLCA(demand, data_objs=packages, order_ids=fg.node_ids)
    elif solver == "brightway":
        packages = [
            background.unit_process_datapackage(),
            foreground_datapackage(fg, background),
            _characterization(background, method),
        ]
        lca = bc.LCA(demand, data_objs=packages)
    else:
        raise SolveError(f"unknown solver '{solver}'", expected=" or ".join(SOLVERS))
    try:
        lca.lci()
    except np.linalg.LinAlgError as exc:  # the triangular solve of a foreground node that produces nothing
        raise SolveError(f"the product system could not be solved ({exc})") from exc
    lca.lcia()
    cols = np.fromiter((lca.dicts.activity[i] for i in fg.node_ids.tolist()), dtype=np.int64, count=len(fg.node_ids))
    supply = np.asarray(lca.supply_array, dtype=np.float64)[cols]
    if not np.all(np.isfinite(supply)):
        raise SolveError("the product system could not be solved (non-finite supply)")
    return Solution(supply=supply, score=float(lca.score), solver=solver, lca=lca)
