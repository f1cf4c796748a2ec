"""Answering PCF requests (PACT v3 events) as the data owner, over real HTTP between two pcf applications on
loopback: B (the requester) POSTs a RequestCreatedEvent to A; a sales engineer at A fulfils it with a stored
footprint or rejects it on the "PCF requests" page; A obtains a token from B's /auth/token with the credentials
configured for that partner and POSTs the RequestFulfilledEvent / RequestRejectedEvent to B's /3/events, where B
stores it. The bodies B received are validated against the specification's event schemas (../shared/pact/v3;
that part skips with the reason when the specification is absent). No mocks."""

from __future__ import annotations

import contextlib
import json
from types import SimpleNamespace

import httpx
import pytest

from web_support import (OPENAPI, Server, client_token, loaded, make_app, openapi, post_event,  # noqa: F401
                         request_created_event, sign_in, upload)
from report_helpers import NO_SPEC

TINY_BOM = """\
schema_version: 1
machine: {id: tiny-1, name: Tiny test machine, manufacturer: Example Maker Co., country: CN, reference_year: 2024}
items:
  - {kind: part, id: frame, name: frame, material: steel_hot_rolled, mass_kg: 2.0, quantity: 1}
"""


@contextlib.contextmanager
def _owner_and_requester(loaded, tmp_path, partner: str, *, partner_secret: str | None = None):
    """Maker A and requester B, each app served on loopback, with a signed-in sales engineer at A. B has given A
    credentials for its events endpoint (A stores `partner_secret` for them when given, else the right one); A has
    given B an API client (a_id, a_secret) and names B its partner `partner`."""
    owner = make_app(f"sqlite:///{tmp_path}/a.sqlite", loaded, tmp_path / "a")
    requester = make_app(f"sqlite:///{tmp_path}/b.sqlite", loaded, tmp_path / "b")
    a_service, b_service = owner.state.service, requester.state.service
    with Server(owner) as a, Server(requester) as b, httpx.Client(base_url=a.url, timeout=60) as engineer:
        b_id, b_secret = b_service.add_client("owner A", ("events:write",))
        a_id, a_secret = a_service.add_client(partner)
        a_service.add_partner(partner, api_client_id=a_id, base_url=b.url, client_id=b_id,
                              client_secret=b_secret if partner_secret is None else partner_secret)
        yield SimpleNamespace(a=a, b=b, a_service=a_service, b_service=b_service, engineer=engineer,
                              a_id=a_id, a_secret=a_secret, b_id=b_id, csrf=sign_in(engineer, a_service))


def _validate(event: dict, schema_name: str) -> None:
    from jsonschema import Draft202012Validator

    from pcf.pact import _format_checker

    document = openapi()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              **document["components"]["schemas"][schema_name], "components": document["components"]}
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft202012Validator(schema, format_checker=_format_checker()).iter_errors(event)]
    assert errors == [], errors[:5]


def test_a_request_is_fulfilled_and_another_rejected_over_http(loaded, tmp_path):  # noqa: F811
    # B gives A credentials for its events endpoint; A gives B an API client and names B its partner
    with _owner_and_requester(loaded, tmp_path, "Customer B") as s:
        a, a_service, b_service, engineer, csrf = s.a, s.a_service, s.b_service, s.engineer, s.csrf
        a_id, a_secret, b_id = s.a_id, s.a_secret, s.b_id
        # the sales engineer computes a footprint
        state = upload(engineer, csrf, "tiny.yaml", TINY_BOM.encode())
        assert state["status"] == "done", state
        stored = a_service.result(int(state["next"].rsplit("/", 1)[1]))
        footprint = stored["footprint"]["document"]
        # B requests it (and a product A does not make) through A's API
        token = client_token(a.url, a_id, a_secret)
        wanted = request_created_event(footprint["productIds"])
        unknown = request_created_event(["urn:pact:example:product:x"])
        for event in (wanted, unknown):
            assert post_event(a.url, token, event).status_code == 200
        page = engineer.get("/requests").text
        assert "Request" in page and "meets the criteria" in page and "Customer B" in page
        seqs = {r["event_id"]: r["seq"] for r in a_service.requests()}
        # fulfil the first with the stored footprint
        response = engineer.post(f"/requests/{seqs[wanted['id']]}/fulfil",
                                 data={"csrf_token": csrf, "pf": footprint["id"]}, follow_redirects=False)
        assert response.status_code == 303, response.text[:2000]
        # reject the second
        response = engineer.post(f"/requests/{seqs[unknown['id']]}/reject", follow_redirects=False,
                                 data={"csrf_token": csrf, "code": "NotFound",
                                       "message": "We make no product with this id."})
        assert response.status_code == 303, response.text[:2000]
        # one answer per request: a second one is refused
        again = engineer.post(f"/requests/{seqs[wanted['id']]}/reject",
                              data={"csrf_token": csrf, "code": "NotFound", "message": "x"})
        assert again.status_code == 409 and "answered already" in again.text
    received = {e["type"].split(".")[-2]: e for e in b_service.events(10)}
    assert set(received) == {"RequestFulfilledEvent", "RequestRejectedEvent"}
    assert {e["client_id"] for e in received.values()} == {b_id}  # sent with the token B issued to A
    fulfilled = json.loads(received["RequestFulfilledEvent"]["body"])
    rejected = json.loads(received["RequestRejectedEvent"]["body"])
    assert fulfilled["data"]["requestEventId"] == wanted["id"]
    assert [pf["id"] for pf in fulfilled["data"]["pfs"]] == [footprint["id"]]
    assert fulfilled["data"]["pfs"][0] == footprint
    assert fulfilled["source"] == f"//127.0.0.1:{a.port}/3/events" and fulfilled["specversion"] == "1.0"
    assert rejected["data"] == {"requestEventId": unknown["id"],
                                "error": {"code": "NotFound", "message": "We make no product with this id."}}
    answers = [x for r in a_service.requests() for x in r["answers"]]
    assert sorted(x["status"] for x in answers) == ["sent", "sent"]
    if not OPENAPI.is_file():
        pytest.skip(NO_SPEC + " (the sent events were checked above; not validated against the schema)")
    _validate(fulfilled, "RequestFulfilledEvent")
    _validate(rejected, "RequestRejectedEvent")
    _validate(wanted, "RequestCreatedEvent")


def test_an_answer_that_cannot_be_delivered_is_recorded_and_leaves_the_request_open(loaded, tmp_path):  # noqa: F811
    with _owner_and_requester(loaded, tmp_path, "Customer C", partner_secret="not the secret") as s:
        a, a_service, b_service, engineer, csrf = s.a, s.a_service, s.b_service, s.engineer, s.csrf
        a_id, a_secret = s.a_id, s.a_secret
        event = request_created_event(["urn:pact:example:product:y"])
        assert post_event(a.url, client_token(a.url, a_id, a_secret), event).status_code == 200
        seq = a_service.requests()[0]["seq"]
        response = engineer.post(f"/requests/{seq}/reject", data={"csrf_token": csrf, "code": "NotFound",
                                                                  "message": "unknown product"})
        assert response.status_code == 502 and "auth/token answered 401" in response.text
        assert b_service.events(10) == []
        row = a_service.requests()[0]
        assert not row["answered"] and row["answers"][0]["status"] == "failed"
        # a request from a client with no partner cannot be answered, and says why
        lone_id, lone_secret = a_service.add_client("customer D")
        assert post_event(a.url, client_token(a.url, lone_id, lone_secret),
                          request_created_event(["urn:pact:example:product:z"])).status_code == 200
        lone = a_service.requests()[0]["seq"]
        response = engineer.post(f"/requests/{lone}/reject", data={"csrf_token": csrf, "code": "NotFound",
                                                                   "message": "x"})
        assert response.status_code == 409 and "no API partner is configured" in response.text
    from pcf.web.service import ServiceError

    with pytest.raises(ServiceError, match="invalid partner base URL"):
        a_service.add_partner("Bad", api_client_id=lone_id, base_url="file:///etc/passwd", client_id="x",
                              client_secret="y")


def test_answers_that_cannot_be_made_are_refused():
    from pcf.web.events_out import EventSendError, fulfilled_event, rejected_event, send

    request = request_created_event(["urn:pact:example:product:y"])
    with pytest.raises(EventSendError, match="at least one footprint"):
        fulfilled_event(request, [], "//a/3/events")
    with pytest.raises(EventSendError, match="unknown error code"):
        rejected_event(request, "TokenExpired", "x", "//a/3/events")
    with pytest.raises(EventSendError, match="give the requester a reason"):
        rejected_event(request, "NotFound", "  ", "//a/3/events")
    event = rejected_event(request, "NotFound", "no such product", "//a/3/events")
    assert event["data"]["requestEventId"] == request["id"] and event["type"].endswith("RequestRejectedEvent.3")
    with pytest.raises(EventSendError, match="cannot reach http://127.0.0.1:9/auth/token"):
        send({"base_url": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y"}, event)
