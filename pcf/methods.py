"""Characterisation: GWP100 factors (kg CO2e per kg of gas) and the ISO 14067 / PACT class of every flow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data.tables import LciTables
from .errors import DataError

DEFAULT_METHOD = "ipcc_ar6_gwp100"
ALIASES = {"ar6": "ipcc_ar6_gwp100", "ar5": "ipcc_ar5_gwp100"}
LABELS = {"ipcc_ar6_gwp100": "IPCC 2021 (AR6) GWP100", "ipcc_ar5_gwp100": "IPCC 2013 (AR5) GWP100"}


@dataclass(frozen=True, eq=False)
class Method:
    """A characterisation method: factors by flow key and each flow's GHG class."""

    name: str
    factors: pd.Series  # flow key -> kg CO2e per kg
    ghg_class: pd.Series  # flow key -> fossil | biogenic_emission | biogenic_removal | land_use_change | aggregated
    gas: pd.Series  # flow key -> CO2, CH4, ...

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    @property
    def ipcc_set(self) -> str:
        """The PACT `ipccCharacterizationFactors` code."""
        return {"ipcc_ar6_gwp100": "AR6", "ipcc_ar5_gwp100": "AR5"}.get(self.name, self.name)

    def factors_for(self, flow_keys) -> np.ndarray:
        return self.factors.reindex(list(flow_keys)).fillna(0.0).to_numpy(dtype=np.float64)

    def classes_for(self, flow_keys) -> np.ndarray:
        return self.ghg_class.reindex(list(flow_keys)).to_numpy()


def get_method(tables: LciTables, name: str = DEFAULT_METHOD) -> Method:
    """The named method of the background's tables ('AR6', 'AR5' or a file name in lci_data/methods/)."""
    key = ALIASES.get(name.lower(), name)
    if key not in tables.methods:
        raise DataError(f"unknown characterisation method '{name}'",
                        expected="one of " + ", ".join(["AR6", "AR5", *sorted(tables.methods)]))
    return Method(key, tables.methods[key], tables.flows["ghg_class"], tables.flows["gas"])
