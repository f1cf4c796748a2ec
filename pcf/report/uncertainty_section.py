"""The Monte Carlo part of the report's "Sensitivity and uncertainty" section and of the workbook (a Result's
`uncertainty`, pcf.uncertainty.run.UncertaintyResult): statistics by stage, histogram, the inputs that drive 90 %
of the variance, and the data-quality aggregate beside them."""

from __future__ import annotations

import pandas as pd

from ..labels import STAGE_LABELS  # the stage names of the rest of the report (results-stage, boundary)


def statistics_rows(mc) -> list[list]:
    """[label, static, mean, median, 2.5 %, 97.5 %] in kg CO2e per machine: the total, then each stage."""
    t = mc.total
    rows = [["Total (CFP excluding biogenic uptake)", mc.static_total, t["mean"], t["median"], t["p2_5"], t["p97_5"]]]
    for stage, s in mc.by_stage().items():
        rows.append([STAGE_LABELS.get(stage, stage), None, s["mean"], s["median"], s["p2_5"], s["p97_5"]])
    return rows


def driver_rows(mc) -> list[list]:
    """[input, contribution to variance, cumulative, rank correlation] of the inputs driving 90 % of it."""
    frame = mc.sensitivity
    if frame is None or frame.empty:
        return []
    drivers = frame[frame["drives_90_percent"]]
    return [[r.input, r.variance_share, r.cumulative_share, r.rank_correlation] for r in drivers.itertuples()]


def histogram_rows(mc) -> list[list]:
    """[from kg CO2e, to kg CO2e, draws] of the total's histogram."""
    h = mc.total["histogram"]
    return [[h["edges"][i], h["edges"][i + 1], c] for i, c in enumerate(h["counts"])]


def paragraphs(mc) -> list[str]:
    t = mc.total
    return [
        f"Uncertainty (Monte Carlo, {mc.iterations:,} iterations, seed {mc.seed}, reproducible): median "
        f"{t['median']:,.1f} kg CO2e, mean {t['mean']:,.1f} kg CO2e, 95 % interval {t['p2_5']:,.1f} to "
        f"{t['p97_5']:,.1f} kg CO2e per machine; the static CFP is {mc.static_total:,.1f} kg CO2e"
        + (" (below the median: every input's median is its static value, and a sum of right-skewed inputs has its "
           "median above the sum of their medians, towards the sum of their means; the wider the spreads, the larger "
           "the gap)"
           if mc.static_total < t["median"] else "") + ". Every exchange carries a distribution: the source's stated range "
        f"where one is given, otherwise the pedigree approach ('{mc.pedigree}' factors; Weidema et al. 2013, "
        "ecoinvent report 1(v3); Ciroth et al. 2016, Int J LCA 21:1338) on the dataset's data-quality ratings; "
        "estimated masses carry the estimate's spread and BOM lines their stated spread. A dataset is drawn once "
        "per iteration for every line that uses it (docs/uncertainty.md).",
        f"Contribution to variance (squared Spearman rank correlation with the CFP, normalised over the inputs kept "
        f"by first-order screening; a linear regression on them explains R^2 = {mc.explained_variance:.0%}): "
        f"{len(driver_rows(mc))} inputs drive 90 % of the variance.",
    ]


def workbook_frames(mc) -> dict[str, pd.DataFrame]:
    """Sheets for the workbook: statistics by stage, the histogram and the sensitivity table."""
    stats = pd.DataFrame(statistics_rows(mc), columns=["", "static kg CO2e", "mean kg CO2e", "median kg CO2e",
                                                        "2.5 % kg CO2e", "97.5 % kg CO2e"])
    hist = pd.DataFrame(histogram_rows(mc), columns=["from kg CO2e", "to kg CO2e", "draws"])
    sens = mc.sensitivity.rename(columns={"variance_share": "contribution to variance", "src": "SRC",
                                          "rank_correlation": "Spearman rank correlation",
                                          "cumulative_share": "cumulative", "drives_90_percent": "drives 90 %"})
    return {"Uncertainty": stats, "MC histogram": hist, "Sensitivity": sens}
