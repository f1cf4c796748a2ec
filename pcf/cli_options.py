"""Option pieces shared by the `pcf` sub-commands: argument types and help texts (no heavy imports)."""

from __future__ import annotations

import argparse

# the BOM readers' file types (pcf.bom.readers.SUFFIXES; tests/test_cli_options.py keeps the two in step)
BOM_HELP = "BOM file: .yaml, .yml or .json, or a spreadsheet: .xlsx, .xlsm or .csv"


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
