"""Customer-specific options of a web computation, beside the grid and the GWP set:

* **green electricity at final assembly**: one contractual instrument (PPA, green certificate, supplier tariff,
  on-site generation) entered on the form, passed to the engine as the BOM's factory instruments (a file given as
  `instruments=`, as `pcf footprint --instruments FILE` does); the result is then market-based with the
  location-based figure beside it (pcf/electricity_claims.py);
* **delivery to the customer**: destination, distance (km) and a transport dataset. Delivery is OUTSIDE the
  cradle-to-gate boundary of the PCF: it is computed as its own figure (shipped mass incl. packaging, t x km x the
  dataset's kg CO2e per t*km) and never added to the PCF or to the PACT `pcf` values.

Both are plain JSON in the run's options (what the user chose); `delivery_figure` turns a delivery option into the
figure with the data loaded now.
"""

from __future__ import annotations

import math

from ..bom.models import ElectricityInstrument
from ..errors import PcfError
from ..safe_text import put_cell

INSTRUMENT_TYPES = ("ppa", "green_certificate", "supplier_tariff", "on_site")
SCHEMES = ("GEC", "I-REC", "GO", "REC", "other")
MAX_KM = 40_000.0  # half the Earth's circumference and a bit: a longer single leg is a typing error


class OptionError(PcfError):
    """A customer-specific option of the compute form is invalid (the message names the field)."""


def _text(form, name: str, limit: int = 200) -> str:
    return str(form.get(name) or "").strip()[:limit]


def _number(form, name: str, label: str) -> float | None:
    raw = _text(form, name, 40).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise OptionError(f"{label} must be a number, not '{raw}'", column=name) from None
    if not math.isfinite(value):
        raise OptionError(f"{label} must be a finite number", column=name)
    return value


def instrument_option(form, electricity: list[str], technology_of=None) -> dict | None:
    """The instruments file content ({instruments: [one], consumption_mwh?, residual_mix?}) from the form's
    `inst_*` fields, or None when no instrument type is chosen. The share is given as % of the factory's electricity,
    or derived from the MWh and the factory's consumption (MWh) when the share is left empty; the technology, when
    left empty, is the generation dataset's (technology_of(dataset))."""
    kind = _text(form, "inst_type", 40)
    if not kind:
        return None
    if kind not in INSTRUMENT_TYPES:
        raise OptionError(f"unknown instrument type '{kind}'", column="inst_type",
                          expected=", ".join(INSTRUMENT_TYPES))
    dataset = _text(form, "inst_dataset", 120)
    if dataset not in electricity:
        raise OptionError(f"unknown generation dataset '{dataset[:80]}'", column="inst_dataset",
                          expected="one of the listed electricity datasets")
    volume = _number(form, "inst_mwh", "the instrument's MWh")
    consumption = _number(form, "inst_consumption_mwh", "the factory's consumption (MWh)")
    percent = _number(form, "inst_share", "the share (%)")
    if percent is None:
        if volume is None or consumption is None:
            raise OptionError("give the share of the factory's electricity (%), or the instrument's MWh and the "
                              "factory's consumption (MWh)", column="inst_share")
        share = volume / consumption if consumption > 0 else -1.0
    else:
        share = percent / 100.0
    if volume is None:
        raise OptionError("give the MWh the instrument conveys", column="inst_mwh")
    vintage = _number(form, "inst_vintage", "the vintage")
    technology = _text(form, "inst_technology", 80) or (technology_of(dataset) if technology_of else None)
    record = {"type": kind, "technology": technology, "dataset": dataset,
              "share": share, "volume_mwh": volume, "vintage": None if vintage is None else int(vintage),
              "scheme": _text(form, "inst_scheme", 20) or None,
              "tracking_system": _text(form, "inst_tracking") or None,
              "certificate_ids": [c.strip()[:80] for c in _text(form, "inst_certificates", 2000).split(",")
                                  if c.strip()][:200],
              "retired_for": _text(form, "inst_retired_for") or None,
              "exclusive": True if form.get("inst_exclusive") == "on" else None,
              "market_country": _text(form, "inst_market_country", 2).upper() or None}
    from pydantic import ValidationError

    try:
        checked = ElectricityInstrument(**record)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "instrument"
        raise OptionError(f"green electricity instrument: {field}: {first['msg']}", column=f"inst_{field}",
                          expected="see docs/report.md, 'Electricity claims'") from None
    out: dict = {"instruments": [checked.model_dump(mode="json", exclude_defaults=True)]}
    if consumption is not None:
        out["consumption_mwh"] = consumption
    residual = _text(form, "inst_residual_mix", 120)
    if residual:
        if residual not in electricity:
            raise OptionError(f"unknown residual mix dataset '{residual[:80]}'", column="inst_residual_mix")
        out["residual_mix"] = residual
    return out


def delivery_option(form, transport: list[str]) -> dict | None:
    """{destination, distance_km, dataset} from the form's `delivery_*` fields, or None when no distance is given."""
    km = _number(form, "delivery_km", "the delivery distance (km)")
    if km is None:
        return None
    if not 0 < km <= MAX_KM:
        raise OptionError(f"the delivery distance must be more than 0 and at most {MAX_KM:,.0f} km, not {km:g}",
                          column="delivery_km")
    dataset = _text(form, "delivery_mode", 120)
    if dataset not in transport:
        raise OptionError(f"unknown transport dataset '{dataset[:80]}'", column="delivery_mode",
                          expected="one of the listed transport datasets (t*km)")
    destination = _text(form, "delivery_destination", 120)
    if not destination:
        raise OptionError("name the destination (country / place) of the delivery", column="delivery_destination")
    return {"destination": destination, "distance_km": km, "dataset": dataset}


def shipped_mass(mass: dict) -> tuple[float, str]:
    """(kg, basis) of the machine as shipped, packaging included: the declared mass (plus the packaging unless the
    declared mass includes it), else the rolled-up mass of parts and components plus the packaging."""
    packaging = float(mass.get("packaging_kg") or 0.0)
    declared = mass.get("declared_kg")
    if declared:
        if mass.get("declared_includes_packaging"):
            return float(declared), "declared mass (includes packaging)"
        return float(declared) + packaging, f"declared mass {float(declared):,.1f} kg + packaging {packaging:,.1f} kg"
    rolled = float(mass.get("rolled_up_kg") or 0.0)
    return rolled + packaging, f"rolled-up mass {rolled:,.1f} kg + packaging {packaging:,.1f} kg"


def delivery_figure(option: dict, document: dict, background, method_name: str) -> dict:
    """The delivery's kg CO2e: shipped t x km x the transport dataset's kg CO2e per t*km (with the result's GWP
    set). Outside the cradle-to-gate PCF; never added to it."""
    from ..electricity_claims import unit_score
    from ..methods import get_method

    key = option["dataset"]
    if not background.has(key):
        raise OptionError(f"the transport dataset '{key}' is not in the data loaded now", column="delivery_mode")
    unit = str(background.tables.datasets.loc[key, "unit"])
    if unit != "tkm":
        raise OptionError(f"'{key}' is not a transport dataset per t*km (its unit is {unit})", column="delivery_mode")
    kg, basis = shipped_mass(document.get("mass") or {})
    factor = unit_score(background, get_method(background.tables, method_name), key)
    tkm = kg / 1000.0 * float(option["distance_km"])
    return {"label": "delivery to the customer (outside the cradle-to-gate PCF)",
            "destination": option["destination"], "distance_km": float(option["distance_km"]), "dataset": key,
            "dataset_name": str(background.tables.datasets.loc[key, "name"]), "shipped_kg": kg,
            "mass_basis": basis, "tkm": tkm, "kg_co2e_per_tkm": factor, "kg_co2e": tkm * factor,
            "method": method_name}


def delivery_note(figure: dict) -> str:
    """One sentence for the PACT comment: the delivery figure, said to be outside the PCF."""
    return (f"Not included in this PCF (outside the cradle-to-gate boundary): delivery to the customer in "
            f"{figure['destination']}, {figure['distance_km']:,.0f} km by {figure['dataset_name']} "
            f"({figure['shipped_kg']:,.1f} kg shipped incl. packaging, {figure['tkm']:,.1f} t*km x "
            f"{figure['kg_co2e_per_tkm']:.4g} kg CO2e/t*km) = {figure['kg_co2e']:,.1f} kg CO2e per machine.")


def add_delivery_sheet(workbook_path, figure: dict) -> None:
    """Append a sheet 'Delivery (outside PCF)' with the delivery figure and how it was computed to a workbook."""
    from openpyxl import load_workbook

    book = load_workbook(workbook_path)
    sheet = book.create_sheet("Delivery (outside PCF)")
    rows = [("Delivery to the customer: OUTSIDE the cradle-to-gate boundary; not included in the PCF or the PACT "
             "footprint", None, None),
            ("destination", figure["destination"], None),
            ("distance", figure["distance_km"], "km"),
            ("transport dataset", figure["dataset"], figure["dataset_name"]),
            ("shipped mass incl. packaging", figure["shipped_kg"], f"kg ({figure['mass_basis']})"),
            ("transport work", figure["tkm"], "t*km"),
            ("factor", figure["kg_co2e_per_tkm"], f"kg CO2e per t*km ({figure['method']})"),
            ("delivery emissions", figure["kg_co2e"], "kg CO2e per machine")]
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row, 1):
            if value is not None:
                put_cell(sheet, number, column, value)  # the destination is typed by a user: never a live formula
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 28
    book.save(workbook_path)
