"""API key format and checks, and the key record the lookup returns.

A key is ``mc_live_`` + 32 base62 characters (190 random bits) + a 6-character base62 CRC32 of
those 32, so a typo or a truncated paste is refused without touching the database, and a leaked
key is easy to spot in logs and secret scanners. Only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

KEY_PREFIX = "mc_live_"
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
BODY_CHARS = 32  # 32 * log2(62) = 190 bits
CHECK_CHARS = 6  # 62**6 > 2**32
KEY_LENGTH = len(KEY_PREFIX) + BODY_CHARS + CHECK_CHARS
DISPLAY_CHARS = len(KEY_PREFIX) + 6


class AuthError(Exception):
    """The request carries a key that is malformed, unknown or revoked (HTTP 401)."""


class KeyStoreUnavailable(RuntimeError):
    """The database holding the keys does not answer (HTTP 503)."""


def _base62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 62)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECK_CHARS)


def generate_key() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_CHARS))
    return f"{KEY_PREFIX}{body}{_checksum(body)}"


def is_well_formed(key: str) -> bool:
    """Prefix, length, alphabet and checksum: everything that can be checked offline."""
    if len(key) != KEY_LENGTH or not key.startswith(KEY_PREFIX):
        return False
    rest = key[len(KEY_PREFIX):]
    if not all(c in ALPHABET for c in rest):
        return False
    return _checksum(rest[:BODY_CHARS]) == rest[BODY_CHARS:]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_CHARS]


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key from ``Authorization: Bearer`` (preferred) or ``X-API-Key``; None for a guest."""
    auth = headers.get("authorization")
    if auth is not None:
        scheme, _, value = auth.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthError("The Authorization header must be `Bearer <key>`.")
        return value.strip()
    key = headers.get("x-api-key")
    return None if key is None else key.strip()


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: int
    plan: str
    revoked_at: datetime | None
    licences: frozenset[str] = frozenset()
