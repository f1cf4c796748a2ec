"""Speed of the footprint engine on synthetic BOMs of 1k, 10k and 100k lines over the shipped background.

Prints, per size: end-to-end time (read JSON -> validate -> graph -> matrices -> solve -> contributions) and its
parts, the solve alone, peak memory (RSS of a fresh subprocess), and the same BOM through the plain Brightway path
(bw2data `Database.write` into a throwaway project + `bw2calc.LCA`), with the ratio. Not a test: figures only.

    .venv/bin/python benchmarks/bench_engine.py [--sizes 1000 10000 100000] [--no-brightway]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_pcf(path: str, repeat: int) -> dict:
    """Time the pcf pipeline on one BOM file (in this process; called in a subprocess)."""
    from pcf.bom import read_bom
    from pcf.data.background import default_background
    from pcf.graph import build_graph
    from pcf.intake import resolve
    from pcf.mapping import Mapper
    from pcf.matrices import compile_foreground
    from pcf.methods import get_method
    from pcf.results import compute_result
    from pcf.solve import solve

    t_bg = time.perf_counter()
    bg = default_background()  # validates lci_data, then the solved background from the disk cache
    t_bg = time.perf_counter() - t_bg
    method = get_method(bg.tables)
    best: dict = {}
    for _ in range(repeat):
        t = {}
        gc.disable()  # as pcf.engine.footprint does while it runs (see _collector_paused)
        t0 = time.perf_counter()
        system = read_bom(path)
        t["read+validate"] = time.perf_counter() - t0
        tm = time.perf_counter()
        system, intake = resolve(system, bg, Mapper.create(bg))
        t["mapping + intake"] = time.perf_counter() - tm
        t1 = time.perf_counter()
        graph = build_graph(system, bg)
        t["graph"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        fg = compile_foreground(graph, bg)
        t["matrices"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        solution = solve(fg, bg, method)
        t["solve (bw2calc)"] = time.perf_counter() - t3
        t4 = time.perf_counter()
        result = compute_result(graph, fg, bg, method, solution, intake=intake)
        t["contributions"] = time.perf_counter() - t4
        t["end-to-end"] = time.perf_counter() - t0
        gc.enable()
        lca = solution.lca
        t5 = time.perf_counter()
        lca.lci_calculation()
        t["linear solve only"] = time.perf_counter() - t5
        if not best or t["end-to-end"] < best["end-to-end"]:
            best = t
        best["total_kg_co2e"] = result.total_kg_co2e
        best["nodes"] = len(fg.node_ids)
    best["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    best["background load"] = t_bg
    return best


def run_engine(path: str, repeat: int) -> dict:
    """`pcf.engine.footprint_file(path)` (= `pcf.footprint`), alone in its process: wall and CPU time, peak memory.

    The collector runs between the repeats: pcf pauses it while a footprint runs, so without it the cyclic garbage
    of the previous run's result (pandas frames) would still be held when the next one peaks (855 MB at 100k lines
    after three back-to-back runs, against 510 MB for one)."""
    from pcf.data.background import default_background
    from pcf.engine import footprint_file as footprint

    bg = default_background()
    best: dict = {}
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = footprint(path, background=bg, allow_gaps=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if not best or wall < best["wall"]:
            best = {"wall": wall, "cpu": cpu, "total_kg_co2e": result.total_kg_co2e}
        del result
        gc.collect()  # the previous run's cyclic garbage, so that the peak is that of one run (as a user's process)
    best["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return best


def run_brightway(path: str) -> dict:
    """The same BOM the plain Brightway way: bw2data databases in a throwaway project, then bw2calc.LCA."""
    os.environ["BRIGHTWAY2_DIR"] = tempfile.mkdtemp(prefix="pcf-bench-bw-")
    from pcf.bom import read_bom
    from pcf.data.background import default_background
    from pcf.graph import build_graph
    from pcf.methods import get_method

    import bw2calc as bc
    import bw2data as bd

    bg = default_background()
    method = get_method(bg.tables)
    graph = build_graph(read_bom(path), bg)
    bd.projects.set_current("bench")
    t0 = time.perf_counter()
    bio = {("bio", k): {"name": row["name"], "categories": tuple(row["categories"].split("::")), "unit": "kilogram",
                        "type": "emission"} for k, row in bg.tables.flows.iterrows()}
    bd.Database("bio").write(bio)
    ex = bg.tables.exchanges
    background = {}
    for key, row in bg.tables.datasets.iterrows():
        background[("bg", key)] = {"name": row["name"], "unit": row["unit"], "location": row["geography"],
                                   "exchanges": [{"input": ("bg", key), "amount": 1.0, "type": "production"}]}
    for r in ex.itertuples():
        background[("bg", r.dataset)]["exchanges"].append(
            {"input": ("bio" if r.kind == "biosphere" else "bg", r.input), "amount": float(r.amount),
             "type": r.kind})
    background[("bg", "electricity_factory")]["exchanges"].append(
        {"input": ("bg", graph.grid), "amount": 1.0, "type": "technosphere"})
    t_bg = time.perf_counter()
    bd.Database("bg").write(background)
    t_bg = time.perf_counter() - t_bg
    fg = {}
    for node in graph.order:
        fg[("fg", node)] = {"name": node, "unit": "piece",
                            "exchanges": [{"input": ("fg", node), "amount": 1.0, "type": "production"}]}
    for parent, child, quantity, _ in graph.edges:
        fg[("fg", parent)]["exchanges"].append({"input": ("fg", child), "amount": quantity, "type": "technosphere"})
    for link in graph.links:
        fg[("fg", link.parent)]["exchanges"].append(
            {"input": ("bg", link.dataset), "amount": link.amount, "type": "technosphere"})
    t_fg = time.perf_counter()
    bd.Database("fg").write(fg)
    t_fg = time.perf_counter() - t_fg
    m = bd.Method(("pcf", "gwp100"))
    m.register()
    m.write([(("bio", k), float(v)) for k, v in method.factors.items() if k != "co2_uptake" and v])
    t1 = time.perf_counter()
    lca = bc.LCA({bd.get_node(database="fg", code=graph.functional_unit): 1}, method=("pcf", "gwp100"))
    lca.lci()
    lca.lcia()
    t_solve = time.perf_counter() - t1
    return {"Database.write (background)": t_bg, "Database.write (foreground)": t_fg,
            "LCA build + solve": t_solve, "end-to-end": time.perf_counter() - t0, "score": float(lca.score),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _subprocess(mode: str, path: str, repeat: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, path, str(repeat)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--no-brightway", action="store_true", help="skip the plain Brightway comparison")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, repeat = args.child
        runner = {"pcf": run_pcf, "engine": run_engine}.get(mode)
        print(json.dumps(runner(path, int(repeat)) if runner else run_brightway(path)))
        return

    from pcf.data.background import default_background
    from pcf.synthetic import synthetic_bom

    bg = default_background()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; background: {bg.size} datasets, lci_data {bg.content_hash[:12]}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            data = synthetic_bom(bg, size, seed=1)
            path = str(Path(tmp) / f"bom_{size}.json")
            Path(path).write_text(json.dumps(data))
            p = _subprocess("pcf", path, args.repeat)
            print(f"\n== {size:,} lines ({p['nodes']:,} foreground nodes): total {p['total_kg_co2e']:,.1f} kg CO2e")
            for key in ("read+validate", "mapping + intake", "graph", "matrices", "solve (bw2calc)", "linear solve only",
                        "contributions", "end-to-end"):
                print(f"  pcf {key:<28} {p[key]:8.3f} s")
            e = _subprocess("engine", path, args.repeat)
            print(f"  pcf.footprint(path) end to end   {e['wall']:8.3f} s wall, {e['cpu']:.3f} s CPU; peak RSS "
                  f"{e['peak_rss_mb']:.0f} MB (alone in its process)")
            print(f"  (once per process: lci_data validation + cached background {p['background load']:.3f} s)")
            if not args.no_brightway:
                b = _subprocess("brightway", path, 1)
                for key in ("Database.write (background)", "Database.write (foreground)", "LCA build + solve",
                            "end-to-end"):
                    print(f"  brightway {key:<22} {b[key]:8.3f} s")
                print(f"  brightway peak RSS               {b['peak_rss_mb']:8.0f} MB")
                print(f"  ratio brightway / pcf end-to-end {b['end-to-end'] / e['wall']:8.1f} x; "
                      f"scores agree to {abs(b['score'] - p['total_kg_co2e']) / abs(p['total_kg_co2e']):.1e} "
                      "(bw2data stores float32)")


if __name__ == "__main__":
    main()
