"""The PACT v3 API of `pcf serve`: the token endpoint, auth enforced, ListFootprints filtering and pagination,
GetFootprint, Events - driven with the specification's examples, every response checked against its schema."""

from __future__ import annotations

import copy
import json
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

from report_helpers import PACT_SPEC

from web_support import (SMALL_BOM, DRIVE_V1, assert_valid, basic, bearer, loaded, make_app, needs_spec,  # noqa: F401
                         response_validator, sign_in, spec_event_examples, spec_footprints, upload)

LIST, GET, EVENTS = "/3/footprints", "/3/footprints/{id}", "/3/events"


@pytest.fixture(scope="module")
def api(loaded, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("api")
    app = make_app(f"sqlite:///{tmp}/store.sqlite", loaded, tmp)
    with TestClient(app) as client:
        yield client, app.state.service


def _error(response, status: int, code: str, validate: bool = True, path: str = LIST, method: str = "get"):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body["message"]
    assert set(body) == {"code", "message"}
    if validate:
        assert_valid(response_validator(path, method, status), body)


# ------------------------------------------------------------------------------------------- token endpoint
def test_token_endpoint_client_credentials(api):
    client, service = api
    client_id, secret = service.add_client("acme")
    ok = client.post("/auth/token", content="grant_type=client_credentials", headers=basic(client_id, secret))
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and len(body["access_token"]) >= 40
    assert ok.headers["cache-control"] == "no-store"
    wrong = client.post("/auth/token", content="grant_type=client_credentials", headers=basic(client_id, "nope"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    unknown = client.post("/auth/token", content="grant_type=client_credentials", headers=basic("who", secret))
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    none = client.post("/auth/token", content="grant_type=client_credentials",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert none.status_code == 401 and none.json()["error"] == "invalid_client"
    grant = client.post("/auth/token", content="grant_type=password", headers=basic(client_id, secret))
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    missing = client.post("/auth/token", content="", headers=basic(client_id, secret))
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    json_body = client.post("/auth/token", json={"grant_type": "client_credentials"},
                            headers={"Authorization": basic(client_id, secret)["Authorization"]})
    assert json_body.status_code == 400 and json_body.json()["error"] == "invalid_request"


def test_secrets_are_stored_hashed(api):
    from sqlalchemy import select

    from pcf.web import db

    client, service = api
    client_id, secret = service.add_client("hashed")
    with service.engine.connect() as conn:
        stored = conn.execute(select(db.clients.c.secret_hash).where(db.clients.c.client_id == client_id)).scalar()
        tokens = [r[0] for r in conn.execute(select(db.tokens.c.token_sha256))]
    assert secret not in stored and stored.startswith("scrypt$")
    headers = bearer(client, service)
    assert headers["Authorization"].split()[1] not in tokens


# ------------------------------------------------------------------------------------------- auth enforced
@needs_spec
def test_auth_required_and_enforced(api):
    client, service = api
    for path in (LIST, "/3/footprints/" + str(uuid.uuid4())):
        _error(client.get(path), 403, "AccessDenied", path=LIST if path == LIST else GET)
        _error(client.get(path, headers={"Authorization": "Bearer not-a-token"}), 403, "AccessDenied",
               path=LIST if path == LIST else GET)
        _error(client.get(path, headers={"Authorization": "Basic eDp5"}), 403, "AccessDenied",
               path=LIST if path == LIST else GET)
    event = spec_event_examples()[0]
    _error(client.post(EVENTS, content=json.dumps(event), headers={"Content-Type": "application/cloudevents+json"}),
           403, "AccessDenied", path=EVENTS, method="post")
    # an expired token: 401 TokenExpired
    client_id, _secret = service.add_client("expiring")
    from pcf.web.service import Client, SCOPES

    expired = service.issue_token(Client(client_id, "expiring", SCOPES), seconds=-1)
    response = client.get(LIST, headers={"Authorization": f"Bearer {expired}"})
    _error(response, 401, "TokenExpired")
    assert "invalid_token" in response.headers["www-authenticate"]
    # a client without the scope
    limited = bearer(client, service, scopes=("footprint:read",))
    _error(client.get(LIST, headers=limited), 403, "AccessDenied")


# ------------------------------------------------------------------------------------------- footprints
@pytest.fixture(scope="module")
def examples(api):
    """The specification's example footprints, stored so the API serves them, plus a deprecated copy."""
    _client, service = api
    stored = []
    for document in spec_footprints():
        assert service.add_footprint(document)
        stored.append(document)
    deprecated = copy.deepcopy(stored[0])
    deprecated.update(id="0f7b3c2e-1d4a-4e8b-9c6f-5a2b1c3d4e5f", status="Deprecated")
    assert service.add_footprint(deprecated)
    stored.append(deprecated)
    assert not service.add_footprint(deprecated)  # the same id is stored once
    return stored


def _all(client, headers, query: str = "", limit: int | None = None) -> tuple[list[dict], int]:
    """Every footprint of a listing, following the Link headers; returns (footprints, pages)."""
    url = LIST + (f"?{query}" if query else "")
    if limit is not None:
        url += ("&" if "?" in url else "?") + f"limit={limit}"
    out, pages = [], 0
    validator = response_validator(LIST, "get", 200)
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        assert_valid(validator, response.json())
        data = response.json()["data"]
        if limit is not None:
            assert len(data) <= limit
        out += data
        pages += 1
        link = response.headers.get("link")
        if link:
            target, rel = link.split(";", 1)
            assert rel.strip() == 'rel="next"'
            parts = urlsplit(target.strip()[1:-1])
            assert parts.scheme in ("http", "https") and parts.netloc == "testserver"  # absolute, request's host
            url = f"{parts.path}?{parts.query}"
        else:
            url = None
    return out, pages


@needs_spec
def test_list_and_get_the_spec_examples(api, examples):
    client, service = api
    headers = bearer(client, service)
    listed, _pages = _all(client, headers)
    by_id = {f["id"]: f for f in listed}
    for document in examples:
        assert by_id[document["id"]] == document  # served as stored, deprecated ones included
        got = client.get(f"/3/footprints/{document['id']}", headers=headers)
        assert got.status_code == 200 and got.json() == {"data": document}
        assert_valid(response_validator(GET, "get", 200), got.json())
    _error(client.get(f"/3/footprints/{uuid.uuid4()}", headers=headers), 404, "NotFound", path=GET)
    _error(client.get("/3/footprints/not-a-uuid", headers=headers), 400, "BadRequest", path=GET)


@needs_spec
def test_pagination_is_consistent(api, examples):
    client, service = api
    headers = bearer(client, service)
    everything, pages = _all(client, headers)
    assert pages == 1
    for limit in (1, 2, 3):
        paged, pages = _all(client, headers, limit=limit)
        assert [f["id"] for f in paged] == [f["id"] for f in everything]  # nothing lost, nothing twice
        assert pages == -(-len(everything) // limit)
    # a pagination link can be called more than once, and keeps the filters
    first = client.get(f"{LIST}?status=Active&limit=1", headers=headers)
    link = first.headers["link"].split(";")[0].strip()[1:-1]
    query = dict(parse_qsl(urlsplit(link).query))
    assert query["status"] == "Active" and query["limit"] == "1"
    again = [client.get(link.replace("http://testserver", ""), headers=headers).json() for _ in range(2)]
    assert again[0] == again[1]
    # limit=0: no footprint, and a link to the first page
    none = client.get(f"{LIST}?limit=0", headers=headers)
    assert none.json() == {"data": []} and "offset=0" in none.headers["link"]


@needs_spec
def test_filters_follow_the_spec(api, examples):
    client, service = api
    headers = bearer(client, service)

    def ids(query: str) -> set[str]:
        return {f["id"] for f in _all(client, headers, query)[0]}

    spec = {f["id"]: f for f in examples}
    gtin = "urn:gtin:5268596541023"  # examples 3 and 4
    assert ids(f"productId={gtin}") == {i for i, f in spec.items() if gtin in f["productIds"]}
    # names and values are matched case-insensitively; values of one criterion are ORed
    both = ids(f"productid={gtin.upper()}&productId=urn:gtin:4712345060507")
    assert both == {i for i, f in spec.items() if {gtin, "urn:gtin:4712345060507"} & set(f["productIds"])}
    assert ids("geography=de-bw") == {"8b26f3b8-f5d9-4adf-8a11-02e05d273e58"}
    assert ids("geography=US&geography=US-TX") == {"f4b1225a-bd44-4c8e-861d-079e4e1dfd69",
                                                    "12345678-9abc-def0-1234-567812345678",
                                                    "0f7b3c2e-1d4a-4e8b-9c6f-5a2b1c3d4e5f"}
    # criteria are ANDed
    assert ids(f"productId={gtin}&geography=DE-BW") == {"8b26f3b8-f5d9-4adf-8a11-02e05d273e58"}
    assert ids("classification=urn:pact:productclassification:un-cpc:7892") == {
        "8b26f3b8-f5d9-4adf-8a11-02e05d273e58", "d5cba999-6a4b-4cbe-9e0a-6d8f27d1d191"}
    assert ids("companyId=urn:company:example:company2") == {"f4b1225a-bd44-4c8e-861d-079e4e1dfd69"}
    assert ids("status=Deprecated") == {"0f7b3c2e-1d4a-4e8b-9c6f-5a2b1c3d4e5f"}
    assert "0f7b3c2e-1d4a-4e8b-9c6f-5a2b1c3d4e5f" not in ids("status=active")
    # validity: every example is valid 2024-12-31 .. 2027-12-31
    assert set(spec) <= ids("validOn=2026-01-01T00:00:00Z")
    assert not set(spec) & ids("validOn=2028-06-01T00:00:00Z")
    assert not set(spec) & ids("validAfter=2025-01-01T00:00:00Z")
    assert set(spec) <= ids("validAfter=2024-12-30T00:00:00Z")
    assert set(spec) <= ids("validBefore=2028-01-01T00:00:00Z")
    assert ids("x-acme-invoice=1") == ids("")  # other hosts' x- parameters are ignored


@needs_spec
def test_malformed_list_requests(api, examples):
    client, service = api
    headers = bearer(client, service)
    for query in ("limit=-1", "limit=ten", "validOn=yesterday", "status=Retired", "$filter=x", "offset=1.5",
                  "validOn=2025-13-01T00:00:00Z"):
        _error(client.get(f"{LIST}?{query}", headers=headers), 400, "BadRequest")
    _error(client.get("/3/nothing", headers=headers), 404, "NotFound", validate=False)


# ------------------------------------------------------------------------------------------- events
@needs_spec
def test_events_of_the_spec_are_accepted_once(api):
    from jsonschema import Draft202012Validator

    from web_support import openapi

    client, service = api
    headers = {**bearer(client, service), "Content-Type": "application/cloudevents+json"}
    document = openapi()
    request_schema = document["paths"]["/3/events"]["post"]["requestBody"]["content"][
        "application/cloudevents+json"]["schema"]
    events = spec_event_examples()
    kinds = {e["type"].split(".")[-2] for e in events}
    assert {"PublishedEvent", "RequestCreatedEvent", "RequestRejectedEvent", "RequestFulfilledEvent"} <= kinds
    before = len(service.events(1000))
    for event in events:
        # the examples are valid against the event schema of the spec
        schema = {**request_schema, "components": document["components"]}
        assert not list(Draft202012Validator(schema).iter_errors(event)), event["type"]
        response = client.post(EVENTS, content=json.dumps(event), headers=headers)
        assert response.status_code == 200 and response.content == b""
        # sent again (a retry): accepted, stored once
        assert client.post(EVENTS, content=json.dumps(event), headers=headers).status_code == 200
    stored = service.events(1000)
    assert len(stored) - before == len({(e["source"], e["id"]) for e in events})


@needs_spec
def test_invalid_events_get_bad_request(api):
    client, service = api
    headers = {**bearer(client, service), "Content-Type": "application/cloudevents+json"}
    good = spec_event_examples()[0]
    broken = []
    for field in ("type", "specversion", "id", "source", "time", "data"):
        event = copy.deepcopy(good)
        del event[field]
        broken.append(event)
    broken.append({**copy.deepcopy(good), "type": "org.example.Unknown"})
    broken.append({**copy.deepcopy(good), "specversion": "0.3"})
    broken.append({**copy.deepcopy(good), "time": "yesterday"})
    published = next(e for e in spec_event_examples() if e["type"].endswith("PublishedEvent.3"))
    broken.append({**copy.deepcopy(published), "data": {"pfIds": ["not-a-uuid"]}})
    rejected = next(e for e in spec_event_examples() if e["type"].endswith("RejectedEvent.3"))
    broken.append({**copy.deepcopy(rejected), "data": {"requestEventId": "x", "error": {"code": "Oops",
                                                                                       "message": "m"}}})
    for event in broken:
        _error(client.post(EVENTS, content=json.dumps(event), headers=headers), 400, "BadRequest", path=EVENTS,
               method="post")
    _error(client.post(EVENTS, content=b"{not json", headers=headers), 400, "BadRequest", path=EVENTS,
           method="post")
    _error(client.post(EVENTS, content=json.dumps(good), headers={**headers, "Content-Type": "text/plain"}),
           400, "BadRequest", path=EVENTS, method="post")


# ------------------------------------------------------------------------------------------- computed footprints
@needs_spec
def test_computed_footprints_are_served_and_valid(api):
    """A BOM computed in the web app is served by the API; a recompute after a module change deprecates it."""
    from pcf import pact

    client, service = api
    csrf = sign_in(client, service)
    client.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V1})
    state = upload(client, csrf, "small.yaml", SMALL_BOM.encode(), model="small machine")
    assert state["status"] == "done", state
    result_id = int(state["next"].rsplit("/", 1)[1])
    stored = service.result(result_id)
    pf_id = stored["footprint"]["id"]
    headers = bearer(client, service)
    got = client.get(f"/3/footprints/{pf_id}", headers=headers).json()["data"]
    assert pact.validate(got, spec=PACT_SPEC) == []
    assert float(got["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(stored["total_kg_co2e"], rel=1e-6)
    assert client.get(f"/results/{result_id}/download/pact.json").json() == got
