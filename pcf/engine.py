"""The footprint pipeline: model -> graph -> datapackages -> bw2calc -> Result. Pure: no file is written here."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from .bom.models import ProductSystem
from .bom.readers import read_bom
from .coverage import CutoffCriteria
from .data.background import Background, default_background
from .graph import build_graph
from .intake import resolve
from .errors import MappingError, SolveError
from .mapping import Mapper
from .supplier import apply_supplier_footprints
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
    mapping: str | Path | None = None,
    cutoff: CutoffCriteria | None = None,
    aliases: str | Path | None = None,
    strict: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> Result:
    """Cradle-to-gate carbon footprint of one machine, in kg CO2e.

    bom: a BOM file (YAML/JSON) or a ProductSystem; background: defaults to the shipped lci_data; grid: an
    electricity dataset key replacing the factory's; method: 'AR6' (default) or 'AR5'; solver: 'structured'
    (fast, exact) or 'brightway' (the plain bw2calc path over unit processes); mapping: a user's material mapping
    table that wins over the shipped one; cutoff: the ISO 14067 cut-off criteria the coverage report checks;
    aliases: a user's column-alias file for spreadsheet BOMs; strict: raise a MappingError when lines that could
    not be modelled break the cut-off criteria (otherwise they are reported as warnings); encoding: of a CSV BOM
    (detected when not given).
    """
    step = progress or (lambda _message: None)
    step("loading the background data")
    background = background or default_background()
    gwp = get_method(background.tables, method)
    prepared = prepare(bom, background, mapping=mapping, aliases=aliases, encoding=encoding, progress=step)
    system, intake, background, supplier_notes = prepared
    step("building the product graph")
    graph = build_graph(system, background, grid=grid)
    step("compiling matrices")
    fg = compile_foreground(graph, background)
    step("solving")
    solution = solve(fg, background, gwp, solver=solver)
    step("computing contributions")
    result = compute_result(graph, fg, background, gwp, solution, intake=intake, cutoff=cutoff)
    if not (math.isfinite(result.total_kg_co2e) and np.isfinite(result.by_stage.to_numpy()).all()):
        raise SolveError(f"the footprint is not a finite number ({result.total_kg_co2e}): an amount in the BOM is "
                         "too large", file=system.source_file, expected="amounts of a real machine")
    if supplier_notes:
        result = replace(result, warnings=result.warnings + tuple(supplier_notes))
    cutoff_report = result.coverage.get("cutoff", {})
    if strict and not cutoff_report.get("criteria_met", True):
        removed = intake.removed
        first = removed.iloc[0] if len(removed) else None
        raise MappingError(
            "cut-off criteria not met: " + "; ".join(cutoff_report["violations"][:5])
            + (" ..." if len(cutoff_report["violations"]) > 5 else ""),
            file=None if first is None else first["source_file"],
            row=None if first is None or first["source_row"] is None else int(first["source_row"]),
            expected="map, estimate or exclude these lines (see `pcf map`), or relax the criteria",
        )
    return result


def prepare(bom, background: Background, *, mapping=None, aliases=None, encoding=None, progress: Progress | None = None):
    """The BOM as modelled: read, mapped (with the intake report), with supplier footprints in the background.

    Returns (system, intake, background, notes); the background is extended when lines carry supplier footprints.
    """
    step = progress or (lambda _message: None)
    mapper = Mapper.create(background, mapping)
    step("reading the BOM")
    system = bom if isinstance(bom, ProductSystem) else read_bom(bom, aliases=aliases, classify=mapper.classify,
                                                                       encoding=encoding)
    step("mapping materials and datasets")
    system, intake = resolve(system, background, mapper)
    system, background, notes = apply_supplier_footprints(system, background)
    if background.tables.packs[-1:] == ("supplier",):
        _note_suppliers(intake, background)
    return system, intake, background, notes


def _note_suppliers(intake, background: Background) -> None:
    """Record in the intake report which lines use their supplier's footprint."""
    frame = intake.lines
    for key in background.keys:
        if key.startswith("supplier:"):
            mask = frame["line_id"] == key.split(":", 1)[1]
            frame.loc[mask, "dataset"] = key
            frame.loc[mask, "method"] = "supplier"
            frame.loc[mask, "data_type"] = "primary"
