"""``Code.ncci``: a code's PTP pairs, MUE and add-on edit on its page, gated like ``related``,
on SQLite and PostgreSQL; a list of codes reads each table in one statement."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.conftest import gql

PAGE = """query($code: String!, $s: NcciSetting, $on: Date) {
  code(system: HCPCS, code: $code) {
    code
    ncci(setting: $s) {
      release
      pairs(activeOn: $on) { column1 column2 modifierIndicator effectiveFrom deletedOn rationale }
      mue { value adjudicationIndicator rationale }
      addOn { type primaryCodes }
    }
  }
}"""


def page(client: TestClient, key: dict[str, str] | None, code: str,
         **variables: Any) -> dict[str, Any]:
    return gql(client, PAGE, {"code": code, **variables}, key)


def test_pairs_as_column_1_and_column_2(ncci_client: TestClient,
                                        ncci_key: dict[str, str]) -> None:
    ncci = page(ncci_client, ncci_key, "G0402")["data"]["code"]["ncci"]
    assert ncci["release"] == "2026-Q3"
    assert [(p["column1"], p["column2"], p["modifierIndicator"]) for p in ncci["pairs"]] == [
        ("G0402", "G0403", 1), ("G0438", "G0402", 0)]
    assert ncci["pairs"][1] == {"column1": "G0438", "column2": "G0402", "modifierIndicator": 0,
                                "effectiveFrom": "2011-01-01", "deletedOn": None,
                                "rationale": "Mutually exclusive procedures"}
    assert ncci["mue"] == {"value": 1, "adjudicationIndicator": 2, "rationale": "CMS Policy"}
    assert ncci["addOn"] is None


def test_every_date_window_and_active_on(ncci_client: TestClient,
                                         ncci_key: dict[str, str]) -> None:
    every = page(ncci_client, ncci_key, "G0009")["data"]["code"]["ncci"]["pairs"]
    assert [(p["column1"], p["modifierIndicator"], p["effectiveFrom"], p["deletedOn"])
            for p in every] == [("0001A", 9, "2022-01-01", "2022-01-01"),  # the real excerpt's
                                ("G0008", 0, "2015-01-01", "2019-12-31"),
                                ("G0008", 1, "2020-01-01", None)]
    in_2018 = page(ncci_client, ncci_key, "G0009", on="2018-06-01")["data"]["code"]["ncci"]
    assert [(p["column1"], p["modifierIndicator"]) for p in in_2018["pairs"]] == [("G0008", 0)]
    deleted = page(ncci_client, ncci_key, "J1100", on="2026-09-01")["data"]["code"]["ncci"]
    assert deleted["pairs"] == []


def test_add_on_code_and_its_primaries(ncci_client: TestClient,
                                       ncci_key: dict[str, str]) -> None:
    assert page(ncci_client, ncci_key, "G2212")["data"]["code"]["ncci"]["addOn"] == {
        "type": 1, "primaryCodes": ["99205", "99215", "G0438"]}
    assert page(ncci_client, ncci_key, "G0453")["data"]["code"]["ncci"]["addOn"] == {
        "type": 2, "primaryCodes": []}


def test_outpatient_setting(ncci_client: TestClient, ncci_key: dict[str, str]) -> None:
    ncci = page(ncci_client, ncci_key, "G0402", s="OUTPATIENT")["data"]["code"]["ncci"]
    assert [(p["column1"], p["column2"], p["modifierIndicator"]) for p in ncci["pairs"]] == [
        ("G0402", "G0403", 0)]


def test_guests_get_null_with_registration_required(ncci_client: TestClient) -> None:
    body = page(ncci_client, None, "G0402")
    assert body["data"]["code"] == {"code": "G0402", "ncci": None}
    assert body["errors"][0]["extensions"]["code"] == "REGISTRATION_REQUIRED"
    assert body["errors"][0]["path"] == ["code", "ncci"]


def test_other_systems_have_no_edits(ncci_client: TestClient, ncci_key: dict[str, str]) -> None:
    body = gql(ncci_client, '{ code(system: ICD10CM, code: "E11.9") { ncci { release } } }',
               {}, ncci_key)
    assert body["data"]["code"]["ncci"] is None and "errors" not in body


def test_a_list_of_codes_reads_each_table_once(ncci_client: TestClient, ncci_key: dict[str, str],
                                               ncci_engine: Engine) -> None:
    query = """{ codes(system: HCPCS, codes: ["G0402", "G0403", "G0438", "G0439", "J9035",
                 "G2212", "G0008", "G0009"]) {
      code ncci { release pairs { column1 column2 } mue { value } addOn { type } } } }"""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(ncci_engine, "before_cursor_execute", seen)
    try:
        body = gql(ncci_client, query, {}, ncci_key)
    finally:
        event.remove(ncci_engine, "before_cursor_execute", seen)
    assert "errors" not in body, body
    codes = body["data"]["codes"]
    assert [c["code"] for c in codes][:2] == ["G0402", "G0403"]
    assert codes[4]["ncci"]["mue"] == {"value": 180}
    for table in ("ncci_ptp", "ncci_mue", "ncci_add_on", "quarter, effective_from FROM ncci"):
        assert sum(table in s for s in statements) == 1, (table, [s[:90] for s in statements])
