"""Break-even trips and maximum return distance of reusable packaging, in closed form.

Per shipment (one machine, or one trip in a programme), with

    A  kg CO2e   production (and end of life, when a dataset is given) of the reusable items used in it,
    S  kg CO2e   the single-use packaging they replace (its production, and end of life when a dataset is given),
    r  kg CO2e   the empty return of the reusable items, every trip (legs at their distances, total D km),

the reusable option costs A / n + r per trip over n trips and single use costs S, so

    break-even trips      n* = A / (S - r)                  (never when S <= r: the return alone costs more)
    maximum return at n   D_max(n) = D x (S - A / n) / r     (all return legs scaled together)
    maximum return, n->oo D_max = D x S / r.

For a scenario variant the terms are read off the evaluated footprints, so they use the same datasets, grids and
method as the comparison: S is the kg CO2e of the lines a `replace` edit removes (in the base, or after the
variant's earlier edits when there are any) minus any new single-use lines it adds, A / n the variant's kg CO2e of
each reusable line (times its trips), r its return legs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..bom.models import PackagingItem
from ..packaging import ReusablePackaging
from .base import CompiledBase
from .closed_form import break_even_trips, max_return_km
from .draft import _Draft
from .edits import _APPLY
from .evaluation import evaluate
from .scenario import Replace, ScenarioError, Variant
from .variant_result import VariantResult

__all__ = ["BreakEven", "break_even_trips", "max_return_km", "variant_break_evens"]


@dataclass(frozen=True)
class BreakEven:
    """A reusable option against the single-use packaging it replaces, per shipment, kg CO2e."""

    variant: str
    reusable: str  # ids of the reusable items
    replaces: str  # ids of the single-use lines they replace
    trips: float  # the option's own trips (the smallest if its items differ)
    reusable_kg_co2e: float  # A: production of the items of one shipment (+ end of life)
    end_of_life_kg_co2e: float  # part of A
    single_use_kg_co2e: float  # S
    return_kg_co2e_per_trip: float  # r
    return_distance_km: float  # D
    amortised_kg_co2e: float  # sum of A_i / n_i: production (+ end of life) per trip at the items' own trips
    per_trip_kg_co2e: float  # A / n + r at the option's trips

    @property
    def break_even_trips(self) -> float:
        return break_even_trips(self.reusable_kg_co2e, self.single_use_kg_co2e, self.return_kg_co2e_per_trip)

    @property
    def max_return_km(self) -> float | None:
        """At the option's own trips (each item amortised over its own trips)."""
        if self.return_kg_co2e_per_trip <= 0 or self.return_distance_km <= 0:
            return None
        return max(0.0, self.return_distance_km * (self.single_use_kg_co2e - self.amortised_kg_co2e)
                   / self.return_kg_co2e_per_trip)

    @property
    def max_return_km_limit(self) -> float | None:
        """With unlimited trips."""
        return max_return_km(self.reusable_kg_co2e, self.single_use_kg_co2e, self.return_kg_co2e_per_trip,
                             self.return_distance_km)

    def to_dict(self) -> dict:
        def num(x):
            return None if x is None or (isinstance(x, float) and math.isinf(x)) else x

        return {"variant": self.variant, "reusable": self.reusable, "replaces": self.replaces, "trips": self.trips,
                "reusable_kg_co2e": self.reusable_kg_co2e, "end_of_life_kg_co2e": self.end_of_life_kg_co2e,
                "amortised_kg_co2e": self.amortised_kg_co2e,
                "single_use_kg_co2e": self.single_use_kg_co2e,
                "return_kg_co2e_per_trip": self.return_kg_co2e_per_trip,
                "return_distance_km": self.return_distance_km, "per_trip_kg_co2e": self.per_trip_kg_co2e,
                "break_even_trips": num(self.break_even_trips), "never_breaks_even": math.isinf(self.break_even_trips),
                "max_return_km": num(self.max_return_km), "max_return_km_limit": num(self.max_return_km_limit)}


def _packaging_kg(line) -> float:
    """Mass of a packaging line per machine, kg (0 for other lines)."""
    return line.mass_kg * line.quantity if isinstance(line, PackagingItem) else 0.0


def _line_kg(result: VariantResult, line_id: str) -> float:
    return float(result.by_line.get(line_id, 0.0))


def _score(base: CompiledBase, scores, key: str | None, variant: Variant, file: str | None) -> float:
    """kg CO2e per kg of an end-of-life dataset (0 without one)."""
    if key is None:
        return 0.0
    if not base.background.has(key):
        raise ScenarioError(f"variant '{variant.name}': unknown end_of_life dataset '{key}'", file=file,
                            row=variant.source_row, expected="a dataset key per kg (e.g. a waste treatment)")
    return float(scores[base.background.index(key)])


def variant_break_evens(base: CompiledBase, variant: Variant, result: VariantResult, *,
                        file: str | None = None) -> list[BreakEven]:
    """One BreakEven per `replace` edit of `variant` that puts reusable packaging in place of other lines."""
    scores = base.scores.excluding_removals
    out = []
    for number, edit in enumerate(variant.edits):
        if not isinstance(edit, Replace):
            continue
        reusable = [line for line in edit.lines if isinstance(line, ReusablePackaging)]
        if not reusable:
            continue
        # the lines this edit removes, as they stand after the variant's earlier edits, and their footprint then
        draft = _Draft(base, variant, file)
        for k, prior in enumerate(variant.edits[:number], start=1):
            draft.edit, draft.edit_no = prior, k
            _APPLY[prior.op](draft, prior)
        draft.edit, draft.edit_no = edit, number + 1
        removed = draft.select(edit.match)
        before = base.own if number == 0 else evaluate(base, variant.model_copy(
            update={"name": f"{variant.name} (before edit {number + 1})", "edits": variant.edits[:number]}),
            file=file)
        others = [line for line in edit.lines if not isinstance(line, ReusablePackaging)]
        other_ids = [x.id for line in others for x in (line.lines() if hasattr(line, "lines") else [line])]
        single_use = sum(_line_kg(before, i) for i in removed) - sum(_line_kg(result, i) for i in other_ids)
        eol_keys = {item.single_use_end_of_life for item in reusable} - {None}
        if len(eol_keys) > 1:
            raise ScenarioError(f"variant '{variant.name}': the reusable items name different "
                                f"single_use_end_of_life datasets ({', '.join(sorted(eol_keys))})", file=file,
                                row=variant.source_row, expected="one dataset for the packaging they replace")
        single_use_eol = 0.0
        if eol_keys:
            factor = _score(base, scores, eol_keys.pop(), variant, file)
            single_use_eol = factor * sum(_packaging_kg(draft.line(i)) for i in removed)
            single_use += single_use_eol
        production = eol = returns = amortised = 0.0
        for item in reusable:
            share = _line_kg(result, item.id)  # (A_i / n_i) of this item, as the footprint counts it
            production += share * item.trips
            item_eol = item.mass_kg * item.quantity * _score(base, scores, item.end_of_life, variant, file)
            eol += item_eol
            amortised += share + item_eol / item.trips
            returns += sum(_line_kg(result, f"{item.id}.return{k}") for k in range(1, len(item.return_legs) + 1))
        out.append(BreakEven(
            variant=variant.name, reusable=", ".join(item.id for item in reusable), replaces=", ".join(removed),
            trips=min(item.trips for item in reusable), reusable_kg_co2e=production + eol, end_of_life_kg_co2e=eol,
            single_use_kg_co2e=single_use, return_kg_co2e_per_trip=returns,
            return_distance_km=sum(leg.distance_km for leg in reusable[0].return_legs),
            amortised_kg_co2e=amortised, per_trip_kg_co2e=amortised + returns))
    return out
