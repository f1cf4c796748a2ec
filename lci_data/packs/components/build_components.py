"""Build the `components` pack: purchased components modelled from materials by a cited mass composition.

Run: .venv/bin/python lci_data/packs/components/build_components.py   (no external input needed)
Deterministic. Only components with a cited composition or figure are included; see README.md for the gaps and
the spend-based (epa_spend) proxies to use meanwhile.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "materials"))
from lci_build import Pack, fmt, write_pack_yaml  # noqa: E402

# Schneider Electric PEP 'Modular contactor' (ENV PEP 110308 EN), reference product: contactor 25 A 2 poles
# ref. 15380, 113 g without packaging; constituent materials (% of mass) as printed in the PEP.
CONTACTOR_MASS_KG = 0.113
CONTACTOR_SHARES = {  # material share -> (dataset, comment)
    "steel": (42.66, "steel_cold_rolled_cn", "steel 42.66 %"),
    "ferrous alloys": (9.85, "steel_cold_rolled_cn", "ferrous alloys 9.85 % (as cold-rolled steel)"),
    "copper": (14.00, "copper_busbar", "copper 14 % (contacts, coil: as copper semis)"),
    "non ferrous alloys": (2.97, "brass", "non-ferrous alloys 2.97 % (as brass)"),
    "polyamide": (23.88, "plastic_engineering_proxy", "polyamide 23.88 %"),
    "polybutylene terephthalate": (4.15, "plastic_engineering_proxy", "PBT 4.15 %"),
    "polycarbonate": (0.18, "plastic_engineering_proxy", "PC 0.18 %"),
    "nitrile rubber": (0.36, "plastic_engineering_proxy", "nitrile rubber 0.36 % (no rubber dataset: proxy)"),
    "polypropylene": (1.94, "plastic_pp", "PP 1.94 %"),
}


# ---------------------------------------------------------------------------------------------------------------------
# Gap fill. No manufacturer PEP/EPD figure or published mass composition was reachable with the search tool for these
# components, so each is either (a) a spend-based fallback (EPA USEEIO supply-chain factor x an explicitly ASSUMED
# 2022 purchase price - method 3, dq 5), or (b) an ASSUMED engineering mass composition x the materials pack (+ the
# processes pack), dq reliability 5. Every assumption is in the notes; replace with supplier data where available.
# ---------------------------------------------------------------------------------------------------------------------
SPEND = {  # key: (unit, naics, USD2022 per unit, name, price rationale); ranges in SPEND_PRICE_RANGE
    "pcb_assembly": ("kg", "334418", 300.0, "Printed circuit board assembly (industrial control electronics), per kg",
                     "ASSUMED 300 USD2022/kg: a populated industrial control board of ~0.1 kg typically costs tens of "
                     "USD; 300 USD/kg = 30 USD per 100 g board"),
    "power_electronics_module": ("kg", "334413", 150.0, "Power semiconductor module (IGBT/MOSFET module incl. copper "
                                 "baseplate), per kg", "ASSUMED 150 USD2022/kg: e.g. a ~0.3 kg 1200 V IGBT half-bridge "
                                 "module at ~45 USD"),
    "hmi_panel": ("piece", "334513", 800.0, "HMI operator panel, 7-10 inch touch screen, per piece",
                  "ASSUMED 800 USD2022 per unit (7-10 inch industrial touch panel, ~1-1.5 kg)"),
    "sensor": ("piece", "334513", 40.0, "Industrial sensor (inductive/photoelectric proximity, M12-M18), per piece",
               "ASSUMED 40 USD2022 per unit (standard M12 inductive proximity switch, ~50 g incl. cable)"),
    "pneumatic_valve": ("piece", "332912", 60.0, "Pneumatic solenoid valve (5/2-way, sub-base mounted), per piece",
                        "ASSUMED 60 USD2022 per unit (5/2 solenoid valve, ~0.3 kg)"),
}

# Price basis of every spend-based factor: (low, high) USD2022 per unit. These are pcf's ASSUMED bounds (no
# published price survey was reached); the factor scales 1:1 with the price, so the same bounds give the factor range
# written into the notes and into the reference_checks rows (reference_low/high).
SPEND_PRICE_RANGE = {
    "pcb_assembly": (100.0, 1000.0),
    "power_electronics_module": (80.0, 400.0),
    "hmi_panel": (400.0, 2000.0),
    "sensor": (15.0, 120.0),
    "pneumatic_valve": (25.0, 200.0),
}

# Assembly-type process energy inside component models runs on an explicit grid of the component's geography, not on
# electricity_factory (the machine maker's grid): the datasets below are GLO, so the IEA 2024 world average is used.
# The kWh per unit are those of the processes pack models (read from its exchanges.csv, so the two stay identical).
COMPONENT_GRID = "electricity_world_iea_2024"
PROCESS_KWH_INPUTS = ("machining", "heat_treatment", "anodising")


def process_kwh() -> dict[str, float]:
    """kWh of electricity_factory per unit of the processes-pack datasets used inside component models."""
    import csv
    out: dict[str, float] = {}
    with open(HERE.parent / "processes" / "exchanges.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["dataset"] in PROCESS_KWH_INPUTS and r["input"] == "electricity_factory":
                out[r["dataset"]] = out.get(r["dataset"], 0.0) + float(r["amount"])
    return out


# Cables, one dataset per origin. The base keys cable_power / cable_signal are Chinese-made cables (geography CN):
# insulation and sheath are PVC resin of the Chinese production mix (pvc_cn, An et al. 2022, mostly the calcium-carbide
# / coal route), the default for the Chinese-built machines pcf ships. Twins of the same composition differ only in the
# PVC: _eu (RER) uses the PlasticsEurope eco-profile PVC (plastic_pvc, ethylene route, 1.9) and _us (US) the USLCI
# suspension PVC resin (pvc, about 1.88). The copper in all of them is copper_wire, a GLOBAL dataset (1.02 kg ICA 2018
# global copper cathode + rod/drawing energy proxy on the IEA 2024 world grid): no regional copper-semis data exist in
# this tree. lci_data/mapping/regional.csv sends a line of a European / US supplier to its twin.
CABLE_PVC_NOTE = ("Chinese-made cable: PVC is pvc_cn (Chinese production-mix PVC resin, An et al. 2022, 5.42 kg "
                  "CO2e/kg, mostly carbide route), the default for the Chinese-built machines pcf ships. Copper is "
                  "copper_wire, a global dataset (ICA 2018 global copper cathode + rod/drawing energy proxy on the IEA "
                  "2024 world grid). Twins differing only in the PVC: %s_eu (European PVC, plastic_pvc) and %s_us "
                  "(USLCI PVC, pvc); a line of a European or US supplier is sent to them by lci_data/mapping/"
                  "regional.csv. Resin only: plasticiser and compounding not included.")
CABLE_GEOGRAPHY = {"cable_power": "CN", "cable_signal": "CN"}
CABLE_TWINS = {  # suffix: (geography, PVC dataset, PVC description, origin)
    "_eu": ("RER", "plastic_pvc", "PlasticsEurope eco-profile PVC, ethylene route, 1.9 kg CO2e/kg (Hopewell et al. "
            "2009 table)", "European-made"),
    "_us": ("US", "pvc", "USLCI suspension PVC resin (uslci_pvc_resin, about 1.88 kg CO2e/kg AR6)",
            "North-American-made"),
}

# Motor laminations are non-oriented (NO) electrical steel. No NO figure could be read (see README), so the CN
# cold-rolled coil stands in; the grain-oriented dataset is used only for transformer cores.
NO_STEEL_NOTE = ("non-oriented (NO) electrical steel, for which no producer figure was reached (thyssenkrupp "
                 "powercore, voestalpine isovac, Baowu/Shougang, JFE, POSCO searched); CN cold-rolled coil (GB/T 51366, "
                 "2.53) stands in, not the grain-oriented dataset (3.7), because NO laminations skip the decarburising "
                 "and multi-day high-temperature box anneal of GO steel")

# key: (unit, name, [(dataset, amount, comment)], notes)
COMPOSITIONS = {
    "servo_drive": ("piece", "Servo drive 1.5 kW, single axis (ASSUMED 2.0 kg)", [
        ("pcb_assembly", 0.50, "control + power boards 25 % (0.5 kg)"),
        ("power_electronics_module", 0.10, "IGBT module / power semiconductors 5 % (0.1 kg)"),
        ("aluminium_extrusion", 0.80, "heat sink 40 % (0.8 kg)"),
        ("steel_cold_rolled_cn", 0.30, "housing/chassis sheet 15 % (0.3 kg)"),
        ("plastic_engineering_proxy", 0.20, "cover, terminals 10 % (0.2 kg)"),
        ("copper_wire", 0.10, "choke, busbars, terminals 5 % (0.1 kg)"),
    ], "ASSUMED mass 2.0 kg and composition (typical 1-2 kW book-style servo drive: aluminium heat sink, sheet steel "
       "chassis, two to three boards, a power module, small choke). Electronics via the spend-based pcb_assembly and "
       "power_electronics_module datasets of this pack. Final assembly/test energy not included."),
    "plc_controller": ("piece", "PLC controller, compact CPU module (ASSUMED 0.4 kg)", [
        ("pcb_assembly", 0.15, "boards 37.5 % (0.15 kg)"),
        ("plastic_engineering_proxy", 0.20, "PC/ABS housing 50 % (0.2 kg)"),
        ("steel_cold_rolled_cn", 0.03, "DIN clip, shield 7.5 % (0.03 kg)"),
        ("copper_wire", 0.02, "terminals, connectors 5 % (0.02 kg)"),
    ], "ASSUMED 0.4 kg compact PLC CPU (boards, plastic housing). I/O modules: enter per module with the same "
       "recipe scaled by mass. Spend alternative: spend_naics_335314 x price."),
    "electric_motor": ("kg", "Electric motor (AC induction / servo motor, low voltage), per kg", [
        ("steel_cold_rolled_cn", 0.50, "NO electrical-steel laminations 50 % (proxy: CN cold-rolled steel)"),
        ("copper_wire", 0.15, "copper winding 15 %"),
        ("aluminium_cast", 0.20, "die-cast aluminium frame, end shields, rotor cage 20 %"),
        ("steel_bar_cn", 0.12, "shaft, fasteners 12 %"),
        ("plastic_engineering_proxy", 0.03, "terminal box, fan, insulation 3 %"),
        ("machining", 0.03, "shaft/end-shield machining: 0.03 kg removed per kg (ASSUMPTION)"),
    ], "ASSUMED composition of a small (0.75-7.5 kW) aluminium-frame motor; cast-iron frames replace the aluminium "
       "with cast_iron. Permanent-magnet servo motors contain NdFeB magnets (not modelled - rare-earth oxide refining "
       "is carbon-intensive; add separately). Winding, stacking and assembly energy not included. Steel semis are "
       "the CN (GB/T 51366) datasets; the laminations are " + NO_STEEL_NOTE + "; aluminium_cast is the USLCI "
       "secondary casting (North American, proxy). For large "
       "(> 100 kW) induction machines use electric_motor_induction_large (ABB EPD composition)."),
    "cable_power": ("kg", "Power cable, Chinese-made (Chinese PVC), PVC-insulated copper, multi-core (e.g. 3G2.5 - "
                    "5G16), per kg", [
        ("copper_wire", 0.55, "copper conductor 55 %"),
        ("pvc_cn", 0.45, "PVC insulation + sheath 45 % (Chinese PVC production mix, mostly carbide route)"),
    ], "ASSUMED 55 % copper: a 3 x 2.5 mm2 conductor set holds 3 x 2.5 mm2 x 1 m x 8.96 g/cm3 = 67.2 g copper per m; "
       "power cables >= 2.5 mm2 are typically half copper by mass, larger sections more. Extrusion energy not "
       "included. Use the cable's datasheet copper number (kg/km) where known. "
       + CABLE_PVC_NOTE % ("cable_power", "cable_power")),
    "cable_signal": ("kg", "Control/signal cable, Chinese-made (Chinese PVC), shielded, PVC, small sections "
                     "(0.25-1 mm2), per kg", [
        ("copper_wire", 0.35, "copper conductors + braid shield 35 %"),
        ("pvc_cn", 0.65, "PVC insulation + sheath 65 % (Chinese PVC production mix, mostly carbide route)"),
    ], "ASSUMED 35 % copper: small conductors carry proportionally more insulation; a tinned-copper braid adds copper. "
       "Extrusion energy not included. " + CABLE_PVC_NOTE % ("cable_signal", "cable_signal")),
    "pneumatic_cylinder": ("kg", "Pneumatic cylinder (ISO 15552 / compact, aluminium barrel), per kg", [
        ("aluminium_extrusion", 0.55, "profile barrel, heads 55 %"),
        ("stainless_steel_304", 0.10, "piston rod 10 %"),
        ("steel_bar_cn", 0.25, "tie rods, fasteners, piston 25 %"),
        ("plastic_engineering_proxy", 0.10, "seals, cushioning, magnet carrier 10 %"),
        ("machining", 0.10, "0.1 kg removed per kg (ASSUMPTION)"),
        ("anodising", 0.05, "0.05 m2 anodised per kg (ASSUMPTION)"),
    ], "ASSUMED composition of an aluminium-profile cylinder. Assembly energy not included. Spend alternative: "
       "spend_naics_333995 x price."),
    "linear_guide": ("kg", "Profiled linear guide (rail + carriage), per kg", [
        ("steel_bar_cn", 1.20, "bearing-steel bar input, 1.2 kg per kg (ASSUMED 0.2 kg removed)"),
        ("machining", 0.20, "0.2 kg removed per kg (grinding/milling)"),
        ("heat_treatment", 2.0, "induction hardening + tempering modelled as 2 furnace cycles (conservative)"),
    ], "ASSUMED: essentially all steel (plastic end seals < 2 % ignored); hot-rolled bar as proxy for bearing steel "
       "(100Cr6/CF53). Heat treatment as furnace cycles over-states induction hardening of the raceways."),
    "ball_screw": ("kg", "Ball screw (shaft + nut), per kg", [
        ("steel_bar_cn", 1.25, "steel bar input, 1.25 kg per kg (ASSUMED 0.25 kg removed)"),
        ("machining", 0.25, "0.25 kg removed per kg (thread rolling/grinding, nut machining)"),
        ("heat_treatment", 2.0, "hardening + tempering = 2 furnace cycles"),
    ], "ASSUMED: all steel; bar as proxy for alloy steel (no alloy-steel bar dataset other than tool_steel, a CBAM "
       "placeholder)."),
    "bearing": ("kg", "Rolling bearing (ball/roller), per kg", [
        ("steel_bar_cn", 1.30, "bearing-steel input, 1.3 kg per kg (ASSUMED 0.3 kg removed by turning/grinding)"),
        ("machining", 0.30, "0.3 kg removed per kg"),
        ("heat_treatment", 2.0, "through-hardening + tempering = 2 furnace cycles"),
    ], "ASSUMED: rings and rolling elements of 100Cr6 (hot-rolled bar as proxy); cage/seals ignored."),
    "fan": ("kg", "Axial/cooling fan with motor (AC/EC), per kg", [
        ("aluminium_cast", 0.35, "die-cast housing/hub 35 %"),
        ("steel_cold_rolled_cn", 0.25, "motor laminations (NO electrical steel, proxy: CN cold-rolled), guard 25 %"),
        ("copper_wire", 0.12, "winding 12 %"),
        ("plastic_engineering_proxy", 0.25, "impeller, parts 25 %"),
        ("pcb_assembly", 0.03, "EC electronics 3 %"),
    ], "ASSUMED composition of a small axial fan (cabinet/heat-sink fan). Assembly not included. The motor "
       "laminations are " + NO_STEEL_NOTE + "."),
    "transformer": ("kg", "Low-voltage dry-type control / isolation transformer, per kg", [
        ("electrical_steel_go", 0.60, "core laminations 60 % (grain-oriented electrical steel, thyssenkrupp "
                                       "conventional route)"),
        ("copper_wire", 0.30, "windings 30 %"),
        ("steel_hot_rolled_cn", 0.05, "frame, brackets 5 %"),
        ("plastic_engineering_proxy", 0.05, "bobbins, insulation, varnish 5 %"),
    ], "ASSUMED composition of a dry-type LV transformer (0.1-10 kVA). Aluminium-wound types: replace copper by "
       "aluminium. Winding/varnish curing energy not included. The core is grain-oriented electrical steel "
       "(electrical_steel_go: one European producer's figure, 3.7 kg CO2/kg; no Chinese GO figure was reached). "
       "Small control transformers with stamped E-I cores are often non-oriented steel, for which no dataset "
       "exists: GO is then a conservative stand-in."),
}


def cable_twins() -> dict[str, tuple[str, tuple]]:
    """European and North-American twins of the Chinese-made cables: key -> (geography, composition entry); the
    composition is the base's, only the PVC differs."""
    out: dict[str, tuple[str, tuple]] = {}
    for base in CABLE_GEOGRAPHY:
        unit, name, parts, why = COMPOSITIONS[base]
        general = why.split(" Chinese-made cable:")[0]
        for suffix, (geography, pvc, pvc_text, origin) in CABLE_TWINS.items():
            key = base + suffix
            twin_parts = [(pvc, a, c.split(" (Chinese PVC")[0] + f" ({pvc_text})") if d == "pvc_cn" else (d, a, c)
                          for d, a, c in parts]
            out[key] = (geography, (unit, name.replace("Chinese-made (Chinese PVC)", f"{origin} ({origin.split('-made')[0]} PVC)"), twin_parts,
                        f"{general} {origin} twin of {base}: the same composition, only the PVC differs ({pvc}: "
                        f"{pvc_text}, instead of the Chinese pvc_cn, 5.42). Copper is copper_wire, a global dataset "
                        "(ICA 2018 global copper cathode + rod/drawing energy proxy on the IEA 2024 world grid); no "
                        "regional copper-semis data in this tree. Chosen by lci_data/mapping/regional.csv for a line of "
                        f"a {'European' if suffix == '_eu' else 'US'} supplier mapped to {base}. Resin only: "
                        "plasticiser and compounding not included."))
    return out


def add_gap_components(p: Pack) -> None:
    p.source(source_id="epa_supply_chain_v1_3", kind="government", title="Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6 "
             "(USEEIO v2.2.22-GHG), kg CO2e per USD2022 (purchaser price, without margins)",
             publisher="U.S. Environmental Protection Agency, Office of Research and Development", year="2024",
             url="https://doi.org/10.23719/1531143", licence="US Government work, public domain",
             attribution="US EPA Supply Chain GHG Emission Factors v1.3, doi:10.23719/1531143",
             notes="used through the epa_spend pack datasets spend_naics_<code>; prices per unit are this pack's "
                   "stated assumptions")
    p.source(source_id="pcf_assumed_composition", kind="assumption", title="pcf engineering assumptions: component mass compositions and "
             "purchase prices (stated in each dataset's notes)", publisher="pcf project", year="2025", url="",
             licence="CC0 1.0 (the project's own assumptions)", attribution="pcf project",
             notes="no manufacturer PEP/EPD or teardown composition was reachable with the search tool; replace with "
                   "supplier declarations when available")
    for key, (unit, naics, price, name, why) in SPEND.items():
        spend_key = f"spend_naics_{naics}"
        lo, hi = SPEND_PRICE_RANGE[key]
        p.dataset(key, f"{name} - SPEND-BASED", category="component", unit=unit, geography="US", year=2022,
                  source_id="epa_supply_chain_v1_3",
                  locator=f"NAICS {naics} factor via dataset {spend_key} (per-gas file, USD2022); price ASSUMED",
                  dq=(5, 5, 3, 3, 5), gwp_basis="AR6",
                  notes=f"Spend-based fallback (method 3): {fmt(price)} USD2022 per {unit} x {spend_key}. Price basis: "
                        f"{why}; ASSUMED range {fmt(lo)}-{fmt(hi)} USD2022 per {unit} (pcf assumption, no published "
                        f"price survey reached), so the factor ranges {fmt(lo / price)}x-{fmt(hi / price)}x the "
                        "central value. The result scales 1:1 with the price - enter the actual purchase price with "
                        f"the {spend_key} dataset directly when it is known. US economy-average supply chain (USEEIO), "
                        "not the product's own process chain; a Chinese-made part on Open CEDA's China factor for the "
                        "same sector gives several times more (see lci_data/reference_checks.csv).")
        p.tech(key, spend_key, price, "USD2022", f"{fmt(price)} USD2022 per {unit} (ASSUMED price, range "
               f"{fmt(lo)}-{fmt(hi)})")
    kwh = process_kwh()
    twins = cable_twins()
    geographies = {**CABLE_GEOGRAPHY, **{k: g for k, (g, _) in twins.items()}}
    for key, (unit, name, parts, why) in {**COMPOSITIONS, **{k: c for k, (_, c) in twins.items()}}.items():
        per = "per piece" if unit == "piece" else "per kg of component"
        energy = [(d, a) for d, a, _ in parts if d in PROCESS_KWH_INPUTS]
        energy_note = ""
        if energy:
            energy_note = (" Process energy (machining, heat treatment, anodising) is entered as electricity of the "
                           f"IEA 2024 world grid ({COMPONENT_GRID}), not the machine maker's factory grid: "
                           + "; ".join(f"{d} {fmt(a)} x {fmt(kwh[d])} kWh = {fmt(a * kwh[d])} kWh" for d, a in energy)
                           + " (kWh per unit from the processes pack models).")
        p.dataset(key, f"{name} - modelled from an assumed composition", category="component", unit=unit,
                  geography=geographies.get(key, "GLO"), year=2025, source_id="pcf_assumed_composition",
                  locator="assumed composition stated in notes (no cited composition reached)",
                  dq=(4, 4, 3, 4, 5), gwp_basis="AR6",
                  notes=f"Bottom-up model from an ASSUMED composition ({per}): "
                        + "; ".join(f"{c} -> {d} {fmt(a)}" for d, a, c in parts) + f". {why}{energy_note}")
        for dataset, amount, comment in parts:
            if dataset in PROCESS_KWH_INPUTS:
                p.tech(key, COMPONENT_GRID, amount * kwh[dataset], "kWh",
                       f"{comment}: {fmt(amount)} x {fmt(kwh[dataset])} kWh ({dataset} model) on the world grid")
                continue
            unit_in = {"pcb_assembly": "kg", "power_electronics_module": "kg"}.get(dataset, "kg")
            p.tech(key, dataset, amount, unit_in, comment)


# ABB Environmental Product Declaration 'AC machine type AMA 450, 1600 kW power' (ABB Industry Oy, Helsinki), table
# 'Material for the product': kg per product (wooden packing 60 kg excluded as packaging).
ABB_AMA450_KG = {  # material: (kg per product, dataset, comment)
    "Electrical steel": (2500.0, "steel_cold_rolled_cn", "NO electrical steel, proxy: CN cold-rolled steel"),
    "Other steel": (2350.0, "steel_plate_cn", "frame, shaft, structural steel as CN plate"),
    "Cast iron": (50.0, "cast_iron", "cast iron"),
    "Aluminium": (120.0, "aluminium_primary_global", "aluminium as global primary ingot (semi processing not "
                  "included; proxy)"),
    "Copper": (344.0, "copper_wire", "copper windings"),
    "Insulation material": (90.0, "plastic_engineering_proxy", "insulation (mica/polyester/epoxy): engineering "
                            "plastic proxy"),
    "Impregnation resin": (20.0, "plastic_engineering_proxy", "impregnation resin: engineering plastic proxy (epoxy)"),
    "Paint": (16.0, "plastic_engineering_proxy", "paint: engineering plastic proxy (no paint dataset in this tree)"),
}


def add_large_motor(p: Pack) -> None:
    p.source(source_id="abb_epd_ama450", kind="manufacturer",
             title="Environmental Product Declaration, AC machine type AMA 450, 1600 kW power (material table)",
             publisher="ABB Industry Oy / Machines Group, Helsinki", year="",
             url="https://new.abb.com/motors-generators (ABB EPD AC machine AMA 450)",
             read_at="https://scribd.com/document/699822038/AMA450GB",
             licence="manufacturer's public environmental declaration; composition facts quoted with attribution",
             attribution="ABB, EPD AC machine type AMA 450 1600 kW",
             notes="PSR for Rotating Electrical Machines (April 2000); only the material table was read (electrical "
                   "steel 2500, other steel 2350, cast iron 50, aluminium 120, copper 344, insulation 90, wooden "
                   "packing 60, impregnation resin 20, paint 16 kg per product); the EPD's own impact figures were "
                   "not reached. Publication year not printed in the copy read; the EPD follows the PSR for Rotating "
                   "Electrical Machines dated April 2000, so it is 2000 or later")
    total = sum(kg for kg, _, _ in ABB_AMA450_KG.values())
    p.dataset("electric_motor_induction_large", "Electric motor, large squirrel-cage induction machine (> 100 kW, "
              "HV/LV, cast/fabricated steel frame), per kg - materials from the ABB AMA 450 EPD",
              category="component", unit="kg", geography="GLO", year=2000, source_id="abb_epd_ama450",
              locator="EPD p.1 table 'Material for the product' (kg/product and kg/kW) for the AMA 450, 1600 kW, "
                      "6000 V machine",
              dq=(3, 3, 4, 4, 3), gwp_basis="AR6",
              notes=f"Material shares of the ABB AMA 450 (1600 kW) per kg of machine: "
                    + "; ".join(f"{m} {fmt(kg)} kg / {fmt(total)} kg = {fmt(kg / total)} -> {d}"
                                for m, (kg, d, _) in ABB_AMA450_KG.items())
                    + " (wooden packing 60 kg excluded). Material production only: lamination stamping, winding, "
                      "impregnation, machining and assembly energy NOT included (completeness 4; typically a few "
                      "% of a motor's cradle-to-gate GWP). The electrical steel is " + NO_STEEL_NOTE
                    + ". Small aluminium-frame motors "
                      "(0.75-7.5 kW) have much more aluminium: use electric_motor.")
    for m, (kg, d, c) in ABB_AMA450_KG.items():
        p.tech("electric_motor_induction_large", d, kg / total, "kg", f"{m} {fmt(kg)} kg / {fmt(total)} kg ({c})")


def add_industrial_pc(p: Pack) -> None:
    """Industrial PC from a manufacturer's process-based PCF of a business laptop (proxy), replacing a spend factor."""
    p.source(source_id="oconnell_stutz_2010_dell_laptop", kind="peer-reviewed",
             title="Product Carbon Footprint (PCF) Assessment of Dell Laptop - Results and Recommendations (IEEE "
                   "International Symposium on Sustainable Systems and Technology, ISSST 2010), abstract",
             publisher="O'Connell S., Stutz M. (Dell Inc.), IEEE", year="2010",
             url="https://doi.org/10.1109/ISSST.2010.5507731", read_at="https://abcdocz.com/doc/109390",
             licence="facts quoted with attribution", attribution="O'Connell & Stutz 2010, IEEE ISSST",
             notes="Dell Latitude E6400 (GaBi model from the product BOM): total PCF over 4 years 300-400 kg CO2eq for "
                   "three markets; 'the distribution between manufacturing and use is nearly equal'. The companion "
                   "Dell/PE International white paper (May 2010) gives 350 kg CO2eq total")
    p.dataset("industrial_pc", "Industrial PC (box/panel-less, fanless), per piece - PROXY: manufacturing share of a "
              "business laptop's PCF (Dell Latitude E6400)", category="component", unit="piece", geography="GLO",
              year=2010, source_id="oconnell_stutz_2010_dell_laptop",
              locator="abstract: total PCF 'between 300 and 400kg CO2eq'; 'The distribution between manufacturing "
                      "and use is nearly equal'",
              dq=(4, 3, 4, 4, 4), gwp_basis="unknown",
              notes="Cradle-to-gate per industrial PC taken as the manufacturing half of a mainstream business laptop's "
                    "life-cycle PCF: 300-400 kg CO2eq x ~0.5 = 150-200 kg, central 175 kg CO2e (aggregated). PROXY "
                    "(dq technological 4): a fanless box IPC has the same class of mainboard, memory and SSD but no "
                    "display or battery and a heavier aluminium housing; 2009 electronics (newer boards have lower "
                    "energy per function, more ICs). Replaces the former spend-based value (1500 USD2022 x US EPA "
                    "NAICS 334111 = 45.3 kg), which the Chinese Open CEDA factor puts 34x higher - both spend "
                    "figures depend on an assumed price. Panel PCs: add the display as hmi_panel.")
    p.bio("industrial_pc", "co2e_aggregated", 175.0, "O'Connell & Stutz 2010: laptop PCF 300-400 kg CO2eq, about half "
          "in manufacturing -> 175 kg per unit (proxy)")


def add_batteries(p: Pack) -> None:
    """Li-ion (LFP) battery per kWh of rated capacity from a peer-reviewed Chinese LCA."""
    p.source(source_id="hao_2017_lib_china", kind="peer-reviewed",
             title="GHG Emissions from the Production of Lithium-Ion Batteries for Electric Vehicles in China "
                   "(Sustainability 9(4):504, doi:10.3390/su9040504), abstract",
             publisher="Hao H., Mu Z., Jiang S., Liu Z., Zhao F. (Tsinghua University), MDPI", year="2017",
             url="https://doi.org/10.3390/su9040504", read_at="https://www.mdpi.com/2071-1050/9/4/504",
             licence="CC BY 4.0 (open-access article); figures quoted with attribution",
             attribution="Hao et al. 2017, Sustainability 9(4):504",
             notes="cradle-to-gate production of a 28 kWh EV battery pack made in China: LFP 3061, NMC 2912, "
                   "LMO 2705 kg CO2-eq; about 40 % of the total from electricity (Chinese grid)")
    per_kwh = 3061.0 / 28.0
    p.dataset("battery_li_ion_lfp", "Lithium-ion battery pack, LFP (lithium iron phosphate), made in China, per kWh "
              "of rated capacity", category="component", unit="kWh", geography="CN", year=2015,
              source_id="hao_2017_lib_china",
              locator="abstract: 'the GHG emissions from the production of a 28 kWh battery are 3061 kgCO2-eq' (LFP)",
              dq=(3, 2, 4, 3, 3), gwp_basis="unknown",
              notes=f"Reference unit: 1 kWh of rated (nameplate) capacity of a complete pack (cells, BMS, housing). "
                    f"3061 kg CO2-eq / 28 kWh = {fmt(per_kwh)} kg CO2e per kWh, carried as aggregated CO2e (the "
                    "study's own Chinese grid, about 40 % of the total, is inside the figure and does not follow "
                    "--grid). Enter a UPS or storage battery as its nameplate kWh (e.g. 48 V x 100 Ah = 4.8 kWh). "
                    "Newer cell plants (2020+) report lower values (Xu et al. 2022: 41-89 kg CO2e/kWh for cells): "
                    "the 2015-era pack figure is a conservative default. Lead-acid (VRLA) batteries: no cited "
                    "cradle-to-gate figure was reached, no dataset.")
    p.bio("battery_li_ion_lfp", "co2e_aggregated", per_kwh, "3061 kg CO2-eq / 28 kWh (Hao et al. 2017, LFP pack)")


def main() -> None:
    p = Pack()
    p.source(source_id="schneider_pep_110308", kind="manufacturer", read_at="https://de.scribd.com/document/321573894/Env-Pep-110308-En", title="Product Environmental Profile - Modular contactor "
             "(ENV PEP 110308 EN), constituent materials", publisher="Schneider Electric", year="2011",
             url="https://www.se.com/ (PEP ecopassport ENV PEP 110308 EN)",
             licence="manufacturer's public environmental declaration; composition facts quoted with attribution",
             attribution="Schneider Electric, PEP Modular contactor ENV PEP 110308 EN",
             notes="secondary copy of the PEP on a document-sharing site; the PEP's own life-cycle impact figures "
                   "were not reached, only its mass composition")
    total = sum(s for s, _, _ in CONTACTOR_SHARES.values())
    p.dataset("contactor_relay", "Contactor / relay, modular 25 A 2-pole (113 g), materials only", category="component",
              unit="piece", geography="GLO", year=2011, source_id="schneider_pep_110308",
              locator="PEP p.1 'Constituent materials' pie chart (reference 15380, 113 g)",
              dq=(3, 3, 3, 4, 4), gwp_basis="unknown",
              notes=f"Modelled from the PEP mass composition (shares sum to {fmt(total)} %) x 0.113 kg with the "
                    "materials pack datasets; part manufacturing/assembly energy and electronics (none declared) "
                    "NOT included (completeness 4); scale by mass for other ratings (113-618 g in the range). "
                    "Engineering plastics use the PS/PET proxy (dq 5 in materials).")
    per_input: dict[str, tuple[float, list[str]]] = {}
    for share, dataset, comment in CONTACTOR_SHARES.values():
        kg, notes = per_input.get(dataset, (0.0, []))
        per_input[dataset] = (kg + CONTACTOR_MASS_KG * share / 100.0, notes + [comment])
    for dataset, (kg, notes) in per_input.items():
        p.tech("contactor_relay", dataset, kg, "kg", f"0.113 kg x ({' + '.join(notes)})")

    add_gap_components(p)
    add_large_motor(p)
    add_industrial_pc(p)
    add_batteries(p)

    p.write(HERE)
    write_pack_yaml(HERE, "components", "Purchased components modelled from cited mass compositions",
                    licence="facts quoted with attribution (manufacturer PEPs); US EPA factors (public domain); project assumptions (CC0); see sources.csv",
                    attribution="Schneider Electric PEP ecopassport declarations")
    print(f"components: {len(p.datasets)} datasets, {len(p.exchanges)} exchanges")


if __name__ == "__main__":
    main()
