"""What the CFP study report says: every ISO 14067 clause-7 item as plain data (text, tables, numbers) from a Result.

Renderers (`html`, `excel`) only lay this out; nothing here solves anything (the report never re-solves). Linear
sensitivities are read off the link table, which is exact because the model is linear in every factor.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import pandas as pd

from ..results import electricity_by_stage, gwp_disclosure
from .charts import STAGE_LABELS, hotspot_lines

# (id, title) of every section, in order; the HTML report has one <section id=...> per entry
SECTIONS = (
    ("summary", "Summary of results"),
    ("goal", "Goal and type of study"),
    ("declared-unit", "Declared unit and reference flow"),
    ("system-boundary", "System boundary"),
    ("cut-off", "Cut-off criteria and excluded items"),
    ("allocation", "Allocation"),
    ("data-quality", "Data sources and data quality"),
    ("gwp", "Greenhouse gases and GWP set"),
    ("results-stage", "Results by life-cycle stage"),
    ("ghg-split", "Fossil, biogenic and land-use change emissions and removals"),
    ("results-gas", "Results by greenhouse gas"),
    ("results-module", "Results by module"),
    ("results-material", "Results by material"),
    ("hotspots", "Hotspots"),
    ("product-system", "Product system"),
    ("primary-data", "Primary data share"),
    ("sensitivity", "Sensitivity and uncertainty"),
    ("interpretation", "Interpretation"),
    ("assumptions", "Assumptions, value choices and limitations"),
    ("review", "Review, verification and audit trail"),
    ("attributions", "Data sources and attributions required by their licences"),
)


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
                  top: int = 15, extra_sections: list[Section] | tuple[Section, ...] = ()) -> ReportContent:
    """Every section of the CFP study report for one Result.

    uncertainty: an uncertainty analysis to show (keys: 'method', 'runs', 'p2_5', 'p50', 'p97_5' in kg CO2e,
    optionally 'notes'); review: who reviewed or verified the study (default: not reviewed); extra_sections:
    sections beside the study (e.g. `pcf.report.supplements`), placed after all ISO 14067 sections.
    """
    fu = result.functional_unit
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
    if all(k in dq for k in ("technologicalDQR", "geographicalDQR", "temporalDQR")):
        s.bullets.append(f"Data quality ratings (1 best, 5 worst): technological {dq['technologicalDQR']:.2f}, "
                         f"geographical {dq['geographicalDQR']:.2f}, temporal {dq['temporalDQR']:.2f}")
    s.bullets += [f"Warning: {w}" for w in result.warnings]

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
    basis = fu.get("factory_electricity_basis") or "location"
    s.paragraphs.append(
        "Included (cradle to gate): raw material acquisition (materials of made parts including their production "
        "scrap, purchased components), production at the maker's factory (manufacturing processes, assembly, "
        "test and factory energy), packaging of the shipped machine and upstream (inbound) transport. Excluded: "
        "distribution to the customer, installation, use, maintenance and end of life (outside a cradle-to-gate "
        "study), and capital goods (machinery and buildings of the maker and its suppliers, PAS 2050 and the "
        "GHG Protocol treat them as non-attributable).")
    s.bullets += [
        f"Time boundary: the data represent the reference year {year}" if year else
        "Time boundary: no reference year was declared in the BOM",
        f"Factory electricity (the maker's own processes, in-house parts and factory energy): {grid} "
        f"({basis}-based). Suppliers' processes run on the grid of the supplier's country or province, and "
        "background datasets on the grid of their own geography (see Results by life-cycle stage)",
        "Offsets: none; the CFP contains no offsetting (ISO 14067 excludes it)",
    ]
    s.charts.append(("boundary", "System boundary diagram: stages inside the cradle-to-gate boundary with their "
                                 "kg CO2e, stages outside it."))

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
            f"({cutoff.get('estimate_basis_kg_co2e_per_kg', 0.0):.2f} kg CO2e per kg). "
            + ("The criteria are met." if cutoff.get("criteria_met", True) else "The criteria are NOT met."))
    else:
        s.paragraphs.append("No cut-off was applied: every line of the BOM is modelled.")
    exclusions = cutoff.get("exclusions") or []
    s.tables.append(Table(
        ["line", "status", "reason", "mass kg / machine", "mass share", "est. kg CO2e", "est. share", "within criteria"],
        [[str(e.get("line_id")), str(e.get("status")), str(e.get("reason") or ""),
          "-" if e.get("mass_kg_per_machine") is None else kg(e["mass_kg_per_machine"], 2),
          pct(e.get("mass_share")), "-" if e.get("kg_co2e") is None else kg(e["kg_co2e"], 2),
          pct(e.get("emission_share")), "yes" if e.get("within_criteria") else "no"] for e in exclusions]
        or [["(none)", "", "every BOM line is modelled", "", "", "", "", ""]],
        caption="Every item left out of the model", numeric=(3, 4, 5, 6)))
    for violation in cutoff.get("violations") or []:
        s.bullets.append(f"Criteria not met: {violation}")
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
    s.bullets += [
        f"Technological DQR {dq.get('technologicalDQR', float('nan')):.2f}, geographical DQR "
        f"{dq.get('geographicalDQR', float('nan')):.2f}, temporal DQR {dq.get('temporalDQR', float('nan')):.2f}; "
        f"share of the footprint from unrated datasets {pct(dq.get('unrated_share'))}",
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
                     "/".join(str(row.get(c, "-")).replace(".0", "") for c in
                              ("dq_technological", "dq_geographical", "dq_temporal")),
                     str(row.get("source_title", ""))])
    s.tables.append(Table(["dataset", "amount / machine", "kg CO2e / unit", "kg CO2e", "share", "geo", "year",
                           "DQR t/g/t", "source"], rows,
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
    gas = result.by_gas.reset_index()
    sections["results-gas"].tables.append(Table(
        ["flow", "gas", "class", "kg", "kg CO2e"],
        [[str(r["flow"]), str(r["gas"]), str(r["ghg_class"]), f"{r['kg']:,.6g}", kg(r["kg_co2e"], 3)]
         for _, r in gas.sort_values("kg_co2e", ascending=False).iterrows()], numeric=(3, 4)))
    sections["results-module"].tables.append(_series_table(result.by_module, total, "module"))
    sections["results-material"].tables.append(_series_table(result.by_material, total, "material"))

    # -- hotspots
    s = sections["hotspots"]
    hot = hotspot_lines(result, top)
    s.tables.append(Table(["BOM line", "kg CO2e", "share", "cumulative"],
                          [[str(k), kg(v), pct(v / total if total else None),
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
        s.tables.append(Table(["primary-data line", "kg CO2e"], [[str(k), kg(v)] for k, v in grouped.items()],
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
    elec = electricity_by_stage(result)
    if len(elec):
        maker = elec[elec["site"] == "maker"]
        others = elec[elec["site"] != "maker"]
        s.bullets.append(
            f"The maker's factory electricity ({kg(float(maker['kwh'].sum()))} kWh, "
            f"{kg(float(maker['kg_co2e'].sum()))} kg CO2e: factory energy and processes on in-house parts) is the "
            "part a market-based supply (e.g. a renewable contract) or another factory grid would change "
            f"(`pcf footprint --grid`); the process electricity of suppliers and background datasets "
            f"({kg(float(others['kwh'].sum()))} kWh, {kg(float(others['kg_co2e'].sum()))} kg CO2e) follows "
            "their own grids.")
    else:
        electricity = frame[frame.get("category", pd.Series(dtype=str)).isin(["electricity", "placeholder"])]
        if len(electricity):
            s.bullets.append(f"Factory electricity and other electricity datasets contribute "
                             f"{kg(float(electricity['kg_co2e'].sum()))} kg CO2e: a market-based supply (e.g. a "
                             "renewable contract) would change that part (`pcf footprint --grid`).")
    estimated = next((r for r in by_status if r.get("status") == "estimated"), None)
    if estimated:
        s.bullets.append(f"Lines with estimated masses or mappings: {estimated['lines']} lines, "
                         f"{pct(estimated['emission_share'])} of the emissions.")
    if mass.get("gap_share") is not None:
        s.bullets.append(f"Mass gap between the BOM and the declared mass: {mass['gap_share']:+.1%}.")
    if uncertainty:
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
        "Sensitivity check: see the previous section.",
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
        "Electricity: " + ("location-based grid average" if basis == "location" else
                           "market-based supply contract (contractual instrument)") + f" ({grid}).",
    ]

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
        subtitle=f"Partial CFP (cradle to gate) according to ISO 14067:2018 - declared unit: one machine"
                 + (f" - reference year {year}" if year else ""),
        created=created,
        sections=[sections[sid] for sid, _ in SECTIONS] + list(extra_sections),
        notices=notices,
    )
