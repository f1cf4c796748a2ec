"""The shipped example machine on the shipped data: what `make demo` runs, checked by invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pcf
from pcf.cli import main
from pcf.data.background import default_background

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bill_of_materials" / "formation_grading_machine.yaml"


@pytest.fixture(scope="module")
def demo():
    return pcf.footprint(DEMO)


def test_demo_contributions_add_up(demo):
    total = demo.total_kg_co2e
    assert total > 0
    for series in (demo.by_stage, demo.by_module, demo.by_material):
        assert series.sum() == pytest.approx(total, rel=1e-9)
    assert demo.by_dataset["kg_co2e"].sum() == pytest.approx(total, rel=1e-9)
    assert demo.by_class.drop("biogenic_removal").sum() == pytest.approx(total, rel=1e-9)
    assert set(demo.by_stage.index) == {"raw_material_acquisition", "production", "packaging", "upstream_transport"}
    assert (demo.by_stage > 0).all()


def test_demo_reports_the_iso_14067_split(demo):
    assert demo.biogenic_removals_kg_co2e < 0  # wooden crates store biogenic carbon
    assert demo.aircraft_kg_co2e > 0  # one air-freight leg
    assert demo.fossil_kg_co2e > 0
    # sources that give only CO2e (GB/T 51366, MEE footprint factors ...) are reported with their share
    assert demo.to_dict()["aggregated_co2e_share"] == pytest.approx(demo.aggregated_kg_co2e / demo.total_kg_co2e)


def test_demo_mass_rollup_is_close_to_the_declared_mass(demo):
    assert abs(demo.mass["gap_share"]) < 0.10


def test_demo_solvers_agree(demo):
    brightway = pcf.footprint(DEMO, solver="brightway")
    assert brightway.total_kg_co2e == pytest.approx(demo.total_kg_co2e, rel=1e-9)


def test_demo_cli_writes_the_result_document(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert main(["footprint", str(DEMO), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Carbon footprint per machine" in printed and "result written to" in printed
    doc = json.loads(out.read_text())
    for key in ("functional_unit", "total_kg_co2e", "fossil_kg_co2e", "biogenic_emissions_kg_co2e",
                "biogenic_removals_kg_co2e", "dluc_kg_co2e", "by_stage", "by_module", "coverage", "data_versions"):
        assert key in doc
    assert doc["functional_unit"]["declared_unit"] == "piece"
    assert doc["coverage"]["bom_lines"] == sum(1 for _ in pcf.bom.read_bom(DEMO).all_lines())


def test_cli_grid_option_changes_the_result(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["footprint", str(DEMO), "--json", str(a)]) == 0
    assert main(["footprint", str(DEMO), "--json", str(b), "--grid", "electricity_cn_wind_footprint_2023"]) == 0
    assert json.loads(b.read_text())["total_kg_co2e"] < json.loads(a.read_text())["total_kg_co2e"]


def test_cli_data_commands(capsys):
    assert main(["data", "list", "--category", "electricity"]) == 0
    assert "electricity_cn_footprint_2024" in capsys.readouterr().out
    assert main(["data", "show", "steel_hot_rolled"]) == 0
    shown = capsys.readouterr().out
    assert "licence" in shown and "kg CO2e per kg" in shown
    assert main(["data", "search", "copper"]) == 0
    assert "copper_cathode" in capsys.readouterr().out
    assert main(["data", "show", "no_such_dataset"]) == 2


def test_cli_data_build_prints_the_content_hash(capsys, tmp_path):
    out = tmp_path / "bg.zip"
    assert main(["data", "build", "--out", str(out)]) == 0
    assert default_background().content_hash in capsys.readouterr().out
    assert out.exists() and out.stat().st_size > 1000


@pytest.mark.parametrize("name", ["coating_machine.yaml", "winding_machine.yaml",
                                  "formation_grading_machine_conventional.yaml"])
def test_every_shipped_example_machine_computes_and_adds_up(name):
    result = pcf.footprint(ROOT / "bill_of_materials" / name)
    total = result.total_kg_co2e
    assert total > 0
    for series in (result.by_stage, result.by_module, result.by_material):
        assert series.sum() == pytest.approx(total, rel=1e-9)
    assert abs(result.mass["gap_share"]) < 0.10
    assert result.coverage["cutoff"]["criteria_met"]
