"""The paired Monte Carlo and the Sobol' indices of a design comparison as tables: for the markdown section, the
JSON document and the workbook of `pcf compare` (docs/uncertainty.md)."""

from __future__ import annotations

import pandas as pd

SOBOL_NOTE = ("Sobol' indices of each variant's CFP (kg CO2e per machine) over its parameters' ranges (range: "
              "uniform start-stop; values: each value equally likely), Saltelli sample on the comparator's fast path, "
              "SALib; +- the bootstrap 95 % confidence interval. S1: share of the variance a parameter explains "
              "alone; ST: with its interactions.")


def paired_frame(paired, reference: str) -> pd.DataFrame:
    """Per variant: its CFP's median and 95 % interval, the delta to the reference and P(variant lower), kg CO2e."""
    rows = []
    for row in paired.table(reference):
        t, d = row["total_kg_co2e"], row["delta_kg_co2e"]
        rows.append({"variant": row["name"], "median_kg_co2e": t["median"], "p2_5_kg_co2e": t["p2_5"],
                     "p97_5_kg_co2e": t["p97_5"], "delta_median_kg_co2e": d["median"],
                     "delta_p2_5_kg_co2e": d["p2_5"], "delta_p97_5_kg_co2e": d["p97_5"],
                     "probability_lower": None if row["name"] == reference else row["probability_lower"]})
    return pd.DataFrame(rows)


def sobol_frame(results) -> pd.DataFrame:
    """One row per variant spec and parameter: its range, S1 and ST with their confidence intervals."""
    frames = [r.table.assign(variant=r.variant, evaluations=r.evaluations) for r in results]
    columns = ["variant", "parameter", "unit", "sampled", "low", "high", "S1", "S1_conf", "ST", "ST_conf",
               "evaluations"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def paired_note(paired, reference: str) -> str:
    return (f"Paired Monte Carlo, {paired.iterations} iterations, seed {paired.seed}, pedigree {paired.pedigree}: "
            f"every variant drawn from the same inputs; delta = variant - {reference}; P(lower) = share of draws in "
            "which the variant's CFP is below the reference's. kg CO2e per machine.")


def markdown(paired, sobol, reference: str) -> str:
    """A markdown section with the paired Monte Carlo and/or the Sobol' indices (either may be None)."""
    out = []
    if paired is not None:
        out += ["## Uncertainty of the comparison", "", paired_note(paired, reference), "",
                "| variant | median | 95 % interval | delta median | delta 95 % interval | P(lower) |",
                "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in paired_frame(paired, reference).itertuples():
            p = "-" if r.probability_lower is None or r.variant == reference else f"{r.probability_lower:.1%}"
            out.append(f"| {r.variant} | {r.median_kg_co2e:,.1f} | {r.p2_5_kg_co2e:,.1f} to {r.p97_5_kg_co2e:,.1f} | "
                       f"{r.delta_median_kg_co2e:+,.1f} | {r.delta_p2_5_kg_co2e:+,.1f} to "
                       f"{r.delta_p97_5_kg_co2e:+,.1f} | {p} |")
        out.append("")
    if sobol:
        out += ["## Sobol' indices of the parameters", "", SOBOL_NOTE, "",
                "| variant | parameter | range | S1 | ST |", "| --- | --- | --- | ---: | ---: |"]
        for r in sobol_frame(sobol).itertuples():
            unit = f" {r.unit}" if r.unit else ""
            out.append(f"| {r.variant} | {r.parameter} | {r.low:g} to {r.high:g}{unit} ({r.sampled}) | "
                       f"{r.S1:.2f} +- {r.S1_conf:.2f} | {r.ST:.2f} +- {r.ST_conf:.2f} |")
        out.append("")
    return "\n".join(out)


def sheets(paired, sobol, reference: str) -> list[tuple[str, pd.DataFrame, str]]:
    """(title, table, note) of the workbook sheets."""
    out = []
    if paired is not None:
        out.append(("Paired Monte Carlo", paired_frame(paired, reference), paired_note(paired, reference)))
    if sobol:
        out.append(("Sobol indices", sobol_frame(sobol), SOBOL_NOTE))
    return out
