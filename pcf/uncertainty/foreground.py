"""Distributions of the foreground: every BOM line's quantity (links to datasets, and piece counts of assemblies).

Precedence for a line: its own `uncertainty` (a BOM `Spread`); for a part without a weighed mass, the spread of
the estimate (ESTIMATE_GSD); otherwise the pedigree approach on the line's data type (DATA_TYPE_SCORES): basic
variance of its kind of flow (transport legs: tkm; everything else: a demand) plus the reliability variance of its
score. Piece counts of parts and assemblies are exact unless an assembly line states a spread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..bom.models import (
    Assembly,
    AssemblyRef,
    Component,
    DatasetAmount,
    PackagingItem,
    Part,
    TransportLeg,
)
from ..graph import ProductGraph
from .distributions import PARAMS_DTYPE, empty_params, lognormal_params, spread_row
from .pedigree import BASIC_VARIANCE, pedigree_variance

# pcf's own assumptions (docs/uncertainty.md): no published spread exists for these estimates
ESTIMATE_GSD = {"dimensions": 1.5, "typical": 2.0}
# pedigree scores of a BOM quantity by data type: primary = weighed or metered (reliability 2: measured, not
# verified); secondary = from drawings, catalogues or the BOM (reliability 3: partly based on assumptions)
DATA_TYPE_SCORES = {"primary": {"reliability": 2, "completeness": 1, "temporal": 1, "geographical": 1,
                                "technological": 1},
                    "secondary": {"reliability": 3, "completeness": 1, "temporal": 1, "geographical": 1,
                                  "technological": 1}}


@dataclass(frozen=True)
class ForegroundSpreads:
    """Distribution rows of the foreground's piece counts (edges) and links, with the key of every row: rows with
    the same key across variants draw the same random numbers (common random numbers)."""

    edge_params: np.ndarray  # (n_edges,) rows for graph.edges quantities
    edge_keys: tuple[str, ...]
    link_params: np.ndarray  # (n_links,) rows for the links' amounts (reference units per unit of the parent)
    link_keys: tuple[str, ...]
    link_source: tuple[str, ...]  # user | estimate | pedigree


def stated_value(line) -> float | None:
    """The BOM quantity a line's spread qualifies (see `Spread`), or None."""
    if isinstance(line, Part):
        return line.mass_kg
    if isinstance(line, Component):
        return line.quantity
    if isinstance(line, DatasetAmount):
        return line.amount
    if isinstance(line, (PackagingItem,)):
        return line.mass_kg
    if isinstance(line, TransportLeg):
        return line.distance_km
    if isinstance(line, (Assembly, AssemblyRef)):
        return line.quantity
    return None


def foreground_spreads(graph: ProductGraph, *, estimates: dict[str, str] | None = None,
                       pedigree: str = "ecoinvent3") -> ForegroundSpreads:
    """Rows for every edge and link of `graph`. estimates: {line id: 'dimensions' | 'typical'} of estimated
    masses (from the intake report); an estimated mass of unknown method counts as 'typical'."""
    return spreads_of(graph.edges, graph.links, {line.id: line for line in graph.system.all_lines()},
                      estimates=estimates, pedigree=pedigree)


def spreads_of(edges, links, lines: dict, *, estimates: dict[str, str] | None = None,
               pedigree: str = "ecoinvent3") -> ForegroundSpreads:
    """Rows for `edges` (parent, child, pieces, line id) and `links` of a graph or of a fragment of one (the
    lines a design variant rebuilt): the rows and keys of a line depend on the line alone, so a fragment's rows
    are the rows the variant's whole graph would give those lines. lines: {line id: BOM line}."""
    estimates = estimates or {}
    edge_params = empty_params(np.array([e[2] for e in edges], dtype=np.float64)).astype(PARAMS_DTYPE)
    edge_keys = []
    for k, (parent, child, quantity, line_id) in enumerate(edges):
        line = lines.get(line_id)
        spread = getattr(line, "uncertainty", None) if isinstance(line, (Assembly, AssemblyRef)) else None
        if spread is not None:
            edge_params[k] = spread_row(quantity, spread, stated_value(line), where=line.where)[0]
        edge_keys.append(f"edge|{line_id}|{child}")
    link_keys, sources = [], []
    n_links = len(links)
    sigma = np.zeros(n_links)
    user: dict[int, np.ndarray] = {}
    seen: dict[str, int] = {}
    pedigree_sigma = {(kind, dtype): math.sqrt(BASIC_VARIANCE[kind] + pedigree_variance(
        DATA_TYPE_SCORES.get(dtype, DATA_TYPE_SCORES["secondary"]), pedigree))
        for kind in ("transport", "demand") for dtype in (*DATA_TYPE_SCORES, "other")}
    for k, link in enumerate(links):
        line = lines.get(link.line_id)
        spread = getattr(line, "uncertainty", None)
        n = seen.get(link.line_id, 0)
        seen[link.line_id] = n + 1
        link_keys.append(f"link|{link.line_id}|{link.dataset}|{n}")
        if spread is not None and stated_value(line):
            user[k] = spread_row(link.amount, spread, stated_value(line), where=line.where)
            sources.append("user")
        elif isinstance(line, Part) and line.mass_estimated and link.line_kind == "part":
            sigma[k] = math.log(ESTIMATE_GSD.get(estimates.get(link.line_id, "typical"), ESTIMATE_GSD["typical"]))
            sources.append("estimate")
        else:
            kind = "transport" if link.line_kind == "transport" else "demand"
            dtype = link.data_type if link.data_type in DATA_TYPE_SCORES else "other"
            sigma[k] = pedigree_sigma[(kind, dtype)]
            sources.append("pedigree")
    amounts = np.array([link.amount for link in links], dtype=np.float64)
    link_params = lognormal_params(amounts, sigma).astype(PARAMS_DTYPE)
    for k, row in user.items():
        link_params[k] = row[0]
    return ForegroundSpreads(edge_params, tuple(edge_keys), link_params, tuple(link_keys), tuple(sources))


def estimate_methods(intake_lines) -> dict[str, str]:
    """{line id: 'dimensions' | 'typical'} from the intake report's `estimate` column ('dimensions: ...')."""
    if intake_lines is None or "estimate" not in intake_lines:
        return {}
    out = {}
    for line_id, text in zip(intake_lines["line_id"], intake_lines["estimate"]):
        method = str(text or "").split(":", 1)[0].strip()
        if method in ESTIMATE_GSD:
            out[str(line_id)] = method
    return out
