"""Daily allowances of code views, and the stores that count them.

A subject (``key:<id>``, ``guest:<address>``, ``register:<address>``) has one counter per daily
window (00:00 to 24:00 UTC). A charge is one atomic step that either takes the whole cost or
nothing, so concurrent requests can never overspend:

- ``SqlStore``: one ``INSERT … ON CONFLICT DO UPDATE … WHERE used + cost <= limit RETURNING``
  in autocommit, the same statement on SQLite and PostgreSQL.
- ``RedisStore``: one Lua script (charge, refund and read) on a key that expires at the end of
  its window, so replicas share one allowance and old windows clean themselves up.

A store that does not answer raises ``StoreUnavailable``; the HTTP layer turns it into a 503.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy import Engine, TextClause, create_engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

WINDOW_SECONDS = 86_400
TALLY_SECONDS = 1.0  # how often unlimited plans' tallies are written (see Meter)
Clock = Callable[[], float]

log = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The quota store does not answer."""


def window_start(now: float) -> int:
    """The start of the daily window holding ``now`` (epoch seconds; days are UTC-aligned)."""
    return int(now // WINDOW_SECONDS) * WINDOW_SECONDS


class QuotaStore(Protocol):
    def charge(self, subject: str, window: int, cost: int, limit: int | None,
               ttl: int) -> tuple[bool, int]:
        """Add ``cost`` unless that would pass ``limit``; (granted, used afterwards)."""

    def refund(self, subject: str, window: int, amount: int, ttl: int) -> int:
        """Give back up to ``amount`` (never below zero); the count afterwards."""

    def used(self, subject: str, window: int) -> int: ...

    def purge(self, before: int) -> None:
        """Forget windows that started before ``before``."""

    def close(self) -> None: ...


# SQL ----------------------------------------------------------------------------------------

_UPSERT = (
    "INSERT INTO quota_counter (subject, window_start, used) VALUES (:s, :w, :c) "
    "ON CONFLICT (subject, window_start) DO UPDATE SET used = quota_counter.used + excluded.used"
)
_CHARGE_LIMITED = text(
    _UPSERT + " WHERE quota_counter.used + excluded.used <= :limit RETURNING used"
)
_CHARGE_UNLIMITED = text(_UPSERT + " RETURNING used")
_USED = text("SELECT used FROM quota_counter WHERE subject = :s AND window_start = :w")
_REFUND = text(
    "UPDATE quota_counter SET used = CASE WHEN used > :n THEN used - :n ELSE 0 END "
    "WHERE subject = :s AND window_start = :w RETURNING used"
)
_PURGE = text("DELETE FROM quota_counter WHERE window_start < :w")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """As the service's own connections: wait for the write lock; WAL without a flush per
    commit (the database file is already in WAL mode)."""
    dbapi_conn.execute("PRAGMA busy_timeout=10000")
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def quota_engine(engine: Engine) -> tuple[Engine, bool]:
    """A small pool of its own for the counters, in autocommit: a charge is one statement and
    one round trip, with no BEGIN/COMMIT and no pre-ping. A request's own connection and the
    charge's never come from the same pool, so no request waits on itself. On PostgreSQL the
    counters commit with ``synchronous_commit=off``: a crash may forget the last fraction of a
    second of charges, and a charge does not wait for a disk flush (about 3 ms otherwise).
    Returns the engine and whether it is new (a store disposes only its own)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return engine.execution_options(isolation_level="AUTOCOMMIT"), False
        own = create_engine(url, isolation_level="AUTOCOMMIT",
                            connect_args={"check_same_thread": False})
        event.listen(own, "connect", _sqlite_pragmas)
        return own, True
    # A worker's event loop runs one charge at a time; the spare connections serve threads.
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=2, max_overflow=6,
                         pool_timeout=10, connect_args={
                             "connect_timeout": 5, "options": "-c synchronous_commit=off"}), True


class SqlStore:
    """Counters in the ``quota_counter`` table of the service's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self._owned = quota_engine(engine)

    def _run(self, stmt: TextClause, **params: object) -> int | None:
        for attempt in (1, 2):
            try:
                with self.engine.connect() as conn:
                    result = conn.execute(stmt, params)
                    value = result.scalar() if result.returns_rows else None
                return None if value is None else int(value)
            except DBAPIError as exc:
                if exc.connection_invalidated and attempt == 1:
                    continue  # a connection the server closed: the pool reconnects once
                raise StoreUnavailable(
                    f"the quota database does not answer ({exc.__class__.__name__})") from exc
            except SQLAlchemyError as exc:
                raise StoreUnavailable(
                    f"the quota database does not answer ({exc.__class__.__name__})") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def charge(self, subject: str, window: int, cost: int, limit: int | None,
               ttl: int) -> tuple[bool, int]:
        if cost <= 0:
            return True, self.used(subject, window)
        if limit is not None and cost > limit:
            return False, self.used(subject, window)
        if limit is None:
            used = self._run(_CHARGE_UNLIMITED, s=subject, w=window, c=cost)
        else:
            used = self._run(_CHARGE_LIMITED, s=subject, w=window, c=cost, limit=limit)
        if used is None:  # the WHERE refused it: not enough left
            return False, self.used(subject, window)
        return True, used

    def refund(self, subject: str, window: int, amount: int, ttl: int) -> int:
        return self._run(_REFUND, s=subject, w=window, n=amount) or 0

    def used(self, subject: str, window: int) -> int:
        return self._run(_USED, s=subject, w=window) or 0

    def purge(self, before: int) -> None:
        self._run(_PURGE, w=before)

    def close(self) -> None:
        if self._owned:
            self.engine.dispose()


# Redis --------------------------------------------------------------------------------------

# KEYS[1] counter; ARGV: delta (> 0 charge, < 0 refund, 0 read), limit (-1: none), ttl seconds.
# Returns {granted (0/1), used afterwards}.
_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local delta = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if delta == 0 then return {1, used} end
if delta > 0 and limit >= 0 and used + delta > limit then return {0, used} end
if used + delta < 0 then delta = -used end
if delta == 0 then return {1, used} end
used = redis.call('INCRBY', KEYS[1], delta)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, used}
"""


class RedisStore:
    """Counters in Redis, shared by every replica; keys expire when their window ends."""

    def __init__(self, url: str, *, prefix: str = "medcode:quota:", timeout: float = 2.0) -> None:
        import redis

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                          socket_timeout=timeout)
        self.prefix = prefix
        self._script = self.redis.register_script(_LUA)

    def _key(self, subject: str, window: int) -> str:
        return f"{self.prefix}{subject}:{window}"

    def _eval(self, subject: str, window: int, delta: int, limit: int | None,
              ttl: int) -> tuple[bool, int]:
        try:
            granted, used = self._script(keys=[self._key(subject, window)],
                                         args=[delta, -1 if limit is None else limit,
                                               max(ttl, 1)])
        except self._errors as exc:
            raise StoreUnavailable(f"Redis does not answer ({exc.__class__.__name__})") from exc
        return bool(granted), int(used)

    def charge(self, subject: str, window: int, cost: int, limit: int | None,
               ttl: int) -> tuple[bool, int]:
        return self._eval(subject, window, max(cost, 0), limit, ttl)

    def refund(self, subject: str, window: int, amount: int, ttl: int) -> int:
        return self._eval(subject, window, -amount, None, ttl)[1]

    def used(self, subject: str, window: int) -> int:
        return self._eval(subject, window, 0, None, 1)[1]

    def purge(self, before: int) -> None:
        """Keys expire on their own."""

    def close(self) -> None:
        self.redis.close()


# Plans and windows --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuotaState:
    """A subject's allowance as of one request."""

    limit: int | None  # None: unlimited
    used: int
    window_start: int
    now: float
    granted: bool = True

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def reset_at(self) -> int:
        return self.window_start + WINDOW_SECONDS

    @property
    def seconds_to_reset(self) -> int:
        return max(math.ceil(self.reset_at - self.now), 1)


class Meter:
    """Charges subjects against daily limits in a store, with an injectable clock.

    Unlimited plans are counted, never refused, so their charges need no answer from the
    store: they are tallied in memory and written at most once a second per process (and at
    shutdown, by ``write_tallies``). A partner's request then costs no store round trip, and
    partners keep being served while the store is away (their tallies wait for it). Reading a
    subject's count (``peek``) writes that subject's tally first, so a process always reports
    its own charges exactly; another replica's last second shows once it writes. A process
    killed outright (SIGKILL) loses at most its last second of tallies.
    """

    def __init__(self, store: QuotaStore, plan_limits: Mapping[str, int | None],
                 clock: Clock = time.time) -> None:
        self.store = store
        self.plan_limits = dict(plan_limits)
        self.clock = clock
        self._purged_window: int | None = None
        self._tally: dict[tuple[str, int], int] = {}
        self._tally_lock = threading.Lock()
        self._written_at = time.monotonic()
        # Set while the app's lifespan writes the tallies from a thread: requests then never
        # wait for a store that is slow or away (a dropped connection waits its timeout).
        self.background_writer = False

    def plan_limit(self, plan: str) -> int | None:
        """A plan's daily views; a plan no longer configured gets none."""
        return self.plan_limits.get(plan, 0)

    def charge(self, subject: str, limit: int | None, cost: int) -> QuotaState:
        """Take ``cost`` views, or nothing if that would pass ``limit``. For an unlimited plan
        the state's ``used`` is this process's unwritten tally (``peek`` reads the count)."""
        now = self.clock()
        window = window_start(now)
        self._purge_old(window)
        if limit is None:
            return QuotaState(None, self.tally(subject, max(cost, 0)), window, now, True)
        granted, used = self.store.charge(subject, window, cost, limit,
                                          self._ttl(window, now))
        return QuotaState(limit, used, window, now, granted)

    def tally(self, subject: str, cost: int) -> int:
        """``charge`` for an unlimited plan, without building its state (the fast path): the
        subject's unwritten tally afterwards."""
        window = window_start(self.clock())
        if window != self._purged_window:
            self._purge_old(window)
        key = (subject, window)
        with self._tally_lock:
            pending = self._tally.get(key, 0) + cost
            if pending:
                self._tally[key] = pending
        if not self.background_writer:  # (the served case: a task writes them every second)
            self._maybe_write()
        return pending

    def _maybe_write(self) -> None:
        if not self.background_writer and time.monotonic() - self._written_at >= TALLY_SECONDS:
            self.write_tallies()

    def peek(self, subject: str, limit: int | None) -> QuotaState:
        """The subject's state from the store (this process's tally written first)."""
        now = self.clock()
        window = window_start(now)
        self._purge_old(window)
        self._write_subject(subject)
        _, used = self.store.charge(subject, window, 0, limit, self._ttl(window, now))
        return QuotaState(limit, used, window, now, True)

    def refund(self, subject: str, state: QuotaState, amount: int) -> QuotaState:
        """Give back views charged in ``state``'s window (nothing once that window is over)."""
        now = self.clock()
        if amount <= 0 or window_start(now) != state.window_start:
            return state
        if state.limit is None:  # from the unwritten tally first
            key = (subject, state.window_start)
            with self._tally_lock:
                held = self._tally.get(key, 0)
                taken = min(held, amount)
                if held - taken:
                    self._tally[key] = held - taken
                else:
                    self._tally.pop(key, None)
            amount -= taken
            if amount <= 0:
                return replace(state, used=max(state.used - taken, 0), now=now)
        used = self.store.refund(subject, state.window_start, amount,
                                 self._ttl(state.window_start, now))
        return replace(state, used=used, now=now)

    def pending_tallies(self) -> int:
        """Views charged to unlimited plans and not yet written to the store."""
        with self._tally_lock:
            return sum(self._tally.values())

    def write_tallies(self) -> None:
        """Write every unlimited plan's tally; a store that does not answer keeps them for
        the next try (logged, never raised: the requests were served)."""
        with self._tally_lock:
            batch, self._tally = self._tally, {}
            self._written_at = time.monotonic()
        try:
            self._write(batch)
        except StoreUnavailable as exc:
            log.warning("unlimited plans' tallies wait for the quota store: %s", exc)

    def _write_subject(self, subject: str) -> None:
        """Write one subject's tally before its count is read; raises StoreUnavailable."""
        with self._tally_lock:
            if not self._tally:
                return
            batch = {k: self._tally.pop(k) for k in [k for k in self._tally if k[0] == subject]}
        self._write(batch)

    def _write(self, batch: dict[tuple[str, int], int]) -> None:
        items = list(batch.items())
        for i, ((subject, window), amount) in enumerate(items):
            try:
                self.store.charge(subject, window, amount, None,
                                  self._ttl(window, self.clock()))
            except StoreUnavailable:
                with self._tally_lock:  # put back what was not written
                    for key, rest in items[i:]:
                        self._tally[key] = self._tally.get(key, 0) + rest
                raise

    @staticmethod
    def _ttl(window: int, now: float) -> int:
        """Seconds left in the window, from the (possibly injected) clock."""
        return max(math.ceil(window + WINDOW_SECONDS - now), 1)

    def _purge_old(self, window: int) -> None:
        """Once per window and process, drop counters older than yesterday's."""
        if self._purged_window == window:
            return
        self._purged_window = window
        try:
            self.store.purge(window - WINDOW_SECONDS)
        except StoreUnavailable as exc:
            log.warning("could not purge old quota windows: %s", exc)


def make_store(*, engine: Engine, redis_url: str | None,
               redis_prefix: str = "medcode:quota:") -> QuotaStore:
    """Redis when configured (shared by replicas), else the service's SQL database."""
    if redis_url:
        return RedisStore(redis_url, prefix=redis_prefix)
    return SqlStore(engine)
