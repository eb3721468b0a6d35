"""Apps of their own for the HTTP tests: a fresh client address each (guests are counted per
address) and fresh keys, so no test meets another's quota counters."""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from service.app import create_app
from tests.databases import worker_index

# A random start per run: guest counters in Redis outlive a run (they last the UTC day). Each
# pytest-xdist worker draws from a range of its own, so that two never meet in Redis.
_addresses = itertools.count(250 + 25_000 * worker_index() + random.randrange(24_000))


def fresh_address() -> str:
    n = next(_addresses)
    return f"100.{64 + n // 62_500}.{n // 250 % 250}.{n % 250 + 1}"


@pytest.fixture
def client_for(engine: Engine, settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """A TestClient on a new app (settings overridden by keyword) from a new address."""
    made: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        s = settings.model_copy(update=overrides) if overrides else settings
        client = TestClient(create_app(s, engine), client=(fresh_address(), 5000))
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def web(client_for: Callable[..., TestClient]) -> TestClient:
    return client_for()


@pytest.fixture
def key_headers(engine: Engine) -> Callable[[str], dict[str, str]]:
    """Headers with a new key on a plan."""

    def make(plan: str = "free") -> dict[str, str]:
        secret, _ = create_key(engine, plan=plan, name=f"web test {uuid.uuid4().hex[:8]}")
        return {"Authorization": f"Bearer {secret}"}

    return make


def used(client: TestClient, headers: dict[str, str]) -> int:
    r = client.post("/graphql", json={"query": "{ viewer { quota { used } } }"}, headers=headers)
    assert r.status_code == 200, r.text
    return int(r.json()["data"]["viewer"]["quota"]["used"])
