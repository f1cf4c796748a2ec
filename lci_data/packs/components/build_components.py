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
    "steel": (42.66, "steel_cold_rolled", "steel 42.66 %"),
    "ferrous alloys": (9.85, "steel_cold_rolled", "ferrous alloys 9.85 % (as cold-rolled steel)"),
    "copper": (14.00, "copper_busbar", "copper 14 % (contacts, coil: as copper semis)"),
    "non ferrous alloys": (2.97, "brass", "non-ferrous alloys 2.97 % (as brass)"),
    "polyamide": (23.88, "plastic_engineering_proxy", "polyamide 23.88 %"),
    "polybutylene terephthalate": (4.15, "plastic_engineering_proxy", "PBT 4.15 %"),
    "polycarbonate": (0.18, "plastic_engineering_proxy", "PC 0.18 %"),
    "nitrile rubber": (0.36, "plastic_engineering_proxy", "nitrile rubber 0.36 % (no rubber dataset: proxy)"),
    "polypropylene": (1.94, "plastic_pp", "PP 1.94 %"),
}


def main() -> None:
    p = Pack()
    p.source(source_id="schneider_pep_110308", title="Product Environmental Profile - Modular contactor "
             "(ENV PEP 110308 EN), constituent materials", publisher="Schneider Electric", year="2011",
             url="https://de.scribd.com/document/321573894/Env-Pep-110308-En",
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

    p.write(HERE)
    write_pack_yaml(HERE, "components", "Purchased components modelled from cited mass compositions",
                    licence="facts quoted with attribution (manufacturer PEPs); see sources.csv",
                    attribution="Schneider Electric PEP ecopassport declarations")
    print(f"components: {len(p.datasets)} datasets, {len(p.exchanges)} exchanges")


if __name__ == "__main__":
    main()
