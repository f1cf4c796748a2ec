"""Applying a variant's edits to the base BOM (substitute, set, scale, remove, add, replace, supplier,
electricity), packaging designs expanded into lines."""

from __future__ import annotations

from typing import Any

from ..bom.models import (
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
from ..errors import UnitError
from ..packaging import CrateDesign, ReusablePackaging, StretchFilmWrap
from ..units import conversion_factor
from .base import CompiledBase
from .draft import _Draft
from .places import _Place, _child_place, _find, _walk_system
from .scenario import (
    Add,
    ChangeSupplier,
    Remove,
    Replace,
    Scale,
    SetElectricity,
    SetFields,
    Substitute,
    Variant,
)


_GROUP_OF = {PackagingItem: "packaging", TransportLeg: "transport", EnergyUse: "energy"}


def _mass_unit(unit: str) -> float | None:
    """kg per `unit`, or None when unit is not a mass."""
    try:
        return conversion_factor(unit, "kg")
    except UnitError:
        return None


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
    if edit.country is not None or edit.region is not None:
        update["region"] = edit.region  # a new country clears the old supplier's province or state
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
