"""Sample codes from a loaded database, spread over the whole tabular."""

from __future__ import annotations

from sqlalchemy import select

from domain.db import make_engine
from domain.models import Code
from domain.settings import Settings


def billable(db_url: str, n: int) -> list[str]:
    engine = make_engine(Settings(database_url=db_url))
    with engine.connect() as conn:
        codes = list(conn.execute(
            select(Code.code).where(Code.billable).order_by(Code.release_id.desc(),
                                                            Code.sort_order)
        ).scalars())
    engine.dispose()
    step = max(1, len(codes) // n)
    return codes[::step][:n]
