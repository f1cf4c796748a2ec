"""Break-even of reusable packaging in closed form (see `breakeven` for the terms A, S, r, D)."""

from __future__ import annotations

import math

__all__ = ["break_even_trips", "max_return_km"]


def break_even_trips(reusable_kg: float, single_use_kg: float, return_kg_per_trip: float) -> float:
    """n* = A / (S - r): trips after which the reusable option emits less; math.inf when it never does."""
    margin = single_use_kg - return_kg_per_trip
    return reusable_kg / margin if margin > 0 else math.inf


def max_return_km(reusable_kg: float, single_use_kg: float, return_kg_per_trip: float, distance_km: float,
                  trips: float = math.inf) -> float | None:
    """D x (S - A / n) / r: the return distance (km, all legs scaled together) at which n trips break even.

    None without a return trip (r = 0); 0.0 when even a zero-km return cannot break even at n trips."""
    if return_kg_per_trip <= 0 or distance_km <= 0:
        return None
    amortised = 0.0 if math.isinf(trips) else reusable_kg / trips
    return max(0.0, distance_km * (single_use_kg - amortised) / return_kg_per_trip)
