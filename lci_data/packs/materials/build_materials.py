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
    "iron_steel_mix": "88b44b36-2322-39a8-9c54-6b89b1b43cd4",
    "al_sec_extruded": "eb50f56e-3104-3eb1-8d18-7add74f841e7",
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
    p.source(source_id="wei_nickel_2020", kind="peer-reviewed", read_at="https://cricutcom-setup.com/1996-1073/13/21/5664 "
             "(mirror of the MDPI page)", title="Wei, Samuelsson, Tilliander, Gyllenram & Jonsson (2020), Energy "
             "Consumption and Greenhouse Gas Emissions of Nickel Products, Energies 13(21):5664", publisher="MDPI",
             year="2020", url="https://doi.org/10.3390/en13215664",
             licence="open access (CC BY 4.0); figures quoted with attribution",
             attribution="Wei et al. 2020, Energies 13:5664, doi:10.3390/en13215664")
    p.source(source_id="silver_institute_2022", kind="association",
             read_at="https://www.bnamericas.com/en/analysis/are-silver-miners-turning-a-corner-on-carbon-emissions "
             "(BNamericas, 22 Aug 2022, quoting the report and the Institute's president)",
             title="The Silver Institute (2022), report on the greenhouse-gas emissions of its silver-mining member "
             "companies, Scope 1+2, 2018-2020 (per thousand ounces of silver produced and per tonne of ore)",
             publisher="The Silver Institute (Washington, DC)", year="2022", url="https://www.silverinstitute.org/",
             licence="facts quoted with attribution; report (c) The Silver Institute",
             attribution="The Silver Institute (2022), silver miners' GHG emission intensities, as reported by BNamericas",
             notes="the report itself was not read (its title and page are not given in the article); figures as quoted "
             "in the BNamericas article: just over 12 t CO2e per thousand ounces of silver in 2018 (low), over 17 t in "
             "2020; just over 17 kg CO2e per t of ore in 2019, over 18 kg in 2020")
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
    p.source(source_id="sgb_smit_tk_go_2022", kind="manufacturer",
             read_at="https://www.powersystems.technology/news/thyssenkrupp-supplies-sgb-smit-with-electrical-steel-for-"
             "digital-substations.html (news page reproducing the press release; also eurometal.net, Kallanish)",
             title="SGB-SMIT Group press release (2022): first CO2-reduced grain-oriented electrical steel (thyssenkrupp "
             "bluemint) delivered to SGB-SMIT Regensburg for E.ON substation transformers",
             publisher="SGB-SMIT Group (transformer manufacturer), stating thyssenkrupp Steel / thyssenkrupp Electrical "
             "Steel figures", year="2022", url="https://www.sgb-smit.com/",
             licence="facts quoted with attribution; press release (c) SGB-SMIT Group",
             attribution="SGB-SMIT Group press release 2022 (thyssenkrupp grain-oriented electrical steel CO2 intensity)",
             notes="manufacturer statement of the conventional product's CO2 intensity (3.7 t CO2 per t), the basis of a "
             "mass-balance low-CO2 claim (1.8 t); not a verified EPD, boundary only described as 'including all further "
             "processing steps in Duisburg and in Gelsenkirchen'")
    p.source(source_id="gb_21350_2023", kind="standard",
             read_at="public GitHub repository adgo07/ECQuota-Insight, data/definitions/gb-21350-2023.json (tables "
             "transcribed from the standard's PDF, marked there as awaiting independent review); the printed "
             "standard was not read",
             title="GB 21350-2023 The norm of energy consumption per unit product of copper and copper alloy "
             "processed products (铜及铜合金加工材单位产品能源消耗限额), Tables 3, 7, 9 and 10",
             publisher="SAMR / SAC (China), mandatory national standard", year="2023",
             url="https://openstd.samr.gov.cn/",
             licence="facts (limit values) quoted with attribution; standard text (c) SAC",
             attribution="GB 21350-2023, energy-consumption limits of copper and copper alloy processed products",
             notes="comprehensive energy per tonne of product in kgce/t, grades 1 (best) to 3 (limit); published "
             "2023-05-23, in force 2024-06-01; no split into electricity and fuel")
    p.source(source_id="niehoff_eurowire_2023", kind="manufacturer",
             read_at="https://intras-library.cld.bz/eurowire-march-2023/52",
             title="Investing in new machines can pay off (Konrad Dengler for Maschinenfabrik Niehoff), EuroWire "
             "March 2023, Focus on Germany, p. 52",
             publisher="Maschinenfabrik Niehoff GmbH & Co. KG (wire-drawing machine maker)", year="2023",
             url="https://www.niehoff.de/",
             licence="facts quoted with attribution", attribution="Maschinenfabrik Niehoff, EuroWire March 2023",
             notes="drawing, annealing and spooling 8 mm copper rod to 2.05 mm: about 210 kWh/t (M 85 + R 500 + "
             "S 630 D line); newer lines 12 % and a further 6 % less")
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

    # electrical steel (grain-oriented): manufacturer figure for the conventional BF-BOF route product
    p.dataset("electrical_steel_go", "Grain-oriented electrical steel (CRGO) coil, conventional blast-furnace route "
              "(thyssenkrupp, Germany)", category="material", unit="kg", geography="DE", year=2022,
              source_id="sgb_smit_tk_go_2022",
              locator="press release text: 'a reduction in the CO2 intensity of one ton of steel from 3.7 tons to 1.8 tons' "
                      "(conventional grain-oriented electrical steel 3.7 t CO2/t, incl. all further processing steps in "
                      "Duisburg (hot strip) and Gelsenkirchen (electrical steel)) / 1000",
              dq=(1, 3, 2, 3, 4), gwp_basis="CO2 only",
              notes="3.7 t CO2 per t conventional grain-oriented electrical steel (thyssenkrupp Steel Duisburg BF-BOF hot "
                    "strip + thyssenkrupp Electrical Steel Gelsenkirchen: cold rolling, decarburising and high-temperature box "
                    "annealing, insulating coating) = 3.7 kg CO2/kg, stated as CO2 (CH4/N2O not included; gwp_basis CO2 "
                    "only). Manufacturer statement in a customer's press release, not a verified EPD (reliability 4). "
                    "European BF-BOF route; used as the global default (no Chinese or worldsteel electrical-steel figure was "
                    "reached). Non-oriented electrical steel (motor laminations) has no box anneal and is expected lower: "
                    "the mapping table uses this dataset for NO grades only as a flagged, conservative proxy. Cross-check: "
                    "worldsteel 2024 crude steel 2.18 and GB/T 51366 Chinese cold-rolled coil 2.53 are floors (crude steel, "
                    "unalloyed cold-rolled).")
    p.bio("electrical_steel_go", "co2_fossil", 3.7, "3.7 t CO2 per t conventional GO electrical steel (SGB-SMIT 2022, "
          "thyssenkrupp figure)")

    # stainless: by route. The two USLCI copies of 'Steel, stainless 304, flat rolled coil' differ only in how the
    # 0.536 kg stainless scrap input is booked: the 2017 JSON-LD export (used here) leaves it as a cut-off flow
    # (4.41 kg CO2e/kg); the FY21 release links it to the EUROFER 'value of scrap' process (6.14 kg CO2 per kg scrap),
    # adding 0.536 x 6.14 = 3.29 kg CO2 (uslci_stainless_304_cold_rolled, 8.38 kg CO2e/kg).
    from_uslci("stainless_steel_304_eu", "Stainless steel 304, cold-rolled flat coil, European technology, scrap "
               "cut-off (PE International inventory in USLCI)", "ss304_coil", geography="RER", year=2012,
               dq=(1, 2, 4, 2, 3),
               notes="Grade-specific inventory by PE International per the EUROFER/worldsteel method (2008-2012) "
                     "published in USLCI; European technology and supply. 0.536 kg stainless scrap per kg is a "
                     "cut-off input (recycled-content approach). The FY21 USLCI release of the same process "
                     "(uslci pack: uslci_stainless_304_cold_rolled, 8.38) links that scrap to the EUROFER 'value of "
                     "scrap' dataset 58646 (6.137 kg CO2 per kg scrap): 4.117 + 0.5357 x 6.137 = 7.405 kg CO2, "
                     "which is the whole 1.9x difference; pcf uses cut-off for scrap everywhere. Default for "
                     "stainless 304 from European suppliers (regional.csv).")
    for key, name, row, geo, note in (
        ("stainless_steel_304", "Stainless steel 304, global average route (worldstainless, 50 % scrap feed), CO2 "
         "only", "stainless_scrap50_co2", "GLO",
         "Global default for 304 when the supplier country is not known: worldstainless cradle-to-gate CO2 at a 50 % "
         "scrap feed (the report's middle case; scrap-based regions run 75-85 %, the NPI route about 30 %). The "
         "report's Table 1 is by scrap share, not by grade; 304 (8-10.5 % Ni) is the dominant grade, so the table "
         "is read as 304-type austenitic stainless. CO2 only (non-CO2 gases typically a few %)."),
        ("stainless_steel_304_cn", "Stainless steel 304, China, nickel-pig-iron route (worldstainless, 30 % scrap "
         "feed), CO2 only", "stainless_scrap30_co2", "CN",
         "Chinese 304 is made mostly from nickel pig iron (NPI, RKEF) with little scrap; worldstainless names the "
         "30 % scrap case as the NPI-based production system. CO2 only. Default for stainless from Chinese "
         "suppliers (regional.csv)."),
    ):
        aggregated(key, name, row, "worldstainless_co2_2023", geography=geo, year=2023, dq=(2, 2, 1, 3, 3),
                   flow="co2_fossil", notes=note)
    aggregated("stainless_steel_generic", "Stainless steel, global industry average (50 % scrap feed), CO2 only",
               "stainless_scrap50_co2", "worldstainless_co2_2023", geography="GLO", year=2023, dq=(3, 2, 1, 3, 3),
               flow="co2_fossil",
               notes="worldstainless cradle-to-gate (scope 1+2+3) CO2 at a 50 % scrap feed, taken as the global "
                     "generic value (scrap-based regions ~75-85 %, NPI route ~30 %). CO2 only: non-CO2 gases are "
                     "excluded (typically a few % for stainless). Used for ferritic/Cr-Mn grades (430, 201).")
    for key, base, geo in (("stainless_steel_316", "stainless_steel_304", "GLO"),
                           ("stainless_steel_316_cn", "stainless_steel_304_cn", "CN"),
                           ("stainless_steel_316_eu", "stainless_steel_304_eu", "RER")):
        p.dataset(key, f"Stainless steel 316 ({geo}): 304 of the same route plus a nickel/molybdenum uplift",
                  category="material", unit="kg", geography=geo, year=2023, source_id="worldstainless_co2_2023"
                  if base != "stainless_steel_304_eu" else USLCI_SRC,
                  locator=f"1.2 kg-equivalent of {base}", dq=(4, 2, 3, 3, 4),
                  gwp_basis="AR6" if base == "stainless_steel_304_eu" else "CO2 only",
                  notes=f"No open 316 inventory with gas detail was found. Modelled as 1.2 x {base} for the extra Ni "
                        "(10-14 % against 8-10.5 %) and 2-3 % Mo of grade 316: pcf engineering assumption, NOT a "
                        "cited figure (dq 4). The USLCI/NETL 316 2B dataset (World Stainless 2005 LCI, 5.4 kg CO2 + "
                        "2.43 kWh per kg) was not used because its CO2 and electricity are not separable from the "
                        "80 % recycled-content scrap credit.")
        p.tech(key, base, 1.2, "kg", f"1.2 kg-equivalent of {base}: assumed +20 % for Ni/Mo content (pcf estimate)")

    # cast iron: USLCI sand-casting unit process, whose metal charge is 'Iron and steel, production mix' = 0.56 kg
    # secondary (scrap-based) + 0.44 kg primary per kg of charge. Scrap is a cut-off input; the primary part is
    # foundry pig iron (GB/T 51366). Foundry electricity on an explicit grid of the dataset's geography.
    coal = 0.0796
    charge, scrap_share = 1.04, 0.56
    mmbtu = coal * COAL_MMBTU_PER_KG
    for key, geo, grid, gname in (("cast_iron", "GLO", "electricity_world_iea_2024", "IEA 2024 world average"),
                                  ("cast_iron_cn", "CN", "electricity_cn_footprint_2024",
                                   "China national life-cycle footprint 2024")):
        p.dataset(key, f"Grey/ductile iron casting, sand cast ({geo}; foundry charge 56 % scrap, 44 % pig iron)",
                  category="material", unit="kg", geography=geo, year=2004, source_id=USLCI_SRC,
                  locator=f"process 'Iron, sand casted' @id {U['iron_sand_cast']} (1.04 kg 'Iron and steel, "
                          f"production mix', 1.2 kWh, 0.0796 kg bituminous coal); charge mix from USLCI 'Iron and "
                          f"steel, production mix' @id {U['iron_steel_mix']} (0.56 secondary / 0.44 primary); pig "
                          "iron from GB/T 51366 Appendix D row '铸造生铁'",
                  dq=(3, 3, 4, 3, 3), gwp_basis="unknown",
                  notes=f"Foundry energy and yield from the USLCI sand-casting unit process (Franklin Associates / "
                        f"Vehicle Recycling Partnership, 2004). Metal charge {charge} kg/kg, of which {scrap_share:.0%} "
                        f"is scrap (USLCI 'Iron and steel, production mix': 0.56 kg secondary steel per kg, cut-off, "
                        f"no burden; its melting is the foundry's own energy) and {1 - scrap_share:.0%} foundry pig "
                        f"iron (GB/T 51366, 2.28 kg CO2e/kg): {charge} x {1 - scrap_share:.2f} = "
                        f"{fmt(charge * (1 - scrap_share))} kg pig iron. Electricity 1.2 kWh/kg on {grid} ({gname}). "
                        f"Coal 0.0796 kg x 0.02748 mmBtu/kg x 93.28 kg CO2/mmBtu = 0.204 kg CO2 (EPA Hub 2025 Table "
                        "1 bituminous). Oxygen, NaOH, minor fuels (<1 %) excluded. Replaces the all-pig-iron charge "
                        "(3.27 kg CO2e/kg on the CN grid before).")
        p.tech(key, "pig_iron_foundry_cn", charge * (1 - scrap_share), "kg",
               f"pig iron {charge} kg charge x {1 - scrap_share:.2f} primary share (USLCI charge mix)")
        p.tech(key, grid, 1.2, "kWh", f"foundry electricity 1.2 kWh/kg (USLCI) on {grid}")
        p.bio(key, "co2_fossil", mmbtu * COAL_KG_CO2_PER_MMBTU, f"coal {coal} kg x {fmt(COAL_MMBTU_PER_KG)} "
              f"mmBtu/kg x 93.28 kg CO2/mmBtu")
        p.bio(key, "ch4_fossil", mmbtu * COAL_KG_CH4_PER_MMBTU, "coal: 11 g CH4/mmBtu (EPA Hub Table 1)")
        p.bio(key, "n2o", mmbtu * COAL_KG_N2O_PER_MMBTU, "coal: 1.6 g N2O/mmBtu (EPA Hub Table 1)")
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
                     "quoted Chinese average of 20 kg CO2e/kg (2015) and above the IAI 2022 world average 15.1 "
                     "(coal-based smelting power); see lci_data/reference_checks.csv. Ingot of the CN semis "
                     "(aluminium_sheet_cn, aluminium_plate_hot_rolled_cn, aluminium_extrusion_cn).")
    aggregated("aluminium_primary_eu", "Primary aluminium produced in Europe (European Aluminium 2015 data)",
               "al_primary_europe_2015_ea", "european_aluminium_epr_2018", geography="RER", year=2015,
               dq=(1, 1, 3, 3, 3),
               notes="Association LCA (EU+EFTA smelters, hydro-heavy power mix). The source states the unit once as "
                     "CO2 and once as CO2e (~7), so it is carried as aggregated CO2e.")
    from_uslci("aluminium_primary_na", "Primary aluminium ingot, North America (Aluminum Association 2010 data)",
               "al_primary", geography="RNA", year=2010, dq=(1, 2, 3, 2, 2),
               notes="Aluminum Association / PE International 2013 LCA inside USLCI, per gas incl. CF4 and C2F6.")
    # North-American association inventories, kept under _na keys (proxies outside North America)
    for key, name, uid, scrap in (
        ("aluminium_extrusion_na", "Aluminium extrusion (profile), at plant, North America (Aluminum Association "
         "2010 data)", "al_extrusion", "0.43"),
        ("aluminium_sheet_na", "Aluminium sheet, cold rolled, at plant, North America (Aluminum Association 2010 "
         "data)", "al_cold_rolling", "0.65"),
        ("aluminium_plate_hot_rolled_na", "Aluminium plate/sheet, hot rolled, at plant, North America (Aluminum "
         "Association 2010 data)", "al_hot_rolling", "0.72"),
    ):
        from_uslci(key, name, uid, geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
                   notes=f"Association cradle-to-gate inventory (North American primary/secondary mix, hydro-heavy "
                         f"smelting; {scrap} kg scrap per kg is a cut-off input). North America only: for metal "
                         "from elsewhere it is a proxy that under-states primary-based semis (use the GLO or _cn "
                         "dataset).")
    from_uslci("aluminium_recycled", "Secondary (recycled) aluminium ingot, North America (Aluminum Association "
               "2010 data)", "al_secondary", geography="RNA", year=2010, dq=(1, 3, 3, 2, 2),
               notes="Association inventory of remelting/refining scrap to ingot; 1.04 kg scrap per kg is a "
                     "cut-off input (no burden from the first life).")

    # Semis built from primary ingot + the USLCI (Franklin Associates / Aluminum Association) semi-fabrication unit
    # processes: 'Aluminum, secondary, rolled' (0.991 kg ingot, 2.19 kWh, 0.19488 m3 gas per kg) and 'Aluminum,
    # secondary, extruded' (0.991 kg ingot, 2.015 kWh, 0.23844 m3 gas per kg): remelting, casting of slab/billet,
    # rolling or extrusion and finishing; in-house scrap is remelted, so 0.991 kg ingot per kg is the net yield.
    ingot_per_kg = 0.991
    semis = {"roll": (2.19, 0.19488, "al_sec_rolled", "'Aluminum, secondary, rolled'"),
             "extr": (2.015, 0.23844, "al_sec_extruded", "'Aluminum, secondary, extruded'")}
    for geo, primary, grid, gname, suffix in (
        ("GLO", "aluminium_primary_global", "electricity_world_iea_2024", "IEA 2024 world average", ""),
        ("CN", "aluminium_primary_cn", "electricity_cn_footprint_2024", "China national life-cycle footprint 2024",
         "_cn"),
    ):
        for key, form, step in ((f"aluminium_sheet{suffix}", "sheet and strip (rolled)", "roll"),
                                (f"aluminium_plate_hot_rolled{suffix}", "plate (hot rolled)", "roll"),
                                (f"aluminium_extrusion{suffix}", "extruded profile", "extr")):
            kwh, m3, uid, pname = semis[step]
            extra = (" Plate takes the rolled-product unit process (hot and cold rolling), slightly conservative "
                     "for hot-rolled-only plate." if "plate" in key else "")
            p.dataset(key, f"Aluminium {form}, {geo}: primary ingot ({primary}) + semi-fabrication energy",
                      category="material", unit="kg", geography=geo, year=2022 if geo == "GLO" else 2019,
                      source_id=USLCI_SRC,
                      locator=f"USLCI unit process {pname} @id {U[uid]} ({ingot_per_kg} kg ingot, {kwh} kWh, {m3} m3 "
                              f"natural gas per kg); ingot: {primary}",
                      dq=(2, 2 if geo == "CN" else 3, 3, 3, 2), gwp_basis="unknown",
                      notes=f"Primary-based semi: {ingot_per_kg} kg {primary} per kg (100 % primary metal: no "
                            "published recycled-content share for this geography was found, so pre-consumer scrap "
                            "is treated as remelted in-house; conservative) + semi-fabrication energy of the USLCI "
                            f"unit process {pname} (remelt, DC casting, forming, finishing; Franklin Associates for "
                            f"the Aluminum Association, 1998-2000): {kwh} kWh electricity on {grid} ({gname}) and "
                            f"{m3} m3 x {fmt(NG_KWH_PER_M3)} = {fmt(m3 * NG_KWH_PER_M3)} kWh natural gas. "
                            f"Processing adds about 1.5 kg CO2e/kg to the ingot.{extra}")
            p.tech(key, primary, ingot_per_kg, "kg", f"{ingot_per_kg} kg primary ingot per kg semi (USLCI yield)")
            p.tech(key, grid, kwh, "kWh", f"semi-fabrication electricity {kwh} kWh/kg (USLCI {pname})")
            p.tech(key, "natural_gas_combusted", m3 * NG_KWH_PER_M3, "kWh",
                   f"{m3} m3 x {fmt(NG_KWH_PER_M3)} kWh/m3 (gross CV)")

    # Shape castings: mostly secondary alloy; foundry energy of the USLCI unit process on an explicit grid
    for key, geo, grid, gname in (
        ("aluminium_cast", "GLO", "electricity_world_iea_2024", "IEA 2024 world average"),
        ("aluminium_cast_cn", "CN", "electricity_cn_footprint_2024", "China national life-cycle footprint 2024"),
        ("aluminium_cast_na", "RNA", "electricity_us_ember_2025", "United States, Ember 2025"),
    ):
        p.dataset(key, f"Aluminium shape casting from secondary alloy ({geo}; ingot + foundry energy)",
                  category="material", unit="kg", geography=geo, year=1998, source_id=USLCI_SRC,
                  locator=f"process 'Aluminum, secondary, shape casted' @id {U['al_shape_cast']}: 0.975 kg secondary "
                          "ingot, 0.5635 m3 natural gas, 0.8268 kWh per kg",
                  dq=(2, 3 if geo != "RNA" else 2, 5, 3, 3), gwp_basis="AR6",
                  notes="Cast aluminium parts are mostly secondary alloy (ADC12, A380, AlSi10Mg), so the ingot "
                        "input is aluminium_recycled (North-American remelting inventory, scrap cut-off: a proxy "
                        "outside North America, its burden is mostly natural gas). Foundry energy from the Franklin "
                        "Associates / Aluminum Association unit process in USLCI (1998): 0.8268 kWh electricity on "
                        f"{grid} ({gname}); {ng_note}: 0.5635 x {fmt(NG_KWH_PER_M3)} = "
                        f"{fmt(0.5635 * NG_KWH_PER_M3)} kWh. For primary-alloy castings replace the ingot with a "
                        "primary dataset.")
        p.tech(key, "aluminium_recycled", 0.975, "kg", "secondary ingot 0.975 kg per kg casting (USLCI)")
        p.tech(key, "natural_gas_combusted", 0.5635 * NG_KWH_PER_M3, "kWh",
               f"0.5635 m3 x {fmt(NG_KWH_PER_M3)} kWh/m3 (gross CV)")
        p.tech(key, grid, 0.8268, "kWh", f"foundry electricity 0.8268 kWh/kg (USLCI) on {grid}")

    # ================================================================ copper and other non-ferrous
    aggregated("copper_cathode", "Refined copper cathode, global industry average (ICA 2018)",
               "cu_refined_global_2018_ica", "ica_net_zero_2023", geography="GLO", year=2018, dq=(1, 2, 2, 2, 3),
               notes="Association figure (scope 1+2+3 of refined copper, blended primary+secondary).")
    # Copper semis: cathode + copper processing energy. Rod casting/rolling and busbar making: the Chinese national
    # energy-quota standard GB 21350-2023 (comprehensive energy per tonne of product, kgce/t, grades 1-3; grade 3 is
    # the limit value every plant must meet); wire drawing + annealing: Maschinenfabrik Niehoff (machine maker).
    # kgce -> kWh with the electricity equivalent-value coefficient 0.1229 kgce/kWh (GB/T 2589), i.e. the whole
    # comprehensive energy is entered as electricity: exact for all-electric upcast + continuous extrusion, an upper
    # bound for a gas-fired shaft furnace (CCR rod), where the fuel part would emit less per kWh than the grid.
    kgce_per_kwh = 0.1229
    rod_kgce, bus_kgce, draw_kwh = 66.0, 185.0, 0.21   # kgce/t, kgce/t, kWh/kg
    rod_kwh, bus_kwh = rod_kgce / kgce_per_kwh / 1000, bus_kgce / kgce_per_kwh / 1000  # kWh/kg
    gb = ("GB 21350-2023 (copper and copper alloy processed products, energy-consumption limits), read in a public "
          "transcription of the standard's tables")
    for key, name, loc, parts, note in (
        ("copper_wire", "Copper wire, drawn and annealed (cathode + CCR wire rod + wire drawing) - modelled",
         f"{gb}: Table 10, electrical copper wire rod, continuous casting and rolling from cathode, grade 3 "
         f"(limit) {fmt(rod_kgce)} kgce/t (grades 1/2: 54/57); Niehoff (EuroWire, March 2023, p. 52): drawing, "
         f"annealing and spooling 8 mm to 2.05 mm about 210 kWh/t",
         ((rod_kwh, f"wire-rod casting and rolling: {fmt(rod_kgce)} kgce/t / {kgce_per_kwh} kgce/kWh = "
                    f"{fmt(rod_kwh)} kWh/kg (GB 21350-2023 Table 10, CCR from cathode, grade-3 limit)"),
          (draw_kwh, f"wire drawing, annealing, spooling 8 mm -> 2.05 mm: 210 kWh/t = {fmt(draw_kwh)} kWh/kg "
                     "(Niehoff M 85 + R 500 + S 630 D line)")),
         f"Route: cathode melted in a shaft furnace, continuously cast and hot-rolled to 8 mm rod (SCR/Contirod/"
         f"Properzi, 'CCR'), then drawn to 1-3 mm and annealed. Rod: GB 21350-2023 Table 10 gives the comprehensive "
         f"energy per tonne of electrical copper wire rod from cathode: CCR 54 / 57 / {fmt(rod_kgce)} kgce/t (grade "
         f"1 / 2 / 3 = limit), upcast 45 / 52 / 56, CCR from recycled copper 100 / 130 / 180; pcf takes the CCR "
         f"grade-3 limit, {fmt(rod_kgce)} kgce/t. Drawing: Niehoff (wire-drawing machine maker) states about 210 "
         f"kWh/t for drawing, annealing and spooling 8 mm rod to 2.05 mm on its M 85 + R 500 + S 630 D line (newer "
         f"lines 12 % and a further 6 % less), {fmt(draw_kwh)} kWh/kg. Total {fmt(rod_kwh)} + {fmt(draw_kwh)} = "
         f"{fmt(rod_kwh + draw_kwh)} kWh/kg. Finer magnet wire (< 1 mm) needs more drawing passes; enamelling is not "
         "included."),
        ("copper_busbar", "Copper busbar / flat bar, Cu-ETP/T2 (cathode + upcast + continuous extrusion) - modelled",
         f"{gb}: Table 9, plate/strip/flat products by continuous extrusion, pure copper (T2), whole process "
         f"(melting-casting + working) grade 3 (limit) {fmt(bus_kgce)} kgce/t (grades 1/2: 160/170)",
         ((bus_kwh, f"melting, casting and continuous extrusion: {fmt(bus_kgce)} kgce/t / {kgce_per_kwh} kgce/kWh = "
                    f"{fmt(bus_kwh)} kWh/kg (GB 21350-2023 Table 9, pure copper, whole process, grade-3 limit)"),),
         f"Route: cathode melted and upcast to rod in induction furnaces, then continuously extruded (Conform) to "
         f"flat bar and finished - the usual route of Chinese busbar (T2 copper bar). GB 21350-2023 Table 9 (flat "
         f"products by continuous extrusion), pure copper: melting-casting 40 / 42 / 46, working 110 / 120 / 130, "
         f"whole process 160 / 170 / {fmt(bus_kgce)} kgce/t (grade 1 / 2 / 3 = limit); pcf takes the whole-process "
         f"grade-3 limit, {fmt(bus_kgce)} kgce/t = {fmt(bus_kwh)} kWh/kg. Other routes in the same standard (pure "
         "copper, whole process, grade 1-3): bars and wire by extrusion (Table 3) 199-270, plate/strip by hot rolling "
         "(Table 7) 190-270 kgce/t, i.e. up to 1.46x more."),
    ):
        p.dataset(key, name, category="material", unit="kg", geography="GLO", year=2023, source_id="gb_21350_2023",
                  locator=f"copper: ICA 2018 (copper_cathode); processing: {loc}",
                  dq=(2, 3, 2, 3, 3), gwp_basis="unknown",
                  notes=f"Modelled as 1.02 kg copper_cathode (ICA 2018 global average; 2 % melt and scrap loss, "
                        f"assumption) plus copper processing energy. {note} Conversion: the standard states "
                        f"comprehensive energy only (no split into electricity and fuel); pcf converts it with the "
                        f"electricity equivalent-value coefficient {kgce_per_kwh} kgce/kWh (GB/T 2589; 1 kgce = "
                        f"29.3076 MJ) and enters all of it as electricity on electricity_world_iea_2024 (IEA 2024 "
                        f"world average; the dataset is global, the energy figures are Chinese limit values). This is "
                        f"exact for all-electric induction melting and extrusion and an upper bound where a "
                        f"gas-fired shaft furnace melts the cathode: the same energy as natural gas would emit about "
                        f"0.2 instead of about 0.5 kg CO2e/kWh. Basis of the equivalent-value reading: the upcast "
                        f"(all-electric) rod limit of 56 kgce/t is 456 kWh/t at 0.1229, above the 208 kWh/t needed "
                        f"to heat and melt copper, whereas at an equivalent-coal coefficient (about 0.3) it would "
                        f"be below that minimum. Copper dominates (4.7 of the total). Grade-3 limits are the "
                        f"highest energy a Chinese plant may use, so the processing is conservative. Replaces the "
                        f"former USLCI aluminium remelt-and-roll proxy (2.19 kWh + 2.0 kWh gas per kg). dq 3.")
        p.tech(key, "copper_cathode", 1.02, "kg", "1.02 kg cathode per kg product (assumed 2 % loss)")
        p.tech(key, "electricity_world_iea_2024", sum(kwh for kwh, _ in parts), "kWh",
               " + ".join(comment for _, comment in parts) + " on the IEA 2024 world-average grid")

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
                    f"{fmt(0.5635 * NG_KWH_PER_M3)} kWh, 0.8268 kWh electricity on electricity_world_iea_2024). Brass made largely from scrap "
                    "would be much lower; dq 4 (modelled).")
    p.tech("brass", "copper_cathode", 0.63, "kg", "63 % Cu (CuZn37)")
    p.tech("brass", "zinc", 0.37, "kg", "37 % Zn (CuZn37)")
    p.tech("brass", "natural_gas_combusted", 0.5635 * NG_KWH_PER_M3, "kWh", "melting gas proxy (USLCI)")
    p.tech("brass", "electricity_world_iea_2024", 0.8268, "kWh",
           "melting/casting electricity proxy (USLCI) on the IEA 2024 world-average grid")

    p.dataset("nickel", "Nickel metal (class 1), cradle-to-gate, process model (Wei et al. 2020)",
              category="material", unit="kg", geography="GLO", year=2020, source_id="wei_nickel_2020",
              locator="Abstract and results: GHG emissions 14 t CO2-eq per t nickel metal (14 t per t contained Ni)",
              dq=(2, 3, 2, 3, 2), gwp_basis="unknown",
              notes="Peer-reviewed process model (mass and energy balance) of nickel smelting products: nickel "
                    "metal 14 kg CO2e/kg (ferronickel 18, nickel oxide 40 and nickel pig iron 69 kg CO2e per kg "
                    "contained Ni). Sulphide-ore class 1 route. The Nickel Institute LCA (Mistry et al. 2016, "
                    "2011 data; 2017 update) was found but its GWP figure was not reached. Replaces the AME "
                    "consultancy midpoint 45 kg CO2/kg. GWP set not stated.")
    p.bio("nickel", "co2e_aggregated", 14.0, "14 t CO2-eq per t nickel metal (Wei et al. 2020)")

    # ================================================================ silver and silver contact alloys
    # Silver Institute (2022): Scope 1+2 GHG intensity of its primary-silver mining members, 'just over 12 t CO2e
    # per thousand ounces of silver produced' (2018, the low) to 'over 17 t' (2020, COVID year); pcf takes the
    # midpoint of that published range. 1 troy ounce = 31.1034768 g (exact, by definition of the troy ounce).
    si_low, si_high = 12.0, 17.0  # t CO2e per 1000 troy oz
    troy_oz_kg = 0.0311034768
    silver = (si_low + si_high) / 2 * 1000 / (1000 * troy_oz_kg)  # kg CO2e per kg silver
    p.dataset("silver", "Silver, refined (primary-silver-mine route, Silver Institute members' Scope 1+2 intensity "
              "2018-2020)", category="material", unit="kg", geography="GLO", year=2020, source_id="silver_institute_2022",
              locator=f"Silver Institute 2022 report as quoted by BNamericas (22 Aug 2022): emissions 'hit a low of just "
                      f"over 12t CO2e per thousand ounces of silver produced in 2018, rising to over 17t in 2020'; "
                      f"midpoint ({fmt(si_low)} + {fmt(si_high)}) / 2 = {fmt((si_low + si_high) / 2)} t CO2e per 1000 "
                      f"troy oz / 31.1034768 kg = {fmt(silver)} kg CO2e/kg",
              dq=(3, 3, 2, 4, 3), gwp_basis="unknown",
              notes=f"Association figure for the Silver Institute's mining members (mostly primary-silver mines in the "
                    f"Americas), Scope 1+2 GHG per ounce of silver produced: {fmt(si_low)} t CO2e per 1000 oz in 2018 "
                    f"(the low) to {fmt(si_high)} t in 2020 (the Silver Institute calls 2020 a COVID anomaly); pcf "
                    f"takes the midpoint {fmt((si_low + si_high) / 2)} t per 1000 troy oz = {fmt(silver)} kg CO2e/kg "
                    f"(range {fmt(si_low * 1000 / (1000 * troy_oz_kg))}-{fmt(si_high * 1000 / (1000 * troy_oz_kg))}). "
                    "Scope: mine and mill (doré) Scope 1+2; Scope 3 (diesel and reagent supply, explosives, refining "
                    "of doré at third-party refiners, transport) is NOT included, so this is low for primary silver. "
                    "ROUTE AND ALLOCATION: most mined silver is a by-product of lead-zinc, copper and gold mining. "
                    "Its footprint depends on the allocation: by mass, by-product silver carries almost "
                    "nothing (a few kg CO2e/kg, like its host metal); by economic value it carries a share that "
                    "scales with silver's price (orders of magnitude above base metals per kg), i.e. hundreds of kg "
                    "CO2e/kg as here. The ecoinvent-based global mix in Nuss & Eckelman 2014 (economic allocation, 2008 prices) "
                    "is 196 kg CO2e/kg (reference_checks.csv, justified). Recycled silver is much lower. "
                    "No refined-silver LCA with a stated allocation and Scope 3 was reached. GWP set not "
                    "stated (unknown). Silver is used in grams per machine (relay and contactor contacts), so the "
                    "choice moves machine totals little.")
    p.bio("silver", "co2e_aggregated", silver,
          f"Silver Institute 2018-2020 midpoint {fmt((si_low + si_high) / 2)} t CO2e per 1000 troy oz")

    # Silver-nickel contact material AgNi10: 90 % Ag + 10 % Ni by mass (the designation gives the nickel content in
    # mass per cent). Made by powder metallurgy (mixing, pressing,
    # sintering, extrusion); no published energy figure for that route was reached, so it is not included.
    agni_ni = 0.10
    p.dataset("silver_nickel_agni10", "Silver-nickel contact material AgNi10 (90 % Ag, 10 % Ni), metal content only",
              category="material", unit="kg", geography="GLO", year=2020, source_id="silver_institute_2022",
              locator=f"composition by designation (AgNi10 = 10 % Ni by mass): {fmt(1 - agni_ni)} kg silver "
                      f"({fmt(silver)} kg CO2e/kg, Silver Institute) + {fmt(agni_ni)} kg nickel (14 kg CO2e/kg, Wei et "
                      f"al. 2020) = {fmt((1 - agni_ni) * silver + agni_ni * 14.0)} kg CO2e/kg",
              dq=(3, 3, 2, 4, 4), gwp_basis="unknown",
              notes=f"Relay and contactor contact material (AgNi10, also AgNi0.15 fine-grain silver and AgNi20 "
                    f"differ only in the nickel share). Metal content: {fmt(1 - agni_ni)} kg silver + {fmt(agni_ni)} "
                    f"kg nickel per kg = {fmt((1 - agni_ni) * silver)} + {fmt(agni_ni * 14.0)} = "
                    f"{fmt((1 - agni_ni) * silver + agni_ni * 14.0)} kg CO2e/kg; silver is >99 % of it, so the "
                    "silver route and allocation (see dataset silver) decide the value. The powder-metallurgy "
                    "processing (powder production, mixing, pressing, sintering, extrusion or cladding) is NOT "
                    "included: no published energy figure for it was reached. Silver-tin-oxide "
                    "(AgSnO2 88/12) and silver-cadmium-oxide (AgCdO, obsolete) have no dataset: no tin or cadmium "
                    "figure from a primary publication was reached.")
    p.tech("silver_nickel_agni10", "silver", 1 - agni_ni, "kg", "90 % Ag by mass (AgNi10)")
    p.tech("silver_nickel_agni10", "nickel", agni_ni, "kg", "10 % Ni by mass (AgNi10)")

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
