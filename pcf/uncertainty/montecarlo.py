"""Monte Carlo of a footprint: the background drawn as bw2calc draws it, the foreground vectorised over iterations.

Per iteration:
* **background** — every exchange of the unit-process background is drawn with stats_arrays'
  `MCRandomNumberGenerator` seeded with `seed`, one generator per datapackage resource, exactly as bw2calc
  (`use_distributions=True, seed_override=seed`) draws the same datapackage (`UncertainBackground.datapackage`).
  One transposed sparse solve over the supply chain of the datasets used gives every dataset's characterised
  intensity (kg CO2e per reference unit) and its kWh of `electricity_factory`: **one draw per dataset and
  iteration**, shared by every line that uses it (so lines on the same dataset are fully correlated).
* **foreground** — every line's quantity is drawn from its distribution by the inverse CDF of a standard normal
  keyed by the line (common random numbers: the same line in two variants draws the same number). Supplies of the
  foreground nodes are propagated level by level (vectorised over iterations); a link then contributes
  `supply(parent) x amount x (intensity[dataset] + kWh[dataset] x intensity[grid])`, as in the static result.
With every distribution removed each draw equals the static result (tests/test_uncertainty.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..data.background import Background
from ..data.tables import FACTORY_ELECTRICITY
from ..errors import SolveError
from ..graph import ProductGraph
from ..matrices import ForegroundArrays
from ..methods import Method
from ..results import STAGES
from .background import UncertainBackground
from .distributions import as_stats_arrays, draw, uncertain
from .foreground import ForegroundSpreads

CHUNK = 200  # iterations computed at once (bounds memory at chunk x lines floats)


@dataclass(frozen=True)
class BackgroundDraws:
    """Per iteration and dataset (columns: `datasets`, background indices): characterised intensity in kg CO2e per
    reference unit (excluding biogenic removals: the headline basis, and including them: bw2calc's score basis)
    and kWh of electricity_factory per reference unit."""

    datasets: np.ndarray
    score: np.ndarray  # (iterations, n)
    score_with_removals: np.ndarray
    kwh: np.ndarray

    def columns(self, background_index: np.ndarray) -> np.ndarray:
        lookup = np.full(int(max(self.datasets.max(initial=0), background_index.max(initial=0))) + 1, -1)
        lookup[self.datasets] = np.arange(len(self.datasets))
        out = lookup[background_index]
        if np.any(out < 0):
            raise SolveError("a dataset used by the foreground was not drawn", expected="its supply chain drawn")
        return out


def characterisation(background: Background, method: Method) -> tuple[np.ndarray, np.ndarray]:
    """kg CO2e per kg of every flow: excluding biogenic removals (headline) and including them."""
    factors = method.factors_for(background.flow_keys)
    classes = method.classes_for(background.flow_keys)
    return factors * (classes != "biogenic_removal"), factors


class VectorDraws:
    """The draws of one datapackage vector, iteration after iteration, exactly as stats_arrays'
    `MCRandomNumberGenerator(params, seed)` gives them to bw2calc one `next()` at a time.

    When the vector holds only exact rows and unbounded lognormals (pcf's own background), a block of iterations is
    drawn at once from the generator's own `RandomState`: its lognormal draw is exp(loc + scale x z) with z the
    generator's next standard normals, so a block of k iterations is the next k x n normals of the same stream.
    Otherwise it falls back to `next()` per iteration.
    """

    def __init__(self, params: np.ndarray, data: np.ndarray, flip: np.ndarray | None, seed: int, use: np.ndarray):
        from stats_arrays import MCRandomNumberGenerator

        self.use = use  # the entries the caller needs (a boolean mask over the vector)
        self.sign = np.where(flip[use], -1.0, 1.0) if flip is not None else np.ones(int(use.sum()))
        self.exact = ~uncertain(params)
        self.data = data
        self.gen = MCRandomNumberGenerator(as_stats_arrays(params), seed=seed)
        kinds = set(np.unique(params["uncertainty_type"]).tolist())
        bounded = np.isfinite(params["minimum"]).any() or np.isfinite(params["maximum"]).any()
        self.bulk = kinds <= {0, 1, 2} and not bounded
        if self.bulk:
            sorted_params = self.gen.params  # sorted by uncertainty type, as the generator draws them
            logn = sorted_params["uncertainty_type"] == 2
            self.offset = int(np.argmax(logn)) if logn.any() else 0
            self.count = int(logn.sum())
            target = self.gen.ordering[self.offset:self.offset + self.count]  # original position of each draw
            position = np.full(len(params), -1)
            position[target] = np.arange(self.count)
            wanted = use & ~self.exact
            self.take = position[wanted]  # which draw feeds each needed uncertain entry
            self.wanted = wanted[use]
            lp = sorted_params[self.offset:self.offset + self.count][self.take]
            self.loc = lp["loc"].astype(np.float64)
            self.scale = lp["scale"].astype(np.float64)
            self.negative = np.where(lp["negative"], -1.0, 1.0)

    def block(self, k: int) -> np.ndarray:
        """The needed entries of the next k iterations (k, n_used), flip applied (bw2calc's matrix values)."""
        out = np.broadcast_to(self.data[self.use], (k, int(self.use.sum()))).copy()
        if self.bulk:
            if self.count:
                z = self.gen.random.standard_normal(size=(k, self.count))
                out[:, self.wanted] = self.negative * np.exp(self.loc + self.scale * z[:, self.take])
        else:
            for i in range(k):
                drawn = next(self.gen)
                out[i] = np.where(self.exact, self.data, drawn)[self.use]
        return out * self.sign


def sample_background(ub: UncertainBackground, background: Background, method: Method, needed, *,
                      iterations: int, seed: int, with_distributions: bool = True) -> BackgroundDraws:
    """Draw the background `iterations` times (bw2calc's semantics) and solve the supply chain of `needed`.

    Each iteration solves A^T u = r over the supply chain (A = I - T, T the drawn technosphere inputs) for three
    right-hand sides: the characterised biosphere (excluding, including removals) and the electricity_factory
    unit vector. Solved for a block of iterations at once by the fixed point u = r + T^T u (exact after as many
    steps as the longest input chain when there are no loops; loops converge geometrically), falling back to one
    sparse LU per iteration if that does not converge.
    """
    keys = [background.keys[i] for i in np.unique(np.asarray(needed, dtype=np.int64))]
    chain = np.array(sorted(background.index(k) for k in background.supply_chain(keys)), dtype=np.int64)
    m = len(chain)
    pos = np.full(background.size, -1, dtype=np.int64)
    pos[chain] = np.arange(m)
    t_row, t_col = ub.tech_indices["row"] - 1, ub.tech_indices["col"] - 1
    t_use = pos[t_col] >= 0
    if np.any(pos[t_row[t_use]] < 0):
        raise SolveError("the background's supply chain is not closed under its inputs")
    b_col, b_flow = ub.bio_indices["col"] - 1, ub.bio_indices["row"] - 1
    b_use = pos[b_col] >= 0
    c_excl, c_all = characterisation(background, method)
    rows, cols = pos[t_row[t_use]], pos[t_col[t_use]]
    diagonal = (rows == cols) & ~ub.tech_flip[t_use]
    if (not np.all(ub.tech_data[t_use][diagonal] == 1.0) or diagonal.sum() != m
            or np.any(uncertain(ub.tech_params[t_use][diagonal]))):
        raise SolveError("background production exchanges must be exactly 1")
    placeholder = np.zeros(m)
    if background.has(FACTORY_ELECTRICITY) and pos[background.index(FACTORY_ELECTRICITY)] >= 0:
        placeholder[pos[background.index(FACTORY_ELECTRICITY)]] = 1.0
    bio_sum = sp.csr_matrix((np.ones(int(b_use.sum())), (np.arange(int(b_use.sum())), pos[b_col[b_use]])),
                            shape=(int(b_use.sum()), m))
    w_excl, w_all = c_excl[b_flow[b_use]], c_all[b_flow[b_use]]
    off = ~diagonal
    in_rows, in_cols = rows[off], cols[off]
    to_col = sp.csr_matrix((np.ones(len(in_cols)), (np.arange(len(in_cols)), in_cols)), shape=(len(in_cols), m))

    if with_distributions:
        tech = VectorDraws(ub.tech_params, ub.tech_data, ub.tech_flip, seed, t_use)
        bio = VectorDraws(ub.bio_params, ub.bio_data, None, seed, b_use)
    out = np.empty((iterations, 3, m))
    for start in range(0, iterations, CHUNK):
        k = min(CHUNK, iterations - start)
        if with_distributions:
            tv, bv = tech.block(k), bio.block(k)
        else:
            tv = np.broadcast_to(ub.tech_data[t_use] * np.where(ub.tech_flip[t_use], -1.0, 1.0), (k, len(rows)))
            bv = np.broadcast_to(ub.bio_data[b_use], (k, int(b_use.sum())))
        rhs = np.stack([np.asarray(bio_sum.T @ (bv * w_excl).T).T, np.asarray(bio_sum.T @ (bv * w_all).T).T,
                        np.broadcast_to(placeholder, (k, m))], axis=1)  # (k, 3, m)
        inputs = -tv[:, off]  # T's values (drawn inputs, positive)
        out[start:start + k] = _fixed_point(rhs, inputs, in_rows, to_col) if len(in_rows) else rhs
        bad = ~np.isfinite(out[start:start + k]).all(axis=(1, 2))
        if bad.any():
            raise SolveError(f"a Monte Carlo draw of the background could not be solved ({int(bad.sum())} draws)")
    return BackgroundDraws(chain, out[:, 0, :], out[:, 1, :], out[:, 2, :])


MAX_STEPS = 2000


def _fixed_point(rhs: np.ndarray, inputs: np.ndarray, in_rows: np.ndarray, to_col) -> np.ndarray:
    """u = r + T^T u for every iteration of a block: u[c] = r[c] + sum over inputs (r -> c) of value x u[r]."""
    u = rhs.copy()
    k, n_rhs, m = rhs.shape
    weights = inputs[:, None, :]  # (k, 1, n_inputs)
    for _ in range(MAX_STEPS):
        flow = (u[:, :, in_rows] * weights).reshape(k * n_rhs, -1)
        new = rhs + np.asarray(flow @ to_col).reshape(k, n_rhs, m)
        if np.array_equal(new, u):
            return new
        scale = np.abs(new).max()
        if scale == 0 or np.abs(new - u).max() <= 1e-15 * scale:
            u = new
            flow = (u[:, :, in_rows] * weights).reshape(k * n_rhs, -1)
            return rhs + np.asarray(flow @ to_col).reshape(k, n_rhs, m)
        u = new
    return _lu_each(rhs, inputs, in_rows, to_col)


def _lu_each(rhs: np.ndarray, inputs: np.ndarray, in_rows: np.ndarray, to_col) -> np.ndarray:
    """One sparse LU per iteration (loops too strong for the fixed point to converge)."""
    k, _, m = rhs.shape
    in_cols = to_col.indices
    out = np.empty_like(rhs)
    for i in range(k):
        a_t = (sp.identity(m, format="csc")
               - sp.csc_matrix((inputs[i], (in_cols, in_rows)), shape=(m, m)))
        try:
            out[i] = splu(a_t.tocsc()).solve(rhs[i].T).T
        except RuntimeError as exc:
            raise SolveError(f"a Monte Carlo draw of the background is singular ({exc})") from None
    return out


@dataclass(frozen=True)
class ForegroundModel:
    """The arrays of one variant that the vectorised computation needs."""

    n_nodes: int
    edge_parent: np.ndarray
    edge_child: np.ndarray
    edge_params: np.ndarray
    edge_keys: tuple[str, ...]
    levels: tuple[np.ndarray, ...]  # edge indices grouped by their parent's level (parents' supplies final first)
    link_parent: np.ndarray
    link_dataset: np.ndarray  # background index
    link_grid: np.ndarray
    link_params: np.ndarray
    link_keys: tuple[str, ...]
    link_stage: np.ndarray  # index into `stages`
    stages: tuple[str, ...]
    static_supply: np.ndarray
    edge_static: np.ndarray  # the graph's piece counts
    link_static: np.ndarray  # the graph's link amounts

    @classmethod
    def build(cls, graph: ProductGraph, fg: ForegroundArrays, spreads: ForegroundSpreads,
              static_supply: np.ndarray) -> ForegroundModel:
        position = {node: i for i, node in enumerate(graph.order)}
        n = len(graph.order)
        parent = np.array([position[e[0]] for e in graph.edges], dtype=np.int64)
        child = np.array([position[e[1]] for e in graph.edges], dtype=np.int64)
        levels = edge_levels(n, parent, child)
        stage_names = [link.stage for link in graph.links]
        stages = tuple(s for s in STAGES) + tuple(sorted(set(stage_names) - set(STAGES)))
        stage_index = {s: i for i, s in enumerate(stages)}
        return cls(n, parent, child, spreads.edge_params, spreads.edge_keys, levels, fg.link_parent,
                   fg.link_dataset, fg.link_grid, spreads.link_params, spreads.link_keys,
                   np.array([stage_index[s] for s in stage_names], dtype=np.int64), stages,
                   np.asarray(static_supply, dtype=np.float64),
                   np.array([e[2] for e in graph.edges], dtype=np.float64), np.asarray(fg.link_amount, dtype=np.float64))

    @classmethod
    def of_arrays(cls, n_nodes: int, edges: tuple, edge_params: np.ndarray, edge_keys: tuple, links: dict,
                  link_params: np.ndarray, link_keys: tuple, stages: tuple[str, ...],
                  static_supply: np.ndarray) -> ForegroundModel:
        """A model from arrays (node positions, not names): edges = (parent, child, pieces); links: parent,
        dataset, grid, stage (index into `stages`), amount. Used for the lines a design variant changes."""
        parent, child, pieces = (np.asarray(a) for a in edges)
        # the levels serve drawn piece counts only (exact counts: the static supply is used as it is)
        levels = edge_levels(n_nodes, parent, child) if uncertain(edge_params).any() else ()
        return cls(n_nodes, parent.astype(np.int64), child.astype(np.int64), edge_params, tuple(edge_keys),
                   levels, links["parent"].astype(np.int64),
                   links["dataset"].astype(np.int64), links["grid"].astype(np.int64), link_params, tuple(link_keys),
                   links["stage"].astype(np.int64), stages, np.asarray(static_supply, dtype=np.float64),
                   pieces.astype(np.float64), links["amount"].astype(np.float64))

    def uncertain_keys(self) -> set[str]:
        return ({k for k, u in zip(self.edge_keys, uncertain(self.edge_params)) if u}
                | {k for k, u in zip(self.link_keys, uncertain(self.link_params)) if u})

    def supply(self, edge_values: np.ndarray | None) -> np.ndarray:
        """Supply of every node per iteration (chunk, n_nodes); the static supply when no count is uncertain."""
        if edge_values is None:
            return self.static_supply[None, :]
        s = np.zeros((edge_values.shape[0], self.n_nodes))
        s[:, 0] = 1.0
        for edges in self.levels:
            contrib = s[:, self.edge_parent[edges]] * edge_values[:, edges]
            scatter = sp.csr_matrix((np.ones(len(edges)), (self.edge_child[edges], np.arange(len(edges)))),
                                    shape=(self.n_nodes, len(edges)))
            s += (scatter @ contrib.T).T
        return s


def edge_levels(n: int, parent: np.ndarray, child: np.ndarray) -> tuple[np.ndarray, ...]:
    """Edge indices grouped by their parent's depth (node positions topological: every parent before its child)."""
    level = np.zeros(n, dtype=np.int64)
    for p, c in sorted(zip(np.asarray(parent).tolist(), np.asarray(child).tolist())):
        level[c] = max(level[c], level[p] + 1)
    edge_level = level[parent] if len(parent) else np.zeros(0, dtype=np.int64)
    return tuple(np.nonzero(edge_level == k)[0] for k in np.unique(edge_level))


@dataclass(frozen=True)
class Draws:
    """Monte Carlo draws of one variant: totals and stages (kg CO2e per machine), and the sampled inputs used for
    the sensitivity analysis."""

    total: np.ndarray  # (iterations,) excluding biogenic removals (the headline CFP)
    total_with_removals: np.ndarray  # (iterations,) bw2calc's score basis
    by_stage: np.ndarray  # (iterations, n_stages)
    stages: tuple[str, ...]
    link_multiplier: np.ndarray  # (iterations, n_links) drawn amount / static amount
    dataset_intensity: np.ndarray  # (iterations, n_used) kg CO2e per reference unit of each dataset used
    used_datasets: np.ndarray  # background indices of those columns


def key_columns(models, z_keys: list[str] | None = None) -> dict[str, int]:
    """One column of standard normals per uncertain key, over every variant (sorted: reproducible)."""
    keys = sorted(set().union(*(m.uncertain_keys() for m in models))) if z_keys is None else z_keys
    return {k: i for i, k in enumerate(keys)}


def normals(seed: int, iterations: int, n_keys: int):
    """Chunks of standard normals (chunk, n_keys), the same for every variant of a run with this seed."""
    rng = np.random.default_rng([seed, 20261127])
    for start in range(0, iterations, CHUNK):
        size = min(CHUNK, iterations - start)
        yield start, rng.standard_normal((size, n_keys))


def all_normals(seed: int, iterations: int, n_keys: int) -> np.ndarray:
    """Every chunk of `normals` at once (iterations, n_keys): drawn once and shared by the variants of a run."""
    return np.concatenate([z for _, z in normals(seed, iterations, n_keys)]) if iterations else \
        np.zeros((0, n_keys))


def compute(model: ForegroundModel, bg: BackgroundDraws, columns: dict[str, int], seed: int,
            iterations: int, z_all: np.ndarray | None = None) -> Draws:
    """Every iteration's total, stages and sampled inputs for one variant (background draws shared).

    z_all: the run's standard normals (`all_normals`), when several variants share them; else drawn here."""
    e_unc = np.nonzero(uncertain(model.edge_params))[0]
    l_unc = np.nonzero(uncertain(model.link_params))[0]
    e_cols = np.array([columns[model.edge_keys[i]] for i in e_unc], dtype=np.int64)
    l_cols = np.array([columns[model.link_keys[i]] for i in l_unc], dtype=np.int64)
    used = np.unique(model.link_dataset)
    u_cols = bg.columns(used)
    exact_amount = _exact_amounts(model.link_params)
    # links grouped by (dataset, grid, stage): a draw's score is sum over groups of
    # amount(group) x (intensity[dataset] + kWh[dataset] x intensity[grid]), one sparse sum over the links
    triples = np.stack([model.link_dataset, model.link_grid, model.link_stage], axis=1)
    groups, inverse = np.unique(triples, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    to_group = sp.csr_matrix((np.ones(len(inverse)), (inverse, np.arange(len(inverse)))),
                             shape=(len(groups), len(inverse)))
    gd, gg = bg.columns(groups[:, 0]), bg.columns(groups[:, 1])
    group_stage = np.zeros((len(groups), len(model.stages)))
    group_stage[np.arange(len(groups)), groups[:, 2]] = 1.0
    removals = not np.array_equal(bg.score_with_removals, bg.score)
    total = np.empty(iterations)
    total_all = np.empty(iterations)
    by_stage = np.empty((iterations, len(model.stages)))
    multiplier = np.empty((iterations, len(l_unc)))
    chunks = (normals(seed, iterations, len(columns)) if z_all is None else
              ((start, z_all[start:start + CHUNK]) for start in range(0, iterations, CHUNK)))
    for start, z in chunks:
        stop = start + z.shape[0]
        edge_values = None
        if len(e_unc):
            edge_values = np.broadcast_to(model.edge_params["loc"], (z.shape[0], len(model.edge_params))).copy()
            edge_values[:, e_unc] = draw(model.edge_params[e_unc], z[:, e_cols])
        links = np.broadcast_to(exact_amount, (z.shape[0], len(exact_amount))).copy()
        if len(l_unc):
            links[:, l_unc] = draw(model.link_params[l_unc], z[:, l_cols])
            multiplier[start:stop] = links[:, l_unc] / _median_amounts(model.link_params[l_unc])
        amount = model.supply(edge_values)[:, model.link_parent] * links
        grouped = np.asarray(to_group @ amount.T).T  # (chunk, groups) reference units per machine
        score, kwh = bg.score[start:stop], bg.kwh[start:stop]
        value = grouped * (score[:, gd] + kwh[:, gd] * score[:, gg])
        total[start:stop] = value.sum(axis=1)
        by_stage[start:stop] = value @ group_stage
        if removals:
            alls = bg.score_with_removals[start:stop]
            total_all[start:stop] = (grouped * (alls[:, gd] + kwh[:, gd] * alls[:, gg])).sum(axis=1)
        else:
            total_all[start:stop] = total[start:stop]
    return Draws(total, total_all, by_stage, model.stages, multiplier, bg.score[:, u_cols], used)


def _exact_amounts(params: np.ndarray) -> np.ndarray:
    return params["loc"].astype(np.float64).copy()


def _median_amounts(params: np.ndarray) -> np.ndarray:
    """The value a drawn amount is divided by to give its multiplier: the lognormal median, else the mode/mean
    (uniform: the midpoint)."""
    out = params["loc"].copy()
    logn = params["uncertainty_type"] == 2
    out[logn] = np.where(params["negative"][logn], -1.0, 1.0) * np.exp(params["loc"][logn])
    uni = params["uncertainty_type"] == 4
    out[uni] = (params["minimum"][uni] + params["maximum"][uni]) / 2
    return out
