"""Units at the edge: an explicit table of the units pcf accepts, converted once to a dataset's reference unit.

The core computes in canonical units only: kg, kWh, tkm, m, m2, m3, litre, piece, USD2022.
"""

from __future__ import annotations

from .errors import UnitError

# unit alias -> (dimension, factor to the canonical unit of that dimension)
_UNITS: dict[str, tuple[str, float]] = {}


def _add(dimension: str, factor: float, *aliases: str) -> None:
    for alias in aliases:
        _UNITS[alias.lower()] = (dimension, factor)


_add("mass", 1.0, "kg", "kilogram", "kilograms", "kgs", "千克", "公斤")
_add("mass", 1e-3, "g", "gram", "grams", "gr", "克")
_add("mass", 1e3, "t", "tonne", "tonnes", "metric ton", "mt", "吨")
_add("mass", 0.45359237, "lb", "lbs", "pound")
_add("energy", 1.0, "kwh", "kilowatt hour", "kilowatt-hour", "千瓦时", "度")
_add("energy", 1e3, "mwh", "megawatt hour")
_add("energy", 1e-3, "wh")
_add("energy", 1.0 / 3.6, "mj", "megajoule")
_add("energy", 1e3 / 3.6, "gj", "gigajoule")
_add("transport", 1.0, "tkm", "t*km", "t km", "t.km", "t·km", "ton kilometer", "tonne kilometer", "tonne-km")
_add("transport", 1e-3, "kgkm", "kg*km", "kg km")
_add("length", 1.0, "m", "meter", "metre", "meters", "metres", "米", "lfm")
_add("length", 1e-3, "mm", "millimetre", "millimeter", "毫米")
_add("length", 1e-2, "cm")
_add("length", 1e3, "km")
_add("area", 1.0, "m2", "m^2", "m²", "square meter", "square metre", "qm", "平方米", "㎡")
_add("area", 1e-6, "mm2", "mm^2", "mm²")
_add("area", 1e-4, "cm2", "cm^2", "cm²")
_add("volume", 1.0, "m3", "m^3", "m³", "cubic meter", "cubic metre")
_add("volume_l", 1.0, "l", "litre", "liter", "litres", "liters", "升")
_add("count", 1.0, "piece", "pieces", "pcs", "pc", "pce", "p", "unit", "units", "ea", "each", "item", "set", "sets",
     "st", "stk", "stück", "stueck", "satz", "个", "件", "只", "套", "台", "根", "片", "块", "组")
_add("currency", 1.0, "usd2022", "usd")

# litres and m3 are one dimension with a factor; kept apart above only for the alias list
_UNITS.update({k: ("volume", v[1] * 1e-3) for k, v in _UNITS.items() if v[0] == "volume_l"})


def canonical(unit: str) -> tuple[str, float]:
    """Dimension of `unit` and its factor to that dimension's base unit (kg, kWh, tkm, m, m2, m3, piece)."""
    key = " ".join(str(unit).strip().lower().split())
    if key not in _UNITS:
        raise UnitError(f"unknown unit '{unit}'", expected="one of " + ", ".join(sorted(known_units())))
    return _UNITS[key]


def known_units() -> list[str]:
    return sorted({k for k in _UNITS if k.isascii()})


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor f such that amount [from_unit] * f = amount [to_unit]; a UnitError for incompatible units."""
    dim_from, f_from = canonical(from_unit)
    dim_to, f_to = canonical(to_unit)
    if dim_from != dim_to:
        raise UnitError(
            f"cannot convert '{from_unit}' ({dim_from}) to '{to_unit}' ({dim_to})",
            expected=f"a {dim_to} unit",
        )
    return f_from / f_to
