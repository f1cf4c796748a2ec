"""Packaging and logistics designs: masses by hand, and reusable packaging against single use plus its return."""

from __future__ import annotations

import copy

import pytest
from conftest import TRUCK
from pydantic import ValidationError

from pcf.bom import model_from_data
from pcf.bom.models import PackagingItem, TransportLeg
from pcf.compare import Variant, compile_base, evaluate, rebuild
from pcf.packaging import LLDPE_DENSITY, WOOD_DENSITIES, CrateDesign, ReusablePackaging, StretchFilmWrap

WOOD = 0.1 + 0.2  # kg CO2e per kg of the test wood, excluding uptake

BOM = {
    "machine": {"id": "M", "name": "Test machine"},
    "factory": {"electricity": "grid_a"},
    "items": [{"kind": "part", "id": "P", "material": "steel", "mass_kg": 10}],
    "packaging": [{"id": "PK", "dataset": "wood", "mass_kg": 30, "quantity": 2}],
}


@pytest.fixture(scope="module")
def base(tiny_background):
    return compile_base(model_from_data(copy.deepcopy(BOM)), tiny_background)


def replace_packaging(name: str, *lines: dict) -> Variant:
    return Variant.model_validate({"name": name, "edits": [
        {"op": "replace", "match": {"ids": ["PK"]}, "lines": list(lines)}]})


def test_crate_mass_is_wood_volume_times_density():
    crate = CrateDesign(id="C", quantity=2, elements=[
        {"dataset": "sawn_wood_softwood", "volume_m3": 0.2},
        {"dataset": "plywood", "area_m2": 10, "thickness_mm": 9},
        {"dataset": "wood", "volume_m3": 0.1, "density_kg_m3": 500},
    ])
    assert crate.wood_volume_m3 == pytest.approx(0.2 + 0.09 + 0.1)
    softwood, plywood = WOOD_DENSITIES["sawn_wood_softwood"].kg_m3, WOOD_DENSITIES["plywood"].kg_m3
    assert crate.mass_kg == pytest.approx(0.2 * softwood + 0.09 * plywood + 0.1 * 500)
    lines = crate.lines()
    assert [(line.id, line.dataset, line.quantity) for line in lines] == [
        ("C.1", "sawn_wood_softwood", 2), ("C.2", "plywood", 2), ("C.3", "wood", 2)]
    assert lines[1].mass_kg == pytest.approx(0.09 * plywood)
    assert "kg/m3" in lines[0].comment


def test_crate_elements_need_one_volume_and_a_density():
    with pytest.raises(ValidationError, match="volume_m3, or area_m2"):
        CrateDesign(id="C", elements=[{"dataset": "plywood", "area_m2": 3}])
    with pytest.raises(ValidationError, match="not both"):
        CrateDesign(id="C", elements=[{"dataset": "plywood", "volume_m3": 1, "area_m2": 3, "thickness_mm": 9}])
    with pytest.raises(ValidationError, match="no default density"):
        CrateDesign(id="C", elements=[{"dataset": "bamboo", "volume_m3": 1}])


def test_stretch_film_mass_is_turns_times_mass_per_turn():
    film = StretchFilmWrap(id="S", turns=12, quantity=3, perimeter_m=7.0, film_width_m=0.5, film_thickness_um=20)
    per_turn = 7.0 * 0.5 * 20e-6 * LLDPE_DENSITY.kg_m3
    assert film.mass_per_turn_kg == pytest.approx(per_turn)
    (line,) = film.lines()
    assert (line.dataset, line.quantity) == ("pe_stretch_film", 3)
    assert line.mass_kg == pytest.approx(12 * per_turn)
    stretched = film.model_copy(update={"prestretch": 1.5})
    assert stretched.mass_per_turn_kg == pytest.approx(per_turn / 2.5)
    given = StretchFilmWrap(id="S", turns=8, film_mass_per_turn_kg=0.05)
    assert given.mass_kg == pytest.approx(0.4)
    with pytest.raises(ValidationError, match="needs film_mass_per_turn_kg"):
        StretchFilmWrap(id="S", turns=8, perimeter_m=7)


def test_reusable_packaging_is_amortised_over_its_trips_with_a_return_every_trip():
    rack = ReusablePackaging(id="R", dataset="steel", mass_kg=200, quantity=2, trips=20,
                             return_legs=[{"dataset": "truck", "distance_km": 500}])
    item, leg = rack.lines()
    assert isinstance(item, PackagingItem) and isinstance(leg, TransportLeg)
    assert (item.mass_kg, item.quantity) == (10.0, 2)
    assert (leg.id, leg.mass_kg, leg.distance_km) == ("R.return1", 400.0, 500.0)
    with pytest.raises(ValidationError):
        ReusablePackaging(id="R", dataset="steel", mass_kg=200, trips=0.5)


def test_reusable_packaging_with_one_trip_equals_single_use_plus_its_return_transport(base):
    reusable = replace_packaging("reusable, 1 trip", {
        "kind": "reusable", "id": "PK", "dataset": "wood", "mass_kg": 30, "quantity": 2, "trips": 1,
        "return_legs": [{"dataset": "truck", "distance_km": 400}]})
    single_use = Variant.model_validate({"name": "single use + return", "edits": [
        {"op": "add", "lines": [{"kind": "transport", "id": "PK-back", "dataset": "truck", "mass_kg": 60,
                                 "distance_km": 400}]}]})
    a, b = evaluate(base, reusable), evaluate(base, single_use)
    assert a.total_kg_co2e == pytest.approx(b.total_kg_co2e, rel=1e-12)
    assert a.by_stage.equals(b.by_stage)
    # by hand: the base plus 60 kg carried back 400 km by truck
    assert a.total_kg_co2e - base.own.total_kg_co2e == pytest.approx(60 / 1000 * 400 * TRUCK, rel=1e-9)
    full = rebuild(base, reusable)
    assert full.total_kg_co2e == pytest.approx(a.total_kg_co2e, rel=1e-9)


def test_more_trips_divide_the_packaging_but_not_the_return(base):
    def packaging_and_return(trips):
        r = evaluate(base, replace_packaging(f"{trips}", {
            "kind": "reusable", "id": "PK", "dataset": "wood", "mass_kg": 30, "quantity": 2, "trips": trips,
            "return_legs": [{"dataset": "truck", "distance_km": 400}]}))
        return r.by_stage["packaging"], r.by_stage["upstream_transport"]

    assert packaging_and_return(10) == pytest.approx((2 * 30 / 10 * WOOD, 60 / 1000 * 400 * TRUCK), rel=1e-9)
    assert packaging_and_return(1)[1] == pytest.approx(packaging_and_return(10)[1], rel=1e-12)


def test_a_stretch_film_design_replaces_a_packaging_line(base):
    r = evaluate(base, replace_packaging("film", {
        "kind": "stretch_film", "id": "PK", "dataset": "wood", "turns": 10, "film_mass_per_turn_kg": 0.5}))
    assert r.by_stage["packaging"] == pytest.approx(10 * 0.5 * WOOD, rel=1e-9)
    assert r.packaging_kg == pytest.approx(5.0)
