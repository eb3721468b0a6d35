"""The quota stores on their own: atomic charges, refunds, restarts, windows, outages.

Each test runs on the SQL store (the session database: SQLite, and PostgreSQL when configured)
and on Redis (when ``MEDCODE_TEST_REDIS_URL`` is set).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, create_engine

from domain.metering.quota import (
    WINDOW_SECONDS,
    Meter,
    QuotaState,
    QuotaStore,
    RedisStore,
    SqlStore,
    StoreUnavailable,
    window_start,
)
from tests.quota.conftest import T0, FakeClock


@pytest.fixture(scope="session")
def engine(empty_engine: Engine) -> Engine:
    """The stores need their one table: an empty, migrated database, not the release."""
    return empty_engine


def subject() -> str:
    return f"test:{uuid.uuid4().hex}"


def test_charge_takes_all_or_nothing(meter_factory: Callable[[], Meter]) -> None:
    meter, who = meter_factory(), subject()
    assert meter.charge(who, 6, 4) == QuotaState(6, 4, window_start(T0), T0, True)
    refused = meter.charge(who, 6, 3)
    assert (refused.granted, refused.used, refused.remaining) == (False, 4, 2)
    assert meter.charge(who, 6, 2).used == 6
    assert not meter.charge(who, 6, 1).granted
    assert meter.peek(who, 6).used == 6
    # A cost over the whole limit is refused without being counted.
    assert not meter.charge(subject(), 6, 7).granted


def test_unlimited_counts_without_refusing(meter_factory: Callable[[], Meter]) -> None:
    meter, who = meter_factory(), subject()
    for _ in range(3):
        assert meter.charge(who, None, 500).granted
    state = meter.peek(who, None)
    assert (state.used, state.remaining) == (1500, None)


def test_refunds_never_go_below_zero(meter_factory: Callable[[], Meter]) -> None:
    meter, who = meter_factory(), subject()
    state = meter.charge(who, 10, 5)
    assert meter.refund(who, state, 2).used == 3
    assert meter.refund(who, state, 50).used == 0
    assert meter.refund(subject(), state, 1).used == 0  # nothing to give back: no counter


def test_fifty_concurrent_charges_with_one_left_serve_exactly_one(
        meter_factory: Callable[[], Meter]) -> None:
    who = subject()
    meter_factory().charge(who, 6, 5)
    meters = [meter_factory() for _ in range(3)]  # three "replicas"
    start = threading.Barrier(50)

    def attempt(i: int) -> bool:
        start.wait()
        return meters[i % 3].charge(who, 6, 1).granted

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(attempt, range(50)))
    assert results.count(True) == 1
    assert meter_factory().peek(who, 6).used == 6


def test_counters_survive_a_restart(meter_factory: Callable[[], Meter]) -> None:
    who = subject()
    first = meter_factory()
    first.charge(who, 6, 4)
    first.store.close()
    assert meter_factory().peek(who, 6).used == 4


def test_a_new_window_starts_from_zero(meter_factory: Callable[[], Meter],
                                       clock: FakeClock) -> None:
    meter, who = meter_factory(), subject()
    assert meter.charge(who, 1, 1).granted
    refused = meter.charge(who, 1, 1)
    assert not refused.granted
    assert refused.seconds_to_reset == 15 * 3600  # T0 is 09:00 UTC
    clock.advance(15 * 3600 - 1)
    assert not meter.charge(who, 1, 1).granted
    clock.advance(1)  # 00:00 UTC
    fresh = meter.charge(who, 1, 1)
    assert (fresh.granted, fresh.used, fresh.window_start) == (True, 1,
                                                               window_start(T0) + WINDOW_SECONDS)


def test_a_refund_after_the_window_ended_changes_nothing(meter_factory: Callable[[], Meter],
                                                         clock: FakeClock) -> None:
    meter, who = meter_factory(), subject()
    state = meter.charge(who, 6, 3)
    clock.advance(WINDOW_SECONDS)
    assert meter.refund(who, state, 3) is state
    assert meter.charge(who, 6, 1).used == 1


def test_redis_counters_expire_at_the_end_of_their_window(redis_url: str,
                                                          clock: FakeClock) -> None:
    store = RedisStore(redis_url, prefix=f"medcode-test:{uuid.uuid4().hex}:")
    try:
        meter, who = Meter(store, {}, clock), subject()
        state = meter.charge(who, 6, 1)
        ttl = store.redis.ttl(store._key(who, state.window_start))
        assert ttl == 15 * 3600  # from 09:00 to 00:00 UTC
        store.redis.delete(store._key(who, state.window_start))
    finally:
        store.close()


def test_sql_store_purges_old_windows(engine_for_purge: SqlStore) -> None:
    store, who = engine_for_purge, subject()
    old, current = window_start(T0) - 3 * WINDOW_SECONDS, window_start(T0)
    store.charge(who, old, 2, None, 1)
    store.charge(who, current, 2, None, 1)
    Meter(store, {}, FakeClock())  # purges lazily, on its first charge
    Meter(store, {}, FakeClock()).peek(who, None)
    assert store.used(who, old) == 0
    assert store.used(who, current) == 2


@pytest.fixture
def engine_for_purge(engine: Engine) -> Iterator[SqlStore]:
    store = SqlStore(engine)
    yield store
    store.close()


@pytest.mark.parametrize("make", [
    lambda: RedisStore("redis://127.0.0.1:9/0", timeout=0.5),
    lambda: SqlStore(create_engine("sqlite:////nonexistent-dir/medcode.db")),
], ids=["redis", "sql"])
def test_an_unreachable_store_raises_store_unavailable(make: Callable[[], QuotaStore]) -> None:
    meter = Meter(make(), {}, FakeClock())
    with pytest.raises(StoreUnavailable):
        meter.charge("guest:192.0.2.1", 1, 1)
    with pytest.raises(StoreUnavailable):
        meter.peek("guest:192.0.2.1", 1)
