"""Who is calling: API key format and checks, the key's lookup, and the client's address.

A key is ``mc_live_`` + 32 base62 characters (190 random bits) + a 6-character base62 CRC32 of
those 32, so a typo or a truncated paste is refused without touching the database, and a leaked
key is easy to spot in logs and secret scanners. Only its SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
import string
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from service import generation
from service.context import Viewer

KEY_PREFIX = "mc_live_"
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
BODY_CHARS = 32  # 32 * log2(62) = 190 bits
CHECK_CHARS = 6  # 62**6 > 2**32
KEY_LENGTH = len(KEY_PREFIX) + BODY_CHARS + CHECK_CHARS
DISPLAY_CHARS = len(KEY_PREFIX) + 6
LAST_USE_EVERY = 60.0  # seconds between writes of a key's last_used_at, per process
MAX_CHECKED = 10_000  # credentials remembered by the fast path, per process

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


# Client address -----------------------------------------------------------------------------


def _parse_address(raw: str) -> Address | None:
    raw = raw.strip()
    if raw.startswith("["):  # "[2001:db8::1]:443"
        raw = raw[1:].partition("]")[0]
    elif raw.count(":") == 1:  # "192.0.2.1:443"
        raw = raw.partition(":")[0]
    try:
        addr = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Proxies from the settings: addresses, or networks such as ``10.0.0.0/8``."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: tuple[Network, ...]) -> str:
    """The socket's address, or, when that is a trusted proxy, the nearest untrusted hop of
    ``X-Forwarded-For`` (read right to left, as each proxy appends the address it saw)."""
    current = _parse_address(peer) if peer else None
    if current is None:
        return peer or "unknown"
    if forwarded_for and trusted:
        for hop in reversed(forwarded_for.split(",")):
            if not any(current in net for net in trusted):
                break
            parsed = _parse_address(hop)
            if parsed is None:
                break
            current = parsed
    return str(current)


def guest_subject(address: str) -> str:
    """The quota subject of a guest. IPv6 clients are counted per /64, the block one host
    usually gets, so that rotating addresses within it does not buy more views."""
    parsed = _parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return f"guest:{ipaddress.IPv6Network((parsed, 64), strict=False)}"
    return f"guest:{parsed if parsed is not None else address}"


# Authentication -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: int
    plan: str
    revoked_at: datetime | None


class Authenticator:
    """Turns a request's headers into a Viewer; one indexed lookup for a keyed request."""

    def __init__(self, *, clock: Callable[[], float], recheck_seconds: float = 1.0) -> None:
        self.clock = clock
        self.recheck_seconds = recheck_seconds
        self._last_use_written: dict[int, float] = {}
        # Presented credentials checked lately: (Authorization, X-API-Key) -> (viewer, good
        # until on the monotonic clock, key generation). Only the fast path reads it.
        self._checked: dict[tuple[str | None, str | None], tuple[Viewer, float, int]] = {}

    def checked_viewer(self, authorization: str | None, api_key: str | None) -> Viewer | None:
        """The keyed viewer these headers proved to be within ``recheck_seconds``, if its
        last use needs no write; None sends the request the long way, which checks the key in
        the database (and so a revocation in another process counts within that time)."""
        hit = self._checked.get((authorization, api_key))
        if hit is None:
            return None
        viewer, until, keys_generation = hit
        if time.monotonic() >= until or keys_generation != generation.keys():
            return None
        assert viewer.key_id is not None
        if self.clock() - self._last_use_written.get(viewer.key_id, float("-inf")) \
                >= LAST_USE_EVERY:
            return None
        return viewer

    def _remember(self, headers: Mapping[str, str], viewer: Viewer, keys_generation: int) -> None:
        if self.recheck_seconds <= 0:
            return
        if len(self._checked) >= MAX_CHECKED:
            self._checked.clear()
        credentials = (headers.get("authorization"),
                       None if "authorization" in headers else headers.get("x-api-key"))
        self._checked[credentials] = (viewer, time.monotonic() + self.recheck_seconds,
                                      keys_generation)

    def viewer(self, headers: Mapping[str, str], address: str,
               conn: Callable[[], Connection]) -> Viewer:
        """The caller. ``conn`` gives the request's own connection, which the lookup shares
        (the request pays for its checkout anyway)."""
        key = presented_key(headers)
        if key is None:
            return Viewer(plan="guest", key_id=None, subject=guest_subject(address))
        if not is_well_formed(key):
            raise AuthError(
                f"This is not a medcode API key (they look like {KEY_PREFIX}… and are "
                f"{KEY_LENGTH} characters long); check for a truncated copy."
            )
        from service.keys import find_key

        keys_generation = generation.keys()  # read before the lookup: a revocation during it
        try:                                 # leaves the remembered entry already stale
            record = find_key(conn(), key)
        except SQLAlchemyError as exc:
            raise KeyStoreUnavailable("The key database does not answer.") from exc
        if record is None:
            raise AuthError("Unknown API key; check it, or get one with `register(email:)`.")
        if record.revoked_at is not None:
            raise AuthError(
                f"This API key was revoked on {record.revoked_at:%Y-%m-%d %H:%M} UTC; "
                "use a current key."
            )
        self._note_use(conn, record.id)
        viewer = Viewer(plan=record.plan, key_id=record.id, subject=f"key:{record.id}")
        self._remember(headers, viewer, keys_generation)
        return viewer

    def _note_use(self, conn: Callable[[], Connection], key_id: int) -> None:
        """Record last use, at most once a minute per key and process: never a write per
        request, and never a failed request because of it."""
        now = self.clock()
        if now - self._last_use_written.get(key_id, float("-inf")) < LAST_USE_EVERY:
            return
        self._last_use_written[key_id] = now
        from service.keys import touch_key

        try:
            touch_key(conn(), key_id, datetime.fromtimestamp(now, UTC))
        except SQLAlchemyError as exc:  # pragma: no cover - best effort
            log.warning("could not record the last use of key %s: %s", key_id, exc)
            conn().rollback()
