"""Statistics of Monte Carlo draws: mean, median, 2.5/97.5 percentiles, a histogram (kg CO2e per machine)."""

from __future__ import annotations

import numpy as np

HISTOGRAM_BINS = 20


def describe(values: np.ndarray, *, bins: int = HISTOGRAM_BINS) -> dict:
    """Mean, median, standard deviation, 2.5 and 97.5 percentiles and a histogram of the draws."""
    values = np.asarray(values, dtype=np.float64)
    low, high = (float(v) for v in np.percentile(values, [2.5, 97.5]))
    counts, edges = np.histogram(values, bins=bins)
    mean = float(values.mean())
    return {"mean": mean, "median": float(np.median(values)), "sd": float(values.std(ddof=1)) if len(values) > 1
            else 0.0, "p2_5": low, "p97_5": high, "min": float(values.min()), "max": float(values.max()),
            "histogram": {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}}
