"""Sample codes from a loaded database, spread over the whole tabular."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from domain.db import make_engine
from domain.models import Code, Release
from domain.settings import Settings


def billable(db_url: str, n: int, system: str = "ICD10CM") -> list[str]:
    """``n`` billable codes of ``system``'s releases, newest release first (the lookups ask
    ``system: ICD10CM``: codes of other systems would come back null, and flatter them)."""
    engine = make_engine(Settings(database_url=db_url))
    with engine.connect() as conn:
        codes = list(conn.execute(
            select(col(Code.code)).join(Release, col(Release.id) == col(Code.release_id))
            .where(col(Code.billable), col(Release.system_id) == system)
            .order_by(col(Code.release_id).desc(), col(Code.sort_order))
        ).scalars())
    engine.dispose()
    step = max(1, len(codes) // n)
    return codes[::step][:n]
