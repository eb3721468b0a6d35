"""Two replicas (separate uvicorn processes) on one PostgreSQL and one Redis share one allowance.

Runs in the PostgreSQL variant of the suite with MEDCODE_TEST_REDIS_URL set (as .ci/run does).
Guests are told apart by X-Forwarded-For from a trusted proxy (the test). Redis keeps today's
counters across runs, so each test uses a random documentation /64 (2001:db8::/32, 2^32 of them)
rather than a small IPv4 range that earlier runs on the same day may have spent.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import Engine

from domain.settings import Settings
from tests.conftest import REDIS_ENV
from tests.live import live_server

QUERY = '{ code(system: ICD10CM, code: "I10") { code display } }'


@pytest.fixture(scope="module")
def replicas(engine: Engine, settings: Settings) -> Iterator[list[str]]:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"replicas share Redis: set {REDIS_ENV} (as .ci/run does)")
    env = {"MEDCODE_REDIS_URL": redis_url, "MEDCODE_TRUSTED_PROXIES": '["127.0.0.1"]',
           "MEDCODE_RESULT_CACHE_ENTRIES": "0"}
    with ExitStack() as stack:
        yield [stack.enter_context(live_server(settings.database_url, **env)) for _ in range(2)]


# One client for the module: each new httpx client loads the CA bundle (30 ms of CPU).
HTTP = httpx.Client(timeout=30)


def ask(url: str, guest: str) -> httpx.Response:
    return HTTP.post(f"{url}/graphql", json={"query": QUERY}, headers={"X-Forwarded-For": guest})


def new_guest() -> str:
    """A guest no earlier run has met: IPv6 guests are counted per /64."""
    bits = secrets.randbits(32)
    return f"2001:db8:{bits >> 16:x}:{bits & 0xFFFF:x}::1"


pytestmark = pytest.mark.postgresql_only


def test_a_view_spent_on_one_replica_is_refused_on_the_other(replicas: list[str]) -> None:
    guest = new_guest()
    first = ask(replicas[0], guest)
    assert first.status_code == 200 and first.json()["data"]["code"]["code"] == "I10"
    assert first.headers["x-ratelimit-remaining"] == "0"
    second = ask(replicas[1], guest)
    assert second.status_code == 429
    assert second.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"


def test_forty_concurrent_requests_across_both_serve_exactly_one(replicas: list[str]) -> None:
    guest = new_guest()
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda i: ask(replicas[i % 2], guest), range(40)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [429] * 39
    served = [a for a in answers if a.status_code == 200]
    assert served[0].json()["data"]["code"]["code"] == "I10"
