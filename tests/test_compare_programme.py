"""Packaging programme mode, break-even of reusable packaging, volume-based freight, plausibility flags and the
workbook: every figure checked against arithmetic written out here (real bw2calc solves, no mocks)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
from conftest import TRUCK
from pydantic import ValidationError

from pcf.bom import model_from_data
from pcf.compare import ScenarioError, ScenarioFile, Variant, compare, compile_base, evaluate, load_scenarios
from pcf.compare.breakeven import variant_break_evens
from pcf.compare.closed_form import break_even_trips, max_return_km
from pcf.compare.plausibility import BANDS, check_factor
from pcf.compare.tables import _pct
from pcf.freight import VEHICLES, ItemVolume, chargeable_mass_kg
from pcf.packaging import ReusablePackaging

STEEL = 2.0 + 0.01 * 29.8  # kg CO2e per kg (tests/conftest.py)
WOOD = 0.1 + 0.2  # excluding the uptake
ROOT = Path(__file__).resolve().parents[1]
TRUCK_40T = VEHICLES["articulated_truck"]

BOM = {
    "machine": {"id": "M", "name": "Test machine"},
    "factory": {"electricity": "grid_a"},
    "items": [{"kind": "part", "id": "P", "material": "steel", "mass_kg": 10}],
    "packaging": [{"id": "PK", "dataset": "wood", "mass_kg": 30, "quantity": 2},
                  {"id": "BOX", "dataset": "wood", "mass_kg": 5, "quantity": 1}],
}
PACKAGING = 65 * WOOD  # base packaging stage, kg CO2e per machine


@pytest.fixture(scope="module")
def base(tiny_background):
    return compile_base(model_from_data(copy.deepcopy(BOM)), tiny_background)


# -- volume-based freight --------------------------------------------------------------------------------------

def test_chargeable_mass_is_the_mass_or_the_volume_share_of_the_payload_whichever_is_larger():
    density = TRUCK_40T.payload_kg / TRUCK_40T.volume_m3
    assert TRUCK_40T.volume_m3 == pytest.approx(13.6 * 2.48 * 2.68)
    assert density == pytest.approx(24_000 / (13.6 * 2.48 * 2.68))  # about 265.5 kg/m3
    assert chargeable_mass_kg(40, 0.1, TRUCK_40T) == 40  # dense: mass binds
    assert chargeable_mass_kg(40, 1.17, TRUCK_40T) == pytest.approx(1.17 * density)  # bulky: volume binds


def test_a_collapsible_container_returns_on_its_folded_volume():
    volume = ItemVolume(length_m=1.2, width_m=1.0, height_m=0.975, return_volume_ratio=0.3)
    rack = ReusablePackaging(id="C", dataset="steel", mass_kg=40, quantity=2, trips=10, volume=volume,
                             return_legs=[{"dataset": "truck", "distance_km": 100}])
    folded = 1.2 * 1.0 * 0.975 * 0.3
    assert rack.return_mass_kg == pytest.approx(folded * 24_000 / (13.6 * 2.48 * 2.68))  # 93.2 kg > 40 kg: volume binds
    _item, leg = rack.lines()
    assert leg.mass_kg == pytest.approx(2 * folded * 24_000 / (13.6 * 2.48 * 2.68))
    assert "volume binds" in leg.comment
    rigid = rack.model_copy(update={"volume": volume.model_copy(update={"return_volume_ratio": 0.05})})
    assert rigid.return_mass_kg == 40  # folded flat enough: its mass binds
    own = ItemVolume(length_m=1, width_m=1, height_m=1, payload_kg=1000, volume_m3=10)
    assert chargeable_mass_kg(40, own.return_m3, own.carrier) == pytest.approx(100)
    with pytest.raises(ValidationError, match="both payload_kg and volume_m3"):
        ItemVolume(length_m=1, width_m=1, height_m=1, payload_kg=1000)
    with pytest.raises(ValidationError, match="unknown vehicle"):
        ItemVolume(length_m=1, width_m=1, height_m=1, vehicle="zeppelin")


# -- break-even ------------------------------------------------------------------------------------------------

def test_break_even_in_closed_form_reproduces_the_issue_figures_with_the_old_pallet_factor():
    # one 40 kg HDPE pallet (DESNZ 2025 HDPE incl. forming, 3.09516 kg CO2e/kg) replacing two wooden pallets at
    # the former 1.46 kg CO2e each, empty return by articulated truck (DESNZ 2025, 0.095048 kg CO2e/tkm)
    a, s = 40 * 3.09516, 2 * 1.46
    r10, r800 = 40 / 1000 * 10 * 0.095048, 40 / 1000 * 800 * 0.095048
    assert break_even_trips(a, s, r10) == pytest.approx(a / (s - r10))
    assert 42 < break_even_trips(a, s, r10) < 44  # 'about 43 trips with a 10 km return'
    assert math.isinf(break_even_trips(a, s, r800))  # 3.04 kg per return > 2.92 kg: never
    # the return distance at which 50 trips break even, and its limit with unlimited trips
    assert max_return_km(a, s, r10, 10, 50) == pytest.approx(10 * (s - a / 50) / r10)
    assert max_return_km(a, s, r10, 10) == pytest.approx(10 * s / r10)
    assert max_return_km(a, s, 0.0, 0) is None
    assert max_return_km(a, 1.0, r10, 10, 50) == 0.0  # even a zero-km return cannot make 50 trips pay


def test_every_reusable_option_of_a_variant_gets_its_break_even(base):
    variant = Variant.model_validate({"name": "steel racks", "edits": [{
        "op": "replace", "match": {"ids": ["PK", "BOX"]}, "lines": [
            {"kind": "reusable", "id": "R", "dataset": "steel", "mass_kg": 10, "quantity": 2, "trips": 20,
             "return_legs": [{"dataset": "truck", "distance_km": 100}]},
            {"kind": "packaging", "id": "BOX2", "dataset": "wood", "mass_kg": 1}]}]})
    result = evaluate(base, variant)
    (b,) = variant_break_evens(base, variant, result)
    a = 2 * 10 * STEEL  # both racks' production
    s = 65 * WOOD - 1 * WOOD  # the pallets and box removed, less the new single-use box
    r = 2 * 10 / 1000 * 100 * TRUCK  # the empty racks carried back every trip
    assert (b.reusable_kg_co2e, b.single_use_kg_co2e, b.return_kg_co2e_per_trip) == pytest.approx((a, s, r),
                                                                                                  rel=1e-9)
    assert b.break_even_trips == pytest.approx(a / (s - r), rel=1e-9)
    assert b.per_trip_kg_co2e == pytest.approx(a / 20 + r, rel=1e-9)
    assert b.max_return_km == pytest.approx(100 * (s - a / 20) / r, rel=1e-9)
    assert b.replaces == "PK, BOX" and b.reusable == "R"
    # an end-of-life dataset adds its burden to A (here the test wood stands in for a waste treatment)
    with_eol = variant.model_copy(update={"edits": [variant.edits[0].model_copy(update={"lines": [
        variant.edits[0].lines[0].model_copy(update={"end_of_life": "wood"}), variant.edits[0].lines[1]]})]})
    (e,) = variant_break_evens(base, with_eol, evaluate(base, with_eol))
    assert e.end_of_life_kg_co2e == pytest.approx(2 * 10 * WOOD) and e.reusable_kg_co2e == pytest.approx(a + 20 * WOOD)
    assert e.per_trip_kg_co2e == pytest.approx((a + 20 * WOOD) / 20 + r)
    # and an end-of-life dataset for the packaging it replaces adds to S: the 65 kg of pallets and box removed
    both = variant.model_copy(update={"edits": [variant.edits[0].model_copy(update={"lines": [
        variant.edits[0].lines[0].model_copy(update={"end_of_life": "wood", "single_use_end_of_life": "wood"}),
        variant.edits[0].lines[1]]})]})
    (f,) = variant_break_evens(base, both, evaluate(base, both))
    assert f.single_use_kg_co2e == pytest.approx(s + 65 * WOOD)
    assert f.break_even_trips == pytest.approx((a + 20 * WOOD) / (s + 65 * WOOD - r))
    bad = with_eol.model_copy(update={"edits": [with_eol.edits[0].model_copy(update={"lines": [
        with_eol.edits[0].lines[0].model_copy(update={"end_of_life": "landfill"}), variant.edits[0].lines[1]]})]})
    with pytest.raises(ScenarioError, match="unknown end_of_life dataset 'landfill'"):
        variant_break_evens(base, bad, evaluate(base, bad))
    # a reusable rack replacing a line that an earlier edit of the same variant added: S is that line's burden
    staged = Variant.model_validate({"name": "add then replace", "edits": [
        {"op": "add", "lines": [{"kind": "packaging", "id": "CRATE", "dataset": "steel", "mass_kg": 4}]},
        {"op": "replace", "match": {"ids": ["CRATE"]}, "lines": [
            {"kind": "reusable", "id": "R2", "dataset": "steel", "mass_kg": 10, "trips": 20,
             "return_legs": [{"dataset": "truck", "distance_km": 100}]}]}]})
    (g,) = variant_break_evens(base, staged, evaluate(base, staged))
    assert (g.replaces, g.single_use_kg_co2e) == ("CRATE", pytest.approx(4 * STEEL, rel=1e-9))
    assert g.break_even_trips == pytest.approx(10 * STEEL / (4 * STEEL - 10 / 1000 * 100 * TRUCK), rel=1e-9)
    # the footprint agrees: at n* trips the variant's packaging and return equal the single-use packaging
    at_break_even = variant.model_copy(update={"edits": [variant.edits[0].model_copy(update={"lines": [
        variant.edits[0].lines[0].model_copy(update={"trips": b.break_even_trips}), variant.edits[0].lines[1]]})]})
    assert evaluate(base, at_break_even).total_kg_co2e == pytest.approx(base.own.total_kg_co2e, rel=1e-9)


def test_comparison_deltas_are_shown_against_the_packaging_stage_as_well_as_the_machine(base):
    variant = Variant.model_validate({"name": "heavier box", "edits": [
        {"op": "set", "match": {"ids": ["BOX"]}, "values": {"mass_kg": 6}}]})
    totals = compare(base, [variant]).totals()
    delta = 1 * WOOD
    assert totals.at["heavier box", "delta_kg_co2e"] == pytest.approx(delta)
    assert totals.at["heavier box", "delta_pct_of_packaging"] == pytest.approx(100 * delta / PACKAGING)
    assert totals.at["heavier box", "delta_pct"] == pytest.approx(100 * delta / base.own.total_kg_co2e)
    assert _pct(0.0123) == "+0.012 %" and _pct(-0.04) == "-0.04 %" and _pct(0.0) == "+0.0 %"


# -- programme mode --------------------------------------------------------------------------------------------

PROGRAMME = {
    "name": "test programme", "units_shipped": 50, "reference": "single use",
    "options": [
        {"name": "single use", "items": [
            {"name": "pallets", "dataset": "wood", "quantity": 1000, "unit": "piece", "mass_kg_each": 20},
            {"name": "film", "dataset": "steel", "quantity": 2, "unit": "t"},
            {"name": "crate wood", "dataset": "wood", "quantity": 10, "unit": "m3", "density_kg_m3": 500},
            {"name": "labels", "dataset": "eeio_electronics", "quantity": 300, "unit": "USD2022"}]},
        {"name": "reusable", "items": [
            {"kind": "reusable", "name": "racks", "dataset": "steel", "mass_kg": 25, "fleet": 100,
             "trips_per_year": 10, "life_trips": 40, "return_legs": [{"dataset": "truck", "distance_km": 200}],
             "replaces": [{"dataset": "wood", "mass_kg": 20}]},
            {"name": "film", "dataset": "steel", "quantity": 2, "unit": "t"}]},
        {"name": "own figures", "items": [
            {"name": "pallets (own)", "kg_co2e": 900_000, "material": "wood", "quantity": 1000, "unit": "piece",
             "mass_kg_each": 20},
            {"name": "film (own)", "kg_co2e": 6000, "material": "film", "quantity": 2, "unit": "t"}]},
    ]}


def _programme_file(programme: dict) -> ScenarioFile:
    return ScenarioFile.model_validate({"name": "p", "programme": programme})


def test_a_programme_gives_annual_totals_and_per_machine_figures_by_hand(base):
    comparison = compare(base, _programme_file(PROGRAMME))
    result = comparison.programme
    single = 1000 * 20 * WOOD + 2000 * STEEL + 10 * 500 * WOOD + 300 * 0.4
    uses = 100 * 10
    reusable = uses / 40 * 25 * STEEL + uses * 25 / 1000 * 200 * TRUCK + 2000 * STEEL
    own = 900_000 + 6000
    totals = result.totals
    assert totals.at["single use", "annual_kg_co2e"] == pytest.approx(single, rel=1e-9)
    assert totals.at["reusable", "annual_kg_co2e"] == pytest.approx(reusable, rel=1e-9)
    assert totals.at["own figures", "annual_kg_co2e"] == pytest.approx(own, rel=1e-12)
    assert totals.at["reusable", "per_machine_kg_co2e"] == pytest.approx(reusable / 50, rel=1e-9)
    delta_machine = (reusable - single) / 50
    assert totals.at["reusable", "delta_per_machine_kg_co2e"] == pytest.approx(delta_machine, rel=1e-9)
    assert totals.at["reusable", "delta_pct_of_machine_packaging"] == pytest.approx(
        100 * delta_machine / PACKAGING, rel=1e-9)
    assert totals.at["reusable", "delta_pct_of_machine"] == pytest.approx(
        100 * delta_machine / base.own.total_kg_co2e, rel=1e-9)
    # break-even of the racks per trip: A = 25 kg steel, S = a 20 kg wooden pallet, r = 25 kg back 200 km
    (row,) = result.break_evens.to_dict(orient="records")
    a, s, r = 25 * STEEL, 20 * WOOD, 25 / 1000 * 200 * TRUCK
    assert row["break_even_trips"] == pytest.approx(a / (s - r), rel=1e-9)
    assert row["max_return_km"] == pytest.approx(200 * (s - a / 40) / r, rel=1e-9)
    with_eol = copy.deepcopy(PROGRAMME)  # an end of life for the replaced pallet adds to S
    with_eol["options"][1]["items"][0]["replaces"][0]["end_of_life"] = "steel"
    (row2,) = compare(base, _programme_file(with_eol)).programme.break_evens.to_dict(orient="records")
    assert row2["single_use_kg_co2e_per_trip"] == pytest.approx(20 * WOOD + 20 * STEEL, rel=1e-9)
    # the own figures: 45 kg CO2e per kg of wood is flagged, 3 kg CO2e per kg of film is not
    (flag,) = result.flags
    assert (flag.item, flag.material, flag.implied_kg_co2e_per_kg) == ("pallets (own)", "wood", pytest.approx(45))
    assert "unit slip" in flag.message
    assert comparison.to_dict()["programme"]["flags"][0]["item"] == "pallets (own)"
    markdown = comparison.to_markdown()
    assert "Packaging programme: annual totals" in markdown and "not the PCF's functional unit" in markdown


def test_plausibility_bands_span_the_published_values_widened_twofold():
    for band in BANDS.values():
        values = [v for v, _ in band.published]
        assert band.low == pytest.approx(min(values) / 2) and band.high == pytest.approx(max(values) * 2)
    assert check_factor("o", "i", "wood", 45 * 10, 10) is not None
    assert check_factor("o", "i", "wood", 1.3, 10) is None  # 0.13 kg CO2e/kg: a nailed pallet
    assert check_factor("o", "i", "hdpe", 0.5, 10).message.count("below") == 1  # 0.05: recycled? a slip?
    assert check_factor("o", "i", "other", 1e9, 1) is None


def test_programme_errors_name_the_item_and_what_was_expected(base):
    bad = copy.deepcopy(PROGRAMME)
    bad["options"][0]["items"][0].pop("mass_kg_each")
    with pytest.raises(ScenarioError, match="'pallets'.*per kg but the mass"):
        compare(base, _programme_file(bad))
    bad = copy.deepcopy(PROGRAMME)
    bad["options"][0]["items"][3]["unit"] = "EUR"
    with pytest.raises(ScenarioError, match="unit 'EUR' does not fit"):
        compare(base, _programme_file(bad))
    bad = copy.deepcopy(PROGRAMME)
    bad["options"][2]["items"][0].pop("material")
    with pytest.raises(ValidationError, match="name its material"):
        _programme_file(bad)
    bad = copy.deepcopy(PROGRAMME)
    bad["reference"] = "tomorrow"
    with pytest.raises(ValidationError, match="not an option"):
        _programme_file(bad)
    bad = copy.deepcopy(PROGRAMME)
    bad["options"][0]["items"][1].pop("quantity")
    with pytest.raises(ValidationError, match=r"items\.1\.item\.quantity"):  # names the single-use item's field
        _programme_file(bad)
    bad = copy.deepcopy(PROGRAMME)
    bad["options"][1]["items"][0].pop("fleet")
    with pytest.raises(ValidationError, match=r"items\.0\.reusable\.fleet"):
        _programme_file(bad)
    with pytest.raises(ValidationError, match="variants, a programme, or both"):
        ScenarioFile.model_validate({"name": "empty"})


# -- the shipped programme example, over the shipped data ------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    from pcf.cli_compare import load_system
    from pcf.data.background import default_background

    system, background = load_system(str(ROOT / "bill_of_materials" / "formation_grading_machine.yaml"),
                                     default_background())
    base = compile_base(system, background)
    return base, compare(base, load_scenarios(ROOT / "bill_of_materials/scenarios/packaging_programme.yaml"))


def _factor(base, key: str) -> float:
    scores = base.scores.excluding_removals
    return float(scores[base.background.index(key)])


def test_the_shipped_programme_reproduces_its_annual_totals_by_hand(shipped):
    base, comparison = shipped
    f = {k: _factor(base, k) for k in ("pallet_wood_ispm15", "corrugated_board", "pe_stretch_film",
                                        "crate_wood_softwood_ispm15", "plywood", "pp_collapsible_container",
                                        "transport_truck_articulated_over_33t")}
    common = 108_000 * f["pe_stretch_film"] + 420 * 420 * f["crate_wood_softwood_ispm15"] + 60_000 * f["plywood"]
    today = 71_000 * 22 * f["pallet_wood_ispm15"] + 71_000 * 8 * f["corrugated_board"] + common
    uses = 8400 * 8.452381  # = 71,000 trips a year
    folded = 1.2 * 1.0 * 0.975 * 0.3 * 24_000 / (13.6 * 2.48 * 2.68)  # chargeable kg of a folded container
    containers = (uses / 50 * 40 * f["pp_collapsible_container"]
                  + uses * folded / 1000 * 800 * f["transport_truck_articulated_over_33t"] + common)
    totals = comparison.programme.totals
    assert totals.at["today: single-use ISPM 15 pallets", "annual_kg_co2e"] == pytest.approx(today, rel=1e-9)
    assert totals.at["reusable PP containers", "annual_kg_co2e"] == pytest.approx(containers, rel=1e-9)
    assert totals.at["reusable PP containers", "per_machine_kg_co2e"] == pytest.approx(containers / 420, rel=1e-9)
    # break-even per container trip: 40 kg of PP against a 22 kg ISPM 15 pallet and its 8 kg box, 800 km back
    (row,) = comparison.programme.break_evens.to_dict(orient="records")
    a = 40 * f["pp_collapsible_container"]
    s = 22 * f["pallet_wood_ispm15"] + 8 * f["corrugated_board"]
    r = folded / 1000 * 800 * f["transport_truck_articulated_over_33t"]
    assert row["break_even_trips"] == pytest.approx(a / (s - r), rel=1e-9)
    assert 20 < row["break_even_trips"] < 50  # it pays within its 50 trips, as the annual totals show
    assert totals.at["reusable PP containers", "delta_annual_kg_co2e"] < 0
    assert [f.item for f in comparison.programme.flags] == ["wooden pallets (supplier figure)"]


def test_the_shipped_hdpe_pallet_breaks_even_within_tens_of_trips(shipped):
    base, comparison = shipped
    hdpe, wood = _factor(base, "pallet_hdpe"), _factor(base, "pallet_wood")
    truck = _factor(base, "transport_truck_articulated_over_33t")
    a, s = 40 * hdpe, 2 * 22 * wood
    chargeable = 1.2 * 1.0 * 0.16 * 24_000 / (13.6 * 2.48 * 2.68)  # 51 kg: an empty pallet fills volume first
    found = {b.variant: b for b in comparison.break_evens}
    for km in (10, 800):
        b = found[f"HDPE pallet, 50 trips, {km} km return"]
        r = chargeable / 1000 * km * truck
        assert b.break_even_trips == pytest.approx(a / (s - r), rel=1e-9)
    # 10 km: about 23 trips (the issue's 43 used 1.46 kg per pallet; the built-up pallet is 2.7 kg); 800 km: the
    # return by volume eats most of the saving, about 82 trips, beyond the pallet's 50
    assert 15 < found["HDPE pallet, 50 trips, 10 km return"].break_even_trips < 35
    assert found["HDPE pallet, 50 trips, 800 km return"].break_even_trips > 50


def test_the_workbook_holds_every_table_with_text_never_a_formula(shipped, tmp_path):
    from openpyxl import load_workbook

    base, comparison = shipped
    path = comparison.write_workbook(tmp_path / "c.xlsx")
    wb = load_workbook(path)
    assert {"About", "Totals", "By stage", "By module", "Top changes", "Break-even", "Programme totals",
            "Programme items", "Programme break-even", "Plausibility", "Plausibility bands"} <= set(wb.sheetnames)
    totals = wb["Totals"]
    header = [c.value for c in totals[3]]
    assert "delta_pct_of_packaging" in header
    assert isinstance(totals.cell(row=4, column=header.index("total_kg_co2e") + 1).value, float)
    tricky = compare(base, [Variant.model_validate({"name": "=SUM(A1:A9)", "edits": [
        {"op": "set", "match": {"ids": ["pack.pallet"]}, "values": {"quantity": 3}}]})])
    wb = load_workbook(tricky.write_workbook(tmp_path / "t.xlsx"))
    cells = [c for row in wb["Totals"].iter_rows() for c in row if c.value == "=SUM(A1:A9)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_cli_compare_prints_break_even_programme_and_flags_and_writes_json_markdown_workbook(tmp_path, capsys):
    import json

    from report_helpers import run_cli

    out = tmp_path / "out"
    assert run_cli([
        "compare", str(ROOT / "bill_of_materials" / "formation_grading_machine.yaml"),
        "--scenarios", str(ROOT / "bill_of_materials" / "scenarios" / "packaging_programme.yaml"),
        "--json", str(out / "p.json"), "--markdown", str(out / "p.md"), "--xlsx", str(out / "p.xlsx")]) == 0
    printed = capsys.readouterr().out
    assert "Reusable packaging: break-even" in printed and "Packaging programme: annual totals" in printed
    assert "check:" in printed and "45 kg CO2e per kg of wood" in printed
    doc = json.loads((out / "p.json").read_text(encoding="utf-8"))
    assert doc["programme"]["units_shipped"] == 420 and len(doc["break_even"]) == 4
    assert doc["variants"][1]["delta_pct_of_packaging"] is not None
    assert "Packaging programme: break-even of reusable items" in (out / "p.md").read_text(encoding="utf-8")
    assert (out / "p.xlsx").stat().st_size > 5000
