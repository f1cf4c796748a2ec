"""Regenerate lci_data/packs/uslci/{datasets,exchanges}.csv from the USLCI FY21 Q3 release.

Each dataset is an aggregated system process: the cradle-to-gate GHG inventory (kg of each gas per
reference unit) of one USLCI process, solved with bw2calc over the whole imported database
(pcf.data.brightway_import). Deterministic: same input zip -> same CSVs (amounts rounded to 6
significant figures). Needs ../shared at build time; the CSVs are committed.

    python lci_data/packs/uslci/build_uslci.py [--zip PATH] [--project-dir DIR]

Without --project-dir the Brightway project lives in a temporary directory that is removed.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ZIP = HERE.parents[3] / "shared" / "data" / "uslci" / "uslci_fy21_q3_01_olca_10_3_ecospold2.zip"
SOURCE_ID = "uslci_fy21q3"
# AR6 GWP100 used only to write the cross-check figure into the notes (the engine applies the method).
AR6 = {"co2_fossil": 1.0, "co2_luc": 1.0, "ch4_fossil": 29.8, "ch4_biogenic": 27.0, "n2o": 273.0,
       "sf6": 25200.0, "nf3": 17400.0, "hfc_134a": 1530.0, "hfc_32": 771.0, "hfc_125": 3740.0,
       "hfc_143a": 5810.0, "hfc_23": 14600.0, "cf4": 7380.0, "c2f6": 12400.0}
PE2008 = "PlasticsEurope eco-profile (2008) as tabulated by Hopewell et al. 2009, Phil. Trans. R. Soc. B 364:2115, Table 3"
GBT = "China GB/T 51366-2019 Appendix D (via ../shared/data/material-factors)"
DESNZ = "DESNZ 2025 material use, primary production (AR5, incl. forming)"
BIO_CAVEAT = ("USLCI caveat: this release names fossil and biogenic CO2 alike; CO2 of on-site wood/black-liquor "
              "combustion at the mill is counted as fossil here, so fossil CO2 is overstated")

# code, key slug, category, (dq tech, geo, temporal, completeness, reliability), check against published figures
SELECTED = [
    ("48143", "pp_resin", "material", (2, 3, 4, 2, 2), f"PP resin; {PE2008}: 2.0; {DESNZ} PP 2.58. Agrees within 5 %."),
    ("48261", "hdpe_resin", "material", (2, 3, 4, 2, 2), f"HDPE resin; {PE2008}: 1.9; {GBT} HDPE 2.62. Agrees with PlasticsEurope."),
    ("48517", "ldpe_resin", "material", (2, 3, 4, 2, 2), f"LDPE resin; {PE2008}: 2.1; {GBT} LDPE 2.81. USLCI 23 % above PlasticsEurope, below GB/T."),
    ("48178", "lldpe_resin", "material", (2, 3, 4, 2, 2), f"LLDPE resin; {GBT} LLDPE 1.99. Agrees within 10 %."),
    ("48107", "pvc_resin", "material", (2, 3, 4, 2, 2), f"PVC resin; {PE2008}: 1.9; PVC4Pipes (PlasticsEurope) 1.8 kg CO2; {GBT} 7.30 (Chinese carbide route). Agrees with PlasticsEurope."),
    ("52347", "pet_resin", "material", (2, 3, 4, 3, 2), f"PET resin; {PE2008}: 3.4; {DESNZ} PET 3.86. USLCI (ACC 2011) about 40 % below both: check before use; PTA/paraxylene chain has cut-offs."),
    ("48619", "gpps_resin", "material", (2, 3, 4, 2, 2), f"GPPS; {PE2008} PS: 3.4; {GBT} GPPS 4.62. Agrees within 5 % of PlasticsEurope."),
    ("52660", "hips_resin", "material", (2, 3, 4, 2, 2), f"HIPS; {PE2008} PS: 3.4 (GPPS proxy). Agrees within 5 %."),
    ("50995", "eps_resin", "material", (2, 3, 4, 3, 2), f"EPS resin (reference 1000 kg normalised to 1 kg); {PE2008} PS: 3.4 (proxy). USLCI 22 % lower."),
    ("50277", "abs_resin", "material", (2, 3, 4, 2, 2), f"ABS resin; no open ABS figure in ../shared; {DESNZ} average plastics 3.17 (lower bound for a styrenic). Plausible, not independently checked."),
    ("53378", "polyol_rigid_pu", "material", (2, 3, 4, 2, 2), "Polyether polyol for rigid PU foam (ACC 2011); no open independent figure found (ISOPA eco-profile exists, value not read)."),
    ("51024", "polyol_flexible_pu", "material", (2, 3, 4, 2, 2), "Polyether polyol for flexible PU foam (ACC 2011); no open independent figure found."),
    ("50982", "polybutadiene_rubber", "material", (3, 3, 4, 3, 3), "Butadiene rubber (BR); no open independent figure found; synthetic-rubber proxy."),
    ("71519", "pp_part_injection_moulded", "process", (2, 3, 4, 3, 2), f"Injection-moulded rigid PP part incl. the resin (about 1.9 resin + 1.5 conversion); {DESNZ} PP incl. forming 2.58. Conversion share looks high; includes moulding-plant electricity on the US grid."),
    ("71324", "lldpe_part_injection_moulded", "process", (2, 3, 4, 3, 2), "Injection-moulded rigid LLDPE part incl. the resin; same conversion model as the PP part."),
    ("71970", "pp_part_thermoformed", "process", (2, 3, 4, 3, 2), f"Thermoformed rigid PP part incl. the resin; {DESNZ} PP incl. forming 2.58. USLCI higher (sheet extrusion + thermoforming)."),
    ("83186", "aluminium_primary_ingot", "material", (2, 3, 3, 2, 2), "Primary ingot, North American mix (Aluminum Association 2013, 2010 data); IAI global 2022: 15.1; European Aluminium Europe 2015: 6.8. Between the two, as expected for a hydro-heavy grid."),
    ("86155", "aluminium_secondary_ingot", "material", (2, 3, 3, 2, 2), "Secondary (recycled) ingot (Aluminum Association 2013; reference 1000 kg normalised to 1 kg); no open independent figure in ../shared (IAI recycled figures not read)."),
    ("80167", "aluminium_extrusion", "material", (2, 3, 3, 2, 2), "Extruded profile, North American mix incl. recycled content (Aluminum Association 2013; reference 1000 kg normalised). No open extrusion figure (gap noted in ../shared/data/material-factors/README.md)."),
    ("77087", "aluminium_sheet_hot_rolled", "material", (2, 3, 3, 2, 2), f"Hot-rolled sheet/plate, NA mix (AA 2013); {GBT} Al sheet/strip 28.5 (Chinese coal power, primary). Lower because of recycled content and hydro."),
    ("74078", "aluminium_sheet_cold_rolled", "material", (2, 3, 3, 2, 2), f"Cold-rolled sheet, NA mix (AA 2013); {GBT} Al sheet/strip 28.5. See hot-rolled."),
    ("89347", "aluminium_cast_permanent_mould", "material", (2, 3, 4, 3, 3), "Semi-permanent-mould casting from primary metal; consistent with primary ingot (9.1) plus melting/casting losses; no open independent figure."),
    ("89727", "aluminium_cast_sand", "material", (2, 3, 4, 3, 3), "Precision sand casting from primary metal; no open independent figure."),
    ("89171", "aluminium_cast_secondary", "material", (2, 3, 4, 3, 3), "Shape casting from secondary aluminium; no open independent figure."),
    ("89530", "iron_sand_cast", "material", (2, 3, 4, 3, 3), f"Iron sand casting; {GBT} foundry pig iron 2.28. Agrees within 15 %."),
    ("70631", "steel_sheet_hot_rolled", "material", (2, 3, 4, 3, 3), f"Hot-rolled sheet (older USLCI integrated-route unit processes); {GBT} HR wide strip 2.31; worldsteel crude steel 2024 (GHG) 2.18. Agrees."),
    ("70769", "steel_sheet_cold_rolled", "material", (2, 3, 4, 3, 3), f"Cold-rolled sheet; {GBT} cold-rolled coil 2.53. Agrees within 5 %."),
    ("67543", "steel_sheet_galvanised", "material", (2, 3, 4, 3, 3), f"Galvanised sheet; {GBT} hot-dip galvanised coil 3.11. USLCI 13 % lower (zinc upstream partly cut off)."),
    ("32587", "steel_sections_structural", "material", (2, 3, 3, 2, 2), f"Hot-rolled structural sections, US EAF-dominated (AISC 2016 industry-average system process); {GBT} H-beam 2.35 (BOF route). Lower as expected for EAF with scrap."),
    ("54151", "stainless_304_cold_rolled", "material", (3, 4, 3, 2, 3), "Stainless 304 cold-rolled coil, European technology (PE International, EUROFER method). The 0.536 kg stainless scrap input is linked to the EUROFER 'value of scrap' dataset 58646 (6.14 kg CO2 per kg scrap), which adds 0.536 x 6.14 = 3.29 kg CO2 to the 4.12 kg CO2 of the process itself; the materials pack's stainless_steel_304_eu (4.41) is the same process with the scrap cut off, the whole 1.9x difference. pcf's defaults treat scrap as cut-off: use stainless_steel_304 / _cn / _eu; worldstainless 2023: 1.95 (85 % scrap) / 2.45 (75 %) / 3.7 (50 %) / 6.8 (30 %) t CO2/t."),
    ("50104", "unsaturated_polyester_resin", "material", (2, 3, 4, 3, 3), "Unsaturated polyester resin (UPR), US average (Franklin Associates, Life Cycle Inventory of Polymer Composites, for the American Chemistry Council; the same study as the E-glass dataset 70570). No open PlasticsEurope/Composites-industry UP figure was reached; DESNZ average rigid plastics 3.35 is the nearest independent value (checked in reference_checks.csv)."),
    ("90561", "purified_terephthalic_acid", "material", (3, 3, 4, 3, 3), "Purified terephthalic acid (PTA), US average (ACC 2011 plastics inventories); used as the proxy for the aromatic acid/anhydride inputs of UP resin (maleic, phthalic and tetrabromophthalic anhydride) that the USLCI UPR process leaves without an upstream dataset. No independent open PTA figure was reached."),
    ("91938", "ethylene_glycol", "material", (3, 3, 4, 3, 3), "Ethylene glycol, US average (ACC 2011 plastics inventories); used as the proxy for the glycol inputs of UP resin (propylene glycol, neopentyl glycol) that the USLCI UPR process leaves without an upstream dataset. No independent open figure was reached."),
    ("31994", "calcium_carbonate_ground", "material", (2, 3, 3, 3, 3), "Ground calcium carbonate (20 micron) from limestone/marble/chalk rock, US average technology 2014-2015 (reference 1000 kg normalised to 1 kg); the mineral filler of SMC/BMC moulding compounds (pack plastics_packaging: smc, bmc). No independent open figure was reached; a ground mineral is expected well below 0.1 kg CO2e/kg (quarrying, grinding electricity)."),
    ("70570", "glass_fibre_e_glass", "material", (2, 3, 4, 3, 3), "E-glass fibre; no open independent figure in ../shared; plausible vs flat glass (GB/T 1.13) plus fiberising energy."),
    ("32510", "softwood_lumber_planed_kiln_dried", "material", (2, 3, 4, 4, 3), f"Softwood lumber, planed, kiln-dried (CORRIM, per m3); Finnish sawmills EPD (A1-A3, fossil) 30.2 kg CO2e/m3. USLCI about half: upstream forestry and some energy flows are cut off. Biogenic carbon stored in the wood is not in this dataset. {BIO_CAVEAT}."),
    ("41761", "containerboard", "material", (2, 3, 4, 3, 3), f"Containerboard, average production (per kg); FEFCO/Cepi corrugated board 0.49-0.54 kg CO2e/kg cradle-to-grave. USLCI 3x higher: {BIO_CAVEAT}. Not for fossil reporting without correction."),
    ("45593", "corrugated_product", "packaging", (2, 3, 4, 3, 3), f"Corrugated product, average production; FEFCO/Cepi 0.49-0.54 (cradle-to-grave). USLCI much higher: {BIO_CAVEAT}."),
    ("45539", "corrugated_product_recycled", "packaging", (2, 3, 4, 5, 3), "Corrugated product, 100 % recycled; implausibly low vs FEFCO 0.49-0.54 (mill energy of the recycled containerboard is largely cut off: 72 cut-off flows reached). Do not use without review."),
    ("89282", "alumina", "material", (2, 3, 4, 3, 3), "Alumina (Al2O3), Bayer process, at refinery (US, 2.64 kg bauxite, natural gas, residual fuel oil and 0.109 kWh electricity per kg); the powder of alumina technical ceramics (ceramic_alumina in pack plastics_packaging adds the firing energy). Independent: Australian Aluminium Council, alumina refining 2011, 0.71 t CO2e per t alumina (refinery emissions only, no bauxite mining or chemicals upstream)."),
    ("71046", "hdpe_recycled_pellet", "material", (2, 3, 4, 3, 3), "Post-consumer recycled HDPE pellet (collection, sorting, reprocessing); Hopewell et al. 2009 give 1.4 as a typical recycling order of magnitude. Plausible."),
]


def _sig(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def build(zip_path: Path, project_dir: Path) -> None:
    from pcf.data.brightway_import import (
        DATASET_COLUMNS, EXCHANGE_COLUMNS, cumulative_ghg_inventory, import_uslci_ecospold1, open_project, pcf_unit,
    )

    database = import_uslci_ecospold1(zip_path, project_dir, "uslci")
    bd = open_project(project_dir)
    codes = [row[0] for row in SELECTED]
    inventory = cumulative_ghg_inventory(project_dir, database, codes)
    datasets, exchanges = [], []
    for code, slug, category, dq, check in SELECTED:
        node = bd.get_node(database=database, code=code)
        key = f"uslci_{slug}"
        rows = inventory[inventory["code"] == code]
        gwp = sum(AR6.get(flow, 0.0) * amount for flow, amount in zip(rows["flow_key"], rows["amount"]))
        cutoffs = inventory.attrs["cutoff_supply"][code]
        negative = [f"{f} {a:.3g}" for f, a in zip(rows["flow_key"], rows["amount"]) if a < -1e-12]
        year = next((str(v)[:4] for t, v in node.get("tags", []) if t == "ecoSpold01endDate"), "")
        unit = pcf_unit(node["unit"])
        notes = (
            f"Aggregated system process: cumulative cradle-to-gate GHG inventory of USLCI dataset {code} "
            f"'{node['name']}' per 1 {unit}, solved with bw2calc over the cleaned USLCI import "
            f"(pcf.data.brightway_import.USLCI_CLEANING_STEPS). AR6 GWP100 of these amounts: {gwp:.3g} kg CO2e/{unit}. "
            f"Check: {check} Cut-off flows reached upstream: {len(cutoffs)} "
            f"(zero burden; e.g. {'; '.join(sorted(cutoffs)[:3]) or 'none'}). "
            f"No allocation of co-products (all burdens on the reference product)."
            + (f" Negative cumulative amounts left out: {', '.join(negative)}." if negative else "")
        )
        datasets.append({
            "key": key, "name": node["name"], "category": category, "unit": unit,
            "geography": "US", "reference_year": year, "source_id": SOURCE_ID,
            "source_locator": f"EcoSpold01 dataset number {code}",
            "dq_technological": dq[0], "dq_geographical": dq[1], "dq_temporal": dq[2],
            "dq_completeness": dq[3], "dq_reliability": dq[4], "aircraft": "false",
            "gwp_basis": "AR6", "notes": notes,
        })
        for flow, amount in sorted(zip(rows["flow_key"], rows["amount"])):
            if amount <= 0 or _sig(amount) == 0:
                continue
            exchanges.append({
                "dataset": key, "kind": "biosphere", "input": flow, "amount": _sig(amount), "unit": "kg",
                "comment": f"cumulative over USLCI FY21 Q3 (bw2calc), per {unit}",
            })
    with open(HERE / "datasets.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=DATASET_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(datasets)
    with open(HERE / "exchanges.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXCHANGE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(exchanges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP)
    parser.add_argument("--project-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.project_dir is not None:
        build(args.zip, args.project_dir)
        return
    with tempfile.TemporaryDirectory(prefix="pcf-uslci-") as tmp:
        build(args.zip, Path(tmp))


if __name__ == "__main__":
    main()
