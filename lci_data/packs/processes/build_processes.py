"""Build the `processes` pack: manufacturing processes as energy and consumables linked to `electricity_factory`
and `natural_gas_combusted`, so that changing the factory grid changes every process.

Run: .venv/bin/python lci_data/packs/processes/build_processes.py   (needs ../shared/data/uslci)
Deterministic. Energy figures come from public-domain USLCI unit processes (each locator gives the process @id).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "materials"))
from lci_build import NG_KWH_PER_M3, MJ_PER_KWH, Pack, Uslci, fmt, write_pack_yaml  # noqa: E402

SRC = "uslci_2017"
P = {
    "inj_pp": "89a2b59a-1ca2-34f5-acc8-a8eaaa6fa870",
    "al_shape_cast": "a9fd0eec-60dd-3506-8a22-6f8715f80f4e",
    "al_sand_cast": "f61ecd3b-fdba-3739-8051-1d4bb0c2d98e",
    "topcoat_m2": "ac1515a9-6ed3-347e-8e33-cd870a2de574",
    "pretreat_m2": "b096119c-d496-3c65-b3fe-9a65a09187a8",
    "coil_coating_m2": "c493f95f-0143-3c66-b62a-3494133eb337",
    "galv_sheet": "d6510d2d-d29c-3705-b686-b7903cd6e6bd",
    "cr_sheet": "c378e883-97fc-3714-b923-d7271b8fcbac",
}


def main() -> None:
    u = Uslci()
    p = Pack()
    p.source(source_id=SRC, title="U.S. Life Cycle Inventory Database (USLCI), openLCA 1.5 JSON-LD export "
             "(766 processes, committed 2017-12-28)", publisher="National Renewable Energy Laboratory (NREL) / "
             "Federal LCA Commons", year="2017",
             url="https://github.com/FLCAC-admin/uslci-content (downloads/uslci_olca1_5_0_json_ld)",
             licence="CC0 1.0 / public domain (US federal government data)",
             attribution="U.S. Life Cycle Inventory Database (USLCI), National Renewable Energy Laboratory, 2017 "
             "openLCA 1.5 JSON-LD export",
             notes="unit processes by the American Chemistry Council RPPG (injection moulding), Franklin Associates /"
             " Aluminum Association (casting), Vehicle Recycling Partnership (painting), coil coating (2014-15); "
             "natural gas m3 converted at 10.619 kWh/m3 gross CV (EPA GHG EF Hub 2025 Table 1: 0.001026 mmBtu/scf)")
    ng = f"x {fmt(NG_KWH_PER_M3)} kWh/m3 gross CV (EPA Hub 2025 Table 1, 0.001026 mmBtu/scf)"

    def loc(uid: str, what: str) -> str:
        return f"process '{u.process(P[uid])['name']}' @id {P[uid]}: {what}"

    # injection moulding (ACC RPPG, 2010)
    p.dataset("injection_moulding", "Injection moulding of thermoplastics, per kg of moulded part (process only)",
              category="process", unit="kg", geography="RNA", year=2010, source_id=SRC,
              locator=loc("inj_pp", "1.79 kWh electricity, 0.0034 m3 natural gas, 8.3e-06 l diesel per kg part"),
              dq=(2, 3, 3, 2, 2), gwp_basis="AR6",
              notes="American Chemistry Council Rigid Plastics Processing Group survey (PP parts, 2010). Process "
                    "energy only: the polymer (1.034 kg resin per kg part incl. 4.5 % scrap) must be entered in the "
                    "BOM with a plastic dataset x 1.034. Gasoline (8.3e-05 l) and LPG (0.00083 l) per kg omitted "
                    f"(<1 % of the CO2e). Gas 0.0034 m3 {ng} = {fmt(0.0034 * NG_KWH_PER_M3)} kWh. Cross-check: "
                    "Socks (VEIC) measured 0.278 kWh/lb (0.61 kWh/kg) hydraulic and 0.073 kWh/lb all-electric.")
    p.tech("injection_moulding", "electricity_factory", 1.79, "kWh", "1.79 kWh/kg (USLCI RPPG)")
    p.tech("injection_moulding", "natural_gas_combusted", 0.0034 * NG_KWH_PER_M3, "kWh", f"0.0034 m3 {ng}")
    p.tech("injection_moulding", "diesel_combusted", 8.3e-06, "litre", "8.3e-06 l diesel per kg (USLCI RPPG)")

    # aluminium casting, energy only
    p.dataset("casting_aluminium", "Aluminium shape casting, foundry energy only, per kg casting",
              category="process", unit="kg", geography="RNA", year=1998, source_id=SRC,
              locator=loc("al_shape_cast", "0.5635 m3 natural gas and 0.8268 kWh electricity per kg casting"),
              dq=(2, 3, 5, 3, 3), gwp_basis="AR6",
              notes="Franklin Associates / Aluminum Association unit process (1998): melting, holding and casting "
                    "energy. Energy only: add the alloy (e.g. aluminium_recycled x 0.975 kg/kg). "
                    f"Gas 0.5635 m3 {ng} = {fmt(0.5635 * NG_KWH_PER_M3)} kWh. For sand casting of complex parts use "
                    "casting_aluminium_sand (lower yield, more energy).")
    p.tech("casting_aluminium", "natural_gas_combusted", 0.5635 * NG_KWH_PER_M3, "kWh", f"0.5635 m3 {ng}")
    p.tech("casting_aluminium", "electricity_factory", 0.8268, "kWh", "0.8268 kWh/kg (USLCI)")
    p.dataset("casting_aluminium_sand", "Aluminium precision sand casting, foundry energy only, per kg casting",
              category="process", unit="kg", geography="RNA", year=2001, source_id=SRC,
              locator=loc("al_sand_cast", "0.931 m3 natural gas, 4.29 kWh electricity, 1.22 kg CO2 (process), "
                                          "1.15 kg ingot and 0.0775 kg phenol formaldehyde binder per kg casting"),
              dq=(2, 3, 5, 3, 3), gwp_basis="AR6",
              notes="USLCI precision sand casting (1996-2001). Energy and direct process CO2 only; the metal input "
                    "(1.15 kg ingot per kg, 0.648 kg returned as scrap) and the resin binder are not included - add "
                    f"the alloy in the BOM. Gas 0.931 m3 {ng} = {fmt(0.931 * NG_KWH_PER_M3)} kWh. The listed 1.22 kg "
                    "CO2 is the process' own (combustion) emission reported by the unit process; it overlaps with "
                    "the gas combustion here, so it is NOT added again.")
    p.tech("casting_aluminium_sand", "natural_gas_combusted", 0.931 * NG_KWH_PER_M3, "kWh", f"0.931 m3 {ng}")
    p.tech("casting_aluminium_sand", "electricity_factory", 4.29, "kWh", "4.29 kWh/kg (USLCI)")

    # wet painting (automotive paint shop data, per m2)
    p.dataset("wet_painting", "Wet (liquid) spray painting incl. pretreatment, per m2 painted surface - "
              "electricity only", category="process", unit="m2", geography="RNA", year=2005, source_id=SRC,
              locator=loc("topcoat_m2", "0.939 kWh/m2") + "; " + loc("pretreat_m2", "0.105 kWh/m2"),
              dq=(4, 3, 4, 4, 3), gwp_basis="AR6",
              notes="Vehicle Recycling Partnership paint-shop unit processes (top coat 0.939 + pretreatment 0.105 = "
                    "1.044 kWh/m2). INCOMPLETE: the USLCI processes list electricity only - paint/solvent, oven gas "
                    "and VOC are not included (dq completeness 4). Automotive lines are more automated than "
                    "machine-builder booths.")
    p.tech("wet_painting", "electricity_factory", 0.939 + 0.105, "kWh", "0.939 (top coat) + 0.105 (pretreatment)")

    # powder coating proxy: coil coating
    pr = u.process(P["coil_coating_m2"])
    elec_mj = next(e["amount"] for e in pr["exchanges"] if e["flow"]["name"].startswith("Electricity"))
    gas_m3 = next(e["amount"] for e in pr["exchanges"] if e["flow"]["name"].startswith("Natural gas"))
    p.dataset("powder_coating", "Coating of steel, per m2 (PROXY: continuous coil coating line energy)",
              category="process", unit="m2", geography="RNA", year=2015, source_id=SRC,
              locator=loc("coil_coating_m2", f"{fmt(elec_mj)} MJ electricity and {fmt(gas_m3)} m3 natural gas per m2"),
              dq=(5, 3, 2, 4, 3), gwp_basis="AR6",
              notes="No open powder-coating inventory was found; the USLCI coil-coating unit process (2014-2015) is "
                    f"used as a stated proxy for the line energy: {fmt(elec_mj)} MJ / 3.6 = {fmt(elec_mj / MJ_PER_KWH)} "
                    f"kWh electricity; {fmt(gas_m3)} m3 {ng} = {fmt(gas_m3 * NG_KWH_PER_M3)} kWh gas. A batch powder "
                    "booth with a gas curing oven uses several times more energy per m2; the powder itself "
                    "(~0.1-0.2 kg/m2) and the packaging/transport inputs of the unit process are NOT included.")
    p.tech("powder_coating", "electricity_factory", elec_mj / MJ_PER_KWH, "kWh", f"{fmt(elec_mj)} MJ / 3.6")
    p.tech("powder_coating", "natural_gas_combusted", gas_m3 * NG_KWH_PER_M3, "kWh", f"{fmt(gas_m3)} m3 {ng}")

    # galvanising: difference of two aggregated USLCI steel datasets of the same family
    g, _ = u.gases(P["galv_sheet"])
    c, _ = u.gases(P["cr_sheet"])
    p.dataset("galvanising_hot_dip", "Hot-dip galvanising of steel, per kg steel (increment galvanised minus "
              "cold-rolled sheet)", category="process", unit="kg", geography="RNA", year=2002, source_id=SRC,
              locator=loc("galv_sheet", "per-gas outputs") + " minus " + loc("cr_sheet", "per-gas outputs"),
              dq=(4, 3, 5, 3, 4), gwp_basis="AR6",
              notes="Increment of continuous hot-dip galvanising (zinc, line energy) = USLCI galvanised sheet minus "
                    "cold-rolled sheet of the same steel family (Markus Engineering / Franklin, 1993-2002): CO2 "
                    f"{fmt(g['co2_fossil'])} - {fmt(c['co2_fossil'])} = {fmt(g['co2_fossil'] - c['co2_fossil'])} kg, "
                    f"CH4 {fmt(g['ch4_fossil'] - c['ch4_fossil'])} kg per kg steel. Carried as gas masses (not linked "
                    "to electricity_factory, the source gives no energy split). Batch galvanising of fabricated "
                    "parts uses a thicker zinc coat (more zinc per kg) - likely an under-estimate.")
    for k in sorted(g):
        d = g[k] - c.get(k, 0.0)
        p.bio("galvanising_hot_dip", k, d, f"USLCI galvanised minus cold-rolled sheet: {fmt(g[k])} - "
              f"{fmt(c.get(k, 0.0))}")

    p.write(HERE)
    write_pack_yaml(HERE, "processes", "Manufacturing processes as energy linked to the factory grid",
                    licence="CC0 1.0 / public domain (USLCI, US EPA)",
                    attribution="U.S. Life Cycle Inventory Database (USLCI), National Renewable Energy Laboratory; "
                                "US EPA GHG Emission Factors Hub")
    print(f"processes: {len(p.datasets)} datasets, {len(p.exchanges)} exchanges")


if __name__ == "__main__":
    main()
