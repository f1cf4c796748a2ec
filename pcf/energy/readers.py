"""Read a comparison configuration (YAML or JSON) into a validated ComparisonConfig, or raise an EnergyError.

- `extends: other.yaml` starts from another configuration (mappings are merged key by key, lists replaced);
- `baseline:` / `candidate:` / each of `other_baselines:` is a design mapping or the path of a design file (a
  mapping under `design:`);
- every `bom:` and `measured.power_log:` path is made absolute, relative to the file that names it;
- `grid.dataset` names an lci_data electricity dataset: its kg CO2e per kWh (from the engine's background) becomes
  `grid.first_year_kg_co2e_per_kWh` unless that is given, and its source is recorded; the factors of the same grid
  in the other years lci_data holds become `grid.history_kg_co2e_per_kWh` (the tornado's `range: grid_history`);
- `plant.fuel_dataset` names an lci_data fuel dataset per kWh: its factor becomes `plant.fuel_kg_co2e_per_kWh`;
- a design's `measured.power_log` is read, checked and integrated over each step of the design's protocol
  (`measured.log_step_kWh`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..bom.readers import check_input_size, load_json_strict, load_yaml_with_rows
from .errors import EnergyError
from .models import ComparisonConfig
from .power_log import read_power_log, step_energies_kWh

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


def _design_file(path: Path) -> dict:
    loaded = _load(path)
    if "design" not in loaded or not isinstance(loaded["design"], dict):
        raise EnergyError("a design file holds its design under 'design:'", file=str(path))
    return _absolute_design(dict(loaded["design"]), path.parent)


def _absolute_design(design, folder: Path):
    """A design mapping with its BOM and power-log paths absolute. A string is a design file; a mapping with
    `file:` starts from that design file and overrides it key by key."""
    if isinstance(design, str):
        return _design_file((folder / design).resolve())
    if not isinstance(design, dict):
        return design
    design = dict(design)
    if isinstance(design.get("file"), str):
        base = _design_file((folder / design.pop("file")).resolve())
        return _merge(base, _absolute_design(design, folder))
    if isinstance(design.get("bom"), str):
        design["bom"] = str((folder / design["bom"]).resolve())
    measured = design.get("measured")
    if isinstance(measured, dict) and isinstance(measured.get("power_log"), str):
        design["measured"] = {**measured, "power_log": str((folder / measured["power_log"]).resolve())}
    return design


def _absolute_designs(data: dict, folder: Path) -> dict:
    """Inline design files and make BOM and power-log paths absolute (relative to the file that names them)."""
    data = dict(data)
    for key in ("baseline", "candidate"):
        if key in data:
            data[key] = _absolute_design(data[key], folder)
    if isinstance(data.get("other_baselines"), dict):
        data["other_baselines"] = {name: _absolute_design(design, folder)
                                   for name, design in data["other_baselines"].items()}
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


def grid_factor_from_dataset(key: str, background=None, *, column: str = "grid.dataset") -> tuple[float, str]:
    """(kg CO2e per kWh, source) of an lci_data dataset per kWh, characterised with the default GWP set."""
    from ..data.background import default_background
    from ..methods import get_method

    background = background or default_background()
    if not background.has(key):
        raise EnergyError(f"unknown dataset '{key}'", column=column,
                          expected="an electricity dataset listed by `pcf data list --category electricity`")
    row = background.tables.datasets.loc[key]
    if str(row["unit"]) != "kWh":
        raise EnergyError(f"dataset '{key}' is in {row['unit']}", column=column,
                          expected="a dataset per kWh")
    method = get_method(background.tables)
    score = float((background.cumulative_with_grid(None)[background.index(key)]
                   * method.factors_for(background.flow_keys)).sum())
    source = f"lci_data {key}: {row['name']}; {row.get('source_locator', '')} ({method.label})"
    return score, source


def grid_history(key: str, background=None) -> tuple[dict[int, float], str]:
    """The same grid's factors in every year lci_data holds ({year: kg CO2e per kWh}, source).

    Datasets of one grid share their key up to a final `_YYYY` (electricity_cn_footprint_2023, ..._2024).
    """
    from ..data.background import default_background

    background = background or default_background()
    match = re.fullmatch(r"(.+)_(\d{4})", key)
    if match is None:
        return {}, f"lci_data {key}: no year in the key, no history"
    stem = match.group(1)
    keys = sorted(k for k in background.tables.datasets.index if re.fullmatch(re.escape(stem) + r"_\d{4}", str(k)))
    history = {int(k[-4:]): grid_factor_from_dataset(k, background)[0] for k in keys}
    return history, f"lci_data {stem}_YYYY ({', '.join(map(str, sorted(history)))})"


def _resolve_power_logs(config: ComparisonConfig, file: str) -> ComparisonConfig:
    """Read every design's power log (each file once, however many designs name it) and integrate it over the steps
    of that design's protocol."""
    logs = {}

    def resolve(key, design):
        m = design.measured
        if m is None or m.power_log is None:
            return design
        read = (m.power_log, m.max_gap_minutes)
        if read not in logs:
            logs[read] = read_power_log(m.power_log, max_gap_minutes=m.max_gap_minutes)
        log = logs[read]
        durations = [step.resolve(config.cell)[1] for step in config.protocol_of(design)]
        energies = step_energies_kWh(log, durations)
        return design.model_copy(update={"measured": m.model_copy(
            update={"log_step_kWh": tuple(float(e) for e in energies),
                    "log_step_h": tuple(float(h) for h in durations)})})

    update = {key: resolve(key, getattr(config, key)) for key in ("baseline", "candidate")}
    update["other_baselines"] = {k: resolve(k, d) for k, d in config.other_baselines.items()}
    return config.model_copy(update=update)


def read_config(path: str | Path, *, background=None) -> ComparisonConfig:
    """Read and validate a comparison configuration; resolve design files, BOM paths, the grid dataset and its
    history, the plant's fuel dataset and the power logs."""
    path = Path(path)
    data = _raw(path)
    grid = data.get("grid")
    if isinstance(grid, dict) and grid.get("dataset") and grid.get("by_year_kg_co2e_per_kWh") is None:
        grid = dict(grid)
        if grid.get("first_year_kg_co2e_per_kWh") is None:
            factor, source = grid_factor_from_dataset(str(grid["dataset"]), background)
            grid.update(first_year_kg_co2e_per_kWh=factor, source=grid.get("source") or source)
        if grid.get("history_kg_co2e_per_kWh") is None:
            history, history_source = grid_history(str(grid["dataset"]), background)
            grid.update(history_kg_co2e_per_kWh=history, history_source=history_source)
        data["grid"] = grid
    plant = data.get("plant")
    if isinstance(plant, dict) and plant.get("fuel_dataset") and plant.get("fuel_kg_co2e_per_kWh") is None:
        factor, source = grid_factor_from_dataset(str(plant["fuel_dataset"]), background, column="plant.fuel_dataset")
        data["plant"] = {**plant, "fuel_kg_co2e_per_kWh": factor, "fuel_source": plant.get("fuel_source") or source}
    config = validate_config(data, file=str(path))
    for key, design in config.designs().items():
        bom = Path(design.bom)
        if not bom.exists():
            raise EnergyError(f"{key} BOM not found: {bom}", file=str(path), column=f"{key}.bom")
    return _resolve_power_logs(config, str(path))
