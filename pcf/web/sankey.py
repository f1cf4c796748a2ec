"""A Sankey diagram of where a footprint comes from - life-cycle stage -> module (as in the result's line table,
where a shared subassembly is its own module) -> background dataset - as
geometry for an inline SVG (no script). Widths are proportional to kg CO2e per machine; only positive flows are
drawn (credits, e.g. exported energy, are listed in the tables, not here)."""

from __future__ import annotations

from collections import defaultdict


def flows_of(lines) -> list[list]:
    """[stage, module, dataset, kg CO2e] summed over a Result's lines (pcf.results.Result.lines)."""
    if lines is None or not len(lines):
        return []
    grouped = lines.groupby(["stage", "module", "dataset"], dropna=False)["kg_co2e"].sum()
    return [[str(s), str(m), str(d), float(v)] for (s, m, d), v in grouped.items() if v]


def _top(values: dict[str, float], n: int, other: str) -> dict[str, str]:
    """name -> shown name: the n largest keep their name, the rest become `other`."""
    ranked = sorted(values, key=lambda k: -values[k])
    return {k: (k if i < n else other) for i, k in enumerate(ranked)}


def sankey(flows: list[list], *, width: int = 1000, height: int = 440, top_modules: int = 8,
           top_datasets: int = 10, label=str) -> dict | None:
    """Nodes (three columns) and links (stage->module, module->dataset) with their SVG geometry; None without
    positive flows. The height of a node is its kg CO2e; the links into and out of a node add up to it."""
    positive = [f for f in flows if f[3] > 0]
    if not positive:
        return None
    by_module, by_dataset = defaultdict(float), defaultdict(float)
    for _s, m, d, v in positive:
        by_module[m] += v
        by_dataset[d] += v
    module_of = _top(by_module, top_modules, "other modules")
    dataset_of = _top(by_dataset, top_datasets, "other datasets")
    first, second = defaultdict(float), defaultdict(float)
    for s, m, d, v in positive:
        first[(s, module_of[m])] += v
        second[(module_of[m], dataset_of[d])] += v
    columns = [defaultdict(float), defaultdict(float), defaultdict(float)]
    for (s, m), v in first.items():
        columns[0][s] += v
        columns[1][m] += v
    for (_m, d), v in second.items():
        columns[2][d] += v
    node_w, gap, label_w = 12, 6, 250
    xs = [label_w, (width - node_w) / 2, width - label_w - node_w]
    total = sum(columns[0].values())
    most = max(len(c) for c in columns)
    scale = (height - gap * (most - 1)) / total
    nodes: dict[tuple[int, str], dict] = {}
    for col, values in enumerate(columns):
        y = 0.0
        for name in sorted(values, key=lambda k: -values[k]):
            h = values[name] * scale
            nodes[(col, name)] = {"col": col, "name": name, "label": label(name) if col == 0 else name,
                                  "value": values[name], "x": xs[col], "y": y, "h": h, "out": y, "in": y}
            y += h + gap
    links = []
    for col, pairs in ((0, first), (1, second)):
        for (a, b), v in sorted(pairs.items(), key=lambda kv: -kv[1]):
            source, target = nodes[(col, a)], nodes[(col + 1, b)]
            t = v * scale
            x0, x1 = source["x"] + node_w, target["x"]
            y0, y1 = source["out"], target["in"]
            xm = (x0 + x1) / 2
            links.append({"value": v, "title": f"{source['label']} -> {target['label']}",
                          "d": (f"M{x0:.1f},{y0:.1f} C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
                                f"L{x1:.1f},{y1 + t:.1f} C{xm:.1f},{y1 + t:.1f} {xm:.1f},{y0 + t:.1f} "
                                f"{x0:.1f},{y0 + t:.1f} Z")})
            source["out"] += t
            target["in"] += t
    return {"nodes": list(nodes.values()), "links": links, "width": width, "height": height, "node_w": node_w,
            "total": total}
