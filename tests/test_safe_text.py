"""pcf.safe_text's workbook writers: a table reaches a sheet as data (no live formula, no NaN), hand-checked cells."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from openpyxl import Workbook

from pcf.safe_text import cell_value, put_frame


def test_cell_values_are_plain_data():
    assert cell_value(np.float64(2.5)) == 2.5 and type(cell_value(np.float64(2.5))) is float
    assert type(cell_value(np.int64(3))) is int and cell_value(np.bool_(True)) is True
    assert cell_value(math.nan) is None and cell_value(math.inf) is None and cell_value(np.float64("nan")) is None
    assert cell_value([1, 2]) == "[1, 2]" and cell_value({"a": 1}) == "{'a': 1}"
    assert cell_value("=SUM(A1)") == "=SUM(A1)" and cell_value(None) is None


def test_a_frame_is_written_below_its_header_as_data_with_a_value_function():
    ws = Workbook().active
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "plain"], "kg": [1.5, math.nan], "n*": [math.inf, 2.0]})
    never = lambda v: "never" if isinstance(v, float) and math.isinf(v) else cell_value(v)  # noqa: E731
    last = put_frame(ws, frame, row=3, value=never)
    assert last == 5
    assert [c.value for c in ws[3]] == ["name", "kg", "n*"]
    assert [c.value for c in ws[4]] == ['=HYPERLINK("x")', 1.5, "never"]
    assert ws.cell(row=4, column=1).data_type == "s"  # text, not a formula
    assert [c.value for c in ws[5]] == ["plain", None, 2.0]  # NaN left empty
    assert ws.column_dimensions["A"].width == len('=HYPERLINK("x")') + 2
    put_frame(ws, pd.DataFrame({"x": [1]}), row=7)  # a narrower table below keeps the column's width
    assert ws.column_dimensions["A"].width == len('=HYPERLINK("x")') + 2
