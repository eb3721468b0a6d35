"""``validateClaim``: every case of the README's table (tests/ncci/claim_cases.py) over HTTP, on
SQLite and PostgreSQL; the PTP lookup is one statement whatever the claim's size; the cost."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.conftest import gql
from tests.ncci.claim_cases import CASES, Case, line

QUERY = """query($lines: [ClaimLineInput!]!, $dx: [String!], $d: Date, $s: NcciSetting) {
  validateClaim(setting: $s, dateOfService: $d, diagnoses: $dx, lines: $lines) {
    valid setting ncciRelease mueRelease addOnRelease releases
    findings { severity kind lines diagnoses codes message suggestions { code } }
  }
}"""


def run(client: TestClient, key: dict[str, str], case: Case) -> dict[str, Any]:
    body = gql(client, QUERY, {"lines": case.lines, "dx": case.diagnoses, "d": case.date,
                               "s": case.setting}, key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["validateClaim"]
    return result


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_claim_case(ncci_client: TestClient, ncci_key: dict[str, str], case: Case) -> None:
    result = run(ncci_client, ncci_key, case)
    found = [(f["kind"], f["lines"], f["diagnoses"]) for f in result["findings"]]
    assert found == case.expected, [f["message"] for f in result["findings"]]
    assert result["valid"] is case.valid
    assert result["ncciRelease"] == case.release
    assert result["setting"] == case.setting
    if case.says:
        assert case.says in result["findings"][0]["message"]


def test_answer_names_the_tables_and_releases(ncci_client: TestClient,
                                              ncci_key: dict[str, str]) -> None:
    result = run(ncci_client, ncci_key, CASES[-2])
    assert (result["ncciRelease"], result["mueRelease"], result["addOnRelease"]) == (
        "2026-Q3", "2026-Q3", "2026-Q3")
    assert result["releases"] == ["HCPCS 2026-01", "ICD10CM 2026"]


def test_ptp_message_names_pair_indicator_and_remedy(ncci_client: TestClient,
                                                     ncci_key: dict[str, str]) -> None:
    case = next(c for c in CASES if c.name == "PTP indicator 1, no modifier")
    message = run(ncci_client, ncci_key, case)["findings"][0]["message"]
    assert "G0403 (column 2) is not paid with G0402 (column 1) on 2026-08-01" in message
    assert "modifier indicator 1" in message and "XE, XS, XP, XU or 59" in message
    assert "Line 2 is denied" in message


def test_ptp_lookup_is_one_statement(ncci_client: TestClient, ncci_key: dict[str, str],
                                     ncci_engine: Engine) -> None:
    codes = ["G0438", "G0439", "G0402", "G0403", "G0008", "G0009", "J9035", "J7050", "J2405",
             "J1100", "A4550", "E0100", "E0105", "G2212", "G0176", "G0453", "J9045", "J9060",
             "G0102", "G0103"]
    case = Case("twenty lines", [line(c) for c in codes], [], False,
                diagnoses=["E11.9", "I10", "E78.5", "Z79.4"])
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(ncci_engine, "before_cursor_execute", seen)
    try:
        result = run(ncci_client, ncci_key, case)
    finally:
        event.remove(ncci_engine, "before_cursor_execute", seen)
    assert sum("ncci_ptp" in s for s in statements) == 1
    kinds = {f["kind"] for f in result["findings"]}
    assert {"PTP_CONFLICT", "ADD_ON_WITHOUT_PRIMARY"} <= kinds


def test_costs_one_view_per_line_and_diagnosis(ncci_client: TestClient,
                                               ncci_key: dict[str, str]) -> None:
    body = gql(ncci_client, QUERY, {"lines": [line("G0438"), line("G0439")],
                                    "dx": ["E11.9", "I10", "XYZ"], "d": "2026-08-01"}, ncci_key)
    assert body["extensions"]["cost"]["requested"] == 5


@pytest.mark.parametrize(("lines", "says"), [
    ([], "at least one line"),
    ([{"system": "HCPCS", "code": "G0438", "units": 0}], "units must be from 1"),
    ([{"system": "HCPCS", "code": "G0438", "modifiers": ["59"] * 11}], "at most 10 modifiers"),
])
def test_bad_input_is_a_clear_error(ncci_client: TestClient, ncci_key: dict[str, str],
                                    lines: list[dict[str, Any]], says: str) -> None:
    body = gql(ncci_client, QUERY, {"lines": lines}, ncci_key)
    assert body["_status"] == 200
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert says in body["errors"][0]["message"]


def test_garbage_codes_and_modifiers_are_findings(ncci_client: TestClient,
                                                  ncci_key: dict[str, str]) -> None:
    lines = [{"system": "HCPCS", "code": "\x00;DROP TABLE ncci_ptp", "modifiers": ["' OR 1=1"]},
             {"system": "ICD10CM", "code": "E11.9"}]
    body = gql(ncci_client, QUERY, {"lines": lines, "d": "2026-08-01"}, ncci_key)
    kinds = [f["kind"] for f in body["data"]["validateClaim"]["findings"]]
    assert kinds[:2] == ["UNKNOWN_CODE", "UNKNOWN_MODIFIER"]
