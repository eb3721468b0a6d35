"""API keys: create (the secret is returned once), list, revoke, look up, record use.

The table holds a key's SHA-256 and a short display prefix, never the key itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select, text, update
from sqlmodel import Session, col

from domain import generation
from domain.metering import licences as licence_names
from domain.metering.credentials import KeyRecord, display_prefix, generate_key, hash_key
from domain.models import ApiKey


def _now() -> datetime:
    return datetime.now(UTC)


def create_key(engine: Engine, *, plan: str, name: str, email: str | None = None,
               licences: Iterable[str] = ()) -> tuple[str, ApiKey]:
    """Create a key; returns the plaintext key (shown once) and the stored row. Raises
    ``licences.UnknownLicence`` for a licence medcode does not know."""
    secret = generate_key()
    row = ApiKey(prefix=display_prefix(secret), key_hash=hash_key(secret), plan=plan,
                 name=name, email=email, created_at=_now(),
                 licences=licence_names.stored(licences))
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        session.commit()
    return secret, row


def list_keys(engine: Engine) -> list[ApiKey]:
    """Every key, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(ApiKey).order_by(col(ApiKey.id))))


def revoke_key(engine: Engine, key_id: int) -> bool:
    """Revoke a key (idempotent: a second revocation keeps the first time); False if no such
    key."""
    with engine.begin() as conn:
        conn.execute(update(ApiKey)
                     .where(col(ApiKey.id) == key_id, col(ApiKey.revoked_at).is_(None))
                     .values(revoked_at=_now()))
        found = conn.execute(
            select(col(ApiKey.id)).where(col(ApiKey.id) == key_id)).first() is not None
    generation.keys_changed()  # this process stops honouring it at once
    return found


def change_licences(engine: Engine, key_id: int, *, add: Iterable[str] = (),
                    remove: Iterable[str] = ()) -> frozenset[str] | None:
    """Grant and withdraw licences of a key; its licences afterwards, or None if there is no
    such key. Takes effect in this process at once, and in every other within the fast path's
    recheck interval, like a revocation. Raises ``licences.UnknownLicence``."""
    added, removed = licence_names.parse(licence_names.stored(add)), \
        licence_names.parse(licence_names.stored(remove))
    with engine.begin() as conn:
        current = conn.execute(select(col(ApiKey.licences)).where(col(ApiKey.id) == key_id)
                               ).first()
        if current is None:
            return None
        after = (licence_names.parse(current[0]) | added) - removed
        conn.execute(update(ApiKey).where(col(ApiKey.id) == key_id)
                     .values(licences=licence_names.stored(after)))
    generation.keys_changed()
    return after


# On every keyed request: a prepared text statement skips building and adapting a select.
_FIND = text("SELECT id, plan, revoked_at IS NOT NULL, licences FROM api_key "
             "WHERE key_hash = :h")


def find_key(conn: Connection, secret: str) -> KeyRecord | None:
    """The key whose hash matches ``secret``, revoked or not."""
    row = conn.execute(_FIND, {"h": hash_key(secret)}).first()
    if row is None:
        return None
    revoked_at = None
    if row[2]:  # rare: read the time, typed, for the error message
        revoked_at = conn.execute(
            select(col(ApiKey.revoked_at)).where(col(ApiKey.id) == row[0])).scalar_one()
    return KeyRecord(int(row[0]), str(row[1]), revoked_at, licence_names.parse(row[3] or ""))


def key_for_email(conn: Connection, email: str) -> tuple[str, datetime] | None:
    """The display prefix and creation time of the key registered for ``email``."""
    row = conn.execute(
        select(col(ApiKey.prefix), col(ApiKey.created_at)).where(col(ApiKey.email) == email)
    ).first()
    return None if row is None else (row[0], row[1])


def touch_key(conn: Connection, key_id: int, when: datetime) -> None:
    """Set a key's last use, committing on ``conn``."""
    conn.execute(update(ApiKey).where(col(ApiKey.id) == key_id).values(last_used_at=when))
    conn.commit()
