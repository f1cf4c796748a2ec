"""The web application's database: SQLite (embedded, default) or PostgreSQL, through SQLAlchemy Core.

The `results` and `breakdowns` tables are those of the results store (pcf/store.py), so a SQLite web store is also
a store `pcf history --store FILE` reads. The web application's own tables start with `web_`. The schema is made by
numbered migrations (MIGRATIONS); `web_schema_migrations` records which ran. `open_database` applies the missing
ones inside one transaction (on PostgreSQL under an advisory lock, so two servers starting at once do not race).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import (Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, select, text)
from sqlalchemy.engine import Connection, Engine

from ..errors import PcfError
from ..store import SCHEMA_VERSION as STORE_SCHEMA_VERSION

metadata = MetaData()

# ---- the results store's tables (same columns as pcf/store.py)
meta = Table("meta", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))
results = Table(
    "results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("saved_at", Text, nullable=False), Column("machine_id", Text), Column("machine_name", Text),
    Column("input_path", Text), Column("input_sha256", Text), Column("method", Text), Column("grid", Text),
    Column("solver", Text), Column("lci_data_hash", Text), Column("pcf_version", Text),
    Column("total_kg_co2e", Float, nullable=False), Column("total_including_removals_kg_co2e", Float),
    Column("primary_data_share", Float), Column("label", Text), Column("document", Text, nullable=False),
    Column("document_sha256", Text, nullable=False), Column("breakdown_rows", Integer, nullable=False),
    sqlite_autoincrement=True,
)
breakdowns = Table(
    "breakdowns", metadata,
    Column("result_id", Integer, ForeignKey("results.id", ondelete="CASCADE"), primary_key=True),
    Column("breakdown", Text, primary_key=True), Column("key", Text, primary_key=True),
    Column("kg_co2e", Float, nullable=False),
)

# ---- the web application's tables
migrations = Table("web_schema_migrations", metadata, Column("version", Integer, primary_key=True),
                   Column("applied_at", Text, nullable=False), Column("description", Text, nullable=False))
users = Table("web_users", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
              Column("username", String(80), nullable=False, unique=True),
              Column("password_hash", Text, nullable=False), Column("created_at", Text, nullable=False))
sessions = Table("web_sessions", metadata, Column("token_sha256", String(64), primary_key=True),
                 Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
                 Column("csrf_token", String(64), nullable=False), Column("expires_at", Float, nullable=False))
clients = Table("web_api_clients", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("client_id", String(80), nullable=False, unique=True),
                Column("secret_hash", Text, nullable=False), Column("name", Text, nullable=False),
                Column("scopes", Text, nullable=False), Column("created_at", Text, nullable=False))
tokens = Table("web_api_tokens", metadata, Column("token_sha256", String(64), primary_key=True),
               Column("client_id", String(80), ForeignKey("web_api_clients.client_id", ondelete="CASCADE"),
                      nullable=False),
               Column("scopes", Text, nullable=False), Column("expires_at", Float, nullable=False))
files = Table("web_files", metadata, Column("sha256", String(64), primary_key=True),
              Column("suffix", String(8), nullable=False), Column("size", Integer, nullable=False),
              Column("content", LargeBinary, nullable=False), Column("created_at", Text, nullable=False))
models = Table("web_models", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
               Column("name", String(200), nullable=False, unique=True), Column("created_at", Text, nullable=False))
model_versions = Table(
    "web_model_versions", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", Integer, ForeignKey("web_models.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("file_sha256", String(64), ForeignKey("web_files.sha256"), nullable=False),
    Column("filename", Text, nullable=False), Column("note", Text), Column("created_at", Text, nullable=False),
    Column("created_by", Text), UniqueConstraint("model_id", "version"))
modules = Table("web_modules", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("name", String(200), nullable=False, unique=True), Column("created_at", Text, nullable=False))
module_versions = Table(
    "web_module_versions", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("module_id", Integer, ForeignKey("web_modules.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False), Column("content", Text, nullable=False),
    Column("sha256", String(64), nullable=False), Column("note", Text), Column("created_at", Text, nullable=False),
    Column("created_by", Text), UniqueConstraint("module_id", "version"))
runs = Table(
    "web_runs", metadata, Column("result_id", Integer, ForeignKey("results.id", ondelete="CASCADE"),
                                 primary_key=True),
    Column("model_version_id", Integer, ForeignKey("web_model_versions.id")),
    Column("file_sha256", String(64), nullable=False), Column("filename", Text, nullable=False),
    Column("options", Text, nullable=False), Column("modules", Text, nullable=False),
    Column("problems", Text, nullable=False),  # JSON: intake lines not modelled as given, row by row
    Column("flows", Text, nullable=False),  # JSON: [stage, module, dataset, kg CO2e] for the Sankey diagram
    Column("recompute_id", Integer), Column("created_by", Text), Column("created_at", Text, nullable=False))
recomputes = Table("web_recomputes", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("created_at", Text, nullable=False), Column("created_by", Text),
                   Column("summary", Text, nullable=False))
footprints = Table(
    "web_footprints", metadata, Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("result_id", Integer, ForeignKey("results.id", ondelete="CASCADE")),  # None: received, not computed
    Column("status", String(16), nullable=False), Column("document", Text, nullable=False),
    Column("created_at", Text, nullable=False))
events = Table(
    "web_events", metadata, Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False), Column("event_id", Text, nullable=False),
    Column("type", Text, nullable=False), Column("client_id", String(80), nullable=False),
    Column("body", Text, nullable=False), Column("received_at", Text, nullable=False),
    UniqueConstraint("source", "event_id", name="uq_web_events_source_id"))
jobs = Table(
    "web_jobs", metadata, Column("id", String(36), primary_key=True), Column("status", String(16), nullable=False),
    Column("kind", String(16), nullable=False),  # result | recompute: what `result_id` names when done
    Column("step", Text, nullable=False), Column("result_id", Integer), Column("error", Text),
    Column("problems", Text, nullable=False),
    Column("owner", Text), Column("updated_at", Float, nullable=False))
audit_log = Table(
    "web_audit_log", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Text, nullable=False), Column("actor", Text, nullable=False), Column("action", Text, nullable=False),
    Column("result_id", Integer), Column("detail", Text, nullable=False))
# ---- migration 2: the delivery to the customer of a run (outside the cradle-to-gate PCF)
deliveries = Table(
    "web_deliveries", metadata, Column("result_id", Integer, ForeignKey("results.id", ondelete="CASCADE"),
                                       primary_key=True),
    Column("figure", Text, nullable=False))  # JSON: pcf.web.customer.delivery_figure
# ---- migration 3: API partners (where to send events, with pcf's credentials at their system) and the answers
# sent to the PCF requests received (RequestCreated events)
partners = Table(
    "web_partners", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False, unique=True),
    # the API client of this pcf that the partner uses to call us (its RequestCreated events come with it)
    Column("api_client_id", String(80), ForeignKey("web_api_clients.client_id", ondelete="CASCADE"),
           nullable=False, unique=True),
    Column("base_url", Text, nullable=False),  # the partner's host system: {base_url}/auth/token, /3/events
    Column("client_id", Text, nullable=False), Column("client_secret", Text, nullable=False),
    Column("created_at", Text, nullable=False))
answers = Table(
    "web_event_answers", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_seq", Integer, ForeignKey("web_events.seq", ondelete="CASCADE"), nullable=False),
    Column("type", Text, nullable=False), Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),  # sent | failed
    Column("detail", Text, nullable=False), Column("sent_at", Text, nullable=False), Column("sent_by", Text))
Index("ix_web_event_answers_request", answers.c.request_seq)
# ---- migration 4: per-client access to footprints (a client with no row sees every footprint)
client_access = Table(
    "web_client_access", metadata,
    Column("client_id", String(80), ForeignKey("web_api_clients.client_id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # company | product: matched against companyIds / productIds
    Column("value", String(500), primary_key=True))  # a URN, lower case (PACT ids match case-insensitively)
Index("ix_web_runs_model_version", runs.c.model_version_id)
Index("ix_web_footprints_result", footprints.c.result_id)

V1_TABLES = [meta, results, breakdowns, migrations, users, sessions, clients, tokens, files, models, model_versions,
             modules, module_versions, recomputes, runs, footprints, events, jobs, audit_log]


class DatabaseError(PcfError):
    """The web store cannot be opened, or its schema is newer than this pcf."""


def _v1(conn: Connection) -> None:
    """The first schema: every table above (those of the results store only if missing)."""
    metadata.create_all(conn, tables=V1_TABLES, checkfirst=True)
    if conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first() is None:
        conn.execute(meta.insert().values(key="schema_version", value=str(STORE_SCHEMA_VERSION)))


def _v2(conn: Connection) -> None:
    """The delivery figure of a run (customer-specific option, outside the PCF)."""
    metadata.create_all(conn, tables=[deliveries], checkfirst=True)


def _v3(conn: Connection) -> None:
    """API partners and the answers sent to their PCF requests."""
    metadata.create_all(conn, tables=[partners, answers], checkfirst=True)


def _v4(conn: Connection) -> None:
    """Per-client access to footprints."""
    metadata.create_all(conn, tables=[client_access], checkfirst=True)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


# append new migrations at the end with the next number; never edit one that was released
MIGRATIONS = (Migration(1, "results store tables and the web application's tables", _v1),
              Migration(2, "delivery to the customer of a run (outside the cradle-to-gate PCF)", _v2),
              Migration(3, "API partners and the answers sent to their PCF requests", _v3),
              Migration(4, "per-client access to footprints (companies / product ids)", _v4))


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def engine_url(store: str) -> str:
    """A SQLAlchemy URL from `sqlite:///PATH`, a plain file path, or `postgresql://...` (driven by psycopg 3)."""
    if store.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + store.split("://", 1)[1]
    if store.startswith("postgresql+psycopg://"):
        return store
    if store.startswith("sqlite:///"):
        return store
    if "://" in store:
        raise DatabaseError(f"unsupported store URL scheme in '{store.split('://', 1)[0]}://'",
                            expected="sqlite:///PATH or postgresql://USER@HOST/DB")
    return "sqlite:///" + str(Path(store).resolve())


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")  # readers do not wait for the one writer
    cursor.execute("PRAGMA busy_timeout = 30000")
    # WAL with synchronous=NORMAL: never corrupt, every transaction atomic; a power cut may lose the last commits
    # (not a process crash). FULL fsyncs every commit: ~25 ms each here, which caps a server at ~40 writes/s.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def open_database(store: str) -> Engine:
    """An Engine on the store, with every migration applied."""
    url = engine_url(store)
    if url.startswith("sqlite"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=10,
                               max_overflow=20)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    try:
        migrate(engine)
    except Exception as exc:  # connection refused, authentication, not a database ...
        if isinstance(exc, DatabaseError):
            raise
        raise DatabaseError(f"cannot open the store ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                            file=_redact(store)) from None
    return engine


def _redact(store: str) -> str:
    """The store URL without its password."""
    if "://" in store and "@" in store:
        scheme, rest = store.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return store


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations not yet recorded; returns the versions applied now."""
    applied_now = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7202617)"))  # one migrating process at a time
        migrations.create(conn, checkfirst=True)
        done = {row[0] for row in conn.execute(select(migrations.c.version))}
        newest = max(m.version for m in MIGRATIONS)
        if done and max(done) > newest:
            raise DatabaseError(f"the store's schema version {max(done)} is newer than this pcf's ({newest})",
                                expected="a newer pcf")
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            migration.apply(conn)
            conn.execute(migrations.insert().values(version=migration.version, applied_at=now(),
                                                    description=migration.description))
            applied_now.append(migration.version)
        row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
        if row is not None and int(row[0]) != STORE_SCHEMA_VERSION:
            raise DatabaseError(f"results store schema version {row[0]} is not supported",
                                expected=f"version {STORE_SCHEMA_VERSION}")
    return applied_now


__all__ = ["open_database", "migrate", "engine_url", "MIGRATIONS", "DatabaseError", "now"]
