"""Shared pieces of the web tests: the background loaded once per test session, an application over a fresh
store, signing in, a real uvicorn server on loopback, and the PACT v3 OpenAPI document (read from ../shared/pact
at test time only; its licence forbids copying it into pcf)."""

from __future__ import annotations

import base64
import copy
import functools
import json
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from report_helpers import NO_SPEC, PACT_SPEC

ROOT = Path(__file__).resolve().parents[1]
DEMO_BOM = ROOT / "bill_of_materials" / "formation_grading_machine.yaml"
PASSWORD = "correct horse battery staple"
OPENAPI = PACT_SPEC / "v3" / "openapi.yaml"
needs_spec = pytest.mark.skipif(not OPENAPI.is_file(), reason=NO_SPEC)

# a small machine whose footprint is checked by hand: 10 kg of one material plus a shared module
SMALL_BOM = """\
schema_version: 1
machine: {id: small-1, name: Small test machine, country: DE, declared_mass_kg: 12, reference_year: 2024}
items:
  - {kind: part, id: P1, name: frame plate, material: steel_cold_rolled, mass_kg: 10, quantity: 1}
  - {kind: ref, id: R1, ref: DRIVE, quantity: 1}
"""
DRIVE_V1 = """\
kind: assembly
id: DRIVE
name: shared drive module
children:
  - {kind: part, id: D1, name: motor housing, material: aluminium_sheet_cn, mass_kg: 1.0, quantity: 1}
"""
DRIVE_V2 = DRIVE_V1.replace("mass_kg: 1.0", "mass_kg: 2.0")


@pytest.fixture(scope="session")
def loaded():
    """The shipped background, compiled once for every web test."""
    from pcf.web.compute import load

    return load()


def make_app(store: str, loaded, tmp: Path, company: str | None = "pcf test maker"):
    from pcf.web.app import WebConfig, create_app

    return create_app(WebConfig(store=store, files_dir=tmp / "files", company=company), loaded=loaded)


def sign_in(client, service, username: str = "alice") -> str:
    """Create the user (once) and sign in; returns the session's CSRF token."""
    from pcf.web.service import ServiceError

    try:
        service.add_user(username, PASSWORD)
    except ServiceError as exc:  # the user exists already (signed in before); any other refusal is a failure
        if "exists" not in str(exc):
            raise
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def wait_job(client, location: str, timeout: float = 60.0) -> dict:
    """Poll a job until it is done or failed; returns its state."""
    job = location.rstrip("/").split("/jobs/")[1]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/jobs/{job}.json").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not finish in {timeout} s")


def upload(client, csrf: str, name: str, content: bytes, **fields) -> dict:
    response = client.post("/upload", data={"csrf_token": csrf, **fields},
                           files={"file": (name, content, "application/octet-stream")}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    return wait_job(client, response.headers["location"])


def basic(client_id: str, secret: str) -> dict:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}", "Content-Type": "application/x-www-form-urlencoded"}


def bearer(client, service, scopes=None) -> dict:
    from pcf.web.service import SCOPES

    client_id, secret = service.add_client("test client", tuple(scopes or SCOPES))
    response = client.post("/auth/token", content="grant_type=client_credentials", headers=basic(client_id, secret))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class Server:
    """A real uvicorn server for an application, on a free loopback port, in a thread."""

    def __init__(self, app):
        import uvicorn

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # a free port (uvicorn binds it again:
            probe.bind(("127.0.0.1", 0))                                   # a socket handed over to uvicorn gets
            self.port = probe.getsockname()[1]                             # no TCP_NODELAY, +40 ms per response)
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", backlog=512))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=20)


# ------------------------------------------------------------------------------------------- the PACT schema
@functools.lru_cache(maxsize=1)
def openapi() -> dict:
    """The parsed OpenAPI document (parsed once: do not modify it)."""
    import yaml

    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _resolve(document: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node and len(node) <= 2:
        parts = node["$ref"].lstrip("#/").split("/")
        target = document
        for part in parts:
            target = target[part]
        node = target
    return node


@functools.lru_cache(maxsize=32)
def response_validator(path: str, method: str, status: int):
    """A jsonschema validator for the body of one response of the PACT v3 API, as the OpenAPI document defines it
    (responses given as `$ref`s to response objects are followed to their content schema)."""
    from jsonschema import Draft202012Validator

    from pcf.pact import _format_checker

    document = openapi()
    response = _resolve(document, document["paths"][path][method]["responses"][str(status)])
    schema = response["content"]["application/json"]["schema"]
    full = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            "components": document["components"]}
    return Draft202012Validator(full, format_checker=_format_checker())


def assert_valid(validator, body) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors[:5]


def spec_event_examples() -> list[dict]:
    """The events of the specification: examples/pf-response-event.json and the JSON bodies of the HTTP examples
    of the event schemas (those written as valid JSON; the RequestFulfilledEvent example elides with '...')."""
    document = copy.deepcopy(openapi())
    out = [json.loads((PACT_SPEC / "v3" / "examples" / "pf-response-event.json").read_text())]
    for name in ("PublishedEvent", "RequestCreatedEvent", "RequestFulfilledEvent", "RequestRejectedEvent"):
        for example in document["components"]["schemas"][name].get("examples", []):
            body = example.split("\n\n", 1)[1].rsplit("```", 1)[0] if "\n\n" in example else ""
            try:
                out.append(json.loads(body))
            except json.JSONDecodeError:
                continue
    return out


def spec_footprints() -> list[dict]:
    """The example ProductFootprints of the specification (examples/example-*.json)."""
    return [json.loads(p.read_text()) for p in sorted((PACT_SPEC / "v3" / "examples").glob("example-*.json"))]


def require(env: str) -> bool:
    return os.environ.get(env, "") not in ("", "0")


def client_token(base: str, client_id: str, secret: str) -> str:
    """An access token from the server at `base` (POST /auth/token, client credentials over real HTTP)."""
    import httpx

    response = httpx.post(f"{base}/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def request_created_event(product_ids: list[str], source: str = "//customer-b.example/3/events",
                          comment: str = "PCF of the tiny machine, please") -> dict:
    """A PACT v3 RequestCreatedEvent for the given product ids, with a fresh id and the current time."""
    import datetime as _dt
    import uuid

    return {"type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "specversion": "1.0",
            "id": str(uuid.uuid4()), "source": source,
            "time": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": {"productId": product_ids, "comment": comment}}


def post_event(base: str, token: str, event: dict):
    """POST a CloudEvent to `base`/3/events with a bearer token; returns the httpx response."""
    import httpx

    return httpx.post(f"{base}/3/events", content=json.dumps(event),
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/cloudevents+json"})
