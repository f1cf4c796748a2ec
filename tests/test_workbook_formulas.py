"""The verifier workbook recomputes (issue 11, item 8): each line's kg CO2e is a live formula, amount x (factor of
its dataset + factory kWh per unit x factor of its grid), on the Datasets sheet's factor column; the totals sum
them. Evaluated with a small formula evaluator (tests/xlsx_eval.py); a factor edited with openpyxl moves the total
by exactly amount x change."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from report_helpers import EXAMPLE_BOM
from xlsx_eval import Evaluator

import pcf
from pcf.report import write_workbook
from pcf.report.excel import FACTOR_COLUMN, FORMULA_COLUMN, KWH_COLUMN


@pytest.fixture(scope="module")
def result():
    return pcf.footprint(EXAMPLE_BOM)


@pytest.fixture(scope="module")
def book_path(result, tmp_path_factory):
    return write_workbook(result, tmp_path_factory.mktemp("wb") / "verifier.xlsx")


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def _summary_row(ws, prefix: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(row=r, column=1).value).startswith(prefix))


def test_line_results_are_formulas_on_the_datasets_factors(result, book_path):
    book = load_workbook(book_path)
    lines, cols = book["Lines"], _columns(book["Lines"])
    n = len(result.lines)
    formulas = [lines.cell(row=r, column=cols[FORMULA_COLUMN]).value for r in range(2, n + 2)]
    assert all(isinstance(f, str) and f.startswith("=") and "Datasets!$" in f for f in formulas)
    total_cell = lines.cell(row=n + 2, column=cols[FORMULA_COLUMN]).value
    assert total_cell.startswith("=SUM(")
    # a line on a process dataset with process electricity: its formula names the grid's factor cell too
    row = next(r for r in range(2, n + 2) if (lines.cell(row=r, column=cols[KWH_COLUMN]).value or 0) > 0)
    assert lines.cell(row=row, column=cols[FORMULA_COLUMN]).value.count("Datasets!$") == 2


def test_the_formulas_reproduce_pcfs_total_and_every_line(result, book_path):
    book = load_workbook(book_path)
    ev = Evaluator(book)
    lines, cols = book["Lines"], _columns(book["Lines"])
    n = len(result.lines)
    letter = lines.cell(row=1, column=cols[FORMULA_COLUMN]).column_letter
    recomputed = ev.evaluate("Lines", f"{letter}{n + 2}")
    assert recomputed == pytest.approx(result.total_kg_co2e, rel=1e-9)
    for r, expected in zip(range(2, n + 2), result.lines["kg_co2e"]):
        assert ev.value("Lines", r, cols[FORMULA_COLUMN]) == pytest.approx(expected, rel=1e-9, abs=1e-9)
    summary = book["Summary"]
    row = _summary_row(summary, "CFP recomputed from the Lines sheet")
    assert ev.value("Summary", row, 2) == pytest.approx(result.total_kg_co2e, rel=1e-9)
    assert ev.value("Summary", row + 1, 2) == pytest.approx(0.0, abs=1e-9 * result.total_kg_co2e)
    stages = book["Stages"]
    for r in range(2, len(result.by_stage) + 2):
        key = stages.cell(row=r, column=1).value
        assert ev.value("Stages", r, 5) == pytest.approx(result.by_stage[key], rel=1e-9, abs=1e-9)


def test_editing_a_factor_moves_the_total_by_amount_times_change(result, book_path, tmp_path):
    book = load_workbook(book_path)
    datasets, dcols = book["Datasets"], _columns(book["Datasets"])
    key = "steel_cold_rolled_cn"
    row = next(r for r in range(2, datasets.max_row + 1) if datasets.cell(row=r, column=1).value == key)
    cell = datasets.cell(row=row, column=dcols[FACTOR_COLUMN])
    old = float(cell.value)
    cell.value = old + 1.0  # +1 kg CO2e per kg of cold-rolled steel
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    book = load_workbook(edited)
    ev = Evaluator(book)
    summary = book["Summary"]
    row = _summary_row(summary, "CFP recomputed from the Lines sheet")
    amount = float(result.lines.loc[result.lines["dataset"] == key, "amount_per_machine"].sum())
    assert amount > 0
    assert ev.value("Summary", row, 2) == pytest.approx(result.total_kg_co2e + amount * 1.0, rel=1e-9)
    assert ev.value("Summary", row + 1, 2) == pytest.approx(amount, rel=1e-9)


def test_editing_the_factory_grid_moves_every_line_that_uses_its_electricity(result, book_path, tmp_path):
    book = load_workbook(book_path)
    datasets, dcols = book["Datasets"], _columns(book["Datasets"])
    grid = result.grid
    row = next(r for r in range(2, datasets.max_row + 1) if datasets.cell(row=r, column=1).value == grid)
    cell = datasets.cell(row=row, column=dcols[FACTOR_COLUMN])
    cell.value = float(cell.value) + 0.1
    edited = tmp_path / "grid.xlsx"
    book.save(edited)
    ev = Evaluator(load_workbook(edited))
    summary = load_workbook(edited)["Summary"]
    row = _summary_row(summary, "CFP recomputed from the Lines sheet")
    kwh = float(result.electricity.loc[grid, "kwh"])  # every kWh on that grid, the maker's and others'
    assert ev.value("Summary", row, 2) == pytest.approx(result.total_kg_co2e + 0.1 * kwh, rel=1e-9)


def test_modules_sheet_labels_modules_by_their_bom_names(result, book_path):
    from pcf.report.charts import display_name, display_names

    modules = load_workbook(book_path)["Modules"]
    names = display_names(result)
    labels = {modules.cell(row=r, column=1).value: modules.cell(row=r, column=2).value
              for r in range(2, len(result.by_module) + 2)}
    assert labels["colA"] == display_name(names, "colA") and labels["colA"].startswith("column A")
