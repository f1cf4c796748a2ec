"""Speed of the Monte Carlo (docs/uncertainty.md): a synthetic BOM of N lines over the shipped background, 1,000
iterations; and a paired comparison of 100 variants of the demo machine (and of the synthetic BOM) x 1,000
iterations on the design comparator's fast path (each variant drawn only where it differs from the base). Prints
seconds and iterations per second. Not a test: figures only (docs/performance.md).

    .venv/bin/python benchmarks/bench_uncertainty.py [--lines 10000] [--iterations 1000] [--variants 100]
        [--no-synthetic-paired] [--structural] [--slow]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def compiled(system, bg, method):
    from pcf.graph import build_graph
    from pcf.matrices import compile_foreground
    from pcf.solve import solve

    graph = build_graph(system, bg)
    fg = compile_foreground(graph, bg)
    return graph, fg, solve(fg, bg, method)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--no-synthetic-paired", action="store_true",
                        help="pair only the demo machine's variants")
    parser.add_argument("--structural", action="store_true",
                        help="variants double an assembly's count (the supplies below it change) instead of scaling "
                             "a part's mass")
    parser.add_argument("--slow", action="store_true",
                        help="also run the slow paired path (every variant's graph rebuilt and drawn in full: minutes "
                             "for the synthetic BOM) and print its largest difference to the fast path")
    args = parser.parse_args()

    from pcf.bom import model_from_data, read_bom
    from pcf.compare import compile_base
    from pcf.data.background import default_background
    from pcf.intake import resolve
    from pcf.mapping import Mapper
    from pcf.methods import get_method
    from pcf.synthetic import synthetic_bom
    from pcf.uncertainty.compare import comparison_monte_carlo
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
    for label, base_system in cases:
        base_system, _ = resolve(base_system, bg, Mapper.create(bg))
        t0 = time.perf_counter()
        base = compile_base(base_system, bg)
        compiled_s = time.perf_counter() - t0
        variants = scaled_variants(base_system.model_dump(mode="json", exclude_none=True), args.variants - 1,
                                   kind="assembly" if args.structural else "part")
        t0 = time.perf_counter()
        paired = comparison_monte_carlo(base, variants, iterations=n, seed=0)
        seconds = time.perf_counter() - t0
        p = [paired.probability_lower(name, "base") for name in paired.names[1:]]
        print(f"paired Monte Carlo (fast path), {label}: {len(paired.names)} variants x {n:,} iterations: "
              f"{seconds:.2f} s ({len(paired.names) * n / seconds:,.0f} variant-iterations/s), base compiled "
              f"before in {compiled_s:.2f} s; P(variant < base) from {min(p):.2f} to {max(p):.2f}")
        if args.slow:
            from pcf.compare import compare
            from pcf.uncertainty.compare import variant_inputs
            from pcf.uncertainty.paired import paired_monte_carlo

            t0 = time.perf_counter()
            inputs = variant_inputs(base, compare(base, variants))
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            slow = paired_monte_carlo(inputs, method, iterations=n, seed=0)
            seconds = time.perf_counter() - t0
            worst = max(float(np.max(np.abs(slow.totals(k) - paired.totals(k)) / np.abs(slow.totals(k))))
                        for k in paired.names)
            print(f"  slow path (every variant's graph rebuilt and drawn in full): {seconds:.2f} s of draws + "
                  f"{build:.2f} s building the graphs; largest relative difference to the fast path {worst:.1e}")


def scaled_variants(data: dict, count: int, kind: str = "part"):
    """`count` design variants of the comparator, each scaling the mass of one more part by 0.8 (kind "part": the
    foreground's structure unchanged) or the count of one more assembly by 2 (kind "assembly": its supplies
    change, so every link below it is drawn again)."""
    from pcf.compare import Variant

    found = []

    def walk(items):
        for item in items:
            if item.get("kind") == kind and (kind != "part" or item.get("mass_kg")):
                found.append(item["id"])
            walk(item.get("children", []))

    walk(data["items"])
    field, factor = ("mass_kg", 0.8) if kind == "part" else ("quantity", 2.0)
    return [Variant.model_validate({"name": f"v{k}", "edits": [
        {"op": "scale", "match": {"ids": [found[k % len(found)]]}, "factors": {field: factor}}]})
        for k in range(count)]


if __name__ == "__main__":
    main()
