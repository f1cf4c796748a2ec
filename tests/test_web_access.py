"""Per-client access to footprints in the PACT API: a client limited to companies / product ids sees only those
footprints in ListFootprints (with every filter and page) and gets the specification's 403 AccessDenied from
GetFootprint for any other stored footprint (404 NotFound stays for an id that is not stored); an unlimited client
sees all. Responses are validated against the specification's schemas when it is present."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from web_support import OPENAPI, assert_valid, basic, loaded, make_app, response_validator  # noqa: F401

LIST, GET = "/3/footprints", "/3/footprints/{id}"
COMPANY_A, COMPANY_B = "urn:pact:company:maker-a", "urn:pact:company:maker-b"


@pytest.fixture(scope="module")
def footprints(loaded):  # noqa: F811
    """Three PACT footprints of one small machine: two of company A (products a1, a2), one of company B (b1)."""
    from pcf.bom import model_from_data
    from pcf.engine import footprint
    from pcf.pact import ExportOptions, to_pact_v3

    system = model_from_data({
        "machine": {"id": "M", "name": "access", "manufacturer": "Example Maker Co.", "country": "CN",
                    "reference_year": 2024},
        "items": [{"kind": "part", "id": "frame", "material": "steel_hot_rolled", "mass_kg": 2.0}]})
    result = footprint(system, loaded.background)
    out = {}
    for company, product in ((COMPANY_A, "a1"), (COMPANY_A, "a2"), (COMPANY_B, "b1")):
        out[product] = to_pact_v3(result, ExportOptions(company_ids=(company,),
                                                        product_ids=(f"urn:pact:product:{product}",)))
    assert len({d["id"] for d in out.values()}) == 3
    return out


def _check(response, status: int, path: str):
    if OPENAPI.is_file():
        assert_valid(response_validator(path, "get", status), response.json())


def test_a_client_sees_only_the_footprints_it_is_granted(loaded, footprints, tmp_path):  # noqa: F811
    app = make_app(f"sqlite:///{tmp_path}/store.sqlite", loaded, tmp_path)
    service = app.state.service
    for document in footprints.values():
        assert service.add_footprint(document)
    clients = {"all": service.add_client("everything"),
               "company A": service.add_client("company A", companies=(COMPANY_A.upper(),)),
               "product b1": service.add_client("product b1", products=("urn:pact:product:b1",)),
               "a2 or B": service.add_client("a2 or B", companies=(COMPANY_B,), products=("urn:pact:product:a2",))}
    expected = {"all": {"a1", "a2", "b1"}, "company A": {"a1", "a2"}, "product b1": {"b1"}, "a2 or B": {"a2", "b1"}}
    ids = {document["id"]: name for name, document in footprints.items()}
    with TestClient(app) as client:
        for who, (client_id, secret) in clients.items():
            token = client.post("/auth/token", content="grant_type=client_credentials",
                                headers=basic(client_id, secret)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            listed = client.get(LIST, headers=headers)
            assert listed.status_code == 200
            _check(listed, 200, LIST)
            assert {ids[d["id"]] for d in listed.json()["data"]} == expected[who], who
            # filters and pages never reveal another's footprint
            for query in ("companyId=" + COMPANY_B, "productId=urn:pact:product:a1", "geography=CN", "limit=1"):
                seen = set()
                url = f"{LIST}?{query}"
                while url:
                    page = client.get(url, headers=headers)
                    assert page.status_code == 200
                    seen |= {ids[d["id"]] for d in page.json()["data"]}
                    link = page.headers.get("link")
                    url = link.split(">")[0].lstrip("<").split("testserver", 1)[1] if link else None
                assert seen <= expected[who], (who, query)
            assert {ids[d["id"]] for d in client.get(f"{LIST}?limit=1&offset=0", headers=headers).json()[
                "data"]} <= expected[who]
            for name, document in footprints.items():
                response = client.get(f"{LIST}/{document['id']}", headers=headers)
                if name in expected[who]:
                    assert response.status_code == 200 and response.json()["data"] == document
                    _check(response, 200, GET)
                else:  # the specification: not allowed -> 403 (AccessDenied)
                    assert response.status_code == 403, (who, name)
                    assert response.json()["code"] == "AccessDenied"
                    _check(response, 403, GET)
            unknown = client.get(f"{LIST}/{uuid.uuid4()}", headers=headers)
            assert unknown.status_code == 404 and unknown.json()["code"] == "NotFound"
    from pcf.web.service import ServiceError

    with pytest.raises(ServiceError, match="is not a URN"):
        service.add_client("bad", companies=("maker-a",))
