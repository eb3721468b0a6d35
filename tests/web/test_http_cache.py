"""GET answers carry ETag and Cache-Control; a repeat with If-None-Match is a 304, still charged."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from service import http_cache
from tests.web.conftest import used

CODE = '{ code(system: ICD10CM, code: "E11.9") { code display } }'
TITLE = "Type 2 diabetes mellitus without complications"
NOTES = '{ code(system: ICD10CM, code: "E11.9") { code related { targetCode } } }'


def vary(response: object) -> set[str]:
    header = response.headers.get("vary", "")  # type: ignore[attr-defined]
    return {v.strip().lower() for v in header.split(",") if v.strip()}


def test_a_repeat_get_is_a_304_and_is_still_charged(
        web: TestClient, key_headers: Callable[..., dict[str, str]]) -> None:
    key = key_headers("free")
    first = web.get("/graphql", params={"query": CODE}, headers=key)
    assert first.status_code == 200, first.text
    assert first.json()["data"]["code"]["display"] == TITLE
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    assert first.headers["Cache-Control"] == "no-cache"
    assert {"authorization", "x-api-key"} <= vary(first)
    assert first.headers["X-RateLimit-Remaining"] == "5"

    again = web.get("/graphql", params={"query": CODE}, headers={**key, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert "content-type" not in again.headers
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-cache"
    assert again.headers["X-RateLimit-Remaining"] == "4"  # charged as usual
    assert again.headers["X-Request-Id"]
    assert used(web, key) == 2

    # A tag the client holds from elsewhere (or a list without ours) gets the full answer.
    other = web.get("/graphql", params={"query": CODE},
                    headers={**key, "If-None-Match": 'W/"0000", "1111"'})
    assert other.status_code == 200 and other.json()["data"]["code"]["code"] == "E11.9"
    assert other.headers["ETag"] == etag
    # A list that names it, strong or weak, is a match.
    listed = web.get("/graphql", params={"query": CODE},
                     headers={**key, "If-None-Match": f'"abc", {etag.removeprefix("W/")}'})
    assert listed.status_code == 304
    assert used(web, key) == 4


def test_the_tag_follows_the_answer_not_the_caller(
        client_for: Callable[..., TestClient],
        key_headers: Callable[..., dict[str, str]]) -> None:
    web = client_for(plan_limits={"guest": 10, "free": 6, "pro": 10_000, "partner": None})
    one, two = key_headers("free"), key_headers("pro")
    a = web.get("/graphql", params={"query": NOTES}, headers=one)
    b = web.get("/graphql", params={"query": NOTES}, headers=two)
    guest = web.get("/graphql", params={"query": NOTES})
    assert a.status_code == b.status_code == guest.status_code == 200
    assert a.headers["ETag"] == b.headers["ETag"]  # same data for any key
    assert guest.json()["data"]["code"]["related"] is None
    assert guest.headers["ETag"] != a.headers["ETag"]  # the guest's answer is gated
    # So a guest's revalidation with a key's tag gets the (different) full answer.
    cross = web.get("/graphql", params={"query": NOTES}, headers={"If-None-Match":
                                                                  a.headers["ETag"]})
    assert cross.status_code == 200 and cross.json()["data"]["code"]["related"] is None


def test_the_tag_is_tied_to_the_loaded_releases() -> None:
    answer = {"data": {"code": {"code": "E11.9"}}, "extensions": {"cost": {"remaining": 3}}}
    fy2026 = http_cache.entity_tag("ICD10CM:2026", answer)
    assert fy2026 == http_cache.entity_tag("ICD10CM:2026", {**answer, "extensions": {}})
    assert fy2026 != http_cache.entity_tag("ICD10CM:2027,ICD10CM:2026", answer)
    assert fy2026 != http_cache.entity_tag("ICD10CM:2026", {"data": {"code": None}})


def test_if_none_match_comparison() -> None:
    tag = 'W/"abc"'
    assert http_cache.matches('W/"abc"', tag)
    assert http_cache.matches('"abc"', tag)  # weak comparison
    assert http_cache.matches('"x", W/"abc"', tag)
    assert http_cache.matches("*", tag)
    assert not http_cache.matches('"abcd"', tag)
    assert not http_cache.matches("", tag)
    assert not http_cache.matches(None, tag)


def test_posts_and_refusals_are_not_cached(
        client_for: Callable[..., TestClient]) -> None:
    web = client_for(plan_limits={"guest": 1, "free": 6, "pro": 10_000, "partner": None})
    posted = web.post("/graphql", json={"query": CODE})
    assert posted.status_code == 200 and "etag" not in posted.headers
    refused = web.get("/graphql", params={"query": CODE}, headers={"If-None-Match": "*"})
    assert refused.status_code == 429
    assert refused.headers["Cache-Control"] == "no-store" and "etag" not in refused.headers
    assert refused.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
    bad_key = web.get("/graphql", params={"query": CODE},
                      headers={"Authorization": "Bearer mc_live_nope"})
    assert bad_key.status_code == 401 and "etag" not in bad_key.headers


def test_a_query_about_the_caller_still_revalidates(
        web: TestClient, key_headers: Callable[..., dict[str, str]]) -> None:
    """`viewer` changes with every charged request: its tag changes, so no stale 304."""
    key = key_headers("free")
    q = "{ viewer { quota { used } } code(system: ICD10CM, code: \"I10\") { code } }"
    first = web.get("/graphql", params={"query": q}, headers=key)
    second = web.get("/graphql", params={"query": q},
                     headers={**key, "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.json()["data"]["viewer"]["quota"]["used"] == 2
    assert second.headers["ETag"] != first.headers["ETag"]
