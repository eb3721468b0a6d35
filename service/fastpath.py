"""The fast path: repeated GraphQL requests answered from prepared bytes, still checked and charged.

Reference data changes only with a release, so the answer to a query is the same for every
caller on the same side of the guest gate. A request first goes the long way (FastAPI,
Strawberry, metering, the resolvers). When its answer is one the result cache may keep
(``service.caching``: a query, not about the caller, no errors but the guest gate) and cost what
it charged (no code came back null to be refunded), the response is kept ready to send: body
bytes split around ``extensions.cost.remaining``, headers, and the views it costs. The next
request with the same body bytes (a GET: the same query string), media type (negotiated from
``Accept`` as the long way negotiates it, ``service.encoding.negotiate``: an answer prepared as
``application/json`` is never sent as ``application/graphql-response+json``, nor the other way
round), ``Origin``, audience (what the caller may see: ``Policy.audience``) and releases is
answered here, in plain ASGI, with nothing parsed (a GET naming the answer's ETag in
``If-None-Match`` gets its 304, charged, as the long way does it). Who is calling, what the
answer may be seen by, what it costs and which headers say so are the long way's decisions,
asked of the same ``service.policy.Policy``:

- the caller: a guest by address (``X-Forwarded-For`` from trusted proxies, as the long way), or
  credentials the long way proved within ``MEDCODE_FAST_PATH_RECHECK_SECONDS``. Unknown,
  malformed, revoked or stale keys go the long way, which answers them, and keys the answer it
  prepares by the audience it found.
- the charge: the views the long way charged, through the same policy. A limited plan's charge
  is one atomic store call; refused or unanswered, the request goes the long way, which answers
  the 429 or 503 (a refused charge takes nothing, so nothing is charged twice). Unlimited plans
  are tallied in memory (see ``domain.metering.quota.Meter``).
- the releases: read from the database at most once per recheck interval (a database that does
  not answer sends every request the long way, which answers 503), and at once after a release
  is loaded in this process (``domain.generation``).

Anything else goes the long way: other methods (CORS preflights) and paths, POST bodies that are
not JSON or are over 64 KiB, chunked bodies, two ``Accept`` fields (HTTP reads them joined;
the key is read from one), answers over the size bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from domain import generation
from domain.lru import BoundedLRU
from domain.metering.quota import QuotaState, StoreUnavailable
from domain.metering.viewer import Viewer
from domain.releases import RELEASES, data_signature
from service import http_cache, logs, metrics, middleware
from service.encoding import encode, negotiate, negotiated
from service.policy import PER_REQUEST_HEADERS, Audience, Policy

log = logging.getLogger(__name__)

PREPARE = "medcode.prepare"  # the key of a request's Preparation in the ASGI scope's state
MAX_BODY = 65_536
MAX_ANSWER = 4_000_000
_REMAINING = "\x00medcode-remaining\x00"
# Headers not kept in a prepared answer: the request's own, made again for each.
_PER_REQUEST = frozenset({b"content-length", b"date", b"server",
                          *(name.lower().encode() for name in PER_REQUEST_HEADERS)})

# releases, audience, media type, Origin, body
Key = tuple[str, Audience, str, bytes | None, bytes]


class Keep(NamedTuple):
    """A request the long way answers and may prepare: a kept answer's key but the releases
    and the audience, which the long way finds."""

    media: str
    origin: bytes | None
    body: bytes


@dataclass(slots=True)
class Preparation:
    """What the long way learned of one request, filled in by the metering and result-cache
    extensions: the releases it answered from and the audience it answered for (set only when
    the answer may be kept), and the views it asked for and was finally charged."""

    releases: str | None = None
    audience: Audience | None = None
    operation: str = "-"
    requested: int = -1
    actual: int = -1


@dataclass(frozen=True, slots=True)
class Prepared:
    head: bytes
    tail: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    views: int
    size: int
    metrics: metrics.Batch
    etag: str | None  # a GET answer's entity tag (service.http_cache)


def prepare(start: dict[str, Any], body: bytes, views: int, operation: str) -> Prepared | None:
    """A kept answer from the long way's response, or None if it cannot be replayed."""
    headers = tuple((k, v) for k, v in start.get("headers", ()) if k not in _PER_REQUEST)
    if any(k == b"set-cookie" for k, _ in headers):
        return None
    try:
        document = orjson.loads(body)
        document["extensions"]["cost"]["remaining"] = _REMAINING
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    # Encoded as the long way encodes it, so both paths send the same bytes.
    parts = encode(document).split(encode(_REMAINING))
    if len(parts) != 2:
        return None
    head, tail = parts
    etag = next((v.decode("latin-1") for k, v in headers if k == b"etag"), None)
    return Prepared(head, tail, headers, views, len(head) + len(tail) + 256,
                    metrics.batch(operation), etag)


class PreparedAnswers:
    """Kept answers in an LRU bounded in bytes, and the releases they were answered from."""

    def __init__(self, engine: Engine, *, max_bytes: int, recheck_seconds: float) -> None:
        self.engine = engine
        self.recheck_seconds = recheck_seconds
        self._answers: BoundedLRU[Key, Prepared] = BoundedLRU(1 << 62, max_bytes)
        self._releases: str | None = None
        self._checked_until = 0.0
        self._generation = -1
        self.get: Callable[[Key], Prepared | None] = self._answers.get  # one call a request

    def __len__(self) -> int:
        return len(self._answers)

    def put(self, key: Key, answer: Prepared) -> None:
        size = answer.size + len(key[4])
        if size <= MAX_ANSWER:
            self._answers.put(key, answer, size)

    def releases(self) -> str | None:
        """The loaded releases' signature, read again once the recheck interval is over; None
        when the database does not answer."""
        now = time.monotonic()
        current = generation.releases()
        if now < self._checked_until and current == self._generation:
            return self._releases
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(RELEASES).all()
                found = data_signature(conn, ((r.id, r.version) for r in rows))
        except SQLAlchemyError:
            self._releases, self._checked_until = None, 0.0
            return None
        self._releases = found
        self._checked_until, self._generation = now + self.recheck_seconds, current
        return self._releases


class FastPath:
    """The outermost ASGI layer: answers what it has prepared, prepares what the app answers."""

    def __init__(self, app: Any, *, answers: PreparedAnswers, policy: Policy) -> None:
        self.app = app
        self.answers = answers
        self.policy = policy
        self._flushed_at = time.perf_counter()  # when metrics.flush_batches last ran here
        self._misses = metrics.CACHE.labels("prepared", "miss")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or scope["path"] != "/graphql"
                or scope["method"] not in ("POST", "GET")):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers: dict[bytes, bytes] = {}  # the first of each, as Starlette reads them
        plain = True  # one Content-Length (digits) and one Accept, no Transfer-Encoding
        for name, value in scope["headers"]:
            if name in headers:
                plain = plain and name != b"content-length" and name != b"accept"
            else:
                headers[name] = value
        declared = headers.get(b"content-length")
        plain = (plain and b"transfer-encoding" not in headers
                 and (declared is None or declared.isdigit()))
        length = int(declared) if plain and declared is not None else -1
        accept = headers.get(b"accept")
        media = negotiated(accept) or negotiate(accept)  # the answer's type: part of the key
        origin = headers.get(b"origin")  # CORS headers differ by origin: part of the key
        body: bytes | None
        if scope["method"] == "GET":  # the query string is the request; the body is not read
            query = scope.get("query_string", b"")
            if not (plain and length <= 0 and 0 < len(query) <= MAX_BODY):
                await self.app(scope, receive, send)
                return
            key_body, body = b"?" + query, None
        else:
            content_type = headers.get(b"content-type", b"")
            if not (plain and 0 <= length <= MAX_BODY
                    and (content_type == b"application/json"
                         or content_type.split(b";")[0].strip() == b"application/json")):
                await self.app(scope, receive, send)
                return
            chunks: list[bytes] = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            key_body = body = chunks[0] if len(chunks) == 1 else b"".join(chunks)

        try:
            found = self._find(scope, headers, key_body, media, origin)
        except Exception:  # a bug here must not cost the request: the long way answers
            log.exception("fast path lookup failed")
            found = None
        if found is None or isinstance(found, Keep):
            await self._long_way(scope, body, receive, send, found)
            return
        answer, viewer = found
        policy = self.policy
        try:
            state = policy.charge_prepared(viewer, answer.views)
        except StoreUnavailable:  # the long way answers the 503
            await self._long_way(scope, body, receive, send, None)
            return
        if state is not None and not state.granted:  # the long way answers the 429
            await self._long_way(scope, body, receive, send, None)
            return

        request_id = middleware.request_id(headers.get(b"x-request-id"))
        if_none_match = headers.get(b"if-none-match")
        if (if_none_match is not None and answer.etag is not None
                and http_cache.matches(if_none_match.decode("latin-1"), answer.etag)):
            await self._not_modified(send, answer, state, request_id, started)
            return
        if state is None:
            payload = b"%snull%s" % (answer.head, answer.tail)
        else:
            payload = b"%s%d%s" % (answer.head, state.remaining or 0, answer.tail)
        sent = [*answer.headers, (b"content-length", b"%d" % len(payload)),
                *policy.request_headers(request_id, state)]
        await send({"type": "http.response.start", "status": 200, "headers": sent})
        await send({"type": "http.response.body", "body": payload})
        if answer.views:
            policy.delivered(viewer, answer.views, batched=True)
        elapsed = time.perf_counter() - started
        answer.metrics.observe(elapsed)
        if started - self._flushed_at >= 1.0:
            self._flushed_at = started
            metrics.flush_batches()
        logs.ACCESS.request(scope["method"], "/graphql", 200, elapsed, request_id)

    def _find(self, scope: dict[str, Any], headers: dict[bytes, bytes], body: bytes,
              media: str,
              origin: bytes | None) -> tuple[Prepared, Viewer] | Keep | None:
        """(answer, caller) to answer here; else what the long way may prepare."""
        viewer = self.policy.known_caller(scope, headers)
        if viewer is None:  # the long way checks the key, and may prepare the answer
            return Keep(media, origin, body)
        releases = self.answers.releases()
        answer = None if releases is None else self.answers.get(
            (releases, self.policy.audience(viewer), media, origin, body))
        if answer is None:
            self._misses.inc()
            return Keep(media, origin, body)
        return answer, viewer

    async def _not_modified(self, send: Any, answer: Prepared, state: QuotaState | None,
                            request_id: str, started: float) -> None:
        """A GET whose If-None-Match names the answer's tag: 304, charged as the long way
        charges it (the answer was, in effect, served again)."""
        headers = [*http_cache.not_modified_headers(answer.headers),
                   *self.policy.request_headers(request_id, state)]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        elapsed = time.perf_counter() - started
        middleware.observe("/graphql", answer.metrics.operation, 304, elapsed)
        logs.ACCESS.request("GET", "/graphql", 304, elapsed, request_id)

    async def _long_way(self, scope: dict[str, Any], body: bytes | None, receive: Any,
                        send: Any, keep: Keep | None) -> None:
        """The app answers, from the body already read (None: not read, a GET); ``keep``
        asks to prepare the answer for next time."""
        replayed = body is None

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        if keep is None:
            await self.app(scope, replay, send)
            return
        preparation = Preparation()
        scope.setdefault("state", {})[PREPARE] = preparation
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def keep_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, keep_send)
        p = preparation
        if (p.releases is None or p.audience is None or start.get("status") != 200
                or p.requested < 0 or p.requested != p.actual):
            return
        answer = prepare(start, b"".join(parts), p.actual, p.operation)
        if answer is not None:
            self.answers.put((p.releases, p.audience, *keep), answer)
