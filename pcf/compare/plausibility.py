"""Plausibility bands for emission factors a user implies with their own programme figures (kg CO2e per kg).

A programme item may carry the user's own annual kg CO2e instead of a pcf dataset; with its mass that implies a
factor (kg CO2e / kg). Each band spans the published cradle-to-gate values found for the material (fossil
GHG, stored biogenic carbon not credited), widened by a factor of two both ways:

    band = [lowest published value / 2, highest published value x 2]

A factor outside the band is flagged (not refused): it is usually a unit slip (t for kg, per pallet for per kg),
a total entered as a factor, or a cradle-to-grave figure with credits. Recycled feedstock can fall below a band.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BANDS", "Band", "Flag", "check_factor"]

WIDEN = 2.0


@dataclass(frozen=True)
class Band:
    """Published cradle-to-gate values of a material (kg CO2e per kg) and the band they give."""

    material: str
    published: tuple[tuple[float, str], ...]  # (kg CO2e per kg, source)

    @property
    def low(self) -> float:
        return min(v for v, _ in self.published) / WIDEN

    @property
    def high(self) -> float:
        return max(v for v, _ in self.published) * WIDEN

    @property
    def sources(self) -> str:
        return "; ".join(f"{v:g} ({s})" for v, s in self.published)


_DESNZ = "DESNZ, GHG conversion factors 2025, material use, primary production"
_USLCI = "USLCI FY21 Q3 (NREL), cumulative, AR6"
_PE = "PlasticsEurope eco-profile via Hopewell, Dvorak & Kosior 2009, Phil. Trans. R. Soc. B 364, Table 3"
_AN = "An et al. 2022, Resour. Conserv. Recycl. 106161, China 2020 resin production"
_GBT = "MOHURD GB/T 51366-2019, Appendix D"

BANDS: dict[str, Band] = {
    "wood": Band("wood (sawn timber, pallets, crates, plywood)", (
        (0.0296, f"{_USLCI}: softwood lumber, planed, kiln dried, 13.46 kg CO2e/m3 at 455 kg/m3"),
        (0.0664, "Finnish Sawmills Association RTS EPD for sawn goods 2021: 30.2 kg CO2e/m3 at 455 kg/m3"),
        (0.2695, f"{_DESNZ}: construction wood"),
    )),
    "film": Band("PE film (stretch, shrink, bags)", (
        (2.1, f"{_PE}: LDPE"),
        (2.58, f"{_USLCI}: LDPE resin"),
        (2.81, f"{_GBT}: LDPE"),
        (2.965, f"{_DESNZ}: LDPE and LLDPE incl. forming"),
        (3.43, f"{_AN}: PE"),
    )),
    "pp": Band("polypropylene (containers, pallets, strapping)", (
        (1.93, f"{_USLCI}: PP resin"),
        (2.0, f"{_PE}: PP"),
        (2.578, f"{_DESNZ}: PP incl. forming"),
        (3.48, f"{_USLCI}: injection-moulded PP part"),
        (3.72, f"{_GBT}: PP-R pipe"),
        (4.72, f"{_AN}: PP"),
    )),
    "hdpe": Band("HDPE (pallets, containers, drums)", (
        (1.9, f"{_PE}: HDPE"),
        (1.92, f"{_USLCI}: HDPE resin"),
        (2.62, f"{_GBT}: HDPE"),
        (3.095, f"{_DESNZ}: HDPE incl. forming"),
        (3.43, f"{_AN}: PE"),
    )),
}


@dataclass(frozen=True)
class Flag:
    """An implied factor outside its material's band."""

    option: str
    item: str
    material: str
    implied_kg_co2e_per_kg: float
    low: float
    high: float
    message: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def check_factor(option: str, item: str, material: str, kg_co2e: float, mass_kg: float) -> Flag | None:
    """A Flag when kg_co2e / mass_kg lies outside the band of `material`; None inside it (or for 'other')."""
    band = BANDS.get(material)
    if band is None or mass_kg <= 0:
        return None
    implied = kg_co2e / mass_kg
    if band.low <= implied <= band.high:
        return None
    side = "above" if implied > band.high else "below"
    hint = ("a unit slip (t for kg, per piece for per kg) or a total entered as a factor?" if side == "above"
            else "recycled feedstock, a credit for stored carbon, or a missing part of the supply chain?")
    return Flag(option, item, material, implied, band.low, band.high,
                f"{item}: your figure implies {implied:,.3g} kg CO2e per kg of {material}, {side} the plausible "
                f"band {band.low:.3g}-{band.high:.3g} (published cradle-to-gate values widened {WIDEN:g}x either way): {hint}")
