"""Any Brightway database as the background: a bw2io Excel LCI, imported into an explicit project directory,
used by a BOM beside the shipped data, solved exactly."""

from __future__ import annotations

import pytest
from test_brightway_import import _write_toy_workbook

import pcf
from pcf.bom import model_from_data
from pcf.data.background import background_from_brightway
from pcf.data.brightway_import import import_excel_lci

# the toy workbook, by hand (AR6: CH4 fossil 29.8, non-fossil 27.0), per kg of steel part and per kWh:
#   s = (4 CO2 + 0.02 x 29.8 + 3 e) / 2      e = 0.5 + 0.001 x 27.0 + 0.01 s
#   => s = 2.298 + 1.5 (0.527 + 0.01 s)  =>  s = 3.0885 / 0.985
STEEL_PART = 3.0885 / 0.985
ELECTRICITY = 0.527 + 0.01 * STEEL_PART
ASSEMBLY = 10 * STEEL_PART + 5 * ELECTRICITY  # the 0.3 kg CO2 taken from air is a removal, reported apart


@pytest.fixture(scope="module")
def toy_background(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pluggable")
    workbook = _write_toy_workbook(tmp / "toy.xlsx")
    project_dir = tmp / "bw"
    import_excel_lci(workbook, project_dir, "toy")
    return background_from_brightway(project_dir, "toy", key_prefix="toy_", include_shipped=True)


def test_bom_on_an_imported_background_is_exact(toy_background):
    assert toy_background.has("toy_assembly") and toy_background.has("steel_hot_rolled")
    data = {
        "machine": {"id": "M", "name": "machine on an imported background"},
        "factory": {"electricity": "electricity_cn_footprint_2024"},
        "items": [
            {"kind": "component", "id": "asm", "dataset": "toy_assembly", "quantity": 2, "unit": "piece"},
            {"kind": "part", "id": "plate", "material": "toy_steel_part", "mass_kg": 4},
        ],
    }
    result = pcf.footprint(model_from_data(data), background=toy_background)
    assert result.total_kg_co2e == pytest.approx(2 * ASSEMBLY + 4 * STEEL_PART, rel=1e-9)
    assert result.biogenic_removals_kg_co2e == pytest.approx(-2 * 0.3, rel=1e-9)
    brightway = pcf.footprint(model_from_data(data), background=toy_background, solver="brightway")
    assert brightway.total_kg_co2e == pytest.approx(result.total_kg_co2e, rel=1e-9)
    assert result.data_quality["unrated_share"] == pytest.approx(1.0)
