"""Validation across the FY2025/FY2026 boundary (October 1, 2025)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import gql
from tests.validation.helpers import VALIDATE, of_kind, only, suggested, validate

JUNE = "2025-06-15"  # FY2025
DECEMBER = "2025-12-15"  # FY2026


def test_the_date_of_service_picks_the_release(fy2025: Engine, client: TestClient,
                                               partner: dict[str, str]) -> None:
    assert validate(client, partner, ["I10"], JUNE)["release"] == "2025"
    assert validate(client, partner, ["I10"], DECEMBER)["release"] == "2026"
    assert validate(client, partner, ["I10"])["release"] == "2026"
    # the newest release also answers after its official end, until a newer one is loaded
    assert validate(client, partner, ["I10"], "2027-03-01")["release"] == "2026"


def test_a_code_expanded_on_october_1_is_a_header_after_it(fy2025: Engine, client: TestClient,
                                                           partner: dict[str, str]) -> None:
    assert validate(client, partner, ["E72.53"], JUNE) == {
        "valid": True, "release": "2025", "findings": []}
    result = validate(client, partner, ["E72.53"], DECEMBER)
    assert result["valid"] is False and result["release"] == "2026"
    finding = only(result, "NOT_BILLABLE")
    assert "It was billable in FY2025 (2024-10-01 to 2025-09-30)" in finding["message"]
    assert suggested(finding) == ["E72.539", "E72.530", "E72.538"]


def test_a_deleted_code_is_not_valid_after_october_1(fy2025: Engine, client: TestClient,
                                                     partner: dict[str, str]) -> None:
    assert validate(client, partner, ["S30.1XXA"], JUNE)["findings"] == []
    result = validate(client, partner, ["S30.1XXA"], DECEMBER)
    assert result["valid"] is False
    finding = only(result, "NOT_VALID_ON_DATE")
    assert finding["severity"] == "ERROR" and finding["codes"] == ["S30.1XXA"]
    assert "was a billable code in FY2025" in finding["message"]
    assert "FY2026, the code set in force on 2025-12-15" in finding["message"]
    # its replacements: FY2026's codes under S30.1, with the same 7th character
    assert suggested(finding) == ["S30.11XA", "S30.12XA", "S30.13XA"]
    assert not of_kind(result, "UNKNOWN_CODE")


def test_a_new_code_is_not_valid_before_october_1(fy2025: Engine, client: TestClient,
                                                  partner: dict[str, str]) -> None:
    assert validate(client, partner, ["E72.530"], DECEMBER)["findings"] == []
    result = validate(client, partner, ["E72.530"], JUNE)
    assert result["release"] == "2025"
    finding = only(result, "NOT_VALID_ON_DATE")
    assert "takes effect with FY2026 on 2025-10-01" in finding["message"]
    assert suggested(finding) == ["E72.53"]
    assert finding["suggestions"][0]["billable"] is True


def test_without_a_date_the_newest_release_decides(fy2025: Engine, client: TestClient,
                                                   partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["S30.1XXA"]), "NOT_VALID_ON_DATE")
    assert "FY2026, the newest code set" in finding["message"]


def test_fy2025_notes_apply_to_fy2025_claims(fy2025: Engine, client: TestClient,
                                             partner: dict[str, str]) -> None:
    result = validate(client, partner, ["E11.22", "E10.9", "S52.001", "S30.1XX"], JUNE)
    assert result["release"] == "2025"
    assert only(result, "EXCLUDES1_CONFLICT")["codes"] == ["E11.22", "E10.9"]
    missing = of_kind(result, "MISSING_SEVENTH_CHARACTER")
    # S30.1 took its 7th character directly in FY2025 (S30.1XXA): "S30.1XX" lacks it
    assert {f["codes"][0] for f in missing} == {"S52.001", "S30.1XX"}
    s30 = next(f for f in missing if f["codes"] == ["S30.1XX"])
    assert suggested(s30) == ["S30.1XXA", "S30.1XXD", "S30.1XXS"]
    ckd = [f for f in of_kind(result, "USE_ADDITIONAL_CODE") if "N18.1-N18.6" in f["message"]]
    assert len(ckd) == 1 and ckd[0]["codes"] == ["E11.22"]


def test_a_date_before_every_release_is_bad_input(fy2025: Engine, client: TestClient,
                                                  partner: dict[str, str]) -> None:
    body = gql(client, VALIDATE, {"codes": ["E11.9"], "date": "2020-01-01"}, partner)
    assert body["_status"] == 200
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "2024-10-01" in body["errors"][0]["message"]
