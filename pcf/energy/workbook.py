"""The comparison as an Excel workbook (openpyxl): numbers as numbers, text never a live formula.

Sheets: Summary (baseline and why, conditions), Baselines (the candidate against each baseline), Per unit,
Saving by use, Machine-year by use (with the basis of every figure), Steps (kWh per cell), Yearly (per design and
scope), Plant, Calibration, Sensitivity, Inputs (the configuration, one dotted path per row).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook

from ..safe_text import cell_value, put_cell, put_frame
from .balance import BREAKDOWN
from .compare import breakdown_frame
from .figures import baselines_table, saving_by_use, unit_table
from .plant import comparison_plant
from .statements import baseline_statement, conditions

if TYPE_CHECKING:
    from .compare import EnergyComparison


def _put(ws, row: int, column: int, value) -> None:
    put_cell(ws, row, column, cell_value(value))


def _frame(ws, frame: pd.DataFrame, start: int = 1) -> int:
    """Write a frame (with its index as the first column) from row `start`; returns the next free row."""
    return put_frame(ws, frame.reset_index(), row=start) + 2


def _flatten(data, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(data, dict):
        out = []
        for key, value in data.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(data, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in data):
            return [(prefix, json.dumps(list(data), ensure_ascii=False))]
        out = []
        for i, value in enumerate(data):
            out += _flatten(value, f"{prefix}.{i}")
        return out
    return [(prefix, data)]


def write_workbook(c: EnergyComparison, path: str | Path) -> Path:
    """Write the comparison's workbook to `path` (.xlsx)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    for i, text in enumerate((c.config.name, baseline_statement(c), conditions(c),
                              "Use-phase emissions are outside the cradle-to-gate boundary of the machine's footprint "
                              "and are reported beside it. Equations and sources: docs/energy.md."), start=1):
        _put(ws, i, 1, text)
    ws.column_dimensions["A"].width = 120

    _frame(wb.create_sheet("Baselines"), baselines_table(c))
    _frame(wb.create_sheet("Per unit"), unit_table(c))
    _frame(wb.create_sheet("Saving by use"), saving_by_use(c))

    keys = ("candidate", *c.baselines())
    uses = breakdown_frame(c, keys)
    uses.index.name = "use (kWh per machine-year)"
    basis = pd.DataFrame({f"{key} basis": [c.design(key).year.basis_of(u) for u in BREAKDOWN] for key in keys},
                         index=uses.index)
    sheet = wb.create_sheet("Machine-year by use")
    nxt = _frame(sheet, pd.concat([uses, basis], axis=1))
    _frame(sheet, pd.DataFrame({"design basis": [c.design(k).basis for k in keys]},
                               index=pd.Index(keys, name="design")), nxt)

    sheet, row = wb.create_sheet("Steps"), 1
    for key in keys:
        frame = c.design(key).steps_frame.copy()
        frame.insert(0, "design", key)
        row = _frame(sheet, frame, row)

    sheet, row = wb.create_sheet("Yearly"), 1
    for key in keys:
        for scope in ("machine", "line"):
            frame = getattr(c.design(key), scope).yearly.copy()
            frame.insert(0, "scope", scope)
            frame.insert(0, "design", key)
            row = _frame(sheet, frame, row)

    plant = comparison_plant(c)
    if plant is not None:
        _frame(wb.create_sheet("Plant"), plant.frame)

    calibrated = [k for k in keys if c.design(k).calibration is not None]
    if calibrated:
        sheet, row = wb.create_sheet("Calibration"), 1
        for key in calibrated:
            cal = c.design(key).calibration
            _put(sheet, row, 1, f"{key}: relative residual {cal.relative_residual:.4f}; RMS {cal.rms_kWh:.3f} kWh "
                                f"per step; {cal.cells} cells in the log")
            row = _frame(sheet, cal.parameters, row + 1)
            row = _frame(sheet, cal.steps, row)

    if c.tornado is not None and not c.tornado.empty:
        _frame(wb.create_sheet("Sensitivity"), c.tornado.set_index("label"))

    inputs = pd.DataFrame(_flatten(c.config.model_dump(mode="json")), columns=["field", "value"]).set_index("field")
    _frame(wb.create_sheet("Inputs"), inputs)
    wb.save(path)
    return path
