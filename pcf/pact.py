"""PACT data exchange: a Result as a PACT ProductFootprint (v3, and v2 for older systems), schema validation, and
a reader for the ProductFootprints suppliers send (v2 or v3), normalised into one pydantic model.

Written from the PACT Technical Specifications (WBCSD); the specification itself is not part of pcf. Validation
against its JSON schema reads the OpenAPI document from a local copy: $PCF_PACT_SPEC_DIR, or `../shared/pact`
beside the source checkout (a folder holding `v3/openapi.yaml` and `v2/openapi.yaml`). Without it, `validate`
raises `PactSchemaUnavailable` and readers fall back to the pydantic models (the fields pcf needs).

Numbers in PACT are decimal strings without exponent; kg CO2e per declared unit. For a machine the v3 declared unit
is 1 piece. v2 has no `piece`: there the declared unit is 1 kilogram of machine and `unitaryProductAmount` is the
machine's mass, so every v2 value is per kg of machine.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import uuid
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._version import __version__
from .electricity_claims import INSTRUMENTS_SOURCE, claim_of, claim_statement
from .errors import PcfError
from .results import gwp_disclosure

SPEC_VERSIONS = {"3": "3.0.3", "2": "2.3.3"}
SPEC_ENV = "PCF_PACT_SPEC_DIR"
DLUC_UNKNOWN_LIMIT = 0.01  # dLUC is left out when factors without a gas split give more than this share of the PCF
V2_EXEMPTED_CAP = 5.0  # the maximum of exemptedEmissionsPercent in the PACT v2 schema
CARBON_PER_CO2 = 12.011 / 44.009  # kg C per kg CO2
PACT_NAMESPACE = uuid.UUID("0b6f3a4e-6a43-5b0c-9a55-3c6a1f0d2c11")  # pcf's namespace for ProductFootprint ids
BASE_STANDARD = "ISO14067"  # the one standard a pcf study meets by itself: a cradle-to-gate (partial) CFP
GHGP_PRODUCT = "GHGP-Product"
V2_STANDARDS_USED = {"ISO14067": "ISO Standard 14067", "GHGP-Product": "GHG Protocol Product standard",
                     "ISO14040-44": "ISO Standard 14044"}  # v2's deprecated crossSectoralStandardsUsed
__all__ = ["PactError", "PactSchemaUnavailable", "ExportOptions", "to_pact_v3", "to_pact_v2", "validate",
           "spec_dir", "read_product_footprint", "footprint_id", "cross_sectoral_standards", "placeholder_warnings", "exempted_emissions", "ProductFootprint", "CarbonFootprint", "fossil_carbon_content", "carbon_content"]


class PactError(PcfError):
    """A PACT ProductFootprint cannot be written or read (invalid against the schema, missing a field pcf needs)."""


class PactSchemaUnavailable(PactError):
    """The PACT OpenAPI document is not available locally, so a footprint cannot be checked against the schema."""


# ------------------------------------------------------------------------------------------------- schema
def spec_dir() -> Path | None:
    """The folder holding the PACT OpenAPI documents (v2/, v3/), or None when there is no local copy."""
    configured = os.environ.get(SPEC_ENV)
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "pact")
    for candidate in candidates:
        if (candidate / "v3" / "openapi.yaml").is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def _openapi(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def product_footprint_schema(major: str = "3", *, spec: str | Path | None = None) -> dict:
    """The JSON schema (2020-12) of a ProductFootprint, read from the PACT OpenAPI document of that version."""
    folder = Path(spec) if spec is not None else spec_dir()
    if folder is None or not (folder / f"v{major}" / "openapi.yaml").is_file():
        raise PactSchemaUnavailable(
            f"the PACT v{major} OpenAPI document is not available",
            expected=f"${SPEC_ENV} or ../shared/pact/v{major}/openapi.yaml (the PACT Technical Specifications)")
    document = _openapi(str(folder / f"v{major}" / "openapi.yaml"))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": "#/components/schemas/ProductFootprint", "components": document["components"]}


def _major(footprint: dict) -> str:
    version = str(footprint.get("specVersion", ""))
    major = version.split(".", 1)[0]
    if major not in SPEC_VERSIONS:
        raise PactError(f"unsupported PACT specVersion '{version}'", expected="2.x or 3.x")
    return major


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def is_rfc3339_date_time(value) -> bool:
    """An RFC 3339 date-time (JSON schema `format: date-time`): date, 'T', time, and a 'Z' or +hh:mm offset, with
    valid numbers (checked by datetime.fromisoformat). Non-strings pass (the schema's `type` judges those)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.fullmatch(value):
        return False
    text = value.upper().replace("Z", "+00:00")
    if "." in text:  # fromisoformat of Python 3.11 takes any number of fraction digits; keep 6
        head, rest = text.split(".", 1)
        digits = re.match(r"\d+", rest).group(0)
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits):]}"
    try:
        _dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _format_checker():
    """jsonschema's format checker with pcf's own `date-time` check, so it is checked without rfc3339-validator."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checkers["date-time"] = (is_rfc3339_date_time, ())
    return checker


def validate(footprint: dict, *, major: str | None = None, spec: str | Path | None = None) -> list[str]:
    """Every schema error of a ProductFootprint dict ('' when valid), each as 'path: message'.

    major: '3' or '2' (default: from `specVersion`). Raises PactSchemaUnavailable without a local spec.
    """
    from jsonschema import Draft202012Validator

    schema = product_footprint_schema(major or _major(footprint), spec=spec)
    validator = Draft202012Validator(schema, format_checker=_format_checker())
    errors = sorted(validator.iter_errors(footprint), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]


# ------------------------------------------------------------------------------------------------- numbers
def decimal_string(value: float, *, places: int = 6, sign: Literal["any", "positive", "negative"] = "any") -> str:
    """A PACT decimal: fixed point, no exponent, trailing zeros removed; rounding noise kept inside its sign."""
    if value != value or value in (float("inf"), float("-inf")):
        raise PactError(f"not a finite number: {value!r}")
    if sign == "positive":
        value = max(value, 0.0)
    elif sign == "negative":
        value = min(value, 0.0)
    text = f"{Decimal(repr(float(value))):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _timestamp(moment: _dt.datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


# ------------------------------------------------------------------------------------------------- fossil carbon
_ATOMIC_MASS = {"C": 12.011, "H": 1.008, "N": 14.007, "O": 15.999, "Cl": 35.45, "F": 18.998, "Si": 28.085}


def carbon_fraction(formula: str) -> float:
    """Mass fraction of carbon in a repeat unit given as a formula, e.g. 'C2H4' -> 0.856."""
    atoms = re.findall(r"([A-Z][a-z]?)(\d*)", formula)
    masses = {element: _ATOMIC_MASS[element] * int(count or 1) for element, count in atoms}
    total = sum(_ATOMIC_MASS[element] * int(count or 1) for element, count in atoms)
    return masses.get("C", 0.0) / total


# material key -> (repeat units with mass shares, note); polymers only: metals' carbon is not counted
FOSSIL_CARBON_MATERIALS: dict[str, tuple[tuple[tuple[str, float], ...], str]] = {
    **{key: ((("C2H4", 1.0),), "polyolefin (CH2)n") for key in (
        "pp", "plastic_pp", "pe_hd", "pe_ld", "plastic_hdpe", "plastic_ldpe", "pe_stretch_film", "pe_foam",
        "rubber_epdm")},
    **{key: ((("C2H3Cl", 1.0),), "PVC") for key in ("pvc", "plastic_pvc")},
    **{key: ((("C10H8O4", 1.0),), "PET") for key in ("pet", "plastic_pet", "pet_strapping")},
    "plastic_ps": ((("C8H8", 1.0),), "polystyrene"),
    "abs": ((("C8H8", 0.55), ("C3H3N", 0.25), ("C4H6", 0.20)), "ABS, 55/25/20 styrene/acrylonitrile/butadiene"),
    "rubber_nbr": ((("C3H3N", 0.33), ("C4H6", 0.67)), "NBR, 33 % acrylonitrile"),
    "pa6": ((("C6H11NO", 1.0),), "PA6"),
    "pa66": ((("C12H22N2O2", 1.0),), "PA66"),
    "pa66_gf30": ((("C12H22N2O2", 0.70),), "PA66 with 30 % glass fibre"),
    "pom": ((("CH2O", 1.0),), "POM"),
    "pc": ((("C16H14O3", 1.0),), "polycarbonate"),
    "pmma": ((("C5H8O2", 1.0),), "PMMA"),
    "ptfe": ((("C2F4", 1.0),), "PTFE"),
    "peek": ((("C19H12O3", 1.0),), "PEEK"),
    "epoxy": ((("C21H24O4", 1.0),), "epoxy resin (DGEBA, hardener not counted)"),
    "silicone": ((("C2H6OSi", 1.0),), "PDMS silicone"),
}


def fossil_carbon_content(result) -> tuple[float, list[str], list[str]]:
    """kg of fossil carbon in the machine: polymer parts x the carbon share of their repeat unit.

    Returns (kg C, materials counted, polymer-like materials not counted). Mass is the parts' material input
    per machine (production scrap included, an upper bound); carbon in purchased components and in metals is not
    counted.
    """
    lines = result.lines
    parts = lines[(lines["kind"] == "part") & (lines["unit"] == "kg")]
    mass = parts.groupby("material")["amount_per_machine"].sum()
    kg_c, counted = 0.0, []
    for material, kg in mass.items():
        spec = FOSSIL_CARBON_MATERIALS.get(str(material))
        if spec is None:
            continue
        units, note = spec
        kg_c += float(kg) * sum(share * carbon_fraction(formula) for formula, share in units)
        counted.append(f"{material} ({note})")
    unknown = [str(m) for m in mass.index if str(m) not in FOSSIL_CARBON_MATERIALS
               and re.search(r"plastic|rubber|foam|polymer|resin|laminate", str(m))]
    return kg_c, counted, unknown


# ------------------------------------------------------------------------------------------------- export
class ExportOptions(BaseModel):
    """What a PACT ProductFootprint needs beyond the Result: the data owner's identifiers and the period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    company_name: str | None = Field(default=None, description="default: the BOM's machine.manufacturer")
    company_ids: tuple[str, ...] = Field(default=(), description="URNs of the data owner (default: a custom code)")
    product_ids: tuple[str, ...] = Field(default=(), description="URNs of the machine (default: a custom code)")
    product_classifications: tuple[str, ...] = Field(default=(), description="URNs, e.g. a UN CPC code")
    cpc: str | None = Field(default=None, description="UN CPC code; required by v2 (productCategoryCpc)")
    reference_period_start: _dt.datetime | None = Field(default=None, description="default: 1 Jan of the "
                                                        "machine's reference year")
    reference_period_end: _dt.datetime | None = Field(default=None, description="exclusive; default: 1 Jan of "
                                                      "the following year")
    validity_period_end: _dt.datetime | None = None
    geography_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$",
                                          description="default: the BOM's machine.country")
    cross_sectoral_standards: tuple[str, ...] = Field(default=(), description="standards the data owner claims "
                                                      "besides ISO14067 (e.g. PACT-3.0); GHGP-Product needs "
                                                      "ghgp_product_justification")
    ghgp_product_justification: str | None = Field(default=None, description="why a cradle-to-gate inventory "
                                                   "meets the GHG Protocol Product Standard; claims GHGP-Product")
    status: Literal["Active", "Deprecated"] = "Active"
    preceding_pf_ids: tuple[str, ...] = Field(default=(), description="ids (UUIDs) of the past versions of this "
                                              "PCF (precedingPfIds)")
    version: int | None = Field(default=None, ge=0, description="PACT v2 `version` (default 1); v3 has none")
    pf_id: str | None = Field(default=None, description="default: uuid5 of every exported field and option")
    created: _dt.datetime | None = None
    comment: str | None = Field(default=None, description="added to pcf's calculation notes")

    @field_validator("preceding_pf_ids", "pf_id")
    @classmethod
    def _uuids(cls, values):
        for value in ((values,) if isinstance(values, str) else values or ()):
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise ValueError(f"'{value}' is not a UUID (expected e.g. f4b1225a-bd44-4c8e-861d-079e4e1dfd69)") \
                    from None
        if isinstance(values, tuple):
            values = tuple(str(uuid.UUID(v)) for v in values)
            if len(set(values)) != len(values):
                raise ValueError("a preceding id is given twice")
        return values

    @field_validator("company_ids", "product_ids", "product_classifications")
    @classmethod
    def _urns(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not value.lower().startswith("urn:"):
                raise ValueError(f"'{value}' is not a URN (expected 'urn:...')")
        return values


def footprint_id(footprint: dict, options: ExportOptions | None = None) -> str:
    """The ProductFootprint's id: uuid5 (in pcf's namespace) of the sha256 of every exported field except `id`
    and `created` (the time of writing) and of the export options (except `created` and `pf_id`), as canonical
    JSON. Identical exports get the same id; a change of any number, text, the reference period, company, status,
    version or precedingPfIds gives a new one."""
    fields = {k: v for k, v in footprint.items() if k not in ("id", "created")}
    chosen = (options or ExportOptions()).model_dump(mode="json", exclude={"created", "pf_id"})
    canonical = json.dumps({"footprint": fields, "options": chosen}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return str(uuid.uuid5(PACT_NAMESPACE, digest))


def _with_id(footprint: dict, options: ExportOptions) -> dict:
    """The footprint with `id` first: the given --pf-id, else footprint_id()."""
    pf_id = str(uuid.UUID(options.pf_id)) if options.pf_id else footprint_id(footprint, options)
    return {"id": pf_id, **{k: v for k, v in footprint.items() if k != "id"}}


def cross_sectoral_standards(options: ExportOptions, major: str = "3") -> tuple[list[str], str]:
    """The standards the study meets and the reason, for `crossSectoralStandards` and the comment.

    ISO14067 always (a cradle-to-gate partial CFP quantified as ISO 14067 asks). GHGP-Product only with
    `ghgp_product_justification`: the Product Standard asks for cradle-to-grave of a final product and a stated
    justification for cradle-to-gate. The PACT Methodology (PACT-x.0) and any other standard only when the data owner
    claims it (`cross_sectoral_standards`): pcf does not check all their requirements.
    """
    claimed = [BASE_STANDARD]
    notes = ["crossSectoralStandards lists only what the study meets: ISO14067 (a partial carbon footprint, cradle "
             "to gate, quantified and documented as ISO 14067 asks)."]
    extra = [s for s in options.cross_sectoral_standards if s != BASE_STANDARD]
    justification = (options.ghgp_product_justification or "").strip()
    if GHGP_PRODUCT in extra and not justification:
        raise PactError("GHGP-Product is claimed without a justification: the GHG Protocol Product Standard asks "
                        "for a cradle-to-grave inventory of a final product and a stated reason for cradle-to-gate",
                        expected="--ghgp-justification TEXT, or leave GHGP-Product out")
    if justification:
        claimed.append(GHGP_PRODUCT)
        notes.append(f"GHGP-Product is claimed for this cradle-to-gate inventory with the data owner's "
                     f"justification: {justification.rstrip('.')}.")
    else:
        notes.append("GHGP-Product is not claimed: the GHG Protocol Product Standard asks for a cradle-to-grave "
                     "inventory of a final product and allows cradle-to-gate only with a stated justification, "
                     "which was not given.")
    others = [s for s in extra if s not in claimed]
    claimed += list(dict.fromkeys(others))
    pact_claim = f"PACT-{major}.0"
    if others:
        notes.append("Also claimed by the data owner: " + ", ".join(dict.fromkeys(others)) + ".")
    if pact_claim not in claimed:
        notes.append(f"{pact_claim} (the PACT Methodology) is not claimed: the file follows the PACT data model, but "
                     "pcf does not check every requirement of the methodology (e.g. assurance).")
    return claimed, " ".join(notes)


def _period(result, options: ExportOptions) -> tuple[_dt.datetime, _dt.datetime]:
    year = result.functional_unit.get("reference_year")
    start = options.reference_period_start
    end = options.reference_period_end
    if start is None and year:
        start = _dt.datetime(int(year), 1, 1, tzinfo=_dt.timezone.utc)
    if end is None and start is not None:
        end = _dt.datetime(start.year + 1, 1, 1, tzinfo=_dt.timezone.utc)
    if start is None or end is None:
        raise PactError("the reference period is unknown",
                        expected="machine.reference_year in the BOM, or --reference-period START END")
    if end <= start:
        raise PactError(f"the reference period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    return start, end


def exempted_emissions(result) -> dict[str, Any]:
    """Emissions left out of the PCF, estimated: excluded lines + the declared-mass gap, in kg and % of the PCF.

    Excluded lines are estimated by the cut-off assessment (mostly their mass x the BOM's average kg CO2e per kg of
    modelled parts and components). The declared-mass gap (declared mass - rolled-up BOM mass) holds the excluded
    lines' mass (they are taken out of the BOM); the rest of it, if positive, is estimated at the same average:
    exempted kg = sum(excluded lines' kg) + max(gap kg - excluded kg of mass, 0) x average;
    percent = 100 x exempted kg / (PCF + exempted kg), the share of the complete footprint that is left out.
    """
    cutoff = (result.coverage or {}).get("cutoff") or {}
    exclusions = cutoff.get("exclusions") or []
    intensity = float(cutoff.get("estimate_basis_kg_co2e_per_kg") or 0.0)
    lines_kg = sum(float(e.get("kg_co2e") or 0.0) for e in exclusions)
    lines_mass = sum(float(e.get("mass_kg_per_machine") or 0.0) for e in exclusions
                     if e.get("kind") in ("part", "component"))
    gap = (result.mass or {}).get("gap_kg")
    unexplained = max(float(gap or 0.0) - lines_mass, 0.0)
    gap_kg_co2e = unexplained * intensity
    kg = lines_kg + gap_kg_co2e
    total = result.total_kg_co2e + kg
    parts = [f"{e.get('line_id', '?')}: {e.get('reason') or 'excluded'}" for e in exclusions]
    if unexplained > 0:
        parts.append(f"declared-mass gap: {unexplained:,.3f} kg of the declared "
                     f"{float(result.mass.get('declared_kg') or 0):,.3f} kg are not in the bill of materials, "
                     f"estimated at {gap_kg_co2e:,.3f} kg CO2e (the BOM's average {intensity:,.4f} kg CO2e per kg)")
    return {"kg_co2e": kg, "lines_kg_co2e": lines_kg, "gap_kg": unexplained, "gap_kg_co2e": gap_kg_co2e,
            "intensity_kg_co2e_per_kg": intensity, "percent": 100.0 * kg / total if total > 0 else 0.0,
            "description": "; ".join(parts)}


def carbon_content(result) -> dict[str, Any]:
    """Carbon in the product and its packaging, kg C per machine: fossil (polymer parts), biogenic (from the
    biogenic CO2 uptake, 12/44 kg C per kg CO2) of the product and of the packaging, with the uptakes in kg CO2."""
    s = _summary(result)
    return {"fossil_c": s["fossil_c"], "fossil_c_counted": s["fossil_c_counted"],
            "fossil_c_unknown": s["fossil_c_unknown"], "biogenic_c_product": s["biogenic_c_product"],
            "biogenic_c_packaging": s["biogenic_c_packaging"], "uptake_product": s["uptake"],
            "uptake_packaging": s["uptake_packaging"]}


def _summary(result) -> dict[str, Any]:
    """The numbers both PACT versions need, in kg per machine."""
    by_gas = result.by_gas
    biogenic = by_gas[by_gas["ghg_class"] == "biogenic_emission"]
    non_co2 = float(biogenic.loc[biogenic["gas"] != "CO2", "kg_co2e"].sum())
    lines = result.lines
    is_packaging = lines["stage"] == "packaging"
    uptake_product = float(lines.loc[~is_packaging, "biogenic_removal_kg_co2e"].sum())
    uptake_packaging = float(lines.loc[is_packaging, "biogenic_removal_kg_co2e"].sum())
    fossil_c, counted, unknown = fossil_carbon_content(result)
    mass = result.functional_unit.get("declared_mass_kg") or result.mass.get("rolled_up_kg")
    if result.functional_unit.get("declared_mass_kg") and result.mass.get("declared_includes_packaging"):
        mass = mass - float(result.mass.get("packaging_kg") or 0.0)  # the product's mass, without its packaging
    cutoff = (result.coverage or {}).get("cutoff") or {}
    exclusions = cutoff.get("exclusions") or []
    exempted = exempted_emissions(result)
    return {
        "mass_kg": float(mass or 0.0),
        "mass_source": "declared" if result.functional_unit.get("declared_mass_kg") else "rolled up from the BOM",
        "excluding": result.total_kg_co2e,
        # PACT's uptake is that of biomass in the product at the factory gate: the packaging's uptake is reported as
        # packaging (packagingBiogenicCarbonContent), not in biogenicCO2Uptake nor pcfIncludingBiogenicUptake
        "including": result.total_kg_co2e + uptake_product,
        "including_all_removals": result.total_including_removals_kg_co2e,
        # sources that give only CO2e are counted as fossil (the conservative reading; stated in the comment)
        "fossil": result.fossil_kg_co2e + result.aggregated_kg_co2e,
        "aggregated": result.aggregated_kg_co2e,
        "biogenic_co2": result.biogenic_emissions_kg_co2e - non_co2,
        "biogenic_non_co2": non_co2,
        "luc": result.dluc_kg_co2e,
        # sources that give only CO2e do not say how much of it is dLUC: unknown beyond DLUC_UNKNOWN_LIMIT
        "luc_unknown_share": result.aggregated_kg_co2e / result.total_kg_co2e if result.total_kg_co2e else 0.0,
        "aircraft": result.aircraft_kg_co2e,
        "uptake": uptake_product,
        "uptake_packaging": uptake_packaging,
        "biogenic_c_product": -uptake_product * CARBON_PER_CO2,
        "biogenic_c_packaging": -uptake_packaging * CARBON_PER_CO2,
        "packaging": float(result.by_stage.get("packaging", 0.0)),
        "packaging_included": bool((lines["stage"] == "packaging").any()),
        "fossil_c": fossil_c, "fossil_c_counted": counted, "fossil_c_unknown": unknown,
        "exempted_percent": exempted["percent"],
        "exempted_description": exempted["description"],
        "exclusions": exclusions,
        "pds_percent": 100.0 * result.primary_data_share,
        "activity_share": getattr(result, "activity_data_share", 0.0),
        "dq": result.data_quality or {},
    }


def _luc_known(summary: dict) -> bool:
    """dLUC is known when the factors that give only CO2e (no split) are at most DLUC_UNKNOWN_LIMIT of the PCF."""
    return summary["luc_unknown_share"] <= DLUC_UNKNOWN_LIMIT


def _luc_note(summary: dict) -> str:
    share = summary["luc_unknown_share"]
    if not _luc_known(summary):
        return (f"Land-use change emissions (dLUC) are left out: they are unknown for {share:.1%} of the PCF, "
                f"whose factors give only CO2e; the factors with a gas split give {summary['luc']:,.3f} kg CO2e of "
                "dLUC (included in the PCF).")
    if share > 0:
        return (f"Land-use change emissions cover the factors with a gas split; {share:.2%} of the PCF comes from "
                "factors that give only CO2e, whose dLUC is unknown.")
    return ""


def _boundary_description(result) -> str:
    stage_text = {
        "raw_material_acquisition": "raw material acquisition: materials of made parts (production scrap "
                                    "included, cut-off, no recycling credit) and purchased components",
        "production": "production at the maker's factory: manufacturing processes on parts, assembly, test and "
                      "factory energy",
        "packaging": "packaging of the shipped machine",
        "upstream_transport": "inbound transport of purchased goods to the factory",
    }
    parts = [f"{i}) {stage_text.get(stage, stage)}: {value:,.1f} kg CO2e"
             for i, (stage, value) in enumerate(result.by_stage.items(), start=1)]
    grid = result.functional_unit.get("factory_electricity") or result.grid or "none (no maker's process or energy line)"
    basis = claim_of(result.functional_unit)["basis"]
    return ("Cradle-to-gate (partial CFP) of one machine. " + "; ".join(parts)
            + f". Factory electricity: {grid} ({basis}), for the maker's own processes; suppliers' processes "
              "on the grid of their country or province, background datasets on the grid of their geography. "
              "Out of the boundary: distribution to the customer, "
              "installation, use, maintenance and end of life; capital goods of the maker and its suppliers.")


def _comment(result, summary: dict, options: ExportOptions, *, per_kg: bool = False, major: str = "3") -> str:
    versions = result.data_versions
    notes = [
        cross_sectoral_standards(options, major)[1],
        f"Calculated with pcf {__version__} (open-source, Brightway 2.5) from the machine's bill of materials; "
        f"lci_data content hash {versions.get('lci_data_hash', '')[:16]}.",
        _gwp_note(result),
        claim_statement(result.functional_unit) + (" (Figures per machine.)" if per_kg else ""),
        f"{summary['aggregated']:,.1f} kg CO2e ({summary['aggregated'] / summary['excluding']:.1%}) come from "
        "factors whose sources give only CO2e (no gas split); they are reported as fossil GHG emissions."
        if summary["excluding"] else "",
        f"Biogenic CO2 emissions of {summary['biogenic_co2']:.3f} kg are included in the PCF but have no "
        "separate PACT field." if summary["biogenic_co2"] > 1e-6 else "",
        "Biogenic carbon contents are derived from the biogenic CO2 uptake of the data (12/44 kg C per kg CO2).",
        _packaging_uptake_note(summary, per_kg=per_kg),
        "Fossil carbon content counts polymer parts only (" + ", ".join(summary["fossil_c_counted"] or ["none"])
        + "); carbon in purchased components and metals is not counted.",
        "Aircraft emissions are those of inbound air freight of purchased goods, without radiative forcing."
        if summary["aircraft"] else "",
        _luc_note(summary),
        f"primaryDataShare follows PACT (activity data and emission factor both primary: suppliers' PCFs with "
        f"their own primary data share); {100 * summary['activity_share']:.1f} % of the PCF has primary activity "
        "data (weighed, metered) on secondary emission factors.",
        f"Product mass: {summary['mass_source']}." ,
        "Values are per kg of machine (PACT v2 has no 'piece' unit); multiply by unitaryProductAmount for one "
        "machine." if per_kg else "",
        options.comment or "",
        *_quality_notes(result),
        *(f"Warning: {w.split(':', 1)[0].split(' (')[0]}, not an identifier of the data owner." for w in
          placeholder_warnings(options)),
    ]
    notes += [f"Warning: {w}" for w in result.warnings]
    return " ".join(n for n in notes if n)


def _quality_notes(result) -> list[str]:
    """The contribution-weighted DQRs (all five) and, after a Monte Carlo run, its uncertainty statement."""
    from .uncertainty.statement import quality_statement, uncertainty_statement

    return [quality_statement(result), uncertainty_statement(result)]


def _packaging_uptake_note(summary: dict, *, per_kg: bool = False) -> str:
    """Where the packaging's biogenic uptake went: not product uptake (PACT: biomass in the product at the gate)."""
    packaging = summary["uptake_packaging"]
    if packaging > -1e-9:
        return ""
    content = ("packagingBiogenicCarbonContent" if not per_kg else "no v2 field")
    return (f"The packaging's biogenic CO2 uptake ({packaging:,.3f} kg CO2 per machine, "
            f"{summary['biogenic_c_packaging']:,.3f} kg C: {content}) is not uptake of the product: it is left out "
            "of the biogenic CO2 uptake and of the PCF including biogenic uptake, which count the product's "
            f"{summary['uptake']:,.3f} kg CO2 only (with the packaging's uptake the total would be "
            f"{summary['including_all_removals']:,.3f} kg CO2e per machine).")


def _gwp_note(result) -> str:
    """The GWP sets by share of the PCF; what the IPCC list cannot say (CO2e of unknown basis, CO2 only)."""
    gwp = gwp_disclosure(result)
    unlisted = [x for x in gwp["shares"] if x["basis"] not in gwp["ipcc_sets"]]
    note = f"GWP set by share of the PCF: {gwp['line']}."
    if unlisted:
        note += (" The IPCC characterization factors list names the IPCC sets only; "
                 + ", ".join(f"{x['share']:.1%} ({x['basis']})" for x in unlisted)
                 + " of the PCF is source-reported CO2e on no IPCC set that can be named.")
    return note


def _dqi_v3(dq: dict) -> dict | None:
    keys = ("technologicalDQR", "geographicalDQR", "temporalDQR")
    if not all(k in dq for k in keys):
        return None
    return {k: decimal_string(min(5.0, max(1.0, float(dq[k]))), places=2) for k in keys}


def _emission_factor_sources(result) -> list[dict]:
    """One {name, version} per source title of the datasets used and of every grid that supplied electricity
    (also the grids inside process datasets, whose electricity is reported in the process's own row)."""
    frame = result.by_dataset
    grids = result.electricity
    if grids is not None and len(grids) and "source_title" in grids:
        frame = pd.concat([frame, grids[["source_title", "reference_year"]]])
    claim = claim_of(result.functional_unit)  # the datasets inside a market-based supply
    inside = list(claim.get("instruments") or []) + ([claim["residual"]] if claim.get("residual") else [])
    if inside and "source_title" in frame:
        frame = pd.concat([frame, pd.DataFrame([{"source_title": x.get("source_title", ""),
                                                 "reference_year": x.get("reference_year")} for x in inside])])
    if "source_title" in frame:  # the maker's own declaration is not a secondary source
        frame = frame[frame["source_title"].astype(str) != INSTRUMENTS_SOURCE]
    if "source_title" not in frame or not len(frame):
        return []
    out = {}
    for title, group in frame.groupby(frame["source_title"].astype(str)):
        years = sorted({str(y) for y in group.get("reference_year", []) if str(y) not in ("", "nan", "None")})
        out[title] = {"name": title[:200], "version": ", ".join(years) or "unversioned"}
    return [out[k] for k in sorted(out)]


def _owner(result, options: ExportOptions) -> tuple[str, list[str], list[str]]:
    fu = result.functional_unit
    company = options.company_name or fu.get("manufacturer")
    if not company:
        raise PactError("the data owner's company name is unknown",
                        expected="machine.manufacturer in the BOM, or --company NAME")
    company_ids = list(options.company_ids) or [f"urn:pact:company:customcode:vendor-assigned:{_slug(company)}"]
    product_ids = list(options.product_ids) or [
        f"urn:pact:product:customcode:vendor-assigned:{_slug(str(fu.get('machine_id') or fu.get('model')))}"]
    return company, company_ids, product_ids


def placeholder_warnings(options: ExportOptions) -> list[str]:
    """What the export fills with placeholders: companyIds / productIds made up by pcf when none are given."""
    out = []
    if not options.company_ids:
        out.append("companyIds is a placeholder made by pcf (urn:pact:company:customcode:vendor-assigned:<name>): "
                   "give the company's real identifier with --company-id URN")
    if not options.product_ids:
        out.append("productIds is a placeholder made by pcf (urn:pact:product:customcode:vendor-assigned:<id>): "
                   "give the product's real identifier with --product-id URN")
    return out


def _country(result, options: ExportOptions) -> str | None:
    country = options.geography_country or result.functional_unit.get("country")
    return country.upper() if isinstance(country, str) and re.fullmatch(r"[A-Za-z]{2}", country) else None


def to_pact_v3(result, options: ExportOptions | None = None) -> dict:
    """The Result as a PACT v3 ProductFootprint: declared unit 1 piece (one machine), kg CO2e per machine."""
    options = options or ExportOptions()
    s = _summary(result)
    company, company_ids, product_ids = _owner(result, options)
    start, end = _period(result, options)
    fu = result.functional_unit
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": "piece",
        "declaredUnitAmount": "1",
        "productMassPerDeclaredUnit": decimal_string(s["mass_kg"], places=3, sign="positive"),
        "referencePeriodStart": _timestamp(start),
        "referencePeriodEnd": _timestamp(end),
    }
    country = _country(result, options)
    if country:
        pcf["geographyCountry"] = country
    pcf.update({
        "boundaryProcessesDescription": _boundary_description(result),
        "pcfExcludingBiogenicUptake": decimal_string(s["excluding"]),
        "pcfIncludingBiogenicUptake": decimal_string(s["including"]),
        "fossilCarbonContent": decimal_string(s["fossil_c"], sign="positive"),
        "biogenicCarbonContent": decimal_string(s["biogenic_c_product"], sign="positive"),
        "fossilGhgEmissions": decimal_string(s["fossil"], sign="positive"),
        "biogenicCO2Uptake": decimal_string(s["uptake"], sign="negative"),
        "biogenicNonCO2Emissions": decimal_string(s["biogenic_non_co2"], sign="positive"),
        "aircraftGhgEmissions": decimal_string(s["aircraft"], sign="positive"),
        "packagingEmissionsIncluded": s["packaging_included"],
    })
    if _luc_known(s):
        pcf["landUseChangeGhgEmissions"] = decimal_string(s["luc"], sign="positive")
    if s["packaging_included"]:
        pcf["packagingGhgEmissions"] = decimal_string(s["packaging"], sign="positive")
        pcf["packagingBiogenicCarbonContent"] = decimal_string(s["biogenic_c_packaging"], sign="positive")
    pcf["ccsTechnologicalCO2CaptureIncluded"] = False
    pcf["ipccCharacterizationFactors"] = gwp_disclosure(result)["ipcc_sets"] or ["AR6"]
    pcf["crossSectoralStandards"] = cross_sectoral_standards(options, "3")[0]
    # no product category rules are used: the property is left out (the schema forbids an empty list)
    pcf["exemptedEmissionsPercent"] = decimal_string(s["exempted_percent"], places=4, sign="positive")
    pcf["exemptedEmissionsDescription"] = s["exempted_description"]
    pcf["allocationRulesDescription"] = (
        "No allocation in the foreground: every input is modelled per machine from its bill of materials; factory "
        "energy is metered or attributed per machine. Production scrap is counted at the input with the cut-off "
        "approach (no recycling credit). Background datasets keep the allocation of their sources.")
    sources = _emission_factor_sources(result)
    if sources:
        pcf["secondaryEmissionFactorSources"] = sources
    pcf["primaryDataShare"] = decimal_string(s["pds_percent"], places=2, sign="positive")
    dqi = _dqi_v3(s["dq"])
    if dqi:
        pcf["dqi"] = dqi
    if options.version is not None:
        raise PactError("PACT v3 has no 'version' field: any change of a v3 footprint gives it a new id",
                        expected="--preceding-id UUID for the id of the footprint this one replaces")
    footprint: dict[str, Any] = {
        "specVersion": SPEC_VERSIONS["3"],
    }
    if options.preceding_pf_ids:
        footprint["precedingPfIds"] = list(options.preceding_pf_ids)
    footprint.update({
        "created": _timestamp(options.created or _dt.datetime.now(_dt.timezone.utc)),
        "status": options.status,
    })
    if options.validity_period_end:
        footprint["validityPeriodStart"] = _timestamp(end)
        footprint["validityPeriodEnd"] = _timestamp(options.validity_period_end)
    footprint.update({
        "companyName": company,
        "companyIds": company_ids,
        "productDescription": fu.get("machine_description") or fu.get("description") or str(fu.get("model")),
        "productIds": product_ids,
    })
    if options.product_classifications:
        footprint["productClassifications"] = list(options.product_classifications)
    footprint.update({
        "productNameCompany": str(fu.get("model") or fu.get("machine_id")),
        "comment": _comment(result, s, options),
        "pcf": pcf,
    })
    return _with_id(footprint, options)


def to_pact_v2(result, options: ExportOptions | None = None) -> dict:
    """The Result as a PACT v2 ProductFootprint. v2 has no 'piece': declared unit 1 kg of machine, values per kg."""
    options = options or ExportOptions()
    if not options.cpc:
        raise PactError("PACT v2 requires productCategoryCpc", expected="a UN CPC code (--cpc CODE)")
    s = _summary(result)
    if s["mass_kg"] <= 0:
        raise PactError("PACT v2 needs the machine's mass (its declared unit is kilogram)",
                        expected="machine.declared_mass_kg in the BOM")
    per_kg = 1.0 / s["mass_kg"]
    company, company_ids, product_ids = _owner(result, options)
    start, end = _period(result, options)
    fu = result.functional_unit
    gwp = gwp_disclosure(result)
    ar = gwp["method_set"]
    pcf: dict[str, Any] = {
        "declaredUnit": "kilogram",
        "unitaryProductAmount": decimal_string(s["mass_kg"], places=3),
        "productMassPerDeclaredUnit": "1",
        "pCfExcludingBiogenic": decimal_string(s["excluding"] * per_kg, places=9, sign="positive"),
        "pCfIncludingBiogenic": decimal_string(s["including"] * per_kg, places=9),
        "fossilGhgEmissions": decimal_string(s["fossil"] * per_kg, places=9, sign="positive"),
        "fossilCarbonContent": decimal_string(s["fossil_c"] * per_kg, places=9, sign="positive"),
        "biogenicCarbonContent": decimal_string(s["biogenic_c_product"] * per_kg, places=9, sign="positive"),
        "otherBiogenicGhgEmissions": decimal_string(s["biogenic_non_co2"] * per_kg, places=9, sign="positive"),
        "biogenicCarbonWithdrawal": decimal_string(s["uptake"] * per_kg, places=9, sign="negative"),
        "aircraftGhgEmissions": decimal_string(s["aircraft"] * per_kg, places=9, sign="positive"),
        "characterizationFactors": ar if ar in ("AR5", "AR6") else "AR6",
        "ipccCharacterizationFactorsSources": gwp["ipcc_sets"] or ["AR6"],
        "crossSectoralStandardsUsed": [V2_STANDARDS_USED[x] for x in cross_sectoral_standards(options, "2")[0]
                                       if x in V2_STANDARDS_USED],
        "crossSectoralStandards": cross_sectoral_standards(options, "2")[0],
        "boundaryProcessesDescription": _boundary_description(result),
        "referencePeriodStart": _timestamp(start),
        "referencePeriodEnd": _timestamp(end),
    }
    if _luc_known(s):
        pcf["dLucGhgEmissions"] = decimal_string(s["luc"] * per_kg, places=9, sign="positive")
    country = _country(result, options)
    if country:
        pcf["geographyCountry"] = country
    sources = _emission_factor_sources(result)
    if sources:
        pcf["secondaryEmissionFactorSources"] = sources
    pcf.update({
        # v2's schema caps the field at 5: a larger estimate is written as 5 and stated in the description and comment
        "exemptedEmissionsPercent": round(min(s["exempted_percent"], V2_EXEMPTED_CAP), 4),
        "exemptedEmissionsDescription": "; ".join(filter(None, [
            s["exempted_description"],
            f"the estimate is {s['exempted_percent']:.4f} %; exemptedEmissionsPercent is capped at "
            f"{V2_EXEMPTED_CAP:g}, the maximum of the PACT v2 schema" if s["exempted_percent"] > V2_EXEMPTED_CAP
            else ""])),
        "packagingEmissionsIncluded": s["packaging_included"],
    })
    if s["packaging_included"]:
        pcf["packagingGhgEmissions"] = decimal_string(s["packaging"] * per_kg, places=9, sign="positive")
    pcf["allocationRulesDescription"] = "No allocation in the foreground (one machine per bill of materials)."
    pcf["primaryDataShare"] = round(s["pds_percent"], 2)
    # v2 DQRs are on a 1-3 scale that pcf's 1-5 ratings do not map onto: left out, stated in the comment
    footprint = {
        "specVersion": SPEC_VERSIONS["2"],
        **({"precedingPfIds": list(options.preceding_pf_ids)} if options.preceding_pf_ids else {}),
        "version": 1 if options.version is None else options.version,
        "created": _timestamp(options.created or _dt.datetime.now(_dt.timezone.utc)),
        "status": options.status,
        "companyName": company,
        "companyIds": company_ids,
        "productDescription": fu.get("machine_description") or fu.get("description") or str(fu.get("model")),
        "productIds": product_ids,
        "productCategoryCpc": options.cpc,
        "productNameCompany": str(fu.get("model") or fu.get("machine_id")),
        "comment": _comment(result, s, options, per_kg=True, major="2")
                   + " Data quality ratings (1-5 in pcf) are not given: v2 uses a 1-3 scale.",
        "pcf": pcf,
    }
    if s["exempted_percent"] > V2_EXEMPTED_CAP:
        footprint["comment"] += (f" Exempted emissions are estimated at {s['exempted_percent']:.2f} %, above v2's "
                                 f"{V2_EXEMPTED_CAP:g} % maximum: exemptedEmissionsPercent says "
                                 f"{V2_EXEMPTED_CAP:g}, the true estimate is {s['exempted_percent']:.2f} %.")
    return _with_id(footprint, options)


def write_pact(result, path: str | Path, *, major: str = "3", options: ExportOptions | None = None) -> Path:
    """Write the ProductFootprint JSON; returns the path."""
    footprint = to_pact_v3(result, options) if major == "3" else to_pact_v2(result, options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(footprint, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------- reading
class CarbonFootprint(BaseModel):
    """The fields of a supplier's PACT CarbonFootprint that pcf uses, normalised across v2 and v3.

    Values are kg CO2e (kg C for contents) per declared unit = `declared_unit_amount` x `declared_unit`.
    v3: `declared_unit_amount` is `declaredUnitAmount` (values per e.g. 12.5 liter). v2: values are per 1
    `declaredUnit` already, so `declared_unit_amount` is 1; v2's `unitaryProductAmount` (how many declared units
    the product contains) is kept as `unitary_product_amount` and never divided out.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    declared_unit: str
    declared_unit_amount: float = Field(gt=0)
    unitary_product_amount: float | None = Field(default=None, gt=0)
    product_mass_per_declared_unit_kg: float | None = Field(default=None, ge=0)
    pcf_excluding_biogenic_uptake: float
    pcf_including_biogenic_uptake: float | None = None
    fossil_ghg_emissions: float | None = Field(default=None, ge=0)
    land_use_change_ghg_emissions: float | None = Field(default=None, ge=0)
    biogenic_co2_uptake: float | None = Field(default=None, le=0)
    biogenic_non_co2_emissions: float | None = Field(default=None, ge=0)
    aircraft_ghg_emissions: float | None = Field(default=None, ge=0)
    packaging_ghg_emissions: float | None = Field(default=None, ge=0)
    fossil_carbon_content_kg: float | None = Field(default=None, ge=0)
    biogenic_carbon_content_kg: float | None = Field(default=None, ge=0)
    reference_period_start: _dt.datetime
    reference_period_end: _dt.datetime
    geography: str | None = None
    ipcc_characterization_factors: tuple[str, ...] = ()
    primary_data_share_percent: float | None = Field(default=None, ge=0, le=100)
    # v3 `dqi` (1 best - 5 worst, pcf's scale); v2's DQRs (1-3) are not read: they do not map onto 1-5
    technological_dqr: float | None = Field(default=None, ge=1, le=5)
    geographical_dqr: float | None = Field(default=None, ge=1, le=5)
    temporal_dqr: float | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _period(self) -> "CarbonFootprint":
        if self.reference_period_end <= self.reference_period_start:
            raise ValueError("referencePeriodEnd must be after referencePeriodStart")
        return self

    def per_unit(self, value: float | None) -> float | None:
        """A value per 1 `declared_unit` (e.g. per 1 kilogram, per 1 piece)."""
        return None if value is None else value / self.declared_unit_amount


class ProductFootprint(BaseModel):
    """A supplier's PACT ProductFootprint (v2 or v3) as pcf needs it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    spec_version: str
    status: str = "Active"
    created: _dt.datetime | None = None
    company_name: str
    product_name: str
    product_ids: tuple[str, ...] = ()
    validity_period_start: _dt.datetime | None = None
    validity_period_end: _dt.datetime | None = None
    pcf: CarbonFootprint
    source_file: str | None = None

    @property
    def valid_until(self) -> _dt.datetime:
        """End of validity: validityPeriodEnd, else 3 years after the reference period ends (PACT's default)."""
        if self.validity_period_end:
            return self.validity_period_end
        end = self.pcf.reference_period_end
        try:
            return end.replace(year=end.year + 3)
        except ValueError:  # 29 February
            return end.replace(year=end.year + 3, day=28)

    def is_valid_on(self, moment: _dt.datetime) -> bool:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)
        start = self.validity_period_start or self.pcf.reference_period_start
        return self.status == "Active" and start <= moment < self.valid_until


def _number(value) -> float | None:
    if value is None:
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        raise ValueError(f"'{value}' is not a decimal number") from None


def _normalise(footprint: dict, major: str) -> dict:
    pcf = footprint.get("pcf") or {}
    if major == "3":
        carbon = {
            "declared_unit": pcf.get("declaredUnitOfMeasurement"),
            "declared_unit_amount": _number(pcf.get("declaredUnitAmount")),
            "pcf_excluding_biogenic_uptake": _number(pcf.get("pcfExcludingBiogenicUptake")),
            "pcf_including_biogenic_uptake": _number(pcf.get("pcfIncludingBiogenicUptake")),
            "land_use_change_ghg_emissions": _number(pcf.get("landUseChangeGhgEmissions")),
            "biogenic_co2_uptake": _number(pcf.get("biogenicCO2Uptake")),
            "biogenic_non_co2_emissions": _number(pcf.get("biogenicNonCO2Emissions")),
            "ipcc_characterization_factors": tuple(pcf.get("ipccCharacterizationFactors") or ()),
        }
        dqi = pcf.get("dqi") if isinstance(pcf.get("dqi"), dict) else {}
        carbon.update({"technological_dqr": _number(dqi.get("technologicalDQR")),
                       "geographical_dqr": _number(dqi.get("geographicalDQR")),
                       "temporal_dqr": _number(dqi.get("temporalDQR"))})
    else:
        carbon = {
            "declared_unit": pcf.get("declaredUnit"),
            # v2 values are kg CO2e per 1 declaredUnit; unitaryProductAmount = declared units in the product
            "declared_unit_amount": 1.0,
            "unitary_product_amount": _number(pcf.get("unitaryProductAmount")),
            "pcf_excluding_biogenic_uptake": _number(pcf.get("pCfExcludingBiogenic")),
            "pcf_including_biogenic_uptake": _number(pcf.get("pCfIncludingBiogenic")),
            "land_use_change_ghg_emissions": _number(pcf.get("dLucGhgEmissions")),
            "biogenic_co2_uptake": _number(pcf.get("biogenicCarbonWithdrawal")),
            "biogenic_non_co2_emissions": _number(pcf.get("otherBiogenicGhgEmissions")),
            "ipcc_characterization_factors": tuple(pcf.get("ipccCharacterizationFactorsSources")
                                                   or ([pcf["characterizationFactors"]]
                                                       if pcf.get("characterizationFactors") else [])),
        }
    carbon.update({
        "product_mass_per_declared_unit_kg": _number(pcf.get("productMassPerDeclaredUnit")),
        "fossil_ghg_emissions": _number(pcf.get("fossilGhgEmissions")),
        "aircraft_ghg_emissions": _number(pcf.get("aircraftGhgEmissions")),
        "packaging_ghg_emissions": _number(pcf.get("packagingGhgEmissions")),
        "fossil_carbon_content_kg": _number(pcf.get("fossilCarbonContent")),
        "biogenic_carbon_content_kg": _number(pcf.get("biogenicCarbonContent")),
        "reference_period_start": pcf.get("referencePeriodStart"),
        "reference_period_end": pcf.get("referencePeriodEnd"),
        "geography": pcf.get("geographyCountrySubdivision") or pcf.get("geographyCountry")
                     or pcf.get("geographyRegionOrSubregion"),
        "primary_data_share_percent": _number(pcf.get("primaryDataShare")),
    })
    return {
        "id": footprint.get("id"), "spec_version": footprint.get("specVersion"),
        "status": footprint.get("status", "Active"), "created": footprint.get("created"),
        "company_name": footprint.get("companyName"), "product_name": footprint.get("productNameCompany"),
        "product_ids": tuple(footprint.get("productIds") or ()),
        "validity_period_start": footprint.get("validityPeriodStart"),
        "validity_period_end": footprint.get("validityPeriodEnd"),
        "pcf": {k: v for k, v in carbon.items() if v is not None},
    }


def _one_footprint(document, pf_id: str | None, where: str | None):
    """The ProductFootprint of a bare footprint, a get response `{"data": {...}}` or a list response
    `{"data": [...]}` (v3 events: `{"data": {"pfs": [...]}}`): with `pf_id` the one with that id, else the only one."""
    if not isinstance(document, dict) or "pcf" in document:
        found = [document]
    else:
        data = document.get("data")
        if isinstance(data, dict) and isinstance(data.get("pfs"), list):
            data = data["pfs"]
        found = data if isinstance(data, list) else [data]
    if pf_id is not None:
        chosen = [f for f in found if isinstance(f, dict) and str(f.get("id")) == str(pf_id)]
        if not chosen:
            raise PactError(f"no ProductFootprint with id '{pf_id}' among the {len(found)} in the file", file=where,
                            expected="the `id` of one of its footprints")
        return chosen[0]
    if len(found) != 1:
        raise PactError(f"the file holds {len(found)} ProductFootprints, not one", file=where,
                        expected="the footprint's `id` (supplier_footprint.id in the BOM) to choose one")
    return found[0]


def read_product_footprint(source: str | Path | dict, *, schema: Literal["auto", "require", "skip"] = "auto",
                           spec: str | Path | None = None, pf_id: str | None = None) -> ProductFootprint:
    """Read and check a supplier's PACT ProductFootprint (v2 or v3): bare, an API get response `{"data": {...}}`
    or a list response `{"data": [...]}`. A list with one footprint gives it; with several, `pf_id` chooses one
    (without it they are refused, naming the count).

    schema: 'auto' validates against the PACT schema when a local copy of the spec is available, 'require'
    raises PactSchemaUnavailable without one, 'skip' checks only the fields pcf needs. Errors name the file.
    """
    where = None
    if isinstance(source, dict):
        document = source
    else:
        where = str(source)
        try:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PactError(f"not JSON ({exc.msg} at line {exc.lineno})", file=where) from None
        except UnicodeDecodeError as exc:
            raise PactError(f"not UTF-8 text ({exc.reason})", file=where) from None
    document = _one_footprint(document, pf_id, where)
    if not isinstance(document, dict) or "pcf" not in document:
        raise PactError("not a PACT ProductFootprint (no 'pcf' object)", file=where)
    try:
        major = _major(document)
    except PactError as exc:
        raise PactError(exc.message, file=where, expected=exc.expected) from None
    if schema != "skip":
        try:
            errors = validate(document, major=major, spec=spec)
        except PactSchemaUnavailable:
            if schema == "require":
                raise
            errors = []
        if errors:
            shown = "; ".join(errors[:5]) + (f"; ... {len(errors) - 5} more" if len(errors) > 5 else "")
            raise PactError(f"invalid PACT v{major} ProductFootprint: {shown}", file=where)
    try:
        return ProductFootprint(**_normalise(document, major), source_file=where)
    except (ValidationError, ValueError) as exc:
        details = exc.errors() if isinstance(exc, ValidationError) else [{"loc": (), "msg": str(exc)}]
        shown = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details[:5])
        raise PactError(f"PACT ProductFootprint lacks what pcf needs: {shown}", file=where) from None
