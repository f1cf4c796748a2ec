"""The PACT v3 API for stored footprints (written from the PACT Technical Specifications v3.0; the specification
is not part of pcf): the OAuth2 client-credentials token endpoint, ListFootprints with filtering and pagination,
GetFootprint and the Events endpoint, with the specification's error bodies `{"code", "message"}`.

Error codes (the v3 `Error.code` enum): BadRequest 400, TokenExpired 401, AccessDenied 403 (no, unknown or
revoked token, or a scope the client lacks), NotFound 404, InternalError 500. The token endpoint answers as
RFC 6749 section 5.2 says (`{"error": "invalid_client"}` ...), since it is OAuth2's, not PACT's.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
import uuid
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..pact import is_rfc3339_date_time
from .service import Client, WebService

DEFAULT_PAGE = 100  # footprints per page when the recipient gives no limit
MAX_PAGE = 1000
LIST_FILTERS = ("productid", "companyid", "geography", "classification", "validon", "validafter", "validbefore",
                "status")
EVENT_TYPES = {
    "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3": "request_created",
    "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3": "request_fulfilled",
    "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3": "request_rejected",
    "org.wbcsd.pact.ProductFootprint.PublishedEvent.3": "published",
}
ERROR_CODES = ("BadRequest", "AccessDenied", "TokenExpired", "NotFound", "InternalError", "NotImplemented")
MAX_EVENT_BYTES = 5 * 1024 * 1024


class ApiError(Exception):
    """An error answered with the PACT Error body."""

    def __init__(self, status: int, code: str, message: str):
        assert code in ERROR_CODES
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token", error_description="token expired"'
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="pcf"'} if status == 401 else {}
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


# ------------------------------------------------------------------------------------------- filtering
def _parse_time(name: str, value: str) -> _dt.datetime:
    if not is_rfc3339_date_time(value):
        raise ApiError(400, "BadRequest", f"{name} must be an RFC 3339 date-time such as 2025-04-01T00:00:00Z")
    return _dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


def _time(value) -> _dt.datetime | None:
    if not isinstance(value, str) or not is_rfc3339_date_time(value):
        return None
    moment = _dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)


def validity_period(document: dict) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """(start, end) of a footprint's validity: validityPeriodStart/End, else from the end of the reference period
    for 3 years (the specification's default)."""
    pcf = document.get("pcf") or {}
    reference_end = _time(pcf.get("referencePeriodEnd"))
    start = _time(document.get("validityPeriodStart")) or reference_end
    end = _time(document.get("validityPeriodEnd"))
    if end is None and reference_end is not None:
        try:
            end = reference_end.replace(year=reference_end.year + 3)
        except ValueError:  # 29 February
            end = reference_end.replace(year=reference_end.year + 3, day=28)
    return start, end


def _lower(values) -> set[str]:
    return {str(v).lower() for v in values or ()}


def matches(document: dict, criteria: dict) -> bool:
    """Whether a footprint meets every criterion (OR within one criterion, AND across them; texts compared
    case-insensitively), as the specification's filtering section describes."""
    pcf = document.get("pcf") or {}
    if criteria.get("productid") and not _lower(document.get("productIds")) & _lower(criteria["productid"]):
        return False
    if criteria.get("companyid") and not _lower(document.get("companyIds")) & _lower(criteria["companyid"]):
        return False
    if criteria.get("classification") and not (_lower(document.get("productClassifications"))
                                               & _lower(criteria["classification"])):
        return False
    if criteria.get("geography"):
        places = _lower(v for v in (pcf.get("geographyCountry"), pcf.get("geographyRegionOrSubregion"),
                                    pcf.get("geographyCountrySubdivision")) if v)
        if not places & _lower(criteria["geography"]):
            return False
    if criteria.get("status") and str(document.get("status", "")).lower() != criteria["status"].lower():
        return False
    start, end = validity_period(document)
    if "validon" in criteria and not (start and end and start <= criteria["validon"] <= end):
        return False
    if "validafter" in criteria and not (start and start > criteria["validafter"]):
        return False
    if "validbefore" in criteria and not (end and end < criteria["validbefore"]):
        return False
    return True


def visible(document: dict, access: dict | None) -> bool:
    """Whether a client limited to `access` ({"company", "product"} URN sets; None: all) may see a footprint: one
    of its companyIds or productIds is among them (case-insensitive)."""
    if access is None:
        return True
    return bool(_lower(document.get("companyIds")) & access["company"]
                or _lower(document.get("productIds")) & access["product"])


def list_criteria(query: list[tuple[str, str]]) -> tuple[dict, int | None, int]:
    """(criteria, limit, offset) from a query string's pairs; parameter names are case-insensitive (as in the
    specification's example); `x-...` parameters of other hosts are ignored; anything else is a BadRequest."""
    criteria: dict = {}
    limit, offset = None, 0
    for raw_name, value in query:
        name = raw_name.lower()
        if name in ("productid", "companyid", "geography", "classification"):
            criteria.setdefault(name, []).append(value)
        elif name in ("validon", "validafter", "validbefore"):
            if name in criteria:
                raise ApiError(400, "BadRequest", f"{raw_name} given twice")
            criteria[name] = _parse_time(raw_name, value)
        elif name == "status":
            if value.lower() not in ("active", "deprecated"):
                raise ApiError(400, "BadRequest", "status must be Active or Deprecated")
            criteria[name] = value
        elif name in ("limit", "offset"):
            if not re.fullmatch(r"\d{1,9}", value):
                raise ApiError(400, "BadRequest", f"{name} must be a non-negative integer")
            if name == "limit":
                limit = int(value)
            else:
                offset = int(value)
        elif name.startswith("x-"):
            continue
        else:
            raise ApiError(400, "BadRequest", f"unknown query parameter '{raw_name[:40]}'")
    return criteria, limit, offset


# ------------------------------------------------------------------------------------------- events
def check_event(event) -> str:
    """The kind of a valid PACT v3 CloudEvent, or ApiError(400) naming what is wrong."""

    def bad(message: str):
        raise ApiError(400, "BadRequest", message)

    if not isinstance(event, dict):
        bad("the event must be a JSON object")
    for name in ("type", "specversion", "id", "source", "time", "data"):
        if name not in event:
            bad(f"the event lacks '{name}'")
    for name in ("type", "specversion", "id", "source", "time"):
        if not isinstance(event[name], str) or not event[name]:
            bad(f"'{name}' must be a non-empty string")
    if event["specversion"] != "1.0":
        bad("specversion must be '1.0' (CloudEvents 1.0)")
    if not is_rfc3339_date_time(event["time"]):
        bad("time must be an RFC 3339 date-time")
    kind = EVENT_TYPES.get(event["type"])
    if kind is None:
        bad(f"unknown event type '{event['type'][:80]}'")
    data = event["data"]
    if not isinstance(data, dict):
        bad("data must be an object")

    def uuids(values, where):
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            bad(f"{where} must be a list of UUID strings")
        for value in values:
            try:
                uuid.UUID(value)
            except ValueError:
                bad(f"{where}: '{value[:40]}' is not a UUID")

    if kind == "published":
        if "pfIds" in data:
            uuids(data["pfIds"], "data.pfIds")
    elif kind == "request_created":
        for name in ("productId", "companyId", "geography", "classification"):
            if name in data and (not isinstance(data[name], list)
                                 or not all(isinstance(v, str) for v in data[name])):
                bad(f"data.{name} must be a list of strings")
        for name in ("productId", "companyId", "classification"):
            for value in data.get(name) or []:
                if not value.lower().startswith("urn:"):
                    bad(f"data.{name}: '{value[:40]}' is not a URN")
        for name in ("validOn", "validAfter", "validBefore"):
            if name in data and not (isinstance(data[name], str) and is_rfc3339_date_time(data[name])):
                bad(f"data.{name} must be an RFC 3339 date-time")
        if "status" in data and data["status"] not in ("Active", "Deprecated"):
            bad("data.status must be Active or Deprecated")
        if "comment" in data and not isinstance(data["comment"], str):
            bad("data.comment must be a string")
    else:
        if not isinstance(data.get("requestEventId"), str):
            bad("data.requestEventId must be a string")
        if kind == "request_fulfilled":
            pfs = data.get("pfs")
            if not isinstance(pfs, list) or not pfs:
                bad("data.pfs must be a non-empty list of ProductFootprints")
            for number, pf in enumerate(pfs):
                if not isinstance(pf, dict) or not isinstance(pf.get("pcf"), dict):
                    bad(f"data.pfs[{number}] is not a ProductFootprint")
                uuids([pf.get("id")] if isinstance(pf.get("id"), str) else [None], f"data.pfs[{number}].id")
        else:
            error = data.get("error")
            if not isinstance(error, dict) or error.get("code") not in ERROR_CODES \
                    or not isinstance(error.get("message"), str):
                bad(f"data.error must be {{code, message}} with code one of {', '.join(ERROR_CODES)}")
    return kind


# ------------------------------------------------------------------------------------------- routes
def router(service: WebService) -> APIRouter:
    api = APIRouter()

    def client_of(request: Request, scope: str) -> Client:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(403, "AccessDenied", "a bearer access token from /auth/token is required")
        state, client = service.token_client(token.strip())
        if state == "expired":
            raise ApiError(401, "TokenExpired", "the access token has expired: request a new one from /auth/token")
        if client is None:
            raise ApiError(403, "AccessDenied", "the access token is invalid")
        if scope not in client.scopes:
            raise ApiError(403, "AccessDenied", f"the client is not granted '{scope}'")
        return client

    @api.post("/auth/token")
    async def token(request: Request):
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded:
            return _oauth_error(401, "invalid_client", "HTTP Basic client authentication is required")
        try:
            client_id, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return _oauth_error(400, "invalid_request", "the Authorization header is not valid Basic credentials")
        if not sep:
            return _oauth_error(400, "invalid_request", "Basic credentials must be client_id:client_secret")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/x-www-form-urlencoded":
            return _oauth_error(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        body = await request.body()
        if len(body) > 4096:
            return _oauth_error(400, "invalid_request", "request body too large")
        try:
            form = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            return _oauth_error(400, "invalid_request", "the body is not a form")
        grant = form.get("grant_type", [])
        if len(grant) != 1:
            return _oauth_error(400, "invalid_request", "grant_type is required once")
        if grant[0] != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
        client = await run_in_threadpool(service.authenticate_client, client_id, secret)  # scrypt: off the loop
        if client is None:
            return _oauth_error(401, "invalid_client", "unknown client or wrong secret")
        scopes = client.scopes
        if form.get("scope"):
            asked = tuple(form["scope"][0].split())
            if set(asked) - set(client.scopes):
                return _oauth_error(400, "invalid_scope", "a requested scope is not granted to this client")
            scopes = asked
        access = await run_in_threadpool(service.issue_token, Client(client.client_id, client.name, scopes))
        return JSONResponse({"access_token": access, "token_type": "bearer", "expires_in": 3600,
                             "scope": " ".join(scopes)}, headers={"Pragma": "no-cache"})

    @api.get("/3/footprints")
    def list_footprints(request: Request):
        client = client_of(request, "footprint:list")
        criteria, limit, offset = list_criteria(list(request.query_params.multi_items()))
        page = min(limit if limit is not None else DEFAULT_PAGE, MAX_PAGE)
        access = service.client_access(client.client_id)
        chosen = [document for _seq, document in service.footprint_documents()
                  if visible(document, access) and matches(document, criteria)]
        data = chosen[offset:offset + page]
        headers = {}
        if offset + page < len(chosen):  # limit=0 returns none; its link asks for a page of DEFAULT_PAGE
            pairs = [(k, v) for k, v in request.query_params.multi_items() if k.lower() not in ("limit", "offset")]
            pairs += [("limit", str(page or DEFAULT_PAGE)), ("offset", str(offset + page))]
            host = request.headers.get("host") or request.url.netloc
            headers["Link"] = f'<{request.url.scheme}://{host}/3/footprints?{urlencode(pairs)}>; rel="next"'
        return JSONResponse({"data": data}, headers=headers)

    @api.get("/3/footprints/{pf_id}")
    def get_footprint(pf_id: str, request: Request):
        client = client_of(request, "footprint:read")
        try:
            key = str(uuid.UUID(pf_id))
        except ValueError:
            raise ApiError(400, "BadRequest", "the footprint id must be a UUID") from None
        document = service.footprint_document(key)
        if document is None:
            raise ApiError(404, "NotFound", "The requested footprint could not be found.")
        if not visible(document, service.client_access(client.client_id)):
            # the specification: "If it determines that a data recipient is not allowed to access the requested
            # ProductFootprint, the host system MUST return a 403 Forbidden response."
            raise ApiError(403, "AccessDenied", "this client is not granted access to the requested footprint")
        return JSONResponse({"data": document})

    @api.post("/3/events")
    async def post_event(request: Request):
        client = await run_in_threadpool(client_of, request, "events:write")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ("application/cloudevents+json", "application/json"):
            raise ApiError(400, "BadRequest", "the event must be sent as application/cloudevents+json")
        body = await request.body()
        if len(body) > MAX_EVENT_BYTES:
            raise ApiError(400, "BadRequest", "event larger than 5 MB")
        try:
            event = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "BadRequest", "the body is not JSON") from None
        check_event(event)
        await run_in_threadpool(service.add_event, event, client.client_id)  # a repeated (source, id) is accepted once (idempotent)
        return Response(status_code=200)

    return api
