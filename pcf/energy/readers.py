"""Read a comparison configuration (YAML or JSON) into a validated ComparisonConfig, or raise an EnergyError.

- `extends: other.yaml` starts from another configuration (mappings are merged key by key, lists replaced);
- `baseline:` / `candidate:` are a design mapping or the path of a design file (a mapping under `design:`);
- every `bom:` path is made absolute, relative to the file that names it;
- `grid.dataset` names an lci_data electricity dataset: its kg CO2e per kWh (from the engine's background) becomes
  `grid.first_year_kg_co2e_per_kWh` unless that is given, and its source is recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..bom.readers import check_input_size, load_json_strict, load_yaml_with_rows
from .errors import EnergyError
from .models import ComparisonConfig

SUFFIXES = (".yaml", ".yml", ".json")


def _load(path: Path) -> dict:
    if not path.exists():
        raise EnergyError("file not found", file=str(path))
    if path.suffix.lower() not in SUFFIXES:
        raise EnergyError(f"unsupported file type '{path.suffix}'", file=str(path),
                          expected="a .yaml, .yml or .json file")
    check_input_size(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EnergyError(f"not UTF-8 text ({exc.reason})", file=str(path)) from None
    try:
        data = (load_json_strict(text, str(path)) if path.suffix.lower() == ".json"
                else load_yaml_with_rows(text, source=str(path), mark_rows=False))
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        row = getattr(exc, "lineno", None) or (mark.line + 1 if mark else None)
        raise EnergyError(f"cannot parse: {getattr(exc, 'problem', None) or exc}", file=str(path), row=row) from None
    if not isinstance(data, dict):
        raise EnergyError("the file must hold a mapping", file=str(path))
    return data


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _absolute_designs(data: dict, folder: Path) -> dict:
    """Inline design files and make BOM paths absolute (relative to the file that names them)."""
    data = dict(data)
    for key in ("baseline", "candidate"):
        if key not in data:
            continue
        design = data[key]
        if isinstance(design, str):
            design_path = (folder / design).resolve()
            loaded = _load(design_path)
            if "design" not in loaded or not isinstance(loaded["design"], dict):
                raise EnergyError("a design file holds its design under 'design:'", file=str(design_path))
            design = dict(loaded["design"])
            if isinstance(design.get("bom"), str):
                design["bom"] = str((design_path.parent / design["bom"]).resolve())
        elif isinstance(design, dict) and isinstance(design.get("bom"), str):
            design = dict(design)
            design["bom"] = str((folder / design["bom"]).resolve())
        data[key] = design
    return data


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    path = path.resolve()
    if path in seen:
        raise EnergyError("configurations extend each other in a cycle", file=str(path))
    data = _absolute_designs(_load(path), path.parent)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    base = _raw(path.parent / parent, seen + (path,))
    return _merge(base, data)


def format_validation_error(exc: ValidationError) -> str:
    """One line per problem: the field's dotted path, the message and the value given."""
    lines = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "configuration"
        message = err["msg"].removeprefix("Value error, ")
        given = err.get("input")
        quiet = isinstance(given, (dict, list)) or given is None or ", got " in message
        shown = "" if quiet else f" (got {given!r})"
        lines.append(f"{where}: {message}{shown}")
    return "; ".join(lines)


def validate_config(data: dict, *, file: str | None = None) -> ComparisonConfig:
    """A ComparisonConfig from a mapping, or an EnergyError naming every bad field."""
    try:
        return ComparisonConfig.model_validate(data)
    except ValidationError as exc:
        raise EnergyError(f"invalid energy configuration: {format_validation_error(exc)}", file=file) from None


def grid_factor_from_dataset(key: str, background=None) -> tuple[float, str]:
    """(kg CO2e per kWh, source) of an lci_data electricity dataset, characterised with the default GWP set."""
    from ..data.background import default_background
    from ..methods import get_method

    background = background or default_background()
    if not background.has(key):
        raise EnergyError(f"unknown grid dataset '{key}'", column="grid.dataset",
                          expected="an electricity dataset listed by `pcf data list --category electricity`")
    row = background.tables.datasets.loc[key]
    if str(row["unit"]) != "kWh":
        raise EnergyError(f"grid dataset '{key}' is in {row['unit']}", column="grid.dataset",
                          expected="a dataset per kWh")
    method = get_method(background.tables)
    score = float((background.cumulative_with_grid(None)[background.index(key)]
                   * method.factors_for(background.flow_keys)).sum())
    source = f"lci_data {key}: {row['name']}; {row.get('source_locator', '')} ({method.label})"
    return score, source


def read_config(path: str | Path, *, background=None) -> ComparisonConfig:
    """Read and validate a comparison configuration; resolve design files, BOM paths and the grid dataset."""
    path = Path(path)
    data = _raw(path)
    grid = data.get("grid")
    if isinstance(grid, dict) and grid.get("dataset") and grid.get("first_year_kg_co2e_per_kWh") is None \
            and grid.get("by_year_kg_co2e_per_kWh") is None:
        factor, source = grid_factor_from_dataset(str(grid["dataset"]), background)
        data["grid"] = {**grid, "first_year_kg_co2e_per_kWh": factor, "source": grid.get("source") or source}
    config = validate_config(data, file=str(path))
    for key in ("baseline", "candidate"):
        bom = Path(getattr(config, key).bom)
        if not bom.exists():
            raise EnergyError(f"{key} BOM not found: {bom}", file=str(path), column=f"{key}.bom")
    return config
