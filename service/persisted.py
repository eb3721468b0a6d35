"""Automatic persisted queries (APQ), the protocol Apollo clients speak.

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}``:

- with the hash alone: the stored query runs; an unknown hash is answered (HTTP 200) with the
  error ``PersistedQueryNotFound`` (``extensions.code = "PERSISTED_QUERY_NOT_FOUND"``), and the
  client retries with the query text and the hash;
- with the query and the hash: the hash is checked against the query's SHA-256 (a mismatch is a
  ``BAD_USER_INPUT`` error and nothing runs), the query runs, and once it has parsed and
  validated it is stored under its hash.

Works over POST (JSON body) and GET (``extensions`` as a JSON query parameter), so a hashed query
is a short, cacheable URL. Queries are stored per process in a bounded LRU, and in Redis when
``MEDCODE_REDIS_URL`` is set so that every replica knows a query any of them has seen. A Redis
outage never fails a request: the process's own store keeps answering, and a miss only costs the
client one round trip to send the text again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

from domain.lru import BoundedLRU
from schema.errors import BAD_USER_INPUT

log = logging.getLogger(__name__)

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _utf8(query: str) -> bytes:
    # JSON may carry lone surrogates ("\ud800"), which strict UTF-8 cannot encode; such a query
    # then hashes (and is stored) by its surrogate-escaped bytes instead of failing with a 500.
    return query.encode("utf-8", "surrogatepass")


def sha256_hex(query: str) -> str:
    return hashlib.sha256(_utf8(query)).hexdigest()


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run; answered as a GraphQL error, never charged."""

    def __init__(self, message: str, code: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class PersistedQueryStore(Protocol):
    def get(self, digest: str) -> str | None: ...

    def put(self, digest: str, query: str) -> None: ...


class MemoryPersistedQueries:
    """A thread-safe LRU of query texts by hash, bounded in entries and in characters."""

    def __init__(self, max_entries: int = 10_000, max_chars: int = 32_000_000) -> None:
        self._lru: BoundedLRU[str, str] = BoundedLRU(max_entries, max_chars)

    def get(self, digest: str) -> str | None:
        return self._lru.get(digest)

    def put(self, digest: str, query: str) -> None:
        self._lru.put(digest, query, len(query))

    @property
    def chars(self) -> int:
        return self._lru.size

    def __len__(self) -> int:
        return len(self._lru)


class RedisPersistedQueries:
    """Queries in Redis (shared by replicas, expiring after ``ttl`` seconds unused), in front of
    the process's own LRU. Redis errors are logged and treated as a miss."""

    def __init__(self, url: str, local: MemoryPersistedQueries, *,
                 prefix: str = "medcode:apq:", ttl: int = 30 * 86_400,
                 timeout: float = 1.0) -> None:
        import redis

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                          socket_timeout=timeout)
        self.local = local
        self.prefix = prefix
        self.ttl = ttl

    def get(self, digest: str) -> str | None:
        query = self.local.get(digest)
        if query is not None:
            return query
        try:
            raw = self.redis.getex(self.prefix + digest, ex=self.ttl)
        except self._errors as exc:
            log.warning("persisted query store (Redis) does not answer: %s", exc)
            return None
        if raw is None:
            return None
        query = raw.decode("utf-8", "surrogatepass") if isinstance(raw, bytes) else str(raw)
        if sha256_hex(query) != digest:  # never run text that is not what the hash names
            return None
        self.local.put(digest, query)
        return query

    def put(self, digest: str, query: str) -> None:
        self.local.put(digest, query)
        try:
            self.redis.set(self.prefix + digest, _utf8(query), ex=self.ttl)
        except self._errors as exc:
            log.warning("persisted query store (Redis) does not answer: %s", exc)

    def close(self) -> None:
        self.redis.close()


def make_persisted_store(*, redis_url: str | None, max_entries: int,
                         ttl: int) -> PersistedQueryStore:
    local = MemoryPersistedQueries(max_entries)
    if redis_url:
        return RedisPersistedQueries(redis_url, local, ttl=ttl)
    return local


@dataclass(slots=True)
class PersistedRequest:
    """What the extension asked for: the query to run, and whether to store it afterwards."""

    query: str
    digest: str
    register: bool


def resolve(store: PersistedQueryStore, query: str | None,
            extensions: dict[str, Any] | None, *, max_chars: int) -> PersistedRequest | None:
    """The query a request runs under APQ; None when it does not use APQ.

    Raises PersistedQueryError for an unknown hash, a mismatched hash or a malformed extension.
    """
    if not extensions or "persistedQuery" not in extensions:
        return None
    pq = extensions["persistedQuery"]
    if not isinstance(pq, dict):
        raise PersistedQueryError(
            '`extensions.persistedQuery` must be an object such as {"version": 1, '
            '"sha256Hash": "<64 hex digits>"}.', BAD_USER_INPUT)
    if pq.get("version") != 1:
        raise PersistedQueryError(
            f"Persisted query version {pq.get('version')!r} is not supported; send "
            '"version": 1.', BAD_USER_INPUT)
    digest = pq.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise PersistedQueryError(
            "`extensions.persistedQuery.sha256Hash` must be the query's SHA-256 as 64 hex "
            "digits.", BAD_USER_INPUT)
    digest = digest.lower()
    if query:
        actual = sha256_hex(query)
        if actual != digest:
            raise PersistedQueryError(
                f"The persisted query's sha256Hash ({digest[:12]}…) does not match the SHA-256 "
                f"of the query sent ({actual[:12]}…): hash the exact query text, UTF-8 "
                "encoded. Nothing was run or stored.", BAD_USER_INPUT)
        return PersistedRequest(query, digest, register=len(query) <= max_chars)
    stored = store.get(digest)
    if stored is None:
        raise PersistedQueryError(NOT_FOUND_MESSAGE, PERSISTED_QUERY_NOT_FOUND)
    return PersistedRequest(stored, digest, register=False)
