"""The footprint pipeline: model -> graph -> datapackages -> bw2calc -> Result. Pure: no file is written here."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .bom.models import ProductSystem
from .bom.readers import read_bom
from .data.background import Background, default_background
from .graph import build_graph
from .matrices import compile_foreground
from .methods import DEFAULT_METHOD, get_method
from .results import Result, compute_result
from .solve import solve

Progress = Callable[[str], None]


def footprint(
    bom: str | Path | ProductSystem,
    *,
    background: Background | None = None,
    grid: str | None = None,
    method: str = DEFAULT_METHOD,
    solver: str = "structured",
    progress: Progress | None = None,
) -> Result:
    """Cradle-to-gate carbon footprint of one machine, in kg CO2e.

    bom: a BOM file (YAML/JSON) or a ProductSystem; background: defaults to the shipped lci_data; grid: an
    electricity dataset key replacing the factory's; method: 'AR6' (default) or 'AR5'; solver: 'structured'
    (fast, exact) or 'brightway' (the plain bw2calc path over unit processes).
    """
    step = progress or (lambda _message: None)
    step("reading the BOM")
    system = bom if isinstance(bom, ProductSystem) else read_bom(bom)
    step("loading the background data")
    background = background or default_background()
    gwp = get_method(background.tables, method)
    step("building the product graph")
    graph = build_graph(system, background, grid=grid)
    step("compiling matrices")
    fg = compile_foreground(graph, background)
    step("solving")
    solution = solve(fg, background, gwp, solver=solver)
    step("computing contributions")
    return compute_result(graph, fg, background, gwp, solution)
