"""The shipped example: FG-256P (energy feedback, DC bus) against a current machine with AC-side recovery (the
main baseline), the legacy FG-256C and another DC-bus machine beside it; one machine and a line of 50.

The two embodied footprints come from the engine once per module (`details`); everything else reuses them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import run_cli

import pcf
import pcf.energy
from pcf.bom.readers import read_bom
from pcf.energy import compare, embodied_footprints, read_config, tornado
from pcf.energy.render import markdown_section, write_outputs

ROOT = Path(__file__).resolve().parents[1]
ENERGY = ROOT / "bill_of_materials" / "energy"
ONE = ENERGY / "compare_one_machine.yaml"
LINE = ENERGY / "compare_line_50.yaml"


@pytest.fixture(scope="module")
def line_config():
    return read_config(LINE)


@pytest.fixture(scope="module")
def details(line_config):
    return embodied_footprints(line_config)


@pytest.fixture(scope="module")
def embodied(details):
    return {key: value["kg_co2e"] for key, value in details.items()}


@pytest.fixture(scope="module")
def line_result(line_config, embodied, details):
    return compare(line_config, embodied).with_embodied_details(details)


def test_embodied_footprints_come_from_the_engine(details):
    feedback = pcf.footprint(read_bom(ROOT / "bill_of_materials" / "formation_grading_machine.yaml"))
    assert details["candidate"]["kg_co2e"] == pytest.approx(feedback.total_kg_co2e, rel=1e-12)
    assert details["candidate"]["bom"].endswith("formation_grading_machine.yaml")
    assert details["legacy"]["bom"].endswith("formation_grading_machine_conventional.yaml")
    # no BOM of an AC-side recovery machine: the FG-256P BOM stands in, and the result says so
    assert details["baseline"]["bom"] == details["candidate"]["bom"]
    assert details["baseline"]["kg_co2e"] == details["candidate"]["kg_co2e"]
    assert "proxy" in details["baseline"]["bom_note"]
    for value in details.values():
        assert sum(value["by_stage_kg_co2e"].values()) == pytest.approx(value["kg_co2e"])


def test_conventional_bom_has_load_resistors_and_no_bidirectional_stages():
    conventional = read_bom(ROOT / "bill_of_materials" / "formation_grading_machine_conventional.yaml")
    feedback = read_bom(ROOT / "bill_of_materials" / "formation_grading_machine.yaml")
    names = {line.id: (line.name or "") for line in conventional.all_lines()}
    assert "cpb.load_resistor_housing" in names
    assert conventional.machine.id == "fg-256c"
    assert not any("bidirectional" in name.lower() and "unidirectional" not in name.lower()
                   for name in names.values())
    # the same structure: every assembly of the feedback design is there
    feedback_assemblies = {line.id for line in feedback.all_lines() if line.kind == "assembly"}
    conventional_assemblies = {line.id for line in conventional.all_lines() if line.kind == "assembly"}
    assert feedback_assemblies == conventional_assemblies


def test_shipped_configurations_share_the_operating_conditions(line_config):
    one = read_config(ONE)
    assert one.line.machines == 1 and line_config.line.machines == 50
    assert one.protocol == line_config.protocol and one.operation == line_config.operation
    assert one.grid == line_config.grid and one.baseline == line_config.baseline
    # the grid factor of the first year is the lci_data dataset's
    assert line_config.grid.first_year_kg_co2e_per_kWh == pytest.approx(0.5777)
    assert "electricity_cn_footprint_2024" in line_config.grid.source


def test_example_energy_balance_closes_and_the_feedback_design_saves(line_result):
    for key in ("baseline", "candidate"):
        outcome = line_result.design(key)
        assert outcome.steps_frame["residual_kWh"].abs().max() < 1e-12
    assert line_result.candidate.year.per_cell_kWh < line_result.baseline.year.per_cell_kWh
    assert 0 < line_result.machine_savings.annual_share < 1
    assert line_result.machine_savings.net_lifetime_kg_co2e > 0


def test_example_line_is_fifty_machines_plus_shared_equipment(line_result, line_config):
    # 22 kW x 0.35 + 1.5 kW x 1.0 = 9.2 kW mean x 7000 h, indoors: + heat x 1.0 / COP 3
    shared_kWh = (22 * 0.35 + 1.5 * 1.0) * 7000 * (1 + 1.0 / 3.0)
    for key in ("baseline", "candidate"):
        outcome = line_result.design(key)
        assert outcome.line.annual_kWh == pytest.approx(50 * outcome.machine.annual_kWh + shared_kWh)
        assert outcome.line.embodied_kg_co2e == pytest.approx(50 * outcome.machine.embodied_kg_co2e)
    assert line_result.line_savings.lifetime_kWh == pytest.approx(50 * line_result.machine_savings.lifetime_kWh)


def test_example_tornado_covers_every_parameter(line_config, embodied):
    frame = tornado(line_config, embodied)
    assert len(frame) == len(line_config.sensitivity)
    assert list(frame["swing_t_co2e"]) == sorted(frame["swing_t_co2e"], reverse=True)
    base = compare(line_config, embodied).line_savings.net_lifetime_kg_co2e / 1000
    assert frame.attrs["base_net_t_co2e"] == pytest.approx(base)
    row = frame.set_index("path").loc["candidate.charge_path_efficiency"]
    assert row["net_t_co2e_high"] > row["net_t_co2e_low"]  # a better candidate saves more
    row = frame.set_index("path").loc["baseline.charge_path_efficiency"]
    assert row["net_t_co2e_high"] < row["net_t_co2e_low"]  # a better baseline leaves less to save


def test_outputs_json_charts_and_report(line_result, line_config, embodied, tmp_path):
    result = line_result.with_tornado(tornado(line_config, embodied))
    written = write_outputs(result, tmp_path)
    for key in ("cumulative_machine", "cumulative_line", "tornado"):
        assert written[key].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert written["workbook"].read_bytes()[:2] == b"PK"
    document = json.loads(written["json"].read_text())
    assert set(document["savings"]) == {"machine", "line"}
    line = document["designs"]["baseline"]["line"]
    assert line["lifetime_kWh"] == pytest.approx(sum(y["kWh"] for y in line["yearly"]))
    assert document["designs"]["candidate"]["embodied_engine"]["factory_grid"] == "electricity_cn_footprint_2024"
    assert len(document["tornado"]["rows"]) == len(line_config.sensitivity)
    report = written["report"].read_text()
    assert "### Line of 50 machines" in report and "tornado.png" in report and "Carbon payback" in report
    assert markdown_section(result).startswith("## Use-phase energy")


def test_cli_energy_compare(monkeypatch, details, tmp_path, capsys):
    monkeypatch.setattr(pcf.energy, "embodied_footprints", lambda config, **_: details)  # engine already run
    assert run_cli(["energy", "compare", str(ONE), "--json", str(tmp_path / "r.json"),
                    "--xlsx", str(tmp_path / "r.xlsx"), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "One machine: Current machine, AC-side energy recovery" in out and "Sensitivity" in out
    assert "Why this baseline" in out and "legacy" in out
    assert json.loads((tmp_path / "r.json").read_text())["inputs"]["line"]["machines"] == 1
    assert (tmp_path / "out" / "cumulative_emissions_machine.png").exists()
    assert not (tmp_path / "out" / "cumulative_emissions_line.png").exists()  # one machine: no line chart
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "r.xlsx")
    assert {"Summary", "Baselines", "Per unit", "Machine-year by use", "Sensitivity"} <= set(book.sheetnames)
    rows = list(book["Baselines"].iter_rows(values_only=True))
    assert rows[0][0] == "key" and [r[0] for r in rows[1:]] == ["baseline", "legacy", "dc_bus"]


def test_report_section_data(line_result):
    from pcf.energy.render import report_section_data

    section = report_section_data(line_result, charts={"tornado": "tornado.png"})
    assert section["id"] == "use-phase-energy"
    captions = [t["caption"] for t in section["tables"]]
    assert captions[0].startswith("The candidate against each baseline")
    summaries = [t for t in section["tables"] if t["columns"] == ["", "baseline", "candidate", "saving"]]
    assert len(summaries) == 2  # one machine and the line
    assert any("Line of 50 machines" in p for p in section["paragraphs"])
    assert any("Why this baseline" in p for p in section["paragraphs"])


def test_shipped_example_shows_current_and_legacy_baselines_with_per_cell_and_per_gwh(line_result):
    """The issue's 'done when': both baselines side by side, per cell and per GWh, checked against the machine-year."""
    from pcf.energy.figures import baselines_table, unit_table

    table = baselines_table(line_result)
    assert list(table.index) == ["baseline", "legacy", "dc_bus"]
    assert table.loc["baseline", "architecture"] == "ac_side_recovery"
    assert table.loc["legacy", "architecture"] == "legacy_resistive"
    assert all(table["why"].str.len() > 20)
    cells = line_result.baseline.year.cells_per_year
    cell_kWh = 280 * 3.2 / 1000  # 0.896 kWh
    gwh = 50 * cells * cell_kWh / 1e6
    for key, outcome in (("baseline", line_result.baseline), ("legacy", line_result.design("legacy"))):
        saved_machine = outcome.machine.annual_kWh - line_result.candidate.machine.annual_kWh
        saved_line = outcome.line.annual_kWh - line_result.candidate.line.annual_kWh
        assert table.loc[key, "saved_kWh_per_cell"] == pytest.approx(saved_machine / cells)
        assert table.loc[key, "machine_saved_share"] == pytest.approx(saved_machine / outcome.machine.annual_kWh)
        first_factor = 0.5777  # the grid's first-year factor
        assert table.loc[key, "saved_kg_co2e_per_kWh_cell_first_year"] == pytest.approx(
            saved_machine * first_factor / (cells * cell_kWh), rel=1e-4)
        assert table.loc[key, "saved_t_co2e_per_GWh_first_year"] == pytest.approx(
            saved_line * first_factor / 1000 / gwh, rel=1e-4)
    # the legacy comparison is the 57.7 % per machine; the current one is far smaller
    assert table.loc["legacy", "machine_saved_share"] == pytest.approx(0.577, abs=0.001)
    assert 0.15 < table.loc["baseline", "machine_saved_share"] < 0.20
    units = unit_table(line_result)
    assert {"saving vs baseline", "saving vs legacy"} <= set(units.columns)


@pytest.mark.parametrize("dataset,years", [("electricity_cn_east_2023", [2021, 2022, 2023]),
                                           ("electricity_de_ember_2025", [2025])])
def test_a_customers_grid_gets_the_range_of_its_own_history(tmp_path, dataset, years):
    """Another grid never keeps the China national range: its own years in lci_data, or none."""
    from pcf.energy.sensitivity import resolved

    path = tmp_path / "grid.yaml"
    path.write_text(f"extends: {ONE}\nname: other grid\ngrid: {{name: {dataset}, dataset: {dataset}}}\n")
    config = read_config(path)
    history = config.grid.history_kg_co2e_per_kWh
    assert sorted(history) == years
    assert history[years[-1]] == pytest.approx(config.grid.first_year_kg_co2e_per_kWh)
    row = next(resolved(config, p) for p in config.sensitivity if p.range == "grid_history")
    assert (row.low, row.high) == (min(history.values()), max(history.values()))
    if len(years) > 1:
        assert f"{years[0]}-{years[-1]}" in row.source
    else:
        assert f"one year only ({years[0]})" in row.source
