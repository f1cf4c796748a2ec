"""Design comparator: named variants of a base BOM, evaluated side by side against the compiled base.

```
scenario file --load--> ScenarioFile --expand (parameters)--> Variants
base BOM --compile_base--> CompiledBase (graph, arrays, bw2calc-checked Result)
Variant --apply edits--> edited ProductSystem + the lines it changed --evaluate--> VariantResult
VariantResults --> Comparison (side-by-side tables, deltas, top changes, JSON, markdown)
```

A variant is a list of edits to the base BOM (substitute a material, set or scale a field, add, remove or replace
lines, change a supplier and its transport legs, change the factory electricity). Every edit must match at least
one line: an edit that matches nothing is a `ScenarioError`, never a silent no-op.

Evaluation reuses the compiled base: only the lines a variant changed are rebuilt (`pcf.graph.build_fragment`),
their links and edges patched into the base arrays. When the foreground structure (nodes and edges between them)
is unchanged, the base supply is reused as is (no solve at all); when edges or nodes change, the foreground is
re-solved with one triangular solve in the base's topological order. Anything the patch cannot express in that
order (a new edge against the order, e.g. a new use of a shared subassembly from a new assembly) falls back to a
full rebuild. `rebuild` is that full rebuild for any variant (graph, datapackages, bw2calc, contributions): the
tests hold both paths to the same numbers.

Modules, in the order data flows through them:

- `scenario`: the scenario file's pydantic models and `load_scenarios`
- `places`: where lines sit in the BOM (places, walks, copying a list of lines)
- `draft`: a variant being built (the edited system, lines added, removed and to rebuild)
- `edits`: applying each kind of edit to the draft (`apply_edits`)
- `base`: the compiled base (`CompiledBase`)
- `variant_result`: a variant's footprint and breakdowns (`VariantResult`)
- `evaluation`: `compile_base`, `evaluate` (the fast path) and `rebuild` (the full pipeline)
- `tables`: the `Comparison`: side-by-side tables, JSON, report tables and markdown
- `comparator`: `compare`, the whole run
- packaging: `closed_form` and `breakeven` (break-even trips and maximum return distance of reusable options),
  `programme` (annual packaging programmes, their own scope), `plausibility` (bands for users' own factors),
  `packaging_tables` (their report tables), `workbook` (every table in an Excel workbook)
"""

# the public API (__all__) and the other public names of the former pcf/compare.py, importable as before
from .base import CompiledBase
from .breakeven import BreakEven
from .comparator import compare
from .edits import apply_edits
from .evaluation import CONSISTENCY_RTOL, compile_base, evaluate, rebuild
from .places import GROUPS
from .programme import Programme, ProgrammeResult
from .scenario import (
    BASE_NAME,
    Add,
    ChangeSupplier,
    Edit,
    LineKind,
    NewLine,
    Parameter,
    Range,
    Remove,
    Replace,
    Scale,
    ScenarioError,
    ScenarioFile,
    Selector,
    SetElectricity,
    SetFields,
    Substitute,
    SupplyLeg,
    Variant,
    VariantSpec,
    load_scenarios,
)
from .tables import BREAKDOWNS, Comparison
from .variant_result import VariantResult

__all__ = [
    "BreakEven",
    "Comparison",
    "CompiledBase",
    "ScenarioError",
    "Programme",
    "ProgrammeResult",
    "ScenarioFile",
    "Variant",
    "VariantResult",
    "apply_edits",
    "compare",
    "compile_base",
    "evaluate",
    "load_scenarios",
    "rebuild",
]
