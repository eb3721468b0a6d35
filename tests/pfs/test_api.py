"""``Code.fee`` through the API, on SQLite and PostgreSQL: HCPCS codes with the excerpt's
values (G0130 and its 26/TC rows, G0008, J9035), public to guests, null where the PFS has
nothing to say, and a list of codes read in one statement."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.conftest import StatementCounter

Json = dict[str, Any]

FEE = """
fragment Fee on FeeSchedule {
  release effectiveFrom code modifier modifiers
  status { code meaning } notUsedForMedicarePayment globalDays globalPeriod { code meaning }
  workRvu nonFacilityPracticeExpenseRvu facilityPracticeExpenseRvu malpracticeRvu
  nonFacilityTotal facilityTotal nonFacilityNotApplicable facilityNotApplicable
  conversionFactor nonFacilityPayment facilityPayment
  pctc { code meaning } multipleProcedure { code meaning } bilateral { code meaning }
  assistant { code meaning } coSurgeons { code meaning } teamSurgery { code meaning }
  supervision { code meaning } imagingFamily { code meaning } endoscopicBase
}
"""


def gql(client: TestClient, query: str, variables: Json | None = None,
        headers: dict[str, str] | None = None) -> Json:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers or {})
    assert response.status_code == 200, response.text
    body: Json = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def test_g0130_and_its_professional_and_technical_components(
        pfs_client: TestClient, pfs_key: dict[str, str]) -> None:
    data = gql(pfs_client, FEE + """{ code(system: HCPCS, code: "G0130") {
        global: fee { ...Fee } pc: fee(modifier: "26") { ...Fee }
        tc: fee(modifier: "-tc") { ...Fee } none: fee(modifier: "53") { code } } }""",
               headers=pfs_key)["code"]
    whole, pc, tc = data["global"], data["pc"], data["tc"]
    assert data["none"] is None
    assert (whole["release"], whole["effectiveFrom"], whole["code"], whole["modifier"],
            whole["modifiers"]) == ("2025-10", "2025-10-01", "G0130", None, ["26", "TC"])
    # G0130,,,A,,0.22,0.90,,0.90,NA,0.02,1.14,1.14,1,XXX,... in the file
    assert (whole["workRvu"], whole["nonFacilityPracticeExpenseRvu"],
            whole["facilityPracticeExpenseRvu"], whole["malpracticeRvu"],
            whole["nonFacilityTotal"], whole["facilityTotal"],
            whole["conversionFactor"]) == (0.22, 0.90, 0.90, 0.02, 1.14, 1.14, 32.3465)
    assert whole["nonFacilityPayment"] == 36.88  # 1.14 x 32.3465 = 36.87501
    assert whole["facilityNotApplicable"] and whole["facilityPayment"] is None
    assert whole["status"] == {"code": "A", "meaning": whole["status"]["meaning"]}
    assert whole["status"]["meaning"].startswith("Active code")
    assert whole["pctc"]["code"] == "1" and "26 and TC can be used" in whole["pctc"]["meaning"]
    assert whole["globalPeriod"] == {"code": "XXX",
                                     "meaning": "The global concept does not apply."}
    assert (pc["modifier"], pc["workRvu"], pc["nonFacilityTotal"], pc["nonFacilityPayment"],
            pc["facilityPayment"]) == ("26", 0.22, 0.33, 10.67, 10.67)
    assert (tc["modifier"], tc["workRvu"], tc["nonFacilityTotal"], tc["nonFacilityPayment"],
            tc["facilityPayment"]) == ("TC", 0.0, 0.81, 26.20, None)
    assert tc["supervision"]["code"] == "01" and "general supervision" in tc[
        "supervision"]["meaning"]


def test_codes_the_fee_schedule_does_not_pay(pfs_client: TestClient,
                                             pfs_key: dict[str, str]) -> None:
    data = gql(pfs_client, FEE + """{
        g0008: code(system: HCPCS, code: "G0008") { fee { ...Fee } }
        j9035: code(system: HCPCS, code: "J9035") { fee { ...Fee } } }""", headers=pfs_key)
    g0008, j9035 = data["g0008"]["fee"], data["j9035"]["fee"]
    # G0008,,,X,,0.00,... and J9035,,,E,,0.00,... in the file
    assert g0008["status"]["code"] == "X" and g0008["status"]["meaning"].startswith(
        "Statutory exclusion")
    assert j9035["status"]["code"] == "E" and "by regulation" in j9035["status"]["meaning"]
    for fee in (g0008, j9035):
        assert (fee["workRvu"], fee["nonFacilityTotal"], fee["nonFacilityPayment"],
                fee["facilityPayment"], fee["globalDays"], fee["modifiers"]) == (
            0.0, 0.0, None, None, "XXX", [])
        assert fee["pctc"] == {"code": "9", "meaning": fee["pctc"]["meaning"]}
        assert fee["bilateral"]["meaning"] == "Concept does not apply."


def test_fee_is_public(pfs_client: TestClient) -> None:
    data = gql(pfs_client, """{ code(system: HCPCS, code: "G0130") {
        fee { nonFacilityPayment status { code } } } }""")
    assert data["code"]["fee"] == {"nonFacilityPayment": 36.88, "status": {"code": "A"}}


def test_no_fee_for_a_modifier_or_a_code_the_file_lacks(pfs_client: TestClient,
                                                        pfs_key: dict[str, str]) -> None:
    data = gql(pfs_client, """{ lt: code(system: HCPCS, code: "LT") { level fee { code } }
        a0021: code(system: HCPCS, code: "A0021") { level fee { code } } }""", headers=pfs_key)
    assert data["lt"] == {"level": "MODIFIER", "fee": None}
    assert data["a0021"]["fee"] is None  # an ambulance code outside the excerpt


def test_no_fee_without_a_pfs_release(no_pfs_client: TestClient) -> None:
    data = gql(no_pfs_client, """{ code(system: HCPCS, code: "G0130") { code fee { code } } }""")
    assert data["code"] == {"code": "G0130", "fee": None}


def test_a_list_of_500_codes_reads_its_fees_in_one_statement(
        pfs_client: TestClient, pfs_engine: Engine, pfs_key: dict[str, str]) -> None:
    with pfs_engine.connect() as conn:
        codes = [c for (c,) in conn.execute(text(
            "SELECT code FROM code WHERE level = 'CODE' ORDER BY sort_order LIMIT 500"))]
    assert len(codes) == 500
    query = "query($codes: [String!]!) { codes(system: HCPCS, codes: $codes) { code %s } }"
    with StatementCounter(pfs_engine) as without:
        gql(pfs_client, query % "", {"codes": codes}, pfs_key)
    with StatementCounter(pfs_engine) as with_fee:
        data = gql(pfs_client, query % "fee { code status { code } nonFacilityPayment }",
                   {"codes": codes}, pfs_key)
    assert with_fee.count - without.count == 1  # every code's rows, in the release in force
    priced = {c["code"]: c["fee"] for c in data["codes"] if c["fee"] is not None}
    assert priced and all(code == fee["code"] for code, fee in priced.items())
