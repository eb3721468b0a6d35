"""The facade is metered exactly as ``/graphql`` is: for a guest, a free key and a pro key, the
same calls answer with the same statuses and the same quota headers on both endpoints, from one
allowance; ``$lookup`` costs a view (given back for an unknown code, as GraphQL gives back a
null), ``$expand`` and ``metadata`` cost none; a bad or revoked key is the same 401."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.credentials import generate_key
from domain.metering.keys import create_key, revoke_key
from domain.metering.quota import SqlStore
from domain.settings import Settings
from service.app import create_app
from service.policy import QUOTA_HEADERS, RETRY_AFTER
from tests.fhir._data import CM
from tests.fhir._fhir import parsed
from tests.fhir.conftest import fresh_address
from tests.quota.conftest import FakeClock

GRAPHQL_CODE = '{ code(system: ICD10CM, code: "%s") { code display } }'
LIMITS = {"guest": 1, "free": 6, "pro": 10_000}


@pytest.fixture
def app(fhir_settings: Settings, fhir_engine: Engine) -> FastAPI:
    """An app on a clock of its own (the same reset times on both endpoints)."""
    return create_app(fhir_settings, fhir_engine, store=SqlStore(fhir_engine), clock=FakeClock())


def fhir_lookup(client: TestClient, headers: dict[str, str], code: str = "E11.9"
                ) -> httpx.Response:
    return client.get("/fhir/CodeSystem/$lookup", params={"system": CM, "code": code},
                      headers=headers)


def graphql_code(client: TestClient, headers: dict[str, str], code: str = "E11.9"
                 ) -> httpx.Response:
    return client.post("/graphql", json={"query": GRAPHQL_CODE % code}, headers=headers)


def seen(r: httpx.Response) -> tuple[int, dict[str, str | None]]:
    """What a caller learns of the metering from an answer."""
    names = (*QUOTA_HEADERS, RETRY_AFTER, "WWW-Authenticate")
    return r.status_code, {name: r.headers.get(name) for name in names}


def caller(plan: str, engine: Engine) -> tuple[dict[str, str], str]:
    """A fresh subject: a guest at a new address, or a new key."""
    headers: dict[str, str] = {}
    if plan != "guest":
        secret, _ = create_key(engine, plan=plan, name=f"fhir metering {plan}")
        headers = {"Authorization": f"Bearer {secret}"}
    return headers, fresh_address()


@pytest.mark.parametrize("plan", ["guest", "free", "pro"])
def test_the_metering_table_is_graphqls(app: FastAPI, fhir_engine: Engine, plan: str) -> None:
    answers: dict[str, list[tuple[int, dict[str, str | None]]]] = {}
    calls = min(LIMITS[plan], 6) + 1
    for endpoint, call in (("fhir", fhir_lookup), ("graphql", graphql_code)):
        headers, address = caller(plan, fhir_engine)
        with TestClient(app, client=(address, 5000)) as client:
            answers[endpoint] = [seen(call(client, headers)) for _ in range(calls)]
    assert answers["fhir"] == answers["graphql"]
    statuses = [status for status, _ in answers["fhir"]]
    if plan == "pro":
        assert statuses == [200] * calls
        assert answers["fhir"][-1][1]["X-RateLimit-Remaining"] == str(10_000 - calls)
    else:
        assert statuses == [200] * LIMITS[plan] + [429]
        assert answers["fhir"][-1][1][RETRY_AFTER] is not None


def test_over_quota_is_a_429_operation_outcome(app: FastAPI, fhir_engine: Engine) -> None:
    with TestClient(app, client=(fresh_address(), 5000)) as guest:
        assert fhir_lookup(guest, {}).status_code == 200
        refused = fhir_lookup(guest, {})
        outcome = parsed(refused)
        assert refused.status_code == 429 and outcome.issue[0].code == "throttled"
        assert outcome.issue[0].details.coding[0].code == "QUOTA_EXCEEDED"
        assert "register" in outcome.issue[0].diagnostics
        assert int(refused.headers["Retry-After"]) > 0


def test_one_allowance_for_both_endpoints(app: FastAPI) -> None:
    with TestClient(app, client=(fresh_address(), 5000)) as guest:
        assert fhir_lookup(guest, {}).status_code == 200
        assert graphql_code(guest, {}).status_code == 429
    with TestClient(app, client=(fresh_address(), 5000)) as guest:
        assert graphql_code(guest, {}).status_code == 200
        assert fhir_lookup(guest, {}).status_code == 429


def test_unknown_codes_are_given_back_as_nulls_are(app: FastAPI, fhir_engine: Engine) -> None:
    headers, address = caller("free", fhir_engine)
    with TestClient(app, client=(address, 5000)) as client:
        missing = fhir_lookup(client, headers, "E11.99")
        assert missing.status_code == 404
        assert missing.headers["X-RateLimit-Remaining"] == "6"
        null = graphql_code(client, headers, "E11.99")
        assert null.json()["data"]["code"] is None
        assert null.headers["X-RateLimit-Remaining"] == "6"
        assert fhir_lookup(client, headers).headers["X-RateLimit-Remaining"] == "5"


def test_expand_and_metadata_are_free(app: FastAPI) -> None:
    with TestClient(app, client=(fresh_address(), 5000)) as guest:
        assert fhir_lookup(guest, {}).headers["X-RateLimit-Remaining"] == "0"
        for path, params in (("ValueSet/$expand", {"url": f"{CM}?fhir_vs", "filter": "asthma"}),
                             ("metadata", {}), ("metadata", {"mode": "terminology"}),
                             ("CodeSystem", {})):
            r = guest.get(f"/fhir/{path}", params=params)
            assert r.status_code == 200, r.text
            assert r.headers["X-RateLimit-Remaining"] == "0"
            assert r.headers["RateLimit-Policy"] == '"day";q=1;w=86400'


@pytest.mark.parametrize("kind", ["malformed", "unknown", "revoked"])
def test_bad_keys_are_the_same_401(app: FastAPI, fhir_engine: Engine, kind: str) -> None:
    if kind == "malformed":
        headers = {"Authorization": "Bearer not-a-key"}
    elif kind == "unknown":
        headers = {"X-API-Key": generate_key()}  # well formed, never stored
    else:
        secret, row = create_key(fhir_engine, plan="free", name="revoked")
        assert row.id is not None
        revoke_key(fhir_engine, row.id)
        headers = {"Authorization": f"Bearer {secret}"}
    address = fresh_address()
    with TestClient(app, client=(address, 5000)) as client:
        fhir, graphql = fhir_lookup(client, headers), graphql_code(client, headers)
        expand = client.get("/fhir/ValueSet/$expand", params={"url": f"{CM}?fhir_vs"},
                            headers=headers)
    assert seen(fhir) == seen(graphql) == seen(expand)
    assert fhir.status_code == 401 and parsed(fhir).issue[0].code == "login"
    assert parsed(fhir).issue[0].diagnostics == graphql.json()["errors"][0]["message"]
