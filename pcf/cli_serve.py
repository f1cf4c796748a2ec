"""`pcf serve`: the web application and the PACT API (pcf/web/), and its account commands.

    pcf serve [--host 127.0.0.1] [--port 8000] [--store sqlite:///PATH | postgresql://...] [--files-dir DIR]
    pcf serve --add-user NAME          # asks for the password (or $PCF_WEB_PASSWORD), then exits
    pcf serve --add-client NAME        # prints a new API client id and secret (shown once), then exits
    pcf serve --add-partner NAME --partner-client CLIENT_ID --partner-url URL
                                       # where to send that client's answers (RequestFulfilled/Rejected events);
                                       # pcf's credentials there from $PCF_PARTNER_CLIENT_ID / _SECRET
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import PcfError


def register(subparsers) -> None:
    sp = subparsers.add_parser("serve", help="web application for sales engineers and the PACT v3 footprint API")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sp.add_argument("--store", metavar="URL",
                    help="sqlite:///PATH (default: $PCF_STORE, else ./pcf-results.sqlite) or postgresql://USER@HOST/DB "
                         "(or $PCF_DATABASE_URL)")
    sp.add_argument("--files-dir", metavar="DIR", help="folder for the files the engine reads and the reports "
                    "(default: beside a SQLite store, else ./pcf-web-files)")
    sp.add_argument("--lci-data", metavar="DIR", help="lci_data folder (default: the shipped one)")
    sp.add_argument("--company", help="PACT data owner (companyName) for BOMs without machine.manufacturer")
    sp.add_argument("--secure-cookies", action="store_true", help="mark cookies Secure (serve behind HTTPS)")
    sp.add_argument("--add-user", metavar="NAME", help="create a web user (password from $PCF_WEB_PASSWORD or asked)")
    sp.add_argument("--add-client", metavar="NAME", help="create a PACT API client and print its id and secret")
    sp.add_argument("--access-company", metavar="URN", action="append", default=[],
                    help="with --add-client: limit the client to footprints with this companyId (repeatable)")
    sp.add_argument("--access-product", metavar="URN", action="append", default=[],
                    help="with --add-client: limit the client to footprints with this productId (repeatable); "
                         "without --access-*: every footprint")
    sp.add_argument("--add-partner", metavar="NAME", help="configure an API partner (the requester of PCFs that "
                    "--partner-client calls us as) so pcf can send it events; its base URL is --partner-url, pcf's "
                    "client credentials at its /auth/token come from $PCF_PARTNER_CLIENT_ID and "
                    "$PCF_PARTNER_CLIENT_SECRET")
    sp.add_argument("--partner-client", metavar="CLIENT_ID", help="with --add-partner: our API client it uses")
    sp.add_argument("--partner-url", metavar="URL", help="with --add-partner: its host system, e.g. https://pcf.example.com")
    sp.set_defaults(handler=_serve)


def store_url(explicit: str | None) -> str:
    """The store: --store, else $PCF_DATABASE_URL, else the results store's SQLite file ($PCF_STORE or
    ./pcf-results.sqlite)."""
    if explicit:
        return explicit
    if os.environ.get("PCF_DATABASE_URL"):
        return os.environ["PCF_DATABASE_URL"]
    from .store import store_path

    return "sqlite:///" + str(store_path().resolve())


def _serve(args) -> int:
    from .web.app import WebConfig
    from .web.db import open_database
    from .web.service import WebService

    from .cli_options import console

    config = WebConfig(store=store_url(args.store), files_dir=args.files_dir, lci_data=args.lci_data,
                       secure_cookies=args.secure_cookies, company=args.company)
    if args.add_user or args.add_client or args.add_partner:
        service = WebService(open_database(config.store), config.resolved_files_dir())
        if args.add_user:
            password = os.environ.get("PCF_WEB_PASSWORD")
            if not password:
                import getpass

                password = getpass.getpass(f"password for {args.add_user}: ")
            service.add_user(args.add_user, password)
            console.print(f"user [bold]{args.add_user}[/] created")
        if args.add_client:
            client_id, secret = service.add_client(args.add_client, companies=tuple(args.access_company),
                                                   products=tuple(args.access_product))
            console.print(f"client_id {client_id}\nclient_secret {secret}\n(the secret is shown only now; "
                          "it is stored hashed)", highlight=False)
        if args.add_partner:
            service.add_partner(args.add_partner, api_client_id=args.partner_client or "",
                                base_url=args.partner_url or "",
                                client_id=os.environ.get("PCF_PARTNER_CLIENT_ID", ""),
                                client_secret=os.environ.get("PCF_PARTNER_CLIENT_SECRET", ""))
            console.print(f"partner [bold]{args.add_partner}[/] added", highlight=False)
        return 0
    try:
        import uvicorn
    except ImportError:
        raise PcfError("the web application needs uvicorn and fastapi", expected="pip install pcf (with its "
                       "dependencies)") from None
    from .web.app import create_app

    # spooled uploads larger than 1 MB go to a temporary file: keep those inside the store's folder too
    spool = config.resolved_files_dir() / "tmp"
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    tempfile.tempdir = str(spool)
    app = create_app(config)
    console.print(f"pcf serve: http://{args.host}:{args.port}/ (store {_shown(config.store)}, files "
                  f"{Path(config.resolved_files_dir())})", highlight=False)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=False)
    return 0


def _shown(store: str) -> str:
    from .web.db import _redact

    return _redact(store)
