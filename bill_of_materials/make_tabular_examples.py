"""Regenerate the spreadsheet examples from the YAML BOM of the formation/grading machine.

    .venv/bin/python bill_of_materials/make_tabular_examples.py

Writes
- `bom_template.xlsx` (also copied to docs/): the documented template, English headers, every sheet, the machine's
  lines with process lines nested under their parts;
- `formation_grading_machine_erp.xlsx`: the same machine as an ERP export would give it: Chinese headers, levels as
  dots (`..3`), material grades and free text (from lci_data/mapping/materials.csv) instead of dataset keys, weights
  in grams, processes on their own sheet keyed by the parent line, shared subassemblies expanded in place.
Both must give the same footprint as the YAML file (tests/test_tabular.py checks it).
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from pcf.bom import Assembly, AssemblyRef, Component, Part, ProcessStep, read_bom  # noqa: E402

SOURCE = HERE / "formation_grading_machine.yaml"

TEMPLATE_HEADERS = ["level", "id", "kind", "name", "quantity", "unit", "material", "mass", "mass_unit",
                    "scrap_fraction", "supplier", "country", "data_type", "comment"]
ERP_HEADERS = ["层级", "物料编码", "名称", "数量", "单位", "材料", "单重(g)", "损耗率", "供应商", "产地", "数据类型"]


def _erp_texts() -> dict[str, str]:
    """For each dataset key, a text an engineer would write that the shipped table maps back to it."""
    table = ROOT / "lci_data" / "mapping" / "materials.csv"
    texts: dict[str, str] = {}
    if not table.exists():
        return texts
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key, pattern = row["dataset"], row["pattern"]
            if row.get("match") != "exact" or row.get("proxy", "").lower() == "true":
                continue
            cjk = any("\u4e00" <= ch <= "\u9fff" for ch in pattern)
            if key not in texts or (cjk and not any("\u4e00" <= ch <= "\u9fff" for ch in texts[key])):
                texts[key] = pattern
    return texts


def _rows(system, *, nested_processes: bool, texts: dict[str, str]):
    subs = {a.id: a for a in system.subassemblies}
    rows, processes = [], []

    def text(key: str) -> str:
        return texts.get(key, key)

    def emit(item, level: int, prefix: str, parent_id: str):
        if isinstance(item, AssemblyRef):
            target = subs[item.ref]
            node_id = prefix + item.id
            rows.append(dict(level=level, id=node_id, kind="assembly", name=target.name or item.name,
                             quantity=item.quantity, unit="piece"))
            for child in target.children:
                emit(child, level + 1, node_id + "/", node_id)
        elif isinstance(item, Assembly):
            node_id = prefix + item.id
            rows.append(dict(level=level, id=node_id, kind="assembly", name=item.name, quantity=item.quantity,
                             unit="piece", supplier=item.supplier, country=item.country,
                             data_type=item.data_type.value))
            for child in item.children:
                emit(child, level + 1, prefix, node_id)
        elif isinstance(item, Part):
            node_id = prefix + item.id
            rows.append(dict(level=level, id=node_id, kind="part", name=item.name, quantity=item.quantity,
                             unit="piece", material=text(item.material), mass_kg=item.mass_kg,
                             scrap_fraction=item.scrap_fraction or None, supplier=item.supplier,
                             country=item.country, data_type=item.data_type.value))
            for step in item.processes:
                step_row = dict(level=level + 1, id=prefix + step.id, kind="process", name=step.name,
                                quantity=step.amount, unit=step.unit, material=step.dataset, parent=node_id,
                                data_type=step.data_type.value)
                (rows if nested_processes else processes).append(step_row)
        elif isinstance(item, Component):
            rows.append(dict(level=level, id=prefix + item.id, kind="component", name=item.name,
                             quantity=item.quantity, unit=item.unit, material=text(item.dataset),
                             mass_kg=item.mass_kg, scrap_fraction=item.scrap_fraction or None,
                             supplier=item.supplier, country=item.country, data_type=item.data_type.value))
        elif isinstance(item, ProcessStep):
            rows.append(dict(level=level, id=prefix + item.id, kind="process", name=item.name, quantity=item.amount,
                             unit=item.unit, material=item.dataset, parent=parent_id,
                             data_type=item.data_type.value))

    for item in system.items:
        emit(item, 1, "", "")
    return rows, processes


def _machine_sheet(book, system, labels: tuple[str, str]):
    sheet = book.create_sheet(labels[0])
    sheet.append(["key", "value"])
    m, f = system.machine, system.factory
    for key, value in (("machine.id", m.id), ("machine.name", m.name), ("machine.manufacturer", m.manufacturer),
                       ("machine.country", m.country), ("machine.declared_mass_kg", m.declared_mass_kg),
                       ("machine.reference_year", m.reference_year), ("factory.electricity", f.electricity),
                       ("factory.electricity_basis", f.electricity_basis)):
        if value is not None:
            sheet.append([key, value])


def write_template(system, path: Path) -> None:
    book = openpyxl.Workbook()
    bom = book.active
    bom.title = "bom"
    bom.append(TEMPLATE_HEADERS)
    rows, _ = _rows(system, nested_processes=True, texts={})
    for r in rows:
        bom.append([r.get("level"), r["id"], r["kind"], r.get("name"), r.get("quantity"), r.get("unit"),
                    r.get("material"), r.get("mass_kg"), "kg" if r.get("mass_kg") else None, r.get("scrap_fraction"),
                    r.get("supplier"), r.get("country"), r.get("data_type"), None])
    pack = book.create_sheet("packaging")
    pack.append(["id", "name", "material", "mass", "mass_unit", "quantity", "data_type"])
    for p in system.packaging:
        pack.append([p.id, p.name, p.dataset, p.mass_kg, "kg", p.quantity, p.data_type.value])
    trans = book.create_sheet("transport")
    trans.append(["id", "name", "dataset", "mass", "mass_unit", "distance", "distance_unit", "data_type"])
    for t in system.transport:
        trans.append([t.id, t.name, t.dataset, t.mass_kg, "kg", t.distance_km, "km", t.data_type.value])
    energy = book.create_sheet("energy")
    energy.append(["id", "name", "dataset", "quantity", "unit", "data_type"])
    for e in system.energy:
        energy.append([e.id, e.name, e.dataset, e.amount, e.unit, e.data_type.value])
    _machine_sheet(book, system, ("machine",))
    book.save(path)


def write_erp(system, path: Path) -> None:
    texts = _erp_texts()
    book = openpyxl.Workbook()
    bom = book.active
    bom.title = "物料清单"
    bom.append(["设备物料清单导出 (ERP)"])  # a title row above the header, as exports have
    bom.append(ERP_HEADERS)
    rows, processes = _rows(system, nested_processes=False, texts=texts)
    for r in rows:
        grams = None if r.get("mass_kg") is None else round(r["mass_kg"] * 1000.0, 6)
        bom.append(["." * (r["level"] - 1) + str(r["level"]), r["id"], r.get("name"), r.get("quantity"),
                    {"piece": "个", "kg": "公斤", "m": "米"}.get(r.get("unit"), r.get("unit")), r.get("material"),
                    grams, r.get("scrap_fraction"), r.get("supplier"), r.get("country"),
                    "实测" if r.get("data_type") == "primary" else "二次"])
    proc = book.create_sheet("工艺")
    proc.append(["父项", "物料编码", "名称", "数据集", "数量", "单位", "数据类型"])
    for p in processes:
        proc.append([p["parent"], p["id"], p.get("name"), p["material"], p["quantity"], p["unit"],
                     "实测" if p.get("data_type") == "primary" else "二次"])
    pack = book.create_sheet("包装")
    pack.append(["物料编码", "名称", "材料", "重量(kg)", "数量"])
    for p in system.packaging:
        pack.append([p.id, p.name, texts.get(p.dataset, p.dataset), p.mass_kg, p.quantity])
    trans = book.create_sheet("运输")
    trans.append(["物料编码", "名称", "数据集", "重量(kg)", "距离(km)"])
    for t in system.transport:
        trans.append([t.id, t.name, t.dataset, t.mass_kg, t.distance_km])
    energy = book.create_sheet("能源")
    energy.append(["物料编码", "名称", "数据集", "数量", "单位", "数据类型"])
    for e in system.energy:
        energy.append([e.id, e.name, e.dataset, e.amount, e.unit, "实测" if e.data_type.value == "primary" else "二次"])
    _machine_sheet(book, system, ("设备",))
    book.save(path)


def main() -> None:
    system = read_bom(SOURCE)
    write_template(system, HERE / "bom_template.xlsx")
    shutil.copyfile(HERE / "bom_template.xlsx", ROOT / "docs" / "bom_template.xlsx")
    write_erp(system, HERE / "formation_grading_machine_erp.xlsx")
    print("wrote bom_template.xlsx, docs/bom_template.xlsx, formation_grading_machine_erp.xlsx")


if __name__ == "__main__":
    main()
