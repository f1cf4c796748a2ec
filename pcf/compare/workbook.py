"""The comparison as an Excel workbook (openpyxl): one sheet per table, numbers as numbers, text never a formula.

Sheets: About (scope, units, reference), Totals, By stage, By module, Top changes, and, when present, Break-even,
Programme totals, Programme items, Programme break-even, Plausibility (flags), Plausibility bands, Paired Monte
Carlo and Sobol indices. Text that
a spreadsheet would run as a formula (=, +, -, @ ...; `pcf.safe_text.FORMULA_STARTS`) is stored as a literal
string.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..safe_text import cell_value, put_cell, put_frame

__all__ = ["write_workbook"]


def _value(value):
    """A cell of the comparison: +inf (a break-even never reached) as 'never', -inf as '-inf', else as
    `pcf.safe_text.cell_value` stores it (NaN empty, numpy scalars as numbers, containers as text)."""
    if isinstance(value, float) and math.isinf(value):
        return "never" if value > 0 else "-inf"
    return cell_value(value)


def _put(ws, row: int, column: int, value) -> None:
    put_cell(ws, row, column, _value(value))


def _sheet(wb, title: str, frame: pd.DataFrame, note: str = "") -> None:
    ws = wb.create_sheet(title[:31])
    if note:
        _put(ws, 1, 1, note)
    put_frame(ws, frame, row=3 if note else 1, value=_value)


def _flat(frame: pd.DataFrame, index_name: str) -> pd.DataFrame:
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [f"{a}: {b}" for a, b in out.columns]
    return out.rename_axis(index_name).reset_index()


def write_workbook(comparison, path: str | Path, *, top: int = 10, extra=()) -> Path:
    """Write every table of `comparison` (a pcf.compare.Comparison) to an .xlsx workbook at `path`; extra:
    further (title, table, note) sheets (the paired Monte Carlo and Sobol' indices, pcf.uncertainty)."""
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    about = wb.active
    about.title = "About"
    lines = [
        ("comparison", comparison.name or "design comparison"),
        ("description", (comparison.description or "").strip()),
        ("functional unit", "one machine, cradle to gate"),
        ("unit", "kg CO2e per machine (excluding biogenic uptake)"),
        ("deltas", f"variant minus {comparison.reference}; % of the reference machine and % of its packaging stage"),
        ("variants", len(comparison.variants)),
    ]
    if comparison.programme is not None:
        p = comparison.programme.programme
        lines += [("programme", p.name), ("programme scope", comparison.programme.notes[0]),
                  ("machines shipped a year", p.units_shipped), ("programme reference", p.reference_name)]
    for i, (key, value) in enumerate(lines, start=1):
        _put(about, i, 1, key)
        _put(about, i, 2, value)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    _sheet(wb, "Totals", comparison.totals().reset_index(), "kg CO2e per machine, cradle to gate")
    _sheet(wb, "By stage", _flat(comparison.side_by_side("stage"), "stage"), "kg CO2e per machine")
    _sheet(wb, "By module", _flat(comparison.side_by_side("module"), "module"), "kg CO2e per machine")
    _sheet(wb, "Top changes", comparison.top_changes(top), f"BOM lines that changed most (top {top} per variant)")
    if comparison.break_evens:
        _sheet(wb, "Break-even", pd.DataFrame([b.to_dict() for b in comparison.break_evens]),
               "Reusable options per machine shipment, kg CO2e: break-even trips n* = A / (S - r) (empty: never); "
               "max return km = D x (S - A/n) / r")
    programme = comparison.programme
    if programme is not None:
        from .programme import band_table

        note = programme.notes[0]
        _sheet(wb, "Programme totals", programme.totals.reset_index(), note)
        _sheet(wb, "Programme items", programme.items, note)
        if len(programme.break_evens):
            _sheet(wb, "Programme break-even", programme.break_evens,
                   "Per reusable item and trip, kg CO2e: n* = A / (S - r) ('never' when S <= r)")
        flags = pd.DataFrame([f.to_dict() for f in programme.flags],
                             columns=["option", "item", "material", "implied_kg_co2e_per_kg", "low", "high", "message"])
        _sheet(wb, "Plausibility", flags, "Your own figures whose implied kg CO2e per kg is outside the plausible band")
        _sheet(wb, "Plausibility bands", band_table(),
               "kg CO2e per kg, cradle to gate: [lowest published / 2, highest published x 2]")
    for title, frame, note in extra:
        _sheet(wb, title, frame, note)
    wb.save(path)
    return path
