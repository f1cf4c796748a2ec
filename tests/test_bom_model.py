"""The BOM model: the published JSON schema is current, and YAML / JSON round-trip through the model."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from test_engine import BASE

from pcf.bom import model_from_data, read_bom, write_bom
from pcf.bom.schema import bom_json_schema

ROOT = Path(__file__).resolve().parents[1]


def test_docs_schema_is_current():
    assert (ROOT / "docs" / "bom.schema.json").read_text(encoding="utf-8") == bom_json_schema(), (
        "docs/bom.schema.json is stale: run `pcf schema --out docs/bom.schema.json`"
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip(tmp_path, suffix):
    system = model_from_data(copy.deepcopy(BASE))
    path = tmp_path / f"bom{suffix}"
    write_bom(system, path)
    again = read_bom(path)
    from pcf.bom.readers import _strip_rows

    assert _strip_rows(again.model_dump()) == _strip_rows(system.model_dump())
    assert again.source_file == str(path)


def test_yaml_lines_get_their_row(tmp_path):
    path = tmp_path / "bom.yaml"
    write_bom(model_from_data(copy.deepcopy(BASE)), path)
    system = read_bom(path)
    lines = path.read_text().splitlines()
    for line in system.all_lines():
        assert f"id: {line.id}" in lines[line.source_row - 1] or f"id: {line.id}" in lines[line.source_row]


def test_all_lines_visits_every_line():
    system = model_from_data(copy.deepcopy(BASE))
    ids = [line.id for line in system.all_lines()]
    assert ids == ["A", "P1", "P1-mach", "C1", "crate", "T1", "E1"]


def test_material_input_includes_scrap():
    system = model_from_data(copy.deepcopy(BASE))
    part = system.items[0].children[0]
    assert part.material_input_kg == pytest.approx(3 / (1 - 0.25))


def test_an_unquoted_comma_in_a_flow_style_name_gets_a_quoting_hint(tmp_path):
    import pytest

    from pcf.bom import read_bom
    from pcf.errors import BomError

    path = tmp_path / "b.yaml"
    path.write_text("machine: {id: M, name: m}\nitems:\n  - {kind: part, id: P1, name: Plate, material: steel, mass_kg: 1}\n"
                    "  - {kind: part, id: P2, name: Motor shaft (steel, hardened), material: steel, mass_kg: 1}\n",
                    encoding="utf-8")
    with pytest.raises(BomError) as info:
        read_bom(path)
    error = info.value
    assert (error.row, error.column) == (4, "items.1")
    assert "'hardened)' is not a field" in error.message and "quotes" in error.expected
    broken = tmp_path / "c.yaml"
    broken.write_text("machine: {id: M, name: m}\nitems:\n  - {kind: part, id: P1, name: Plate: big, mass_kg: 1}\n",
                      encoding="utf-8")
    with pytest.raises(BomError, match="invalid YAML at column") as info:
        read_bom(broken)
    assert info.value.row == 3 and "quotes" in info.value.expected
