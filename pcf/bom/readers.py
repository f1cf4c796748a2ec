"""Readers: a BOM file in, a validated ProductSystem out, or a BomError that names the file, row and field."""

from __future__ import annotations

import json
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


def read_bom(path: str | Path, *, aliases: str | Path | None = None, classify=None,
             encoding: str | None = None) -> ProductSystem:
    """Read a BOM: YAML or JSON (the pydantic model's own layout), or an Excel / CSV spreadsheet export.

    aliases: a user's column-alias file for spreadsheets; classify: text -> dataset category, used to tell parts
    from purchased components and processes in spreadsheets without a kind column; encoding: of a CSV file.
    """
    path = Path(path)
    if not path.exists():
        raise BomError("file not found", file=str(path))
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BomError(
            f"unsupported file type '{path.suffix}'", file=str(path),
            expected="a .yaml, .yml, .json, .xlsx or .csv BOM file",
        )
    if kind == "table":
        from .tabular import read_table_bom

        data = read_table_bom(path, aliases=aliases, classify=classify, encoding=encoding)
        return model_from_data(data, source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BomError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None
    try:
        data = json.loads(text) if kind == "json" else load_yaml_with_rows(text)
    except json.JSONDecodeError as exc:
        raise BomError(f"invalid JSON: {exc.msg}", file=str(path), row=exc.lineno) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BomError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path), row=mark.line + 1 if mark else None
        ) from None
    return model_from_data(data, source=str(path), text=text if kind == "yaml" else None)


def load_yaml_with_rows(text: str, *, every_item: bool = False, source_file: str | None = None):
    """Parse YAML and give each mapping inside a list its `source_row` (the 1-based line), for error messages.

    By default only BOM lines (mappings with an `id`) are marked; `every_item` marks every such mapping (scenario
    files), and `source_file` is also set on mappings that have a `kind` (lines an edit adds).
    """
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, yaml.SequenceNode):
                for item in current.value:
                    if isinstance(item, yaml.MappingNode):
                        _mark(item, every_item, source_file)
                    stack.append(item)
            elif isinstance(current, yaml.MappingNode):
                stack.extend(v for _, v in current.value)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _mark(item: yaml.MappingNode, every_item: bool, source_file: str | None) -> None:
    keys = {k.value for k, _ in item.value if isinstance(k, yaml.ScalarNode)}
    extra = []
    if "source_row" not in keys and (every_item or "id" in keys):
        extra.append(("source_row", "tag:yaml.org,2002:int", str(item.start_mark.line + 1)))
    if source_file and "kind" in keys and "source_file" not in keys:
        extra.append(("source_file", "tag:yaml.org,2002:str", source_file))
    for key, tag, value in extra:
        item.value.append((yaml.ScalarNode("tag:yaml.org,2002:str", key), yaml.ScalarNode(tag, value)))


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
