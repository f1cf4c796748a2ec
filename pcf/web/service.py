"""The web application's storage service: accounts and API clients, uploaded files, the machine library (models
and shared modules with their versions), saved results with their PACT footprints, events, jobs and the audit log.

No web framework here: every method takes plain values and returns plain values, so the pages, the PACT API, the
CLI (`pcf serve --add-user`) and the tests use the same code. Files are kept in the database; a file the engine
must read is written, under its sha256, into `<files_dir>/` only (`materialize`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import PcfError
from ..store import result_record
from . import db
from .security import hash_secret, new_token, token_digest, verify_secret

BOM_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".csv")
SESSION_SECONDS = 8 * 3600
TOKEN_SECONDS = 3600
VERIFIED_SECONDS = 300
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()+/-]{0,119}$")
SCOPES = ("footprint:list", "footprint:read", "events:write")


class ServiceError(PcfError):
    """A request the library cannot honour: unknown id, name taken, file refused."""


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    user_id: int
    username: str
    csrf_token: str


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in BOM_SUFFIXES:
        raise ServiceError(f"unsupported file type '{suffix or '(none)'}'", file=Path(filename).name,
                           expected="a .yaml, .yml, .json, .xlsx or .csv BOM file")
    return ".yaml" if suffix == ".yml" else suffix


def check_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise ServiceError(f"invalid {what} name '{name[:40]}'",
                           expected="1-120 letters, digits, spaces and . _ ( ) + / -, starting with a letter or digit")
    return name


def _serialise(conn) -> None:
    """Start the transaction as SQLite's one writer (BEGIN IMMEDIATE), so its reads and writes are not interleaved
    with another writer's; on PostgreSQL the caller's SELECT ... FOR UPDATE does that. First statement only."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class WebService:
    """The storage service over one database (`db.open_database`) and one folder for files the engine reads."""

    def __init__(self, engine, files_dir: str | Path):
        self.engine = engine
        self.files_dir = Path(files_dir).resolve()
        self.files_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._key = secrets.token_bytes(32)  # this process's key for remembered secret checks
        self._dummy = hash_secret(secrets.token_urlsafe(16))  # checked for unknown names
        self._verified: dict[str, tuple[float, threading.Lock]] = {}  # proof -> (valid until, its check's lock)
        self._verified_lock = threading.Lock()

    # ------------------------------------------------------------------------------------------- accounts
    def add_user(self, username: str, password: str) -> int:
        username = check_name(username, "user")
        if len(password) < 12:
            raise ServiceError("password too short", expected="at least 12 characters")
        try:
            with self.engine.begin() as conn:
                result = conn.execute(db.users.insert().values(username=username, password_hash=hash_secret(password),
                                                               created_at=db.now()))
                return int(result.inserted_primary_key[0])
        except IntegrityError:
            raise ServiceError(f"user '{username}' exists") from None

    def login(self, username: str, password: str) -> tuple[str, Session] | None:
        """A new session token and its session when the password matches, else None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.users.c.id, db.users.c.password_hash)
                               .where(db.users.c.username == username)).first()
        if row is None:
            verify_secret(password, self._dummy)  # the same work for an unknown name as for a wrong password
            return None
        if not verify_secret(password, row.password_hash):
            return None
        token, csrf = new_token(), new_token()
        with self.engine.begin() as conn:
            conn.execute(db.sessions.insert().values(token_sha256=token_digest(token), user_id=row.id, csrf_token=csrf,
                                                     expires_at=time.time() + SESSION_SECONDS))
            conn.execute(db.sessions.delete().where(db.sessions.c.expires_at < time.time()))
        return token, Session(row.id, username, csrf)

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.sessions.c.user_id, db.users.c.username, db.sessions.c.csrf_token, db.sessions.c.expires_at)
                .join(db.users, db.users.c.id == db.sessions.c.user_id)
                .where(db.sessions.c.token_sha256 == token_digest(token))).first()
        if row is None or row.expires_at < time.time():
            return None
        return Session(row.user_id, row.username, row.csrf_token)

    def logout(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(db.sessions.delete().where(db.sessions.c.token_sha256 == token_digest(token)))

    def add_client(self, name: str, scopes: tuple[str, ...] = SCOPES, *, companies: tuple[str, ...] = (),
                   products: tuple[str, ...] = ()) -> tuple[str, str]:
        """A new API client; returns (client_id, secret). The secret is shown once and stored only hashed.
        companies / products: URNs; when any is given, the client sees only the footprints with one of those
        companyIds or productIds (matched case-insensitively); none given: every footprint."""
        name = check_name(name, "client")
        unknown = set(scopes) - set(SCOPES)
        if unknown:
            raise ServiceError(f"unknown scope(s) {sorted(unknown)}", expected=f"some of {list(SCOPES)}")
        rules = {("company", c.strip().lower()) for c in companies} | {("product", p.strip().lower())
                                                                       for p in products}
        for _kind, value in rules:
            if not re.fullmatch(r"urn:[a-z0-9][a-z0-9-]{0,31}:\S{1,460}", value):
                raise ServiceError(f"'{value[:60]}' is not a URN", expected="urn:NID:... (a PACT company or "
                                   "product id)")
        client_id, secret = f"pcf-{new_token(9)}", new_token(32)
        with self.engine.begin() as conn:
            conn.execute(db.clients.insert().values(client_id=client_id, secret_hash=hash_secret(secret), name=name,
                                                    scopes=" ".join(scopes), created_at=db.now()))
            if rules:
                conn.execute(db.client_access.insert(), [{"client_id": client_id, "kind": kind, "value": value}
                                                         for kind, value in sorted(rules)])
        return client_id, secret

    def client_access(self, client_id: str) -> dict | None:
        """{"company": set, "product": set} of URNs (lower case) a client is limited to; None: every footprint."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.client_access.c.kind, db.client_access.c.value)
                                .where(db.client_access.c.client_id == client_id)).all()
        if not rows:
            return None
        out: dict = {"company": set(), "product": set()}
        for row in rows:
            out[row.kind].add(row.value)
        return out

    def authenticate_client(self, client_id: str, secret: str) -> Client | None:
        """The client when the secret matches its scrypt hash. A match is remembered for VERIFIED_SECONDS (as an
        HMAC of the stored hash and the secret, in this process only), so a client asking for tokens often does
        not cost a scrypt each time; a changed stored hash invalidates it."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.clients).where(db.clients.c.client_id == client_id)).first()
        if row is None:
            verify_secret(secret, self._dummy)
            return None
        proof = hmac.new(self._key, f"{row.secret_hash}\0{secret}".encode(), "sha256").hexdigest()
        with self._verified_lock:
            if len(self._verified) > 1000:
                self._verified.clear()
            remembered, lock = self._verified.setdefault(proof, (0.0, threading.Lock()))
        if remembered < time.monotonic():
            with lock:  # concurrent requests with the same credentials wait for one check
                with self._verified_lock:
                    remembered = self._verified.get(proof, (0.0, lock))[0]
                if remembered < time.monotonic():
                    if not verify_secret(secret, row.secret_hash):
                        return None
                    with self._verified_lock:
                        self._verified[proof] = (time.monotonic() + VERIFIED_SECONDS, lock)
        return Client(row.client_id, row.name, tuple(row.scopes.split()))

    def issue_token(self, client: Client, *, seconds: int = TOKEN_SECONDS) -> str:
        token = new_token()
        with self.engine.begin() as conn:
            conn.execute(db.tokens.insert().values(token_sha256=token_digest(token), client_id=client.client_id,
                                                   scopes=" ".join(client.scopes), expires_at=time.time() + seconds))
            conn.execute(db.tokens.delete().where(db.tokens.c.expires_at < time.time() - 86400))
        return token

    def token_client(self, token: str) -> tuple[str, Client | None]:
        """('ok', client), ('expired', None) or ('invalid', None) for a bearer token."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.tokens.c.expires_at, db.tokens.c.scopes, db.clients.c.client_id,
                                      db.clients.c.name)
                               .join(db.clients, db.clients.c.client_id == db.tokens.c.client_id)
                               .where(db.tokens.c.token_sha256 == token_digest(token))).first()
        if row is None:
            return "invalid", None
        if row.expires_at < time.time():
            return "expired", None
        return "ok", Client(row.client_id, row.name, tuple(row.scopes.split()))

    # ------------------------------------------------------------------------------------------- files
    def put_file(self, content: bytes, filename: str) -> str:
        """Keep an uploaded file (deduplicated by sha256); returns its sha256."""
        suffix = _suffix(filename)
        digest = hashlib.sha256(content).hexdigest()
        with self.engine.begin() as conn:
            exists = conn.execute(select(db.files.c.sha256).where(db.files.c.sha256 == digest)).first()
            if exists is None:
                try:
                    with conn.begin_nested():
                        conn.execute(db.files.insert().values(sha256=digest, suffix=suffix, size=len(content),
                                                              content=content, created_at=db.now()))
                except IntegrityError:  # stored by a concurrent upload of the same bytes
                    pass
        return digest

    def file_bytes(self, digest: str) -> tuple[bytes, str]:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.files.c.content, db.files.c.suffix).where(db.files.c.sha256 == digest)).first()
        if row is None:
            raise ServiceError(f"no stored file {digest[:12]}")
        return bytes(row.content), row.suffix

    def materialize(self, digest: str) -> Path:
        """The stored file as `<files_dir>/<sha256><suffix>` (written once, atomically; its content is read from
        the database only when that file is missing or does not hash to `digest`); the name is made from the hash
        and a fixed list of suffixes only, never from what a user typed."""
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ServiceError("not a file id")
        with self.engine.connect() as conn:
            suffix = conn.execute(select(db.files.c.suffix).where(db.files.c.sha256 == digest)).scalar()
        if suffix is None:
            raise ServiceError(f"no stored file {digest[:12]}")
        if suffix not in BOM_SUFFIXES:
            raise ServiceError(f"stored file has an unsupported suffix {suffix!r}")
        path = self.files_dir / f"{digest}{suffix}"
        if path.parent != self.files_dir:
            raise ServiceError("file path outside the store")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            content, _suffix = self.file_bytes(digest)
            fd, tmp = tempfile.mkstemp(dir=self.files_dir, prefix=".upload-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, path)
        return path

    # ------------------------------------------------------------------------------------------- library
    def add_model_version(self, model_name: str, digest: str, filename: str, *, note: str | None = None,
                          user: str | None = None) -> tuple[int, int]:
        """A new version of a stored machine model (created on first use); returns (model id, version)."""
        model_name = check_name(model_name, "model")
        model_id = self._named(db.models, model_name)
        with self.engine.begin() as conn:
            version = self._add_version(conn, db.models.c.id, db.model_versions.c.model_id, model_id,
                                        file_sha256=digest, filename=Path(filename).name[:200], note=note,
                                        created_by=user)
            self._log(conn, user, "model version", None, f"{model_name} v{version} ({Path(filename).name}, "
                      f"sha256 {digest[:12]})")
        return model_id, version

    @staticmethod
    def _add_version(conn, parent_id_column, key, parent_id: int, **values) -> int:
        """Insert the next version (1 + the newest) of a model / module: `key` is the versions table's column naming
        the parent (web_model_versions.model_id, web_module_versions.module_id); returns the version. The
        parent's row is locked first (on SQLite the transaction becomes the one writer) so that concurrent uploads
        number their versions apart. First statement of its transaction."""
        _serialise(conn)
        conn.execute(select(parent_id_column).where(parent_id_column == parent_id).with_for_update())
        versions = key.table
        version = 1 + (conn.execute(select(func.max(versions.c.version)).where(key == parent_id)).scalar() or 0)
        conn.execute(versions.insert().values({key.name: parent_id, "version": version, "created_at": db.now(),
                                               **values}))
        return version

    def _named(self, table, name: str) -> int:
        """The id of the row called `name` in web_models / web_modules, created when missing (race-safe)."""
        for _attempt in range(3):
            with self.engine.begin() as conn:
                row = conn.execute(select(table.c.id).where(table.c.name == name)).first()
                if row is not None:
                    return int(row.id)
                try:
                    with conn.begin_nested():
                        return int(conn.execute(table.insert().values(name=name, created_at=db.now()))
                                   .inserted_primary_key[0])
                except IntegrityError:  # created by a concurrent request: read it again
                    continue
        raise ServiceError(f"could not create '{name}'")

    def models(self) -> list[dict]:
        sql = (select(db.models.c.id, db.models.c.name, func.max(db.model_versions.c.version).label("latest"),
                      func.count(db.model_versions.c.id).label("versions"))
               .join(db.model_versions, db.model_versions.c.model_id == db.models.c.id)
               .group_by(db.models.c.id, db.models.c.name).order_by(db.models.c.name))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sql)]

    def model_versions(self, model_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.model_versions, db.models.c.name)
                                .join(db.models, db.models.c.id == db.model_versions.c.model_id)
                                .where(db.model_versions.c.model_id == model_id)
                                .order_by(db.model_versions.c.version.desc())).all()
        if not rows:
            raise ServiceError(f"no machine model {model_id}")
        return [dict(r._mapping) for r in rows]

    def model_version(self, version_id: int) -> dict:
        return self._model_version(db.model_versions.c.id == version_id, f"no model version {version_id}")

    def model_version_of(self, model_id: int, version: int) -> dict:
        """Version `version` of model `model_id` (e.g. the one `add_model_version` just numbered)."""
        return self._model_version(and_(db.model_versions.c.model_id == model_id,
                                        db.model_versions.c.version == version),
                                   f"no version {version} of machine model {model_id}")

    def _model_version(self, where, missing: str) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.model_versions, db.models.c.name)
                               .join(db.models, db.models.c.id == db.model_versions.c.model_id)
                               .where(where)).first()
        if row is None:
            raise ServiceError(missing)
        return dict(row._mapping)

    def latest_model_versions(self) -> list[dict]:
        """The newest version of every stored model."""
        newest = (select(db.model_versions.c.model_id, func.max(db.model_versions.c.version).label("v"))
                  .group_by(db.model_versions.c.model_id).subquery())
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.model_versions, db.models.c.name)
                                .join(db.models, db.models.c.id == db.model_versions.c.model_id)
                                .join(newest, and_(newest.c.model_id == db.model_versions.c.model_id,
                                                   newest.c.v == db.model_versions.c.version))
                                .order_by(db.models.c.name)).all()
        return [dict(r._mapping) for r in rows]

    def add_module_version(self, name: str, content: str, *, note: str | None = None,
                           user: str | None = None) -> int:
        """A new version of a shared module (the YAML of one assembly whose id is the module's name)."""
        name = check_name(name, "module")
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        module_id = self._named(db.modules, name)
        with self.engine.begin() as conn:
            version = self._add_version(conn, db.modules.c.id, db.module_versions.c.module_id, module_id,
                                        content=content, sha256=digest, note=note, created_by=user)
            self._log(conn, user, "module version", None, f"{name} v{version} (sha256 {digest[:12]})")
        return version

    def modules(self) -> list[dict]:
        sql = (select(db.modules.c.name, func.max(db.module_versions.c.version).label("latest"))
               .join(db.module_versions, db.module_versions.c.module_id == db.modules.c.id)
               .group_by(db.modules.c.name).order_by(db.modules.c.name))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sql)]

    def module(self, name: str, version: int | None = None) -> dict | None:
        """A module version ({name, version, content, sha256}); the newest when `version` is None."""
        sql = (select(db.modules.c.name, db.module_versions.c.version, db.module_versions.c.content,
                      db.module_versions.c.sha256)
               .join(db.modules, db.modules.c.id == db.module_versions.c.module_id).where(db.modules.c.name == name))
        sql = sql.where(db.module_versions.c.version == version) if version else sql
        with self.engine.connect() as conn:
            row = conn.execute(sql.order_by(db.module_versions.c.version.desc()).limit(1)).first()
        return dict(row._mapping) if row else None

    # ------------------------------------------------------------------------------------------- results
    def save_result(self, result, *, file_sha256: str, filename: str, options: dict, modules: list[dict],
                    model_version_id: int | None, footprint: dict | None, user: str | None,
                    problems: list[dict] | None = None, flows: list | None = None,
                    recompute_id: int | None = None,
                    label: str | None = None, delivery: dict | None = None) -> int:
        """One transaction: the result (results store row and breakdowns), the web run record, its PACT
        footprint (the previous footprint of the same model and options is marked Deprecated) and a log line."""
        record = result_record(result, label=label)
        with self.engine.begin() as conn:
            result_id = int(conn.execute(db.results.insert().values(**record.columns)).inserted_primary_key[0])
            if record.breakdowns:
                conn.execute(db.breakdowns.insert(), [{"result_id": result_id, "breakdown": b, "key": k,
                                                       "kg_co2e": v} for b, k, v in record.breakdowns])
            conn.execute(db.runs.insert().values(result_id=result_id, model_version_id=model_version_id,
                                                 file_sha256=file_sha256, filename=Path(filename).name[:200],
                                                 options=json.dumps(options, sort_keys=True),
                                                 modules=json.dumps(modules), problems=json.dumps(problems or []),
                                                 flows=json.dumps(flows or []),
                                                 recompute_id=recompute_id,
                                                 created_by=user, created_at=db.now()))
            if delivery is not None:
                conn.execute(db.deliveries.insert().values(result_id=result_id, figure=json.dumps(delivery)))
            if footprint is not None:
                try:
                    with conn.begin_nested():
                        conn.execute(db.footprints.insert().values(
                            id=footprint["id"], result_id=result_id, status=footprint["status"],
                            document=json.dumps(footprint, ensure_ascii=False), created_at=db.now()))
                except IntegrityError:  # the same PCF (same id) is stored already
                    pass
            self._log(conn, user, "result", result_id, f"{record.columns['machine_id']}: "
                      f"{record.columns['total_kg_co2e']:,.1f} kg CO2e from {Path(filename).name} "
                      f"(input sha256 {file_sha256[:12]})" + (f", recompute {recompute_id}" if recompute_id else ""))
        return result_id

    def deprecate_footprints(self, ids: list[str], *, user: str | None) -> None:
        """Mark footprints Deprecated (their documents keep their id; PACT lists them with that status)."""
        with self.engine.begin() as conn:
            for pf_id in ids:
                row = conn.execute(select(db.footprints.c.document).where(db.footprints.c.id == pf_id)).first()
                if row is None:
                    continue
                document = json.loads(row.document)
                document["status"] = "Deprecated"
                conn.execute(update(db.footprints).where(db.footprints.c.id == pf_id)
                             .values(status="Deprecated", document=json.dumps(document, ensure_ascii=False)))
                self._log(conn, user, "footprint deprecated", None, pf_id)

    def result(self, result_id: int) -> dict:
        """A saved result: its summary, document (checked against its sha256), run record and footprint."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.results).where(db.results.c.id == result_id)).first()
            if row is None:
                raise ServiceError(f"no result {result_id}")
            run = conn.execute(select(db.runs).where(db.runs.c.result_id == result_id)).first()
            pf = conn.execute(select(db.footprints.c.id, db.footprints.c.status, db.footprints.c.document)
                              .where(db.footprints.c.result_id == result_id)).first()
            log = conn.execute(select(db.audit_log).where(db.audit_log.c.result_id == result_id)
                               .order_by(db.audit_log.c.id)).all()
            delivery = conn.execute(select(db.deliveries.c.figure)
                                    .where(db.deliveries.c.result_id == result_id)).scalar()
        out = dict(row._mapping)
        if hashlib.sha256(out["document"].encode()).hexdigest() != out["document_sha256"]:
            raise ServiceError(f"result {result_id} was altered in the store (document hash mismatch)")
        out["document"] = json.loads(out["document"])
        out["run"] = None if run is None else {**dict(run._mapping), "options": json.loads(run.options),
                                               "modules": json.loads(run.modules),
                                               "problems": json.loads(run.problems),
                                               "flows": json.loads(run.flows)}
        out["footprint"] = None if pf is None else {"id": pf.id, "status": pf.status,
                                                    "document": json.loads(pf.document)}
        out["log"] = [dict(r._mapping) for r in log]
        out["delivery"] = None if delivery is None else json.loads(delivery)
        return out

    def results(self, *, limit: int = 200, model_version_ids: list[int] | None = None) -> list[dict]:
        sql = (select(db.results.c.id, db.results.c.saved_at, db.results.c.machine_id, db.results.c.machine_name,
                      db.results.c.total_kg_co2e, db.results.c.method, db.results.c.grid, db.results.c.input_sha256,
                      db.results.c.label, db.runs.c.filename, db.runs.c.model_version_id, db.runs.c.options,
                      db.runs.c.created_by, db.runs.c.recompute_id)
               .join(db.runs, db.runs.c.result_id == db.results.c.id, isouter=True))
        if model_version_ids is not None:
            sql = sql.where(db.runs.c.model_version_id.in_(model_version_ids))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sql.order_by(db.results.c.id.desc()).limit(limit))]

    def previous_result(self, model_id: int, options: dict, *, before: int | None = None) -> dict | None:
        """The newest result of any version of a model computed with the same options (before result `before`)."""
        sql = (select(db.runs.c.result_id)
               .join(db.model_versions, db.model_versions.c.id == db.runs.c.model_version_id)
               .where(db.model_versions.c.model_id == model_id,
                      db.runs.c.options == json.dumps(options, sort_keys=True))  # as save_result stores them
               .order_by(db.runs.c.result_id.desc()).limit(1))
        if before is not None:
            sql = sql.where(db.runs.c.result_id < before)
        with self.engine.connect() as conn:
            result_id = conn.execute(sql).scalar()
        return None if result_id is None else self.result(result_id)

    def count_results(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(db.results)).scalar())

    # ------------------------------------------------------------------------------------------- recompute
    def start_recompute(self, user: str | None) -> int:
        with self.engine.begin() as conn:
            return int(conn.execute(db.recomputes.insert().values(created_at=db.now(), created_by=user,
                                                                  summary="[]")).inserted_primary_key[0])

    def finish_recompute(self, recompute_id: int, summary: list[dict], user: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(db.recomputes).where(db.recomputes.c.id == recompute_id)
                         .values(summary=json.dumps(summary)))
            self._log(conn, user, "recompute all", None, f"recompute {recompute_id}: {len(summary)} model(s)")

    def recompute(self, recompute_id: int) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.recomputes).where(db.recomputes.c.id == recompute_id)).first()
        if row is None:
            raise ServiceError(f"no recompute {recompute_id}")
        return {**dict(row._mapping), "summary": json.loads(row.summary)}

    def recomputes(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.recomputes).order_by(db.recomputes.c.id.desc()).limit(50)).all()
        return [{**dict(r._mapping), "summary": json.loads(r.summary)} for r in rows]

    # ------------------------------------------------------------------------------------------- footprints
    def footprint_documents(self) -> list[tuple[int, dict]]:
        """Every stored PACT footprint as (sequence number, document), in the order they were stored."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.footprints.c.seq, db.footprints.c.document)
                                .order_by(db.footprints.c.seq)).all()
        return [(row.seq, json.loads(row.document)) for row in rows]

    def add_footprint(self, document: dict, *, user: str | None = None) -> bool:
        """Store a ProductFootprint made elsewhere (e.g. a supplier's, or the PACT specification's examples in the
        conformance tests) so the API serves it; False when its id is stored already."""
        try:
            with self.engine.begin() as conn:
                conn.execute(db.footprints.insert().values(id=str(document["id"]), result_id=None,
                                                           status=str(document.get("status", "Active")),
                                                           document=json.dumps(document, ensure_ascii=False),
                                                           created_at=db.now()))
                self._log(conn, user, "footprint added", None, str(document["id"]))
            return True
        except IntegrityError:
            return False

    def footprint_document(self, pf_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.footprints.c.document).where(db.footprints.c.id == pf_id)).first()
        return None if row is None else json.loads(row.document)

    # ------------------------------------------------------------------------------------------- events
    def add_event(self, event: dict, client_id: str) -> bool:
        """Store a received event once; returns False when (source, id) was received before (idempotent)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(db.events.insert().values(source=str(event["source"]), event_id=str(event["id"]),
                                                       type=str(event["type"]), client_id=client_id,
                                                       body=json.dumps(event, ensure_ascii=False),
                                                       received_at=db.now()))
            return True
        except IntegrityError:
            return False

    def event(self, seq: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.events).where(db.events.c.seq == seq)).first()
        return None if row is None else {**dict(row._mapping), "body": json.loads(row.body)}

    # ------------------------------------------------------------------------------------------- partners
    def add_partner(self, name: str, *, api_client_id: str, base_url: str, client_id: str,
                    client_secret: str) -> int:
        """An API partner: the API client of this pcf it calls us with, and its host system (base URL) with the
        OAuth2 client credentials pcf uses there to send it events. The partner's secret must be usable, so it is
        stored as given (protect the database like the partner's credentials)."""
        name = check_name(name, "partner")
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~/\-]*)?", base_url or ""):
            raise ServiceError(f"invalid partner base URL '{(base_url or '')[:80]}'",
                               expected="http(s)://host[:port][/path] (no query)")
        if not client_id or not client_secret:
            raise ServiceError("the partner's client_id and client_secret are required")
        with self.engine.begin() as conn:
            if conn.execute(select(db.clients.c.id).where(db.clients.c.client_id == api_client_id)).first() is None:
                raise ServiceError(f"no API client '{api_client_id[:80]}'", expected="a client of pcf serve "
                                   "--add-client")
            try:
                with conn.begin_nested():
                    new = conn.execute(db.partners.insert().values(
                        name=name, api_client_id=api_client_id, base_url=base_url.rstrip("/"),
                        client_id=client_id, client_secret=client_secret, created_at=db.now()))
            except IntegrityError:
                raise ServiceError(f"partner '{name}' or API client '{api_client_id}' has a partner already") \
                    from None
            self._log(conn, None, "partner added", None, f"{name}: {base_url} (API client {api_client_id})")
        return int(new.inserted_primary_key[0])

    def partner_of(self, api_client_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.partners).where(db.partners.c.api_client_id == api_client_id)).first()
        return None if row is None else dict(row._mapping)

    def requests(self, limit: int = 200) -> list[dict]:
        """Received PCF requests (RequestCreated events), newest first, each with its partner and answers."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.events).where(db.events.c.type.like("%.RequestCreatedEvent.%"))
                                .order_by(db.events.c.seq.desc()).limit(limit)).all()
            answers = conn.execute(select(db.answers).where(db.answers.c.request_seq.in_([r.seq for r in rows]))
                                   .order_by(db.answers.c.id)).all()
            partners = {r.api_client_id: r.name for r in conn.execute(select(db.partners.c.api_client_id,
                                                                               db.partners.c.name))}
        by_request: dict[int, list] = {}
        for answer in answers:
            by_request.setdefault(answer.request_seq, []).append({**dict(answer._mapping),
                                                                  "body": json.loads(answer.body)})
        return [{**dict(r._mapping), "body": json.loads(r.body), "partner": partners.get(r.client_id),
                 "answers": by_request.get(r.seq, []),
                 "answered": any(a["status"] == "sent" for a in by_request.get(r.seq, []))} for r in rows]

    def answered(self, request_seq: int) -> bool:
        """Whether an answer to the PCF request `request_seq` was delivered (an answer with status sent)."""
        with self.engine.connect() as conn:
            return conn.execute(select(db.answers.c.id).where(db.answers.c.request_seq == request_seq,
                                                              db.answers.c.status == "sent").limit(1)).first() \
                is not None

    def record_answer(self, request_seq: int, event: dict, *, status: str, detail: str, user: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(db.answers.insert().values(request_seq=request_seq, type=event["type"],
                                                    body=json.dumps(event, ensure_ascii=False), status=status,
                                                    detail=detail[:2000], sent_at=db.now(), sent_by=user))
            self._log(conn, user, f"event {status}", None,
                      f"{event['type'].split('.')[-2]} {event['id']} for request {request_seq}: {detail}")

    def events(self, limit: int = 100) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.events).order_by(db.events.c.seq.desc()).limit(limit)).all()
        return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------------------------------- jobs
    def new_job(self, owner: str | None, *, kind: str = "result", problems: list[dict] | None = None) -> str:
        job_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(db.jobs.insert().values(id=job_id, status="queued", kind=kind, step="queued", owner=owner,
                                                 problems=json.dumps(problems or []), updated_at=time.time()))
        return job_id

    def update_job(self, job_id: str, **values) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(db.jobs).where(db.jobs.c.id == job_id).values(updated_at=time.time(), **values))

    def job(self, job_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.jobs).where(db.jobs.c.id == job_id)).first()
        return {**dict(row._mapping), "problems": json.loads(row.problems)} if row else None

    # ------------------------------------------------------------------------------------------- audit log
    def log(self, user: str | None, action: str, detail: str, result_id: int | None = None) -> None:
        with self.engine.begin() as conn:
            self._log(conn, user, action, result_id, detail)

    @staticmethod
    def _log(conn, user, action, result_id, detail) -> None:
        conn.execute(db.audit_log.insert().values(at=db.now(), actor=user or "-", action=action, result_id=result_id,
                                                  detail=detail[:2000]))

    def audit_log(self, limit: int = 200) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.audit_log).order_by(db.audit_log.c.id.desc()).limit(limit)).all()
        return [dict(r._mapping) for r in rows]
