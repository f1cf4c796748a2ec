"""What the CFP study report says: every ISO 14067 clause-7 item as plain data (text, tables, numbers) from a Result.

Renderers (`html`, `excel`) only lay this out; nothing here solves anything (the report never re-solves). Linear
sensitivities are read off the link table, which is exact because the model is linear in every factor.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pandas as pd

from ..electricity_claims import LOCATION, MARKET, claim_of, claim_statement
from ..results import electricity_by_stage, gwp_disclosure
from ..labels import STAGE_LABELS
from .charts import display_name, display_names, hotspot_lines

# (id, title) of every section, in order; the HTML report has one <section id=...> per entry
SECTIONS = (
    ("summary", "Summary of results"),
    ("goal", "Goal of the study"),
    ("scope", "Scope of the study"),
    ("declared-unit", "Declared unit and reference flow"),
    ("system-boundary", "System boundary and time boundary"),
    ("electricity", "Electricity: location-based and market-based figures"),
    ("cut-off", "Cut-off criteria and excluded items"),
    ("allocation", "Allocation"),
    ("data-quality", "Data and data quality"),
    ("gwp", "Greenhouse gases and GWP set"),
    ("results-stage", "Results by life-cycle stage"),
    ("ghg-split", "Fossil, biogenic and land-use change emissions and removals"),
    ("carbon-content", "Biogenic and fossil carbon content"),
    ("results-gas", "Results by greenhouse gas"),
    ("results-module", "Results by module"),
    ("results-material", "Results by material"),
    ("hotspots", "Hotspots"),
    ("product-system", "Product system"),
    ("primary-data", "Primary data share"),
    ("sensitivity", "Sensitivity analysis"),
    ("uncertainty", "Uncertainty"),  # stable anchor: filled by build_content(uncertainty=...) (issue 15)
    ("interpretation", "Interpretation"),
    ("assumptions", "Assumptions, value choices and limitations"),
    ("review", "Review, verification and audit trail"),
    ("attributions", "Data sources and attributions required by their licences"),
)
DQ_INDICATORS = (("dq_technological", "technological representativeness"),
                 ("dq_geographical", "geographical representativeness"),
                 ("dq_temporal", "temporal representativeness"),
                 ("dq_completeness", "completeness"),
                 ("dq_reliability", "reliability"))
DQR_KEYS = {"dq_technological": "technologicalDQR", "dq_geographical": "geographicalDQR",
            "dq_temporal": "temporalDQR", "dq_completeness": "completenessDQR", "dq_reliability": "reliabilityDQR"}
ESTIMATE_SPAN = 0.3  # estimated masses: the sensitivity case moves them by +-30 %


@dataclass
class Table:
    """A table to render: column headers, rows of cells (already formatted text), an optional caption."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # indices of right-aligned columns


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (chart name, caption)


@dataclass
class ReportContent:
    title: str
    subtitle: str
    created: str
    sections: list[Section]
    notices: list[str]
    headline: str = ""  # the cover's headline: the CFP in kg CO2e per declared unit


def kg(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}%}"


SITE_LABELS = {"maker": "maker's factory", "supplier": "supplier", "home": "background (dataset's geography)"}


def _basis_text(result) -> str:
    basis = getattr(result, "by_gwp_basis", None)
    total = result.total_kg_co2e
    if basis is None or not len(basis) or not total:
        return "not computed"
    return ", ".join(f"{name} {kg(value)} kg ({pct(value / total)})" for name, value in basis.items())


def _series_table(series: pd.Series, total: float, label: str, labels: dict | None = None) -> Table:
    rows = [[(labels or {}).get(str(k), str(k)), kg(v), pct(v / total if total else None)] for k, v in series.items()]
    rows.append(["Total", kg(float(series.sum())), pct(series.sum() / total if total else None)])
    return Table([label, "kg CO2e", "share"], rows, numeric=(1, 2))


def build_content(result, *, uncertainty: dict | None = None, review: str | None = None,
                  top: int = 15, extra_sections: list[Section] | tuple[Section, ...] = (),
                  alternatives: list[dict] | None = None) -> ReportContent:
    """Every section of the CFP study report for one Result.

    uncertainty: an uncertainty analysis to show in section `uncertainty` (keys: 'method', 'runs', 'p2_5', 'p50',
    'p97_5' in kg CO2e, optionally 'notes'); review: who reviewed or verified the study (default: not reviewed);
    extra_sections: sections beside the study (e.g. `pcf.report.supplements`), placed after all ISO 14067 sections;
    alternatives: independent published values of the largest datasets' factors (`pcf.data.reference_checks.
    alternative_factors`), shown as alternative-data cases in the sensitivity analysis.
    """
    fu = result.functional_unit
    claim = claim_of(fu)
    total = result.total_kg_co2e
    versions = result.data_versions or {}
    audit = versions.get("audit") or {}
    coverage = result.coverage or {}
    cutoff = coverage.get("cutoff") or {}
    mass = result.mass or {}
    dq = result.data_quality or {}
    name = fu.get("model") or fu.get("machine_id")
    year = fu.get("reference_year")
    sections: dict[str, Section] = {sid: Section(sid, title) for sid, title in SECTIONS}

    # -- summary
    s = sections["summary"]
    s.paragraphs.append(
        f"The partial carbon footprint (cradle to gate) of one {name} is {kg(total)} kg CO2e, excluding biogenic "
        f"CO2 uptake ({kg(result.total_including_removals_kg_co2e)} kg CO2e including it), calculated according to "
        f"ISO 14067:2018 with {gwp_disclosure(result)['line']}.")
    s.tables.append(Table(["", "kg CO2e per machine", "share"], [
        ["CFP excluding biogenic uptake (PACT pcfExcludingBiogenicUptake)", kg(total), "100.0%"],
        ["Fossil GHG emissions", kg(result.fossil_kg_co2e), pct(result.fossil_kg_co2e / total if total else None)],
        ["Emissions from sources giving only CO2e (no gas split)", kg(result.aggregated_kg_co2e),
         pct(result.aggregated_kg_co2e / total if total else None)],
        ["Biogenic emissions", kg(result.biogenic_emissions_kg_co2e, 3),
         pct(result.biogenic_emissions_kg_co2e / total if total else None, 3)],
        ["Land-use change (dLUC)", kg(result.dluc_kg_co2e, 3), pct(result.dluc_kg_co2e / total if total else None)],
        ["Aircraft transport (included above)", kg(result.aircraft_kg_co2e),
         pct(result.aircraft_kg_co2e / total if total else None)],
        ["Biogenic removals (reported separately)", kg(result.biogenic_removals_kg_co2e), ""],
        ["CFP including all biogenic removals, packaging too (PACT pcfIncludingBiogenicUptake counts the "
         "product's uptake only)",
         kg(result.total_including_removals_kg_co2e), ""],
    ], numeric=(1, 2)))
    s.bullets.append(f"Primary data share (PACT: activity data and emission factor both primary): "
                     f"{pct(result.primary_data_share)}; activity-data share (weighed, metered, supplier lines): "
                     f"{pct(result.activity_data_share)}")
    indicators = dq_indicators(result)
    if indicators:
        s.bullets.append("Data quality ratings (1 best, 5 worst, weighted by contribution): " + ", ".join(
            f"{label} {value:.2f}" for _, label, value, _ in indicators if value is not None))
    if claim["basis"] != LOCATION:
        s.bullets.append(f"Factory electricity: {claim['basis']}; location-based CFP "
                         + (f"{kg(claim['location_based_total_kg_co2e'])} kg CO2e"
                            if claim.get("location_based_total_kg_co2e") is not None else "not known")
                         + " (see Electricity)")
    if result.warnings:
        s.bullets.append(f"{len(result.warnings)} warning(s): see Assumptions, value choices and limitations")
    s.charts.append(("stages", "kg CO2e per life-cycle stage"))

    # -- goal
    s = sections["goal"]
    s.paragraphs += [
        "Type of study: a partial CFP (cradle to gate) according to ISO 14067:2018. It covers the life cycle of "
        "the machine up to the maker's factory gate and must not be presented as a full (cradle-to-grave) CFP.",
        f"Goal: to quantify the greenhouse gas emissions and removals attributable to producing one {name}"
        f"{' by ' + fu['manufacturer'] if fu.get('manufacturer') else ''}, to identify its hotspots and to "
        "provide a product carbon footprint for customers (business to business), including as a PACT "
        "ProductFootprint. The intended audience is the maker's customers, their sustainability teams and "
        "verifiers.",
        "Comparative assertions disclosed to the public are not intended; comparisons with other machines are "
        "meaningful only if they use the same declared unit, system boundary, data and method.",
    ]
    if fu.get("machine_description"):
        s.paragraphs.append(f"Product: {fu['machine_description']}")

    # -- scope
    years = data_years(result)
    s = sections["scope"]
    s.bullets += [
        "Type of study: partial CFP, cradle to gate (ISO 14067:2018); one impact category, climate change.",
        f"Product system: one {name} and everything in its bill of materials: materials and manufacturing of its "
        "parts, purchased components, assembly and test at the maker's factory, packaging, inbound transport.",
        "Declared unit: one machine (1 piece) at the maker's gate; see Declared unit and reference flow.",
        "System boundary: raw material acquisition, production, packaging, upstream transport; distribution, "
        "use and end of life are outside it; see System boundary and time boundary.",
        time_boundary_statement(year, years),
        f"Geography: final assembly in {fu.get('country') or 'an undeclared country'}; suppliers and background "
        "data keep their own geographies (see Data and data quality).",
        f"GHGs and characterisation: {gwp_disclosure(result)['line']}.",
        "Factory electricity: " + claim["basis"] + " (see Electricity).",
        "Product category rules: none applied. Offsets: none. Comparative assertions: not intended.",
    ]

    # -- declared unit
    s = sections["declared-unit"]
    declared = mass.get("declared_kg")
    s.paragraphs.append("Declared unit: one machine (1 piece), ready to ship at the maker's factory gate. A "
                        "declared unit replaces the functional unit because the stages after the gate are not "
                        "included.")
    s.bullets += [
        f"Machine: {name} (id {fu.get('machine_id')})",
        f"Declared mass: {kg(declared) + ' kg' if declared else 'not declared'}"
        f"{' (packaging included)' if declared and mass.get('declared_includes_packaging') else ''}; "
        "mass rolled up from the BOM "
        f"{kg(mass.get('rolled_up_kg', 0.0))} kg"
        + (f" (gap {mass['gap_kg']:+,.1f} kg, {mass['gap_share']:+.1%})" if declared and mass.get("gap_kg") is not None
           else ""),
        f"Packaging shipped with the machine: {kg(mass.get('packaging_kg', 0.0))} kg",
        "Reference flow: one machine with its packaging, the materials and purchased components of its bill of "
        "materials and the factory energy per machine.",
        f"Input file: {fu.get('source_file')}",
    ]

    # -- system boundary
    s = sections["system-boundary"]
    grid = fu.get("factory_electricity") or result.grid or "none (no maker's process or energy line)"
    s.paragraphs.append(
        "Included (cradle to gate): raw material acquisition (materials of made parts including their production "
        "scrap, purchased components), production at the maker's factory (manufacturing processes, assembly, "
        "test and factory energy), packaging of the shipped machine and upstream (inbound) transport. Excluded: "
        "distribution to the customer, installation, use, maintenance and end of life (outside a cradle-to-gate "
        "study), and capital goods (machinery and buildings of the maker and its suppliers, PAS 2050 and the "
        "GHG Protocol treat them as non-attributable).")
    s.bullets += [
        time_boundary_statement(year, years),
        f"Factory electricity (the maker's own processes, in-house parts and factory energy): {grid} "
        f"({claim['basis']}). Suppliers' processes run on the grid of the supplier's country or province, and "
        "background datasets on the grid of their own geography (see Results by life-cycle stage)",
        "Offsets: none; the CFP contains no offsetting (ISO 14067 excludes it)",
    ]
    s.charts.append(("boundary", "System boundary diagram: stages inside the cradle-to-gate boundary with their "
                                 "kg CO2e, stages outside it."))
    if len(years):
        s.tables.append(Table(["data year", "datasets", "kg CO2e", "share of the CFP"],
                              [[str(y), str(int(r["datasets"])), kg(r["kg_co2e"]),
                                pct(r["kg_co2e"] / total if total else None)] for y, r in years.iterrows()],
                              caption="Reference years of the emission factors the lines use, by their contribution",
                              numeric=(1, 2, 3)))

    _electricity_section(sections["electricity"], claim, fu)

    # -- cut-off
    s = sections["cut-off"]
    criteria = cutoff.get("criteria") or {}
    if criteria:
        s.paragraphs.append(
            f"Cut-off criteria: a line may be left out only if it is below {pct(criteria.get('mass_share'))} of the "
            f"machine's mass and below {pct(criteria.get('emission_share'))} of the estimated emissions, and all "
            f"lines left out together stay below {pct(criteria.get('total_share'))} of the estimated emissions "
            "(PAS 2050 materiality threshold: 1 %). The emissions of lines left out are estimated with the "
            f"average intensity of the modelled parts and components "
            f"({cutoff.get('estimate_basis_kg_co2e_per_kg', 0.0):.2f} kg CO2e per kg), an ambiguous line left out "
            "with the highest intensity of its candidate datasets where one is known (each line's basis in the "
            "table). "
            + ("The criteria are met." if cutoff.get("criteria_met", True) else "The criteria are NOT met."))
    else:
        s.paragraphs.append("No cut-off was applied: every line of the BOM is modelled.")
    exclusions = cutoff.get("exclusions") or []
    s.tables.append(Table(
        ["line", "status", "reason", "mass kg / machine", "mass share", "est. kg CO2e", "est. share", "estimate basis",
         "within criteria"],
        [[str(e.get("line_id")), str(e.get("status")), str(e.get("reason") or ""),
          "-" if e.get("mass_kg_per_machine") is None else kg(e["mass_kg_per_machine"], 2),
          pct(e.get("mass_share")), "-" if e.get("kg_co2e") is None else kg(e["kg_co2e"], 2),
          pct(e.get("emission_share")), str(e.get("estimate_basis") or "-"),
          "yes" if e.get("within_criteria") else "no"] for e in exclusions]
        or [["(none)", "", "every BOM line is modelled", "", "", "", "", "", ""]],
        caption="Every item left out of the model", numeric=(3, 4, 5, 6)))
    for violation in cutoff.get("violations") or []:
        s.bullets.append(f"Criteria not met: {violation}")
    from ..pact import exempted_emissions  # the figure the PACT export gives as exemptedEmissionsPercent

    exempted = exempted_emissions(result)
    if exempted["kg_co2e"] > 0:
        s.bullets.append(
            f"Emissions left out of the CFP, estimated (the PACT export's exemptedEmissionsPercent): "
            f"{kg(exempted['kg_co2e'])} kg CO2e, {exempted['percent']:.2f} % of the CFP plus them; "
            f"{exempted['description']}.")
    by_status = cutoff.get("by_status") or []
    if by_status:
        s.tables.append(Table(["status", "lines", "mass kg", "mass share", "kg CO2e", "emission share"],
                              [[str(r["status"]), str(r["lines"]), kg(r["mass_kg"]), pct(r["mass_share"]),
                                kg(r["kg_co2e"]), pct(r["emission_share"])] for r in by_status],
                              caption="Coverage of the BOM by how each line was modelled", numeric=(1, 2, 3, 4, 5)))
    if mass.get("lines_without_mass"):
        s.bullets.append(f"Components without a mass (not in the mass roll-up): "
                         f"{', '.join(map(str, mass['lines_without_mass']))}")

    # -- allocation
    sections["allocation"].paragraphs += [
        "Foreground: no allocation is needed. The study models one machine from its own bill of materials; "
        "factory energy is metered or attributed per machine in the BOM.",
        "Production scrap is counted at the input (mass / (1 - scrap fraction)) with the cut-off (recycled "
        "content) approach: no credit is given for scrap sent to recycling, and recycled inputs carry only their "
        "recycling burden.",
        "Background: the datasets keep the allocation of their sources (listed under data sources).",
    ]

    # -- data quality
    s = sections["data-quality"]
    s.paragraphs.append(
        "Activity data come from the bill of materials (masses, quantities, processes, energy, transport); "
        "emission factors come from pcf's open background data (lci_data), each with its source, year, "
        "geography, licence and data-quality ratings (1 = very good, 5 = very poor) for technological, "
        "geographical and temporal representativeness. The study's ratings are the dataset ratings weighted by "
        "each dataset's contribution, as the PACT methodology asks.")
    s.tables.append(Table(["indicator", "rating (1 best, 5 worst)", "share of the CFP rated"],
                          [[label, "-" if value is None else f"{value:.2f}", pct(rated)]
                           for _, label, value, rated in indicators],
                          caption="The five data-quality indicators, each dataset's rating weighted by its "
                                  "contribution (unrated datasets left out of the average)", numeric=(1, 2)))
    s.bullets += [
        f"Share of the footprint from datasets without technological/geographical/temporal ratings "
        f"{pct(dq.get('unrated_share'))}",
        f"Emissions from spend-based (EEIO) factors anywhere in the supply chain: "
        f"{pct(coverage.get('spend_based_share'))}",
        f"Emissions from sources that give only CO2e: {pct(coverage.get('aggregated_co2e_share'))}",
        *([f"Emissions of ambiguous BOM lines modelled with a conservative proxy (their highest-emitting candidate, "
           f"rated 5 in the DQRs above): {pct(dq.get('ambiguous_proxy_share'))}"]
          if dq.get("ambiguous_proxy_share") else []),
        "GWP basis of the CFP (gas flows are characterised with " + str(result.method) + "; figures given only "
        "as CO2e keep the GWP set of their source): " + _basis_text(result),
        f"Background data: lci_data content hash {str(versions.get('lci_data_hash', ''))[:16]}, packs "
        f"{', '.join(versions.get('lci_data_packs', []))}",
    ]
    frame = result.by_dataset
    rows = []
    for key, row in frame.iterrows():
        rows.append([str(key), f"{row['amount_per_machine']:,.4g} {row['unit']}", f"{row['kg_co2e_per_unit']:.4g}",
                     kg(row["kg_co2e"]), pct(row["kg_co2e"] / total if total else None), str(row.get("geography", "")),
                     str(row.get("reference_year", "")),
                     "/".join(_rating(row.get(c)) for c, _ in DQ_INDICATORS),
                     str(row.get("source_title", ""))])
    s.tables.append(Table(["dataset", "amount / machine", "kg CO2e / unit", "kg CO2e", "share", "geo", "year",
                           "DQR t/g/t/c/r", "source"], rows,
                          caption="Every background dataset used, with its factor and source", numeric=(1, 2, 3, 4)))

    # -- gwp
    s = sections["gwp"]
    s.paragraphs.append(
        f"Characterisation: {result.method} (100-year global warming potentials of the IPCC) for the gas flows; "
        f"by share of the CFP: {gwp_disclosure(result)['line']}. Gases covered: "
        f"{', '.join(sorted(set(map(str, result.by_gas['gas']))))}. Biogenic CO2 emissions are counted at +1, "
        "biogenic CO2 uptake at -1 and reported separately; biogenic CH4 uses its non-fossil GWP. One impact "
        "category only (climate change).")

    # -- results
    sections["results-stage"].tables.append(_series_table(result.by_stage, total, "stage", STAGE_LABELS))
    sections["results-stage"].charts.append(("stages", "kg CO2e per life-cycle stage"))
    elec = electricity_by_stage(result)
    if len(elec):
        sections["results-stage"].paragraphs.append(
            "Electricity where the work happens: the electricity of the maker's own processes, in-house parts and "
            "factory energy comes from the factory grid; a part or component made by a supplier uses the grid of "
            "the supplier's country (or province); materials, packaging and transport use the grid of their "
            "dataset's geography. The table gives the grid each stage used (kWh of process electricity per "
            "machine and its emissions, part of the stage totals above).")
        sections["results-stage"].tables.append(Table(
            ["stage", "grid", "used by", "kWh / machine", "kg CO2e"],
            [[STAGE_LABELS.get(r["stage"], str(r["stage"])), str(r["grid"]), SITE_LABELS.get(r["site"], r["site"]),
              f"{r['kwh']:,.1f}", kg(r["kg_co2e"])] for _, r in elec.iterrows()],
            caption="Electricity grid used by each life-cycle stage", numeric=(3, 4)))
    s = sections["ghg-split"]
    s.tables.append(Table(["class", "kg CO2e", "share of the CFP"], [
        ["Fossil emissions", kg(result.fossil_kg_co2e), pct(result.fossil_kg_co2e / total if total else None)],
        ["Emissions from sources giving only CO2e (mostly fossil)", kg(result.aggregated_kg_co2e),
         pct(result.aggregated_kg_co2e / total if total else None)],
        ["Biogenic emissions", kg(result.biogenic_emissions_kg_co2e, 3),
         pct(result.biogenic_emissions_kg_co2e / total if total else None, 3)],
        ["Biogenic removals (uptake)", kg(result.biogenic_removals_kg_co2e), "reported separately"],
        ["Land-use change (dLUC)", kg(result.dluc_kg_co2e, 3), pct(result.dluc_kg_co2e / total if total else None)],
        ["Aircraft transport emissions (part of the above)", kg(result.aircraft_kg_co2e),
         pct(result.aircraft_kg_co2e / total if total else None)],
    ], numeric=(1, 2)))
    s.paragraphs.append("Fossil and biogenic emissions and removals and land-use change are reported separately "
                        "(ISO 14067, 7.2). Indirect land-use change is not included. No offsets are included.")
    s.charts.append(("ghg_split", "ISO 14067 split of the CFP"))
    _carbon_content_section(sections["carbon-content"], result)
    gas = result.by_gas.reset_index()
    sections["results-gas"].tables.append(Table(
        ["flow", "gas", "class", "kg", "kg CO2e"],
        [[str(r["flow"]), str(r["gas"]), str(r["ghg_class"]), f"{r['kg']:,.6g}", kg(r["kg_co2e"], 3)]
         for _, r in gas.sort_values("kg_co2e", ascending=False).iterrows()], numeric=(3, 4)))
    names = display_names(result)
    sections["results-module"].tables.append(_series_table(result.by_module, total, "module",
                                                           {str(k): display_name(names, k) for k in result.by_module.index}))
    sections["results-material"].tables.append(_series_table(result.by_material, total, "material"))

    # -- hotspots
    s = sections["hotspots"]
    hot = hotspot_lines(result, top)
    s.tables.append(Table(["BOM line", "kg CO2e", "share", "cumulative"],
                          [[display_name(names, k), kg(v), pct(v / total if total else None),
                            pct(hot.loc[:k].sum() / total if total else None)] for k, v in hot.items()],
                          numeric=(1, 2, 3)))
    s.charts.append(("pareto", f"Pareto of the {len(hot)} largest BOM lines"))
    s = sections["product-system"]
    nodes = result.nodes
    s.paragraphs.append(
        f"The product system has {len(nodes)} foreground nodes (machine, assemblies and parts) and "
        f"{coverage.get('dataset_links', len(result.lines))} links to {len(result.by_dataset)} background "
        "datasets. The tree below shows the machine, its modules, and what each module's footprint consists of.")
    s.charts.append(("tree", "Product system tree (box height proportional to kg CO2e)"))

    # -- primary data
    s = sections["primary-data"]
    primary = result.lines[result.lines["data_type"] == "primary"]
    s.paragraphs.append(
        f"Primary data share (PACT v3 definition: activity data and emission factor both primary): "
        f"{pct(result.primary_data_share)} of the CFP (excluding biogenic uptake). PDS = sum over lines of "
        "(kg CO2e of the line x the primary share of its emission factor) / CFP, where a supplier's own PCF "
        "counts with the supplier's own primary data share (unknown counts 0) and a background dataset counts 0 "
        "(secondary emission factor).")
    s.paragraphs.append(
        f"Activity-data share: {pct(result.activity_data_share)} of the CFP comes from lines whose activity data "
        "are primary (weighed parts, metered factory energy, supplier lines), whatever their emission factor; "
        "where that factor is a background dataset it is secondary data, so these lines are not primary data "
        "in the PACT sense.")
    if len(primary):
        grouped = primary.groupby("line_id")["kg_co2e"].sum().sort_values(ascending=False)
        s.tables.append(Table(["primary-data line", "kg CO2e"],
                              [[display_name(names, k), kg(v)] for k, v in grouped.items()],
                              numeric=(1,)))

    # -- sensitivity and uncertainty
    s = sections["sensitivity"]
    top_ds = frame.head(5)
    s.paragraphs.append(
        "Sensitivity: the model is linear in every emission factor, so a change of x % in one dataset's factor "
        "changes the CFP by x % of that dataset's contribution. For the five largest datasets:")
    s.tables.append(Table(["dataset", "contribution", "CFP change for factor +-10 %", "share of the CFP"],
                          [[str(k), kg(r["kg_co2e"]), f"+-{kg(0.1 * r['kg_co2e'])} kg",
                            pct(0.1 * r["kg_co2e"] / total if total else None)] for k, r in top_ds.iterrows()],
                          numeric=(1, 2, 3)))
    if len(elec):  # electricity_by_stage, as in Results by life-cycle stage
        maker = elec[elec["site"] == "maker"]
        others = elec[elec["site"] != "maker"]
        s.bullets.append(
            f"The maker's factory electricity ({kg(float(maker['kwh'].sum()))} kWh, "
            f"{kg(float(maker['kg_co2e'].sum()))} kg CO2e: factory energy and processes on in-house parts) is the "
            "part contractual instruments (`--instruments`, a market-based claim) or another factory grid "
            f"(`--grid`) would change; the process electricity of suppliers and background datasets "
            f"({kg(float(others['kwh'].sum()))} kWh, {kg(float(others['kg_co2e'].sum()))} kg CO2e) follows "
            "their own grids.")
    else:
        electricity = frame[frame.get("category", pd.Series(dtype=str)).isin(["electricity", "placeholder"])]
        if len(electricity):
            s.bullets.append(f"Factory electricity and other electricity datasets contribute "
                             f"{kg(float(electricity['kg_co2e'].sum()))} kg CO2e: contractual instruments "
                             "(`--instruments`) or another grid (`--grid`) would change that part.")
    s.tables.append(_alternative_data_table(result, claim, by_status, alternatives or []))
    if mass.get("gap_share") is not None:
        s.bullets.append(f"Mass gap between the BOM and the declared mass: {mass['gap_share']:+.1%} (estimated as "
                         "exempted emissions in the PACT export).")

    # -- uncertainty (a stable anchor: the quantitative analysis, when one is passed in, goes here)
    s = sections["uncertainty"]
    mc = getattr(result, "uncertainty", None)
    if mc is not None and not uncertainty:  # the Result's own Monte Carlo (pcf footprint --uncertainty N)
        from .uncertainty_section import driver_rows, histogram_rows, paragraphs, statistics_rows

        s.paragraphs += paragraphs(mc)
        s.tables.append(Table(["", "static", "mean", "median", "2.5 %", "97.5 %"],
                              [[r[0], "" if r[1] is None else kg(r[1]), *(kg(v) for v in r[2:])]
                               for r in statistics_rows(mc)], caption="kg CO2e per machine", numeric=(1, 2, 3, 4, 5)))
        s.tables.append(Table(["input", "contribution to variance", "cumulative", "rank correlation"],
                              [[r[0], pct(r[1]), pct(r[2]), f"{r[3]:+.2f}"] for r in driver_rows(mc)],
                              caption="the inputs that drive 90 % of the variance", numeric=(1, 2, 3)))
        s.tables.append(Table(["from kg CO2e", "to kg CO2e", "draws"],
                              [[kg(a), kg(b), str(c)] for a, b, c in histogram_rows(mc)],
                              caption="histogram of the CFP draws", numeric=(0, 1, 2)))
    elif uncertainty:
        s.paragraphs.append(
            f"Uncertainty ({uncertainty.get('method', 'Monte Carlo')}, {uncertainty.get('runs', '?')} runs): "
            f"median {kg(uncertainty['p50'])} kg CO2e, 95 % interval {kg(uncertainty['p2_5'])} to "
            f"{kg(uncertainty['p97_5'])} kg CO2e. {uncertainty.get('notes', '')}")
    else:
        s.paragraphs.append(
            "Uncertainty (qualitative): the main sources are the emission factors of the largest datasets (see "
            "their data-quality ratings), the share of factors from sources that give only CO2e or from "
            "spend-based models, estimated masses, and the factory electricity supply. No quantitative "
            "uncertainty analysis was run for this report.")

    # -- interpretation
    s = sections["interpretation"]
    largest_stage = result.by_stage.idxmax() if len(result.by_stage) else None
    top_modules = ", ".join(f"{k} ({pct(v / total if total else None)})" for k, v in result.by_module.head(3).items())
    top_materials = ", ".join(f"{k} ({pct(v / total if total else None)})"
                              for k, v in result.by_material.head(3).items())
    s.bullets += [
        f"Significant issue: {STAGE_LABELS.get(str(largest_stage), largest_stage)} dominates "
        f"({pct(result.by_stage.max() / total if total else None)} of the CFP)." if largest_stage else "",
        f"Largest modules: {top_modules}." if top_modules else "",
        f"Largest materials and components: {top_materials}." if top_materials else "",
        "Completeness check: every BOM line is accounted for as modelled, estimated or excluded "
        f"({coverage.get('bom_lines', '?')} lines)" + (", within the cut-off criteria." if
                                                        cutoff.get("criteria_met", True) else
                                                        "; the cut-off criteria are NOT met."),
        "Consistency check: every breakdown (stage, module, material, dataset, gas, line) sums to the same "
        "total, and the total equals the Brightway (bw2calc) score of the product system.",
        "Sensitivity check: see Sensitivity analysis (linear factor sensitivities and alternative-data cases).",
    ]
    s.bullets = [b for b in s.bullets if b]

    # -- assumptions and limitations
    sections["assumptions"].bullets += [
        "One impact category only (climate change); the CFP does not assess other environmental impacts.",
        "Masses marked as estimated come from geometry and density or typical values, not weighing.",
        "Emission factors whose sources give only CO2e cannot be split into gases or into fossil and biogenic "
        "parts; they are counted as fossil in the PACT export.",
        "Purchased components are modelled from generic compositions or spend-based factors unless a supplier "
        "footprint is given.",
        "Scrap: cut-off approach, no recycling credit. Capital goods excluded.",
        "No product category rules (PCR) were applied.",
        "Electricity: " + claim_statement(fu),
    ]
    sections["assumptions"].bullets += [f"Warning: {w}" for w in result.warnings]

    # -- review and audit trail
    s = sections["review"]
    s.paragraphs.append(review or "This study has not been critically reviewed or verified by a third party. "
                                  "The audit trail below lets a verifier reproduce every number "
                                  "(`pcf verify RESULT.json`).")
    audit_rows = [["pcf version", str(versions.get("pcf", ""))], ["computed at", str(versions.get("computed_at", ""))],
                  ["method", str(versions.get("method", ""))], ["solver", str(result.solver)],
                  ["lci_data content hash", str(versions.get("lci_data_hash", ""))],
                  ["bw2calc / bw_processing", f"{versions.get('bw2calc', '')} / {versions.get('bw_processing', '')}"]]
    if audit:
        audit_rows += [["input file", str(audit["input"]["path"])], ["input sha256", str(audit["input"]["sha256"])],
                       ["lci_data files sha256", str(audit["lci_data"].get("files_sha256") or "-")],
                       ["options", ", ".join(f"{k}={v}" for k, v in audit.get("options", {}).items()) or "defaults"]]
    s.tables.append(Table(["item", "value"], audit_rows))

    # -- attributions
    s = sections["attributions"]
    s.paragraphs.append("The background data keep their own licences (lci_data/LICENSES.md). These sources "
                        "contributed to this result; the attributions their licences require are:")
    s.tables.append(Table(["source", "licence", "attribution", "datasets"],
                          [[a.get("source", ""), a.get("licence", ""), a.get("attribution", ""),
                            str(a.get("datasets", ""))] for a in result.attributions], numeric=(3,)))
    notices = sorted({a["attribution"] for a in result.attributions if a.get("attribution")})

    created = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return ReportContent(
        title=f"Carbon footprint study report: {name}",
        subtitle="Partial CFP (cradle to gate) according to ISO 14067:2018 - declared unit: one machine"
                 + (f" - reference year {year}" if year else ""),
        created=created,
        sections=[sections[sid] for sid, _ in SECTIONS] + list(extra_sections),
        notices=notices,
        headline=f"{kg(total)} kg CO2e per machine (cradle to gate, excluding biogenic uptake)",
    )


def _electricity_section(s: Section, claim: dict, fu: dict) -> None:
    """The factory electricity claim: basis, both figures, instruments and the Scope 2 quality criteria."""
    s.paragraphs.append(claim_statement(fu))
    rows = [["basis", str(claim.get("basis"))], ["electricity supply in the model", str(claim.get("supply_dataset"))],
            ["factory electricity per machine, kWh", kg(claim.get("factory_kwh") or 0.0)],
            ["factor of the supply, kg CO2e/kWh", "-" if claim.get("supply_kg_co2e_per_kwh") is None
             else f"{claim['supply_kg_co2e_per_kwh']:.4g}"]]
    if claim.get("location_based_total_kg_co2e") is not None:
        rows += [["location-based grid", str(claim.get("location_grid"))],
                 ["location-based factor, kg CO2e/kWh", f"{claim['location_kg_co2e_per_kwh']:.4g}"],
                 ["CFP, location-based, kg CO2e", kg(claim["location_based_total_kg_co2e"])]]
    if claim.get("basis") == MARKET:
        rows.append(["CFP, market-based (the study's result), kg CO2e", kg(claim["market_based_total_kg_co2e"])])
    s.tables.append(Table(["item", "value"], rows, caption="Factory electricity figures"))
    instruments = claim.get("instruments") or []
    if instruments:
        fields = [("type", lambda i: i["type"]), ("scheme", lambda i: i.get("scheme") or "-"),
                  ("technology", lambda i: i["technology"]), ("generation factor dataset", lambda i: i["dataset"]),
                  ("kg CO2e/kWh", lambda i: "-" if i.get("factor_kg_co2e_per_kwh") is None
                   else f"{i['factor_kg_co2e_per_kwh']:.4g}"),
                  ("share of the factory's electricity", lambda i: pct(i["share"])),
                  ("volume, MWh", lambda i: f"{i['volume_mwh']:,.6g}"), ("vintage", lambda i: str(i["vintage"])),
                  ("tracking system", lambda i: i.get("tracking_system") or "-"),
                  ("certificate ids", lambda i: ", ".join(i.get("certificate_ids") or []) or "-"),
                  ("retired for", lambda i: i.get("retired_for") or "-"),
                  ("market (country)", lambda i: i.get("market_country") or "-"),
                  ("supplier", lambda i: i.get("supplier") or "-")]
        s.tables.append(Table(["field"] + [f"instrument {n}" for n in range(1, len(instruments) + 1)],
                              [[label] + [get(i) for i in instruments] for label, get in fields],
                              caption="Contractual instruments (GHG Protocol Scope 2, market-based method)"))
        s.tables.append(Table(
            ["instrument", "quality criterion", "met", "record"],
            [[str(c["instrument"] or "all"), c["criterion"],
              {True: "yes", False: "NO"}.get(c["met"], "not documented"), c["note"]]
             for c in claim.get("quality_criteria") or []],
            caption="GHG Protocol Scope 2 quality criteria, checked against the instrument records"))


def _rating(value) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "-" if pd.isna(number) else f"{number:g}"


def dq_indicators(result) -> list[tuple[str, str, float | None, float]]:
    """The five data-quality indicators: (column, label, contribution-weighted rating or None, share of the CFP
    rated), all as the Result holds them (`Result.data_quality`: ambiguous proxies rated 5, as PACT's DQRs)."""
    dq = result.data_quality or {}
    out = []
    for column, label in DQ_INDICATORS:
        key = DQR_KEYS[column]
        if key not in dq:
            out.append((column, label, None, 0.0))
            continue
        # technological, geographical and temporal are rated together (lci_data requires all three)
        unrated = dq.get(key.replace("DQR", "_unrated_share"), dq.get("unrated_share", 0.0))
        out.append((column, label, float(dq[key]), 1.0 - float(unrated)))
    return out


def data_years(result) -> pd.DataFrame:
    """kg CO2e and dataset count by the reference year of the dataset each line links to (index: year)."""
    frame = result.by_dataset
    if not len(frame) or "reference_year" not in frame:
        return pd.DataFrame(columns=["datasets", "kg_co2e"])
    years = pd.to_numeric(frame["reference_year"], errors="coerce")
    known = frame[years.notna()].assign(year=years[years.notna()].astype(int))
    return known.groupby("year").agg(datasets=("kg_co2e", "size"), kg_co2e=("kg_co2e", "sum")).sort_index()


def time_boundary_statement(year, years: pd.DataFrame) -> str:
    """The time boundary: the activity data's reference year and the data years of the emission factors."""
    head = (f"Time boundary: the activity data (bill of materials, factory energy) represent the reference year "
            f"{year}" if year else "Time boundary: no reference year was declared in the BOM for the activity data")
    if not len(years):
        return head + "."
    weights = years["kg_co2e"].clip(lower=0.0)
    recent = float(weights[years.index >= (int(year) - 5 if year else years.index.max() - 5)].sum())
    share = recent / float(weights.sum()) if weights.sum() > 0 else 0.0
    return (f"{head}; the emission factors are data of {years.index.min()} to {years.index.max()} "
            f"({len(years)} distinct years); {share:.1%} of the CFP comes from data of "
            f"{int(year) - 5 if year else years.index.max() - 5} or later.")


def _carbon_content_section(s: Section, result) -> None:
    """Fossil and biogenic carbon in the product and its packaging (kg C per machine), as the PACT export."""
    from ..pact import carbon_content

    c = carbon_content(result)
    s.paragraphs.append(
        "Carbon contained in the machine and its packaging at the factory gate, in kg C per machine (not "
        "emissions). Fossil carbon: polymer parts x the carbon share of their repeat unit (carbon in purchased "
        "components and metals is not counted). Biogenic carbon: from the biogenic CO2 uptake of the data "
        "(12/44 kg C per kg CO2). The same figures go to PACT fossilCarbonContent, biogenicCarbonContent and "
        "packagingBiogenicCarbonContent.")
    s.tables.append(Table(["", "kg C per machine", "basis"], [
        ["Fossil carbon content of the product", kg(c["fossil_c"], 3),
         "; ".join(c["fossil_c_counted"]) or "no polymer parts"],
        ["Biogenic carbon content of the product", kg(c["biogenic_c_product"], 3),
         f"biogenic CO2 uptake of the product's lines {kg(c['uptake_product'], 3)} kg CO2"],
        ["Biogenic carbon content of the packaging", kg(c["biogenic_c_packaging"], 3),
         f"biogenic CO2 uptake of the packaging {kg(c['uptake_packaging'], 3)} kg CO2"],
    ], numeric=(1,)))
    if c["fossil_c_unknown"]:
        s.bullets.append("Polymer-like materials without a known carbon share (not counted): "
                         + ", ".join(c["fossil_c_unknown"]))


def _alternative_data_table(result, claim: dict, by_status: list, alternatives: list[dict]) -> Table:
    """Alternative-data cases: the CFP with another electricity basis, the next-best source of the largest
    factors, estimated masses +-ESTIMATE_SPAN, and what cannot be computed (process data for spend-based parts)."""
    total = result.total_kg_co2e
    rows = []

    def add(case: str, alternative: str, value: float | None) -> None:
        if value is None:
            rows.append([case, alternative, "not computed", "", ""])
        else:
            rows.append([case, alternative, kg(value), f"{value - total:+,.1f}",
                         pct((value - total) / total if total else None)])

    location = claim.get("location_based_total_kg_co2e")
    if claim.get("basis") == LOCATION:
        kwh, factor = claim.get("factory_kwh") or 0.0, claim.get("supply_kg_co2e_per_kwh") or 0.0
        add("Electricity basis", "factory electricity at 0 kg CO2e/kWh (the most any contractual instrument "
            f"could remove: {kg(kwh)} kWh x {factor:.4g})", total - kwh * factor)
    else:
        add("Electricity basis", f"location-based grid average {claim.get('location_grid')}", location)
    for alt in alternatives:
        if alt.get("reference_value") is None:
            rows.append([f"Next-best source: {alt['dataset']}", "no independent value in "
                         "lci_data/reference_checks.csv", "not computed", "", ""])
            continue
        add(f"Next-best source: {alt['dataset']}",
            f"{alt['reference_value']:.4g} {alt['reference_unit']} ({alt['source']}) instead of pcf's "
            f"{alt['pcf_value']:.4g}", total + alt["kg_co2e"] * (alt["reference_value"] / alt["pcf_value"] - 1.0))
    if not alternatives:
        rows.append(["Next-best source of the largest factors", "no alternative values passed to the report "
                     "(`pcf report` adds the independent values of lci_data/reference_checks.csv)", "not computed",
                     "", ""])
    estimated = next((r for r in by_status if r.get("status") == "estimated"), None)
    if estimated and estimated.get("kg_co2e"):
        for sign in (-1, 1):
            add("Estimated masses", f"{sign * ESTIMATE_SPAN:+.0%} on the {estimated['lines']} estimated lines",
                total + sign * ESTIMATE_SPAN * estimated["kg_co2e"])
    spend = (result.coverage or {}).get("spend_based_share") or 0.0
    rows.append(["Process vs spend-based components", f"{pct(spend)} of the CFP is on spend-based (EEIO) factors; "
                 "lci_data holds no process-based alternative for them", "not computed", "", ""])
    return Table(["case", "alternative data", "CFP kg CO2e", "change kg", "change"], rows,
                 caption="Alternative-data cases (each changes one choice; the model is linear, so each is exact)",
                 numeric=(2, 3, 4))
