"""Answering a PCF request (PACT v3 RequestCreatedEvent) as the data owner: the RequestFulfilledEvent (with the
chosen ProductFootprints) or the RequestRejectedEvent (with an Error), sent to the requester's host system.

As the specification's events section says: the event is a CloudEvent 1.0 in structured mode
(`application/cloudevents+json`), POSTed to the recipient's `/3/events` with a bearer token that pcf obtains from
the recipient's `/auth/token` (OAuth2 client credentials, HTTP Basic) with the credentials configured for that API
partner; one RequestFulfilled event per RequestCreated event, and a RequestRejected event when there are no
footprints to return. The recipient answers 200 when it accepts the event.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid

from ..errors import PcfError

FULFILLED = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
REJECT_CODES = ("BadRequest", "AccessDenied", "NotFound", "InternalError", "NotImplemented")
TIMEOUT_S = 20.0


class EventSendError(PcfError):
    """An event could not be delivered to the partner (the message says which step failed)."""


def _envelope(kind: str, source: str, data: dict) -> dict:
    return {"type": kind, "specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
            "time": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "data": data}


def fulfilled_event(request: dict, footprints: list[dict], source: str) -> dict:
    """The RequestFulfilledEvent answering `request` (a RequestCreatedEvent) with a non-empty list of footprints."""
    if not footprints:
        raise EventSendError("a RequestFulfilled event needs at least one footprint: reject the request instead")
    return _envelope(FULFILLED, source, {"requestEventId": request["id"], "pfs": footprints})


def rejected_event(request: dict, code: str, message: str, source: str) -> dict:
    """The RequestRejectedEvent answering `request` with the specification's Error {code, message}."""
    if code not in REJECT_CODES:
        raise EventSendError(f"unknown error code '{code[:40]}'", expected=", ".join(REJECT_CODES))
    if not message.strip():
        raise EventSendError("give the requester a reason (the error message)")
    return _envelope(REJECTED, source, {"requestEventId": request["id"],
                                        "error": {"code": code, "message": message.strip()[:2000]}})


def send(partner: dict, event: dict, *, client=None) -> str:
    """POST the event to the partner's `/3/events` with a token from its `/auth/token`; returns a one-line account
    of what happened, or raises EventSendError naming the step that failed. client: an httpx.Client (tests)."""
    import httpx

    base = partner["base_url"].rstrip("/")
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)
    try:
        try:
            token = client.post(f"{base}/auth/token", data={"grant_type": "client_credentials"},
                                auth=(partner["client_id"], partner["client_secret"]))
        except httpx.HTTPError as exc:
            raise EventSendError(f"cannot reach {base}/auth/token ({type(exc).__name__})") from None
        if token.status_code != 200:
            raise EventSendError(f"{base}/auth/token answered {token.status_code}: {token.text[:300]}")
        try:
            access = token.json()["access_token"]
        except (ValueError, KeyError, TypeError):
            raise EventSendError(f"{base}/auth/token gave no access_token") from None
        try:
            answer = client.post(f"{base}/3/events", content=json.dumps(event, ensure_ascii=False).encode(),
                                 headers={"Authorization": f"Bearer {access}",
                                          "Content-Type": "application/cloudevents+json"})
        except httpx.HTTPError as exc:
            raise EventSendError(f"cannot reach {base}/3/events ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise EventSendError(f"{base}/3/events answered {answer.status_code}: {answer.text[:300]}")
        return f"accepted by {base}/3/events (200)"
    finally:
        if own:
            client.close()
