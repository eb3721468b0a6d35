"""The ``search`` field over HTTP: connection shape, cursors, filters, limits, hostile text."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import gql

QUERY = """query($t: String!, $first: Int, $after: String, $b: Boolean, $s: [CodeSystemId!]) {
  search(text: $t, first: $first, after: $after, billableOnly: $b, systems: $s) {
    totalCount
    edges { cursor score node { code billable } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def search(client: TestClient, t: str, **variables: Any) -> dict[str, Any]:
    body = gql(client, QUERY, {"t": t, **variables})
    assert body["_status"] == 200 and "errors" not in body, body
    result: dict[str, Any] = body["data"]["search"]
    return result


def codes(result: dict[str, Any]) -> list[str]:
    return [e["node"]["code"] for e in result["edges"]]


def test_a_guest_searches_freely(client: TestClient) -> None:
    for _ in range(5):  # a guest has one code view a day; searching costs none
        assert codes(search(client, "copd", first=3))[0] == "J44.9"


def test_connection_shape_scores_and_total(client: TestClient) -> None:
    result = search(client, "chest pain", first=5)
    scores = [e["score"] for e in result["edges"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1.2 for s in scores)
    assert result["totalCount"] >= 5 and result["pageInfo"]["hasNextPage"]
    assert codes(result)[0] == "R07.9"
    exact = search(client, "e11.", first=2)["edges"]
    assert exact[0]["node"]["code"] == "E11" and exact[0]["score"] > exact[1]["score"]


def test_cursors_walk_every_result_once(client: TestClient) -> None:
    seen: list[str] = []
    after = None
    total = None
    while True:
        page = search(client, "pressure ulcer", first=100, after=after)
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total
        seen += codes(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == total == len(set(seen)) and total > 300


def test_billable_only_and_systems(client: TestClient) -> None:
    result = search(client, "shingles", first=10, b=True, s=["ICD10CM"])
    assert codes(result)[0] == "B02.9"
    assert all(e["node"]["billable"] for e in result["edges"])
    assert search(client, "shingles", s=["ICD10CM"]) == search(client, "shingles")


@pytest.mark.parametrize("text", [
    '"', "AND OR NOT", "a* NEAR(b)", "'; DROP TABLE code; --", "(((", "e11.9-", "-", "*",
    "x" * 256, "\u0000", "diabetes' OR 1=1 --", "title:diabetes", "{copd}", "^copd", "c\\opd",
    "NEAR(diabetes pneumonia, 2)", "diabetes:* & !x", "'''", "%_%", "\u2603 \U0001f600",
    "pneumonia " * 25, "e" * 100, "z" * 40 + " fracture", " ".join(map(str, range(40))),
])
def test_hostile_text_gets_results_or_nothing_never_an_error(client: TestClient,
                                                             text: str) -> None:
    body = gql(client, QUERY, {"t": text, "first": 5})
    assert body["_status"] == 200 and "errors" not in body, body


def test_operators_are_words_not_syntax(client: TestClient) -> None:
    assert codes(search(client, "diabetes AND hyperglycemia type 2", first=3))[0] == "E11.65"
    assert search(client, "NOT")["totalCount"] >= 0


@pytest.mark.parametrize(("variables", "code"), [
    ({"t": "x" * 257}, "QUERY_TOO_LARGE"),
    ({"t": "diabetes " * 12_000}, "QUERY_TOO_LARGE"),  # 100 KB of words
    ({"t": "copd", "first": 101}, "QUERY_TOO_LARGE"),
    ({"t": "copd", "first": -1}, "BAD_USER_INPUT"),
    ({"t": "copd", "after": "not-a-cursor"}, "BAD_USER_INPUT"),
])
def test_bounds_give_a_clear_error(client: TestClient, variables: dict[str, Any],
                                   code: str) -> None:
    body = gql(client, QUERY, variables)
    assert body["_status"] == 200, body
    assert body["errors"][0]["extensions"]["code"] == code


def test_first_zero_counts_without_results(client: TestClient) -> None:
    result = search(client, "asthma", first=0)
    assert result["edges"] == [] and result["totalCount"] > 0


def test_a_cursor_past_the_end_gives_an_empty_page(client: TestClient) -> None:
    import base64

    far = base64.urlsafe_b64encode(b"o:" + b"9" * 25).decode()
    for text in ("e11.", "fracture"):
        result = search(client, text, first=5, after=far)
        assert result["edges"] == [] and not result["pageInfo"]["hasNextPage"]
    superscript = base64.urlsafe_b64encode("o:²".encode()).decode()
    body = gql(client, QUERY, {"t": "copd", "after": superscript})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
