"""Text written into files that spreadsheets open: never a live formula.

A BOM line named `=HYPERLINK(...)` or `@SUM(...)` must reach a CSV or workbook as the text it is. CSV fields that
start with =, +, -, @, a tab or a carriage return get a leading apostrophe (the OWASP CSV-injection rule); the
workbook writer stores such cells as literal strings instead (pcf.report.excel).
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
