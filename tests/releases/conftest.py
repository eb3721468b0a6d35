"""FY2025 beside FY2026, in a database of its own.

The database is a copy of a template built once per run (FY2026, then FY2025 from the committed
``tests/data/icd10cm-tabular-2025.xml.gz``; nothing is downloaded), so no test outside the
folders that ask for it ever sees a second release, whatever the order the tests run in. Every
test here, ``client`` and ``engine`` included, runs on that database: the folders that need two
releases (releases and validation, which only read it; scale, which reloads FY2026 in a copy of
its own) take these fixtures with :func:`two_releases`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.models import Release
from domain.settings import Settings
from service.app import create_app
from tests.databases import Databases


def two_releases(label: str) -> tuple[Any, ...]:
    """``settings``, ``engine``, ``client``, ``partner`` and ``fy2025`` for a folder whose
    tests run on FY2025 and FY2026: this process's copy of the two-release template named
    ``label`` (folders that pass the same label share it)."""

    @pytest.fixture(scope="session", name="settings")
    def settings(backend: str, databases: Databases) -> Settings:
        return databases.settings(backend, "fy2025", label)

    @pytest.fixture(scope="session", name="engine")
    def engine(settings: Settings) -> Iterator[Engine]:
        eng = make_engine(settings)
        yield eng
        eng.dispose()

    @pytest.fixture(scope="session", name="client")
    def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
        with TestClient(create_app(settings, engine), client=("203.0.113.7", 5000)) as c:
            yield c

    @pytest.fixture(scope="session", name="partner")
    def partner(engine: Engine) -> dict[str, str]:
        secret, _ = create_key(engine, plan="partner", name="test suite")
        return {"Authorization": f"Bearer {secret}"}

    @pytest.fixture(scope="session", name="fy2025")
    def fy2025(engine: Engine) -> Engine:
        """The database with FY2025 loaded beside FY2026."""
        with engine.connect() as conn:
            versions = conn.execute(select(Release.version).order_by(Release.version)).scalars()
            assert list(versions) == ["2025", "2026"]
        return engine

    return settings, engine, client, partner, fy2025


settings, engine, client, partner, fy2025 = two_releases("two_releases")
