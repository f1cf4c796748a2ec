"""The web store on SQLite and on a real PostgreSQL server ($PCF_TEST_POSTGRES_DSN, started by .ci/run; skipped
without it unless $PCF_REQUIRE_POSTGRES is set): migrations, compatibility with the results store, concurrent
writers (nothing lost, nothing twice), and the whole page/API flow over PostgreSQL."""

from __future__ import annotations

import json
import os
import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from web_support import SMALL_BOM, DRIVE_V1, bearer, loaded, make_app, require, sign_in, upload  # noqa: F401

DSN = os.environ.get("PCF_TEST_POSTGRES_DSN", "")
NO_POSTGRES = "no PostgreSQL server: set PCF_TEST_POSTGRES_DSN (.ci/run starts one)"


def _postgres_missing() -> str | None:
    """Why the PostgreSQL tests cannot run here (None when they can)."""
    if not DSN:
        return NO_POSTGRES
    try:
        import psycopg

        psycopg.connect(DSN, connect_timeout=3).close()
    except Exception as exc:  # the reason is reported as the skip reason (or raised under PCF_REQUIRE_POSTGRES)
        return f"PostgreSQL at PCF_TEST_POSTGRES_DSN={DSN!r} is not reachable: {exc!r}"
    return None


POSTGRES_MISSING = _postgres_missing()
HAVE_POSTGRES = POSTGRES_MISSING is None
if require("PCF_REQUIRE_POSTGRES") and not HAVE_POSTGRES:
    raise RuntimeError(f"PCF_REQUIRE_POSTGRES is set but the PostgreSQL tests cannot run: {POSTGRES_MISSING}")
needs_postgres = pytest.mark.skipif(not HAVE_POSTGRES, reason=POSTGRES_MISSING or "")


@pytest.fixture
def postgres_url():
    """A fresh database on the test server, dropped afterwards."""
    if not HAVE_POSTGRES:
        pytest.skip(POSTGRES_MISSING)
    import psycopg

    name = f"pcf_web_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _db = DSN.rsplit("/", 1)
    yield f"{base}/{name}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite"
    return request.getfixturevalue("postgres_url")


def test_engine_urls_and_redaction():
    from pcf.web.db import DatabaseError, _redact, engine_url

    assert engine_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert engine_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
    assert engine_url("results.sqlite").startswith("sqlite:////")
    with pytest.raises(DatabaseError, match="unsupported store URL scheme"):
        engine_url("mysql://h/db")
    assert _redact("postgresql://user:secret@host/db") == "postgresql://user:***@host/db"


def test_migrations_are_recorded_and_idempotent(store_url):
    from sqlalchemy import select

    from pcf.web import db

    engine = db.open_database(store_url)
    with engine.connect() as conn:
        versions = [r[0] for r in conn.execute(select(db.migrations.c.version))]
    assert versions == [m.version for m in db.MIGRATIONS]
    assert db.migrate(engine) == []  # nothing left to apply
    with engine.begin() as conn:  # a store written by a newer pcf is refused
        conn.execute(db.migrations.insert().values(version=999, applied_at=db.now(), description="future"))
    with pytest.raises(db.DatabaseError, match="newer than this pcf"):
        db.open_database(store_url)


def test_an_existing_results_store_is_kept(tmp_path):
    """A store of `pcf footprint --save` becomes a web store without losing a result, and stays readable by it."""
    from pcf.store import ResultStore
    from pcf.web.db import open_database
    from pcf.web.service import WebService

    path = tmp_path / "pcf-results.sqlite"
    document = {"functional_unit": {"machine_id": "m1", "model": "M"}, "total_kg_co2e": 12.5,
                "by_stage": {"production": 12.5}, "by_module": {}, "by_material": {}, "data_versions": {}}
    old_id = ResultStore(path).save(document, label="cli")
    service = WebService(open_database(f"sqlite:///{path}"), tmp_path / "files")
    assert [r["id"] for r in service.results()] == [old_id]
    assert ResultStore(path, create=False).get(old_id).document["total_kg_co2e"] == 12.5
    assert ResultStore(path).check() == []


def test_concurrent_writers_lose_nothing(store_url, tmp_path):
    """20 threads save results and add versions of one model at once: every result is stored exactly once and
    the versions are numbered 1..20 without a gap or a repeat."""
    from pcf.web.db import open_database
    from pcf.web.service import WebService

    service = WebService(open_database(store_url), tmp_path / "files")
    digest = service.put_file(SMALL_BOM.encode(), "small.yaml")
    errors, ids, versions = [], [], []
    lock = threading.Lock()

    def work(number: int):
        try:
            document = {"functional_unit": {"machine_id": f"m{number}"}, "total_kg_co2e": float(number),
                        "by_stage": {"production": float(number)}, "by_module": {"X": float(number)},
                        "by_material": {}, "data_versions": {}}
            result_id = service.save_result(document, file_sha256=digest, filename="small.yaml", options={},
                                            modules=[], model_version_id=None, footprint=None, user="t")
            _model, version = service.add_model_version("shared model", digest, "small.yaml", user="t")
            with lock:
                ids.append(result_id)
                versions.append(version)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 20 and sorted(versions) == list(range(1, 21))
    totals = sorted(r["total_kg_co2e"] for r in service.results(limit=100))
    assert totals == [float(n) for n in range(1, 21)]


@needs_postgres
def test_the_whole_flow_on_postgresql(postgres_url, loaded, tmp_path):  # noqa: F811
    """Sign in, store a shared module, upload a BOM, compute, serve its footprint through the PACT API - on
    PostgreSQL."""
    app = make_app(postgres_url, loaded, tmp_path)
    with TestClient(app) as client:
        service = app.state.service
        assert service.engine.dialect.name == "postgresql"
        csrf = sign_in(client, service)
        assert client.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V1},
                           follow_redirects=False).status_code == 303
        state = upload(client, csrf, "small.yaml", SMALL_BOM.encode())
        assert state["status"] == "done", state
        stored = service.result(int(state["next"].rsplit("/", 1)[1]))
        by_stage = stored["document"]["by_stage"]
        assert sum(by_stage.values()) == pytest.approx(stored["total_kg_co2e"], rel=1e-9)
        headers = bearer(client, service)
        listed = client.get("/3/footprints", headers=headers).json()["data"]
        assert [f["id"] for f in listed] == [stored["footprint"]["id"]]
        assert json.loads(json.dumps(listed[0]))["pcf"]["declaredUnitOfMeasurement"] == "piece"


def test_serve_commands_create_accounts(tmp_path, monkeypatch, capsys):
    """`pcf serve --add-user / --add-client` on the default store (./pcf-results.sqlite) create hashed accounts."""
    from pcf.cli import main
    from pcf.web.db import open_database
    from pcf.web.service import WebService

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PCF_STORE", raising=False)
    monkeypatch.delenv("PCF_DATABASE_URL", raising=False)
    monkeypatch.setenv("PCF_WEB_PASSWORD", "correct horse battery staple")
    assert main(["serve", "--add-user", "carol", "--add-client", "ERP"]) == 0
    out = capsys.readouterr().out
    client_id = out.split("client_id ")[1].split()[0]
    secret = out.split("client_secret ")[1].split()[0]
    service = WebService(open_database(f"sqlite:///{tmp_path / 'pcf-results.sqlite'}"), tmp_path / "files")
    assert service.login("carol", "correct horse battery staple") is not None
    assert service.login("carol", "wrong password here") is None
    assert service.authenticate_client(client_id, secret).name == "ERP"
    monkeypatch.setenv("PCF_WEB_PASSWORD", "short")
    assert main(["serve", "--add-user", "dave"]) == 2  # a user error: one line, exit status 2
    assert "password too short" in capsys.readouterr().err


def test_serve_commands_limit_a_client_and_add_a_partner(tmp_path, monkeypatch, capsys):
    """`pcf serve --add-client NAME --access-company URN` limits the client; `--add-partner` ties it to the
    requester's host system with pcf's credentials there (from the environment, never the command line)."""
    from pcf.cli import main
    from pcf.web.db import open_database
    from pcf.web.service import WebService

    store = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert main(["serve", "--store", store, "--add-client", "Customer B", "--access-company",
                 "urn:pact:company:Maker", "--access-product", "urn:pact:product:fg-256p"]) == 0
    client_id = capsys.readouterr().out.split("client_id ")[1].split()[0]
    monkeypatch.setenv("PCF_PARTNER_CLIENT_ID", "pcf-at-b")
    monkeypatch.setenv("PCF_PARTNER_CLIENT_SECRET", "their secret for us")
    assert main(["serve", "--store", store, "--add-partner", "Customer B", "--partner-client", client_id,
                 "--partner-url", "https://pcf.customer-b.example"]) == 0
    service = WebService(open_database(store), tmp_path / "files")
    assert service.client_access(client_id) == {"company": {"urn:pact:company:maker"},
                                                "product": {"urn:pact:product:fg-256p"}}
    partner = service.partner_of(client_id)
    assert partner["base_url"] == "https://pcf.customer-b.example" and partner["client_id"] == "pcf-at-b"
    assert main(["serve", "--store", store, "--add-partner", "Other", "--partner-client", "nobody",
                 "--partner-url", "https://x.example"]) == 2
    assert "no API client 'nobody'" in capsys.readouterr().err
