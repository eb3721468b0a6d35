"""CORS: origins from MEDCODE_CORS_ORIGINS (none by default), preflight, exposed quota headers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.settings import Settings

APP = "https://app.example.com"
OTHER = "https://evil.example.net"
CODE = '{ code(system: ICD10CM, code: "I10") { code display } }'
QUOTA_HEADERS = {"ratelimit-policy", "ratelimit", "x-ratelimit-limit", "x-ratelimit-remaining",
                 "x-ratelimit-reset", "retry-after", "x-request-id", "etag"}


def preflight(client: TestClient, origin: str) -> httpx.Response:
    return client.options("/graphql", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})


def listed(value: str | None) -> set[str]:
    return {v.strip().lower() for v in (value or "").split(",") if v.strip()}


def test_no_origin_is_allowed_by_default(client_for: Callable[..., TestClient],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDCODE_CORS_ORIGINS", raising=False)
    assert Settings().cors_origins == []
    web = client_for(cors_origins=[])
    answer = web.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
    refused = preflight(web, APP)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_an_allowed_origin_gets_preflight_and_the_quota_headers(
        client_for: Callable[..., TestClient]) -> None:
    web = client_for(cors_origins=[APP])
    ok = preflight(web, APP)
    assert ok.status_code == 200
    headers = ok.headers
    assert headers["access-control-allow-origin"] == APP
    assert {"get", "post"} <= listed(headers["access-control-allow-methods"])
    assert {"authorization", "x-api-key", "content-type", "if-none-match"} <= listed(
        headers["access-control-allow-headers"])
    assert headers["access-control-max-age"] == "600"

    answer = web.post("/graphql", json={"query": CODE}, headers={"Origin": APP})
    assert answer.status_code == 200 and answer.json()["data"]["code"]["code"] == "I10"
    assert answer.headers["access-control-allow-origin"] == APP
    assert listed(answer.headers["access-control-expose-headers"]) >= QUOTA_HEADERS
    assert "origin" in listed(answer.headers["vary"])
    assert answer.headers["x-ratelimit-remaining"] == "0"  # a guest's one view, now used

    # Refusals are readable too: the 429's Retry-After reaches the script.
    refused = web.get("/graphql", params={"query": CODE}, headers={"Origin": APP})
    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == APP
    assert "retry-after" in listed(refused.headers["access-control-expose-headers"])


def test_other_origins_stay_refused(client_for: Callable[..., TestClient]) -> None:
    web = client_for(cors_origins=[APP])
    assert preflight(web, OTHER).status_code == 400
    answer = web.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in answer.headers


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDCODE_CORS_ORIGINS", f'["{APP}", "http://127.0.0.1:5173"]')
    assert Settings().cors_origins == [APP, "http://127.0.0.1:5173"]
