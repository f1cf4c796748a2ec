"""The scenario file: its pydantic models (selectors, edits, variants, parameters), parameter expansion and
loading a file (YAML or JSON) with errors that name the file and row."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..bom.models import (
    Assembly,
    AssemblyRef,
    Component,
    EnergyUse,
    PackagingItem,
    Part,
    ProcessStep,
    TransportLeg,
)
from ..bom.readers import check_input_size, load_json_strict, load_yaml_with_rows
from ..packaging import CrateDesign, ReusablePackaging, StretchFilmWrap
from .errors import ScenarioError
from .programme import Programme


BASE_NAME = "base"


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
    region: str | None = Field(default=None, description="province or state of the new supplier (its grid)")
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


MAX_VARIANTS = 10_000
_REF = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")


class ScenarioFile(_Model):
    """A scenario file: named variants of one base BOM, and the parameters they use."""

    schema_version: Literal[1] = 1
    name: str = ""
    description: str = ""
    reference: str | None = Field(default=None, description="variant the deltas are taken against (default: base)")
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    variants: list[VariantSpec] = Field(default_factory=list)
    programme: Programme | None = Field(default=None, description="annual packaging programme (its own scope)")
    source_file: str | None = None

    @model_validator(mode="after")
    def _something_to_compare(self) -> "ScenarioFile":
        if not self.variants and self.programme is None:
            raise ValueError("a scenario file needs variants, a programme, or both")
        return self

    def expand(self) -> tuple[Variant, ...]:
        """Concrete variants: parameters substituted, one variant per combination of multi-valued parameters.

        More than MAX_VARIANTS in all is refused before any is built (a grid of six ten-valued parameters is a
        million variants)."""
        out: list[Variant] = []
        planned = 0
        for spec in self.variants:
            used = sorted(p for p in _references(spec.edits) if p in self.parameters)
            count = 1
            for p in used:
                count *= len(self.parameters[p].all_values())
            planned += count
            if planned > MAX_VARIANTS:
                raise ScenarioError(f"the parameters expand to more than {MAX_VARIANTS:,} variants (variant "
                                    f"'{spec.name}' alone: {count:,})", file=self.source_file, row=spec.source_row,
                                    expected="fewer parameter values, or several smaller scenario files")
        for spec in self.variants:
            used = self._used(spec)
            grids = [self.parameters[p].all_values() for p in used]
            multi = [p for p, values in zip(used, grids) if len(values) > 1]
            for combo in itertools.product(*grids):
                values = dict(zip(used, combo))
                out.append(self._concrete(spec, values, _variant_name(spec.name, values, multi)))
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


    def varying(self, spec: VariantSpec) -> list[str]:
        """The parameters `spec` uses that take more than one value (sorted)."""
        return sorted(p for p in _references(spec.edits)
                      if p in self.parameters and len(self.parameters[p].all_values()) > 1)

    def variant_with(self, spec: VariantSpec, values: dict[str, float], name: str) -> Variant:
        """`spec` as one concrete variant with its parameters at `values` (any numbers, not only the listed ones:
        the Sobol' sample of pcf.uncertainty.sobol); a parameter not in `values` takes its first value."""
        chosen = {p: float(values[p]) if p in values else self.parameters[p].all_values()[0]
                  for p in self._used(spec)}
        return self._concrete(spec, chosen, name)

    def _used(self, spec: VariantSpec) -> list[str]:
        """The parameters `spec` uses (sorted); a ScenarioError naming the undefined ones."""
        used = sorted(_references(spec.edits))
        unknown = [p for p in used if p not in self.parameters]
        if unknown:
            raise ScenarioError(f"variant '{spec.name}' uses undefined parameter(s) {', '.join(unknown)}",
                                file=self.source_file, row=spec.source_row,
                                expected=f"one of: {', '.join(sorted(self.parameters)) or '(none defined)'}")
        return used

    def _concrete(self, spec: VariantSpec, values: dict, name: str) -> Variant:
        """`spec` with its parameters substituted by `values`, validated as the variant `name`."""
        edits = _substitute(spec.edits, values)
        try:
            return Variant.model_validate({"name": name, "description": spec.description, "parameters": values,
                                           "edits": edits, "source_row": spec.source_row})
        except ValidationError as exc:
            raise _scenario_error(exc, {"edits": edits}, self.source_file, spec.source_row,
                                  f"variant '{name}'") from None


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
    check_input_size(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            data = load_json_strict(text, str(path))
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
