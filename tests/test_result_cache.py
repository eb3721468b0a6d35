"""The result cache answers repeats without the database, and metering still charges them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.metering.keys import create_key
from domain.settings import Settings
from service.app import create_app
from service.caching import ResultCache
from tests.conftest import StatementCounter, gql

QUERY = '{ code(system: ICD10CM, code: "E11.9") { code display related { targetCode } } }'


def test_a_repeat_is_served_from_memory_and_still_charged(engine: Engine,
                                                           settings: Settings) -> None:
    secret, _ = create_key(engine, plan="free", name="cache test")
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(settings, engine)) as client:
        first = gql(client, QUERY, headers=headers)
        with StatementCounter(engine) as counter:
            second = gql(client, QUERY, headers=headers)
        assert second["data"] == first["data"]
        # Only the key lookup, the release list and the quota charge: no code queries.
        assert counter.count <= 4
        assert first["extensions"]["cost"]["remaining"] == 5
        assert second["extensions"]["cost"]["remaining"] == 4
        viewer = gql(client, "{ viewer { quota { used } } }", headers=headers)
        assert viewer["data"]["viewer"]["quota"]["used"] == 2


def test_guests_and_keys_do_not_share_results(engine: Engine, settings: Settings,
                                              partner: dict[str, str]) -> None:
    with TestClient(create_app(settings, engine), client=("198.51.100.9", 1)) as client:
        keyed = gql(client, QUERY, headers=partner)
        guest = gql(client, QUERY)
    assert keyed["data"]["code"]["related"]
    assert guest["data"]["code"]["related"] is None
    assert guest["errors"][0]["extensions"]["code"] == "REGISTRATION_REQUIRED"


def test_the_cache_is_bounded() -> None:
    cache = ResultCache(max_entries=3, max_bytes=100)
    for i in range(5):
        cache.put(str(i), ({"i": i}, None, frozenset()), 10)
    assert len(cache) == 3 and cache.get("0") is None
    assert cache.get("4") == ({"i": 4}, None, frozenset())
    cache.put("big", ({}, None, frozenset()), 95)
    assert cache.size <= 100 and cache.get("big") is not None
