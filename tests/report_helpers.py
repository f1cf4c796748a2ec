"""Shared helpers of the report, PACT, audit and store tests: run the CLI with the report commands registered."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import copy_lci_data

from pcf import cli
from pcf.errors import PcfError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_BOM = ROOT / "bill_of_materials" / "formation_grading_machine.yaml"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PACT_SPEC = Path(os.environ.get("PCF_PACT_SPEC_DIR") or SHARED / "pact")  # as pcf.pact.spec_dir reads it
NO_SPEC = "the PACT spec is read from ../shared/pact (its licence forbids copying it into pcf); not present here"


def run_cli(argv: list[str]) -> int:
    """`pcf ARGV` as pcf.cli.main runs it (a PcfError prints one line and gives 2), without configuring logging."""
    args = cli._parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except PcfError as exc:
        cli.err_console.print(f"error: {exc.describe()}", highlight=False, soft_wrap=True, markup=False)
        return 2


def copy_workspace(target: Path) -> tuple[Path, Path]:
    """A private copy of the example BOM and of lci_data (without the large optional open_ceda tables)."""
    data = copy_lci_data(target / "lci_data")
    bom = target / EXAMPLE_BOM.name
    shutil.copy(EXAMPLE_BOM, bom)
    return bom, data


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
