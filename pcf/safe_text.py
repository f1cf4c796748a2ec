"""Text written into files that spreadsheets open: never a live formula.

A BOM line named `=HYPERLINK(...)` or `@SUM(...)` must reach a CSV or workbook as the text it is. CSV fields that
start with =, +, -, @, a tab or a carriage return get a leading apostrophe (the OWASP CSV-injection rule); the
workbook writers store such cells as literal strings instead (`put_cell`: the report's workbook, the design and
energy comparators' workbooks).
"""

from __future__ import annotations

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
