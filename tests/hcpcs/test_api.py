"""HCPCS Level II through the API: both bundled releases loaded, counted against the official
files read here without the importer, looked up, dated, compared, searched and validated."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from ._data import raw_txt_lines, raw_xlsx_rows

Json = dict[str, Any]


def gql(client: TestClient, query: str, variables: Json | None = None,
        headers: dict[str, str] | None = None) -> Json:
    r = client.post("/graphql", json={"query": query, "variables": variables or {}},
                    headers=headers or {})
    assert r.status_code == 200, r.text
    body: Json = r.json()
    return body


def _raw_jan() -> dict[str, dict[str, str]]:
    """Each January record's first line, sliced at the record layout's positions."""
    out: dict[str, dict[str, str]] = {}
    for line in raw_txt_lines():
        kind = line[10:11].decode()
        if kind in ("3", "7"):
            code = line[:5].decode().strip()
            out[code] = {"kind": kind, "term": line[284:292].decode().strip(),
                         "action": line[292:293].decode(), "added": line[268:276].decode()}
    return out


def _raw_oct() -> dict[str, dict[str, str]]:
    header, *rows = raw_xlsx_rows()
    col = {name: i for i, name in enumerate(header)}
    return {str(r[0]).strip(): {"kind": str(r[col["RECID"]]),
                                "term": str(r[col["TERM DT"]] or "").strip(),
                                "long": str(r[col["LONG DESCRIPTION"]])} for r in rows}


def _counts(raw: dict[str, dict[str, str]], first_day: str) -> tuple[int, int, int]:
    kinds = Counter(r["kind"] for r in raw.values())
    billable = sum(1 for r in raw.values()
                   if r["kind"] == "3" and (not r["term"] or r["term"] >= first_day))
    return kinds["3"], kinds["7"], billable


RELEASES = """{ codeSystems { id name version releases { version effectiveFrom effectiveTo
                codeCount billableCount } } }"""


def test_both_releases_loaded_with_the_files_counts(hcpcs_client: TestClient,
                                                   hcpcs_engine: Engine) -> None:
    systems = {s["id"]: s for s in gql(hcpcs_client, RELEASES)["data"]["codeSystems"]}
    hcpcs = systems["HCPCS"]
    assert (hcpcs["name"], hcpcs["version"]) == ("HCPCS Level II", "2026-01")
    releases = {r["version"]: r for r in hcpcs["releases"]}
    assert list(releases) == ["2026-01", "2025-10"]
    assert [(r["effectiveFrom"], r["effectiveTo"]) for r in releases.values()] == [
        ("2026-01-01", None), ("2025-10-01", None)]
    with hcpcs_engine.connect() as conn:
        levels = {(v, level): n for v, level, n in conn.execute(text(
            "SELECT r.version, c.level, COUNT(*) FROM code c JOIN release r "
            "ON r.id = c.release_id WHERE r.system_id = 'HCPCS' GROUP BY r.version, c.level"))}
    for version, raw, first_day in (("2026-01", _raw_jan(), "20260101"),
                                    ("2025-10", _raw_oct(), "20251001")):
        codes, modifiers, billable = _counts(raw, first_day)
        assert releases[version]["billableCount"] == billable
        assert (levels[version, "CODE"], levels[version, "MODIFIER"]) == (codes, modifiers)
        sections = len({c[0] for c, r in raw.items() if r["kind"] == "3"}) + 1  # + modifiers
        assert levels[version, "SECTION"] == sections
        assert releases[version]["codeCount"] == sum(
            n for (v, _level), n in levels.items() if v == version)
    assert _counts(_raw_jan(), "20260101") == (8_623, 383, 7_323)
    assert _counts(_raw_oct(), "20251001") == (8_463, 383, 7_258)


CODE = """query($code: String!, $asOf: Date) {
  code(system: HCPCS, code: $code, asOf: $asOf) {
    system code display billable level
    parent { code display level parent { code level } }
    descriptions { kind text }
    related { kind note targetCode targets { code } }
    guidelines { kind text sourceCode }
    hcpcs { shortDescription addedOn effectiveOn terminatedOn action { code meaning }
            coverage { code meaning } betos { code meaning } pricing { code meaning }
            typesOfService { code meaning } references crossReferences processingNote
            ascGroup { code meaning } }
  }
}"""


def test_a_drug_code_as_the_file_states_it(hcpcs_client: TestClient,
                                          hcpcs_key: dict[str, str]) -> None:
    code = gql(hcpcs_client, CODE, {"code": " j9035 "}, hcpcs_key)["data"]["code"]
    assert code["system"] == "HCPCS" and code["code"] == "J9035"
    assert code["display"] == "Injection, bevacizumab, 10 mg"
    assert (code["billable"], code["level"]) == (True, "CODE")
    assert code["parent"] == {"code": "J9000-J9999", "display": "Chemotherapy Drugs",
                              "level": "BLOCK", "parent": {"code": "J", "level": "SECTION"}}
    assert code["descriptions"] == [
        {"kind": "OFFICIAL", "text": "Injection, bevacizumab, 10 mg"},
        {"kind": "SHORT", "text": "Bevacizumab injection"}]
    details = code["hcpcs"]
    assert details["shortDescription"] == "Bevacizumab injection"
    assert (details["addedOn"], details["terminatedOn"]) == ("2005-01-01", None)
    assert details["action"] == {"code": "N", "meaning": "No maintenance for this code"}
    assert details["coverage"] == {"code": "C", "meaning": "Carrier judgment"}
    assert details["betos"] == {"code": "O1E", "meaning": "Other drugs"}
    assert details["pricing"] == [{"code": "51", "meaning": "Drugs"}]
    assert [t["code"] for t in details["typesOfService"]] == ["1", "P"]
    assert details["ascGroup"]["code"] == "YY"


def test_a_modifier_has_its_own_level_and_is_not_billable(hcpcs_client: TestClient,
                                                          hcpcs_key: dict[str, str]) -> None:
    code = gql(hcpcs_client, CODE, {"code": "xe"}, hcpcs_key)["data"]["code"]
    assert (code["code"], code["level"], code["billable"]) == ("XE", "MODIFIER", False)
    assert code["display"].startswith("Separate encounter")
    assert code["parent"]["code"] == "MODIFIER" and code["parent"]["level"] == "SECTION"


def test_cross_references_resolve_when_the_target_is_in_the_release(
        hcpcs_client: TestClient, hcpcs_key: dict[str, str]) -> None:
    code = gql(hcpcs_client, CODE, {"code": "A4466"}, hcpcs_key)["data"]["code"]
    assert code["billable"] is False and code["hcpcs"]["terminatedOn"] == "2016-12-31"
    assert code["related"] == [{"kind": "CROSS_REFERENCE", "note": "Cross reference: A4467",
                                "targetCode": "A4467", "targets": [{"code": "A4467"}]}]
    cpt = gql(hcpcs_client, CODE, {"code": "C8904"}, hcpcs_key)["data"]["code"]
    assert cpt["related"][0]["targetCode"] == "77046" and cpt["related"][0]["targets"] == []


def test_the_processing_note_is_a_guideline(hcpcs_client: TestClient,
                                            hcpcs_key: dict[str, str]) -> None:
    code = gql(hcpcs_client, CODE, {"code": "AM"}, hcpcs_key)["data"]["code"]
    assert code["hcpcs"]["processingNote"] == "0069"
    assert [g["kind"] for g in code["guidelines"]] == ["NOTE"]
    assert code["guidelines"][0]["sourceCode"] == "AM"


def test_guests_see_the_code_but_not_its_related_codes_or_guidelines(
        hcpcs_client: TestClient) -> None:
    r = hcpcs_client.post("/graphql", json={"query": CODE, "variables": {"code": "A4466"}},
                          headers={"X-Forwarded-For": "198.51.100.77"})
    body = r.json()
    assert body["data"]["code"]["code"] == "A4466"
    assert body["data"]["code"]["related"] is None and body["data"]["code"]["guidelines"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"REGISTRATION_REQUIRED"}


def test_a_code_terminated_on_december_31_answers_for_december_not_january(
        hcpcs_client: TestClient, hcpcs_key: dict[str, str]) -> None:
    def at(day: str | None) -> Json | None:
        result: Json | None = gql(hcpcs_client, CODE, {"code": "C5271", "asOf": day},
                                  hcpcs_key)["data"]["code"]
        return result

    december = at("2025-12-15")
    assert december is not None and december["billable"] is True
    assert december["hcpcs"]["action"]["code"] != "D"  # the October file's record
    assert at("2026-01-15") is None
    newest = at(None)
    assert newest is not None and newest["billable"] is False
    assert (newest["hcpcs"]["terminatedOn"], newest["hcpcs"]["action"]["code"]) == (
        "2025-12-31", "D")
    # A code new in January is not there for a November date.
    assert gql(hcpcs_client, CODE, {"code": "A4295", "asOf": "2025-11-01"},
               hcpcs_key)["data"]["code"] is None
    assert gql(hcpcs_client, CODE, {"code": "A4295", "asOf": "2026-01-02"},
               hcpcs_key)["data"]["code"]["billable"] is True


CHANGES = """{ changes(system: HCPCS, from: "2025-10", to: "2026-01") {
  addedCount deletedCount revisedCount added { code } deleted { code }
  revised { code before after } } }"""


def test_changes_agree_with_the_january_files_action_codes(hcpcs_client: TestClient) -> None:
    changes = gql(hcpcs_client, CHANGES)["data"]["changes"]
    jan, oct_ = _raw_jan(), _raw_oct()
    actions: dict[str, set[str]] = {}
    for code, r in jan.items():
        if r["kind"] == "3":
            actions.setdefault(r["action"], set()).add(code)
    assert {c["code"] for c in changes["added"]} == actions["A"]
    assert {c["code"] for c in changes["deleted"]} == actions["D"]
    assert {c["code"] for c in changes["revised"]} == actions["C"]
    assert (changes["addedCount"], changes["deletedCount"], changes["revisedCount"]) == (
        160, 95, 294)
    revised = {c["code"]: c for c in changes["revised"]}
    assert revised["A2001"]["before"] == oct_["A2001"]["long"]


VALIDATE = """query($codes: [String!]!, $date: Date) {
  validateCodes(system: HCPCS, codes: $codes, dateOfService: $date) {
    valid release findings { severity kind codes positions message suggestions { code } } } }"""


def test_validation_of_hcpcs_codes(hcpcs_client: TestClient,
                                   hcpcs_key: dict[str, str]) -> None:
    def check(codes: list[str], date: str | None = None) -> Json:
        result: Json = gql(hcpcs_client, VALIDATE, {"codes": codes, "date": date},
                           hcpcs_key)["data"]["validateCodes"]
        return result

    ok = check(["J9035", "A0428"], "2026-01-10")
    assert (ok["valid"], ok["release"], ok["findings"]) == (True, "2026-01", [])

    unknown = check(["J9O35"])["findings"][0]
    assert (unknown["kind"], unknown["severity"]) == ("UNKNOWN_CODE", "ERROR")
    assert "J9035" in [s["code"] for s in unknown["suggestions"]]

    terminated = check(["A4466"], "2026-01-10")["findings"][0]
    assert terminated["kind"] == "NOT_VALID_ON_DATE"
    assert "terminated on 2016-12-31" in terminated["message"]
    assert [s["code"] for s in terminated["suggestions"]] == ["A4467"]

    december = check(["C5271"], "2025-12-20")
    assert (december["valid"], december["release"]) == (True, "2025-10")
    january = check(["C5271"], "2026-01-02")["findings"][0]
    assert january["kind"] == "NOT_VALID_ON_DATE" and "2025-12-31" in january["message"]

    not_yet = check(["A4295"], "2025-11-01")["findings"][0]
    assert not_yet["kind"] == "NOT_VALID_ON_DATE" and "2026-01" in not_yet["message"]

    modifier = check(["XE"])["findings"][0]
    assert modifier["kind"] == "NOT_BILLABLE" and "modifier" in modifier["message"]

    twice = check(["J9035", "j9035 "])["findings"]
    assert [(f["kind"], f["positions"]) for f in twice] == [("DUPLICATE", [0, 1])]


SEARCH = """query($text: String!) { search(text: $text, systems: [HCPCS], first: 10) {
  totalCount edges { node { code } } } }"""


def _found(client: TestClient, text: str) -> list[str]:
    edges = gql(client, SEARCH, {"text": text})["data"]["search"]["edges"]
    return [e["node"]["code"] for e in edges]


def test_search_finds_hcpcs_codes_modifiers_and_drugs(hcpcs_client: TestClient) -> None:
    assert _found(hcpcs_client, "j9035")[0] == "J9035"
    assert _found(hcpcs_client, "XE") == ["XE"]
    assert all(c.startswith("J90") for c in _found(hcpcs_client, "J90")[1:])
    bevacizumab = _found(hcpcs_client, "bevacizumab")
    assert bevacizumab[0] == "J9035"
    assert {"Q5107", "Q5118", "Q5126", "Q5129"} <= set(bevacizumab)
    assert "A0428" in _found(hcpcs_client, "bls non-emergency transport")
