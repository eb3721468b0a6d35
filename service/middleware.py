"""The outermost ASGI layer of the long way: request ids, the body-size bound, metrics, the
access log, and a last-resort 500.

Written as plain ASGI (no BaseHTTPMiddleware) because it wraps every request on the hot path.
The fast path (``service.fastpath``) makes its request ids, metrics and access log lines with
the functions here.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time
from typing import Any

from schema.errors import INTERNAL_ERROR, QUERY_TOO_LARGE
from service import logs, metrics
from service.policy import request_id_header

log = logging.getLogger("medcode.http")

Scope = dict[str, Any]
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


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


def access(method: str | None, path: str, status: int, seconds: float,
           request_id: str) -> None:
    """A request's line in the access log, when it is on."""
    if logs.ACCESS.on():
        logs.ACCESS.line(f"{method} {path} {status} {seconds * 1000:.2f}ms", request_id)


class BodyTooLarge(Exception):
    pass


def _json_error(status: int, message: str, code: str, request_id: str,
                extra_headers: list[tuple[bytes, bytes]] | None = None) -> tuple[dict, dict]:
    body = json.dumps({"data": None, "errors": [
        {"message": message, "extensions": {"code": code, "requestId": request_id}}]}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()),
               request_id_header(request_id), *(extra_headers or [])]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body})


class EdgeMiddleware:
    def __init__(self, app: Any, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = request_id(headers.get(b"x-request-id"))
        scope.setdefault("state", {})["request_id"] = rid
        token = logs.request_id.set(rid)
        op_token = metrics.operation.set("-")
        path = scope.get("path", "")
        started = time.perf_counter()
        status = 500
        response_started = False

        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            start, body = _json_error(413, self._too_large(), QUERY_TOO_LARGE, rid)
            await send(start)
            await send(body)
            self._observe(path, 413, started)
            logs.request_id.reset(token)
            return

        seen = 0

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), request_id_header(rid)]
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not response_started:
                start, body = _json_error(413, self._too_large(), QUERY_TOO_LARGE, rid)
                await send(start)
                await send(body)
                status = 413
        except Exception:
            log.exception("unhandled error, request id %s", rid)
            if not response_started:
                start, body = _json_error(
                    500, f"Internal error (request id {rid}). It has been logged.",
                    INTERNAL_ERROR, rid)
                await send(start)
                await send(body)
                status = 500
        finally:
            self._observe(path, status, started)
            access(scope.get("method"), path, status, time.perf_counter() - started, rid)
            metrics.operation.reset(op_token)
            logs.request_id.reset(token)

    def _too_large(self) -> str:
        return (f"The request body is over the limit of {self.max_body:,} bytes; send fewer "
                "codes per request (at most 500) or split the query.")

    @staticmethod
    def _observe(path: str, status: int, started: float) -> None:
        observe(path, metrics.operation.get(), status, time.perf_counter() - started)
