"""Validated inputs of the lifetime energy comparator, in explicit units (kWh, kW, Ah, V, h, years, kg CO2e/kWh).

Defaults live in the shipped example configurations (bill_of_materials/energy/), not here: apart from neutral
values (no change of the grid factor, no shared equipment) every number must be given. Constraints live on the
fields; rules that need several fields are in one `model_validator` per model. Equations: docs/energy.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _fraction(what: str):
    def check(value: float) -> float:
        if not 0.0 <= value <= 1.0:
            hint = " (write it as a fraction, e.g. 0.92 for 92 %)" if 1.0 < value <= 100.0 else ""
            raise ValueError(f"{what} must be a fraction between 0 and 1, got {value}{hint}")
        return value

    return AfterValidator(check)


def _efficiency(value: float) -> float:
    if not 0.0 < value <= 1.0:
        hint = " (write it as a fraction, e.g. 0.92 for 92 %)" if 1.0 < value <= 100.0 else ""
        raise ValueError(f"an efficiency must be greater than 0 and at most 1, got {value}{hint}")
    return value


def _soc(value: float) -> float:
    if not 0.0 <= value <= 100.0:
        raise ValueError(f"a state of charge must be between 0 and 100 %, got {value} %")
    return value


Efficiency = Annotated[float, AfterValidator(_efficiency)]
Share = Annotated[float, _fraction("a share")]
SocPercent = Annotated[float, AfterValidator(_soc)]


class Cell(BaseModel):
    """The cell being formed and graded."""

    model_config = _FROZEN
    name: str
    capacity_Ah: float = Field(gt=0, description="rated capacity")
    nominal_voltage_V: float = Field(gt=0, description="nominal voltage, used when a step gives no mean voltage")


class Step(BaseModel):
    """One step of the formation or grading protocol, for one cell.

    A charge or discharge step gives two of: a current (`c_rate` or `current_A`), an amount (`soc_from_percent` and
    `soc_to_percent`, or `charge_Ah`) and `duration_h`; the third is derived. A rest step gives `duration_h` only.
    """

    model_config = _FROZEN
    name: str
    stage: Literal["formation", "grading"]
    kind: Literal["charge", "discharge", "rest"]
    c_rate: float | None = Field(default=None, gt=0, description="current as a multiple of the rated capacity, 1/h")
    current_A: float | None = Field(default=None, gt=0)
    soc_from_percent: SocPercent | None = None
    soc_to_percent: SocPercent | None = None
    charge_Ah: float | None = Field(default=None, gt=0, description="charge moved, instead of a SOC window")
    duration_h: float | None = Field(default=None, gt=0)
    mean_voltage_V: float | None = Field(default=None, gt=0, description="mean cell voltage during the step")

    @model_validator(mode="after")
    def _consistent(self) -> Step:
        where = f"step '{self.name}'"
        if self.c_rate is not None and self.current_A is not None:
            raise ValueError(f"{where}: give either c_rate or current_A, not both")
        has_window = self.soc_from_percent is not None or self.soc_to_percent is not None
        if has_window and (self.soc_from_percent is None or self.soc_to_percent is None):
            raise ValueError(f"{where}: a SOC window needs both soc_from_percent and soc_to_percent")
        if has_window and self.charge_Ah is not None:
            raise ValueError(f"{where}: give either a SOC window or charge_Ah, not both")
        if self.kind == "rest":
            if self.duration_h is None:
                raise ValueError(f"{where}: a rest step needs duration_h")
            if has_window or self.charge_Ah is not None or self.c_rate or self.current_A:
                raise ValueError(f"{where}: a rest step moves no charge (give duration_h only)")
            return self
        if has_window:
            rising = self.soc_to_percent > self.soc_from_percent
            if self.kind == "charge" and not rising:
                raise ValueError(f"{where}: a charge step must raise the SOC "
                                 f"(got {self.soc_from_percent} -> {self.soc_to_percent} %)")
            if self.kind == "discharge" and (rising or self.soc_to_percent == self.soc_from_percent):
                raise ValueError(f"{where}: a discharge step must lower the SOC "
                                 f"(got {self.soc_from_percent} -> {self.soc_to_percent} %)")
        given = sum((self.c_rate is not None or self.current_A is not None,
                     has_window or self.charge_Ah is not None, self.duration_h is not None))
        if given < 2:
            raise ValueError(f"{where}: give two of current (c_rate or current_A), amount (SOC window or "
                             "charge_Ah) and duration_h")
        return self

    def resolve(self, cell: Cell) -> tuple[float, float, float]:
        """(charge moved in Ah, duration in h, mean cell voltage in V) of the step; ValueError if inconsistent."""
        voltage = self.mean_voltage_V if self.mean_voltage_V is not None else cell.nominal_voltage_V
        if self.kind == "rest":
            return 0.0, float(self.duration_h), voltage
        current = step_current_A(self, cell)
        if self.soc_from_percent is not None:
            charge = abs(self.soc_to_percent - self.soc_from_percent) / 100.0 * cell.capacity_Ah
        elif self.charge_Ah is not None:
            charge = self.charge_Ah
        else:
            charge = current * self.duration_h
        if self.duration_h is None:
            return charge, charge / current, voltage
        if current is not None and self.duration_h < charge / current * (1 - 1e-9):
            raise ValueError(f"step '{self.name}': {charge:g} Ah at {current:g} A takes {charge / current:.3g} h, "
                             f"more than duration_h = {self.duration_h:g} h")
        return charge, float(self.duration_h), voltage


class DischargeRoute(BaseModel):
    """Where a discharging cell's energy goes.

    `resistive`: burnt in linear stages and load resistors (conventional). `feedback`: converted back onto the DC bus
    with `path_efficiency` (cell -> DC bus); `reuse_share` of that energy displaces grid electricity (used by charging
    channels or returned to the grid), the rest is burnt in the bus brake resistor.
    """

    model_config = _FROZEN
    route: Literal["resistive", "feedback"]
    path_efficiency: Efficiency | None = Field(default=None, description="cell -> DC bus, feedback only")
    reuse_share: Share | None = Field(default=None, description="share of the DC-bus energy that displaces grid energy")

    @model_validator(mode="after")
    def _route_fields(self) -> DischargeRoute:
        if self.route == "feedback" and (self.path_efficiency is None or self.reuse_share is None):
            raise ValueError("a feedback discharge needs path_efficiency and reuse_share")
        if self.route == "resistive" and (self.path_efficiency is not None or self.reuse_share is not None):
            raise ValueError("a resistive discharge recovers nothing: drop path_efficiency and reuse_share "
                             "(or use route: feedback)")
        return self

    @property
    def recovery_efficiency(self) -> float:
        """Share of a discharged cell's energy that displaces grid electricity."""
        if self.route == "resistive":
            return 0.0
        return self.path_efficiency * self.reuse_share


class AuxiliaryLoad(BaseModel):
    """An auxiliary electrical load of the machine (fans, chamber heating, presses, vacuum, controls).

    `when: cycling` runs while cells are being formed or graded; `when: powered` runs all operating hours.
    """

    model_config = _FROZEN
    name: str
    power_kW: float = Field(ge=0, description="mean electrical power while running")
    when: Literal["cycling", "powered"]


class Measurement(BaseModel):
    """Measured electricity of a design at the machine's meter, in exactly one form.

    - `kWh_per_cell`, `kWh_per_tray` (+ `cells_per_tray`), `kWh_per_machine_year` (+ `cells_per_machine_year`): a
      meter read over production periods (idle and standby included): annual = kWh per cell x cells per year;
    - `nameplate_kW` x `load_factor`: mean power over all operating hours: annual = kW x load factor x hours;
    - `power_log` (CSV: timestamp, kW) of one protocol cycle of `cells_in_log` cells, integrated over the design's
      protocol (trapezoid); annual = log kWh per cell x cells per year + (standby + powered loads) x idle hours
      (modelled). The reader integrates the log into `log_step_kWh` (one value per protocol step) over the step
      durations `log_step_h`; a design whose protocol no longer has those durations is refused.

    HVAC is modelled from the heat the machine releases (metered electricity - net energy stored in the cells)
    unless `includes_hvac`. `use: measured` takes the measured figure; `use: calibrate` fits the model's
    efficiencies and auxiliaries to a power log and uses the fitted model.
    """

    model_config = _FROZEN
    source: str = Field(min_length=1, description="where the measurement comes from (meter, period, file)")
    use: Literal["measured", "calibrate"] = "measured"
    includes_hvac: bool = False
    kWh_per_cell: float | None = Field(default=None, gt=0)
    kWh_per_tray: float | None = Field(default=None, gt=0)
    cells_per_tray: int | None = Field(default=None, gt=0)
    kWh_per_machine_year: float | None = Field(default=None, gt=0)
    cells_per_machine_year: float | None = Field(default=None, gt=0)
    nameplate_kW: float | None = Field(default=None, gt=0)
    load_factor: Share | None = None
    power_log: str | None = Field(default=None, description="CSV file (timestamp, kW), relative to the config file")
    cells_in_log: int | None = Field(default=None, gt=0, description="cells formed in the logged protocol cycle")
    max_gap_minutes: float = Field(default=5.0, gt=0, description="longest allowed interval between log rows")
    log_step_kWh: tuple[float, ...] | None = Field(
        default=None, description="set by the reader: the log integrated over each protocol step, kWh")
    log_step_h: tuple[float, ...] | None = Field(
        default=None, description="set by the reader: the durations of the steps the log was integrated over, h")

    @model_validator(mode="after")
    def _one_form(self) -> Measurement:
        forms = {"kWh_per_cell": self.kWh_per_cell is not None, "kWh_per_tray": self.kWh_per_tray is not None,
                 "kWh_per_machine_year": self.kWh_per_machine_year is not None,
                 "nameplate_kW": self.nameplate_kW is not None, "power_log": self.power_log is not None}
        given = [name for name, present in forms.items() if present]
        if len(given) != 1:
            raise ValueError("give exactly one of kWh_per_cell, kWh_per_tray, kWh_per_machine_year, nameplate_kW "
                             f"(with load_factor) and power_log; got {', '.join(given) or 'none'}")
        pairs = (("kWh_per_tray", "cells_per_tray"), ("kWh_per_machine_year", "cells_per_machine_year"),
                 ("nameplate_kW", "load_factor"), ("power_log", "cells_in_log"))
        for first, second in pairs:
            if (getattr(self, first) is not None) != (getattr(self, second) is not None):
                raise ValueError(f"{first} and {second} go together")
        if self.use == "calibrate" and self.power_log is None:
            raise ValueError("calibration fits the model to the steps of a power log: give power_log")
        return self

    @property
    def form(self) -> str:
        for name in ("kWh_per_cell", "kWh_per_tray", "kWh_per_machine_year", "nameplate_kW", "power_log"):
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated: one form is given")


ARCHITECTURES = {
    "legacy_resistive": "legacy: discharge energy burnt in load resistors",
    "ac_side_recovery": "current: discharge energy returned through the AC side (grid-tie inverter per module)",
    "dc_bus": "DC bus: discharge energy shared between channels on a DC bus, surplus through one AC/DC front end",
}


class Design(BaseModel):
    """One machine design: its power path, loads and bill of materials (and, optionally, its own protocol)."""

    model_config = _FROZEN
    name: str
    architecture: Literal["legacy_resistive", "ac_side_recovery", "dc_bus"] | None = Field(
        default=None, description="what kind of machine this is (see ARCHITECTURES)")
    why: str | None = Field(default=None, description="why this design is a fair baseline (required for baselines)")
    bom: str = Field(description="BOM file of the machine, relative to the configuration file")
    bom_note: str | None = Field(default=None, description="e.g. that the BOM is a proxy for this design")
    channels: int = Field(gt=0, description="cells tested in parallel")
    channel_max_current_A: float | None = Field(default=None, gt=0)
    charge_path_efficiency: Efficiency = Field(description="AC grid -> DC -> cell")
    discharge: DischargeRoute
    standby_power_kW: float = Field(ge=0, description="powered but not cycling")
    auxiliary_loads: tuple[AuxiliaryLoad, ...] = ()
    purchase_price: float | None = Field(default=None, ge=0, description="in the grid's currency, optional")
    protocol: tuple[Step, ...] | None = Field(
        default=None, description="this design's own protocol (default: the configuration's); the name of an "
                                  "entry of `protocols` is resolved by the configuration")
    measured: Measurement | None = None

    @model_validator(mode="after")
    def _architecture_matches_route(self) -> Design:
        if self.architecture == "legacy_resistive" and self.discharge.route != "resistive":
            raise ValueError(f"design '{self.name}': a legacy_resistive machine has a resistive discharge route")
        if self.architecture in ("ac_side_recovery", "dc_bus") and self.discharge.route != "feedback":
            raise ValueError(f"design '{self.name}': an {self.architecture} machine recovers energy "
                             "(discharge route: feedback)")
        return self

    @property
    def architecture_text(self) -> str:
        return ARCHITECTURES.get(self.architecture or "", "architecture not stated")


class Operation(BaseModel):
    """How each machine is run; the same for both designs (a fair comparison)."""

    model_config = _FROZEN
    operating_hours_per_year: float = Field(gt=0, le=8760, description="hours the machine is powered per year")
    channel_utilisation: Share | None = Field(
        default=None, description="share of the operating hours during which the channels cycle cells")
    cells_per_day: float | None = Field(default=None, gt=0, description="cells per 24 operating hours, per machine")
    service_life_years: int = Field(gt=0, le=60)
    first_year: int = Field(ge=1990, le=2200, description="calendar year of the first year of use")

    @model_validator(mode="after")
    def _one_throughput(self) -> Operation:
        if (self.channel_utilisation is None) == (self.cells_per_day is None):
            raise ValueError("give exactly one of channel_utilisation and cells_per_day")
        return self


class Site(BaseModel):
    """Room conditions: how heat released into the room is removed (the same for both designs)."""

    model_config = _FROZEN
    hvac_cop: float = Field(gt=0, description="kWh of heat removed per kWh of HVAC electricity")
    heat_removed_share: Share = Field(description="share of the released heat the HVAC must remove")


class Grid(BaseModel):
    """Electricity supply: emission factor per year and price.

    The factor of year y (0 = first year) is `by_year_kg_co2e_per_kWh[first_year + y]` when a table is given, else
    max(floor, first_year_factor x (1 + annual_change_percent/100)^y). `dataset` names an lci_data electricity
    dataset whose factor the reader puts into `first_year_kg_co2e_per_kWh`.
    """

    model_config = _FROZEN
    name: str
    basis: Literal["location", "market"]
    dataset: str | None = None
    first_year_kg_co2e_per_kWh: float | None = Field(default=None, ge=0)
    annual_change_percent: float = Field(default=0.0, gt=-100, le=100)
    floor_kg_co2e_per_kWh: float = Field(default=0.0, ge=0)
    by_year_kg_co2e_per_kWh: dict[int, Annotated[float, Field(ge=0)]] | None = None
    source: str | None = None
    electricity_price_per_kWh: float = Field(ge=0, description="currency per kWh in the first year")
    price_annual_change_percent: float = Field(default=0.0, gt=-100, le=100)
    currency: str
    discount_rate_percent: float = Field(default=0.0, ge=0, le=100,
                                         description="real discount rate for the net present value, %/year")
    history_kg_co2e_per_kWh: dict[int, Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="the grid's own published factors by year (set by the reader from lci_data)")
    history_source: str | None = None

    @model_validator(mode="after")
    def _one_factor(self) -> Grid:
        if self.by_year_kg_co2e_per_kWh is not None:
            if self.first_year_kg_co2e_per_kWh is not None or self.dataset is not None:
                raise ValueError("give either by_year_kg_co2e_per_kWh or a first-year factor (or dataset), not both")
        elif self.first_year_kg_co2e_per_kWh is None and self.dataset is None:
            raise ValueError("give first_year_kg_co2e_per_kWh, an lci_data dataset, or by_year_kg_co2e_per_kWh")
        return self


class SharedEquipment(BaseModel):
    """Line equipment shared by the machines (stacker cranes, conveyors, line control); same for both designs."""

    model_config = _FROZEN
    name: str
    power_kW: float = Field(ge=0)
    duty: Share = Field(description="share of the operating hours it runs")
    embodied_kg_co2e: float = Field(ge=0, description="cradle-to-gate footprint, per line")
    indoor: bool = Field(default=True, description="its heat is released in the conditioned room (HVAC term)")


class Line(BaseModel):
    """A production line of identical machines."""

    model_config = _FROZEN
    machines: int = Field(gt=0)
    shared_equipment: tuple[SharedEquipment, ...] = ()


class SensitivityParameter(BaseModel):
    """One bar of the tornado: a configuration value (dotted path) set to `low` and to `high`.

    Paths address the configuration (`candidate.charge_path_efficiency`, `site.hvac_cop`, ...); the special paths
    `embodied.baseline_factor` and `embodied.candidate_factor` scale the engine's embodied footprints.
    """

    model_config = _FROZEN
    path: str
    low: float | str | None = None
    high: float | str | None = None
    range: Literal["grid_history"] | None = Field(
        default=None, description="grid_history: low and high are the min and max of the grid's own years")
    label: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> SensitivityParameter:
        if self.range is not None:
            if self.low is not None or self.high is not None:
                raise ValueError(f"sensitivity '{self.path}': give range or low and high, not both")
            if self.path != "grid.first_year_kg_co2e_per_kWh":
                raise ValueError("range: grid_history applies to grid.first_year_kg_co2e_per_kWh")
        elif self.low is None or self.high is None:
            raise ValueError(f"sensitivity '{self.path}': give low and high (or range: grid_history)")
        elif isinstance(self.low, str) != isinstance(self.high, str):
            raise ValueError(f"sensitivity '{self.path}': low and high are both numbers or both names")
        return self

    @property
    def categorical(self) -> bool:
        """True when low and high name alternatives (a baseline or a protocol) rather than numbers."""
        return isinstance(self.low, str)


class PlantArea(BaseModel):
    """One area of the rest of the plant with its energy before and after a measure (same cells produced)."""

    model_config = _FROZEN
    name: str
    carrier: Literal["electricity", "fuel"]
    before_kWh_per_kWh_cell: float | None = Field(default=None, ge=0)
    after_kWh_per_kWh_cell: float | None = Field(default=None, ge=0)
    before_MWh_per_year: float | None = Field(default=None, ge=0)
    after_MWh_per_year: float | None = Field(default=None, ge=0)
    measure: str | None = Field(default=None, description="what changes between before and after")
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_basis(self) -> PlantArea:
        intensity = (self.before_kWh_per_kWh_cell, self.after_kWh_per_kWh_cell)
        annual = (self.before_MWh_per_year, self.after_MWh_per_year)
        if not ((None not in intensity and annual == (None, None))
                or (None not in annual and intensity == (None, None))):
            raise ValueError(f"plant area '{self.name}': give before and after either per kWh of cell "
                             "(before/after_kWh_per_kWh_cell) or per year (before/after_MWh_per_year)")
        return self


class Plant(BaseModel):
    """The rest of the cell plant around the formation line (dry rooms, compressed air, HVAC, heat recovery).

    The plant forms the line's cells; `before` goes with the baseline line and `after` with the candidate line.
    """

    model_config = _FROZEN
    name: str
    areas: tuple[PlantArea, ...] = Field(min_length=1)
    fuel_kg_co2e_per_kWh: float | None = Field(default=None, ge=0)
    fuel_dataset: str | None = Field(default=None, description="an lci_data fuel dataset per kWh")
    fuel_source: str | None = None
    reference: str | None = Field(default=None, description="a published whole-plant figure to compare with")

    @model_validator(mode="after")
    def _fuel_factor(self) -> Plant:
        if any(a.carrier == "fuel" for a in self.areas) and self.fuel_kg_co2e_per_kWh is None:
            raise ValueError("plant: a fuel area needs fuel_kg_co2e_per_kWh (or fuel_dataset)")
        return self


class ComparisonConfig(BaseModel):
    """A candidate design against a baseline (and other baselines beside it), same cells formed, per machine and line.

    `other_baselines` (name -> design) are compared with the same candidate and shown beside the main baseline.
    `protocols` (name -> steps) are alternative protocols a design (`protocol: NAME`) or a sensitivity row can
    name; the reserved name `shared` is the configuration's own `protocol`.
    """

    model_config = _FROZEN
    schema_version: Literal[1] = 1
    name: str
    description: str | None = None
    cell: Cell
    protocol: tuple[Step, ...] = Field(min_length=1)
    protocols: dict[str, tuple[Step, ...]] = Field(default_factory=dict)
    operation: Operation
    site: Site
    grid: Grid
    line: Line
    baseline: Design
    candidate: Design
    other_baselines: dict[str, Design] = Field(default_factory=dict)
    plant: Plant | None = None
    sensitivity: tuple[SensitivityParameter, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _named_protocols(cls, data):
        """A design's `protocol: NAME` becomes the steps of `protocols[NAME]` (`shared`: the main protocol)."""
        if not isinstance(data, dict):
            return data
        named = dict(data.get("protocols") or {})
        if "shared" in named:
            raise ValueError("'shared' is reserved for the configuration's own protocol; rename that protocol")
        named["shared"] = data.get("protocol")

        def resolve(design):
            if isinstance(design, dict) and isinstance(design.get("protocol"), str):
                name = design["protocol"]
                if name not in named:
                    raise ValueError(f"design '{design.get('name')}': unknown protocol '{name}' (known: "
                                     f"{', '.join(sorted(named))})")
                return {**design, "protocol": named[name]}
            return design

        data = dict(data)
        for key in ("baseline", "candidate"):
            data[key] = resolve(data.get(key))
        if isinstance(data.get("other_baselines"), dict):
            data["other_baselines"] = {k: resolve(v) for k, v in data["other_baselines"].items()}
        return data

    def designs(self) -> dict[str, Design]:
        """Every design by key: baseline, candidate, then the other baselines."""
        return {"baseline": self.baseline, "candidate": self.candidate, **self.other_baselines}

    def protocol_of(self, design: Design) -> tuple[Step, ...]:
        return design.protocol if design.protocol is not None else self.protocol

    @model_validator(mode="after")
    def _cross_checks(self) -> ComparisonConfig:
        reserved = set(self.other_baselines) & {"baseline", "candidate"}
        if reserved:
            raise ValueError(f"other_baselines may not be named {', '.join(sorted(reserved))}")
        for name, steps in self.protocols.items():
            _check_protocol(steps, self.cell, f"protocols.{name}")
        _check_protocol(self.protocol, self.cell, "protocol")
        table = self.grid.by_year_kg_co2e_per_kWh
        if table is not None:
            years = range(self.operation.first_year, self.operation.first_year + self.operation.service_life_years)
            missing = [y for y in years if y not in table]
            if missing:
                raise ValueError(f"grid.by_year_kg_co2e_per_kWh has no factor for {', '.join(map(str, missing))} "
                                 "(it must cover every year of the service life)")
        stored = {}
        for key, design in self.designs().items():
            if key != "candidate" and not design.why:
                raise ValueError(f"{key} '{design.name}': say why it is the machine to compare against (why: ...)")
            steps = self.protocol_of(design)
            if design.protocol is not None:
                _check_protocol(steps, self.cell, f"{key}.protocol")
            stored[key] = stored_Ah(steps, self.cell)
            limit = design.channel_max_current_A
            if limit is None:
                continue
            for step in steps:
                current = step_current_A(step, self.cell)
                if current is not None and current > limit * (1 + 1e-9):
                    raise ValueError(f"{key} '{design.name}': step '{step.name}' needs {current:.1f} A, more than "
                                     f"the channel maximum of {limit:g} A")
        reference = stored["baseline"]
        for key, charge in stored.items():
            if abs(charge - reference) > 1e-6 * max(self.cell.capacity_Ah, 1.0):
                raise ValueError(
                    f"equal output: the protocol of {key} leaves {charge:g} Ah in each cell, the baseline's "
                    f"{reference:g} Ah; every design must deliver the same cells at the same state of charge")
        return self


def _check_protocol(steps: tuple[Step, ...], cell: Cell, where: str) -> None:
    if not steps:
        raise ValueError(f"{where}: a protocol needs at least one step")
    if not any(step.kind != "rest" for step in steps):
        raise ValueError(f"{where}: the protocol needs at least one charge or discharge step")
    if not any(step.stage == "formation" and step.kind == "charge" for step in steps):
        raise ValueError(f"{where}: the protocol forms no cell (it has no formation charge step)")
    names = [step.name for step in steps]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{where}: protocol step names must be unique: {', '.join(duplicates)}")
    for step in steps:
        step.resolve(cell)


def stored_Ah(steps: tuple[Step, ...], cell: Cell) -> float:
    """Charge left in a cell at the end of the protocol (Ah): charged minus discharged, from an empty cell."""
    total = 0.0
    for step in steps:
        charge, _, _ = step.resolve(cell)
        total += charge if step.kind == "charge" else -charge if step.kind == "discharge" else 0.0
    return total


def step_current_A(step: Step, cell: Cell) -> float | None:
    """The step's constant current in A, if it gives one."""
    if step.current_A is not None:
        return step.current_A
    if step.c_rate is not None:
        return step.c_rate * cell.capacity_Ah
    return None
