"""Helpers shared by the build scripts of the materials, processes and components packs.

Deterministic: the same inputs (../shared/data and the constants in the build scripts) always give byte-identical
CSV files. Nothing here is imported by the pcf package at run time.
"""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
import os  # noqa: E402

# ../shared beside the repository; PCF_SHARED_DIR overrides it (e.g. a git worktree one level deeper)
SHARED = Path(os.environ.get("PCF_SHARED_DIR", str(REPO.parent / "shared")))
USLCI_ZIP = SHARED / "data" / "uslci" / "uslci_2017_olca1_5_0_json_ld.zip"

DATASET_COLUMNS = [
    "key", "name", "category", "unit", "geography", "reference_year", "source_id", "source_locator",
    "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability",
    "aircraft", "gwp_basis", "notes",
]
EXCHANGE_COLUMNS = ["dataset", "kind", "input", "amount", "unit", "comment"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "year", "kind", "url", "read_at", "licence", "attribution",
                  "notes"]

# Natural gas higher heating value used to turn m3 (USLCI) into kWh gross CV (natural_gas_combusted):
# EPA GHG Emission Factors Hub 2025, Table 1 'Stationary Combustion', row 'Natural Gas': 0.001026 mmBtu per scf.
NG_MMBTU_PER_SCF = 0.001026
SCF_PER_M3 = 35.3147
KWH_PER_MMBTU = 293.0711
NG_KWH_PER_M3 = NG_MMBTU_PER_SCF * SCF_PER_M3 * KWH_PER_MMBTU  # = 10.619 kWh (HHV) per m3
MJ_PER_KWH = 3.6

# USLCI (openLCA 1.5 JSON-LD) elementary-flow names -> pcf flow keys. Only greenhouse gases of the Kyoto basket
# (+NF3) are carried; ozone-depleting CFC/HCFC/halons (Montreal Protocol gases) are excluded, as in the GHG Protocol
# Product Standard; their share is stated in each dataset's notes where it is not negligible.
USLCI_GAS_KEYS = {
    "Carbon dioxide, fossil": "co2_fossil",
    "Carbon dioxide": "co2_fossil",  # USLCI 'unspecified' CO2: treated as fossil (conservative)
    "Carbon dioxide, biogenic": "co2_biogenic",
    "Carbon dioxide, land transformation": "co2_luc",
    "Methane, fossil": "ch4_fossil",
    "Methane": "ch4_fossil",  # unspecified methane from metal/fuel chains: fossil (29.8 > 27.0, conservative)
    "Methane, biogenic": "ch4_biogenic",
    "Dinitrogen monoxide": "n2o",
    "Sulfur hexafluoride": "sf6",
    "Nitrogen trifluoride": "nf3",
    "Methane, tetrafluoro-, FC-14": "cf4",
    "Ethane, hexafluoro-, HFC-116": "c2f6",
    "Methane, trifluoro-, HFC-23": "hfc_23",
    "Methane, difluoro-, HFC-32": "hfc_32",
    "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a": "hfc_134a",
}
# 'Carbon dioxide, in air' (uptake) is deliberately NOT carried for aggregated USLCI datasets: their biogenic
# emissions are partly booked as unspecified CO2 (mapped to fossil), so crediting the uptake would under-count.


def fmt(x: float) -> str:
    """A float as a short, stable string (6 significant digits)."""
    if x == 0:
        return "0"
    s = f"{x:.6g}"
    return s


@dataclass
class Pack:
    """Rows of one pack, written in insertion order."""

    sources: list[dict] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)
    exchanges: list[dict] = field(default_factory=list)

    def source(self, **row) -> str:
        self.sources.append({c: row.get(c, "") for c in SOURCE_COLUMNS})
        return row["source_id"]

    def dataset(self, key: str, name: str, *, category: str, unit: str, geography: str, year, source_id: str,
                locator: str, dq: tuple, gwp_basis: str, notes: str) -> str:
        tec, geo, tem, com, rel = dq
        self.datasets.append({
            "key": key, "name": name, "category": category, "unit": unit, "geography": geography,
            "reference_year": str(year), "source_id": source_id, "source_locator": locator,
            "dq_technological": tec, "dq_geographical": geo, "dq_temporal": tem,
            "dq_completeness": "" if com is None else com, "dq_reliability": "" if rel is None else rel,
            "aircraft": "false", "gwp_basis": gwp_basis, "notes": notes,
        })
        return key

    def bio(self, dataset: str, flow: str, amount: float, comment: str) -> None:
        if amount <= 0:
            return
        self.exchanges.append({"dataset": dataset, "kind": "biosphere", "input": flow, "amount": fmt(amount),
                               "unit": "kg", "comment": comment})

    def tech(self, dataset: str, inp: str, amount: float, unit: str, comment: str) -> None:
        if amount <= 0:
            return
        self.exchanges.append({"dataset": dataset, "kind": "technosphere", "input": inp, "amount": fmt(amount),
                               "unit": unit, "comment": comment})

    def write(self, folder: Path) -> None:
        for name, cols, rows in (("sources.csv", SOURCE_COLUMNS, self.sources),
                                 ("datasets.csv", DATASET_COLUMNS, self.datasets),
                                 ("exchanges.csv", EXCHANGE_COLUMNS, self.exchanges)):
            with open(folder / name, "w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)


class Uslci:
    """Reads processes of the USLCI 2017 openLCA JSON-LD export straight from its zip."""

    def __init__(self, path: Path = USLCI_ZIP):
        self.zip = zipfile.ZipFile(path)
        self.names = {n.split("/")[-1][:-5]: n for n in self.zip.namelist() if n.startswith("processes/")}

    def process(self, uuid: str) -> dict:
        return json.loads(self.zip.read(self.names[uuid]))

    def reference_amount(self, proc: dict) -> float:
        for ex in proc["exchanges"]:
            if ex.get("quantitativeReference"):
                return float(ex["amount"])
        raise ValueError(f"no reference flow in {proc['name']}")

    def gases(self, uuid: str) -> tuple[dict[str, float], dict[str, float]]:
        """(kg of each pcf gas key, kg of each excluded halocarbon by name) per 1 unit of the reference flow."""
        proc = self.process(uuid)
        ref = self.reference_amount(proc)
        kept: dict[str, float] = {}
        excluded: dict[str, float] = {}
        for ex in proc["exchanges"]:
            name = ex["flow"]["name"].strip()
            if ex.get("input"):
                continue
            amount = float(ex["amount"]) / ref
            if name in USLCI_GAS_KEYS:
                key = USLCI_GAS_KEYS[name]
                kept[key] = kept.get(key, 0.0) + amount
            elif any(t in name for t in ("CFC", "HCFC", "Halon")):
                excluded[name] = excluded.get(name, 0.0) + amount
        return kept, excluded


def ar6_factors() -> dict[str, float]:
    """AR6 GWP100 of each flow key, from lci_data/methods (written by the methods engineer)."""
    path = REPO / "lci_data" / "methods" / "ipcc_ar6_gwp100.csv"
    with open(path, encoding="utf-8") as fh:
        return {r["flow_key"]: float(r["factor"]) for r in csv.DictReader(fh)}


def co2e(gases: dict[str, float], factors: dict[str, float]) -> float:
    return sum(amount * factors[key] for key, amount in gases.items())


def write_pack_yaml(folder: Path, name: str, title: str, licence: str, attribution: str, optional: bool = False):
    text = (f"name: {name}\n"
            f"title: {json.dumps(title)}\n"
            f"optional: {'true' if optional else 'false'}\n"
            f"licence: {json.dumps(licence)}\n"
            f"attribution: {json.dumps(attribution)}\n")
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
