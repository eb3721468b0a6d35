"""The synthetic CPT release loaded (SQLite, and PostgreSQL when configured) and asked through
the API by a partner key that holds the ``cpt`` licence: counts, hierarchy, descriptions,
descriptor families, modifiers, search and validation."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from seed.load import LoadResult

Json = dict[str, Any]


def gql(client: TestClient, query: str, variables: Json | None = None,
        headers: dict[str, str] | None = None) -> Json:
    r = client.post("/graphql", json={"query": query, "variables": variables or {}},
                    headers=headers or {})
    assert r.status_code == 200, r.text
    body: Json = r.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


CODE = """query($code: String!) {
  code(system: CPT, code: $code) {
    system code display billable level
    parent { code display level parent { code display level } }
    descriptions { kind text }
    related { kind note targetCode targets { code } }
  }
}"""


def test_the_release_is_loaded_with_its_counts(cpt_loaded: tuple[Engine, LoadResult],
                                              cpt_client: TestClient,
                                              cpt_key: dict[str, str]) -> None:
    engine, result = cpt_loaded
    assert (result.version, result.billable_count) == ("2026", 20)
    assert result.related_count == 16  # 96420-96425: 4 x 3; 10060/10061 and 99213/99214: 2 + 2
    with engine.connect() as conn:
        levels: dict[str, int] = dict(conn.execute(text(
            "SELECT c.level, COUNT(*) FROM code c JOIN release r ON r.id = c.release_id "
            "WHERE r.system_id = 'CPT' GROUP BY c.level")).tuples().all())
    assert levels == {"SECTION": 10, "BLOCK": 10, "CODE": 20, "MODIFIER": 6}
    systems = gql(cpt_client, "{ codeSystems { id releases { version effectiveFrom effectiveTo "
                  "codeCount billableCount } } }", headers=cpt_key)["codeSystems"]
    cpt = next(s for s in systems if s["id"] == "CPT")
    assert cpt["releases"] == [{"version": "2026", "effectiveFrom": "2026-01-01",
                                "effectiveTo": "2026-12-31", "codeCount": 46,
                                "billableCount": 20}]


def test_96425_with_its_descriptors_hierarchy_and_family(cpt_client: TestClient,
                                                         cpt_key: dict[str, str]) -> None:
    code = gql(cpt_client, CODE, {"code": " 96425 "}, cpt_key)["code"]
    assert (code["system"], code["code"], code["billable"], code["level"]) == (
        "CPT", "96425", True, "CODE")
    assert code["display"].startswith("Zorbital test-agent delivery, into an artery; by drip")
    assert code["parent"] == {
        "code": "96401-96549", "level": "BLOCK",
        "display": "Chemotherapy and complex drug or biologic administration",
        "parent": {"code": "90281-99607", "display": "Medicine", "level": "SECTION"}}
    assert [d["kind"] for d in code["descriptions"]] == [
        "OFFICIAL", "MEDIUM", "SHORT", "LAY", "CLINICIAN", "CLINICIAN"]
    assert code["descriptions"][0]["text"] == code["display"]
    assert code["descriptions"][3]["text"].startswith("Zorbital plain words: test-agent")
    note = "Same descriptor family as 96420 (the text before its semicolon)"
    assert code["related"] == [
        {"kind": "FAMILY", "note": note, "targetCode": t, "targets": [{"code": t}]}
        for t in ("96420", "96422", "96423")]
    head = gql(cpt_client, CODE, {"code": "96420"}, cpt_key)["code"]
    assert [r["targetCode"] for r in head["related"]] == ["96422", "96423", "96425"]
    alone = gql(cpt_client, CODE, {"code": "96440"}, cpt_key)["code"]
    assert alone["related"] == []


def test_each_category_and_the_narrowest_range_wins(cpt_client: TestClient,
                                                    cpt_key: dict[str, str]) -> None:
    def place(code: str) -> tuple[str, ...]:
        found = gql(cpt_client, CODE, {"code": code}, cpt_key)["code"]
        chain = [found["parent"]["code"]]
        if found["parent"]["parent"]:
            chain.append(found["parent"]["parent"]["code"])
        return (found["code"], found["level"], str(found["billable"]), *chain)

    assert place("99213") == ("99213", "CODE", "True", "99202-99215", "99202-99499")
    assert place("99500") == ("99500", "CODE", "True", "99500-99602", "90281-99607")
    assert place("0001f") == ("0001F", "CODE", "True", "0001F-0499F", "0001F-9999F")
    assert place("0042T") == ("0042T", "CODE", "True", "0001T-9999T")
    assert place("0001U") == ("0001U", "CODE", "True", "0001U-9999U")
    assert place("0001A") == ("0001A", "CODE", "True", "0001A-9999A", "90281-99607")
    assert place("59") == ("59", "MODIFIER", "False", "MODIFIER")
    assert place("p1") == ("P1", "MODIFIER", "False", "MODIFIER")
    section = gql(cpt_client, CODE, {"code": "90281-99607"}, cpt_key)["code"]
    assert (section["level"], section["billable"], section["display"]) == (
        "SECTION", False, "Medicine")


SEARCH = """query($text: String!) { search(text: $text, systems: [CPT], first: 10) {
  totalCount edges { node { code } } } }"""


def test_search_finds_codes_by_their_descriptors_and_numbers(cpt_client: TestClient,
                                                             cpt_key: dict[str, str]) -> None:
    def found(words: str) -> list[str]:
        edges = gql(cpt_client, SEARCH, {"text": words}, cpt_key)["search"]["edges"]
        return [e["node"]["code"] for e in edges]

    assert found("zorbital pump")[0] == "96425"
    assert found("perfusion scan tracer")[0] == "0042T"
    assert found("portable pump")[0] == "96425"  # words only a clinician descriptor has
    assert "96425" in found("9642")


VALIDATE = """query($codes: [String!]!) { validateCodes(system: CPT, codes: $codes) {
  valid release findings { kind codes message } } }"""


def test_validation_names_codes_never_their_descriptors(cpt_client: TestClient,
                                                        cpt_key: dict[str, str]) -> None:
    ok = gql(cpt_client, VALIDATE, {"codes": ["96425", "0042T"]}, cpt_key)["validateCodes"]
    assert (ok["valid"], ok["release"], ok["findings"]) == (True, "2026", [])
    bad = gql(cpt_client, VALIDATE, {"codes": ["96425", "59", "96401-96549", "96424", "96425"]},
              cpt_key)["validateCodes"]
    kinds = [(f["kind"], f["codes"]) for f in bad["findings"]]
    assert kinds == [("NOT_BILLABLE", ["59"]), ("NOT_BILLABLE", ["96401-96549"]),
                     ("UNKNOWN_CODE", ["96424"]), ("DUPLICATE", ["96425"])]
    assert not any("zorb" in f["message"].casefold() for f in bad["findings"])
