"""One-at-a-time sensitivity (tornado): each parameter set to its low and its high value, everything else at base.

The metric is the net lifetime balance of the line (use-phase savings minus extra embodied emissions, t CO2e);
the lifetime electricity saved (MWh) is reported beside it. Besides numbers, two dimensions take names:
`path: baseline` (low/high: the name of another baseline, or `baseline` for the main one) and
`path: <design>.protocol` (low/high: a name in `protocols`, or `shared`). `range: grid_history` sets the grid
factor's low and high to the min and max of the grid's own published years (`grid.history_kg_co2e_per_kWh`).
Every parameter has a name (its path), so a Monte Carlo run can address the same inputs.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd
from pydantic import ValidationError

from .compare import DESIGNS, EnergyComparison, compare
from .errors import EnergyError
from .models import ComparisonConfig, SensitivityParameter

EMBODIED_PREFIX = "embodied."


def _set_path(data: Any, path: str, value: float) -> None:
    parts = path.split(".")
    node = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(".".join(parts[: i + 1]))
            if last:
                node[part] = value
            else:
                node = node[part]
        elif isinstance(node, (list, tuple)):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(".".join(parts[: i + 1]))
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        else:
            raise KeyError(".".join(parts[: i + 1]))


def _thawed(value: Any) -> Any:
    """model_dump gives tuples for tuple fields; make every container mutable."""
    if isinstance(value, dict):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thawed(v) for v in value]
    return value


def varied(config: ComparisonConfig, embodied: Mapping[str, float], path: str,
           value: float | str) -> tuple[ComparisonConfig, dict[str, float]]:
    """The configuration and embodied footprints with one parameter set to `value` (validated again)."""
    return varied_all(config, embodied, ((path, value),))


def varied_all(config: ComparisonConfig, embodied: Mapping[str, float],
               values: Iterable[tuple[str, float | str]]) -> tuple[ComparisonConfig, dict[str, float]]:
    """The configuration and embodied footprints with every (path, value) set in turn, validated again once (a
    Monte Carlo draw sets every parameter: one dump and one validation per draw, not one per parameter)."""
    embodied = dict(embodied)
    data, changed = None, []
    for path, value in values:
        if path.startswith(EMBODIED_PREFIX) and not isinstance(value, str):
            key = path[len(EMBODIED_PREFIX):].removesuffix("_factor")
            if key not in DESIGNS or not path.endswith("_factor"):
                raise EnergyError(f"unknown sensitivity parameter '{path}'", column="sensitivity",
                                  expected="embodied.baseline_factor or embodied.candidate_factor")
            embodied[key] *= value
            continue
        if path == "baseline" and value == "baseline":  # the main baseline as it is
            continue
        if data is None:
            data = _thawed(config.model_dump())
        if isinstance(value, str):
            _set_choice(config, data, embodied, path, value)
        else:
            try:
                _set_path(data, path, value)
            except KeyError as exc:
                raise EnergyError(f"sensitivity parameter '{path}': no such configuration field ({exc.args[0]})",
                                  column="sensitivity",
                                  expected="a dotted path such as candidate.charge_path_efficiency") from None
        changed.append((path, value))
    if data is None:
        return config, embodied
    return _revalidated(data, embodied, changed)


def _revalidated(data: dict, embodied: dict[str, float],
                 changed: list[tuple[str, float | str]]) -> tuple[ComparisonConfig, dict[str, float]]:
    """The configuration `data` with the `changed` parameters, validated again; an invalid value is an EnergyError."""
    try:
        return ComparisonConfig.model_validate(data), embodied
    except ValidationError as exc:
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        setting = ", ".join(f"'{path}' = {value if isinstance(value, str) else format(value, 'g')}"
                            for path, value in changed)
        what = "parameter" if len(changed) == 1 else "parameters"
        raise EnergyError(f"sensitivity {what} {setting} {'is' if len(changed) == 1 else 'are'} not a valid "
                          f"input: {problems}", column="sensitivity") from None


def _set_choice(config: ComparisonConfig, data: dict, embodied: dict[str, float], path: str, value: str) -> None:
    """Another baseline as the main one (`baseline`), or another protocol for a design (`<design>.protocol`), set
    in `data` (the configuration's dump) and `embodied`."""
    if path == "baseline":
        if value not in config.other_baselines:
            raise EnergyError(f"sensitivity 'baseline': unknown baseline '{value}'", column="sensitivity",
                              expected=f"one of: baseline, {', '.join(config.other_baselines) or '(none)'}")
        data["baseline"] = data["other_baselines"][value]
        embodied["baseline"] = embodied[value]
    elif path.endswith(".protocol") and path.split(".")[0] in ("baseline", "candidate", *config.other_baselines):
        if value != "shared" and value not in config.protocols:
            raise EnergyError(f"sensitivity '{path}': unknown protocol '{value}'", column="sensitivity",
                              expected=f"one of: shared, {', '.join(config.protocols) or '(none)'}")
        design = path.split(".")[0]
        target = data[design] if design in DESIGNS else data["other_baselines"][design]
        target["protocol"] = value
    else:
        raise EnergyError(f"sensitivity parameter '{path}' takes numbers, not the name '{value}'",
                          column="sensitivity", expected="names only for 'baseline' and '<design>.protocol'")


def history_range(config: ComparisonConfig) -> tuple[float, float, str]:
    """(low, high, source) of the first-year grid factor from the grid's own published years."""
    history = config.grid.history_kg_co2e_per_kWh or {}
    base = config.grid.first_year_kg_co2e_per_kWh
    if len(history) < 2:
        years = ", ".join(map(str, sorted(history))) or "none"
        return base, base, (f"{config.grid.history_source or config.grid.dataset or config.grid.name}: one year "
                            f"only ({years}); no range from the grid's own history")
    low_year = min(history, key=history.get)
    high_year = max(history, key=history.get)
    return history[low_year], history[high_year], (
        f"{config.grid.history_source or config.grid.dataset}: own history {min(history)}-{max(history)}, "
        f"min {history[low_year]:.4f} ({low_year}), max {history[high_year]:.4f} ({high_year})")


def resolved(config: ComparisonConfig, p: SensitivityParameter) -> SensitivityParameter:
    """The parameter with low and high filled in (grid history) and a default label."""
    if p.range == "grid_history":
        low, high, source = history_range(config)
        return SensitivityParameter(path=p.path, low=low, high=high, source=p.source or source,
                                    label=p.label or "grid factor in the first year, kg CO2e/kWh (own history)")
    return p


def _base_value(config: ComparisonConfig, path: str):
    if path.startswith(EMBODIED_PREFIX):
        return 1.0
    if path == "baseline":
        return "baseline"
    if path.endswith(".protocol"):
        design = config.designs().get(path.split(".")[0])
        if design is not None and design.protocol is None:
            return "shared"
        return "own protocol"
    return _lookup(config, path)


def _metrics(result: EnergyComparison) -> tuple[float, float]:
    s = result.line_savings
    return s.net_lifetime_kg_co2e / 1000.0, s.lifetime_kWh / 1000.0


def tornado(config: ComparisonConfig, embodied: Mapping[str, float],
            parameters: tuple[SensitivityParameter, ...] | None = None) -> pd.DataFrame:
    """One row per parameter, sorted by swing: base, low and high values and the metrics at each.

    Columns: label, path, base_value, low, high, net_t_co2e_low, net_t_co2e_high, saved_MWh_low, saved_MWh_high,
    swing_t_co2e; `attrs['base_net_t_co2e']` and `attrs['base_saved_MWh']` hold the base case.
    """
    parameters = config.sensitivity if parameters is None else parameters
    calibrations: dict = {}  # power-log fits, made once per design and protocol
    base_net, base_mwh = _metrics(compare(config, embodied, calibrations=calibrations))
    rows = []
    for p in parameters:
        p = resolved(config, p)
        base_value = _base_value(config, p.path)
        low_net, low_mwh = _metrics(compare(*varied(config, embodied, p.path, p.low), calibrations=calibrations))
        high_net, high_mwh = _metrics(compare(*varied(config, embodied, p.path, p.high), calibrations=calibrations))
        rows.append({"label": p.label or p.path, "path": p.path, "base_value": base_value, "low": p.low,
                     "high": p.high, "net_t_co2e_low": low_net, "net_t_co2e_high": high_net,
                     "saved_MWh_low": low_mwh, "saved_MWh_high": high_mwh,
                     "swing_t_co2e": abs(high_net - low_net), "source": p.source or ""})
    frame = pd.DataFrame(rows, columns=["label", "path", "base_value", "low", "high", "net_t_co2e_low",
                                        "net_t_co2e_high", "saved_MWh_low", "saved_MWh_high", "swing_t_co2e",
                                        "source"])
    frame = frame.sort_values("swing_t_co2e", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["base_net_t_co2e"] = base_net
    frame.attrs["base_saved_MWh"] = base_mwh
    return frame


def _lookup(config: ComparisonConfig, path: str) -> float | None:
    node: Any = _thawed(config.model_dump())
    for part in path.split("."):
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError):
            raise EnergyError(f"sensitivity parameter '{path}': no such configuration field", column="sensitivity",
                              expected="a dotted path such as candidate.charge_path_efficiency") from None
    return node if isinstance(node, (int, float)) else None
