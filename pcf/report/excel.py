"""The verifier's Excel workbook: every table behind a Result, one sheet each, with check formulas.

Sheets: README, Summary, Inputs (the BOM lines as read), Mapping (what each line became and why), Lines (each
line's link to a dataset, with `amount x factor` as a live formula), Datasets (factors with their sources,
licences and quality), Stages / Modules / Materials (with SUM formulas), Gases, Nodes, Coverage, Attributions,
Audit; then one sheet per supplement (Design comparison, Use-phase energy) when the report has one. Written with
openpyxl; numbers stay numbers (float64 values, no rounding).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..results import electricity_by_stage, gwp_disclosure
from ..safe_text import put_cell
from ..labels import STAGE_LABELS
from .charts import display_name, display_names
from .content import SECTIONS

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
MAX_WIDTH = 60


def _cell(value):
    """A value openpyxl can store: numbers and text as they are, containers as JSON, NaN as empty."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _put(ws, row: int, column: int, value):
    """Write data (never a formula): text that starts like a formula (=, +, -, @) stays text in Excel."""
    return put_cell(ws, row, column, _cell(value))


def _write_frame(ws, frame: pd.DataFrame, *, start_row: int = 1) -> int:
    """Write a table with a styled header; returns the last row written."""
    columns = list(frame.columns)
    for j, name in enumerate(columns, start=1):
        cell = _put(ws, start_row, j, str(name))
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, value in enumerate(row, start=1):
            _put(ws, i, j, value)
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    _fit(ws, frame)
    return start_row + len(frame)


def _fit(ws, frame: pd.DataFrame) -> None:
    for j, name in enumerate(frame.columns, start=1):
        sample = [len(str(name))] + [len(str(v)) for v in frame.iloc[:200, j - 1].tolist()]
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(sample) + 2)


def _series_sheet(wb, title: str, series: pd.Series, total: float, labels: dict | None = None, *,
                  recompute: tuple[str, str] | None = None) -> None:
    """A breakdown: key, label, kg CO2e, share; recompute: (key range, kg range) of the Lines sheet, adding a
    column that re-sums the Lines sheet's live formulas per key (SUMIF)."""
    ws = wb.create_sheet(title)
    frame = pd.DataFrame({"key": [str(k) for k in series.index],
                          "label": [(labels or {}).get(str(k), str(k)) for k in series.index],
                          "kg_co2e": series.to_numpy(dtype=float)})
    last = _write_frame(ws, frame)
    ws.cell(row=1, column=4, value="share").font = BOLD
    for row in range(2, last + 1):
        ws.cell(row=row, column=4, value=f"=C{row}/Summary!$B$2").number_format = "0.0%"
    ws.cell(row=last + 1, column=2, value="sum (must equal the total)").font = BOLD
    ws.cell(row=last + 1, column=3, value=f"=SUM(C2:C{last})").font = BOLD
    ws.cell(row=last + 2, column=2, value="total from the result")
    ws.cell(row=last + 2, column=3, value=total)
    if recompute:
        keys, values = recompute
        ws.cell(row=1, column=5, value="kg_co2e recomputed (SUMIF of the Lines formulas)").font = BOLD
        for row in range(2, last + 1):
            ws.cell(row=row, column=5, value=f"=SUMIF({keys},A{row},{values})")
        ws.cell(row=last + 1, column=5, value=f"=SUM(E2:E{last})").font = BOLD


def _blocks_sheet(wb, title: str, blocks) -> None:
    """A sheet of (heading, table) blocks, one under the other with a blank row between them."""
    ws = wb.create_sheet(title)
    row, widths = 1, {}
    for heading, frame in blocks:
        _put(ws, row, 1, heading).font = BOLD
        row = _write_frame(ws, frame, start_row=row + 1) + 2
        for letter, dimension in ws.column_dimensions.items():  # each block fits its columns: keep the widest
            widths[letter] = max(widths.get(letter, 0), dimension.width or 0)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = None  # several tables: no single header row to freeze


FACTOR_COLUMN = "factor excl. factory electricity, kg CO2e/unit"
KWH_COLUMN = "factory electricity kWh per unit"
FORMULA_COLUMN = "kg_co2e"


def line_factors(result) -> tuple[pd.Series, pd.Series]:
    """The numbers behind each line's live formula, from the result alone (exact: the model is linear).

    Returns (factor per reported dataset and per grid: kg CO2e per unit excluding the electricity_factory kWh,
    which is on the grid of the site doing the work; kWh of electricity_factory per unit of each line). A line
    reported as its grid (factory energy on the placeholder) has the grid's factor and 0 kWh of its own.
    kg CO2e of a line = amount x (factor[dataset] + kWh per unit x factor[grid])."""
    lines = result.lines
    elec = getattr(result, "electricity", None)
    grid_factor = (elec["kg_co2e_per_kwh"].astype(float) if elec is not None and len(elec)
                   else pd.Series(dtype=float))
    grid = lines["electricity_grid"].fillna("") if "electricity_grid" in lines else pd.Series("", index=lines.index)
    kwh = lines["electricity_kwh"].fillna(0.0) if "electricity_kwh" in lines else pd.Series(0.0, index=lines.index)
    amount = lines["amount_per_machine"].astype(float)
    is_grid_line = lines["dataset"] == grid  # the line is electricity itself: no kWh on top of its factor
    kwh_unit = (kwh / amount.where(amount != 0)).fillna(0.0).where(~is_grid_line, 0.0)
    own_kg = lines["kg_co2e"] - kwh.where(~is_grid_line, 0.0) * grid.map(grid_factor).fillna(0.0)
    frame = pd.DataFrame({"dataset": lines["dataset"], "own": own_kg / amount.where(amount != 0),
                          "weight": amount.abs()})
    frame = frame[frame["own"].notna()].sort_values("weight", ascending=False)
    factors = frame.drop_duplicates("dataset").set_index("dataset")["own"]
    for key, value in grid_factor.items():
        factors[key] = value
    missing = sorted(set(lines["dataset"]) - set(factors.index))  # lines with amount 0 only
    for key in missing:
        factors[key] = float(result.by_dataset["kg_co2e_per_unit"].get(key, 0.0))
    return factors, kwh_unit


def write_workbook(result, path: str | Path, *, supplements=()) -> Path:
    """Write the verifier workbook (.xlsx); returns its path.

    supplements: `pcf.report.supplements.Supplement`s; each adds its sheet (numbers as numbers) after Audit.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    total = result.total_kg_co2e
    wb = Workbook()

    # Summary first so that formulas can refer to Summary!B2 (the total)
    ws = wb.active
    ws.title = "Summary"
    summary = [
        ("CFP excluding biogenic uptake, kg CO2e per machine", total),
        ("CFP including biogenic removals", result.total_including_removals_kg_co2e),
        ("fossil", result.fossil_kg_co2e),
        ("sources giving only CO2e (aggregated)", result.aggregated_kg_co2e),
        ("biogenic emissions", result.biogenic_emissions_kg_co2e),
        ("biogenic removals", result.biogenic_removals_kg_co2e),
        ("land-use change", result.dluc_kg_co2e),
        ("aircraft (included above)", result.aircraft_kg_co2e),
        ("primary data share (PACT: activity data and emission factor primary)", result.primary_data_share),
        ("activity-data share (weighed, metered, supplier lines)", result.activity_data_share),
        ("method", result.method),
        ("factory electricity", result.grid),
        ("solver", result.solver),
    ] + [(f"data quality: {k}", v) for k, v in (result.data_quality or {}).items()] \
      + [(f"functional unit: {k}", v) for k, v in result.functional_unit.items()] \
      + [(f"GWP basis {k}, kg CO2e (share {v / total:.1%})" if total else f"GWP basis {k}, kg CO2e", v)
         for k, v in (result.by_gwp_basis.items() if getattr(result, "by_gwp_basis", None) is not None else ())]
    ws.append(["item", "value"])
    for i, (label, value) in enumerate(summary, start=2):
        _put(ws, i, 1, label)
        _put(ws, i, 2, value)
    ws.append(["check: fossil + aggregated + biogenic emissions + land-use change", "=B4+B5+B6+B8"])
    # (two more rows are appended with the Lines sheet: the CFP recomputed from its live formulas)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    ws.column_dimensions["A"].width = 62
    ws.column_dimensions["B"].width = 40

    readme = wb.create_sheet("README", 0)
    readme.append(["pcf verifier workbook"])
    readme["A1"].font = Font(bold=True, size=14)
    fu = result.functional_unit
    for line in (
        f"Machine: {fu.get('model')} ({fu.get('machine_id')}); declared unit: 1 piece; cradle to gate.",
        f"Total: {total:,.3f} kg CO2e per machine (excluding biogenic uptake); GWP: {gwp_disclosure(result)['line']}.",
        "Sheets: Summary; Inputs = BOM lines as read; Mapping = what each line became and why; Lines = each "
        "line's link to a background dataset (kg_co2e = amount x (factor of its dataset + factory kWh per unit x "
        "factor of the grid of the site doing the work), a live formula on the Datasets sheet's factor column; "
        "change a factor there and every line, the Lines total, the Summary's recomputed CFP and the Stages "
        "sheet's recomputed column move; kg_co2e_pcf is pcf's own value); Datasets = factors with "
        "source, licence and quality; Stages, Modules, Materials, Gases; Electricity = the grid each stage used; "
        "Nodes = per-node cumulative footprint; "
        "Coverage = cut-off assessment; Attributions; Audit = input and data hashes, options, versions."
        + "".join(f" {s.sheet} = {s.section.title}." for s in supplements),
        "Every breakdown sheet ends with a SUM that must equal the total. The report's sections: "
        + ", ".join(title for _, title in SECTIONS) + ".",
        "Reproduce the result with `pcf verify RESULT.json` (see docs/audit.md).",
    ):
        readme.append([line])
    readme.column_dimensions["A"].width = 140
    for row in readme.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True)

    intake = getattr(result, "intake", None)
    if intake is not None and len(intake):
        _write_frame(wb.create_sheet("Inputs"), intake)
        mapping_cols = [c for c in ("line_id", "kind", "name", "given", "dataset", "method", "confidence", "status",
                                    "modelled", "reason", "estimate", "data_type") if c in intake.columns]
        _write_frame(wb.create_sheet("Mapping"), intake[mapping_cols])
    else:
        ws = wb.create_sheet("Inputs")
        ws.append(["This result carries no intake table (BOM lines as read); see the Lines sheet."])

    # Datasets (the factors a verifier may change) and Lines (each line's kg CO2e as a live formula on them)
    factors, line_kwh = line_factors(result)
    datasets = result.by_dataset.reset_index()
    own = datasets["dataset"].map(factors)
    datasets.insert(len(datasets.columns), FACTOR_COLUMN, own)
    grids = [k for k in factors.index if k not in set(datasets["dataset"])]  # grids only inside process datasets
    if grids:
        extra = pd.DataFrame({"dataset": grids, FACTOR_COLUMN: [factors[k] for k in grids]})
        elec = getattr(result, "electricity", None)
        if elec is not None and len(elec):
            for column in ("name", "geography", "reference_year", "source_title"):
                if column in elec and column in datasets:
                    extra[column] = [elec[column].get(k) for k in grids]
        extra["unit"] = "kWh"
        extra["category"] = "electricity (inside process datasets)"
        datasets = pd.concat([datasets, extra], ignore_index=True)
    ws = wb.create_sheet("Datasets")
    last = _write_frame(ws, datasets)
    col = get_column_letter(list(datasets.columns).index("kg_co2e") + 1)
    ws.cell(row=last + 1, column=1, value="sum (must equal the total)").font = BOLD
    ws.cell(row=last + 1, column=list(datasets.columns).index("kg_co2e") + 1, value=f"=SUM({col}2:{col}{last})")
    factor_col = get_column_letter(list(datasets.columns).index(FACTOR_COLUMN) + 1)
    factor_cell = {key: f"Datasets!${factor_col}${row}" for row, key in enumerate(datasets["dataset"], start=2)}

    lines = result.lines.copy()
    if "electricity_grid" in lines:
        lines["electricity_grid"] = lines["electricity_grid"].fillna("")
    amount_nonzero = lines["amount_per_machine"].where(lines["amount_per_machine"] != 0)
    lines["kg_co2e_per_unit"] = (lines["kg_co2e"] / amount_nonzero).fillna(lines["dataset"].map(result.by_dataset[
        "kg_co2e_per_unit"]))
    lines = lines.rename(columns={"kg_co2e": "kg_co2e_pcf"})
    lines[KWH_COLUMN] = line_kwh
    lines[FORMULA_COLUMN] = 0.0  # replaced by formulas below
    ws = wb.create_sheet("Lines")
    last = _write_frame(ws, lines)
    columns = list(lines.columns)
    amount = get_column_letter(columns.index("amount_per_machine") + 1)
    kwh = get_column_letter(columns.index(KWH_COLUMN) + 1)
    formula = columns.index(FORMULA_COLUMN) + 1
    pcf_col = get_column_letter(columns.index("kg_co2e_pcf") + 1)
    grids = lines["electricity_grid"] if "electricity_grid" in lines else pd.Series("", index=lines.index)
    for i, (dataset, grid, per_unit) in enumerate(zip(lines["dataset"], grids, lines[KWH_COLUMN]), start=2):
        electricity = f"+{kwh}{i}*{factor_cell[grid]}" if grid and per_unit else ""
        ws.cell(row=i, column=formula, value=f"={amount}{i}*({factor_cell[dataset]}{electricity})")
    letter = get_column_letter(formula)
    ws.cell(row=last + 1, column=1, value="sum (must equal the total)").font = BOLD
    ws.cell(row=last + 1, column=formula, value=f"=SUM({letter}2:{letter}{last})").font = BOLD
    ws.cell(row=last + 1, column=columns.index("kg_co2e_pcf") + 1, value=f"=SUM({pcf_col}2:{pcf_col}{last})")
    summary_ws = wb["Summary"]
    summary_ws.append(["CFP recomputed from the Lines sheet (live formulas: amount x factor of the Datasets sheet)",
                       f"=Lines!{letter}{last + 1}"])
    summary_ws.append(["difference: recomputed - pcf's total (0 until a factor or amount is changed)",
                       f"=B{summary_ws.max_row}-B2"])
    stage_ref = (f"Lines!${get_column_letter(columns.index('stage') + 1)}$2:"
                 f"${get_column_letter(columns.index('stage') + 1)}${last}", f"Lines!${letter}$2:${letter}${last}")

    _series_sheet(wb, "Stages", result.by_stage, total, STAGE_LABELS, recompute=stage_ref)
    names = display_names(result)
    _series_sheet(wb, "Modules", result.by_module, total,
                  {str(k): display_name(names, k) for k in result.by_module.index})
    _series_sheet(wb, "Materials", result.by_material, total)
    _write_frame(wb.create_sheet("Gases"), result.by_gas.reset_index())
    elec = getattr(result, "electricity", None)
    if elec is not None and len(elec):
        ws = wb.create_sheet("Electricity")
        ws.cell(row=1, column=1, value="electricity_factory by stage and grid (maker, supplier, background)").font = BOLD
        row = _write_frame(ws, electricity_by_stage(result), start_row=2)
        ws.cell(row=row + 2, column=1, value="by grid").font = BOLD
        table = elec.reset_index()
        for column in ("sites", "stages", "reasons", "lines"):
            table[column] = table[column].map(lambda v: ", ".join(map(str, v)))
        row = _write_frame(ws, table, start_row=row + 3)
        claim = (result.functional_unit or {}).get("factory_electricity_claim") or {}
        if claim:  # the claim: basis, both figures, instruments and the Scope 2 quality criteria (docs/report.md)
            ws.cell(row=row + 2, column=1, value="factory electricity claim").font = BOLD
            items = [(k, _cell(claim.get(k))) for k in (
                "basis", "label", "supply_dataset", "factory_kwh", "supply_kg_co2e_per_kwh", "location_grid",
                "location_kg_co2e_per_kwh", "location_based_total_kg_co2e", "market_based_total_kg_co2e")
                if k in claim]
            row = _write_frame(ws, pd.DataFrame(items, columns=["item", "value"]), start_row=row + 3)
            if claim.get("instruments"):
                row = _write_frame(ws, pd.DataFrame(claim["instruments"]).map(_cell), start_row=row + 2)
            if claim.get("quality_criteria"):
                _write_frame(ws, pd.DataFrame(claim["quality_criteria"]), start_row=row + 2)
        ws.freeze_panes = None
    _write_frame(wb.create_sheet("Nodes"), result.nodes.reset_index())

    ws = wb.create_sheet("Coverage")
    coverage = result.coverage or {}
    cutoff = coverage.get("cutoff") or {}
    row = _write_frame(ws, pd.DataFrame(
        [(k, _cell(v)) for k, v in coverage.items() if k != "cutoff"], columns=["item", "value"]))
    if cutoff:
        ws.cell(row=row + 2, column=1, value="cut-off criteria").font = BOLD
        row = _write_frame(ws, pd.DataFrame([(k, v) for k, v in (cutoff.get("criteria") or {}).items()]
                                            + [("criteria_met", cutoff.get("criteria_met"))],
                                            columns=["criterion", "value"]), start_row=row + 3)
        if cutoff.get("by_status"):
            row = _write_frame(ws, pd.DataFrame(cutoff["by_status"]), start_row=row + 2)
        ws.cell(row=row + 2, column=1, value="excluded items").font = BOLD
        exclusions = pd.DataFrame(cutoff.get("exclusions") or [], columns=["line_id", "status", "reason"])
        _write_frame(ws, exclusions if len(exclusions) else pd.DataFrame({"line_id": ["(none)"]}),
                     start_row=row + 3)

    _write_frame(wb.create_sheet("Attributions"), pd.DataFrame(list(result.attributions)
                                                              or [{"source": "", "licence": "", "attribution": ""}]))

    ws = wb.create_sheet("Audit")
    versions = dict(result.data_versions or {})
    audit = versions.pop("audit", None) or {}
    rows = [("data_versions." + k, _cell(v)) for k, v in versions.items()]
    if audit:
        rows += [("input." + k, _cell(v)) for k, v in audit["input"].items()]
        rows += [("lci_data." + k, _cell(v)) for k, v in audit["lci_data"].items() if k != "files"]
        rows += [("options." + k, _cell(v)) for k, v in audit.get("options", {}).items()]
        rows += [("libraries." + k, _cell(v)) for k, v in audit.get("libraries", {}).items()]
        rows += [("shipped table " + k, v) for k, v in audit.get("shipped_tables", {}).items()]
        rows += [("lci_data file " + k, v) for k, v in (audit["lci_data"].get("files") or {}).items()]
        rows += [("timestamp", audit.get("timestamp"))]
    _write_frame(ws, pd.DataFrame(rows, columns=["item", "value"]))

    if getattr(result, "uncertainty", None) is not None:  # a Monte Carlo run (pcf footprint --uncertainty)
        from .uncertainty_section import workbook_frames

        for title, frame in workbook_frames(result.uncertainty).items():
            _write_frame(wb.create_sheet(title), frame)

    for supplement in supplements:
        _blocks_sheet(wb, supplement.sheet, supplement.blocks)

    wb.save(path)
    return path
