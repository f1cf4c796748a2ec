"""Every documented error (docs/errors.md) is raised by some bad input, names where, and the CLI exits 2."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from conftest import make_tables
from test_engine import BASE

import pcf
from pcf.bom import model_from_data, read_bom
from pcf.cli import main
from pcf.data.tables import load_lci_tables, tables_from_frames
from pcf.errors import BomError, DataError, GraphError, MappingError, UnitError


def write_yaml(tmp_path, data, name="bom.yaml"):
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def bad(**changes):
    data = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        node = data
        *head, last = dotted.split(".")
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return data


# -- reading ---------------------------------------------------------------------------------------------------
def test_missing_file(tmp_path):
    with pytest.raises(BomError, match="file not found"):
        read_bom(tmp_path / "nope.yaml")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_text("x")
    with pytest.raises(BomError, match="unsupported file type"):
        read_bom(path)


def test_invalid_yaml_names_the_row(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text("machine: {id: M\nfactory: [\n")
    with pytest.raises(BomError) as info:
        read_bom(path)
    assert info.value.row is not None and "invalid YAML" in str(info.value)


def test_invalid_json_names_the_row(tmp_path):
    path = tmp_path / "bom.json"
    path.write_text('{"machine": {"id": "M",\n "name": }')
    with pytest.raises(BomError, match="invalid JSON") as info:
        read_bom(path)
    assert info.value.row == 2


def test_not_utf8(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("machine: {id: 'Maschine Größe'}".encode("cp1252"))
    with pytest.raises(BomError, match="not UTF-8"):
        read_bom(path)


def test_top_level_not_a_mapping():
    with pytest.raises(BomError, match="must be a mapping"):
        model_from_data([1, 2])


def test_negative_mass_names_file_row_and_field(tmp_path):
    path = write_yaml(tmp_path, bad(**{"items.0.children.0.mass_kg": -3}))
    with pytest.raises(BomError) as info:
        read_bom(path)
    err = info.value
    assert err.file == str(path)
    assert err.column == "items.0.children.0.mass_kg"
    assert err.row is not None and err.row > 1
    assert "greater than 0" in str(err) and "P1" in str(err)


def test_text_in_a_numeric_field(tmp_path):
    path = write_yaml(tmp_path, bad(**{"transport.0.distance_km": "far"}))
    with pytest.raises(BomError, match="a number|valid number"):
        read_bom(path)


def test_missing_required_field():
    data = copy.deepcopy(BASE)
    del data["items"][0]["children"][0]["material"]
    with pytest.raises(BomError, match="required field missing") as info:
        model_from_data(data)
    assert info.value.column.endswith("material")


def test_unknown_line_kind():
    with pytest.raises(BomError, match="kind"):
        model_from_data(bad(**{"items.0.kind": "gizmo"}))


def test_empty_assembly():
    with pytest.raises(BomError, match="no children"):
        model_from_data(bad(**{"items.0.children": []}))


def test_scrap_fraction_of_one_is_refused():
    with pytest.raises(BomError, match="less than 1"):
        model_from_data(bad(**{"items.0.children.0.scrap_fraction": 1.0}))


def test_source_row_is_reported_when_given():
    data = bad(**{"items.0.children.0.mass_kg": 0})
    data["items"][0]["children"][0]["source_row"] = 42
    with pytest.raises(BomError) as info:
        model_from_data(data)
    assert info.value.row == 42


# -- graph -----------------------------------------------------------------------------------------------------
def test_duplicate_id(tiny_background):
    data = bad(**{"items.0.children.1.id": "P1"})
    with pytest.raises(GraphError, match="duplicate id 'P1'"):
        pcf.footprint(model_from_data(data), background=tiny_background)


def test_unknown_subassembly_reference(tiny_background):
    data = copy.deepcopy(BASE)
    data["items"].append({"kind": "ref", "id": "r1", "ref": "nothing"})
    with pytest.raises(GraphError, match="unknown subassembly 'nothing'"):
        pcf.footprint(model_from_data(data), background=tiny_background)


def test_cycle_through_shared_subassemblies(tiny_background):
    data = copy.deepcopy(BASE)
    data["subassemblies"] = [
        {"kind": "assembly", "id": "X", "children": [{"kind": "ref", "id": "x-y", "ref": "Y"}]},
        {"kind": "assembly", "id": "Y", "children": [{"kind": "ref", "id": "y-x", "ref": "X"}]},
    ]
    data["items"].append({"kind": "ref", "id": "use-x", "ref": "X"})
    with pytest.raises(GraphError, match="cycle"):
        pcf.footprint(model_from_data(data), background=tiny_background)


def test_unused_subassembly_is_unreachable(tiny_background):
    data = copy.deepcopy(BASE)
    data["subassemblies"] = [{"kind": "assembly", "id": "lonely", "children": [
        {"kind": "part", "id": "lp", "material": "steel", "mass_kg": 1}]}]
    with pytest.raises(GraphError, match="not reachable"):
        pcf.footprint(model_from_data(data), background=tiny_background)


def test_unmapped_material_in_strict_mode_names_the_line(tiny_background):
    data = bad(**{"items.0.children.0.material": "unobtainium"})
    data["items"][0]["children"][0]["source_row"] = 17
    with pytest.raises(MappingError, match="cut-off criteria not met: line 'P1'") as info:
        pcf.footprint(model_from_data(data), background=tiny_background, strict=True)
    assert info.value.row == 17


def test_unknown_dataset_in_the_graph_names_the_line(tiny_background):
    from pcf.graph import build_graph

    data = bad(**{"items.0.children.0.material": "unobtainium"})
    data["items"][0]["children"][0]["source_row"] = 17
    with pytest.raises(MappingError, match="unknown dataset 'unobtainium'") as info:
        build_graph(model_from_data(data), tiny_background)
    assert info.value.row == 17


def test_unknown_grid(tiny_background):
    with pytest.raises(MappingError, match="unknown electricity dataset"):
        pcf.footprint(model_from_data(BASE), background=tiny_background, grid="grid_zz")


def test_grid_must_be_electricity(tiny_background):
    with pytest.raises(MappingError, match="not an electricity dataset"):
        pcf.footprint(model_from_data(BASE), background=tiny_background, grid="steel")


def test_incompatible_unit(tiny_background):
    data = bad(**{"items.0.children.0.processes.0.unit": "kWh"})
    with pytest.raises(UnitError, match="cannot convert 'kWh'") as info:
        pcf.footprint(model_from_data(data), background=tiny_background)
    assert "P1-mach" in str(info.value)


def test_unknown_unit(tiny_background):
    data = bad(**{"energy.0.unit": "furlongs"})
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        pcf.footprint(model_from_data(data), background=tiny_background)


# -- data ------------------------------------------------------------------------------------------------------
def test_unknown_method(tiny_background):
    with pytest.raises(DataError, match="unknown characterisation method"):
        pcf.footprint(model_from_data(BASE), background=tiny_background, method="AR4")


def test_exchange_with_unknown_flow():
    with pytest.raises(DataError, match="unknown flow 'co2_martian'"):
        make_tables(exchanges=[("steel", "biosphere", "co2_martian", 1.0)])


def test_exchange_with_unknown_input_dataset():
    with pytest.raises(DataError, match="unknown input dataset 'nothing'"):
        make_tables(exchanges=[("steel", "technosphere", "nothing", 1.0)])


def test_duplicate_dataset_key():
    tables = make_tables()
    datasets = pd.concat([tables.datasets.reset_index(drop=True)] * 2)
    with pytest.raises(DataError, match="defined more than once"):
        tables_from_frames(flows=tables.flows.reset_index(drop=True), datasets=datasets,
                           exchanges=tables.exchanges, sources=tables.sources, methods=tables.methods)


def test_lci_csv_row_errors_name_file_row_and_column(tmp_path):
    root = tmp_path / "lci"
    (root / "methods").mkdir(parents=True)
    pack = root / "packs" / "p"
    pack.mkdir(parents=True)
    (root / "flows.csv").write_text(
        "key,name,categories,unit,biosphere3_uuid,gas,ghg_class\n"
        "co2_fossil,\"Carbon dioxide, fossil\",air,kilogram,349b29d1-3e58-4c66-98b9-9d1a076efd2e,CO2,fossil\n")
    (root / "methods" / "ipcc_ar6_gwp100.csv").write_text("flow_key,factor,unit,source\nco2_fossil,1,kg,IPCC\n")
    (pack / "sources.csv").write_text("source_id,title,kind,licence\ns1,Doc,database,CC0\n")
    (pack / "datasets.csv").write_text(
        "key,name,category,unit,geography,reference_year,source_id,dq_technological,dq_geographical,dq_temporal\n"
        "steel,Steel,material,kg,GLO,2022,s1,2,2,2\n"
        "alu,Aluminium,material,kg,GLO,2022,s1,2,9,2\n")
    with pytest.raises(DataError) as info:
        load_lci_tables(root)
    assert info.value.row == 3 and info.value.column == "dq_geographical"
    assert "datasets.csv" in info.value.file


# -- the command line -------------------------------------------------------------------------------------------
def test_cli_user_error_is_one_line_and_exit_2(tmp_path, capsys):
    path = write_yaml(tmp_path, bad(**{"items.0.children.0.mass_kg": -3}))
    code = main(["footprint", str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err + captured.out
    assert "error:" in captured.err and "mass_kg" in captured.err


def test_cli_missing_file_exit_2(capsys):
    assert main(["footprint", "does-not-exist.yaml"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_error_json_is_not_written_on_failure(tmp_path):
    out = tmp_path / "r.json"
    assert main(["footprint", "missing.yaml", "--json", str(out)]) == 2
    assert not out.exists()


def test_cli_unwritable_output_is_a_clean_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["schema", "--out", str(blocker / "sub" / "schema.json")]) == 2
    captured = capsys.readouterr()
    assert "error:" in captured.err and "Traceback" not in captured.err


def test_cli_broken_lci_data_is_a_clean_error(tmp_path, capsys, monkeypatch):
    (tmp_path / "flows.csv").write_text("key,name\nco2_fossil\n")
    monkeypatch.setenv("PCF_LCI_DATA", str(tmp_path))
    from pcf.data.background import default_background

    default_background.cache_clear()
    try:
        assert main(["data", "list"]) == 2
    finally:
        default_background.cache_clear()
    assert "flows.csv" in capsys.readouterr().err


def test_a_machine_error_is_labelled_as_the_machine(tmp_path):
    path = write_yaml(tmp_path, {"machine": {"id": "M"}, "factory": {"electricity": "grid_a"},
                                 "items": [{"kind": "part", "id": "P", "material": "steel", "mass_kg": 1}]})
    with pytest.raises(BomError, match="machine 'M': required field missing") as info:
        read_bom(path)
    assert info.value.column == "machine.name" and info.value.row == 2  # the line of the machine mapping


# -- uncertainty (docs/uncertainty.md) -------------------------------------------------------------------------
def test_bad_uncertainty_csv_rows_name_file_row_and_column(tmp_path, tiny_background):
    from pcf.uncertainty.background import load_stated_ranges, uncertain_background

    pack = tmp_path / "packs" / "p"
    pack.mkdir(parents=True)
    head = "dataset,kind,input,low,high,basis\n"
    for row, message, column in [("steel,biosphere,co2_fossil,a,4,x", "are not numbers", "low"),
                                 ("steel,biosphere,co2_fossil,4,1,x", "is not a positive interval", "low"),
                                 ("steel,air,co2_fossil,1,4,x", "kind 'air'", "kind")]:
        (pack / "uncertainty.csv").write_text(head + row + "\n", encoding="utf-8")
        with pytest.raises(DataError, match=message) as info:
            load_stated_ranges(["p"], root=tmp_path)
        assert info.value.row == 2 and info.value.column == column and info.value.file.endswith("uncertainty.csv")
    (pack / "uncertainty.csv").write_text("dataset,kind,input,low\nsteel,biosphere,co2_fossil,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column 'high'"):
        load_stated_ranges(["p"], root=tmp_path)
    # steel emits 2 kg CO2 per kg (conftest): a range that does not contain it, or names no exchange, is refused
    for low, high, dataset, message in [(3.0, 6.0, "steel", "does not contain the exchange's amount 2"),
                                        (1.0, 4.0, "steel", "which has no such exchange")]:
        flow = "co2_fossil" if message.startswith("does") else "co2_luc"
        (pack / "uncertainty.csv").write_text(f"{head}{dataset},biosphere,{flow},{low},{high},x\n", encoding="utf-8")
        ranges = load_stated_ranges(["p"], root=tmp_path)
        with pytest.raises(DataError, match=message) as info:
            uncertain_background(tiny_background, ranges=ranges)
        assert info.value.row == 2 and info.value.column in ("low", "input")


def test_a_triangular_spread_must_contain_the_stated_value(tiny_background):
    from pcf.graph import build_graph
    from pcf.uncertainty.foreground import foreground_spreads

    data = bad(**{"items.0.children.0.uncertainty": {"distribution": "triangular", "range": [5.0, 9.0]}})  # P1: 3 kg
    graph = build_graph(model_from_data(data), tiny_background)
    with pytest.raises(BomError, match=r"triangular range \[5, 9\] does not contain the stated value") as info:
        foreground_spreads(graph)
    assert info.value.expected == "a range around the stated value (the mode)"


def test_a_bad_gsd_in_a_spreadsheet_names_row_and_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("level,id,name,material,mass,qty,GSD\n1,P1,Plate,steel,10,2,150\n", encoding="utf-8")
    with pytest.raises(BomError, match="geometric standard deviation 150 is outside 1-100") as info:
        read_bom(path)
    assert (info.value.row, info.value.column) == (2, "GSD")


def test_an_unsolvable_background_draw_is_a_solve_error(tiny_background):
    """grid_a needs truck transport and the truck grid_a electricity (conftest): with both at 1 per unit the loop
    never ends and I - T is singular."""
    import dataclasses

    import numpy as np

    from pcf.errors import SolveError
    from pcf.methods import get_method
    from pcf.uncertainty.background import uncertain_background
    from pcf.uncertainty.montecarlo import sample_background

    ub = uncertain_background(tiny_background)
    index = tiny_background.index
    loop = np.zeros(len(ub.tech_data), dtype=bool)
    rows, cols = ub.tech_indices["row"] - ub.tech_indices["row"].min(), ub.tech_indices["col"] - ub.tech_indices[
        "col"].min()
    for a, b in (("truck", "grid_a"), ("grid_a", "truck")):
        loop |= (rows == index(a)) & (cols == index(b))
    assert loop.sum() == 2
    broken = dataclasses.replace(ub, tech_data=np.where(loop, 1.0, ub.tech_data))
    with pytest.raises(SolveError, match="a Monte Carlo draw of the background is singular"):
        sample_background(broken, tiny_background, get_method(tiny_background.tables, "AR6"),
                          [index("grid_a")], iterations=2, seed=0, with_distributions=False)
