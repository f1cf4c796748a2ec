"""Embodied (cradle-to-gate) footprint of each design, from its BOM through the engine: the I/O edge."""

from __future__ import annotations

from typing import Callable

from .models import ComparisonConfig



def embodied_footprints(config: ComparisonConfig, *, footprint: Callable | None = None,
                        **engine_options) -> dict[str, dict]:
    """Per design (baseline, candidate, each other baseline): {'kg_co2e', 'bom', 'bom_note', 'functional_unit',
    'factory_grid', 'method', 'by_stage_kg_co2e'} from pcf.footprint.

    The BOM is read with the BOM reader and the model handed to `footprint` (default: pcf.footprint);
    `engine_options` (grid, method, background, ...) are passed on. A BOM named by several designs is solved once.
    """
    from ..bom.readers import read_bom

    if footprint is None:
        from ..engine import footprint_file as footprint  # reads the BOM path or takes the model
    details, solved = {}, {}
    for key, design in config.designs().items():
        bom = design.bom
        if bom not in solved:
            solved[bom] = footprint(read_bom(bom), **engine_options)
        result = solved[bom]
        details[key] = {
            "kg_co2e": float(result.total_kg_co2e),
            "bom": bom,
            "bom_note": design.bom_note,
            "functional_unit": result.functional_unit.get("description", ""),
            "factory_grid": result.grid,
            "method": result.method,
            "by_stage_kg_co2e": {str(k): float(v) for k, v in result.by_stage.items()},
        }
    return details
