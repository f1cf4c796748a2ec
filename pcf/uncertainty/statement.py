"""One-sentence statements of a Result's data quality and uncertainty, for PACT comments and summaries."""

from __future__ import annotations


def quality_statement(result) -> str:
    """The contribution-weighted DQRs (1 best, 5 worst) and the spend-based and aggregated-CO2e shares."""
    dq = result.data_quality or {}
    names = (("technologicalDQR", "technological"), ("geographicalDQR", "geographical"), ("temporalDQR", "temporal"),
             ("completenessDQR", "completeness"), ("reliabilityDQR", "reliability"))
    parts = [f"{label} {dq[key]:.2f}" for key, label in names if key in dq]
    if not parts:
        return ""
    coverage = result.coverage or {}
    return ("Data quality ratings weighted by contribution (1 best, 5 worst): " + ", ".join(parts)
            + f"; {coverage.get('spend_based_share', 0.0):.1%} of the PCF from spend-based factors, "
            f"{coverage.get('aggregated_co2e_share', 0.0):.1%} from sources giving only CO2e.")


def uncertainty_statement(result) -> str:
    """The Monte Carlo result of the run, or an empty string when none was run."""
    mc = getattr(result, "uncertainty", None)
    if mc is None:
        return ""
    return (mc.statement() + " (pedigree approach on the data-quality ratings where no range is stated; "
            "docs/uncertainty.md).")
