"""Contribution to variance of the sampled inputs (docs/uncertainty.md).

1. Screening: every input's first-order variance, (its static contribution)^2 x var(its relative draw); the inputs
   that together carry SCREEN_SHARE of it (at most MAX_INPUTS) are kept — without screening, hundreds of inputs
   with a true share near zero would each pick up sampling noise.
2. On the Monte Carlo sample: the Spearman rank correlation rho of each kept input with the output; its
   contribution to variance is rho^2 / sum of rho^2 over the kept inputs. Beside it, the standardised regression
   coefficient (SRC) of a linear regression of the standardised output on the standardised kept inputs, and the
   regression's R^2. Inputs that share an upstream dataset are correlated: rho^2 then counts the shared part in
   each of them, and the SRC splits it between them (arbitrarily when they are nearly collinear).
3. The drivers: the fewest inputs, largest share first, whose shares sum to DRIVER_SHARE.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

DRIVER_SHARE = 0.90
SCREEN_SHARE = 0.995
MAX_INPUTS = 40


def rank_correlations(output: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """Spearman rank correlation of every input column with the output (0 for a constant column)."""
    if inputs.shape[1] == 0 or len(output) < 3:
        return np.zeros(inputs.shape[1])
    ro = rankdata(output)
    ri = rankdata(inputs, axis=0)
    ro = ro - ro.mean()
    ri = ri - ri.mean(axis=0)
    denom = np.sqrt((ri ** 2).sum(axis=0) * (ro ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (ri * ro[:, None]).sum(axis=0) / denom
    return np.nan_to_num(rho)


def screen(first_order_variance: np.ndarray) -> np.ndarray:
    """Indices of the inputs that together carry SCREEN_SHARE of the first-order variance (at most MAX_INPUTS)."""
    w = np.nan_to_num(np.asarray(first_order_variance, dtype=np.float64))
    order = np.argsort(-w)
    if not len(w) or w.sum() <= 0:
        return order[:0]
    cumulative = np.cumsum(w[order]) / w.sum()
    count = int(np.searchsorted(cumulative, SCREEN_SHARE) + 1)
    return order[:min(count, MAX_INPUTS)]


def standardised_regression(output: np.ndarray, inputs: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised regression coefficients of the output on the inputs, and the regression's R^2."""
    y = output - output.mean()
    sd_y = y.std()
    sd_x = inputs.std(axis=0)
    use = sd_x > 0
    src = np.zeros(inputs.shape[1])
    if sd_y == 0 or not use.any():
        return src, 0.0
    x = (inputs[:, use] - inputs[:, use].mean(axis=0)) / sd_x[use]
    beta, *_ = np.linalg.lstsq(x, y / sd_y, rcond=None)
    src[use] = beta
    resid = y / sd_y - x @ beta
    return src, float(1.0 - resid.var())


def contribution_to_variance(output: np.ndarray, inputs: np.ndarray, labels: list[str],
                             first_order_variance: np.ndarray) -> tuple[pd.DataFrame, float]:
    """The screened inputs ranked by their contribution to variance (normalised rho^2), with rho, the SRC, the
    cumulative share and the driver flag; and the regression's R^2."""
    kept = screen(first_order_variance)
    if not len(kept) or len(output) < 3:
        return pd.DataFrame(columns=["input", "src", "variance_share", "rank_correlation", "cumulative_share",
                                     "drives_90_percent"]), 0.0
    x = inputs[:, kept]
    src, r2 = standardised_regression(output, x)
    rho = rank_correlations(output, x)
    r2sum = float((rho ** 2).sum())
    frame = pd.DataFrame({"input": [labels[i] for i in kept], "rank_correlation": rho,
                          "variance_share": rho ** 2 / r2sum if r2sum > 0 else rho * 0.0, "src": src})
    frame = frame.sort_values("variance_share", ascending=False).reset_index(drop=True)
    frame["cumulative_share"] = frame["variance_share"].cumsum()
    frame["drives_90_percent"] = (frame["cumulative_share"].shift(fill_value=0.0) < DRIVER_SHARE).to_numpy()
    return frame, r2
