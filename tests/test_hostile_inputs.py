"""Hostile and broken inputs: each is refused with exit code 2 and a message naming the file and row, or written
safely; nothing is silently changed and no output file is left behind."""

from __future__ import annotations

import json
import os
import stat

import openpyxl
import pytest

from pcf.cli import main

GOOD = """machine: {id: M1, name: test machine}
factory: {electricity: electricity_cn_footprint_2024}
items:
  - {kind: part, id: frame, material: steel_cn, mass_kg: 10, quantity: 2}
"""


def _run(tmp_path, capsys, text: str, suffix: str = ".yaml", extra=()):
    bom = tmp_path / f"bom{suffix}"
    bom.write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    code = main(["footprint", str(bom), "--json", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.err, out, bom


YAML_CASES = {
    "duplicate key (last would win)": (GOOD.replace("quantity: 2}", "quantity: 2, quantity: 3}"), 4, "twice"),
    "duplicate top-level key": (GOOD + "machine: {id: M2, name: other}\n", 5, "twice"),
    "infinite mass": (GOOD.replace("mass_kg: 10", "mass_kg: .inf"), 4, "not finite"),
    "nan quantity": (GOOD.replace("quantity: 2", "quantity: .nan"), 4, "not finite"),
    "overflowing float": (GOOD.replace("mass_kg: 10", "mass_kg: 1.0e400"), 4, "not finite"),
    "boolean quantity": (GOOD.replace("quantity: 2", "quantity: true"), 4, "not true/false"),
    "huge magnitude as text": (GOOD.replace("mass_kg: 10", "mass_kg: 1e300"), 4, "largest magnitude"),
    "huge magnitude": (GOOD.replace("mass_kg: 10", "mass_kg: 1.0e13"), 4, "largest magnitude"),
    "id of 10,000 characters": (GOOD.replace("id: frame", "id: " + "x" * 10_000), 4, "at most 200"),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_hostile_yaml_is_refused_with_file_and_row(case, tmp_path, capsys):
    text, row, words = YAML_CASES[case]
    code, err, out, bom = _run(tmp_path, capsys, text)
    assert code == 2, err
    assert str(bom) in err and f"row {row}" in err and words in err
    assert "Traceback" not in err
    assert not out.exists()


def test_yaml_alias_bomb_is_refused_quickly(tmp_path, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, "
              f"*a{i-1}]" for i in range(1, 9)]  # 10**9 nodes once expanded, from < 1 KB
    code, err, out, bom = _run(tmp_path, capsys, "\n".join(lines) + "\n")
    assert code == 2 and "expands to more than" in err and str(bom) in err
    assert not out.exists()


JSON_CASES = {
    "1e400": ('{"machine": {"id": "M", "name": "m", "declared_mass_kg": 1e400}}', "out of range"),
    "NaN": ('{"machine": {"id": "M", "name": "m", "declared_mass_kg": NaN}}', "NaN is not a number"),
    "Infinity": ('{"machine": {"id": "M", "name": "m", "declared_mass_kg": -Infinity}}', "Infinity is not a number"),
    "duplicate key": ('{"machine": {"id": "M", "id": "N", "name": "m"}}', "duplicate key 'id'"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_hostile_json_is_refused(case, tmp_path, capsys):
    text, words = JSON_CASES[case]
    code, err, out, bom = _run(tmp_path, capsys, text, suffix=".json")
    assert code == 2 and words in err and str(bom) in err
    assert not out.exists()


def test_input_larger_than_the_limit_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PCF_MAX_INPUT_MB", "0.0001")  # about 100 bytes
    code, err, out, _ = _run(tmp_path, capsys, GOOD)
    assert code == 2 and "larger than the limit" in err and "PCF_MAX_INPUT_MB" in err
    assert not out.exists()


def test_a_directory_is_not_a_bom(tmp_path, capsys):
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert main(["footprint", str(folder)]) == 2
    err = capsys.readouterr().err
    assert str(folder) in err and "Traceback" not in err


def test_the_result_json_is_strict_json(tmp_path, capsys):
    code, err, out, _ = _run(tmp_path, capsys, GOOD)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    document = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the result JSON"))
    assert document["total_kg_co2e"] > 0


def test_formula_like_names_stay_text_in_the_workbook_and_the_intake_csv(tmp_path, capsys):
    text = GOOD.replace("id: frame", "id: '=HYPERLINK(\"http://x\",\"y\")', name: '@SUM(A1)'")
    bom = tmp_path / "bom.yaml"
    bom.write_text(text, encoding="utf-8")
    assert main(["report", str(bom), "--out", str(tmp_path / "report")]) == 0, capsys.readouterr().err
    book = openpyxl.load_workbook(tmp_path / "report" / "cfp_report.xlsx")
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or "@SUM" in c.value)]
    assert texts, "the line's id and name should appear in the workbook"
    assert all(c.data_type == "s" for c in texts)
    intake = tmp_path / "intake.csv"
    assert main(["map", str(bom), "--out", str(intake)]) == 0
    body = intake.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in body and "'@SUM(A1)" in body
    assert ",=HYPERLINK" not in body and ",@SUM" not in body


def test_the_cache_folder_is_private_and_must_be_ours(tmp_path, monkeypatch):
    from pcf._brightway import cache_dir
    from pcf.errors import DataError

    shared = tmp_path / "cache"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    monkeypatch.setenv("PCF_CACHE_DIR", str(shared))
    assert stat.S_IMODE(cache_dir().stat().st_mode) == 0o700
    if os.getuid() == 0:  # root owns whatever it creates; a foreign owner needs a chown
        foreign = tmp_path / "foreign"
        foreign.mkdir()
        os.chown(foreign, 12345, 12345)
        monkeypatch.setenv("PCF_CACHE_DIR", str(foreign))
        with pytest.raises(DataError, match="another user"):
            cache_dir()


def test_a_report_run_replaces_the_whole_previous_set_and_a_failed_one_leaves_it_intact(tmp_path, capsys,
                                                                                          monkeypatch):
    bom = tmp_path / "bom.yaml"
    bom.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "report"
    out.mkdir()
    (out / "cfp_report.pdf").write_bytes(b"%PDF an older report")
    (out / "notes.txt").write_text("the user's own file", encoding="utf-8")
    assert main(["report", str(bom), "--out", str(out)]) == 0, capsys.readouterr().err
    assert not (out / "cfp_report.pdf").exists(), "a PDF of an earlier run must not sit beside the new report"
    assert (out / "notes.txt").exists()
    first = (out / "result.json").read_text(encoding="utf-8")

    def broken_workbook(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pcf.report.write_workbook", broken_workbook)
    bom.write_text(GOOD.replace("mass_kg: 10", "mass_kg: 20"), encoding="utf-8")
    assert main(["report", str(bom), "--out", str(out)]) == 2
    assert (out / "result.json").read_text(encoding="utf-8") == first  # the previous, complete set is untouched
    assert sorted(p.name for p in out.iterdir()) == ["cfp_report.html", "cfp_report.xlsx", "notes.txt",
                                                      "result.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]  # no scratch folder left


def _cache_files(monkeypatch, tmp_path):
    from pcf.data.background import compile_background
    from pcf.data.tables import load_lci_tables

    monkeypatch.setenv("PCF_CACHE_DIR", str(tmp_path / "cache"))
    tables = load_lci_tables()
    from pcf.data import background as bg_module

    bg_module._compile_cached.cache_clear()
    first = compile_background(tables)
    npz = sorted((tmp_path / "cache").glob("background-*.npz"))
    meta = sorted((tmp_path / "cache").glob("background-*.json"))
    assert len(npz) == 1 and len(meta) == 1
    return tables, first, npz[0], meta[0], bg_module


def test_the_background_cache_holds_no_code_and_an_altered_one_is_rebuilt(tmp_path, monkeypatch, caplog):
    import logging

    import numpy as np

    tables, first, npz, meta, bg_module = _cache_files(monkeypatch, tmp_path)
    assert not list((tmp_path / "cache").glob("*.pkl"))
    with np.load(npz, allow_pickle=False) as arrays:  # plain arrays only: loading runs no code
        assert set(arrays.files) >= {"cumulative", "fe", "spend"}
    # halve the matrix (a forged cache): its recorded hash no longer matches, so it is rebuilt, not used
    with np.load(npz, allow_pickle=False) as arrays:
        forged = {name: arrays[name] for name in arrays.files}
    forged["cumulative"] = forged["cumulative"] / 2
    np.savez(npz, **forged)
    bg_module._compile_cached.cache_clear()
    with caplog.at_level(logging.WARNING, logger="pcf"):
        again = bg_module.compile_background(tables)
    assert np.array_equal(again.cumulative, first.cumulative)
    assert any("background cache" in r.getMessage() and "solved again" in r.getMessage() for r in caplog.records)
    # a truncated file is rebuilt too
    npz.write_bytes(npz.read_bytes()[:100])
    bg_module._compile_cached.cache_clear()
    assert np.array_equal(bg_module.compile_background(tables).cumulative, first.cumulative)
    bg_module._compile_cached.cache_clear()


def test_verify_recomputes_from_lci_data_and_never_trusts_the_cache(tmp_path, monkeypatch, capsys):
    import json as _json

    import numpy as np

    tables, first, npz, meta, bg_module = _cache_files(monkeypatch, tmp_path)
    bom = tmp_path / "bom.yaml"
    bom.write_text(GOOD, encoding="utf-8")
    result = tmp_path / "result.json"
    assert main(["footprint", str(bom), "--json", str(result)]) == 0
    # forge the cache consistently (arrays and their recorded hash): a footprint run would now use it ...
    with np.load(npz, allow_pickle=False) as arrays:
        forged = {name: arrays[name] / 2 if name == "cumulative" else arrays[name] for name in arrays.files}
    np.savez(npz, **forged)
    import hashlib

    record = _json.loads(meta.read_text())
    record["npz_sha256"] = hashlib.sha256(npz.read_bytes()).hexdigest()
    meta.write_text(_json.dumps(record))
    bg_module._compile_cached.cache_clear()
    assert np.allclose(bg_module.compile_background(tables).cumulative, first.cumulative / 2)  # the forgery is read
    bg_module._compile_cached.cache_clear()
    capsys.readouterr()
    # ... but verify solves lci_data afresh: the genuine result is confirmed
    assert main(["verify", str(result)]) == 0, capsys.readouterr().out
    bg_module._compile_cached.cache_clear()


# -- no silent coercion, omissions are loud ---------------------------------------------------------------------------
ENERGY = GOOD + """energy:
  - {id: assembly, dataset: electricity_factory, amount: 500, unit: kWh}
  - {id: heat-recovered, dataset: electricity_factory, amount: AMOUNT, unit: kWh, credit: true}
"""


def test_an_energy_credit_larger_than_the_energy_used_is_refused_unless_allowed(tmp_path, capsys):
    code, err, out, bom = _run(tmp_path, capsys, ENERGY.replace("AMOUNT", "100000"))
    assert code == 2 and "credits of 100,000 kWh exceed the 500 kWh the machine uses" in err
    assert str(bom) in err and "row 7" in err and not out.exists()
    code, err, out, _ = _run(tmp_path, capsys, ENERGY.replace("AMOUNT", "100000"), extra=["--allow-net-credit"])
    assert code == 0 and json.loads(out.read_text())["total_kg_co2e"] < 0  # accepted when asked for
    code, err, out, _ = _run(tmp_path, capsys, ENERGY.replace("AMOUNT", "200"))
    assert code == 0, err  # a credit within the use is normal


def test_an_energy_line_pointing_at_steel_is_refused(tmp_path, capsys):
    text = GOOD + "energy:\n  - {id: e1, dataset: steel_cn, amount: 10, unit: kg}\n"
    code, err, out, bom = _run(tmp_path, capsys, text)
    assert code == 2 and "energy lines cannot use 'steel_cn', a material dataset" in err and "row 6" in err


def test_a_large_omission_fails_unless_accepted(tmp_path, capsys):
    text = GOOD + "  - {kind: part, id: mystery, material: unobtainium, mass_kg: 100}\n"
    code, err, out, bom = _run(tmp_path, capsys, text)
    assert code == 2 and "leaves out too much of the machine" in err and "mystery" in err
    assert not out.exists()
    code, err, out, _ = _run(tmp_path, capsys, text, extra=["--allow-gaps"])
    assert code == 0 and out.exists()
    assert "warning:" in err  # warnings go to stderr


def test_a_declared_mass_far_from_the_lines_fails_unless_accepted(tmp_path, capsys):
    text = GOOD.replace("name: test machine}", "name: test machine, declared_mass_kg: 50}")
    code, err, out, _ = _run(tmp_path, capsys, text)
    assert code == 2 and "20.0 kg against a declared 50.0 kg" in err
    assert _run(tmp_path, capsys, text, extra=["--allow-gaps"])[0] == 0


def _csv_bom(tmp_path, rows: str):
    """A CSV BOM with the machine lines and header of these tests, and `rows` (CSV text) below the header."""
    bom = tmp_path / "bom.csv"
    bom.write_text("# machine.id: M\n# machine.name: m\n# factory.electricity: electricity_cn_footprint_2024\n"
                   "level,id,name,qty,uom,material,weight (kg)\n" + rows, encoding="utf-8")
    return bom


@pytest.mark.parametrize("cell, words", [("2.9", "not a whole level"), ("inf", "not a whole level")])
def test_a_non_integral_level_is_refused(cell, words, tmp_path, capsys):
    bom = _csv_bom(tmp_path, f"1,A,frame,1,pcs,,\n{cell},P1,plate,1,pcs,steel_cn,3\n")
    assert main(["footprint", str(bom)]) == 2
    err = capsys.readouterr().err
    assert words in err and "row 6" in err and "level" in err


@pytest.mark.parametrize("value, words", [("inf", "not a finite number"), ("1e400", "not a finite number")])
def test_a_non_finite_spreadsheet_number_is_refused(value, words, tmp_path, capsys):
    bom = _csv_bom(tmp_path, f"1,P1,plate,1,pcs,steel_cn,{value}\n")
    assert main(["footprint", str(bom)]) == 2
    err = capsys.readouterr().err
    assert words in err and "row 5" in err


def test_a_part_counted_in_kwh_is_refused(tmp_path, capsys):
    bom = _csv_bom(tmp_path, "1,P1,plate,5,kWh,steel_cn,3\n")
    assert main(["footprint", str(bom)]) == 2
    assert "a part cannot be counted in 'kWh'" in capsys.readouterr().err


def test_verify_on_a_spreadsheet_or_a_device_is_a_clear_error(tmp_path, capsys):
    xlsx = tmp_path / "x.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\xba\xff" * 20)
    assert main(["verify", str(xlsx)]) == 2
    assert "not a JSON document" in capsys.readouterr().err
    assert main(["verify", "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_a_million_variant_parameter_grid_is_refused_before_it_is_built(tmp_path, capsys):
    bom = tmp_path / "bom.yaml"
    bom.write_text(GOOD, encoding="utf-8")
    params = "\n".join(f"  p{i}: {{values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}" for i in range(6))
    edits = ", ".join(f"{{scale: {{line: frame, field: quantity, by: $p{i}}}}}" for i in range(6))
    scenarios = tmp_path / "grid.yaml"
    scenarios.write_text(f"parameters:\n{params}\nvariants:\n  - name: v\n    edits: [{edits}]\n", encoding="utf-8")
    assert main(["compare", str(bom), "--scenarios", str(scenarios)]) == 2
    err = capsys.readouterr().err
    assert "more than 10,000 variants" in err and "1,000,000" in err and str(scenarios) in err


def test_a_spreadsheet_beyond_the_row_limit_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PCF_MAX_ROWS", "3")
    bom = _csv_bom(tmp_path, "".join(f"1,P{i},plate,1,pcs,steel_cn,3\n" for i in range(5)))
    assert main(["footprint", str(bom)]) == 2
    err = capsys.readouterr().err
    assert "more than the limit of 3" in err and "PCF_MAX_ROWS" in err


@pytest.mark.parametrize("edit", ["{op: set, match: {ids: [frame]}, values: {mass_kg: 1.0e+308}}",
                                  "{op: scale, match: {ids: [frame]}, factors: {quantity: 1.0e+300}}",
                                  "{op: scale, match: {ids: [frame]}, factors: {quantity: .inf}}"])
def test_a_scenario_edit_with_an_absurd_number_is_refused(edit, tmp_path, capsys):
    bom = tmp_path / "bom.yaml"
    bom.write_text(GOOD, encoding="utf-8")
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text(f"variants:\n  - name: v\n    edits: [{edit}]\n", encoding="utf-8")
    assert main(["compare", str(bom), "--scenarios", str(scenarios)]) == 2
    err = capsys.readouterr().err
    assert str(scenarios) in err and "row 3" in err and ("largest magnitude" in err or "not finite" in err)


def test_pcf_data_words_with_an_unknown_dataset_is_an_error(capsys):
    assert main(["data", "words", "--dataset", "nosuch"]) == 2
    assert "unknown dataset 'nosuch'" in capsys.readouterr().err
