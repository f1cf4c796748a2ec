"""Display names of pcf's keys (life-cycle stages), shared by the CLI, the report, the workbook and the charts."""

from __future__ import annotations

from types import MappingProxyType

# ISO 14067 life-cycle stages of a cradle-to-gate machine study, as the report and workbook name them
STAGE_LABELS = MappingProxyType({
    "raw_material_acquisition": "Raw material acquisition",
    "production": "Production (maker's factory)",
    "packaging": "Packaging",
    "upstream_transport": "Upstream transport",
})

# the same stages in the narrow columns and legends of `pcf compare`
STAGE_SHORT_LABELS = MappingProxyType({
    "raw_material_acquisition": "raw materials",
    "production": "production",
    "packaging": "packaging",
    "upstream_transport": "inbound transport",
})
