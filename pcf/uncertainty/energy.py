"""Paired Monte Carlo and global sensitivity (Sobol' indices, SALib) of the energy comparator's named parameters.

The comparator's `sensitivity` list names parameters with a low and a high value (docs/energy.md). Here each is
drawn uniformly between them (whole-number fields such as years rounded; pcf's reading of a stated low-high range without a most likely value), once per
iteration for both designs: the baseline and the candidate are evaluated with the same draw, so the net lifetime
balance (candidate savings minus its extra embodied emissions, t CO2e) carries only the uncertainty of the
parameters, and the probability that the candidate is lower over the line's life is the share of draws with a
positive balance. Sobol' first-order and total indices of the same parameters come from SALib (Saltelli's
sampling; Saltelli et al. 2010, Comput Phys Commun 181:259, as implemented in SALib, Herman & Usher 2017, JOSS 2:97).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .summary import describe

SOBOL_BASE_SAMPLES = 64  # N of Saltelli's scheme: N x (2k + 2) evaluations for k parameters


@dataclass(frozen=True)
class EnergyUncertainty:
    """Draws of the net lifetime balance (t CO2e, positive: the candidate is lower) and Sobol' indices."""

    labels: tuple[str, ...]
    net_t_co2e: np.ndarray
    saved_MWh: np.ndarray
    sobol: pd.DataFrame  # label, S1, S1_conf, ST, ST_conf
    iterations: int
    seed: int

    @property
    def probability_candidate_lower(self) -> float:
        return float(np.mean(self.net_t_co2e > 0))

    def to_dict(self) -> dict:
        return {"method": "parameters of the comparator's sensitivity list drawn uniformly between low and high, "
                          "the same draw for both designs; Sobol' indices by SALib (docs/uncertainty.md)",
                "iterations": self.iterations, "seed": self.seed, "parameters": list(self.labels),
                "net_lifetime_t_co2e": describe(self.net_t_co2e), "saved_MWh": describe(self.saved_MWh),
                "probability_candidate_lower": self.probability_candidate_lower,
                "sobol": self.sobol.to_dict(orient="records")}


def _integers(config, parameters) -> np.ndarray:
    """Parameters whose configuration field is a whole number (years, counts): their draws are rounded."""
    from ..energy.sensitivity import EMBODIED_PREFIX, _lookup

    return np.array([not p.path.startswith(EMBODIED_PREFIX) and isinstance(_lookup(config, p.path), int)
                     and not isinstance(_lookup(config, p.path), bool) for p in parameters], dtype=bool)


def _evaluate(config, embodied: Mapping[str, float], parameters, values: np.ndarray,
              integers: np.ndarray, calibrations: dict | None = None) -> tuple[float, float]:
    from ..energy.compare import compare
    from ..energy.sensitivity import varied_all

    config, embodied = varied_all(config, embodied, [(p.path, int(round(value)) if whole else float(value))
                                                     for p, value, whole in zip(parameters, values, integers)])
    s = compare(config, embodied, calibrations=calibrations).line_savings
    return s.net_lifetime_kg_co2e / 1000.0, s.lifetime_kWh / 1000.0


def energy_uncertainty(config, embodied: Mapping[str, float], *, iterations: int = 500, seed: int = 0,
                       sobol_samples: int = SOBOL_BASE_SAMPLES) -> EnergyUncertainty:
    """Paired Monte Carlo of the comparator's named parameters and their Sobol' indices."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from ..energy.sensitivity import resolved

    # categorical dimensions (baseline type, protocol: low/high are names) and zero-width ranges are held at the
    # configuration's own value; the Monte Carlo and Sobol' indices cover the numeric parameters
    parameters = tuple(q for q in (resolved(config, p) for p in config.sensitivity)
                       if not isinstance(q.low, str) and not isinstance(q.high, str) and q.low != q.high)
    labels = tuple(p.label or p.path for p in parameters)
    low = np.array([p.low for p in parameters], dtype=np.float64)
    high = np.array([p.high for p in parameters], dtype=np.float64)
    rng = np.random.default_rng([seed, 16])
    draws = low + (high - low) * rng.random((iterations, len(parameters)))
    integers = _integers(config, parameters)
    fits: dict = {}  # power-log calibrations of designs the draws leave unchanged: fitted once
    results = np.array([_evaluate(config, embodied, parameters, row, integers, fits) for row in draws])
    problem = {"num_vars": len(parameters), "names": list(labels),
               "bounds": [[float(a), float(b)] for a, b in zip(low, high)]}
    sample = sobol_sample.sample(problem, sobol_samples, calc_second_order=False, seed=seed)
    outputs = np.array([_evaluate(config, embodied, parameters, row, integers, fits)[0] for row in sample])
    indices = sobol_analyze.analyze(problem, outputs, calc_second_order=False, seed=seed)
    sobol = pd.DataFrame({"label": labels, "S1": indices["S1"], "S1_conf": indices["S1_conf"],
                          "ST": indices["ST"], "ST_conf": indices["ST_conf"]}).sort_values("ST", ascending=False)
    return EnergyUncertainty(labels, results[:, 0], results[:, 1], sobol.reset_index(drop=True), iterations, seed)
