"""Shared fixtures: real databases loaded with the real ICD-10-CM release.

Every test that takes ``engine`` (or ``client``) runs on SQLite, and again on PostgreSQL when
``MEDCODE_TEST_POSTGRES_URL`` is set. When that variable is set the database must answer: an
unreachable server fails the run instead of skipping it (CI sets it). Without it, the
PostgreSQL half skips with a reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import OperationalError

from domain.db import make_engine
from domain.settings import Settings
from seed.load import load_release
from service.app import create_app
from service.migrate import upgrade
from systems.icd10cm.spec import ICD10CM

POSTGRES_ENV = "MEDCODE_TEST_POSTGRES_URL"
REDIS_ENV = "MEDCODE_TEST_REDIS_URL"


def reset_postgres(url: str) -> None:
    """Empty the test database (it belongs to the tests)."""
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except OperationalError as exc:
        pytest.fail(f"{POSTGRES_ENV}={url} is set but PostgreSQL does not answer: {exc.orig}")
    finally:
        engine.dispose()


def database_url(backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'medcode.db'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    reset_postgres(url)
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = database_url(request.param, tmp_path_factory.mktemp(request.param))
    return Settings(database_url=url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """MEDCODE_TEST_REDIS_URL: skip without it, fail if it is set and Redis does not answer."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"Redis tests need {REDIS_ENV} (set by .ci/run)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as exc:
        pytest.fail(f"{REDIS_ENV}={url} is set but Redis does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database holding the bundled ICD-10-CM release."""
    eng = make_engine(settings)
    upgrade(eng)
    load_release(eng, ICD10CM)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), client=("203.0.113.7", 5000)) as c:
        yield c


def gql(client: TestClient, query: str, variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a GraphQL query and return the decoded body."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers or {})
    body: dict[str, Any] = response.json()
    body["_status"] = response.status_code
    return body


class StatementCounter:
    """Counts SQL statements sent through an engine (for N+1 checks)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def _on(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


@pytest.fixture(scope="session")
def partner(engine: Engine) -> dict[str, str]:
    """Headers with a partner-plan key: unlimited views, notes unlocked."""
    from domain.metering.keys import create_key

    secret, _ = create_key(engine, plan="partner", name="test suite")
    return {"Authorization": f"Bearer {secret}"}
