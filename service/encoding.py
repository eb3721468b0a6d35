"""The JSON encoding of every GraphQL answer (the long way and the fast path alike)."""

from __future__ import annotations

import json

import orjson


def encode(data: object) -> bytes:
    """orjson (about ten times faster than ``json`` on a 1 MB bulk answer), falling back to
    ASCII-escaped ``json`` for what orjson refuses: a lone surrogate echoed from the request,
    an integer over 64 bits."""
    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, separators=(",", ":")).encode()
