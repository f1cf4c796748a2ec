"""Fit a design's efficiencies and auxiliary load to the steps of a measured power log (bounded least squares).

Model of the machine meter over step k of the logged cycle (n cells, machine loads P kW running throughout):
E_k = n x (E_in,k / eta_c - eta_d x s x E_out,k) + P x t_k, in kWh (E_in, E_out per cell at the terminals; s the
design's reuse share, fixed; a resistive design has no recovery term). Fitted: eta_c, eta_d (feedback designs) and
P; residual_k = model - measured. scipy.optimize.least_squares with bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .balance import StepBalance
from .models import AuxiliaryLoad, Design

BOUNDS = {"charge_path_efficiency": (0.3, 1.0), "discharge.path_efficiency": (0.3, 1.0)}


@dataclass(frozen=True)
class Calibration:
    """The fitted parameters, the per-step fit and the calibrated design."""

    design: Design
    parameters: pd.DataFrame  # index parameter: prior, fitted, low, high, unit, at_bound
    steps: pd.DataFrame  # index step: duration_h, measured_kWh, prior_kWh, fitted_kWh, residual_kWh
    cells: int

    @property
    def rms_kWh(self) -> float:
        return float(np.sqrt(np.mean(self.steps["residual_kWh"] ** 2)))

    @property
    def total_residual_kWh(self) -> float:
        return float(self.steps["residual_kWh"].sum())

    @property
    def relative_residual(self) -> float:
        """sqrt(sum residual^2) / sqrt(sum measured^2): 0 = a perfect fit."""
        measured = float(np.sqrt((self.steps["measured_kWh"] ** 2).sum()))
        return float(np.sqrt((self.steps["residual_kWh"] ** 2).sum())) / measured if measured else 0.0


def machine_load_kW(design: Design) -> float:
    """Cycling plus always-powered auxiliary loads of the design, kW."""
    return sum(load.power_kW for load in design.auxiliary_loads)


def _model(x: np.ndarray, cell_in: np.ndarray, cell_out: np.ndarray, hours: np.ndarray, cells: int,
           reuse: float | None) -> np.ndarray:
    eta_c, load_kW = x[0], x[-1]
    energy = cells * cell_in / eta_c + load_kW * hours
    if reuse is not None:
        energy = energy - cells * x[1] * reuse * cell_out
    return energy


def calibrate(design: Design, steps: list[StepBalance], measured_kWh: np.ndarray, cells: int) -> Calibration:
    """Fit eta_c, eta_d (feedback only) and the machine load P to the measured step energies (kWh per step)."""
    from scipy.optimize import least_squares

    measured_kWh = np.asarray(measured_kWh, dtype=np.float64)
    cell_in = np.array([s.cell_in_kWh for s in steps])
    cell_out = np.array([s.cell_out_kWh for s in steps])
    hours = np.array([s.duration_h for s in steps])
    feedback = design.discharge.route == "feedback"
    reuse = design.discharge.reuse_share if feedback else None
    prior_load = machine_load_kW(design)
    names = ["charge_path_efficiency"] + (["discharge.path_efficiency"] if feedback else []) + ["machine_load_kW"]
    prior = [design.charge_path_efficiency] + ([design.discharge.path_efficiency] if feedback else []) + [prior_load]
    load_high = 10.0 * prior_load + float(measured_kWh.max() / hours.min()) if len(hours) else 1e3
    low = [BOUNDS[n][0] for n in names[:-1]] + [0.0]
    high = [BOUNDS[n][1] for n in names[:-1]] + [load_high]
    start = np.clip(prior, low, high)
    fit = least_squares(lambda x: _model(x, cell_in, cell_out, hours, cells, reuse) - measured_kWh, start,
                        bounds=(low, high), x_scale=np.maximum(np.abs(start), 1e-3))
    fitted = fit.x
    parameters = pd.DataFrame({
        "prior": prior, "fitted": fitted, "low": low, "high": high,
        "unit": ["fraction"] * (len(names) - 1) + ["kW"],
        "at_bound": [bool(np.isclose(v, lo) or np.isclose(v, hi)) for v, lo, hi in zip(fitted, low, high)],
    }, index=pd.Index(names, name="parameter"))
    table = pd.DataFrame({
        "duration_h": hours, "measured_kWh": measured_kWh,
        "prior_kWh": _model(np.array(prior, dtype=float), cell_in, cell_out, hours, cells, reuse),
        "fitted_kWh": _model(fitted, cell_in, cell_out, hours, cells, reuse),
    }, index=pd.Index([s.name for s in steps], name="step"))
    table["residual_kWh"] = table["fitted_kWh"] - table["measured_kWh"]
    return Calibration(design=_calibrated_design(design, dict(zip(names, fitted)), prior_load),
                       parameters=parameters, steps=table, cells=cells)


def _calibrated_design(design: Design, fitted: dict[str, float], prior_load: float) -> Design:
    """The design with the fitted efficiencies; every auxiliary load scaled by fitted / prior machine load."""
    update: dict = {"charge_path_efficiency": float(fitted["charge_path_efficiency"])}
    if "discharge.path_efficiency" in fitted:
        update["discharge"] = design.discharge.model_copy(
            update={"path_efficiency": float(fitted["discharge.path_efficiency"])})
    load = float(fitted["machine_load_kW"])
    if prior_load > 0:
        scale = load / prior_load
        update["auxiliary_loads"] = tuple(a.model_copy(update={"power_kW": a.power_kW * scale})
                                          for a in design.auxiliary_loads)
    else:
        update["auxiliary_loads"] = (AuxiliaryLoad(name="machine load fitted to the power log", power_kW=load,
                                                   when="cycling"),)
    return design.model_copy(update=update)
