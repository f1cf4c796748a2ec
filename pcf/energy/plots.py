"""Charts of a comparison, as PNG files: cumulative emissions over the service life, and the tornado.

Uses matplotlib's object API with the Agg canvas (no pyplot, no global backend state, no display needed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._brightway import matplotlib_config_dir

matplotlib_config_dir()
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

if TYPE_CHECKING:  # presentation imports the model for types only; the model never imports this module
    from .compare import EnergyComparison

COLOURS = {"baseline": "#b2432f", "candidate": "#2f6fb2"}
OTHER_COLOURS = ("#6b6b6b", "#d08c2b", "#4f9a57", "#8a5fb0")  # the other baselines, dashed


def _short(name: str, width: int = 48) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def cumulative_emissions_png(comparison: EnergyComparison, path: str | Path, *, scope: str = "line") -> Path:
    """Cumulative t CO2e (embodied at year 0, then + use phase) of both designs over the service life."""
    path = Path(path)
    figure = Figure(figsize=(8, 4.8), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    life = comparison.config.operation.service_life_years
    x = np.arange(life + 1)
    for key in ("baseline", "candidate"):
        outcome = getattr(comparison.design(key), scope)
        axes.plot(x, outcome.cumulative_kg_co2e() / 1000.0, marker="o", markersize=3, color=COLOURS[key],
                  label=f"{key}: {_short(comparison.design(key).design.name)}")
    for i, (key, other) in enumerate(comparison.others.items()):  # the other baselines, dashed
        outcome = getattr(other.baseline, scope)
        axes.plot(x, outcome.cumulative_kg_co2e() / 1000.0, linestyle="--", linewidth=1,
                  color=OTHER_COLOURS[i % len(OTHER_COLOURS)], label=f"{key}: {_short(other.baseline.design.name)}")
    saved = comparison.savings(scope)
    payback = saved.carbon_payback_years
    if payback is not None and payback > 0:
        axes.axvline(payback, color="grey", linestyle="--", linewidth=1)
        axes.annotate(f"carbon payback {payback:.2f} years", (payback, axes.get_ylim()[1] * 0.9), fontsize=8,
                      xytext=(4, 0), textcoords="offset points")
    machines = comparison.design("baseline").line.machines if scope == "line" else 1
    what = "one machine" if machines == 1 else f"line of {machines} machines"
    axes.set_title(f"Cumulative emissions, {what}: embodied + use phase", fontsize=10)
    axes.set_xlabel(f"years of use (from {comparison.config.operation.first_year})")
    axes.set_ylabel("t CO2e, cumulative")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8, loc="upper left")
    axes.text(0.99, 0.02, f"net lifetime balance against the baseline: {saved.net_lifetime_kg_co2e / 1000:,.0f} t "
                          "CO2e saved",
              transform=axes.transAxes, ha="right", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def tornado_png(comparison: EnergyComparison, path: str | Path) -> Path:
    """Horizontal bars: the net lifetime balance of the line at each parameter's low and high value."""
    path = Path(path)
    frame = comparison.tornado
    if frame is None or frame.empty:
        raise ValueError("the comparison has no tornado to plot")
    rows = frame.iloc[::-1]  # largest swing on top
    base = frame.attrs["base_net_t_co2e"]
    figure = Figure(figsize=(11, 0.45 * len(rows) + 1.8), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    y = np.arange(len(rows))
    for offset, column, colour, label in ((0, "net_t_co2e_low", "#8fb3d9", "low value"),
                                          (0, "net_t_co2e_high", "#2f6fb2", "high value")):
        values = rows[column].to_numpy()
        axes.barh(y + offset, values - base, left=base, color=colour, height=0.6, label=label)
    axes.axvline(base, color="black", linewidth=1)
    bound = lambda v: v if isinstance(v, str) else f"{v:g}"  # noqa: E731  (a name or a number)
    axes.set_yticks(y, [f"{r.label}  [{bound(r.low)} / {bound(r.high)}]" for r in rows.itertuples()], fontsize=7)
    machines = comparison.config.line.machines
    what = "one machine" if machines == 1 else f"line of {machines} machines"
    axes.set_xlabel(f"net lifetime balance, {what}: t CO2e saved (base {base:,.0f})", fontsize=9)
    figure.suptitle(f"Sensitivity, one at a time: {_short(comparison.candidate.design.name, 40)} against "
                    f"{_short(comparison.baseline.design.name, 40)}", fontsize=10)
    axes.legend(fontsize=8, loc="lower right")
    axes.grid(True, axis="x", alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
