"""The outermost ASGI layer of the long way: request ids, the body-size bound, the media type of
``/graphql`` answers, metrics, the access log, and a last-resort 500.

A body over ``MEDCODE_MAX_BODY_BYTES`` is a 413 with a JSON error and ``Connection: close``.
A client that sent ``Expect: 100-continue`` gets it before it sends the body. Most clients
(Python's ``urllib`` and ``requests``, browsers) send the body at once, and do not read an
answer until they have sent it all: closing the connection under them resets it, and they see a
broken pipe instead of the 413. So the body is first read and dropped, as robust servers do
(nginx's lingering close, Tomcat's ``maxSwallowSize``), up to ``DISCARD_BYTES`` and
``DISCARD_SECONDS``; past either bound the 413 is sent and the connection closed anyway.

On ``/graphql``, when the client prefers ``application/graphql-response+json``
(``service.encoding.negotiate``), every JSON answer is sent with that media type, and one that is
not a 2xx (a 400, 401, 413, 429, 503 …) without its ``data`` entry, as the GraphQL-over-HTTP
spec asks: here, so that the answers made outside the router (401 and 503 from the request's
context, this layer's own 413 and 500) follow it too.

Written as plain ASGI (no BaseHTTPMiddleware) because it wraps every request on the hot path.
The fast path (``service.fastpath``) makes its request ids, metrics and access log lines with
the functions here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import secrets
import time
from typing import Any

from schema.errors import INTERNAL_ERROR, QUERY_TOO_LARGE
from service import logs, metrics
from service.encoding import (
    GRAPHQL_RESPONSE,
    GRAPHQL_RESPONSE_CONTENT_TYPE,
    JSON,
    MEDIA,
    negotiate,
    without_data,
)
from service.policy import request_id_header

log = logging.getLogger("medcode.http")

Scope = dict[str, Any]
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# How much of a body over the limit is read and dropped before the 413, and for how long.
DISCARD_BYTES = 64_000_000
DISCARD_SECONDS = 10.0
_CLOSE = (b"connection", b"close")


_ID_PREFIX = secrets.token_hex(4)
_ID_COUNTER = itertools.count(secrets.randbits(24))


def request_id(given: bytes | None) -> str:
    """The client's ``X-Request-Id`` when it is sane, else a new one: 16 hex digits, a random
    prefix per process and a counter (unique enough to find a log line, a third of a UUID's
    cost)."""
    if given is not None:
        text = given.decode("latin-1")
        if _SANE_ID.fullmatch(text):
            return text
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFF:08x}"


def observe(path: str, operation: str, status: int, seconds: float) -> None:
    """A request in the metrics: its count by path, operation and status, and its latency
    (the fast path's 200s are counted in batches: ``metrics.Batch``)."""
    if path == "/metrics":
        return
    label = path if path in ("/graphql", "/healthz") else "other"
    metrics.REQUESTS.labels(label, operation, str(status)).inc()
    metrics.LATENCY.labels(label, operation).observe(seconds)


class BodyTooLarge(Exception):
    pass


def _json_error(status: int, message: str, code: str, request_id: str,
                extra_headers: list[tuple[bytes, bytes]] | None = None, *,
                media: str = JSON) -> tuple[dict, dict]:
    error = {"message": message, "extensions": {"code": code, "requestId": request_id}}
    if media == GRAPHQL_RESPONSE:
        body = json.dumps({"errors": [error]}).encode()
        content_type = GRAPHQL_RESPONSE_CONTENT_TYPE
    else:
        body = json.dumps({"data": None, "errors": [error]}).encode()
        content_type = b"application/json"
    headers = [(b"content-type", content_type),
               (b"content-length", str(len(body)).encode()),
               request_id_header(request_id), *(extra_headers or [])]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body})


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    content_type = next((v for k, v in headers if k == b"content-type"), b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


def _accept(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """The request's ``Accept``: its fields joined, as HTTP reads several."""
    values = [v for k, v in headers if k == b"accept"]
    return values[0] if len(values) == 1 else b", ".join(values) or None


async def discard(receive: Any, max_bytes: int, seconds: float) -> bool:
    """Read the rest of a request body and drop it: True once it is all read, False past
    ``max_bytes`` or ``seconds``, or when the client went away."""
    seen = 0
    try:
        async with asyncio.timeout(seconds):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return False
                seen += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return True
                if seen > max_bytes:
                    return False
    except TimeoutError:
        return False


class EdgeMiddleware:
    def __init__(self, app: Any, *, max_body_bytes: int, discard_bytes: int = DISCARD_BYTES,
                 discard_seconds: float = DISCARD_SECONDS) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.discard_bytes = discard_bytes
        self.discard_seconds = discard_seconds

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = request_id(headers.get(b"x-request-id"))
        path = scope.get("path", "")
        media = negotiate(_accept(scope["headers"])) if path == "/graphql" else JSON
        state = scope.setdefault("state", {})
        state["request_id"] = rid
        state[MEDIA] = media
        token = logs.request_id.set(rid)
        op_token = metrics.operation.set("-")
        started = time.perf_counter()
        status = 500
        response_started = False

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            # Sent with Expect: 100-continue, the body is not on its way until asked for.
            if (headers.get(b"expect", b"").lower() != b"100-continue"
                    and int(declared) <= self.discard_bytes):
                await discard(receive, self.discard_bytes, self.discard_seconds)
            await self._too_large(send, rid, media)
            self._observe(path, 413, started)
            logs.ACCESS.request(scope.get("method"), path, 413, time.perf_counter() - started, rid)
            metrics.operation.reset(op_token)
            logs.request_id.reset(token)
            return

        seen = 0
        body_read = False  # the message that went over the limit was the body's last

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen, body_read
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    body_read = not message.get("more_body", False)
                    raise BodyTooLarge
            return message

        # The media type of a /graphql answer (see the module's docstring): a JSON answer's
        # Content-Type, and a non-2xx one's body, held until it is whole, without `data`.
        convert = media == GRAPHQL_RESPONSE
        held: dict[str, Any] | None = None
        parts: list[bytes] = []

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal status, response_started, held
            if message["type"] == "http.response.start":
                status = message["status"]
                sent = [*message.get("headers", []), request_id_header(rid)]
                if convert and _is_json(sent):
                    sent = [(k, GRAPHQL_RESPONSE_CONTENT_TYPE) if k == b"content-type"
                            else (k, v) for k, v in sent]
                    if not 200 <= status < 300:
                        held = {**message, "headers": sent}
                        return
                message["headers"] = sent
                response_started = True
            elif held is not None and message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = without_data(b"".join(parts))
                held["headers"] = [(k, str(len(body)).encode()) if k == b"content-length"
                                   else (k, v) for k, v in held["headers"]]
                response_started = True
                await send(held)
                held = None
                message = {"type": "http.response.body", "body": body}
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                if not body_read:  # else nothing is left to read: waiting would only stall
                    await discard(receive, max(self.discard_bytes - seen, 0),
                                  self.discard_seconds)
                await self._too_large(send, rid, media)
                status = 413
        except Exception:
            log.exception("unhandled error, request id %s", rid)
            if not response_started:
                start, body = _json_error(
                    500, f"Internal error (request id {rid}). It has been logged.",
                    INTERNAL_ERROR, rid, media=media)
                await send(start)
                await send(body)
                status = 500
        finally:
            self._observe(path, status, started)
            logs.ACCESS.request(scope.get("method"), path, status,
                                time.perf_counter() - started, rid)
            metrics.operation.reset(op_token)
            logs.request_id.reset(token)

    async def _too_large(self, send: Any, rid: str, media: str) -> None:
        """The 413, closing the connection: what is left of the body is not read."""
        message = (f"The request body is over the limit of {self.max_body:,} bytes; send fewer "
                   "codes per request (at most 500) or split the query.")
        start, body = _json_error(413, message, QUERY_TOO_LARGE, rid, [_CLOSE], media=media)
        await send(start)
        await send(body)

    @staticmethod
    def _observe(path: str, status: int, started: float) -> None:
        observe(path, metrics.operation.get(), status, time.perf_counter() - started)
