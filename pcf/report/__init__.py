"""The CFP study report of a Result: HTML (self-contained), PDF (WeasyPrint, offline) and the verifier workbook.

    >>> from pcf.audit import audited_footprint
    >>> from pcf.report import write_report
    >>> files = write_report(audited_footprint("bill_of_materials/formation_grading_machine.yaml"), "out/report",
    ...                      pdf=True)

Data flow: Result -> `content.build_content` (what the report says, ISO 14067 clause 7) -> `html.render_html`
(charts from `charts`) -> `pdf.write_pdf`; `excel.write_workbook` writes every table. Nothing here re-solves.
A design comparison (`pcf.compare.Comparison`) and a use-phase energy comparison (`pcf.energy.EnergyComparison`),
evaluated by the caller, become `supplements`: one section each after the study's sections, one sheet each.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..audit import binding, record_binding, record_deliverables
from .content import SECTIONS, build_content
from .excel import write_workbook
from .html import render_html
from .pdf import ReportError, write_pdf
from .supplements import Supplement, build_supplements

__all__ = ["SECTIONS", "ReportFiles", "ReportError", "Supplement", "build_content", "build_supplements",
           "render_html", "write_pdf", "write_workbook", "write_report"]


@dataclass(frozen=True)
class ReportFiles:
    """The files a report run wrote."""

    html: Path
    workbook: Path | None
    result_json: Path
    pdf: Path | None = None
    pdf_pages: int = 0
    binding: dict | None = None  # {"document_id", "result_sha256"}: shown in the report's footer


def write_report(result, out_dir: str | Path, *, pdf: bool = False, workbook: bool = True,
                 stem: str = "cfp_report", comparison=None, energy=None, comparison_top: int = 8,
                 **content_options) -> ReportFiles:
    """Write `<stem>.html`, `<stem>.xlsx`, `result.json` (with its audit trail) and, if asked, `<stem>.pdf`.

    comparison: a `pcf.compare.Comparison` of design variants of this BOM (its section shows the `comparison_top`
    largest module and line changes); energy: a `pcf.energy.EnergyComparison` (use phase, outside the
    cradle-to-gate boundary). Each adds one section after the study's and one workbook sheet.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    supplements = build_supplements(comparison=comparison, energy=energy, top=comparison_top,
                                    total_kg_co2e=result.total_kg_co2e)
    # the report's footer names the result it belongs to: document id and result hash (pcf.audit.binding)
    document = result.to_dict()
    bound = binding(document)
    html = render_html(result, supplements=supplements, binding=bound, **content_options)
    names = [f"{stem}.html", "result.json", f"{stem}.xlsx", f"{stem}.pdf"]
    with tempfile.TemporaryDirectory(prefix=f".{out.name}-", dir=out.parent) as scratch:
        tmp = Path(scratch)
        (tmp / names[0]).write_text(html, encoding="utf-8")
        if workbook:
            write_workbook(result, tmp / names[2], supplements=supplements)
        pages = write_pdf(html, tmp / names[3])[1] if pdf else 0
        # result.json last: it records the sha256 of every file written with it
        document = record_deliverables(record_binding(document, bound), {
            "report_html": tmp / names[0], "workbook": tmp / names[2] if workbook else None,
            "report_pdf": tmp / names[3] if pdf else None})
        (tmp / names[1]).write_text(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False),
                                    encoding="utf-8")
        # every file was written: replace the whole previous set (a PDF from an earlier run does not survive
        # a run without --pdf); a failure above leaves the previous set untouched
        for name in names:
            (out / name).unlink(missing_ok=True)
            if (tmp / name).exists():
                os.replace(tmp / name, out / name)
    return ReportFiles(html=out / names[0], workbook=out / names[2] if workbook else None,
                       result_json=out / names[1], pdf=out / names[3] if pdf else None, pdf_pages=pages,
                       binding=bound)
