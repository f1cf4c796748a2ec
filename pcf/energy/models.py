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


class Design(BaseModel):
    """One machine design: its power path, loads and bill of materials."""

    model_config = _FROZEN
    name: str
    bom: str = Field(description="BOM file of the machine, relative to the configuration file")
    channels: int = Field(gt=0, description="cells tested in parallel")
    channel_max_current_A: float | None = Field(default=None, gt=0)
    charge_path_efficiency: Efficiency = Field(description="AC grid -> DC -> cell")
    discharge: DischargeRoute
    standby_power_kW: float = Field(ge=0, description="powered but not cycling")
    auxiliary_loads: tuple[AuxiliaryLoad, ...] = ()
    purchase_price: float | None = Field(default=None, ge=0, description="in the grid's currency, optional")


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
    low: float
    high: float
    label: str | None = None
    source: str | None = None


class ComparisonConfig(BaseModel):
    """A comparison of two designs under the same operating conditions, per machine and per line."""

    model_config = _FROZEN
    schema_version: Literal[1] = 1
    name: str
    description: str | None = None
    cell: Cell
    protocol: tuple[Step, ...] = Field(min_length=1)
    operation: Operation
    site: Site
    grid: Grid
    line: Line
    baseline: Design
    candidate: Design
    sensitivity: tuple[SensitivityParameter, ...] = ()

    @model_validator(mode="after")
    def _cross_checks(self) -> ComparisonConfig:
        if not any(step.kind != "rest" for step in self.protocol):
            raise ValueError("the protocol needs at least one charge or discharge step")
        names = [step.name for step in self.protocol]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"protocol step names must be unique: {', '.join(duplicates)}")
        table = self.grid.by_year_kg_co2e_per_kWh
        if table is not None:
            years = range(self.operation.first_year, self.operation.first_year + self.operation.service_life_years)
            missing = [y for y in years if y not in table]
            if missing:
                raise ValueError(f"grid.by_year_kg_co2e_per_kWh has no factor for {', '.join(map(str, missing))} "
                                 "(it must cover every year of the service life)")
        for step in self.protocol:
            step.resolve(self.cell)
        if self.operation.channel_utilisation is not None and self.baseline.channels != self.candidate.channels:
            raise ValueError("the designs have different channel counts, so the same channel_utilisation gives them "
                             "different outputs: give operation.cells_per_day instead")
        for key in ("baseline", "candidate"):
            design: Design = getattr(self, key)
            limit = design.channel_max_current_A
            if limit is None:
                continue
            for step in self.protocol:
                current = step_current_A(step, self.cell)
                if current is not None and current > limit * (1 + 1e-9):
                    raise ValueError(f"{key} '{design.name}': step '{step.name}' needs {current:.1f} A, more than "
                                     f"the channel maximum of {limit:g} A")
        return self


def step_current_A(step: Step, cell: Cell) -> float | None:
    """The step's constant current in A, if it gives one."""
    if step.current_A is not None:
        return step.current_A
    if step.c_rate is not None:
        return step.c_rate * cell.capacity_Ah
    return None
