"""Speed of the design comparator: 100 variants of a 10k-line synthetic BOM over the shipped background.

Prints the fast path (variants patched into the compiled base) beside the naive cost (a full rebuild per variant:
product graph, datapackages, bw2calc solve, contributions), and checks on the naively rebuilt variants that both
paths agree to 1e-9. Not a test: figures only.

    .venv/bin/python benchmarks/bench_compare.py [--lines 10000] [--variants 100] [--naive 20 | --naive all]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np


def make_variants(system, background, count: int, seed: int = 1):
    """`count` variants mixing every kind of edit, on lines picked at random from the synthetic BOM."""
    from pcf.compare import Variant

    rng = np.random.default_rng(seed)
    parts, components, subassemblies, modules = [], [], [], []

    def walk(line, module):
        kind = getattr(line, "kind", "")
        if kind == "part":
            parts.append(line)
            modules.append((module, line.material))
        elif kind == "component":
            components.append(line)
        elif kind == "assembly":
            if line.id.startswith("S"):
                subassemblies.append(line)
            for child in line.children:
                walk(child, module)

    for item in system.items:
        walk(item, item.id)
    datasets = background.tables.datasets
    materials = sorted(datasets[(datasets["category"] == "material") & (datasets["unit"] == "kg")].index)
    grids = sorted(k for k in datasets[datasets["category"] == "electricity"].index if datasets.at[k, "unit"] == "kWh")
    pack = system.packaging[0].id if system.packaging else None
    legs = [t.id for t in system.transport]

    def pick(seq):
        return seq[int(rng.integers(len(seq)))]

    recipes = [
        lambda k: [{"op": "substitute", "match": {"ids": [pick(parts).id for _ in range(5)]},
                    "to": pick(materials), "mass_factor": float(rng.uniform(0.4, 1.2))}],
        lambda k: [{"op": "set", "match": {"ids": [pick(parts).id]}, "values": {"mass_kg": float(rng.uniform(1, 9))}}],
        lambda k: [{"op": "scale", "match": {"ids": [pick(subassemblies).id]}, "factors": {"quantity": 2.0}}],
        lambda k: [{"op": "electricity", "dataset": pick(grids)}],
        lambda k: [dict(zip(("op", "match", "to"), ("substitute", dict(zip(("under", "dataset"), pick(modules))),
                                                    pick(materials))))],
        lambda k: [{"op": "add", "to": pick(subassemblies).id, "lines": [
            {"kind": "part", "id": f"NEW-{k}", "material": pick(materials), "mass_kg": 2.5, "quantity": 2}]}],
        lambda k: [{"op": "remove", "match": {"ids": [pick(components).id]}}],
        lambda k: [{"op": "replace", "match": {"ids": [pack]}, "lines": [
            {"kind": "reusable", "id": f"RACK-{k}", "dataset": "steel_section_cn", "mass_kg": 250, "trips": 20,
             "return_legs": [{"dataset": "transport_truck_articulated_over_33t", "distance_km": 800}]}]}]
        if pack else [],
        lambda k: [{"op": "set", "match": {"ids": [pick(legs)]},
                    "values": {"distance_km": float(rng.uniform(50, 5000))}}]
        if legs else [],
    ]
    variants = []
    for k in range(count):
        edits = recipes[k % len(recipes)](k)
        variants.append(Variant.model_validate({"name": f"variant {k:03d}", "edits": edits}))
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--naive", default="20", help="variants to rebuild in full (a number, or 'all')")
    args = parser.parse_args()

    from pcf.bom import model_from_data
    from pcf.compare import compare, compile_base, evaluate, rebuild
    from pcf.data.background import default_background
    from pcf.synthetic import synthetic_bom

    background = default_background()
    system = model_from_data(synthetic_bom(background, args.lines, seed=0))
    start = time.perf_counter()
    base = compile_base(system, background)
    compile_seconds = time.perf_counter() - start
    variants = make_variants(system, background, args.variants)
    evaluate(base, variants[0])  # warm caches (grid scores) as a second run would have them

    start = time.perf_counter()
    comparison = compare(base, variants)
    fast_seconds = time.perf_counter() - start
    kinds = {}
    for r in comparison.variants:
        kinds[r.evaluation] = kinds.get(r.evaluation, 0) + 1

    naive_count = len(variants) if args.naive == "all" else min(int(args.naive), len(variants))
    step = max(1, len(variants) // max(naive_count, 1))
    sample = variants[::step][:naive_count]
    start = time.perf_counter()
    worst = 0.0
    for variant in sample:
        full = rebuild(base, variant)
        fast = comparison.result(variant.name)
        worst = max(worst, abs(fast.total_kg_co2e - full.total_kg_co2e) / max(1.0, abs(full.total_kg_co2e)))
    naive_seconds = time.perf_counter() - start
    naive_per_variant = naive_seconds / max(len(sample), 1)
    fast_per_variant = fast_seconds / len(variants)

    print(f"pcf design comparator benchmark ({platform.machine()}, Python {platform.python_version()})")
    print(f"BOM: {args.lines:,} lines, {len(base.node_pos):,} foreground nodes, {len(base.link_amount):,} links")
    print(f"compile the base once (graph, datapackages, bw2calc, contributions): {compile_seconds:.3f} s")
    print(f"{len(variants)} variants, evaluated: "
          + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    print()
    print(f"{'':34} {'per variant':>12} {f'{len(variants)} variants':>14}")
    print(f"{'fast path (patched base)':34} {fast_per_variant * 1000:10.1f} ms {fast_seconds:12.2f} s")
    print(f"{'naive (full rebuild per variant)':34} {naive_per_variant * 1000:10.1f} ms "
          f"{naive_per_variant * len(variants):12.2f} s" + ("" if len(sample) == len(variants)
                                                            else f"  (measured on {len(sample)}, extrapolated)"))
    print(f"speed-up: {naive_per_variant / fast_per_variant:.0f} x; largest relative difference fast vs naive: "
          f"{worst:.1e}")
    target = 2.0 * len(variants) / 100
    print(f"target <= {target:.1f} s for {len(variants)} variants: {'met' if fast_seconds <= target else 'NOT met'}")


if __name__ == "__main__":
    main()
