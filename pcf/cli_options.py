"""Options and helpers shared by the `pcf` sub-commands: argument types, help texts, the engine and intake options
(declared once here), the consoles and the progress spinner. Cheap to import: nothing of the engine is loaded."""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import contextmanager

from rich.console import Console

# the BOM readers' file types (pcf.bom.readers.SUFFIXES; tests/test_cli_options.py keeps the two in step)
BOM_HELP = "BOM file: .yaml, .yml or .json, or a spreadsheet: .xlsx, .xlsm or .csv"

# tables are wide: when output goes to a file or pipe, do not squeeze them into 80 columns
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (row counts such as --top)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr (exit status 2), like pcf's other errors."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def add_pack_option(parser) -> None:
    """--with-pack PACK (repeatable)."""
    parser.add_argument("--with-pack", action="append", default=[], metavar="PACK",
                        help="also load an optional lci_data pack (e.g. open_ceda); repeatable")


def add_grid_option(parser) -> None:
    """--grid KEY."""
    parser.add_argument("--grid", metavar="KEY",
                        help="electricity dataset supplying the maker's own factory (overrides the BOM); suppliers "
                             "and background datasets keep their own grids")


INSTRUMENTS_HELP = ("YAML/JSON file of contractual instruments for the factory's electricity (market-based: PPA, "
                    "green certificate, supplier tariff, on-site), replacing the BOM's factory.instruments")


def add_instruments_option(parser) -> None:
    """--instruments FILE (market-based electricity claims)."""
    parser.add_argument("--instruments", metavar="FILE", help=INSTRUMENTS_HELP)


def add_method_option(parser) -> None:
    """--method AR6|AR5."""
    parser.add_argument("--method", default="AR6", help="GWP set: AR6 (default) or AR5")


def add_solver_option(parser) -> None:
    """--solver structured|brightway."""
    parser.add_argument("--solver", default="structured", choices=["structured", "brightway"],
                        help="structured (default, exact and fast) or the plain Brightway unit-process solve")


def add_engine_options(parser, *, solver: bool = True, lci_data: bool = False) -> None:
    """The options of a footprint computation: --grid, --method, --with-pack (and --solver, --lci-data)."""
    add_grid_option(parser)
    add_method_option(parser)
    if solver:
        add_solver_option(parser)
    add_pack_option(parser)
    if lci_data:
        parser.add_argument("--lci-data", metavar="DIR",
                            help="lci_data folder (default: $PCF_LCI_DATA or the shipped one)")


def add_intake_options(parser) -> None:
    """How BOM lines are read, mapped and checked: --mapping, --aliases, --encoding, --cutoff-*, --strict,
    --allow-gaps, --allow-net-credit."""
    parser.add_argument("--mapping", metavar="FILE", help="your material mapping table (wins over the shipped one)")
    parser.add_argument("--aliases", metavar="FILE", help="your column aliases for spreadsheet BOMs (YAML)")
    parser.add_argument("--encoding", help="text encoding of a CSV BOM (detected when not given)")
    parser.add_argument("--cutoff-mass", type=float, default=0.01, metavar="SHARE",
                        help="cut-off: max mass share of one left-out line (default 0.01)")
    parser.add_argument("--cutoff-emissions", type=float, default=0.01, metavar="SHARE",
                        help="cut-off: max estimated emission share of one left-out line (default 0.01)")
    parser.add_argument("--cutoff-total", type=float, default=0.05, metavar="SHARE",
                        help="cut-off: max estimated emission share of all left-out lines (default 0.05)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on ambiguous lines and when left-out lines break the cut-off criteria")
    parser.add_argument("--allow-gaps", action="store_true",
                        help="accept a result that leaves out > 5 %% of the mass or emissions, or misses the declared "
                             "mass by > 10 %% (refused by default)")
    parser.add_argument("--allow-net-credit", action="store_true",
                        help="accept energy credits larger than the energy used, or a negative total")


def intake_kwargs(args) -> dict:
    """The keyword options of `pcf.engine.footprint_file` given by `add_intake_options` on the command line."""
    from .coverage import CutoffCriteria
    from .errors import PcfError

    try:
        cutoff = CutoffCriteria(mass_share=args.cutoff_mass, emission_share=args.cutoff_emissions,
                                total_share=args.cutoff_total)
    except ValueError as exc:
        raise PcfError(f"invalid cut-off criteria: {exc.errors()[0]['msg']}", expected="shares between 0 and 1") from None
    return {"mapping": args.mapping, "aliases": args.aliases, "encoding": args.encoding, "cutoff": cutoff,
            "strict": args.strict, "allow_gaps": args.allow_gaps, "allow_net_credit": args.allow_net_credit}


@contextmanager
def progress():
    """A spinner with the current step on stderr (nothing when stderr is not a terminal); yields `step(message)`."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda message: bar.update(task, description=message)


LOG_FORMAT = "pcf: %(levelname)s: %(message)s [%(name)s]"


def add_logging_options(parser, *, top: bool = False) -> None:
    """-v/--verbose (repeatable) and -q/--quiet; on sub-commands too, so they may follow the command name."""
    default = {} if top else {"default": argparse.SUPPRESS}
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="count", help="log what pcf does on stderr: -v totals and "
                       "cache events, -vv also every step with its time", **({"default": 0} if top else default))
    group.add_argument("-q", "--quiet", action="store_true", help="log errors only (no warnings)",
                       **({"default": False} if top else default))


def configure_logging(verbose: int = 0, quiet: bool = False) -> logging.Logger:
    """Send the `pcf` loggers' records to stderr: warnings by default, INFO with -v, DEBUG with -vv, errors only
    with --quiet. Replaces the handler an earlier call installed (main() may run several times in one process)."""
    logger = logging.getLogger("pcf")
    for handler in [h for h in logger.handlers if getattr(h, "pcf_cli", False)]:
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.pcf_cli = True
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))
    return logger
