"""Spreadsheet BOMs: the ERP export, the template and the YAML give the same footprint; every malformed input gives
an error naming file, row and column; random tables never give an unexpected exception."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pcf
from pcf.bom import read_bom
from pcf.bom.tabular import read_table_bom
from pcf.errors import BomError, PcfError

ROOT = Path(__file__).resolve().parents[1]
BOMS = ROOT / "bill_of_materials"

HEADER = ["level", "id", "name", "qty", "uom", "material", "weight (kg)"]
META = ["# machine.id: T1", "# machine.name: Test rig", "# factory.electricity: grid_a"]


def write_csv(path: Path, rows, *, header=HEADER, meta=META, encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as handle:
        for line in meta:
            handle.write(line + "\n")
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


GOOD = [
    [1, "A", "Frame", 2, "pcs", "", ""],
    [2, "P1", "Side panel", 2, "pcs", "steel", 3],
    [2, "C1", "Motor", 1, "pcs", "motor", ""],
    [1, "P2", "Bracket", 4, "pcs", "aluminium", 0.5],
]


@pytest.fixture(scope="module")
def shipped_results():
    return {name: pcf.footprint(BOMS / name) for name in
            ("formation_grading_machine.yaml", "bom_template.xlsx", "formation_grading_machine_erp.xlsx")}


def test_erp_export_template_and_yaml_give_the_same_result(shipped_results):
    yaml_result = shipped_results["formation_grading_machine.yaml"]
    for name in ("bom_template.xlsx", "formation_grading_machine_erp.xlsx"):
        other = shipped_results[name]
        assert other.total_kg_co2e == pytest.approx(yaml_result.total_kg_co2e, rel=1e-9), name
        for stage, value in yaml_result.by_stage.items():
            assert other.by_stage[stage] == pytest.approx(value, rel=1e-9, abs=1e-9), (name, stage)
        assert other.mass["rolled_up_kg"] == pytest.approx(yaml_result.mass["rolled_up_kg"], rel=1e-12)


def test_erp_export_maps_chinese_material_texts(shipped_results):
    intake = shipped_results["formation_grading_machine_erp.xlsx"].intake
    texts = intake[intake["method"] == "table"]["given"]
    assert len(texts) > 0, "the ERP example should use material texts from the mapping table"
    assert (intake["status"] != "unmapped").all()


def test_the_intake_report_accounts_for_every_input_line(shipped_results):
    path = BOMS / "formation_grading_machine_erp.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    counted = 0
    for sheet, header_rows in (("物料清单", 2), ("工艺", 1), ("包装", 1), ("运输", 1), ("能源", 1)):
        counted += sum(1 for row in book[sheet].iter_rows(values_only=True)
                       if any(v not in (None, "") for v in row)) - header_rows
    intake = shipped_results["formation_grading_machine_erp.xlsx"].intake
    assert len(intake) == counted
    assert intake["line_id"].is_unique


def test_csv_with_level_numbers(tmp_path, tiny_background):
    path = write_csv(tmp_path / "bom.csv", GOOD)
    result = pcf.footprint(path, background=tiny_background)
    steel, aluminium, motor = 2.0 + 0.01 * 29.8, 8.5, 3 * 2.298 + 8.5
    assert result.total_kg_co2e == pytest.approx(2 * (2 * 3 * steel + motor) + 4 * 0.5 * aluminium, rel=1e-9)
    kinds = dict(zip(result.intake["line_id"], result.intake["kind"]))
    assert kinds == {"A": "assembly", "P1": "part", "C1": "component", "P2": "part"}


def test_dotted_levels_and_german_headers_in_cp1252_with_decimal_commas(tmp_path, tiny_background):
    header = ["Stufe", "Position", "Bezeichnung", "Menge", "ME", "Werkstoff", "Gewicht [g]"]
    rows = [[".1", "A", "Rahmen Größe 2", "2", "ST", "", ""],
            ["..2", "P1", "Seitenblech", "2", "ST", "steel", "3000"],
            ["..2", "P3", "Blech verzinkt", "1,5", "ST", "steel", "1000,5"]]
    path = write_csv(tmp_path / "bom.csv", rows, header=header, encoding="cp1252", delimiter=";")
    system = read_bom(path)
    frame = system.items[0]
    assert frame.name == "Rahmen Größe 2"
    assert frame.children[1].quantity == pytest.approx(1.5)
    assert frame.children[1].mass_kg == pytest.approx(1.0005)
    assert frame.children[0].source_row == 6  # 3 metadata lines, the header, then rows


def test_gbk_csv_with_chinese_headers(tmp_path):
    header = ["层级", "物料编码", "名称", "数量", "单位", "材料", "单重(kg)"]
    rows = [[1, "A", "机架", 1, "个", "", ""], [2, "P1", "冷轧钢板侧板", 2, "件", "steel", 3.5]]
    meta = ["# 设备编号: T2", "# 型号: 测试机", "# 电网: grid_a"]
    path = write_csv(tmp_path / "bom.csv", rows, header=header, meta=meta, encoding="gbk")
    system = read_bom(path)
    assert system.machine.name == "测试机"
    assert system.items[0].children[0].name == "冷轧钢板侧板"
    assert system.items[0].children[0].mass_kg == pytest.approx(3.5)


def test_parent_column_instead_of_levels(tmp_path, tiny_background):
    header = ["id", "parent", "name", "qty", "material", "weight"]
    rows = [["A", "", "Frame", 2, "", ""], ["P1", "A", "Panel", 2, "steel", 3]]
    path = write_csv(tmp_path / "bom.csv", rows, header=header)
    result = pcf.footprint(path, background=tiny_background)
    assert result.total_kg_co2e == pytest.approx(2 * 2 * 3 * 2.298, rel=1e-9)


def test_process_rows_under_a_part(tmp_path, tiny_background):
    rows = [[1, "P1", "Shaft", 1, "pcs", "steel", 10], [2, "P1-m", "turning", 2, "kg", "machining", ""]]
    path = write_csv(tmp_path / "bom.csv", rows)
    result = pcf.footprint(path, background=tiny_background)
    part = result.intake.set_index("line_id")
    assert part.loc["P1-m", "kind"] == "process"
    assert result.by_stage["production"] > 0


# -- malformed inputs: each names the row (and column where there is one) ----------------------------------------
def expect_error(path, match, *, row=None, column=None):
    with pytest.raises(BomError, match=match) as info:
        read_bom(path)
    assert info.value.file == str(path)
    if row is not None:
        assert info.value.row == row
    if column is not None:
        assert info.value.column == column
    return info.value


def test_missing_level_column(tmp_path):
    path = write_csv(tmp_path / "b.csv", [["P1", "x", 1]], header=["id", "name", "qty"])
    expect_error(path, "no level or parent column", row=4)


def test_text_in_a_numeric_cell(tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "P1", "x", "two", "pcs", "steel", 1]])
    expect_error(path, "'two' is not a number", row=5, column="qty")


@pytest.mark.parametrize("qty", [0, -1])
def test_zero_or_negative_quantity(tmp_path, qty):
    path = write_csv(tmp_path / "b.csv", [[1, "P1", "x", qty, "pcs", "steel", 1]])
    expect_error(path, "not positive", row=5, column="qty")


def test_negative_mass_is_refused_with_its_row(tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "P1", "x", 1, "pcs", "steel", -1]])
    expect_error(path, "greater than 0", row=5)


def test_unknown_unit(tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "P1", "x", 1, "pcs", "steel", 1]],
                     header=["level", "id", "name", "qty", "uom", "material", "weight (stone)"])
    expect_error(path, "unknown unit 'stone'", row=5)


def test_duplicate_ids(tmp_path, tiny_background):
    path = write_csv(tmp_path / "b.csv", [[1, "P1", "x", 1, "pcs", "steel", 1], [1, "P1", "y", 1, "pcs", "steel", 1]])
    with pytest.raises(PcfError, match="duplicate id 'P1'") as info:
        pcf.footprint(path, background=tiny_background)
    assert info.value.row == 6


def test_parent_cycle(tmp_path):
    header = ["id", "parent", "name", "qty", "material", "weight"]
    rows = [["A", "B", "a", 1, "", ""], ["B", "A", "b", 1, "", ""], ["P", "A", "p", 1, "steel", 1]]
    path = write_csv(tmp_path / "b.csv", rows, header=header)
    expect_error(path, "cycle", row=5, column="parent")


def test_orphan_level_jump(tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "A", "a", 1, "pcs", "", ""], [3, "P", "p", 1, "pcs", "steel", 1]])
    expect_error(path, "level jumps from 1 to 3", row=6, column="level")


def test_empty_sheet(tmp_path):
    path = tmp_path / "b.xlsx"
    openpyxl.Workbook().save(path)
    expect_error(path, "no BOM sheet with rows")


def test_empty_csv(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("# machine.id: x\n")
    expect_error(path, "no table")


def test_corrupted_xlsx(tmp_path):
    path = tmp_path / "b.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    expect_error(path, "not a readable .xlsx workbook")


def test_a_materials_only_bom_needs_no_factory_grid(tmp_path, tiny_background):
    path = write_csv(tmp_path / "b.csv", GOOD, meta=["# machine.id: x"])
    result = pcf.footprint(path, background=tiny_background)
    steel, aluminium, motor = 2.0 + 0.01 * 29.8, 8.5, 3 * 2.298 + 8.5
    assert result.total_kg_co2e == pytest.approx(2 * (2 * 3 * steel + motor) + 4 * 0.5 * aluminium, rel=1e-9)
    assert result.grid is None


def test_without_a_factory_grid_a_line_that_needs_one_is_named(tmp_path, tiny_background):
    rows = GOOD + [[2, "P2-m", "Milling", 0.1, "kg", "machining", ""]]
    path = write_csv(tmp_path / "b.csv", rows, meta=["# machine.id: x"])
    with pytest.raises(PcfError, match="line 'P2-m' \\(machining\\) uses electricity at the maker's factory") as info:
        pcf.footprint(path, background=tiny_background)
    assert info.value.row == 7 and info.value.column == "factory.electricity"  # 1 meta line, header, 4 rows


def test_a_large_csv_is_read_with_bounded_memory(tmp_path):
    rows = [[1, f"P{i}", "bolt", 1, "pcs", "steel", 0.01] for i in range(200_000)]
    path = write_csv(tmp_path / "big.csv", rows)
    code = (
        "import resource, sys; from pcf.bom.tabular import read_table_bom; "
        f"d = read_table_bom({str(path)!r}); "
        "print(len(d['items']), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    lines, peak_mb = int(out[0]), int(out[1])
    assert lines == 200_000
    # the file is about 6 MB; reading keeps one small dict per line, far from an unbounded copy of the workbook
    assert peak_mb < 1500, f"peak {peak_mb} MB"


# -- property-based: random tables never give an unexpected exception ---------------------------------------------
cells = st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True),
                  st.text(max_size=8), st.sampled_from(["", "1", "..2", "kg", "pcs", "steel", "1,5", "x"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(HEADER + ["parent", "kind", "foo", "数量", "Gewicht [g]", "层级"]),
                       min_size=1, max_size=8),
       rows=st.lists(st.lists(cells, max_size=9), max_size=8))
def test_random_tables_give_only_pcf_errors(tmp_path, header, rows):
    path = tmp_path / "random.csv"
    write_csv(path, rows, header=header)
    try:
        data = read_table_bom(path)
        pcf.bom.model_from_data(data, source=str(path))
    except PcfError:
        pass


# -- spreadsheets are read fully and literally ----------------------------------------------------------------------
def _workbook(path: Path, *, bom_rows=GOOD, extra=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "bom"
    sheet.append(HEADER)
    for row in bom_rows:
        sheet.append(row)
    machine = book.create_sheet("machine")
    for key, value in (("machine.id", "T1"), ("machine.name", "Test rig"), ("factory.electricity", "grid_a")):
        machine.append([key, value])
    if extra:
        extra(book)
    book.save(path)
    return path


def _energy_sheet(book, title, kwh, hidden=False):
    sheet = book.create_sheet(title)
    sheet.append(["id", "dataset", "qty", "uom"])
    sheet.append([f"E-{title}", "electricity_factory", kwh, "kWh"])
    if hidden:
        sheet.sheet_state = "hidden"


def test_rows_beyond_a_stale_dimension_tag_are_read(tmp_path, tiny_background):
    import re
    import zipfile

    path = _workbook(tmp_path / "b.xlsx")
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:G2"/>', data)
            dst.writestr(item, data)
    assert b'ref="A1:G2"' in zipfile.ZipFile(stale).read("xl/worksheets/sheet1.xml")
    full = pcf.footprint(read_bom(path), background=tiny_background)
    assert pcf.footprint(read_bom(stale), background=tiny_background).total_kg_co2e == \
        pytest.approx(full.total_kg_co2e, rel=1e-12)


def test_a_hidden_sheet_is_not_read(tmp_path):
    path = _workbook(tmp_path / "b.xlsx", extra=lambda book: (_energy_sheet(book, "energy", 100),
                                                             _energy_sheet(book, "Energie", 99999, hidden=True)))
    data = read_table_bom(path)
    assert [e["amount"] for e in data["energy"]] == [100]


def test_two_visible_sheets_of_one_role_are_refused(tmp_path):
    path = _workbook(tmp_path / "b.xlsx", extra=lambda book: (_energy_sheet(book, "energy", 100),
                                                             _energy_sheet(book, "Energie", 50)))
    expect_error(path, "two sheets hold the energy table: 'energy' and 'Energie'")


def test_a_formula_without_a_saved_value_is_refused_with_its_cell(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[1][6] = "=2*1.5"  # openpyxl writes formulas without cached values
    path = _workbook(tmp_path / "b.xlsx", bom_rows=rows)
    err = expect_error(path, r"cell bom!G3 holds the formula =2\*1.5 without a saved value", row=3)
    assert err.column == "weight (kg)"


def test_an_empty_quantity_cell_is_refused_not_read_as_one(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[1][3] = None
    expect_error(_workbook(tmp_path / "b.xlsx", bom_rows=rows), "empty cell", row=3, column="qty")


def test_a_model_error_names_the_sheet_and_the_column_header_not_the_field_path(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[1][6] = -3  # a negative weight: caught by the model, not the reader
    err = expect_error(_workbook(tmp_path / "b.xlsx", bom_rows=rows), "greater than 0", row=3)
    assert err.column == "bom: weight (kg)"


_NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**15, 10**15),
                     st.sampled_from(["inf", "-inf", "nan", "1e400", "1e300", "0", "-1", "2,5", "true"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qty=_NUMBERS, mass=_NUMBERS)
def test_any_number_gives_a_finite_total_or_a_clear_error(tmp_path, tiny_background, qty, mass):
    path = write_csv(tmp_path / "p.csv", [[1, "P1", "plate", qty, "pcs", "steel", mass]])
    try:
        result = pcf.footprint(read_bom(path), background=tiny_background, allow_gaps=True)
    except PcfError as exc:
        assert exc.file == str(path)
        return
    assert np.isfinite(result.total_kg_co2e) and result.total_kg_co2e >= 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(1, 50), st.floats(0.001, 1e6, allow_nan=False),
                               st.sampled_from(["steel", "aluminium", "motor"])), min_size=1, max_size=8))
def test_a_workbook_and_its_csv_export_give_the_same_machine(tmp_path, rows):
    table = [[1, f"P{i}", f"line {i}", qty, "pcs", material, mass] for i, (qty, mass, material) in enumerate(rows)]
    xlsx = _workbook(tmp_path / "b.xlsx", bom_rows=table)
    csv_path = write_csv(tmp_path / "b.csv", table)
    from_xlsx, from_csv = read_table_bom(xlsx), read_table_bom(csv_path)
    assert len(from_xlsx["items"]) == len(from_csv["items"])
    for a, b in zip(from_xlsx["items"], from_csv["items"]):
        assert a.keys() == b.keys()
        for key in a.keys() - {"source_file", "source_row"}:
            if isinstance(a[key], float):  # a workbook keeps 15 significant digits (as Excel does), a CSV 17
                assert a[key] == pytest.approx(b[key], rel=1e-14), key
            else:
                assert a[key] == b[key], key


# -- one quantity for emissions and mass (issue 12 C) -----------------------------------------------------------------
KIND_HEADER = ["level", "id", "name", "kind", "qty", "uom", "material", "weight (kg)"]


def test_a_component_in_kg_with_a_contradicting_mass_column_is_refused(tmp_path):
    path = write_csv(tmp_path / "b.csv", [[1, "C1", "Motor", "component", 1, "kg", "aluminium", 29_400_000]],
                     header=KIND_HEADER)
    error = expect_error(path, "quantity 1 kg and mass 2.94e\\+07 kg contradict each other", row=5,
                         column="weight (kg)")
    assert "'qty' says 1 kg" in error.message


@pytest.mark.parametrize("mass", [2, 1])  # the total or the mass per kg: both repeat the quantity
def test_a_component_in_kg_with_a_mass_column_that_agrees_uses_the_quantity_once(tmp_path, tiny_background, mass):
    path = write_csv(tmp_path / "b.csv", [[1, "C1", "Block", "component", 2, "kg", "aluminium", mass],
                                          [1, "P1", "Plate", "part", 1, "pcs", "steel", 3]], header=KIND_HEADER)
    result = pcf.footprint(path, background=tiny_background)
    # 2 kg of aluminium (8.5 kg CO2e/kg) + 3 kg of steel (2.298): emissions and roll-up both count 2 kg, not 2 x 2
    assert result.total_kg_co2e == pytest.approx(2 * 8.5 + 3 * (2.0 + 0.01 * 29.8), rel=1e-9)
    assert result.mass["rolled_up_kg"] == pytest.approx(5.0, rel=1e-12)


def test_declared_mass_includes_packaging_is_read_from_the_machine_data(tmp_path):
    meta = META + ["# machine.declared_mass_kg: 25", "# machine.declared_mass_includes_packaging: yes"]
    path = write_csv(tmp_path / "b.csv", GOOD, meta=meta)
    system = read_bom(path)
    assert system.machine.declared_mass_includes_packaging is True
    bad = write_csv(tmp_path / "c.csv", GOOD, meta=META + ["# machine.declared_mass_includes_packaging: maybe"])
    expect_error(bad, "'maybe' is not yes or no", row=4)


def test_pcf_map_shows_an_ambiguous_line_with_its_candidates(tmp_path, capsys):
    from pcf.cli import main

    rows = [[1, "P1", "Frame", 1, "pcs", "Q235", 100], [1, "P2", "Mixed", 1, "pcs", "Metals (steel, aluminum)", 0.5]]
    path = write_csv(tmp_path / "b.csv", rows, meta=["# machine.id: x"])
    assert main(["map", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ambiguous" in out and "? steel_hot_rolled" in out
    # modelled with its highest-emitting candidate, as a proxy (issue 12: the conservative default)
    assert "modelled as aluminium_primary_global" in out
