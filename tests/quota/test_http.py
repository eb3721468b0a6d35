"""Metering over HTTP, on every store: charges, refusals, refunds, headers, keys, outages."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from domain.metering.keys import create_key, revoke_key
from domain.metering.quota import Meter, QuotaStore, RedisStore, StoreUnavailable
from tests.quota.conftest import FakeClock, bearer

CODE = '{ code(system: ICD10CM, code: "E11.9") { code display } }'
VIEWER = "{ viewer { plan quota { limit used remaining resetAt } } }"
SEARCH = '{ search(text: "asthma", first: 3) { totalCount edges { node { code } } } }'
HEADERS = ("RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining",
           "X-RateLimit-Reset")


def post(client: TestClient, query: str, variables: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/graphql", json={"query": query, "variables": variables or {}},
                       headers=headers or {})


def code_of(r: httpx.Response) -> str | None:
    data = r.json().get("data") or {}
    return (data.get("code") or {}).get("code")


def error_code(r: httpx.Response) -> str:
    return str(r.json()["errors"][0]["extensions"]["code"])


def remaining(r: httpx.Response) -> int:
    return int(r.headers["X-RateLimit-Remaining"])


def quota(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = post(client, VIEWER, headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json()["data"]["viewer"]["quota"])


def test_walkthrough_guest_then_register(client_for: Callable[..., TestClient],
                                         clock: FakeClock) -> None:
    """As a new partner meets medcode: one code as a guest, 429, search, a key, six views."""
    guest = client_for()
    first = post(guest, CODE)
    assert first.status_code == 200 and code_of(first) == "E11.9"
    assert first.headers["RateLimit-Policy"] == '"day";q=1;w=86400'
    assert first.headers["RateLimit"] == '"day";r=0;t=54000'  # 09:00 -> 00:00 UTC
    assert first.headers["X-RateLimit-Reset"] == str(int(clock.now) + 54000)
    assert first.json()["extensions"]["cost"] == {"requested": 1, "actual": 1, "remaining": 0}

    refused = post(guest, CODE)
    assert refused.status_code == 429 and error_code(refused) == "QUOTA_EXCEEDED"
    assert refused.json()["data"] is None
    assert refused.headers["Retry-After"] == "54000"
    assert "register" in refused.json()["errors"][0]["message"]

    found = post(guest, SEARCH)
    assert found.status_code == 200, found.text
    assert found.json()["data"]["search"]["totalCount"] > 0
    assert remaining(found) == 0

    reg = post(guest, "mutation($e: String!) { register(email: $e) { key plan } }",
               {"e": f"new.partner.{uuid.uuid4().hex[:12]}@example.com"})
    assert reg.status_code == 200, reg.text
    key = reg.json()["data"]["register"]["key"]
    assert reg.json()["data"]["register"]["plan"] == "free"

    for left in range(5, -1, -1):
        r = post(guest, CODE, headers=bearer(key))
        assert r.status_code == 200 and code_of(r) == "E11.9"
        assert r.headers["RateLimit-Policy"] == '"day";q=6;w=86400'
        assert r.headers["RateLimit"] == f'"day";r={left};t=54000'
        assert (r.headers["X-RateLimit-Limit"], remaining(r)) == ("6", left)
    seventh = post(guest, CODE, headers=bearer(key))
    assert seventh.status_code == 429 and error_code(seventh) == "QUOTA_EXCEEDED"
    assert seventh.json()["data"] is None
    assert quota(guest, bearer(key))["used"] == 6


def test_guests_see_the_code_but_not_the_gated_fields(client_for: Callable[..., TestClient],
                                                      key_for: Callable[[str], str]) -> None:
    query = ('{ code(system: ICD10CM, code: "E11.9") { code display '
             'related { targetCode } guidelines { text } } }')
    guest = client_for()
    r = post(guest, query)
    assert r.status_code == 200
    code = r.json()["data"]["code"]
    assert code["code"] == "E11.9" and code["display"]
    assert code["related"] is None and code["guidelines"] is None
    errors = r.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"REGISTRATION_REQUIRED"}
    assert all("register" in e["message"] for e in errors)
    assert remaining(r) == 0  # the view was charged

    keyed = post(guest, query, headers=bearer(key_for("free")))
    assert "errors" not in keyed.json()
    assert isinstance(keyed.json()["data"]["code"]["related"], list)


def test_fifty_concurrent_requests_with_one_view_left_serve_one(
        app_factory: Callable[..., FastAPI], engine: Engine, key_for: Callable[[str], str],
        addresses: Callable[[], str]) -> None:
    key = key_for("free")
    replicas = [app_factory(), app_factory()]  # two app instances sharing one store
    warm = TestClient(replicas[0], client=(addresses(), 5000))
    for _ in range(5):
        assert post(warm, CODE, headers=bearer(key)).status_code == 200
    # Clients used outside `with` run each request on its own event loop thread: real overlap.
    clients = [TestClient(app, client=(addresses(), 5000)) for app in replicas]
    start = threading.Barrier(50)

    def attempt(i: int) -> httpx.Response:
        start.wait()
        return post(clients[i % 2], CODE, headers=bearer(key))

    with ThreadPoolExecutor(50) as pool:
        responses = list(pool.map(attempt, range(50)))
    served = [r for r in responses if r.status_code == 200]
    assert len(served) == 1 and code_of(served[0]) == "E11.9"
    assert all(r.status_code == 429 and error_code(r) == "QUOTA_EXCEEDED"
               for r in responses if r.status_code != 200)
    assert quota(warm, bearer(key))["used"] == 6


def test_over_quota_nothing_is_executed(client_for: Callable[..., TestClient],
                                        engine: Engine) -> None:
    guest = client_for()
    assert post(guest, CODE).status_code == 200
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        r = post(guest, '{ code(system: ICD10CM, code: "I10") { code children { code } } '
                        'codeSystems { id } }')
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert r.status_code == 429 and r.json()["data"] is None
    assert not any("code" in s.lower() for s in statements), statements


def test_validate_codes_costs_one_view_per_code(client_for: Callable[..., TestClient],
                                                key_for: Callable[[str], str]) -> None:
    client, key = client_for(), key_for("free")
    r = post(client, '{ validateCodes(system: ICD10CM, codes: ["E11.9", "I10", "NOPE"]) '
                     '{ valid } }', headers={"X-API-Key": key})
    assert r.status_code == 200, r.text
    assert r.json()["extensions"]["cost"] == {"requested": 3, "actual": 3, "remaining": 3}


def test_counters_survive_a_restart(client_for: Callable[..., TestClient],
                                    app_factory: Callable[..., FastAPI],
                                    key_for: Callable[[str], str]) -> None:
    key = key_for("free")
    before = client_for()
    for _ in range(4):
        post(before, CODE, headers=bearer(key))
    after = client_for(app_factory())  # a new app and a new store instance
    assert quota(after, bearer(key))["used"] == 4
    assert remaining(post(after, CODE, headers=bearer(key))) == 1


def test_the_window_resets_at_midnight_utc(client_for: Callable[..., TestClient],
                                           addresses: Callable[[], str],
                                           clock: FakeClock) -> None:
    guest = client_for()
    assert post(guest, CODE).status_code == 200
    assert post(guest, CODE).status_code == 429
    clock.advance(54000 - 1)
    assert post(guest, CODE).status_code == 429
    clock.advance(1)
    r = post(guest, CODE)
    assert r.status_code == 200 and r.headers["RateLimit"] == '"day";r=0;t=86400'
    assert quota(guest)["resetAt"].startswith("20") and quota(guest)["used"] == 1


BAD_KEYS: list[tuple[str, dict[str, str]]] = [
    ("malformed", {"Authorization": "Bearer mc_live_short"}),
    ("not a key at all", {"Authorization": "Bearer hello"}),
    ("wrong scheme", {"Authorization": "Basic dXNlcjpwYXNz"}),
    ("empty X-API-Key", {"X-API-Key": ""}),
]


@pytest.mark.parametrize(("why", "headers"), BAD_KEYS, ids=[b[0] for b in BAD_KEYS])
def test_malformed_keys_get_401_without_a_key_lookup(
        why: str, headers: dict[str, str], client_for: Callable[..., TestClient],
        engine: Engine) -> None:
    guest = client_for()
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        r = post(guest, CODE, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert r.status_code == 401 and error_code(r) == "UNAUTHENTICATED"
    assert r.json()["data"] is None and "Bearer" in r.headers["WWW-Authenticate"]
    assert not any("api_key" in s for s in statements)
    assert quota(guest)["used"] == 0  # nothing charged, not even to the address


def test_unknown_and_revoked_keys_get_401_and_are_never_charged(
        client_for: Callable[..., TestClient], engine: Engine) -> None:
    client = client_for()
    secret, row = create_key(engine, plan="free", name="soon revoked")
    assert post(client, CODE, headers=bearer(secret)).status_code == 200
    assert row.id is not None and revoke_key(engine, row.id)
    for headers in (bearer(secret), {"X-API-Key": secret}):
        r = post(client, CODE, headers=headers)
        assert r.status_code == 401 and error_code(r) == "UNAUTHENTICATED"
        assert "revoked" in r.json()["errors"][0]["message"]
    unknown = create_key(engine, plan="free", name="x")[0]
    unknown = unknown[:8] + "".join(reversed(unknown[8:40])) + unknown[40:]  # valid shape
    from domain.metering.credentials import _checksum, is_well_formed
    unknown = unknown[:40] + _checksum(unknown[8:40])
    assert is_well_formed(unknown)
    r = post(client, CODE, headers=bearer(unknown))
    assert r.status_code == 401 and "Unknown API key" in r.json()["errors"][0]["message"]
    meter: Meter = client.app.state.metering.meter  # type: ignore[attr-defined]
    assert meter.peek(f"key:{row.id}", 6).used == 1  # only the view before revocation
    assert quota(client)["used"] == 0


def test_only_codes_that_come_back_are_charged(client_for: Callable[..., TestClient],
                                               key_for: Callable[[str], str]) -> None:
    client, key = client_for(), key_for("pro")
    query = ('query($c: [String!]!) { found: codes(system: ICD10CM, codes: $c) { code } '
             '...More } fragment More on Query { missing: code(system: ICD10CM, code: "ZZZ") '
             '{ code } }')
    r = post(client, query, {"c": ["E11.9", "NOT.A.CODE", "i10"]}, bearer(key))
    assert [c and c["code"] for c in r.json()["data"]["found"]] == ["E11.9", None, "I10"]
    assert r.json()["extensions"]["cost"] == {"requested": 4, "actual": 2, "remaining": 9998}
    assert remaining(r) == 9998
    assert quota(client, bearer(key))["used"] == 2


def test_a_request_costing_more_than_is_left_is_refused_whole(
        client_for: Callable[..., TestClient], key_for: Callable[[str], str]) -> None:
    client, key = client_for(), key_for("free")
    for _ in range(4):
        post(client, CODE, headers=bearer(key))
    r = post(client, '{ codes(system: ICD10CM, codes: ["A00", "A01", "A02"]) { code } }',
             headers=bearer(key))
    assert r.status_code == 429 and r.json()["data"] is None
    assert r.json()["errors"][0]["extensions"]["requested"] == 3
    assert r.json()["extensions"]["cost"] == {"requested": 3, "actual": 0, "remaining": 2}
    assert quota(client, bearer(key))["used"] == 4
    assert post(client, '{ codes(system: ICD10CM, codes: ["A00", "A01"]) { code } }',
                headers=bearer(key)).status_code == 200


def test_every_graphql_response_carries_the_quota_headers(
        client_for: Callable[..., TestClient]) -> None:
    guest = client_for()
    responses = {
        "query": post(guest, CODE),
        "over quota": post(guest, CODE),
        "GET": guest.get("/graphql", params={"query": "{ codeSystems { id } }"}),
        "invalid query": post(guest, "{ nope }"),
        "syntax error": post(guest, "{ code("),
        "bad body": guest.post("/graphql", content=b"[1", headers={
            "content-type": "application/json"}),
        "not an object": guest.post("/graphql", json="query"),
        "bad key": post(guest, CODE, headers=bearer("mc_live_nope")),
        "mutation over GET": guest.get("/graphql", params={
            "query": 'mutation { register(email: "a@b.co") { key } }'}),
    }
    for name, r in responses.items():
        assert r.status_code < 500, name
        assert all(h in r.headers for h in HEADERS), (name, r.headers)
        assert r.headers["X-RateLimit-Remaining"] == "0", name
        if r.status_code >= 400:
            assert r.json()["errors"][0]["extensions"]["code"], name


def test_unlimited_plans_count_without_limits(client_for: Callable[..., TestClient],
                                              key_for: Callable[[str], str]) -> None:
    client, key = client_for(), key_for("partner")
    for _ in range(3):
        r = post(client, CODE, headers=bearer(key))
        assert r.status_code == 200
        assert not any(h in r.headers for h in HEADERS)
        assert r.json()["extensions"]["cost"]["remaining"] is None
    assert quota(client, bearer(key)) | {"resetAt": None} == {
        "limit": -1, "used": 3, "remaining": -1, "resetAt": None}


def test_viewer_reports_the_same_quota_as_the_headers(
        client_for: Callable[..., TestClient], key_for: Callable[[str], str]) -> None:
    client, key = client_for(), key_for("free")
    post(client, CODE, headers=bearer(key))
    r = post(client, VIEWER, headers=bearer(key))
    q = r.json()["data"]["viewer"]["quota"]
    assert r.json()["data"]["viewer"]["plan"] == "free"
    assert (q["limit"], q["used"], q["remaining"]) == (6, 1, 5) == (
        int(r.headers["X-RateLimit-Limit"]), 1, remaining(r))
    assert r.json()["extensions"]["cost"] == {"requested": 0, "actual": 0, "remaining": 5}
    reset = datetime.fromisoformat(q["resetAt"].replace("Z", "+00:00"))
    assert int(reset.timestamp()) == int(r.headers["X-RateLimit-Reset"])


class SwitchableStore:
    """A real store that can be made unreachable."""

    def __init__(self, store: QuotaStore) -> None:
        self.store, self.down = store, False

    def __getattr__(self, name: str) -> Any:
        if self.down:
            raise StoreUnavailable("switched off by the test")
        return getattr(self.store, name)


def test_an_unreachable_store_gets_503_and_the_server_stays_up(
        store_factory: Callable[[], QuotaStore], settings: Any, engine: Engine,
        clock: FakeClock, addresses: Callable[[], str], key_for: Callable[[str], str]) -> None:
    from service.app import create_app

    store = SwitchableStore(store_factory())
    client = TestClient(create_app(settings, engine, store=store,  # type: ignore[arg-type]
                                   clock=clock), client=(addresses(), 5000))
    key = key_for("free")
    store.down = True
    for query in (CODE, VIEWER, 'mutation { register(email: "down@example.com") { key } }'):
        r = post(client, query, headers=bearer(key))
        assert r.status_code == 503 and error_code(r) == "SERVICE_UNAVAILABLE", r.text
        assert "try again" in r.json()["errors"][0]["message"]
    store.down = False
    r = post(client, CODE, headers=bearer(key))
    assert r.status_code == 200 and remaining(r) == 5  # the failed requests cost nothing


def test_a_redis_that_never_answers_gets_503(settings: Any, engine: Engine,
                                             addresses: Callable[[], str]) -> None:
    from service.app import create_app

    app = create_app(settings, engine, store=RedisStore("redis://127.0.0.1:9/0", timeout=0.5))
    r = post(TestClient(app, client=(addresses(), 5000)), CODE)
    assert r.status_code == 503 and error_code(r) == "SERVICE_UNAVAILABLE"
    assert "quota store" in r.json()["errors"][0]["message"]
    assert TestClient(app).get("/healthz").status_code in (200, 503)  # still serving


def test_trusted_proxies_forward_the_client_address(
        app_factory: Callable[..., FastAPI]) -> None:
    app = app_factory(trusted_proxies=["10.9.0.1"])
    proxy = TestClient(app, client=("10.9.0.1", 5000))
    one = {"X-Forwarded-For": "203.0.113.201"}
    two = {"X-Forwarded-For": "6.6.6.6, 203.0.113.202"}  # a spoofed hop before the real one
    assert post(proxy, CODE, headers=one).status_code == 200
    assert post(proxy, CODE, headers=one).status_code == 429
    assert post(proxy, CODE, headers=two).status_code == 200
    # From an untrusted peer, X-Forwarded-For is ignored: no fresh allowance by forging it.
    direct = TestClient(app, client=("10.9.0.2", 5000))
    assert post(direct, CODE, headers={"X-Forwarded-For": "203.0.113.203"}).status_code == 200
    assert post(direct, CODE, headers={"X-Forwarded-For": "203.0.113.204"}).status_code == 429
