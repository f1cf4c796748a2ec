"""The `pcf` command: parse options, call readers and the pure core, render tables and write files.

A user error (PcfError) prints one readable line and exits with status 2; it never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.table import Table

from ._version import __version__
from .cli_compare import register as register_compare
from .cli_energy import register as register_energy
from .cli_options import (BOM_HELP, OneLineParser, add_engine_options, add_grid_option, add_instruments_option,
                          add_intake_options, add_logging_options, add_pack_option, configure_logging, console,
                          err_console, intake_kwargs, positive_int)
from .cli_options import progress as _progress
from .cli_report import add_save_options, audited_from_args, save_from_args
from .cli_report import register as register_report
from .cli_serve import register as register_serve
from .errors import PcfError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args) or 0
    except PcfError as exc:
        err_console.print(f"[bold red]error:[/] {exc.describe()}", highlight=False, soft_wrap=True)
        return 2
    except OSError as exc:  # a path the user gave cannot be read or written
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        err_console.print(f"[bold red]error:[/] {where}{exc.strerror or exc}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="pcf", description="Product carbon footprint of capital equipment.")
    parser.add_argument("--version", action="version", version=f"pcf {__version__}")
    add_logging_options(parser, top=True)
    sub = parser.add_subparsers(dest="command")

    fp = sub.add_parser("footprint", help="cradle-to-gate footprint of one machine from its BOM")
    fp.add_argument("bom", help=BOM_HELP)
    fp.add_argument("--json", dest="json_out", metavar="OUT", help="write the result document to OUT")
    add_engine_options(fp)
    add_instruments_option(fp)
    fp.add_argument("--top", type=positive_int, default=10, help="rows of the hotspot tables (default 10)")
    add_intake_options(fp)
    from .cli_uncertainty import add_options as _uncertainty_options

    _uncertainty_options(fp)
    add_save_options(fp)
    fp.set_defaults(handler=_footprint)

    mp = sub.add_parser("map", help="show how every BOM line was read and mapped (the intake and cut-off report)")
    mp.add_argument("bom", help=BOM_HELP)
    mp.add_argument("--out", help="write the full intake table to this CSV file")
    add_pack_option(mp)
    add_grid_option(mp)
    add_intake_options(mp)
    mp.set_defaults(handler=_map)

    register_report(sub)
    register_compare(sub)
    register_energy(sub)
    register_serve(sub)

    sc = sub.add_parser("schema", help="print (or write) the JSON schema of the BOM input model")
    sc.add_argument("--out", help="write the schema to this file instead of printing it")
    sc.set_defaults(handler=_schema)

    data = sub.add_parser("data", help="browse the background datasets and their provenance")
    add_pack_option(data)
    dsub = data.add_subparsers(dest="data_command")
    dl = dsub.add_parser("list", help="list datasets")
    dl.add_argument("--category", help="only this category (material, electricity, transport, ...)")
    dl.add_argument("--pack", help="only this pack")
    dl.set_defaults(handler=_data_list)
    ds = dsub.add_parser("show", help="one dataset with its source, quality, exchanges and footprint")
    ds.add_argument("key")
    ds.add_argument("--grid", help="grid for electricity_factory (default: the grid of the dataset's geography, "
                    "as in a footprint when no maker or supplier is named)")
    ds.set_defaults(handler=_data_show)
    dq = dsub.add_parser("search", help="datasets whose key, name or notes contain TEXT")
    dq.add_argument("text")
    dq.set_defaults(handler=_data_search)
    dc = dsub.add_parser("checks", help="pcf's factors beside independent published values (lci_data/"
                         "reference_checks.csv)")
    dc.add_argument("keys", nargs="*", metavar="KEY", help="only these datasets")
    dc.add_argument("--outside", action="store_true", help="only checks outside the +-30 %% band")
    dc.add_argument("--markdown", metavar="OUT", help="write the data-quality page (docs/data_quality.md) to OUT")
    dc.add_argument("--examples", metavar="DIR", default=None,
                    help="example BOMs (*.yaml) ranked on the page (default: bill_of_materials/ of the checkout)")
    dc.set_defaults(handler=_data_checks)
    dw = dsub.add_parser("words", help="which words map to which dataset (the mapping vocabulary), and how given "
                         "texts would map, before running `pcf map`")
    dw.add_argument("texts", nargs="*", metavar="TEXT", help="texts to map as a BOM line's material would be")
    dw.add_argument("--dataset", help="only the words of this dataset (or EXCLUDE, AMBIGUOUS)")
    dw.add_argument("--grep", metavar="WORD", help="only patterns containing WORD")
    dw.add_argument("--mapping", metavar="FILE", help="your material mapping table (wins over the shipped one)")
    dw.add_argument("--country", help="the supplier country of the TEXTs (ISO 3166), for regional twins")
    dw.add_argument("--markdown", metavar="OUT", help="write the shipped vocabulary page (docs/mapping_vocabulary.md)")
    dw.add_argument("--corpus", metavar="CSV", help="a mapping corpus (text,kinds,expected[,origin]): print how many "
                    "rows map correctly, wrongly, ambiguous or unmapped (with --markdown: add the figures to the page)")
    dw.set_defaults(handler=_data_words)
    db = dsub.add_parser("build", help="validate lci_data, compile the background and print its content hash")
    db.add_argument("--out", help="also write the unit-process datapackage as a zip file")
    db.set_defaults(handler=_data_build)
    _add_logging_everywhere(sub)
    return parser


def _add_logging_everywhere(subparsers) -> None:
    """-v/-q on every sub-command (and theirs), so `pcf footprint BOM -v` works as well as `pcf -v footprint`."""
    for command in subparsers.choices.values():
        add_logging_options(command)
        for action in command._subparsers._group_actions if command._subparsers else ():
            _add_logging_everywhere(action)


def _footprint(args) -> int:
    from .data.background import default_background

    with _progress() as step:
        background = default_background(tuple(args.with_pack)) if args.with_pack else None
        result = audited_from_args(args, progress=step, background=background)
    print_summary(result, top=args.top)
    if result.uncertainty is not None:
        from .cli_uncertainty import print_uncertainty

        print_uncertainty(result.uncertainty, console)
    if args.json_out:
        path = result.write_json(args.json_out)
        console.print(f"result written to [bold]{path}[/]")
    save_from_args(args, result)
    return 0


def _kg(value: float) -> str:
    return f"{value:,.1f}"


def _share(value: float, total: float) -> str:
    return f"{value / total:6.1%}" if total else "-"


def print_summary(result, *, top: int = 10) -> None:
    """Readable tables of a Result on stdout."""
    fu = result.functional_unit
    total = result.total_kg_co2e
    console.print(f"\n[bold]{fu['description']}[/]")
    from .results import gwp_disclosure

    from .electricity_claims import LOCATION, claim_of

    claim = claim_of(fu)
    grid = (f"{result.grid} ({claim['basis']})" if result.grid else "none needed (no maker's process or energy line)")
    console.print(f"method {gwp_disclosure(result)['line']}; factory electricity: {grid}; "
                  f"solver: {result.solver}", highlight=False)
    if result.grid and claim["basis"] != LOCATION:
        location = claim.get("location_based_total_kg_co2e")
        console.print("location-based figure beside it: " + (f"{location:,.1f} kg CO2e per machine with "
                      f"{claim.get('location_grid')}" if location is not None else "not known"), highlight=False)
    head = Table(title="Carbon footprint per machine (ISO 14067 split)", show_lines=False)
    head.add_column("")
    head.add_column("kg CO2e", justify="right")
    head.add_column("share", justify="right")
    head.add_row("[bold]Total (excluding biogenic uptake)[/]", f"[bold]{_kg(total)}[/]", "100.0%")
    for label, value in (
        ("fossil", result.fossil_kg_co2e),
        ("biogenic emissions", result.biogenic_emissions_kg_co2e),
        ("land-use change", result.dluc_kg_co2e),
        ("aggregated CO2e (source gives no gas split)", result.aggregated_kg_co2e),
        ("  of which aircraft", result.aircraft_kg_co2e),
        ("biogenic removals (reported separately)", result.biogenic_removals_kg_co2e),
        ("Total including biogenic removals", result.total_including_removals_kg_co2e),
    ):
        head.add_row(label, _kg(value), _share(value, total))
    console.print(head)
    for title, series in (("By life-cycle stage", result.by_stage), ("By module", result.by_module.head(top)),
                          ("By material", result.by_material.head(top))):
        table = Table(title=title)
        table.add_column("")
        table.add_column("kg CO2e", justify="right")
        table.add_column("share", justify="right")
        for key, value in series.items():
            table.add_row(str(key), _kg(value), _share(value, total))
        console.print(table)
    ds = Table(title=f"Top {top} background datasets")
    ds.add_column("dataset", no_wrap=True)
    for col in ("amount / machine", "unit", "kg CO2e", "share"):
        ds.add_column(col, justify="right" if col != "unit" else "left", no_wrap=True)
    ds.add_column("source", max_width=40, no_wrap=True, overflow="ellipsis")
    for key, row in result.by_dataset.head(top).iterrows():
        ds.add_row(str(key), f"{row['amount_per_machine']:,.3g}", str(row["unit"]), _kg(row["kg_co2e"]),
                   _share(row["kg_co2e"], total), str(row.get("source_title", ""))[:50])
    console.print(ds)
    print_electricity(result)
    mass = result.mass
    declared = f"{mass['declared_kg']:,.1f} kg" if mass["declared_kg"] else "not declared"
    gap = f" (gap {mass['gap_kg']:+,.1f} kg, {mass['gap_share']:+.1%})" if mass["declared_kg"] else ""
    if mass.get("declared_includes_packaging"):
        declared += f" incl. packaging (compared with {mass['compared_kg']:,.1f} kg)"
    console.print(f"mass roll-up: {mass['rolled_up_kg']:,.1f} kg of parts and components; declared {declared}{gap}")
    console.print(f"primary data share (PACT): {result.primary_data_share:.1%}; "
                  f"activity-data share: {result.activity_data_share:.1%}; "
                  f"aggregated-CO2e share: {result.coverage['aggregated_co2e_share']:.1%}; "
                  f"spend-based share: {result.coverage['spend_based_share']:.1%}")
    if result.by_gwp_basis is not None and total:
        console.print("GWP basis: " + ", ".join(f"{basis} {value / total:.1%}"
                                                for basis, value in result.by_gwp_basis.items()))
    print_coverage(result)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    notices = sorted({a["attribution"] for a in result.attributions if a["attribution"]})
    if notices:
        console.print("[bold]Data sources and attributions[/] (as their licences require; see lci_data/NOTICE):")
        for notice in notices:
            console.print(f"  - {notice}", highlight=False)


def print_electricity(result) -> None:
    """Which grid supplied the electricity_factory demand of each stage (maker, suppliers, background)."""
    elec = result.electricity
    if elec is None or not len(elec):
        return
    table = Table(title="Electricity where the work happens (electricity_factory by grid)")
    table.add_column("grid", no_wrap=True)
    for col in ("used by", "stages"):
        table.add_column(col)
    for col in ("kWh / machine", "kg CO2e/kWh", "kg CO2e"):
        table.add_column(col, justify="right")
    for grid, row in elec.iterrows():
        table.add_row(str(grid), ", ".join(row["sites"]), ", ".join(row["stages"]), f"{row['kwh']:,.1f}",
                      f"{row['kg_co2e_per_kwh']:.4f}", _kg(row["kg_co2e"]))
    console.print(table)


def _schema(args) -> int:
    from .bom.schema import bom_json_schema

    text = bom_json_schema()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        console.print(f"schema written to [bold]{args.out}[/]")
    else:
        print(text)
    return 0


def print_coverage(result, *, full: bool = False) -> None:
    """The coverage and cut-off summary (and, with `full`, every line taken out)."""
    cutoff = result.coverage.get("cutoff")
    if not cutoff:
        return
    table = Table(title="Coverage of the BOM (mass and estimated emissions)")
    for col in ("status", "lines", "mass kg", "mass share", "kg CO2e", "emission share"):
        table.add_column(col, justify="left" if col == "status" else "right")
    for row in cutoff["by_status"]:
        table.add_row(str(row["status"]), str(row["lines"]), _kg(row["mass_kg"] or 0.0),
                      f"{row['mass_share'] or 0.0:.1%}", _kg(row["kg_co2e"] or 0.0), f"{row['emission_share'] or 0.0:.1%}")
    console.print(table)
    criteria = cutoff["criteria"]
    verdict = "[green]met[/]" if cutoff["criteria_met"] else "[red]NOT met[/]"
    console.print(f"cut-off criteria (per line <= {criteria['mass_share']:.1%} of mass and "
                  f"{criteria['emission_share']:.1%} of emissions, all <= {criteria['total_share']:.1%}): {verdict}; "
                  f"left-out emissions estimated at {cutoff['estimate_basis_kg_co2e_per_kg']:.2f} kg CO2e/kg")
    rows = cutoff["exclusions"] if full else cutoff["exclusions"][:10]
    if rows:
        ex = Table(title=f"Lines left out ({len(cutoff['exclusions'])})")
        for col in ("line", "row", "status", "given", "reason", "mass share", "est. share", "ok"):
            ex.add_column(col)
        for row in rows:
            ex.add_row(str(row["line_id"]), str(row["source_row"] or ""), str(row["status"]), str(row["given"] or ""),
                       str(row["reason"] or "")[:60],
                       "-" if row["mass_share"] is None else f"{row['mass_share']:.2%}",
                       "-" if row["emission_share"] is None else f"{row['emission_share']:.2%}",
                       "yes" if row["within_criteria"] else "[red]no[/]")
        console.print(ex)


def _map(args) -> int:
    from .data.background import default_background
    from .engine import footprint_file as footprint

    with _progress() as step:
        result = footprint(args.bom, grid=args.grid, progress=step,
                           background=default_background(tuple(args.with_pack)), **intake_kwargs(args))
    intake = result.intake
    table = Table(title=f"How {len(intake)} BOM lines were read and mapped")
    for col in ("line", "row", "kind", "given", "dataset", "method", "conf.", "status", "kg / machine"):
        table.add_column(col, overflow="ellipsis", max_width=36)
    for row in intake.itertuples():
        if row.kind in ("assembly", "ref"):
            continue
        dataset = str(row.dataset or "")
        if row.status == "ambiguous":  # no dataset chosen: show what it could be
            dataset = "? " + (str(row.candidates) if isinstance(row.candidates, str) else "(no candidates)")
        table.add_row(str(row.line_id), "" if row.source_row is None else str(int(row.source_row)), row.kind,
                      str(row.given or ""), dataset, row.method,
                      "" if row.confidence is None or row.confidence != row.confidence else f"{row.confidence:.2f}",
                      row.status, "" if row.mass_kg_per_machine != row.mass_kg_per_machine
                      or row.mass_kg_per_machine is None else f"{row.mass_kg_per_machine:,.3g}")
    console.print(table)
    for row in intake[intake["method"] == "ambiguous"].itertuples():  # modelled with a conservative proxy
        console.print(f"[yellow]line {row.line_id}[/] ('{row.given}') is ambiguous: modelled as {row.dataset}, the "
                      f"highest-emitting of ? {row.candidates} (proxy, worst data-quality rating; --strict refuses it)")
    print_coverage(result, full=True)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        from .safe_text import csv_safe_frame

        csv_safe_frame(intake).to_csv(out, index=False)
        console.print(f"intake table written to [bold]{out}[/]")
    return 0


def _tables(args=None):
    from .data.background import default_background

    return default_background(tuple(getattr(args, "with_pack", ()) or ()))


def _lci_tables(args):
    """The lci_data tables (shipped, with `--with-pack`), validated but not compiled: enough to list datasets."""
    from .data.tables import load_lci_tables

    return load_lci_tables(optional_packs=tuple(sorted(getattr(args, "with_pack", ()) or ())))


def _data_list(args) -> int:
    frame = _lci_tables(args).datasets
    if args.category:
        frame = frame[frame["category"] == args.category]
    if args.pack:
        frame = frame[frame["pack"] == args.pack]
    _print_datasets(frame, f"{len(frame)} datasets")
    return 0


def _print_datasets(frame, title: str) -> None:
    table = Table(title=title)
    table.add_column("key", no_wrap=True)
    table.add_column("name", max_width=48)
    for col in ("unit", "geo", "year", "DQR t/g/t", "pack"):
        table.add_column(col, no_wrap=True)
    for key, row in frame.iterrows():
        table.add_row(str(key), str(row["name"])[:60], str(row["unit"]), str(row["geography"]),
                      str(row["reference_year"]),
                      f"{row['dq_technological']}/{row['dq_geographical']}/{row['dq_temporal']}", str(row["pack"]))
    console.print(table)


def _data_words(args) -> int:
    from .mapping import Mapper

    if args.markdown:
        from .mapping import _shipped_rules, corpus_accuracy, shipped_table, vocabulary_markdown

        accuracy = corpus_accuracy(Mapper.create(_tables(args)), args.corpus) if args.corpus else None
        Path(args.markdown).write_text(vocabulary_markdown(_shipped_rules(str(shipped_table())), accuracy,
                                                           Path(args.corpus).as_posix() if args.corpus else ""),
                                       encoding="utf-8")
        console.print(f"vocabulary written to [bold]{args.markdown}[/]")
        return 0
    mapper = Mapper.create(_tables(args), args.mapping)
    if args.corpus:
        from .mapping import CORPUS_OUTCOMES, corpus_accuracy

        accuracy = corpus_accuracy(mapper, args.corpus)
        table = Table(title=f"Mapping corpus {args.corpus}: {accuracy.summary()}")
        for col in ("rows", "lines", *CORPUS_OUTCOMES):
            table.add_column(col)
        for origin in sorted({r["origin"] for r in accuracy.rows}):
            table.add_row(origin, str(accuracy.total(origin)),
                          *(f"{accuracy.share(o, origin):.1%}" for o in CORPUS_OUTCOMES))
        console.print(table)
        misses = Table(title="Rows not mapped as expected")
        for col in ("text", "expected", "got", "outcome", "rule"):
            misses.add_column(col, max_width=48)
        for row in accuracy.misses():
            misses.add_row(row["text"], row["expected"], row["got"], row["outcome"], row["rule"])
        console.print(misses)
        return 0
    if args.texts:
        table = Table(title=f"How {len(args.texts)} text(s) map (as a part's material, else as a component)")
        for col in ("text", "dataset", "method", "proxy", "rule", "note / candidates"):
            table.add_column(col, max_width=48 if col == "note / candidates" else 32)
        for text in args.texts:
            found = mapper.match(text, kinds=("material", "packaging"), country=args.country)
            if not found.mapped and not found.ambiguous and found.method != "excluded":
                any_kind = mapper.match(text, country=args.country)
                if any_kind.mapped:
                    found = any_kind
            note = ("candidates: " + ", ".join(found.candidates)) if found.candidates else found.note
            table.add_row(text, str(found.dataset or "-"), found.method, "yes" if found.proxy and found.mapped else "",
                          found.rule, note)
        console.print(table)
        return 0
    special = ("EXCLUDE", "AMBIGUOUS")
    if args.dataset and args.dataset not in special and not _tables(args).has(args.dataset):
        from .errors import DataError

        raise DataError(f"unknown dataset '{args.dataset}'",
                        expected="a key listed by `pcf data list`, EXCLUDE or AMBIGUOUS")
    rows = mapper.words(dataset=args.dataset, contains=args.grep)
    table = Table(title=f"{len(rows)} mapping words (exact: the whole text; contains: a whole word sequence "
                        "in the text, plural s/es allowed)")
    for col in ("pattern", "match", "dataset", "kind", "proxy", "from"):
        table.add_column(col, no_wrap=col != "pattern", max_width=40)
    for row in rows:
        dataset = row["dataset"] if row["usable"] else f"{row['dataset']} (not in this background)"
        table.add_row(row["pattern"], row["match"], dataset, row["kind"], "yes" if row["proxy"] else "",
                      row["origin"])
    console.print(table)
    return 0


def _data_search(args) -> int:
    frame = _lci_tables(args).datasets
    text = args.text.lower()
    mask = (frame["key"].str.lower().str.contains(text, regex=False)
            | frame["name"].str.lower().str.contains(text, regex=False)
            | frame["notes"].fillna("").str.lower().str.contains(text, regex=False))
    _print_datasets(frame[mask], f"{int(mask.sum())} datasets matching '{args.text}'")
    return 0


def _data_show(args) -> int:
    from .data.tables import FACTORY_ELECTRICITY
    from .errors import DataError
    from .methods import get_method

    bg = _tables(args)
    if not bg.has(args.key):
        raise DataError(f"unknown dataset '{args.key}'", expected="a key listed by `pcf data list`")
    row = bg.tables.datasets.loc[args.key]
    table = Table(title=f"dataset {args.key}", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for col in ("name", "category", "unit", "geography", "reference_year", "pack", "source_title", "source_url",
                "source_locator", "licence", "gwp_basis", "dq_technological", "dq_geographical", "dq_temporal",
                "dq_completeness", "dq_reliability", "aircraft", "notes"):
        if col in row.index:
            table.add_row(col, "" if row[col] is None else str(row[col]))
    console.print(table)
    ex = bg.tables.exchanges
    ex = ex[ex["dataset"] == args.key]
    if len(ex):
        et = Table(title="exchanges per reference unit")
        for col in ("kind", "input", "amount", "comment"):
            et.add_column(col)
        for r in ex.itertuples():
            et.add_row(r.kind, r.input, f"{r.amount:.6g}", str(r.comment)[:80])
        console.print(et)
    grid = args.grid
    if grid is None and bg.has(FACTORY_ELECTRICITY) and bg.factory_electricity_kwh[bg.index(args.key)]:
        from .electricity import resolver

        home, _ = resolver(bg).home_grid(args.key)  # the grid it runs on when no maker or supplier is named
        grid = home if bg.has(home) else None
    method = get_method(bg.tables)
    cumulative = bg.cumulative_with_grid(grid if bg.has(FACTORY_ELECTRICITY) and grid else None)
    score = float((cumulative[bg.index(args.key)] * method.factors_for(bg.flow_keys)).sum())
    console.print(f"cradle-to-gate: {score:.6g} kg CO2e per {row['unit']} ({method.label}; biogenic uptake "
                  f"counted at -1{'; electricity_factory supplied by ' + grid if grid else ''})")
    source = bg.tables.sources
    src = source[(source["source_id"] == row["source_id"]) & (source["pack"] == row["pack"])]
    if len(src):
        s = src.iloc[0]
        console.print(f"source kind: {s['kind']}" + (f"; read at: {s['read_at']}" if s["read_at"] else ""))
    _print_checks(bg, [args.key], outside=False, empty=f"no independent reference for '{args.key}' yet")
    return 0


def _print_checks(bg, keys, *, outside: bool, empty: str) -> int:
    """Print the reference checks of `keys` (all when empty); returns the number of unexplained misses."""
    from .data.reference_checks import evaluate_reference_checks, load_reference_checks
    from .methods import get_method

    checks = [c for c in load_reference_checks() if not keys or c.dataset in keys]
    checked = evaluate_reference_checks(bg, get_method(bg.tables), checks)
    if outside:
        checked = [c for c in checked if not c.within_band]
    if not checked:
        console.print(empty)
        return 0
    table = Table(title="independent reference checks (ratio = pcf / reference; band +-30 %)")
    for col in ("dataset", "quantity", "pcf", "reference", "ratio", "status", "source"):
        table.add_column(col)
    for c in checked:
        ref = f"{c.check.reference_value:.4g}"
        if c.check.reference_low is not None or c.check.reference_high is not None:
            ref += f" ({c.check.reference_low or c.check.reference_value:.3g}-" \
                   f"{c.check.reference_high or c.check.reference_value:.3g})"
        table.add_row(c.check.dataset, c.check.quantity, f"{c.pcf_value:.4g}", ref, f"{c.ratio:.2f}", c.status,
                      f"{c.check.source} ({c.check.kind}, {c.check.year}, {c.check.geography})"
                      + (f"\njustification: {c.check.justification}" if c.check.justification else ""))
    console.print(table)
    return sum(c.status == "OUTSIDE" for c in checked)


def _data_checks(args) -> int:
    from .errors import DataError

    bg = _tables(args)
    unknown = [k for k in args.keys if not bg.has(k)]
    if unknown:
        raise DataError(f"unknown dataset '{unknown[0]}'", expected="a key listed by `pcf data list`")
    if args.markdown:
        from .data_quality import render_data_quality_markdown

        folder = Path(args.examples) if args.examples else Path(__file__).resolve().parents[1] / "bill_of_materials"
        boms = sorted(folder.glob("*.yaml"))
        if not boms:
            raise DataError("no example BOMs (*.yaml) found", file=str(folder), expected="--examples DIR")
        out = Path(args.markdown)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_data_quality_markdown(bg, boms), encoding="utf-8")
        console.print(f"data-quality page written to [bold]{out}[/]")
        return 0
    misses = _print_checks(bg, args.keys, outside=args.outside, empty="no reference checks match")
    return 1 if misses else 0


def _data_build(args) -> int:
    from .data.background import compile_background
    from .data.tables import load_lci_tables

    with _progress() as step:
        step("validating lci_data")
        tables = load_lci_tables(optional_packs=tuple(args.with_pack))
        step("compiling and solving the background")
        bg = compile_background(tables)
    console.print(f"{len(bg.keys)} datasets, {len(bg.flow_keys)} flows, packs: {', '.join(tables.packs)}")
    console.print(f"content hash: {tables.content_hash}")
    if args.out:
        from .data.background import write_datapackage

        path = write_datapackage(bg, args.out)
        console.print(f"unit-process datapackage written to [bold]{path}[/]")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
