"""Write the hostile-input corpus: small broken or malicious BOM files, each with the words its error must contain.

Run from the repository root:  .venv/bin/python tests/hostile/make_corpus.py
Writes tests/hostile/corpus/<case>.<ext> and tests/hostile/corpus/expected.csv (case file, words in the error).
Deterministic; the files are committed so that the tests do not depend on this script.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"
GRID = "electricity_cn_footprint_2024"
YAML_HEAD = f"machine: {{id: M1, name: hostile}}\nfactory: {{electricity: {GRID}}}\n"
PART = "  - {kind: part, id: frame, material: steel_cn, mass_kg: 10, quantity: 2}\n"
CSV_HEAD = (f"# machine.id: M1\n# machine.name: hostile\n# factory.electricity: {GRID}\n"
            "level,id,name,qty,uom,material,weight (kg)\n")


def yaml_cases() -> dict[str, tuple[str, str]]:
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return {
        "duplicate_key.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: 10, "
                               "mass_kg: 99}\n", "given twice"),
        "duplicate_top_key.yaml": (YAML_HEAD + "factory: {electricity: electricity_de_ember_2025}\nitems:\n" + PART,
                                   "given twice"),
        "inf_mass.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: .inf}\n",
                          "not finite"),
        "nan_quantity.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: 1, "
                              "quantity: .nan}\n", "not finite"),
        "overflow_float.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: "
                                "1.0e+400}\n", "not finite"),
        "bool_quantity.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: 1, "
                               "quantity: true}\n", "not true/false"),
        "huge_mass.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: 1e308}\n",
                           "largest magnitude"),
        "long_id.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: " + "x" * 10_000 + ", material: steel_cn, "
                         "mass_kg: 1}\n", "at most 200"),
        "alias_bomb.yaml": ("\n".join(bomb) + "\n", "expands to more than"),
        "negative_mass.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: frame, material: steel_cn, mass_kg: -1}\n",
                               "greater than 0"),
        "energy_to_steel.yaml": (YAML_HEAD + "items:\n" + PART + "energy:\n  - {id: e1, dataset: steel_cn, amount: 10, "
                                 "unit: kg}\n", "energy lines cannot use 'steel_cn'"),
        "transport_to_steel.yaml": (YAML_HEAD + "items:\n" + PART + "transport:\n  - {id: t1, dataset: steel_cn, "
                                    "mass_kg: 10, distance_km: 100}\n", "transport lines cannot use"),
        "credit_beyond_use.yaml": (YAML_HEAD + "items:\n" + PART + "energy:\n  - {id: e1, dataset: "
                                   "electricity_factory, amount: 500, unit: kWh}\n  - {id: e2, dataset: "
                                   "electricity_factory, amount: 100000, unit: kWh, credit: true}\n",
                                   "exceed the 500 kWh"),
        "large_omission.yaml": (YAML_HEAD + "items:\n" + PART + "  - {kind: part, id: mystery, material: unobtainium, "
                                "mass_kg: 100}\n", "leaves out too much"),
        "declared_mass_gap.yaml": ("machine: {id: M1, name: hostile, declared_mass_kg: 200}\n"
                                   f"factory: {{electricity: {GRID}}}\nitems:\n" + PART, "against a declared"),
        "unknown_country.yaml": (YAML_HEAD + "items:\n  - {kind: part, id: shaft, material: steel_cn, mass_kg: 5, "
                                 "supplier: Acme, country: XX, processes: [{id: turn, dataset: machining, amount: 1, "
                                 "unit: kg}]}\n", "country"),
        "supplier_file_outside.yaml": (YAML_HEAD + "items:\n" + PART + "  - {kind: component, id: c1, dataset: bearing, "
                                       "quantity: 1, unit: kg, supplier_footprint: {file: ../../../../etc/passwd}}\n",
                                       "outside the BOM's folder"),
        "not_a_mapping.yaml": ("- just\n- a list\n", "must be a mapping"),
        "unknown_kind.yaml": (YAML_HEAD + "items:\n  - {kind: spaceship, id: s1}\n", "kind"),
    }


def json_cases() -> dict[str, tuple[str, str]]:
    head = '{"machine": {"id": "M1", "name": "hostile"%s}, "factory": {"electricity": "' + GRID + '"}, "items": []}'
    return {
        "nan.json": (head % ', "declared_mass_kg": NaN', "NaN is not a number"),
        "infinity.json": (head % ', "declared_mass_kg": Infinity', "Infinity is not a number"),
        "overflow.json": (head % ', "declared_mass_kg": 1e400', "out of range"),
        "duplicate_key.json": ('{"machine": {"id": "M1", "id": "M2", "name": "x"}}', "duplicate key 'id'"),
        "truncated.json": ('{"machine": {"id": ', "invalid JSON"),
    }


def csv_cases() -> dict[str, tuple[str, str]]:
    return {
        "inf_weight.csv": (CSV_HEAD + "1,P1,plate,1,pcs,steel_cn,inf\n", "not a finite number"),
        "overflow_weight.csv": (CSV_HEAD + "1,P1,plate,1,pcs,steel_cn,1e400\n", "not a finite number"),
        "fractional_level.csv": (CSV_HEAD + "1,A,frame,1,pcs,,\n2.9,P1,plate,1,pcs,steel_cn,3\n", "not a whole level"),
        "kwh_part.csv": (CSV_HEAD + "1,P1,plate,5,kWh,steel_cn,3\n", "cannot be counted in 'kWh'"),
        "empty_quantity.csv": (CSV_HEAD + "1,P1,plate,,pcs,steel_cn,3\n", "empty cell"),
        "level_jump.csv": (CSV_HEAD + "1,A,frame,1,pcs,,\n3,P1,plate,1,pcs,steel_cn,3\n", "level jumps"),
        "no_header.csv": ("1,2,3\n4,5,6\n", "header"),
    }


def write_xlsx(path: Path, *, formula: bool = False, hidden_energy: bool = False, two_energy: bool = False) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "bom"
    sheet.append(["level", "id", "name", "qty", "uom", "material", "weight (kg)"])
    sheet.append([1, "P1", "plate", 2, "pcs", "steel_cn", "=1.5*2" if formula else 3])
    machine = book.create_sheet("machine")
    for row in (("machine.id", "M1"), ("machine.name", "hostile"), ("factory.electricity", GRID)):
        machine.append(list(row))
    for title in (["energy", "Energie"] if two_energy else []):
        energy = book.create_sheet(title)
        energy.append(["id", "dataset", "qty", "uom"])
        energy.append([f"E-{title}", "electricity_factory", 100, "kWh"])
    book.save(path)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    expected = {}
    for cases in (yaml_cases(), json_cases(), csv_cases()):
        for name, (text, words) in cases.items():
            (OUT / name).write_text(text, encoding="utf-8")
            expected[name] = words
    (OUT / "binary.yaml").write_bytes(b"\x00\xff\xfe" * 50)
    expected["binary.yaml"] = "not UTF-8"
    (OUT / "empty.yaml").write_text("", encoding="utf-8")
    expected["empty.yaml"] = "must be a mapping"
    write_xlsx(OUT / "uncached_formula.xlsx", formula=True)
    expected["uncached_formula.xlsx"] = "without a saved value"
    write_xlsx(OUT / "two_energy_sheets.xlsx", two_energy=True)
    expected["two_energy_sheets.xlsx"] = "two sheets hold the energy table"
    (OUT / "corrupt.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    expected["corrupt.xlsx"] = "not a readable .xlsx"
    with open(OUT / "expected.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["file", "error_contains"])
        writer.writerows(sorted(expected.items()))


if __name__ == "__main__":
    main()
