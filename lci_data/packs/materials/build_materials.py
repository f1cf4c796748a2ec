"""Build the `materials` pack (sources.csv, datasets.csv, exchanges.csv, pack.yaml) from ../shared/data.

Run from anywhere:  .venv/bin/python lci_data/packs/materials/build_materials.py
Inputs: shared/data/material-factors/factors.csv (published association / government figures, each with its page)
        shared/data/uslci/uslci_2017_olca1_5_0_json_ld.zip (US LCI, CC0: per-gas cradle-to-gate inventories that
        associations published through the Federal LCA Commons)
Deterministic: same inputs -> byte-identical outputs. Never uses ecoinvent, Bath ICE, Idemat or Boavizta values.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from lci_build import (NG_KWH_PER_M3, SHARED, Pack, Uslci, ar6_factors, co2e, fmt,  # noqa: E402
                       write_pack_yaml)

FACTORS_CSV = SHARED / "data" / "material-factors" / "factors.csv"
USLCI_SRC = "uslci_2017"

# USLCI process ids used here (openLCA JSON-LD @id of the process)
U = {
    "hr_sheet": "bc251c04-d2b2-366f-af0c-99d8fc2ed467",
    "cr_sheet": "c378e883-97fc-3714-b923-d7271b8fcbac",
    "galv_sheet": "d6510d2d-d29c-3705-b686-b7903cd6e6bd",
    "beams": "60b5e1ee-3f9c-39e4-ad2f-68cfe3a71956",
    "ss304_coil": "49f5324b-fc33-36e9-b5af-3c80d73492bd",
    "al_primary": "99963138-ddf9-3b32-9e93-69593d76cb08",
    "al_extrusion": "77fe2197-8861-3569-8d85-07151789b1e7",
    "al_cold_rolling": "2b196386-eb1a-352a-aeda-4d003144f6df",
    "al_hot_rolling": "381d3e3d-29ae-3101-a95b-56a4cec08486",
    "al_secondary": "bcc68f88-debb-3fc3-93ee-5ceadcef0b14",
    "al_shape_cast": "a9fd0eec-60dd-3506-8a22-6f8715f80f4e",
    "al_sec_rolled": "3f888c9f-35e2-3162-bc14-49700cff888c",
    "iron_sand_cast": "076898a5-e1ce-3c50-9df4-6445fc0bb6aa",
    "zinc_shg": "230e8d51-1f4d-3459-be47-429b0b828add",
}

# EPA GHG Emission Factors Hub 2025, Table 1, 'Bituminous': 24.93 mmBtu/short ton, 93.28 kg CO2, 11 g CH4,
# 1.6 g N2O per mmBtu (AR5-era per-gas factors; gas masses are GWP-independent).
COAL_MMBTU_PER_KG = 24.93 / 907.18474
COAL_KG_CO2_PER_MMBTU, COAL_KG_CH4_PER_MMBTU, COAL_KG_N2O_PER_MMBTU = 93.28, 0.011, 0.0016


def read_factors() -> dict[str, dict]:
    with open(FACTORS_CSV, encoding="utf-8") as fh:
        return {r["key"]: r for r in csv.DictReader(fh)}


def main() -> None:
    f = read_factors()
    uslci = Uslci()
    gwp = ar6_factors()
    p = Pack()

    # ---------------------------------------------------------------- sources
    p.source(source_id="worldsteel_si_2025", kind="association", read_at="https://www.marketsteel.com/news-details/worldsteel-global-steel-industry-expands-sustainability-reporting.html", title="Sustainability Indicators 2025 report (2024 data): GHG emissions "
             "intensity of crude steel", publisher="World Steel Association (worldsteel)", year="2025",
             url="https://worldsteel.org/data/sustainability-indicators/",
             licence="facts quoted with attribution; worldsteel publications (c) World Steel Association, all rights "
             "reserved", attribution="World Steel Association, Sustainability Indicators 2025",
             notes="secondary citation (trade-press page quoting worldsteel); worldsteel product-level LCI datasets "
             "are under a data-use agreement and are not used")
    p.source(source_id="gbt_51366_2019", kind="standard", read_at="a public code repository reproducing Appendix D (see shared/data/material-factors/README.md)", title="GB/T 51366-2019 Standard for building carbon emission calculation, "
             "Appendix D (building material carbon emission factors)", publisher="MOHURD / SAMR (China)",
             year="2019", url=f["gb51366_steel_avg"]["url"],
             licence="Chinese national standard; numeric factors quoted with attribution (text (c) publisher)",
             attribution="GB/T 51366-2019, Appendix D",
             notes="values read from a public code repository reproducing Appendix D (see shared material-factors "
             "README); verify against the printed standard. kgCO2e/t divided by 1000")
    p.source(source_id="iai_ghg_2022", kind="association", read_at="https://aluminium.org.au/news/aluminium-industry-reports-decline-in-greenhouse-gas-emissions/", title="IAI greenhouse gas emissions intensity, primary aluminium, 2022 data "
             "(news release Feb 2024)", publisher="International Aluminium Institute (IAI)", year="2024",
             url="https://international-aluminium.org/statistics/greenhouse-gas-emissions-aluminium-sector/",
             licence="facts quoted with attribution; IAI statistics (c) International Aluminium Institute",
             attribution="International Aluminium Institute (IAI)",
             notes="secondary citation (Australian Aluminium Council news page quoting IAI)")
    p.source(source_id="european_aluminium_epr_2018", kind="association", title="Environmental Profile Report 2018 (key takeaways and "
             "press release of 21 Feb 2018)", publisher="European Aluminium", year="2018",
             url=f["al_primary_europe_2015_ea"]["url"],
             licence="facts quoted with attribution; full report available on registration",
             attribution="European Aluminium, Environmental Profile Report 2018")
    p.source(source_id="ica_net_zero_2023", kind="association", read_at="https://miningeurope.news/ (Reuters text)", title="Copper - The Pathway to Net Zero (2023), as reported by Reuters",
             publisher="International Copper Association (ICA)", year="2023",
             url="https://internationalcopper.org/",
             licence="facts quoted with attribution; (c) ICA / Reuters",
             attribution="International Copper Association, Copper - The Pathway to Net Zero (2023)",
             notes="secondary citation (Reuters text reproduced on miningeurope.news)")
    p.source(source_id="worldstainless_co2_2023", kind="association", read_at="https://recyclingtoday.com/news/world-stainless-steel-association-recycling-co2-emissions-report/", title="Stainless Steel CO2 Emissions Report (5 Sep 2023), Table 1",
             publisher="World Stainless Association (worldstainless)", year="2023",
             url="https://worldstainless.org/news/stainless-steel-co2-emissions-report/",
             licence="facts quoted with attribution; report (c) worldstainless",
             attribution="World Stainless Association, Stainless Steel CO2 Emissions Report 2023",
             notes="secondary citation (Recycling Today); original at worldstainless.org/news/stainless-steel-co2-"
             "emissions-report/")
    p.source(source_id="ame_zinc_2025", kind="secondary copy", title="AME feature article on the carbon footprint of zinc (faId=1170)",
             publisher="AME Group (consultancy)", year="2025", url=f["nickel_global_range_ame2025"]["url"],
             licence="facts quoted with attribution; (c) AME Group", attribution="AME Group",
             notes="commercial estimate; used only as a flagged placeholder (nickel)")
    p.source(source_id="eu_cbam_defaults_2025", kind="government", read_at="https://cbamdefaults.com/cbam/product/722870", title="EU CBAM default values, Implementing Regulation (EU) 2025/2621 "
             "(country defaults, China)", publisher="European Commission (DG TAXUD)", year="2025",
             url="https://taxation-customs.ec.europa.eu/carbon-border-adjustment-mechanism_en",
             licence="EU document: reuse authorised with attribution (Commission Decision 2011/833/EU)",
             attribution="European Commission, CBAM default values",
             notes="secondary page cbamdefaults.com; direct emissions only; conservative regulatory defaults")
    p.source(source_id="plasticseurope_hopewell_2009", kind="peer-reviewed", title="Hopewell, Dvorak & Kosior (2009), Plastics recycling: "
             "challenges and opportunities, Phil. Trans. R. Soc. B 364:2115-2126, Table 3 (PlasticsEurope "
             "eco-profiles)", publisher="The Royal Society (open access, PubMed Central)", year="2009",
             url=f["plastic_pp_eu_pe2008"]["url"],
             licence="open-access journal article; figures quoted with attribution",
             attribution="Hopewell et al. 2009, doi:10.1098/rstb.2008.0311, citing PlasticsEurope eco-profiles")
    p.source(source_id=USLCI_SRC, kind="database", title="U.S. Life Cycle Inventory Database (USLCI), openLCA 1.5 JSON-LD export "
             "(766 processes, committed 2017-12-28)", publisher="National Renewable Energy Laboratory (NREL) / "
             "Federal LCA Commons", year="2017",
             url="https://github.com/FLCAC-admin/uslci-content (downloads/uslci_olca1_5_0_json_ld)",
             licence="CC0 1.0 / public domain (US federal government data)",
             attribution="U.S. Life Cycle Inventory Database (USLCI), National Renewable Energy Laboratory, 2017 "
             "openLCA 1.5 JSON-LD export",
             notes="aggregated association inventories inside USLCI: Aluminum Association / PE International (2010 "
             "data), International Zinc Association (2005 data), PE International stainless 304 (2008-2012), "
             "steel sheet by Markus Engineering / Franklin Associates (1993-2002), MBMA structural steel "
             "(2011-2013); locators give the process @id")
    p.source(source_id="epa_ghg_hub_2025", kind="government", title="GHG Emission Factors Hub 2025, Table 1 Stationary Combustion",
             publisher="US EPA", year="2025", url="https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
             licence="US government work, public domain", attribution="US EPA GHG Emission Factors Hub (2025)",
             notes="used only for unit conversions: natural gas HHV 0.001026 mmBtu/scf; bituminous coal per-gas "
             "factors")

    ng_note = (f"natural gas m3 -> kWh gross CV at {fmt(NG_KWH_PER_M3)} kWh/m3 (EPA Hub 2025 Table 1: 0.001026 "
               "mmBtu/scf x 35.3147 scf/m3 x 293.071 kWh/mmBtu)")

    def aggregated(key, name, row_key, source_id, *, geography, year, dq, notes, scale=1.0, basis=None,
                   flow="co2e_aggregated"):
        """A dataset carrying one published CO2e (or CO2) per kg figure from shared material-factors."""
        r = f[row_key]
        value = float(r["value"]) * scale
        gwp_basis = basis or ("CO2 only" if flow == "co2_fossil" else "unknown")
        p.dataset(key, name, category="material", unit="kg", geography=geography, year=year, source_id=source_id,
                  locator=r["source_locator"], dq=dq, gwp_basis=gwp_basis,
                  notes=f"{notes} Source figure {r['value']} ({r['unit']}); scope: {r['scope']}. "
                        f"Shared material-factors key {row_key}.")
        p.bio(key, flow, value, f"{fmt(value)} kg {'CO2' if flow == 'co2_fossil' else 'CO2e'} per kg as published")

    def from_uslci(key, name, uid, *, geography, year, dq, notes, scale=1.0):
        gases, excluded = uslci.gases(U[uid])
        proc = uslci.process(U[uid])
        total = co2e(gases, gwp) * scale
        excl = ""
        if excluded:
            excl = (" Excluded ozone-depleting halocarbons (not Kyoto gases): "
                    + ", ".join(f"{n} {fmt(a * scale)} kg" for n, a in sorted(excluded.items())) + ".")
        parts = " + ".join(f"{k} {fmt(a * scale)} x {fmt(gwp[k])}" for k, a in sorted(gases.items()))
        p.dataset(key, name, category="material", unit="kg", geography=geography, year=year, source_id=USLCI_SRC,
                  locator=f"process '{proc['name']}' @id {U[uid]}, output exchanges (per-gas elementary flows) "
                          f"divided by the reference amount {fmt(uslci.reference_amount(proc))}",
                  dq=dq, gwp_basis="AR6",
                  notes=f"{notes} Per-gas cradle-to-gate inventory; CO2e (AR6) = {parts} = {fmt(total)} kg CO2e/kg. "
                        "Scrap and waste inputs are cut-off flows (recycled-content approach); biogenic uptake "
                        f"('Carbon dioxide, in air') not credited.{excl}")
        for k, a in sorted(gases.items()):
            p.bio(key, k, a * scale, f"USLCI '{proc['name']}': {fmt(a * scale)} kg {k} per kg")
        return total

    # ================================================================ ferrous
    aggregated("steel_crude_global", "Crude steel, all routes, global average (worldsteel 2024)",
               "steel_crude_global_2024_ghg", "worldsteel_si_2025", geography="GLO", year=2024, dq=(3, 2, 1, 2, 3),
               notes="Most defensible global steel figure: worldsteel association average, GHG (CO2+CH4+N2O) incl. "
                     "upstream mining, ~half of world output reporting. Crude steel, NOT a finished product "
                     "(rolling/coating add emissions): use the semi-finished datasets for parts. GWP set not stated.")
    aggregated("steel_cn", "Carbon steel, market average, China (GB/T 51366)", "gb51366_steel_avg", "gbt_51366_2019",
               geography="CN", year=2019, dq=(3, 1, 3, 3, 3),
               notes="Chinese national standard (building sector) factor for market-average carbon steel; preferred "
                     "for steel bought in China. 2050 kgCO2e/t / 1000.")
    for key, name, row, note in (
        ("steel_hot_rolled_cn", "Hot-rolled wide strip/coil, China (GB/T 51366)", "gb51366_steel_hr_strip",
         "Hot-rolled wide strip 2310 kgCO2e/t / 1000."),
        ("steel_plate_cn", "Hot-rolled medium/heavy plate, China (GB/T 51366)", "gb51366_steel_plate",
         "Medium/heavy plate (machine frames, base plates) 2400 kgCO2e/t / 1000."),
        ("steel_cold_rolled_cn", "Cold-rolled coil, China (GB/T 51366)", "gb51366_steel_crc",
         "Cold-rolled coil (sheet-metal enclosures) 2530 kgCO2e/t / 1000."),
        ("steel_galvanised_cn", "Hot-dip galvanised coil, China (GB/T 51366)", "gb51366_steel_hdg",
         "Hot-dip galvanised coil 3110 kgCO2e/t / 1000."),
        ("steel_section_cn", "Hot-rolled medium sections, China (GB/T 51366)", "gb51366_steel_section_medium",
         "Hot-rolled medium sections 2365 kgCO2e/t / 1000."),
        ("steel_bar_cn", "Hot-rolled bar, China (GB/T 51366)", "gb51366_steel_bar",
         "Hot-rolled bars (shafts, machined parts) 2340 kgCO2e/t / 1000."),
        ("steel_tube_welded_cn", "Welded straight-seam steel tube, China (GB/T 51366)", "gb51366_steel_welded_tube",
         "Welded tube 2530 kgCO2e/t / 1000."),
    ):
        aggregated(key, name, row, "gbt_51366_2019", geography="CN", year=2019, dq=(2, 1, 3, 3, 3),
                   notes=f"Chinese national standard product factor. {note}")

    from_uslci("steel_hot_rolled", "Hot-rolled steel sheet, at plant (North America, integrated route mix)",
               "hr_sheet", geography="RNA", year=2002, dq=(2, 3, 5, 2, 3),
               notes="Chosen because it is the only open per-gas product-level inventory for hot-rolled steel "
                     "(worldsteel product LCIs are under a data-use agreement). Data 1993-2002 (temporal 5); "
                     "includes 0.29 kg scrap per kg as a cut-off input. Cross-check: worldsteel 2024 crude steel "
                     "2.18 kg CO2e/kg; GB/T 51366 China hot-rolled strip 2.31.")
    from_uslci("steel_cold_rolled", "Cold-rolled steel sheet, at plant (North America)", "cr_sheet",
               geography="RNA", year=2002, dq=(2, 3, 5, 2, 3),
               notes="Same USLCI steel family as steel_hot_rolled (pickling, cold rolling, annealing included). "
                     "Cross-check: GB/T 51366 China cold-rolled coil 2.53.")
    from_uslci("steel_galvanised", "Galvanised steel sheet, at plant (North America, continuous galvanising)",
               "galv_sheet", geography="RNA", year=2002, dq=(2, 3, 5, 2, 3),
               notes="Continuous hot-dip galvanised sheet incl. zinc; for batch galvanising of fabricated parts use "
                     "a steel dataset plus the process galvanising_hot_dip. Cross-check: GB/T 51366 China HDG coil "
                     "3.11.")
    from_uslci("steel_section", "Structural steel sections (beams and columns), at plant (North America)", "beams",
               geography="RNA", year=2013, dq=(2, 3, 3, 2, 3),
               notes="Metal Building Manufacturers Association inventory (2011-2013) inside USLCI; North American "
                     "sections are mostly scrap-based EAF steel, so this is LOW for BOF-route sections from "
                     "Asia: use steel_section_cn (2.365) for Chinese supply.")
    aggregated("tool_steel", "Tool / alloy steel (PLACEHOLDER: CBAM default for Chinese alloy-steel sections)",
               "cbam_cn_alloy_sections_722870", "eu_cbam_defaults_2025", geography="CN", year=2026,
               dq=(4, 3, 2, 4, 4),
               notes="No open LCA figure for tool steel was found. Proxy: EU CBAM country default for CN 7228 70 "
                     "(angles/shapes/sections of other alloy steel, China), a conservative regulatory default of "
                     "DIRECT emissions only (excludes electricity and upstream supply; base value before the "
                     "2026-2028 mark-ups). Likely an over-estimate for EAF tool steel from scrap, an under-estimate "
                     "of full cradle-to-gate for BF route; flagged placeholder.")

    # stainless
    from_uslci("stainless_steel_304", "Stainless steel 304, cold-rolled flat coil (European technology)",
               "ss304_coil", geography="RNA", year=2012, dq=(1, 3, 4, 2, 3),
               notes="Grade-specific inventory by PE International per the EUROFER/worldsteel method (2008-2012) "
                     "published in USLCI; 0.536 kg stainless scrap per kg is a cut-off input (with the ISSF "
                     "scrap-burden approach it would add 0.536 x 6.14 kg CO2). Cross-check: worldstainless 2023 "
                     "(CO2 only) 3.7 at 50 % scrap, 2.45 at 75 % scrap.")
    aggregated("stainless_steel_generic", "Stainless steel, global industry average (50 % scrap feed), CO2 only",
               "stainless_scrap50_co2", "worldstainless_co2_2023", geography="GLO", year=2023, dq=(3, 2, 1, 3, 3),
               flow="co2_fossil",
               notes="worldstainless cradle-to-gate (scope 1+2+3) CO2 at a 50 % scrap feed, taken as the global "
                     "generic value (scrap-based regions ~75-85 %, NPI route ~30 %). CO2 only: non-CO2 gases are "
                     "excluded (typically a few % for stainless).")
    s304 = co2e(uslci.gases(U["ss304_coil"])[0], gwp)
    p.dataset("stainless_steel_316", "Stainless steel 316 (modelled as 304 plus molybdenum/nickel uplift)",
              category="material", unit="kg", geography="RNA", year=2012, source_id=USLCI_SRC,
              locator=f"process 'Steel, stainless 304, flat rolled coil' @id {U['ss304_coil']}",
              dq=(4, 3, 4, 3, 4), gwp_basis="AR6",
              notes=f"No open 316 inventory with gas detail was found. Modelled as 1.0 kg stainless_steel_304 "
                    f"({fmt(s304)} kg CO2e/kg) x 1.2 uplift for the extra Ni (10-14 % vs 8-10.5 %) and 2-3 % Mo of "
                    "grade 316: engineering assumption, NOT a cited figure (dq 4). The USLCI/NETL 316 2B dataset "
                    "(World Stainless 2005 LCI, 5.4 kg CO2 + 2.43 kWh per kg) was not used because its CO2 and "
                    "electricity are not separable from the 80 % recycled-content scrap credit.")
    p.tech("stainless_steel_316", "stainless_steel_304", 1.2, "kg",
           "1.2 kg-equivalent of 304: assumed +20 % for Ni/Mo content (engineering estimate)")

    # cast iron: foundry pig iron (GB/T) + USLCI sand-casting energy
    coal = 0.0796
    p.dataset("cast_iron", "Grey/ductile iron casting, sand cast (foundry pig iron charge + foundry energy)",
              category="material", unit="kg", geography="GLO", year=2004, source_id=USLCI_SRC,
              locator=f"process 'Iron, sand casted' @id {U['iron_sand_cast']} (1.04 kg metal charge, 1.2 kWh, "
                      "0.0796 kg bituminous coal); metal charge from GB/T 51366 Appendix D row '铸造生铁'",
              dq=(3, 3, 4, 3, 4), gwp_basis="unknown",
              notes="Foundry energy and yield from the USLCI sand-casting unit process (Franklin Associates / "
                    "Vehicle Recycling Partnership, 2004); the metal charge (1.04 kg/kg) is modelled as foundry pig "
                    "iron (GB/T 51366, 2.28 kg CO2e/kg, China), which over-estimates foundries charging mostly "
                    "scrap. Coal 0.0796 kg x 0.02748 mmBtu/kg x 93.28 kg CO2/mmBtu = 0.204 kg CO2 (EPA Hub 2025 "
                    "Table 1 bituminous). Oxygen, NaOH, minor fuels (<1 %) excluded.")
    p.tech("cast_iron", "pig_iron_foundry_cn", 1.04, "kg", "metal charge 1.04 kg per kg casting (USLCI)")
    p.tech("cast_iron", "electricity_factory", 1.2, "kWh", "foundry electricity 1.2 kWh/kg (USLCI)")
    mmbtu = coal * COAL_MMBTU_PER_KG
    p.bio("cast_iron", "co2_fossil", mmbtu * COAL_KG_CO2_PER_MMBTU, f"coal {coal} kg x {fmt(COAL_MMBTU_PER_KG)} "
          f"mmBtu/kg x 93.28 kg CO2/mmBtu")
    p.bio("cast_iron", "ch4_fossil", mmbtu * COAL_KG_CH4_PER_MMBTU, "coal: 11 g CH4/mmBtu (EPA Hub Table 1)")
    p.bio("cast_iron", "n2o", mmbtu * COAL_KG_N2O_PER_MMBTU, "coal: 1.6 g N2O/mmBtu (EPA Hub Table 1)")
    aggregated("pig_iron_foundry_cn", "Foundry pig iron, China (GB/T 51366)", "gb51366_pig_iron_foundry",
               "gbt_51366_2019", geography="CN", year=2019, dq=(2, 1, 3, 3, 3),
               notes="Foundry pig iron 2280 kgCO2e/t / 1000; metal charge of cast_iron.")

    # ================================================================ aluminium
    aggregated("aluminium_primary_global", "Primary aluminium ingot, global average (IAI 2022)",
               "al_primary_global_2022_iai", "iai_ghg_2022", geography="GLO", year=2022, dq=(1, 2, 1, 2, 3),
               notes="Association figure, IAI cradle-to-gate system boundary (mining to cast ingot incl. PFCs). "
                     "0 % recycled content.")
    aggregated("aluminium_primary_cn", "Primary (electrolytic) aluminium, China (GB/T 51366)", "gb51366_al_primary",
               "gbt_51366_2019", geography="CN", year=2019, dq=(1, 1, 3, 3, 3),
               notes="Chinese national standard, 20300 kgCO2e/t / 1000; consistent with European Aluminium's "
                     "quoted Chinese average of 20 kg CO2e/kg (2015).")
    aggregated("aluminium_primary_eu", "Primary aluminium produced in Europe (European Aluminium 2015 data)",
               "al_primary_europe_2015_ea", "european_aluminium_epr_2018", geography="RER", year=2015,
               dq=(1, 1, 3, 3, 3),
               notes="Association LCA (EU+EFTA smelters, hydro-heavy power mix). The source states the unit once as "
                     "CO2 and once as CO2e (~7), so it is carried as aggregated CO2e.")
    from_uslci("aluminium_primary_na", "Primary aluminium ingot, North America (Aluminum Association 2010 data)",
               "al_primary", geography="RNA", year=2010, dq=(1, 2, 3, 2, 2),
               notes="Aluminum Association / PE International 2013 LCA inside USLCI, per gas incl. CF4 and C2F6.")
    from_uslci("aluminium_extrusion", "Aluminium extrusion (profile), at plant, North America (Aluminum "
               "Association 2010 data)", "al_extrusion", geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
               notes="Association cradle-to-gate of extruded profile (billet from the NA primary/secondary mix; "
                     "0.43 kg scrap per kg is a cut-off input). For profiles from China (coal power) this is low: "
                     "aluminium_primary_cn + extrusion energy would be ~2.5x higher.")
    from_uslci("aluminium_sheet", "Aluminium sheet, cold rolled, at plant, North America (Aluminum Association "
               "2010 data)", "al_cold_rolling", geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
               notes="Association cradle-to-gate of cold-rolled sheet (0.65 kg scrap per kg cut-off). Use "
                     "aluminium_sheet_cn for Chinese sheet.")
    from_uslci("aluminium_plate_hot_rolled", "Aluminium plate/sheet, hot rolled, at plant, North America "
               "(Aluminum Association 2010 data)", "al_hot_rolling", geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
               notes="Association cradle-to-gate of hot-rolled plate (0.72 kg scrap per kg cut-off).")
    aggregated("aluminium_sheet_cn", "Aluminium sheet and strip, China (GB/T 51366)", "gb51366_al_sheet",
               "gbt_51366_2019", geography="CN", year=2019, dq=(1, 1, 3, 3, 3),
               notes="Chinese national standard, 28500 kgCO2e/t / 1000 (primary-based sheet, coal power).")
    from_uslci("aluminium_recycled", "Secondary (recycled) aluminium ingot, North America (Aluminum Association "
               "2010 data)", "al_secondary", geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
               notes="Association inventory of remelting/refining scrap to ingot; 1.04 kg scrap per kg is a "
                     "cut-off input (no burden from the first life).")
    p.dataset("aluminium_cast", "Aluminium shape casting from secondary alloy (ingot + foundry energy)",
              category="material", unit="kg", geography="RNA", year=1998, source_id=USLCI_SRC,
              locator=f"process 'Aluminum, secondary, shape casted' @id {U['al_shape_cast']}: 0.975 kg secondary "
                      "ingot, 0.5635 m3 natural gas, 0.8268 kWh per kg",
              dq=(2, 3, 5, 3, 3), gwp_basis="AR6",
              notes="Cast aluminium parts are mostly secondary alloy, so the ingot input is aluminium_recycled; "
                    "foundry energy from the Franklin Associates / Aluminum Association unit process in USLCI "
                    f"(1998). {ng_note}: 0.5635 x {fmt(NG_KWH_PER_M3)} = {fmt(0.5635 * NG_KWH_PER_M3)} kWh. "
                    "For primary-alloy castings replace the ingot with a primary dataset.")
    p.tech("aluminium_cast", "aluminium_recycled", 0.975, "kg", "secondary ingot 0.975 kg per kg casting (USLCI)")
    p.tech("aluminium_cast", "natural_gas_combusted", 0.5635 * NG_KWH_PER_M3, "kWh",
           f"0.5635 m3 x {fmt(NG_KWH_PER_M3)} kWh/m3 (gross CV)")
    p.tech("aluminium_cast", "electricity_factory", 0.8268, "kWh", "foundry electricity 0.8268 kWh/kg (USLCI)")

    # ================================================================ copper and other non-ferrous
    aggregated("copper_cathode", "Refined copper cathode, global industry average (ICA 2018)",
               "cu_refined_global_2018_ica", "ica_net_zero_2023", geography="GLO", year=2018, dq=(1, 2, 2, 2, 3),
               notes="Association figure (scope 1+2+3 of refined copper, blended primary+secondary).")
    # Copper semis: no open figure; modelled as cathode + remelt/rolling energy proxy (aluminium secondary rolling)
    roll_kwh, roll_m3 = 2.19, 0.19488
    for key, name, yield_note in (
        ("copper_wire", "Copper wire (rod casting, rolling and drawing) - modelled", "wire rod + drawing"),
        ("copper_busbar", "Copper busbar / flat bar (casting and rolling/extrusion) - modelled", "busbar"),
    ):
        p.dataset(key, name, category="material", unit="kg", geography="GLO", year=2018, source_id=USLCI_SRC,
                  locator=f"copper: ICA 2018 (copper_cathode); processing energy proxy: USLCI process 'Aluminum, "
                          f"secondary, rolled' @id {U['al_sec_rolled']} (2.19 kWh and 0.19488 m3 natural gas per kg)",
                  dq=(4, 3, 3, 3, 4), gwp_basis="unknown",
                  notes=f"No open figure for copper semis was found (ICA/IWCC semis LCA exists, number not reached). "
                        f"Modelled as 1.02 kg copper_cathode (2 % melt/scrap loss, assumption) plus processing "
                        f"energy for {yield_note} taken from the USLCI secondary aluminium remelt-and-roll unit "
                        f"process as a stated proxy (melting in a gas shaft furnace, rolling, finishing): 2.19 kWh "
                        f"electricity and 0.19488 m3 x {fmt(NG_KWH_PER_M3)} = {fmt(roll_m3 * NG_KWH_PER_M3)} kWh "
                        "gas. Copper dominates (~4.7 of ~5.5 kg CO2e). dq 4 (modelled).")
        p.tech(key, "copper_cathode", 1.02, "kg", "1.02 kg cathode per kg product (assumed 2 % loss)")
        p.tech(key, "electricity_factory", roll_kwh, "kWh", "proxy processing electricity 2.19 kWh/kg (USLCI)")
        p.tech(key, "natural_gas_combusted", roll_m3 * NG_KWH_PER_M3, "kWh",
               f"proxy processing gas 0.19488 m3 x {fmt(NG_KWH_PER_M3)} kWh/m3")

    from_uslci("zinc", "Special High Grade zinc, global average (International Zinc Association, 2005 data)",
               "zinc_shg", geography="GLO", year=2005, dq=(1, 1, 4, 2, 2),
               notes="Association (IZA) cradle-to-gate LCI of SHG zinc (mining, concentrate transport, smelting), "
                     "published through USLCI. Cross-check: AME (consultancy) ~3-4 t CO2/t.")
    zn = co2e(uslci.gases(U["zinc_shg"])[0], gwp)
    p.dataset("brass", "Brass (CuZn37) ingot/rod - modelled from copper, zinc and melting energy",
              category="material", unit="kg", geography="GLO", year=2018, source_id=USLCI_SRC,
              locator=f"copper: ICA 2018; zinc: USLCI IZA SHG zinc @id {U['zinc_shg']}; melting energy proxy: USLCI "
                      f"'Aluminum, secondary, shape casted' @id {U['al_shape_cast']}",
              dq=(4, 3, 3, 3, 4), gwp_basis="unknown",
              notes=f"Composition CuZn37 (63 % Cu, 37 % Zn, the standard free-cutting/yellow brass designation). "
                    f"0.63 kg copper_cathode + 0.37 kg zinc ({fmt(zn)} kg CO2e/kg) + melting/casting energy proxied "
                    f"by the USLCI secondary-aluminium shape-casting unit process (0.5635 m3 gas = "
                    f"{fmt(0.5635 * NG_KWH_PER_M3)} kWh, 0.8268 kWh electricity). Brass made largely from scrap "
                    "would be much lower; dq 4 (modelled).")
    p.tech("brass", "copper_cathode", 0.63, "kg", "63 % Cu (CuZn37)")
    p.tech("brass", "zinc", 0.37, "kg", "37 % Zn (CuZn37)")
    p.tech("brass", "natural_gas_combusted", 0.5635 * NG_KWH_PER_M3, "kWh", "melting gas proxy (USLCI)")
    p.tech("brass", "electricity_factory", 0.8268, "kWh", "melting/casting electricity proxy (USLCI)")

    r = f["nickel_global_range_ame2025"]
    p.dataset("nickel", "Nickel (PLACEHOLDER: midpoint of a consultancy range 20-70 t CO2/t)", category="material",
              unit="kg", geography="GLO", year=2025, source_id="ame_zinc_2025", locator=r["source_locator"],
              dq=(4, 3, 2, 4, 5), gwp_basis="CO2 only",
              notes="PLACEHOLDER. The Nickel Institute LCA (2017 data, class 1 nickel) exists but its figure was not "
                    "reachable. AME (consultancy) gives 20-70 t CO2 per t depending on deposit and route; the "
                    "midpoint (20+70)/2 = 45 kg CO2/kg is used (sulphide-ore class 1 nickel is at the low end, NPI/"
                    "laterite at the high end). CO2 only; non-CO2 excluded. Replace with Nickel Institute data.")
    p.bio("nickel", "co2_fossil", 45.0, "(20 + 70) / 2 = 45 kg CO2/kg, AME range midpoint")

    # ================================================================ plastics (needed by components)
    for key, name, row in (
        ("plastic_pp", "Polypropylene granulate (PlasticsEurope eco-profile, Europe)", "plastic_pp_eu_pe2008"),
        ("plastic_hdpe", "HDPE granulate (PlasticsEurope eco-profile, Europe)", "plastic_hdpe_eu_pe2008"),
        ("plastic_ldpe", "LDPE granulate (PlasticsEurope eco-profile, Europe)", "plastic_ldpe_eu_pe2008"),
        ("plastic_pvc", "PVC granulate (PlasticsEurope eco-profile, Europe)", "plastic_pvc_eu_pe2008"),
        ("plastic_ps", "Polystyrene granulate (PlasticsEurope eco-profile, Europe)", "plastic_ps_eu_pe2008"),
        ("plastic_pet", "PET granulate (PlasticsEurope eco-profile, Europe)", "plastic_pet_eu_pe2008"),
    ):
        aggregated(key, name, row, "plasticseurope_hopewell_2009", geography="RER", year=2005, dq=(2, 2, 5, 3, 3),
                   notes="PlasticsEurope eco-profile value as tabulated by Hopewell et al. 2009 (one significant "
                         "figure, data c. 1999-2005). Resin only, no conversion (add injection_moulding).")
    aggregated("plastic_engineering_proxy", "Engineering plastics (PA, PBT, PC, ABS, POM) - PROXY: PS/PET value",
               "plastic_ps_eu_pe2008", "plasticseurope_hopewell_2009", geography="RER", year=2005,
               dq=(5, 2, 5, 3, 4),
               notes="No open figure for engineering polymers was reached; the highest commodity-polymer value of "
                     "the same table (PS, also PET: 3.4) is used as a stated proxy. Published engineering-polymer "
                     "eco-profiles (PA66, PC) are typically higher; flagged dq 5.")

    folder = HERE
    p.write(folder)
    write_pack_yaml(folder, "materials", "Materials: metals and plastics for capital equipment (association, "
                    "government and USLCI figures)", licence="mixed: facts quoted with attribution (associations, "
                    "GB/T 51366), CC0 (USLCI), public domain (US EPA); see sources.csv and lci_data/LICENSES.md",
                    attribution="worldsteel; worldstainless; IAI; European Aluminium; ICA; GB/T 51366-2019; EU CBAM; "
                    "PlasticsEurope via Hopewell et al. 2009; U.S. Life Cycle Inventory Database (NREL); US EPA")
    print(f"materials: {len(p.datasets)} datasets, {len(p.exchanges)} exchanges")


if __name__ == "__main__":
    main()
