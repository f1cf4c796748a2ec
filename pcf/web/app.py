"""`create_app`: the FastAPI application of `pcf serve` - the pages for sales engineers and the PACT v3 API - over
one store (SQLite by default, PostgreSQL for a shared deployment) and one compiled background per process."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..bom.readers import max_input_bytes
from .compute import Calculator, Loaded
from .db import engine_url, open_database
from .pact_api import ApiError, error_response
from .pact_api import router as pact_router
from .security import SECURITY_HEADERS
from .service import WebService

FORM_OVERHEAD = 256 * 1024  # multipart boundaries and the other form fields, beyond the file itself


@dataclass(frozen=True)
class WebConfig:
    """store: `sqlite:///PATH`, a SQLite file path or `postgresql://...`; files_dir: where files the engine reads
    are written (default: `<store file>.files/` beside a SQLite store, else `./pcf-web-files`); lci_data: the
    background folder (default: the shipped one); secure_cookies: set the cookies' Secure flag (behind HTTPS);
    company: the PACT data owner (companyName) for BOMs that name no machine.manufacturer."""

    store: str
    files_dir: str | Path | None = None
    lci_data: str | Path | None = None
    secure_cookies: bool = False
    company: str | None = None

    def resolved_files_dir(self) -> Path:
        if self.files_dir is not None:
            return Path(self.files_dir)
        url = engine_url(self.store)
        if url.startswith("sqlite:///"):
            database = Path(url[len("sqlite:///"):])
            return database.with_name(database.name + ".files")
        return Path.cwd() / "pcf-web-files"


class LimitBody:
    """ASGI middleware: refuse a request body larger than the input limit ($PCF_MAX_INPUT_MB) plus the form's
    overhead - by its Content-Length before reading, and by counting while it streams in."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large(scope, send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, send, self.limit)


class SecurityHeaders:
    """ASGI middleware: SECURITY_HEADERS on every response (those a response sets itself are kept)."""

    _HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *[h for h in self._HEADERS if h[0] not in present]]}
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


async def _too_large(scope, send, limit: int) -> None:
    body = (f"request body larger than {limit // (1024 * 1024)} MB (PCF_MAX_INPUT_MB plus form overhead)").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            *[(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]]})
    await send({"type": "http.response.body", "body": body})


def create_app(config: WebConfig, *, loaded: Loaded | None = None) -> FastAPI:
    """The application over `config.store`; the background is compiled here, once per process (or pass it
    `loaded`, from `pcf.web.compute.load`)."""
    from .pages import LoginRequired
    from .pages import router as pages_router

    engine = open_database(config.store)
    service = WebService(engine, config.resolved_files_dir())
    calc = Calculator(service, lci_data=config.lci_data, loaded=loaded, company=config.company)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        calc.shutdown()

    app = FastAPI(title="pcf", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.service, app.state.calculator, app.state.config = service, calc, config

    @app.exception_handler(LoginRequired)
    async def login_required(_request: Request, _exc: LoginRequired):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _is_api(request):
            code = {404: "NotFound", 403: "AccessDenied", 401: "TokenExpired", 501: "NotImplemented"}.get(
                exc.status_code, "BadRequest" if exc.status_code < 500 else "InternalError")
            return error_response(exc.status_code, code, str(exc.detail))
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        if _is_api(request):
            return error_response(400, "BadRequest", message)
        return PlainTextResponse(f"bad request: {message}", status_code=400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, _exc: Exception):
        if _is_api(request):
            return error_response(500, "InternalError", "internal error")
        return PlainTextResponse("internal error", status_code=500)

    app.include_router(pact_router(service))
    app.include_router(pages_router(service, calc, config))
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")

    @app.get("/healthz")
    def health():
        service.count_results()  # the store answers
        return JSONResponse({"ok": True})

    app.add_middleware(LimitBody, limit=max_input_bytes() + FORM_OVERHEAD)
    app.add_middleware(SecurityHeaders)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/3/", "/auth/"))
