"""Packaging and logistics designs that expand into ordinary BOM lines.

A design describes packaging the way a packaging engineer does (a crate by its wood volume, stretch film by its
turns, a reusable rack by its number of trips) and `lines()` turns it into the `PackagingItem` and `TransportLeg`
lines the engine already knows, so a design costs nothing new in the solve:

* `CrateDesign`: wood elements by volume (m3, or area x thickness) x density -> kg of each wood dataset.
* `StretchFilmWrap`: film mass = turns x mass per turn (given, or perimeter x film width x thickness x density
  / (1 + pre-stretch)).
* `ReusablePackaging`: a rack, pallet or container used `trips` times: its production is amortised
  (mass / trips per machine) and every trip carries it back empty (`return_legs`, mass x distance per machine).

Densities are physical properties, not emission factors; each default below names where it comes from, and every
design accepts its own `density_kg_m3`. The expanded line's `comment` records the figure used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .bom.models import PackagingItem, TransportLeg
from .freight import ItemVolume, chargeable_mass_kg

__all__ = [
    "CrateDesign",
    "Density",
    "PackagingDesign",
    "ReturnLeg",
    "ReusablePackaging",
    "StretchFilmWrap",
    "WoodElement",
    "LLDPE_DENSITY",
    "WOOD_DENSITIES",
]


@dataclass(frozen=True)
class Density:
    """A density in kg/m3 with the source it comes from."""

    kg_m3: float
    source: str


WOOD_DENSITIES: dict[str, Density] = {
    "sawn_wood_softwood": Density(
        420.0, "EN 338:2016 strength class C24 softwood, mean density (at 12 % moisture content)"),
    "pallet_wood": Density(
        420.0, "EN 338:2016 strength class C24 softwood, mean density (at 12 % moisture content)"),
    "plywood": Density(
        600.0, "9 mm plywood at 5.4 kg/m2 as in the example BOM's crate sheathing; plywood ranges from about "
               "450 (spruce) to 700 kg/m3 (birch): give the supplier's figure"),
    "osb": Density(
        620.0, "OSB/3, typical of manufacturers' declarations (600-650 kg/m3; EN 300 sets no density)"),
}
LLDPE_DENSITY = Density(920.0, "LLDPE stretch film, 0.915-0.925 g/cm3 (typical resin data sheets, ISO 1183)")


class _Design(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, description="id of the design; the expanded lines get ids derived from it")
    name: str = ""
    supplier: str | None = None
    country: str | None = None
    comment: str | None = None
    source_file: str | None = None
    source_row: int | None = Field(default=None, ge=0)

    def _common(self) -> dict:
        return {"supplier": self.supplier, "country": self.country, "source_file": self.source_file,
                "source_row": self.source_row}


class WoodElement(BaseModel):
    """One group of boards or panels of a crate: a wood dataset and its volume (or area x thickness)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = ""
    dataset: str = Field(min_length=1, description="wood dataset per kg: sawn_wood_softwood, plywood, osb ...")
    volume_m3: float | None = Field(default=None, gt=0, description="wood volume of the element per crate, m3")
    area_m2: float | None = Field(default=None, gt=0, description="panel area per crate, m2 (with thickness_mm)")
    thickness_mm: float | None = Field(default=None, gt=0)
    density_kg_m3: float | None = Field(default=None, gt=0, description="default: WOOD_DENSITIES[dataset]")
    source_row: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _volume_given_once(self) -> "WoodElement":
        by_area = self.area_m2 is not None or self.thickness_mm is not None
        if self.volume_m3 is None and not (self.area_m2 is not None and self.thickness_mm is not None):
            raise ValueError(f"wood element '{self.name or self.dataset}' needs volume_m3, or area_m2 and "
                             "thickness_mm")
        if self.volume_m3 is not None and by_area:
            raise ValueError(f"wood element '{self.name or self.dataset}': give volume_m3 or area_m2 x "
                             "thickness_mm, not both")
        if self.density_kg_m3 is None and self.dataset not in WOOD_DENSITIES:
            raise ValueError(f"wood element '{self.name or self.dataset}': no default density for "
                             f"'{self.dataset}' (expected density_kg_m3, or one of {sorted(WOOD_DENSITIES)})")
        return self

    @property
    def wood_volume_m3(self) -> float:
        """Wood volume of the element in one crate, m3."""
        if self.volume_m3 is not None:
            return self.volume_m3
        return self.area_m2 * self.thickness_mm / 1000.0

    @property
    def density(self) -> Density:
        if self.density_kg_m3 is not None:
            return Density(self.density_kg_m3, "given in the design")
        return WOOD_DENSITIES[self.dataset]

    @property
    def mass_kg(self) -> float:
        """Mass of the element in one crate, kg (volume x density)."""
        return self.wood_volume_m3 * self.density.kg_m3


class CrateDesign(_Design):
    """A crate (skid, frame, sheathing) described by the wood volume of its elements."""

    kind: Literal["crate"] = "crate"
    quantity: float = Field(default=1.0, gt=0, description="crates per machine")
    elements: list[WoodElement] = Field(min_length=1)

    @property
    def wood_volume_m3(self) -> float:
        """Wood in one crate, m3."""
        return sum(e.wood_volume_m3 for e in self.elements)

    @property
    def mass_kg(self) -> float:
        """Mass of one crate, kg."""
        return sum(e.mass_kg for e in self.elements)

    def lines(self) -> list[PackagingItem]:
        """One packaging line per element: mass = volume x density, quantity = crates per machine."""
        out = []
        for k, element in enumerate(self.elements, start=1):
            density = element.density
            out.append(PackagingItem(
                id=f"{self.id}.{k}", dataset=element.dataset, mass_kg=element.mass_kg, quantity=self.quantity,
                name=f"{self.name or self.id}: {element.name or element.dataset}",
                comment=f"{element.wood_volume_m3:.4g} m3 x {density.kg_m3:g} kg/m3 ({density.source})",
                **self._common(),
            ))
        return out


class StretchFilmWrap(_Design):
    """Stretch film wound around a shipping unit: turns x film mass per turn."""

    kind: Literal["stretch_film"] = "stretch_film"
    dataset: str = Field(default="pe_stretch_film", min_length=1)
    turns: float = Field(gt=0, description="revolutions of film around the unit")
    quantity: float = Field(default=1.0, gt=0, description="wrapped units per machine")
    film_mass_per_turn_kg: float | None = Field(default=None, gt=0, description="film mass of one turn, kg")
    perimeter_m: float | None = Field(default=None, gt=0, description="perimeter of the unit's footprint, m")
    film_width_m: float | None = Field(default=None, gt=0, description="width of the film web, m")
    film_thickness_um: float | None = Field(default=None, gt=0, description="thickness of the film on the roll")
    prestretch: float = Field(default=0.0, ge=0, description="elongation before wrapping: 1.5 means 150 %")
    density_kg_m3: float | None = Field(default=None, gt=0, description=f"default {LLDPE_DENSITY.kg_m3:g} (LLDPE)")

    @model_validator(mode="after")
    def _mass_given_once(self) -> "StretchFilmWrap":
        geometry = (self.perimeter_m, self.film_width_m, self.film_thickness_um)
        if self.film_mass_per_turn_kg is None and any(v is None for v in geometry):
            raise ValueError(f"stretch film '{self.id}' needs film_mass_per_turn_kg, or perimeter_m, film_width_m "
                             "and film_thickness_um")
        if self.film_mass_per_turn_kg is not None and any(v is not None for v in geometry):
            raise ValueError(f"stretch film '{self.id}': give film_mass_per_turn_kg or the film geometry, not both")
        return self

    @property
    def mass_per_turn_kg(self) -> float:
        """Film mass of one turn, kg: perimeter x width x thickness x density / (1 + pre-stretch)."""
        if self.film_mass_per_turn_kg is not None:
            return self.film_mass_per_turn_kg
        density = self.density_kg_m3 or LLDPE_DENSITY.kg_m3
        roll_length_m = self.perimeter_m / (1.0 + self.prestretch)
        return roll_length_m * self.film_width_m * self.film_thickness_um * 1e-6 * density

    @property
    def mass_kg(self) -> float:
        """Film on one unit, kg."""
        return self.turns * self.mass_per_turn_kg

    def lines(self) -> list[PackagingItem]:
        how = (f"{self.turns:g} turns x {self.mass_per_turn_kg * 1000:.4g} g per turn")
        if self.film_mass_per_turn_kg is None:
            density = Density(self.density_kg_m3, "given") if self.density_kg_m3 else LLDPE_DENSITY
            how += (f" ({self.perimeter_m:g} m perimeter x {self.film_width_m:g} m x {self.film_thickness_um:g} um"
                    f" / (1 + {self.prestretch:g} pre-stretch) x {density.kg_m3:g} kg/m3, {density.source})")
        return [PackagingItem(id=self.id, dataset=self.dataset, mass_kg=self.mass_kg, quantity=self.quantity,
                              name=self.name or f"stretch film, {self.turns:g} turns", comment=how, **self._common())]


class ReturnLeg(BaseModel):
    """One leg of the empty return trip of reusable packaging."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    dataset: str = Field(min_length=1, description="transport dataset (per tkm)")
    distance_km: float = Field(gt=0)
    name: str = ""
    source_row: int | None = Field(default=None, ge=0)


class ReusablePackaging(_Design):
    """Packaging used `trips` times: production amortised over its trips, plus the empty return every trip.

    Per machine: `mass_kg / trips` of the packaging dataset per item, and each return leg carries the empty
    items over `distance_km`. Without `volume` the legs carry their mass (`mass_kg x quantity`); with `volume`
    (outer dimensions, folded or nested ratio, vehicle) each item is charged its chargeable mass, max(mass,
    return volume x vehicle payload / vehicle volume) (`pcf.freight`). With `trips: 1` it is single-use packaging
    plus its return transport.
    """

    kind: Literal["reusable"] = "reusable"
    dataset: str = Field(min_length=1, description="packaging dataset per kg (pallet_pp, pp_collapsible_container ...)")
    mass_kg: float = Field(gt=0, description="mass of one item, kg")
    quantity: float = Field(default=1.0, gt=0, description="items per machine shipment")
    trips: float = Field(ge=1, description="uses over the item's life")
    return_legs: list[ReturnLeg] = Field(default_factory=list, description="empty return trip, every trip")
    volume: ItemVolume | None = Field(default=None, description="dimensions for volume-based return freight")
    end_of_life: str | None = Field(default=None, description="dataset per kg for the item's end of life "
                                    "(break-even only; pcf ships none, so the default is no end-of-life burden)")
    single_use_end_of_life: str | None = Field(
        default=None, description="dataset per kg for the end of life of the single-use packaging this replaces "
                                  "(break-even only)")

    @property
    def return_mass_kg(self) -> float:
        """Mass one item is charged on the way back, kg: its mass, or its volume share of the vehicle's payload."""
        if self.volume is None:
            return self.mass_kg
        return chargeable_mass_kg(self.mass_kg, self.volume.return_m3, self.volume.carrier)

    def _return_comment(self) -> str:
        if self.volume is None:
            return f"{self.quantity:g} x {self.mass_kg:g} kg carried back empty every trip (mass-based freight)"
        v, carrier = self.volume, self.volume.carrier
        binds = "volume binds" if self.return_mass_kg > self.mass_kg else "mass binds"
        return (f"{self.quantity:g} x {self.return_mass_kg:.4g} kg chargeable carried back every trip ({binds}: "
                f"{v.erected_m3:.4g} m3 x {v.return_volume_ratio:g} = {v.return_m3:.4g} m3 x "
                f"{carrier.density_kg_m3:.4g} kg/m3 of a {carrier.name} vs {self.mass_kg:g} kg)")

    def lines(self) -> list[PackagingItem | TransportLeg]:
        out: list[PackagingItem | TransportLeg] = [PackagingItem(
            id=self.id, dataset=self.dataset, mass_kg=self.mass_kg / self.trips, quantity=self.quantity,
            name=self.name or f"reusable {self.dataset}, {self.trips:g} trips",
            comment=f"{self.mass_kg:g} kg per item amortised over {self.trips:g} trips", **self._common(),
        )]
        for k, leg in enumerate(self.return_legs, start=1):
            out.append(TransportLeg(
                id=f"{self.id}.return{k}", dataset=leg.dataset, mass_kg=self.return_mass_kg * self.quantity,
                distance_km=leg.distance_km, name=leg.name or f"empty return of {self.name or self.id}",
                comment=self._return_comment(),
                **self._common(),
            ))
        return out


PackagingDesign = Annotated[Union[CrateDesign, StretchFilmWrap, ReusablePackaging], Field(discriminator="kind")]
