"""Speed of the Monte Carlo (docs/uncertainty.md): a synthetic BOM of N lines over the shipped background, 1,000
iterations; and a paired comparison of 100 variants of the demo machine (and of the synthetic BOM) x 1,000
iterations. Prints seconds and iterations per second. Not a test: figures only (docs/performance.md).

    .venv/bin/python benchmarks/bench_uncertainty.py [--lines 10000] [--iterations 1000] [--variants 100]
        [--no-synthetic-paired]
"""

from __future__ import annotations

import argparse
import copy
import time

import numpy as np


def compiled(system, bg, method):
    from pcf.graph import build_graph
    from pcf.matrices import compile_foreground
    from pcf.solve import solve

    graph = build_graph(system, bg)
    fg = compile_foreground(graph, bg)
    return graph, fg, solve(fg, bg, method)


def variants_of(data: dict, count: int) -> list[dict]:
    """`count` variants: each scales the mass of one more part (a design edit), deterministic."""
    parts = []

    def walk(items):
        for item in items:
            if item.get("kind") == "part" and item.get("mass_kg"):
                parts.append(item["id"])
            walk(item.get("children", []))

    walk(data["items"])
    out = []
    for k in range(count):
        variant = copy.deepcopy(data)
        target = parts[k % len(parts)]

        def edit(items):
            for item in items:
                if item.get("id") == target:
                    item["mass_kg"] *= 0.8
                edit(item.get("children", []))

        edit(variant["items"])
        out.append(variant)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--no-synthetic-paired", action="store_true",
                        help="pair only the demo machine's variants (the synthetic BOM's take minutes)")
    args = parser.parse_args()

    from pcf.bom import model_from_data, read_bom
    from pcf.data.background import default_background
    from pcf.intake import resolve
    from pcf.mapping import Mapper
    from pcf.methods import get_method
    from pcf.synthetic import synthetic_bom
    from pcf.uncertainty.paired import VariantInput, paired_monte_carlo
    from pcf.uncertainty.run import footprint_monte_carlo

    bg = default_background()
    method = get_method(bg.tables)
    n = args.iterations

    data = synthetic_bom(bg, args.lines, seed=1)
    system, _ = resolve(model_from_data(data), bg, Mapper.create(bg))
    graph, fg, solution = compiled(system, bg, method)
    footprint_monte_carlo(graph, fg, bg, method, solution.supply, iterations=5, seed=0)  # warm-up (imports)
    t0 = time.perf_counter()
    mc = footprint_monte_carlo(graph, fg, bg, method, solution.supply, iterations=n, seed=0)
    seconds = time.perf_counter() - t0
    print(f"footprint Monte Carlo: {args.lines:,} BOM lines ({len(graph.links):,} links, {len(graph.order):,} nodes), "
          f"{n:,} iterations: {seconds:.2f} s = {n / seconds:,.0f} iterations/s; "
          f"median {mc.total['median']:,.0f} kg CO2e")

    cases = [("demo machine", read_bom("bill_of_materials/formation_grading_machine.yaml"))]
    if not args.no_synthetic_paired:
        cases.append((f"synthetic {args.lines:,}-line BOM", system))
    for label, base in cases:
        base, _ = resolve(base, bg, Mapper.create(bg))
        data = base.model_dump(mode="json", exclude_none=True)
        t0 = time.perf_counter()
        inputs = [VariantInput("base", *_unpack(compiled(base, bg, method)), bg)]
        for k, variant in enumerate(variants_of(data, args.variants - 1)):
            inputs.append(VariantInput(f"v{k}", *_unpack(compiled(model_from_data(variant), bg, method)), bg))
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        paired = paired_monte_carlo(inputs, method, iterations=n, seed=0)
        seconds = time.perf_counter() - t0
        p = [paired.probability_lower(name, "base") for name in paired.names[1:]]
        print(f"paired Monte Carlo, {label}: {len(inputs)} variants x {n:,} iterations: {seconds:.2f} s "
              f"({len(inputs) * n / seconds:,.0f} variant-iterations/s); building the {len(inputs)} graphs "
              f"{build:.2f} s; P(variant < base) from {min(p):.2f} to {max(p):.2f}")


def _unpack(triple):
    graph, fg, solution = triple
    return graph, fg, np.asarray(solution.supply)


if __name__ == "__main__":
    main()
