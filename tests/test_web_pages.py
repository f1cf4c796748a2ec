"""The pages of `pcf serve` (through the ASGI test client): sign-in and CSRF enforced, upload limits and row-by-row
problems, the demo BOM's result equal to the engine's, downloads, the library with a shared module and
"recompute all" whose moves are checked by hand, and the security headers."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from web_support import (DEMO_BOM, DRIVE_V1, DRIVE_V2, SMALL_BOM, csrf_of, loaded, make_app, sign_in,  # noqa: F401
                         upload, wait_job)


@pytest.fixture(scope="module")
def web(loaded, tmp_path_factory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("pages")
    app = make_app(f"sqlite:///{tmp}/store.sqlite", loaded, tmp)
    with TestClient(app) as client:
        yield client, app.state.service, app.state.calculator, tmp


def test_pages_need_sign_in_and_csrf(web):
    client, service, _calc, _tmp = web
    anonymous = TestClient(client.app)
    for path in ("/", "/library", "/history", "/compare", "/results/1", "/results/1/download/pact.json"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert anonymous.post("/upload", follow_redirects=False).status_code == 303
    # a wrong password, and a login without the login form's token
    page = anonymous.get("/login")
    token = csrf_of(page.text)
    bad = anonymous.post("/login", data={"username": "nobody", "password": "x" * 12, "csrf_token": token})
    assert bad.status_code == 401 and "unknown user or wrong password" in bad.text
    forged = TestClient(client.app).post("/login", data={"username": "a", "password": "b", "csrf_token": "x"})
    assert forged.status_code == 403
    csrf = sign_in(client, service)
    # a form posted without (or with another session's) CSRF token is refused
    no_token = client.post("/upload", files={"file": ("m.yaml", SMALL_BOM.encode())}, data={})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    other = client.post("/recompute", data={"csrf_token": csrf + "x"})
    assert other.status_code == 403


def test_security_headers(web):
    client, service, _calc, _tmp = web
    sign_in(client, service)
    for path in ("/login", "/", "/static/style.css"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
    cookie = client.cookies.get("pcf_session")
    assert cookie and len(cookie) >= 40


def test_demo_bom_result_equals_the_engine(web):
    """The web result of the demo BOM is the engine's footprint with the same background, stage by stage."""
    from pcf.engine import footprint_file as footprint

    client, service, calc, _tmp = web
    csrf = sign_in(client, service)
    state = upload(client, csrf, "formation_grading_machine.yaml", DEMO_BOM.read_bytes())
    assert state["status"] == "done", state
    page = client.get(state["next"])
    assert page.status_code == 200
    expected = footprint(DEMO_BOM, background=calc.background)
    shown = float(re.search(r'<span id="total">([\d,.]+)</span>', page.text).group(1).replace(",", ""))
    assert 'id="sankey"' in page.text and page.text.count('class="flow"') >= 8
    assert shown == pytest.approx(expected.total_kg_co2e, abs=0.05)
    stored = service.result(int(state["next"].rsplit("/", 1)[1]))
    assert stored["total_kg_co2e"] == pytest.approx(expected.total_kg_co2e, rel=1e-9)
    assert sum(stored["document"]["by_stage"].values()) == pytest.approx(stored["total_kg_co2e"], rel=1e-9)
    for stage, value in expected.by_stage.items():
        assert stored["document"]["by_stage"][stage] == pytest.approx(value, rel=1e-9)
    audit = stored["document"]["data_versions"]["audit"]
    assert audit["input"]["sha256"] == stored["run"]["file_sha256"]
    assert audit["lci_data"]["content_hash"] == calc.background.tables.content_hash and audit["lci_data"]["files"]
    # the SQLite web store is a results store: `pcf history` reads it
    from pcf.store import ResultStore

    listed = ResultStore(service.engine.url.database, create=False).list()
    assert stored["id"] in [r.id for r in listed]
    # downloads
    result_id = stored["id"]
    workbook = client.get(f"/results/{result_id}/download/workbook.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert "attachment" in workbook.headers["content-disposition"]  # the HTML report: tests/test_web_browser.py
    document = client.get(f"/results/{result_id}/download/result.json").json()
    assert document["total_kg_co2e"] == stored["total_kg_co2e"]
    assert client.get(f"/results/{result_id}/download/../../etc/passwd").status_code == 404
    assert client.get(f"/results/{result_id}/download/other.txt").status_code == 404
    history = client.get("/history")
    assert "formation_grading_machine.yaml" in history.text and "result" in history.text


def test_upload_limits_and_row_by_row_problems(web, monkeypatch):
    client, service, _calc, tmp = web
    csrf = sign_in(client, service)
    # an unsupported file type is refused, naming it
    response = client.post("/upload", data={"csrf_token": csrf}, files={"file": ("bom.exe", b"MZ")})
    assert response.status_code == 400 and "unsupported file type &#39;.exe&#39;" in response.text
    # a BOM that cannot be read: the error names the uploaded file and its row
    broken = SMALL_BOM.replace("mass_kg: 10,", "mass_kg: ten,").replace("  - {kind: ref, id: R1, ref: DRIVE, quantity: 1}\n", "")
    response = client.post("/upload", data={"csrf_token": csrf}, files={"file": ("broken.yaml", broken.encode())})
    assert response.status_code == 400 and "broken.yaml" in response.text and "row 4" in response.text
    # a file above PCF_MAX_INPUT_MB is refused (by the form handler; a body far above by the middleware)
    monkeypatch.setenv("PCF_MAX_INPUT_MB", "0.001")
    response = client.post("/upload", data={"csrf_token": csrf}, files={"file": ("big.yaml", b"#" * 5000)})
    assert response.status_code == 413 and "larger than" in response.text
    monkeypatch.delenv("PCF_MAX_INPUT_MB")
    # a file name with a path: only its name is kept, the file itself is stored under its sha256
    state = upload(client, csrf, "../../../../tmp/evil.yaml", SMALL_BOM.replace(
        "ref: DRIVE", "ref: LOCAL").replace("items:", "subassemblies:\n  - {kind: assembly, id: LOCAL, children: "
                                            "[{kind: part, id: L1, material: unobtainium_x, mass_kg: 0.5}]}\n"
                                            "items:").encode(), allow_gaps="on")
    files = sorted(p.name for p in (tmp / "files").iterdir() if p.is_file())
    assert all(re.fullmatch(r"[0-9a-f]{64}\.(yaml|json|xlsx|csv)", name) for name in files), files
    assert not (tmp.parent / "evil.yaml").exists()
    # the unmapped line is listed with its row, on the job (when it fails) or the result page
    text = client.get(state["next"]).text if state["status"] == "done" else state["error"]
    assert "unobtainium_x" in text


def test_library_module_and_recompute_all(web):
    """Two models share the DRIVE module; its v2 doubles the housing mass (1 -> 2 kg of aluminium sheet), so each
    footprint moves by exactly 1 kg x the aluminium sheet factor, all of it in raw material acquisition."""
    client, service, calc, _tmp = web
    csrf = sign_in(client, service, "bob")
    response = client.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V1},
                           follow_redirects=False)
    assert response.status_code == 303
    bad = client.post("/modules", data={"csrf_token": csrf, "name": "OTHER", "content": DRIVE_V1})
    assert "is not the module&#39;s name" in bad.text
    first = upload(client, csrf, "small.yaml", SMALL_BOM.encode(), model="small A")
    second = upload(client, csrf, "small.yaml", SMALL_BOM.replace("mass_kg: 10,", "mass_kg: 20,")
                    .replace("declared_mass_kg: 12", "declared_mass_kg: 22").encode(), model="small B")
    assert first["status"] == second["status"] == "done", (first, second)
    before = {n: service.result(int(s["next"].rsplit("/", 1)[1])) for n, s in (("small A", first),
                                                                              ("small B", second))}
    assert before["small A"]["run"]["modules"][0]["version"] == 1
    client.post("/modules", data={"csrf_token": csrf, "name": "DRIVE", "content": DRIVE_V2})
    response = client.post("/recompute", data={"csrf_token": csrf}, follow_redirects=False)
    state = wait_job(client, response.headers["location"])
    assert state["status"] == "done", state
    page = client.get(state["next"])
    assert page.status_code == 200 and "small A" in page.text
    recompute = service.recompute(int(state["next"].rsplit("/", 1)[1]))
    factor = calc.background.tables.datasets  # noqa: F841 (the factor is read from the result below)
    entries = {e["model"]: e for e in recompute["summary"] if e["model"] in before}
    assert set(entries) == {"small A", "small B"}
    for name, entry in entries.items():
        new = service.result(entry["new_result"])
        per_kg = next(d["kg_co2e_per_unit"] for d in new["document"]["by_dataset"]
                      if d["dataset"] == "aluminium_sheet_cn")
        diff = entry["diff"]
        assert entry["old_result"] == before[name]["id"]
        assert diff["total"]["delta"] == pytest.approx(1.0 * per_kg, rel=1e-9)
        stages = {s["key"]: s["delta"] for s in diff["by_stage"]}
        assert stages["raw_material_acquisition"] == pytest.approx(per_kg, rel=1e-9)
        assert all(abs(v) < 1e-9 for k, v in stages.items() if k != "raw_material_acquisition")
        assert [d["key"] for d in diff["by_dataset"]] == ["aluminium_sheet_cn"]
        assert new["run"]["modules"] == [{"name": "DRIVE", "version": 2, "sha256": new["run"]["modules"][0]["sha256"]}]
        # the new footprint replaces the old one: precedingPfIds, and the old one is Deprecated
        old_pf = before[name]["footprint"]["id"]
        assert new["footprint"]["document"]["precedingPfIds"] == [old_pf]
        assert service.footprint_document(old_pf)["status"] == "Deprecated"
    # a design comparison of the two models
    a, b = entries["small A"]["new_result"], entries["small B"]["new_result"]
    compare = client.get(f"/compare?a={a}&b={b}")
    steel = next(d["kg_co2e_per_unit"] for d in service.result(a)["document"]["by_dataset"]
                 if d["dataset"] == "steel_cold_rolled")
    delta = float(re.search(r'id="compare-delta">([-+\d,.]+)<', compare.text).group(1).replace(",", ""))
    assert delta == pytest.approx(10 * steel, abs=0.05)
    # the library page lists both models with their versions, and the module
    library = client.get("/library").text
    assert "small A" in library and "DRIVE" in library and "v2" in library
    # a ref to a module the library does not hold is an error naming it
    response = client.post("/upload", data={"csrf_token": csrf},
                           files={"file": ("orphan.yaml", SMALL_BOM.replace("ref: DRIVE", "ref: NOWHERE").encode())})
    assert response.status_code == 400 and "orphan.yaml: &#39;ref: NOWHERE&#39; names no subassembly" in response.text


def test_compute_a_stored_model_with_options(web):
    client, service, calc, _tmp = web
    csrf = sign_in(client, service)
    state = upload(client, csrf, "opts.yaml", SMALL_BOM.replace("ref: DRIVE", "ref: DRIVE").encode(),
                   model="options model", method="AR5")
    assert state["status"] == "done", state
    stored = service.result(int(state["next"].rsplit("/", 1)[1]))
    assert stored["run"]["options"] == {"method": "AR5"} and "AR5" in stored["method"]
    version = service.latest_model_versions()
    vid = next(v["id"] for v in version if v["name"] == "options model")
    response = client.post(f"/models/{vid}/compute", data={"csrf_token": csrf, "method": "AR6"},
                           follow_redirects=False)
    again = wait_job(client, response.headers["location"])
    assert again["status"] == "done"
    bad = client.post(f"/models/{vid}/compute", data={"csrf_token": csrf, "grid": "../../etc"})
    assert bad.status_code == 400 and "unknown factory electricity dataset" in bad.text
    assert json.loads(json.dumps(calc.grids()))


def test_an_oversized_body_is_refused_before_it_is_read(loaded, tmp_path, monkeypatch):  # noqa: F811
    """The body limit ($PCF_MAX_INPUT_MB + 256 KB of form) answers 413 by Content-Length, and while streaming."""
    monkeypatch.setenv("PCF_MAX_INPUT_MB", "0.01")
    app = make_app(f"sqlite:///{tmp_path}/store.sqlite", loaded, tmp_path)
    with TestClient(app) as client:
        big = b"x" * (400 * 1024)
        response = client.post("/upload", content=big, headers={"Content-Type": "application/octet-stream"})
        assert response.status_code == 413 and "larger than" in response.text
        assert response.headers["x-frame-options"] == "DENY"

        def chunks():  # no Content-Length: counted while it streams
            for _ in range(40):
                yield b"y" * (16 * 1024)

        streamed = client.post("/login", content=chunks(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert streamed.status_code == 413


def test_a_spreadsheet_bom(web):
    """An ERP export (xlsx) is computed like a YAML BOM; the lines to check carry their spreadsheet row."""
    client, service, _calc, _tmp = web
    csrf = sign_in(client, service)
    xlsx = DEMO_BOM.with_name("formation_grading_machine_erp.xlsx")
    state = upload(client, csrf, xlsx.name, xlsx.read_bytes(), allow_gaps="on")
    assert state["status"] == "done", state
    stored = service.result(int(state["next"].rsplit("/", 1)[1]))
    assert stored["run"]["filename"] == xlsx.name and stored["total_kg_co2e"] > 0
    assert all(isinstance(p["row"], int) and p["row"] >= 2 for p in stored["run"]["problems"])


def test_design_variants_of_a_result(web):
    """A scenario file on a stored result gives the numbers of `pcf compare` on the same BOM and background."""
    from pcf.compare import compare, load_scenarios
    from pcf.engine import prepare

    client, service, calc, _tmp = web
    csrf = sign_in(client, service)
    result_id = next(r["id"] for r in service.results() if r["filename"] == "formation_grading_machine.yaml")
    scenario = DEMO_BOM.parent / "scenarios" / "frame_material.yaml"
    page = client.post(f"/results/{result_id}/variants", data={"csrf_token": csrf},
                       files={"file": (scenario.name, scenario.read_bytes())})
    assert page.status_code == 200, page.text[-1500:]
    system, _intake, background, _notes = prepare(DEMO_BOM, calc.background)
    expected = compare(system, load_scenarios(scenario), background=background).totals()
    for name, row in expected.iterrows():
        assert f"<td>{name}</td><td class=\"num\">{row['total_kg_co2e']:,.1f}</td>" in page.text.replace("&#34;", '"')
    broken = client.post(f"/results/{result_id}/variants", data={"csrf_token": csrf},
                         files={"file": ("bad.yaml", b"schema_version: 1\nvariants: [{name: x, edits: "
                                                     b"[{op: remove, match: {id: nowhere}}]}]\n")})
    assert broken.status_code == 400 and "bad.yaml" in broken.text


def test_sankey_flows_add_up():
    """Every node's incoming and outgoing links add up to its height; the stage column is the positive total."""
    from pcf.web.sankey import sankey

    flows = [["raw_material_acquisition", "frame", "steel", 60.0], ["raw_material_acquisition", "drive", "al", 30.0],
             ["production", "frame", "electricity", 10.0], ["production", "drive", "credit", -5.0]]
    chart = sankey(flows, height=200)
    scale = (200 - 6 * 2) / 100.0  # three nodes in the fullest column, 6 px gaps; 100 kg of positive flows
    assert chart["total"] == 100.0
    heights = {(n["col"], n["name"]): n["h"] for n in chart["nodes"]}
    assert heights[(0, "raw_material_acquisition")] == pytest.approx(90 * scale)
    assert heights[(1, "frame")] == pytest.approx(70 * scale) and heights[(2, "al")] == pytest.approx(30 * scale)
    for node in chart["nodes"]:
        if node["col"] < 2:
            assert node["out"] - node["y"] == pytest.approx(node["h"])  # everything leaving
        if node["col"] > 0:
            assert node["in"] - node["y"] == pytest.approx(node["h"])  # everything arriving
    assert len(chart["links"]) == 3 + 3 and sankey([["p", "m", "d", -1.0]]) is None


def test_refused_uploads_and_modules_name_what_was_expected():
    """An upload of another file type is a ServiceError; a shared module whose assembly id is not its name is a
    ComputeError; both say what was expected."""
    from pcf.web.compute import ComputeError
    from pcf.web.pages import _check_module
    from pcf.web.service import ServiceError, _suffix, check_name

    with pytest.raises(ServiceError, match="unsupported file type '.txt'") as info:
        _suffix("bom.txt")
    assert ".xlsx" in info.value.expected
    with pytest.raises(ServiceError, match="invalid model name"):
        check_name("../etc/passwd", "model")
    with pytest.raises(ComputeError, match="is not the module's name") as info:
        _check_module("drive", "kind: assembly\nid: motor\nchildren: []\n")
    assert info.value.expected == "id: drive"


# a machine with factory electricity and packaging, for the customer-specific options (hand-computed below):
# 2 kg steel + 1,000 kWh at the maker's factory (China grid 0.5777, wind 0.0324 kg CO2e/kWh, lci_data MEE 2024),
# 30 kg plywood crate; no declared mass, so the shipped mass is 2 + 30 = 32 kg.
GREEN_BOM = """\
schema_version: 1
machine: {id: green-1, name: Green test machine, manufacturer: Example Maker Co., country: CN, reference_year: 2024}
factory: {electricity: electricity_cn_footprint_2024, country: CN}
items:
  - {kind: part, id: frame, name: frame, material: steel_hot_rolled, mass_kg: 2.0, quantity: 1}
energy:
  - {kind: energy, id: assembly, dataset: electricity_factory, amount: 1000, unit: kWh}
packaging:
  - {kind: packaging, id: crate, name: plywood crate, dataset: plywood, mass_kg: 30, quantity: 1}
"""


def test_green_electricity_and_delivery_options(web):
    """Green electricity (a certificate for 1,200 of 2,000 MWh: share 60 %) makes the result market-based with the
    location-based figure beside it; the delivery (32 kg x 8,000 km by container ship = 256 t*km x 0.01977 kg
    CO2e/t*km, AR5: DESNZ 2025 0.01592 + 0.00001 + 0.00019 tank-to-wheel + 0.00365 well-to-tank) is shown beside
    the PCF and never added to it or to the PACT footprint."""
    from openpyxl import load_workbook

    from pcf.engine import footprint_file
    from pcf.pact import ExportOptions, to_pact_v3

    client, service, calc, tmp = web
    csrf = sign_in(client, service)
    fields = {"method": "AR5", "inst_type": "green_certificate", "inst_scheme": "GEC",
              "inst_dataset": "electricity_cn_wind_footprint_2024", "inst_mwh": "1200",
              "inst_consumption_mwh": "2000", "inst_vintage": "2024", "inst_tracking": "China Green Certificate "
              "Trading Platform", "inst_certificates": "GEC-2024-000123", "inst_retired_for": "Example Maker Co.",
              "inst_exclusive": "on", "inst_market_country": "CN", "delivery_destination": "Debrecen, HU",
              "delivery_km": "8000", "delivery_mode": "transport_container_ship_average"}
    state = upload(client, csrf, "green.yaml", GREEN_BOM.encode(), model="green model", **fields)
    assert state["status"] == "done", state
    result_id = int(state["next"].rsplit("/", 1)[1])
    stored = service.result(result_id)
    claim = stored["document"]["functional_unit"]["factory_electricity_claim"]
    assert claim["basis"] == "market-based" and claim["instruments"][0]["share"] == pytest.approx(0.6)
    # location-based minus market-based = 1,000 kWh x 60 % x (0.5777 - 0.0324)
    assert claim["location_based_total_kg_co2e"] - stored["total_kg_co2e"] == pytest.approx(327.18, abs=0.01)
    # the same figures as the engine given the same instruments file (as `pcf footprint --instruments`)
    options = stored["run"]["options"]
    assert options["instruments"]["instruments"][0]["technology"] == "wind"  # from the dataset
    path = tmp / "green.yaml"
    path.write_text(GREEN_BOM)
    instruments = tmp / "instruments.json"
    instruments.write_text(json.dumps(options["instruments"]))
    engine = footprint_file(path, background=calc.background, method="AR5", instruments=instruments)
    assert stored["total_kg_co2e"] == pytest.approx(engine.total_kg_co2e, rel=1e-12)
    # delivery: by hand
    delivery = stored["delivery"]
    assert delivery["shipped_kg"] == pytest.approx(32.0) and delivery["tkm"] == pytest.approx(256.0)
    assert delivery["kg_co2e_per_tkm"] == pytest.approx(0.01977, rel=1e-9)
    assert delivery["kg_co2e"] == pytest.approx(256.0 * 0.01977, rel=1e-9)
    # not in the PCF: the stored total is the engine's, and the PACT pcf values are those exported without it
    footprint = stored["footprint"]["document"]
    plain = to_pact_v3(engine, ExportOptions())
    assert footprint["pcf"]["pcfExcludingBiogenicUptake"] == plain["pcf"]["pcfExcludingBiogenicUptake"]
    assert "Not included in this PCF (outside the cradle-to-gate boundary): delivery to the customer in " \
           "Debrecen, HU" in footprint["comment"]
    page = client.get(f"/results/{result_id}").text
    assert "delivery to the customer (outside the cradle-to-gate PCF)" in page
    assert re.search(r'id="delivery-total">5\.1<', page)
    location = float(re.search(r'id="location-total">([\d,.]+)<', page).group(1).replace(",", ""))
    assert location == pytest.approx(claim["location_based_total_kg_co2e"], abs=0.05)
    workbook = client.get(f"/results/{result_id}/download/workbook.xlsx")
    assert workbook.status_code == 200
    (tmp / "wb.xlsx").write_bytes(workbook.content)
    sheet = load_workbook(tmp / "wb.xlsx")["Delivery (outside PCF)"]
    assert [r[1].value for r in sheet.iter_rows() if r[0].value == "delivery emissions"] == \
        [pytest.approx(256.0 * 0.01977, rel=1e-9)]
    # the stored model again with other options (the home page's "with options" form): 100 km by an average HGV,
    # 3.2 t*km x 0.12522 kg CO2e/t*km (AR5: DESNZ 2025 0.10012 + 0.00002 + 0.00149 + 0.02359 well-to-tank)
    version = next(v for v in service.latest_model_versions() if v["name"] == "green model")
    assert 'id="model-form"' in client.get("/").text
    response = client.post("/models/compute", follow_redirects=False, data={
        "csrf_token": csrf, "version_id": str(version["id"]), "method": "AR5", "delivery_destination": "Leipzig, DE",
        "delivery_km": "100", "delivery_mode": "transport_truck_average"})
    again = wait_job(client, response.headers["location"])
    by_truck = service.result(int(again["next"].rsplit("/", 1)[1]))
    assert by_truck["delivery"]["kg_co2e"] == pytest.approx(3.2 * 0.12522, rel=1e-9)
    assert by_truck["document"]["functional_unit"]["factory_electricity_claim"]["basis"] == "location-based"
    assert client.post("/models/compute", data={"csrf_token": csrf, "version_id": "x"}).status_code == 400
    # bad options name the field
    bad = client.post("/upload", data={"csrf_token": csrf, "delivery_km": "12", "delivery_mode": "steel"},
                      files={"file": ("g.yaml", GREEN_BOM.encode())})
    assert bad.status_code == 400 and "unknown transport dataset" in bad.text
    bad = client.post("/upload", data={"csrf_token": csrf, "inst_type": "ppa", "inst_share": "60",
                                       "inst_dataset": "electricity_cn_wind_footprint_2024"},
                      files={"file": ("g.yaml", GREEN_BOM.encode())})
    assert bad.status_code == 400 and "MWh" in bad.text


def test_customer_options_name_the_field():
    from pcf.web.customer import OptionError, delivery_option, instrument_option, shipped_mass

    wind = ["electricity_cn_wind_footprint_2024"]
    with pytest.raises(OptionError, match="at most 40,000 km") as info:
        delivery_option({"delivery_km": "-5"}, ["transport_truck_average"])
    assert info.value.column == "delivery_km"
    with pytest.raises(OptionError, match="name the destination"):
        delivery_option({"delivery_km": "10", "delivery_mode": "transport_truck_average"},
                        ["transport_truck_average"])
    assert delivery_option({}, []) is None and instrument_option({}, wind) is None
    with pytest.raises(OptionError, match="needs its scheme"):
        instrument_option({"inst_type": "green_certificate", "inst_dataset": wind[0], "inst_share": "50",
                           "inst_mwh": "10", "inst_vintage": "2024", "inst_technology": "wind"}, wind)
    with pytest.raises(OptionError, match="share"):
        instrument_option({"inst_type": "ppa", "inst_dataset": wind[0], "inst_share": "150", "inst_mwh": "10",
                           "inst_vintage": "2024", "inst_technology": "wind"}, wind)
    # shipped mass: declared + packaging, declared including packaging, or rolled up + packaging
    assert shipped_mass({"declared_kg": 100, "packaging_kg": 20})[0] == 120
    assert shipped_mass({"declared_kg": 100, "packaging_kg": 20, "declared_includes_packaging": True})[0] == 100
    assert shipped_mass({"declared_kg": None, "rolled_up_kg": 90, "packaging_kg": 20})[0] == 110
