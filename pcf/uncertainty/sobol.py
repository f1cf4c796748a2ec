"""Sobol' indices of a design comparison's named parameters (`pcf compare --scenarios F --sobol`).

A scenario file's `parameters` (docs/compare.md) expand into variants. For every variant spec that uses parameters
with more than one value, the spec's CFP (kg CO2e per machine) is a function of those parameters; its Sobol'
first-order (S1) and total (ST) indices say how much of the CFP's variance over the parameters' ranges each one
explains alone and with its interactions. Each parameter is drawn over what the file declares for it: a `range`
uniformly between its start and stop (continuous: the step is the grid of the listed variants, not of the
sensitivity), a `values` list uniformly among its values; parameters with one `value` stay at it. The sample is
Saltelli's (N x (k + 2) points for k parameters, `calc_second_order=False`), every point a variant evaluated on the
comparator's fast path (`pcf.compare.evaluate`: the base's arrays patched, no graph rebuilt), and the indices with
their bootstrap 95 % confidence intervals come from SALib (Saltelli, A. et al. 2010, Comput Phys Commun
181:259-270; Herman, J., Usher, W. 2017, SALib, JOSS 2(9):97).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..compare.base import CompiledBase
from ..compare.scenario import ScenarioFile

SOBOL_BASE_SAMPLES = 64  # N of Saltelli's scheme


@dataclass(frozen=True, eq=False)
class ParameterSobol:
    """Sobol' indices of one variant spec's CFP (kg CO2e per machine) over its varying parameters."""

    variant: str  # the spec's name as written (it may hold {parameter} placeholders)
    table: pd.DataFrame  # parameter, unit, sampled, low, high, S1, S1_conf, ST, ST_conf
    evaluations: int
    samples: int
    seed: int
    mean_kg_co2e: float
    sd_kg_co2e: float

    def to_dict(self) -> dict:
        return {"variant": self.variant, "output": "CFP, kg CO2e per machine",
                "evaluations": self.evaluations, "base_samples": self.samples, "seed": self.seed,
                "mean_kg_co2e": self.mean_kg_co2e, "sd_kg_co2e": self.sd_kg_co2e,
                "parameters": self.table.to_dict(orient="records")}


def _sampling(scenarios: ScenarioFile, name: str) -> tuple[str, float, float, list[float] | None]:
    p = scenarios.parameters[name]
    if p.range is not None:
        return "uniform", float(p.range.start), float(p.range.stop), None
    values = [float(v) for v in p.all_values()]
    return f"one of {', '.join(f'{v:g}' for v in values)}", min(values), max(values), values


def scenario_sobol(base: CompiledBase, scenarios: ScenarioFile, *, samples: int = SOBOL_BASE_SAMPLES,
                   seed: int = 0) -> list[ParameterSobol]:
    """Sobol' indices for every variant spec of `scenarios` that uses parameters with more than one value."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from ..compare.evaluation import evaluate

    out = []
    for spec in scenarios.variants:
        names = scenarios.varying(spec)
        if not names:
            continue
        how = [_sampling(scenarios, n) for n in names]
        # a values list is sampled through its index: u in [0, 1) picks value floor(u x count)
        bounds = [[low, high] if values is None else [0.0, 1.0] for _, low, high, values in how]
        problem = {"num_vars": len(names), "names": names, "bounds": bounds}
        points = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
        outputs = np.empty(len(points))
        for i, row in enumerate(points):
            values = {}
            for name, u, (_, _, _, listed) in zip(names, row, how):
                values[name] = u if listed is None else listed[min(int(u * len(listed)), len(listed) - 1)]
            variant = scenarios.variant_with(spec, values, name=f"{spec.name} (Sobol' point {i})")
            outputs[i] = evaluate(base, variant, file=scenarios.source_file).total_kg_co2e
        if np.ptp(outputs) == 0:
            s1 = st = np.zeros(len(names))
            s1c = stc = np.zeros(len(names))
        else:
            indices = sobol_analyze.analyze(problem, outputs, calc_second_order=False, seed=seed)
            s1, s1c, st, stc = indices["S1"], indices["S1_conf"], indices["ST"], indices["ST_conf"]
        table = pd.DataFrame({
            "parameter": names, "unit": [scenarios.parameters[n].unit for n in names],
            "sampled": [h[0] for h in how], "low": [h[1] for h in how], "high": [h[2] for h in how],
            "S1": np.asarray(s1, dtype=float), "S1_conf": np.asarray(s1c, dtype=float),
            "ST": np.asarray(st, dtype=float), "ST_conf": np.asarray(stc, dtype=float)})
        out.append(ParameterSobol(spec.name, table, len(points), samples, seed, float(outputs.mean()),
                                  float(outputs.std())))
    return out
