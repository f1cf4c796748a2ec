"""Where lines sit in the BOM: the groups, each line's place (containers, parent node, module), walking the
BOM with places, and copying it with one list changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..bom.models import Assembly, Line, Part, ProductSystem


GROUPS = ("items", "subassemblies", "packaging", "transport", "energy")


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
