"""Search fixtures: the engine called directly on the session database (no HTTP, no quota)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from bench.search import newest_release
from domain.search.engine import search
from systems.icd10cm.spec import ICD10CM

Find = Callable[..., list[str]]


@pytest.fixture(scope="session")
def release_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return newest_release(conn)


@pytest.fixture(scope="session")
def find(engine: Engine, release_id: int) -> Find:
    """``find(text, billable_only=False, limit=10, offset=0)``: the codes of a results page."""
    with engine.connect() as conn:
        from sqlalchemy import text

        codes = dict(conn.execute(
            text("SELECT id, code FROM code WHERE release_id = :r"), {"r": release_id}).all())

    def run(query: str, billable_only: bool = False, limit: int = 10,
            offset: int = 0) -> list[str]:
        with engine.connect() as conn:
            page = search(conn, [(release_id, ICD10CM)], query, billable_only=billable_only,
                          limit=limit,
                          offset=offset)
        return [codes[h.code_id] for h in page.hits]

    return run
