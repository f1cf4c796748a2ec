"""Contributions: every breakdown of a solved product system, from arrays, in one place.

Given the supply of every foreground node (units per machine), the links (one row per use of a background dataset
by a foreground node), the foreground edges and the background's cumulative inventories, `contributions` returns
the footprint split by GHG class, stage, module, material, line, dataset, gas, GWP basis and foreground node
(kg CO2e per machine), as immutable objects. `pcf.results` (the engine's Result) and the design comparator's fast
path (`pcf.compare.evaluation`) both use it, so a breakdown is defined once.

Conventions: kg CO2e per machine, excluding biogenic CO2 uptake (removals are kept apart, <= 0); a link's
reference unit carries its dataset's own cradle-to-gate inventory plus its kWh of `electricity_factory` times the
inventory of the grid of the site that does the work (pcf/electricity.py). Node 0 is the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .bom.models import Stage
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY, GHG_CLASSES
from .methods import Method
from .solve import triangular_solve

CLASSES = GHG_CLASSES  # the GHG classes of lci_data's flows
STAGES = tuple(stage.value for stage in Stage)  # the BOM's life-cycle stages, in report order
REMOVAL = CLASSES.index("biogenic_removal")
SHARED_MODULE = "(shared subassembly)"  # a link of the machine's own lines with no module
# relative tolerance between two computations of one total (contributions vs bw2calc; fast path vs engine)
CONSISTENCY_RTOL = 1e-9


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class UnitScores:
    """kg CO2e per reference unit of every background dataset by GHG class (datasets x CLASSES), with
    electricity_factory left free (a link adds its kWh times its grid's scores)."""

    by_class: np.ndarray

    @property
    def excluding_removals(self) -> np.ndarray:
        """(datasets,) kg CO2e per reference unit, biogenic uptake not counted."""
        return self.by_class.sum(axis=1) - self.by_class[:, REMOVAL]

    @property
    def removals(self) -> np.ndarray:
        """(datasets,) kg CO2e of biogenic uptake per reference unit (<= 0)."""
        return self.by_class[:, REMOVAL]


def class_matrix(method: Method, flow_keys) -> np.ndarray:
    """(flows, CLASSES) kg CO2e per kg of every flow, in the column of its GHG class."""
    factors = method.factors_for(flow_keys)
    classes = method.classes_for(flow_keys)
    onehot = np.array([[c == k for k in CLASSES] for c in classes], dtype=np.float64).reshape(-1, len(CLASSES))
    return factors[:, None] * onehot


def unit_scores(background: Background, method: Method, cumulative: np.ndarray | None = None) -> UnitScores:
    """kg CO2e per reference unit of every dataset by class, from its cumulative inventory (kg per unit)."""
    cumulative = background.cumulative if cumulative is None else cumulative
    return UnitScores(_frozen(cumulative @ class_matrix(method, background.flow_keys)))


def per_kg_scores(background: Background, unit_score: np.ndarray, keys) -> dict[str, float]:
    """kg CO2e per kg of every per-kg dataset among `keys` (in the order given; other keys are left out):
    `unit_score` (datasets,) kg CO2e per reference unit of its own inventory, plus its kWh of electricity_factory
    times the same score of the grid of its geography (as for a material, pcf.electricity)."""
    from .electricity import resolver

    out = {}
    for key in dict.fromkeys(keys):
        if not background.has(key) or background.units.get(key) != "kg":
            continue
        i = background.index(key)
        value = float(unit_score[i])
        kwh = float(background.factory_electricity_kwh[i])
        if kwh:
            home, _ = resolver(background).home_grid(key)
            if background.has(home):
                value += kwh * float(unit_score[background.index(home)])
        out[key] = value
    return out


@dataclass(frozen=True, eq=False)
class Labels:
    """A label per link as integer codes into `names` (for bincount aggregation)."""

    codes: np.ndarray  # (links,) int64
    names: tuple

    @classmethod
    def of(cls, values: Sequence) -> "Labels":
        names: dict = {}
        codes = np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int64, count=len(values))
        return cls(codes, tuple(names))


@dataclass(frozen=True, eq=False)
class Links:
    """One row per use of a background dataset by a foreground node."""

    parent: np.ndarray  # (links,) position of the using node (0: the machine)
    dataset: np.ndarray  # (links,) background index
    amount: np.ndarray  # (links,) reference units per unit of the parent (negative: a credit)
    grid: np.ndarray  # (links,) background index of the grid supplying the link's electricity_factory
    stage: Labels
    module: Labels  # None: a link below the machine's own lines (reported as SHARED_MODULE at the machine)
    material: Labels
    line: Labels  # BOM line id


@dataclass(frozen=True, eq=False)
class Edges:
    """Foreground edges: `amount` pieces of `child` per piece of `parent` (positions in topological order)."""

    parent: np.ndarray
    child: np.ndarray
    amount: np.ndarray
    line: np.ndarray  # (edges,) BOM line id of every edge (object)


def foreground_matrix(n: int, edges: Edges) -> sp.csr_matrix:
    """(I - Q) of the foreground, Q[child, parent] = pieces: lower triangular in topological order."""
    diagonal = np.arange(n)
    return sp.csr_matrix((np.concatenate([np.ones(n), -edges.amount]),
                          (np.concatenate([diagonal, edges.child]), np.concatenate([diagonal, edges.parent]))),
                         shape=(n, n))


def foreground_supply(n: int, edges: Edges, matrix: sp.csr_matrix | None = None) -> np.ndarray:
    """Units of every foreground node per machine: (I - Q) s = e_0."""
    demand = np.zeros(n)
    demand[0] = 1.0
    return triangular_solve(foreground_matrix(n, edges) if matrix is None else matrix, demand, lower=True)


@dataclass(frozen=True, eq=False)
class Breakdown:
    """kg CO2e per machine by a key; the values sum to the total (or to the part of it the key covers)."""

    keys: tuple
    kg_co2e: np.ndarray

    def to_series(self) -> pd.Series:
        return pd.Series(np.asarray(self.kg_co2e, dtype=np.float64), index=pd.Index(list(self.keys), dtype=object),
                         dtype="float64")

    def sorted(self) -> "Breakdown":
        """Largest first (ties in key order)."""
        order = sorted(range(len(self.keys)), key=lambda k: (-self.kg_co2e[k], str(self.keys[k])))
        return Breakdown(tuple(self.keys[k] for k in order), _frozen(self.kg_co2e[order]))


@dataclass(frozen=True, eq=False)
class DatasetBreakdown:
    """By background dataset as reported (the electricity_factory placeholder as the grid that supplied it)."""

    index: np.ndarray  # (used,) background index, largest kg CO2e first
    keys: tuple
    amount_per_machine: np.ndarray  # reference units per machine
    kg_co2e: np.ndarray


@dataclass(frozen=True, eq=False)
class GasBreakdown:
    """By elementary flow: kg of the gas per machine and its kg CO2e (all flows of the background)."""

    flow_keys: tuple
    kg: np.ndarray
    kg_co2e: np.ndarray


@dataclass(frozen=True, eq=False)
class Contributions:
    """Every breakdown of one machine's footprint (kg CO2e per machine)."""

    total_kg_co2e: float  # excluding biogenic uptake
    removals_kg_co2e: float  # biogenic uptake (<= 0)
    by_class: Breakdown  # CLASSES, removals included as their own class
    per_machine: np.ndarray  # (links,) reference units of the link's dataset per machine
    link_kwh: np.ndarray  # (links,) kWh of electricity_factory per machine
    link_kg_co2e: np.ndarray  # (links,) excluding biogenic uptake
    link_removals_kg_co2e: np.ndarray  # (links,)
    link_unit_kg_co2e: np.ndarray  # (links,) per reference unit, excluding biogenic uptake
    reported_dataset: np.ndarray  # (links,) background index the link is reported under
    by_stage: Breakdown  # STAGES first (0 when unused), then any other stage
    by_module: Breakdown  # largest first
    by_material: Breakdown  # largest first
    by_line: Breakdown  # in order of first appearance
    by_dataset: DatasetBreakdown
    node_unit_kg_co2e: np.ndarray  # (nodes,) cradle-to-gate kg CO2e per piece of every foreground node
    by_gas: GasBreakdown | None
    by_basis: Breakdown | None  # GWP basis -> kg CO2e (the method's own set first)


def reported_datasets(background: Background, link_dataset: np.ndarray, link_grid: np.ndarray) -> np.ndarray:
    """The dataset each link is reported under: its own, except a link to the `electricity_factory` placeholder
    (1 kWh of factory electricity, no inventory of its own), which is reported as the grid that supplied it, with
    that grid's source, year and data-quality ratings."""
    if not background.has(FACTORY_ELECTRICITY):
        return link_dataset
    return np.where(link_dataset == background.index(FACTORY_ELECTRICITY), link_grid, link_dataset)


def _sum_by(labels: Labels, weights: np.ndarray) -> tuple[tuple, np.ndarray]:
    """(names present, their sums) in code order."""
    k = len(labels.names)
    sums = np.bincount(labels.codes, weights=weights, minlength=k)
    present = np.bincount(labels.codes, minlength=k) > 0
    return tuple(labels.names[i] for i in np.nonzero(present)[0]), sums[present]


def contributions(
    supply: np.ndarray,
    links: Links,
    edges: Edges,
    background: Background,
    method: Method,
    *,
    scores: UnitScores | None = None,
    matrix: sp.csr_matrix | None = None,
    gases: bool = True,
) -> Contributions:
    """Every breakdown of the footprint from the solved supply (units of every node per machine).

    scores: the background's unit scores (computed when not given); matrix: the foreground's (I - Q) when the
    caller has it; gases: also the split by elementary flow and by GWP basis (the comparator skips them).
    """
    n = len(supply)
    scores = unit_scores(background, method) if scores is None else scores
    fe = background.factory_electricity_kwh
    d, g = links.dataset, links.grid
    link_unit = scores.by_class[d] + fe[d][:, None] * scores.by_class[g]  # (links, classes) per reference unit
    link_unit_score = link_unit.sum(axis=1) - link_unit[:, REMOVAL]
    per_machine = supply[links.parent] * links.amount
    link_by_class = per_machine[:, None] * link_unit
    link_kg = link_by_class.sum(axis=1) - link_by_class[:, REMOVAL]
    by_class = link_by_class.sum(axis=0)

    names, sums = _sum_by(links.stage, link_kg)
    stage_kg = dict(zip(names, sums))
    stage_keys = STAGES + tuple(sorted(k for k in stage_kg if k not in STAGES))
    by_stage = Breakdown(stage_keys, _frozen(np.array([stage_kg.get(k, 0.0) for k in stage_keys])))
    by_material = Breakdown(*_sum_by(links.material, link_kg)).sorted()
    by_line = Breakdown(*_sum_by(links.line, link_kg))

    shown = reported_datasets(background, d, g)
    size = background.size
    dataset_amount = np.bincount(shown, weights=per_machine, minlength=size)
    dataset_kg = np.bincount(shown, weights=link_kg, minlength=size)
    used = np.nonzero(np.bincount(shown, minlength=size))[0]
    used = used[np.lexsort((used, -dataset_kg[used]))]  # largest first, ties in background order
    keys = background.keys
    by_dataset = DatasetBreakdown(_frozen(used), tuple(keys[k] for k in used), _frozen(dataset_amount[used]),
                                  _frozen(dataset_kg[used]))

    # cradle-to-gate per piece of every node: the transposed triangular solve of the direct scores
    matrix = foreground_matrix(n, edges) if matrix is None else matrix
    direct = np.bincount(links.parent, weights=links.amount * link_unit_score, minlength=n)
    node_unit = triangular_solve(matrix.T.tocsr(), direct, lower=False)

    # modules: a top-level child's pieces x its score per piece, plus the machine's own lines by module
    top = np.nonzero(edges.parent == 0)[0]
    top_lines = Labels.of(edges.line[top].tolist())  # summed in edge order by bincount, as a loop would
    module_kg: dict = dict(zip(top_lines.names, np.bincount(
        top_lines.codes, weights=edges.amount[top] * node_unit[edges.child[top]],
        minlength=len(top_lines.names)).tolist()))
    at_machine = links.parent == 0
    codes = links.module.codes[at_machine]
    sums = np.bincount(codes, weights=link_kg[at_machine], minlength=len(links.module.names))
    for k in np.unique(codes):
        name = links.module.names[k]
        key = SHARED_MODULE if name is None else name
        module_kg[key] = module_kg.get(key, 0.0) + float(sums[k])
    by_module = Breakdown(tuple(module_kg), _frozen(np.array(list(module_kg.values()), dtype=np.float64))).sorted()

    link_kwh = per_machine * fe[d]
    by_gas = by_basis = None
    if gases:
        cumulative = background.cumulative
        own_amount = np.bincount(d, weights=per_machine, minlength=size)  # the placeholder's kWh: grid_kwh
        grid_kwh = np.bincount(g, weights=link_kwh, minlength=size)
        gas_kg = own_amount @ cumulative + grid_kwh @ cumulative
        by_gas = GasBreakdown(tuple(background.flow_keys), _frozen(gas_kg),
                              _frozen(gas_kg * method.factors_for(background.flow_keys)))
        by_basis = _by_basis(background, method, per_machine, d, g, float(link_kg.sum()))
    return Contributions(
        total_kg_co2e=float(link_kg.sum()), removals_kg_co2e=float(by_class[REMOVAL]),
        by_class=Breakdown(CLASSES, _frozen(by_class)), per_machine=_frozen(per_machine), link_kwh=_frozen(link_kwh),
        link_kg_co2e=_frozen(link_kg), link_removals_kg_co2e=_frozen(link_by_class[:, REMOVAL]),
        link_unit_kg_co2e=_frozen(link_unit_score), reported_dataset=_frozen(shown), by_stage=by_stage,
        by_module=by_module, by_material=by_material, by_line=by_line, by_dataset=by_dataset,
        node_unit_kg_co2e=_frozen(node_unit), by_gas=by_gas, by_basis=by_basis,
    )


def _by_basis(background: Background, method: Method, per_machine: np.ndarray, d: np.ndarray, g: np.ndarray,
              total: float) -> Breakdown:
    """kg CO2e by GWP basis: gas flows are characterised by the method (its basis); flows given as CO2e carry the
    basis of the dataset that emits them, followed through every supply chain (and the grids folded in)."""
    pre = background.precharacterised_flows
    factors = method.factors_for(background.flow_keys)
    classes = method.classes_for(background.flow_keys)
    keep = factors[pre] * (classes[pre] != "biogenic_removal")  # the total excludes biogenic removals
    fe = background.factory_electricity_kwh
    out: dict[str, float] = {}
    for basis, cumulative in (background.basis_cumulative or {}).items():
        unit = cumulative @ keep
        kg = float(per_machine @ (unit[d] + fe[d] * unit[g]))
        if kg:
            out[basis] = kg
    own = method.ipcc_set
    rest = {own: total - sum(out.values()) + out.pop(own, 0.0)}
    ordered = {**rest, **dict(sorted(out.items(), key=lambda kv: -kv[1]))}
    return Breakdown(tuple(ordered), _frozen(np.array(list(ordered.values()), dtype=np.float64)))
