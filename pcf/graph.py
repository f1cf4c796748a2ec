"""The product graph (networkx): machine -> assemblies -> parts, and their links to background datasets.

Nodes are the machine (the functional unit), assemblies, shared subassemblies and parts, plus one node per
background dataset used (`bg:<key>`). Every edge carries a quantity per unit of its parent, in an explicit unit:
pieces between foreground nodes, the dataset's reference unit (kg, kWh, tkm, m2 ...) on links to the background.
Building the graph validates the BOM: unique ids, known datasets, convertible units, no cycles, every node reachable
from the functional unit, and a mass roll-up against the declared machine mass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    import networkx as nx

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
    Stage,
    TransportLeg,
)
from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY
from .electricity import MAKER, resolver, site_of
from .errors import GraphError, MappingError, UnitError
from .units import canonical, conversion_factor

PACKAGING_MODULE = "packaging"
TRANSPORT_MODULE = "inbound transport"
ENERGY_MODULE = "factory energy"


@dataclass(frozen=True)
class Link:
    """One line's use of a background dataset: `amount` reference units per unit of the parent node."""

    parent: str
    dataset: str
    amount: float  # negative for credits
    stage: str
    line_id: str
    line_kind: str
    module: str | None
    material: str | None
    data_type: str
    amount_text: str  # the quantity as the BOM gave it, e.g. "2 kg", for reports
    site: str = "home"  # whose electricity supplies the dataset's electricity_factory: maker | supplier | home
    grid: str | None = None  # that grid's dataset key; None: the maker's factory grid (chosen at run time)
    grid_reason: str = ""  # why that grid, for reports


@dataclass(frozen=True)
class MassRollup:
    """Sum of part and component masses per machine against the declared mass (kg)."""

    parts_kg: float
    components_kg: float
    packaging_kg: float
    declared_kg: float | None
    lines_without_mass: tuple[str, ...]
    declared_includes_packaging: bool = False  # the declared mass is the shipping mass: compare with packaging

    @property
    def total_kg(self) -> float:
        return self.parts_kg + self.components_kg

    @property
    def compared_kg(self) -> float:
        """What the declared mass is compared with: parts + components (+ packaging when it is included)."""
        return self.total_kg + (self.packaging_kg if self.declared_includes_packaging else 0.0)

    @property
    def gap_kg(self) -> float | None:
        return None if self.declared_kg is None else self.declared_kg - self.compared_kg

    @property
    def gap_share(self) -> float | None:
        return None if self.declared_kg is None else self.gap_kg / self.declared_kg

    def to_dict(self) -> dict:
        return {
            "parts_kg": self.parts_kg,
            "components_kg": self.components_kg,
            "rolled_up_kg": self.total_kg,
            "declared_kg": self.declared_kg,
            "gap_kg": self.gap_kg,
            "gap_share": self.gap_share,
            "packaging_kg": self.packaging_kg,
            "declared_includes_packaging": self.declared_includes_packaging,
            "compared_kg": self.compared_kg,
            "lines_without_mass": list(self.lines_without_mass),
        }


# What each kind of BOM line may link to (dataset categories, docs/lci_data_format.md): an energy line pointing at
# steel, or a part made of a transport dataset, is an error, not a number. Process lines may also consume auxiliary
# materials (welding wire, trial foil scrapped in the acceptance test).
CATEGORIES_BY_LINE_KIND = {
    "part": ("material", "packaging", "spend"),
    "component": ("component", "material", "packaging", "spend", "process"),  # a process: an outsourced service
    "process": ("process", "electricity", "fuel", "placeholder", "material", "packaging"),
    "energy": ("electricity", "fuel", "placeholder"),
    "packaging": ("packaging", "material"),
    "transport": ("transport",),
}


@dataclass(frozen=True)
class ProductGraph:
    """A validated product graph with its foreground nodes in topological order.

    The graph is kept as tables (edges, links, node attributes): the engine works on arrays built from them. The
    networkx view (`graph`) is built on first use, for users who want to walk or draw it.
    """

    system: ProductSystem
    functional_unit: str
    order: tuple[str, ...]  # foreground nodes, parents before children
    edges: tuple[tuple[str, str, float, str], ...]  # foreground parent, child, pieces per parent, line id
    links: tuple[Link, ...]
    mass: MassRollup
    grid: str | None  # the maker's factory grid; None: no line needs one (a materials-only BOM)
    line_masses: tuple[tuple[str, float, str], ...] = ()  # node, kg per unit of the node, line id (mass roll-up)
    node_attrs: Mapping[str, Mapping] = field(default_factory=dict)  # foreground node -> kind, name, module
    dataset_units: Mapping[str, str] = field(default_factory=dict)  # reference unit of every dataset linked

    @property
    def node_kinds(self) -> tuple:
        """The kind of every foreground node in `order` (machine, assembly, part)."""
        return tuple(self.node_attrs[node].get("kind") for node in self.order)

    @cached_property
    def graph(self) -> "nx.MultiDiGraph":
        """The product graph as a networkx MultiDiGraph: foreground nodes, `bg:KEY` dataset nodes, an edge per BOM
        line (amount, unit, line_id; links also their stage)."""
        return _networkx(self)


def bg_node(key: str) -> str:
    return f"bg:{key}"


def build_graph(system: ProductSystem, background: Background, *, grid: str | None = None,
                family: str | None = None) -> ProductGraph:
    """Build and validate the product graph of `system` over `background` (grid: override the factory's).

    family: the factory grid whose series (MEE footprint or MEE/NBS national, and year) a Chinese supplier's grid
    follows; default: the BOM's own `factory.electricity` (so `--grid` changes the maker's electricity only).
    """
    builder = _Builder(system, background, family)
    builder.run()
    grid_key = grid or system.factory.electricity
    if grid_key is None:  # a materials-only BOM needs no factory grid: refuse only a line that does
        builder.check_no_maker_electricity()
        return builder.finish(None)
    if not background.has(grid_key):
        raise MappingError(f"unknown electricity dataset '{grid_key}' for the factory grid",
                           file=system.source_file, column="factory.electricity",
                           expected="an electricity dataset key (see `pcf data list --category electricity`)")
    if background.tables.datasets.loc[grid_key, "category"] != "electricity":
        raise MappingError(f"'{grid_key}' is not an electricity dataset", file=system.source_file,
                           column="factory.electricity", expected="a dataset of category electricity")
    return builder.finish(grid_key)


@dataclass(frozen=True)
class GraphFragment:
    """The product-graph pieces of some BOM lines, built without the rest of the BOM (for partial rebuilds)."""

    nodes: tuple[str, ...]  # new foreground nodes, parents before children
    edges: tuple[tuple[str, str, float, str], ...]
    links: tuple[Link, ...]
    line_masses: tuple[tuple[str, float, str], ...]


def build_fragment(system: ProductSystem, background: Background,
                   lines: list[tuple[str, str | None, Line]], *, family: str | None = None,
                   owners: dict | None = None) -> GraphFragment:
    """Build `lines` of `system` as build_graph would, each under the node (parent id) and module given.

    Lines of the packaging, transport and energy groups hang from the machine (their parent is ignored). Checks
    what build_graph checks line by line (known datasets, units, ids unique within the fragment); ids against the
    rest of the BOM, cycles and reachability are the caller's to check.
    """
    builder = _Builder(system, background, family)
    for parent, module, line in lines:
        if isinstance(line, (PackagingItem, TransportLeg, EnergyUse)):
            builder._group_line(line)
        else:
            builder._item(parent, line, module, owner=(owners or {}).get(line.id))
    builder._raise_unknown()
    return GraphFragment(tuple(builder.node_attrs), tuple(builder.edges), tuple(builder.links),
                         builder._line_masses())


class _Builder:
    def __init__(self, system: ProductSystem, background: Background, family: str | None = None):
        self.system = system
        self.bg = background
        self.family = family if family is not None else system.factory.electricity
        self.fe = background.factory_electricity_kwh
        self.categories: dict[str, str] = background.tables.datasets["category"].to_dict()
        self._grids: dict = {}
        self.fu = system.machine.id
        self.ids: dict[str, Line | None] = {self.fu: None}
        self.node_attrs: dict[str, dict] = {}
        self.edges: list[tuple[str, str, float, str]] = []
        self.links: list[Link] = []
        self.unknown: list[tuple[Line, str]] = []
        self.mass_edges: dict[str, list[tuple[float, str]]] = defaultdict(list)  # parent -> (mass kg per parent)
        self.no_mass: list[str] = []
        self.subassemblies = {a.id: a for a in system.subassemblies}
        self._factors: dict[tuple[str, str], float] = {}

    # -- walking the model -------------------------------------------------------------------------------------
    def run(self) -> None:
        s = self.system
        self.node_attrs[self.fu] = {"kind": "machine", "name": s.machine.name, "module": None}
        for sub in s.subassemblies:
            self._claim(sub)
        for item in s.items:
            self._item(self.fu, item, module=None)
        for sub in s.subassemblies:
            self._assembly_body(sub, module=None)
        for line in (*s.packaging, *s.transport, *s.energy):
            self._group_line(line)
        self._raise_unknown()

    def _group_line(self, line: PackagingItem | TransportLeg | EnergyUse) -> None:
        """A packaging, transport or energy line: a link from the machine to its dataset."""
        self._claim(line)
        if isinstance(line, PackagingItem):
            self._link(self.fu, line, line.dataset, line.mass_kg * line.quantity, "kg", Stage.packaging.value,
                       PACKAGING_MODULE, material=line.dataset,
                       amount_text=f"{line.quantity:g} x {line.mass_kg:g} kg")
        elif isinstance(line, TransportLeg):
            self._link(self.fu, line, line.dataset, line.tkm, "tkm", Stage.upstream_transport.value, TRANSPORT_MODULE,
                       amount_text=f"{line.mass_kg:g} kg x {line.distance_km:g} km")
        else:
            self._link(self.fu, line, line.dataset, line.amount, line.unit, Stage.production.value, ENERGY_MODULE,
                       credit=line.credit)

    def _raise_unknown(self) -> None:
        if self.unknown:
            first, key = self.unknown[0]
            others = sorted({k for _, k in self.unknown} - {key})
            more = f"; also unknown: {', '.join(others[:10])}" + (" ..." if len(others) > 10 else "") if others else ""
            raise MappingError(
                f"line '{first.id}': unknown dataset '{key}' ({len(self.unknown)} line(s) with unknown datasets{more})",
                file=first.source_file or self.system.source_file,
                row=first.source_row,
                expected="a dataset key listed by `pcf data list`",
            )

    def _claim(self, line: Line) -> None:
        if line.id in self.ids:
            other = self.ids[line.id]
            where = other.where if other is not None else "the machine id"
            raise GraphError(f"duplicate id '{line.id}' (also used by {where})",
                             file=line.source_file or self.system.source_file, row=line.source_row,
                             column="id", expected="ids unique across the BOM")
        self.ids[line.id] = line

    def _item(self, parent: str, item, module: str | None, owner=None) -> None:
        top = module or item.id
        if isinstance(item, AssemblyRef):
            self._claim(item)
            if item.ref not in self.subassemblies:
                raise GraphError(f"line '{item.id}' refers to unknown subassembly '{item.ref}'",
                                 file=item.source_file or self.system.source_file, row=item.source_row,
                                 column="ref", expected="the id of an entry in `subassemblies`")
            self.edges.append((parent, item.ref, item.quantity, item.id))
            return
        if isinstance(item, Assembly):
            self._claim(item)
            self.edges.append((parent, item.id, item.quantity, item.id))
            self._assembly_body(item, top)
        elif isinstance(item, Part):
            self._claim(item)
            self.node_attrs[item.id] = {"kind": "part", "name": item.name, "module": top}
            self.edges.append((parent, item.id, item.quantity, item.id))
            self._link(item.id, item, item.material, item.material_input_kg, "kg",
                       Stage.raw_material_acquisition.value, top, material=item.material,
                       amount_text=f"{item.material_input_kg:g} kg")
            self.mass_edges[item.id].append((item.mass_kg, item.id))
            for step in item.processes:
                self._claim(step)
                self._link(item.id, step, step.dataset, step.amount, step.unit, step.stage.value, top,
                           credit=step.credit, owner=item)
        elif isinstance(item, Component):
            self._claim(item)
            gross = item.quantity / (1.0 - item.scrap_fraction)
            unit = item.unit
            ref_unit = self.bg.units.get(item.dataset)
            if item.mass_kg is not None and ref_unit and _dimension(ref_unit) == "mass" and _dimension(unit) == "count":
                gross, unit = gross * item.mass_kg, "kg"  # counted pieces of a per-kg dataset, by their mass
            self._link(parent, item, item.dataset, gross, unit, Stage.raw_material_acquisition.value, top,
                       amount_text=f"{item.quantity:g} {item.unit}")
            if item.mass_kg is not None:
                self.mass_edges[parent].append((item.mass_kg * item.quantity, item.id))
            elif _is_mass_unit(item.unit):
                self.mass_edges[parent].append((item.quantity * conversion_factor(item.unit, "kg"), item.id))
            else:
                self.no_mass.append(item.id)
        elif isinstance(item, ProcessStep):
            self._claim(item)
            self._link(parent, item, item.dataset, item.amount, item.unit, item.stage.value, top, credit=item.credit,
                       owner=owner)

    def _assembly_body(self, assembly: Assembly, module: str | None) -> None:
        self.node_attrs[assembly.id] = {"kind": "assembly", "name": assembly.name, "module": module}
        for child in assembly.children:
            self._item(assembly.id, child, module)

    def _link(self, parent: str, line: Line, dataset: str, amount: float, unit: str, stage: str, module,
              *, material: str | None = None, credit: bool = False, amount_text: str | None = None,
              owner=None) -> None:
        if not self.bg.has(dataset):
            self.unknown.append((line, dataset))
            return
        kind = getattr(line, "kind", "line")
        category = self.categories.get(dataset)
        allowed = CATEGORIES_BY_LINE_KIND.get(kind)
        if allowed and category not in allowed:
            raise MappingError(f"line '{line.id}': {kind} lines cannot use '{dataset}', a {category} dataset",
                               file=line.source_file or self.system.source_file, row=line.source_row,
                               column="material" if kind == "part" else "dataset",
                               expected=f"a dataset of category {' or '.join(allowed)}")
        ref_unit = self.bg.units[dataset]
        key = (unit, ref_unit)
        factor = self._factors.get(key)
        if factor is None:
            try:
                factor = conversion_factor(unit, ref_unit)
            except UnitError as exc:
                counted = isinstance(line, Component) and _dimension(unit) == "count"
                raise UnitError(
                    f"line '{line.id}': {exc.message} for dataset '{dataset}'"
                    + (f" ({amount:g} {unit} of a per-{ref_unit} dataset, and no mass per piece)" if counted else ""),
                    file=line.source_file or self.system.source_file, row=line.source_row, column="unit",
                    expected=f"a unit convertible to {ref_unit}"
                    + (", or mass_kg (a weight column) per piece" if counted and _dimension(ref_unit) == "mass" else ""),
                ) from None
            self._factors[key] = factor
        value = amount * factor * (-1.0 if credit else 1.0)
        site, grid, reason = self._grid(kind, line, owner, dataset)
        self.links.append(Link(parent, dataset, value, stage, line.id, kind, module,
                               material, line.data_type.value, amount_text or f"{amount:g} {unit}",
                               site, grid, reason))

    def _grid(self, kind: str, line: Line, owner, dataset: str) -> tuple[str, str | None, str]:
        """Whose grid supplies this link's electricity_factory (docs/engine.md, pcf/electricity.py)."""
        site = site_of(kind, line, owner)
        if site.kind == MAKER:
            return MAKER, None, "maker's factory grid"
        if self.fe[self.bg.index(dataset)] == 0.0:
            return site.kind, None, ""  # no factory electricity in this dataset's supply chain
        cache_key = (site.kind, site.country, site.region, dataset if site.kind != "supplier" else None)
        found = self._grids.get(cache_key)
        if found is None:
            try:
                key, reason = resolver(self.bg).grid_for(site, dataset, self.family)
            except MappingError as exc:
                raise MappingError(exc.message, file=exc.file or self.system.source_file, row=exc.row,
                                   column=exc.column, expected=exc.expected) from None
            if not self.bg.has(key):  # a background without that grid: the maker's grid stands in
                found = (MAKER, None, f"{key} is not in the background; the factory grid stands in")
            else:
                found = (site.kind, key, reason)
            self._grids[cache_key] = found
        return found

    # -- validation ---------------------------------------------------------------------------------------------
    def check_no_maker_electricity(self) -> None:
        """Without a factory grid, no line may draw electricity at the maker's factory (its own processes, in-house
        parts' processes, factory energy): the first one that does is named."""
        for link in self.links:
            if link.grid is None and link.amount != 0.0 and self.fe[self.bg.index(link.dataset)] != 0.0:
                line = self.ids.get(link.line_id)
                raise MappingError(
                    f"line '{link.line_id}' ({link.dataset}) uses electricity at the maker's factory, but the BOM "
                    "gives no factory.electricity", file=getattr(line, "source_file", None) or self.system.source_file,
                    row=getattr(line, "source_row", None), column="factory.electricity",
                    expected="factory.electricity: an electricity dataset key (`pcf data list --category "
                             "electricity`), or --grid KEY")

    def finish(self, grid: str | None) -> ProductGraph:
        children = _children(self.node_attrs, self.edges)
        order = _topological_order(children)
        if order is None:  # networkx names the cycle
            import networkx as nx

            foreground = nx.DiGraph()
            foreground.add_edges_from((p, c) for p, c, _, _ in self.edges)
            cycle = nx.find_cycle(foreground)
            path = " -> ".join([str(cycle[0][0])] + [str(e[1]) for e in cycle])
            first = self.ids.get(cycle[0][0])
            raise GraphError(f"the BOM contains a cycle: {path}", file=self.system.source_file,
                             row=getattr(first, "source_row", None), expected="a tree or DAG of assemblies")
        reachable = _reachable(children, self.fu)
        unreachable = [n for n in order if n not in reachable]
        if unreachable:
            line = self.ids.get(unreachable[0])
            raise GraphError(
                f"{len(unreachable)} node(s) not reachable from the machine, e.g. subassembly '{unreachable[0]}' "
                "is defined but never used",
                file=self.system.source_file, row=getattr(line, "source_row", None),
                expected="every subassembly used by at least one `ref` line",
            )
        return ProductGraph(
            system=self.system,
            functional_unit=self.fu,
            order=tuple(order),
            edges=tuple(self.edges),
            links=tuple(self.links),
            mass=self._mass_rollup(order),
            grid=grid,
            line_masses=self._line_masses(),
            node_attrs=self.node_attrs,
            dataset_units={key: self.bg.units[key] for key in {link.dataset for link in self.links}},
        )

    def _line_masses(self) -> tuple[tuple[str, float, str], ...]:
        return tuple((node, mass, line_id) for node, entries in self.mass_edges.items() for mass, line_id in entries)

    def _mass_rollup(self, order: list[str]) -> MassRollup:
        pieces = dict.fromkeys(order, 0.0)
        pieces[self.fu] = 1.0
        children = defaultdict(list)
        for parent, child, quantity, _ in self.edges:
            children[parent].append((child, quantity))
        for node in order:  # parents before children
            for child, quantity in children[node]:
                pieces[child] += pieces[node] * quantity
        parts = components = 0.0
        for node, entries in self.mass_edges.items():
            for mass, line_id in entries:
                if self.node_attrs.get(line_id, {}).get("kind") == "part":
                    parts += pieces[line_id] * mass
                else:
                    components += pieces[node] * mass
        packaging = sum(p.mass_kg * p.quantity for p in self.system.packaging)
        machine = self.system.machine
        return MassRollup(parts, components, packaging, machine.declared_mass_kg, tuple(self.no_mass),
                          machine.declared_mass_includes_packaging)


def _children(nodes, edges) -> dict[str, dict[str, None]]:
    """node -> its distinct children, in the order the edges list them (every node of `nodes` or an edge)."""
    children: dict[str, dict[str, None]] = {node: {} for node in nodes}
    for parent, child, _, _ in edges:
        children.setdefault(parent, {})[child] = None
        children.setdefault(child, {})
    return children


def _topological_order(children: dict[str, dict[str, None]]) -> list[str] | None:
    """Parents before children, generation by generation (Kahn; the order networkx's topological_sort gives);
    None when the graph has a cycle."""
    indegree = dict.fromkeys(children, 0)
    for kids in children.values():
        for child in kids:
            indegree[child] += 1
    generation = [node for node, degree in indegree.items() if degree == 0]
    order: list[str] = []
    while generation:
        order.extend(generation)
        following = []
        for node in generation:
            for child in children[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    following.append(child)
        generation = following
    return order if len(order) == len(children) else None


def _reachable(children: dict[str, dict[str, None]], start: str) -> set[str]:
    """`start` and every node below it."""
    seen = {start}
    stack = [start]
    while stack:
        for child in children[stack.pop()]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _networkx(graph: ProductGraph) -> "nx.MultiDiGraph":
    import networkx as nx  # only for this view: the engine works on the tables

    g = nx.MultiDiGraph()
    g.add_node(graph.functional_unit, **graph.node_attrs[graph.functional_unit])
    for node, attrs in graph.node_attrs.items():
        g.add_node(node, **attrs)
    g.add_edges_from((p, c, {"amount": q, "unit": "piece", "line_id": lid}) for p, c, q, lid in graph.edges)
    units = graph.dataset_units
    for key in {link.dataset for link in graph.links}:
        g.add_node(bg_node(key), kind="dataset", dataset=key, unit=units[key])
    g.add_edges_from((link.parent, bg_node(link.dataset), {"amount": link.amount, "unit": units[link.dataset],
                                                            "line_id": link.line_id, "stage": link.stage})
                     for link in graph.links)
    return g


def _dimension(unit: str) -> str | None:
    try:
        return canonical(unit)[0]
    except UnitError:
        return None


def _is_mass_unit(unit: str) -> bool:
    try:
        conversion_factor(unit, "kg")
        return True
    except UnitError:
        return False


def uses_factory_electricity(graph: ProductGraph) -> bool:
    return any(link.dataset == FACTORY_ELECTRICITY for link in graph.links)
