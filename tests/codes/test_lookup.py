"""Code lookups through the ASGI app, on the real release."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import gql

CODE = """
query($code: String!, $inherited: Boolean = true) {
  code(system: ICD10CM, code: $code) {
    system code display billable level
    descriptions { kind text }
    parent { code } children { code } ancestors { code level }
    related(inherited: $inherited) { kind note targetCode sourceCode inherited targets { code } }
    guidelines(inherited: $inherited) { kind text sourceCode inherited }
  }
}"""


def lookup(client: TestClient, headers: dict[str, str], code: str, **variables: Any) -> Any:
    body = gql(client, CODE, {"code": code, **variables}, headers)
    assert "errors" not in body, body
    return body["data"]["code"]


def test_code_systems_report_the_cms_count(client: TestClient) -> None:
    body = gql(client, "{ codeSystems { id name version codeCount billableCount "
                       "releases { version effectiveFrom effectiveTo billableCount } } }")
    [system] = body["data"]["codeSystems"]
    assert system["id"] == "ICD10CM" and system["version"] == "2026"
    assert system["billableCount"] == 74_719
    assert system["releases"][0] == {"version": "2026", "effectiveFrom": "2025-10-01",
                                     "effectiveTo": "2026-09-30", "billableCount": 74_719}


@pytest.mark.parametrize("raw", ["E11.9", "e119", "E119", " e11.9 ", "e11.9"])
def test_input_is_normalised(client: TestClient, partner: dict[str, str], raw: str) -> None:
    assert lookup(client, partner, raw)["code"] == "E11.9"


def test_a_code_with_its_hierarchy(client: TestClient, partner: dict[str, str]) -> None:
    code = lookup(client, partner, "E11.9")
    assert code["display"] == "Type 2 diabetes mellitus without complications"
    assert code["billable"] is True and code["level"] == "CODE" and code["system"] == "ICD10CM"
    assert code["parent"] == {"code": "E11"}
    assert code["children"] == []
    assert code["ancestors"] == [
        {"code": "E11", "level": "CATEGORY"}, {"code": "E08-E13", "level": "BLOCK"},
        {"code": "4", "level": "CHAPTER"}]
    assert code["descriptions"][0] == {"kind": "OFFICIAL", "text": code["display"]}


def test_children_in_tabular_order(client: TestClient, partner: dict[str, str]) -> None:
    kids = [c["code"] for c in lookup(client, partner, "N18")["children"]]
    assert kids == ["N18.1", "N18.2", "N18.3", "N18.4", "N18.5", "N18.6", "N18.9"]


def test_inclusion_terms_are_descriptions(client: TestClient, partner: dict[str, str]) -> None:
    code = lookup(client, partner, "A00.0")
    assert {"kind": "INCLUSION_TERM", "text": "Classical cholera"} in code["descriptions"]


def test_seventh_character_code(client: TestClient, partner: dict[str, str]) -> None:
    code = lookup(client, partner, "t360x1a")
    assert code["code"] == "T36.0X1A"
    assert code["display"] == ("Poisoning by penicillins, accidental (unintentional), "
                               "initial encounter")
    assert code["parent"] == {"code": "T36.0X1"}
    assert code["billable"] is True
    parent = lookup(client, partner, "T36.0X1")
    assert parent["billable"] is False
    assert [c["code"] for c in parent["children"]] == ["T36.0X1A", "T36.0X1D", "T36.0X1S"]
    # The 7th-character definition in force is the nearest one, inherited from T36.
    sevenths = [g for g in code["guidelines"] if g["kind"] == "SEVENTH_CHARACTER"]
    assert {g["sourceCode"] for g in sevenths} == {"T36"}
    assert any(g["text"] == "A: initial encounter" for g in sevenths)


def test_nearest_seventh_character_definition_wins(client: TestClient,
                                                   partner: dict[str, str]) -> None:
    code = lookup(client, partner, "S12.8XXA")
    sevenths = [g for g in code["guidelines"] if g["kind"] == "SEVENTH_CHARACTER"]
    assert {g["sourceCode"] for g in sevenths} == {"S12.8"}


def test_own_and_inherited_excludes(client: TestClient, partner: dict[str, str]) -> None:
    code = lookup(client, partner, "E11.9")
    own = [r for r in code["related"] if not r["inherited"]]
    assert own == [{"kind": "EXCLUDES1", "note": "type 2 diabetes mellitus, without "
                    "complications in remission (E11.A)", "targetCode": "E11.A",
                    "sourceCode": "E11.9", "inherited": False, "targets": [{"code": "E11.A"}]}]
    from_e11 = [r for r in code["related"] if r["sourceCode"] == "E11"]
    type1 = next(r for r in from_e11 if r["targetCode"] == "E10.-")
    assert type1["kind"] == "EXCLUDES1" and type1["inherited"] is True
    assert type1["targets"] == [{"code": "E10"}]
    assert lookup(client, partner, "E11.9", inherited=False)["related"] == own


def test_note_lists_give_one_entry_per_reference(client: TestClient,
                                                 partner: dict[str, str]) -> None:
    related = lookup(client, partner, "E11.22", inherited=False)["related"]
    ckd = [r for r in related if r["kind"] == "USE_ADDITIONAL_CODE"]
    assert ckd and ckd[0]["targetCode"] == "N18.1-N18.6"
    assert [t["code"] for t in ckd[0]["targets"]] == [
        "N18.1", "N18.2", "N18.3", "N18.4", "N18.5", "N18.6"]


def test_kinds_filter(client: TestClient, partner: dict[str, str]) -> None:
    body = gql(client, '{ code(system: ICD10CM, code: "J44.9") { related(kinds: [EXCLUDES2]) '
                       "{ kind } } }", headers=partner)
    kinds = {r["kind"] for r in body["data"]["code"]["related"]}
    assert kinds == {"EXCLUDES2"}


def test_codes_answer_in_order_with_nulls(client: TestClient, partner: dict[str, str]) -> None:
    body = gql(client, '{ codes(system: ICD10CM, codes: ["I10", "nope", "e119", "I10"]) '
                       "{ code } }", headers=partner)
    assert body["data"]["codes"] == [{"code": "I10"}, None, {"code": "E11.9"}, {"code": "I10"}]


def test_unknown_code_is_null(client: TestClient, partner: dict[str, str]) -> None:
    body = gql(client, '{ code(system: ICD10CM, code: "ZZZ.999") { code } }', headers=partner)
    assert body["data"] == {"code": None} and "errors" not in body


def test_codes_over_the_limit(client: TestClient, partner: dict[str, str]) -> None:
    body = gql(client, "query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }",
               {"c": ["I10"] * 501}, partner)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "500" in body["errors"][0]["message"]


def test_blocks_and_chapters_answer_too(client: TestClient, partner: dict[str, str]) -> None:
    block = lookup(client, partner, "a00-a09")
    assert block["code"] == "A00-A09" and block["level"] == "BLOCK"
    assert block["parent"] == {"code": "1"}
    chapter = lookup(client, partner, "1")
    assert chapter["level"] == "CHAPTER" and chapter["parent"] is None
    assert lookup(client, partner, "B10-B10")["children"][0]["code"] == "B10"


def test_search_finds_titles_inclusion_terms_and_codes(client: TestClient) -> None:
    query = """query($t: String!) { search(text: $t, first: 5) {
        totalCount edges { cursor score node { code } } pageInfo { hasNextPage endCursor } } }"""
    first = gql(client, query, {"t": "e11.9"})["data"]["search"]
    assert first["edges"][0]["node"]["code"] == "E11.9"
    shingles = gql(client, query, {"t": "shingles"})["data"]["search"]
    assert any(e["node"]["code"].startswith("B02") for e in shingles["edges"])
    cholera = gql(client, query, {"t": "classical cholera"})["data"]["search"]
    assert cholera["edges"][0]["node"]["code"] == "A00.0"


def test_search_pages_with_cursors(client: TestClient) -> None:
    query = """query($after: String) { search(text: "diabetes", first: 3, after: $after) {
        totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } }"""
    page1 = gql(client, query)["data"]["search"]
    page2 = gql(client, query, {"after": page1["pageInfo"]["endCursor"]})["data"]["search"]
    codes1 = [e["node"]["code"] for e in page1["edges"]]
    codes2 = [e["node"]["code"] for e in page2["edges"]]
    assert len(codes1) == 3 and len(codes2) == 3 and not set(codes1) & set(codes2)
    assert page1["pageInfo"]["hasNextPage"] and page1["totalCount"] > 6


def test_search_billable_only(client: TestClient) -> None:
    body = gql(client, '{ search(text: "diabetes", billableOnly: true, first: 20) '
                       "{ edges { node { billable } } } }")
    assert all(e["node"]["billable"] for e in body["data"]["search"]["edges"])


@pytest.mark.parametrize("text", ['"', "AND OR NOT", "a* NEAR(b)", "'; DROP TABLE code; --",
                                  "(((", "e11.9-", "-", "*", "x" * 256])
def test_hostile_search_text(client: TestClient, text: str) -> None:
    body = gql(client, "query($t: String!) { search(text: $t) { totalCount } }", {"t": text})
    assert body["_status"] == 200 and "errors" not in body, body


def test_input_that_cannot_be_a_code_is_null(client: TestClient,
                                             partner: dict[str, str]) -> None:
    body = gql(client, "query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }",
               {"c": ["E11\u00009", "%", "", "e11.9", "'; drop table code; --", "é"]}, partner)
    assert body["_status"] == 200 and "errors" not in body, body
    assert body["data"]["codes"] == [None, None, None, {"code": "E11.9"}, None, None]


def test_references_as_notes_write_them_find_their_code(client: TestClient,
                                                        partner: dict[str, str]) -> None:
    body = gql(client, "query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }",
               {"c": ["E08.-", "n18.3-", "A00\u2013A09", "-"]}, partner)
    assert body["data"]["codes"] == [{"code": "E08"}, {"code": "N18.3"}, {"code": "A00-A09"},
                                     None]
