"""The footprint pipeline: model -> graph -> datapackages -> bw2calc -> Result.

`footprint` works on models (a ProductSystem and a Background) and writes nothing; `footprint_file` is the thin edge
that reads a BOM file, the user's mapping table and, when none is given, the shipped background (`pcf.footprint`).
"""

from __future__ import annotations

import functools
import gc
import logging
import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from .bom.models import ProductSystem
from .bom.readers import read_bom
from .coverage import CutoffCriteria
from .data.background import Background, default_background
from .electricity_claims import electricity_supply, read_instruments, with_claim
from .graph import build_graph
from .intake import AMBIGUOUS_METHOD, resolve
from .errors import MappingError, SolveError
from .mapping import Mapper
from .supplier import apply_supplier_footprints
from .matrices import compile_foreground
from .methods import DEFAULT_METHOD, get_method
from .results import Result, compute_result
from .solve import solve

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


def _logged(progress: Progress | None) -> Progress:
    """`progress` that also logs each step (DEBUG) with the time the previous one took."""
    last = [None, time.perf_counter()]

    def step(message: str) -> None:
        now = time.perf_counter()
        if last[0] is not None:
            log.debug("%s: %.3f s", last[0], now - last[1])
        last[0], last[1] = message, now
        if progress is not None:
            progress(message)

    return step


def _collector_paused(function):
    """Run `function` with Python's cyclic garbage collector paused (restored after, also on errors).

    A 100k-line BOM keeps about a million objects alive (models, links, intake records); every few thousand new
    objects the collector scans them all, which doubled the run time. Reference counting still frees everything
    that is not in a cycle; cycles left behind are collected when the collector runs again.
    """
    @functools.wraps(function)
    def paused(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@_collector_paused
def footprint(
    system: ProductSystem,
    background: Background,
    *,
    mapper: Mapper | None = None,
    grid: str | None = None,
    method: str = DEFAULT_METHOD,
    solver: str = "structured",
    cutoff: CutoffCriteria | None = None,
    strict: bool = False,
    allow_net_credit: bool = False,
    allow_gaps: bool = False,
    progress: Progress | None = None,
    uncertainty: int = 0,
    seed: int = 0,
    pedigree: str = "ecoinvent3",
) -> Result:
    """Cradle-to-gate carbon footprint of one machine, in kg CO2e, from models (`footprint_file` reads files).

    system: the BOM as a model; background: the datasets (pcf.data.background); mapper: how BOM texts map to
    datasets (default: the shipped mapping table, read once per process); grid: an electricity dataset key replacing
    the factory's; method: 'AR6' (default) or 'AR5'; solver: 'structured' (fast, exact) or 'brightway' (the plain
    bw2calc path over unit processes); cutoff: the ISO 14067 cut-off criteria the coverage report checks; strict:
    raise a MappingError when a line is ambiguous (names several materials or a catch-all) or when lines that could
    not be modelled break the cut-off criteria (otherwise they are reported as warnings); allow_gaps: accept a
    result that leaves out more than GAP_LIMITS of the machine (refused by default, with the lines);
    allow_net_credit: accept credits larger than the machine's own energy use or a negative total (refused by
    default: a credit that outweighs the machine is almost always a data error).

    Nothing is written. The only files read are the supplier PACT files that BOM lines name
    (`supplier_footprint.file`) and pcf's shipped mapping tables (the mapping table and its regional twins when no
    mapper is given; densities, typical masses and typical ranges for the mass estimates and checks), each once per
    process.
    uncertainty: Monte Carlo iterations (0: none), drawn reproducibly from `seed` with the `pedigree` factor set
    ('ecoinvent3' or 'ciroth2016'); the draws are in `result.uncertainty` (docs/uncertainty.md).
    """
    if not isinstance(system, ProductSystem):
        raise TypeError("pcf.engine.footprint takes a ProductSystem and a Background; "
                        "for a BOM file use pcf.footprint or pcf.engine.footprint_file")
    step = _logged(progress)
    started = time.perf_counter()
    gwp = get_method(background.tables, method)
    mapper = mapper or Mapper.create(background)
    step("mapping materials and datasets")
    system, intake, background, supplier_notes = _resolved(system, background, mapper)
    step("building the product graph")
    system, background, supply = electricity_supply(system, background, grid=grid)
    graph = build_graph(system, background, grid=supply.dataset)
    if not allow_net_credit:
        _check_energy_credits(graph, background)
    step("compiling matrices")
    fg = compile_foreground(graph, background)
    step("solving")
    solution = solve(fg, background, gwp, solver=solver)
    step("computing contributions")
    result = compute_result(graph, fg, background, gwp, solution, intake=intake, cutoff=cutoff)
    result = with_claim(result, supply, background, gwp)
    if result.total_kg_co2e < 0 and not allow_net_credit:
        raise MappingError(f"the machine's net footprint is negative ({result.total_kg_co2e:,.1f} kg CO2e): its "
                           "credits outweigh everything it is made of", file=system.source_file,
                           expected="credits no larger than the burdens, or --allow-net-credit")
    if not (math.isfinite(result.total_kg_co2e) and np.isfinite(result.by_stage.to_numpy()).all()):
        raise SolveError(f"the footprint is not a finite number ({result.total_kg_co2e}): an amount in the BOM is "
                         "too large", file=system.source_file, expected="amounts of a real machine")
    if supplier_notes:
        result = replace(result, warnings=result.warnings + tuple(supplier_notes))
    mass_notes = mass_check_warnings(intake.lines, system.source_file) + ambiguous_proxy_warnings(intake.lines)
    if mass_notes:
        result = replace(result, warnings=result.warnings + tuple(mass_notes))
    if uncertainty:
        from .uncertainty.run import footprint_monte_carlo

        step(f"Monte Carlo ({uncertainty} iterations)")
        mc = footprint_monte_carlo(graph, fg, background, gwp, solution.supply, iterations=uncertainty, seed=seed,
                                   pedigree=pedigree, intake_lines=intake.lines, static_total=result.total_kg_co2e)
        result = replace(result, uncertainty=mc)
    log.info("%s: %.6g kg CO2e per machine (%d links, %d foreground nodes, %s solver) in %.2f s",
             system.source_file or system.machine.id, result.total_kg_co2e, len(graph.links), len(graph.order),
             solver, time.perf_counter() - started)
    cutoff_report = result.coverage.get("cutoff", {})
    ambiguous = intake.lines[(intake.lines["status"] == "ambiguous") | (intake.lines["method"] == AMBIGUOUS_METHOD)]
    if strict and len(ambiguous):
        first = ambiguous.iloc[0]
        names = ", ".join(f"'{x}'" for x in ambiguous["given"].head(5))
        raise MappingError(
            f"{len(ambiguous)} line(s) name several materials or a catch-all: {names}"
            + (" ..." if len(ambiguous) > 5 else ""),
            file=first["source_file"] or system.source_file,
            row=None if first["source_row"] is None else int(first["source_row"]),
            expected="one material per line, or a mapping row (--mapping) for the text")
    if strict and not cutoff_report.get("criteria_met", True):
        removed = intake.removed
        first = removed.iloc[0] if len(removed) else None
        raise MappingError(
            "cut-off criteria not met: " + "; ".join(cutoff_report["violations"][:5])
            + (" ..." if len(cutoff_report["violations"]) > 5 else ""),
            file=(None if first is None else first["source_file"]) or system.source_file,
            row=None if first is None or first["source_row"] is None else int(first["source_row"]),
            expected="map, estimate or exclude these lines (see `pcf map`), or relax the criteria",
        )
    gaps = large_gaps(result)
    if gaps and not allow_gaps:
        removed = intake.removed
        first = removed.iloc[0] if len(removed) else None
        raise MappingError(
            "the result leaves out too much of the machine: " + "; ".join(gaps),
            file=(None if first is None else first["source_file"]) or system.source_file,
            row=None if first is None or first["source_row"] is None else int(first["source_row"]),
            expected="map, estimate or exclude these lines (see `pcf map`), or --allow-gaps to accept the gap",
        )
    return result


@_collector_paused
def footprint_file(
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
    allow_net_credit: bool = False,
    allow_gaps: bool = False,
    encoding: str | None = None,
    instruments: str | Path | None = None,
    progress: Progress | None = None,
    uncertainty: int = 0,
    seed: int = 0,
    pedigree: str = "ecoinvent3",
) -> Result:
    """The footprint of a BOM file (YAML, JSON, spreadsheet) or model: `pcf.footprint`, the edge that reads files.

    Reads the BOM (aliases: a user's column-alias file for spreadsheet BOMs; encoding: of a CSV BOM, detected when
    not given) and `mapping` (a user's material mapping table that wins over the shipped one); without a
    `background`, loads the shipped lci_data (solved once per content hash and cached on disk); then `footprint`
    with the other options. instruments: a file of contractual instruments for the factory's electricity
    replacing the BOM's `factory.instruments` (pcf/electricity_claims.py).
    """
    step = _logged(progress)
    if background is None:
        step("loading the background data")
        background = default_background()
    mapper = Mapper.create(background, mapping)
    system = _read(bom, mapper, aliases=aliases, encoding=encoding, progress=step)
    if instruments is not None:
        system = system.model_copy(update={"factory": system.factory.model_copy(update=read_instruments(instruments))})
    return footprint(system, background, mapper=mapper, grid=grid, method=method, solver=solver, cutoff=cutoff,
                     strict=strict, allow_net_credit=allow_net_credit, allow_gaps=allow_gaps, progress=progress,
                     uncertainty=uncertainty, seed=seed, pedigree=pedigree)


def _read(bom, mapper: Mapper, *, aliases=None, encoding=None, progress: Progress | None = None) -> ProductSystem:
    """The BOM model: `bom` itself, or read from its file (texts classified with the mapper)."""
    if isinstance(bom, ProductSystem):
        return bom
    if progress is not None:
        progress("reading the BOM")
    return read_bom(bom, aliases=aliases, classify=mapper.classify, encoding=encoding)


def _resolved(system: ProductSystem, background: Background, mapper: Mapper):
    """(system as modelled, intake report, background with the supplier footprints, notes)."""
    system, intake = resolve(system, background, mapper)
    system, background, notes = apply_supplier_footprints(system, background)
    if background.tables.packs[-1:] == ("supplier",):
        _note_suppliers(intake, background)
    return system, intake, background, notes


def prepare(bom, background: Background, *, mapping=None, aliases=None, encoding=None, progress: Progress | None = None):
    """The BOM as modelled: read, mapped (with the intake report), with supplier footprints in the background.

    Returns (system, intake, background, notes); the background is extended when lines carry supplier footprints.
    """
    mapper = Mapper.create(background, mapping)
    system = _read(bom, mapper, aliases=aliases, encoding=encoding, progress=progress)
    if progress is not None:
        progress("mapping materials and datasets")
    return _resolved(system, background, mapper)


def _note_suppliers(intake, background: Background) -> None:
    """Record in the intake report which lines use their supplier's footprint."""
    frame = intake.lines
    line_key = {key.split(":", 1)[1]: key for key in background.keys if key.startswith("supplier:")}
    if not line_key:
        return
    keys = frame["line_id"].map(line_key)  # one pass over the lines, not one per supplier footprint
    mask = keys.notna()
    frame.loc[mask, "dataset"] = keys[mask]
    frame.loc[mask, "method"] = "supplier"
    frame.loc[mask, "data_type"] = "primary"


def ambiguous_proxy_warnings(lines) -> list[str]:
    """One warning per ambiguous line modelled with its highest-emitting candidate (intake method `ambiguous`)."""
    if "method" not in lines:
        return []
    return [f"line '{row.line_id}' ('{row.given}') is ambiguous: modelled as {row.dataset}, the highest-emitting of "
            f"its candidates ({row.candidates}), a conservative proxy rated with the worst data quality; give the "
            "line one material or a mapping row (--strict refuses it)"
            for row in lines[lines["method"] == AMBIGUOUS_METHOD].itertuples()]


def mass_check_warnings(lines, default_file: str | None = None) -> list[str]:
    """One warning per line whose mass per piece is implausible (intake column `mass_check`), naming file and row."""
    if "mass_check" not in lines:
        return []
    out = []
    for row in lines[lines["mass_check"].notna()].itertuples():
        where = row.source_file or default_file or "BOM"
        where += f", row {int(row.source_row)}" if row.source_row is not None and row.source_row == row.source_row \
            else ""
        out.append(f"{where}: line '{row.line_id}' ({row.given}): {row.mass_check}")
    return out


GAP_LIMITS = {"left_out_mass": 0.05, "left_out_emissions": 0.05, "declared_mass_gap": 0.10}


def large_gaps(result: Result) -> list[str]:
    """What the result leaves out beyond GAP_LIMITS: left-out lines (unmapped or excluded) by mass or estimated
    emissions, and the gap between the rolled-up and the declared machine mass; each with the lines concerned."""
    rows = result.coverage.get("cutoff", {}).get("by_status", [])
    left = [r for r in rows if r.get("status") in ("ambiguous", "unmapped", "excluded")]
    mass = sum(r.get("mass_share") or 0.0 for r in left)
    emissions = sum(r.get("emission_share") or 0.0 for r in left)
    out = []
    if mass > GAP_LIMITS["left_out_mass"] or emissions > GAP_LIMITS["left_out_emissions"]:
        lines = [e.get("line_id") for e in result.coverage.get("cutoff", {}).get("exclusions", [])]
        shown = ", ".join(str(x) for x in lines[:10]) + (" ..." if len(lines) > 10 else "")
        out.append(f"{len(lines)} left-out line(s) carry {mass:.1%} of the mass and an estimated {emissions:.1%} of "
                   f"the emissions (limits {GAP_LIMITS['left_out_mass']:.0%} / "
                   f"{GAP_LIMITS['left_out_emissions']:.0%}): {shown}")
    gap = result.mass.get("gap_share")
    if gap is not None and abs(gap) > GAP_LIMITS["declared_mass_gap"]:
        with_packaging = " with packaging" if result.mass.get("declared_includes_packaging") else ""
        compared = result.mass.get("compared_kg", result.mass["rolled_up_kg"])
        out.append(f"the lines{with_packaging} add up to {compared:,.1f} kg against a declared "
                   f"{result.mass['declared_kg']:,.1f} kg ({gap:+.1%}; limit {GAP_LIMITS['declared_mass_gap']:.0%})")
    return out


def _check_energy_credits(graph, background: Background) -> None:
    """Energy credited back (e.g. exported heat or electricity) may not exceed the energy the BOM uses, per dataset
    unit: 100,000 kWh credited against 500 kWh used is a typo, not a recovery."""
    used: dict[str, float] = {}
    credited: dict[str, tuple[float, object]] = {}
    units = background.units
    datasets = background.tables.datasets
    category = dict(zip(datasets.index, datasets["category"]))  # a dict: one Series lookup per link costs 6 us
    for link in graph.links:
        if category.get(link.dataset) not in ("electricity", "fuel", "placeholder"):
            continue
        unit = units.get(link.dataset, link.dataset)
        if link.amount >= 0:
            used[unit] = used.get(unit, 0.0) + link.amount
        else:
            total, first = credited.get(unit, (0.0, link))
            credited[unit] = (total - link.amount, first)
    for unit, (amount, first) in credited.items():
        if amount > used.get(unit, 0.0) * (1 + 1e-9):
            line = next((l for l in graph.system.all_lines() if l.id == first.line_id), None)
            raise MappingError(f"credits of {amount:,.6g} {unit} exceed the {used.get(unit, 0.0):,.6g} {unit} the "
                               "machine uses", file=getattr(line, "source_file", None) or graph.system.source_file,
                               row=getattr(line, "source_row", None), column="amount",
                               expected="a credit no larger than the use it offsets, or --allow-net-credit")
