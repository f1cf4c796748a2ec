"""Intake: from the BOM as given to the BOM as modelled, with a record of every decision.

Every line that names a dataset is mapped (`pcf.mapping`); parts without a mass get an estimate (`pcf.estimate`).
A line whose text names several materials or a catch-all ("Metals (steel, aluminum, copper)", "miscellaneous") is
ambiguous: no material is guessed for it. By default it is modelled with a conservative proxy, the candidate with
the highest kg CO2e per kg (IPCC AR6 GWP100), status `proxy`, method `ambiguous`, with its candidates listed; the
result rates its emissions with the worst data-quality rating and `--strict` refuses it. A catch-all without
candidates ("miscellaneous") is taken out like an unmapped line (status `ambiguous`). The user resolves either with
a mapping row or a dataset key.
Lines that cannot be modelled (ambiguous, unmapped, deliberately excluded, no mass and no estimate) are taken out of the
product system and kept in the intake report with their mass per machine, so the coverage and cut-off report can
account for every input line. An assembly left without children is taken out the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import pandas as pd

from .bom.models import Assembly, AssemblyRef, Component, Part, ProcessStep, ProductSystem
from .data.background import Background
from .estimate import MassEstimator
from .mapping import Mapper, Match, regional_variant
from .units import UnitError, conversion_factor

STATUSES = ("mapped", "proxy", "estimated", "ambiguous", "unmapped", "excluded")
AMBIGUOUS_METHOD = "ambiguous"  # method of an ambiguous line modelled with its highest-emitting candidate
MATERIAL_KINDS = ("material", "packaging")  # what a part's material text may map to


@dataclass(frozen=True)
class IntakeReport:
    """One row per BOM line: what it said, what it became, how sure, and its mass per machine (kg)."""

    lines: pd.DataFrame

    def count(self, status: str) -> int:
        return int((self.lines["status"] == status).sum()) if len(self.lines) else 0

    @property
    def removed(self) -> pd.DataFrame:
        return self.lines[self.lines["modelled"] == False]  # noqa: E712


def _pieces_per_machine(system: ProductSystem) -> dict[str, float]:
    """Pieces of every assembly/part per machine (shared subassemblies summed over their uses)."""
    subs = {a.id: a for a in system.subassemblies}
    pieces: dict[str, float] = defaultdict(float)

    def walk(item, multiplier: float, stack: tuple[str, ...]):
        if isinstance(item, AssemblyRef):
            target = subs.get(item.ref)
            if target is None or item.ref in stack:  # the graph reports these errors
                return
            pieces[item.ref] += multiplier * item.quantity
            for child in target.children:
                walk(child, multiplier * item.quantity, stack + (item.ref,))
        elif isinstance(item, Assembly):
            pieces[item.id] += multiplier * item.quantity
            for child in item.children:
                walk(child, multiplier * item.quantity, stack)
        elif isinstance(item, Part):
            pieces[item.id] += multiplier * item.quantity

    for item in system.items:
        walk(item, 1.0, ())
    return pieces


def candidate_intensities(background: Background, keys) -> dict[str, float]:
    """kg CO2e (IPCC AR6 GWP100) per kg of each per-kg dataset among `keys` (its own electricity on the grid of its
    geography, as for a material), biogenic uptake not counted, as in the headline total and the cut-off estimate;
    other keys are left out."""
    from .contributions import per_kg_scores, unit_scores
    from .methods import get_method

    keys = [k for k in dict.fromkeys(keys) if background.has(k) and background.units.get(k) == "kg"]
    if not keys:
        return {}
    scores = unit_scores(background, get_method(background.tables))
    return per_kg_scores(background, scores.excluding_removals, keys)


def conservative(match: Match, background: Background, cache: dict | None = None, *, country: str | None = None,
                 regional: dict | None = None) -> Match:
    """An ambiguous match resolved to its highest-emitting per-kg candidate (method `ambiguous`, proxy), or the
    match unchanged when none of its candidates is a per-kg dataset of the background. cache: candidates ->
    intensities, shared by the lines of one BOM; country and regional (`Mapper.regional`): a line's supplier
    country puts its candidates in their regional twins first (as a mapped grade would be)."""
    if not match.ambiguous or not match.candidates:
        return match
    if country and regional:
        twins = [(regional_variant(regional, background, c, country) or (c,))[0] for c in match.candidates]
        match = replace(match, candidates=tuple(dict.fromkeys(twins)))
    cache = {} if cache is None else cache
    if match.candidates not in cache:
        cache[match.candidates] = candidate_intensities(background, match.candidates)
    intensity = cache[match.candidates]
    if not intensity:
        return match
    worst = max(intensity, key=intensity.get)
    listed = ", ".join(f"{k} {v:.3g}" for k, v in sorted(intensity.items(), key=lambda kv: -kv[1]))
    note = (f"{match.note}; modelled conservatively as {worst}, the highest of its candidates in kg CO2e/kg "
            f"({listed}), with the worst data-quality rating")
    return replace(match, dataset=worst, method=AMBIGUOUS_METHOD, proxy=True, note=note)


def resolve(system: ProductSystem, background: Background, mapper: Mapper | None = None,
            estimator: MassEstimator | None = None) -> tuple[ProductSystem, IntakeReport]:
    """Map every dataset reference, estimate missing masses, and take out what cannot be modelled."""
    mapper = mapper or Mapper.create(background)
    estimator = estimator or MassEstimator()
    pieces = _pieces_per_machine(system)
    rows: list[dict] = []
    seen: dict = {}  # candidates of ambiguous lines -> their kg CO2e/kg

    def record(line, kind, text, match: Match | None, status, modelled, mass_kg=None, reason="", estimate="",
               mass_check=None):
        rows.append({
            "line_id": line.id, "kind": kind, "name": line.name, "source_file": line.source_file,
            "source_row": line.source_row, "given": text, "dataset": match.dataset if match else None,
            "method": match.method if match else "", "confidence": match.confidence if match else None,
            "status": status, "modelled": modelled, "mass_kg_per_machine": mass_kg, "reason": reason,
            "estimate": estimate, "data_type": line.data_type.value,
            "candidates": ", ".join(match.candidates) if match is not None and match.candidates else None,
            "mass_check": mass_check,
        })

    def not_mapped(match: Match) -> tuple[str, str]:
        """Status and reason of a line whose text maps to no dataset."""
        if match.ambiguous:
            candidates = ", ".join(match.candidates) or "see the note"
            return "ambiguous", f"{match.note} (candidates: {candidates})"
        return "unmapped", match.note

    def status_of(match: Match) -> str:
        return "proxy" if match.proxy or match.method.startswith("fuzzy") else "mapped"

    def parent_pieces(parent_id: str | None) -> float:
        return 1.0 if parent_id is None else pieces.get(parent_id, 0.0)

    def component_mass(item: Component, parent_id) -> float | None:
        per_parent = None
        if item.mass_kg is not None:
            per_parent = item.mass_kg * item.quantity
        else:
            try:
                per_parent = item.quantity * conversion_factor(item.unit, "kg")
            except UnitError:
                per_parent = None
        return None if per_parent is None else per_parent * parent_pieces(parent_id)

    def take(item, parent_id: str | None):
        """The modelled version of `item`, or None when it is taken out (recorded either way)."""
        if isinstance(item, AssemblyRef):
            record(item, "ref", item.ref, None, "mapped", True, reason="use of a shared subassembly")
            return item
        if isinstance(item, Assembly):
            if item.excluded:
                record(item, "assembly", "", None, "excluded", False, reason=item.excluded)
                return None
            children = [c for c in (take(child, item.id) for child in item.children) if c is not None]
            if not children:
                record(item, "assembly", "", None, "excluded", False,
                       reason="every child line is unmapped, excluded or without mass")
                return None
            record(item, "assembly", "", None, "mapped", True, reason="structure")
            return _updated(item, children=children)
        if isinstance(item, Part):
            return take_part(item)
        if isinstance(item, Component):
            match = conservative(mapper.match(item.dataset, country=item.country), background, seen,
                                 country=item.country, regional=mapper.regional)
            mass = component_mass(item, parent_id)
            if item.excluded or match.method == "excluded":
                record(item, "component", item.dataset, match, "excluded", False, mass,
                       reason=item.excluded or match.note or "excluded by the mapping table")
                return None
            if not match.mapped:
                status, reason = not_mapped(match)
                record(item, "component", item.dataset, match, status, False, mass, reason=reason)
                return None
            check = None if item.mass_kg is None else estimator.mass_check(
                dataset=match.dataset, text=f"{item.name or ''} {item.dataset}", mass_kg=item.mass_kg)
            record(item, "component", item.dataset, match, status_of(match), True, mass, mass_check=check,
                   reason=match.note if match.method == AMBIGUOUS_METHOD else "")
            return _updated(item, dataset=match.dataset)
        if isinstance(item, ProcessStep):
            return take_dataset_line(item, "process", None)
        return item

    def take_part(item: Part):
        match = conservative(mapper.match(item.material, kinds=MATERIAL_KINDS, country=item.country), background,
                             seen, country=item.country, regional=mapper.regional)
        n = pieces.get(item.id, 0.0)
        mass, estimate, est_text = item.mass_kg, None, ""
        if mass is None and match.mapped:
            estimate = estimator.estimate(dataset=match.dataset, name=item.name or item.id,
                                          dimensions_mm=item.dimensions_mm)
            if estimate is not None:
                mass, est_text = estimate.mass_kg, f"{estimate.method}: {estimate.basis}"
        total = None if mass is None else mass * n
        if item.excluded or match.method == "excluded":
            record(item, "part", item.material, match, "excluded", False, total,
                   reason=item.excluded or match.note or "excluded by the mapping table")
            for step in item.processes:
                record(step, "process", step.dataset, None, "excluded", False, reason=f"part '{item.id}' excluded")
            return None
        if not match.mapped:
            status, reason = not_mapped(match)
            record(item, "part", item.material, match, status, False, total, reason=reason)
            for step in item.processes:
                record(step, "process", step.dataset, None, "unmapped", False,
                       reason=f"its part '{item.id}' is {status}")
            return None
        if mass is None:
            record(item, "part", item.material, match, "unmapped", False, None,
                   reason="no mass, and neither dimensions with a known density nor a typical mass to estimate it")
            for step in item.processes:
                record(step, "process", step.dataset, None, "unmapped", False,
                       reason=f"its part '{item.id}' has no mass")
            return None
        status = "estimated" if (estimate is not None or item.mass_estimated) else status_of(match)
        check = None if (estimate is not None or item.mass_estimated) else estimator.mass_check(
            dataset=match.dataset, text=f"{item.name or ''} {item.material}", mass_kg=mass,
            dimensions_mm=item.dimensions_mm)
        record(item, "part", item.material, match, status, True, total, estimate=est_text, mass_check=check,
               reason=match.note if match.method == AMBIGUOUS_METHOD else "")
        steps = [s for s in (take_dataset_line(step, "process", item.id) for step in item.processes) if s]
        update = {"material": match.dataset, "processes": steps, "mass_kg": mass}
        if estimate is not None:
            update["mass_estimated"] = True
        return _updated(item, **update)

    def take_dataset_line(item, kind: str, parent_id, mass_kg=None):
        match = mapper.match(item.dataset)
        if kind == "packaging":  # a packaging catch-all ("packing material") takes its highest-emitting candidate
            match = conservative(match, background, seen)
        if item.excluded or match.method == "excluded":
            record(item, kind, item.dataset, match, "excluded", False, mass_kg,
                   reason=item.excluded or match.note or "excluded by the mapping table")
            return None
        if not match.mapped:
            status, reason = not_mapped(match)
            record(item, kind, item.dataset, match, status, False, mass_kg, reason=reason)
            return None
        record(item, kind, item.dataset, match, status_of(match), True, mass_kg,
               reason=match.note if match.method == AMBIGUOUS_METHOD else "")
        return _updated(item, dataset=match.dataset)

    items = [x for x in (take(item, None) for item in system.items) if x is not None]
    subassemblies = []
    for sub in system.subassemblies:
        kept = take(sub, None) if sub.id in pieces else sub
        if kept is not None:
            subassemblies.append(kept)
    removed_subs = {s.id for s in system.subassemblies} - {s.id for s in subassemblies}
    if removed_subs:  # refs to a subassembly that was taken out go too
        items = _drop_refs(items, removed_subs, record)
    packaging = [x for x in (take_dataset_line(p, "packaging", None, p.mass_kg * p.quantity)
                             for p in system.packaging) if x is not None]
    transport = [x for x in (take_dataset_line(t, "transport", None) for t in system.transport) if x is not None]
    energy = [x for x in (take_dataset_line(e, "energy", None) for e in system.energy) if x is not None]
    if not items:
        from .errors import MappingError

        raise MappingError("no line of the BOM could be modelled (all unmapped, excluded or without mass)",
                           file=system.source_file, expected="at least one mapped part or component")
    resolved = system.model_copy(update={"items": items, "subassemblies": subassemblies, "packaging": packaging,
                                         "transport": transport, "energy": energy})
    frame = pd.DataFrame(rows, columns=["line_id", "kind", "name", "source_file", "source_row", "given", "dataset",
                                        "method", "confidence", "status", "modelled", "mass_kg_per_machine",
                                        "reason", "estimate", "data_type", "candidates", "mass_check"])
    return resolved, IntakeReport(frame)


def _drop_refs(items, removed: set[str], record):
    out = []
    for item in items:
        if isinstance(item, AssemblyRef) and item.ref in removed:
            record(item, "ref", item.ref, None, "excluded", False, reason=f"subassembly '{item.ref}' was taken out")
            continue
        if isinstance(item, Assembly):
            children = _drop_refs(item.children, removed, record)
            if not children:
                record(item, "assembly", "", None, "excluded", False, reason="no child left")
                continue
            item = item.model_copy(update={"children": children})
        out.append(item)
    return out


def _updated(line, **update):
    """`line` with `update`, or `line` itself when nothing changes (a model copy per line costs ~5 us: 0.5 s at
    100k lines). Lists compare element by element, by identity."""
    for name, value in update.items():
        old = getattr(line, name)
        if isinstance(value, list):
            if len(value) != len(old) or any(a is not b for a, b in zip(value, old)):
                break
        elif old != value or type(old) is not type(value):
            break
    else:
        return line
    return line.model_copy(update=update)
