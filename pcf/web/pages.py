"""The pages for sales engineers (server-rendered Jinja2, no front-end build): sign in, upload a BOM or pick a
stored machine model, see its problems row by row, compute with a progress bar, read the result with its charts,
compare two results, download the report, workbook and PACT file, browse the history with its audit trail, manage
the library (models, shared modules) and recompute everything.

Every page needs a signed-in user; every form carries the session's CSRF token; no file name a user gives is used
as a path (uploads are kept under their sha256, see WebService.materialize).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from ..bom.readers import max_input_bytes
from ..errors import PcfError
from .compute import Calculator, ComputeError, compare_documents
from .sankey import sankey
from .security import new_token, same
from .service import ServiceError, Session, WebService, check_name

COOKIE = "pcf_session"
LOGIN_COOKIE = "pcf_login_csrf"
DOWNLOADS = {
    "report.html": ("cfp_report.html", "text/html; charset=utf-8"),
    "report.pdf": ("cfp_report.pdf", "application/pdf"),
    "workbook.xlsx": ("cfp_report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
STAGES = {"raw_material_acquisition": "raw material acquisition", "production": "production (maker's factory)",
          "packaging": "packaging", "upstream_transport": "upstream transport"}


class LoginRequired(Exception):
    """The page needs a signed-in user (answered with a redirect to /login)."""


def _model_name(filename: str) -> str:
    stem = Path(filename).stem
    name = re.sub(r"[^A-Za-z0-9 ._()+/-]", "-", stem).strip(" .-_")[:100]
    return name or "model"


def bars(rows: list[tuple[str, float]], width: int = 640) -> dict:
    """Geometry of a horizontal bar chart (drawn as inline SVG by the templates): label, value, bar x and width."""
    top = max((abs(v) for _, v in rows), default=0.0) or 1.0
    label_w, bar_w = 260, width - 260 - 110
    out = []
    for number, (label, value) in enumerate(rows):
        w = bar_w * abs(value) / top
        out.append({"label": label if len(label) <= 40 else label[:39] + "…", "full": label, "value": value,
                    "x": label_w, "w": max(w, 0.5), "y": 6 + number * 24, "negative": value < 0})
    return {"rows": out, "width": width, "height": 12 + 24 * len(rows), "text_x": label_w - 8,
            "value_x": label_w + bar_w + 8}


def router(service: WebService, calc: Calculator, config) -> APIRouter:
    templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
    templates.env.filters["kg"] = lambda v: "-" if v is None else f"{v:,.1f}"
    templates.env.filters["signed"] = lambda v: f"{v:+,.1f}"
    templates.env.filters["pct"] = lambda v: "-" if v is None else f"{100 * v:.1f} %"
    templates.env.globals["stage_name"] = lambda key: STAGES.get(key, key.replace("_", " "))
    report_lock = threading.Lock()
    r = APIRouter()

    def user(request: Request) -> Session:
        session = service.session(request.cookies.get(COOKIE))
        if session is None:
            raise LoginRequired()
        return session

    def render(request: Request, name: str, session: Session | None, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"session": session, **context}, status_code=status)

    async def form_of(request: Request, session: Session):
        form = await request.form(max_files=1, max_fields=40)
        if not same(form.get("csrf_token"), session.csrf_token):
            raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")
        return form

    async def signed_in_form(request: Request):
        """(the signed-in user, the posted form with its CSRF token checked); the session is looked up on a worker
        thread, as every database call of the async handlers below is: none blocks the event loop."""
        session = await run_in_threadpool(user, request)
        return session, await form_of(request, session)

    def home(request: Request, session: Session, *, error: str | None = None, status: int = 200,
             problems: list | None = None):
        return render(request, "home.html", session, status=status, error=error, problems=problems or [],
                      models=service.models(), latest=service.latest_model_versions(),
                      results=service.results(limit=10), grids=calc.grids(),
                      transports=calc.transports(), max_mb=max_input_bytes() // 2 ** 20)

    def options_of(form) -> dict:
        return calc.form_options(form)

    def start(session: Session, *, digest: str, filename: str, options: dict, version: dict) -> str:
        path, _used = calc.compose(digest, filename)
        problems = calc.check(path, filename)
        job = service.new_job(session.username, problems=problems)
        calc.submit(job, lambda progress: calc.run(digest=digest, filename=filename, options=options,
                                                   model_version_id=version["id"], model_id=version["model_id"],
                                                   user=session.username, progress=progress))
        return job

    async def start_job(request: Request, session: Session, work) -> Response:
        """Run `work()` (store, compose and check the BOM, queue its job: database, files and parsing) on a worker
        thread; answer with the job's page, or the home page naming what is wrong."""

        def run() -> Response:
            try:
                return RedirectResponse(f"/jobs/{work()}", status_code=303)
            except PcfError as exc:
                return home(request, session, error=exc.describe(), status=400)

        return await run_in_threadpool(run)

    # ------------------------------------------------------------------------------------------- sign in
    @r.get("/login", response_class=HTMLResponse)
    def login_page(request: Request):
        token = new_token()
        response = render(request, "login.html", None, csrf=token)
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies)
        return response

    @r.post("/login")
    async def login(request: Request):
        form = await request.form(max_files=0, max_fields=5)
        if not same(form.get("csrf_token"), request.cookies.get(LOGIN_COOKIE)):
            raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page")
        def sign_in():  # scrypt and the database: off the event loop
            outcome = service.login(str(form.get("username", ""))[:80], str(form.get("password", ""))[:200])
            if outcome is not None:
                service.log(outcome[1].username, "sign in", "web")
            return outcome

        outcome = await run_in_threadpool(sign_in)
        if outcome is None:
            token = new_token()
            response = render(request, "login.html", None, status=401, csrf=token,
                              error="unknown user or wrong password")
            response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies)
            return response
        token, _session = outcome
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies,
                            max_age=8 * 3600)
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @r.post("/logout")
    async def logout(request: Request):
        await signed_in_form(request)
        await run_in_threadpool(service.logout, request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # ------------------------------------------------------------------------------------------- compute
    @r.get("/", response_class=HTMLResponse)
    def index(request: Request):
        return home(request, user(request))

    @r.post("/upload")
    async def upload(request: Request):
        session, form = await signed_in_form(request)
        upload = form.get("file")
        if upload is None or not getattr(upload, "filename", None):
            return await run_in_threadpool(home, request, session, status=400,
                                           error="choose a BOM file (.yaml, .json, .xlsx or .csv)")
        limit = max_input_bytes()
        content = await upload.read(limit + 1)
        filename = Path(upload.filename).name[:200]
        if len(content) > limit:
            return await run_in_threadpool(home, request, session, status=413, error=f"{filename}: larger than "
                                           f"{limit // 2 ** 20} MB (PCF_MAX_INPUT_MB)")

        def store_and_start() -> str:  # database, file and the row-by-row check: on a worker thread
            options = options_of(form)
            name = check_name(form.get("model") or _model_name(filename), "model")
            digest = service.put_file(content, filename)
            model_id, number = service.add_model_version(name, digest, filename, user=session.username,
                                                         note=str(form.get("note") or "")[:500] or None)
            return start(session, digest=digest, filename=filename, options=options,
                         version=service.model_version_of(model_id, number))

        return await start_job(request, session, store_and_start)

    @r.post("/models/compute")
    async def compute_chosen_model(request: Request):
        """A stored model chosen in the form (version_id) with the form's options."""
        session, form = await signed_in_form(request)
        raw = str(form.get("version_id") or "")
        if not raw.isdigit():
            return await run_in_threadpool(home, request, session, error="choose a stored machine model",
                                           status=400)
        return await compute_version(int(raw), form, session, request)

    @r.post("/models/{version_id}/compute")
    async def compute_model(version_id: int, request: Request):
        session, form = await signed_in_form(request)
        return await compute_version(version_id, form, session, request)

    async def compute_version(version_id: int, form, session: Session, request: Request):
        def start_version() -> str:
            version = service.model_version(version_id)
            return start(session, digest=version["file_sha256"], filename=version["filename"],
                         options=options_of(form), version=version)

        return await start_job(request, session, start_version)

    @r.get("/jobs/{job_id}.json")
    def job_state(job_id: str, request: Request):
        user(request)
        job = service.job(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return JSONResponse({"status": job["status"], "step": job["step"], "error": job["error"],
                             "next": _job_target(job) if job["status"] == "done" else None})

    @r.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(job_id: str, request: Request):
        session = user(request)
        job = service.job(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        if job["status"] == "done":
            return RedirectResponse(_job_target(job), status_code=303)
        return render(request, "job.html", session, job=job)

    # ------------------------------------------------------------------------------------------- results
    @r.get("/results/{result_id}", response_class=HTMLResponse)
    def result_page(result_id: int, request: Request):
        session = user(request)
        stored = _stored(result_id)
        doc = stored["document"]
        stages = bars([(STAGES.get(k, k), v) for k, v in doc["by_stage"].items()])
        datasets = sorted(doc.get("by_dataset") or [], key=lambda row: -abs(row.get("kg_co2e") or 0))[:12]
        hotspots = bars([(f"{d['dataset']}", d["kg_co2e"]) for d in datasets])
        modules = bars(sorted(doc["by_module"].items(), key=lambda kv: -abs(kv[1]))[:12])
        audit = (doc.get("data_versions") or {}).get("audit") or {}
        from ..electricity_claims import claim_of, claim_statement

        claim = claim_of(doc["functional_unit"])
        electricity = {"claim": claim, "statement": claim_statement(doc["functional_unit"])}
        flow = sankey(stored["run"]["flows"], label=lambda k: STAGES.get(k, k)) if stored["run"] else None
        return render(request, "result.html", session, stored=stored, doc=doc, stages=stages, hotspots=hotspots,
                      flow=flow, electricity=electricity, delivery=stored.get("delivery"),
                      modules=modules, datasets=datasets, audit=audit,
                      others=[x for x in service.results(limit=50) if x["id"] != result_id])

    @r.get("/results/{result_id}/download/{kind}")
    def download(result_id: int, kind: str, request: Request):
        session = user(request)
        stored = _stored(result_id)
        stem = f"pcf-result-{result_id}"
        if kind == "pact.json":
            if stored["footprint"] is None:
                raise HTTPException(404, "this result has no PACT footprint of its own (an identical one is "
                                    "stored with an earlier result)")
            body = json.dumps(stored["footprint"]["document"], indent=2, ensure_ascii=False)
            return _attachment(body.encode(), f"{stem}.pact.json", "application/json")
        if kind == "result.json":
            body = json.dumps(stored["document"], indent=2, ensure_ascii=False)
            return _attachment(body.encode(), f"{stem}.result.json", "application/json")
        if kind not in DOWNLOADS:
            raise HTTPException(404, "no such download")
        name, media = DOWNLOADS[kind]
        folder = calc.service.files_dir / "reports" / str(int(result_id)) / kind.split(".")[1]
        target = folder / name
        with report_lock:
            if not target.is_file():
                try:
                    result = calc.result_object(result_id)
                    if kind == "workbook.xlsx":
                        from ..report import write_workbook

                        folder.mkdir(parents=True, exist_ok=True)
                        write_workbook(result, folder / ".partial.xlsx")
                        if stored.get("delivery"):
                            from .customer import add_delivery_sheet

                            add_delivery_sheet(folder / ".partial.xlsx", stored["delivery"])
                        (folder / ".partial.xlsx").replace(target)
                    else:
                        from ..report import write_report

                        write_report(result, folder, pdf=kind == "report.pdf", workbook=False)
                except PcfError as exc:
                    raise HTTPException(409, exc.describe()) from None
        service.log(session.username, "download", f"{kind} of result {result_id}", result_id)
        return FileResponse(target, media_type=media, filename=f"{stem}-{name}")

    @r.post("/results/{result_id}/variants", response_class=HTMLResponse)
    async def variants(result_id: int, request: Request):
        """Design variants of a result's BOM from an uploaded scenario file (as `pcf compare --scenarios`)."""
        session, form = await signed_in_form(request)
        upload = form.get("file")
        if upload is None or not getattr(upload, "filename", None):
            raise HTTPException(400, "choose a scenario file (.yaml or .json)")
        content = await upload.read(max_input_bytes() + 1)
        if len(content) > max_input_bytes():
            raise HTTPException(413, "scenario file larger than PCF_MAX_INPUT_MB")
        name = Path(upload.filename).name[:200]

        def run() -> Response:  # database, files, the comparison and its tables: on a worker thread
            try:
                digest = service.put_file(content, name)
                comparison = calc.variants(result_id, digest, name)
            except PcfError as exc:
                return render(request, "variants.html", session, status=400, error=exc.describe(), stored=None,
                              result_id=result_id)
            service.log(session.username, "design variants", f"{name} on result {result_id}", result_id)
            totals = comparison.totals().reset_index().to_dict("records")
            stages = comparison.breakdown("stage")
            modules = comparison.breakdown("module").head(12)
            return render(request, "variants.html", session, error=None, result_id=result_id, scenario=name,
                          comparison=comparison, totals=totals, stages=stages, modules=modules,
                          changes=comparison.top_changes(5).to_dict("records"))

        return await run_in_threadpool(run)

    @r.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request, a: int | None = None, b: int | None = None):
        session = user(request)
        listed = service.results(limit=100)
        diff = left = right = None
        if a is not None and b is not None:
            left, right = _stored(a), _stored(b)
            diff = compare_documents(left["document"], right["document"])
        return render(request, "compare.html", session, results=listed, a=a, b=b, left=left, right=right,
                      diff=diff)

    @r.get("/history", response_class=HTMLResponse)
    def history(request: Request):
        session = user(request)
        return render(request, "history.html", session, results=service.results(limit=200),
                      log=service.audit_log(200), events=service.events(50))

    # ------------------------------------------------------------------------------------------- PCF requests
    def candidates(request_row: dict, stored: list[dict], access: dict | None) -> list[dict]:
        """The stored footprints (`stored`) the requester's API client may see (`access`, as
        WebService.client_access), with whether each meets the request's criteria (matching ones first)."""
        from .pact_api import ApiError, list_criteria, matches, visible

        data = request_row["body"].get("data") or {}
        pairs = [(k, str(v)) for k, values in data.items() if k != "comment"
                 for v in (values if isinstance(values, list) else [values])]
        try:
            criteria = list_criteria(pairs)[0]
        except ApiError:
            criteria = None
        documents = [d for d in stored if visible(d, access)]
        rows = [{"id": d["id"], "name": d.get("productNameCompany", ""), "status": d.get("status"),
                 "pcf": (d.get("pcf") or {}).get("pcfExcludingBiogenicUptake"),
                 "unit": (d.get("pcf") or {}).get("declaredUnitOfMeasurement"),
                 "matches": criteria is not None and matches(d, criteria)} for d in documents]
        return sorted(rows, key=lambda x: not x["matches"])[:200]

    @r.get("/requests", response_class=HTMLResponse)
    def requests_page(request: Request, error: str | None = None, status: int = 200):
        session = user(request)
        received = service.requests()
        open_requests = [row for row in received if not row["answered"]]
        stored = [d for _seq, d in service.footprint_documents()] if open_requests else []  # read once per page
        access = {c: service.client_access(c) for c in {row["client_id"] for row in open_requests}}
        partners = {c: service.partner_of(c) for c in {row["client_id"] for row in received}}
        for row in received:
            row["candidates"] = [] if row["answered"] else candidates(row, stored, access[row["client_id"]])
            row["partner_row"] = partners[row["client_id"]]
        return render(request, "requests.html", session, status=status, requests=received, error=error)

    async def answer(request: Request, seq: int, make) -> Response:
        from .events_out import send

        session, form = await signed_in_form(request)
        source = f"//{request.headers.get('host') or request.url.netloc}/3/events"

        def run() -> Response:  # the database and the partner's host system: on a worker thread
            row = service.event(seq)
            if row is None or not row["type"].endswith(".RequestCreatedEvent.3"):
                raise HTTPException(404, "no such PCF request")
            if service.answered(seq):
                return requests_page(request, error=f"request {seq} is answered already (one answer per request)",
                                     status=409)
            partner = service.partner_of(row["client_id"])
            if partner is None:
                return requests_page(request, error=f"no API partner is configured for client "
                                     f"{row['client_id']}: add one (pcf serve --add-partner) to send its answer",
                                     status=409)
            try:
                event = make(form, row["body"], source)
            except PcfError as exc:
                return requests_page(request, error=exc.describe(), status=400)
            try:
                detail, state = send(partner, event), "sent"
            except PcfError as exc:
                detail, state = exc.describe(), "failed"
            service.record_answer(seq, event, status=state, detail=detail, user=session.username)
            if state == "failed":
                return requests_page(request, error=f"not delivered: {detail} (try again later)", status=502)
            return RedirectResponse("/requests", status_code=303)

        return await run_in_threadpool(run)

    @r.post("/requests/{seq}/fulfil")
    async def fulfil(seq: int, request: Request):
        from .events_out import fulfilled_event

        def make(form, request_event, source):
            chosen = [str(v) for v in form.getlist("pf")][:40]
            from .pact_api import visible

            documents = [service.footprint_document(pf_id) for pf_id in chosen]
            if any(d is None for d in documents):
                raise ServiceError("a chosen footprint is not stored")
            access = service.client_access(service.event(seq)["client_id"])
            if not all(visible(d, access) for d in documents):
                raise ServiceError("a chosen footprint is not one this requester's API client may see")
            return fulfilled_event(request_event, documents, source)

        return await answer(request, seq, make)

    @r.post("/requests/{seq}/reject")
    async def reject(seq: int, request: Request):
        from .events_out import rejected_event

        return await answer(request, seq, lambda form, request_event, source: rejected_event(
            request_event, str(form.get("code") or ""), str(form.get("message") or ""), source))

    # ------------------------------------------------------------------------------------------- library
    @r.get("/library", response_class=HTMLResponse)
    def library(request: Request, error: str | None = None):
        session = user(request)
        models = [{**m, "versions": service.model_versions(m["id"])} for m in service.models()]
        return render(request, "library.html", session, models=models, modules=service.modules(),
                      recomputes=service.recomputes(), error=error)

    @r.post("/modules")
    async def add_module(request: Request):
        session, form = await signed_in_form(request)
        upload = form.get("file")
        text = str(form.get("content") or "")
        if upload is not None and getattr(upload, "filename", None):
            raw = await upload.read(max_input_bytes() + 1)
            if len(raw) > max_input_bytes():
                raise HTTPException(413, "module file larger than PCF_MAX_INPUT_MB")
            text = raw.decode("utf-8", errors="replace")

        def store() -> Response:  # parsing, the database and the library page: on a worker thread
            try:
                name = check_name(str(form.get("name") or ""), "module")
                _check_module(name, text)
                service.add_module_version(name, text, user=session.username,  # logs "module version"
                                           note=str(form.get("note") or "")[:500] or None)
            except PcfError as exc:
                return library(request, error=exc.describe())
            return RedirectResponse("/library", status_code=303)

        return await run_in_threadpool(store)

    @r.post("/recompute")
    async def recompute(request: Request):
        session, _form = await signed_in_form(request)

        def queue() -> str:
            job = service.new_job(session.username, kind="recompute")
            calc.submit(job, lambda progress: calc.recompute_all(user=session.username, progress=progress))
            return job

        return RedirectResponse(f"/jobs/{await run_in_threadpool(queue)}", status_code=303)

    @r.get("/recomputes/{recompute_id}", response_class=HTMLResponse)
    def recompute_page(recompute_id: int, request: Request):
        session = user(request)
        try:
            run = service.recompute(recompute_id)
        except ServiceError as exc:
            raise HTTPException(404, exc.describe()) from None
        return render(request, "recompute.html", session, run=run)

    def _stored(result_id: int) -> dict:
        try:
            return service.result(result_id)
        except ServiceError as exc:
            raise HTTPException(404, exc.describe()) from None

    return r


def _job_target(job: dict) -> str:
    if job["kind"] == "recompute":
        return f"/recomputes/{int(job['result_id'])}"
    return f"/results/{int(job['result_id'])}"


def _attachment(body: bytes, filename: str, media: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _check_module(name: str, text: str) -> None:
    """A shared module is the YAML (or JSON) of one assembly whose id is the module's name."""
    import yaml

    from ..bom.models import Assembly
    from ..bom.readers import load_yaml_with_rows

    try:
        data = load_yaml_with_rows(text, source=f"module {name}", mark_rows=False)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ComputeError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=f"module {name}",
                           row=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or data.get("kind") != "assembly":
        raise ComputeError("a module must be one assembly (kind: assembly, id, children)", file=f"module {name}")
    if data.get("id") != name:
        raise ComputeError(f"the assembly's id '{data.get('id')}' is not the module's name", file=f"module {name}",
                           expected=f"id: {name}")
    from pydantic import ValidationError

    try:
        Assembly.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ComputeError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}", file=f"module {name}") from None
