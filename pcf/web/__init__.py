"""`pcf serve`: the web application for sales engineers and the PACT v3 footprint API (docs/web.md).

Layers: `db` (tables, migrations) <- `service` (storage: accounts, library, results, footprints, events, jobs) and
`compute` (the background loaded once, composing modules, recompute all) <- `pact_api`, `pages`, `app`
(FastAPI, presentation). Import `pcf.web.app.create_app` to build the application.
"""
