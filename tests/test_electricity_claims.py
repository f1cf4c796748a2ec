"""Market-based electricity claims (pcf/electricity_claims.py) on real solves of a small machine.

The machine: 2 kg of steel and 1,000 kWh of factory energy on electricity_factory. Factors (lci_data, MEE/NBS/NEA
2024 life-cycle footprints): China grid 0.5777, wind 0.0324 kg CO2e/kWh; MEE/NBS 2023 national average excluding
market-traded non-fossil electricity 0.6096 kg CO2/kWh. Expected totals are computed by hand below.
"""

from __future__ import annotations

import json

import pytest

import pcf
from pcf.bom import model_from_data
from pcf.data.background import default_background
from pcf.electricity_claims import (GENERATION_NO_INSTRUMENT, LOCATION, MARKET, MARKET_UNDOCUMENTED,
                                    claim_statement, generation_technology)
from pcf.errors import BomError, MappingError
from pcf.pact import ExportOptions, to_pact_v2, to_pact_v3
from pcf.report.content import build_content

KWH = 1000.0
GRID, WIND, RESIDUAL = 0.5777, 0.0324, 0.6096
WIND_KEY = "electricity_cn_wind_footprint_2024"
GRID_KEY = "electricity_cn_footprint_2024"

GEC = {"type": "green_certificate", "scheme": "GEC", "technology": "wind", "dataset": WIND_KEY, "share": 0.6,
       "volume_mwh": 1200, "vintage": 2024, "tracking_system": "China Green Certificate Trading Platform",
       "certificate_ids": ["GEC-2024-000123"], "retired_for": "Example Maker Co.", "exclusive": True,
       "market_country": "CN"}


@pytest.fixture(scope="module")
def shipped():
    return default_background()


def _system(factory: dict):
    return model_from_data({
        "machine": {"id": "M", "name": "claims", "manufacturer": "Example Maker Co.", "country": "CN",
                    "reference_year": 2024},
        "factory": {"electricity": GRID_KEY, **factory},
        "items": [{"kind": "part", "id": "frame", "material": "steel_hot_rolled", "mass_kg": 2.0}],
        "energy": [{"kind": "energy", "id": "assembly", "dataset": "electricity_factory", "amount": KWH,
                    "unit": "kWh"}]})


@pytest.fixture(scope="module")
def location(shipped):
    return pcf.footprint(_system({}), background=shipped)


def test_a_plain_grid_is_location_based(location):
    claim = location.functional_unit["factory_electricity_claim"]
    assert claim["basis"] == LOCATION
    assert claim["location_based_total_kg_co2e"] == location.total_kg_co2e
    assert claim["factory_kwh"] == pytest.approx(KWH, rel=1e-12)
    assert claim["supply_kg_co2e_per_kwh"] == pytest.approx(GRID, rel=1e-12)
    assert claim_statement(location.functional_unit).startswith("Factory electricity: location-based")


def test_the_factory_kwh_counts_the_makers_electricity_only(shipped):
    system = _system({})
    bought = system.items[0].model_copy(update={"id": "bracket", "supplier": "Acme", "country": "CN"})
    step = {"kind": "process", "id": "bracket.mill", "dataset": "machining", "amount": 1.0, "unit": "kg"}
    data = system.model_dump(exclude_none=True)
    data["items"].append({**bought.model_dump(exclude_none=True), "processes": [step]})
    result = pcf.footprint(model_from_data(data), background=shipped)
    lines = result.lines.set_index("line_id")
    assert lines.loc["bracket.mill", "electricity_grid"] == GRID_KEY  # the supplier runs on the same grid dataset
    assert lines.loc["bracket.mill", "electricity_kwh"] > 0
    assert result.functional_unit["factory_electricity_claim"]["factory_kwh"] == pytest.approx(KWH, rel=1e-12)


def test_a_certificate_covers_its_share_and_the_grid_the_rest(shipped, location):
    result = pcf.footprint(_system({"instruments": [GEC]}), background=shipped)
    steel = location.total_kg_co2e - KWH * GRID  # everything but the factory electricity
    market_factor = 0.6 * WIND + 0.4 * GRID  # = 0.25052 kg CO2e/kWh
    assert result.total_kg_co2e == pytest.approx(steel + KWH * market_factor, rel=1e-12)
    claim = result.functional_unit["factory_electricity_claim"]
    assert claim["basis"] == MARKET and result.functional_unit["factory_electricity_basis"] == MARKET
    assert claim["supply_kg_co2e_per_kwh"] == pytest.approx(0.25052, rel=1e-12)
    # ISO 14067 6.4.9.4: the location-based figure beside the market-based one, equal to a location-based run
    assert claim["location_based_total_kg_co2e"] == pytest.approx(location.total_kg_co2e, rel=1e-12)
    assert claim["market_based_total_kg_co2e"] == result.total_kg_co2e
    assert claim["instruments"][0]["factor_kg_co2e_per_kwh"] == pytest.approx(WIND, rel=1e-12)
    # no residual mix for China: the location-based grid supplies the rest, and the claim says so literally
    assert claim["residual"]["dataset"] == GRID_KEY and claim["residual"]["share"] == pytest.approx(0.4)
    assert "no residual mix" in claim["residual"]["statement"]
    assert any("no residual mix" in w for w in result.warnings)
    met = {(c["instrument"], c["criterion"]): c["met"] for c in claim["quality_criteria"]}
    assert met[(1, "tracked and retired for the reporting entity")] is True
    assert met[(1, "same market as the consuming operations")] is True
    assert met[(None, "residual mix for the uncovered electricity")] is False


def test_a_residual_mix_supplies_the_uncovered_share(shipped, location):
    residual_key = "electricity_cn_national_residual_2023"
    result = pcf.footprint(_system({"instruments": [GEC], "residual_mix": residual_key}), background=shipped)
    steel = location.total_kg_co2e - KWH * GRID
    assert result.total_kg_co2e == pytest.approx(steel + KWH * (0.6 * WIND + 0.4 * RESIDUAL), rel=1e-12)
    claim = result.functional_unit["factory_electricity_claim"]
    assert claim["residual"]["kind"] == "residual mix"
    assert claim["location_based_total_kg_co2e"] == pytest.approx(location.total_kg_co2e, rel=1e-12)


def test_instruments_from_a_file_replace_the_boms(shipped, tmp_path):
    path = tmp_path / "instruments.json"
    path.write_text(json.dumps({"instruments": [{**GEC, "share": 1.0, "volume_mwh": 5000}],
                                "consumption_mwh": 5000}))
    result = pcf.footprint(_system({}), background=shipped, instruments=path)
    claim = result.functional_unit["factory_electricity_claim"]
    assert claim["basis"] == MARKET and claim["residual"]["share"] == 0.0
    assert claim["supply_kg_co2e_per_kwh"] == pytest.approx(WIND, rel=1e-12)


def test_a_wind_factor_without_an_instrument_is_not_called_location_based(shipped, location):
    assert generation_technology(shipped, WIND_KEY) == "wind"
    assert generation_technology(shipped, GRID_KEY) is None
    result = pcf.footprint(_system({}), background=shipped, grid=WIND_KEY)
    claim = result.functional_unit["factory_electricity_claim"]
    assert claim["basis"] == GENERATION_NO_INSTRUMENT
    assert claim["label"].startswith("generation-type factor without a contractual instrument")
    assert any("generation factor used without a contractual instrument" in w for w in result.warnings)
    # the location-based figure uses the factory country's grid average (CN, same MEE series)
    assert claim["location_grid"] == GRID_KEY
    assert claim["location_based_total_kg_co2e"] == pytest.approx(location.total_kg_co2e, rel=1e-12)
    v3 = to_pact_v3(result, ExportOptions())
    assert "location-based)" not in v3["pcf"]["boundaryProcessesDescription"]
    assert "(generation-type factor without a contractual instrument)" in v3["pcf"]["boundaryProcessesDescription"]
    assert "generation-type factor without a contractual instrument" in v3["comment"]
    text = " ".join(b for s in build_content(result).sections for b in s.bullets + s.paragraphs)
    assert "Factory electricity: location-based" not in text and "(location-based)" not in text
    assert "generation-type factor without a contractual instrument" in text


def test_market_basis_without_an_instrument_says_so(shipped):
    result = pcf.footprint(_system({"electricity_basis": "market"}), background=shipped)
    assert result.functional_unit["factory_electricity_claim"]["basis"] == MARKET_UNDOCUMENTED
    assert any("no contractual instrument is documented" in w for w in result.warnings)


def test_the_report_and_pact_give_both_figures_and_the_instrument(shipped, location):
    result = pcf.footprint(_system({"instruments": [GEC]}), background=shipped)
    sections = {s.id: s for s in build_content(result).sections}
    s = sections["electricity"]
    assert "market-based" in s.paragraphs[0] and "GEC-2024-000123" in s.paragraphs[0]
    figures = dict(s.tables[0].rows)
    assert figures["CFP, location-based, kg CO2e"] == f"{location.total_kg_co2e:,.1f}"
    assert figures["CFP, market-based (the study's result), kg CO2e"] == f"{result.total_kg_co2e:,.1f}"
    instrument = {row[0]: row[1] for row in s.tables[1].rows}
    assert [instrument[k] for k in ("type", "scheme", "technology", "generation factor dataset")] == [
        "green_certificate", "GEC", "wind", WIND_KEY]
    assert instrument["volume, MWh"] == "1,200" and instrument["certificate ids"] == "GEC-2024-000123"
    v3 = to_pact_v3(result, ExportOptions())
    assert f"Location-based figure beside it: {location.total_kg_co2e:,.1f} kg CO2e" in v3["comment"]
    assert "(market-based)" in v3["pcf"]["boundaryProcessesDescription"]
    names = {s["name"] for s in v3["pcf"]["secondaryEmissionFactorSources"]}
    assert not any("maker's declaration" in n for n in names)
    assert "market-based" in to_pact_v2(result, ExportOptions(cpc="4XXXX"))["comment"]


def test_instrument_records_are_checked(shipped):
    with pytest.raises(BomError, match="shares add up to at most 1"):
        _system({"instruments": [GEC, {**GEC, "share": 0.5}]})
    with pytest.raises(BomError, match="scheme"):
        _system({"instruments": [{**GEC, "scheme": None}]})
    with pytest.raises(MappingError, match="conveys 1,200 MWh but claims") as error:
        pcf.footprint(_system({"instruments": [GEC], "consumption_mwh": 4000}), background=shipped)
    assert error.value.column == "factory.instruments[0].volume_mwh"
    with pytest.raises(MappingError, match="wind generation factor, not a grid average"):
        pcf.footprint(_system({"instruments": [GEC]}), background=shipped, grid=WIND_KEY)
    with pytest.raises(MappingError, match="unknown electricity dataset"):
        pcf.footprint(_system({"instruments": [{**GEC, "dataset": "electricity_xx_nowhere"}]}), background=shipped)
    old = {**GEC, "vintage": 2020, "tracking_system": None, "market_country": "DE"}
    result = pcf.footprint(_system({"instruments": [old]}), background=shipped)
    met = {c["criterion"]: c["met"] for c in result.functional_unit["factory_electricity_claim"]["quality_criteria"]
           if c["instrument"] == 1}
    assert met["issued and redeemed close to the consumption period"] is False
    assert met["tracked and retired for the reporting entity"] is None
    assert met["same market as the consuming operations"] is False
    assert any("not met" in w and "vintage 2020" in w for w in result.warnings)


def test_a_bad_instruments_file_names_the_file_and_field(shipped, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("instruments:\n  - {type: ppa, technology: wind, dataset: x, share: 2, volume_mwh: 1, "
                    "vintage: 2024}\n")
    with pytest.raises(MappingError, match="invalid instruments file") as error:
        pcf.footprint(_system({}), background=shipped, instruments=path)
    assert error.value.file == str(path) and "share" in error.value.column


def test_the_comparator_applies_the_instruments_as_the_footprint_does(shipped):
    from pcf.compare import Variant, compare

    system = _system({"instruments": [GEC]})
    result = pcf.footprint(system, background=shipped)
    heavier = Variant.model_validate({"name": "heavier", "edits": [
        {"op": "set", "match": {"ids": ["frame"]}, "values": {"mass_kg": 3.0}}]})
    comparison = compare(system, [heavier], background=shipped, verify=True)
    base, variant = comparison.base, comparison.variants[0]
    assert base.total_kg_co2e == pytest.approx(result.total_kg_co2e, rel=1e-12)
    steel_per_kg = result.total_kg_co2e - KWH * (0.6 * WIND + 0.4 * GRID)  # 2 kg of steel
    assert variant.total_kg_co2e == pytest.approx(result.total_kg_co2e + steel_per_kg / 2.0, rel=1e-9)


def test_market_based_and_generation_type_exports_pass_the_pact_schemas(shipped):
    from report_helpers import NO_SPEC, PACT_SPEC

    from pcf.pact import validate

    if not (PACT_SPEC / "v3" / "openapi.yaml").is_file():
        pytest.skip(NO_SPEC)
    for result in (pcf.footprint(_system({"instruments": [GEC]}), background=shipped),
                   pcf.footprint(_system({}), background=shipped, grid=WIND_KEY)):
        assert validate(to_pact_v3(result, ExportOptions()), major="3", spec=PACT_SPEC) == []
        assert validate(to_pact_v2(result, ExportOptions(cpc="4XXXX")), major="2", spec=PACT_SPEC) == []


def test_an_instruments_file_is_part_of_the_audit_and_verify_rechecks_it(tiny_background, tmp_path):
    import copy

    from report_helpers import write_json
    from test_engine import BASE

    from pcf.audit import audited_footprint, verify

    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))  # factory grid_a, 100 kWh of factory energy
    instruments = tmp_path / "instruments.yaml"
    instruments.write_text(json.dumps({"instruments": [{**GEC, "dataset": "grid_b", "share": 0.5,
                                                        "market_country": None}]}))
    result = audited_footprint(bom, background=tiny_background, instruments=instruments)
    claim = result.functional_unit["factory_electricity_claim"]
    assert claim["basis"] == MARKET and claim["residual"]["dataset"] == "grid_a"
    recorded = result.data_versions["audit"]["options"]["instruments"]
    assert recorded["path"] == str(instruments.resolve()) and len(recorded["sha256"]) == 64
    path = result.write_json(tmp_path / "result.json")
    assert verify(path, background=tiny_background).ok
    instruments.write_text(instruments.read_text().replace('"share": 0.5', '"share": 0.4'))
    changed = verify(path, background=tiny_background)
    assert not changed.ok and any("option instruments" in d for d in changed.differences)


def test_the_workbook_lists_the_claim_the_instruments_and_the_criteria(shipped, location, tmp_path):
    from openpyxl import load_workbook

    from pcf.report import write_workbook

    result = pcf.footprint(_system({"instruments": [GEC]}), background=shipped)
    sheet = load_workbook(write_workbook(result, tmp_path / "claim.xlsx"))["Electricity"]
    rows = [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    items = {r[0]: r[1] for r in rows if len(r) == 2}
    assert items["basis"] == MARKET
    assert items["location_based_total_kg_co2e"] == pytest.approx(location.total_kg_co2e, rel=1e-12)
    assert any(r[:4] == ["green_certificate", "GEC", "wind", WIND_KEY] for r in rows)
    assert any(r[:2] == [1, "tracked and retired for the reporting entity"] for r in rows)
