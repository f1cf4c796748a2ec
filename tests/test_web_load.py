"""A bounded load on a real uvicorn server on loopback: 50 clients x 20 requests (token, ListFootprints,
GetFootprint, Events with retries; 5 clients also upload and compute a BOM), sent by benchmarks/web_load.py in its
own process, complete without an error, and every event and result is stored exactly once. Timings are measured in
benchmarks/bench_web.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
from fastapi.testclient import TestClient

from web_support import SMALL_BOM, DRIVE_V1, ROOT, Server, loaded, make_app, sign_in, upload, wait_job  # noqa: F401

CLIENTS, REQUESTS, UPLOADERS = 50, 20, 5


def test_fifty_clients_twenty_requests(loaded, tmp_path):  # noqa: F811
    app = make_app(f"sqlite:///{tmp_path}/store.sqlite", loaded, tmp_path)
    service = app.state.service
    with TestClient(app) as setup:  # one footprint to read, a shared module, a signed-in session for the uploads
        csrf = sign_in(setup, service)
        setup.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V1})
        assert upload(setup, csrf, "small.yaml", SMALL_BOM.encode())["status"] == "done"
        cookie = f"pcf_session={setup.cookies.get('pcf_session')}"
    client_id, secret = service.add_client("load")
    results_before, events_before = service.count_results(), len(service.events(10 ** 6))
    uploads = [{"cookie": cookie, "csrf": csrf, "name": f"variant-{n}.yaml",
                "text": SMALL_BOM.replace("mass_kg: 10,", f"mass_kg: {10 + n},")
                .replace("declared_mass_kg: 12", f"declared_mass_kg: {12 + n}")} for n in range(UPLOADERS)]
    (tmp_path / "uploads.json").write_text(json.dumps(uploads))
    with Server(app) as server:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "web_load.py"), server.url, client_id, secret,
                               "--clients", str(CLIENTS), "--requests", str(REQUESTS),
                               "--uploads", str(tmp_path / "uploads.json"), "--json", str(tmp_path / "run.json")],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        run = json.loads((tmp_path / "run.json").read_text())
        assert run["errors"] == [], run["errors"][:5]
        assert len(run["latencies"]) == CLIENTS * REQUESTS
        # every upload's computation finishes, each with its own result
        with httpx.Client(base_url=server.url, headers={"Cookie": cookie}) as http:
            states = {job: wait_job(http, f"/jobs/{job}", timeout=120) for job in run["jobs"]}
    assert len(run["jobs"]) == UPLOADERS and len(states) == UPLOADERS
    assert all(s["status"] == "done" for s in states.values()), states
    result_ids = [int(s["next"].rsplit("/", 1)[1]) for s in states.values()]
    assert len(set(result_ids)) == UPLOADERS
    assert service.count_results() == results_before + UPLOADERS  # nothing lost, nothing twice
    masses = sorted(service.result(i)["document"]["mass"]["rolled_up_kg"] for i in result_ids)
    assert masses == [11.0 + n for n in range(UPLOADERS)]  # each variant once: 10 + n kg steel + 1 kg drive
    events = service.events(10 ** 6)
    assert len(events) - events_before == len(run["events"])  # retried events are stored once
    assert {tuple(e) for e in run["events"]} <= {(e["source"], e["event_id"]) for e in events}
