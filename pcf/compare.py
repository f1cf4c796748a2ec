"""Design comparator: named variants of a base BOM, evaluated side by side against the compiled base.

```
scenario file --load--> ScenarioFile --expand (parameters)--> Variants
base BOM --compile_base--> CompiledBase (graph, arrays, bw2calc-checked Result)
Variant --apply edits--> edited ProductSystem + the lines it changed --evaluate--> VariantResult
VariantResults --> Comparison (side-by-side tables, deltas, top changes, JSON, markdown)
```

A variant is a list of edits to the base BOM (substitute a material, set or scale a field, add, remove or replace
lines, change a supplier and its transport legs, change the factory electricity). Every edit must match at least
one line: an edit that matches nothing is a `ScenarioError`, never a silent no-op.

Evaluation reuses the compiled base: only the lines a variant changed are rebuilt (`pcf.graph.build_fragment`),
their links and edges patched into the base arrays. When the foreground structure (nodes and edges between them)
is unchanged, the base supply is reused as is (no solve at all); when edges or nodes change, the foreground is
re-solved with one triangular solve in the base's topological order. Anything the patch cannot express in that
order (a new edge against the order, e.g. a new use of a shared subassembly from a new assembly) falls back to a
full rebuild. `rebuild` is that full rebuild for any variant (graph, datapackages, bw2calc, contributions): the
tests hold both paths to the same numbers.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import math
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Union

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.sparse.linalg import spsolve_triangular

from .bom.models import (
    Assembly,
    AssemblyRef,
    Component,
    EnergyUse,
    Line,
    PackagingItem,
    Part,
    ProcessStep,
    ProductSystem,
    TransportLeg,
)
from .bom.readers import load_yaml_with_rows
from .data.background import Background
from .errors import BomError, PcfError, SolveError, UnitError
from .graph import ProductGraph, build_fragment, build_graph
from .matrices import ForegroundArrays, compile_foreground
from .methods import DEFAULT_METHOD, Method, get_method
from .packaging import CrateDesign, ReusablePackaging, StretchFilmWrap
from .results import CLASSES, STAGES, Result, compute_result
from .solve import solve
from .units import conversion_factor

__all__ = [
    "Comparison",
    "CompiledBase",
    "ScenarioError",
    "ScenarioFile",
    "Variant",
    "VariantResult",
    "apply_edits",
    "compare",
    "compile_base",
    "evaluate",
    "load_scenarios",
    "rebuild",
]

BASE_NAME = "base"
CONSISTENCY_RTOL = 1e-9


class ScenarioError(BomError):
    """A scenario file is invalid, or one of its edits cannot be applied to the BOM (e.g. it matches nothing)."""


# =============================================================================================================
# Scenario models
# =============================================================================================================

class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


LineKind = Literal["assembly", "part", "component", "process", "ref", "packaging", "transport", "energy"]


class Selector(_Model):
    """Which lines an edit applies to. Criteria combine with AND; at least one is required."""

    ids: list[str] | None = Field(default=None, min_length=1, description="exact line ids; each must exist")
    id_pattern: str | None = Field(default=None, description="shell pattern on the id, e.g. 'colA.frame.*'")
    under: str | None = Field(default=None, description="only lines inside this assembly, part or subassembly")
    kind: LineKind | None = None
    dataset: str | None = Field(default=None, description="the line's dataset (a part's material)")
    supplier: str | None = Field(default=None, description="supplier name or shell pattern (case-insensitive)")
    country: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> "Selector":
        if not any(v is not None for v in self.model_dump().values()):
            raise ValueError("an empty selector would match everything (expected ids, id_pattern, under, kind, "
                             "dataset, supplier or country)")
        return self

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.model_dump(exclude_none=True).items())


NewLine = Annotated[
    Union[Assembly, Part, Component, ProcessStep, AssemblyRef, PackagingItem, TransportLeg, EnergyUse,
          CrateDesign, StretchFilmWrap, ReusablePackaging],
    Field(discriminator="kind"),
]


class _Edit(_Model):
    comment: str | None = None
    source_row: int | None = Field(default=None, ge=0)


class Substitute(_Edit):
    """Another material (parts) or dataset (any other line), optionally with a new mass."""

    op: Literal["substitute"]
    match: Selector
    to: str = Field(min_length=1, description="the new material / dataset key")
    mass_factor: float | None = Field(default=None, gt=0, description="new mass = factor x old mass")
    mass_kg: float | None = Field(default=None, gt=0, description="explicit new mass per piece / per unit, kg")
    processes: Literal["keep", "drop"] = Field(default="keep", description="a substituted part's processes")

    @model_validator(mode="after")
    def _one_mass(self) -> "Substitute":
        if self.mass_factor is not None and self.mass_kg is not None:
            raise ValueError("give mass_factor or mass_kg, not both")
        return self


_FIXED_FIELDS = {"id", "kind", "children", "processes", "source_file", "source_row"}


class SetFields(_Edit):
    """Set fields of the matched lines (mass_kg, quantity, amount, distance_km, dataset, supplier ...)."""

    op: Literal["set"]
    match: Selector
    values: dict[str, Any] = Field(min_length=1)

    @model_validator(mode="after")
    def _settable(self) -> "SetFields":
        fixed = sorted(_FIXED_FIELDS & set(self.values))
        if fixed:
            raise ValueError(f"cannot set {', '.join(fixed)} (expected fields such as mass_kg, quantity, amount)")
        return self


class Scale(_Edit):
    """Multiply numeric fields of the matched lines (e.g. quantity: 0.5)."""

    op: Literal["scale"]
    match: Selector
    factors: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1)


class Remove(_Edit):
    """Remove the matched lines (and everything inside them)."""

    op: Literal["remove"]
    match: Selector


class Add(_Edit):
    """Add lines: packaging, transport and energy lines (and packaging designs) to their groups; parts,
    components, processes, assemblies and refs to `to` (an assembly, subassembly or part id; default: the
    machine's top level)."""

    op: Literal["add"]
    to: str | None = None
    lines: list[NewLine] = Field(min_length=1)


class Replace(_Edit):
    """Remove the matched lines and put `lines` in their place (e.g. swap packaging for a packaging design)."""

    op: Literal["replace"]
    match: Selector
    lines: list[NewLine] = Field(min_length=1)


class SupplyLeg(_Model):
    """A transport leg of goods from a new supplier; mass_kg defaults to the goods' purchased mass per machine."""

    id: str = Field(min_length=1)
    name: str = ""
    dataset: str = Field(min_length=1)
    distance_km: float = Field(gt=0)
    mass_kg: float | None = Field(default=None, gt=0)
    source_row: int | None = Field(default=None, ge=0)


class ChangeSupplier(_Edit):
    """Move the matched lines to another supplier: set supplier and country, take the goods' mass off the legs
    that carried them (`legs_out`; a leg left with no mass is removed) and add the new supplier's `legs`."""

    op: Literal["supplier"]
    match: Selector
    supplier: str | None = None
    country: str | None = None
    legs_out: list[str] = Field(default_factory=list, description="transport line ids that carried the goods")
    legs: list[SupplyLeg] = Field(default_factory=list)


class SetElectricity(_Edit):
    """Another electricity supply for the factory (a grid, or a market-based contract)."""

    op: Literal["electricity"]
    dataset: str = Field(min_length=1)
    basis: Literal["location", "market"] | None = None


Edit = Annotated[Union[Substitute, SetFields, Scale, Remove, Add, Replace, ChangeSupplier, SetElectricity],
                 Field(discriminator="op")]


class Variant(_Model):
    """One named design variant: a list of edits to the base BOM (no edits: the base itself)."""

    name: str = Field(min_length=1)
    description: str = ""
    parameters: dict[str, float] = Field(default_factory=dict, description="parameter values of this variant")
    edits: list[Edit] = Field(default_factory=list)
    source_row: int | None = Field(default=None, ge=0)


class Range(_Model):
    """Values from start to stop (inclusive) in steps of step."""

    start: float
    stop: float
    step: float = Field(gt=0)

    def values(self) -> list[float]:
        count = int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1
        if count < 1:
            raise ValueError(f"empty range {self.start} .. {self.stop}")
        return [self.start + k * self.step for k in range(count)]


class Parameter(_Model):
    """A named number edits refer to as `$name`: one value, a list of values or a range. A variant that uses a
    parameter with several values is expanded into one variant per value."""

    value: float | None = None
    values: list[float] | None = Field(default=None, min_length=1)
    range: Range | None = None
    unit: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _exactly_one(self) -> "Parameter":
        given = [k for k in ("value", "values", "range") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a parameter needs exactly one of value, values or range")
        return self

    def all_values(self) -> list[float]:
        if self.value is not None:
            return [self.value]
        if self.values is not None:
            return list(self.values)
        return self.range.values()


class VariantSpec(_Model):
    """A variant as written in the file: its edits may refer to parameters (`$name`), its name to `{name}`."""

    name: str = Field(min_length=1)
    description: str = ""
    edits: list[dict[str, Any]] = Field(default_factory=list)
    source_row: int | None = Field(default=None, ge=0)


_REF = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")


class ScenarioFile(_Model):
    """A scenario file: named variants of one base BOM, and the parameters they use."""

    schema_version: Literal[1] = 1
    name: str = ""
    description: str = ""
    reference: str | None = Field(default=None, description="variant the deltas are taken against (default: base)")
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    variants: list[VariantSpec] = Field(min_length=1)
    source_file: str | None = None

    def expand(self) -> tuple[Variant, ...]:
        """Concrete variants: parameters substituted, one variant per combination of multi-valued parameters."""
        out: list[Variant] = []
        for spec in self.variants:
            used = sorted(_references(spec.edits))
            unknown = [p for p in used if p not in self.parameters]
            if unknown:
                raise ScenarioError(f"variant '{spec.name}' uses undefined parameter(s) {', '.join(unknown)}",
                                    file=self.source_file, row=spec.source_row,
                                    expected=f"one of: {', '.join(sorted(self.parameters)) or '(none defined)'}")
            grids = [self.parameters[p].all_values() for p in used]
            multi = [p for p, values in zip(used, grids) if len(values) > 1]
            for combo in itertools.product(*grids):
                values = dict(zip(used, combo))
                name = _variant_name(spec.name, values, multi)
                edits = _substitute(spec.edits, values)
                try:
                    out.append(Variant.model_validate({"name": name, "description": spec.description,
                                                       "parameters": values, "edits": edits,
                                                       "source_row": spec.source_row}))
                except ValidationError as exc:
                    raise _scenario_error(exc, {"edits": edits}, self.source_file, spec.source_row,
                                          f"variant '{name}'") from None
        names = [v.name for v in out]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ScenarioError(f"duplicate variant name(s): {', '.join(duplicates)}", file=self.source_file,
                                expected="unique variant names (add {parameter} to a name to tell values apart)")
        if BASE_NAME in names:
            raise ScenarioError(f"'{BASE_NAME}' is the name of the base BOM", file=self.source_file,
                                expected="another variant name")
        if self.reference is not None and self.reference not in names + [BASE_NAME]:
            raise ScenarioError(f"reference '{self.reference}' is not a variant", file=self.source_file,
                                column="reference", expected=f"'{BASE_NAME}' or one of: {', '.join(names)}")
        return tuple(out)


def _references(data) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(_references(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_references(v) for v in data)) if data else set()
    if isinstance(data, str):
        m = _REF.match(data)
        return {m.group(1)} if m else set()
    return set()


def _substitute(data, values: dict[str, float]):
    if isinstance(data, dict):
        return {k: _substitute(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_substitute(v, values) for v in data]
    if isinstance(data, str):
        m = _REF.match(data)
        if m:
            return values[m.group(1)]
    return data


def _variant_name(template: str, values: dict[str, float], multi: list[str]) -> str:
    if "{" in template:
        try:
            return template.format(**{k: _num(v) for k, v in values.items()})
        except (KeyError, IndexError, ValueError):
            return template
    if multi:
        return f"{template} ({', '.join(f'{p}={_num(values[p])}' for p in multi)})"
    return template


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _scenario_error(exc: ValidationError, data, file: str | None, row: int | None, what: str) -> ScenarioError:
    error = exc.errors()[0]
    loc = list(error["loc"])
    node, where = data, row
    for key in loc:  # the deepest mapping on the error's path that knows its row
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and node.get("source_row") is not None:
            where = node["source_row"]
    path = ".".join(str(k) for k in loc)
    message = error["msg"].removeprefix("Value error, ")
    return ScenarioError(f"{what}: {message}" + (f" at '{path}'" if path else ""), file=file, row=where,
                         column=str(loc[-1]) if loc else None)


def load_scenarios(path: str | Path) -> ScenarioFile:
    """Read and validate a scenario file (YAML or JSON); errors name the file and row."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError("file not found", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = load_yaml_with_rows(text, every_item=True, source_file=str(path))
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"invalid JSON: {exc.msg}", file=str(path), row=exc.lineno) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                            row=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise ScenarioError("a scenario file is a mapping", file=str(path), expected="keys name, variants, ...")
    data = {**data, "source_file": str(path)}
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise _scenario_error(exc, data, str(path), None, "invalid scenario file") from None


# =============================================================================================================
# Where lines sit in the BOM, and applying edits to it
# =============================================================================================================

GROUPS = ("items", "subassemblies", "packaging", "transport", "energy")
_GROUP_OF = {PackagingItem: "packaging", TransportLeg: "transport", EnergyUse: "energy"}


@dataclass(frozen=True)
class _Place:
    """Where a line sits: the path of containers from its group, the node it hangs from and the module argument
    the graph builder gives it."""

    path: tuple[str, ...]  # (group, container id, ..., parent id)
    parent: str | None  # node id the line hangs from (None: a shared subassembly definition)
    module: str | None


def _child_place(line: Line, place: _Place, *, definition: bool = False) -> _Place:
    """The place of the children (or a part's processes) of `line`."""
    if definition:
        return _Place(place.path + (line.id,), line.id, None)
    return _Place(place.path + (line.id,), line.id, place.module or line.id)


def _walk(line: Line, place: _Place, *, definition: bool = False) -> Iterator[tuple[Line, _Place]]:
    """`line` and everything inside it, depth first, with their places."""
    if not definition:
        yield line, place
    if isinstance(line, Assembly):
        inner = _child_place(line, place, definition=definition)
        for child in line.children:
            yield from _walk(child, inner)
    elif isinstance(line, Part):
        inner = _child_place(line, place)
        for step in line.processes:
            yield step, inner


def _walk_system(system: ProductSystem) -> Iterator[tuple[Line, _Place]]:
    """Every line of the BOM with its place (the lines inside shared subassemblies, not the definitions)."""
    fu = system.machine.id
    for item in system.items:
        yield from _walk(item, _Place(("items",), fu, None))
    for sub in system.subassemblies:
        yield from _walk(sub, _Place(("subassemblies",), None, None), definition=True)
    for group in ("packaging", "transport", "energy"):
        for line in getattr(system, group):
            yield line, _Place((group,), fu, None)


def _find(lines: list, line_id: str):
    for k, line in enumerate(lines):
        if line.id == line_id:
            return k
    return None


def _inner_list(line) -> tuple[str, list]:
    return ("children", line.children) if isinstance(line, Assembly) else ("processes", line.processes)


def _get_line(system: ProductSystem, path: tuple[str, ...], line_id: str):
    lines = getattr(system, path[0])
    for container_id in path[1:]:
        k = _find(lines, container_id)
        if k is None:
            return None
        lines = _inner_list(lines[k])[1]
    k = _find(lines, line_id)
    return None if k is None else lines[k]


def _edit_list(system: ProductSystem, path: tuple[str, ...], change) -> ProductSystem:
    """Copy `system` with the list at `path` replaced by change(list); containers on the way are copied."""

    def rec(lines: list, rest: tuple[str, ...]) -> list:
        if not rest:
            return change(lines)
        k = _find(lines, rest[0])
        container = lines[k]
        name, inner = _inner_list(container)
        new_inner = rec(inner, rest[1:])
        if name == "children" and not new_inner:
            raise ValueError(f"assembly '{container.id}' would have no children left (remove the assembly instead)")
        return [*lines[:k], container.model_copy(update={name: new_inner}), *lines[k + 1:]]

    return system.model_copy(update={path[0]: rec(getattr(system, path[0]), path[1:])})


def _dataset_of(line) -> str | None:
    if isinstance(line, Part):
        return line.material
    return getattr(line, "dataset", None)


def _mass_unit(unit: str) -> float | None:
    """kg per `unit`, or None when unit is not a mass."""
    try:
        return conversion_factor(unit, "kg")
    except UnitError:
        return None


class _Draft:
    """A variant being built: the edited system, and which lines must be rebuilt and which base lines dropped."""

    def __init__(self, base: "CompiledBase", variant: Variant, file: str | None):
        self.base = base
        self.variant = variant
        self.file = file
        self.system = base.system
        self.places: dict[str, _Place | None] = {}  # lines added (place) or removed (None) by this variant
        self.dropped: set[str] = set()  # base line ids whose links, edges and masses are dropped
        self.pending: dict[str, None] = {}  # ids of lines (in self.system) to build, in order
        self.grid: str | None = None
        self.edit: _Edit | None = None
        self.edit_no = 0

    # -- looking lines up ----------------------------------------------------------------------------------
    def place(self, line_id: str) -> _Place | None:
        if line_id in self.places:
            return self.places[line_id]
        entry = self.base.index.get(line_id)
        return None if entry is None else entry[1]

    def line(self, line_id: str):
        place = self.place(line_id)
        return None if place is None else _get_line(self.system, place.path, line_id)

    def error(self, message: str, expected: str | None = None) -> ScenarioError:
        op = getattr(self.edit, "op", "")
        return ScenarioError(f"variant '{self.variant.name}', edit {self.edit_no} ({op}): {message}",
                             file=self.file, row=getattr(self.edit, "source_row", None), expected=expected)

    def select(self, selector: Selector) -> list[str]:
        """Ids of the lines `selector` matches; an error when it matches nothing."""
        if selector.ids:
            missing = [i for i in selector.ids if self.place(i) is None]
            if missing:
                raise self.error(f"no line with id {', '.join(repr(m) for m in missing)}",
                                 expected="ids of lines in the BOM")
            candidates = [(self.line(i), self.place(i)) for i in selector.ids]
        elif selector.under:
            place = self.place(selector.under)
            container = self.line(selector.under) if place is not None else None
            if container is None:
                sub = _find(self.system.subassemblies, selector.under)
                if sub is None:
                    raise self.error(f"no line with id '{selector.under}' (under)", expected="an assembly id")
                candidates = list(_walk(self.system.subassemblies[sub], _Place(("subassemblies",), None, None),
                                        definition=True))
            else:
                candidates = list(_walk(container, place))[1:]
        else:
            candidates = list(_walk_system(self.system))
        matched = []
        for line, place in candidates:
            if selector.under and selector.ids and selector.under not in place.path:
                continue
            if selector.id_pattern and not fnmatch.fnmatchcase(line.id, selector.id_pattern):
                continue
            if selector.kind and getattr(line, "kind", None) != selector.kind:
                continue
            if selector.dataset and _dataset_of(line) != selector.dataset:
                continue
            if selector.supplier and not fnmatch.fnmatch((line.supplier or "").lower(), selector.supplier.lower()):
                continue
            if selector.country and (line.country or "").upper() != selector.country.upper():
                continue
            matched.append(line.id)
        if not matched:
            raise self.error(f"matches no line ({selector.describe()})",
                             expected="a selector that matches at least one BOM line")
        return matched

    # -- changing lines ------------------------------------------------------------------------------------
    def _forget(self, line_id: str) -> list[str]:
        """Mark the line and everything inside it as gone; returns their ids."""
        line, place = self.line(line_id), self.place(line_id)
        gone = [inner.id for inner, _ in _walk(line, place)]
        for inner in gone:
            if inner in self.base.index and self.places.get(inner, True) is not None:
                self.dropped.add(inner)
            self.pending.pop(inner, None)
            self.places[inner] = None
        return gone

    def _adopt(self, lines: list, place: _Place, freed: list[str]) -> None:
        """Register new lines at `place`; they are built unless a container above them already is."""
        covered = any(c in self.pending for c in place.path[1:])
        for line in lines:
            for inner, inner_place in _walk(line, place):
                if self.place(inner.id) is not None and inner.id not in freed:
                    raise self.error(f"id '{inner.id}' is already used in the BOM",
                                     expected="ids unique across the BOM")
                self.places[inner.id] = inner_place
            if not covered:
                self.pending[line.id] = None

    def swap(self, line_id: str, new_lines: list) -> None:
        """Replace a line (and its content) by `new_lines` at the same place."""
        place = self.place(line_id)
        gone = self._forget(line_id)
        self._adopt(new_lines, place, gone)

        def change(lines):
            k = _find(lines, line_id)
            return [*lines[:k], *new_lines, *lines[k + 1:]]

        try:
            self.system = _edit_list(self.system, place.path, change)
        except ValueError as exc:
            raise self.error(str(exc)) from None

    def insert(self, path: tuple[str, ...], place: _Place, new_lines: list) -> None:
        self._adopt(new_lines, place, [])
        self.system = _edit_list(self.system, path, lambda lines: [*lines, *new_lines])

    def revalidate(self, line, update: dict):
        """The line with `update` applied, validated like a line read from a file."""
        try:
            return type(line).model_validate({**line.model_dump(), **update})
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(k) for k in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"a {line.kind} line has no field '{where}'"
            raise self.error(f"line '{line.id}': {message}" + (f" ('{where}')" if where and
                                                                 err["type"] != "extra_forbidden" else ""),
                             expected="a value valid for the line (see docs/bom_format.md)") from None

    def drop_orphan_subassemblies(self) -> None:
        """A shared subassembly whose last use was removed goes too (build_graph rejects unused ones)."""
        while True:
            used: dict[str, int] = {}
            for ref_id in self.base.refs:
                if self.places.get(ref_id, True) is not None:
                    used[self.base.index[ref_id][0].ref] = used.get(self.base.index[ref_id][0].ref, 0) + 1
            for line_id, place in self.places.items():
                if place is not None and line_id not in self.base.refs:
                    line = self.line(line_id)
                    if isinstance(line, AssemblyRef):
                        used[line.ref] = used.get(line.ref, 0) + 1
            orphans = [s for s in self.system.subassemblies if not used.get(s.id)]
            if not orphans:
                return
            for sub in orphans:
                for inner, _ in _walk(sub, _Place(("subassemblies",), None, None), definition=True):
                    if inner.id in self.base.index:
                        self.dropped.add(inner.id)
                    self.pending.pop(inner.id, None)
                    self.places[inner.id] = None
            gone = {s.id for s in orphans}
            self.system = self.system.model_copy(
                update={"subassemblies": [s for s in self.system.subassemblies if s.id not in gone]})


def _expand_designs(lines: list) -> list:
    out = []
    for line in lines:
        out.extend(line.lines() if isinstance(line, (CrateDesign, StretchFilmWrap, ReusablePackaging)) else [line])
    return out


def _split_by_group(lines: list) -> tuple[list, dict[str, list]]:
    items, groups = [], {"packaging": [], "transport": [], "energy": []}
    for line in lines:
        group = _GROUP_OF.get(type(line))
        (groups[group] if group else items).append(line)
    return items, groups


# -- the edits ----------------------------------------------------------------------------------------------

def _substitute_line(draft: _Draft, edit: Substitute, line) -> Line:
    if isinstance(line, (Assembly, AssemblyRef)):
        raise draft.error(f"line '{line.id}' is a {line.kind}; substitute applies to lines with a material or "
                          "dataset", expected="a selector that matches parts, components or other dataset lines")
    update: dict[str, Any] = {"material" if isinstance(line, Part) else "dataset": edit.to}
    if isinstance(line, Part):
        if edit.mass_kg is not None:
            update["mass_kg"] = edit.mass_kg
        elif edit.mass_factor is not None:
            update["mass_kg"] = line.mass_kg * edit.mass_factor
        if edit.processes == "drop":
            update["processes"] = []
    elif edit.mass_kg is not None or edit.mass_factor is not None:
        field_name, kg_per_unit = _mass_field(line)
        if field_name is None:
            raise draft.error(f"line '{line.id}' has no mass to change (unit '{getattr(line, 'unit', '')}', "
                              "no mass_kg)", expected="a line with a mass, or no mass_factor / mass_kg")
        if edit.mass_kg is not None:
            update[field_name] = edit.mass_kg / kg_per_unit
        else:
            update[field_name] = getattr(line, field_name) * edit.mass_factor
    return draft.revalidate(line, update)


def _mass_field(line) -> tuple[str | None, float]:
    """The field that holds a line's mass and the kg per unit of that field."""
    if isinstance(line, (PackagingItem, TransportLeg)):
        return "mass_kg", 1.0
    if isinstance(line, Component):
        per_unit = _mass_unit(line.unit)
        if per_unit is not None:
            return "quantity", per_unit
        return ("mass_kg", 1.0) if line.mass_kg is not None else (None, 1.0)
    if isinstance(line, (ProcessStep, EnergyUse)):
        per_unit = _mass_unit(line.unit)
        return ("amount", per_unit) if per_unit is not None else (None, 1.0)
    return None, 1.0


def _apply_substitute(draft: _Draft, edit: Substitute) -> None:
    for line_id in draft.select(edit.match):
        line = draft.line(line_id)
        if line is not None:
            draft.swap(line_id, [_substitute_line(draft, edit, line)])


def _apply_set(draft: _Draft, edit: SetFields) -> None:
    for line_id in draft.select(edit.match):
        line = draft.line(line_id)
        if line is not None:
            draft.swap(line_id, [draft.revalidate(line, dict(edit.values))])


def _apply_scale(draft: _Draft, edit: Scale) -> None:
    for line_id in draft.select(edit.match):
        line = draft.line(line_id)
        if line is None:
            continue
        update = {}
        for name, factor in edit.factors.items():
            value = getattr(line, name, None)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise draft.error(f"line '{line_id}' has no numeric field '{name}' to scale",
                                  expected="a field such as mass_kg, quantity, amount or distance_km")
            update[name] = value * factor
        draft.swap(line_id, [draft.revalidate(line, update)])


def _apply_remove(draft: _Draft, edit: Remove) -> None:
    for line_id in draft.select(edit.match):
        if draft.line(line_id) is not None:  # not already gone with a matched container
            draft.swap(line_id, [])


def _container_target(draft: _Draft, to: str | None) -> tuple[tuple[str, ...], _Place]:
    """The list path and the children's place for lines added to `to`."""
    fu = draft.system.machine.id
    if to is None or to in ("items", fu):
        return ("items",), _Place(("items",), fu, None)
    place = draft.place(to)
    if place is not None:
        container = draft.line(to)
        if not isinstance(container, (Assembly, Part)):
            raise draft.error(f"cannot add lines to '{to}', a {container.kind} line",
                              expected="an assembly, subassembly or part id")
        return place.path + (to,), _child_place(container, place)
    k = _find(draft.system.subassemblies, to)
    if k is not None:
        sub = draft.system.subassemblies[k]
        return ("subassemblies", to), _child_place(sub, _Place(("subassemblies",), None, None), definition=True)
    raise draft.error(f"no line with id '{to}' to add lines to", expected="an assembly, subassembly or part id")


def _check_container_kind(draft: _Draft, path: tuple[str, ...], lines: list) -> None:
    container = path[-1] if len(path) > 1 else None
    is_part = container is not None and isinstance(draft.line(container), Part)
    for line in lines:
        if is_part and not isinstance(line, ProcessStep):
            raise draft.error(f"a part takes only process lines, not '{line.id}' ({line.kind})",
                              expected="kind: process")


def _apply_add(draft: _Draft, edit: Add) -> None:
    items, groups = _split_by_group(_expand_designs(edit.lines))
    if items:
        path, place = _container_target(draft, edit.to)
        _check_container_kind(draft, path, items)
        draft.insert(path, place, items)
    fu = draft.system.machine.id
    for group, lines in groups.items():
        if lines:
            draft.insert((group,), _Place((group,), fu, None), lines)


def _apply_replace(draft: _Draft, edit: Replace) -> None:
    matched = draft.select(edit.match)
    items, groups = _split_by_group(_expand_designs(edit.lines))
    fu = draft.system.machine.id
    first = {}  # where each kind of new line goes: the first matched line of the same group
    for line_id in matched:
        group = draft.place(line_id).path[0]
        first.setdefault("items" if group in ("items", "subassemblies") else group, line_id)
    if items and "items" not in first:
        raise draft.error("new parts or assemblies can only replace parts, components or assemblies",
                          expected="remove + add to put item lines in another place")
    for line_id in matched:
        if draft.line(line_id) is None:
            continue
        key = "items" if draft.place(line_id).path[0] in ("items", "subassemblies") else draft.place(line_id).path[0]
        new = items if key == "items" else groups[key]
        if first.get(key) == line_id:
            if key == "items":
                _check_container_kind(draft, draft.place(line_id).path, new)
            draft.swap(line_id, new)
        else:
            draft.swap(line_id, [])
    for group, lines in groups.items():
        if lines and group not in first:
            draft.insert((group,), _Place((group,), fu, None), lines)


def _pieces(draft: _Draft, node: str | None, seen: tuple[str, ...] = ()) -> float:
    """Pieces of a foreground node per machine in the draft (shared subassemblies summed over their uses)."""
    fu = draft.system.machine.id
    if node is None or node == fu:
        return 1.0
    if node in seen:
        raise draft.error(f"cycle through '{node}'")
    place = draft.place(node)
    if place is not None and place.parent is not None:
        line = draft.line(node)
        own = line.quantity if isinstance(line, (Assembly, Part)) else 1.0
        return own * _pieces(draft, place.parent, seen + (node,))
    total = 0.0  # a subassembly definition: every live use
    for line, place in _walk_system(draft.system):
        if isinstance(line, AssemblyRef) and line.ref == node:
            total += line.quantity * _pieces(draft, place.parent, seen + (node,))
    return total


def _mass_per_parent(draft: _Draft, line) -> float:
    """Purchased mass (kg, production scrap included) of a line per unit of its parent."""
    if isinstance(line, Part):
        return line.quantity * line.material_input_kg
    if isinstance(line, Component):
        gross = line.quantity / (1.0 - line.scrap_fraction)
        per_unit = _mass_unit(line.unit)
        if per_unit is not None:
            return gross * per_unit
        if line.mass_kg is not None:
            return gross * line.mass_kg
        raise draft.error(f"component '{line.id}' has no mass to carry",
                          expected="mass_kg on the component, or mass_kg on the new legs")
    if isinstance(line, Assembly):
        return line.quantity * sum(_mass_per_parent(draft, c) for c in line.children
                                   if not isinstance(c, ProcessStep))
    if isinstance(line, AssemblyRef):
        sub = draft.system.subassemblies[_find(draft.system.subassemblies, line.ref)]
        return line.quantity * sum(_mass_per_parent(draft, c) for c in sub.children
                                   if not isinstance(c, ProcessStep))
    raise draft.error(f"line '{line.id}' ({line.kind}) is not goods a supplier ships",
                      expected="parts, components or assemblies")


def _apply_supplier(draft: _Draft, edit: ChangeSupplier) -> None:
    matched = draft.select(edit.match)
    goods_kg = sum(_pieces(draft, draft.place(i).parent) * _mass_per_parent(draft, draft.line(i)) for i in matched)
    update = {k: getattr(edit, k) for k in ("supplier", "country") if getattr(edit, k) is not None}
    if update:
        for line_id in matched:
            draft.swap(line_id, [draft.revalidate(draft.line(line_id), update)])
    for leg_id in edit.legs_out:
        leg = draft.line(leg_id)
        if not isinstance(leg, TransportLeg):
            raise draft.error(f"legs_out: no transport line '{leg_id}'", expected="ids of transport lines")
        left = leg.mass_kg - goods_kg
        if left < -1e-9 * max(1.0, goods_kg):
            raise draft.error(f"leg '{leg_id}' carries {leg.mass_kg:g} kg, less than the {goods_kg:.4g} kg of goods "
                              "moved to the new supplier", expected="the legs that carry these goods")
        draft.swap(leg_id, [] if left <= 1e-9 * max(1.0, goods_kg) else [draft.revalidate(leg, {"mass_kg": left})])
    fu = draft.system.machine.id
    legs = [TransportLeg(id=leg.id, name=leg.name or f"goods from {edit.supplier or 'the new supplier'}",
                         dataset=leg.dataset, distance_km=leg.distance_km,
                         mass_kg=leg.mass_kg if leg.mass_kg is not None else goods_kg,
                         supplier=edit.supplier, country=edit.country, source_file=draft.file,
                         source_row=leg.source_row) for leg in edit.legs]
    if legs:
        draft.insert(("transport",), _Place(("transport",), fu, None), legs)


def _apply_electricity(draft: _Draft, edit: SetElectricity) -> None:
    bg = draft.base.background
    if not bg.has(edit.dataset) or bg.tables.datasets.loc[edit.dataset, "category"] != "electricity":
        raise draft.error(f"'{edit.dataset}' is not an electricity dataset",
                          expected="a key from `pcf data list --category electricity`")
    update = {"electricity": edit.dataset}
    if edit.basis is not None:
        update["electricity_basis"] = edit.basis
    draft.system = draft.system.model_copy(update={"factory": draft.system.factory.model_copy(update=update)})
    draft.grid = edit.dataset


_APPLY = {"substitute": _apply_substitute, "set": _apply_set, "scale": _apply_scale, "remove": _apply_remove,
          "add": _apply_add, "replace": _apply_replace, "supplier": _apply_supplier,
          "electricity": _apply_electricity}


def _draft(base: "CompiledBase", variant: Variant, file: str | None = None) -> _Draft:
    draft = _Draft(base, variant, file)
    for number, edit in enumerate(variant.edits, start=1):
        draft.edit, draft.edit_no = edit, number
        _APPLY[edit.op](draft, edit)
    draft.edit = None
    draft.drop_orphan_subassemblies()
    return draft


def apply_edits(base: "CompiledBase", variant: Variant, *, file: str | None = None) -> ProductSystem:
    """The base BOM with the variant's edits applied (raises ScenarioError for an edit that matches nothing)."""
    return _draft(base, variant, file).system


# =============================================================================================================
# The compiled base and the fast evaluation
# =============================================================================================================

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


def _material_label(link) -> str:
    return link.material if link.material is not None else f"({link.line_kind}: not a material)"


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
    line_links: dict[str, np.ndarray]
    mass_node: np.ndarray
    mass_kg: np.ndarray
    line_masses: dict[str, np.ndarray]
    stages: _Codes
    modules: _Codes
    lines: _Codes
    materials: _Codes
    line_dataset: dict[str, str]
    seconds: float
    own: "VariantResult | None" = None  # the base evaluated by the comparator (checked against `result`)
    _scores: dict = field(default_factory=dict)

    @property
    def grid(self) -> str:
        return self.graph.grid

    def unit_scores(self, grid: str) -> tuple[np.ndarray, np.ndarray]:
        """kg CO2e per reference unit of every dataset with `grid` at the factory: (excluding removals, removals)."""
        cached = self._scores.get(grid)
        if cached is None:
            bg, method = self.background, self.method
            cumulative = bg.cumulative_with_grid(grid)
            factors = method.factors_for(bg.flow_keys)
            classes = method.classes_for(bg.flow_keys)
            onehot = np.array([[c == k for k in CLASSES] for c in classes], dtype=np.float64).reshape(-1, len(CLASSES))
            by_class = (cumulative * factors) @ onehot
            removal = by_class[:, CLASSES.index("biogenic_removal")]
            cached = self._scores[grid] = (by_class.sum(axis=1) - removal, removal)
        return cached


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
    graph = build_graph(system, background, grid=grid)
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
        line_links=_group_index([link.line_id for link in links]),
        mass_node=np.array([node_pos[m[0]] for m in masses], dtype=np.int64),
        mass_kg=np.array([m[1] for m in masses], dtype=np.float64),
        line_masses=_group_index([m[2] for m in masses]),
        stages=stages, modules=modules, lines=lines, materials=materials,
        line_dataset={link.line_id: link.dataset for link in links},
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


@dataclass(frozen=True, eq=False)
class VariantResult:
    """A variant's footprint (kg CO2e per machine) and its breakdowns, for side-by-side comparison."""

    name: str
    description: str
    parameters: dict
    total_kg_co2e: float  # excluding biogenic uptake, like Result.total_kg_co2e
    biogenic_removals_kg_co2e: float
    by_stage: pd.Series
    by_module: pd.Series
    by_dataset: pd.Series
    by_material: pd.Series
    by_line: pd.Series  # kg CO2e per BOM line id
    line_dataset: dict[str, str]  # dataset of the lines this variant built (others: as in the base)
    mass_kg: float  # rolled-up parts and components, kg per machine
    packaging_kg: float
    electricity: str
    evaluation: str  # base | patched (supply reused) | resolved (foreground re-solved) | rebuilt (full pipeline)
    system: ProductSystem
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"name": self.name, "description": self.description, "parameters": self.parameters,
                "total_kg_co2e": self.total_kg_co2e, "biogenic_removals_kg_co2e": self.biogenic_removals_kg_co2e,
                "mass_kg": self.mass_kg, "packaging_kg": self.packaging_kg, "electricity": self.electricity,
                "evaluation": self.evaluation}


@dataclass
class _Patch:
    """Base arrays with some lines dropped and some appended: what a variant changes, as arrays."""

    n_nodes: int
    keep_edges: np.ndarray | None  # bool mask over base edges (None: all)
    keep_links: np.ndarray | None
    keep_masses: np.ndarray | None
    new_edges: tuple[np.ndarray, np.ndarray, np.ndarray]  # parent pos, child pos, amount
    new_edge_lines: np.ndarray  # line ids (object array)
    new_links: dict[str, np.ndarray]  # parent, dataset, amount, stage, module, line, material
    new_masses: tuple[np.ndarray, np.ndarray]  # node pos, kg
    codes: dict[str, _Codes]
    line_dataset: dict[str, str]
    structure_changed: bool

    @classmethod
    def identity(cls, base: CompiledBase) -> "_Patch":
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        return cls(len(base.node_pos), None, None, None, (empty_i, empty_i, empty_f), np.zeros(0, dtype=object),
                   {k: empty_f if k == "amount" else empty_i
                    for k in ("parent", "dataset", "amount", "stage", "module", "line", "material")},
                   (empty_i, empty_f), {"stages": base.stages, "modules": base.modules, "lines": base.lines,
                                        "materials": base.materials}, {}, False)


class _NotPatchable(Exception):
    """The variant cannot be expressed in the base's topological order: rebuild it in full."""


def _patch(base: CompiledBase, draft: _Draft) -> _Patch:
    bg = base.background
    pending = []
    for line_id in draft.pending:
        place = draft.place(line_id)
        line = draft.line(line_id)
        pending.append((place.parent, place.module, line))
    try:
        fragment = build_fragment(draft.system, bg, pending)
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
          for key in ("parent", "dataset", "amount", "stage", "module", "line", "material")}

    # (I - Q) s = e_fu with Q[child, parent] = pieces: lower triangular in the base's topological order
    lower = None
    if patch.structure_changed:
        lower = sp.csr_matrix((np.concatenate([np.ones(n), -e_amount]),
                               (np.concatenate([np.arange(n), e_child]), np.concatenate([np.arange(n), e_parent]))),
                              shape=(n, n))
        demand = np.zeros(n)
        demand[0] = 1.0
        supply = spsolve_triangular(lower, demand, lower=True)
        evaluation = "resolved" if evaluation == "patched" else evaluation
    else:
        supply = base.supply
    if not np.all(np.isfinite(supply)):
        raise SolveError(f"variant '{name}' could not be solved (non-finite supply)")

    unit_score, unit_removal = base.unit_scores(grid)
    per_machine = supply[lk["parent"]] * lk["amount"]
    link_kg = per_machine * unit_score[lk["dataset"]]
    total = float(link_kg.sum())
    removals = float(per_machine @ unit_removal[lk["dataset"]])

    codes = patch.codes

    def series(code_array: np.ndarray, labels: _Codes, *, sort: bool = True) -> pd.Series:
        sums = np.bincount(code_array, weights=link_kg, minlength=len(labels.labels))
        present = np.bincount(code_array, minlength=len(labels.labels)) > 0
        out = pd.Series(sums[present], index=pd.Index([labels.labels[k] for k in np.nonzero(present)[0]],
                                                      dtype=object))
        return out.sort_values(ascending=False) if sort else out

    by_stage = series(lk["stage"], codes["stages"], sort=False)
    by_stage = pd.concat([by_stage.reindex(list(STAGES), fill_value=0.0),
                          by_stage.drop([s for s in STAGES if s in by_stage.index])])
    by_line = series(lk["line"], codes["lines"], sort=False)
    by_material = series(lk["material"], codes["materials"])
    dataset_kg = np.bincount(lk["dataset"], weights=link_kg, minlength=base.background.size)
    used = np.nonzero(np.bincount(lk["dataset"], minlength=base.background.size))[0]
    by_dataset = pd.Series(dataset_kg[used], index=pd.Index([base.background.keys[k] for k in used], dtype=object))
    by_dataset = by_dataset.sort_values(ascending=False)

    # modules as compute_result splits them: a top-level child's quantity x its cradle-to-gate score per piece,
    # plus the machine's own lines by module (packaging, transport, energy, top-level components)
    direct = np.bincount(lk["parent"], weights=lk["amount"] * unit_score[lk["dataset"]], minlength=n)
    if lower is None:
        lower = sp.csr_matrix((np.concatenate([np.ones(n), -e_amount]),
                               (np.concatenate([np.arange(n), e_child]), np.concatenate([np.arange(n), e_parent]))),
                              shape=(n, n))
    per_piece = spsolve_triangular(lower.T.tocsr(), direct, lower=False)
    e_line = _kept(base.edge_line, patch.keep_edges, patch.new_edge_lines)
    module_kg: dict[str, float] = {}
    for k in np.nonzero(e_parent == 0)[0]:
        line_id = e_line[k]
        module_kg[line_id] = module_kg.get(line_id, 0.0) + float(e_amount[k] * per_piece[e_child[k]])
    fu_links = lk["parent"] == 0
    module_codes = lk["module"][fu_links]
    sums = np.bincount(module_codes, weights=link_kg[fu_links], minlength=len(codes["modules"].labels))
    for k in np.unique(module_codes):
        label = codes["modules"].labels[k]
        key = label if label is not None else "(shared subassembly)"
        module_kg[key] = module_kg.get(key, 0.0) + float(sums[k])
    by_module = pd.Series(module_kg, dtype="float64").sort_values(ascending=False)

    m_node = _kept(base.mass_node, patch.keep_masses, patch.new_masses[0])
    m_kg = _kept(base.mass_kg, patch.keep_masses, patch.new_masses[1])
    mass = float(supply[m_node] @ m_kg)
    packaging = float(sum(p.mass_kg * p.quantity for p in system.packaging))
    return VariantResult(
        name=name, description=description, parameters=parameters, total_kg_co2e=total,
        biogenic_removals_kg_co2e=removals, by_stage=by_stage, by_module=by_module, by_dataset=by_dataset,
        by_material=by_material, by_line=by_line, line_dataset=patch.line_dataset, mass_kg=mass,
        packaging_kg=packaging, electricity=grid, evaluation=evaluation, system=system, seconds=seconds,
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
        graph = build_graph(draft.system, bg, grid=grid)
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
    )


# =============================================================================================================
# The comparison: side-by-side tables
# =============================================================================================================

BREAKDOWNS = ("stage", "module", "dataset", "material", "line")


@dataclass(frozen=True, eq=False)
class Comparison:
    """The base and its variants side by side; deltas are variant - reference (the base unless named)."""

    base: VariantResult
    variants: tuple[VariantResult, ...]
    reference: str = BASE_NAME
    name: str = ""
    description: str = ""
    base_line_dataset: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    @property
    def results(self) -> tuple[VariantResult, ...]:
        return (self.base, *self.variants)

    def result(self, name: str) -> VariantResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def reference_result(self) -> VariantResult:
        return self.result(self.reference)

    def totals(self) -> pd.DataFrame:
        """One row per result: total, delta to the reference (kg CO2e and %), masses, electricity."""
        ref = self.reference_result
        rows = []
        for r in self.results:
            delta = r.total_kg_co2e - ref.total_kg_co2e
            rows.append({
                "variant": r.name, "total_kg_co2e": r.total_kg_co2e, "delta_kg_co2e": delta,
                "delta_pct": 100.0 * delta / ref.total_kg_co2e if ref.total_kg_co2e else float("nan"),
                "biogenic_removals_kg_co2e": r.biogenic_removals_kg_co2e, "mass_kg": r.mass_kg,
                "delta_mass_kg": r.mass_kg - ref.mass_kg, "packaging_kg": r.packaging_kg,
                "electricity": r.electricity, "evaluation": r.evaluation,
            })
        return pd.DataFrame(rows).set_index("variant")

    def breakdown(self, by: str) -> pd.DataFrame:
        """kg CO2e by stage, module, dataset, material or line (rows) for every result (columns)."""
        if by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown '{by}' (expected one of {', '.join(BREAKDOWNS)})")
        frame = pd.concat({r.name: getattr(r, f"by_{by}") for r in self.results}, axis=1).fillna(0.0)
        if by == "stage":
            order = [s for s in STAGES if s in frame.index] + [s for s in frame.index if s not in STAGES]
            return frame.loc[order]
        return frame.loc[frame.abs().max(axis=1).sort_values(ascending=False).index]

    def deltas(self, by: str) -> pd.DataFrame:
        """Variant - reference, kg CO2e, by stage, module, dataset, material or line."""
        frame = self.breakdown(by)
        return frame.drop(columns=[self.reference]).sub(frame[self.reference], axis=0)

    def side_by_side(self, by: str, *, top: int | None = None) -> pd.DataFrame:
        """The reference's kg CO2e, then per variant: kg CO2e, delta (kg) and delta (% of the reference's row)."""
        frame = self.breakdown(by)
        ref = frame[self.reference]
        columns = {(self.reference, "kg_co2e"): ref}
        for r in self.results:
            if r.name == self.reference:
                continue
            delta = frame[r.name] - ref
            columns[(r.name, "kg_co2e")] = frame[r.name]
            columns[(r.name, "delta_kg_co2e")] = delta
            columns[(r.name, "delta_pct")] = (100.0 * delta / ref.where(ref != 0)).astype("float64")
        out = pd.DataFrame(columns)
        if top is not None and by != "stage":
            changed = self.deltas(by).abs().max(axis=1)
            keep = changed.sort_values(ascending=False).index[:top]
            out = out.loc[[k for k in out.index if k in set(keep)]]
        return out

    def top_changes(self, n: int = 10) -> pd.DataFrame:
        """For every variant, the n BOM lines whose kg CO2e changed most against the reference."""
        ref = self.reference_result
        rows = []
        for r in self.results:
            if r.name == self.reference:
                continue
            both = pd.concat({"ref": ref.by_line, "var": r.by_line}, axis=1).fillna(0.0)
            delta = both["var"] - both["ref"]
            delta = delta[delta != 0]
            for line_id in delta.abs().sort_values(ascending=False).index[:n]:
                rows.append({
                    "variant": r.name, "line_id": line_id,
                    "dataset_reference": self._dataset(ref, line_id) if line_id in ref.by_line.index else "",
                    "dataset_variant": self._dataset(r, line_id) if line_id in r.by_line.index else "",
                    "kg_co2e_reference": float(both.at[line_id, "ref"]),
                    "kg_co2e_variant": float(both.at[line_id, "var"]), "delta_kg_co2e": float(delta[line_id]),
                })
        columns = ["variant", "line_id", "dataset_reference", "dataset_variant", "kg_co2e_reference",
                   "kg_co2e_variant", "delta_kg_co2e"]
        return pd.DataFrame(rows, columns=columns)

    def _dataset(self, result: VariantResult, line_id: str) -> str:
        return result.line_dataset.get(line_id, self.base_line_dataset.get(line_id, ""))

    # -- rendering -------------------------------------------------------------------------------------------
    def to_dict(self, *, top: int = 10) -> dict:
        """A JSON-ready document: totals, side-by-side stage and module tables, top changes."""

        def clean(value):
            if isinstance(value, float) and not math.isfinite(value):
                return None
            return value

        def table(frame: pd.DataFrame) -> dict:
            return {str(key): {str(c): clean(float(frame.at[key, c])) for c in frame.columns} for key in frame.index}

        totals = self.totals()
        deltas = {by: self.deltas(by) for by in ("stage", "module", "dataset")}
        variants = []
        for r in self.results:
            row = totals.loc[r.name]
            entry = {**r.summary(), "delta_kg_co2e": float(row["delta_kg_co2e"]),
                     "delta_pct": clean(float(row["delta_pct"])), "delta_mass_kg": float(row["delta_mass_kg"]),
                     "seconds": r.seconds}
            for by in ("stage", "module"):
                entry[f"by_{by}"] = {str(k): float(v) for k, v in getattr(r, f"by_{by}").items()}
            variants.append(entry)
        return {
            "scenario": self.name,
            "description": self.description,
            "functional_unit": "one machine, cradle to gate",
            "unit": "kg CO2e per machine (excluding biogenic uptake)",
            "reference": self.reference,
            "variants": variants,
            "by_stage": table(self.breakdown("stage")),
            "by_module": table(self.breakdown("module")),
            "delta_by_stage": table(deltas["stage"]),
            "delta_by_module": table(deltas["module"]),
            "top_changes": json.loads(self.top_changes(top).to_json(orient="records", double_precision=15)),
            "seconds": self.seconds,
        }

    def write_json(self, path: str | Path, *, top: int = 10) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(top=top), indent=2, ensure_ascii=False), encoding="utf-8")
        return path

    def report_tables(self, *, top: int = 10, labels: dict[str, str] | None = None,
                      layout: str = "wide") -> list[dict]:
        """The comparison's tables as formatted text: totals, by stage, by module (top changes) and the lines that
        changed most. Each is {'title', 'caption', 'columns', 'rows', 'numeric'} (numeric: right-aligned columns).

        labels: display names of row keys (e.g. stages); layout: 'wide' puts the variants side by side (three
        columns each, as `to_markdown`), 'long' gives one row per key and variant (six columns, fits a page).
        """
        if layout not in ("wide", "long"):
            raise ValueError(f"unknown layout '{layout}' (expected 'wide' or 'long')")
        ref = self.reference
        tables = [{
            "title": "", "caption": f"Totals: kg CO2e per machine, cradle to gate; deltas against {ref}",
            "columns": ["variant", "kg CO2e", "delta kg CO2e", "delta %", "mass kg", "electricity"],
            "rows": [[str(name), f"{row['total_kg_co2e']:,.1f}", f"{row['delta_kg_co2e']:+,.1f}",
                      _pct(row["delta_pct"]), f"{row['mass_kg']:,.1f}", str(row["electricity"])]
                     for name, row in self.totals().iterrows()],
            "numeric": [1, 2, 3, 4]}]
        for by, title in (("stage", "By life-cycle stage"), ("module", "By module")):
            frame = self.side_by_side(by, top=top)
            names = [c for c in frame.columns.get_level_values(0).unique() if c != ref]
            rows = []
            for key, row in frame.iterrows():
                label, reference = (labels or {}).get(str(key), str(key)), f"{row[(ref, 'kg_co2e')]:,.1f}"
                cells = [[f"{row[(n, 'kg_co2e')]:,.1f}", f"{row[(n, 'delta_kg_co2e')]:+,.1f}",
                          _pct(row[(n, 'delta_pct')])] for n in names]
                if layout == "wide":
                    rows.append([label, reference] + [c for variant in cells for c in variant])
                else:
                    rows += [[label, reference, n, *variant] if i == 0 else ["", "", n, *variant]
                             for i, (n, variant) in enumerate(zip(names, cells))]
            shown = "" if by == "stage" else f" (the {top} with the largest changes)"
            if layout == "wide":
                columns = ["", ref] + [c for n in names for c in (n, "delta", "delta %")]
                numeric = list(range(1, len(columns)))
            else:
                columns, numeric = ["", ref, "variant", "kg CO2e", "delta", "delta %"], [1, 3, 4, 5]
            tables.append({"title": title, "caption": f"{title}{shown}: kg CO2e of {ref}, and per variant its kg "
                                                      f"CO2e, delta and delta % against {ref}",
                           "columns": columns, "rows": rows, "numeric": numeric})
        changes = self.top_changes(top)
        if len(changes):
            tables.append({
                "title": "Lines that changed most",
                "caption": f"BOM lines that changed most (top {top} per variant), kg CO2e",
                "columns": ["variant", "line", "dataset", "kg CO2e before", "after", "delta"],
                "rows": [[str(row.variant), str(row.line_id), _arrow(row.dataset_reference, row.dataset_variant),
                          f"{row.kg_co2e_reference:,.2f}", f"{row.kg_co2e_variant:,.2f}",
                          f"{row.delta_kg_co2e:+,.2f}"] for row in changes.itertuples()],
                "numeric": [3, 4, 5]})
        return tables

    def report_section_data(self, *, top: int = 10, labels: dict[str, str] | None = None,
                            charts: dict[str, str] | None = None, layout: str = "long") -> dict:
        """The report section as plain data (id, title, paragraphs, tables of formatted cells, charts as
        (title, file) pairs), for a renderer; the tables are `report_tables` (long layout: fits a page)."""
        paragraphs = [self.description.strip()] if self.description else []
        paragraphs.append(f"kg CO2e per machine, cradle to gate (excluding biogenic uptake); deltas are variant minus "
                          f"{self.reference}. {len(self.variants)} variant(s) of the base BOM.")
        return {"id": "design-comparison",
                "title": f"Design comparison{': ' + self.name if self.name else ''}",
                "paragraphs": paragraphs, "tables": self.report_tables(top=top, labels=labels, layout=layout),
                "charts": list((charts or {}).items())}

    def to_markdown(self, *, top: int = 10) -> str:
        """The comparison as a report section (markdown tables)."""
        out = [f"## Design comparison{': ' + self.name if self.name else ''}", ""]
        if self.description:
            out += [self.description, ""]
        out.append(f"kg CO2e per machine, cradle to gate; deltas against **{self.reference}**.")
        for table in self.report_tables(top=top):
            out += ["", f"### {table['title']}", ""] if table["title"] else [""]
            numeric = set(table["numeric"])
            out.append("|" + "".join(f" {c} |" if c else " |" for c in table["columns"]))
            out.append("|" + "".join(" ---: |" if j in numeric else " --- |" for j in range(len(table["columns"]))))
            out += ["| " + " | ".join(row) + " |" for row in table["rows"]]
        return "\n".join(out) + "\n"


def _pct(value: float) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:+.1f} %"


def _arrow(before: str | None, after: str | None) -> str:
    if before == after:
        return before or ""
    return f"{before or '(none)'} -> {after or '(removed)'}"


def compare(
    bom: ProductSystem | CompiledBase,
    scenarios: ScenarioFile | list[Variant] | tuple[Variant, ...],
    *,
    background: Background | None = None,
    method: str = DEFAULT_METHOD,
    grid: str | None = None,
    reference: str | None = None,
    verify: bool = False,
) -> Comparison:
    """Evaluate every variant against the base BOM (compiled once) and put them side by side.

    verify: also rebuild every variant in full and check that both paths agree (1e-9 relative).
    """
    start = time.perf_counter()
    if isinstance(scenarios, ScenarioFile):
        variants, file = scenarios.expand(), scenarios.source_file
        name, description = scenarios.name, scenarios.description
        reference = reference or scenarios.reference
    else:
        variants, file, name, description = tuple(scenarios), None, "", ""
    reference = reference or BASE_NAME
    names = [v.name for v in variants]
    if reference not in names + [BASE_NAME]:
        raise ScenarioError(f"reference '{reference}' is not a variant", file=file,
                            expected=f"'{BASE_NAME}' or one of: {', '.join(names)}")
    if isinstance(bom, CompiledBase):
        base = bom
    else:
        if background is None:
            from .data.background import default_background

            background = default_background()
        base = compile_base(bom, background, method=method, grid=grid)
    evaluated = time.perf_counter()
    results = tuple(evaluate(base, v, file=file) for v in variants)
    seconds = {"compile_base": base.seconds, "variants": time.perf_counter() - evaluated}
    if verify:
        for variant, fast in zip(variants, results):
            full = rebuild(base, variant, file=file)
            _check_agree(fast, full)
        seconds["verify"] = time.perf_counter() - evaluated - seconds["variants"]
    seconds["total"] = time.perf_counter() - start
    return Comparison(base=base.own, variants=results, reference=reference, name=name, description=description,
                      base_line_dataset=base.line_dataset, seconds=seconds)


def _check_agree(fast: VariantResult, full: VariantResult) -> None:
    """The fast path and the full rebuild must give the same total and stage split."""
    scale = max(1.0, abs(full.total_kg_co2e))
    stages = pd.concat([fast.by_stage, full.by_stage], axis=1).fillna(0.0)
    worst = max(abs(fast.total_kg_co2e - full.total_kg_co2e),
                float((stages.iloc[:, 0] - stages.iloc[:, 1]).abs().max()))
    if worst > CONSISTENCY_RTOL * scale:
        raise SolveError(f"variant '{fast.name}': the fast evaluation ({fast.total_kg_co2e!r}) and the full rebuild "
                         f"({full.total_kg_co2e!r}) disagree")
