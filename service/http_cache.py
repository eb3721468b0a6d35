"""HTTP caching of ``GET /graphql`` answers, for browsers and CDNs.

A successful GET answer carries

- ``ETag: W/"<hash>"``: a hash of the loaded releases and of the answer's ``data`` and
  ``errors`` (not of ``extensions``, which reports this request's cost and remaining quota).
  Reference data changes only when a release is loaded, so the tag stays the same for a query
  until then. It is weak because the bytes differ between two answers (the cost extension).
- ``Cache-Control: no-cache``: a cache may keep the answer but must revalidate every use with the
  origin, so every use is metered and sees the caller's current quota;
- ``Vary: Authorization, X-API-Key``: with or without a key, the gated fields differ.

A GET whose ``If-None-Match`` names the current tag is answered ``304 Not Modified`` with no body
and the same headers (quota included). The request was executed and charged as usual: the 304
saves bandwidth, not code views. Other GET answers (401, 429, 503 …) get ``Cache-Control:
no-store``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.responses import Response

CACHE_CONTROL = "no-cache"
NOT_CACHEABLE = "no-store"
VARY = ("Authorization", "X-API-Key")
# Headers a 304 must not carry (it has no body), per RFC 9110 §15.4.5; as ASGI names them.
_BODY_HEADERS = frozenset({b"content-length", b"content-type", b"content-encoding"})


def release_signature(releases: Iterable[Any]) -> str:
    """The loaded releases, as ``ICD10CM:2026,ICD10CM:2025``."""
    return ",".join(f"{r.system_id}:{r.version}" for r in releases)


def entity_tag(releases: str, response_data: dict[str, Any]) -> str:
    """The weak ETag of an answer: its releases, data and errors."""
    payload = orjson.dumps([releases, response_data.get("data"), response_data.get("errors")],
                           default=str)
    return 'W/"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith(("W/", "w/")) else tag


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison against each tag listed (or ``*``)."""
    if not if_none_match:
        return False
    wanted = _opaque(etag)
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or (candidate and _opaque(candidate) == wanted):
            return True
    return False


def add_vary(response: Response, *names: str) -> None:
    existing = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
    lower = {v.lower() for v in existing}
    merged = existing + [n for n in names if n.lower() not in lower]
    response.headers["Vary"] = ", ".join(merged)


def not_modified_headers(
        headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A 304's headers from its 200's: all (ETag, quota …) but those of a body. The long way
    and the fast path send their 304s with these."""
    return [(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS]


def not_modified(response: Response) -> Response:
    """The 304 for ``response``: its headers (ETag, quota …) and no body."""
    out = Response(status_code=304)  # Starlette sends no Content-Length for a 304
    out.raw_headers.extend(not_modified_headers(response.raw_headers))
    return out
