"""Render a comparison: the JSON document, rich tables for the terminal, a Markdown section for the report, the
report's section data and the files of `--out`. Presentation: imports the model, never the reverse.

`blocks(c)` is the one list of titled tables (formatted text) that the console, the Markdown section, the report
section and the workbook all show, so they cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .balance import BREAKDOWN
from .compare import EnergyComparison, breakdown_frame
from .document import STEP_COLUMNS, comparison_document  # noqa: F401  (STEP_COLUMNS: public for callers)
from .figures import baselines_table, cell_kWh, line_output_GWh, saving_by_use, unit_table
from .plant import comparison_plant
from .statements import baseline_statement, conditions as _conditions


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
        (f"net present value of the cost savings ({cur}, {s.discount_rate:.0%}/year)", None, None, s.npv, 0),
    ]


def summary_rows(c: EnergyComparison, scope: str) -> list[tuple[str, str, str, str]]:
    """(quantity, baseline, candidate, saving) rows of one scope, formatted (`summary_values` as text)."""
    rows = [(q, _num(b, digits), _num(k, digits), _num(s, digits)) for q, b, k, s, digits in summary_values(c, scope)]
    quantity, baseline, candidate, saving = rows[0]  # first-year electricity: the saving with its share
    rows[0] = (quantity, baseline, candidate, f"{saving} ({c.savings(scope).annual_share:.1%})")
    return rows


def _fmt(value) -> str:
    """A tornado bound: a number with %g, a name as it is."""
    return value if isinstance(value, str) else f"{value:g}"


def _scopes(c: EnergyComparison) -> list[str]:
    cfg = c.config
    return ["machine"] + (["line"] if cfg.line.machines > 1 or cfg.line.shared_equipment else [])


def _what(c: EnergyComparison, scope: str) -> str:
    return "One machine" if scope == "machine" else f"Line of {c.config.line.machines} machines"


@dataclass(frozen=True)
class Block:
    """A titled table of formatted cells; `numeric` lists the right-aligned columns."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()
    note: str = ""


def _baselines_block(c: EnergyComparison) -> Block:
    frame = baselines_table(c)
    cur = c.config.grid.currency
    rows = []
    for key, r in frame.iterrows():
        rows.append([f"{key} ({r['architecture'] or 'architecture not stated'})", r["basis"],
                     f"{r['machine_saved_MWh_first_year']:,.1f}",
                     f"{r['machine_saved_share']:.1%}", f"{r['line_saved_MWh_first_year']:,.0f}",
                     f"{r['saved_kWh_per_cell']:.3f}", f"{r['saved_kg_co2e_per_kWh_cell_first_year']:.3f}",
                     f"{r['saved_t_co2e_per_GWh_first_year']:,.0f}", f"{r['machine_saved_t_co2e_lifetime']:,.0f}",
                     f"{r['line_net_t_co2e_lifetime']:,.0f}", f"{r['machine_npv']:,.0f}"])
    return Block("baselines", "The candidate against each baseline (saving = baseline - candidate; first year unless "
                              "stated)",
                 ["baseline", "basis", "per machine MWh", "per machine %", "per line MWh", "kWh per cell",
                  "kg CO2e per kWh of cell", "t CO2e per GWh", "t CO2e per machine, lifetime",
                  "net t CO2e per line, lifetime", f"NPV per machine ({cur})"],
                 rows, numeric=tuple(range(2, 11)),
                 note=" ".join(f"{key} = {r['baseline']}; why: {r['why']}" for key, r in frame.iterrows()))


def _units_block(c: EnergyComparison) -> Block:
    frame = unit_table(c)
    rows = []
    for quantity, r in frame.iterrows():
        digits = 3 if "per cell" in quantity or "per kWh of cell" in quantity else 1
        rows.append([quantity] + [f"{v:,.{digits}f}" for v in r.to_numpy()])
    names = {"candidate": "candidate", **{key: key for key in c.baselines()}}
    columns = ["quantity"] + [names.get(col, col) for col in frame.columns]
    return Block("per_unit", f"Per machine, per line, per cell, per kWh of cell capacity ({cell_kWh(c):.3f} kWh per "
                             f"cell) and per GWh of annual line output ({line_output_GWh(c):,.3f} GWh/year)",
                 columns, rows, numeric=tuple(range(1, len(columns))))


def _uses_block(c: EnergyComparison) -> Block:
    keys = ("candidate", *c.baselines())
    frame = breakdown_frame(c, keys)
    rows = []
    for use in BREAKDOWN:
        if (frame.loc[use].abs() < 1e-12).all():
            continue
        rows.append([use] + [f"{frame.loc[use, key]:,.0f}" for key in keys])
    rows.append(["total"] + [f"{frame[key].sum():,.0f}" for key in keys])
    rows.append(["cells per year"] + [f"{c.design(key).year.cells_per_year:,.0f}" for key in keys])
    rows.append(["share of operating hours cycling"]
                + [f"{c.design(key).year.channel_utilisation:.3f}" for key in keys])
    rows.append(["basis"] + [c.design(key).basis for key in keys])
    return Block("uses", "One machine, one year: electricity by use (kWh)", ["use", *keys], rows,
                 numeric=tuple(range(1, len(keys) + 1)))


def _sources_block(c: EnergyComparison) -> Block:
    frame = saving_by_use(c)
    keys = list(c.baselines())
    rows = []
    for use, r in frame.iterrows():
        if all(abs(r[key]) < 1e-9 for key in keys):
            continue
        rows.append([use] + [f"{r[key]:,.0f} ({r[f'share vs {key}']:.0%})" for key in keys])
    rows.append(["total"] + [f"{frame[key].sum():,.0f} (100%)" for key in keys])
    return Block("saving_by_use", "Where the saving comes from: one machine-year, baseline - candidate by use, kWh "
                                  "(share of the saving)", ["use", *[f"vs {key}" for key in keys]], rows,
                 numeric=tuple(range(1, len(keys) + 1)))


def _plant_block(c: EnergyComparison) -> Block | None:
    plant = comparison_plant(c)
    if plant is None:
        return None
    rows = [[area, r["carrier"], f"{r['before_MWh']:,.0f}", f"{r['after_MWh']:,.0f}", f"{r['saved_MWh']:,.0f}",
             f"{r['saved_t_co2e']:,.0f}", r["measure"], r["source"]] for area, r in plant.frame.iterrows()]
    total = plant.frame[["before_MWh", "after_MWh", "saved_MWh", "saved_t_co2e"]].sum()
    rows.append(["plant total", "", f"{total['before_MWh']:,.0f}", f"{total['after_MWh']:,.0f}",
                 f"{total['saved_MWh']:,.0f}", f"{total['saved_t_co2e']:,.0f}", "", ""])
    ref = c.config.plant.reference
    note = (f"Plant energy {plant.before_kWh_per_kWh_cell:.1f} -> {plant.after_kWh_per_kWh_cell:.1f} kWh per kWh "
            f"of cell; the formation line's measure alone saves {plant.line_saved_share:.1%} of the plant's energy, "
            f"all measures {plant.saved_share:.1%}." + (f" Compare: {ref}" if ref else ""))
    return Block("plant", f"The line in its plant: {c.config.plant.name} (MWh/year and t CO2e in the first year; "
                          f"before = {c.baseline.design.name}, after = {c.candidate.design.name})",
                 ["area", "carrier", "before MWh", "after MWh", "saved MWh", "saved t CO2e", "measure", "source"],
                 rows, numeric=(2, 3, 4, 5), note=note)


def _calibration_blocks(c: EnergyComparison) -> list[Block]:
    blocks = []
    for key in ("candidate", *c.baselines()):
        cal = c.design(key).calibration
        if cal is None:
            continue
        rows = [[name, f"{r['prior']:.4g}", f"{r['fitted']:.4g}", f"{r['low']:.4g}-{r['high']:.4g}", r["unit"],
                 "yes" if r["at_bound"] else "no"] for name, r in cal.parameters.iterrows()]
        blocks.append(Block(f"calibration_{key}", f"{key}: model calibrated to the power log "
                                                  f"({cal.cells} cells, bounded least squares)",
                            ["parameter", "model", "fitted", "bounds", "unit", "at a bound"], rows,
                            numeric=(1, 2)))
        rows = [[step, f"{r['duration_h']:.3f}", f"{r['measured_kWh']:,.1f}", f"{r['prior_kWh']:,.1f}",
                 f"{r['fitted_kWh']:,.1f}", f"{r['residual_kWh']:+,.1f}"] for step, r in cal.steps.iterrows()]
        blocks.append(Block(f"calibration_steps_{key}", f"{key}: power log per protocol step (kWh for the machine)",
                            ["step", "h", "measured", "model", "fitted", "residual"], rows,
                            numeric=(1, 2, 3, 4, 5),
                            note=f"RMS residual {cal.rms_kWh:,.2f} kWh per step; relative residual "
                                 f"{cal.relative_residual:.2%}; total {cal.total_residual_kWh:+,.1f} kWh over "
                                 f"{cal.steps['measured_kWh'].sum():,.1f} kWh measured; basis of this design: "
                                 f"{c.design(key).basis}"))
    return blocks


def _tornado_block(c: EnergyComparison) -> Block | None:
    if c.tornado is None or c.tornado.empty:
        return None
    what = "line" if c.config.line.machines > 1 else "machine"
    rows = [[r.label, _fmt(r.low), _fmt(r.high), f"{r.net_t_co2e_low:,.0f}", f"{r.net_t_co2e_high:,.0f}",
             f"{r.swing_t_co2e:,.0f}", r.source] for r in c.tornado.itertuples()]
    return Block("tornado", f"Sensitivity: net lifetime balance of the {what} against the main baseline (t CO2e "
                            f"saved; base {c.tornado.attrs['base_net_t_co2e']:,.0f}), one parameter at a time",
                 ["parameter", "low", "high", "at low", "at high", "swing", "source"], rows, numeric=(1, 2, 3, 4, 5))


def blocks(c: EnergyComparison) -> list[Block]:
    """Every table of the comparison, in reading order (see the module docstring)."""
    out = [_baselines_block(c), _units_block(c)]
    for scope in _scopes(c):
        s = c.savings(scope)
        out.append(Block(f"summary_{scope}", f"{_what(c, scope)}: {c.baseline.design.name} (baseline) vs "
                                             f"{c.candidate.design.name} (candidate)",
                         ["", "baseline", "candidate", "saving"], [list(r) for r in summary_rows(c, scope)],
                         numeric=(1, 2, 3),
                         note=f"Carbon payback of the extra embodied emissions: {_payback(s.carbon_payback_years)}. "
                              f"Net lifetime balance: {s.net_lifetime_kg_co2e / 1000:,.1f} t CO2e saved."
                              + (f" Cost payback of the price premium: {_payback(s.cost_payback_years)}."
                                 if s.extra_purchase_price is not None else "")))
    out.append(_uses_block(c))
    out.append(_sources_block(c))
    plant = _plant_block(c)
    if plant is not None:
        out.append(plant)
    out += _calibration_blocks(c)
    tornado = _tornado_block(c)
    if tornado is not None:
        out.append(tornado)
    return out


def print_comparison(c: EnergyComparison, console: Console | None = None) -> None:
    """Readable tables of a comparison on the console."""
    console = console or Console()
    console.print(f"\n[bold]{c.config.name}[/]")
    console.print(baseline_statement(c), highlight=False)
    console.print(_conditions(c), highlight=False)
    steps = Table(title="Energy balance per cell and step (kWh): grid drawn + cell out = cell in + losses + "
                        "dissipated + recovered (modelled)")
    for col in ("step", "design", "cell in", "cell out", "grid drawn", "losses", "dissipated", "recovered",
                "aux", "HVAC", "net"):
        steps.add_column(col, justify="left" if col in ("step", "design") else "right")
    for key in ("baseline", "candidate"):
        for s in c.design(key).steps:
            steps.add_row(s.name, key, *(f"{v:.3f}" for v in (
                s.cell_in_kWh, s.cell_out_kWh, s.grid_drawn_kWh, s.conversion_loss_kWh, s.dissipated_kWh,
                s.recovered_kWh, s.auxiliary_kWh, s.hvac_kWh, s.net_kWh)))
        steps.add_row(f"[bold]per cell, {key}[/]", "", *[""] * 8, f"[bold]{c.design(key).year.per_cell_kWh:.3f}[/]")
    console.print(steps)
    for block in blocks(c):
        table = Table(title=block.title)
        for i, col in enumerate(block.columns):
            table.add_column(col, justify="right" if i in block.numeric else "left")
        for row in block.rows:
            table.add_row(*row)
        console.print(table)
        if block.note:
            console.print(block.note, highlight=False)


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_section(c: EnergyComparison, *, charts: dict[str, str] | None = None) -> str:
    """A report section (Markdown): baseline and why, conditions, every table of `blocks`, charts."""
    cfg = c.config
    lines = [f"## Use-phase energy: {cfg.name}", ""]
    if cfg.description:
        lines += [cfg.description.strip(), ""]
    lines += [baseline_statement(c), "", _conditions(c), ""]
    for block in blocks(c):
        lines += [f"### {block.title}", "", "| " + " | ".join(_md_cell(col) for col in block.columns) + " |",
                  "| " + " | ".join("---:" if i in block.numeric else "---" for i in range(len(block.columns))) + " |"]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in block.rows]
        if block.note:
            lines += ["", block.note]
        lines.append("")
    for title, file in (charts or {}).items():
        lines += [f"![{title}]({file})", ""]
    lines += ["Equations, default values and their sources: docs/energy.md. Values marked as assumptions in the "
              "configuration are engineering estimates, not measurements; each design states whether its energy is "
              "modelled or measured. Use-phase emissions are outside the cradle-to-gate boundary of the machine's "
              "footprint and are reported beside it, not added to it.", ""]
    return "\n".join(lines)


def report_section_data(c: EnergyComparison, *, charts: dict[str, str] | None = None) -> dict:
    """The report section as plain data (id, title, paragraphs, tables of formatted cells, charts), for a renderer."""
    cfg = c.config
    paragraphs = [
        f"Use-phase electricity of formation and grading over {cfg.operation.service_life_years} years. "
        + baseline_statement(c),
        _conditions(c) + " Use-phase emissions are outside the cradle-to-gate boundary of the machine's footprint "
        "and are reported beside it, not added to it."]
    tables = []
    for block in blocks(c):
        tables.append({"caption": block.title, "columns": list(block.columns), "rows": [list(r) for r in block.rows],
                       "numeric": list(block.numeric)})
        if block.note:
            paragraphs.append(f"{block.title}: {block.note}")
    return {"id": "use-phase-energy", "title": "Use-phase energy: the candidate against current and legacy machines",
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
    """Write energy_comparison.json, energy_comparison.xlsx, the charts (PNG) and energy_report.md into `folder`."""
    from .workbook import write_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {"json": write_json(c, folder / "energy_comparison.json"),
               "workbook": write_workbook(c, folder / "energy_comparison.xlsx")}
    charts = write_charts(c, folder)
    written.update({key: path for key, (_title, path) in charts.items()})
    report = folder / "energy_report.md"
    report.write_text(markdown_section(c, charts={title: path.name for title, path in charts.values()}),
                      encoding="utf-8")
    written["report"] = report
    return written
