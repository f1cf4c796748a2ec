"""The ISO 14067 CFP study report (HTML parsed section by section, PDF pages) and the verifier workbook."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from report_helpers import EXAMPLE_BOM, ROOT, run_cli

from pcf.audit import audited_footprint, verify
from pcf.report import SECTIONS, build_supplements, render_html, write_report, write_workbook
from pcf.report.charts import STAGE_LABELS

# ISO 14067 clause 7 (and the list): section id -> what must be in it
REQUIRED = {
    "goal": ("partial CFP", "audience"),
    "declared-unit": ("one machine", "Reference flow"),
    "system-boundary": ("cradle to gate", "Capital goods"),
    "cut-off": ("Every item left out",),
    "allocation": ("allocation",),
    "data-quality": ("technological", "source"),
    "gwp": ("GWP", "AR6"),
    "results-stage": ("Raw material acquisition",),
    "ghg-split": ("Fossil", "Biogenic removals", "Land-use change", "Aircraft"),
    "results-gas": ("CO2", "CH4"),
    "results-module": ("colA",),
    "results-material": ("steel_cold_rolled_cn",),
    "hotspots": ("cumulative",),
    "product-system": ("tree",),
    "primary-data": ("Primary data share",),
    "sensitivity": ("Sensitivity", "Alternative-data cases"),
    "uncertainty": ("Uncertainty",),
    "scope": ("partial CFP", "Time boundary"),
    "electricity": ("location-based",),
    "carbon-content": ("Fossil carbon content", "Biogenic carbon content"),
    "interpretation": ("Consistency check",),
    "assumptions": ("One impact category",),
    "review": ("reviewed", "input sha256"),
    "attributions": ("licence",),
}
CHARTS_IN = {"system-boundary", "results-stage", "hotspots", "product-system"}


class Sections(HTMLParser):
    """Collects, per <section id>, its text, tables, table rows (cell texts) and images; every external reference."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if value and not value.startswith(("data:", "#")):
                self.external.append(value)
        if tag == "section":
            self.current = attrs.get("id")
            self.sections[self.current] = {"text": [], "tables": 0, "images": [], "rows": []}
        elif self.current and tag == "table":
            self.sections[self.current]["tables"] += 1
        elif self.current and tag == "img":
            self.sections[self.current]["images"].append(attrs["src"])
        elif self.current and tag == "tr":
            self.sections[self.current]["rows"].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None
        elif self.current and tag in ("td", "th") and self.cell is not None:
            self.sections[self.current]["rows"][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.current:
            self.sections[self.current]["text"].append(data)
            if self.cell is not None:
                self.cell.append(data)


@pytest.fixture(scope="module")
def result():
    return audited_footprint(EXAMPLE_BOM)


@pytest.fixture(scope="module")
def parsed(result):
    parser = Sections()
    parser.feed(render_html(result))
    return parser


def test_report_has_every_iso_14067_section_with_its_content(parsed):
    for section, needles in REQUIRED.items():
        assert section in parsed.sections, section
        text = " ".join(parsed.sections[section]["text"])
        for needle in needles:
            assert needle.lower() in text.lower(), (section, needle)


def test_charts_are_embedded_png_images(parsed):
    for section in CHARTS_IN:
        images = parsed.sections[section]["images"]
        assert images, section
        for src in images:
            assert src.startswith("data:image/png;base64,")
            assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert parsed.external == []  # self-contained: nothing fetched from elsewhere


def test_summary_and_stage_table_carry_the_result(result, parsed):
    summary = " ".join(parsed.sections["summary"]["text"])
    assert f"{result.total_kg_co2e:,.1f}" in summary
    assert f"{result.total_including_removals_kg_co2e:,.1f}" in summary
    stages = " ".join(parsed.sections["results-stage"]["text"])
    for value in result.by_stage:
        assert f"{value:,.1f}" in stages


def test_every_required_attribution_is_in_the_report(result, parsed):
    text = " ".join(parsed.sections["attributions"]["text"])
    for attribution in result.attributions:
        assert attribution["attribution"] in text


def test_every_excluded_line_is_listed(tiny_background, tmp_path):
    import copy

    from report_helpers import write_json
    from test_engine import BASE

    data = copy.deepcopy(BASE)
    data["items"][0]["children"].append({"kind": "component", "id": "cable", "dataset": "aluminium", "quantity": 0.01,
                                         "unit": "kg", "excluded": "below the cut-off (10 g)"})
    result = audited_footprint(write_json(tmp_path / "bom.json", data), background=tiny_background)
    parser = Sections()
    parser.feed(render_html(result))
    text = " ".join(parser.sections["cut-off"]["text"])
    assert "cable" in text and "below the cut-off (10 g)" in text
    # each left-out line names how its emissions were estimated (the BOM average or an ambiguous line's candidate)
    exclusion = next(e for e in result.coverage["cutoff"]["exclusions"] if e["line_id"] == "cable")
    assert exclusion["estimate_basis"] and exclusion["estimate_basis"] in text


def test_workbook_has_every_table_and_its_sums_match(result, tmp_path):
    path = write_workbook(result, tmp_path / "verifier.xlsx")
    book = load_workbook(path)
    for sheet in ("README", "Summary", "Inputs", "Mapping", "Lines", "Datasets", "Stages", "Modules", "Materials",
                  "Gases", "Nodes", "Coverage", "Attributions", "Audit"):
        assert sheet in book.sheetnames, sheet
    lines = book["Lines"]
    header = [c.value for c in lines[1]]
    kg_col = header.index("kg_co2e_pcf")  # pcf's values; "kg_co2e" is the live formula (test_workbook_formulas)
    values = [row[kg_col] for row in lines.iter_rows(min_row=2, max_row=len(result.lines) + 1, values_only=True)]
    assert sum(values) == pytest.approx(result.total_kg_co2e, rel=1e-12)
    assert str(lines.cell(row=len(result.lines) + 2, column=kg_col + 1).value).startswith("=SUM(")
    datasets = [c.value for c in book["Datasets"][1]]
    assert {"source_title", "licence", "kg_co2e_per_unit", "dq_technological"} <= set(datasets)
    assert book["Inputs"].max_row - 1 == len(result.intake)
    audit = {row[0]: row[1] for row in book["Audit"].iter_rows(min_row=2, values_only=True)}
    assert audit["input.sha256"] == result.data_versions["audit"]["input"]["sha256"]


def test_pcf_report_writes_html_pdf_workbook_and_a_verifiable_result(tmp_path, capsys):
    out = tmp_path / "report"
    assert run_cli(["report", str(EXAMPLE_BOM), "--out", str(out), "--pdf"]) == 0
    pdf = (out / "cfp_report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    printed = capsys.readouterr().out
    pages = int(printed.split("pdf:")[1].split("(")[1].split()[0])
    assert pages >= 5  # a real multi-page document, not an empty page
    bound = json.loads((out / "result.json").read_text())["data_versions"]["audit"]["binding"]
    assert f"document {bound['document_id']}, result sha256 {bound['result_sha256']}" in " ".join(printed.split())
    assert (out / "cfp_report.html").stat().st_size > 0 and (out / "cfp_report.xlsx").stat().st_size > 0
    assert verify(out / "result.json").ok
    assert json.loads((out / "result.json").read_text())["data_versions"]["audit"]["input"]["path"] == str(
        EXAMPLE_BOM.resolve())


def test_write_report_without_pdf_writes_no_pdf(result, tmp_path):
    files = write_report(result, tmp_path, workbook=False)
    assert files.pdf is None and files.workbook is None and files.html.exists()


# -- sections beside the study: design comparison (`--scenarios`) and use-phase energy (`--energy`) ---------------

FRAME_SCENARIOS = ROOT / "bill_of_materials" / "scenarios" / "frame_material.yaml"
ENERGY_ONE = ROOT / "bill_of_materials" / "energy" / "compare_one_machine.yaml"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def comparison():
    from pcf.compare import compare, load_scenarios
    from pcf.data.background import default_background
    from pcf.engine import prepare

    system, _intake, background, _notes = prepare(EXAMPLE_BOM, default_background())
    return compare(system, load_scenarios(FRAME_SCENARIOS), background=background)


@pytest.fixture(scope="module")
def energy():
    from pcf.energy import run

    return run(ENERGY_ONE)


@pytest.fixture(scope="module")
def supplements(comparison, energy, result):
    return build_supplements(comparison=comparison, energy=energy, total_kg_co2e=result.total_kg_co2e)


@pytest.fixture(scope="module")
def supplemented(result, supplements):
    parser = Sections()
    parser.feed(render_html(result, supplements=supplements))
    return parser


def _png_images(section: dict) -> list[bytes]:
    return [base64.b64decode(src.split(",", 1)[1]) for src in section["images"]
            if src.startswith("data:image/png;base64,")]


def test_supplements_follow_the_unchanged_iso_sections(supplemented, parsed):
    assert list(supplemented.sections) == [sid for sid, _ in SECTIONS] + ["design-comparison", "use-phase-energy"]
    for sid, _ in SECTIONS:  # the study's sections say the same with or without the supplements
        assert supplemented.sections[sid]["rows"] == parsed.sections[sid]["rows"], sid
    assert supplemented.external == []


def test_design_comparison_section_carries_the_comparators_numbers(supplemented, comparison, result):
    section = supplemented.sections["design-comparison"]
    text = " ".join(section["text"])
    assert "cradle to gate" in text and "not a comparative assertion" in text and "differs" not in text
    # the comparator's base is the report's CFP: same BOM, data and method
    assert comparison.base.total_kg_co2e == pytest.approx(result.total_kg_co2e, rel=1e-9)
    images = _png_images(section)
    assert len(images) == 1 and images[0][:8] == PNG
    assert section["tables"] == 4  # totals, by stage, by module, lines that changed most
    rows = section["rows"]
    for name, row in comparison.totals().iterrows():
        assert [name, f"{row['total_kg_co2e']:,.1f}", f"{row['delta_kg_co2e']:+,.1f}"] in [r[:3] for r in rows]
    stages = comparison.breakdown("stage")
    first = comparison.variants[0].name
    for stage in stages.index:
        delta = stages.at[stage, first] - stages.at[stage, comparison.reference]
        assert [STAGE_LABELS[stage], f"{stages.at[stage, comparison.reference]:,.1f}", first,
                f"{stages.at[stage, first]:,.1f}", f"{delta:+,.1f}"] in [r[:5] for r in rows], stage
    changes = comparison.top_changes(8)
    assert len(changes) and all(
        [c.variant, c.line_id] in [r[:2] for r in rows] for c in changes.itertuples())


def test_use_phase_energy_section_is_outside_the_boundary_and_carries_the_comparators_numbers(
        supplemented, energy, result):
    section = supplemented.sections["use-phase-energy"]
    text = " ".join(section["text"])
    assert "outside the cradle-to-gate boundary" in text
    images = _png_images(section)
    assert len(images) == 2 and all(image[:8] == PNG for image in images)  # cumulative emissions, tornado
    rows = section["rows"]
    base, candidate, saved = energy.baseline.machine, energy.candidate.machine, energy.machine_savings
    assert ["electricity, lifetime (MWh)", f"{base.lifetime_kWh / 1000:,.0f}",
            f"{candidate.lifetime_kWh / 1000:,.0f}", f"{saved.lifetime_kWh / 1000:,.0f}"] in rows
    assert ["use-phase emissions, lifetime (t CO2e)", f"{base.lifetime_use_kg_co2e / 1000:,.1f}",
            f"{candidate.lifetime_use_kg_co2e / 1000:,.1f}", f"{saved.lifetime_use_kg_co2e / 1000:,.1f}"] in rows
    assert len([r for r in rows if r and r[0] in set(energy.tornado["label"])]) == len(energy.tornado)
    # use-phase emissions are reported beside the CFP, never added to it
    assert f"{result.total_kg_co2e:,.1f}" in " ".join(supplemented.sections["summary"]["text"])


def test_workbook_has_a_sheet_per_supplement_with_the_comparators_numbers(result, supplements, comparison, energy,
                                                                         tmp_path):
    book = load_workbook(write_workbook(result, tmp_path / "verifier.xlsx", supplements=supplements))
    assert book.sheetnames[-2:] == ["Design comparison", "Use-phase energy"]
    totals = book["Design comparison"].iter_rows(min_row=3, max_row=2 + len(comparison.results), values_only=True)
    design = {row[0]: row for row in totals}  # the first block: heading, header, one row per result
    for name, row in comparison.totals().iterrows():
        assert design[name][1:3] == pytest.approx((row["total_kg_co2e"], row["delta_kg_co2e"]), rel=1e-12)
    use = {row[0]: row for row in book["Use-phase energy"].iter_rows(values_only=True) if row[0]}
    assert use["electricity, lifetime (MWh)"][1:4] == pytest.approx((
        energy.baseline.machine.lifetime_kWh / 1000, energy.candidate.machine.lifetime_kWh / 1000,
        energy.machine_savings.lifetime_kWh / 1000), rel=1e-12)
    assert use["net_lifetime_t_co2e"][1] == pytest.approx(energy.machine_savings.net_lifetime_kg_co2e / 1000, rel=1e-12)


def test_pcf_report_with_scenarios_and_energy_adds_a_section_and_a_sheet_each(tmp_path):
    out = tmp_path / "report"
    assert run_cli(["report", str(EXAMPLE_BOM), "--out", str(out), "--scenarios", str(FRAME_SCENARIOS),
                    "--energy", str(ENERGY_ONE)]) == 0
    parser = Sections()
    parser.feed((out / "cfp_report.html").read_text(encoding="utf-8"))
    for sid in ("design-comparison", "use-phase-energy"):
        assert parser.sections[sid]["rows"] and _png_images(parser.sections[sid]), sid
    assert load_workbook(out / "cfp_report.xlsx").sheetnames[-2:] == ["Design comparison", "Use-phase energy"]


def test_a_bad_scenario_file_stops_the_report_before_anything_is_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nvariants: [{name: x, edits: [{op: explode}]}]\n", encoding="utf-8")
    assert run_cli(["report", str(EXAMPLE_BOM), "--out", str(tmp_path / "r"), "--scenarios", str(bad)]) == 2
    assert not (tmp_path / "r").exists()


def test_workbook_readme_total_names_the_gwp_shares_not_a_bare_set(result, tmp_path):
    """The README's total is not all AR6 (sources giving CO2e on another or an unknown basis): it gives the share."""
    book = load_workbook(write_workbook(result, tmp_path / "gwp.xlsx"))
    line = next(r[0] for r in book["README"].iter_rows(values_only=True) if str(r[0]).startswith("Total:"))
    total = result.total_kg_co2e
    ar6 = float(result.by_gwp_basis.get("AR6", 0.0))
    assert 0 < ar6 < total  # the demo machine mixes bases, so a bare "(AR6)" would overstate it
    assert f"{total:,.3f} kg CO2e" in line
    assert f"for {ar6 / total:.1%} of the CFP" in line
    for basis, kg in result.by_gwp_basis.items():
        if kg / total >= 0.001:
            assert f"{kg / total:.1%}" in line, basis


def test_cutoff_section_gives_the_exempted_emissions_of_the_pact_export(result, parsed):
    """The report states the same exempted estimate (kg and %) as the PACT file's exemptedEmissionsPercent."""
    from pcf.pact import exempted_emissions

    exempted = exempted_emissions(result)
    gap_kg = result.mass["declared_kg"] - result.mass["rolled_up_kg"] if "rolled_up_kg" in result.mass else None
    assert exempted["kg_co2e"] == pytest.approx(exempted["gap_kg"] * exempted["intensity_kg_co2e_per_kg"], rel=1e-12)
    if gap_kg is not None:
        assert exempted["gap_kg"] == pytest.approx(gap_kg, rel=1e-9)
    pct = 100 * exempted["kg_co2e"] / (result.total_kg_co2e + exempted["kg_co2e"])
    text = " ".join(parsed.sections["cut-off"]["text"])
    assert f"{exempted['kg_co2e']:,.1f} kg CO2e, {pct:.2f} % of the CFP" in text
