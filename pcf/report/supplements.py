"""Parts of the report beside the ISO 14067 study: a design comparison and a use-phase energy comparison.

Each supplement is one report section (the comparator's own tables and charts, from `Comparison.report_section_data`
and `pcf.energy.render.report_section_data`), the chart images it shows (PNG bytes) and the numeric tables of its
workbook sheet. Nothing here computes a footprint: the comparisons are passed in, already evaluated.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field

import pandas as pd

from ..labels import STAGE_LABELS
from .charts import comparison_chart
from .content import Section, Table

# relative difference between the comparison's base and the report's CFP above which the section says so
BASE_RTOL = 1e-9


@dataclass(frozen=True)
class Supplement:
    """A section beside the ISO 14067 study, its chart images and the numeric tables of its workbook sheet."""

    section: Section
    sheet: str
    blocks: list[tuple[str, pd.DataFrame]]  # (heading, table) written one under the other on the sheet
    images: dict[str, bytes] = field(default_factory=dict)  # chart name (as in section.charts) -> PNG


def section_from_data(data: dict, *, title: str | None = None, lead: list[str] | None = None) -> Section:
    """A report Section from a comparator's plain section data; charts are (name, caption) like the study's."""
    tables = [Table(list(t["columns"]), [list(map(str, row)) for row in t["rows"]], caption=t.get("caption", ""),
                    numeric=tuple(t.get("numeric", ()))) for t in data.get("tables", [])]
    return Section(id=data["id"], title=title or data["title"], paragraphs=list(lead or []) + list(data["paragraphs"]),
                   tables=tables, charts=[(name, caption) for caption, name in data.get("charts", [])])


def design_comparison(comparison, *, top: int = 8, total_kg_co2e: float | None = None) -> Supplement:
    """The design comparison (`pcf compare`) as a report section and a workbook sheet.

    total_kg_co2e: the report's CFP; when the comparison's base differs from it, the section says so.
    """
    image = comparison_chart(comparison)
    caption = f"Variants by life-cycle stage and their deltas against {comparison.reference}"
    data = comparison.report_section_data(top=top, labels=STAGE_LABELS, charts={caption: "design_comparison"})
    base = comparison.base.total_kg_co2e
    lead = ["Design variants of this machine, evaluated with the same cradle-to-gate boundary, background data and "
            "method as the study. They support design decisions: no variant is part of the CFP declared above, and "
            "the comparison is not a comparative assertion in the sense of ISO 14067."]
    if total_kg_co2e is not None and abs(base - total_kg_co2e) > BASE_RTOL * max(1.0, abs(total_kg_co2e)):
        lead.append(f"Note: the base of this comparison ({base:,.1f} kg CO2e) differs from the CFP of this report "
                    f"({total_kg_co2e:,.1f} kg CO2e); it was computed with other options or data.")
    section = section_from_data(data, title=f"{data['title']} (design variants, cradle to gate)", lead=lead)
    blocks = [("Totals, kg CO2e per machine (cradle to gate, excluding biogenic uptake)",
               comparison.totals().reset_index())]
    for by in ("stage", "module"):
        frame = comparison.side_by_side(by)
        frame.columns = [f"{name}: {what}" for name, what in frame.columns]
        blocks.append((f"By {by}, kg CO2e; deltas against {comparison.reference}",
                       frame.rename_axis(by).reset_index()))
    blocks.append((f"BOM lines that changed most (top {top} per variant)", comparison.top_changes(top)))
    if comparison.break_evens:
        blocks.append(("Reusable packaging per machine shipment: break-even trips n* = A / (S - r), kg CO2e",
                       pd.DataFrame([b.to_dict() for b in comparison.break_evens])))
    if comparison.programme is not None:
        scope = comparison.programme.notes[0]
        blocks.append((f"Packaging programme totals. {scope}", comparison.programme.totals.reset_index()))
        blocks.append((f"Packaging programme items. {scope}", comparison.programme.items))
    return Supplement(section=section, sheet="Design comparison", blocks=blocks,
                      images={"design_comparison": image})


def use_phase_energy(energy) -> Supplement:
    """The use-phase energy comparison (`pcf energy compare`) as a report section and a workbook sheet."""
    from ..energy.render import comparison_document, report_section_data, summary_values, write_charts

    with tempfile.TemporaryDirectory(prefix="pcf-report-") as folder:
        charts = write_charts(energy, folder)
        images = {f"energy_{key}": path.read_bytes() for key, (_title, path) in charts.items()}
    data = report_section_data(energy, charts={title: f"energy_{key}" for key, (title, _path) in charts.items()})
    # the section data already say that use-phase emissions are reported beside the CFP, not added to it
    section = section_from_data(data, title=f"{data['title']} (use phase, outside the cradle-to-gate boundary)")
    config = energy.config
    scopes = ["machine"] + (["line"] if config.line.machines > 1 or config.line.shared_equipment else [])
    blocks = []
    for scope in scopes:
        what = "One machine" if scope == "machine" else f"Line of {config.line.machines} machines"
        rows = [row[:4] for row in summary_values(energy, scope)]
        blocks.append((f"{what}: {energy.baseline.design.name} (baseline) vs {energy.candidate.design.name} "
                       "(candidate)", pd.DataFrame(rows, columns=["quantity", "baseline", "candidate", "saving"])))
    savings = comparison_document(energy)["savings"]
    blocks.append(("Savings of the candidate (t CO2e, kWh, years, currency)",
                   pd.DataFrame({scope: savings[scope] for scope in scopes}).rename_axis("item").reset_index()))
    from ..energy.figures import baselines_table, unit_table

    blocks.append(("The candidate against each baseline (saving = baseline - candidate), with why each was chosen",
                   baselines_table(energy).reset_index()))
    blocks.append(("Per machine, per line, per cell, per kWh of cell capacity and per GWh of line output",
                   unit_table(energy).reset_index()))
    if energy.tornado is not None and not energy.tornado.empty:
        blocks.append(("Sensitivity: net lifetime balance (t CO2e saved), one parameter at a time",
                       energy.tornado.reset_index(drop=True)))
    return Supplement(section=section, sheet="Use-phase energy", blocks=blocks, images=images)


def build_supplements(*, comparison=None, energy=None, top: int = 8,
                      total_kg_co2e: float | None = None) -> list[Supplement]:
    """The supplements asked for, in report order: design comparison, then use-phase energy."""
    supplements = []
    if comparison is not None:
        supplements.append(design_comparison(comparison, top=top, total_kg_co2e=total_kg_co2e))
    if energy is not None:
        supplements.append(use_phase_energy(energy))
    return supplements
