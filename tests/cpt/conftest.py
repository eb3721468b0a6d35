"""A database holding the synthetic CPT 2026 release (``data/release2026``), on SQLite and,
when MEDCODE_TEST_POSTGRES_URL is set, on a PostgreSQL database of this process's own
(``<test database>_<worker>_cpt``), loaded once per run; an app on it, and keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.settings import Settings
from domain.spec import Source
from seed.load import LoadResult, load_release
from service.app import create_app
from service.migrate import upgrade
from systems.cpt.spec import CPT
from tests.databases import admin, create_database, database_name, drop, postgres_base, worker

from ._data import RELEASE


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def cpt_settings(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('cpt')}/medcode.db")
        return
    if postgres_base() is None:
        pytest.skip("PostgreSQL tests need MEDCODE_TEST_POSTGRES_URL (set by .ci/run)")
    name = database_name(f"{worker()}_cpt")
    yield Settings(database_url=create_database(name))
    admin(drop(name))


@pytest.fixture(scope="session")
def cpt_loaded(cpt_settings: Settings) -> Iterator[tuple[Engine, LoadResult]]:
    engine = make_engine(cpt_settings)
    upgrade(engine)
    result = load_release(engine, CPT, parsed=CPT.read(Source(RELEASE, "synthetic release")))
    yield engine, result
    engine.dispose()


@pytest.fixture(scope="session")
def cpt_engine(cpt_loaded: tuple[Engine, LoadResult]) -> Engine:
    return cpt_loaded[0]


@pytest.fixture(scope="session")
def cpt_client(cpt_engine: Engine, cpt_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(cpt_settings, cpt_engine), client=("203.0.113.19", 5000)) as c:
        yield c


@pytest.fixture(scope="session")
def cpt_key(cpt_engine: Engine) -> dict[str, str]:
    """A partner key that holds the ``cpt`` licence: sees the descriptors."""
    secret, _ = create_key(cpt_engine, plan="partner", name="cpt tests", licences=["cpt"])
    return {"Authorization": f"Bearer {secret}"}
