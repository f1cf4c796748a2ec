"""PACT export (v3, v2) validated against the spec's own JSON schema, and the reader of suppliers' footprints.

The PACT OpenAPI documents and examples are read from ../shared/pact at test time: their licence forbids copying
them into pcf, so these tests skip when that folder is absent.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid

import pytest
from report_helpers import EXAMPLE_BOM, NO_SPEC, PACT_SPEC, run_cli, write_json
from test_engine import BASE, STEEL, TOTAL

from pcf import footprint, pact
from pcf.bom import model_from_data
from pcf.audit import audited_footprint

needs_spec = pytest.mark.skipif(not (PACT_SPEC / "v3" / "openapi.yaml").is_file(), reason=NO_SPEC)
UTC = dt.timezone.utc
OPTIONS = pact.ExportOptions(company_name="Test maker", reference_period_start=dt.datetime(2024, 1, 1, tzinfo=UTC),
                             cpc="4491")
WOOD_UPTAKE = -10 * 1.6  # 10 kg of crate wood x 1.6 kg CO2 uptake per kg
WOOD_BIOGENIC = 10 * 0.2  # its biogenic CO2 emission
LUC = 2 * 1.5 * 0.5  # 2 assemblies x 1.5 kg aluminium x 0.5 kg CO2 from land-use change


def _footprints(document) -> list[dict]:
    """The ProductFootprints of a spec example: bare, an API response ({data: ...}) or an event (data.pfs)."""
    data = document.get("data", document)
    if isinstance(data, dict) and "pfs" in data:
        return data["pfs"]
    return data if isinstance(data, list) else [data]


@pytest.fixture(scope="module")
def tiny_result(tiny_background, tmp_path_factory):
    bom = write_json(tmp_path_factory.mktemp("pact") / "tiny.json", copy.deepcopy(BASE))
    return audited_footprint(bom, background=tiny_background)


@pytest.fixture(scope="module")
def example_result():
    return audited_footprint(EXAMPLE_BOM)


@needs_spec
@pytest.mark.parametrize("major", ["3", "2"])
def test_the_specs_own_examples_validate(major):
    examples = sorted((PACT_SPEC / f"v{major}" / "examples").glob("*.json"))
    assert examples
    for example in examples:
        for footprint in _footprints(json.loads(example.read_text())):
            assert pact.validate(footprint, major=major, spec=PACT_SPEC) == [], example.name


@needs_spec
def test_the_validator_rejects_a_broken_example():
    footprint = json.loads((PACT_SPEC / "v3" / "examples" / "example-1.json").read_text())
    del footprint["pcf"]["pcfExcludingBiogenicUptake"]
    footprint["pcf"]["fossilGhgEmissions"] = "1e3"  # PACT decimals have no exponent
    footprint["pcf"]["geographyCountry"] = "US"  # a second geography besides the subdivision
    errors = pact.validate(footprint, spec=PACT_SPEC)
    assert any("pcfExcludingBiogenicUptake" in e for e in errors)
    assert any(e.startswith("pcf.fossilGhgEmissions") for e in errors)
    assert len(errors) >= 3


@needs_spec
def test_example_machine_exports_a_valid_v3_footprint(example_result):
    footprint = pact.to_pact_v3(example_result)
    assert pact.validate(footprint, spec=PACT_SPEC) == []
    pcf = footprint["pcf"]
    assert (pcf["declaredUnitOfMeasurement"], pcf["declaredUnitAmount"]) == ("piece", "1")
    assert float(pcf["productMassPerDeclaredUnit"]) == example_result.functional_unit["declared_mass_kg"]
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(example_result.total_kg_co2e, abs=1e-6)
    # every IPCC set behind the total, the method's first (the demo has source-reported CO2e on AR5)
    used = {b for b, kg in example_result.by_gwp_basis.items() if b.startswith("AR") and kg > 0}
    assert pcf["ipccCharacterizationFactors"][0] == "AR6" and set(pcf["ipccCharacterizationFactors"]) == used
    assert "productOrSectorSpecificRules" not in pcf  # no PCR used: left out, the schema forbids an empty list
    for field in ("fossilGhgEmissions", "biogenicCarbonContent", "aircraftGhgEmissions",
                  "fossilCarbonContent", "packagingGhgEmissions", "crossSectoralStandards",
                  "boundaryProcessesDescription", "exemptedEmissionsPercent", "secondaryEmissionFactorSources",
                  "primaryDataShare", "dqi", "referencePeriodStart", "referencePeriodEnd", "geographyCountry"):
        assert field in pcf, field
    assert pcf["packagingEmissionsIncluded"] is True


@needs_spec
def test_example_machine_exports_a_valid_v2_footprint_per_kg(example_result):
    footprint = pact.to_pact_v2(example_result, pact.ExportOptions(cpc="4491"))
    assert pact.validate(footprint, spec=PACT_SPEC) == []
    mass = example_result.functional_unit["declared_mass_kg"]
    assert footprint["pcf"]["declaredUnit"] == "kilogram"
    assert float(footprint["pcf"]["unitaryProductAmount"]) == mass
    assert float(footprint["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(example_result.total_kg_co2e / mass,
                                                                           rel=1e-8)


def test_export_numbers_are_the_hand_computed_ones(tiny_result):
    pcf = pact.to_pact_v3(tiny_result, OPTIONS)["pcf"]
    assert float(pcf["pcfExcludingBiogenicUptake"]) == pytest.approx(TOTAL, abs=1e-6)
    # the crate's uptake is packaging, not product: neither in biogenicCO2Uptake nor in pcfIncludingBiogenicUptake
    assert float(pcf["pcfIncludingBiogenicUptake"]) == pytest.approx(TOTAL, abs=1e-6)
    assert pcf["biogenicCO2Uptake"] == "0"
    assert float(pcf["landUseChangeGhgEmissions"]) == pytest.approx(LUC, abs=1e-6)
    # fossil = everything except biogenic emissions and land-use change (this system has no CO2e-only factor)
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(TOTAL - WOOD_BIOGENIC - LUC, abs=1e-5)
    assert float(pcf["packagingGhgEmissions"]) == pytest.approx(10 * (0.1 + 0.2), abs=1e-6)
    assert float(pcf["packagingBiogenicCarbonContent"]) == pytest.approx(16 * 12.011 / 44.009, abs=1e-6)
    assert pcf["biogenicCarbonContent"] == "0"
    assert pcf["fossilCarbonContent"] == "0"  # steel and aluminium only: no polymer carbon
    assert pcf["productMassPerDeclaredUnit"] == "16"  # the declared machine mass of test_engine.BASE
    assert (pcf["referencePeriodStart"], pcf["referencePeriodEnd"]) == ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    assert pcf["primaryDataShare"] == "0"
    assert pcf["dqi"] == {"technologicalDQR": "2", "geographicalDQR": "3", "temporalDQR": "1"}
    v2 = pact.to_pact_v2(tiny_result, OPTIONS)["pcf"]
    assert float(v2["pCfExcludingBiogenic"]) == pytest.approx(TOTAL / 16, abs=1e-8)


def test_missing_owner_period_or_cpc_are_refused_with_the_fix(tiny_result):
    with pytest.raises(pact.PactError, match="company name"):
        pact.to_pact_v3(tiny_result, pact.ExportOptions(reference_period_start=OPTIONS.reference_period_start))
    with pytest.raises(pact.PactError, match="reference period"):
        pact.to_pact_v3(tiny_result, pact.ExportOptions(company_name="x"))
    with pytest.raises(pact.PactError, match="productCategoryCpc"):
        pact.to_pact_v2(tiny_result, pact.ExportOptions(company_name="x"))


def test_the_same_computation_gives_the_same_footprint_id(tiny_result):
    assert pact.to_pact_v3(tiny_result, OPTIONS)["id"] == pact.to_pact_v3(tiny_result, OPTIONS)["id"]
    assert pact.to_pact_v3(tiny_result, OPTIONS)["id"] != pact.to_pact_v2(tiny_result, OPTIONS)["id"]


def test_decimal_strings_have_no_exponent_and_keep_their_sign():
    assert pact.decimal_string(1.5e-7) == "0"
    assert pact.decimal_string(1.5e-7, places=9) == "0.00000015"
    assert pact.decimal_string(12345678.9) == "12345678.9"
    assert pact.decimal_string(-1e-12, sign="positive") == "0"
    assert pact.decimal_string(1e-12, sign="negative") == "0"


def test_carbon_fraction_of_a_repeat_unit():
    assert pact.carbon_fraction("C2H4") == pytest.approx(2 * 12.011 / (2 * 12.011 + 4 * 1.008))
    assert pact.carbon_fraction("C2H3Cl") == pytest.approx(2 * 12.011 / (2 * 12.011 + 3 * 1.008 + 35.45))


def test_example_machine_counts_the_fossil_carbon_of_its_polymer_parts(example_result):
    kg_c, counted, _ = pact.fossil_carbon_content(example_result)
    lines = example_result.lines
    pa6 = lines[(lines["kind"] == "part") & (lines["material"] == "pa6")]["amount_per_machine"].sum()
    assert pa6 > 0 and any(c.startswith("pa6 ") for c in counted)
    assert kg_c > pa6 * pact.carbon_fraction("C6H11NO")


def test_own_export_reads_back_as_a_supplier_footprint(tiny_result):
    supplier = pact.read_product_footprint(pact.to_pact_v3(tiny_result, OPTIONS), schema="skip")
    assert supplier.pcf.declared_unit == "piece"
    assert supplier.pcf.per_unit(supplier.pcf.pcf_excluding_biogenic_uptake) == pytest.approx(TOTAL, abs=1e-6)
    assert supplier.valid_until == dt.datetime(2028, 1, 1, tzinfo=UTC)  # 3 years after the reference period
    assert supplier.is_valid_on(dt.datetime(2026, 6, 1, tzinfo=UTC))
    assert not supplier.is_valid_on(dt.datetime(2028, 6, 1, tzinfo=UTC))
    v2 = pact.read_product_footprint(pact.to_pact_v2(tiny_result, OPTIONS), schema="skip")
    # v2 values are per 1 kg already; unitaryProductAmount (16 kg in one machine) is not divided out
    assert v2.pcf.declared_unit == "kilogram" and v2.pcf.declared_unit_amount == 1
    assert v2.pcf.unitary_product_amount == 16
    assert v2.pcf.per_unit(v2.pcf.pcf_excluding_biogenic_uptake) * 16 == pytest.approx(TOTAL, rel=1e-6)


@needs_spec
def test_supplier_files_are_validated_against_the_schema(tmp_path, monkeypatch):
    monkeypatch.setenv(pact.SPEC_ENV, str(PACT_SPEC))
    example = json.loads((PACT_SPEC / "v3" / "examples" / "example-1.json").read_text())
    read = pact.read_product_footprint(write_json(tmp_path / "ok.json", example), schema="require")
    assert (read.pcf.declared_unit, read.pcf.pcf_excluding_biogenic_uptake) == (
        example["pcf"]["declaredUnitOfMeasurement"], float(example["pcf"]["pcfExcludingBiogenicUptake"]))
    wrapped = pact.read_product_footprint(
        write_json(tmp_path / "v2.json", json.loads((PACT_SPEC / "v2" / "examples" / "get-footprint-response.json")
                                          .read_text())))
    assert wrapped.spec_version.startswith("2.")
    del example["pcf"]["referencePeriodEnd"]
    with pytest.raises(pact.PactError, match=r"bad\.json.*invalid PACT v3"):
        pact.read_product_footprint(write_json(tmp_path / "bad.json", example))


def test_without_the_spec_validation_says_so(tmp_path):
    with pytest.raises(pact.PactSchemaUnavailable, match="not available"):
        pact.validate({"specVersion": "3.0.0"}, spec=tmp_path)


def test_pcf_pact_writes_the_footprint(tmp_path, capsys):
    out = tmp_path / "pf.json"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--company-id", "urn:example:company:1"]) == 0
    footprint = json.loads(out.read_text())
    assert footprint["companyIds"] == ["urn:example:company:1"]
    if (PACT_SPEC / "v3" / "openapi.yaml").is_file():
        assert "valid against the PACT schema" in capsys.readouterr().out
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--company-id", "not-a-urn"]) == 2


# ------------------------------------------------------------------ exempted emissions (issue 11, item 5)
BOM_AVERAGE = (2 * 2 * 4 * STEEL + 2 * 1.5 * 8.5) / 15  # kg CO2e per kg of modelled parts (12 kg) + C1 (3 kg)


def _exempted(tiny_background, **changes):
    data = copy.deepcopy(BASE)
    data["machine"].update(changes.pop("machine", {}))
    data["items"] += changes.pop("items", [])
    result = footprint(model_from_data(data), background=tiny_background, allow_gaps=True)
    return result, pact.to_pact_v3(result, OPTIONS)["pcf"], pact.to_pact_v2(result, OPTIONS)


def test_exempted_emissions_count_the_declared_mass_gap(tiny_background):
    # BASE declares 16 kg; its parts (12 kg) and C1 (3 kg) roll up to 15: 1 kg of the machine is not modelled
    _, v3, v2 = _exempted(tiny_background)
    gap_kg = 1.0 * BOM_AVERAGE
    assert float(v3["exemptedEmissionsPercent"]) == pytest.approx(100 * gap_kg / (TOTAL + gap_kg), abs=1e-4)
    assert "declared-mass gap: 1.000 kg" in v3["exemptedEmissionsDescription"]
    assert v2["pcf"]["exemptedEmissionsPercent"] == pytest.approx(100 * gap_kg / (TOTAL + gap_kg), abs=1e-4)


def test_exempted_emissions_count_excluded_lines_once(tiny_background):
    cable = {"kind": "component", "id": "X", "dataset": "aluminium", "unit": "piece", "mass_kg": 0.25,
             "excluded": "below the cut-off"}
    # declared 16 kg: X's 0.25 kg is part of the 1 kg gap, so the exemption is still 1 kg x the average
    _, v3, _ = _exempted(tiny_background, items=[cable])
    one_kg = 1.0 * BOM_AVERAGE
    assert float(v3["exemptedEmissionsPercent"]) == pytest.approx(100 * one_kg / (TOTAL + one_kg), abs=1e-4)
    assert "X: below the cut-off" in v3["exemptedEmissionsDescription"]
    # declared 15.25 kg: the whole gap is X
    _, v3, _ = _exempted(tiny_background, items=[cable], machine={"declared_mass_kg": 15.25})
    x_kg = 0.25 * BOM_AVERAGE
    assert float(v3["exemptedEmissionsPercent"]) == pytest.approx(100 * x_kg / (TOTAL + x_kg), abs=1e-4)
    assert "declared-mass gap" not in v3["exemptedEmissionsDescription"]


def test_v2_caps_exempted_emissions_at_5_and_says_so(tiny_background):
    # declared 17.5 kg: 2.5 kg not modelled, about 10 % of the footprint
    _, v3, v2 = _exempted(tiny_background, machine={"declared_mass_kg": 17.5})
    gap_kg = 2.5 * BOM_AVERAGE
    true_percent = 100 * gap_kg / (TOTAL + gap_kg)
    assert true_percent > 5
    assert float(v3["exemptedEmissionsPercent"]) == pytest.approx(true_percent, abs=1e-4)
    assert v2["pcf"]["exemptedEmissionsPercent"] == 5
    assert f"the estimate is {true_percent:.4f} %" in v2["pcf"]["exemptedEmissionsDescription"]
    assert "capped at 5" in v2["pcf"]["exemptedEmissionsDescription"]
    assert f"the true estimate is {true_percent:.2f} %" in v2["comment"]


def test_dluc_is_left_out_when_unknown_for_much_of_the_total(example_result, tiny_result):
    # the demo machine: most of its total comes from factors that give only CO2e, so its dLUC is unknown
    unknown = example_result.aggregated_kg_co2e / example_result.total_kg_co2e
    assert unknown > pact.DLUC_UNKNOWN_LIMIT
    v3 = pact.to_pact_v3(example_result, OPTIONS)
    v2 = pact.to_pact_v2(example_result, OPTIONS)
    assert "landUseChangeGhgEmissions" not in v3["pcf"] and "dLucGhgEmissions" not in v2["pcf"]
    for footprint in (v3, v2):
        assert f"dLUC) are left out: they are unknown for {unknown:.1%} of the PCF" in footprint["comment"]
    # the tiny machine: every factor has its gas split, dLUC is known (hand-computed LUC)
    assert tiny_result.aggregated_kg_co2e == 0
    assert float(pact.to_pact_v3(tiny_result, OPTIONS)["pcf"]["landUseChangeGhgEmissions"]) == pytest.approx(LUC)
    assert float(pact.to_pact_v2(tiny_result, OPTIONS)["pcf"]["dLucGhgEmissions"]) == pytest.approx(LUC / 16)


def test_placeholder_ids_are_warned_in_the_cli_and_the_comment(tmp_path, capsys, tiny_result):
    out = tmp_path / "pf.json"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--company-id", "urn:example:company:1"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "productIds is a placeholder" in printed and "companyIds is a placeholder" not in printed
    comment = json.loads(out.read_text())["comment"]
    assert "Warning: productIds is a placeholder" in comment and "companyIds is a placeholder" not in comment
    named = pact.ExportOptions(company_name="x", company_ids=("urn:a:1",), product_ids=("urn:b:2",),
                               reference_period_start=OPTIONS.reference_period_start)
    assert pact.placeholder_warnings(named) == []
    assert "placeholder" not in pact.to_pact_v3(tiny_result, named)["comment"]
    assert len(pact.placeholder_warnings(OPTIONS)) == 2


@pytest.mark.parametrize("text, ok", [
    ("2024-01-01T00:00:00Z", True), ("2024-01-01T00:00:00.123456789+01:00", True), ("2024-01-01t10:00:00z", True),
    ("2024-13-01T00:00:00Z", False), ("2024-02-30T00:00:00Z", False), ("2024-01-01T25:00:00Z", False),
    ("2024-01-01", False), ("2024-01-01T00:00:00", False), ("1 Jan 2024", False),
])
def test_date_times_are_checked_by_pcf_itself(text, ok):
    assert pact.is_rfc3339_date_time(text) is ok


@needs_spec
def test_the_validator_rejects_a_date_time_that_is_not_one_without_rfc3339_validator():
    footprint = json.loads((PACT_SPEC / "v3" / "examples" / "example-1.json").read_text())
    footprint["pcf"]["referencePeriodStart"] = "2024-13-01T00:00:00Z"
    footprint["created"] = "yesterday"
    errors = pact.validate(footprint, spec=PACT_SPEC)
    assert any(e.startswith("pcf.referencePeriodStart") and "date-time" in e for e in errors)
    assert any(e.startswith("created") and "date-time" in e for e in errors)


# ------------------------------------------------------------------ id, version, precedingPfIds (issue 11, item 5)
PAST = "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"


def test_the_id_is_a_hash_of_every_exported_field_and_option(tiny_result):
    base = pact.to_pact_v3(tiny_result, OPTIONS)
    again = pact.to_pact_v3(tiny_result, OPTIONS.model_copy(update={"created": dt.datetime(2030, 1, 1, tzinfo=UTC)}))
    assert base["id"] == again["id"]  # identical exports (the time of writing is not part of the export's content)
    assert uuid.UUID(base["id"]).version == 5
    assert base["id"] == pact.footprint_id(base, OPTIONS)
    changes = {"reference_period_start": dt.datetime(2023, 1, 1, tzinfo=UTC), "company_name": "Other maker",
               "status": "Deprecated", "preceding_pf_ids": (PAST,), "comment": "x",
               "product_ids": ("urn:example:product:1",)}
    ids = {pact.to_pact_v3(tiny_result, OPTIONS.model_copy(update={k: v}))["id"] for k, v in changes.items()}
    assert len(ids) == len(changes) and base["id"] not in ids
    # any number: the same footprint with one digit changed hashes to another id
    edited = copy.deepcopy(base)
    edited["pcf"]["pcfExcludingBiogenicUptake"] += "1"
    assert pact.footprint_id(edited, OPTIONS) != base["id"]
    assert base["id"] != pact.to_pact_v2(tiny_result, OPTIONS)["id"]
    assert pact.to_pact_v3(tiny_result, OPTIONS.model_copy(update={"pf_id": PAST}))["id"] == PAST


def test_version_and_preceding_ids_are_offered_and_checked(tiny_result, tmp_path):
    options = pact.ExportOptions(**{**OPTIONS.model_dump(), "preceding_pf_ids": (PAST.upper(),), "version": 3})
    v2 = pact.to_pact_v2(tiny_result, options)
    assert (v2["version"], v2["precedingPfIds"]) == (3, [PAST])
    assert pact.to_pact_v2(tiny_result, OPTIONS)["version"] == 1 and "precedingPfIds" not in pact.to_pact_v2(
        tiny_result, OPTIONS)
    v3 = pact.to_pact_v3(tiny_result, options.model_copy(update={"version": None}))
    assert v3["precedingPfIds"] == [PAST] and "version" not in v3
    with pytest.raises(pact.PactError, match="v3 has no 'version'"):
        pact.to_pact_v3(tiny_result, options)
    for bad in ({"preceding_pf_ids": ("not-a-uuid",)}, {"preceding_pf_ids": (PAST, PAST)}, {"version": -1}):
        with pytest.raises(ValueError):
            pact.ExportOptions(**{**OPTIONS.model_dump(), **bad})
    if (PACT_SPEC / "v3" / "openapi.yaml").is_file():
        assert pact.validate(v2, spec=PACT_SPEC) == [] and pact.validate(v3, spec=PACT_SPEC) == []


def test_pcf_pact_takes_version_preceding_id_and_status(tmp_path, capsys):
    out = tmp_path / "pf.json"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--preceding-id", PAST, "--status", "Deprecated"]) == 0
    footprint = json.loads(out.read_text())
    assert footprint["precedingPfIds"] == [PAST] and footprint["status"] == "Deprecated"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--preceding-id", "123"]) == 2
    assert "is not a UUID" in " ".join(capsys.readouterr().err.split())
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--spec-version", "2", "--cpc", "4491",
                    "--version", "2"]) == 0
    assert json.loads(out.read_text())["version"] == 2


# ------------------------------------------------------------------ crossSectoralStandards (issue 11, item 5)
def test_cross_sectoral_standards_claim_only_what_the_study_meets(tiny_result, tmp_path):
    v3, v2 = pact.to_pact_v3(tiny_result, OPTIONS), pact.to_pact_v2(tiny_result, OPTIONS)
    assert v3["pcf"]["crossSectoralStandards"] == ["ISO14067"] and v2["pcf"]["crossSectoralStandards"] == ["ISO14067"]
    assert v2["pcf"]["crossSectoralStandardsUsed"] == ["ISO Standard 14067"]
    for footprint in (v3, v2):
        assert "GHGP-Product is not claimed" in footprint["comment"]
        assert "(the PACT Methodology) is not claimed" in footprint["comment"]
    with pytest.raises(pact.PactError, match="GHGP-Product is claimed without a justification"):
        pact.to_pact_v3(tiny_result, OPTIONS.model_copy(update={"cross_sectoral_standards": ("GHGP-Product",)}))
    why = "the machine is sold to integrators whose use phase is unknown"
    claimed = OPTIONS.model_copy(update={"ghgp_product_justification": why, "cross_sectoral_standards": ("PACT-3.0",)})
    v3 = pact.to_pact_v3(tiny_result, claimed)
    assert v3["pcf"]["crossSectoralStandards"] == ["ISO14067", "GHGP-Product", "PACT-3.0"]
    assert f"justification: {why}." in v3["comment"] and "not claimed" not in v3["comment"]
    v2 = pact.to_pact_v2(tiny_result, claimed)
    assert v2["pcf"]["crossSectoralStandardsUsed"] == ["ISO Standard 14067", "GHG Protocol Product standard"]
    if (PACT_SPEC / "v3" / "openapi.yaml").is_file():
        assert pact.validate(v3, spec=PACT_SPEC) == []
    out = tmp_path / "pf.json"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--ghgp-justification", why]) == 0
    assert json.loads(out.read_text())["pcf"]["crossSectoralStandards"] == ["ISO14067", "GHGP-Product"]
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--standard", "GHGP-Product"]) == 2


# ------------------------------------------------------------------ product vs packaging biogenic carbon (item 5)
def test_packaging_uptake_is_packaging_not_product_biogenic_content(tiny_background):
    wood_part = {"kind": "component", "id": "W", "dataset": "wood", "unit": "kg", "quantity": 2}
    result, v3, v2 = _exempted(tiny_background, items=[wood_part])
    total = TOTAL + 2 * (0.1 + 0.2)  # 2 kg of wood in the product: fossil + biogenic CO2 emission
    product_uptake, packaging_uptake = -2 * 1.6, WOOD_UPTAKE
    assert result.total_kg_co2e == pytest.approx(total, abs=1e-6)
    assert float(v3["biogenicCO2Uptake"]) == pytest.approx(product_uptake, abs=1e-6)
    assert float(v3["pcfIncludingBiogenicUptake"]) == pytest.approx(total + product_uptake, abs=1e-6)
    # the definitions agree: PCF incl. = PCF excl. + biogenicCO2Uptake; product C content = -uptake x 12/44
    assert float(v3["pcfIncludingBiogenicUptake"]) == pytest.approx(
        float(v3["pcfExcludingBiogenicUptake"]) + float(v3["biogenicCO2Uptake"]), abs=1e-5)
    assert float(v3["biogenicCarbonContent"]) == pytest.approx(3.2 * 12.011 / 44.009, abs=1e-6)
    assert float(v3["packagingBiogenicCarbonContent"]) == pytest.approx(16 * 12.011 / 44.009, abs=1e-6)
    # pcf's own total with every removal keeps the packaging's uptake, and the comment says where it went
    assert result.total_including_removals_kg_co2e == pytest.approx(total + product_uptake + packaging_uptake)
    v3_comment = pact.to_pact_v3(result, OPTIONS)["comment"]
    assert "The packaging's biogenic CO2 uptake (-16.000 kg CO2 per machine, 4.367 kg C: " \
           "packagingBiogenicCarbonContent) is not uptake of the product" in v3_comment
    mass = 16
    assert float(v2["pcf"]["biogenicCarbonWithdrawal"]) == pytest.approx(product_uptake / mass, abs=1e-8)
    assert float(v2["pcf"]["pCfIncludingBiogenic"]) == pytest.approx((total + product_uptake) / mass, abs=1e-8)
    assert "4.367 kg C: no v2 field" in v2["comment"]
