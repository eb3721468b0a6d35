"""Fixtures for metering: each store (SQL on the session database; Redis when
``MEDCODE_TEST_REDIS_URL`` is set), a clock the tests move, and apps of their own.

Guests are counted per client address, so every test that spends views uses fresh addresses
(``addresses``) and, on Redis, a key prefix of its own: tests never share a counter.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.metering.quota import Meter, QuotaStore, RedisStore, SqlStore, window_start
from domain.settings import Settings
from service.app import create_app

# 09:00 UTC thirty days ago: the tests' windows never meet the real ones in the session database,
# and the purge of older windows that every new meter does once never reaches today's counters.
T0 = window_start(time.time()) - 30 * 86_400 + 9 * 3600

_address_numbers = itertools.count(1)


class FakeClock:
    """Epoch seconds that only move when a test says so."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fresh_address() -> str:
    """A TEST-NET address no other test uses."""
    n = next(_address_numbers)
    return f"198.18.{n // 250}.{n % 250 + 1}"


@pytest.fixture
def addresses() -> Callable[[], str]:
    return fresh_address


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sql", "redis"])
def store_factory(request: pytest.FixtureRequest,
                  engine: Engine) -> Iterator[Callable[[], QuotaStore]]:
    """Makes store instances over one shared backing store: calling it twice is a restart
    (or a second replica). The SQL store runs on each session database."""
    made: list[QuotaStore] = []
    if request.param == "sql":
        def make() -> QuotaStore:
            store = SqlStore(engine)
            made.append(store)
            return store
        yield make
        for store in made:
            store.close()
        return

    url = request.getfixturevalue("redis_url")
    prefix = f"medcode-test:{uuid.uuid4().hex}:"

    def make_redis() -> QuotaStore:
        store = RedisStore(url, prefix=prefix)
        made.append(store)
        return store

    yield make_redis
    first = made[0] if made else RedisStore(url, prefix=prefix)
    assert isinstance(first, RedisStore)
    keys = list(first.redis.scan_iter(match=f"{prefix}*"))
    if keys:
        first.redis.delete(*keys)
    for store in made:
        store.close()


@pytest.fixture
def meter_factory(store_factory: Callable[[], QuotaStore],
                  clock: FakeClock) -> Callable[[], Meter]:
    """Meters (limits are passed per call) over this test's store."""
    return lambda: Meter(store_factory(), {}, clock)


@pytest.fixture
def app_factory(store_factory: Callable[[], QuotaStore], clock: FakeClock, settings: Settings,
                engine: Engine) -> Callable[..., FastAPI]:
    """Apps over the session database and this test's store; ``settings`` overrides."""

    def make(**overrides: Any) -> FastAPI:
        s = settings.model_copy(update=overrides) if overrides else settings
        return create_app(s, engine, store=store_factory(), clock=clock)

    return make


@pytest.fixture
def client_for(app_factory: Callable[..., FastAPI],
               addresses: Callable[[], str]) -> Callable[..., TestClient]:
    """A TestClient on a fresh app, from a fresh client address unless one is given."""

    def make(app: FastAPI | None = None, address: str | None = None) -> TestClient:
        return TestClient(app or app_factory(), client=(address or addresses(), 5000))

    return make


@pytest.fixture
def key_for(engine: Engine) -> Callable[[str], str]:
    """A new key on a plan; returns the plaintext key."""

    def make(plan: str) -> str:
        secret, _ = create_key(engine, plan=plan, name=f"test {plan} {uuid.uuid4().hex[:8]}")
        return secret

    return make


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
