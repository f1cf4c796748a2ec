"""A variant being built: the edited system, the lines it added or removed and the lines to rebuild."""

from __future__ import annotations

import fnmatch

from pydantic import ValidationError

from ..bom.models import AssemblyRef, Part
from .base import CompiledBase
from .places import _Place, _edit_list, _find, _get_line, _walk, _walk_system
from .scenario import ScenarioError, Selector, Variant, _Edit


def _dataset_of(line) -> str | None:
    if isinstance(line, Part):
        return line.material
    return getattr(line, "dataset", None)


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
