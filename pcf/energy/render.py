"""Render a comparison: the JSON document, rich tables for the terminal, and a Markdown section for the report."""

from __future__ import annotations

import json
import math
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .balance import BREAKDOWN
from .compare import DESIGNS, EnergyComparison, breakdown_frame
from .lifetime import Savings, ScopeOutcome

STEP_COLUMNS = ("stage", "kind", "duration_h", "charge_Ah", "mean_voltage_V", "cell_in_kWh", "cell_out_kWh",
                "grid_drawn_kWh", "conversion_loss_kWh", "dissipated_kWh", "recovered_kWh", "auxiliary_kWh",
                "hvac_kWh", "net_kWh", "residual_kWh")


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _scope(outcome: ScopeOutcome) -> dict:
    return {
        "machines": outcome.machines,
        "annual_kWh": outcome.annual_kWh,
        "lifetime_kWh": outcome.lifetime_kWh,
        "lifetime_use_t_co2e": outcome.lifetime_use_kg_co2e / 1000.0,
        "lifetime_cost": outcome.lifetime_cost,
        "embodied_t_co2e": outcome.embodied_kg_co2e / 1000.0,
        "life_cycle_t_co2e": outcome.life_cycle_kg_co2e / 1000.0,
        "yearly": [{"year": int(year), **{k: _clean(v) for k, v in row.items()}}
                   for year, row in outcome.yearly.iterrows()],
    }


def _savings(s: Savings) -> dict:
    return {
        "annual_kWh": s.annual_kWh, "annual_share": s.annual_share, "lifetime_kWh": s.lifetime_kWh,
        "lifetime_use_t_co2e": s.lifetime_use_kg_co2e / 1000.0, "lifetime_cost": s.lifetime_cost,
        "extra_embodied_t_co2e": s.extra_embodied_kg_co2e / 1000.0,
        "carbon_payback_years": s.carbon_payback_years,
        "net_lifetime_t_co2e": s.net_lifetime_kg_co2e / 1000.0,
        "extra_purchase_price": s.extra_purchase_price, "cost_payback_years": s.cost_payback_years,
    }


def comparison_document(c: EnergyComparison) -> dict:
    """The JSON result document of a comparison."""
    designs = {}
    for key in DESIGNS:
        d = c.design(key)
        steps = d.steps_frame
        designs[key] = {
            "name": d.design.name,
            "bom": d.design.bom,
            "recovery_efficiency": d.design.discharge.recovery_efficiency,
            "embodied_t_co2e_per_machine": d.embodied_kg_co2e / 1000.0,
            "embodied_engine": c.embodied_details.get(key, {}),
            "protocol_h": d.year.protocol_h,
            "cycles_per_year": d.year.cycles_per_year,
            "cells_per_year_per_machine": d.year.cells_per_year,
            "channel_utilisation": d.year.channel_utilisation,
            "cycling_hours_per_year": d.year.cycling_hours,
            "idle_hours_per_year": d.year.idle_hours,
            "net_kWh_per_cell": d.year.per_cell_kWh,
            "steps_kWh_per_cell": [{"name": name, **{k: _clean(row[k]) for k in STEP_COLUMNS}}
                                   for name, row in steps.iterrows()],
            "annual_kWh_per_machine_by_use": {k: float(v) for k, v in d.year.breakdown_kWh.items()},
            "machine": _scope(d.machine),
            "line": _scope(d.line),
        }
    tornado = None
    if c.tornado is not None:
        tornado = {"metric": "net lifetime balance of the line, t CO2e saved",
                   "base_net_t_co2e": c.tornado.attrs.get("base_net_t_co2e"),
                   "base_saved_MWh": c.tornado.attrs.get("base_saved_MWh"),
                   "rows": [{k: _clean(v) for k, v in row.items()} for row in c.tornado.to_dict("records")]}
    return {
        "kind": "pcf energy comparison",
        "name": c.config.name,
        "description": c.config.description,
        "inputs": c.config.model_dump(mode="json"),
        "designs": designs,
        "savings": {"machine": _savings(c.machine_savings), "line": _savings(c.line_savings)},
        "tornado": tornado,
        "currency": c.config.grid.currency,
        "notes": [
            "Use phase: grid electricity of formation and grading over the service life; embodied: cradle-to-gate "
            "footprint of each machine from its BOM (pcf engine). Positive savings favour the candidate.",
            "Equations, default values and their sources: docs/energy.md.",
        ],
    }


def write_json(c: EnergyComparison, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(comparison_document(c), indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return path


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _payback(value: float | None) -> str:
    if value is None:
        return "not within the service life"
    if value == 0:
        return "immediate (no extra embodied emissions)"
    return f"{value:.2f} years"


def summary_values(c: EnergyComparison, scope: str) -> list[tuple[str, float | None, float | None, float | None,
                                                                   int]]:
    """(quantity with its unit, baseline, candidate, saving, digits shown) rows of one scope, as numbers."""
    b, k = getattr(c.baseline, scope), getattr(c.candidate, scope)
    s = c.savings(scope)
    cur = c.config.grid.currency
    first = {key: (b.yearly[key].iloc[0], k.yearly[key].iloc[0]) for key in ("kg_co2e", "cost")}
    return [
        ("electricity, first year (MWh)", b.annual_kWh / 1000, k.annual_kWh / 1000, s.annual_kWh / 1000, 1),
        ("electricity, lifetime (MWh)", b.lifetime_kWh / 1000, k.lifetime_kWh / 1000, s.lifetime_kWh / 1000, 0),
        ("use-phase emissions, first year (t CO2e)", first["kg_co2e"][0] / 1000, first["kg_co2e"][1] / 1000,
         (first["kg_co2e"][0] - first["kg_co2e"][1]) / 1000, 1),
        ("use-phase emissions, lifetime (t CO2e)", b.lifetime_use_kg_co2e / 1000, k.lifetime_use_kg_co2e / 1000,
         s.lifetime_use_kg_co2e / 1000, 1),
        (f"electricity cost, first year ({cur})", first["cost"][0], first["cost"][1],
         first["cost"][0] - first["cost"][1], 0),
        (f"electricity cost, lifetime ({cur})", b.lifetime_cost, k.lifetime_cost, s.lifetime_cost, 0),
        ("embodied, cradle to gate (t CO2e)", b.embodied_kg_co2e / 1000, k.embodied_kg_co2e / 1000,
         -s.extra_embodied_kg_co2e / 1000, 1),
        ("life cycle: embodied + use (t CO2e)", b.life_cycle_kg_co2e / 1000, k.life_cycle_kg_co2e / 1000,
         s.net_lifetime_kg_co2e / 1000, 1),
    ]


def summary_rows(c: EnergyComparison, scope: str) -> list[tuple[str, str, str, str]]:
    """(quantity, baseline, candidate, saving) rows of one scope, formatted (`summary_values` as text)."""
    rows = [(q, _num(b, digits), _num(k, digits), _num(s, digits)) for q, b, k, s, digits in summary_values(c, scope)]
    quantity, baseline, candidate, saving = rows[0]  # first-year electricity: the saving with its share
    rows[0] = (quantity, baseline, candidate, f"{saving} ({c.savings(scope).annual_share:.1%})")
    return rows


def print_comparison(c: EnergyComparison, console: Console | None = None) -> None:
    """Readable tables of a comparison on the console."""
    console = console or Console()
    cfg = c.config
    console.print(f"\n[bold]{cfg.name}[/]")
    console.print(f"cell {cfg.cell.name}; {len(cfg.protocol)} protocol steps, "
                  f"{c.baseline.year.protocol_h:.2f} h per cycle; {cfg.operation.operating_hours_per_year:g} h/year, "
                  f"service life {cfg.operation.service_life_years} years from {cfg.operation.first_year}; "
                  f"grid: {cfg.grid.name} ({cfg.grid.basis}-based), first year "
                  f"{c.baseline.machine.yearly['kg_co2e_per_kWh'].iloc[0]:.4f} kg CO2e/kWh", highlight=False)
    steps = Table(title="Energy balance per cell and step (kWh): grid drawn + cell out = cell in + losses + "
                        "dissipated + recovered")
    for col in ("step", "design", "cell in", "cell out", "grid drawn", "losses", "dissipated", "recovered",
                "aux", "HVAC", "net"):
        steps.add_column(col, justify="left" if col in ("step", "design") else "right")
    for key in DESIGNS:
        for s in c.design(key).steps:
            steps.add_row(s.name, key, *(f"{v:.3f}" for v in (
                s.cell_in_kWh, s.cell_out_kWh, s.grid_drawn_kWh, s.conversion_loss_kWh, s.dissipated_kWh,
                s.recovered_kWh, s.auxiliary_kWh, s.hvac_kWh, s.net_kWh)))
        steps.add_row(f"[bold]per cell, {key}[/]", "", *[""] * 8, f"[bold]{c.design(key).year.per_cell_kWh:.3f}[/]")
    console.print(steps)
    uses = Table(title="One machine, one year: electricity by use (kWh)")
    uses.add_column("use")
    for key in DESIGNS:
        uses.add_column(f"{key}: {c.design(key).design.name[:40]}", justify="right")
    frame = breakdown_frame(c)
    for use in BREAKDOWN:
        uses.add_row(use, *(f"{frame.loc[use, key]:,.0f}" for key in DESIGNS))
    uses.add_row("[bold]total[/]", *(f"[bold]{frame[key].sum():,.0f}[/]" for key in DESIGNS))
    uses.add_row("cells per year", *(f"{c.design(key).year.cells_per_year:,.0f}" for key in DESIGNS))
    console.print(uses)
    scopes = ["machine"] + (["line"] if cfg.line.machines > 1 or cfg.line.shared_equipment else [])
    for scope in scopes:
        what = "One machine" if scope == "machine" else f"Line of {cfg.line.machines} machines"
        table = Table(title=f"{what}: baseline vs candidate")
        for col in ("", "baseline", "candidate", "saving"):
            table.add_column(col, justify="left" if not col else "right")
        for row in summary_rows(c, scope):
            table.add_row(*row)
        console.print(table)
        s = c.savings(scope)
        console.print(f"{what}: carbon payback of the extra embodied emissions: {_payback(s.carbon_payback_years)}; "
                      f"net lifetime balance {s.net_lifetime_kg_co2e / 1000:,.1f} t CO2e saved"
                      + (f"; cost payback of the price premium: {_payback(s.cost_payback_years)}"
                         if s.extra_purchase_price is not None else ""), highlight=False)
    if c.tornado is not None and not c.tornado.empty:
        what = "line" if cfg.line.machines > 1 else "machine"
        tornado = Table(title=f"Sensitivity: net lifetime balance of the {what} "
                              f"(t CO2e saved; base {c.tornado.attrs['base_net_t_co2e']:,.0f})")
        for col in ("parameter", "low", "high", "at low", "at high", "swing"):
            tornado.add_column(col, justify="left" if col == "parameter" else "right")
        for r in c.tornado.itertuples():
            tornado.add_row(r.label, f"{r.low:g}", f"{r.high:g}", f"{r.net_t_co2e_low:,.0f}",
                            f"{r.net_t_co2e_high:,.0f}", f"{r.swing_t_co2e:,.0f}")
        console.print(tornado)


def markdown_section(c: EnergyComparison, *, charts: dict[str, str] | None = None) -> str:
    """A report section (Markdown): assumptions, per-machine and per-line results, payback, sensitivity, charts."""
    cfg = c.config
    lines = [f"## Use-phase energy: {cfg.name}", ""]
    if cfg.description:
        lines += [cfg.description.strip(), ""]
    lines += [
        f"Same operating conditions for both designs: cell {cfg.cell.name}; formation + grading protocol of "
        f"{len(cfg.protocol)} steps, {c.baseline.year.protocol_h:.2f} h per cycle; "
        f"{cfg.operation.operating_hours_per_year:g} operating hours per year; "
        f"{c.baseline.year.cells_per_year:,.0f} cells per machine per year; service life "
        f"{cfg.operation.service_life_years} years from {cfg.operation.first_year}; HVAC COP {cfg.site.hvac_cop:g}; "
        f"grid {cfg.grid.name} ({cfg.grid.basis}-based), {c.baseline.machine.yearly['kg_co2e_per_kWh'].iloc[0]:.4f} "
        f"kg CO2e/kWh in the first year" + (f" ({cfg.grid.annual_change_percent:+g} %/year)"
                                            if cfg.grid.annual_change_percent else "") + ".",
        "",
        "| design | charge path | recovery | net kWh per cell | embodied t CO2e per machine |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key in DESIGNS:
        d = c.design(key)
        lines.append(f"| {key}: {d.design.name} | {d.design.charge_path_efficiency:.2f} | "
                     f"{d.design.discharge.recovery_efficiency:.3f} | {d.year.per_cell_kWh:.3f} | "
                     f"{d.embodied_kg_co2e / 1000:,.1f} |")
    scopes = ["machine"] + (["line"] if cfg.line.machines > 1 or cfg.line.shared_equipment else [])
    for scope in scopes:
        what = "One machine" if scope == "machine" else f"Line of {cfg.line.machines} machines"
        s = c.savings(scope)
        lines += ["", f"### {what}", "", "| | baseline | candidate | saving |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {q} | {b} | {k} | {v} |" for q, b, k, v in summary_rows(c, scope)]
        lines += ["", f"Carbon payback of the extra embodied emissions: {_payback(s.carbon_payback_years)}. "
                      f"Net lifetime balance: {s.net_lifetime_kg_co2e / 1000:,.1f} t CO2e saved."]
    if c.tornado is not None and not c.tornado.empty:
        lines += ["", "### Sensitivity", "",
                  f"Net lifetime balance (t CO2e saved, base {c.tornado.attrs['base_net_t_co2e']:,.0f}) with one "
                  "parameter at a time at its low and high value:", "",
                  "| parameter | low | high | at low | at high | source |", "| --- | ---: | ---: | ---: | ---: | --- |"]
        lines += [f"| {r.label} | {r.low:g} | {r.high:g} | {r.net_t_co2e_low:,.0f} | {r.net_t_co2e_high:,.0f} | "
                  f"{r.source} |" for r in c.tornado.itertuples()]
    for title, file in (charts or {}).items():
        lines += ["", f"![{title}]({file})"]
    lines += ["", "Equations, default values and their sources: docs/energy.md. Values marked as assumptions in the "
                  "configuration are engineering estimates, not measurements.", ""]
    return "\n".join(lines)


def report_section_data(c: EnergyComparison, *, charts: dict[str, str] | None = None) -> dict:
    """The report section as plain data (id, title, paragraphs, tables of formatted cells, charts), for a renderer."""
    cfg = c.config
    scopes = ["machine"] + (["line"] if cfg.line.machines > 1 or cfg.line.shared_equipment else [])
    tables = []
    paragraphs = [
        f"Use-phase electricity of formation and grading over {cfg.operation.service_life_years} years, same "
        f"operating conditions for both designs ({cfg.cell.name}; {c.baseline.year.protocol_h:.2f} h per cycle; "
        f"{cfg.operation.operating_hours_per_year:g} h/year; grid {cfg.grid.name}, {cfg.grid.basis}-based). "
        "Use-phase emissions are outside the cradle-to-gate boundary of the machine's footprint and are reported "
        "beside it, not added to it."]
    for scope in scopes:
        what = "One machine" if scope == "machine" else f"Line of {cfg.line.machines} machines"
        s = c.savings(scope)
        tables.append({"caption": f"{what}: {c.baseline.design.name} (baseline) vs {c.candidate.design.name}",
                       "columns": ["", "baseline", "candidate", "saving"],
                       "rows": [list(row) for row in summary_rows(c, scope)], "numeric": [1, 2, 3]})
        paragraphs.append(f"{what}: carbon payback of the extra embodied emissions {_payback(s.carbon_payback_years)}; "
                          f"net lifetime balance {s.net_lifetime_kg_co2e / 1000:,.1f} t CO2e saved.")
    if c.tornado is not None and not c.tornado.empty:
        tables.append({"caption": "Sensitivity: net lifetime balance (t CO2e saved), one parameter at a time",
                       "columns": ["parameter", "low", "high", "at low", "at high", "source"],
                       "rows": [[r.label, f"{r.low:g}", f"{r.high:g}", f"{r.net_t_co2e_low:,.0f}",
                                 f"{r.net_t_co2e_high:,.0f}", r.source] for r in c.tornado.itertuples()],
                       "numeric": [1, 2, 3, 4]})
    return {"id": "use-phase-energy", "title": "Use-phase energy: conventional vs energy-saving design",
            "paragraphs": paragraphs, "tables": tables, "charts": list((charts or {}).items())}


def write_charts(c: EnergyComparison, folder: str | Path) -> dict[str, tuple[str, Path]]:
    """Write the comparison's charts (PNG) into `folder`: {key: (title, path)}, the line chart only for a line of
    more than one machine or with shared equipment, the tornado only when there is one."""
    from .plots import cumulative_emissions_png, tornado_png

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    charts = {"cumulative_machine": ("Cumulative emissions per machine", cumulative_emissions_png(
        c, folder / "cumulative_emissions_machine.png", scope="machine"))}
    if c.config.line.machines > 1 or c.config.line.shared_equipment:
        charts["cumulative_line"] = ("Cumulative emissions of the line", cumulative_emissions_png(
            c, folder / "cumulative_emissions_line.png", scope="line"))
    if c.tornado is not None and not c.tornado.empty:
        charts["tornado"] = ("Sensitivity (tornado)", tornado_png(c, folder / "tornado.png"))
    return charts


def write_outputs(c: EnergyComparison, folder: str | Path) -> dict[str, Path]:
    """Write energy_comparison.json, the charts (PNG) and energy_report.md into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {"json": write_json(c, folder / "energy_comparison.json")}
    charts = write_charts(c, folder)
    written.update({key: path for key, (_title, path) in charts.items()})
    report = folder / "energy_report.md"
    report.write_text(markdown_section(c, charts={title: path.name for title, path in charts.values()}),
                      encoding="utf-8")
    written["report"] = report
    return written
