"""Automatic persisted queries (Apollo's protocol): a hash alone runs a query sent once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.persisted import MemoryPersistedQueries, RedisPersistedQueries, sha256_hex
from tests.web.conftest import used

QUERY = """query CodeCard($code: String!) {
  code(system: ICD10CM, code: $code) { code display billable parent { code display } }
}"""
DIGEST = sha256_hex(QUERY)
TITLE = "Type 2 diabetes mellitus without complications"


def apq(digest: str = DIGEST) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def unique(query: str = QUERY) -> tuple[str, str]:
    """A query no other test (or earlier run, through Redis) has registered, and its hash."""
    text = f"# {uuid.uuid4().hex}\n{query}"
    return text, sha256_hex(text)


def error(r: Any) -> tuple[str, str]:
    e = r.json()["errors"][0]
    return e["message"], e["extensions"]["code"]


def test_a_hash_alone_runs_a_query_registered_before(
        web: TestClient, key_headers: Callable[..., dict[str, str]]) -> None:
    key = key_headers("free")
    query, digest = unique()
    variables = {"code": "e119"}
    registered = web.post("/graphql", headers=key, json={
        "query": query, "variables": variables, "extensions": apq(digest)})
    assert registered.status_code == 200, registered.text
    assert registered.json()["data"]["code"]["display"] == TITLE

    by_post = web.post("/graphql", headers=key,
                       json={"variables": variables, "extensions": apq(digest)})
    assert by_post.status_code == 200, by_post.text
    assert by_post.json()["data"] == registered.json()["data"]

    # Over GET, as Apollo's `useGETForHashedQueries` sends it: a short URL a CDN can cache.
    params = {"variables": json.dumps(variables), "extensions": json.dumps(apq(digest))}
    by_get = web.get("/graphql", params=params, headers=key)
    assert by_get.status_code == 200, by_get.text
    assert by_get.json()["data"] == registered.json()["data"]
    assert by_get.headers["ETag"].startswith('W/"')
    # ... with its ETag and 304 as for any GET, and a browser's Accept does not get GraphiQL.
    repeat = web.get("/graphql", params=params, headers={
        **key, "If-None-Match": by_get.headers["ETag"], "Accept": "text/html,*/*"})
    assert repeat.status_code == 304
    assert by_get.headers["X-RateLimit-Remaining"] == "3"
    assert repeat.headers["X-RateLimit-Remaining"] == "2"
    assert used(web, key) == 4  # every run is charged, hashed or not

    # Another variable with the same stored query.
    other = web.post("/graphql", headers=key,
                     json={"variables": {"code": "I10"}, "extensions": apq(digest)})
    assert other.json()["data"]["code"]["code"] == "I10"


def test_an_unknown_hash_asks_for_the_query(
        web: TestClient, key_headers: Callable[..., dict[str, str]]) -> None:
    key = key_headers("free")
    _, digest = unique()
    for r in (web.post("/graphql", headers=key, json={"extensions": apq(digest)}),
              web.get("/graphql", headers=key,
                      params={"extensions": json.dumps(apq(digest))})):
        assert r.status_code == 200
        assert r.json()["data"] is None
        assert error(r) == ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        assert r.headers["X-RateLimit-Remaining"] == "6"  # nothing ran, nothing charged
    assert used(web, key) == 0


def test_a_hash_that_does_not_match_the_query_is_refused(
        web: TestClient, key_headers: Callable[..., dict[str, str]]) -> None:
    key = key_headers("free")
    query, digest = unique()
    _, wrong = unique()
    r = web.post("/graphql", headers=key, json={
        "query": query, "variables": {"code": "E11.9"}, "extensions": apq(wrong)})
    assert r.status_code == 200 and r.json()["data"] is None
    message, code = error(r)
    assert code == "BAD_USER_INPUT"
    assert "does not match the SHA-256 of the query" in message
    assert used(web, key) == 0
    # Neither hash was stored.
    for d in (wrong, digest):
        r = web.post("/graphql", headers=key, json={"extensions": apq(d)})
        assert error(r)[1] == "PERSISTED_QUERY_NOT_FOUND"


def test_only_queries_that_parse_and_validate_are_stored(web: TestClient) -> None:
    for broken in ("{ code(system: ICD10CM, code: ", "{ nope }"):
        text, digest = unique(broken)
        r = web.post("/graphql", json={"query": text, "extensions": apq(digest)})
        assert error(r)[1] in ("GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED")
        again = web.post("/graphql", json={"extensions": apq(digest)})
        assert error(again)[1] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extension", [
    {"persistedQuery": "abc"},
    {"persistedQuery": {"version": 2, "sha256Hash": DIGEST}},
    {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
    {"persistedQuery": {"version": 1}},
])
def test_a_malformed_extension_is_a_clear_error(web: TestClient,
                                                extension: dict[str, Any]) -> None:
    r = web.post("/graphql", json={"extensions": extension})
    assert r.status_code == 200
    message, code = error(r)
    assert code == "BAD_USER_INPUT" and "persist" in message.lower()


def test_the_hash_is_the_one_clients_compute(web: TestClient) -> None:
    # SHA-256 of the UTF-8 query text as lower-case hex: the example that CDNs speaking the
    # protocol publish (Stellate's APQ docs) for `{__typename}`.
    digest = "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
    assert sha256_hex("{__typename}") == digest
    r = web.post("/graphql", json={"query": "{__typename}", "extensions": apq(digest)})
    assert r.json()["data"] == {"__typename": "Query"}
    upper = web.post("/graphql", json={"extensions": apq(digest.upper())})
    assert upper.json()["data"] == {"__typename": "Query"}


def test_the_process_store_is_bounded() -> None:
    store = MemoryPersistedQueries(max_entries=3, max_chars=100)
    for i in range(5):
        store.put(f"{i:064x}", f"q{i}")
    assert len(store) == 3 and store.get(f"{0:064x}") is None
    assert store.get(f"{4:064x}") == "q4"
    store.put("f" * 64, "x" * 95)
    assert store.chars <= 100 and store.get("f" * 64) == "x" * 95
    store.put("e" * 64, "y" * 101)  # larger than the whole store: not kept
    assert store.get("e" * 64) is None


def test_replicas_share_persisted_queries_through_redis(
        client_for: Callable[..., TestClient], redis_url: str) -> None:
    one = client_for(redis_url=redis_url)
    two = client_for(redis_url=redis_url)  # another process: its own memory, the same Redis
    query, digest = unique()
    stores = [c.app.state.persisted_queries for c in (one, two)]  # type: ignore[attr-defined]
    assert all(isinstance(s, RedisPersistedQueries) for s in stores)
    try:
        r = one.post("/graphql", json={"query": query, "variables": {"code": "I10"},
                                       "extensions": apq(digest)})
        assert r.status_code == 200, r.text
        assert stores[1].local.get(digest) is None
        served = two.post("/graphql", json={"variables": {"code": "I10"},
                                            "extensions": apq(digest)})
        assert served.status_code == 200, served.text
        assert served.json()["data"]["code"]["code"] == "I10"
        # Text in Redis that is not what the hash names is never run.
        stores[0].redis.set(stores[0].prefix + digest, b"{ viewer { plan } }")
        stores[1].local = MemoryPersistedQueries()
        assert stores[1].get(digest) is None
    finally:
        stores[0].redis.delete(stores[0].prefix + digest)
