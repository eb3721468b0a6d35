"""Writing a PFS release in one transaction: all of it, or (on any error) nothing.

Loading a version that is already there is a no-op unless ``force``, which replaces it in the
same transaction: readers see the old rows until the commit, then the new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlmodel import col

from domain import generation
from domain.fee_schedule import PfsRate, PfsRelease
from systems.pfs.parse import ParsedPfs

BATCH = 5_000
Progress = Callable[[int], None]  # rows written


@dataclass(frozen=True, slots=True)
class PfsLoadResult:
    release_id: int
    version: str
    loaded: bool  # False when the release was there already (a no-op)
    row_count: int


def _lock(conn: Connection) -> None:
    """Serialise concurrent loads of the same version."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7252016)"))
    else:
        conn.execute(text("DELETE FROM pfs_release WHERE 0"))  # takes SQLite's write lock


def write_pfs(engine: Engine, parsed: ParsedPfs, *, force: bool = False,
              progress: Progress | None = None) -> PfsLoadResult:
    """Store ``parsed`` as PFS release ``parsed.version``; idempotent unless ``force``."""
    tick = progress or (lambda _n: None)
    with engine.begin() as conn:
        _lock(conn)
        existing = conn.execute(
            select(col(PfsRelease.id), col(PfsRelease.row_count))
            .where(col(PfsRelease.version) == parsed.version)).first()
        if existing is not None and not force:
            return PfsLoadResult(cast(int, existing[0]), parsed.version, False, existing[1])
        # A replacement is written beside the old copy (under a provisional name) and the old
        # copy removed afterwards, so that it gets a new id (SQLite would reuse the old one).
        provisional = parsed.version if existing is None else f"{parsed.version}~new"
        inserted = conn.execute(insert(PfsRelease).values(
            version=provisional, effective_from=parsed.effective_from,
            released_on=parsed.released_on, title=parsed.title[:200],
            source=parsed.source[-500:], loaded_at=datetime.now(UTC),
            row_count=len(parsed.rows))).inserted_primary_key
        assert inserted is not None
        release_id = int(inserted[0])
        for i in range(0, len(parsed.rows), BATCH):
            batch = [{"release_id": release_id, **row} for row in parsed.rows[i:i + BATCH]]
            conn.execute(insert(PfsRate), batch)
            tick(len(batch))
        if existing is not None:
            conn.execute(delete(PfsRate).where(col(PfsRate.release_id) == existing[0]))
            conn.execute(delete(PfsRelease).where(col(PfsRelease.id) == existing[0]))
            conn.execute(update(PfsRelease).where(col(PfsRelease.id) == release_id)
                         .values(version=parsed.version))
        if conn.dialect.name == "sqlite":
            conn.execute(text("ANALYZE pfs_rate"))
    generation.releases_changed()  # committed: this process's prepared answers are stale
    return PfsLoadResult(release_id, parsed.version, True, len(parsed.rows))
