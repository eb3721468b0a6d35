"""A database holding the bundled ICD-10-PCS FY2026 release, on SQLite and, when
MEDCODE_TEST_POSTGRES_URL is set, on a PostgreSQL database of its own, loaded once per run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from systems.icd10pcs.spec import ICD10PCS
from tests.hcpcs.conftest import loaded_database


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def pcs_settings(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=loaded_database(request.param, "icd10pcs", tmp_path_factory))


@pytest.fixture(scope="session")
def pcs_engine(pcs_settings: Settings) -> Iterator[Engine]:
    from domain.db import make_engine
    from seed.load import load_release
    from service.migrate import upgrade

    engine = make_engine(pcs_settings)
    upgrade(engine)
    load_release(engine, ICD10PCS)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pcs_client(pcs_engine: Engine, pcs_settings: Settings) -> Iterator[TestClient]:
    from service.app import create_app

    with TestClient(create_app(pcs_settings, pcs_engine),
                    client=("203.0.113.10", 5000)) as client:
        yield client


@pytest.fixture(scope="session")
def pcs_key(pcs_engine: Engine) -> dict[str, str]:
    secret, _ = create_key(pcs_engine, plan="partner", name="pcs tests")
    return {"Authorization": f"Bearer {secret}"}
