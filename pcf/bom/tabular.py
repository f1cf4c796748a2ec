"""Spreadsheet BOMs: Excel (.xlsx) and CSV exports from ERP / PLM systems, read as they are.

Layout (docs/bom_tabular.md): one table of lines with a level (a number, or dots as in `..3`) or a parent column,
header names in English, German or Chinese (column_aliases.yaml), optional sheets for processes, packaging, transport
and energy, and the machine's data in a `machine` sheet or in `# key: value` lines above a CSV header. Units come
from a unit column or from the header (`Weight (g)`). Every line keeps its file and row, so every error names them.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml

from ..errors import BomError, UnitError
from ..units import canonical, conversion_factor  # noqa: F401

Classifier = Callable[[str], "str | None"]  # text -> dataset category (material, component, ...) or None
_UNIT_IN_HEADER = re.compile(r"^(.*?)[\s]*[\(\[]\s*([^\)\]]+)\s*[\)\]]\s*$")
MAX_LEVEL = 50


def _norm(text) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=8)
def _load_aliases(user_file: str | None) -> dict:
    base = yaml.safe_load((Path(__file__).parent / "column_aliases.yaml").read_text(encoding="utf-8"))
    if user_file:
        try:
            user = yaml.safe_load(Path(user_file).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise BomError(f"cannot read the alias file ({exc})", file=user_file) from None
        for section, entries in user.items():
            if not isinstance(entries, dict):
                raise BomError(f"section '{section}' must map names to lists of aliases", file=user_file)
            for key, names in entries.items():
                base.setdefault(section, {}).setdefault(key, [])
                base[section][key] = list(names) + base[section][key]
    lookup = {}
    for section, entries in base.items():
        lookup[section] = {}
        for key, names in entries.items():
            for name in [key, *names]:
                lookup[section].setdefault(_norm(name), key)
    return lookup


@dataclass
class Table:
    """One sheet: its rows as {canonical column: raw value}, with file row numbers and column units."""

    name: str
    header_row: int
    columns: dict[int, str]  # position -> canonical column
    headers: dict[str, str]  # canonical column -> header as written (for messages)
    units: dict[str, str]  # canonical column -> unit from the header
    rows: list[tuple[int, dict]] = field(default_factory=list)


# -- raw reading ---------------------------------------------------------------------------------------------------
def _decode(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise BomError(f"cannot decode as {encoding} ({exc})", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(
        data, cp_isolation=["gb18030", "cp1252", "cp1250", "big5", "shift_jis", "latin_1"]).best()
    if best is None:
        raise BomError("cannot tell the text encoding", file=str(path), expected="UTF-8, GBK/GB18030 or cp1252")
    return str(best)


def _csv_sheets(path: Path, encoding: str | None) -> tuple[dict[str, list[tuple[int, list]]], dict, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BomError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
    text = _decode(data, path, encoding)
    lines = text.splitlines()
    meta, body_start = {}, 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("#"):
            key, _, value = stripped.lstrip("#").partition(":")
            if key.strip():
                meta[key.strip()] = (value.strip(), number)
            body_start = number
        elif stripped:
            break
        else:
            body_start = number
    body = "\n".join(lines[body_start:])
    if not body.strip():
        raise BomError("the file has no table", file=str(path), expected="a header row and BOM lines")
    sample = body[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    rows = [(body_start + i, row) for i, row in enumerate(reader, start=1)]
    return {"bom": rows}, meta, delimiter


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell whose value was never saved (written by a script, not opened in a spreadsheet program)."""

    sheet: str
    cell: str  # A1 reference
    formula: str

    def error(self, file: str, row: int, column: str) -> BomError:
        return BomError(f"cell {self.sheet}!{self.cell} holds the formula {self.formula} without a saved value",
                        file=file, row=row, column=column,
                        expected="the value itself, or the workbook saved once in Excel / LibreOffice")


def _xlsx_sheets(path: Path) -> tuple[dict[str, list[tuple[int, list]]], dict]:
    """Every visible sheet, read in full (normal mode: a stale <dimension> tag cannot hide rows).

    Formula cells carry their saved value; a formula with no saved value becomes an UncachedFormula, which the
    readers refuse where a value is needed. Hidden and very hidden sheets are not read (listed in meta).
    """
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, read_only=False, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise BomError(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=str(path)) from None
    sheets, hidden = {}, []
    try:
        for sheet in values.worksheets:
            if sheet.sheet_state != "visible":
                hidden.append(sheet.title)
                continue
            source = formulas[sheet.title]
            rows = []
            for i, row in enumerate(sheet.iter_rows(), start=1):
                cells = []
                for cell in row:
                    value = cell.value
                    if value is None:
                        raw = source.cell(row=cell.row, column=cell.column).value
                        if isinstance(raw, str) and raw.startswith("="):
                            value = UncachedFormula(sheet.title, cell.coordinate, raw)
                    cells.append(value)
                rows.append((i, cells))
            sheets[sheet.title] = rows
    finally:
        values.close()
        formulas.close()
    return sheets, {"_hidden_sheets": hidden}


# -- tables ----------------------------------------------------------------------------------------------------------
def _header(cell, aliases: dict) -> tuple[str | None, str | None]:
    text = _norm(cell) if cell is not None else ""
    if not text:
        return None, None
    if text in aliases:
        return aliases[text], None
    found = _UNIT_IN_HEADER.match(text)
    if found and found.group(1).strip() in aliases:
        return aliases[found.group(1).strip()], found.group(2).strip()
    return None, None


DEFAULT_MAX_ROWS = 500_000  # $PCF_MAX_ROWS overrides: rows per sheet a spreadsheet BOM may have


def _max_rows() -> int:
    import os

    raw = os.environ.get("PCF_MAX_ROWS", "").strip()
    if not raw:
        return DEFAULT_MAX_ROWS
    if not raw.isdigit() or int(raw) < 1:
        raise BomError(f"PCF_MAX_ROWS must be a positive whole number, got {raw!r}", expected="e.g. 500000")
    return int(raw)


def _table(name: str, rows: list[tuple[int, list]], aliases: dict, file: str) -> Table:
    limit = _max_rows()
    if len(rows) > limit:
        raise BomError(f"sheet '{name}' has {len(rows):,} rows, more than the limit of {limit:,}", file=file,
                       expected="a smaller BOM, or a higher PCF_MAX_ROWS")
    for row_number, cells in rows[:30]:
        mapped = {i: _header(c, aliases["columns"]) for i, c in enumerate(cells)}
        known = {i: m for i, m in mapped.items() if m[0]}
        if len(known) >= 2:
            columns, headers, units = {}, {}, {}
            for i, (column, unit) in known.items():
                if column in headers:
                    raise BomError(f"two columns map to '{column}': '{headers[column]}' and '{cells[i]}'",
                                   file=file, row=row_number, expected="one column per field")
                columns[i], headers[column] = column, str(cells[i])
                if unit:
                    units[column] = unit
            table = Table(name, row_number, columns, headers, units)
            for number, values in rows:
                if number <= row_number:
                    continue
                record = {col: values[i] for i, col in columns.items() if i < len(values)}
                for col, value in record.items():
                    if isinstance(value, UncachedFormula):
                        raise value.error(file, number, headers[col])
                if any(v is not None and str(v).strip() != "" for v in record.values()):
                    table.rows.append((number, record))
            return table
    raise BomError(f"no header row found in sheet '{name}'", file=file,
                   expected="a row with at least two known column names (e.g. level, id, name, qty, material)")


def _number(value, *, file: str, row: int, column: str, decimal_comma: bool, required: bool = False):
    number = _parse_number(value, file=file, row=row, column=column, decimal_comma=decimal_comma, required=required)
    if number is not None and not math.isfinite(number):
        raise BomError(f"'{value}' is not a finite number", file=file, row=row, column=column, expected="a number")
    return number


def _parse_number(value, *, file: str, row: int, column: str, decimal_comma: bool, required: bool = False):
    if isinstance(value, UncachedFormula):
        raise value.error(file, row, column)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if required:
            raise BomError("empty cell", file=file, row=row, column=column, expected="a number")
        return None
    if isinstance(value, bool):
        raise BomError(f"'{value}' is not a number", file=file, row=row, column=column, expected="a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".") if "," in text else text
    elif "," in text and "." not in text and re.fullmatch(r"-?\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    else:
        text = text.replace(",", "")
    if text.endswith("%"):
        try:
            return float(text[:-1]) / 100.0
        except ValueError:
            pass
    try:
        return float(text)
    except ValueError:
        raise BomError(f"'{value}' is not a number", file=file, row=row, column=column,
                       expected="a number") from None


_YES = ("true", "yes", "y", "1", "ja", "j", "wahr", "是", "含", "x")
_NO = ("false", "no", "n", "0", "nein", "falsch", "否", "不含")


def _yes_no(value, *, file: str, row: int, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _norm(value)
    if text in _YES or text in _NO:
        return text in _YES
    raise BomError(f"'{value}' is not yes or no", file=file, row=row, column=column, expected="yes or no (true/false)")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _level(value, *, file: str, row: int, column: str) -> int:
    text = _text(value)
    if text is None:
        raise BomError("empty level", file=file, row=row, column=column, expected="a level such as 1, 2 or ..3")
    stripped = text.lstrip(".")
    dots = len(text) - len(stripped)
    try:
        number = float(stripped) if stripped else float(dots)
    except ValueError:
        raise BomError(f"'{text}' is not a level", file=file, row=row, column=column,
                       expected="a whole number or dots such as ..3") from None
    if not (math.isfinite(number) and number.is_integer()):
        raise BomError(f"'{text}' is not a whole level", file=file, row=row, column=column,
                       expected="a whole number or dots such as ..3")
    level = int(number)
    if level < 0 or level > MAX_LEVEL:
        raise BomError(f"level {level} out of range", file=file, row=row, column=column,
                       expected=f"0 to {MAX_LEVEL}")
    return level


# -- the reader ------------------------------------------------------------------------------------------------------
def read_table_bom(path: str | Path, *, aliases: str | Path | None = None, classify: Classifier | None = None,
                   encoding: str | None = None, headers_out: dict | None = None) -> dict:
    """Read an .xlsx or .csv BOM into plain data for `ProductSystem` (each line with its source row).

    headers_out: filled with {canonical column: "sheet: header as written"} so that model errors can name the
    spreadsheet's own column instead of a field path."""
    path = Path(path)
    file = str(path)
    lookup = _load_aliases(str(aliases) if aliases else None)
    if path.suffix.lower() == ".csv":
        sheets, meta, delimiter = _csv_sheets(path, encoding)
        decimal_comma = delimiter == ";"
    else:
        sheets, meta = _xlsx_sheets(path)
        decimal_comma = False
    meta.pop("_hidden_sheets", None)
    roles: dict[str, tuple[str, list]] = {}
    for title, rows in sheets.items():
        role = lookup["sheets"].get(_norm(title))
        if role and role in roles:
            raise BomError(f"two sheets hold the {role} table: '{roles[role][0]}' and '{title}'", file=file,
                           expected=f"one visible {role} sheet (hide or delete the other)")
        if role:
            roles[role] = (title, rows)
    if "bom" not in roles:
        first = next(iter(sheets.items()), None)
        if first is None or not any(any(c not in (None, "") for c in r) for _, r in first[1]):
            raise BomError("the workbook has no BOM sheet with rows", file=file,
                           expected="a sheet named 'bom' (or the first sheet) with a header row and lines")
        roles["bom"] = first
    if "machine" in roles:
        for number, cells in roles["machine"][1]:
            for value in cells[:2]:
                if isinstance(value, UncachedFormula):
                    raise value.error(file, number, value.cell)
            if cells and cells[0] not in (None, ""):
                meta[str(cells[0]).strip()] = (cells[1] if len(cells) > 1 else None, number)
    context = _Context(file, decimal_comma, classify or (lambda _text: None), lookup)
    bom = _table(roles["bom"][0], roles["bom"][1], lookup, file)
    if headers_out is not None:
        headers_out.update({column: f"{bom.name}: {header}" for column, header in bom.headers.items()})
    data = context.machine(meta)
    items, machine_from_row, extra = context.tree(bom)
    if machine_from_row:
        data["machine"] = {**machine_from_row, **data["machine"]}
    data["items"] = items
    for role in ("packaging", "transport", "energy"):
        data[role] = extra[role]
        if role in roles:
            table = _table(roles[role][0], roles[role][1], lookup, file)
            data[role] += [context.flat_line(role, number, rec, table) for number, rec in table.rows]
    if "processes" in roles:
        table = _table(roles["processes"][0], roles["processes"][1], lookup, file)
        context.attach_processes(items, table)
    if not data["machine"].get("id"):
        data["machine"]["id"] = path.stem
    if not data["machine"].get("name"):
        data["machine"]["name"] = path.stem
    if not items:
        raise BomError("the BOM has no lines", file=file, expected="at least one part or component row")
    return data


class _Context:
    def __init__(self, file: str, decimal_comma: bool, classify: Classifier, lookup: dict):
        self.file, self.decimal_comma, self.classify, self.lookup = file, decimal_comma, classify, lookup

    def num(self, rec, column, row, table: Table, required=False):
        return _number(rec.get(column), file=self.file, row=row, column=table.headers.get(column, column),
                       decimal_comma=self.decimal_comma, required=required)

    def unit_factor(self, unit: str | None, target: str, row: int, column: str) -> float:
        try:
            return conversion_factor(unit, target)
        except UnitError as exc:
            raise BomError(exc.message, file=self.file, row=row, column=column, expected=exc.expected) from None

    def machine(self, meta: dict) -> dict:
        keys = self.lookup["machine_keys"]
        machine, factory = {}, {}
        for raw_key, (value, number) in meta.items():
            key = keys.get(_norm(raw_key))
            if key is None or value in (None, ""):
                continue
            section, _, name = key.partition(".")
            target = machine if section == "machine" else factory
            if name in ("declared_mass_kg", "reference_year"):
                number_value = _number(value, file=self.file, row=number, column=raw_key,
                                       decimal_comma=self.decimal_comma)
                if name == "reference_year" and not (number_value is not None and math.isfinite(number_value)
                                                     and float(number_value).is_integer()):
                    raise BomError(f"'{value}' is not a year", file=self.file, row=number, column=raw_key,
                                   expected="a whole year such as 2024")
                target[name] = int(number_value) if name == "reference_year" else number_value
            elif name == "declared_mass_includes_packaging":
                target[name] = _yes_no(value, file=self.file, row=number, column=raw_key)
            else:
                target[name] = str(value).strip()
        return {"machine": machine, "factory": factory}

    def _mass_kg(self, rec, row, table: Table) -> float | None:
        mass = self.num(rec, "mass", row, table)
        if mass is None:
            return None
        unit = _text(rec.get("mass_unit")) or table.units.get("mass") or "kg"
        return mass * self.unit_factor(unit, "kg", row, table.headers.get("mass_unit", "mass"))

    def _common(self, rec, row, table: Table) -> dict:
        line = {"id": _text(rec.get("id")), "source_file": self.file, "source_row": row}
        for column in ("name", "supplier", "country", "region", "comment", "excluded"):
            value = _text(rec.get(column))
            if value:
                line[column] = value
        data_type = _text(rec.get("data_type"))
        if data_type:
            line["data_type"] = "primary" if _norm(data_type) in ("primary", "p", "yes", "true", "1", "primär",
                                                                 "一次", "实测", "measured") else "secondary"
        gsd = self.num(rec, "uncertainty_gsd", row, table)
        if gsd is not None:  # a lognormal spread of the line's quantity (docs/uncertainty.md)
            if not 1.0 <= gsd <= 100.0:
                raise BomError(f"geometric standard deviation {gsd:g} is outside 1-100", file=self.file, row=row,
                               column=table.headers.get("uncertainty_gsd", "uncertainty_gsd"),
                               expected="a GSD of at least 1 (1 = no spread), e.g. 1.2")
            line["uncertainty"] = {"distribution": "lognormal", "gsd": gsd}
        if not line["id"]:
            raise BomError("empty id", file=self.file, row=row, column=table.headers.get("id", "id"),
                           expected="an id (item or part number) on every line")
        return line

    def tree(self, table: Table):
        """Assemblies and leaves from the level (or parent) column; process lines go to their part."""
        has_parent = "parent" in table.columns.values() and any(_text(r.get("parent")) for _, r in table.rows)
        if "level" not in table.columns.values() and not has_parent:
            raise BomError("no level or parent column", file=self.file, row=table.header_row,
                           expected="a 'level' column (1, 2, ..3) or a 'parent' column")
        nodes: list[dict] = []
        machine_row: dict | None = None
        for number, rec in table.rows:
            kind = _norm(rec.get("kind")) if _text(rec.get("kind")) else None
            if has_parent:
                level = None
            else:
                level = _level(rec.get("level"), file=self.file, row=number,
                               column=table.headers.get("level", "level"))
            if level == 0 or kind == "machine":
                machine_row = {"id": _text(rec.get("id")), "name": _text(rec.get("name")),
                               "declared_mass_kg": self._mass_kg(rec, number, table)}
                machine_row = {k: v for k, v in machine_row.items() if v is not None}
                continue
            nodes.append({"row": number, "rec": rec, "level": level, "kind": kind, "children": []})
        extra = {"packaging": [], "transport": [], "energy": []}
        roots = self._link_parents(nodes, table) if has_parent else self._link_levels(nodes, table)
        items = []
        for node in roots:
            line = self._line(node, table, top_level=True)
            if line.get("kind") in extra:
                extra[line.pop("kind")].append(line)
            else:
                items.append(line)
        return items, machine_row, extra

    def _link_levels(self, nodes, table: Table):
        roots, stack = [], []
        for node in nodes:
            level = node["level"]
            if not stack:
                expected_top = level
                if roots and level != roots[0]["level"]:
                    expected_top = roots[0]["level"]
                if roots and level > expected_top:
                    raise BomError(f"level jumps from {expected_top} to {level}", file=self.file, row=node["row"],
                                   column=table.headers.get("level", "level"), expected=f"level {expected_top + 1} at most")
            while stack and stack[-1]["level"] >= level:
                stack.pop()
            if stack:
                if level > stack[-1]["level"] + 1:
                    raise BomError(f"level jumps from {stack[-1]['level']} to {level}", file=self.file,
                                   row=node["row"], column=table.headers.get("level", "level"),
                                   expected=f"level {stack[-1]['level'] + 1} at most")
                stack[-1]["children"].append(node)
            else:
                if roots and level != roots[0]["level"]:
                    raise BomError(f"level {level} has no parent line above it", file=self.file, row=node["row"],
                                   column=table.headers.get("level", "level"),
                                   expected=f"level {roots[0]['level']} or a deeper level under a line")
                roots.append(node)
            stack.append(node)
        return roots

    def _link_parents(self, nodes, table: Table):
        by_id = {}
        for node in nodes:
            node_id = _text(node["rec"].get("id"))
            if node_id in by_id:
                raise BomError(f"duplicate id '{node_id}' (also on row {by_id[node_id]['row']})", file=self.file,
                               row=node["row"], column=table.headers.get("id", "id"), expected="unique ids")
            by_id[node_id] = node
        roots = []
        for node in nodes:
            parent = _text(node["rec"].get("parent"))
            if parent is None:
                roots.append(node)
            elif parent not in by_id:
                raise BomError(f"parent '{parent}' is not an id of this BOM", file=self.file, row=node["row"],
                               column=table.headers.get("parent", "parent"), expected="the id of another line")
            else:
                by_id[parent]["children"].append(node)
        for node in nodes:  # a parent chain that never reaches a root is a cycle
            seen, current = set(), node
            while current is not None:
                key = id(current)
                if key in seen:
                    raise BomError("the parent references form a cycle", file=self.file, row=node["row"],
                                   column=table.headers.get("parent", "parent"), expected="a tree of parents")
                seen.add(key)
                parent = _text(current["rec"].get("parent"))
                current = by_id.get(parent) if parent else None
        return roots

    def _line(self, node, table: Table, top_level: bool = False) -> dict:
        rec, row = node["rec"], node["row"]
        line = self._common(rec, row, table)
        quantity = self.num(rec, "quantity", row, table, required="quantity" in table.headers)
        if quantity is not None and quantity <= 0:
            raise BomError(f"quantity {quantity:g} is not positive", file=self.file, row=row,
                           column=table.headers.get("quantity", "quantity"), expected="a quantity greater than 0")
        unit = _text(rec.get("unit")) or table.units.get("quantity") or "piece"
        text = _text(rec.get("dataset")) or _text(rec.get("material"))
        kind = node["kind"]
        children = node["children"]
        if kind is None:
            if children:
                kind = "assembly"
            else:
                category = self.classify(text) if text else None
                kind = {"component": "component", "process": "process", "packaging": "packaging",
                        "transport": "transport", "electricity": "energy", "fuel": "energy",
                        "placeholder": "energy"}.get(category or "", "part")
        if kind in ("assembly", "module", "baugruppe", "组件", "部件"):
            line.update(kind="assembly", quantity=quantity or 1.0)
            line["children"] = [self._line(child, table) for child in children]
            return line
        if children and kind != "part":
            raise BomError(f"a {kind} line cannot have lines under it", file=self.file, row=children[0]["row"],
                           expected="parts, components or processes under an assembly or a part")
        mass = self._mass_kg(rec, row, table)
        scrap = self.num(rec, "scrap_fraction", row, table)
        if kind == "part":
            for child in children:
                if not self._is_process(child):
                    raise BomError("only process lines may stand under a part", file=self.file, row=child["row"],
                                   expected="a process (machining, welding ...) or make the part an assembly")
            line.update(kind="part", material=text or "", quantity=quantity or 1.0)
            if _dimension_of(unit) not in PART_UNIT_DIMENSIONS:
                raise BomError(f"a part cannot be counted in '{unit}'", file=self.file, row=row,
                               column=table.headers.get("unit", "unit"),
                               expected="pieces (pcs, Stk, 个 ...), a mass (kg) or a length, area or volume "
                                        "with the mass per unit in the weight column")
            if mass is not None and _is_mass(unit):
                raise BomError("a part given in a mass unit must not also carry a weight per piece",
                               file=self.file, row=row, column=table.headers.get("mass", "mass"))
            if mass is None and _is_mass(unit) and quantity:
                line.update(mass_kg=quantity * self.unit_factor(unit, "kg", row, "unit"), quantity=1.0)
            elif mass is not None:
                line["mass_kg"] = mass
            dims = [self.num(rec, c, row, table) for c in ("length", "width", "thickness")]
            if all(d is not None for d in dims):
                dim_unit = _text(rec.get("dimension_unit")) or table.units.get("length") or "mm"
                factor = self.unit_factor(dim_unit, "mm", row, "dimension_unit")
                line["dimensions_mm"] = [d * factor for d in dims]
            if scrap is not None:
                line["scrap_fraction"] = scrap
            line["processes"] = [self._line(child, table) for child in children]
            for step in line["processes"]:
                step.pop("kind", None)
            return line
        if kind == "component":
            line.update(kind="component", dataset=text or "", quantity=quantity or 1.0, unit=unit)
            if mass is not None and _is_mass(unit):
                # one quantity for the emissions and the mass roll-up: the quantity in its mass unit; a mass column
                # that repeats it (per unit or in total) is accepted, one that contradicts it is refused
                per_unit = self.unit_factor(unit, "kg", row, table.headers.get("unit", "unit"))
                total = (quantity or 1.0) * per_unit
                if not (math.isclose(mass, total, rel_tol=1e-6) or math.isclose(mass, per_unit, rel_tol=1e-6)):
                    raise BomError(
                        f"quantity {quantity or 1.0:g} {unit} and mass {mass:g} kg contradict each other "
                        f"(column '{table.headers.get('quantity', 'quantity')}' says {total:g} kg)", file=self.file,
                        row=row, column=table.headers.get("mass", "mass"),
                        expected="the mass only in the quantity (unit kg), or pieces with a mass per piece")
            elif mass is not None:
                line["mass_kg"] = mass
            if scrap is not None:
                line["scrap_fraction"] = scrap
            return line
        if kind == "process":
            line.update(kind="process", dataset=text or "", amount=quantity or 1.0, unit=unit)
            stage = _text(rec.get("stage"))
            if stage:
                line["stage"] = stage
            return line
        if kind in ("packaging", "transport", "energy"):
            if not top_level:
                raise BomError(f"a {kind} line must be at the top level", file=self.file, row=row,
                               expected="packaging, transport and energy lines directly under the machine")
            flat = self.flat_line(kind, row, rec, table)
            flat["kind"] = kind
            return flat
        raise BomError(f"unknown line kind '{kind}'", file=self.file, row=row,
                       column=table.headers.get("kind", "kind"),
                       expected="assembly, part, component, process, packaging, transport or energy")

    def _is_process(self, node) -> bool:
        if node["kind"] is not None or node["children"]:
            return node["kind"] == "process"
        text = _text(node["rec"].get("dataset")) or _text(node["rec"].get("material"))
        return bool(text) and self.classify(text) == "process"

    def flat_line(self, role: str, row: int, rec: dict, table: Table) -> dict:
        line = self._common(rec, row, table)
        text = _text(rec.get("dataset")) or _text(rec.get("material")) or ""
        quantity = self.num(rec, "quantity", row, table, required="quantity" in table.headers)
        if role == "packaging":
            mass = self._mass_kg(rec, row, table)
            if mass is None:
                raise BomError("packaging line without a mass", file=self.file, row=row,
                               column=table.headers.get("mass", "mass"), expected="the mass of one item")
            line.update(dataset=text, mass_kg=mass, quantity=quantity or 1.0)
        elif role == "transport":
            mass = self._mass_kg(rec, row, table)
            distance = self.num(rec, "distance", row, table, required=True)
            unit = _text(rec.get("distance_unit")) or table.units.get("distance") or "km"
            line.update(dataset=text, mass_kg=mass if mass is not None else 0.0,
                        distance_km=distance * self.unit_factor(unit, "km", row, "distance_unit"))
        else:
            unit = _text(rec.get("unit")) or table.units.get("quantity") or "kWh"
            line.update(dataset=text, amount=quantity if quantity is not None else 0.0, unit=unit)
        return line

    def attach_processes(self, items: list[dict], table: Table) -> None:
        index: dict[str, dict] = {}

        def walk(lines):
            for line in lines:
                index[line["id"]] = line
                walk(line.get("children", []))

        walk(items)
        for number, rec in table.rows:
            parent = _text(rec.get("parent"))
            if parent not in index:
                raise BomError(f"process for unknown line '{parent}'", file=self.file, row=number,
                               column=table.headers.get("parent", "parent"), expected="the id of a BOM line")
            step = self._common(rec, number, table)
            step.update(dataset=_text(rec.get("dataset")) or _text(rec.get("material")) or "",
                        amount=self.num(rec, "quantity", number, table, required=True),
                        unit=_text(rec.get("unit")) or "piece")
            target = index[parent]
            if target.get("kind") == "part":
                target.setdefault("processes", []).append(step)
            else:
                target.setdefault("children", []).append({**step, "kind": "process"})


PART_UNIT_DIMENSIONS = ("count", "mass", "length", "area", "volume")


def _dimension_of(unit: str) -> str | None:
    try:
        return canonical(unit)[0]
    except UnitError:
        return None


def _is_mass(unit: str) -> bool:
    try:
        return canonical(unit)[0] == "mass"
    except UnitError:
        return False

