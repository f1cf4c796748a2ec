"""The pedigree approach: a lognormal spread for an exchange from its kind of flow and its dataset's five ratings.

    sigma^2 = basic variance (kind of flow) + sum over the five indicators of the pedigree variance of its score

sigma is the standard deviation of ln(amount); the geometric standard deviation is exp(sigma) and the 95 % range
is [median / exp(1.96 sigma), median x exp(1.96 sigma)] (docs/uncertainty.md).

Pedigree variances, "ecoinvent3" (default): Weidema, B. P., Bauer, C., Hischier, R., Mutel, C., Nemecek, T.,
Reinhard, J., Vadenbo, C. O., Wernet, G. (2013). Overview and methodology. Data quality guideline for the ecoinvent
database version 3. ecoinvent report 1(v3), St. Gallen: the ecoinvent Centre (the pedigree matrix's uncertainty
factors, given there as variances of the log-transformed data).

"ciroth2016": the empirically based factors of Ciroth, A., Muller, S., Weidema, B., Lesage, P. (2016). Empirically
based uncertainty factors for the pedigree matrix in ecoinvent. Int J Life Cycle Assess 21:1338-1348,
doi:10.1007/s11367-013-0670-5, given there as 95 % uncertainty factors U (variance (ln U)^2 / 4). Scores the paper
leaves "not available" (reliability 5, completeness 5, geographical 5) take the ecoinvent3 variance here.

pcf's ratings map to the indicators: dq_reliability -> reliability, dq_completeness -> completeness, dq_temporal
-> temporal correlation, dq_geographical -> geographical correlation, dq_technological -> further technological
correlation. A missing reliability or completeness rating counts as 5 (unknown is never good).
"""

from __future__ import annotations

import math

import numpy as np

INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
RATING_COLUMNS = {"reliability": "dq_reliability", "completeness": "dq_completeness", "temporal": "dq_temporal",
                  "geographical": "dq_geographical", "technological": "dq_technological"}
MISSING_SCORE = 5

# variances of ln(amount) for scores 1..5 (Weidema et al. 2013, ecoinvent report 1(v3))
ECOINVENT3 = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "technological": (0.0, 0.0006, 0.008, 0.04, 0.12),
}

# 95 % uncertainty factors U for scores 1..5 (Ciroth et al. 2016); None: "not available" in the paper
_CIROTH2016_FACTORS = {
    "reliability": (1.00, 1.54, 1.61, 1.69, None),
    "completeness": (1.00, 1.03, 1.04, 1.08, None),
    "temporal": (1.00, 1.03, 1.10, 1.19, 1.29),
    "geographical": (1.00, 1.04, 1.08, 1.11, None),
    "technological": (1.00, 1.18, 1.65, 2.08, 2.80),
}
CIROTH2016 = {k: tuple(ECOINVENT3[k][i] if u is None else math.log(u) ** 2 / 4 for i, u in enumerate(v))
              for k, v in _CIROTH2016_FACTORS.items()}
PEDIGREE_SETS = {"ecoinvent3": ECOINVENT3, "ciroth2016": CIROTH2016}

# basic variance of ln(amount) by kind of flow (Weidema et al. 2013, default basic uncertainty): demand of energy,
# materials, semi-finished products and services 0.0006; transport services 0.12; CO2 emissions 0.0006. Other gases
# (CH4, N2O, F-gases) and source-aggregated CO2e: 0.04, the ecoinvent basic factor 1.5 for combustion CH4 and N2O
# converted as (ln 1.5)^2 / 4 (pcf's choice for every non-CO2 flow; docs/uncertainty.md)
BASIC_VARIANCE = {"demand": 0.0006, "transport": 0.12, "co2": 0.0006, "other_gas": 0.04}


def pedigree_variance(scores: dict[str, float | None], pedigree: str = "ecoinvent3") -> float:
    """Sum of the pedigree variances of the five scores (1-5; None or NaN counts as MISSING_SCORE)."""
    table = PEDIGREE_SETS[pedigree]
    total = 0.0
    for name in INDICATORS:
        score = scores.get(name)
        if score is None or (isinstance(score, float) and math.isnan(score)):
            score = MISSING_SCORE
        total += table[name][int(round(min(max(score, 1), 5))) - 1]
    return total


def pedigree_variances(ratings: np.ndarray, pedigree: str = "ecoinvent3") -> np.ndarray:
    """Vectorised `pedigree_variance`: ratings (n, 5) in INDICATORS order, NaN = missing."""
    table = PEDIGREE_SETS[pedigree]
    scores = np.where(np.isnan(ratings), MISSING_SCORE, np.clip(np.rint(ratings), 1, 5)).astype(np.int64) - 1
    return sum(np.asarray(table[name])[scores[:, i]] for i, name in enumerate(INDICATORS))


def basic_kind(exchange_kind: str, input_unit: str | None, gas: str | None) -> str:
    """The kind of flow whose basic variance applies: transport (tkm inputs), demand, co2 or other_gas."""
    if exchange_kind == "technosphere":
        return "transport" if (input_unit or "").lower() in ("tkm", "t*km") else "demand"
    return "co2" if gas == "CO2" else "other_gas"
