"""The fast path (service.fastpath): repeats are answered from prepared bytes, without the
database, and still authenticated and charged exactly as the long way charges them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain import generation
from domain.metering.keys import create_key, revoke_key
from domain.metering.quota import QuotaState, window_start
from domain.metering.viewer import Viewer
from domain.settings import Settings
from service.app import EXPOSED_HEADERS, create_app
from service.fastpath import prepare
from service.policy import PER_REQUEST_HEADERS, QUOTA_HEADERS, Policy
from tests.conftest import StatementCounter
from tests.robustness.conftest import MemoryStore, wait_for
from tests.web.conftest import used

LOOKUP = '{ code(system: ICD10CM, code: "E11.9") { code display related { targetCode } } }'
UNKNOWN = '{ code(system: ICD10CM, code: "E11.99") { code } }'


def ask(client: TestClient, query: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return client.post("/graphql", json={"query": query}, headers=headers or {})


def without_remaining(response: httpx.Response) -> bytes:
    remaining = response.json()["extensions"]["cost"]["remaining"]
    return response.content.replace(f'"remaining":{remaining}'.encode(), b'"remaining":_')


def test_a_repeat_is_answered_without_the_database(client_for: Callable[..., TestClient],
                                                   key_headers: Callable[[str], dict[str, str]],
                                                   engine: Engine) -> None:
    # A long recheck interval: a slow machine must not see the releases read again here.
    web, headers = client_for(fast_path_recheck_seconds=60), key_headers("free")
    answers = [ask(web, LOOKUP, headers)]  # the long way checks the key, prepares the answer
    answers.append(ask(web, LOOKUP, headers))  # the releases are read: once per recheck
    with StatementCounter(engine) as counter:
        answers.append(ask(web, LOOKUP, headers))
    assert counter.count == 0
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["5", "4", "3"]
    assert [a.json()["extensions"]["cost"]["remaining"] for a in answers] == [5, 4, 3]
    # The same bytes as the long way, but for this request's remaining views.
    assert len({without_remaining(a) for a in answers}) == 1
    assert len({a.headers["x-request-id"] for a in answers}) == 3
    assert answers[2].headers["ratelimit-policy"] == answers[0].headers["ratelimit-policy"]
    assert used(web, headers) == 3
    assert len(web.app.state.prepared) >= 1  # type: ignore[attr-defined]


def test_the_fast_path_refuses_where_the_long_way_would(client_for: Callable[..., TestClient],
                                                        key_headers: Callable[[str],
                                                                              dict[str, str]],
                                                        ) -> None:
    fast, slow = client_for(), client_for(fast_path=False)
    seen = {}
    for name, web in (("fast", fast), ("slow", slow)):
        headers = key_headers("free")
        answers = [ask(web, LOOKUP, headers) for _ in range(8)]
        seen[name] = [(a.status_code, a.headers.get("x-ratelimit-remaining")) for a in answers]
        refused = answers[-1].json()
        assert refused["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
        assert int(answers[-1].headers["retry-after"]) > 0
        assert used(web, headers) == 6
    assert seen["fast"] == seen["slow"] == [(200, str(5 - i)) for i in range(6)] + [(429, "0")] * 2


def test_a_guest_gets_one_view_then_the_long_ways_refusal(
        client_for: Callable[..., TestClient]) -> None:
    web = client_for()
    answers = [ask(web, LOOKUP) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 429, 429]
    assert answers[0].json()["data"]["code"]["related"] is None  # gated for guests
    assert "register" in answers[2].json()["errors"][0]["message"]


def test_unlimited_plans_are_counted_exactly(client_for: Callable[..., TestClient],
                                             key_headers: Callable[[str], dict[str, str]]
                                             ) -> None:
    web, headers = client_for(), key_headers("partner")
    answers = [ask(web, LOOKUP, headers) for _ in range(25)]
    assert all(a.status_code == 200 for a in answers)
    assert "x-ratelimit-remaining" not in answers[-1].headers  # unlimited: no allowance headers
    assert answers[-1].json()["extensions"]["cost"] == {"requested": 1, "actual": 1,
                                                        "remaining": None}
    assert used(web, headers) == 25


def test_a_key_revoked_in_this_process_is_refused_at_once(
        client_for: Callable[..., TestClient], engine: Engine) -> None:
    web = client_for()
    secret, row = create_key(engine, plan="partner", name="fast path revocation")
    headers = {"Authorization": f"Bearer {secret}"}
    assert [ask(web, LOOKUP, headers).status_code for _ in range(3)] == [200] * 3
    assert row.id is not None and revoke_key(engine, row.id)
    refused = ask(web, LOOKUP, headers)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["errors"][0]["message"]


def test_answers_that_refund_views_go_the_long_way(client_for: Callable[..., TestClient],
                                                   key_headers: Callable[[str], dict[str, str]]
                                                   ) -> None:
    web, headers = client_for(), key_headers("free")
    answers = [ask(web, UNKNOWN, headers) for _ in range(4)]
    assert all(a.json()["data"]["code"] is None for a in answers)
    # Each asked for a view and was refunded it: the long way, every time.
    assert [a.json()["extensions"]["cost"]["actual"] for a in answers] == [0] * 4
    assert used(web, headers) == 0


def test_browsers_get_the_cors_headers_of_their_origin(
        client_for: Callable[..., TestClient], key_headers: Callable[[str], dict[str, str]],
        engine: Engine) -> None:
    web = client_for(cors_origins=["https://app.example"], fast_path_recheck_seconds=60)
    headers = key_headers("partner")
    app = {**headers, "Origin": "https://app.example"}
    answers = [ask(web, LOOKUP, app) for _ in range(2)]
    with StatementCounter(engine) as counter:
        answers.append(ask(web, LOOKUP, app))
    assert counter.count == 0  # answered from prepared bytes
    assert all(a.headers["access-control-allow-origin"] == "https://app.example"
               for a in answers)
    assert "X-RateLimit-Remaining" in answers[-1].headers["access-control-expose-headers"]
    # Another origin's answer is its own (here: not allowed), never the first origin's.
    other = [ask(web, LOOKUP, {**headers, "Origin": "https://evil.example"}) for _ in range(3)]
    assert all("access-control-allow-origin" not in a.headers for a in other)
    plain = [ask(web, LOOKUP, headers) for _ in range(3)]
    assert all("access-control-allow-origin" not in a.headers for a in plain)


def test_a_release_loaded_in_this_process_is_seen_at_once(
        client_for: Callable[..., TestClient], key_headers: Callable[[str], dict[str, str]],
        engine: Engine) -> None:
    web, headers = client_for(), key_headers("partner")
    for _ in range(3):
        ask(web, LOOKUP, headers)
    generation.releases_changed()  # what seed.load does after committing a release
    with StatementCounter(engine) as counter:
        again = ask(web, LOOKUP, headers)
    assert again.status_code == 200 and counter.count >= 1  # the releases were read again


def test_request_ids_and_metrics(client_for: Callable[..., TestClient],
                                 key_headers: Callable[[str], dict[str, str]]) -> None:
    web, headers = client_for(), key_headers("partner")
    for _ in range(3):
        ask(web, LOOKUP, headers)
    given = ask(web, LOOKUP, {**headers, "X-Request-Id": "trace-42"})
    assert given.headers["x-request-id"] == "trace-42"
    forged = ask(web, LOOKUP, {**headers, "X-Request-Id": "bad id\t"})
    assert forged.headers["x-request-id"] != "bad id\t"
    text = web.get("/metrics").text
    hits = [line for line in text.splitlines()
            if line.startswith('medcode_cache_total{cache="prepared",result="hit"}')]
    assert hits and float(hits[0].split()[-1]) >= 3
    assert 'medcode_requests_total{operation="code",path="/graphql",status="200"}' in text


def test_unlimited_refunds_come_off_the_tally(client_for: Callable[..., TestClient],
                                             key_headers: Callable[[str], dict[str, str]]
                                             ) -> None:
    web, headers = client_for(), key_headers("partner")
    both = '{ codes(system: ICD10CM, codes: ["E11.9", "E11.99"]) { code } }'
    answers = [ask(web, both, headers) for _ in range(3)]
    assert [a.json()["extensions"]["cost"]["actual"] for a in answers] == [1, 1, 1]
    assert used(web, headers) == 3  # charged 2 each, refunded 1 each, before any write


def test_get_answers_and_their_304s(client_for: Callable[..., TestClient],
                                    key_headers: Callable[[str], dict[str, str]],
                                    engine: Engine) -> None:
    seen = {}
    for name, overrides in (("fast", {"fast_path_recheck_seconds": 60}),
                            ("slow", {"fast_path": False})):
        web, headers = client_for(**overrides), key_headers("free")

        def get(extra: dict[str, str] | None = None, web: TestClient = web,
                headers: dict[str, str] = headers) -> httpx.Response:
            return web.get("/graphql", params={"query": LOOKUP}, headers={**headers,
                                                                          **(extra or {})})

        answers = [get(), get()]
        with StatementCounter(engine) as counter:
            answers.append(get())
        tag = answers[0].headers["etag"]
        not_modified = get({"If-None-Match": tag})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == tag
        assert "content-type" not in not_modified.headers
        seen[name] = ([a.status_code for a in answers], {a.headers["etag"] for a in answers},
                      [a.headers["cache-control"] for a in answers],
                      not_modified.headers["x-ratelimit-remaining"], used(web, headers),
                      counter.count == 0)
    assert seen["fast"][:5] == seen["slow"][:5]
    assert seen["fast"][0] == [200] * 3 and seen["fast"][3] == "2" and seen["fast"][4] == 4
    assert seen["fast"][5]  # the third GET and the 304 came from prepared bytes


class HangingStore(MemoryStore):
    """A quota store whose writes hang until released, as a store behind a dropped
    connection does until its timeout."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.writes = 0

    def charge(self, subject: str, window: int, cost: int, limit: int | None,
               ttl: int) -> tuple[bool, int]:
        if cost > 0:
            self.writes += 1
            self.release.wait(timeout=60)
        return super().charge(subject, window, cost, limit, ttl)


def test_partners_never_wait_for_the_tally_writer(engine: Engine, settings: Settings,
                                                  key_headers: Callable[[str], dict[str, str]]
                                                  ) -> None:
    store, headers = HangingStore(), key_headers("partner")
    answers: list[int] = []
    with TestClient(create_app(settings, engine, store=store)) as web:
        def serve() -> None:
            for _ in range(15):  # over more than a second: a write falls due meanwhile
                answers.append(ask(web, LOOKUP, headers).status_code)
                time.sleep(0.1)

        worker = threading.Thread(target=serve)
        worker.start()
        worker.join(timeout=30)
        served_while_hung = not worker.is_alive()
        store.release.set()
        worker.join()
    assert served_while_hung and answers == [200] * 15
    assert store.writes >= 1  # the background writer met the hanging store
    # ... and, released, it and the shutdown wrote every view once
    wait_for(lambda: sum(store.counts.values()) == 15, "all 15 views written", limit=10)


# The one policy both paths ask (service.policy) ----------------------------------------------


NOW = 1_700_038_800.0  # 09:00 UTC


def lone_policy(**overrides: object) -> tuple[Policy, MemoryStore]:
    """A policy of its own, on a store in memory and a fixed clock."""
    store = MemoryStore()
    settings = Settings(database_url="sqlite://", **overrides)  # type: ignore[arg-type]
    return Policy(settings, store, lambda: NOW), store


def test_the_policy_names_each_header_once() -> None:
    """The long way's quota headers and the fast path's bytes come from one table; every
    header a request has of its own is made again for it (never kept in a prepared answer)
    and readable by a browser's script."""
    policy, _ = lone_policy()
    state = QuotaState(limit=6, used=2, window_start=0, now=100.0)
    assert policy.quota_headers(state) == {
        "RateLimit-Policy": '"day";q=6;w=86400', "RateLimit": '"day";r=4;t=86300',
        "X-RateLimit-Limit": "6", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset": "86400"}
    assert list(policy.quota_headers(state)) == list(QUOTA_HEADERS)
    assert policy.request_headers("trace-1", state) == [
        (b"x-request-id", b"trace-1"),
        *((k.lower().encode(), v.encode()) for k, v in policy.quota_headers(state).items())]
    unlimited = QuotaState(limit=None, used=9, window_start=0, now=100.0)
    assert policy.quota_headers(unlimited) == policy.quota_headers(None) == {}
    assert policy.request_headers("trace-2", None) == [(b"x-request-id", b"trace-2")]
    assert policy.refusal_headers(state) == {"Retry-After": "86300"}
    assert policy.unavailable_headers() == {"Retry-After": "5"}

    own = [(name.lower().encode(), b"1") for name in PER_REQUEST_HEADERS]
    start = {"status": 200, "headers": [(b"content-type", b"application/json"), *own]}
    body = b'{"data":{"x":1},"extensions":{"cost":{"requested":1,"actual":1,"remaining":3}}}'
    kept = prepare(start, body, 1, "code")
    assert kept is not None and kept.headers == ((b"content-type", b"application/json"),)
    assert set(PER_REQUEST_HEADERS) < set(EXPOSED_HEADERS)


def test_the_policy_charges_for_both_paths_alike() -> None:
    policy, _ = lone_policy()
    free, partner = Viewer("free", 1, "key:1"), Viewer("partner", 2, "key:2")
    assert policy.charge(free, 2).remaining == 4  # the long way
    fast = policy.charge_prepared(free, 2)  # the fast path: the same allowance
    assert fast is not None and fast.granted and fast.remaining == 2
    refused = policy.charge_prepared(free, 3)
    assert refused is not None and not refused.granted and refused.remaining == 2
    refunded = policy.refund(free, fast, 1)
    assert refunded is not None and refunded.remaining == 3
    assert policy.refund(free, fast, 0) is None  # nothing to give back
    # Unlimited: counted, never refused; the fast path gets no quota to report.
    assert policy.charge_prepared(partner, 4) is None
    assert policy.charge(partner, 1).limit is None
    assert policy.meter.peek(partner.subject, None).used == 5
    assert policy.limit(Viewer("retired", 3, "key:3")) == 0  # a plan no longer configured


def test_the_policy_knows_callers_as_the_long_way_does(engine: Engine) -> None:
    policy, store = lone_policy(trusted_proxies=["10.0.0.0/8"], fast_path_recheck_seconds=60)
    forwarded = "203.0.113.7, 10.9.9.9"
    scope = {"client": ("10.1.2.3", 5000)}
    guest = policy.known_caller(scope, {b"x-forwarded-for": forwarded.encode()})
    assert guest == policy.guest(policy.address("10.1.2.3", forwarded))
    assert guest is not None and (guest.plan, guest.subject) == ("guest", "guest:203.0.113.7")
    assert policy.known_caller(scope, {b"x-forwarded-for": forwarded.encode()}) is guest
    # A 401's headers: the address's quota as a guest, as the fast path counts it.
    store.charge(guest.subject, window_start(NOW), 1, 1, 60)
    assert policy.unauthenticated_headers(policy.address("10.1.2.3", forwarded)) == {
        "WWW-Authenticate": 'Bearer realm="medcode", error="invalid_token"',
        **policy.quota_headers(QuotaState(1, 1, window_start(NOW), NOW))}

    secret, row = create_key(engine, plan="partner", name="policy test")
    bearer = f"Bearer {secret}"
    assert policy.known_caller(scope, {b"authorization": bearer.encode()}) is None  # unproved
    with engine.connect() as conn:
        proved = policy.viewer({"authorization": bearer}, "198.51.100.1", lambda: conn)
    assert proved.key_id == row.id and proved.plan == "partner"
    # Authorization before X-API-Key, as the long way reads them.
    assert policy.known_caller(scope, {b"authorization": bearer.encode(),
                                       b"x-api-key": b"mc_live_another"}) == proved
    assert policy.known_caller(scope, {b"x-api-key": secret.encode()}) is None
    assert policy.audience(guest) != policy.audience(proved)


@pytest.mark.parametrize("by_plan", [False, True], ids=["shipped", "by plan"])
def test_kept_answers_stay_apart_by_the_policys_audience(
        client_for: Callable[..., TestClient], key_headers: Callable[[str], dict[str, str]],
        monkeypatch: pytest.MonkeyPatch, by_plan: bool) -> None:
    """What a caller may see is one decision of the policy: made by plan (as an entitlement on
    a key would make it), the result cache and the prepared answers both keep each plan's
    answer apart; as shipped (guest or key) keys of every plan share one."""
    if by_plan:
        monkeypatch.setattr(Policy, "audience", lambda self, viewer: viewer.plan)
    web = client_for(fast_path_recheck_seconds=60)

    def result_hits() -> float:
        return sum(float(line.split()[-1]) for line in web.get("/metrics").text.splitlines()
                   if line.startswith('medcode_cache_total{cache="result",result="hit"}'))

    before = result_hits()
    for plan in ("partner", "pro"):
        headers = key_headers(plan)
        assert [ask(web, LOOKUP, headers).status_code for _ in range(2)] == [200, 200]
    # The second of each came from prepared bytes; the first of "pro" went the long way.
    assert len(web.app.state.prepared) == (2 if by_plan else 1)  # type: ignore[attr-defined]
    assert result_hits() - before == (0 if by_plan else 1)
