"""Text written into files that spreadsheets open: never a live formula.

A BOM line named `=HYPERLINK(...)` or `@SUM(...)` must reach a CSV or workbook as the text it is. CSV fields that
start with =, +, -, @, a tab or a carriage return get a leading apostrophe (the OWASP CSV-injection rule); the
workbook writers store such cells as literal strings instead (`put_cell`: the report's workbook, the design and
energy comparators' workbooks; `put_frame` writes a whole table that way).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """`value` unchanged unless it is text a spreadsheet would run as a formula; then prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are safe to open in a spreadsheet."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(csv_safe)
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out


def put_cell(ws, row: int, column: int, value):
    """Write `value` into cell (row, column) of an openpyxl worksheet as data, never a live formula: text that starts
    like a formula (FORMULA_STARTS, or anything openpyxl takes for one) is stored as the literal string."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or cell.data_type == "f"):
        cell.value = value
        cell.data_type = "s"
    return cell


def cell_value(value):
    """`value` as a workbook cell holds it: numpy scalars as Python numbers, NaN and infinities as an empty cell (no
    NaN is written), None, booleans, numbers and text as they are, anything else (lists, dicts ...) as its text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def put_frame(ws, frame: pd.DataFrame, *, row: int = 1, value: Callable = cell_value, max_width: int = 60) -> int:
    """Write `frame` (its columns, not its index) into an openpyxl worksheet from `row`: a header row of the column
    names, then one row per record, every cell through `value` and `put_cell`. Each column is made as wide as its
    header and first 200 values (8 to `max_width` characters), never narrower than an earlier table on the sheet
    made it. Returns the last row written."""
    for j, column in enumerate(frame.columns, start=1):
        put_cell(ws, row, j, value(str(column)))
    for i, record in enumerate(frame.itertuples(index=False), start=row + 1):
        for j, item in enumerate(record, start=1):
            put_cell(ws, i, j, value(item))
    for j, column in enumerate(frame.columns, start=1):
        letter = ws.cell(row=row, column=j).column_letter
        shown = [len(str(column))] + [len(str(value(v))) for v in frame.iloc[:200, j - 1]]
        width = min(max_width, max(8, max(shown) + 2))
        if letter in ws.column_dimensions:
            width = max(width, ws.column_dimensions[letter].width or 0)
        ws.column_dimensions[letter].width = width
    return row + len(frame)
