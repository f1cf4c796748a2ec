"""Build the `epa_spend` pack: one spend-based dataset per NAICS-6 code from the US EPA Supply Chain GHG Emission
Factors v1.3 (per-gas file), unit USD2022 (purchaser price), cradle-to-gate WITHOUT margins.

Run: .venv/bin/python lci_data/packs/epa_spend/build_epa_spend.py   (needs ../shared/data/epa-supply-chain-v1.3)
Deterministic: rows in file order (NAICS code, then the gas order of GAS_KEYS).

Gas mapping: each EPA gas row (kg gas per USD) -> one pcf flow key. The EPA file has no fossil/biogenic split:
CO2 -> co2_fossil, CH4 -> ch4_fossil (conservative: AR6 29.8 vs 27.0 for non-fossil). 'HFCs and PFCs,
unspecified' is given by EPA already in kg CO2e (AR5) -> co2e_aggregated.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "materials"))
from lci_build import SHARED, Pack, fmt, write_pack_yaml  # noqa: E402

EPA_DIR = SHARED / "data" / "epa-supply-chain-v1.3"
BYGAS = EPA_DIR / "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv"
SOURCE_ID = "epa_supply_chain_v1_3"
GAS_KEYS = {  # EPA 'GHG' column -> pcf flow key
    "Carbon dioxide": "co2_fossil",
    "Methane": "ch4_fossil",
    "Nitrous oxide": "n2o",
    "Sulfur hexafluoride": "sf6",
    "Nitrogen trifluoride": "nf3",
    "Carbon tetrafluoride": "cf4",
    "Hexafluoroethane": "c2f6",
    "Perfluoropropane": "c3f8",
    "Perfluorobutane": "c4f10",
    "Perfluorocyclobutane": "c_c4f8",
    "Perfluorohexane": "c6f14",
    "HFC-23": "hfc_23",
    "HFC-32": "hfc_32",
    "HFC-125": "hfc_125",
    "HFC-134a": "hfc_134a",
    "HFC-143a": "hfc_143a",
    "HFC-236fa": "hfc_236fa",
    "HFCs and PFCs, unspecified": "co2e_aggregated",
}
VALUE_COLUMN = "Supply Chain Emission Factors without Margins"


def main() -> None:
    by_code: dict[str, dict] = {}
    with open(BYGAS, encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            code = r["2017 NAICS Code"].strip()
            entry = by_code.setdefault(code, {"title": r["2017 NAICS Title"].strip(),
                                              "useeio": r["Reference USEEIO Code"].strip(), "gases": {}})
            gas = r["GHG"].strip()
            if gas not in GAS_KEYS:
                raise SystemExit(f"unmapped EPA gas {gas!r}: add a flow key")
            entry["gases"][gas] = (float(r[VALUE_COLUMN]), r["Unit"].strip())

    p = Pack()
    p.source(source_id=SOURCE_ID, kind="government", read_at="https://github.com/sungkomp/mcp-csv-agent @ 2f5575dc (third-party copy of the EPA files)", title="Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6 "
             "(USEEIO v2.2.22-GHG), per-gas file SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv",
             publisher="U.S. Environmental Protection Agency, Office of Research and Development", year="2024",
             url="https://doi.org/10.23719/1531143",
             licence="US Government work, public domain in the US (EPA Science Hub)",
             attribution="U.S. EPA (2024). Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6. "
                         "doi:10.23719/1531143",
             notes="third-party copy (github.com/sungkomp/mcp-csv-agent @ 2f5575dc) of the official files, not "
                   "byte-verified against EPA; IO year 2017, GHG data year 2022, indicator AR5-100; column 'Supply "
                   "Chain Emission Factors without Margins' (cradle-to-gate, purchaser price in 2022 USD)")
    for code in sorted(by_code, key=int):
        e = by_code[code]
        key = f"spend_naics_{code}"
        p.dataset(key, f"Spend on {e['title']} (NAICS {code}), US supply chain, per USD2022 purchaser price "
                       "without margins", category="spend", unit="USD2022", geography="US", year=2022,
                  source_id=SOURCE_ID,
                  locator=f"per-gas file, rows '2017 NAICS Code' = {code} (USEEIO {e['useeio']}), column "
                          f"'{VALUE_COLUMN}'",
                  dq=(5, 4, 4, 3, 4), gwp_basis="AR5",
                  notes="Spend-based (EEIO) fallback for purchases without physical data: kg of each gas per 2022 "
                        "USD (purchaser price), cradle-to-gate without trade/transport margins, US economy average "
                        "of the sector (not the product). Gas masses are GWP-independent and are characterised with "
                        "the run's method; only 'HFCs and PFCs, unspecified' is an AR5 kg CO2e amount "
                        "(co2e_aggregated). No fossil/biogenic split in the source: CO2 and CH4 booked as fossil. "
                        "Deflate/convert other currencies and years to USD2022 purchaser price before use.")
        for gas, flow in GAS_KEYS.items():
            amount, unit = e["gases"][gas]
            unit_note = "kg CO2e (AR5)" if flow == "co2e_aggregated" else "kg"
            p.bio(key, flow, amount, f"EPA {gas}: {fmt(amount)} {unit_note}/USD2022")
    p.write(HERE)
    write_pack_yaml(HERE, "epa_spend", "US EPA Supply Chain GHG Emission Factors v1.3 (spend-based, per NAICS-6)",
                    licence="Public domain (US Government work)",
                    attribution="U.S. EPA (2024). Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6. "
                                "doi:10.23719/1531143")
    print(f"epa_spend: {len(p.datasets)} datasets, {len(p.exchanges)} exchanges")


if __name__ == "__main__":
    main()
