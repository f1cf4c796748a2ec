"""`pcf energy compare CONFIG.yaml [--json OUT] [--xlsx OUT] [--out DIR]`: the lifetime energy comparator.

Wiring (pcf/cli.py): `from .cli_energy import register` and `register(sub)` on the top-level subparsers. Errors
are PcfError (EnergyError, BomError ...), which pcf.cli.main prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from rich.console import Console


def register(subparsers) -> argparse.ArgumentParser:
    """Add `energy` (with its `compare` subcommand) to the top-level subparsers of `pcf`."""
    energy = subparsers.add_parser("energy", help="lifetime energy of formation/grading machines and lines")
    energy_sub = energy.add_subparsers(dest="energy_command")
    cmp = energy_sub.add_parser(
        "compare", help="compare a candidate design with current and legacy baselines, per machine, line and cell",
        description="Lifetime kWh, t CO2e and cost of a candidate design against a stated baseline (and the other "
                    "baselines beside it), forming the same cells: per machine, per line, per cell, per kWh of cell "
                    "and per GWh; modelled or measured (metered kWh, nameplate power, a power log, calibration); "
                    "embodied footprints (from their BOMs), carbon payback, NPV, the plant and sensitivity.")
    cmp.add_argument("config", help="comparison configuration (.yaml or .json), e.g. "
                                    "bill_of_materials/energy/compare_line_50.yaml")
    cmp.add_argument("--json", dest="json_out", metavar="OUT", help="write the result document to OUT")
    cmp.add_argument("--xlsx", dest="xlsx_out", metavar="OUT", help="write the Excel workbook to OUT")
    cmp.add_argument("--out", metavar="DIR", help="write JSON, the workbook, charts (PNG) and a Markdown report "
                                                  "section to DIR")
    cmp.add_argument("--no-sensitivity", action="store_true", help="skip the tornado")
    cmp.add_argument("--uncertainty", type=int, default=0, metavar="N",
                     help="paired Monte Carlo of the sensitivity parameters (N draws, uniform low-high) and their "
                          "Sobol' indices (SALib); docs/uncertainty.md")
    cmp.add_argument("--seed", type=int, default=0, help="random seed of --uncertainty (default 0)")
    cmp.set_defaults(handler=_compare)
    energy.set_defaults(handler=lambda args: (energy.print_help(), 2)[1])
    return energy


def _compare(args) -> int:
    from .energy import run
    from .energy.render import print_comparison, write_json, write_outputs
    from .energy.workbook import write_workbook

    console = Console(width=None if sys.stdout.isatty() else 160)
    result = run(args.config, sensitivity=not args.no_sensitivity)
    print_comparison(result, console)
    mc = None
    if args.uncertainty:
        from .cli_uncertainty import print_energy
        from .uncertainty.energy import energy_uncertainty

        embodied = {key: value["kg_co2e"] for key, value in result.embodied_details.items()}
        mc = energy_uncertainty(result.config, embodied, iterations=args.uncertainty, seed=args.seed)
        print_energy(mc, console)
    if args.json_out:
        path = write_json(result, args.json_out)
        if mc is not None:
            from .cli_uncertainty import add_to_json

            add_to_json(path, mc.to_dict())
        console.print(f"result written to [bold]{path}[/]")
    if args.xlsx_out:
        path = write_workbook(result, args.xlsx_out)
        console.print(f"workbook written to [bold]{path}[/]")
    if args.out:
        written = write_outputs(result, args.out)
        console.print("written: " + ", ".join(str(p) for p in written.values()), highlight=False)
    return 0
