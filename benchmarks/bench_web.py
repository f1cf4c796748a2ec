"""Speed of `pcf serve` on loopback: (1) from the upload of the demo BOM to its result page, with a warm process
(the background loaded, one upload done before timing); (2) the 50 x 20 load run (benchmarks/web_load.py, in its
own process) with its p50 / p95 latency and requests per second. Not a test: figures only (docs/performance.md).

    .venv/bin/python benchmarks/bench_web.py [--repeat 5] [--clients 50] [--requests 20] [--store URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
DEMO = ROOT / "bill_of_materials" / "formation_grading_machine.yaml"


def upload_to_result(http: httpx.Client, csrf: str) -> float:
    """Seconds from sending the demo BOM to having its result page (polling the job every 20 ms, as fast as the
    page's script polls at most)."""
    started = time.perf_counter()
    response = http.post("/upload", data={"csrf_token": csrf},
                         files={"file": (DEMO.name, DEMO.read_bytes(), "application/yaml")})
    assert response.status_code == 303, response.text[:500]
    job = response.headers["location"].rsplit("/", 1)[1]
    while True:
        state = http.get(f"/jobs/{job}.json").json()
        if state["status"] == "done":
            break
        if state["status"] == "failed":
            raise RuntimeError(state["error"])
        time.sleep(0.02)
    page = http.get(state["next"])
    assert page.status_code == 200 and 'id="total"' in page.text
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--store", help="store URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    os.environ.setdefault("PCF_CACHE_DIR", str(Path(tempfile.gettempdir()) / "pcf-bench-cache"))
    from web_support import PASSWORD, Server, make_app

    from pcf.web.compute import load

    tmp = Path(tempfile.mkdtemp(prefix="pcf-bench-web-"))
    started = time.perf_counter()
    loaded = load()
    print(f"background loaded (once per process) in {time.perf_counter() - started:.2f} s")
    app = make_app(args.store or f"sqlite:///{tmp}/store.sqlite", loaded, tmp)
    service = app.state.service
    user = f"bench-{os.getpid()}-{int(time.time())}"
    service.add_user(user, PASSWORD)
    client_id, secret = service.add_client("bench")
    with Server(app) as server, httpx.Client(base_url=server.url, timeout=120) as http:
        page = http.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        http.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/").text).group(1)
        first = upload_to_result(http, csrf)
        times = [upload_to_result(http, csrf) for _ in range(args.repeat)]
        print(f"upload of the demo BOM -> result page: first {first:.2f} s; warm median "
              f"{statistics.median(times):.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s "
              f"({args.repeat} runs)")
        out = tmp / "run.json"
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "web_load.py"), server.url, client_id,
                               secret, "--clients", str(args.clients), "--requests", str(args.requests),
                               "--json", str(out)], capture_output=True, text=True)
        print(f"load {args.clients} clients x {args.requests} requests: {done.stdout.strip()}")
        errors = json.loads(out.read_text())["errors"]
        if errors:
            print("errors:", *errors[:5], sep="\n  ")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, store "
          f"{'PostgreSQL' if (args.store or '').startswith('postgres') else 'SQLite'}")


if __name__ == "__main__":
    main()
