"""Supplier footprints in: a PACT file or a per-unit figure replaces a component's secondary dataset, keeps its
split, counts as primary data, and is refused with a reason when it does not fit."""

from __future__ import annotations

import copy
import json

import pytest
from report_helpers import PACT_SPEC
from test_engine import BASE, TOTAL

import pcf
from pcf.bom import model_from_data
from pcf.errors import MappingError

ALUMINIUM = 8.5  # the tiny background's aluminium, kg CO2e per kg
C1_KG = 2 * 1.5  # kg of the component C1 per machine (2 assemblies x 1.5 kg)


def with_supplier(footprint: dict, tmp_path=None):
    data = copy.deepcopy(BASE)
    data["items"][0]["children"][1]["supplier_footprint"] = footprint
    if tmp_path is not None:
        data["source_file"] = str(tmp_path / "bom.yaml")
    return model_from_data(data)


def test_per_unit_figure_replaces_the_dataset(tiny_background):
    system = with_supplier({"kg_co2e_per_unit": 4.0, "fossil_kg_co2e_per_unit": 3.5,
                            "land_use_change_kg_co2e_per_unit": 0.2, "source": "supplier EPD 2025",
                            "reference_period_start": "2024-01-01", "reference_period_end": "2025-01-01"})
    result = pcf.footprint(system, background=tiny_background)
    assert result.total_kg_co2e == pytest.approx(TOTAL - C1_KG * ALUMINIUM + C1_KG * 4.0, rel=1e-9)
    row = result.lines.set_index("line_id").loc["C1"]
    assert row["dataset"] == "supplier:C1" and row["data_type"] == "primary"
    # primary activity data; the figure states no primary data share of its own, so it counts 0 (PACT PDS)
    assert result.activity_data_share == pytest.approx(C1_KG * 4.0 / result.total_kg_co2e, rel=1e-9)
    assert result.primary_data_share == 0
    # and a supplier footprint is not rated 1/1/1 by pcf: a figure is unrated
    assert result.by_dataset.loc["supplier:C1", ["dq_technological", "dq_geographical", "dq_temporal"]].isna().all()
    # the declared split is kept: land use 0.2 and biogenic 4.0 - 3.5 - 0.2 = 0.3 per kg
    assert result.dluc_kg_co2e == pytest.approx(C1_KG * 0.2, rel=1e-9)
    assert result.biogenic_emissions_kg_co2e == pytest.approx(10 * 0.2 + C1_KG * 0.3, rel=1e-9)
    assert any("supplier figure: supplier EPD 2025" in a["source"] for a in result.attributions)


def test_a_figure_with_an_impossible_split_is_refused(tiny_background):
    system = with_supplier({"kg_co2e_per_unit": 1.0, "fossil_kg_co2e_per_unit": 2.0, "source": "x",
                            "reference_period_start": "2024-01-01", "reference_period_end": "2025-01-01"})
    with pytest.raises(MappingError, match="split does not add up"):
        pcf.footprint(system, background=tiny_background)


def test_a_figure_needs_its_source_and_period():
    with pytest.raises(pcf.PcfError, match="needs its source"):
        with_supplier({"kg_co2e_per_unit": 1.0})


def _valid_v3_example() -> dict:
    from pcf.pact import validate

    for name in sorted((PACT_SPEC / "v3" / "examples").glob("*.json")):
        document = json.loads(name.read_text())
        items = document.get("data") if isinstance(document.get("data"), list) else [document.get("data", document)]
        for item in items:
            if isinstance(item, dict) and "pcf" in item and not validate(item, major="3"):
                return copy.deepcopy(item)
    pytest.fail(f"no schema-valid v3 ProductFootprint among {PACT_SPEC / 'v3' / 'examples'}/*.json")


needs_spec = pytest.mark.skipif(not (PACT_SPEC / "v3").exists(),
                                reason="../shared/pact/v3 absent: the PACT spec may not be copied into the project")


def _pact_file(tmp_path, **pcf_changes) -> dict:
    document = _valid_v3_example()
    document["status"] = "Active"
    document["validityPeriodStart"] = "2025-01-01T00:00:00Z"
    document["validityPeriodEnd"] = "2030-01-01T00:00:00Z"
    document["pcf"].update({"declaredUnitOfMeasurement": "kilogram", "declaredUnitAmount": "2",
                            "productMassPerDeclaredUnit": "2", "pcfExcludingBiogenicUptake": "8.0",
                            "pcfIncludingBiogenicUptake": "7.0", "fossilGhgEmissions": "7.0",
                            "referencePeriodStart": "2024-01-01T00:00:00Z",
                            "referencePeriodEnd": "2025-01-01T00:00:00Z", "biogenicCO2Uptake": "-1.0"})
    document["pcf"].pop("landUseChangeGhgEmissions", None)
    document["pcf"].update(pcf_changes)
    (tmp_path / "supplier_alu.json").write_text(json.dumps(document))
    return {"file": "supplier_alu.json"}


@needs_spec
def test_pact_v3_file_changes_the_component_by_the_hand_computed_amount(tiny_background, tmp_path):
    system = with_supplier(_pact_file(tmp_path), tmp_path)
    result = pcf.footprint(system, background=tiny_background)
    # 8.0 kg CO2e per 2 kg declared -> 4.0 per kg; fossil 3.5, biogenic 0.5, uptake -0.5 per kg
    assert result.total_kg_co2e == pytest.approx(TOTAL - C1_KG * ALUMINIUM + C1_KG * 4.0, rel=1e-9)
    assert result.biogenic_removals_kg_co2e == pytest.approx(-16.0 - C1_KG * 0.5, rel=1e-9)
    base = pcf.footprint(model_from_data(copy.deepcopy(BASE)), background=tiny_background)
    assert result.activity_data_share > base.activity_data_share
    intake = result.intake.set_index("line_id").loc["C1"]
    assert intake["method"] == "supplier"
    assert any("supplier_alu.json" in a["source"] for a in result.attributions)


@needs_spec
def test_expired_footprint_is_refused(tiny_background, tmp_path):
    footprint = _pact_file(tmp_path)
    document = json.loads((tmp_path / "supplier_alu.json").read_text())
    document["validityPeriodEnd"] = "2025-06-01T00:00:00Z"
    (tmp_path / "supplier_alu.json").write_text(json.dumps(document))
    with pytest.raises(MappingError, match="not valid on"):
        pcf.footprint(with_supplier(footprint, tmp_path), background=tiny_background)


@needs_spec
def test_a_declared_unit_that_does_not_fit_is_refused(tiny_background, tmp_path):
    footprint = _pact_file(tmp_path, declaredUnitOfMeasurement="liter")
    with pytest.raises(MappingError, match="declared unit 'liter' does not fit"):
        pcf.footprint(with_supplier(footprint, tmp_path), background=tiny_background)


@needs_spec
def test_a_schema_invalid_file_is_refused(tiny_background, tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"id": "x", "specVersion": "3.0.0", "pcf": {}}))
    with pytest.raises(MappingError, match="supplier footprint refused"):
        pcf.footprint(with_supplier({"file": "bad.json"}, tmp_path), background=tiny_background)


@pytest.mark.parametrize("name, words", [
    ("../outside.json", "outside the BOM's folder"),
    ("/etc/passwd", "outside the BOM's folder"),
    ("folder.json", "not a regular file"),
    ("binary.json", "not UTF-8"),
])
def test_supplier_files_are_read_only_from_the_boms_folder_and_only_regular_files(name, words, tmp_path,
                                                                                   tiny_background):
    (tmp_path / "bom").mkdir()
    (tmp_path / "outside.json").write_text("{}", encoding="utf-8")
    (tmp_path / "bom" / "folder.json").mkdir()
    (tmp_path / "bom" / "binary.json").write_bytes(b"\xff\xfe\x00\x01" * 10)
    system = with_supplier({"file": name}, tmp_path / "bom")
    with pytest.raises(MappingError, match=words) as info:
        pcf.footprint(system, background=tiny_background)
    assert info.value.column == "supplier_footprint" or "supplier footprint refused" in str(info.value)


def test_a_folder_listed_in_pcf_supplier_dirs_is_allowed(tmp_path, tiny_background, monkeypatch):
    shared_dir = tmp_path / "supplier_pcfs"
    shared_dir.mkdir()
    (shared_dir / "c1.json").write_text("{}", encoding="utf-8")
    (tmp_path / "bom").mkdir()
    system = with_supplier({"file": str(shared_dir / "c1.json")}, tmp_path / "bom")
    with pytest.raises(MappingError, match="outside the BOM's folder"):
        pcf.footprint(system, background=tiny_background)
    monkeypatch.setenv("PCF_SUPPLIER_DIRS", str(shared_dir))
    with pytest.raises(MappingError, match="no 'pcf' object"):  # read now, and refused for its content
        pcf.footprint(system, background=tiny_background)


# ------------------------------------------------------------------ pcf's own exports fed back (issue 11, item 5)
@pytest.fixture(scope="module")
def demo_exports():
    """The demo machine's result and its PACT v3 and v2 exports (v2: declared unit 1 kg, unitaryProductAmount =
    the machine's mass)."""
    from report_helpers import EXAMPLE_BOM

    from pcf import pact
    from pcf.audit import audited_footprint

    result = audited_footprint(EXAMPLE_BOM)
    options = pact.ExportOptions(cpc="4491")
    return result, pact.to_pact_v3(result, options), pact.to_pact_v2(result, options)


def _machine_as_component(tmp_path, footprint_file: str, mass_kg: float, **extra):
    """test_engine.BASE with its component C1 replaced by 1 piece (per assembly, 2 per machine) of mass_kg."""
    data = copy.deepcopy(BASE)
    data["source_file"] = str(tmp_path / "bom.yaml")
    data["machine"]["declared_mass_kg"] = 2 * 2 * 3 + 2 * mass_kg  # the steel parts + two components
    data["items"][0]["children"][1] = {"kind": "component", "id": "C1", "dataset": "aluminium", "quantity": 1,
                                       "unit": "piece", "mass_kg": mass_kg,
                                       "supplier_footprint": {"file": footprint_file, **extra}}
    return model_from_data(data)


@pytest.mark.parametrize("major", ["3", "2"])
def test_pcfs_own_v3_and_v2_exports_give_the_machines_kg_per_piece(major, demo_exports, tmp_path, tiny_background):
    result, v3, v2 = demo_exports
    mass = result.functional_unit["declared_mass_kg"]
    assert mass > 1  # v2's unitaryProductAmount is the mass: != 1, the case that was divided out 4,950x
    (tmp_path / "machine.json").write_text(json.dumps(v3 if major == "3" else v2))
    supplied = pcf.footprint(_machine_as_component(tmp_path, "machine.json", mass), background=tiny_background)
    per_piece = supplied.lines.set_index("line_id").loc["C1", "kg_co2e"] / 2
    # the same machine, read back: its total per piece (v2: per kg to 9 places x 4,950 kg, within 5e-6 kg)
    assert per_piece == pytest.approx(result.total_kg_co2e, abs=1e-5)


@needs_spec
def test_a_v2_file_with_unitary_product_amount_3_is_per_declared_unit(tiny_background, tmp_path):
    from pcf import pact

    document = json.loads((PACT_SPEC / "v2" / "examples" / "get-footprint-response.json").read_text())["data"]
    document.update({"status": "Active", "validityPeriodStart": "2025-01-01T00:00:00Z",
                     "validityPeriodEnd": "2030-01-01T00:00:00Z"})
    document["pcf"].update({"declaredUnit": "kilogram", "unitaryProductAmount": "3", "pCfExcludingBiogenic": "4.0",
                            "pCfIncludingBiogenic": "4.0", "fossilGhgEmissions": "4.0", "dLucGhgEmissions": "0",
                            "biogenicCarbonWithdrawal": "0", "otherBiogenicGhgEmissions": "0",
                            "referencePeriodStart": "2024-01-01T00:00:00Z",
                            "referencePeriodEnd": "2025-01-01T00:00:00Z"})
    assert pact.validate(document, major="2", spec=PACT_SPEC) == []
    (tmp_path / "v2.json").write_text(json.dumps(document))
    result = pcf.footprint(with_supplier({"file": "v2.json"}, tmp_path), background=tiny_background)
    # 4.0 kg CO2e per 1 kg declared unit (the product holds 3 of them): C1's 3 kg give 12.0
    assert result.total_kg_co2e == pytest.approx(TOTAL - C1_KG * ALUMINIUM + C1_KG * 4.0, rel=1e-9)


def test_a_list_response_with_one_footprint_is_used_with_several_needs_the_id(demo_exports, tmp_path,
                                                                                tiny_background):
    result, v3, _ = demo_exports
    mass = result.functional_unit["declared_mass_kg"]
    other = copy.deepcopy(v3)
    other["id"] = "5b1e0a55-0000-4000-8000-000000000001"
    other["pcf"]["pcfExcludingBiogenicUptake"] = "1"
    (tmp_path / "one.json").write_text(json.dumps({"data": [v3]}))
    (tmp_path / "two.json").write_text(json.dumps({"data": [other, v3]}))
    one = pcf.footprint(_machine_as_component(tmp_path, "one.json", mass), background=tiny_background)
    assert one.lines.set_index("line_id").loc["C1", "kg_co2e"] / 2 == pytest.approx(result.total_kg_co2e, abs=1e-5)
    with pytest.raises(MappingError, match="holds 2 ProductFootprints"):
        pcf.footprint(_machine_as_component(tmp_path, "two.json", mass), background=tiny_background)
    chosen = pcf.footprint(_machine_as_component(tmp_path, "two.json", mass, id=v3["id"]),
                           background=tiny_background)
    assert chosen.lines.set_index("line_id").loc["C1", "kg_co2e"] / 2 == pytest.approx(result.total_kg_co2e,
                                                                                        abs=1e-5)
    with pytest.raises(MappingError, match="no ProductFootprint with id 'nope'"):
        pcf.footprint(_machine_as_component(tmp_path, "two.json", mass, id="nope"), background=tiny_background)


def test_a_figure_carries_its_own_primary_data_share(tiny_background):
    system = with_supplier({"kg_co2e_per_unit": 4.0, "source": "supplier EPD 2025", "primary_data_share_percent": 40,
                            "reference_period_start": "2024-01-01", "reference_period_end": "2025-01-01"})
    result = pcf.footprint(system, background=tiny_background)
    assert result.primary_data_share == pytest.approx(0.4 * C1_KG * 4.0 / result.total_kg_co2e, rel=1e-9)


@needs_spec
def test_a_pact_file_carries_its_own_primary_data_share_and_dqrs(tiny_background, tmp_path):
    footprint = _pact_file(tmp_path, primaryDataShare="25",
                           dqi={"technologicalDQR": "2", "geographicalDQR": "3", "temporalDQR": "4"})
    result = pcf.footprint(with_supplier(footprint, tmp_path), background=tiny_background)
    c1 = C1_KG * 4.0  # 8.0 kg CO2e per 2 kg declared
    assert result.primary_data_share == pytest.approx(0.25 * c1 / result.total_kg_co2e, rel=1e-9)
    assert result.activity_data_share == pytest.approx(c1 / result.total_kg_co2e, rel=1e-9)
    row = result.by_dataset.loc["supplier:C1"]
    assert (row["dq_technological"], row["dq_geographical"], row["dq_temporal"]) == (2, 3, 4)
    # the aggregate: every other dataset is rated 2 / 3 / 1 in the tiny background
    share = c1 / result.total_kg_co2e
    assert result.data_quality["temporalDQR"] == pytest.approx(1 + 3 * share, rel=1e-9)
