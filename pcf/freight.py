"""Volume-based freight: the load a consignment takes on a vehicle, by mass or by volume, whichever binds.

pcf's freight datasets are per tonne-km: they charge a consignment for its mass. A light, bulky load (empty
pallets, crates, containers travelling back) fills the vehicle's volume long before its payload, so the truck
runs full while its tonne-km count says it is nearly empty. The chargeable mass fixes this the way freight
rates do: a consignment that takes a share of the vehicle's volume is charged the same share of its payload,

    chargeable mass (kg) = max(mass (kg), volume (m3) x payload (kg) / volume capacity (m3)),

so volume binds when the load is less dense than the vehicle (payload / capacity, about 265 kg/m3 for a
curtain-sider semi-trailer). For a collapsible or nested container the volume on the way back is its erected
volume times `return_volume_ratio` (folded or nested volume / erected volume, from the supplier's data sheet).
The tonne-km factor of the freight dataset stays as it is (it holds the fleet's average load factor).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["VEHICLES", "ItemVolume", "Vehicle", "chargeable_mass_kg"]


@dataclass(frozen=True)
class Vehicle:
    """A vehicle's payload (kg) and load volume (m3), with the source of both figures."""

    name: str
    payload_kg: float
    volume_m3: float
    source: str

    @property
    def density_kg_m3(self) -> float:
        """Payload / volume, kg/m3: a load less dense than this fills the volume first."""
        return self.payload_kg / self.volume_m3


VEHICLES: dict[str, Vehicle] = {
    "articulated_truck": Vehicle(
        "curtain-sider semi-trailer (articulated truck, 40 t)", 24_000.0, 13.6 * 2.48 * 2.68,
        "40 t maximum gross weight and 2.55 m maximum width of a five-axle articulated vehicle: Council Directive "
        "96/53/EC as amended by Directive (EU) 2015/719, Annex I; internal dimensions 13.6 x 2.48 x 2.68 m "
        "(90.4 m3) and 24,000 kg payload: carriers' published trailer specifications (e.g. Nordic Sped, 'Good "
        "to know': tent trailer 13.6 x 2.48 x 2.68 m, 24,000 kg, 33-34 EUR pallets)"),
    "container_40ft": Vehicle(
        "40 ft dry container", 26_700.0, 12.032 * 2.350 * 2.390,
        "ISO 668:2020 series 1 container (40 ft, 12.192 m external length); internal 12.032 x 2.350 x 2.390 m "
        "(67.6 m3) and 26.7 t maximum cargo: carriers' published container tables (e.g. Nordic Sped)"),
    "container_20ft": Vehicle(
        "20 ft dry container", 21_600.0, 5.902 * 2.350 * 2.390,
        "ISO 668:2020 series 1 container (20 ft); internal 5.902 x 2.350 x 2.390 m (33.1 m3) and 21.6 t maximum "
        "cargo: carriers' published container tables (e.g. Nordic Sped)"),
}


class ItemVolume(BaseModel):
    """The outer dimensions of one item and how much of that volume it takes when it travels back empty."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    length_m: float = Field(gt=0)
    width_m: float = Field(gt=0)
    height_m: float = Field(gt=0, description="erected (in use) height, m")
    return_volume_ratio: float = Field(
        default=1.0, gt=0, le=1, description="folded or nested volume / erected volume on the way back (1: rigid)")
    vehicle: str = Field(default="articulated_truck", description=f"one of {', '.join(VEHICLES)}")
    payload_kg: float | None = Field(default=None, gt=0, description="own vehicle payload, kg (with volume_m3)")
    volume_m3: float | None = Field(default=None, gt=0, description="own vehicle load volume, m3")

    @model_validator(mode="after")
    def _vehicle_known(self) -> "ItemVolume":
        if (self.payload_kg is None) != (self.volume_m3 is None):
            raise ValueError("give both payload_kg and volume_m3 of the vehicle, or neither")
        if self.payload_kg is None and self.vehicle not in VEHICLES:
            raise ValueError(f"unknown vehicle '{self.vehicle}' (expected one of {', '.join(VEHICLES)}, or "
                             "payload_kg and volume_m3)")
        return self

    @property
    def carrier(self) -> Vehicle:
        if self.payload_kg is not None:
            return Vehicle("given in the design", self.payload_kg, self.volume_m3, "given in the design")
        return VEHICLES[self.vehicle]

    @property
    def erected_m3(self) -> float:
        """Outer volume of one erected item, m3."""
        return self.length_m * self.width_m * self.height_m

    @property
    def return_m3(self) -> float:
        """Volume one item takes on the way back (folded or nested), m3."""
        return self.erected_m3 * self.return_volume_ratio


def chargeable_mass_kg(mass_kg: float, volume_m3: float, vehicle: Vehicle) -> float:
    """max(mass, volume x vehicle payload / vehicle volume), kg: the mass a load is charged on a vehicle."""
    return max(mass_kg, volume_m3 * vehicle.density_kg_m3)
