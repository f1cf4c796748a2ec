"""The compiled background: a Brightway datapackage built from LciTables, solved once and cached by content hash.

Two forms are kept:

* the unit-process datapackage (`datapackage`): every dataset with its own exchanges, loops included, as a
  Brightway database would hold it;
* the cumulative inventory (`cumulative`): for every dataset, the kg of each greenhouse gas emitted over its whole
  supply chain per reference unit, computed with bw2calc from the unit-process matrices. `electricity_factory` is a
  free input there; `factory_electricity_kwh` says how many kWh of it each dataset needs over its supply chain, so
  any grid can be linked to it later by a rank-one update (see `cumulative_with_grid`).

Building both takes a fraction of a second for a few thousand datasets; they are cached in memory and on disk,
keyed by the tables' content hash, so a run never recompiles an unchanged background.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .._brightway import bw2calc as bc
from .._brightway import bw_processing as bwp
from .._brightway import cache_dir
from .._brightway import indices_array as _indices
from ..errors import DataError, SolveError
from .cache import read_own_file, write_atomically
from .tables import FACTORY_ELECTRICITY, LciTables, load_lci_tables

log = logging.getLogger(__name__)

BACKGROUND_ID_OFFSET = 1  # dataset i has Brightway id i + 1
FLOW_ID_OFFSET = 1
CACHE_FORMAT = 5
GWP_BASES = ("AR6", "AR5", "AR4", "CO2 only", "unknown")
PRECHARACTERISED_GAS = "CO2e"  # flows that are already kg CO2e (co2e_aggregated, supplier declarations)


@dataclass(frozen=True, eq=False)
class Background:
    """Background datasets in a fixed order, their datapackage and their solved cumulative inventories."""

    tables: LciTables
    keys: tuple[str, ...]
    flow_keys: tuple[str, ...]
    cumulative: np.ndarray  # (n_datasets, n_flows) kg of flow per reference unit, electricity_factory left free
    factory_electricity_kwh: np.ndarray  # (n_datasets,) kWh of electricity_factory per reference unit
    spend_cumulative: np.ndarray  # (n_datasets, n_flows) the part of `cumulative` emitted by spend-based datasets
    basis_cumulative: dict | None = None  # GWP basis -> (n_datasets, n_precharacterised_flows) kg of the CO2e
    # flows (`precharacterised_flows`) emitted by datasets of that basis anywhere in the supply chain

    @property
    def precharacterised_flows(self) -> np.ndarray:
        """Indices of the flows given as kg CO2e already (gas CO2e): their GWP basis is the emitting dataset's."""
        return precharacterised_flows(self.tables, self.flow_keys)

    @property
    def content_hash(self) -> str:
        return self.tables.content_hash

    @property
    def size(self) -> int:
        return len(self.keys)

    def index(self, key: str) -> int:
        try:
            return self._index()[key]
        except KeyError:
            raise DataError(f"unknown dataset '{key}'", expected="a key listed by `pcf data list`") from None

    def _index(self) -> dict[str, int]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {k: i for i, k in enumerate(self.keys)}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    @property
    def units(self) -> dict[str, str]:
        """Reference unit of every dataset, by key."""
        cached = self.__dict__.get("_units")
        if cached is None:
            cached = self.tables.datasets["unit"].to_dict()
            object.__setattr__(self, "_units", cached)
        return cached

    def supply_chain(self, keys) -> list[str]:
        """Every dataset reachable from `keys` through technosphere exchanges (keys included), sorted."""
        inputs = self.__dict__.get("_inputs")
        if inputs is None:
            tech = self.tables.exchanges[self.tables.exchanges["kind"] == "technosphere"]
            inputs = tech.groupby("dataset")["input"].agg(list).to_dict()
            object.__setattr__(self, "_inputs", inputs)
        seen: set[str] = set()
        stack = list(keys)
        while stack:
            key = stack.pop()
            if key not in seen:
                seen.add(key)
                stack.extend(inputs.get(key, ()))
        return sorted(seen)

    def has(self, key: str) -> bool:
        return key in self._index()

    def dataset_id(self, key: str) -> int:
        """The Brightway integer id of a dataset in pcf's datapackages."""
        return self.index(key) + BACKGROUND_ID_OFFSET

    @property
    def dataset_ids(self) -> np.ndarray:
        return np.arange(self.size, dtype=np.int64) + BACKGROUND_ID_OFFSET

    @property
    def flow_ids(self) -> np.ndarray:
        return np.arange(len(self.flow_keys), dtype=np.int64) + FLOW_ID_OFFSET

    def cumulative_with_grid(self, grid: str | None, *, spend_only: bool = False) -> np.ndarray:
        """Cumulative inventories when `electricity_factory` is supplied by dataset `grid` (None: left free).

        spend_only: only the emissions of spend-based (EEIO) datasets anywhere in the supply chain.
        """
        base = self.spend_cumulative if spend_only else self.cumulative
        if grid is None:
            return base
        g = self.index(grid)
        if self.factory_electricity_kwh[g] != 0.0:
            raise DataError(f"grid dataset '{grid}' itself uses {FACTORY_ELECTRICITY}", expected="a grid dataset")
        if self.tables.datasets.loc[grid, "unit"] != "kWh":
            raise DataError(f"'{grid}' is not an electricity dataset in kWh", expected="an electricity dataset")
        result = base + np.outer(self.factory_electricity_kwh, base[g])
        if self.has(FACTORY_ELECTRICITY):
            result[self.index(FACTORY_ELECTRICITY)] = base[g]
        return result

    def unit_process_datapackage(self) -> bwp.Datapackage:
        """The background as unit processes, for the plain Brightway solve (loops and all)."""
        cached = self.__dict__.get("_dp")
        if cached is None:
            cached = _unit_process_datapackage(self.tables, self.keys, self.flow_keys)
            object.__setattr__(self, "_dp", cached)
        return cached


def _exchange_arrays(tables: LciTables, keys, flow_keys):
    index = {k: i for i, k in enumerate(keys)}
    flow_index = {k: i for i, k in enumerate(flow_keys)}
    ex = tables.exchanges
    tech = ex[ex["kind"] == "technosphere"]
    bio = ex[ex["kind"] == "biosphere"]
    t_rows = tech["input"].map(index).to_numpy(dtype=np.int64)
    t_cols = tech["dataset"].map(index).to_numpy(dtype=np.int64)
    t_vals = tech["amount"].to_numpy(dtype=np.float64)
    b_rows = bio["input"].map(flow_index).to_numpy(dtype=np.int64)
    b_cols = bio["dataset"].map(index).to_numpy(dtype=np.int64)
    b_vals = bio["amount"].to_numpy(dtype=np.float64)
    return (t_rows, t_cols, t_vals), (b_rows, b_cols, b_vals)


def _unit_process_datapackage(tables: LciTables, keys, flow_keys, fs=None) -> bwp.Datapackage:
    n = len(keys)
    (t_rows, t_cols, t_vals), (b_rows, b_cols, b_vals) = _exchange_arrays(tables, keys, flow_keys)
    diag = np.arange(n, dtype=np.int64)
    rows = np.concatenate([diag, t_rows]) + BACKGROUND_ID_OFFSET
    cols = np.concatenate([diag, t_cols]) + BACKGROUND_ID_OFFSET
    vals = np.concatenate([np.ones(n), t_vals])
    flip = np.concatenate([np.zeros(n, dtype=bool), np.ones(len(t_vals), dtype=bool)])
    dp = bwp.create_datapackage(fs=fs, name="pcf-background", sequential=False,
                                metadata={"lci_data_hash": tables.content_hash, "datasets": list(keys),
                                          "flows": list(flow_keys)})
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        name="background-technosphere",
        indices_array=_indices(rows, cols),
        data_array=vals,
        flip_array=flip,
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        name="background-biosphere",
        indices_array=_indices(b_rows + FLOW_ID_OFFSET, b_cols + BACKGROUND_ID_OFFSET),
        data_array=b_vals,
    )
    return dp


def _solve_cumulative(tables: LciTables, keys, flow_keys) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Cumulative inventory per reference unit of every dataset: one transposed factorisation, bw2calc matrices."""
    dp = _unit_process_datapackage(tables, keys, flow_keys)
    lca = bc.LCA({BACKGROUND_ID_OFFSET: 1.0}, data_objs=[dp])
    lca.load_lci_data()
    n = len(keys)
    # bw2calc's own row/column order -> our dataset order
    act = np.array([lca.dicts.activity[i + BACKGROUND_ID_OFFSET] for i in range(n)])
    prod = np.array([lca.dicts.product[i + BACKGROUND_ID_OFFSET] for i in range(n)])
    A = lca.technosphere_matrix.tocsr()[prod][:, act].tocsc()
    B = sp.csr_matrix((len(flow_keys), n))
    if len(lca.dicts.biosphere):
        bio_rows = [lca.dicts.biosphere[i + FLOW_ID_OFFSET] if (i + FLOW_ID_OFFSET) in lca.dicts.biosphere else -1
                    for i in range(len(flow_keys))]
        present = [i for i, r in enumerate(bio_rows) if r >= 0]
        Bm = lca.biosphere_matrix.tocsr()[[bio_rows[i] for i in present]][:, act]
        B = sp.lil_matrix((len(flow_keys), n))
        B[present, :] = Bm
        B = B.tocsr()
    try:
        lu = splu(A.T.tocsc())
    except RuntimeError as exc:  # singular
        raise SolveError(f"the background technosphere matrix is singular ({exc})") from None
    rhs = np.asarray(B.T.todense(), dtype=np.float64)
    cumulative = lu.solve(rhs) if len(flow_keys) else np.zeros((n, 0))
    spend = (tables.datasets["category"].reindex(list(keys)) == "spend").to_numpy()
    spend_cumulative = (lu.solve(rhs * spend[:, None]) if spend.any() and len(flow_keys)
                        else np.zeros_like(cumulative))
    fe = np.zeros(n)
    if FACTORY_ELECTRICITY in keys:
        unit = np.zeros(n)
        unit[keys.index(FACTORY_ELECTRICITY)] = 1.0
        fe = lu.solve(unit)
        fe[np.abs(fe) < 1e-12] = 0.0  # round-off of the LU solve (1e-16 kWh), not electricity anyone uses
    if not np.all(np.isfinite(cumulative)):
        raise SolveError("the background solve gave non-finite values (check loops with amounts >= 1)")
    return (np.ascontiguousarray(cumulative), fe, np.ascontiguousarray(spend_cumulative),
            _basis_cumulative(tables, keys, flow_keys, lu, rhs))


def _basis_cumulative(tables: LciTables, keys, flow_keys, lu, rhs: np.ndarray) -> dict:
    """Per GWP basis, the cumulative pre-characterised (CO2e) flows emitted by datasets of that basis.

    Gas flows (CO2, CH4 ...) are characterised by pcf's method, so their basis is the method's; flows a source
    gives as CO2e only carry the basis of the dataset that emits them. One solve with one right-hand side per
    (basis, CO2e flow) gives every dataset's split, supply chain included.
    """
    pre = precharacterised_flows(tables, flow_keys)
    if not len(pre) or not len(keys):
        return {}
    basis = tables.datasets["gwp_basis"].reindex(list(keys)).fillna("unknown").astype(str).to_numpy() \
        if "gwp_basis" in tables.datasets else np.full(len(keys), "unknown", dtype=object)
    present = [b for b in GWP_BASES if (basis == b).any() and np.any(rhs[basis == b][:, pre])]
    if not present:
        return {}
    stacked = np.concatenate([rhs[:, pre] * (basis == b)[:, None] for b in present], axis=1)
    solved = lu.solve(stacked).reshape(len(keys), len(present), len(pre))
    return {b: np.ascontiguousarray(solved[:, k, :]) for k, b in enumerate(present)}


def precharacterised_flows(tables: LciTables, flow_keys) -> np.ndarray:
    gas = tables.flows["gas"].reindex(list(flow_keys)).to_numpy()
    return np.nonzero(gas == PRECHARACTERISED_GAS)[0]


def compile_background(tables: LciTables, *, use_disk_cache: bool = True) -> Background:
    """Compile and solve a background, reusing the cached result for the same content hash."""
    return _compile_cached(tables.content_hash, Passenger(tables), use_disk_cache)


class Passenger:
    """Objects carried through an lru_cache without being part of its key (all passengers hash and compare equal):
    the cache keys on the function's other arguments, e.g. a content hash."""

    def __init__(self, *objects):
        self.objects = objects

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other) -> bool:
        return isinstance(other, Passenger)


@lru_cache(maxsize=8)
def _compile_cached(content_hash: str, box: Passenger, use_disk_cache: bool) -> Background:
    (tables,) = box.objects
    keys = tuple(tables.datasets.index)
    flow_keys = tuple(tables.flows.index)
    stem = cache_dir() / f"background-{content_hash[:32]}-v{CACHE_FORMAT}"
    if use_disk_cache:
        stored = _read_cache(stem, content_hash, keys, flow_keys)
        if stored is not None:
            log.debug("background %s read from the cache %s", content_hash[:12], stem.with_suffix(".npz"))
            return Background(tables, keys, flow_keys, *stored)
    start = time.perf_counter()
    cumulative, fe, spend, basis = _solve_cumulative(tables, list(keys), list(flow_keys))
    log.info("background %s solved: %d datasets, %d flows in %.2f s", content_hash[:12], len(keys), len(flow_keys),
             time.perf_counter() - start)
    if use_disk_cache:
        _write_cache(stem, content_hash, keys, flow_keys, cumulative, fe, spend, basis)
    return Background(tables, keys, flow_keys, cumulative, fe, spend, basis)


def _write_cache(stem: Path, content_hash: str, keys, flow_keys, cumulative, fe, spend, basis) -> None:
    """Arrays in an .npz (no pickled objects), described by a JSON file that records the .npz's SHA-256."""
    bases = sorted(basis or {})
    arrays = {"cumulative": cumulative, "fe": fe, "spend": spend}
    arrays.update({f"basis_{i}": basis[b] for i, b in enumerate(bases)})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    payload = buffer.getvalue()
    meta = {"format": CACHE_FORMAT, "content_hash": content_hash, "keys": list(keys), "flow_keys": list(flow_keys),
            "bases": bases, "npz_sha256": hashlib.sha256(payload).hexdigest()}
    for suffix, data in ((".npz", payload), (".json", json.dumps(meta).encode())):
        write_atomically(stem.with_suffix(suffix), data)


def _read_cache(stem: Path, content_hash: str, keys, flow_keys):
    """The cached arrays, or None when absent, stale, corrupt or not matching its recorded hash (then rebuilt)."""
    npz, meta_path = stem.with_suffix(".npz"), stem.with_suffix(".json")
    if not (npz.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(read_own_file(meta_path).decode("utf-8"))
        payload = read_own_file(npz)
        if (meta.get("format") != CACHE_FORMAT or meta.get("content_hash") != content_hash
                or tuple(meta.get("keys", ())) != keys or tuple(meta.get("flow_keys", ())) != flow_keys
                or hashlib.sha256(payload).hexdigest() != meta.get("npz_sha256")):
            raise ValueError("stale or altered cache")
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            basis = {b: arrays[f"basis_{i}"] for i, b in enumerate(meta["bases"])}
            out = (arrays["cumulative"], arrays["fe"], arrays["spend"], basis)
        n, m = len(keys), len(flow_keys)
        if out[0].shape != (n, m) or out[1].shape != (n,) or out[2].shape != (n, m) \
                or not all(np.isfinite(a).all() for a in out[:3]):
            raise ValueError("arrays of the wrong shape or not finite")
        return out
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        log.warning("background cache %s not used (%s): removed, the background is solved again", npz, exc)
        for path in (npz, meta_path):  # never trusted: removed and rebuilt
            path.unlink(missing_ok=True)
        return None


@lru_cache(maxsize=4)
def default_background(optional_packs: tuple[str, ...] = ()) -> Background:
    """The shipped open background of lci_data/ (optional packs, such as open_ceda, only when named)."""
    return compile_background(load_lci_tables(optional_packs=tuple(sorted(optional_packs))))


def background_from_brightway(
    project_dir,
    database_name: str,
    *,
    project_name: str = "pcf",
    key_prefix: str = "",
    include_shipped: bool = False,
) -> Background:
    """Any Brightway database (imported with bw2io into `project_dir`) as pcf's background.

    Its activities become datasets keyed by their code (plus `key_prefix`); their greenhouse-gas exchanges are
    mapped to pcf's flows by biosphere3 name and compartment, and characterised with the shipped methods (IPCC
    AR6 / AR5). With `include_shipped`, the shipped lci_data datasets are kept beside it (keys must not clash),
    so a BOM can mix both. Anything that could not be expressed is in `tables.unresolved`.
    """
    from .brightway_import import tables_from_brightway
    from .tables import tables_from_frames

    shipped = load_lci_tables()
    frames = tables_from_brightway(project_dir, database_name, project_name=project_name, key_prefix=key_prefix)
    datasets, exchanges, sources = frames["datasets"], frames["exchanges"], frames["sources"]
    if "pack" not in datasets:
        datasets = datasets.assign(pack=database_name)
    if "source_title" not in datasets and "source_id" in datasets and len(sources):
        titles = sources.set_index("source_id")
        datasets = datasets.assign(
            source_title=datasets["source_id"].map(titles["title"]),
            licence=datasets["source_id"].map(titles["licence"]) if "licence" in titles else "",
        )
    if include_shipped:
        datasets = pd.concat([shipped.datasets.reset_index(drop=True), datasets], ignore_index=True)
        exchanges = pd.concat([shipped.exchanges, exchanges], ignore_index=True)
        sources = pd.concat([shipped.sources, sources], ignore_index=True)
    tables = tables_from_frames(
        flows=shipped.flows.reset_index(drop=True),
        datasets=datasets,
        exchanges=exchanges,
        sources=sources,
        methods=shipped.methods,
        origin=f"brightway:{project_dir}:{database_name}",
        packs=(database_name,) + (shipped.packs if include_shipped else ()),
    )
    object.__setattr__(tables, "unresolved", frames.get("unresolved"))
    return compile_background(tables)


def write_datapackage(background: Background, path) -> Path:
    """Write the unit-process datapackage to a zip file (Brightway ids: dataset i -> i + 1, flow k -> k + 1)."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fs = bwp.generic_zipfile_filesystem(dirpath=path.parent, filename=path.name, write=True)
    dp = _unit_process_datapackage(background.tables, background.keys, background.flow_keys, fs=fs)
    dp.finalize_serialization()
    return path


def dataset_frame(background: Background) -> pd.DataFrame:
    """Datasets with their provenance, in background order."""
    return background.tables.datasets.loc[list(background.keys)]
