"""The ISO 14067 CFP study report (HTML parsed section by section, PDF pages) and the verifier workbook."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from report_helpers import EXAMPLE_BOM, run_cli

from pcf.audit import audited_footprint, verify
from pcf.report import render_html, write_report, write_workbook

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
    "sensitivity": ("Sensitivity", "Uncertainty"),
    "interpretation": ("Consistency check",),
    "assumptions": ("One impact category",),
    "review": ("reviewed", "input sha256"),
    "attributions": ("licence",),
}
CHARTS_IN = {"system-boundary", "results-stage", "hotspots", "product-system"}


class Sections(HTMLParser):
    """Collects, per <section id>, its text, its tables and its images; and every external reference."""

    def __init__(self):
        super().__init__()
        self.sections: dict[str, dict] = {}
        self.current: str | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if value and not value.startswith(("data:", "#")):
                self.external.append(value)
        if tag == "section":
            self.current = attrs.get("id")
            self.sections[self.current] = {"text": [], "tables": 0, "images": []}
        elif self.current and tag == "table":
            self.sections[self.current]["tables"] += 1
        elif self.current and tag == "img":
            self.sections[self.current]["images"].append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.sections[self.current]["text"].append(data)


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


def test_workbook_has_every_table_and_its_sums_match(result, tmp_path):
    path = write_workbook(result, tmp_path / "verifier.xlsx")
    book = load_workbook(path)
    for sheet in ("README", "Summary", "Inputs", "Mapping", "Lines", "Datasets", "Stages", "Modules", "Materials",
                  "Gases", "Nodes", "Coverage", "Attributions", "Audit"):
        assert sheet in book.sheetnames, sheet
    lines = book["Lines"]
    header = [c.value for c in lines[1]]
    kg_col = header.index("kg_co2e")
    values = [row[kg_col] for row in lines.iter_rows(min_row=2, max_row=len(result.lines) + 1, values_only=True)]
    assert sum(values) == pytest.approx(result.total_kg_co2e, rel=1e-12)
    assert str(lines.cell(row=len(result.lines) + 2, column=kg_col + 1).value).startswith("=SUM(")
    datasets = [c.value for c in book["Datasets"][1]]
    assert {"source_title", "licence", "kg_co2e_per_unit", "dq_technological"} <= set(datasets)
    assert book["Inputs"].max_row - 1 == len(result.intake)
    audit = {row[0]: row[1] for row in book["Audit"].iter_rows(min_row=2, values_only=True)}
    assert audit["input.sha256"] == result.data_versions["audit"]["input"]["sha256"]


def test_pcf_report_writes_html_pdf_workbook_and_a_verifiable_result(tmp_path, capsys):
    pytest.importorskip("weasyprint", reason="PDF output needs WeasyPrint (and the Pango system library)")
    out = tmp_path / "report"
    assert run_cli(["report", str(EXAMPLE_BOM), "--out", str(out), "--pdf"]) == 0
    pdf = (out / "cfp_report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = int(capsys.readouterr().out.split("pdf:")[1].split("(")[1].split()[0])
    assert pages >= 5  # a real multi-page document, not an empty page
    assert (out / "cfp_report.html").stat().st_size > 0 and (out / "cfp_report.xlsx").stat().st_size > 0
    assert verify(out / "result.json").ok
    assert json.loads((out / "result.json").read_text())["data_versions"]["audit"]["input"]["path"] == str(
        EXAMPLE_BOM.resolve())


def test_write_report_without_pdf_writes_no_pdf(result, tmp_path):
    files = write_report(result, tmp_path, workbook=False)
    assert files.pdf is None and files.workbook is None and files.html.exists()
