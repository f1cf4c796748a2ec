"""Programme mode: a packaging programme stated in annual quantities, with annual totals and per machine.

The PCF's functional unit stays one machine. A programme is a separate scope: the packaging a plant buys and
moves in a year (pallets, containers, tonnes of film, m3 of crate wood, spend), stated per option (today's
packaging, a reusable system ...) in a scenario file's `programme:` block. Every item is converted to its
dataset's reference unit and multiplied by the dataset's kg CO2e per unit (the compiled base's scores: same
background, method and grid as the comparison); per machine = annual / machines shipped a year.

    single-use item   annual kg CO2e = amount (reference unit) x factor
    reusable fleet    uses a year U = fleet x trips_per_year
                      production  = U / life_trips x mass_kg x factor (replacements in steady state)
                      returns     = U x chargeable mass / 1000 x distance x tkm factor, per return leg
    own figure        annual kg CO2e as given (kg_co2e); its implied kg CO2e per kg is checked against a
                      plausibility band of its material (`plausibility.BANDS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, Literal, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from ..bom.models import PackagingItem, TransportLeg
from ..freight import ItemVolume
from ..packaging import WOOD_DENSITIES, ReturnLeg, ReusablePackaging
from .errors import ScenarioError
from .closed_form import break_even_trips, max_return_km
from .plausibility import BANDS, Flag, check_factor

__all__ = ["Programme", "ProgrammeItem", "ProgrammeOption", "ProgrammeResult", "ProgrammeReusable",
           "evaluate_programme"]

MASS_UNITS = {"kg": 1.0, "t": 1000.0}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ProgrammeItem(_Model):
    """Single-use packaging bought in a year: a quantity and unit, and a pcf dataset or the user's own kg CO2e."""

    kind: Literal["item"] = "item"
    name: str = Field(min_length=1)
    dataset: str | None = Field(default=None, description="pcf dataset; its reference unit decides the amount")
    kg_co2e: float | None = Field(default=None, ge=0, description="your own annual figure, kg CO2e")
    material: Literal["wood", "film", "pp", "hdpe", "other"] | None = Field(
        default=None, description="for the plausibility check of your own figure")
    quantity: float = Field(gt=0, description="a year, in `unit`")
    unit: str = Field(min_length=1, description="piece, kg, t, m3, or the dataset's currency (spend)")
    mass_kg_each: float | None = Field(default=None, gt=0, description="mass of one piece, kg (unit: piece)")
    density_kg_m3: float | None = Field(default=None, gt=0, description="for unit m3; default: pcf's wood density")
    source_row: int | None = Field(default=None, ge=0)
    source_file: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "ProgrammeItem":
        if (self.dataset is None) == (self.kg_co2e is None):
            raise ValueError(f"programme item '{self.name}' needs a dataset or your own kg_co2e (one of them)")
        if self.kg_co2e is not None and self.material is None:
            raise ValueError(f"programme item '{self.name}' gives its own kg_co2e: name its material (wood, film, "
                             "pp, hdpe or other) so the implied factor can be checked")
        return self

    def mass_kg(self) -> float | None:
        """Annual mass, kg (None for spend)."""
        if self.unit in MASS_UNITS:
            return self.quantity * MASS_UNITS[self.unit]
        if self.unit == "piece":
            return None if self.mass_kg_each is None else self.quantity * self.mass_kg_each
        if self.unit == "m3":
            if self.density_kg_m3 is not None:
                return self.quantity * self.density_kg_m3
            if self.dataset in WOOD_DENSITIES:
                return self.quantity * WOOD_DENSITIES[self.dataset].kg_m3
            if self.dataset is None and self.material == "wood":  # C24 softwood, as a crate's default
                return self.quantity * WOOD_DENSITIES["sawn_wood_softwood"].kg_m3
            return None
        return None


class ReplacedPacking(_Model):
    """Single-use packaging one reusable item replaces on each trip (for its break-even)."""

    dataset: str = Field(min_length=1)
    mass_kg: float = Field(gt=0, description="mass of one piece, kg")
    quantity: float = Field(default=1.0, gt=0, description="pieces replaced per trip")
    end_of_life: str | None = Field(default=None, description="dataset per kg for its end of life (break-even)")
    source_row: int | None = Field(default=None, ge=0)


class ProgrammeReusable(_Model):
    """A fleet of reusable items: uses a year = fleet x trips_per_year, each item lasting life_trips."""

    kind: Literal["reusable"]
    name: str = Field(min_length=1)
    dataset: str = Field(min_length=1)
    mass_kg: float = Field(gt=0, description="one item, kg")
    fleet: float = Field(gt=0, description="items in circulation")
    trips_per_year: float = Field(gt=0, description="trips one item makes a year")
    life_trips: float = Field(ge=1, description="trips over an item's life")
    return_legs: list[ReturnLeg] = Field(default_factory=list)
    volume: ItemVolume | None = None
    end_of_life: str | None = None
    replaces: list[ReplacedPacking] = Field(default_factory=list, description="per trip, for the break-even")
    source_row: int | None = Field(default=None, ge=0)
    source_file: str | None = None

    @property
    def uses_per_year(self) -> float:
        return self.fleet * self.trips_per_year

    def design(self) -> ReusablePackaging:
        """The same items as a packaging design: quantity = uses a year."""
        return ReusablePackaging(id=self.name, name=self.name, dataset=self.dataset, mass_kg=self.mass_kg,
                                 quantity=self.uses_per_year, trips=self.life_trips, return_legs=self.return_legs,
                                 volume=self.volume, end_of_life=self.end_of_life)


def _item_kind(value) -> str:
    """'reusable' for a fleet of reusable items, else 'item' (single use; `kind` may be left out)."""
    kind = value.get("kind", "item") if isinstance(value, dict) else getattr(value, "kind", "item")
    return kind if kind in ("item", "reusable") else "item"


ProgrammeEntry = Annotated[Union[Annotated[ProgrammeReusable, Tag("reusable")], Annotated[ProgrammeItem, Tag("item")]],
                           Discriminator(_item_kind)]


class ProgrammeOption(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    items: list[ProgrammeEntry] = Field(min_length=1)
    source_row: int | None = Field(default=None, ge=0)


class Programme(_Model):
    """Annual packaging programme options, compared with each other (a scope beside the per-machine PCF)."""

    name: str = ""
    description: str = ""
    year: int | None = None
    units_shipped: float = Field(gt=0, description="machines shipped a year (per machine = annual / this)")
    reference: str | None = Field(default=None, description="option the deltas are taken against (default: first)")
    options: list[ProgrammeOption] = Field(min_length=1)

    @model_validator(mode="after")
    def _names(self) -> "Programme":
        names = [o.name for o in self.options]
        if len(set(names)) != len(names):
            raise ValueError("programme option names must be unique")
        if self.reference is not None and self.reference not in names:
            raise ValueError(f"programme reference '{self.reference}' is not an option ({', '.join(names)})")
        return self

    @property
    def reference_name(self) -> str:
        return self.reference or self.options[0].name


@dataclass(frozen=True, eq=False)
class ProgrammeResult:
    """Annual kg CO2e of every programme item and option, per machine, deltas, break-evens and flags."""

    programme: Programme
    items: pd.DataFrame  # one row per (option, item, part)
    totals: pd.DataFrame  # one row per option
    break_evens: pd.DataFrame
    flags: tuple[Flag, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        def records(frame):
            return [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}
                    for row in frame.to_dict(orient="records")]

        return {"name": self.programme.name, "description": self.programme.description, "year": self.programme.year,
                "scope": "annual packaging programme (not the PCF's functional unit)",
                "units_shipped": self.programme.units_shipped, "reference": self.programme.reference_name,
                "unit": "kg CO2e per year; per machine = annual / machines shipped a year",
                "totals": records(self.totals.reset_index()), "items": records(self.items),
                "break_evens": records(self.break_evens), "flags": [f.to_dict() for f in self.flags],
                "notes": list(self.notes)}


def _error(programme_file: str | None, row: int | None, message: str, expected: str | None = None):
    return ScenarioError(message, file=programme_file, row=row, expected=expected)


def evaluate_programme(programme: Programme, base, *, file: str | None = None,
                       packaging_kg_co2e: float | None = None, machine_kg_co2e: float | None = None
                       ) -> ProgrammeResult:
    """Annual totals of every option with the compiled base's dataset scores (kg CO2e per reference unit).

    packaging_kg_co2e / machine_kg_co2e: the base machine's packaging stage and total, kg CO2e per machine, for
    the per-machine deltas as % of each."""
    background = base.background
    unit_score = base.scores.excluding_removals
    grid = background.index(base.grid)
    units = background.units

    def score(key: str, row: int | None, what: str) -> float:
        if not background.has(key):
            raise _error(file, row, f"programme: {what}: unknown dataset '{key}'", "a dataset key of lci_data")
        k = background.index(key)
        return float(unit_score[k] + background.factory_electricity_kwh[k] * unit_score[grid])

    rows, flags, breaks = [], [], []
    per_year = programme.units_shipped
    for option in programme.options:
        for item in option.items:
            if isinstance(item, ProgrammeReusable):
                for line in item.design().lines():
                    if isinstance(line, PackagingItem):
                        amount, unit, part = line.mass_kg * line.quantity, "kg", "production (replacements)"
                    else:
                        amount, unit = line.mass_kg / 1000.0 * line.distance_km, "t*km"
                        part = f"empty return, {line.distance_km:g} km"
                    factor = score(line.dataset, item.source_row, item.name)
                    rows.append(_row(option.name, item.name, part, line.dataset, amount, unit, factor, amount * factor,
                                     "pcf dataset", line.comment or ""))
                rows += _reusable_eol(option.name, item, score)
                breaks.append(_programme_break_even(option.name, item, score))
                continue
            mass = item.mass_kg()
            if item.dataset is not None:
                ref_unit = units.get(item.dataset, "")
                factor = score(item.dataset, item.source_row, item.name)
                if ref_unit == "kg":
                    if mass is None:
                        raise _error(file, item.source_row, f"programme item '{item.name}': dataset "
                                     f"'{item.dataset}' is per kg but the mass of {item.quantity:g} {item.unit} is "
                                     "unknown", "unit kg or t, piece with mass_kg_each, or m3 with density_kg_m3")
                    amount = mass
                elif item.unit == ref_unit:
                    amount = item.quantity
                else:
                    raise _error(file, item.source_row, f"programme item '{item.name}': unit '{item.unit}' does not "
                                 f"fit dataset '{item.dataset}' (per {ref_unit})",
                                 f"unit {ref_unit}" + (" (no currency conversion)" if ref_unit not in
                                                       ("piece", "m3", "kWh", "tkm") else ""))
                rows.append(_row(option.name, item.name, "", item.dataset, amount, ref_unit, factor, amount * factor,
                                 "pcf dataset", f"{item.quantity:g} {item.unit}", mass))
            else:
                kg = float(item.kg_co2e)
                amount, unit = (mass, "kg") if mass else (item.quantity, item.unit)
                rows.append(_row(option.name, item.name, "", "", amount, unit, kg / amount, kg, "your figure",
                                 f"{item.quantity:g} {item.unit} ({item.material})", mass))
                if mass is None and item.material != "other":
                    raise _error(file, item.source_row, f"programme item '{item.name}': your own kg_co2e cannot be "
                                 "checked without a mass", "unit kg or t, piece with mass_kg_each, or m3")
                flag = check_factor(option.name, item.name, item.material, kg, mass or 0.0)
                if flag is not None:
                    flags.append(flag)
    items = pd.DataFrame(rows)
    totals = items.groupby("option", sort=False)["annual_kg_co2e"].sum().to_frame()
    reference = programme.reference_name
    ref = float(totals.at[reference, "annual_kg_co2e"])
    totals["per_machine_kg_co2e"] = totals["annual_kg_co2e"] / per_year
    totals["delta_annual_kg_co2e"] = totals["annual_kg_co2e"] - ref
    totals["delta_pct"] = 100.0 * totals["delta_annual_kg_co2e"] / ref if ref else math.nan
    totals["delta_per_machine_kg_co2e"] = totals["delta_annual_kg_co2e"] / per_year
    totals["delta_pct_of_machine_packaging"] = (100.0 * totals["delta_per_machine_kg_co2e"] / packaging_kg_co2e
                                                if packaging_kg_co2e else math.nan)
    totals["delta_pct_of_machine"] = (100.0 * totals["delta_per_machine_kg_co2e"] / machine_kg_co2e
                                      if machine_kg_co2e else math.nan)
    notes = ("Programme scope: annual packaging of the plant, kg CO2e per year; per machine = annual / "
             f"{per_year:g} machines shipped a year. It is not the PCF's functional unit (one machine) and is not "
             "added to it.",)
    return ProgrammeResult(programme=programme, items=items, totals=totals,
                           break_evens=pd.DataFrame(breaks, columns=_BREAK_COLUMNS), flags=tuple(flags), notes=notes)


def _row(option, item, part, dataset, amount, unit, factor, kg, source, how, mass=None) -> dict:
    return {"option": option, "item": item, "part": part, "dataset": dataset, "amount": amount, "unit": unit,
            "mass_kg": math.nan if mass is None else mass, "kg_co2e_per_unit": factor, "annual_kg_co2e": kg,
            "source": source, "how": how}


def _reusable_eol(option: str, item: ProgrammeReusable, score) -> list[dict]:
    if item.end_of_life is None:
        return []
    mass = item.uses_per_year / item.life_trips * item.mass_kg
    factor = score(item.end_of_life, item.source_row, item.name)
    return [_row(option, item.name, "end of life (items retired)", item.end_of_life, mass, "kg", factor,
                 mass * factor, "pcf dataset", f"{item.uses_per_year / item.life_trips:g} items a year")]


_BREAK_COLUMNS = ["option", "item", "life_trips", "reusable_kg_co2e", "single_use_kg_co2e_per_trip",
                  "return_kg_co2e_per_trip", "return_distance_km", "break_even_trips", "max_return_km",
                  "max_return_km_limit"]


def _programme_break_even(option: str, item: ProgrammeReusable, score) -> dict:
    """Per item and trip: A = production (+ end of life) of one item, S = what it replaces, r = its return."""
    design = item.design().model_copy(update={"quantity": 1.0})
    production = item.mass_kg * score(item.dataset, item.source_row, item.name)
    if item.end_of_life is not None:
        production += item.mass_kg * score(item.end_of_life, item.source_row, item.name)
    single = sum(r.mass_kg * r.quantity * (score(r.dataset, item.source_row, item.name)
                                           + (score(r.end_of_life, item.source_row, item.name) if r.end_of_life else 0.0))
                 for r in item.replaces)
    returns = sum(line.mass_kg / 1000.0 * line.distance_km * score(line.dataset, item.source_row, item.name)
                  for line in design.lines() if isinstance(line, TransportLeg))
    distance = sum(leg.distance_km for leg in item.return_legs)
    if not item.replaces:
        n_star = d_max = d_lim = math.nan
    else:
        n_star = break_even_trips(production, single, returns)
        d_max = max_return_km(production, single, returns, distance, item.life_trips)
        d_lim = max_return_km(production, single, returns, distance)
    return {"option": option, "item": item.name, "life_trips": item.life_trips, "reusable_kg_co2e": production,
            "single_use_kg_co2e_per_trip": single, "return_kg_co2e_per_trip": returns, "return_distance_km": distance,
            "break_even_trips": n_star, "max_return_km": math.nan if d_max is None else d_max,
            "max_return_km_limit": math.nan if d_lim is None else d_lim}


def band_table() -> pd.DataFrame:
    """The plausibility bands, for documentation and the workbook."""
    return pd.DataFrame([{"material": k, "low_kg_co2e_per_kg": b.low, "high_kg_co2e_per_kg": b.high,
                          "published": b.sources} for k, b in BANDS.items()])
