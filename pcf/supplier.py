"""Supplier footprints in: a purchased component's own PCF (PACT v2/v3 file or a per-unit figure) replaces the
secondary dataset of its BOM line.

Each footprint becomes one extra background dataset `supplier:<line id>` whose exchanges are the declared kg CO2e
per declared unit, split as declared: fossil, land-use change, biogenic emissions and biogenic uptake (pcf's
`co2e_*_declared` flows, factor 1 / -1). Its declared unit is converted to the line's unit by the product graph (a
per-kilogram footprint of a component counted in pieces uses the line's `mass_kg`). The line counts as primary activity
data; towards pcf's primary data share it counts with the supplier's own primary data share (PACT `primaryDataShare`,
or the figure's `primary_data_share_percent`; unknown counts 0), and its DQRs are the supplier's v3 `dqi` (a v2 file
or a figure leaves it unrated) — never forced to 100 % and 1/1/1.
Refused with a reason: a footprint that is not valid on the calculation date, that is deprecated, whose reference
period lies in the future, whose split does not add up, or whose declared unit cannot describe the line.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .bom.models import Assembly, Component, DataType, ProductSystem
from .data.background import Background, compile_background
from .data.tables import tables_from_frames
from .errors import MappingError, PcfError
from .units import UnitError, canonical

PACT_UNITS = {"liter": "l", "kilogram": "kg", "cubic meter": "m3", "kilowatt hour": "kWh", "megajoule": "MJ",
              "ton kilometer": "tkm", "square meter": "m2", "piece": "piece"}
SPLIT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SupplierDataset:
    key: str
    line_id: str
    unit: str
    fossil: float
    biogenic: float
    land_use_change: float
    removal: float  # >= 0, entered as uptake
    title: str
    reference_year: str
    geography: str
    ipcc: str
    primary_data_share: float | None = None  # 0-1, the supplier's own (PACT primaryDataShare); None: unknown
    dqr: tuple[float, float, float] | None = None  # technological, geographical, temporal (1-5); None: unrated


def _refuse(line: Component, system: ProductSystem, reason: str, expected: str | None = None) -> MappingError:
    return MappingError(f"line '{line.id}': supplier footprint refused: {reason}",
                        file=line.source_file or system.source_file, row=line.source_row,
                        column="supplier_footprint", expected=expected)


def _fits(unit: str, line: Component) -> bool:
    try:
        dim, line_dim = canonical(unit)[0], canonical(line.unit)[0]
    except UnitError:
        return False
    return dim == line_dim or (dim == "mass" and line_dim == "count" and line.mass_kg is not None)


SUPPLIER_DIRS_ENV = "PCF_SUPPLIER_DIRS"


def _allowed_supplier_dirs() -> list[Path]:
    """Folders besides the BOM's own from which supplier files may be read ($PCF_SUPPLIER_DIRS, os.pathsep-separated)."""
    raw = os.environ.get(SUPPLIER_DIRS_ENV, "")
    return [Path(p).resolve() for p in raw.split(os.pathsep) if p.strip()]


def _from_pact(line: Component, system: ProductSystem, base_dir: Path, as_of: _dt.datetime) -> SupplierDataset:
    from .bom.readers import check_input_size
    from .pact import read_product_footprint

    path = (base_dir / line.supplier_footprint.file).resolve()
    allowed = [base_dir.resolve(), *_allowed_supplier_dirs()]
    if not any(path.is_relative_to(folder) for folder in allowed):
        raise _refuse(line, system, f"file {path} is outside the BOM's folder",
                      expected=f"a file under {base_dir} (or a folder listed in ${SUPPLIER_DIRS_ENV})")
    if not path.exists():
        raise _refuse(line, system, f"file {path} not found")
    if not path.is_file():
        raise _refuse(line, system, f"{path} is not a regular file", expected="a PACT JSON file")
    try:
        check_input_size(path)
        footprint = read_product_footprint(path, pf_id=line.supplier_footprint.id)
    except PcfError as exc:
        raise _refuse(line, system, exc.describe()) from None
    pcf = footprint.pcf
    if footprint.status != "Active":
        raise _refuse(line, system, f"its status is '{footprint.status}'", expected="an Active footprint")
    if pcf.reference_period_start > as_of:
        raise _refuse(line, system, f"its reference period starts in the future ({pcf.reference_period_start:%Y-%m-%d})")
    if not footprint.is_valid_on(as_of):
        raise _refuse(line, system, f"not valid on {as_of:%Y-%m-%d} (valid until {footprint.valid_until:%Y-%m-%d})",
                      expected="a footprint within its validity period")
    unit = PACT_UNITS.get(pcf.declared_unit)
    if unit is None or not _fits(unit, line):
        raise _refuse(line, system, f"declared unit '{pcf.declared_unit}' does not fit the line's unit '{line.unit}'",
                      expected="the same kind of unit (or kilogram for a component with mass_kg)")
    excl = pcf.per_unit(pcf.pcf_excluding_biogenic_uptake)
    luc = pcf.per_unit(pcf.land_use_change_ghg_emissions) or 0.0
    bio_non_co2 = pcf.per_unit(pcf.biogenic_non_co2_emissions) or 0.0
    fossil = pcf.per_unit(pcf.fossil_ghg_emissions)
    if fossil is None:
        fossil = excl - luc - bio_non_co2
    biogenic = excl - fossil - luc
    if biogenic < -SPLIT_TOLERANCE * max(1.0, abs(excl)) or fossil < 0:
        raise _refuse(line, system, f"its split does not add up (fossil {fossil:g} + land use {luc:g} > total {excl:g})")
    uptake = pcf.per_unit(pcf.biogenic_co2_uptake)
    if uptake is None and pcf.pcf_including_biogenic_uptake is not None:
        uptake = pcf.per_unit(pcf.pcf_including_biogenic_uptake) - excl
    removal = -min(uptake or 0.0, 0.0)
    start, end = pcf.reference_period_start, pcf.reference_period_end
    return SupplierDataset(
        key=f"supplier:{line.id}", line_id=line.id, unit=unit, fossil=fossil, biogenic=max(biogenic, 0.0),
        land_use_change=luc, removal=removal,
        title=f"supplier PCF {path.name}: {footprint.company_name}, {footprint.product_name} "
              f"(PACT {footprint.spec_version}, id {footprint.id})",
        reference_year=f"{start:%Y-%m-%d}/{end:%Y-%m-%d}", geography=pcf.geography or "unknown",
        ipcc=",".join(pcf.ipcc_characterization_factors) or "unknown",
        primary_data_share=None if pcf.primary_data_share_percent is None else pcf.primary_data_share_percent / 100,
        dqr=(pcf.technological_dqr, pcf.geographical_dqr, pcf.temporal_dqr)
        if None not in (pcf.technological_dqr, pcf.geographical_dqr, pcf.temporal_dqr) else None,
    )


def _from_figure(line: Component, system: ProductSystem, as_of: _dt.datetime) -> SupplierDataset:
    sf = line.supplier_footprint
    try:
        start = _dt.date.fromisoformat(sf.reference_period_start)
        end = _dt.date.fromisoformat(sf.reference_period_end)
    except ValueError:
        raise _refuse(line, system, "reference period is not an ISO date", expected="YYYY-MM-DD") from None
    if end <= start:
        raise _refuse(line, system, "reference period ends before it starts")
    if start > as_of.date():
        raise _refuse(line, system, f"its reference period starts in the future ({start})")
    total = sf.kg_co2e_per_unit
    luc = sf.land_use_change_kg_co2e_per_unit or 0.0
    fossil = sf.fossil_kg_co2e_per_unit if sf.fossil_kg_co2e_per_unit is not None else total - luc
    biogenic = total - fossil - luc
    if biogenic < -SPLIT_TOLERANCE * max(1.0, total):
        raise _refuse(line, system, f"its split does not add up (fossil {fossil:g} + land use {luc:g} > total {total:g})")
    return SupplierDataset(
        key=f"supplier:{line.id}", line_id=line.id, unit=line.unit, fossil=fossil, biogenic=max(biogenic, 0.0),
        land_use_change=luc, removal=-(sf.biogenic_removal_kg_co2e_per_unit or 0.0),
        title=f"supplier figure: {sf.source}", reference_year=f"{start}/{end}", geography=line.country or "unknown",
        ipcc="unknown",
        primary_data_share=None if sf.primary_data_share_percent is None else sf.primary_data_share_percent / 100,
    )


def apply_supplier_footprints(system: ProductSystem, background: Background, *,
                              as_of: _dt.datetime | None = None) -> tuple[ProductSystem, Background, list[str]]:
    """Replace the dataset of every component with a supplier footprint; extend the background with them."""
    as_of = as_of or _dt.datetime.now(_dt.timezone.utc)
    base_dir = Path(system.source_file).resolve().parent if system.source_file else Path.cwd()
    found: list[SupplierDataset] = []
    notes: list[str] = []

    def walk(item):
        if isinstance(item, Assembly):
            return item.model_copy(update={"children": [walk(child) for child in item.children]})
        if isinstance(item, Component) and item.supplier_footprint is not None:
            sf = item.supplier_footprint
            dataset = _from_pact(item, system, base_dir, as_of) if sf.file else _from_figure(item, system, as_of)
            found.append(dataset)
            if dataset.ipcc not in ("unknown",) and "AR6" not in dataset.ipcc:
                notes.append(f"line '{item.id}': the supplier footprint uses {dataset.ipcc} GWP values, not AR6")
            return item.model_copy(update={"dataset": dataset.key, "data_type": DataType.primary})
        return item

    items = [walk(item) for item in system.items]
    subassemblies = [walk(sub) for sub in system.subassemblies]
    if not found:
        return system, background, notes
    system = system.model_copy(update={"items": items, "subassemblies": subassemblies})
    return system, extend_background(background, found), notes


def extend_background(background: Background, datasets: list[SupplierDataset]) -> Background:
    """The background plus one dataset per supplier footprint (compiled and cached by content hash)."""
    tables = background.tables
    rows, exchanges = [], []
    for d in datasets:
        rows.append({"key": d.key, "name": f"{d.title} (line {d.line_id})", "category": "component", "unit": d.unit,
                     "geography": d.geography, "reference_year": d.reference_year, "source_id": d.key,
                     "source_locator": d.title, **dict(zip(("dq_technological", "dq_geographical", "dq_temporal"),
                                                           d.dqr or (None, None, None))),
                     "primary_data_share": d.primary_data_share,
                     "dq_completeness": None, "dq_reliability": None, "aircraft": False,
                     "gwp_basis": _gwp_basis(d.ipcc), "notes": "supplier-specific footprint (its own primary data share and DQRs)", "pack": "supplier",
                     "source_title": d.title, "source_url": "", "licence": "supplier-provided",
                     "source_attribution": ""})
        for flow, amount in (("co2e_fossil_declared", d.fossil), ("co2e_biogenic_declared", d.biogenic),
                             ("co2e_luc_declared", d.land_use_change), ("co2e_removal_declared", d.removal)):
            if amount:
                exchanges.append({"dataset": d.key, "kind": "biosphere", "input": flow, "amount": amount,
                                  "unit": "kg", "comment": "as declared by the supplier", "pack": "supplier"})
    extended = tables_from_frames(
        flows=tables.flows.reset_index(drop=True),
        datasets=pd.concat([tables.datasets.reset_index(drop=True), pd.DataFrame(rows)], ignore_index=True),
        exchanges=pd.concat([tables.exchanges, pd.DataFrame(exchanges, columns=tables.exchanges.columns)],
                            ignore_index=True),
        sources=tables.sources,
        methods=tables.methods,
        origin=tables.origin,
        packs=tables.packs + ("supplier",),
    )
    return compile_background(extended)


def _gwp_basis(ipcc: str) -> str:
    """A PACT `ipccCharacterizationFactors` list as one pcf gwp_basis: AR6, AR5 or AR4 when it names one set only."""
    sets = {part.strip().upper() for part in str(ipcc).split(",") if part.strip()}
    return next(iter(sets)) if len(sets) == 1 and sets <= {"AR6", "AR5", "AR4"} else "unknown"
