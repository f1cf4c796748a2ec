"""Regenerate ipcc_ar6_gwp100.csv and ipcc_ar5_gwp100.csv from the IPCC tables in ../shared/data/ipcc-ar6-gwp.

Deterministic: the same tables give byte-identical CSVs. Run from anywhere:

    python lci_data/methods/build_methods.py [--shared /path/to/shared] [--check]

`--check` writes nothing and exits 1 when a committed CSV differs from what the tables give. After writing, the AR6
factors are compared with bw2io's bundled 'IPCC 2021' climate change GWP100 method (read from the zip, no Brightway
project needed) for every flow of flows.csv that method characterises.

Sources
- AR6: IPCC AR6 WG1 Chapter 7 Supplementary Material, Table 7.SM.7 (Forster et al. 2021), column GWP100.
  Fossil and non-fossil methane (29.8 / 27.0) are in Table 7.15 of the chapter's main text, not in Table 7.SM.7:
  they are the two constants below.
- AR5: the CC0 table globalwarmingpotentials 0.13.2, column AR5GWP100 (IPCC AR5 WG1 Table 8.A.1, without
  climate-carbon feedbacks), the values DESNZ and the US EPA use (CH4 28, N2O 265). AR5 gives one methane value
  here for fossil and non-fossil methane, as DESNZ and EPA apply it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LCI_DATA = HERE.parent
DEFAULT_SHARED = LCI_DATA.parents[1] / "shared"

AR6_TABLE = "data/ipcc-ar6-gwp/AR6_WG1_Table7SM7_metrics_supplement_cleaned.csv"
AR5_TABLE = "data/ipcc-ar6-gwp/globalwarmingpotentials_0.13.2.csv"

# flow key -> (column, value) identifying the gas in Table 7.SM.7 and the species name in the CC0 table.
GAS_ROWS: dict[str, tuple[tuple[str, str], str]] = {
    "co2_fossil": (("Formula", "CO2"), ""),
    "n2o": (("Formula", "N2O"), "N2O"),
    "sf6": (("Formula", "SF6"), "SF6"),
    "nf3": (("Formula", "NF3"), "NF3"),
    "hfc_134a": (("Acronym", "HFC-134a"), "HFC134a"),
    "hfc_32": (("Acronym", "HFC-32"), "HFC32"),
    "hfc_125": (("Acronym", "HFC-125"), "HFC125"),
    "hfc_143a": (("Acronym", "HFC-143a"), "HFC143a"),
    "hfc_23": (("Acronym", "HFC-23"), "HFC23"),
    "hfc_236fa": (("Acronym", "HFC-236fa"), "HFC236fa"),
    "cf4": (("Acronym", "PFC-14"), "CF4"),
    "c2f6": (("Acronym", "PFC-116"), "C2F6"),
    "c3f8": (("Acronym", "PFC-218"), "C3F8"),
    "c4f10": (("Acronym", "PFC-31-10"), "C4F10"),
    "c_c4f8": (("Acronym", "PFC-C-318"), "cC4F8"),
    "c6f14": (("Acronym", "PFC-51-14"), "C6F14"),
}
# AR6 WG1 Chapter 7, Table 7.15 (main text): GWP100 of methane by origin; the oxidation CO2 of fossil methane is
# what separates the two.
AR6_CH4_FOSSIL = 29.8
AR6_CH4_NON_FOSSIL = 27.0
TABLE_7_15 = "IPCC AR6 WG1 Ch.7 Table 7.15 (Forster et al. 2021)"

# Factors fixed by convention (ISO 14067 / PACT report biogenic emissions and removals at +1 / -1).
CONVENTIONS = {
    "co2_biogenic": (1.0, "convention: biogenic CO2 emission at +1 (ISO 14067 and PACT report it separately)"),
    "co2_luc": (1.0, "CO2 from soil or biomass stock (land-use change) at 1, as CO2"),
    "co2_uptake": (-1.0, "convention: biogenic CO2 removal at -1 (ISO 14067 and PACT report it separately)"),
    "co2e_aggregated": (1.0, "already kg CO2e; the GWP set of its source is stated on each dataset"),
    # a supplier's PACT footprint keeps its own split: kg CO2e by class, as declared (its GWP set is recorded)
    "co2e_fossil_declared": (1.0, "convention: supplier-declared fossil kg CO2e (PACT fossilGhgEmissions)"),
    "co2e_biogenic_declared": (1.0, "convention: supplier-declared biogenic emissions kg CO2e"),
    "co2e_luc_declared": (1.0, "convention: supplier-declared land-use change kg CO2e (PACT landUseChangeGhgEmissions)"),
    "co2e_removal_declared": (-1.0, "convention: supplier-declared biogenic CO2 uptake (PACT biogenicCO2Uptake) at -1"),
}

UNIT = "kg CO2e/kg"
BW2IO_METHOD = ("IPCC 2021", "climate change", "global warming potential (GWP100)")


def _read_ar6(shared: Path) -> list[dict[str, str]]:
    with (shared / AR6_TABLE).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _read_cc0(shared: Path) -> dict[str, dict[str, str]]:
    with (shared / AR5_TABLE).open(newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return {row["Species"]: row for row in csv.DictReader(lines)}


def _number(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError(f"expected a positive GWP, got {text!r}")
    return value


def _flow_keys() -> list[str]:
    with (LCI_DATA / "flows.csv").open(newline="", encoding="utf-8") as f:
        return [row["key"] for row in csv.DictReader(f)]


def build_ar6(shared: Path) -> list[tuple[str, float, str]]:
    """Rows (flow_key, factor, source) of the AR6 GWP100 method, in flows.csv order."""
    table = _read_ar6(shared)
    rows = []
    for key in _flow_keys():
        if key in CONVENTIONS:
            factor, source = CONVENTIONS[key]
        elif key == "ch4_fossil":
            factor, source = AR6_CH4_FOSSIL, f"{TABLE_7_15}: CH4-fossil GWP100"
        elif key == "ch4_biogenic":
            factor, source = AR6_CH4_NON_FOSSIL, f"{TABLE_7_15}: CH4-non fossil GWP100"
        else:
            (column, value), _ = GAS_ROWS[key]
            matches = [r for r in table if r[column].strip() == value]
            if len(matches) != 1:
                raise ValueError(f"{AR6_TABLE}: expected one row with {column}={value!r}, found {len(matches)}")
            row = matches[0]
            factor = _number(row["GWP100"])
            label = row["Acronym"] or row["Formula"]
            source = f"IPCC AR6 WG1 Table 7.SM.7 (Forster et al. 2021): {row['Name']} ({label}) GWP100"
        rows.append((key, factor, source))
    return rows


def build_ar5(shared: Path) -> list[tuple[str, float, str]]:
    """Rows (flow_key, factor, source) of the AR5 GWP100 method (no climate-carbon feedbacks)."""
    table = _read_cc0(shared)
    cc0 = "IPCC AR5 WG1 Table 8.A.1 GWP100 without climate-carbon feedbacks, via CC0 globalwarmingpotentials 0.13.2"
    rows = []
    for key in _flow_keys():
        if key in CONVENTIONS:
            factor, source = CONVENTIONS[key]
        elif key == "co2_fossil":
            factor, source = 1.0, "CO2 reference gas"
        elif key in ("ch4_fossil", "ch4_biogenic"):
            factor = _number(table["CH4"]["AR5GWP100"])
            source = f"{cc0}: CH4 (one value for fossil and non-fossil methane, as DESNZ 2025 and US EPA apply it)"
        else:
            _, species = GAS_ROWS[key]
            factor = _number(table[species]["AR5GWP100"])
            source = f"{cc0}: {species}"
        rows.append((key, factor, source))
    return rows


def render(rows: list[tuple[str, float, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["flow_key", "factor", "unit", "source"])
    for key, factor, source in rows:
        writer.writerow([key, f"{factor:g}", UNIT, source])
    return out.getvalue()


def bw2io_ipcc2021_gwp100() -> dict[str, float]:
    """biosphere3 uuid -> factor of bw2io's bundled 'IPCC 2021' climate change GWP100 (keys are JSON lists)."""
    import importlib.util

    spec = importlib.util.find_spec("bw2io")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("bw2io")
    path = Path(spec.origin).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with zipfile.ZipFile(path) as archive:
        methods = json.load(archive.open("data.json"))
    (method,) = [m for m in methods if tuple(m["name"]) == BW2IO_METHOD]
    return {e["input"][1]: float(e["amount"]) for e in method["exchanges"]}


def cross_check_bw2io(ar6_rows: list[tuple[str, float, str]]) -> list[str]:
    """Messages for every flow whose AR6 factor differs from bw2io's 'IPCC 2021' GWP100; empty when all agree."""
    with (LCI_DATA / "flows.csv").open(newline="", encoding="utf-8") as f:
        uuids = {row["key"]: row["biosphere3_uuid"] for row in csv.DictReader(f)}
    reference = bw2io_ipcc2021_gwp100()
    problems = []
    for key, factor, _ in ar6_rows:
        expected = reference.get(uuids[key])
        if expected is not None and abs(expected - factor) > 1e-9 * max(1.0, abs(expected)):
            problems.append(f"{key}: {factor} here, {expected} in bw2io 'IPCC 2021'")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder (default ../shared)")
    parser.add_argument("--check", action="store_true", help="compare with the committed CSVs, write nothing")
    args = parser.parse_args(argv)

    ar6 = build_ar6(args.shared)
    outputs = {"ipcc_ar6_gwp100.csv": render(ar6), "ipcc_ar5_gwp100.csv": render(build_ar5(args.shared))}
    status = 0
    for name, text in outputs.items():
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{name}: differs from what {args.shared} gives", file=sys.stderr)
                status = 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 1} factors)")
    try:
        problems = cross_check_bw2io(ar6)
    except ModuleNotFoundError:
        print("bw2io not installed: cross-check against 'IPCC 2021' skipped", file=sys.stderr)
    else:
        for message in problems:
            print(f"mismatch with bw2io: {message}", file=sys.stderr)
        status = status or int(bool(problems))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
