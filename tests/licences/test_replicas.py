"""Licensed text on two replicas (separate uvicorn processes) sharing one PostgreSQL and one
Redis: no replica's cache or fast path gives a licensed answer to an unlicensed key, and a licence
withdrawn from another process (``medcode keys licence``) stops on both within the recheck
interval. Runs in the PostgreSQL variant with MEDCODE_TEST_REDIS_URL set (as .ci/run does)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from tests.cli import medcode
from tests.conftest import REDIS_ENV
from tests.cpt._data import MARKER
from tests.licences.test_gating import PAGE
from tests.live import live_server

pytestmark = pytest.mark.postgresql_only
RECHECK = 0.5


@pytest.fixture(scope="module")
def replicas(cpt_engine: Engine, cpt_settings: Settings) -> Iterator[list[str]]:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"replicas share Redis: set {REDIS_ENV} (as .ci/run does)")
    env = {"MEDCODE_REDIS_URL": redis_url, "MEDCODE_FAST_PATH_RECHECK_SECONDS": str(RECHECK)}
    with ExitStack() as stack:
        yield [stack.enter_context(live_server(cpt_settings.database_url, **env))
               for _ in range(2)]


# One client for the module: each new httpx client loads the CA bundle (30 ms of CPU).
HTTP = httpx.Client(timeout=30)


def ask(url: str, secret: str, code: str) -> dict[str, object]:
    response = HTTP.post(f"{url}/graphql", json={"query": PAGE, "variables": {"code": code}},
                         headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def shows_text(body: dict[str, object]) -> bool:
    return MARKER in json.dumps(body["data"]).lower()


def test_no_replica_gives_licensed_bytes_to_an_unlicensed_key(
        replicas: list[str], cpt_engine: Engine) -> None:
    licensed, _ = create_key(cpt_engine, plan="partner", name="replica cpt", licences=["cpt"])
    unlicensed, _ = create_key(cpt_engine, plan="partner", name="replica no licence")
    for _ in range(4):
        for url in replicas:
            assert shows_text(ask(url, licensed, "96425"))
            assert not shows_text(ask(url, unlicensed, "96425"))


def test_a_licence_withdrawn_elsewhere_stops_on_every_replica(
        replicas: list[str], cpt_engine: Engine, cpt_settings: Settings) -> None:
    secret, row = create_key(cpt_engine, plan="partner", name="replica withdrawn",
                             licences=["cpt"])
    for _ in range(3):
        for url in replicas:
            assert shows_text(ask(url, secret, "96422"))
    withdrawn = medcode("keys", "licence", str(row.id), "--remove", "cpt",
                        database_url=cpt_settings.database_url)  # not by a replica
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert "licences: none" in withdrawn.stdout
    time.sleep(RECHECK + 0.3)
    for _ in range(3):
        for url in replicas:
            body = ask(url, secret, "96422")
            assert not shows_text(body)
            assert {e["extensions"]["code"] for e in body["errors"]} == {"LICENSE_REQUIRED"}
