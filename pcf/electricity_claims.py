"""The maker's factory electricity claim: location-based, market-based with contractual instruments, or neither.

* **location-based**: `factory.electricity` (or `--grid`) is a grid average; the CFP uses it as it is.
* **market-based**: `factory.instruments` (or `--instruments FILE`) list contractual instruments (PPA, green
  certificate, supplier-specific tariff, on-site generation). The factory's electricity becomes one supply dataset
  `electricity_factory_market`: each instrument's share at its generation factor, the uncovered share at the
  residual mix (`factory.residual_mix`) or, where no residual mix is given (China publishes none on a life-cycle
  basis), at the location-based grid, which the claim says literally. ISO 14067 6.4.9.4 asks for both figures when
  the market-based one is used: the location-based total is computed beside it (exactly: the model is linear, so it
  is the market-based total with the factory's kWh moved from the supply dataset to the location-based grid).
* **generation-type factor without a contractual instrument**: the grid given is itself one technology's factor
  (wind, PV, ...) and no instrument documents it: not a location-based figure; warned, labelled as such, and the
  location-based figure is computed with the national grid of the factory's country.
* **market-based, instrument not documented**: `factory.electricity_basis: market` without instruments; warned.

Each instrument is checked against the GHG Protocol Scope 2 quality criteria (`quality_criteria`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .bom.models import Factory, ProductSystem
from .data.background import Background, compile_background
from .data.tables import tables_from_frames
from .errors import MappingError

SUPPLY_KEY = "electricity_factory_market"
LOCATION = "location-based"
MARKET = "market-based"
MARKET_UNDOCUMENTED = "market-based, instrument not documented"
GENERATION_NO_INSTRUMENT = "generation-type factor without a contractual instrument"
INSTRUMENTS_SOURCE = "Contractual instruments (maker's declaration)"
BASES = (LOCATION, MARKET, MARKET_UNDOCUMENTED, GENERATION_NO_INSTRUMENT)
NO_RESIDUAL_MIX = ("no residual mix is given for the factory's market (China publishes none on a life-cycle basis), "
                   "so the location-based grid {grid} supplies the {share} of the factory's electricity that no "
                   "instrument covers; that grid average still holds the low-carbon electricity whose attributes "
                   "others have claimed, so this share is likely understated")
VINTAGE_YEARS = 1  # a vintage at most this many years from the consumption year counts as close to it
TECHNOLOGIES = {"wind": "wind", "pv": "solar photovoltaic", "csp": "concentrated solar (solar thermal)",
                "nuclear": "nuclear", "hydro": "hydropower", "gas": "gas-fired", "coal": "coal-fired",
                "biomass": "biomass", "fossil": "fossil-fuel power (all fossil plants)"}
_TECH_KEY = re.compile(r"^electricity_[a-z]{2}_([a-z]+)_")


def generation_technology(background: Background, key: str) -> str | None:
    """The generation technology of an electricity dataset that is one technology's factor (not a grid mix)."""
    if not background.has(key):
        return None
    m = _TECH_KEY.match(key)
    name = str(background.tables.datasets.loc[key, "name"]).lower()
    if m and m.group(1) in TECHNOLOGIES and ("generation" in name or "power average" in name):
        return TECHNOLOGIES[m.group(1)]
    return None


def unit_score(background: Background, method, key: str) -> float:
    """kg CO2e per reference unit of a dataset that draws no factory electricity, excluding biogenic uptake."""
    row = background.cumulative[background.index(key)] * method.factors_for(background.flow_keys)
    return float(row[method.classes_for(background.flow_keys) != "biogenic_removal"].sum())


def read_instruments(path: str | Path) -> dict:
    """An instruments file (YAML or JSON): `instruments` (list), optional `residual_mix`, `consumption_mwh`.

    Returns the fields to set on the BOM's factory (validated as `Factory` fields)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the instruments file: {exc}", file=str(path),
                           expected="a YAML or JSON file with `instruments:`") from None
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), list) or not data["instruments"]:
        raise MappingError("the instruments file has no `instruments` list", file=str(path), column="instruments",
                           expected="instruments: [{type, technology, dataset, share, volume_mwh, vintage, ...}]")
    unknown = sorted(set(data) - {"instruments", "residual_mix", "consumption_mwh"})
    if unknown:
        raise MappingError(f"unknown field(s) {unknown} in the instruments file", file=str(path),
                           expected="instruments, residual_mix, consumption_mwh")
    from pydantic import ValidationError

    try:
        factory = Factory(electricity="x", **data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise MappingError(f"invalid instruments file: {first['msg']}", file=str(path), column=where or None,
                           expected="see docs/report.md, 'Electricity claims'") from None
    return {"instruments": list(factory.instruments), "residual_mix": factory.residual_mix,
            "consumption_mwh": factory.consumption_mwh, "electricity_basis": "market"}


@dataclass(frozen=True)
class ElectricitySupply:
    """What supplies the maker's factory electricity in the model and what the CFP may say about it."""

    dataset: str | None  # the maker's grid in the product graph (the location grid, or SUPPLY_KEY)
    basis: str  # one of BASES
    location_grid: str | None  # the grid average for the location-based figure (None: unknown)
    claim: dict  # JSON-able: instruments, residual, quality criteria, statements
    warnings: tuple[str, ...] = ()


def electricity_supply(system: ProductSystem, background: Background, *, grid: str | None = None,
                       instruments: str | Path | None = None) -> tuple[ProductSystem, Background, ElectricitySupply]:
    """The factory's electricity supply: (system, background extended by the market supply if any, supply).

    grid: `--grid` (replaces `factory.electricity`, the location-based grid); instruments: a file replacing the
    BOM's `factory.instruments` / `residual_mix` / `consumption_mwh`.
    """
    if instruments is not None:
        update = read_instruments(instruments)
        system = system.model_copy(update={"factory": system.factory.model_copy(update=update)})
    factory = system.factory
    location = grid or factory.electricity
    file = system.source_file
    if location is None or not background.has(location):  # build_graph names the problem
        if factory.instruments and location is None:
            raise MappingError("instruments need the location-based grid of the factory", file=file,
                               column="factory.electricity", expected="an electricity dataset key (grid average)")
        return system, background, ElectricitySupply(location, LOCATION, location, {"basis": LOCATION})
    technology = generation_technology(background, location)
    name = _name(background, location)
    if factory.instruments:
        if technology:
            raise MappingError(f"the factory's location-based grid '{location}' is a {technology} generation "
                               "factor, not a grid average", file=file, column="factory.electricity",
                               expected="the grid average of the factory's location; the instrument carries the "
                                        "generation factor (instruments[].dataset)")
        return _market(system, background, location)
    warnings, basis, location_grid = [], LOCATION, location
    if technology:
        basis = GENERATION_NO_INSTRUMENT if factory.electricity_basis == "location" else MARKET_UNDOCUMENTED
        location_grid, why = _national_grid(background, system, location)
        warnings.append(f"factory electricity '{location}' is a {technology} generation factor used without a "
                        "contractual instrument: the result is not location-based; document the instrument "
                        "(factory.instruments or --instruments) for a market-based claim. " + why)
    elif factory.electricity_basis == "market":
        basis = MARKET_UNDOCUMENTED
        warnings.append(f"factory electricity is declared market-based ('{location}') but no contractual "
                        "instrument is documented (factory.instruments or --instruments): the claim cannot be "
                        "checked against the GHG Protocol Scope 2 quality criteria")
    claim = {"basis": basis, "label": _label(basis, name, location, technology),
             "supply_dataset": location, "supply_name": name, "technology": technology,
             "location_grid": location_grid, "location_grid_name": _name(background, location_grid),
             "instruments": [], "warnings": warnings}
    return system, background, ElectricitySupply(location, basis, location_grid, claim, tuple(warnings))


def supply_basis(system: ProductSystem, background: Background, supply: str) -> str:
    """The basis label (BASES) of a factory supplied by the dataset `supply` (a design variant's grid): the rules of
    `electricity_supply`, without building the market supply (SUPPLY_KEY: the instruments' supply)."""
    factory = system.factory
    if supply == SUPPLY_KEY and factory.instruments:
        return MARKET
    if generation_technology(background, supply):
        return GENERATION_NO_INSTRUMENT if factory.electricity_basis == "location" else MARKET_UNDOCUMENTED
    return MARKET_UNDOCUMENTED if factory.electricity_basis == "market" else LOCATION


def _name(background: Background, key: str | None) -> str | None:
    return None if key is None or not background.has(key) else str(background.tables.datasets.loc[key, "name"])


def _source(background: Background, key: str) -> str:
    datasets = background.tables.datasets
    return str(datasets.loc[key, "source_title"]) if "source_title" in datasets else ""


def _year(background: Background, key: str) -> str:
    return str(background.tables.datasets.loc[key, "reference_year"])


def _label(basis: str, name: str | None, key: str, technology: str | None) -> str:
    if basis == LOCATION:
        return f"location-based: grid average {name or key}"
    if basis == GENERATION_NO_INSTRUMENT:
        return f"{GENERATION_NO_INSTRUMENT} ({technology}: {name or key})"
    if technology:
        return f"{MARKET_UNDOCUMENTED} ({GENERATION_NO_INSTRUMENT}: {technology}, {name or key})"
    return f"{MARKET_UNDOCUMENTED} ({name or key})"


def _national_grid(background: Background, system: ProductSystem, generation_key: str) -> tuple[str | None, str]:
    """The grid average of the factory's country, for the location-based figure beside a generation factor."""
    from .electricity import resolver

    country = (system.factory.country or system.machine.country or "").strip().upper()
    geography = str(background.tables.datasets.loc[generation_key, "geography"]).strip().upper()[:2]
    country = country or geography
    grids = resolver(background)
    if country == "CN":
        key, _ = grids.cn_grid(generation_key)
    else:
        key = grids.ember.get(country)
    if key is None or not background.has(key):
        return None, f"No grid average for the factory's country '{country}': no location-based figure."
    return key, f"The location-based figure uses {key} (grid average of {country})."


def _check_dataset(background: Background, key: str, column: str, file: str | None) -> None:
    if not background.has(key):
        raise MappingError(f"unknown electricity dataset '{key}'", file=file, column=column,
                           expected="an electricity dataset key (`pcf data list --category electricity`)")
    row = background.tables.datasets.loc[key]
    if row["category"] != "electricity" or row["unit"] != "kWh":
        raise MappingError(f"'{key}' is not an electricity dataset in kWh", file=file, column=column,
                           expected="a dataset of category electricity, unit kWh")


def _market(system: ProductSystem, background: Background, location: str):
    """The market-based supply: instruments at their factors, the rest at the residual mix or the location grid."""
    factory, file = system.factory, system.source_file
    for i, instrument in enumerate(factory.instruments):
        _check_dataset(background, instrument.dataset, f"factory.instruments[{i}].dataset", file)
        if factory.consumption_mwh is not None:
            needed = instrument.share * factory.consumption_mwh
            if instrument.volume_mwh < needed * (1 - 1e-9):
                raise MappingError(
                    f"instrument {i + 1} ({instrument.type}) conveys {instrument.volume_mwh:,.6g} MWh but claims "
                    f"{instrument.share:.4g} of the factory's {factory.consumption_mwh:,.6g} MWh "
                    f"({needed:,.6g} MWh)", file=file, column=f"factory.instruments[{i}].volume_mwh",
                    expected="a share no larger than volume_mwh / consumption_mwh")
    residual = factory.residual_mix
    if residual is not None:
        _check_dataset(background, residual, "factory.residual_mix", file)
    covered = sum(i.share for i in factory.instruments)
    uncovered = max(0.0, 1.0 - covered)
    rest = residual or location
    parts = [(i.dataset, i.share) for i in factory.instruments] + ([(rest, uncovered)] if uncovered > 0 else [])
    background = _with_supply(background, parts, system)
    statement = (f"residual mix {residual} ({_name(background, residual)}) supplies the uncovered {uncovered:.1%}"
                 if residual else NO_RESIDUAL_MIX.format(grid=location, share=f"{uncovered:.1%}"))
    criteria = quality_criteria(system)
    warnings = [f"instrument {c['instrument']}: Scope 2 quality criterion '{c['criterion']}' "
                f"{'not met' if c['met'] is False else 'not documented'}: {c['note']}"
                for c in criteria if c["met"] is not True and c.get("instrument")]
    if not residual and uncovered > 0:
        warnings.append("market-based: " + statement)
    claim = {"basis": MARKET,
             "label": f"{MARKET}: {covered:.1%} contractual instruments ("
                      + ", ".join(f"{i.type} {i.technology}" for i in factory.instruments) + ")"
                      + (f", {uncovered:.1%} " + ("residual mix" if residual else "location-based grid (no residual "
                                                  "mix)") if uncovered > 0 else ""),
             "supply_dataset": SUPPLY_KEY, "supply_name": _name(background, SUPPLY_KEY), "technology": None,
             "location_grid": location, "location_grid_name": _name(background, location),
             "instruments": [{**i.model_dump(mode="json"), "dataset_name": _name(background, i.dataset),
                              "source_title": _source(background, i.dataset),
                              "reference_year": _year(background, i.dataset)} for i in factory.instruments],
             "covered_share": covered, "consumption_mwh": factory.consumption_mwh,
             "residual": {"dataset": rest, "name": _name(background, rest), "share": uncovered,
                          "source_title": _source(background, rest), "reference_year": _year(background, rest),
                          "kind": "residual mix" if residual else "location-based grid (no residual mix)",
                          "statement": statement},
             "quality_criteria": criteria, "warnings": warnings}
    return system, background, ElectricitySupply(SUPPLY_KEY, MARKET, location, claim, tuple(warnings))


def _with_supply(background: Background, parts: list[tuple[str, float]], system: ProductSystem) -> Background:
    """The background plus `electricity_factory_market`: per kWh, each part's kWh of its dataset."""
    tables = background.tables
    datasets = tables.datasets
    weights: dict[str, float] = {}
    for key, share in parts:
        weights[key] = weights.get(key, 0.0) + share
    dq = {}
    for column in ("dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability"):
        values = pd.to_numeric(datasets.loc[list(weights), column], errors="coerce") if column in datasets else None
        if values is None or values.isna().any():
            dq[column] = None
        else:
            dq[column] = round(float(sum(values[k] * w for k, w in weights.items()) / sum(weights.values())), 2)
    factory = system.factory
    years = [i.vintage for i in factory.instruments]
    description = "; ".join(f"{i.share:.1%} {i.type} {i.technology} ({i.dataset})" for i in factory.instruments)
    row = {"key": SUPPLY_KEY, "name": f"Electricity at the maker's factory, market-based: {description}"
           + "".join(f"; {w:.1%} {k}" for k, w in weights.items() if k not in {i.dataset for i in factory.instruments}),
           "category": "electricity", "unit": "kWh",
           "geography": factory.country or system.machine.country or "GLO", "reference_year": max(years),
           "source_id": SUPPLY_KEY, "source_locator": "contractual instruments of the BOM's factory section",
           **dq, "primary_data_share": None, "aircraft": False, "gwp_basis": "unknown",
           "notes": "the maker's market-based supply: each instrument's share at its generation factor, the rest at "
                    "the residual mix or the location-based grid", "pack": "factory_instruments",
           "source_title": INSTRUMENTS_SOURCE, "source_url": "",
           "licence": "maker-provided", "source_attribution": ""}
    exchanges = [{"dataset": SUPPLY_KEY, "kind": "technosphere", "input": key, "amount": weight, "unit": "kWh",
                  "comment": "share of the factory's electricity", "pack": "factory_instruments"}
                 for key, weight in weights.items()]
    extended = tables_from_frames(
        flows=tables.flows.reset_index(drop=True),
        datasets=pd.concat([datasets.reset_index(drop=True), pd.DataFrame([row])], ignore_index=True),
        exchanges=pd.concat([tables.exchanges, pd.DataFrame(exchanges, columns=tables.exchanges.columns)],
                            ignore_index=True),
        sources=tables.sources, methods=tables.methods, origin=tables.origin,
        packs=tables.packs + ("factory_instruments",))
    return compile_background(extended)


def quality_criteria(system: ProductSystem) -> list[dict]:
    """Each instrument against the GHG Protocol Scope 2 quality criteria: {instrument, criterion, met, note}.

    met: True, False, or None when the record does not say (not documented)."""
    factory = system.factory
    year = system.machine.reference_year
    country = (factory.country or system.machine.country or "").strip().upper() or None
    out: list[dict] = []
    for n, i in enumerate(factory.instruments, start=1):
        def add(criterion: str, met, note: str) -> None:
            out.append({"instrument": n, "criterion": criterion, "met": met, "note": note})

        add("conveys the emission rate of the electricity", True,
            f"{i.technology} at its generation factor {i.dataset}")
        add("only instrument carrying the claim", i.exclusive,
            "declared exclusive" if i.exclusive else "declared not exclusive" if i.exclusive is False
            else "not declared (exclusive: true/false)")
        if i.type == "on_site":
            add("tracked and retired for the reporting entity", True if i.exclusive else None,
                "on-site generation: attributes retained when no certificate is sold for it")
        else:
            missing = [name for name, value in (("tracking_system", i.tracking_system),
                                                ("retired_for", i.retired_for)) if not value]
            if i.type == "green_certificate" and not i.certificate_ids:
                missing.append("certificate_ids")
            add("tracked and retired for the reporting entity", None if missing else True,
                f"{i.tracking_system}; retired for {i.retired_for}; {len(i.certificate_ids)} certificate id(s)"
                if not missing else "missing: " + ", ".join(missing))
        if year is None:
            add("issued and redeemed close to the consumption period", None,
                f"vintage {i.vintage}; the machine gives no reference_year")
        else:
            gap = abs(i.vintage - year)
            add("issued and redeemed close to the consumption period", gap <= VINTAGE_YEARS,
                f"vintage {i.vintage}, consumption year {year}" + ("" if gap <= VINTAGE_YEARS else
                                                                    f": {gap} years apart"))
        market = (i.market_country or "").strip().upper() or None
        add("same market as the consuming operations", None if market is None or country is None else
            market == country, f"generated in {market or 'an unstated market'}, factory in "
            f"{country or 'an unstated country'}")
        if i.type == "supplier_tariff":
            add("supplier-specific factor from delivered electricity", None,
                f"supplier {i.supplier or '(not named)'}: its disclosure must rest on delivered electricity "
                "with certificates retired for its customers; pcf cannot check it")
        if i.type == "ppa":
            add("contract conveys the attributes", True if (i.exclusive or i.certificate_ids) else None,
                "attributes conveyed with the contract or its certificates" if (i.exclusive or i.certificate_ids)
                else "neither declared exclusive nor backed by certificate ids")
    out.append({"instrument": None, "criterion": "residual mix for the uncovered electricity",
                "met": factory.residual_mix is not None or sum(i.share for i in factory.instruments) >= 1 - 1e-12,
                "note": f"residual mix {factory.residual_mix}" if factory.residual_mix else
                "no residual mix given: its absence is disclosed and the location-based grid is used"})
    return out


def with_claim(result, supply: ElectricitySupply, background: Background, method):
    """The result with its electricity claim in `functional_unit` and the location-based figure beside it.

    Location-based total = total + the maker's kWh x (location grid factor - supply factor): exact, because the
    model is linear in the factory's electricity (only the maker's links follow the factory's supply)."""
    claim = dict(supply.claim)
    total = result.total_kg_co2e
    lines = result.lines
    # the maker's kWh only: a supplier or a background dataset may run on the same grid dataset
    kwh = float(lines.loc[lines["electricity_site"] == "maker", "electricity_kwh"].sum()) \
        if "electricity_site" in lines else 0.0
    supply_factor = (unit_score(background, method, supply.dataset)
                     if supply.dataset is not None and background.has(supply.dataset) else None)
    claim.update({"factory_kwh": kwh, "supply_kg_co2e_per_kwh": supply_factor,
                  "total_kg_co2e": total})
    if supply.location_grid is not None and background.has(supply.location_grid):
        location_factor = unit_score(background, method, supply.location_grid)
        claim["location_kg_co2e_per_kwh"] = location_factor
        claim["location_based_total_kg_co2e"] = (total if supply.dataset == supply.location_grid else
                                                 total + kwh * (location_factor - (supply_factor or 0.0)))
    else:
        claim["location_kg_co2e_per_kwh"] = None
        claim["location_based_total_kg_co2e"] = None
    if supply.basis == MARKET:
        claim["market_based_total_kg_co2e"] = total
        claim["instruments"] = [{**i, "factor_kg_co2e_per_kwh": unit_score(background, method, i["dataset"])}
                                for i in claim["instruments"]]
        rest = claim["residual"]
        claim["residual"] = {**rest, "factor_kg_co2e_per_kwh": unit_score(background, method, rest["dataset"])}
    fu = {**result.functional_unit, "factory_electricity_basis": supply.basis,
          "factory_electricity_claim": claim}
    warnings = result.warnings + tuple(w for w in supply.warnings if w not in result.warnings)
    return replace(result, functional_unit=fu, warnings=warnings)


def claim_of(functional_unit: dict) -> dict:
    """The electricity claim of a result (a minimal one for results made before claims were recorded)."""
    claim = functional_unit.get("factory_electricity_claim")
    if claim:
        return claim
    key = functional_unit.get("factory_electricity")
    basis = LOCATION if functional_unit.get("factory_electricity_basis") in (None, "location", LOCATION) \
        else MARKET_UNDOCUMENTED
    return {"basis": basis, "label": f"{basis} ({key})", "supply_dataset": key, "instruments": []}


def _factor(value) -> str:
    return "-" if value is None else f"{value:.4g} kg CO2e/kWh"


def claim_statement(functional_unit: dict) -> str:
    """One paragraph: what the factory electricity figure is, its instruments, and both figures when they differ."""
    c = claim_of(functional_unit)
    basis, key = c.get("basis"), c.get("supply_dataset")
    location = c.get("location_based_total_kg_co2e")
    grid = c.get("location_grid")
    if key is None:
        return "Factory electricity: none (no line of the maker's factory uses electricity)."
    if basis == LOCATION:
        return (f"Factory electricity: location-based, the grid average {c.get('supply_name') or key} ({key}, "
                f"{_factor(c.get('supply_kg_co2e_per_kwh'))}).")
    beside = (f" Location-based figure beside it: {location:,.1f} kg CO2e with the grid average {grid} "
              f"({_factor(c.get('location_kg_co2e_per_kwh'))})." if location is not None else
              " No location-based figure: no grid average is known for the factory's country.")
    if basis == MARKET:
        parts = []
        for n, i in enumerate(c.get("instruments", []), start=1):
            ids = ", ".join(i.get("certificate_ids") or []) or "none given"
            parts.append(f"{n}) {i['type'].replace('_', ' ')}{' ' + i['scheme'] if i.get('scheme') else ''}, "
                         f"{i['technology']}, {i['share']:.1%} of the factory's electricity at "
                         f"{_factor(i.get('factor_kg_co2e_per_kwh'))} ({i['dataset']}), {i['volume_mwh']:,.6g} MWh, "
                         f"vintage {i['vintage']}, tracking system {i.get('tracking_system') or 'not given'}, "
                         f"certificate ids {ids}, retired for {i.get('retired_for') or 'not given'}")
        rest = c.get("residual") or {}
        residual = (f" Uncovered {rest.get('share', 0.0):.1%}: {rest.get('statement')} "
                    f"({_factor(rest.get('factor_kg_co2e_per_kwh'))})." if rest.get("share") else "")
        return (f"Factory electricity: market-based (contractual instruments, GHG Protocol Scope 2 market-based "
                f"method), {_factor(c.get('supply_kg_co2e_per_kwh'))} for {c.get('factory_kwh', 0.0):,.1f} kWh "
                f"per machine. Instruments: " + "; ".join(parts) + "." + residual
                + f" Market-based CFP {c.get('market_based_total_kg_co2e', 0.0):,.1f} kg CO2e." + beside
                + " ISO 14067 (6.4.9.4) asks for both figures when a market-based one is used.")
    return (f"Factory electricity: {c.get('label')}; it is not a location-based grid average and no contractual "
            f"instrument documents it." + beside)
