"""A database holding both bundled HCPCS Level II releases (2025-10 and 2026-01), on SQLite and,
when MEDCODE_TEST_POSTGRES_URL is set, on a PostgreSQL database of its own
(``<test database>_hcpcs``), loaded once per run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from domain.db import make_engine
from domain.metering.keys import create_key
from domain.settings import Settings
from seed.load import load_release
from service.app import create_app
from service.migrate import upgrade
from systems.hcpcs.spec import HCPCS
from tests.conftest import POSTGRES_ENV, reset_postgres


def _own_postgres(base: str, suffix: str) -> str:
    """``<base database>_<suffix>`` on the same server, created if absent and emptied."""
    name = f"{make_url(base).database}_{suffix}"
    admin = make_engine(Settings(database_url=make_url(base).set(database="postgres")
                                 .render_as_string(hide_password=False)))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV}={base} is set but PostgreSQL does not answer: {exc.orig}")
    finally:
        admin.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    reset_postgres(url)
    return url


def loaded_database(backend: str, label: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty database of this run's own: a SQLite file, or ``<db>_<label>`` next
    to MEDCODE_TEST_POSTGRES_URL's (skipped without it)."""
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp(label) / "medcode.db"
        return f"sqlite:///{path}"
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return _own_postgres(base, label)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def hcpcs_settings(request: pytest.FixtureRequest,
                   tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=loaded_database(request.param, "hcpcs", tmp_path_factory))


@pytest.fixture(scope="session")
def hcpcs_engine(hcpcs_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(hcpcs_settings)
    upgrade(engine)
    for source in HCPCS.bundled_sources():
        load_release(engine, HCPCS, parsed=HCPCS.read(source))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def hcpcs_client(hcpcs_engine: Engine, hcpcs_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(hcpcs_settings, hcpcs_engine),
                    client=("203.0.113.9", 5000)) as client:
        yield client


@pytest.fixture(scope="session")
def hcpcs_key(hcpcs_engine: Engine) -> dict[str, str]:
    secret, _ = create_key(hcpcs_engine, plan="partner", name="hcpcs tests")
    return {"Authorization": f"Bearer {secret}"}
