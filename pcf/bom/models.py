"""The input model of one product system: a machine (the functional unit) and everything that goes into it.

pydantic v2 models are the single source of truth for the BOM schema (exported to docs/bom.schema.json).
Quantities are in canonical units (kg, km) where the field name says so; lines that link to a dataset carry an
amount with an explicit unit, converted to the dataset's reference unit when the product graph is built.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DataType(str, Enum):
    """ISO 14067 / PACT: primary data are measured at the maker or its supplier; secondary data are databases."""

    primary = "primary"
    secondary = "secondary"


class Stage(str, Enum):
    """Cradle-to-gate life-cycle stages reported separately."""

    raw_material_acquisition = "raw_material_acquisition"
    production = "production"
    packaging = "packaging"
    upstream_transport = "upstream_transport"


_ID_PATTERN = r"^[^\s].*$"
MAX_MAGNITUDE = 1e12  # no quantity in a machine's BOM (kg, pieces, km, kWh, years) is larger: a typo or an overflow
MAX_TEXT = 2000  # characters of any text field (names, comments, descriptions)
MAX_ID = 200  # characters of a line id
_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False,
                     str_max_length=MAX_TEXT)


class _CheckedNumbers(BaseModel):
    """Numbers are numbers: true/false is not 1/0, and magnitudes beyond MAX_MAGNITUDE are refused.

    Non-finite values (inf, nan) are refused by `allow_inf_nan=False` in every model's config.
    """

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data):
        if not isinstance(data, dict):
            return data
        for name in cls._numeric_fields().intersection(data):
            value = data[name]
            if isinstance(value, bool):
                raise ValueError(f"{name}: a number is required, not true/false")
            if isinstance(value, str):  # '1e300' (YAML 1.1 reads it as text), 'inf', 'nan'
                try:
                    value = float(value.strip())
                except ValueError:
                    continue  # not a number at all: the field's own validation says so
                if not math.isfinite(value):
                    raise ValueError(f"{name}: number {data[name]!r} is not finite")
            if isinstance(value, (int, float)) and abs(value) > MAX_MAGNITUDE:
                raise ValueError(f"{name}: {value:g} is beyond the largest magnitude pcf accepts "
                                 f"({MAX_MAGNITUDE:g})")
        return data

    @classmethod
    def _numeric_fields(cls) -> frozenset:
        """Names of the fields that hold numbers (computed once per model class)."""
        cached = cls.__dict__.get("_numeric_field_names")
        if cached is None:
            cached = frozenset(name for name, field in cls.model_fields.items()
                               if any(word in str(field.annotation) for word in ("float", "int")))
            type.__setattr__(cls, "_numeric_field_names", cached)
        return cached


class Spread(_CheckedNumbers):
    """A stated spread of one BOM quantity or supplier figure (docs/uncertainty.md).

    lognormal: `gsd` (geometric standard deviation, median = the stated value) or `range` (read as the 2.5 and
    97.5 percentiles); normal: `range` read as the 2.5 and 97.5 percentiles; uniform: `range` as minimum and
    maximum; triangular: `range` as minimum and maximum, the stated value as the mode. A range is in the units of
    the quantity it qualifies: a part's `mass_kg`, a component's `quantity` (or its supplier figure's
    `kg_co2e_per_unit`), a process or energy line's `amount`, packaging `mass_kg`, a transport leg's `distance_km`.
    """

    model_config = _FROZEN

    distribution: Literal["lognormal", "normal", "uniform", "triangular"] = "lognormal"
    gsd: float | None = Field(default=None, ge=1.0, le=100.0,
                              description="lognormal only: geometric standard deviation (1 = no spread)")
    range: tuple[float, float] | None = Field(
        default=None, description="[low, high]: 2.5/97.5 percentiles (lognormal, normal) or minimum/maximum "
        "(uniform, triangular), in the units of the qualified quantity")

    @model_validator(mode="after")
    def _one_spread(self) -> "Spread":
        if (self.gsd is None) == (self.range is None):
            raise ValueError("give either gsd or range (not both, not neither)")
        if self.gsd is not None and self.distribution != "lognormal":
            raise ValueError(f"gsd is a lognormal spread: {self.distribution} needs a range [low, high]")
        if self.range is not None:
            low, high = self.range
            if not low < high:
                raise ValueError(f"range [{low:g}, {high:g}]: low must be smaller than high")
            if self.distribution == "lognormal" and low <= 0:
                raise ValueError(f"range [{low:g}, {high:g}]: a lognormal range must be positive")
        return self


class Line(_CheckedNumbers):
    """What every BOM line has: an id, where it came from, who supplied it, and whether its data are primary."""

    model_config = _FROZEN

    id: str = Field(min_length=1, max_length=MAX_ID, pattern=_ID_PATTERN,
                    description="unique id of the line within the BOM")
    name: str = Field(default="", description="human-readable description")
    source_file: str | None = Field(default=None, description="file the line was read from (for error messages)")
    source_row: int | None = Field(default=None, ge=0, description="row of the line in that file")
    supplier: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 code of the supplier or production site")
    region: str | None = Field(
        default=None,
        description="province or state of the supplier or production site, as an ISO 3166-2 code (CN-JS) or a "
        "name (Jiangsu); its regional grid supplies the line's process electricity where pcf has one",
    )
    data_type: DataType = DataType.secondary
    comment: str | None = None
    excluded: str | None = Field(
        default=None, description="reason this line is deliberately left out; it is listed in the cut-off report"
    )
    uncertainty: Spread | None = Field(
        default=None, description="the stated spread of the line's quantity, for Monte Carlo (docs/uncertainty.md); "
        "without it the line's spread follows its data type (and an estimated mass its estimate)")

    @property
    def where(self) -> str:
        """Human-readable origin of the line, for messages."""
        parts = [self.source_file or "BOM"]
        if self.source_row is not None:
            parts.append(f"row {self.source_row}")
        return ", ".join(parts) + f", line '{self.id}'"


class DatasetAmount(Line):
    """A line that links to one background dataset with an amount in an explicit unit."""

    dataset: str = Field(min_length=1, description="key of the background dataset (see `pcf data list`)")
    amount: float = Field(gt=0, description="amount per unit of the parent, in `unit`")
    unit: str = Field(min_length=1, description="unit of `amount`, convertible to the dataset's reference unit")
    credit: bool = Field(default=False, description="true: the amount is subtracted (e.g. a recovered co-product)")


class ProcessStep(DatasetAmount):
    """A manufacturing process applied to a part (per piece) or to the machine (per machine).

    Examples: machining with 2 kg removed (`dataset: machining, amount: 2, unit: kg`), 1.5 m of MIG welding,
    0.8 m2 of powder coating, 12 kWh of end-of-line test energy.
    """

    kind: Literal["process"] = "process"
    stage: Stage = Stage.production


class Part(Line):
    """A made part: one material, a net mass per piece, optional processes and a production scrap rate."""

    kind: Literal["part"] = "part"
    material: str = Field(min_length=1, description="key of the material dataset")
    mass_kg: float | None = Field(
        default=None, gt=0,
        description="net (finished) mass of one piece, kg; when missing it is estimated (dimensions_mm x density, "
        "or a typical mass) and flagged as estimated",
    )
    dimensions_mm: tuple[float, float, float] | None = Field(
        default=None, description="length, width and thickness of the part's envelope in mm, for a mass estimate"
    )
    quantity: float = Field(default=1.0, gt=0, description="pieces per unit of the parent")
    scrap_fraction: float = Field(
        default=0.0,
        ge=0.0,
        lt=1.0,
        description="share of the material input lost as production scrap (input = mass_kg / (1 - scrap_fraction))",
    )
    processes: list[ProcessStep] = Field(default_factory=list, description="processes per piece")
    mass_estimated: bool = Field(default=False, description="true where mass_kg is an estimate, not a weighing")

    @property
    def material_input_kg(self) -> float:
        """Material bought per piece, kg."""
        if self.mass_kg is None:
            raise ValueError(f"part '{self.id}' has no mass (estimate it with pcf.intake.resolve first)")
        return self.mass_kg / (1.0 - self.scrap_fraction)


class SupplierFootprint(_CheckedNumbers):
    """A supplier's own footprint of a purchased component, used instead of the secondary dataset.

    Either `file`: a PACT v2 or v3 ProductFootprint JSON (path relative to the BOM file; a list response with
    several footprints needs the `id` of the one to use), or `kg_co2e_per_unit`
    (per one unit of the line's `unit`) with its `source` and reference period.
    """

    model_config = _FROZEN

    file: str | None = Field(default=None, description="PACT ProductFootprint JSON, relative to the BOM file")
    id: str | None = Field(default=None, description="the footprint's `id` when the PACT file is a list response "
                           "holding several")
    kg_co2e_per_unit: float | None = Field(default=None, ge=0, description="kg CO2e per unit, excluding uptake")
    fossil_kg_co2e_per_unit: float | None = Field(default=None, ge=0)
    land_use_change_kg_co2e_per_unit: float | None = Field(default=None, ge=0)
    biogenic_removal_kg_co2e_per_unit: float | None = Field(default=None, le=0)
    primary_data_share_percent: float | None = Field(
        default=None, ge=0, le=100, description="the figure's own primary data share (PACT definition), if the "
        "supplier states it; unknown counts as 0 in pcf's primary data share")
    source: str | None = Field(default=None, description="the document the figure comes from")
    reference_period_start: str | None = Field(default=None, description="ISO date")
    reference_period_end: str | None = Field(default=None, description="ISO date")
    uncertainty: Spread | None = Field(
        default=None, description="the stated spread of the figure (range in kg CO2e per unit), for Monte Carlo")

    @model_validator(mode="after")
    def _one_kind(self) -> "SupplierFootprint":
        if (self.file is None) == (self.kg_co2e_per_unit is None):
            raise ValueError("give either a PACT file or kg_co2e_per_unit (not both, not neither)")
        if self.kg_co2e_per_unit is not None and not (self.source and self.reference_period_start
                                                       and self.reference_period_end):
            raise ValueError("kg_co2e_per_unit needs its source, reference_period_start and reference_period_end")
        if self.id is not None and self.file is None:
            raise ValueError("id chooses a footprint of a PACT file: give the file")
        return self


class Component(Line):
    """A purchased component described by a background dataset (per piece, per kg, ...) or a supplier footprint."""

    kind: Literal["component"] = "component"
    dataset: str = Field(min_length=1, description="key of the component dataset")
    quantity: float = Field(default=1.0, gt=0, description="amount per unit of the parent, in `unit`")
    unit: str = Field(default="piece", min_length=1)
    mass_kg: float | None = Field(default=None, gt=0, description="mass of one unit of `unit`, kg (for the mass roll-up)")
    scrap_fraction: float = Field(default=0.0, ge=0.0, lt=1.0, description="share damaged or lost in production")
    supplier_footprint: SupplierFootprint | None = Field(
        default=None, description="the supplier's own footprint (PACT file or per-unit figure), used instead of "
        "`dataset` and counted as primary data"
    )

    @model_validator(mode="after")
    def _one_quantity(self) -> "Component":
        """A component counted in a mass unit has its mass in its quantity: a `mass_kg` that says otherwise would
        make the emissions use one quantity and the mass roll-up another."""
        from ..units import UnitError, canonical, conversion_factor

        if self.mass_kg is None:
            return self
        try:
            if canonical(self.unit)[0] != "mass":
                return self
        except UnitError:
            return self
        per_unit = conversion_factor(self.unit, "kg")
        if not math.isclose(self.mass_kg, per_unit, rel_tol=1e-6):
            raise ValueError(
                f"component '{self.id}' is {self.quantity:g} {self.unit} but says mass_kg {self.mass_kg:g} per "
                f"{self.unit} (the quantity in {self.unit} is its mass: leave out mass_kg, or count it in pieces "
                "with mass_kg per piece)")
        return self


class AssemblyRef(Line):
    """A use of a shared subassembly defined once in `ProductSystem.subassemblies`."""

    kind: Literal["ref"] = "ref"
    ref: str = Field(min_length=1, description="id of a subassembly in `subassemblies`")
    quantity: float = Field(default=1.0, gt=0)


class Assembly(Line):
    """An assembly or module: nested lines, to any depth."""

    kind: Literal["assembly"] = "assembly"
    quantity: float = Field(default=1.0, gt=0, description="pieces per unit of the parent")
    declared_mass_kg: float | None = Field(default=None, gt=0, description="weighed mass of one piece, kg")
    children: list["BomItem"] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> "Assembly":
        if not self.children:
            raise ValueError(f"assembly '{self.id}' has no children (expected at least one part, component or process)")
        return self


BomItem = Annotated[Union[Assembly, Part, Component, ProcessStep, AssemblyRef], Field(discriminator="kind")]
Assembly.model_rebuild()


class PackagingItem(Line):
    """Packaging of the shipped machine: a packaging material or item, mass per item and number of items."""

    kind: Literal["packaging"] = "packaging"
    dataset: str = Field(min_length=1)
    mass_kg: float = Field(gt=0, description="mass of one item, kg")
    quantity: float = Field(default=1.0, gt=0)


class TransportLeg(Line):
    """Inbound transport of purchased goods to the maker's factory: mass x distance x mode."""

    kind: Literal["transport"] = "transport"
    dataset: str = Field(min_length=1, description="transport dataset (per tkm)")
    mass_kg: float = Field(gt=0, description="mass carried per machine, kg")
    distance_km: float = Field(gt=0)

    @property
    def tkm(self) -> float:
        return self.mass_kg / 1000.0 * self.distance_km


class EnergyUse(DatasetAmount):
    """Energy used at the maker's factory per machine (assembly, test, space heating share ...).

    `dataset: electricity_factory` means the factory's grid or supply contract (`Factory.electricity`).
    """

    kind: Literal["energy"] = "energy"


class Machine(_CheckedNumbers):
    """The functional unit: one machine, ready to ship at the maker's gate."""

    model_config = _FROZEN

    id: str = Field(min_length=1, max_length=MAX_ID)
    name: str = Field(min_length=1, description="model name")
    manufacturer: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 code of the final assembly site")
    declared_mass_kg: float | None = Field(default=None, gt=0, description="weighed or drawing mass of one machine, kg")
    declared_mass_includes_packaging: bool = Field(
        default=False, description="true when `declared_mass_kg` is the shipping mass, packaging included: the mass "
        "check then compares it with parts + components + packaging")
    reference_year: int | None = Field(default=None, ge=1990, le=2100)
    description: str | None = None


INSTRUMENT_TYPES = ("ppa", "green_certificate", "supplier_tariff", "on_site")
CERTIFICATE_SCHEMES = ("GEC", "I-REC", "GO", "REC", "other")


class ElectricityInstrument(_CheckedNumbers):
    """A contractual instrument for the maker's factory electricity (GHG Protocol Scope 2, market-based method).

    It covers `share` of the factory's electricity with the generation technology's factor (`dataset`, kg CO2e per
    kWh); the rest is supplied by the residual mix (`Factory.residual_mix`) or, where none is published, by the
    location-based grid. pcf checks the record against the Scope 2 quality criteria (pcf/electricity_claims.py).
    """

    model_config = _FROZEN

    type: Literal[INSTRUMENT_TYPES] = Field(description="ppa (power purchase agreement), green_certificate "
                                            "(energy attribute certificate), supplier_tariff (a supplier-specific "
                                            "product), on_site (own generation)")
    scheme: Literal[CERTIFICATE_SCHEMES] | None = Field(
        default=None, description="certificate scheme: GEC (China Green Electricity Certificate), I-REC, GO "
        "(EU guarantee of origin), REC (North America), other; required for a green_certificate")
    technology: str = Field(min_length=1, description="generation technology, e.g. wind, solar PV, hydropower")
    dataset: str = Field(min_length=1, description="electricity dataset of that generation technology (kg CO2e per "
                         "kWh), e.g. electricity_cn_wind_footprint_2024")
    share: float = Field(gt=0, le=1, description="share of the maker's factory electricity the instrument covers")
    volume_mwh: float = Field(gt=0, description="MWh of electricity the instrument conveys")
    vintage: int = Field(ge=1990, le=2100, description="year the electricity was generated")
    tracking_system: str | None = Field(default=None, description="registry that issues and cancels the "
                                        "certificates, e.g. China Green Certificate Trading Platform, I-TRACK, "
                                        "an AIB member registry")
    certificate_ids: list[str] = Field(default_factory=list, description="certificate or cancellation ids")
    retired_for: str | None = Field(default=None, description="the entity on whose behalf the instrument was "
                                    "redeemed, retired or cancelled")
    exclusive: bool | None = Field(default=None, description="true: no other instrument carries the attributes of "
                                   "these MWh (no double counting)")
    market_country: str | None = Field(default=None, description="ISO 3166 code of the market the electricity "
                                       "was generated in")
    supplier: str | None = Field(default=None, description="generator, utility or PPA counterparty")

    @model_validator(mode="after")
    def _scheme(self) -> "ElectricityInstrument":
        if self.type == "green_certificate" and self.scheme is None:
            raise ValueError("a green_certificate needs its scheme (GEC, I-REC, GO, REC or other)")
        return self


class Factory(_CheckedNumbers):
    """The maker's factory: which electricity supplies it (a dataset key: grid, or a market-based contract)."""

    model_config = _FROZEN

    electricity: str | None = Field(
        default=None, min_length=1, description="electricity dataset supplying `electricity_factory` at the maker's "
        "factory (location-based: the grid average); may be left out when no line needs it (a materials-only BOM: "
        "no maker's process or energy line)")
    electricity_basis: Literal["location", "market"] = Field(
        default="location", description="market: the factory claims contractual instruments; give them in "
        "`instruments` (otherwise the result says 'market-based, instrument not documented' and warns)")
    instruments: list[ElectricityInstrument] = Field(
        default_factory=list, description="contractual instruments (market-based method); their shares add up to "
        "at most 1")
    residual_mix: str | None = Field(
        default=None, min_length=1, description="electricity dataset of the residual mix for the share no "
        "instrument covers; none given: the location-based grid (`electricity`) stands in, and the result says so")
    consumption_mwh: float | None = Field(
        default=None, gt=0, description="the factory's electricity consumption in the instruments' period, MWh "
        "(checks that the instruments' volumes cover the shares claimed)")
    name: str | None = None
    country: str | None = None

    @model_validator(mode="after")
    def _shares(self) -> "Factory":
        total = sum(i.share for i in self.instruments)
        if total > 1 + 1e-9:
            raise ValueError(f"instruments cover {total:.4g} of the factory's electricity: the shares add up to at "
                             "most 1")
        if self.residual_mix is not None and not self.instruments:
            raise ValueError("residual_mix applies to the share no instrument covers: give the instruments")
        return self


class ProductSystem(BaseModel):
    """One machine's bill of materials and everything else the cradle-to-gate footprint needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    machine: Machine
    factory: Factory = Field(default_factory=Factory, description="the maker's factory (its electricity)")
    items: list[BomItem] = Field(min_length=1, description="top-level modules, parts, components and processes")
    subassemblies: list[Assembly] = Field(default_factory=list, description="shared subassemblies used by `ref`")
    packaging: list[PackagingItem] = Field(default_factory=list)
    transport: list[TransportLeg] = Field(default_factory=list)
    energy: list[EnergyUse] = Field(default_factory=list)
    source_file: str | None = Field(default=None, description="the file the BOM was read from")

    def all_lines(self):
        """Every line of the BOM, depth first (shared subassemblies once, at their definition)."""

        def walk(item):
            yield item
            if isinstance(item, Assembly):
                for child in item.children:
                    yield from walk(child)
            elif isinstance(item, Part):
                yield from item.processes

        for group in (self.items, self.subassemblies, self.packaging, self.transport, self.energy):
            for item in group:
                yield from walk(item)
