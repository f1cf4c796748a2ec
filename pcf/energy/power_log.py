"""A logged power curve (CSV: timestamp, power) read, checked and integrated over the steps of a protocol.

File format: optional comment lines starting with `#`, a header `timestamp,<power column>` and one row per sample.
The power column's name gives its unit: `kW` or `power_kW`, `W` or `power_W`, `MW` or `power_MW` (converted to kW
here, at the edge). Timestamps are ISO 8601 (`2026-03-02T06:00:00`, with or without a UTC offset, not mixed).
Rejected with the file, row and column: unsorted or duplicate timestamps, a gap longer than `max_gap_minutes`,
negative power (an export meter is not supported), non-numeric values, an unknown unit, fewer than two rows.
Integration: trapezoid rule, with the curve interpolated linearly at window boundaries.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from .errors import EnergyError

UNITS_TO_KW = {"kw": 1.0, "power_kw": 1.0, "w": 1e-3, "power_w": 1e-3, "mw": 1e3, "power_mw": 1e3}


@dataclass(frozen=True)
class PowerLog:
    """A checked power curve: hours since the first sample and power in kW."""

    file: str
    hours: np.ndarray
    kW: np.ndarray

    @property
    def span_h(self) -> float:
        return float(self.hours[-1] - self.hours[0])

    @property
    def total_kWh(self) -> float:
        return integrate_kWh(self, 0.0, self.span_h)


def read_power_log(path: str | Path, *, max_gap_minutes: float = 5.0) -> PowerLog:
    """Read and check a power log (see the module docstring); an EnergyError names the file, row and column."""
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise EnergyError("power log not found", file=where)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EnergyError(f"not UTF-8 text ({exc.reason})", file=where) from None
    rows = [(number, row) for number, row in enumerate(csv.reader(text.splitlines()), start=1)
            if row and not row[0].lstrip().startswith("#") and any(cell.strip() for cell in row)]
    if not rows:
        raise EnergyError("the power log is empty", file=where, expected="a header 'timestamp,kW' and rows")
    header_row, header = rows[0]
    names = [cell.strip() for cell in header]
    if len(names) != 2 or names[0].lower() != "timestamp":
        raise EnergyError(f"header {names!r}", file=where, row=header_row,
                          expected="two columns: timestamp and the power with its unit (kW, W or MW)")
    power_column = names[1]
    factor = UNITS_TO_KW.get(power_column.lower())
    if factor is None:
        raise EnergyError(f"unknown power unit '{power_column}'", file=where, row=header_row, column=power_column,
                          expected="kW, W or MW (power_kW, power_W, power_MW)")
    times, power = [], []
    aware = None
    for number, row in rows[1:]:
        if len(row) != 2:
            raise EnergyError(f"{len(row)} fields", file=where, row=number, expected="timestamp,power")
        stamp, value = row[0].strip(), row[1].strip()
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            raise EnergyError(f"not a timestamp: {stamp!r}", file=where, row=number, column="timestamp",
                              expected="ISO 8601, e.g. 2026-03-02T06:00:00") from None
        has_zone = moment.utcoffset() is not None
        if aware is None:
            aware = has_zone
        elif has_zone != aware:
            raise EnergyError("timestamps with and without a UTC offset are mixed", file=where, row=number,
                              column="timestamp", expected="all with an offset or all without")
        try:
            kw = float(value) * factor
        except ValueError:
            raise EnergyError(f"not a number: {value!r}", file=where, row=number, column=power_column) from None
        if not math.isfinite(kw):
            raise EnergyError(f"not a finite number: {value!r}", file=where, row=number, column=power_column)
        if kw < 0:
            raise EnergyError(f"negative power {value} {power_column}", file=where, row=number, column=power_column,
                              expected="power drawn from the grid, >= 0 (a log of exported power is not supported)")
        if times:
            step_s = (moment - times[-1]).total_seconds()
            if step_s == 0:
                raise EnergyError(f"duplicate timestamp {stamp}", file=where, row=number, column="timestamp",
                                  expected="one row per timestamp")
            if step_s < 0:
                raise EnergyError(f"timestamp {stamp} is earlier than the row before", file=where, row=number,
                                  column="timestamp", expected="rows sorted by time")
            if step_s > max_gap_minutes * 60.0:
                raise EnergyError(f"gap of {step_s / 60:.1f} minutes before {stamp}", file=where, row=number,
                                  column="timestamp", expected=f"at most {max_gap_minutes:g} minutes between rows "
                                                               "(max_gap_minutes)")
        times.append(moment)
        power.append(kw)
    if len(times) < 2:
        raise EnergyError("the power log needs at least two rows", file=where)
    hours = np.array([(t - times[0]).total_seconds() / 3600.0 for t in times], dtype=np.float64)
    return PowerLog(file=where, hours=hours, kW=np.array(power, dtype=np.float64))


def integrate_kWh(log: PowerLog, start_h: float, end_h: float) -> float:
    """Energy between `start_h` and `end_h` (hours since the first sample), kWh: trapezoid rule."""
    if start_h < -1e-9 or end_h > log.span_h + 1e-9 or end_h < start_h:
        raise EnergyError(f"window {start_h:g}-{end_h:g} h lies outside the log (0-{log.span_h:g} h)",
                          file=log.file)
    inside = (log.hours > start_h) & (log.hours < end_h)
    t = np.concatenate(([start_h], log.hours[inside], [end_h]))
    p = np.interp(t, log.hours, log.kW)
    return float(np.sum((t[1:] - t[:-1]) * (p[1:] + p[:-1]) / 2.0))


def step_energies_kWh(log: PowerLog, durations_h: list[float]) -> np.ndarray:
    """The log integrated over consecutive steps of the given durations, from its first sample, kWh per step."""
    total = float(sum(durations_h))
    if log.span_h < total * (1 - 1e-9):
        raise EnergyError(f"the power log covers {log.span_h:.3f} h, the protocol takes {total:.3f} h",
                          file=log.file, expected="a log of at least one whole protocol cycle")
    bounds = np.concatenate(([0.0], np.cumsum(durations_h)))
    return np.array([integrate_kWh(log, a, b) for a, b in zip(bounds[:-1], bounds[1:])])
