"""Readers: a BOM file in, a validated ProductSystem out, or a BomError that names the file, row and field."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import BomError
from .models import ProductSystem

try:  # the C loader is ten times faster on large files; fall back to the pure-Python one
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "table", ".xlsx": "table",
            ".xlsm": "table"}
DEFAULT_MAX_INPUT_MB = 64.0  # $PCF_MAX_INPUT_MB overrides: larger input files are refused before reading
MAX_YAML_NODES = 1_000_000  # YAML nodes after alias expansion: a few KB of nested aliases can expand to GBs
_YAML_FLOAT = "tag:yaml.org,2002:float"


def max_input_bytes() -> int:
    """The largest input file pcf reads, in bytes ($PCF_MAX_INPUT_MB, default 64 MB)."""
    raw = os.environ.get("PCF_MAX_INPUT_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_MAX_INPUT_MB
    except ValueError:
        raise BomError(f"PCF_MAX_INPUT_MB is not a number: {raw!r}", expected="megabytes, e.g. 64") from None
    if not (math.isfinite(mb) and mb > 0):
        raise BomError(f"PCF_MAX_INPUT_MB must be a positive number, got {raw!r}", expected="megabytes, e.g. 64")
    return int(mb * 1024 * 1024)


def check_input_size(path: Path) -> None:
    """Refuse what is not a regular file, or is larger than `max_input_bytes()`, before reading it."""
    if not path.is_file():
        raise BomError("not a regular file", file=str(path), expected="a BOM file")
    size, limit = path.stat().st_size, max_input_bytes()
    if size > limit:
        raise BomError(f"file of {size / 1048576:.1f} MB is larger than the limit of {limit / 1048576:.0f} MB",
                       file=str(path), expected="a smaller file, or a higher PCF_MAX_INPUT_MB")


def load_json_strict(text: str, source: str):
    """JSON with no duplicate keys and finite numbers only (1e400, NaN and Infinity are refused)."""

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                raise BomError(f"duplicate key '{key}' in one JSON object", file=source,
                               expected="each key once per object")
            seen[key] = value
        return seen

    def number(text_value: str) -> float:
        value = float(text_value)
        if not math.isfinite(value):
            raise BomError(f"number {text_value} is out of range", file=source, expected="a finite number")
        return value

    def constant(name: str):
        raise BomError(f"{name} is not a number", file=source, expected="a finite number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_float=number, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise BomError(f"invalid JSON: {exc.msg}", file=source, row=exc.lineno) from None


def read_bom(path: str | Path, *, aliases: str | Path | None = None, classify=None,
             encoding: str | None = None) -> ProductSystem:
    """Read a BOM: YAML or JSON (the pydantic model's own layout), or an Excel / CSV spreadsheet export.

    aliases: a user's column-alias file for spreadsheets; classify: text -> dataset category, used to tell parts
    from purchased components and processes in spreadsheets without a kind column; encoding: of a CSV file.
    """
    path = Path(path)
    if not path.exists():
        raise BomError("file not found", file=str(path))
    check_input_size(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BomError(
            f"unsupported file type '{path.suffix}'", file=str(path),
            expected="a .yaml, .yml, .json, .xlsx or .csv BOM file",
        )
    if kind == "table":
        from .tabular import read_table_bom

        headers: dict[str, str] = {}
        data = read_table_bom(path, aliases=aliases, classify=classify, encoding=encoding, headers_out=headers)
        try:
            return model_from_data(data, source=str(path))
        except BomError as exc:
            raise _as_spreadsheet_error(exc, headers) from None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BomError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None
    try:
        data = load_json_strict(text, str(path)) if kind == "json" else load_yaml_with_rows(text, source=str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", exc))
        hint = None
        if mark is not None and ("','" in problem or "mapping values are not allowed" in problem
                                 or "'}'" in problem or "']'" in problem):
            hint = ('text with a comma, colon or bracket in quotes, e.g. name: "Motor shaft (steel, hardened)" '
                    "(in a flow-style line {...} a bare comma or colon ends the value)")
        where = f" at column {mark.column + 1}" if mark is not None else ""
        raise BomError(f"invalid YAML{where}: {problem}", file=str(path), row=mark.line + 1 if mark else None,
                       expected=hint) from None
    return model_from_data(data, source=str(path), text=text if kind == "yaml" else None)


def load_yaml_with_rows(text: str, *, every_item: bool = False, source_file: str | None = None,
                        source: str | None = None, mark_rows: bool = True):
    """Parse YAML and give each mapping inside a list its `source_row` (the 1-based line), for error messages.

    By default only BOM lines (mappings with an `id`) are marked; `every_item` marks every such mapping (scenario
    files), and `source_file` is also set on mappings that have a `kind` (lines an edit adds). Refused, with the
    row: a key given twice in one mapping, a number that is not finite (.inf, .nan, 1e400), and documents whose
    aliases expand to more than MAX_YAML_NODES nodes. `source` names the file in those errors; `mark_rows=False`
    only checks (for files whose models take no row fields).
    """
    where = source or source_file
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node, where)
        stack, seen = [node], set()
        while stack:
            current = stack.pop()
            if id(current) in seen:  # an alias: the node was checked where it was defined
                continue
            seen.add(id(current))
            if isinstance(current, yaml.SequenceNode):
                for item in current.value:
                    if mark_rows and isinstance(item, yaml.MappingNode):
                        _mark(item, every_item, source_file)
                    stack.append(item)
            elif isinstance(current, yaml.MappingNode):
                _check_unique_keys(current, where)
                stack.extend(v for _, v in current.value)
            elif isinstance(current, yaml.ScalarNode) and current.tag == _YAML_FLOAT:
                _check_finite(current, where)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expanded_size(root: yaml.Node, source: str | None) -> None:
    """Count nodes as if every alias were expanded (memoised per node); refuse alias bombs early."""
    sizes: dict[int, int] = {}
    order, stack = [], [root]
    while stack:  # post-order without recursion: children sized before parents
        current = stack.pop()
        if id(current) in sizes:
            continue
        sizes[id(current)] = -1
        order.append(current)
        stack.extend(_children(current))
    for current in reversed(order):
        total = 1 + sum(max(sizes.get(id(c), 1), 1) for c in _children(current))
        sizes[id(current)] = total
        if total > MAX_YAML_NODES:
            raise BomError(f"the YAML expands to more than {MAX_YAML_NODES:,} nodes (aliases repeated inside "
                           "aliases)", file=source, row=current.start_mark.line + 1,
                           expected="a document without deeply repeated aliases")


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_unique_keys(node: yaml.MappingNode, source: str | None) -> None:
    seen: set = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen and key.value != "<<":
                raise BomError(f"key '{key.value}' is given twice in one mapping", file=source,
                               row=key.start_mark.line + 1, column=key.value, expected="each key once")
            seen.add(key.value)


def _check_finite(node: yaml.ScalarNode, source: str | None) -> None:
    text = node.value.replace("_", "").strip().lower().lstrip("+-")
    finite = text not in (".inf", ".nan")
    if finite:
        try:
            finite = math.isfinite(float(text))
        except ValueError:  # a YAML 1.1 form Python does not parse (sexagesimal ...): the constructor decides
            finite = True
    if not finite:
        raise BomError(f"number {node.value} is not finite", file=source, row=node.start_mark.line + 1,
                       expected="a finite number")


def _mark(item: yaml.MappingNode, every_item: bool, source_file: str | None) -> None:
    keys = {k.value for k, _ in item.value if isinstance(k, yaml.ScalarNode)}
    extra = []
    if "source_row" not in keys and (every_item or "id" in keys):
        extra.append(("source_row", "tag:yaml.org,2002:int", str(item.start_mark.line + 1)))
    if source_file and "kind" in keys and "source_file" not in keys:
        extra.append(("source_file", "tag:yaml.org,2002:str", source_file))
    for key, tag, value in extra:
        item.value.append((yaml.ScalarNode("tag:yaml.org,2002:str", key), yaml.ScalarNode(tag, value)))


# model field -> the spreadsheet column it was read from (pcf/bom/column_aliases.yaml)
_FIELD_COLUMNS = {"mass_kg": "mass", "declared_mass_kg": "mass", "quantity": "quantity", "amount": "quantity",
                  "material": "material", "dataset": "material", "unit": "unit", "id": "id", "name": "name",
                  "scrap_fraction": "scrap_fraction", "supplier": "supplier", "country": "country", "region": "region",
                  "data_type": "data_type", "stage": "stage", "distance_km": "distance", "comment": "comment"}


def _as_spreadsheet_error(exc: BomError, headers: dict[str, str]) -> BomError:
    """A model error of a spreadsheet BOM, naming the sheet and column header instead of the field path."""
    field = (exc.column or "").split(".")[-1]
    header = headers.get(_FIELD_COLUMNS.get(field, field))
    if header is None:
        return exc
    return BomError(exc.message, file=exc.file, row=exc.row, column=header, expected=exc.expected)


def _strip_rows(data):
    if isinstance(data, dict):
        return {k: _strip_rows(v) for k, v in data.items() if k not in ("source_row", "source_file")}
    if isinstance(data, list):
        return [_strip_rows(v) for v in data]
    return data


def model_from_data(data: Any, *, source: str = "BOM", text: str | None = None) -> ProductSystem:
    """Validate plain data (as read from YAML/JSON) into a ProductSystem; errors name the field and its row."""
    if not isinstance(data, dict):
        raise BomError("the BOM must be a mapping with 'machine', 'factory' and 'items'", file=source)
    data = {**data, "source_file": data.get("source_file") or source}
    try:
        return ProductSystem.model_validate(data)
    except ValidationError as exc:
        raise _bom_error(exc, data, source, text) from None


def _bom_error(exc: ValidationError, data: Any, source: str, text: str | None) -> BomError:
    first = exc.errors()[0]
    loc = [p for p in first["loc"] if not (isinstance(p, str) and p in _DISCRIMINATOR_TAGS)]
    field = ".".join(str(p) for p in loc) or "(top level)"
    line_id, row = _locate(data, loc, text)
    count = exc.error_count()
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    label = "machine" if loc and loc[0] in ("machine", "factory") else "line"
    what = f"{label} '{line_id}': " if line_id else ""
    message = f"{what}{first['msg']}{more}"
    if first["type"] == "missing":
        message = f"{what}required field missing{more}"
    key = loc[-1] if loc else None
    if first["type"] == "extra_forbidden" and isinstance(key, str) and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        # `{name: Motor shaft (steel, hardened), ...}`: the bare comma made "hardened)" a key of its own
        parent = ".".join(str(p) for p in loc[:-1]) or "(top level)"
        return BomError(f"{what}'{key}' is not a field: a comma inside an unquoted text of a flow-style line {{...}} "
                        f"splits the text{more}", file=source, row=row, column=parent,
                        expected='the text in quotes, e.g. name: "Motor shaft (steel, hardened)"')
    return BomError(message, file=source, row=row, column=field, expected=_expected(first))


_DISCRIMINATOR_TAGS = {"assembly", "part", "component", "process", "ref"}


def _expected(error: dict) -> str | None:
    ctx = error.get("ctx") or {}
    if "gt" in ctx:
        return f"a number greater than {ctx['gt']}"
    if "ge" in ctx:
        return f"a number of at least {ctx['ge']}"
    if "lt" in ctx:
        return f"a number below {ctx['lt']}"
    if "expected_tags" in ctx:
        return f"kind one of {ctx['expected_tags']}"
    if error["type"].startswith("float") or error["type"].startswith("int"):
        return "a number"
    return None


def _locate(data: Any, loc: list, text: str | None) -> tuple[str | None, int | None]:
    """The id of the innermost line on the error path, and its row (source_row, or the YAML line)."""
    node, line_id, row = data, None, None
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line_id = node.get("id", line_id)
            row = node.get("source_row", row)
    if row is None and text is not None:
        row = _yaml_row(text, loc)
    return line_id, row


def _yaml_row(text: str, loc: list) -> int | None:
    """1-based line number in the YAML text of the deepest node found on `loc`."""
    try:
        node = yaml.compose(text, Loader=_YamlLoader)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def write_bom(system: ProductSystem, path: str | Path) -> None:
    """Write a ProductSystem as YAML or JSON (round-trips through read_bom)."""
    path = Path(path)
    data = _strip_rows(system.model_dump(mode="json", exclude_none=True))
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
