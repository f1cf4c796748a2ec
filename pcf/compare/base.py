"""The compiled base: the base BOM's graph, arrays, solved supply and Result, indexed per line for patching."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bom.models import Line, ProductSystem
from ..data.background import Background
from ..graph import ProductGraph
from ..matrices import ForegroundArrays
from ..methods import Method
from ..contributions import UnitScores
from ..results import Result
from .places import _Place
from .variant_result import VariantResult


class _Codes:
    """Labels <-> integer codes, for bincount aggregation; copies extend without touching the original."""

    def __init__(self, labels=()):
        self.labels: list = list(labels)
        self.code: dict = {label: k for k, label in enumerate(self.labels)}

    def get(self, label) -> int:
        k = self.code.get(label)
        if k is None:
            k = self.code[label] = len(self.labels)
            self.labels.append(label)
        return k

    def copy(self) -> "_Codes":
        clone = _Codes.__new__(_Codes)
        clone.labels, clone.code = list(self.labels), dict(self.code)
        return clone


@dataclass(frozen=True, eq=False)
class CompiledBase:
    """The base BOM compiled once: graph, foreground arrays, solved supply and the bw2calc-checked Result, plus
    the per-line index the variants are patched through."""

    system: ProductSystem
    background: Background
    method: Method
    graph: ProductGraph
    fg: ForegroundArrays
    result: Result
    index: dict[str, tuple[Line, _Place]]
    refs: frozenset[str]  # ids of ref lines
    node_pos: dict[str, int]
    supply: np.ndarray
    edge_parent: np.ndarray
    edge_child: np.ndarray
    edge_amount: np.ndarray
    edge_line: np.ndarray  # line id of every edge (object array)
    line_edges: dict[str, np.ndarray]
    link_parent: np.ndarray
    link_dataset: np.ndarray
    link_amount: np.ndarray
    link_stage: np.ndarray
    link_module: np.ndarray
    link_line: np.ndarray
    link_material: np.ndarray
    link_grid: np.ndarray  # background index of the grid of a link's electricity_factory (non-maker links)
    link_maker: np.ndarray  # bool: the link's electricity is the maker's (follows the variant's grid)
    line_links: dict[str, np.ndarray]
    mass_node: np.ndarray
    mass_kg: np.ndarray
    line_masses: dict[str, np.ndarray]
    stages: _Codes
    modules: _Codes
    lines: _Codes
    materials: _Codes
    line_dataset: dict[str, str]
    scores: UnitScores  # kg CO2e per reference unit of every background dataset (pcf.contributions)
    seconds: float
    own: "VariantResult | None" = None  # the base evaluated by the comparator (checked against `result`)

    @property
    def grid(self) -> str:
        return self.graph.grid

    @property
    def family(self) -> str:
        """The grid whose series a Chinese supplier's grid follows: the base BOM's declared factory grid."""
        return self.system.factory.electricity
