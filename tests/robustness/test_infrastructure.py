"""Infrastructure faults: PostgreSQL or Redis unreachable while serving gets 503
SERVICE_UNAVAILABLE (nothing charged) and the service recovers when the server returns, without
a restart; unreachable at start, ``medcode serve`` exits non-zero with one line on stderr.

Two deliberate exceptions, both tested here: unlimited plans are tallied in memory, so partners
keep being served while the quota store is away and their views are written once it is back;
and the fast path re-reads the releases once a second, so a replica may answer prepared repeats
for up to that long after its database went away (these tests recheck on every request, to see
the outage at once).

The servers are taken away with a :class:`TcpProxy` between the app and the real server:
``close()`` cuts every connection and refuses new ones, as a stopped server does, ``reopen()``
brings it back on the same port. PostgreSQL runs against this suite's own database.
"""

from __future__ import annotations

import itertools
import socket
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench.robustness import judge
from domain.db import make_engine
from domain.metering.keys import create_key
from domain.metering.quota import QuotaStore, RedisStore
from domain.settings import Settings
from service.app import create_app
from tests.robustness.conftest import (
    MemoryStore,
    counts_of,
    one_line,
    record,
    run_cli,
    with_port,
)
from tests.robustness.proxy import TcpProxy, free_port

KEYED = {
    "code": '{ code(system: ICD10CM, code: "E11.9") { code related { targetCode } } }',
    "codes": '{ codes(system: ICD10CM, codes: ["E11.9", "I10"]) { code } }',
    "search": '{ search(text: "diabetes", first: 3) { totalCount edges { node { code } } } }',
    "validateCodes": '{ validateCodes(system: ICD10CM, codes: ["E11.9", "E10.9"]) { valid } }',
    "codeSystems": "{ codeSystems { id version billableCount } }",
    "changes": '{ changes(system: ICD10CM, from: "2026", to: "2026") { addedCount } }',
    "viewer": "{ viewer { plan quota { limit remaining } } }",
}
GUEST = {"code": '{ code(system: ICD10CM, code: "E11.9") { code display } }',
         "search": KEYED["search"], "codeSystems": KEYED["codeSystems"]}
REGISTER = "mutation($e: String!) { register(email: $e) { key plan } }"
_addresses = itertools.count(1)


def fresh_address() -> str:
    n = next(_addresses)
    return f"203.0.113.{n % 250 + 1}" if n < 250 else f"198.51.100.{n % 250 + 1}"


@dataclass
class Caller:
    """Sends the whole set of requests (keyed, guests from fresh addresses, a registration)
    and tallies what came back."""

    app: FastAPI
    key: str
    outcomes: Counter[str]

    def post(self, query: str, *, key: bool = True, address: str | None = None,
             variables: dict[str, Any] | None = None) -> httpx.Response:
        client = TestClient(self.app, raise_server_exceptions=False,
                            client=(address or fresh_address(), 5000))
        headers = {"Authorization": f"Bearer {self.key}"} if key else {}
        return client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers)

    def everything(self) -> list[tuple[str, httpx.Response]]:
        answers = [(f"key {n}", self.post(q)) for n, q in KEYED.items()]
        answers += [(f"guest {n}", self.post(q, key=False)) for n, q in GUEST.items()]
        email = f"robust-{uuid.uuid4().hex[:12]}@example.com"
        answers.append(("register", self.post(REGISTER, key=False, variables={"e": email})))
        return answers

    def expect_ok(self) -> None:
        for name, response in self.everything():
            outcome, problems = judge(response)
            self.outcomes[outcome] += 1
            assert outcome == "200 ok" and not problems, (name, response.text[:300])

    def expect_unavailable(self, *, served: frozenset[str] = frozenset()) -> None:
        """Every request a 503, but those named in ``served``, which must be answered."""
        for name, response in self.everything():
            outcome, problems = judge(response)
            self.outcomes[outcome] += 1
            expected = "200 ok" if name in served else "503 SERVICE_UNAVAILABLE"
            assert outcome == expected and not problems, (
                name, response.status_code, response.text[:300])
            assert "Traceback" not in response.text

    def used(self) -> int:
        answer = self.post(KEYED["viewer"].replace("limit remaining", "used"))
        return int(answer.json()["data"]["viewer"]["quota"]["used"])


def healthz(app: FastAPI) -> int:
    return TestClient(app, raise_server_exceptions=False).get("/healthz").status_code


# --- PostgreSQL while serving ------------------------------------------------------------------


@pytest.fixture(params=["sql", "memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> Iterator[Callable[[str], QuotaStore | None]]:
    """The quota store: in the same PostgreSQL (so the charge meets the outage first), in
    memory, or in Redis (then execution meets it: the resolvers' and loaders' path)."""
    made: list[QuotaStore] = []
    prefix = f"medcode-robust:{uuid.uuid4().hex}:"

    def make(_: str) -> QuotaStore | None:
        if request.param == "sql":
            return None  # the app's own SqlStore, on the proxied database
        store: QuotaStore = (MemoryStore() if request.param == "memory" else
                             RedisStore(request.getfixturevalue("redis_server_url"),
                                        prefix=prefix))
        made.append(store)
        return store

    yield make
    for store in made:
        if isinstance(store, RedisStore):
            keys = list(store.redis.scan_iter(match=f"{prefix}*"))
            if keys:
                store.redis.delete(*keys)
        store.close()


def test_postgres_outage_while_serving(robust_pg_url: str, pg_proxy: TcpProxy,
                                       store_kind: Callable[[str], QuotaStore | None],
                                       request: pytest.FixtureRequest) -> None:
    kind = request.node.callspec.params["store_kind"]
    settings = Settings(database_url=with_port(robust_pg_url, pg_proxy.port),
                        result_cache_entries=4096, fast_path_recheck_seconds=0)
    engine = make_engine(settings)
    secret, _ = create_key(engine, plan="partner", name="robustness outage")
    app = create_app(settings, engine, store=store_kind(kind))
    caller = Caller(app, secret, Counter())
    try:
        caller.expect_ok()  # also fills the result cache: cached answers still need the DB
        assert healthz(app) == 200

        pg_proxy.close()
        down = Counter[str]()
        caller.outcomes = down
        caller.expect_unavailable()
        assert healthz(app) == 503
        charged_address = fresh_address()
        refused = caller.post(GUEST["code"], key=False, address=charged_address)
        assert refused.status_code == 503

        pg_proxy.reopen()
        caller.outcomes = Counter()
        caller.expect_ok()
        assert healthz(app) == 200
        # The guest refused during the outage still has the day's one view: nothing charged.
        after = caller.post(GUEST["code"], key=False, address=charged_address)
        assert after.status_code == 200 and after.json()["data"]["code"]["code"] == "E11.9"

        # A restart between two requests: pooled connections are dead, the server is back.
        pg_proxy.close()
        pg_proxy.reopen()
        caller.expect_ok()
    finally:
        pg_proxy.reopen()
        engine.dispose()
    record("postgresql", f"PostgreSQL down while serving (quota store: {kind})",
           sum(down.values()), counts_of(down) + "; healthz 503; all 200 again once back")


# --- Redis while serving -----------------------------------------------------------------------


def test_redis_outage_while_serving(redis_server_url: str, redis_proxy: TcpProxy,
                                    loaded_sqlite: Path) -> None:
    proxied = with_port(redis_server_url, redis_proxy.port)
    settings = Settings(database_url=f"sqlite:///{loaded_sqlite}", redis_url=proxied)
    engine = make_engine(settings)
    secret, _ = create_key(engine, plan="partner", name="robustness redis outage")
    prefix = f"medcode-robust:{uuid.uuid4().hex}:"
    store = RedisStore(proxied, prefix=prefix)
    app = create_app(settings, engine, store=store)
    caller = Caller(app, secret, Counter())
    try:
        caller.expect_ok()
        used_before = caller.used()

        redis_proxy.close()
        down = Counter[str]()
        caller.outcomes = down
        # The partner key is unlimited: served, its views tallied in memory. Its quota cannot
        # be read (viewer), and guests and registrations need the store: 503.
        partner_served = frozenset(f"key {n}" for n in KEYED if n != "viewer")
        caller.expect_unavailable(served=partner_served)
        charged_address = fresh_address()
        assert caller.post(GUEST["code"], key=False, address=charged_address).status_code == 503
        database_health = healthz(app)  # the database is fine: healthz says so

        redis_proxy.reopen()
        # Every view served during the outage is on the partner's count now, as many as the
        # round before it: code (1), codes (2), validateCodes (2); the rest cost none.
        assert used_before == 5 and caller.used() == used_before + 5
        caller.outcomes = Counter()
        caller.expect_ok()
        after = caller.post(GUEST["code"], key=False, address=charged_address)
        assert after.status_code == 200 and after.json()["data"]["code"]["code"] == "E11.9"

        redis_proxy.close()
        redis_proxy.reopen()
        caller.expect_ok()
    finally:
        redis_proxy.reopen()
        keys = list(RedisStore(redis_server_url).redis.scan_iter(match=f"{prefix}*"))
        if keys:
            RedisStore(redis_server_url).redis.delete(*keys)
        store.close()
        engine.dispose()
    assert database_health == 200
    record("sqlite + redis", "Redis down while serving", sum(down.values()),
           counts_of(down) + " (partner key served, tallied); healthz 200 (database fine); "
           "all 200 again once back, tallies written")


# --- unreachable at start ----------------------------------------------------------------------


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield int(s.getsockname()[1])


def _start_settings(fault: str, port: int, tmp: Path) -> dict[str, str]:
    sqlite = f"sqlite:///{tmp / 'medcode.db'}"
    return {
        "database refuses": {"database_url": f"postgresql://postgres@127.0.0.1:{port}/x"},
        "Redis refuses": {"database_url": sqlite, "redis_url": f"redis://127.0.0.1:{port}/0"},
        "database URL unusable": {"database_url": "nonsense://x"},
        "database directory missing": {"database_url": f"sqlite:///{tmp / 'no' / 'm.db'}"},
    }[fault]


START_FAULTS = {
    "database refuses": "medcode: cannot reach the database",
    "Redis refuses": "medcode: cannot reach Redis",
    "database URL unusable": "medcode: MEDCODE_DATABASE_URL=",
    "database directory missing": "medcode: cannot reach the database",
}


@pytest.mark.parametrize("fault", sorted(START_FAULTS))
def test_serve_refuses_to_start(fault: str, tmp_path: Path) -> None:
    result = run_cli("serve", "--port", str(free_port()), timeout=60,
                     **_start_settings(fault, free_port(), tmp_path))
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(START_FAULTS[fault])
    record("-", f"`medcode serve`, {fault} at start", 1,
           f"exit {result.returncode}, one line: {one_line(result.stderr)[:60]}…")


@pytest.mark.parametrize("server", ["database", "Redis"])
def test_serve_gives_up_on_a_hung_server(server: str, silent_port: int, tmp_path: Path) -> None:
    settings = ({"database_url": f"postgresql://postgres@127.0.0.1:{silent_port}/x"}
                if server == "database" else
                {"database_url": f"sqlite:///{tmp_path / 'm.db'}",
                 "redis_url": f"redis://127.0.0.1:{silent_port}/0"})
    # MEDCODE_CONNECT_TIMEOUT: libpq's shortest (2 s); Redis's 1 s
    timeout = "2" if server == "database" else "1"
    result = run_cli("serve", "--port", str(free_port()), timeout=60, connect_timeout=timeout,
                     **settings)
    assert result.returncode == 1
    line = one_line(result.stderr)
    what = "the database" if server == "database" else "Redis"
    assert line.startswith(f"medcode: cannot reach {what}")
    record("-", f"`medcode serve`, {server} accepts but never answers", 1,
           f"exit {result.returncode} after MEDCODE_CONNECT_TIMEOUT, one line: {line[:50]}…")
