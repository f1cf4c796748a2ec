"""The `pcf report`, `pcf pact`, `pcf verify` and `pcf history` commands, and `--save/--store` for `pcf footprint`.

Wiring (pcf/cli.py):

    from .cli_report import add_save_options, audited_from_args, register, save_from_args
    register(sub)                        # in _parser(), after the other sub-commands
    add_save_options(fp)                 # on the `footprint` sub-parser
    # in _footprint(): compute with the audit trail and save when asked
    result = audited_from_args(args, progress=step, background=background)
    ...
    save_from_args(args, result)         # after print_summary / --json

Every command raises PcfError subclasses for user errors, so `pcf.cli.main` prints one line and exits with 2.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from .cli_options import (BOM_HELP, add_engine_options, add_instruments_option, add_intake_options, console,
                          intake_kwargs, positive_int)
from .cli_options import progress as _progress
from .errors import PcfError

ENGINE_ARGS = ("grid", "instruments", "method", "solver")  # the intake options: cli_options.intake_kwargs


def _add_engine_options(parser) -> None:
    parser.add_argument("bom", help=BOM_HELP)
    add_engine_options(parser, lci_data=True)
    add_instruments_option(parser)
    add_intake_options(parser)
    from .cli_uncertainty import add_options as uncertainty_options

    uncertainty_options(parser)  # --uncertainty N --seed S --pedigree SET (docs/uncertainty.md)


def audited_from_args(args, *, progress=None, background=None, **engine_options):
    """Compute the footprint of `args.bom` with the options on `args`, recording the audit trail.

    The options: ENGINE_ARGS, the intake options (`cli_options.intake_kwargs`) and the Monte Carlo ones
    (`cli_uncertainty.engine_kwargs`); engine_options: further keyword options of `pcf.engine.footprint_file`.
    Options left at None or False are not passed (and so not recorded).
    """
    from .audit import _engine_parameters, audited_footprint
    from .cli_uncertainty import engine_kwargs

    supported = _engine_parameters()
    options = {name: getattr(args, name, None) for name in ENGINE_ARGS if name in supported}
    options.update(intake_kwargs(args))
    options.update(engine_kwargs(args))  # a Monte Carlo when --uncertainty N was given
    options.update(engine_options)
    if options.get("method") == "AR6":
        options.pop("method")  # the default: recorded as not given
    if options.get("solver") == "structured":
        options.pop("solver")
    options = {k: v for k, v in options.items() if v is not None and v is not False}
    packs = tuple(getattr(args, "with_pack", ()) or ())
    if background is not None and not packs and getattr(args, "lci_data", None) is None:
        background = None  # the default background: let the audit load it from files so they are hashed
    return audited_footprint(args.bom, lci_data=getattr(args, "lci_data", None), packs=packs,
                             background=background, progress=progress, **options)


# ----------------------------------------------------------------------------------------------- footprint --save
def add_save_options(parser) -> None:
    """Add `--save`, `--store PATH` and `--label TEXT` to the `pcf footprint` sub-parser."""
    parser.add_argument("--save", action="store_true",
                        help="keep the result and its audit trail in the results store (see --store)")
    parser.add_argument("--store", metavar="PATH",
                        help="results store (SQLite); default $PCF_STORE, else ./pcf-results.sqlite")
    parser.add_argument("--label", help="a note saved with the result (with --save)")


def save_from_args(args, result) -> int | None:
    """Save the result when `--save` was given; prints and returns its id."""
    if not getattr(args, "save", False):
        return None
    from .store import ResultStore

    store = ResultStore(getattr(args, "store", None))
    result_id = store.save(result, label=getattr(args, "label", None))
    console.print(f"saved as result [bold]{result_id}[/] in {store.path}")
    return result_id


# ----------------------------------------------------------------------------------------------- register
def register(subparsers) -> None:
    """Add the report, pact, verify and history sub-commands to pcf's argument parser."""
    rp = subparsers.add_parser("report", help="ISO 14067 CFP study report (HTML, optional PDF) and verifier workbook")
    _add_engine_options(rp)
    rp.add_argument("--out", required=True, metavar="DIR", help="folder for cfp_report.html/.xlsx/.pdf, result.json")
    rp.add_argument("--pdf", action="store_true", help="also render the report as PDF (WeasyPrint, offline)")
    rp.add_argument("--no-workbook", action="store_true", help="do not write the Excel workbook")
    rp.add_argument("--top", type=positive_int, default=15, help="rows of the hotspot table and chart (default 15)")
    rp.add_argument("--review", metavar="TEXT", help="review / verification statement (default: not reviewed)")
    rp.add_argument("--scenarios", metavar="FILE",
                    help="add a design-comparison section and sheet: the variants of this scenario file (as `pcf "
                         "compare BOM --scenarios FILE`, same grid, method and data as the report)")
    rp.add_argument("--energy", metavar="CONFIG",
                    help="add a use-phase energy section and sheet (outside the cradle-to-gate boundary): this "
                         "`pcf energy compare` configuration")
    rp.set_defaults(handler=_report)

    pp = subparsers.add_parser("pact", help="PACT ProductFootprint (v3 by default) of one machine")
    _add_engine_options(pp)
    pp.add_argument("--out", required=True, metavar="FILE", help="write the ProductFootprint JSON here")
    pp.add_argument("--spec-version", choices=["3", "2"], default="3", help="PACT major version (default 3)")
    pp.add_argument("--company", help="data owner's company name (default: the BOM's manufacturer)")
    pp.add_argument("--company-id", action="append", default=[], metavar="URN", help="company URN; repeatable")
    pp.add_argument("--product-id", action="append", default=[], metavar="URN", help="product URN; repeatable")
    pp.add_argument("--classification", action="append", default=[], metavar="URN",
                    help="product classification URN (e.g. urn:pact:productclassification:un-cpc:CODE)")
    pp.add_argument("--cpc", help="UN CPC code (required for --spec-version 2)")
    pp.add_argument("--reference-period", nargs=2, metavar=("START", "END"),
                    help="ISO dates; default: the BOM's reference year")
    pp.add_argument("--comment", help="text added to the calculation notes")
    pp.add_argument("--preceding-id", action="append", default=[], metavar="UUID",
                    help="id of a past version of this PCF (precedingPfIds); repeatable")
    pp.add_argument("--version", dest="pf_version", type=int, metavar="N",
                    help="PACT v2 `version` of the PCF (default 1; v3 has no version, use --preceding-id)")
    pp.add_argument("--ghgp-justification", metavar="TEXT",
                    help="why this cradle-to-gate study meets the GHG Protocol Product Standard: claims GHGP-Product "
                         "(without it only ISO14067 is claimed)")
    pp.add_argument("--standard", action="append", default=[], metavar="NAME",
                    help="a further standard the data owner claims (crossSectoralStandards, e.g. PACT-3.0); repeatable")
    pp.add_argument("--status", choices=["Active", "Deprecated"], default="Active", help="default Active")
    pp.add_argument("--json", dest="json_out", metavar="OUT",
                    help="also write the result document (with its audit trail and the PACT file's sha256)")
    pp.set_defaults(handler=_pact)

    vp = subparsers.add_parser("verify", help="recompute a result document from its audit trail and compare")
    vp.add_argument("result", help="result JSON written by `pcf footprint --json` or `pcf report`")
    vp.add_argument("--bom", help="where the input file is now, if it moved")
    vp.add_argument("--lci-data", metavar="DIR", help="where the lci_data folder is now, if it moved")
    vp.add_argument("--deliverables", metavar="DIR",
                    help="folder of the delivered files (report, PDF, workbook, PACT file) recorded in the result; "
                         "default: the result file's folder")
    vp.set_defaults(handler=_verify)

    hp = subparsers.add_parser("history", help="list saved results, or show one")
    hp.add_argument("id", nargs="?", type=int, help="show this result")
    hp.add_argument("--store", metavar="PATH", help="results store; default $PCF_STORE, else ./pcf-results.sqlite")
    hp.add_argument("--machine", help="only results of this machine id")
    hp.add_argument("--limit", type=int, default=50, help="rows to list (default 50)")
    hp.add_argument("--json", dest="json_out", metavar="OUT", help="with ID: write its result document to OUT")
    hp.set_defaults(handler=_history)


def _background_from_args(args):
    """The background the report's footprint uses (`--lci-data`, `--with-pack`): its tables read again, its
    compilation reused (`compile_background` caches by content hash)."""
    from .data.background import compile_background
    from .data.tables import load_lci_tables

    return compile_background(load_lci_tables(getattr(args, "lci_data", None),
                                              optional_packs=tuple(getattr(args, "with_pack", ()) or ())))


def _alternatives(args, result, background) -> list[dict]:
    """The next-best source of the five largest factors (lci_data/reference_checks.csv), for the report."""
    from .data.reference_checks import alternative_factors, load_reference_checks
    from .errors import DataError
    from .methods import get_method

    try:
        checks = load_reference_checks(getattr(args, "lci_data", None))
        return alternative_factors(result.by_dataset, background, get_method(background.tables, args.method),
                                   checks)
    except DataError:  # an lci_data folder without (valid) reference checks: the report says none were passed
        return []


def _comparison_from_args(args, scenarios, background):
    """`pcf compare BOM --scenarios FILE` with the report's grid, method, mapping and data."""
    from .compare import compare
    from .engine import prepare

    intake = {k: v for k, v in intake_kwargs(args).items() if k in ("mapping", "aliases", "encoding")}
    system, _intake, background, _notes = prepare(args.bom, background, **intake)
    return compare(system, scenarios, background=background, method=args.method, grid=args.grid)


def _report(args) -> int:
    from .report import write_report

    with _progress() as step:
        scenarios = energy_config = None
        if args.scenarios:  # read both files first: a bad file stops the run before the footprint
            from .compare import load_scenarios

            step("reading the scenario file")
            scenarios = load_scenarios(args.scenarios)
            scenarios.expand()
        if args.energy:
            from .energy import read_config

            step("reading the energy configuration")
            energy_config = read_config(args.energy)
        result = audited_from_args(args, progress=step)
        comparison = energy = None
        background = _background_from_args(args)  # for the alternative values, the variants and the energy
        if scenarios is not None:
            step("evaluating the design variants")
            comparison = _comparison_from_args(args, scenarios, background)
        if energy_config is not None:
            from .energy import run

            step("comparing the use-phase energy")
            energy = run(energy_config, background=background, method=args.method)
        step("finding alternative data for the sensitivity analysis")
        alternatives = _alternatives(args, result, background)
        step("writing the report")
        files = write_report(result, args.out, pdf=args.pdf, workbook=not args.no_workbook, top=args.top,
                             review=args.review, comparison=comparison, energy=energy, alternatives=alternatives)
    console.print(f"total {result.total_kg_co2e:,.1f} kg CO2e per machine")
    for label, path in (("report", files.html), ("workbook", files.workbook), ("result", files.result_json)):
        if path:
            console.print(f"{label}: [bold]{path}[/]")
    if files.pdf:
        console.print(f"pdf: [bold]{files.pdf}[/] ({files.pdf_pages} pages)")
    if files.binding:
        console.print(f"document {files.binding['document_id']}, result sha256 {files.binding['result_sha256']} "
                      "(in the report's footer)", highlight=False)
    return 0


def _date(text: str) -> _dt.datetime:
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise PcfError(f"'{text}' is not a date", expected="an ISO date such as 2024-01-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)


def _pact(args) -> int:
    from pydantic import ValidationError

    from .pact import (ExportOptions, PactError, PactSchemaUnavailable, placeholder_warnings, to_pact_v2, to_pact_v3,
                       validate)

    try:
        options = ExportOptions(
            company_name=args.company, company_ids=tuple(args.company_id), product_ids=tuple(args.product_id),
            product_classifications=tuple(args.classification), cpc=args.cpc, comment=args.comment,
            preceding_pf_ids=tuple(args.preceding_id), version=args.pf_version, status=args.status,
            cross_sectoral_standards=tuple(args.standard), ghgp_product_justification=args.ghgp_justification,
            reference_period_start=_date(args.reference_period[0]) if args.reference_period else None,
            reference_period_end=_date(args.reference_period[1]) if args.reference_period else None)
    except ValidationError as exc:
        raise PactError("; ".join(e["msg"] for e in exc.errors())) from None
    with _progress() as step:
        result = audited_from_args(args, progress=step)
    footprint = to_pact_v3(result, options) if args.spec_version == "3" else to_pact_v2(result, options)
    try:
        errors = validate(footprint, major=args.spec_version)
    except PactSchemaUnavailable as exc:
        errors = None
        console.print(f"[yellow]not checked against the PACT schema:[/] {exc.describe()}")
    if errors:
        raise PactError(f"the export does not validate against PACT v{args.spec_version}: " + "; ".join(errors[:5]))
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(footprint, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    if args.json_out:
        from .audit import record_deliverables

        document = record_deliverables(result.to_dict(), {f"pact_v{args.spec_version}": path})
        json_path = Path(args.json_out)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        console.print(f"result with the PACT file's sha256: [bold]{json_path}[/]")
    for warning in placeholder_warnings(options):
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    checked = "valid against the PACT schema" if errors == [] else "schema not checked"
    console.print(f"PACT v{args.spec_version} ProductFootprint {footprint['id']} written to [bold]{path}[/] "
                  f"({checked})")
    return 0


def _verify(args) -> int:
    from .audit import verify

    with _progress() as step:
        step("recomputing from the recorded inputs")
        outcome = verify(args.result, bom=args.bom, lci_data=args.lci_data, deliverables=args.deliverables)
    console.print(outcome.describe(), highlight=False, markup=False)
    return 0 if outcome.ok else 1


def _history(args) -> int:
    from rich.table import Table

    from .store import ResultStore

    store = ResultStore(args.store, create=False)
    if args.id is None:
        rows = store.list(machine=args.machine, limit=args.limit)
        table = Table(title=f"{len(rows)} saved result(s) in {store.path}")
        for column in ("id", "saved at", "machine", "kg CO2e", "method", "grid", "input sha256", "label"):
            table.add_column(column, justify="right" if column in ("id", "kg CO2e") else "left")
        for r in rows:
            table.add_row(str(r.id), r.saved_at, str(r.machine_id), f"{r.total_kg_co2e:,.1f}", str(r.method),
                          str(r.grid), (r.input_sha256 or "-")[:12], r.label or "")
        console.print(table)
        return 0
    stored = store.get(args.id)
    doc = stored.document
    console.print(f"[bold]result {stored.id}[/] saved {stored.saved_at}: {stored.machine_name} ({stored.machine_id})")
    console.print(f"total {doc['total_kg_co2e']:,.3f} kg CO2e per machine (excluding biogenic uptake), "
                  f"{doc['total_including_biogenic_removals_kg_co2e']:,.3f} including removals; {doc['method']}; "
                  f"factory electricity {doc['factory_grid']}")
    for name in ("by_stage", "by_module"):
        table = Table(title=name.replace("_", " "))
        table.add_column("")
        table.add_column("kg CO2e", justify="right")
        for key, value in store.breakdown(stored.id, name).items():
            table.add_row(key, f"{value:,.1f}")
        console.print(table)
    audit = (doc.get("data_versions") or {}).get("audit") or {}
    if audit:
        console.print(f"input {audit['input']['path']} sha256 {audit['input']['sha256'][:16]}; lci_data "
                      f"{audit['lci_data']['content_hash'][:16]}; pcf {audit['pcf_version']}; options "
                      f"{audit.get('options') or 'defaults'}", highlight=False)
    if args.json_out:
        path = Path(args.json_out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        console.print(f"result document written to [bold]{path}[/] (check it with `pcf verify {path}`)")
    return 0
