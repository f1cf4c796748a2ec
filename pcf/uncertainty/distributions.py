"""Distributions as stats_arrays parameter rows, and drawing them from common random numbers.

A parameter row follows stats_arrays (bw_processing's UNCERTAINTY_DTYPE, but float64 here): `uncertainty_type`
0 (none: the amount is `loc`), 2 lognormal (`loc` = ln|median|, `scale` = sigma of ln), 3 normal (`loc` mean,
`scale` sd), 4 uniform (`minimum`, `maximum`), 5 triangular (`loc` mode, `minimum`, `maximum`); `negative` marks a
lognormal of a negative amount (a credit).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from ..errors import BomError

NONE, LOGNORMAL, NORMAL, UNIFORM, TRIANGULAR = 0, 2, 3, 4, 5
PARAMS_DTYPE = [("uncertainty_type", np.uint8), ("loc", np.float64), ("scale", np.float64), ("shape", np.float64),
                ("minimum", np.float64), ("maximum", np.float64), ("negative", bool)]
Z95 = 1.959963984540054  # the 97.5 % point of the standard normal


def empty_params(amounts: np.ndarray) -> np.ndarray:
    """Rows without uncertainty (type 0, loc = the amount)."""
    out = np.zeros(len(amounts), dtype=PARAMS_DTYPE)
    out["loc"] = amounts
    out["scale"] = out["shape"] = out["minimum"] = out["maximum"] = np.nan
    return out


def lognormal_params(amounts: np.ndarray, sigma: np.ndarray, median_factor: np.ndarray | float = 1.0) -> np.ndarray:
    """Lognormal rows: median = amount x median_factor, sigma of ln; zero amounts or zero sigma stay type 0."""
    amounts = np.asarray(amounts, dtype=np.float64)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=np.float64), amounts.shape)
    out = empty_params(amounts)
    use = (amounts != 0) & (sigma > 0)
    out["uncertainty_type"][use] = LOGNORMAL
    factor = np.broadcast_to(np.asarray(median_factor, dtype=np.float64), amounts.shape)
    out["loc"][use] = np.log(np.abs(amounts[use]) * factor[use])
    out["scale"][use] = sigma[use]
    out["negative"][use] = amounts[use] < 0
    return out


def spread_row(amount: float, spread, stated_value: float, where: str = "") -> np.ndarray:
    """The row of one exchange of `amount` qualified by a BOM `Spread` of the quantity whose stated value is
    `stated_value` (the amount scales with it): a range is applied as low/value and high/value."""
    row = empty_params(np.array([amount]))
    if amount == 0:
        return row
    if spread.gsd is not None:
        return lognormal_params(np.array([amount]), np.array([math.log(spread.gsd)]))
    low, high = (v / stated_value for v in spread.range)
    if spread.distribution == "lognormal":
        sigma = (math.log(high) - math.log(low)) / (2 * Z95)
        return lognormal_params(np.array([amount]), np.array([sigma]), math.sqrt(low * high))
    bounds = sorted((amount * low, amount * high))
    if spread.distribution == "normal":
        row["uncertainty_type"] = NORMAL
        row["loc"] = amount * (low + high) / 2
        row["scale"] = abs(amount) * (high - low) / (2 * Z95)
    elif spread.distribution == "uniform":
        row["uncertainty_type"] = UNIFORM
        row["minimum"], row["maximum"] = bounds
    else:
        if not low <= 1.0 <= high:
            raise BomError(f"triangular range [{spread.range[0]:g}, {spread.range[1]:g}] does not contain the "
                           f"stated value {stated_value:g}", file=where or None,
                           expected="a range around the stated value (the mode)")
        row["uncertainty_type"] = TRIANGULAR
        row["loc"] = amount
        row["minimum"], row["maximum"] = bounds
    return row


def draw(params: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Values of every row for standard-normal draws z (..., n_rows): the inverse-CDF of each distribution at
    Phi(z), so one z per row and iteration gives common random numbers across variants."""
    kind = params["uncertainty_type"]
    out = np.broadcast_to(params["loc"], z.shape).copy()
    logn = kind == LOGNORMAL
    if logn.any():
        sign = np.where(params["negative"][logn], -1.0, 1.0)
        out[..., logn] = sign * np.exp(params["loc"][logn] + params["scale"][logn] * z[..., logn])
    norm = kind == NORMAL
    if norm.any():
        out[..., norm] = params["loc"][norm] + params["scale"][norm] * z[..., norm]
    uni = kind == UNIFORM
    if uni.any():
        lo, hi = params["minimum"][uni], params["maximum"][uni]
        out[..., uni] = lo + (hi - lo) * ndtr(z[..., uni])
    tri = kind == TRIANGULAR
    if tri.any():
        lo, hi, mode = params["minimum"][tri], params["maximum"][tri], params["loc"][tri]
        u = ndtr(z[..., tri])
        cut = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        out[..., tri] = np.where(u < cut, left, right)
    return out


def uncertain(params: np.ndarray) -> np.ndarray:
    """Mask of rows that carry a distribution."""
    return params["uncertainty_type"] > 1


def as_stats_arrays(params: np.ndarray) -> np.ndarray:
    """The rows in bw_processing's UNCERTAINTY_DTYPE (float32 parameters), for a datapackage."""
    from .._brightway import bw_processing as bwp

    out = np.zeros(len(params), dtype=bwp.UNCERTAINTY_DTYPE)
    for name in out.dtype.names:
        out[name] = params[name]
    return out
