"""A disk cache of validated lci_data tables, keyed by the sha256 of the raw bytes of every file they come from.

Validating the ~21,000 rows of the shipped lci_data with pydantic and computing their canonical content hash takes
about 0.3 s of every `pcf` command; reading them back from this cache takes about 0.05 s. The key (`cache_key`)
covers the bytes of every file the loader reads (flows.csv, methods/*.csv, each pack's pack.yaml and the tables of
the packs it loads), the optional packs asked for, the source of the validating code (pcf/data/tables.py,
pcf/units.py), the cache format and the Python, pandas and pydantic versions: a changed byte in any of them gives
another key, so the files are validated again. Only tables that passed validation are ever written.

An entry is two files in pcf's private cache folder (`pcf.data.cache.cache_dir`: 0700, owned by the user):
`tables-<key>.json`, the validated frames column by column and the methods' factors (JSON: text, numbers,
booleans; loading it runs no code), and `tables-<key>.meta.json`: the format, the full key, the tables' canonical
content hash (`pcf.data.tables.content_hash`, stored so that it need not be recomputed) and the sha256 of the first
file. An entry is used only when both are private regular files of this user, the meta names this key and format
and the payload matches its recorded sha256 and shape; otherwise (absent, truncated, edited, foreign) it is removed,
the tables are validated from the files again and the entry is rewritten. The loader then re-checks the cached
frames' cross-references as it does for fresh ones (`pcf.data.tables.tables_from_frames`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path

import pandas as pd

from .cache import cache_dir, read_own_file, write_atomically

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
FRAMES = ("flows", "datasets", "exchanges", "sources")
KEEP_ENTRIES = 8  # older entries (by modification time) are removed when a new one is written
_VALIDATOR_SOURCES = (Path(__file__).resolve().parent / "tables.py", Path(__file__).resolve().parents[1] / "units.py")


def cache_key(files: list[tuple[str, bytes]], optional_packs: tuple[str, ...]) -> str | None:
    """sha256 over everything validated tables depend on: the files read (relative path and bytes, in reading
    order), the optional packs, the validating code and the library versions. None when the validating code's
    source cannot be read (then nothing is cached)."""
    import pydantic

    digest = hashlib.sha256()
    header = {"format": CACHE_FORMAT, "python": list(sys.version_info[:2]), "pandas": pd.__version__,
              "pydantic": pydantic.VERSION, "optional_packs": sorted(optional_packs)}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for source in _VALIDATOR_SOURCES:
        try:
            digest.update(hashlib.sha256(source.read_bytes()).digest())
        except OSError:
            return None
    for relative, data in files:
        digest.update(f"\n{relative}\0{hashlib.sha256(data).hexdigest()}".encode())
    return digest.hexdigest()


def _paths(key: str) -> tuple[Path, Path]:
    folder, stem = cache_dir(), f"tables-{key[:40]}-v{CACHE_FORMAT}"
    return folder / f"{stem}.json", folder / f"{stem}.meta.json"


def read_entry(key: str) -> dict | None:
    """The cached validated frames for `key`: {"flows", "datasets", "exchanges", "sources": DataFrame,
    "methods": {name: Series}, "packs": tuple, "content_hash": str}; None when there is no usable entry (an
    unusable one is removed)."""
    payload_path, meta_path = _paths(key)
    if not (payload_path.exists() and meta_path.exists()):
        return None
    try:
        meta = json.loads(read_own_file(meta_path))
        payload = read_own_file(payload_path)
        if (not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("key") != key
                or hashlib.sha256(payload).hexdigest() != meta.get("payload_sha256")
                or not isinstance(meta.get("content_hash"), str) or len(meta["content_hash"]) != 64):
            raise ValueError("stale or altered entry")
        return _decode(json.loads(payload), meta["content_hash"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # JSONDecodeError is a ValueError
        discard(key, f"{exc}")
        return None


def discard(key: str, reason: str) -> None:
    """Remove the entry of `key` (never trusted again), saying why."""
    payload_path, meta_path = _paths(key)
    log.warning("lci_data tables cache %s not used (%s): removed, the files are validated again", payload_path,
                reason)
    for path in (payload_path, meta_path):
        path.unlink(missing_ok=True)


def write_entry(key: str, frames: dict, methods: dict, packs: tuple[str, ...], content_hash: str) -> None:
    """Store validated frames (a failure to write is logged, never fatal: the cache only saves time)."""
    try:
        payload = _encode(frames, methods, packs)
    except (TypeError, ValueError) as exc:  # a value JSON cannot hold exactly: not cached
        log.warning("lci_data tables cache not written (%s)", exc)
        return
    meta = {"format": CACHE_FORMAT, "key": key, "content_hash": content_hash,
            "payload_sha256": hashlib.sha256(payload).hexdigest()}
    try:
        payload_path, meta_path = _paths(key)
        write_atomically(payload_path, payload)
        write_atomically(meta_path, json.dumps(meta).encode())
        _prune(payload_path.parent)
    except OSError as exc:
        log.warning("lci_data tables cache not written (%s)", exc)


def _encode(frames: dict, methods: dict, packs: tuple[str, ...]) -> bytes:
    return json.dumps({
        "frames": {name: {"columns": [str(c) for c in frames[name].columns],
                          "data": {str(c): frames[name][c].tolist() for c in frames[name].columns}}
                   for name in FRAMES},
        "methods": {name: {"flows": [str(k) for k in series.index], "factors": series.tolist()}
                    for name, series in methods.items()},
        "packs": list(packs),
    }, allow_nan=True).encode()


def _decode(payload: dict, content_hash: str) -> dict:
    out: dict = {"content_hash": content_hash, "packs": tuple(str(p) for p in payload["packs"])}
    for name in FRAMES:
        entry = payload["frames"][name]
        columns, data = entry["columns"], entry["data"]
        if set(columns) != set(data) or len({len(v) for v in data.values()}) > 1:
            raise ValueError(f"frame '{name}' is malformed")
        out[name] = pd.DataFrame(data, columns=columns)
    methods = {}
    for name, entry in payload["methods"].items():
        flows, factors = entry["flows"], entry["factors"]
        if len(flows) != len(factors) or not all(isinstance(f, (int, float)) for f in factors):
            raise ValueError(f"method '{name}' is malformed")
        methods[name] = pd.Series(dict(zip(flows, factors)), dtype="float64")
    out["methods"] = methods
    return out


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob(f"tables-*-v{CACHE_FORMAT}.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        old.unlink(missing_ok=True)
        old.with_name(old.name[:-len(".json")] + ".meta.json").unlink(missing_ok=True)
