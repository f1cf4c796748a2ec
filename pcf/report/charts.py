"""Charts of a Result (and of a design comparison) as PNG bytes (matplotlib, Agg backend: no display, no network).

Each function takes a Result and returns the image; the HTML report embeds them as data URIs.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from .._brightway import matplotlib_config_dir
from ..labels import STAGE_LABELS, STAGE_SHORT_LABELS

matplotlib_config_dir()
import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: the report is made on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

PALETTE = ("#1b6ca8", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac")
DPI = 150


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _short(text: str, width: int = 38) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def stage_bars_figure(result):
    """Horizontal bars: kg CO2e per life-cycle stage, with the share of the total."""
    series = result.by_stage
    total = result.total_kg_co2e
    labels = [STAGE_LABELS.get(str(k), str(k)) for k in series.index][::-1]
    values = list(series.to_numpy())[::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(values) + 1.0))
    bars = ax.barh(labels, values, color=PALETTE[0])
    for bar, value in zip(bars, values):
        share = f" ({value / total:.1%})" if total else ""
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:,.0f}{share}", va="center",
                fontsize=8)
    ax.set_xlabel("kg CO2e per machine")
    ax.set_xlim(0, max(values + [0]) * 1.3 or 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Carbon footprint by life-cycle stage", fontsize=10)
    return fig


def stage_bars(result) -> bytes:
    """Kg CO2e per life-cycle stage (PNG)."""
    return _png(stage_bars_figure(result))


def hotspot_lines(result, top: int = 15):
    """The BOM lines with the largest footprint (kg CO2e, all links of a line summed), largest first."""
    lines = result.lines.groupby("line_id")["kg_co2e"].sum().sort_values(ascending=False)
    return lines.head(top)


def display_names(result) -> dict[str, str]:
    """BOM line id -> what the BOM calls it (its `name`, else its given text), for labels; ids without one absent."""
    intake = getattr(result, "intake", None)
    if intake is None or not len(intake) or "line_id" not in intake:
        return {}
    out = {}
    for row in intake.itertuples(index=False):
        name = getattr(row, "name", None)
        given = getattr(row, "given", None)
        text = name if isinstance(name, str) and name.strip() else given if isinstance(given, str) else None
        if text and text.strip() and str(row.line_id) not in out:
            out[str(row.line_id)] = " ".join(text.split())
    return out


def display_name(names: dict[str, str], key, width: int | None = None) -> str:
    """'name (id)' for a line or module id the BOM names, else the id; shortened to `width` characters."""
    key = str(key)
    name = names.get(key)
    if not name or name == key:
        return key if width is None else _short(key, width)
    if width is None:
        return f"{name} ({key})"
    room = width - len(key) - 3
    return f"{_short(name, room)} ({key})" if room >= 8 else _short(name, width)


def pareto_figure(result, top: int = 15):
    """Hotspot Pareto as horizontal bars (one label per row: labels cannot collide), largest at the top, each with
    its kg CO2e and the cumulative share of the total."""
    hot = hotspot_lines(result, top)
    total = result.total_kg_co2e
    names = display_names(result)
    labels = [display_name(names, k, 48) for k in hot.index][::-1]
    values = list(hot.to_numpy())[::-1]
    cumulative = (hot.cumsum() / total * 100 if total else hot.cumsum() * 0).to_numpy()[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 0.32 * len(values) + 1.2))
    bars = ax.barh(range(len(values)), values, color=PALETTE[0])
    ax.set_yticks(range(len(values)))
    ax.set_yticklabels(labels, fontsize=7.5)
    for bar, value, cum in zip(bars, values, cumulative):
        ax.text(max(bar.get_width(), 0.0), bar.get_y() + bar.get_height() / 2,
                f" {value:,.0f} (cumulative {cum:.0f} %)", va="center", fontsize=7)
    ax.set_xlim(0, max(values + [0]) * 1.45 or 1)
    ax.set_xlabel("kg CO2e per machine")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"Hotspots: the {len(hot)} largest BOM lines ({cumulative[0]:.0f} % of the total)"
                 if len(hot) else "Hotspots", fontsize=10)
    return fig


def pareto(result, top: int = 15) -> bytes:
    """Hotspot Pareto: the largest BOM lines with the cumulative share of the total (PNG)."""
    return _png(pareto_figure(result, top))


def tree_levels(result, modules: int = 8, per_module: int = 4) -> list[list[tuple[str, float]]]:
    """The product system as three levels: the machine; its modules (`by_module`, so they sum to the total); and
    within each module its materials and line kinds, plus what it gets from shared subassemblies."""
    lines = result.lines.copy()
    lines["group"] = lines["material"].where(lines["material"].notna(), lines["kind"])
    by_module = result.by_module
    kept = list(by_module.index[:modules])
    level1 = [(str(m), float(by_module[m])) for m in kept]
    rest = float(by_module.iloc[modules:].sum())
    if len(by_module) > modules:
        level1.append(("other modules", rest))
    level2 = []
    for module, value in level1:
        if module == "other modules":
            level2.append([("other modules", rest)])
            continue
        groups = lines[lines["module"] == module].groupby("group")["kg_co2e"].sum().sort_values(ascending=False)
        head = [(str(k), float(v)) for k, v in groups.head(per_module).items()]
        if len(groups) > per_module:
            head.append(("other", float(groups.iloc[per_module:].sum())))
        shared = value - float(groups.sum())
        if abs(shared) > 1e-6 * max(abs(value), 1.0):
            head.append(("via shared subassemblies", shared))
        level2.append(head)
    return [[(str(result.functional_unit.get("machine_id", "machine")), result.total_kg_co2e)], level1, level2]


TREE_HEIGHT_IN = 6.5
MODULE_FONT, GROUP_FONT = 7.0, 6.5


def _fits(height_share: float, fontsize: float) -> bool:
    """A label fits in a box of `height_share` of the tree's height when the box is 1.5 text lines tall."""
    return height_share * TREE_HEIGHT_IN * 72 >= 1.5 * fontsize


def product_tree_figure(result):
    """An icicle tree of the product system: the machine, its modules, and what each module's footprint is made of.

    Box heights are proportional to kg CO2e (negative contributions, e.g. credits, are drawn at zero height); a box
    too small for its label (`_fits`) is left unlabelled, so labels never overlap.
    """
    machine, modules, groups = tree_levels(result)
    names = display_names(result)
    total = sum(max(v, 0.0) for _, v in modules) or 1.0
    fig, ax = plt.subplots(figsize=(8.0, TREE_HEIGHT_IN))
    widths = (0.18, 0.36, 0.46)
    x = [0.0, widths[0], widths[0] + widths[1]]
    ax.add_patch(Rectangle((x[0], 0), widths[0], 1, facecolor="#d0dfee", edgecolor="white"))
    ax.text(x[0] + widths[0] / 2, 0.5, f"{_short(machine[0][0], 16)}\n{machine[0][1]:,.0f}\nkg CO2e", ha="center",
            va="center", fontsize=8)
    y = 0.0
    for i, ((module, value), children) in enumerate(zip(modules, groups)):
        height = max(value, 0.0) / total
        colour = PALETTE[i % len(PALETTE)]
        ax.add_patch(Rectangle((x[1], 1 - y - height), widths[1], height, facecolor=colour, alpha=0.75,
                               edgecolor="white"))
        if _fits(height, MODULE_FONT):
            ax.text(x[1] + 0.01, 1 - y - height / 2, f"{display_name(names, module, 28)}  {value:,.0f}",
                    va="center", fontsize=MODULE_FONT)
        child_y = y
        for name, child_value in children:
            child_h = max(child_value, 0.0) / total
            ax.add_patch(Rectangle((x[2], 1 - child_y - child_h), widths[2], child_h, facecolor=colour, alpha=0.4,
                                   edgecolor="white"))
            if _fits(child_h, GROUP_FONT):
                ax.text(x[2] + 0.01, 1 - child_y - child_h / 2, f"{_short(name, 40)}  {child_value:,.0f}",
                        va="center", fontsize=GROUP_FONT)
            child_y += child_h
        y += height
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title("Product system: machine -> modules -> materials and line kinds (kg CO2e)", fontsize=10)
    return fig


def product_tree(result) -> bytes:
    """The product system tree (PNG)."""
    return _png(product_tree_figure(result))


def boundary_diagram_figure(result):
    """The cradle-to-gate system boundary: the stages inside (with their kg CO2e) and the stages left out."""
    by_stage = result.by_stage
    fig, ax = plt.subplots(figsize=(9.0, 3.4))
    inside = [("raw_material_acquisition", 0.02), ("production", 0.245), ("packaging", 0.47)]
    for key, left in inside:
        value = float(by_stage.get(key, 0.0))
        ax.add_patch(FancyBboxPatch((left, 0.18), 0.2, 0.36, boxstyle="round,pad=0.01", facecolor="#d0dfee",
                                    edgecolor=PALETTE[0]))
        ax.text(left + 0.1, 0.36, f"{STAGE_LABELS[key]}\n{value:,.0f} kg CO2e", ha="center", va="center",
                fontsize=7.5, wrap=True)
    transport = float(by_stage.get("upstream_transport", 0.0))
    ax.add_patch(FancyBboxPatch((0.13, 0.66), 0.23, 0.16, boxstyle="round,pad=0.01", facecolor="#e8f0e0",
                                edgecolor=PALETTE[2]))
    ax.text(0.245, 0.74, f"{STAGE_LABELS['upstream_transport']}\n{transport:,.0f} kg CO2e", ha="center",
            va="center", fontsize=7.5)
    for start, end in ((0.22, 0.245), (0.445, 0.47)):
        ax.annotate("", xy=(end, 0.36), xytext=(start, 0.36), arrowprops={"arrowstyle": "->"})
    ax.add_patch(Rectangle((0.005, 0.08), 0.69, 0.84, fill=False, linestyle="--", edgecolor="black"))
    ax.text(0.01, 0.95, "System boundary: cradle to gate (partial CFP), declared unit = 1 machine", fontsize=8,
            va="bottom")
    ax.text(0.70, 0.12, "factory\ngate", fontsize=7, ha="center")
    for i, name in enumerate(("Distribution", "Installation and use", "End of life")):
        left = 0.72 + i * 0.095
        ax.add_patch(FancyBboxPatch((left, 0.25), 0.085, 0.22, boxstyle="round,pad=0.005", facecolor="#eeeeee",
                                    edgecolor="#999999"))
        ax.text(left + 0.0425, 0.36, name.replace(" and ", "\nand\n"), ha="center", va="center", fontsize=6.5,
                color="#666666")
    ax.text(0.855, 0.55, "outside the boundary", ha="center", fontsize=7, color="#666666")
    ax.text(0.35, 0.02, "Capital goods (machinery and buildings of the maker and its suppliers) are excluded.",
            ha="center", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    return fig


def boundary_diagram(result) -> bytes:
    """The system boundary diagram (PNG)."""
    return _png(boundary_diagram_figure(result))


def ghg_split_figure(result):
    """Bars of the ISO 14067 split: fossil, biogenic emissions, biogenic removals, land-use change, CO2e only."""
    items = [("Fossil", result.fossil_kg_co2e), ("CO2e only (no gas split)", result.aggregated_kg_co2e),
             ("Biogenic emissions", result.biogenic_emissions_kg_co2e), ("Land-use change", result.dluc_kg_co2e),
             ("Biogenic removals", result.biogenic_removals_kg_co2e)]
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    labels = [k for k, _ in items][::-1]
    values = [v for _, v in items][::-1]
    ax.barh(labels, values, color=[PALETTE[3] if v < 0 else PALETTE[0] for v in values])
    for i, value in enumerate(values):
        # a removal's label goes right of the zero line, so it never runs into the stage labels on the left
        ax.text(max(value, 0.0), i, f" {value:,.1f}", va="center", fontsize=8, ha="left")
    ax.axvline(0, color="black", linewidth=0.6)
    span = max(abs(v) for v in values) or 1.0
    ax.set_xlim(min(min(values) * 1.05, -0.05 * span), span * 1.3)
    ax.set_xlabel("kg CO2e per machine")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Fossil, biogenic and land-use change split", fontsize=10)
    return fig


def ghg_split(result) -> bytes:
    """The ISO 14067 split (PNG)."""
    return _png(ghg_split_figure(result))


def _stacked(ax, frame, names, colours) -> tuple[list[float], list[float]]:
    """Horizontal bars of `frame` (rows: stages, columns: names), positives stacked right, negatives left."""
    right = [0.0] * len(names)
    left = [0.0] * len(names)
    for k, stage in enumerate(frame.index):
        values = [float(frame.at[stage, n]) for n in names]
        starts = [r if v >= 0 else lo for v, r, lo in zip(values, right, left)]
        ax.barh(range(len(names)), values, left=starts, color=colours[k % len(colours)],
                label=STAGE_SHORT_LABELS.get(str(stage), str(stage)))
        right = [r + max(v, 0.0) for v, r in zip(values, right)]
        left = [lo + min(v, 0.0) for v, lo in zip(values, left)]
    return right, left


def comparison_chart(comparison) -> bytes:
    """A design comparison in two panels: every variant's kg CO2e by stage, and its delta by stage against the
    reference (PNG, 120 dpi)."""
    stages = comparison.breakdown("stage")
    deltas = stages.sub(stages[comparison.reference], axis=0)
    totals = comparison.totals()
    names = list(stages.columns)
    colours = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]
    fig, (ax, dx) = plt.subplots(1, 2, figsize=(12, 1.6 + 0.5 * len(names)), sharey=True,
                                 gridspec_kw={"width_ratios": [3, 2]})
    right, _ = _stacked(ax, stages, names, colours)
    for i, name in enumerate(names):
        ax.text(right[i], i, f"  {totals.at[name, 'total_kg_co2e']:,.0f}", va="center", fontsize=8)
    ax.set_xlim(0, max(right) * 1.15)
    ax.set_yticks(range(len(names)), labels=[n if len(n) <= 44 else n[:41] + "..." for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("kg CO2e per machine (cradle to gate)")
    ax.set_title("footprint by stage", fontsize=9)
    d_right, d_left = _stacked(dx, deltas, names, colours)
    for i, name in enumerate(names):
        if name != comparison.reference:
            row = totals.loc[name]
            x = d_right[i] if row["delta_kg_co2e"] >= 0 else d_left[i]
            dx.text(x, i, f" {row['delta_kg_co2e']:+,.0f} ({_signed_pct(row['delta_pct'])}) ",
                    va="center", ha="left" if row["delta_kg_co2e"] >= 0 else "right", fontsize=8)
    span = max(max(d_right), -min(d_left), 1e-9)
    dx.set_xlim(-span * 1.6, span * 1.6)
    dx.axvline(0.0, color="black", linewidth=0.8)
    dx.set_xlabel(f"kg CO2e against {comparison.reference}")
    dx.set_title("delta by stage", fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.suptitle(comparison.name or "design comparison", fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    plt.close(fig)
    return buffer.getvalue()


def write_comparison_chart(comparison, path: str | Path) -> Path:
    """Write `comparison_chart` to `path` (folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(comparison_chart(comparison))
    return path


def _signed_pct(value: float) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:+.1f} %"
