"""The report's layout (issue 11, item 7): ISO 14067 clause-7 sections in order, a cover with the result, display
names, 8.5 pt tables, labels that do not overlap, five data-quality indicators, the time boundary's data years,
carbon contents and alternative-data sensitivity cases. Numbers are checked against the Result, not a past run."""

from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest
from report_helpers import EXAMPLE_BOM
from test_report import Sections

from pcf.audit import audited_footprint
from pcf.pact import ExportOptions, to_pact_v3
from pcf.report import SECTIONS, render_html
from pcf.report import charts
from pcf.report.content import ESTIMATE_SPAN, build_content, kg, pct


@pytest.fixture(scope="module")
def result():
    return audited_footprint(EXAMPLE_BOM)


@pytest.fixture(scope="module")
def html(result):
    return render_html(result)


@pytest.fixture(scope="module")
def parsed(html):
    parser = Sections()
    parser.feed(html)
    return parser


def _text(parsed, section: str) -> str:
    return " ".join(parsed.sections[section]["text"])


def test_sections_follow_iso_14067_clause_7_in_order(parsed):
    ids = [sid for sid, _ in SECTIONS]
    assert list(parsed.sections) == ids
    for before, after in (("goal", "scope"), ("scope", "declared-unit"), ("system-boundary", "cut-off"),
                          ("cut-off", "data-quality"), ("allocation", "results-stage"),
                          ("ghg-split", "carbon-content"), ("sensitivity", "uncertainty"),
                          ("uncertainty", "interpretation"), ("interpretation", "assumptions")):
        assert ids.index(before) < ids.index(after), (before, after)
    assert "No quantitative uncertainty analysis" in _text(parsed, "uncertainty")


def test_every_number_on_the_cover_is_the_results(result, parsed):
    total = result.total_kg_co2e
    rows = {row[0]: row[1:] for row in parsed.sections["summary"]["rows"] if row}
    assert rows["CFP excluding biogenic uptake (PACT pcfExcludingBiogenicUptake)"] == [kg(total), "100.0%"]
    for label, value, digits in (("Fossil GHG emissions", result.fossil_kg_co2e, 1),
                                 ("Emissions from sources giving only CO2e (no gas split)", result.aggregated_kg_co2e, 1),
                                 ("Aircraft transport (included above)", result.aircraft_kg_co2e, 1)):
        assert rows[label] == [kg(value, digits), pct(value / total)], label
    assert rows["Biogenic emissions"][0] == kg(result.biogenic_emissions_kg_co2e, 3)
    assert rows["Land-use change (dLUC)"][0] == kg(result.dluc_kg_co2e, 3)
    assert rows["Biogenic removals (reported separately)"][0] == kg(result.biogenic_removals_kg_co2e)
    # every number in the cover's text is one of the result's figures
    text = _text(parsed, "summary").replace(str(result.functional_unit["model"]), "").replace("1. Summary", "")
    text = re.sub(r"ISO 14067:2018|IPCC 2021 \(AR6\) GWP100|IPCC AR5 GWP100|AR\d|\(1 best, 5 worst", "", text)
    dq = result.data_quality
    expected = {kg(total), kg(result.total_including_removals_kg_co2e), pct(result.primary_data_share),
                pct(result.activity_data_share), str(len(result.warnings))}
    expected |= {f"{dq[k]:.2f}" for k in ("technologicalDQR", "geographicalDQR", "temporalDQR")}
    frame = result.by_dataset
    weights = frame["kg_co2e"].clip(lower=0.0)
    for column in ("dq_completeness", "dq_reliability"):  # the other two indicators, by hand
        ratings = pd.to_numeric(frame[column], errors="coerce")
        w = weights.where(ratings.notna(), 0.0)
        expected.add(f"{(ratings.fillna(0) * w).sum() / w.sum():.2f}")
    expected |= {f"{v / total:.1%}" for v in result.by_gwp_basis} | {f"{1 - result.by_gwp_basis.get('AR6', 0) / total:.1%}"}
    for row in parsed.sections["summary"]["rows"]:
        expected |= set(row)
    found = re.findall(r"(?<![A-Za-z\d.,])-?\d[\d,]*(?:\.\d+)?%?(?![A-Za-z\d])", text)  # not CO2, AR6
    assert kg(total) in found
    stray = [n for n in found if n not in expected and n.rstrip("%") not in {e.rstrip("%") for e in expected}]
    assert stray == [], stray
    assert f'<p class="headline">{kg(total)} kg CO2e per machine' in render_html(result)


def test_the_cover_has_one_chart_and_the_sources_moved_to_the_attributions(result, html, parsed):
    assert len(parsed.sections["summary"]["images"]) == 1
    header = html[html.index("<header>"):html.index("</header>")]
    assert "data-notices" not in header
    for attribution in {a["attribution"] for a in result.attributions if a.get("attribution")}:
        assert attribution not in header
    attributions = html[html.index('<section id="attributions">'):]
    assert 'id="data-notices"' in attributions
    assert html.index('id="contents"') > html.index('<section id="summary">')  # contents after the cover


def test_tables_are_at_least_8_5_pt():
    html_source = render_html.__globals__["TEMPLATE"]
    sizes = re.findall(r"(?:table|th|td|caption)[^{]*\{[^}]*font-size:\s*([\d.]+)pt", html_source)
    assert sizes and min(float(s) for s in sizes) >= 8.5
    assert "font-size: 7pt" not in html_source and "columns: 2" not in html_source


def test_modules_and_hotspots_show_the_boms_names(result, parsed):
    rows = parsed.sections["results-module"]["rows"]
    names = charts.display_names(result)
    col_a = next(r for r in rows if r and r[0].endswith("(colA)"))
    assert col_a[0] == f"{names['colA']} (colA)" and names["colA"].startswith("column A")
    hot = charts.hotspot_lines(result, 15)
    shown = [r[0] for r in parsed.sections["hotspots"]["rows"][1:]]
    assert shown == [charts.display_name(names, k) for k in hot.index]


@pytest.mark.parametrize("figure", ["stage_bars_figure", "pareto_figure", "product_tree_figure",
                                    "boundary_diagram_figure", "ghg_split_figure"])
def test_chart_labels_do_not_overlap(result, figure):
    from matplotlib.text import Text

    fig = getattr(charts, figure)(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
               if ba.x0 < bb.x1 - 1 and bb.x0 < ba.x1 - 1 and ba.y0 < bb.y1 - 1 and bb.y0 < ba.y1 - 1]
    assert clashes == []


def test_all_five_data_quality_indicators(result, parsed):
    rows = {r[0]: r[1:] for r in parsed.sections["data-quality"]["rows"] if r}
    for label in ("technological representativeness", "geographical representativeness",
                  "temporal representativeness", "completeness", "reliability"):
        assert label in rows, label
    frame = result.by_dataset
    ratings = pd.to_numeric(frame["dq_reliability"], errors="coerce")
    w = frame["kg_co2e"].clip(lower=0.0).where(ratings.notna(), 0.0)
    assert rows["reliability"][0] == f"{(ratings.fillna(0) * w).sum() / w.sum():.2f}"
    assert rows["technological representativeness"][0] == f"{result.data_quality['technologicalDQR']:.2f}"


def test_the_time_boundary_names_the_data_years(result, parsed):
    years = pd.to_numeric(result.by_dataset["reference_year"], errors="coerce").dropna().astype(int)
    text = _text(parsed, "system-boundary")
    assert f"reference year {result.functional_unit['reference_year']}" in text
    assert f"data of {years.min()} to {years.max()}" in text
    table = [r for r in parsed.sections["system-boundary"]["rows"] if r and r[0].isdigit()]
    assert sum(float(r[2].replace(",", "")) for r in table) == pytest.approx(result.by_dataset["kg_co2e"].sum(),
                                                                              abs=0.05 * len(table))


def test_the_carbon_contents_are_the_pact_files(result, parsed):
    pf = to_pact_v3(result, ExportOptions())["pcf"]
    rows = {r[0]: r[1] for r in parsed.sections["carbon-content"]["rows"] if r}
    assert float(rows["Fossil carbon content of the product"].replace(",", "")) == pytest.approx(
        float(pf["fossilCarbonContent"]), abs=5e-4)
    assert float(rows["Biogenic carbon content of the product"].replace(",", "")) == pytest.approx(
        float(pf["biogenicCarbonContent"]), abs=5e-4)
    assert float(rows["Biogenic carbon content of the packaging"].replace(",", "")) == pytest.approx(
        float(pf["packagingBiogenicCarbonContent"]), abs=5e-4)


def test_alternative_data_cases_are_computed_from_the_result(result):
    total = result.total_kg_co2e
    claim = result.functional_unit["factory_electricity_claim"]
    key = result.by_dataset.index[0]
    kg_key = float(result.by_dataset["kg_co2e"].iloc[0])
    alternative = {"dataset": key, "source": "an independent value", "reference_value": 2.0,
                   "reference_unit": "kg CO2e/kg", "pcf_value": 1.6, "kg_co2e": kg_key}
    content = build_content(result, alternatives=[alternative])
    table = next(t for s in content.sections if s.id == "sensitivity" for t in s.tables if t.columns[0] == "case")
    rows = {(r[0], r[1][:20]): r[2] for r in table.rows}
    electricity = next(v for (case, _), v in rows.items() if case == "Electricity basis")
    assert electricity == kg(total - claim["factory_kwh"] * claim["supply_kg_co2e_per_kwh"])
    assert rows[(f"Next-best source: {key}", "2 kg CO2e/kg (an ind")] == kg(total + kg_key * (2.0 / 1.6 - 1.0))
    estimated = next(r for r in result.coverage["cutoff"]["by_status"] if r["status"] == "estimated")
    cases = [r[2] for r in table.rows if r[0] == "Estimated masses"]
    assert cases == [kg(total - ESTIMATE_SPAN * estimated["kg_co2e"]), kg(total + ESTIMATE_SPAN * estimated["kg_co2e"])]
    assert any(r[0] == "Process vs spend-based components" and r[2] == "not computed" for r in table.rows)


def test_the_next_best_sources_come_from_the_reference_checks(result):
    from pcf.data.background import default_background
    from pcf.data.reference_checks import alternative_factors, load_reference_checks
    from pcf.methods import get_method

    background = default_background()
    checks = load_reference_checks()
    alternatives = alternative_factors(result.by_dataset, background, get_method(background.tables), checks)
    top = list(result.by_dataset.sort_values("kg_co2e", ascending=False).index[:5])
    assert [a["dataset"] for a in alternatives] == top
    for alt in alternatives:
        assert alt["kg_co2e"] == float(result.by_dataset.loc[alt["dataset"], "kg_co2e"])
        if alt["reference_value"] is None:
            assert not any(c.dataset == alt["dataset"] and c.quantity == "kg CO2e" for c in checks)
            continue
        first = next(c for c in checks if c.dataset == alt["dataset"] and c.quantity == "kg CO2e")
        assert (alt["reference_value"], alt["source"]) == (first.reference_value, first.source)
        if background.factory_electricity_kwh[background.index(alt["dataset"])] == 0:  # no grid involved
            assert alt["pcf_value"] == pytest.approx(result.by_dataset.loc[alt["dataset"], "kg_co2e_per_unit"],
                                                     rel=1e-9)


def test_the_tree_keeps_module_labels_inside_their_column(result):
    fig = charts.product_tree_figure(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    right_edge = ax.transData.transform((0.18 + 0.36, 0.5))[0]  # where the module column ends
    labels = [t for t in ax.texts if 0.18 < t.get_position()[0] < 0.54]
    assert labels
    for text in labels:
        assert text.get_window_extent(renderer).x1 <= right_edge, text.get_text()
