"""Report tables of the packaging results of a comparison: break-even of reusable options and the programme
(formatted text cells, the shape `Comparison.report_tables` returns)."""

from __future__ import annotations

import math

__all__ = ["break_even_table", "programme_tables", "signed_pct"]


def _num(value, fmt: str = ",.1f", none: str = "-") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return none
    if isinstance(value, float) and math.isinf(value):
        return "never"
    return format(value, fmt)


def _amount(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def signed_pct(value) -> str:
    """A signed percentage: one decimal, more when it would print as +0.0 % for a change that is not zero; '-'
    for None, NaN or an infinity. (The comparison's tables, its packaging tables and `pcf compare` all use it.)"""
    if value is None or not math.isfinite(value):
        return "-"
    if value != 0 and abs(value) < 0.05:
        return f"{value:+.2g} %"
    return f"{value:+.1f} %"


def break_even_table(break_evens) -> dict:
    """Break-even trips and maximum return distance of every reusable option of the variants."""
    rows = [[b.variant, b.reusable, b.replaces, _num(b.reusable_kg_co2e, ",.2f"), _num(b.single_use_kg_co2e, ",.2f"),
             _num(b.return_kg_co2e_per_trip, ",.3f"), _num(b.break_even_trips, ",.1f"), _num(b.trips, ",.0f"),
             _num(b.max_return_km, ",.0f"), _num(b.max_return_km_limit, ",.0f")] for b in break_evens]
    return {"title": "Reusable packaging: break-even",
            "caption": "Per machine shipment, kg CO2e: A = production (+ end of life) of the reusable items, S = the "
                       "single-use packaging they replace, r = their empty return every trip. Break-even trips "
                       "n* = A / (S - r) ('never' when S <= r); maximum return distance D x (S - A/n) / r at the "
                       "option's trips n, and D x S / r with unlimited trips (all return legs scaled together)",
            "columns": ["variant", "reusable", "replaces", "A kg CO2e", "S kg CO2e per trip", "r kg CO2e per trip",
                        "break-even trips", "trips", "max return km", "max return km (unlimited trips)"],
            "rows": rows, "numeric": [3, 4, 5, 6, 7, 8, 9], "lead": True}


def programme_tables(result) -> list[dict]:
    """Totals per option, items, break-evens and plausibility flags of a programme (annual scope)."""
    p = result.programme
    scope = (f"Programme scope ({p.name or 'packaging programme'}{', ' + str(p.year) if p.year else ''}): kg CO2e "
             f"per year; per machine = annual / {p.units_shipped:g} machines shipped a year; not the PCF's "
             "functional unit")
    totals = result.totals
    tables = [{
        "title": "Packaging programme: annual totals",
        "caption": f"{scope}. Deltas against {p.reference_name}; per machine also as % of the base machine's "
                   "packaging stage and of the whole machine",
        "columns": ["option", "t CO2e a year", "kg CO2e per machine", "delta t CO2e a year", "delta %",
                    "delta kg CO2e per machine", "delta % of machine packaging", "delta % of machine"],
        "rows": [[str(name), f"{row['annual_kg_co2e'] / 1000:,.2f}", f"{row['per_machine_kg_co2e']:,.1f}",
                  f"{row['delta_annual_kg_co2e'] / 1000:+,.2f}", signed_pct(row["delta_pct"]),
                  f"{row['delta_per_machine_kg_co2e']:+,.1f}", signed_pct(row["delta_pct_of_machine_packaging"]),
                  signed_pct(row["delta_pct_of_machine"])] for name, row in totals.iterrows()],
        "numeric": [1, 2, 3, 4, 5, 6, 7], "lead": True}]
    tables.append({
        "title": "Packaging programme: items",
        "caption": f"{scope}. Amount in the dataset's reference unit x kg CO2e per unit; 'your figure' rows are "
                   "the user's own annual kg CO2e",
        "columns": ["option", "item", "part", "dataset", "amount", "unit", "kg CO2e per unit", "kg CO2e a year",
                    "source"],
        "rows": [[str(r.option), str(r.item), str(r.part), str(r.dataset), _amount(r.amount), str(r.unit),
                  _num(r.kg_co2e_per_unit, ",.4g"), _num(r.annual_kg_co2e, ",.0f"), str(r.source)]
                 for r in result.items.itertuples()],
        "numeric": [4, 6, 7], "lead": True})
    if len(result.break_evens):
        tables.append({
            "title": "Packaging programme: break-even of reusable items",
            "caption": "Per item and trip, kg CO2e: A = production (+ end of life) of one item, S = the single-use "
                       "packaging it replaces each trip, r = its empty return; n* = A / (S - r)",
            "columns": ["option", "item", "A kg CO2e", "S kg CO2e per trip", "r kg CO2e per trip",
                        "break-even trips", "life trips", "max return km", "max return km (unlimited trips)"],
            "rows": [[str(r.option), str(r.item), _num(r.reusable_kg_co2e, ",.2f"),
                      _num(r.single_use_kg_co2e_per_trip, ",.2f"), _num(r.return_kg_co2e_per_trip, ",.3f"),
                      _num(r.break_even_trips, ",.1f", "no 'replaces' given"), _num(r.life_trips, ",.0f"),
                      _num(r.max_return_km, ",.0f"), _num(r.max_return_km_limit, ",.0f")]
                     for r in result.break_evens.itertuples()],
            "numeric": [2, 3, 4, 5, 6, 7, 8], "lead": True})
    if result.flags:
        tables.append({
            "title": "Packaging programme: implausible figures",
            "caption": "Your own figures whose implied kg CO2e per kg lies outside the plausible band of the material",
            "columns": ["option", "item", "material", "implied kg CO2e per kg", "band", "check"],
            "rows": [[f.option, f.item, f.material, f"{f.implied_kg_co2e_per_kg:,.3g}", f"{f.low:.3g}-{f.high:.3g}",
                      f.message] for f in result.flags],
            "numeric": [3], "lead": True})
    return tables
