"""The results store: an embedded SQLite database of saved results, each with its audit trail.

Location, in this order: an explicit path (`--store PATH`), `$PCF_STORE`, else `pcf-results.sqlite` in the current
working directory (never the home directory). Every save is one transaction: the result row, its document and its
breakdown rows are committed together or not at all, so a run killed midway leaves the store as it was.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .errors import PcfError

DEFAULT_STORE_NAME = "pcf-results.sqlite"
STORE_ENV = "PCF_STORE"
SCHEMA_VERSION = 1
BREAKDOWNS = ("by_stage", "by_module", "by_material")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    saved_at TEXT NOT NULL,
    machine_id TEXT,
    machine_name TEXT,
    input_path TEXT,
    input_sha256 TEXT,
    method TEXT,
    grid TEXT,
    solver TEXT,
    lci_data_hash TEXT,
    pcf_version TEXT,
    total_kg_co2e REAL NOT NULL,
    total_including_removals_kg_co2e REAL,
    primary_data_share REAL,
    label TEXT,
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    breakdown_rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS breakdowns (
    result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
    breakdown TEXT NOT NULL,
    key TEXT NOT NULL,
    kg_co2e REAL NOT NULL,
    PRIMARY KEY (result_id, breakdown, key)
);
"""


class StoreError(PcfError):
    """The results store cannot be opened, is not a pcf store, or has no such result."""


def store_path(explicit: str | Path | None = None) -> Path:
    """Where the store is: `explicit`, else $PCF_STORE, else ./pcf-results.sqlite (documented in docs/audit.md)."""
    if explicit:
        return Path(explicit)
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured)
    return Path.cwd() / DEFAULT_STORE_NAME


@dataclass(frozen=True)
class StoredResult:
    """One saved result: its summary columns and the full result document."""

    id: int
    saved_at: str
    machine_id: str | None
    machine_name: str | None
    input_path: str | None
    input_sha256: str | None
    method: str | None
    grid: str | None
    total_kg_co2e: float
    primary_data_share: float | None
    label: str | None
    lci_data_hash: str | None
    pcf_version: str | None
    document: dict | None = None


class ResultStore:
    """A SQLite file of saved results. Open with `ResultStore(path)`; every method opens its own connection."""

    def __init__(self, path: str | Path | None = None, *, create: bool = True):
        self.path = store_path(path)
        if not create and not self.path.exists():
            raise StoreError("no results store here", file=str(self.path),
                             expected="a store written by `pcf footprint --save` (or pass --store PATH)")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise StoreError(f"store schema version {row[0]} is not supported", file=str(self.path),
                                 expected=f"version {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # transactions are explicit
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"not a SQLite results store ({exc})", file=str(self.path)) from None
        return conn

    # -- writing ---------------------------------------------------------------------------------------------
    def save(self, result, *, label: str | None = None) -> int:
        """Save a Result (or a result document dict) with its audit trail; returns the new id. Atomic."""
        record = result_record(result, label=label)
        summary = tuple(record.columns[name] for name in RESULT_COLUMNS)
        rows = record.breakdowns
        with closing(self._connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                cursor = conn.execute(
                    "INSERT INTO results (saved_at, machine_id, machine_name, input_path, input_sha256, method, grid,"
                    " solver, lci_data_hash, pcf_version, total_kg_co2e, total_including_removals_kg_co2e,"
                    " primary_data_share, label, document, document_sha256, breakdown_rows)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", summary)
                result_id = int(cursor.lastrowid)
                _write_breakdowns(conn, result_id, rows)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return result_id

    # -- reading ---------------------------------------------------------------------------------------------
    def list(self, *, machine: str | None = None, limit: int | None = None) -> list[StoredResult]:
        """Saved results, newest first (without their documents)."""
        sql = f"SELECT {_COLUMNS} FROM results"
        params: list = []
        if machine:
            sql += " WHERE machine_id = ?"
            params.append(machine)
        sql += " ORDER BY id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        with closing(self._connect()) as conn:
            return [StoredResult(*row) for row in conn.execute(sql, params)]

    def get(self, result_id: int) -> StoredResult:
        """One saved result with its document; the document is checked against its stored sha256."""
        with closing(self._connect()) as conn:
            row = conn.execute(f"SELECT {_COLUMNS}, document, document_sha256 FROM results WHERE id = ?",
                               (int(result_id),)).fetchone()
        if row is None:
            raise StoreError(f"no result with id {result_id}", file=str(self.path),
                             expected="an id listed by `pcf history`")
        *columns, text, digest = row
        if hashlib.sha256(text.encode()).hexdigest() != digest:
            raise StoreError(f"result {result_id} was altered in the store (document hash mismatch)",
                             file=str(self.path))
        return StoredResult(*columns, document=json.loads(text))

    def breakdown(self, result_id: int, name: str) -> dict[str, float]:
        with closing(self._connect()) as conn:
            rows = conn.execute("SELECT key, kg_co2e FROM breakdowns WHERE result_id = ? AND breakdown = ?"
                                " ORDER BY kg_co2e DESC", (int(result_id), name)).fetchall()
        return {key: value for key, value in rows}

    def check(self) -> list[str]:
        """Consistency problems, if any: SQLite's integrity check and results whose breakdown rows are missing."""
        with closing(self._connect()) as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            for result_id, expected, found in conn.execute(
                    "SELECT r.id, r.breakdown_rows, (SELECT count(*) FROM breakdowns b WHERE b.result_id = r.id)"
                    " FROM results r"):
                if expected != found:
                    problems.append(f"result {result_id}: {found} of {expected} breakdown rows")
        return problems


RESULT_COLUMNS = ("saved_at", "machine_id", "machine_name", "input_path", "input_sha256", "method", "grid", "solver",
                  "lci_data_hash", "pcf_version", "total_kg_co2e", "total_including_removals_kg_co2e",
                  "primary_data_share", "label", "document", "document_sha256", "breakdown_rows")


@dataclass(frozen=True)
class ResultRecord:
    """What one saved result writes: the `results` row (RESULT_COLUMNS) and its (breakdown, key, kg CO2e) rows.
    Shared with other writers of this schema (the web application's store, pcf/web/db.py)."""

    columns: dict
    breakdowns: list


def result_record(result, *, label: str | None = None) -> ResultRecord:
    """The row and breakdown rows of a Result (or a result document dict), as `ResultStore.save` writes them."""
    document = result if isinstance(result, dict) else result.to_dict()
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, allow_nan=False)
    document = json.loads(text)
    fu = document.get("functional_unit") or {}
    versions = document.get("data_versions") or {}
    audit = versions.get("audit") or {}
    rows = [(name, str(key), float(value)) for name in BREAKDOWNS
            for key, value in (document.get(name) or {}).items()]
    values = (
        _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        fu.get("machine_id"), fu.get("model"),
        (audit.get("input") or {}).get("path") or fu.get("source_file"),
        (audit.get("input") or {}).get("sha256"),
        document.get("method"), document.get("factory_grid"), document.get("solver"),
        versions.get("lci_data_hash"), versions.get("pcf"),
        float(document["total_kg_co2e"]), document.get("total_including_biogenic_removals_kg_co2e"),
        document.get("primary_data_share"), label, text, hashlib.sha256(text.encode()).hexdigest(), len(rows),
    )
    return ResultRecord(dict(zip(RESULT_COLUMNS, values)), rows)


_COLUMNS = ("id, saved_at, machine_id, machine_name, input_path, input_sha256, method, grid, total_kg_co2e,"
            " primary_data_share, label, lci_data_hash, pcf_version")


def _write_breakdowns(conn: sqlite3.Connection, result_id: int, rows: list[tuple[str, str, float]]) -> None:
    """The breakdown rows of one result (inside the caller's transaction)."""
    conn.executemany("INSERT INTO breakdowns (result_id, breakdown, key, kg_co2e) VALUES (?, ?, ?, ?)",
                     [(result_id, name, key, value) for name, key, value in rows])
