"""The background as plain tables: flows, datasets, exchanges, sources and characterisation methods.

`load_lci_tables()` reads the CSV packs of `lci_data/` (format: docs/lci_data_format.md), validates every row with
pydantic and returns an immutable `LciTables`. Any other Brightway database can be turned into the same tables
(`pcf.data.brightway_import.tables_from_brightway`), so the engine is background-agnostic.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DataError
from ..units import canonical

DATASET_CATEGORIES = (
    "material",
    "component",
    "process",
    "packaging",
    "electricity",
    "fuel",
    "transport",
    "spend",
    "placeholder",
)
GHG_CLASSES = ("fossil", "biogenic_emission", "biogenic_removal", "land_use_change", "aggregated")
GWP_BASES = ("AR6", "AR5", "AR4", "CO2 only", "unknown")
"""The GWP set behind a dataset's CO2e-only figures (`co2e_aggregated`): IPCC AR6, AR5 or AR4 GWP100, CO2 only
(the source counts CO2 alone), or unknown. Gas flows are characterised by pcf's own method whatever this says."""
FACTORY_ELECTRICITY = "electricity_factory"


def lci_data_dir() -> Path:
    """The lci_data/ folder: $PCF_LCI_DATA if set, else the shipped one (in the package or the source checkout)."""
    configured = os.environ.get("PCF_LCI_DATA")
    if configured:
        if not (Path(configured) / "flows.csv").exists():
            raise DataError("PCF_LCI_DATA does not name an lci_data folder", file=configured,
                            expected="a folder with flows.csv, methods/ and packs/")
        return Path(configured)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_lci_data", here.parent / "lci_data"):
        if (candidate / "flows.csv").exists():
            return candidate
    raise DataError("the shipped lci_data/ folder was not found", expected=f"{here.parent / 'lci_data'}")


class FlowRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    key: str = Field(min_length=1)
    name: str = Field(min_length=1)
    categories: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    biosphere3_uuid: str = Field(min_length=32)
    gas: str = Field(min_length=1)
    ghg_class: Literal["fossil", "biogenic_emission", "biogenic_removal", "land_use_change", "aggregated"]


SOURCE_KINDS = ("standard", "government", "association", "peer-reviewed", "manufacturer", "database",
                "secondary copy", "assumption")
"""What a source is (docs/lci_data_format.md): the first six are primary publications; a `secondary copy` is a page
that only quotes one (blog, forum, homework site, manual mirror, trade press) and an `assumption` is pcf's own."""
WEAK_SOURCE_KINDS = ("secondary copy", "assumption")


class SourceRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    source_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    publisher: str = ""
    year: str = ""
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    url: str = ""
    read_at: str = ""
    licence: str = Field(min_length=1)
    attribution: str = ""
    notes: str = ""


def _rating(value):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    return value


class DatasetRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    key: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:\-]+$")
    name: str = Field(min_length=1)
    category: Literal[DATASET_CATEGORIES]  # type: ignore[valid-type]
    unit: str = Field(min_length=1)
    geography: str = Field(min_length=1)
    reference_year: str = Field(min_length=1)
    source_id: str = Field(min_length=1)
    source_locator: str = ""
    dq_technological: int = Field(ge=1, le=5)
    dq_geographical: int = Field(ge=1, le=5)
    dq_temporal: int = Field(ge=1, le=5)
    dq_completeness: int | None = Field(default=None, ge=1, le=5)
    dq_reliability: int | None = Field(default=None, ge=1, le=5)
    aircraft: bool = False
    gwp_basis: Literal[GWP_BASES] = "unknown"  # type: ignore[valid-type]
    notes: str = ""

    _empty_ratings = field_validator("dq_completeness", "dq_reliability", mode="before")(_rating)

    @field_validator("aircraft", mode="before")
    @classmethod
    def _bool(cls, value):
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        canonical(unit)
        return unit


class ExchangeRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    dataset: str = Field(min_length=1)
    kind: Literal["biosphere", "technosphere"]
    input: str = Field(min_length=1)
    amount: float
    unit: str = ""
    comment: str = ""


@dataclass(frozen=True)
class LciTables:
    """Validated background tables. Frames are indexed by key; `methods` maps a method name to factors by flow."""

    flows: pd.DataFrame
    datasets: pd.DataFrame
    exchanges: pd.DataFrame
    sources: pd.DataFrame
    methods: dict[str, pd.Series]
    origin: str = "tables"
    packs: tuple[str, ...] = ()
    content_hash: str = field(default="")

    def dataset(self, key: str) -> pd.Series:
        if key not in self.datasets.index:
            raise DataError(f"unknown dataset '{key}'", expected="a key listed by `pcf data list`")
        return self.datasets.loc[key]


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DataError("file not found", file=str(path), expected="every pack to have sources.csv and datasets.csv")
    return path.read_bytes()


def _read_csv(path: Path, data: bytes | None = None) -> list[dict]:
    """The rows of a CSV file (`data`: its bytes, when already read)."""
    data = _read_bytes(path) if data is None else data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 ({exc.reason})", file=str(path)) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _validate_rows(path: Path, rows: list[dict], model: type[BaseModel]) -> list[BaseModel]:
    out = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise DataError(err["msg"], file=str(path), row=number, column=".".join(map(str, err["loc"]))) from None
    return out


def _frame(records: list[BaseModel], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump() for r in records], columns=columns)


def _check_pack_names(root: Path, names) -> None:
    """A pack named with --with-pack / optional_packs must exist: an unknown name is an error, not ignored."""
    packs_dir = root / "packs"
    known = sorted(p.name for p in packs_dir.iterdir() if p.is_dir()) if packs_dir.is_dir() else []
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DataError(f"unknown lci_data pack '{unknown[0]}'",
                        expected="one of " + (", ".join(known) or "no packs: the folder is empty"))


def _pack_meta(path: Path, data: bytes) -> dict:
    """A pack's pack.yaml as a mapping ({} when empty); not UTF-8, not YAML or not a mapping is a DataError."""
    try:
        meta = yaml.safe_load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 ({exc.reason})", file=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"not valid YAML ({getattr(exc, 'problem', None) or exc})", file=str(path),
                        row=mark.line + 1 if mark is not None else None) from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise DataError("not a mapping of pack settings", file=str(path), expected="e.g. `optional: true`")
    return meta


def _lci_files(root: Path, optional_packs: tuple[str, ...]) -> tuple[dict[str, bytes], list[str]]:
    """The bytes of every file the tables are read from, by path relative to `root` in reading order, and the packs
    to load (sorted; an optional pack only when named; a folder without datasets.csv is not a pack)."""
    files = {"flows.csv": _read_bytes(root / "flows.csv")}
    for method_path in sorted((root / "methods").glob("*.csv")):
        files[f"methods/{method_path.name}"] = _read_bytes(method_path)
    packs = []
    packs_dir = root / "packs"  # a missing folder is reported after flows.csv and methods/ are checked
    for pack_dir in sorted(p for p in packs_dir.iterdir() if p.is_dir()) if packs_dir.is_dir() else ():
        meta_path = pack_dir / "pack.yaml"
        meta = {}
        if meta_path.exists():
            files[f"packs/{pack_dir.name}/pack.yaml"] = _read_bytes(meta_path)
            meta = _pack_meta(meta_path, files[f"packs/{pack_dir.name}/pack.yaml"])
        if meta.get("optional") and pack_dir.name not in optional_packs:
            continue
        if not (pack_dir / "datasets.csv").exists():
            continue
        packs.append(pack_dir.name)
        for name in ("sources.csv", "datasets.csv", "exchanges.csv"):
            if name != "exchanges.csv" or (pack_dir / name).exists():
                files[f"packs/{pack_dir.name}/{name}"] = _read_bytes(pack_dir / name)
    return files, packs


def load_lci_tables(root: str | Path | None = None, *, optional_packs: tuple[str, ...] = (),
                    use_cache: bool = True) -> LciTables:
    """Read and validate every pack of an lci_data folder (optional packs only when named).

    use_cache: reuse the tables validated earlier from the very same file bytes (pcf/data/tables_cache.py; a
    changed byte in any file read is validated again); False validates the files whatever the cache holds.
    """
    root = Path(root) if root is not None else lci_data_dir()
    _check_pack_names(root, optional_packs)
    files, packs = _lci_files(root, tuple(optional_packs))
    key = None
    if use_cache:
        from . import tables_cache

        key = tables_cache.cache_key(list(files.items()), tuple(optional_packs))
        cached = tables_cache.read_entry(key) if key else None
        if cached is not None and cached["packs"] != tuple(packs):
            tables_cache.discard(key, f"packs {cached['packs']}, the files give {tuple(packs)}")
        elif cached is not None:
            try:
                return _checked_tables(**{k: cached[k] for k in ("flows", "datasets", "exchanges", "sources",
                                                                 "methods")},
                                       origin=str(root), packs=tuple(packs), known_hash=cached["content_hash"])
            except DataError as exc:  # only an altered entry can fail: validated tables were stored
                tables_cache.discard(key, exc.describe())
    frames, methods = _validated_frames(root, files, packs)
    tables = _checked_tables(**frames, methods=methods, origin=str(root), packs=tuple(packs))
    if key:
        tables_cache.write_entry(key, frames, methods, tables.packs, tables.content_hash)
    return tables


def _validated_frames(root: Path, files: dict[str, bytes], packs: list[str]) -> tuple[dict, dict]:
    """Every row validated with pydantic: the frames of flows, datasets, exchanges and sources, and the methods."""
    flows_path = root / "flows.csv"
    flows = _validate_rows(flows_path, _read_csv(flows_path, files["flows.csv"]), FlowRecord)
    methods: dict[str, pd.Series] = {}
    for relative in (name for name in files if name.startswith("methods/")):
        method_path = root / relative
        factors = {}
        for number, row in enumerate(_read_csv(method_path, files[relative]), start=2):
            try:
                factors[row["flow_key"].strip()] = float(row["factor"])
            except (KeyError, ValueError, AttributeError):
                raise DataError("bad characterisation factor", file=str(method_path), row=number,
                                expected="columns flow_key, factor with a number") from None
        methods[method_path.stem] = pd.Series(factors, dtype="float64")

    if not (root / "packs").is_dir():
        raise DataError("the packs/ folder is missing", file=str(root / "packs"),
                        expected="an lci_data folder with flows.csv, methods/ and packs/")
    if not packs:
        raise DataError("no pack to load: no folder under packs/ has a datasets.csv (or every one is optional)",
                        file=str(root / "packs"), expected="at least one pack with sources.csv and datasets.csv")
    datasets, exchanges, sources = [], [], []
    for pack in packs:
        pack_dir = root / "packs" / pack

        def rows(name: str) -> list[dict]:
            return _read_csv(pack_dir / name, files[f"packs/{pack}/{name}"])

        pack_sources = _validate_rows(pack_dir / "sources.csv", rows("sources.csv"), SourceRecord)
        for s in pack_sources:
            sources.append({**s.model_dump(), "pack": pack})
        known_sources = {s.source_id: s for s in pack_sources}
        ds_path = pack_dir / "datasets.csv"
        for number, record in enumerate(_validate_rows(ds_path, rows("datasets.csv"), DatasetRecord), start=2):
            if record.source_id not in known_sources:
                raise DataError(f"source '{record.source_id}' is not in sources.csv", file=str(ds_path),
                                row=number, column="source_id")
            src = known_sources[record.source_id]
            datasets.append({**record.model_dump(), "pack": pack, "_row": number,
                             "source_title": src.title, "source_url": src.url, "licence": src.licence,
                             "source_attribution": src.attribution, "source_kind": src.kind,
                             "source_read_at": src.read_at})
        if f"packs/{pack}/exchanges.csv" in files:
            ex_path = pack_dir / "exchanges.csv"
            for number, record in enumerate(_validate_rows(ex_path, rows("exchanges.csv"), ExchangeRecord),
                                            start=2):
                exchanges.append({**record.model_dump(), "pack": pack, "_row": number})
    frames = {"flows": pd.DataFrame([f.model_dump() for f in flows]), "datasets": pd.DataFrame(datasets),
              "exchanges": pd.DataFrame(exchanges), "sources": pd.DataFrame(sources)}
    return frames, methods


def tables_from_frames(
    *,
    flows: pd.DataFrame,
    datasets: pd.DataFrame,
    exchanges: pd.DataFrame,
    sources: pd.DataFrame,
    methods: dict[str, pd.Series],
    origin: str = "tables",
    packs: tuple[str, ...] = (),
) -> LciTables:
    """Check the cross-references of background tables and return them with their content hash."""
    return _checked_tables(flows=flows, datasets=datasets, exchanges=exchanges, sources=sources, methods=methods,
                           origin=origin, packs=packs)


def _checked_tables(*, flows, datasets, exchanges, sources, methods, origin, packs, known_hash: str | None = None):
    """`tables_from_frames`; known_hash: the content hash these frames were stored with by the tables cache
    (recorded when they were validated), so that it is not computed again."""
    where = origin
    flows = flows.set_index("key", drop=False)
    if flows.index.duplicated().any():
        raise DataError(f"duplicate flow keys: {sorted(set(flows.index[flows.index.duplicated()]))}", file=where)
    datasets = datasets.copy()
    if "pack" not in datasets:
        datasets["pack"] = origin
    duplicated = datasets["key"].duplicated(keep=False)
    if duplicated.any():
        dups = datasets[duplicated].sort_values("key")
        first = dups.iloc[0]
        raise DataError(
            f"dataset key '{first['key']}' is defined more than once (packs: {sorted(set(dups['pack']))})",
            file=where,
        )
    datasets = datasets.set_index("key", drop=False).sort_index()
    # tables from other origins (bw2io imports) may carry ratings and flags as text
    for column in ("dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability"):
        if column in datasets:
            datasets[column] = pd.to_numeric(datasets[column], errors="coerce")
    if "gwp_basis" in datasets:
        datasets["gwp_basis"] = datasets["gwp_basis"].fillna("unknown").astype(str).str.strip().replace("", "unknown")
        bad = datasets[~datasets["gwp_basis"].isin(GWP_BASES)]
        if len(bad):
            first = bad.iloc[0]
            raise DataError(f"dataset '{first['key']}': gwp_basis '{first['gwp_basis']}' is not one of "
                            f"{', '.join(GWP_BASES)}", file=f"{first.get('pack', where)}/datasets.csv",
                            row=None if pd.isna(first.get("_row")) else int(first.get("_row")), column="gwp_basis",
                            expected=", ".join(GWP_BASES))
    if "aircraft" in datasets:
        datasets["aircraft"] = datasets["aircraft"].map(lambda v: str(v).strip().lower() in ("true", "1", "yes"))
    if exchanges.empty:
        exchanges = pd.DataFrame(columns=["dataset", "kind", "input", "amount", "unit", "comment", "pack"])
    # checked as arrays; the first offending row (in file order) is then named by the loop below
    bad = (~exchanges["dataset"].isin(datasets.index)
           | ((exchanges["kind"] == "biosphere") & ~exchanges["input"].isin(flows.index))
           | ((exchanges["kind"] == "technosphere") & ~exchanges["input"].isin(datasets.index)))
    for record in exchanges[bad.to_numpy(dtype=bool)].itertuples(index=False):
        row = getattr(record, "_row", None) if hasattr(record, "_row") else None
        pack = getattr(record, "pack", where)
        if record.dataset not in datasets.index:
            raise DataError(f"exchange of unknown dataset '{record.dataset}'", file=f"{pack}/exchanges.csv",
                            row=row, column="dataset")
        if record.kind == "biosphere" and record.input not in flows.index:
            raise DataError(f"unknown flow '{record.input}'", file=f"{pack}/exchanges.csv", row=row,
                            column="input", expected="a key of lci_data/flows.csv")
        if record.kind == "technosphere" and record.input not in datasets.index:
            raise DataError(f"unknown input dataset '{record.input}'", file=f"{pack}/exchanges.csv", row=row,
                            column="input", expected="a dataset key of some pack")
    for name, factors in methods.items():
        unknown = sorted(set(factors.index) - set(flows.index))
        if unknown:
            raise DataError(f"method '{name}' characterises unknown flows {unknown}", file=where)
    tables = LciTables(
        flows=flows,
        datasets=datasets,
        exchanges=exchanges.reset_index(drop=True),
        sources=sources.reset_index(drop=True),
        methods=methods,
        origin=origin,
        packs=packs,
    )
    return LciTables(**{**tables.__dict__, "content_hash": known_hash or content_hash(tables)})


def content_hash(tables: LciTables) -> str:
    """sha256 of a canonical text form of the tables: the same data always give the same hash."""
    digest = hashlib.sha256()

    def add(frame: pd.DataFrame, columns: list[str]) -> None:
        cols = [c for c in columns if c in frame.columns]
        buffer = io.StringIO()
        frame[cols].reset_index(drop=True).astype(str).sort_values(cols).to_csv(buffer, index=False)
        digest.update(buffer.getvalue().encode())

    add(tables.flows, ["key", "name", "categories", "unit", "biosphere3_uuid", "gas", "ghg_class"])
    add(tables.datasets, [c for c in tables.datasets.columns if c != "_row"])
    add(tables.exchanges, ["dataset", "kind", "input", "amount", "unit"])
    for name in sorted(tables.methods):
        digest.update(name.encode())
        digest.update(tables.methods[name].sort_index().to_csv(float_format="%.17g").encode())
    return digest.hexdigest()
