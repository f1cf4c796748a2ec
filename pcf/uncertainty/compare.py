"""Paired Monte Carlo of a design comparison (`pcf compare --uncertainty N`) on the comparator's fast path.

The base is drawn once in full (every link; `montecarlo.compute`). A variant is the base's arrays patched with the
lines it changed (`pcf.compare.evaluation.variant_patch`, the comparator's own patch: no graph is rebuilt), so its
draws are the base's draws minus the draws of the base links it replaces plus the draws of its own links there:

    total(variant) = total(base) - sum over replaced base links + sum over the variant's affected links

Affected are the links of the lines the variant rebuilt, the links under a node whose supply the variant changed
(an edge added or removed above it) and, when the variant changes the factory grid, the links on the maker's grid.
Every other link is the same line with the same key, amount, dataset, grid and parent supply in both, so its draw is
identical (common random numbers) and cancels exactly: a variant that changes nothing equals the base in every draw,
and the delta of a variant carries only the draws of what it changed. The slow path (`variant_inputs` +
`paired.paired_monte_carlo`: every variant's graph rebuilt and drawn in full) gives the same draws to rounding
(tests/test_uncertainty.py). A variant the patch cannot express (a new edge against the base's order) is rebuilt
and drawn in full, as the comparator rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..compare.base import CompiledBase
from ..compare.scenario import BASE_NAME, ScenarioFile, Variant
from ..compare.tables import Comparison
from ..graph import build_graph
from ..matrices import compile_foreground
from .background import uncertain_background
from .distributions import empty_params
from .foreground import ForegroundSpreads, spreads_of
from .montecarlo import (
    Draws,
    ForegroundModel,
    all_normals,
    compute,
    edge_levels,
    key_columns,
    sample_background,
)
from .paired import PairedResult, VariantInput
from .run import (
    DEFAULT_SEED,
    needed_datasets,
    prepare_variant,
    supplier_spreads,
    supplier_spreads_of,
)


def static_supply(graph, fg) -> np.ndarray:
    """Pieces of every foreground node per machine: the piece counts propagated from the machine down."""
    edges = np.array([e[2] for e in graph.edges], dtype=np.float64)
    spreads = ForegroundSpreads(empty_params(edges), tuple(str(i) for i in range(len(edges))),
                                empty_params(fg.link_amount), (), ())
    model = ForegroundModel.build(graph, fg, spreads, np.zeros(len(graph.order)))
    return model.supply(edges[None, :])[0]


def variant_inputs(base: CompiledBase, comparison: Comparison) -> list[VariantInput]:
    """The base and every variant of a comparison as Monte Carlo inputs, graphs rebuilt from their BOMs (the slow
    path, kept as the reference the fast path is tested against)."""
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


@dataclass(frozen=True)
class _Plan:
    """One variant on the fast path: the base links it replaces and its own links there (None: nothing changed);
    or, when the patch cannot express it, its whole model."""

    name: str
    lines: tuple  # the BOM lines the variant rebuilt (all of its lines when rebuilt in full)
    replaced: ForegroundModel | None = None  # base edges, the replaced base links
    affected: ForegroundModel | None = None  # the variant's edges, its links in their place
    full: ForegroundModel | None = None


def _kept(array: np.ndarray, keep: np.ndarray | None, new: np.ndarray) -> np.ndarray:
    kept = array if keep is None else array[keep]
    return np.concatenate([kept, new]) if len(new) else kept


def _descendants(starts, parent: np.ndarray, child: np.ndarray) -> np.ndarray:
    """Node positions reachable from `starts` (included) along edges parent -> child."""
    children: dict[int, list[int]] = {}
    for p, c in zip(parent.tolist(), child.tolist()):
        children.setdefault(p, []).append(c)
    seen, stack = set(), list(starts)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return np.array(sorted(seen), dtype=np.int64)


def _plan(base: CompiledBase, m0: ForegroundModel, variant: Variant, *, pedigree: str, file: str | None) -> _Plan:
    from ..compare.evaluation import variant_patch

    draft, patch = variant_patch(base, variant, file=file)
    bg = base.background
    grid = draft.grid or base.grid
    if patch is None:  # rebuilt in full, as the comparator does
        graph = build_graph(draft.system, bg, grid=grid, family=base.family)
        fg = compile_foreground(graph, bg)
        return _Plan(variant.name, tuple(draft.system.all_lines()),
                     full=prepare_variant(graph, fg, static_supply(graph, fg), pedigree=pedigree))
    fragment = patch.fragment
    ids = dict.fromkeys([e[3] for e in fragment.edges] + [link.line_id for link in fragment.links])
    lines = {i: line for i in ids if (line := draft.line(i)) is not None}
    spreads = spreads_of(fragment.edges, fragment.links, lines, pedigree=pedigree)

    # the variant's edges: the base's kept, the fragment's added (node positions from the patch)
    keep_e = patch.keep_edges
    parent = _kept(m0.edge_parent, keep_e, patch.new_edges[0])
    child = _kept(m0.edge_child, keep_e, patch.new_edges[1])
    pieces = _kept(m0.edge_static, keep_e, patch.new_edges[2])
    e_params = _kept(m0.edge_params, keep_e, spreads.edge_params)
    e_keys = tuple(np.asarray(m0.edge_keys, dtype=object)[keep_e].tolist() if keep_e is not None else m0.edge_keys
                   ) + spreads.edge_keys
    n = patch.n_nodes
    if patch.structure_changed:
        supply = replace(m0, n_nodes=n, edge_parent=parent, edge_child=child,
                         levels=edge_levels(n, parent, child)).supply(pieces[None, :])[0]  # static supply
        dropped = np.zeros(0, dtype=np.int64) if keep_e is None else np.nonzero(~keep_e)[0]
        starts = set(m0.edge_child[dropped].tolist()) | set(patch.new_edges[1].tolist())
        moved = _descendants(starts, np.concatenate([m0.edge_parent, parent]), np.concatenate([m0.edge_child, child]))
    else:
        supply = np.concatenate([m0.static_supply, np.zeros(n - m0.n_nodes)])
        moved = np.zeros(0, dtype=np.int64)

    # base links kept: affected when their parent's supply moved or they are on the maker's grid and it changed
    n_base = len(m0.link_parent)
    keep_l = np.ones(n_base, dtype=bool) if patch.keep_links is None else patch.keep_links
    grid_changed = grid != base.grid
    touched = keep_l & (np.isin(m0.link_parent, moved) | (grid_changed & np.asarray(base.fg.link_maker, bool)))
    replaced = np.nonzero(~keep_l | touched)[0]
    kept_touched = np.nonzero(touched)[0]

    stages = m0.stages + tuple(sorted({link.stage for link in fragment.links} - set(m0.stages)))
    stage_of = {s: i for i, s in enumerate(stages)}
    grid_index = bg.index(grid) if grid is not None else 0
    new = patch.new_links
    new_grid = np.where(new["maker"], grid_index, new["grid"])
    base_grid = np.where(np.asarray(base.fg.link_maker, bool)[kept_touched], grid_index, m0.link_grid[kept_touched])
    links = {"parent": np.concatenate([m0.link_parent[kept_touched], new["parent"]]),
             "dataset": np.concatenate([m0.link_dataset[kept_touched], new["dataset"]]),
             "grid": np.concatenate([base_grid, new_grid]).astype(np.int64),
             "stage": np.concatenate([m0.link_stage[kept_touched],
                                      np.array([stage_of[link.stage] for link in fragment.links], dtype=np.int64)]),
             "amount": np.concatenate([m0.link_static[kept_touched], new["amount"]])}
    l_params = np.concatenate([m0.link_params[kept_touched], spreads.link_params])
    l_keys = tuple(m0.link_keys[k] for k in kept_touched) + spreads.link_keys
    if not len(replaced) and not len(links["parent"]):
        return _Plan(variant.name, tuple(lines.values()))
    affected = ForegroundModel.of_arrays(n, (parent, child, pieces), e_params, e_keys, links, l_params, l_keys,
                                         stages, supply)
    base_links = {"parent": m0.link_parent[replaced], "dataset": m0.link_dataset[replaced],
                  "grid": m0.link_grid[replaced], "stage": m0.link_stage[replaced],
                  "amount": m0.link_static[replaced]}
    before = replace(m0, link_parent=base_links["parent"], link_dataset=base_links["dataset"],
                     link_grid=base_links["grid"], link_params=m0.link_params[replaced],
                     link_keys=tuple(m0.link_keys[k] for k in replaced), link_stage=base_links["stage"],
                     stages=stages, link_static=base_links["amount"])  # the base's edges (and levels) as they are
    return _Plan(variant.name, tuple(lines.values()), replaced=before, affected=affected)


def _variants(scenarios) -> tuple[tuple[Variant, ...], str | None]:
    if isinstance(scenarios, ScenarioFile):
        return scenarios.expand(), scenarios.source_file
    return tuple(scenarios), None


def _pad(by_stage: np.ndarray, width: int) -> np.ndarray:
    return by_stage if by_stage.shape[1] == width else np.pad(by_stage, ((0, 0), (0, width - by_stage.shape[1])))


def _partial(model: ForegroundModel, bg, columns, seed: int, iterations: int, z_all) -> Draws | None:
    return compute(model, bg, columns, seed, iterations, z_all) if len(model.link_parent) else None


def _combined(base_draws: Draws, plan: _Plan, parts: tuple) -> Draws:
    """The base's draws with the replaced links' draws taken off and the variant's added (see module docstring)."""
    before, after = parts
    if before is None and after is None:
        return base_draws
    stages = plan.affected.stages
    total, total_all = base_draws.total.copy(), base_draws.total_with_removals.copy()
    by_stage = _pad(base_draws.by_stage, len(stages)).copy()
    for sign, part in ((-1.0, before), (1.0, after)):
        if part is not None:
            total += sign * part.total
            total_all += sign * part.total_with_removals
            by_stage += sign * _pad(part.by_stage, len(stages))
    iterations = len(total)
    return Draws(total, total_all, by_stage, stages, np.zeros((iterations, 0)), np.zeros((iterations, 0)),
                 np.zeros(0, dtype=np.int64))


def comparison_monte_carlo(base: CompiledBase, scenarios: ScenarioFile | list[Variant] | tuple[Variant, ...], *,
                           iterations: int, seed: int = DEFAULT_SEED, pedigree: str = "ecoinvent3") -> PairedResult:
    """Paired draws of the base and every variant of `scenarios` (the comparator's variants), kg CO2e per
    machine, on the fast path (module docstring)."""
    variants, file = _variants(scenarios)
    m0 = prepare_variant(base.graph, base.fg, base.supply, pedigree=pedigree)
    plans = [_plan(base, m0, v, pedigree=pedigree, file=file) for v in variants]
    models = [m0] + [m for p in plans for m in (p.affected, p.full) if m is not None]
    columns = key_columns(models)
    z_all = all_normals(seed, iterations, len(columns))
    spreads = supplier_spreads(base.system)
    for p in plans:  # the lines a variant leaves alone are the base's
        spreads.update(supplier_spreads_of(p.lines))
    ub = uncertain_background(base.background, pedigree=pedigree, supplier_spreads=spreads)
    bg = sample_background(ub, base.background, base.method, needed_datasets(models), iterations=iterations,
                           seed=seed)
    base_draws = compute(m0, bg, columns, seed, iterations, z_all)
    draws = [base_draws]
    for p in plans:
        if p.full is not None:
            draws.append(compute(p.full, bg, columns, seed, iterations, z_all))
        elif p.affected is None:
            draws.append(base_draws)
        else:
            parts = (_partial(p.replaced, bg, columns, seed, iterations, z_all),
                     _partial(p.affected, bg, columns, seed, iterations, z_all))
            draws.append(_combined(base_draws, p, parts))
    return PairedResult((BASE_NAME, *(v.name for v in variants)), tuple(draws), iterations, seed, pedigree)
