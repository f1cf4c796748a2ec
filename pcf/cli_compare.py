"""`pcf compare BOM_FILE --scenarios FILE`: design variants side by side (tables, JSON, chart, markdown).

Wired into `pcf/cli.py` with `register(subparsers)`; user errors are PcfErrors, which the main CLI turns into one
readable line.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from .cli_options import BOM_HELP, add_engine_options, console, positive_int
from .cli_options import progress as _progress
from .labels import STAGE_SHORT_LABELS



def register(subparsers) -> None:
    """Add the `compare` command to the `pcf` argument parser."""
    cp = subparsers.add_parser("compare", help="compare design variants of a BOM side by side (scenario file)")
    cp.add_argument("bom", help="the base " + BOM_HELP)
    cp.add_argument("--scenarios", required=True, metavar="FILE", help="scenario file with the variants (YAML)")
    cp.add_argument("--json", dest="json_out", metavar="OUT", help="write the comparison document to OUT")
    cp.add_argument("--chart", metavar="PNG", help="write a bar chart of the variants by stage to PNG")
    cp.add_argument("--markdown", metavar="MD", help="write the comparison as a report section (markdown)")
    cp.add_argument("--xlsx", metavar="XLSX", help="write every table of the comparison to an Excel workbook")
    cp.add_argument("--reference", metavar="NAME",
                    help="variant the deltas are taken against (default: the file's `reference`, else the base)")
    add_engine_options(cp, solver=False)
    cp.add_argument("--top", type=positive_int, default=8, help="rows of the module and changed-lines tables (default 8)")
    cp.add_argument("--verify", action="store_true",
                    help="also rebuild every variant in full and check both paths agree")
    from .cli_uncertainty import add_options as uncertainty_options

    uncertainty_options(cp)
    cp.add_argument("--sobol", action="store_true",
                    help="Sobol' indices (SALib) of each variant's CFP over its scenario parameters' ranges, evaluated on "
                         "the fast path; docs/uncertainty.md")
    cp.add_argument("--sobol-samples", type=positive_int, default=64, metavar="N",
                    help="base samples N of the Sobol' (Saltelli) sample: N x (k + 2) evaluations for k parameters "
                         "(default 64; a power of 2)")
    cp.set_defaults(handler=run)


def load_system(path: str, background):
    """The base BOM as the footprint command models it (read, mapped, supplier footprints in) and its background."""
    from .engine import prepare

    system, _intake, background, _notes = prepare(path, background)
    return system, background


def run(args) -> int:
    from .compare import compare, compile_base, load_scenarios
    from .data.background import default_background

    with _progress() as step:
        step("reading the scenario file")
        scenarios = load_scenarios(args.scenarios)
        scenarios.expand()  # report a bad file before the BOM is compiled
        step("loading the background data")
        background = default_background(tuple(sorted(args.with_pack)))
        step("reading the BOM")
        system, background = load_system(args.bom, background)
        step("compiling the base and evaluating the variants")
        base = compile_base(system, background, method=args.method, grid=args.grid)  # shared with the uncertainty
        comparison = compare(base, scenarios, reference=args.reference, verify=args.verify)
        paired, sobol = None, None
        if getattr(args, "uncertainty", None):
            from .uncertainty.compare import comparison_monte_carlo

            step(f"paired Monte Carlo ({args.uncertainty} iterations)")
            paired = comparison_monte_carlo(base, scenarios, iterations=args.uncertainty, seed=args.seed,
                                            pedigree=args.pedigree)
        if getattr(args, "sobol", False):
            from .uncertainty.sobol import scenario_sobol

            step(f"Sobol' indices of the parameters (N = {args.sobol_samples})")
            sobol = scenario_sobol(base, scenarios, samples=args.sobol_samples, seed=args.seed)
    print_comparison(comparison, console, top=args.top)
    if paired is not None:
        from .cli_uncertainty import print_paired

        print_paired(paired, comparison.reference, console)
    if sobol is not None:
        from .cli_uncertainty import print_sobol

        print_sobol(sobol, console)
    if args.json_out:
        path = comparison.write_json(args.json_out, top=args.top)
        if paired is not None or sobol is not None:
            from .cli_uncertainty import add_to_json

            if paired is not None:
                add_to_json(path, paired.to_dict(comparison.reference))
            if sobol is not None:
                add_to_json(path, [r.to_dict() for r in sobol], key="sobol")
        console.print(f"comparison written to [bold]{path}[/]")
    if args.markdown:
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = comparison.to_markdown(top=args.top)
        if paired is not None or sobol:
            from .uncertainty.compare_tables import markdown

            text = text.rstrip("\n") + "\n\n" + markdown(paired, sobol, comparison.reference)
        path.write_text(text, encoding="utf-8")
        console.print(f"report section written to [bold]{path}[/]")
    if args.xlsx:
        from .compare.workbook import write_workbook
        from .uncertainty.compare_tables import sheets

        path = write_workbook(comparison, args.xlsx, top=args.top, extra=sheets(paired, sobol, comparison.reference))
        console.print(f"workbook written to [bold]{path}[/]")
    if args.chart:
        from .report.charts import write_comparison_chart

        path = write_comparison_chart(comparison, args.chart)
        console.print(f"chart written to [bold]{path}[/]")
    return 0


def _print_packaging(comparison, console) -> None:
    """Break-even of reusable options and the programme (annual scope), as formatted tables."""
    from .compare.packaging_tables import break_even_table, programme_tables

    tables = [break_even_table(comparison.break_evens)] if comparison.break_evens else []
    if comparison.programme is not None:
        tables += programme_tables(comparison.programme)
    for data in tables:
        table = Table(title=data["title"], caption=data["caption"], caption_justify="left")
        for j, col in enumerate(data["columns"]):
            table.add_column(col, justify="right" if j in data["numeric"] else "left", overflow="fold")
        for row in data["rows"]:
            table.add_row(*row)
        console.print(table)
    if comparison.programme is not None:
        for flag in comparison.programme.flags:
            console.print(f"[bold yellow]check:[/] {flag.option}: {flag.message}", highlight=False)


def _cell(kg: float, delta: float, pct: str) -> str:
    return f"{kg:,.1f}\n[dim]{delta:+,.1f} ({pct})[/]"


def print_comparison(comparison, console, *, top: int = 8) -> None:
    """The totals, the stage and module tables side by side, and the lines that changed most."""
    from .compare.packaging_tables import signed_pct as _pct
    from .compare.tables import _arrow

    ref = comparison.reference
    title = comparison.name or "design comparison"
    console.print(f"\n[bold]{title}[/]: kg CO2e per machine, cradle to gate; deltas against [bold]{ref}[/]")
    if comparison.description:
        console.print(comparison.description.strip(), highlight=False)
    totals = comparison.totals()
    head = Table(title="Totals")
    for col in ("variant", "kg CO2e", "delta", "% of machine", "packaging", "% of packaging", "mass kg",
                "electricity", "evaluated"):
        head.add_column(col, justify="left" if col in ("variant", "electricity", "evaluated") else "right")
    for name, row in totals.iterrows():
        style = "bold" if name == ref else None
        head.add_row(str(name), f"{row['total_kg_co2e']:,.1f}", f"{row['delta_kg_co2e']:+,.1f}",
                     _pct(row["delta_pct"]), f"{row['packaging_kg_co2e']:,.1f}", _pct(row["delta_pct_of_packaging"]),
                     f"{row['mass_kg']:,.1f}", str(row["electricity"]), str(row["evaluation"]), style=style)
    console.print(head)
    names = [r.name for r in comparison.results if r.name != ref]
    for by, label in (("stage", "By life-cycle stage"), ("module", f"By module (top {top} changes)")):
        frame = comparison.side_by_side(by, top=top)
        table = Table(title=f"{label}: kg CO2e, delta (delta %)")
        table.add_column("")
        table.add_column(ref, justify="right")
        for name in names:
            table.add_column(name, justify="right", max_width=22)
        for key, row in frame.iterrows():
            cells = [f"{row[(ref, 'kg_co2e')]:,.1f}"]
            cells += [_cell(row[(n, "kg_co2e")], row[(n, "delta_kg_co2e")], _pct(row[(n, "delta_pct")]))
                      for n in names]
            table.add_row(STAGE_SHORT_LABELS.get(str(key), str(key)), *cells)
        console.print(table)
    changes = comparison.top_changes(top)
    if len(changes):
        table = Table(title=f"Lines that changed most (top {top} per variant)")
        for col in ("variant", "line", "dataset", "before", "after", "delta"):
            table.add_column(col, justify="right" if col in ("before", "after", "delta") else "left",
                             overflow="fold")
        for row in changes.itertuples():
            dataset = _arrow(row.dataset_reference, row.dataset_variant)
            table.add_row(row.variant, row.line_id, dataset, f"{row.kg_co2e_reference:,.2f}",
                          f"{row.kg_co2e_variant:,.2f}", f"{row.delta_kg_co2e:+,.2f}")
        console.print(table)
    _print_packaging(comparison, console)
    seconds = comparison.seconds
    console.print(f"base compiled in {seconds.get('compile_base', 0):.2f} s; {len(comparison.variants)} variant(s) "
                  f"evaluated in {seconds.get('variants', 0):.3f} s"
                  + (f"; full rebuilds agree (checked in {seconds['verify']:.2f} s)" if "verify" in seconds else ""))
