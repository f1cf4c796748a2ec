"""Synthetic multilevel BOMs over a background, for benchmarks and scale tests (plain data, like a read file)."""

from __future__ import annotations

import numpy as np

from .data.background import Background
from .data.tables import FACTORY_ELECTRICITY


def _keys(background: Background, category: str, units: tuple[str, ...]) -> list[str]:
    frame = background.tables.datasets
    return sorted(frame[(frame["category"] == category) & frame["unit"].isin(units)].index)


def synthetic_bom(background: Background, n_lines: int, *, seed: int = 0, grid: str | None = None) -> dict:
    """A BOM of about `n_lines` lines: modules -> assemblies -> subassemblies -> parts (with processes),
    plus purchased components, packaging, transport and factory energy. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    materials = _keys(background, "material", ("kg",))
    processes = _keys(background, "process", ("kg", "m", "m2"))
    components = _keys(background, "component", ("kg", "piece"))
    transport = _keys(background, "transport", ("tkm",))
    packaging = _keys(background, "packaging", ("kg",))
    grids = _keys(background, "electricity", ("kWh",))
    if not materials:
        raise ValueError("the background has no material datasets in kg")
    units = background.tables.datasets["unit"]
    counter = iter(range(10**9))

    def part() -> dict:
        i = next(counter)
        line = {"kind": "part", "id": f"P{i}", "material": str(rng.choice(materials)),
                "mass_kg": float(rng.uniform(0.01, 20.0)), "quantity": float(rng.integers(1, 5)),
                "scrap_fraction": float(rng.choice([0.0, 0.05, 0.15]))}
        if processes and rng.random() < 0.5:
            key = str(rng.choice(processes))
            line["processes"] = [{"id": f"P{i}-proc", "dataset": key, "amount": float(rng.uniform(0.05, 2.0)),
                                  "unit": str(units[key])}]
        return line

    def component() -> dict:
        i = next(counter)
        key = str(rng.choice(components))
        line = {"kind": "component", "id": f"C{i}", "dataset": key, "quantity": float(rng.integers(1, 4)),
                "unit": str(units[key])}
        if units[key] == "piece":
            line["mass_kg"] = float(rng.uniform(0.1, 5.0))
        return line

    def leaf() -> dict:
        return component() if components and rng.random() < 0.25 else part()

    # lines per level: module (1) -> 4 assemblies -> 4 subassemblies -> ~6 leaves (+ process lines)
    items, made = [], 0
    while made < n_lines:
        m = next(counter)
        assemblies = []
        for _ in range(4):
            a = next(counter)
            subs = []
            for _ in range(4):
                s = next(counter)
                leaves = [leaf() for _ in range(6)]
                made += 1 + sum(1 + len(x.get("processes", [])) for x in leaves)
                subs.append({"kind": "assembly", "id": f"S{s}", "quantity": float(rng.integers(1, 3)),
                             "children": leaves})
            made += 1
            assemblies.append({"kind": "assembly", "id": f"A{a}", "children": subs})
        made += 1
        items.append({"kind": "assembly", "id": f"M{m}", "name": f"module {m}", "children": assemblies})
    system = {
        "machine": {"id": "SYN", "name": f"synthetic machine ({n_lines} lines)"},
        "factory": {"electricity": grid or (grids[0] if grids else FACTORY_ELECTRICITY)},
        "items": items,
        "packaging": [{"id": f"pack{k}", "dataset": key, "mass_kg": 10.0} for k, key in enumerate(packaging[:3])],
        "transport": [{"id": f"leg{k}", "dataset": key, "mass_kg": 1000.0, "distance_km": 300.0}
                      for k, key in enumerate(transport[:3])],
        "energy": [{"id": "assembly-energy", "dataset": FACTORY_ELECTRICITY, "amount": 500.0, "unit": "kWh"}]
        if background.has(FACTORY_ELECTRICITY) else [],
    }
    return system
