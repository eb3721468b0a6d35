"""``application/graphql-response+json`` (the GraphQL-over-HTTP spec) beside ``application/json``:
who gets which, the 4xx for requests that fail before execution, no ``data`` in error answers,
and the same quota headers, charges, 401s and 429s as ``application/json``; on the long way, the
fast path's prepared answers and the result cache alike."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service import metrics
from service.encoding import GRAPHQL_RESPONSE, JSON, negotiate
from tests.conftest import StatementCounter
from tests.web.conftest import used

LOOKUP = '{ code(system: ICD10CM, code: "E11.9") { code display } }'
NEW = {"Accept": GRAPHQL_RESPONSE}
OLD = {"Accept": JSON}
QUOTA = ("ratelimit-policy", "x-ratelimit-limit", "x-ratelimit-remaining")


def post(client: TestClient, body: object, headers: dict[str, str]) -> httpx.Response:
    return client.post("/graphql", json=body, headers=headers)


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize(("accept", "expected"), [
    (None, JSON),
    ("*/*", JSON),
    ("application/*", JSON),
    ("application/json", JSON),
    ("text/html", JSON),  # neither: the spec lets the server answer its default
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),  # the spec's advice
    (f"{GRAPHQL_RESPONSE}, application/json", GRAPHQL_RESPONSE),  # equal q: the first listed
    (f"application/json, {GRAPHQL_RESPONSE}", JSON),
    (f"application/json;q=0.5, {GRAPHQL_RESPONSE};q=0.8", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0.5, */*", JSON),
    (f"{GRAPHQL_RESPONSE}, */*", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0", JSON),
    ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
])
def test_the_media_type_is_negotiated_from_accept(accept: str | None, expected: str) -> None:
    assert negotiate(None if accept is None else accept.encode()) == expected


def test_an_answer_comes_in_the_media_type_asked_for(web: TestClient) -> None:
    new, old = post(web, {"query": "{ __typename }"}, NEW), post(
        web, {"query": "{ __typename }"}, OLD)
    assert (new.status_code, old.status_code) == (200, 200)
    assert new.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert old.headers["content-type"] == JSON
    assert new.json()["data"] == old.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(("name", "body", "code"), [
    ("parse", {"query": "{"}, "GRAPHQL_PARSE_FAILED"),
    ("validation", {"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    ("coercion", {"query": "query($c: String!) { code(system: ICD10CM, code: $c) { code } }",
                  "variables": {"c": 5}}, "BAD_USER_INPUT"),
    ("missing variable", {"query": "query($c: String!) { code(system: ICD10CM, code: $c) "
                                   "{ code } }"}, "BAD_USER_INPUT"),
    ("depth", {"query": "{ code(system: ICD10CM, code: \"E11.9\") " + "{ parent " * 14
               + "{ code }" + " }" * 14 + " }"}, "QUERY_TOO_LARGE"),
])
def test_a_request_that_fails_before_execution_is_a_400_without_data(
        web: TestClient, name: str, body: dict[str, object], code: str) -> None:
    new, old = post(web, body, NEW), post(web, body, OLD)
    assert new.status_code == 400, new.text
    assert media(new) == GRAPHQL_RESPONSE
    assert "data" not in new.json()
    assert [e["extensions"]["code"] for e in new.json()["errors"]] == [code]
    # application/json, as before: a 200 with "data": null and the same errors.
    assert old.status_code == 200 and media(old) == JSON
    assert old.json()["data"] is None
    assert old.json()["errors"] == new.json()["errors"]
    assert old.json()["extensions"] == new.json()["extensions"]
    for header in QUOTA:
        assert new.headers[header] == old.headers[header]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("not JSON", b'{ "not a JSON', 400),
    ("no query", b'{"notquery": "{ __typename }"}', 400),
    ("query not a string", b'{"query": 0}', 400),
])
def test_a_request_that_is_not_graphql_is_a_400_without_data(
        web: TestClient, name: str, content: bytes, expected: int) -> None:
    for accept, has_data in ((GRAPHQL_RESPONSE, False), (JSON, True)):
        answer = web.post("/graphql", content=content,
                          headers={"Content-Type": "application/json", "Accept": accept})
        assert answer.status_code == expected
        assert media(answer) == accept
        assert ("data" in answer.json()) is has_data
        assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_field_error_is_still_a_200_with_data(web: TestClient) -> None:
    """Execution ran: an answer with ``data``, even null (a non-null field failed), is a 200 in
    either media type, as the spec says."""
    body = {"query": '{ a: code(system: ICD10CM, code: "E11.9") { code } '
                     'b: search(text: "diabetes", first: -1) { totalCount } }'}
    new = post(web, body, NEW)
    assert new.status_code == 200 and media(new) == GRAPHQL_RESPONSE
    assert "data" in new.json() and new.json()["data"] is None  # `search` is non-null
    (error,) = new.json()["errors"]
    assert error["path"] == ["b"] and error["extensions"]["code"] == "BAD_USER_INPUT"


def test_quota_401_and_429_are_the_same_in_both_media_types(
        client_for: Callable[..., TestClient],
        key_headers: Callable[[str], dict[str, str]]) -> None:
    web = client_for()
    seen: dict[str, list[tuple[int, str | None]]] = {}
    for accept in (GRAPHQL_RESPONSE, JSON):
        headers = {**key_headers("free"), "Accept": accept}
        answers = [post(web, {"query": LOOKUP}, headers) for _ in range(8)]
        seen[accept] = [(a.status_code, a.headers.get("x-ratelimit-remaining"))
                        for a in answers]
        refused = answers[-1]
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert media(refused) == accept
        assert ("data" in refused.json()) is (accept == JSON)
        assert refused.json()["errors"][0]["extensions"]["code"] == "QUOTA_EXCEEDED"
        assert used(web, headers) == 6
        bad = post(web, {"query": LOOKUP}, {"Authorization": "Bearer mc_live_nope",
                                            "Accept": accept})
        assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")
        assert media(bad) == accept
        assert ("data" in bad.json()) is (accept == JSON)
        assert bad.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert seen[GRAPHQL_RESPONSE] == seen[JSON] == [(200, str(5 - i)) for i in range(6)] + [
        (429, "0")] * 2


def test_a_prepared_answer_is_served_only_in_its_own_media_type(
        client_for: Callable[..., TestClient], key_headers: Callable[[str], dict[str, str]],
        engine: Engine) -> None:
    web, key = client_for(fast_path_recheck_seconds=60), key_headers("partner")
    order = [JSON, JSON, GRAPHQL_RESPONSE, GRAPHQL_RESPONSE, JSON, GRAPHQL_RESPONSE, None]
    answers = []
    for accept in order:
        headers = key if accept is None else {**key, "Accept": accept}
        answers.append(post(web, {"query": LOOKUP}, headers))
    assert [media(a) for a in answers] == [m or JSON for m in order]
    assert len({a.content for a in answers}) == 1  # unlimited: the same bytes, both types
    assert len(web.app.state.prepared) == 2  # type: ignore[attr-defined]  # one per type
    for accept in (JSON, GRAPHQL_RESPONSE):  # each now from its prepared bytes
        with StatementCounter(engine) as counter:
            again = post(web, {"query": LOOKUP}, {**key, "Accept": accept})
        assert counter.count == 0 and media(again) == accept


def test_two_accept_fields_are_read_as_one(client_for: Callable[..., TestClient],
                                           key_headers: Callable[[str], dict[str, str]]) -> None:
    """HTTP joins repeated fields: the fast path (which reads the first of each) leaves such a
    request to the long way, so it can never key it by one field and answer by the other."""
    web, key = client_for(), key_headers("partner")
    repeated = [(b"accept", JSON.encode()), (b"accept", GRAPHQL_RESPONSE.encode())]
    for _ in range(3):
        answer = web.post("/graphql", json={"query": LOOKUP},
                          headers=httpx.Headers([*key.items(), *repeated]))
        assert media(answer) == JSON  # application/json is listed first
    for _ in range(2):
        assert media(post(web, {"query": LOOKUP}, {**key, "Accept": GRAPHQL_RESPONSE})) == \
            GRAPHQL_RESPONSE


def test_a_get_answer_varies_by_accept_and_has_a_tag_per_media_type(web: TestClient) -> None:
    params = {"query": "{ codeSystems { id } }"}
    new = web.get("/graphql", params=params, headers=NEW)
    old = web.get("/graphql", params=params, headers=OLD)
    assert (new.status_code, old.status_code) == (200, 200)
    for answer in (new, old):
        assert "accept" in {v.strip().lower() for v in answer.headers["vary"].split(",")}
    assert new.headers["etag"] != old.headers["etag"]
    again = web.get("/graphql", params=params,
                    headers={**NEW, "If-None-Match": new.headers["etag"]})
    assert again.status_code == 304
    other = web.get("/graphql", params=params,
                    headers={**OLD, "If-None-Match": new.headers["etag"]})
    assert other.status_code == 200 and media(other) == JSON
    bad = web.get("/graphql", params={"query": "{ nope }"}, headers=NEW)
    assert bad.status_code == 400 and "data" not in bad.json()
    assert bad.headers["cache-control"] == "no-store"


def test_the_result_cache_serves_both_media_types(client_for: Callable[..., TestClient],
                                                  key_headers: Callable[[str], dict[str, str]],
                                                  ) -> None:
    """A result cached for one media type is the same result for the other: only the HTTP
    answer around it differs."""
    web, key = client_for(fast_path=False), key_headers("partner")
    first = post(web, {"query": LOOKUP}, {**key, **OLD})
    hits = result_cache_hits()
    second = post(web, {"query": LOOKUP}, {**key, **NEW})
    assert result_cache_hits() == hits + 1
    assert (media(first), media(second)) == (JSON, GRAPHQL_RESPONSE)
    assert first.json() == second.json()


def result_cache_hits() -> float:
    return metrics.REGISTRY.get_sample_value(
        "medcode_cache_total", {"cache": "result", "result": "hit"}) or 0.0
