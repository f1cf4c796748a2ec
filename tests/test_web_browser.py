"""End to end in a real headless browser: Debian's chromium driven by Playwright (never `playwright install`; the
executable is $PCF_CHROMIUM or /usr/bin/chromium). Sign in, upload the demo BOM, watch the progress, see the
result, download the report, compare two results, browse the library and the history.

Skipped with the reason when Playwright or chromium is missing, unless $PCF_REQUIRE_BROWSER is set (.ci/run sets
it, so in CI a missing browser fails). With $PCF_WEB_SCREENSHOTS=DIR the pages are saved there as web_*.png
(docs/img holds the ones README.md shows: `PCF_WEB_SCREENSHOTS=docs/img pytest tests/test_web_browser.py`).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from web_support import DEMO_BOM, DRIVE_V1, DRIVE_V2, PASSWORD, SMALL_BOM, Server, loaded, make_app, require, sign_in  # noqa: F401

CHROMIUM = os.environ.get("PCF_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; the `test` extra has it)"
    if not Path(CHROMIUM).is_file():
        return f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    return None


MISSING = _missing()
if MISSING and require("PCF_REQUIRE_BROWSER"):
    raise RuntimeError(f"PCF_REQUIRE_BROWSER is set but the browser test cannot run: {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def test_upload_see_the_result_download_the_report(loaded, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ["PCF_WEB_SCREENSHOTS"]) if os.environ.get("PCF_WEB_SCREENSHOTS") else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    app = make_app(f"sqlite:///{tmp_path}/store.sqlite", loaded, tmp_path)
    service = app.state.service
    with TestClient(app) as setup:  # a user, a shared module and a small model so the library has content
        csrf = sign_in(setup, service, "engineer")
        setup.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V1})
    with Server(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "/")
        expect(page).to_have_url(re.compile(r"/login$"))
        page.fill("input[name=username]", "engineer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Carbon footprint of a machine")
        page.set_input_files("#upload-form input[type=file]", str(DEMO_BOM))
        page.select_option("#upload-form select[name=method]", "AR6")
        page.screenshot(path=str(shots / "web_upload.png"), full_page=True)
        page.click("#upload-form button[type=submit]")
        # the progress page opens the result when the job is done
        page.wait_for_url(re.compile(r"/results/\d+$"), timeout=60_000)
        total = page.locator("#total")
        expect(total).to_be_visible()
        result_id = int(page.url.rsplit("/", 1)[1])
        stored = service.result(result_id)
        assert float(total.inner_text().replace(",", "")) == pytest.approx(stored["total_kg_co2e"], abs=0.05)
        assert page.locator("figure.chart svg rect").count() >= 4  # stage bars and hotspots are drawn
        page.screenshot(path=str(shots / "web_result.png"), full_page=True)
        # download the HTML report and the PACT file
        with page.expect_download(timeout=120_000) as info:
            page.click("#dl-report")
        report = Path(info.value.path()).read_text(encoding="utf-8")
        assert info.value.suggested_filename == f"pcf-result-{result_id}-cfp_report.html"
        assert f"{stored['total_kg_co2e']:,.0f}" in report or f"{stored['total_kg_co2e']:,.1f}" in report
        with page.expect_download() as info:
            page.click("#dl-pact")
        assert stored["footprint"]["id"] in Path(info.value.path()).read_text(encoding="utf-8")
        # design variants of this result from a scenario file (as `pcf compare --scenarios`)
        page.set_input_files("#variants-form input[type=file]",
                             str(DEMO_BOM.parent / "scenarios" / "frame_material.yaml"))
        page.click("#variants-form button[type=submit]")
        expect(page.locator("#variant-totals")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(shots / "web_variants.png"), full_page=True)
        # a second design: the small machine with the shared module; compare the two
        page.goto(server.url + "/")
        small = tmp_path / "small_machine.yaml"
        small.write_text(SMALL_BOM)
        page.set_input_files("#upload-form input[type=file]", str(small))
        page.click("#upload-form button[type=submit]")
        page.wait_for_url(re.compile(r"/results/\d+$"), timeout=60_000)
        other = int(page.url.rsplit("/", 1)[1])
        page.goto(f"{server.url}/compare?a={result_id}&b={other}")
        expect(page.locator("#compare-delta")).to_be_visible()
        page.screenshot(path=str(shots / "web_compare.png"), full_page=True)
        # customer-specific options: a green-electricity certificate at final assembly and the delivery
        page.goto(server.url + "/")
        page.set_input_files("#upload-form input[type=file]", str(DEMO_BOM))
        page.fill("#upload-form input[name=model]", "demo for a customer")
        page.click("#green-electricity summary")
        page.select_option("#upload-form select[name=inst_type]", "green_certificate")
        page.select_option("#upload-form select[name=inst_scheme]", "GEC")
        page.select_option("#upload-form select[name=inst_dataset]", "electricity_cn_wind_footprint_2024")
        page.fill("#upload-form input[name=inst_share]", "100")
        page.fill("#upload-form input[name=inst_mwh]", "500")
        page.fill("#upload-form input[name=inst_vintage]", "2024")
        page.click("#delivery summary")
        page.fill("#upload-form input[name=delivery_destination]", "Debrecen, HU")
        page.fill("#upload-form input[name=delivery_km]", "9000")
        page.select_option("#upload-form select[name=delivery_mode]", "transport_container_ship_average")
        page.screenshot(path=str(shots / "web_options.png"), full_page=True)
        page.click("#upload-form button[type=submit]")
        page.wait_for_url(re.compile(r"/results/\d+$"), timeout=60_000)
        green = service.result(int(page.url.rsplit("/", 1)[1]))
        claim = green["document"]["functional_unit"]["factory_electricity_claim"]
        assert claim["basis"] == "market-based" and green["total_kg_co2e"] < stored["total_kg_co2e"]
        expect(page.locator("#location-total")).to_have_text(f"{claim['location_based_total_kg_co2e']:,.1f}")
        delivery = green["delivery"]
        assert delivery["tkm"] == pytest.approx(delivery["shipped_kg"] / 1000 * 9000)
        expect(page.locator("#delivery-total")).to_have_text(f"{delivery['kg_co2e']:,.1f}")
        page.locator("#delivery-figure").screenshot(path=str(shots / "web_delivery.png"))
        # a new version of the shared module (the drive housing 1 -> 2 kg), then recompute every model
        page.goto(server.url + "/library")
        expect(page.locator("h1")).to_have_text("Machine library")
        page.fill("form[action='/modules'] input[name=name]", "DRIVE")
        page.fill("form[action='/modules'] textarea[name=content]", DRIVE_V2)
        page.click("form[action='/modules'] button[type=submit]")
        expect(page.locator("body")).to_contain_text("v2")
        page.click("#recompute")
        page.wait_for_url(re.compile(r"/recomputes/\d+$"), timeout=60_000)
        expect(page.locator("h1")).to_contain_text("Recompute")
        run = service.recompute(int(page.url.rsplit("/", 1)[1]))
        moves = {e["model"]: e["diff"]["total"]["delta"] for e in run["summary"]}
        assert moves["small_machine"] > 0 and moves["formation_grading_machine"] == 0
        page.screenshot(path=str(shots / "web_recompute.png"), full_page=True)
        page.goto(server.url + "/library")
        page.screenshot(path=str(shots / "web_library.png"), full_page=True)
        page.goto(server.url + "/history")
        expect(page.locator("h1")).to_have_text("History")
        page.screenshot(path=str(shots / "web_history.png"), full_page=True)
        # a PCF request from a customer's system, fulfilled on the PCF requests page (the partner's events endpoint
        # is this server itself here: the answer arrives as a RequestFulfilled event)
        import json

        from web_support import client_token, post_event, request_created_event

        erp_id, erp_secret = service.add_client("Customer ERP")
        own_id, own_secret = service.add_client("loopback events", ("events:write",))
        service.add_partner("Customer ERP", api_client_id=erp_id, base_url=server.url, client_id=own_id,
                            client_secret=own_secret)
        token = client_token(server.url, erp_id, erp_secret)
        wanted = stored["footprint"]["document"]
        event = request_created_event(wanted["productIds"], source="//erp.customer.example/3/events",
                                      comment="PCF of the FG-256P for our 2026 tender")
        assert post_event(server.url, token, event).status_code == 200
        page.goto(server.url + "/requests")
        expect(page.locator("h1")).to_have_text("PCF requests")
        page.screenshot(path=str(shots / "web_requests.png"), full_page=True)
        page.locator(f"form.fulfil input[value='{wanted['id']}']").check()
        page.click("form.fulfil button[type=submit]")
        expect(page.locator("section.request h2").first).to_contain_text("answered")
        answer = [e for e in service.events(10) if e["type"].endswith("RequestFulfilledEvent.3")]
        assert len(answer) == 1 and json.loads(answer[0]["body"])["data"]["requestEventId"] == event["id"]
        browser.close()
    assert errors == []  # no script error and no blocked resource (the CSP allows only the app's own files)
