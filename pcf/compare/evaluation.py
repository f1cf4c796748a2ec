"""Evaluating variants: `compile_base` once, then `evaluate` (the base arrays patched with the lines a variant
changed) or `rebuild` (the full pipeline)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..bom.models import AssemblyRef, ProductSystem
from ..data.background import Background
from ..electricity_claims import electricity_supply, supply_basis
from ..errors import PcfError, SolveError
from ..graph import build_fragment, build_graph
from ..matrices import compile_foreground
from ..methods import DEFAULT_METHOD, get_method
from ..contributions import (CONSISTENCY_RTOL, STAGES, Edges, Labels, Links, contributions, foreground_matrix,
                             foreground_supply, unit_scores)
from ..results import compute_result
from ..solve import solve
from .base import CompiledBase, _Codes
from .draft import _Draft
from .edits import _draft
from .places import _walk_system
from .scenario import BASE_NAME, ScenarioError, Variant
from .variant_result import VariantResult

__all__ = ["CONSISTENCY_RTOL", "compile_base", "evaluate", "rebuild"]


def _material_label(link) -> str:
    return link.material if link.material is not None else f"({link.line_kind}: not a material)"


def _group_index(labels) -> dict[str, np.ndarray]:
    """label -> indices where it occurs."""
    frame = pd.Series(np.arange(len(labels)), index=pd.Index(list(labels), dtype=object))
    return {k: np.asarray(v, dtype=np.int64) for k, v in frame.groupby(level=0).indices.items()} if len(labels) \
        else {}


def compile_base(
    system: ProductSystem,
    background: Background,
    *,
    method: str = DEFAULT_METHOD,
    grid: str | None = None,
) -> CompiledBase:
    """Compile and solve the base BOM once (graph, datapackages, bw2calc) and index it for patching."""
    start = time.perf_counter()
    gwp = get_method(background.tables, method)
    # the factory's contractual instruments (market-based supply) as in pcf.footprint
    system, background, supply = electricity_supply(system, background, grid=grid)
    graph = build_graph(system, background, grid=supply.dataset, family=system.factory.electricity)
    fg = compile_foreground(graph, background)
    solution = solve(fg, background, gwp)
    result = compute_result(graph, fg, background, gwp, solution)

    node_pos = {node: k for k, node in enumerate(graph.order)}
    edge_parent = np.array([node_pos[e[0]] for e in graph.edges], dtype=np.int64)
    edge_child = np.array([node_pos[e[1]] for e in graph.edges], dtype=np.int64)
    edge_amount = np.array([e[2] for e in graph.edges], dtype=np.float64)
    stages, modules, lines, materials = _Codes(STAGES), _Codes(), _Codes(), _Codes()
    links = graph.links
    link_stage = np.array([stages.get(link.stage) for link in links], dtype=np.int64)
    link_module = np.array([modules.get(link.module) for link in links], dtype=np.int64)
    link_line = np.array([lines.get(link.line_id) for link in links], dtype=np.int64)
    link_material = np.array([materials.get(_material_label(link)) for link in links], dtype=np.int64)
    masses = graph.line_masses
    index = {line.id: (line, place) for line, place in _walk_system(system)}
    base = CompiledBase(
        system=system, background=background, method=gwp, graph=graph, fg=fg, result=result,
        index=index,
        refs=frozenset(i for i, (line, _) in index.items() if isinstance(line, AssemblyRef)),
        node_pos=node_pos, supply=solution.supply,
        edge_parent=edge_parent, edge_child=edge_child, edge_amount=edge_amount,
        edge_line=np.array([e[3] for e in graph.edges], dtype=object),
        line_edges=_group_index([e[3] for e in graph.edges]),
        link_parent=fg.link_parent, link_dataset=fg.link_dataset, link_amount=fg.link_amount,
        link_stage=link_stage, link_module=link_module, link_line=link_line, link_material=link_material,
        link_grid=fg.link_grid, link_maker=fg.link_maker,
        line_links=_group_index([link.line_id for link in links]),
        mass_node=np.array([node_pos[m[0]] for m in masses], dtype=np.int64),
        mass_kg=np.array([m[1] for m in masses], dtype=np.float64),
        line_masses=_group_index([m[2] for m in masses]),
        stages=stages, modules=modules, lines=lines, materials=materials,
        line_dataset={link.line_id: link.dataset for link in links},
        scores=unit_scores(background, gwp),
        seconds=0.0,
    )
    own = _evaluate_arrays(base, _Patch.identity(base), name=BASE_NAME, description="the BOM as given",
                           parameters={}, grid=graph.grid, system=system, evaluation="base")
    expected = result.total_kg_co2e
    if abs(own.total_kg_co2e - expected) > CONSISTENCY_RTOL * max(1.0, abs(expected)):
        raise SolveError(f"the comparator's base total ({own.total_kg_co2e!r}) differs from the engine's "
                         f"({expected!r})")
    object.__setattr__(base, "own", own)
    object.__setattr__(base, "seconds", time.perf_counter() - start)
    return base


@dataclass
class _Patch:
    """Base arrays with some lines dropped and some appended: what a variant changes, as arrays."""

    n_nodes: int
    keep_edges: np.ndarray | None  # bool mask over base edges (None: all)
    keep_links: np.ndarray | None
    keep_masses: np.ndarray | None
    new_edges: tuple[np.ndarray, np.ndarray, np.ndarray]  # parent pos, child pos, amount
    new_edge_lines: np.ndarray  # line ids (object array)
    new_links: dict[str, np.ndarray]  # parent, dataset, amount, stage, module, line, material, grid, maker
    new_masses: tuple[np.ndarray, np.ndarray]  # node pos, kg
    codes: dict[str, _Codes]
    line_dataset: dict[str, str]
    structure_changed: bool
    fragment: object = None  # the GraphFragment of the lines rebuilt (its edges and links, for the Monte Carlo)

    @classmethod
    def identity(cls, base: CompiledBase) -> "_Patch":
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return cls(len(base.node_pos), None, None, None, (empty_i, empty_i, empty_f), np.zeros(0, dtype=object),
                   {**{k: empty_f if k == "amount" else empty_i
                       for k in ("parent", "dataset", "amount", "stage", "module", "line", "material", "grid")},
                    "maker": np.zeros(0, dtype=bool)},
                   (empty_i, empty_f), {"stages": base.stages, "modules": base.modules, "lines": base.lines,
                                        "materials": base.materials}, {}, False)


class _NotPatchable(Exception):
    """The variant cannot be expressed in the base's topological order: rebuild it in full."""


def _patch(base: CompiledBase, draft: _Draft) -> _Patch:
    bg = base.background
    pending = []
    owners = {}
    for line_id in draft.pending:
        place = draft.place(line_id)
        line = draft.line(line_id)
        pending.append((place.parent, place.module, line))
        owner = draft.line(place.parent) if place.parent is not None else None
        if getattr(owner, "kind", None) == "part":
            owners[line_id] = owner  # a process step's electricity follows the part's maker or supplier
    try:
        fragment = build_fragment(draft.system, bg, pending, family=base.family, owners=owners)
    except PcfError as exc:
        raise ScenarioError(f"variant '{draft.variant.name}': {exc.message}", file=exc.file, row=exc.row,
                            column=exc.column, expected=exc.expected) from None

    node_pos = base.node_pos
    n = len(node_pos)
    extra: dict[str, int] = {}
    for node in fragment.nodes:
        if node not in node_pos:
            extra[node] = n + len(extra)

    def pos(node: str) -> int:
        k = node_pos.get(node)
        return extra[node] if k is None else k

    def mask(total: int, index: dict[str, np.ndarray]) -> np.ndarray | None:
        hit = [index[i] for i in draft.dropped if i in index]
        if not hit:
            return None
        keep = np.ones(total, dtype=bool)
        keep[np.concatenate(hit)] = False
        return keep

    keep_edges = mask(len(base.edge_amount), base.line_edges)
    e_parent = np.array([pos(e[0]) for e in fragment.edges], dtype=np.int64)
    e_child = np.array([pos(e[1]) for e in fragment.edges], dtype=np.int64)
    e_amount = np.array([e[2] for e in fragment.edges], dtype=np.float64)
    if np.any(e_parent >= e_child):
        raise _NotPatchable()

    # the structure is unchanged when the edges dropped are exactly the edges added (same nodes, same amounts)
    dropped_edges = np.zeros(0, dtype=np.int64) if keep_edges is None else np.nonzero(~keep_edges)[0]
    before = sorted(zip(base.edge_parent[dropped_edges].tolist(), base.edge_child[dropped_edges].tolist(),
                        base.edge_amount[dropped_edges].tolist()))
    after = sorted(zip(e_parent.tolist(), e_child.tolist(), e_amount.tolist()))
    structure_changed = bool(extra) or before != after

    codes = {k: getattr(base, k).copy() if fragment.links else getattr(base, k)
             for k in ("stages", "modules", "lines", "materials")}
    index = bg._index()
    links = fragment.links
    new_links = {
        "parent": np.array([pos(link.parent) for link in links], dtype=np.int64),
        "dataset": np.array([index[link.dataset] for link in links], dtype=np.int64),
        "amount": np.array([link.amount for link in links], dtype=np.float64),
        "stage": np.array([codes["stages"].get(link.stage) for link in links], dtype=np.int64),
        "module": np.array([codes["modules"].get(link.module) for link in links], dtype=np.int64),
        "line": np.array([codes["lines"].get(link.line_id) for link in links], dtype=np.int64),
        "material": np.array([codes["materials"].get(_material_label(link)) for link in links], dtype=np.int64),
        "grid": np.array([0 if link.grid is None else index[link.grid] for link in links], dtype=np.int64),
        "maker": np.array([link.grid is None for link in links], dtype=bool),
    }
    masses = fragment.line_masses
    return _Patch(
        n_nodes=n + len(extra),
        keep_edges=keep_edges,
        keep_links=mask(len(base.link_amount), base.line_links),
        keep_masses=mask(len(base.mass_kg), base.line_masses),
        new_edges=(e_parent, e_child, e_amount),
        new_edge_lines=np.array([e[3] for e in fragment.edges], dtype=object),
        new_links=new_links,
        new_masses=(np.array([pos(m[0]) for m in masses], dtype=np.int64),
                    np.array([m[1] for m in masses], dtype=np.float64)),
        codes=codes,
        line_dataset={link.line_id: link.dataset for link in links},
        structure_changed=structure_changed,
        fragment=fragment,
    )


def _kept(base_array: np.ndarray, keep: np.ndarray | None, new: np.ndarray) -> np.ndarray:
    kept = base_array if keep is None else base_array[keep]
    return np.concatenate([kept, new]) if len(new) else kept


def _evaluate_arrays(base: CompiledBase, patch: _Patch, *, name: str, description: str, parameters: dict,
                     grid: str, system: ProductSystem, evaluation: str, seconds: float = 0.0) -> VariantResult:
    n = patch.n_nodes
    e_parent = _kept(base.edge_parent, patch.keep_edges, patch.new_edges[0])
    e_child = _kept(base.edge_child, patch.keep_edges, patch.new_edges[1])
    e_amount = _kept(base.edge_amount, patch.keep_edges, patch.new_edges[2])
    lk = {key: _kept(getattr(base, f"link_{key}"), patch.keep_links, patch.new_links[key])
          for key in ("parent", "dataset", "amount", "stage", "module", "line", "material", "grid", "maker")}

    edges = Edges(e_parent, e_child, e_amount, _kept(base.edge_line, patch.keep_edges, patch.new_edge_lines))
    matrix = foreground_matrix(n, edges)  # (I - Q): lower triangular in the base's topological order
    if patch.structure_changed:
        supply = foreground_supply(n, edges, matrix)
        evaluation = "resolved" if evaluation == "patched" else evaluation
    else:
        supply = base.supply
    if not np.all(np.isfinite(supply)):
        raise SolveError(f"variant '{name}' could not be solved (non-finite supply)")

    codes = patch.codes
    # the variant's grid supplies the maker's links only; suppliers' and background links keep theirs
    link_grid = np.where(lk["maker"], base.background.index(grid), lk["grid"])
    links = Links(parent=lk["parent"], dataset=lk["dataset"], amount=lk["amount"], grid=link_grid,
                  stage=Labels(lk["stage"], tuple(codes["stages"].labels)),
                  module=Labels(lk["module"], tuple(codes["modules"].labels)),
                  material=Labels(lk["material"], tuple(codes["materials"].labels)),
                  line=Labels(lk["line"], tuple(codes["lines"].labels)))
    parts = contributions(supply, links, edges, base.background, base.method, scores=base.scores, matrix=matrix,
                          gases=False)
    found = parts.by_dataset
    by_dataset = pd.Series(np.asarray(found.kg_co2e), index=pd.Index(list(found.keys), dtype=object),
                           dtype="float64")

    m_node = _kept(base.mass_node, patch.keep_masses, patch.new_masses[0])
    m_kg = _kept(base.mass_kg, patch.keep_masses, patch.new_masses[1])
    mass = float(supply[m_node] @ m_kg)
    packaging = float(sum(p.mass_kg * p.quantity for p in system.packaging))
    return VariantResult(
        name=name, description=description, parameters=parameters, total_kg_co2e=parts.total_kg_co2e,
        biogenic_removals_kg_co2e=parts.removals_kg_co2e, by_stage=parts.by_stage.to_series(),
        by_module=parts.by_module.to_series(), by_dataset=by_dataset, by_material=parts.by_material.to_series(),
        by_line=parts.by_line.to_series(), line_dataset=patch.line_dataset, mass_kg=mass,
        packaging_kg=packaging, electricity=grid, evaluation=evaluation, system=system, seconds=seconds,
        electricity_basis=supply_basis(system, base.background, grid),
    )


def evaluate(base: CompiledBase, variant: Variant, *, file: str | None = None) -> VariantResult:
    """A variant's footprint from the compiled base: only the lines it changed are rebuilt (the fast path)."""
    start = time.perf_counter()
    draft = _draft(base, variant, file)
    grid = draft.grid or base.grid
    try:
        patch = _patch(base, draft)
    except _NotPatchable:
        result = _full(base, draft, grid)
    else:
        result = _evaluate_arrays(base, patch, name=variant.name, description=variant.description,
                                  parameters=dict(variant.parameters), grid=grid, system=draft.system,
                                  evaluation="patched")
    return replace(result, seconds=time.perf_counter() - start)


def rebuild(base: CompiledBase, variant: Variant, *, file: str | None = None) -> VariantResult:
    """A variant's footprint by a full rebuild (graph, datapackages, bw2calc, contributions): the naive path."""
    start = time.perf_counter()
    draft = _draft(base, variant, file)
    result = _full(base, draft, draft.grid or base.grid)
    return replace(result, seconds=time.perf_counter() - start)


def _full(base: CompiledBase, draft: _Draft, grid: str) -> VariantResult:
    bg = base.background
    try:
        graph = build_graph(draft.system, bg, grid=grid, family=base.family)
    except PcfError as exc:
        raise ScenarioError(f"variant '{draft.variant.name}': {exc.message}", file=exc.file, row=exc.row,
                            column=exc.column, expected=exc.expected) from None
    fg = compile_foreground(graph, bg)
    result = compute_result(graph, fg, bg, base.method, solve(fg, bg, base.method))
    lines = result.lines
    variant = draft.variant
    return VariantResult(
        name=variant.name, description=variant.description, parameters=dict(variant.parameters),
        total_kg_co2e=result.total_kg_co2e, biogenic_removals_kg_co2e=result.biogenic_removals_kg_co2e,
        by_stage=result.by_stage, by_module=result.by_module, by_dataset=result.by_dataset["kg_co2e"],
        by_material=result.by_material, by_line=lines.groupby("line_id", sort=False)["kg_co2e"].sum(),
        line_dataset=dict(zip(lines["line_id"], lines["dataset"])), mass_kg=float(graph.mass.total_kg),
        packaging_kg=float(graph.mass.packaging_kg), electricity=grid, evaluation="rebuilt", system=draft.system,
        electricity_basis=supply_basis(draft.system, bg, grid),
    )


def variant_patch(base: CompiledBase, variant: Variant, *, file: str | None = None):
    """(draft, patch) of a variant as `evaluate` computes them; patch is None when the variant cannot be patched
    into the base's order (it is then rebuilt in full). Used by the paired Monte Carlo (pcf.uncertainty)."""
    draft = _draft(base, variant, file)
    try:
        return draft, _patch(base, draft)
    except _NotPatchable:
        return draft, None
