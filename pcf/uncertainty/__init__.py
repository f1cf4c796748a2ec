"""Uncertainty, sensitivity and data quality of a footprint (docs/uncertainty.md).

distributions (stats_arrays rows, inverse-CDF draws) <- pedigree (the ecoinvent pedigree factors) <- background
(every background exchange) and foreground (every BOM line) <- montecarlo (draws) <- run (one footprint),
paired (variants from shared draws), compare (pcf compare), energy (the energy comparator, Sobol' indices);
sensitivity (contribution to variance), summary (statistics), statement (text for PACT), reference (the plain
bw2calc Monte Carlo the tests compare with).
"""

from .pedigree import CIROTH2016, ECOINVENT3, PEDIGREE_SETS, pedigree_variance
from .run import UncertaintyResult, footprint_monte_carlo

__all__ = [
           "CIROTH2016",
           "ECOINVENT3",
           "PEDIGREE_SETS",
           "UncertaintyResult",
           "footprint_monte_carlo",
           "pedigree_variance",
]
