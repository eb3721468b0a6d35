"""Turns a request's credentials into a Viewer, remembering recent checks for the fast path."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from domain import generation
from domain.lru import BoundedLRU
from domain.metering.credentials import (
    KEY_LENGTH,
    KEY_PREFIX,
    AuthError,
    KeyStoreUnavailable,
    is_well_formed,
    presented_key,
)
from domain.metering.keys import find_key, touch_key
from domain.metering.subjects import guest_subject
from domain.metering.viewer import Viewer

LAST_USE_EVERY = 60.0  # seconds between writes of a key's last_used_at, per process
MAX_CHECKED = 10_000  # credentials remembered by the fast path, per process

log = logging.getLogger(__name__)


class Authenticator:
    """Turns a request's headers into a Viewer; one indexed lookup for a keyed request."""

    def __init__(self, *, clock: Callable[[], float], recheck_seconds: float = 1.0) -> None:
        self.clock = clock
        self.recheck_seconds = recheck_seconds
        self._last_use_written: dict[int, float] = {}
        # Presented credentials checked lately: (Authorization, X-API-Key) -> (viewer, good
        # until on the monotonic clock, key generation). Only the fast path reads it.
        self._checked: BoundedLRU[tuple[str | None, str | None], tuple[Viewer, float, int]] = \
            BoundedLRU(MAX_CHECKED)

    def checked_viewer(self, authorization: str | None, api_key: str | None) -> Viewer | None:
        """The keyed viewer these headers proved to be within ``recheck_seconds``, if its
        last use needs no write; None sends the request the long way, which checks the key in
        the database (and so a revocation in another process counts within that time)."""
        hit = self._checked.peek((authorization, api_key))
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
        credentials = (headers.get("authorization"),
                       None if "authorization" in headers else headers.get("x-api-key"))
        self._checked.put(credentials, (viewer, time.monotonic() + self.recheck_seconds,
                                        keys_generation))

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
        viewer = Viewer(plan=record.plan, key_id=record.id, subject=f"key:{record.id}",
                        licences=record.licences)
        self._remember(headers, viewer, keys_generation)
        return viewer

    def _note_use(self, conn: Callable[[], Connection], key_id: int) -> None:
        """Record last use, at most once a minute per key and process: never a write per
        request, and never a failed request because of it."""
        now = self.clock()
        if now - self._last_use_written.get(key_id, float("-inf")) < LAST_USE_EVERY:
            return
        self._last_use_written[key_id] = now
        try:
            touch_key(conn(), key_id, datetime.fromtimestamp(now, UTC))
        except SQLAlchemyError as exc:  # pragma: no cover - best effort
            log.warning("could not record the last use of key %s: %s", key_id, exc)
            conn().rollback()
