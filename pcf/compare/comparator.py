"""`compare`: every variant of a scenario file evaluated against the base compiled once, as a `Comparison`."""

from __future__ import annotations

import time

import pandas as pd

from ..bom.models import ProductSystem
from ..data.background import Background
from ..errors import SolveError
from ..methods import DEFAULT_METHOD
from .base import CompiledBase
from ..contributions import CONSISTENCY_RTOL
from .breakeven import variant_break_evens
from .evaluation import compile_base, evaluate, rebuild
from .scenario import BASE_NAME, ScenarioError, ScenarioFile, Variant
from .tables import Comparison
from .variant_result import VariantResult


def compare(
    bom: ProductSystem | CompiledBase,
    scenarios: ScenarioFile | list[Variant] | tuple[Variant, ...],
    *,
    background: Background | None = None,
    method: str = DEFAULT_METHOD,
    grid: str | None = None,
    reference: str | None = None,
    verify: bool = False,
) -> Comparison:
    """Evaluate every variant against the base BOM (compiled once) and put them side by side.

    verify: also rebuild every variant in full and check that both paths agree (1e-9 relative).
    """
    start = time.perf_counter()
    if isinstance(scenarios, ScenarioFile):
        variants, file = scenarios.expand(), scenarios.source_file
        name, description = scenarios.name, scenarios.description
        reference = reference or scenarios.reference
    else:
        variants, file, name, description = tuple(scenarios), None, "", ""
    reference = reference or BASE_NAME
    names = [v.name for v in variants]
    if reference not in names + [BASE_NAME]:
        raise ScenarioError(f"reference '{reference}' is not a variant", file=file,
                            expected=f"'{BASE_NAME}' or one of: {', '.join(names)}")
    if isinstance(bom, CompiledBase):
        base = bom
    else:
        if background is None:
            from ..data.background import default_background

            background = default_background()
        base = compile_base(bom, background, method=method, grid=grid)
    evaluated = time.perf_counter()
    results = tuple(evaluate(base, v, file=file) for v in variants)
    seconds = {"compile_base": base.seconds, "variants": time.perf_counter() - evaluated}
    if verify:
        for variant, fast in zip(variants, results):
            full = rebuild(base, variant, file=file)
            _check_agree(fast, full)
        seconds["verify"] = time.perf_counter() - evaluated - seconds["variants"]
    break_evens = tuple(b for v, r in zip(variants, results) for b in variant_break_evens(base, v, r, file=file))
    programme = None
    if isinstance(scenarios, ScenarioFile) and scenarios.programme is not None:
        from .programme import evaluate_programme

        programme = evaluate_programme(scenarios.programme, base, file=file,
                                       packaging_kg_co2e=float(base.own.by_stage.get("packaging", 0.0)),
                                       machine_kg_co2e=base.own.total_kg_co2e)
    seconds["total"] = time.perf_counter() - start
    return Comparison(base=base.own, variants=results, reference=reference, name=name, description=description,
                      base_line_dataset=base.line_dataset, seconds=seconds, break_evens=break_evens,
                      programme=programme)


def _check_agree(fast: VariantResult, full: VariantResult) -> None:
    """The fast path and the full rebuild must give the same total and stage split."""
    scale = max(1.0, abs(full.total_kg_co2e))
    stages = pd.concat([fast.by_stage, full.by_stage], axis=1).fillna(0.0)
    worst = max(abs(fast.total_kg_co2e - full.total_kg_co2e),
                float((stages.iloc[:, 0] - stages.iloc[:, 1]).abs().max()))
    if worst > CONSISTENCY_RTOL * scale:
        raise SolveError(f"variant '{fast.name}': the fast evaluation ({fast.total_kg_co2e!r}) and the full rebuild "
                         f"({full.total_kg_co2e!r}) disagree")
