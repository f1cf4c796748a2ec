"""Distributions of every background exchange, and the background as an uncertain bw_processing datapackage.

Each exchange of the unit-process background gets, in this order of precedence:
1. the user's spread of a supplier figure (`supplier:<line>` datasets; a BOM `uncertainty` on the figure);
2. the source's stated range (`lci_data/packs/<pack>/uncertainty.csv`: dataset, kind, input, low, high, basis): a
   lognormal whose median is the exchange's static amount (the ecoinvent convention, so the static result is the
   result of every input at its median) and whose sigma is the range's width read as a 95 % interval,
   ln(high / low) / (2 x 1.96) (docs/lci_data_format.md, docs/uncertainty.md);
3. the pedigree approach (`pedigree.py`): basic variance by kind of flow plus the dataset's five ratings.
Production exchanges (the diagonal) are exact. The vectors are in the order of `data.background`'s unit-process
datapackage, so bw2calc with `use_distributions=True` draws exactly what `BackgroundSampler` draws.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._brightway import bw_processing as bwp
from ..data.background import (
    BACKGROUND_ID_OFFSET,
    FLOW_ID_OFFSET,
    Background,
    _exchange_arrays,
    _indices,
)
from ..data.tables import lci_data_dir
from ..errors import DataError
from .distributions import (
    PARAMS_DTYPE,
    Z95,
    as_stats_arrays,
    empty_params,
    lognormal_params,
    spread_row,
)
from .pedigree import (
    BASIC_VARIANCE,
    INDICATORS,
    RATING_COLUMNS,
    basic_kind,
    pedigree_variances,
)

RANGE_COLUMNS = ("dataset", "kind", "input", "low", "high", "basis")


@dataclass(frozen=True)
class UncertainBackground:
    """The unit-process background's exchange vectors with a distribution row for each (float64 rows)."""

    tech_indices: np.ndarray  # bw_processing indices (row, col) of the technosphere, diagonal first
    tech_data: np.ndarray
    tech_flip: np.ndarray
    tech_params: np.ndarray
    bio_indices: np.ndarray
    bio_data: np.ndarray
    bio_params: np.ndarray
    bio_source: np.ndarray  # (n_bio,) where each exchange's spread comes from: pedigree | range | user
    tech_source: np.ndarray

    def datapackage(self, *, with_distributions: bool = True) -> bwp.Datapackage:
        """The unit-process background as a datapackage, with its distributions (what bw2calc samples)."""
        dp = bwp.create_datapackage(name="pcf-background-uncertain", sequential=False)
        extra = {"distributions_array": as_stats_arrays(self.tech_params)} if with_distributions else {}
        dp.add_persistent_vector(matrix="technosphere_matrix", name="background-technosphere",
                                 indices_array=self.tech_indices, data_array=self.tech_data,
                                 flip_array=self.tech_flip, **extra)
        extra = {"distributions_array": as_stats_arrays(self.bio_params)} if with_distributions else {}
        dp.add_persistent_vector(matrix="biosphere_matrix", name="background-biosphere",
                                 indices_array=self.bio_indices, data_array=self.bio_data, **extra)
        return dp


def load_stated_ranges(packs, root: Path | None = None) -> pd.DataFrame:
    """Every pack's optional uncertainty.csv (a source's stated range of an exchange), validated row by row."""
    root = Path(root) if root is not None else lci_data_dir()
    frames = []
    for pack in packs:
        path = root / "packs" / pack / "uncertainty.csv"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for number, row in enumerate(rows, start=2):
            missing = [c for c in RANGE_COLUMNS if c not in row]
            if missing:
                raise DataError(f"missing column '{missing[0]}'", file=str(path), row=number, column=missing[0],
                                expected=", ".join(RANGE_COLUMNS))
            try:
                low, high = float(row["low"]), float(row["high"])
            except ValueError:
                raise DataError(f"low/high '{row['low']}'/'{row['high']}' are not numbers", file=str(path),
                                row=number, column="low", expected="two positive numbers, low < high") from None
            if not (0 < low < high and math.isfinite(high)):
                raise DataError(f"range [{low:g}, {high:g}] is not a positive interval", file=str(path), row=number,
                                column="low", expected="0 < low < high")
            if row["kind"] not in ("technosphere", "biosphere"):
                raise DataError(f"kind '{row['kind']}'", file=str(path), row=number, column="kind",
                                expected="technosphere or biosphere")
            frames.append({"dataset": row["dataset"].strip(), "kind": row["kind"].strip(),
                           "input": row["input"].strip(), "low": low, "high": high,
                           "basis": (row.get("basis") or "").strip(), "file": str(path), "row": number})
    return pd.DataFrame(frames, columns=[*RANGE_COLUMNS, "file", "row"])


def uncertain_background(background: Background, *, pedigree: str = "ecoinvent3", ranges: pd.DataFrame | None = None,
                         supplier_spreads: dict | None = None) -> UncertainBackground:
    """Distributions for every exchange of the background (see the module docstring).

    supplier_spreads: {dataset key: (Spread, stated kg CO2e per unit)} for supplier figures with a user spread.
    """
    tables = background.tables
    keys, flow_keys = list(background.keys), list(background.flow_keys)
    if ranges is None:  # from the lci_data folder the tables were read from (`--lci-data`), else the shipped one
        root = Path(tables.origin) if Path(tables.origin).is_dir() else None
        ranges = load_stated_ranges([p for p in tables.packs if p != "supplier"], root)
    (t_rows, t_cols, t_vals), (b_rows, b_cols, b_vals) = _exchange_arrays(tables, keys, flow_keys)
    n = len(keys)
    datasets = tables.datasets.reindex(keys)
    ratings = np.column_stack([pd.to_numeric(datasets.get(RATING_COLUMNS[name]), errors="coerce")
                               .to_numpy(dtype=np.float64) if RATING_COLUMNS[name] in datasets
                               else np.full(n, np.nan) for name in INDICATORS])
    ped = pedigree_variances(ratings, pedigree)  # (n_datasets,) by the consuming dataset (the column)
    units = datasets["unit"].astype(str).to_numpy()
    gas = tables.flows["gas"].reindex(flow_keys).astype(str).to_numpy()

    t_basic = np.array([BASIC_VARIANCE[basic_kind("technosphere", units[r], None)] for r in t_rows])
    b_basic = np.array([BASIC_VARIANCE[basic_kind("biosphere", None, gas[r])] for r in b_rows])
    t_params = lognormal_params(t_vals, np.sqrt(t_basic + ped[t_cols]))
    b_params = lognormal_params(b_vals, np.sqrt(b_basic + ped[b_cols]))
    t_source = np.full(len(t_vals), "pedigree", dtype=object)
    b_source = np.full(len(b_vals), "pedigree", dtype=object)

    index = {k: i for i, k in enumerate(keys)}
    flow_index = {k: i for i, k in enumerate(flow_keys)}
    for r in ranges.itertuples(index=False):
        if r.dataset not in index:
            continue  # a range of a dataset this background does not hold (another pack's copy)
        col = index[r.dataset]
        if r.kind == "technosphere":
            hit = np.nonzero((t_cols == col) & (t_rows == index.get(r.input, -1)))[0]
            params, source, values = t_params, t_source, t_vals
        else:
            hit = np.nonzero((b_cols == col) & (b_rows == flow_index.get(r.input, -1)))[0]
            params, source, values = b_params, b_source, b_vals
        if not len(hit):
            raise DataError(f"a stated range for '{r.dataset}' {r.kind} '{r.input}', which has no such exchange",
                            file=r.file, row=r.row, column="input", expected="an exchange of the dataset")
        sigma = (math.log(r.high) - math.log(r.low)) / (2 * Z95)
        for i in hit:
            if not r.low <= abs(values[i]) <= r.high:
                raise DataError(f"the stated range [{r.low:g}, {r.high:g}] of '{r.dataset}' {r.kind} '{r.input}' "
                                f"does not contain the exchange's amount {abs(values[i]):g}", file=r.file, row=r.row,
                                column="low", expected="low <= the amount in exchanges.csv <= high")
            # median = the static amount (the ecoinvent convention), spread = the range's width (docs/uncertainty.md)
            params[i] = lognormal_params(np.array([values[i]]), np.array([sigma]))[0]
            source[i] = "range"
    for key, (spread, stated) in (supplier_spreads or {}).items():
        if key not in index:
            continue
        hit = np.nonzero(b_cols == index[key])[0]
        stated = float(b_vals[hit].sum()) if stated is None else stated  # a PACT file: its declared total
        for i in hit:
            b_params[i] = spread_row(b_vals[i], spread, stated, where=key)[0]
            b_source[i] = "user"

    diag = np.arange(n, dtype=np.int64)
    tech_indices = _indices(np.concatenate([diag, t_rows]) + BACKGROUND_ID_OFFSET,
                            np.concatenate([diag, t_cols]) + BACKGROUND_ID_OFFSET)
    tech_params = np.concatenate([empty_params(np.ones(n)), t_params]).astype(PARAMS_DTYPE)
    return UncertainBackground(
        tech_indices=tech_indices,
        tech_data=np.concatenate([np.ones(n), t_vals]),
        tech_flip=np.concatenate([np.zeros(n, dtype=bool), np.ones(len(t_vals), dtype=bool)]),
        tech_params=tech_params,
        bio_indices=_indices(b_rows + FLOW_ID_OFFSET, b_cols + BACKGROUND_ID_OFFSET),
        bio_data=b_vals,
        bio_params=b_params,
        bio_source=b_source,
        tech_source=np.concatenate([np.full(n, "exact", dtype=object), t_source]),
    )
