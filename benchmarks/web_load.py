"""A bounded load on a running `pcf serve`: N clients x M requests on the PACT API (token, ListFootprints,
GetFootprint, Events), some clients also uploading a BOM through the pages and computing it. Used by
tests/test_web_load.py (no errors, nothing lost or stored twice) and benchmarks/bench_web.py (p50/p95, requests/s).

    python benchmarks/web_load.py http://127.0.0.1:8000 CLIENT_ID SECRET [--clients 50] [--requests 20]
                                  [--uploads uploads.json] [--json run.json]

Run it in its own process (as the test and the benchmark do): a load client in the server's process competes with
it for the interpreter lock and measures that, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field

import httpx


@dataclass
class LoadRun:
    """What a load run did: every request's latency (s), the failures, the events posted and the jobs started."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    events: set[tuple[str, str]] = field(default_factory=set)
    jobs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def summary(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000
        return (f"{self.requests} requests in {self.seconds:.2f} s: {self.requests / self.seconds:.0f} requests/s, "
                f"latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(self.errors)} errors")


def event(source: str) -> dict:
    return {"type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "specversion": "1.0",
            "id": str(uuid.uuid4()), "source": source, "time": "2025-03-05T17:31:00Z",
            "data": {"productId": ["urn:gtin:5695872369587"], "geography": ["DE"]}}


async def _client(number: int, http: httpx.AsyncClient, run: LoadRun, auth: str, requests: int,
                  upload: dict | None) -> None:
    async def call(method: str, url: str, expect: tuple[int, ...], **kwargs):
        started = time.perf_counter()
        try:
            response = await http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            run.errors.append(f"client {number}: {method} {url}: {type(exc).__name__}")
            return None
        finally:
            run.latencies.append(time.perf_counter() - started)
        if response.status_code not in expect:
            run.errors.append(f"client {number}: {method} {url}: HTTP {response.status_code} {response.text[:120]}")
        return response

    token = await call("POST", "/auth/token", (200,), content="grant_type=client_credentials",
                       headers={"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"})
    if token is None or token.status_code != 200:
        return
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    done = 1
    if upload is not None:
        response = await call("POST", "/upload", (303,), data={"csrf_token": upload["csrf"]},
                              files={"file": (upload["name"], upload["content"])},
                              headers={"Cookie": upload["cookie"]})
        done += 1
        if response is not None and response.status_code == 303:
            run.jobs.append(response.headers["location"].rsplit("/", 1)[1])
    ids: list[str] = []
    source = f"//load.test/client-{number}"
    last_event = None
    while done < requests:
        kind = done % 4
        if kind == 0 or not ids:
            response = await call("GET", "/3/footprints?limit=5", (200,), headers=headers)
            if response is not None and response.status_code == 200:
                ids = [f["id"] for f in response.json()["data"]] or ids
        elif kind == 1:
            await call("GET", f"/3/footprints/{ids[done % len(ids)]}", (200,), headers=headers)
        elif kind == 2:
            last_event = event(source)
            response = await call("POST", "/3/events", (200,), json=last_event,
                                  headers={**headers, "Content-Type": "application/cloudevents+json"})
            if response is not None and response.status_code == 200:
                run.events.add((source, last_event["id"]))
        else:  # a retry of the last event: accepted, must not be stored twice
            body = last_event or event(source)
            response = await call("POST", "/3/events", (200,), json=body,
                                  headers={**headers, "Content-Type": "application/cloudevents+json"})
            if response is not None and response.status_code == 200:
                run.events.add((source, body["id"]))
        done += 1


async def run_load(base_url: str, client_id: str, secret: str, *, clients: int = 50, requests: int = 20,
                   uploads: list[dict] | None = None) -> LoadRun:
    """Run the load; `uploads[i]` ({cookie, csrf, name, content}: a signed-in session's Cookie header and CSRF
    token, and a BOM) makes client i also upload that BOM and compute it (its job id is kept in `jobs`)."""
    auth = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    run = LoadRun()
    uploads = list(uploads or [])

    async def one(number: int) -> None:
        # a connection (pool) per client: one pool shared by 50 clients costs the load generator more time than
        # the server spends answering (httpx scans its pool on every request)
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            await _client(number, http, run, auth, requests, uploads[number] if number < len(uploads) else None)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(clients)))
    run.seconds = time.perf_counter() - started
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("client_id")
    parser.add_argument("secret")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--uploads", help="JSON list of {cookie, csrf, name, text}: client i uploads BOM i")
    parser.add_argument("--json", dest="json_out", help="write the run (latencies, errors, events, jobs) here")
    args = parser.parse_args()
    uploads = None
    if args.uploads:
        with open(args.uploads, encoding="utf-8") as handle:
            uploads = [{**u, "content": u["text"].encode()} for u in json.load(handle)]
    run = asyncio.run(run_load(args.url, args.client_id, args.secret, clients=args.clients, requests=args.requests,
                               uploads=uploads))
    print(run.summary())
    for error in run.errors[:10]:
        print(error)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump({"latencies": run.latencies, "errors": run.errors, "events": sorted(run.events),
                       "jobs": run.jobs, "seconds": run.seconds}, handle)


if __name__ == "__main__":
    main()
