"""ICD-10-PCS through the API: the FY2026 release loaded, counted against the tables file
walked here without the importer, looked up with its axes, validated and searched."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from .test_tables import BY_SECTION, TOTAL

Json = dict[str, Any]


def gql(client: TestClient, query: str, variables: Json | None = None,
        headers: dict[str, str] | None = None) -> Json:
    r = client.post("/graphql", json={"query": query, "variables": variables or {}},
                    headers=headers or {})
    assert r.status_code == 200, r.text
    body: Json = r.json()
    return body


def test_every_code_the_tables_allow_is_loaded(pcs_client: TestClient,
                                               pcs_engine: Engine) -> None:
    systems = {s["id"]: s for s in gql(pcs_client, """{ codeSystems { id name version
        releases { version effectiveFrom effectiveTo billableCount } } }""")["data"][
        "codeSystems"]}
    pcs = systems["ICD10PCS"]
    assert (pcs["name"], pcs["version"]) == ("ICD-10-PCS", "2026")
    assert pcs["releases"] == [{"version": "2026", "effectiveFrom": "2025-10-01",
                                "effectiveTo": "2026-09-30", "billableCount": TOTAL}]
    with pcs_engine.connect() as conn:
        by_section = dict(conn.execute(text(
            "SELECT substr(key, 1, 1), COUNT(*) FROM code WHERE level = 'CODE' AND billable "
            "GROUP BY substr(key, 1, 1)")).all())
        tables = conn.execute(text("SELECT COUNT(*) FROM code WHERE level = 'TABLE'")).scalar()
    assert by_section == BY_SECTION
    assert tables == 914


CODE = """query($code: String!, $asOf: Date) {
  code(system: ICD10PCS, code: $code, asOf: $asOf) {
    system code display billable level
    parent { code display level guidelines { kind text } parent { code display level
             parent { code display level } } }
    descriptions { kind text }
    pcsAxes { position title value label definition includes }
  }
}"""


def test_a_code_with_its_official_title_axes_and_table(pcs_client: TestClient,
                                                       pcs_key: dict[str, str]) -> None:
    code = gql(pcs_client, CODE, {"code": " 0dtj4zz "}, pcs_key)["data"]["code"]
    assert (code["system"], code["code"], code["billable"], code["level"]) == (
        "ICD10PCS", "0DTJ4ZZ", True, "CODE")
    assert code["display"] == "Resection of Appendix, Percutaneous Endoscopic Approach"
    table = code["parent"]
    assert (table["code"], table["level"]) == ("0DT", "TABLE")
    assert table["guidelines"] == [{"kind": "DEFINITION", "text": "Resection: Cutting out or "
                                    "off, without replacement, all of a body part"}]
    assert (table["parent"]["code"], table["parent"]["display"], table["parent"]["level"]) == (
        "0D", "Gastrointestinal System", "BLOCK")
    assert table["parent"]["parent"] == {"code": "0", "display": "Medical and Surgical",
                                         "level": "SECTION"}
    axes = code["pcsAxes"]
    assert [(a["position"], a["title"], a["value"], a["label"]) for a in axes] == [
        (1, "Section", "0", "Medical and Surgical"), (2, "Body System", "D",
                                                      "Gastrointestinal System"),
        (3, "Operation", "T", "Resection"), (4, "Body Part", "J", "Appendix"),
        (5, "Approach", "4", "Percutaneous Endoscopic"), (6, "Device", "Z", "No Device"),
        (7, "Qualifier", "Z", "No Qualifier")]
    assert axes[2]["definition"] == "Cutting out or off, without replacement, all of a body part"
    assert axes[4]["definition"].startswith("Entry, by puncture or minor incision")
    assert "Vermiform appendix" in axes[3]["includes"]
    assert {"kind": "INDEX_TERM", "text": "Appendectomy"} in code["descriptions"]

    cabg = gql(pcs_client, CODE, {"code": "02100Z9"}, pcs_key)["data"]["code"]
    assert cabg["display"] == ("Bypass Coronary Artery, One Artery from Left Internal Mammary, "
                               "Open Approach")
    # FY2026 is in force from 2025-10-01: the day before, nothing answers.
    assert gql(pcs_client, CODE, {"code": "02100Z9", "asOf": "2025-09-30"},
               pcs_key)["data"]["code"] is None


VALIDATE = """query($codes: [String!]!) { validateCodes(system: ICD10PCS, codes: $codes) {
  valid release findings { severity kind codes positions message suggestions { code } } } }"""


def test_validation_tells_an_invalid_combination_from_an_unknown_table(
        pcs_client: TestClient, pcs_key: dict[str, str]) -> None:
    def check(codes: list[str]) -> Json:
        result: Json = gql(pcs_client, VALIDATE, {"codes": codes},
                           pcs_key)["data"]["validateCodes"]
        return result

    ok = check(["0DTJ4ZZ", "02100Z9"])
    assert (ok["valid"], ok["release"], ok["findings"]) == (True, "2026", [])

    combination = check(["0DTJ4Z1"])["findings"][0]
    assert (combination["kind"], combination["severity"]) == ("INVALID_COMBINATION", "ERROR")
    assert "table 0DT" in combination["message"]
    assert "Character 7 (Qualifier) is 1" in combination["message"]
    assert [s["code"] for s in combination["suggestions"]] == ["0DTJ4ZG", "0DTJ4ZZ"]

    unknown = check(["0DZJ4ZZ"])["findings"][0]
    assert unknown["kind"] == "UNKNOWN_CODE" and "no table 0DZ" in unknown["message"]
    short = check(["0DTJ4Z"])["findings"][0]
    assert short["kind"] == "UNKNOWN_CODE" and "seven characters" in short["message"]

    table = check(["0DT"])["findings"][0]
    assert table["kind"] == "NOT_BILLABLE" and "is a table" in table["message"]

    twice = check(["0DTJ4ZZ", "0dtj4zz"])["findings"]
    assert [(f["kind"], f["positions"]) for f in twice] == [("DUPLICATE", [0, 1])]


SEARCH = """query($text: String!) { search(text: $text, systems: [ICD10PCS], first: 10) {
  totalCount edges { node { code } } } }"""


def test_search_by_partial_code_and_by_index_term(pcs_client: TestClient) -> None:
    def found(query: str) -> list[str]:
        edges = gql(pcs_client, SEARCH, {"text": query})["data"]["search"]["edges"]
        return [e["node"]["code"] for e in edges]

    partial = found("0dtj")
    assert partial[0] == "0DTJ" or all(c.startswith("0DTJ") for c in partial)
    assert "0DTJ4ZZ" in found("0DTJ4")
    appendectomy = found("appendectomy")
    assert appendectomy and all(c.startswith(("0DTJ", "0DBJ")) for c in appendectomy)
