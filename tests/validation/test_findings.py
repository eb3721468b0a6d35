"""validateCodes on the real FY2026 release: one test per finding kind, with real codes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import gql
from tests.validation.helpers import VALIDATE, of_kind, only, suggested, validate


def test_a_clean_claim_is_valid(client: TestClient, partner: dict[str, str]) -> None:
    # E11's "use additional code to identify control using …" is met by Z79.84.
    result = validate(client, partner, ["E11.9", "Z79.84"])
    assert result == {"valid": True, "release": "2026", "findings": []}


def test_an_empty_claim_is_valid(client: TestClient, partner: dict[str, str]) -> None:
    assert validate(client, partner, [])["findings"] == []


def test_a_category_is_not_billable(client: TestClient, partner: dict[str, str]) -> None:
    result = validate(client, partner, ["E11"])
    assert result["valid"] is False
    finding = only(result, "NOT_BILLABLE")
    assert finding["severity"] == "ERROR"
    assert finding["codes"] == ["E11"] and finding["positions"] == [0]
    assert "E11 (Type 2 diabetes mellitus) is a category" in finding["message"]
    codes = suggested(finding)
    # the unspecified code first, then the other least specific ones; all billable, all E11
    assert codes[0] == "E11.9"
    assert codes[:3] == ["E11.9", "E11.8", "E11.A"]
    assert 3 < len(codes) <= 10
    assert all(s["billable"] and s["code"].startswith("E11.") for s in finding["suggestions"])


def test_a_subcategory_suggests_its_unspecified_code_first(client: TestClient,
                                                           partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["N18.3"]), "NOT_BILLABLE")
    assert "subcategory" in finding["message"]
    assert suggested(finding) == ["N18.30", "N18.31", "N18.32"]


def test_a_block_is_not_a_code(client: TestClient, partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["E08-E13"]), "NOT_BILLABLE")
    assert "block of categories" in finding["message"]
    assert finding["suggestions"] == []


def test_a_fracture_code_needs_its_seventh_character(client: TestClient,
                                                     partner: dict[str, str]) -> None:
    result = validate(client, partner, ["S52.001"])
    assert result["valid"] is False
    finding = only(result, "MISSING_SEVENTH_CHARACTER")
    assert finding["severity"] == "ERROR" and finding["codes"] == ["S52.001"]
    assert ('"The appropriate 7th character is to be added to all codes from category S52"'
            in finding["message"])
    codes = suggested(finding)
    assert codes[:4] == ["S52.001A", "S52.001B", "S52.001C", "S52.001D"]
    assert len(codes) == 16 and codes[-1] == "S52.001S"
    assert all(c.startswith("S52.001") and len(c) == 8 for c in codes)
    assert not of_kind(result, "NOT_BILLABLE")


def test_a_short_code_needs_placeholders_and_a_seventh_character(
        client: TestClient, partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["W19"]), "MISSING_SEVENTH_CHARACTER")
    assert "after placeholder X" in finding["message"]
    assert suggested(finding) == ["W19.XXXA", "W19.XXXD", "W19.XXXS"]


def test_placeholders_without_the_seventh_character(client: TestClient,
                                                    partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["t88.7xx"]), "MISSING_SEVENTH_CHARACTER")
    assert finding["codes"] == ["t88.7xx"]  # as sent: there is no such code
    assert suggested(finding) == ["T88.7XXA", "T88.7XXD", "T88.7XXS"]


def test_type_2_with_type_1_diabetes_breaks_excludes1(client: TestClient,
                                                      partner: dict[str, str]) -> None:
    result = validate(client, partner, ["E11.9", "E10.9", "Z79.4"])
    assert result["valid"] is False
    finding = only(result, "EXCLUDES1_CONFLICT")
    assert finding["severity"] == "ERROR"
    assert finding["codes"] == ["E11.9", "E10.9"] and finding["positions"] == [0, 1]
    message = finding["message"]
    # both directions, each quoting the category's note, and the guideline's exception
    assert ('E11.9 inherits from E11 the note "Excludes1: type 1 diabetes mellitus (E10.-)"'
            in message)
    assert ('E10.9 inherits from E10 the note "Excludes1: type 2 diabetes mellitus (E11.-)"'
            in message)
    assert "unrelated" in message and "I.A.12.a" in message
    assert finding["suggestions"] == []


def test_excludes1_reads_a_qualified_range(client: TestClient, partner: dict[str, str]) -> None:
    # G63 Excludes1 "polyneuropathy (in): diabetes mellitus (E08-E13 with .42)": E11.42 only.
    conflict = only(validate(client, partner, ["E11.42", "G63", "Z79.4"]), "EXCLUDES1_CONFLICT")
    assert conflict["codes"] == ["E11.42", "G63"]
    assert "diabetes mellitus (E08-E13 with .42)" in conflict["message"]
    assert not of_kind(validate(client, partner, ["E11.9", "G63", "Z79.4"]), "EXCLUDES1_CONFLICT")


def test_ckd_stage_is_missing_after_diabetic_ckd(client: TestClient,
                                                 partner: dict[str, str]) -> None:
    result = validate(client, partner, ["E11.22", "Z79.4"])
    assert result["valid"] is True  # warnings only
    finding = only(result, "USE_ADDITIONAL_CODE")
    assert finding["severity"] == "WARNING" and finding["codes"] == ["E11.22"]
    assert ("Use additional code to identify stage of chronic kidney disease (N18.1-N18.6)"
            in finding["message"])
    assert suggested(finding) == ["N18.1", "N18.2", "N18.3", "N18.4", "N18.5", "N18.6"]
    # any code under a named code satisfies the note: N18.30 is under N18.3
    assert validate(client, partner, ["E11.22", "N18.30", "Z79.4"])["findings"] == []


def test_inherited_use_additional_code_note(client: TestClient, partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["E11.9"]), "USE_ADDITIONAL_CODE")
    assert "the tabular says at E11:" in finding["message"]
    assert "code to identify control using:" in finding["message"]
    assert suggested(finding) == ["Z79.85", "Z79.4", "Z79.84"]


def test_conditional_and_range_wide_notes_are_not_demanded(client: TestClient,
                                                           partner: dict[str, str]) -> None:
    # A41.9 inherits chapter 1's "Use additional code to identify resistance to antimicrobial
    # drugs (Z16.-)" and A41's "Code first, if applicable, postprocedural sepsis …"; A15.0 its
    # block's "Use additional code, if applicable, for associated cachexia (E88.A)".
    assert validate(client, partner, ["A41.9", "A15.0"])["findings"] == []


def test_a_manifestation_without_its_underlying_disease(client: TestClient,
                                                        partner: dict[str, str]) -> None:
    result = validate(client, partner, ["G63"])
    assert result["valid"] is True
    finding = only(result, "CODE_FIRST_SEQUENCE")
    assert finding["severity"] == "WARNING" and finding["codes"] == ["G63"]
    assert "manifestation" in finding["message"]
    assert '"Code first underlying disease, such as: amyloidosis (E85.-);' in finding["message"]
    codes = suggested(finding)
    assert codes[:3] == ["E85", "E00-E07", "E15-E16"]
    assert len(codes) <= 25


def test_a_manifestation_listed_before_its_underlying_disease(client: TestClient,
                                                              partner: dict[str, str]) -> None:
    finding = only(validate(client, partner, ["G63", "E85.4"]), "CODE_FIRST_SEQUENCE")
    assert finding["codes"] == ["G63", "E85.4"] and finding["positions"] == [0, 1]
    assert "E85.4 is listed after it" in finding["message"]
    assert validate(client, partner, ["E85.4", "G63"])["findings"] == []


def test_adverse_effect_sequencing_is_not_applied_to_poisoning(client: TestClient,
                                                               partner: dict[str, str]) -> None:
    # block T36-T50: "Code first, for adverse effects, the nature of the adverse effect"
    adverse = only(validate(client, partner, ["T36.0X5A", "K29.70"]), "CODE_FIRST_SEQUENCE")
    assert adverse["codes"] == ["T36.0X5A", "K29.70"]
    assert "block T36-T50" in adverse["message"]
    assert not of_kind(validate(client, partner, ["T36.0X1A", "K29.70"]), "CODE_FIRST_SEQUENCE")


def test_duplicates_however_spelled(client: TestClient, partner: dict[str, str]) -> None:
    result = validate(client, partner, ["E11.9", "Z79.4", "e119", " E11.9 "])
    assert result["valid"] is True
    finding = only(result, "DUPLICATE")
    assert finding["severity"] == "WARNING"
    assert finding["codes"] == ["E11.9"] and finding["positions"] == [0, 2, 3]
    assert "3 times" in finding["message"]


@pytest.mark.parametrize(("raw", "first"), [
    ("E11.99", "E11.9"),  # one character too many
    ("E19.1", "E11.9"),  # transposed, in a category that does not exist
    ("S30.0A", "S30.0XXA"),  # 7th character typed without its placeholders
])
def test_unknown_codes_suggest_the_nearest_real_ones(client: TestClient, partner: dict[str, str],
                                                     raw: str, first: str) -> None:
    result = validate(client, partner, [raw])
    assert result["valid"] is False
    finding = only(result, "UNKNOWN_CODE")
    assert finding["codes"] == [raw]
    assert f'"{raw}" is not an ICD-10-CM code in FY2026' in finding["message"]
    codes = suggested(finding)
    assert codes[0] == first and 1 < len(codes) <= 10
    flags = [s["billable"] for s in finding["suggestions"]]
    assert flags == sorted(flags, reverse=True)  # billable ones first


@pytest.mark.parametrize("raw", ["", "   ", "XYZ", "!!!", "E11.9; DROP TABLE code", "x" * 5000,
                                 "\u00e911.9", "%", "_", "E11\u00009", "E11.9\ud7ff"])
def test_malformed_input_is_an_unknown_code(client: TestClient, partner: dict[str, str],
                                            raw: str) -> None:
    finding = only(validate(client, partner, [raw, "I10"]), "UNKNOWN_CODE")
    assert finding["positions"] == [0]
    assert len(finding["codes"][0]) <= 41


def test_errors_come_first_then_warnings_in_claim_order(client: TestClient,
                                                        partner: dict[str, str]) -> None:
    result = validate(client, partner, ["G63", "E11.22", "E11", "S52.001", "XYZ", "G63"])
    kinds = [(f["severity"], f["kind"], f["positions"][0]) for f in result["findings"]]
    assert kinds == [
        ("ERROR", "NOT_BILLABLE", 2), ("ERROR", "MISSING_SEVENTH_CHARACTER", 3),
        ("ERROR", "UNKNOWN_CODE", 4),
        ("WARNING", "CODE_FIRST_SEQUENCE", 0), ("WARNING", "DUPLICATE", 0),
        ("WARNING", "USE_ADDITIONAL_CODE", 1), ("WARNING", "USE_ADDITIONAL_CODE", 1),
    ]


def test_more_than_500_codes_is_too_large(client: TestClient, partner: dict[str, str]) -> None:
    body = gql(client, VALIDATE, {"codes": ["E11.9"] * 501}, partner)
    assert body["_status"] == 200
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert body["data"] is None


def test_500_codes_in_one_call(client: TestClient, partner: dict[str, str]) -> None:
    claim = (["E11.9", "E10.9", "E11", "S52.001", "E11.99", "G63", "E11.22"] * 72)[:500]
    result = validate(client, partner, claim)
    assert result["valid"] is False
    assert {f["kind"] for f in result["findings"]} == {
        "EXCLUDES1_CONFLICT", "NOT_BILLABLE", "MISSING_SEVENTH_CHARACTER", "UNKNOWN_CODE",
        "CODE_FIRST_SEQUENCE", "USE_ADDITIONAL_CODE", "DUPLICATE"}
    duplicate = next(f for f in of_kind(result, "DUPLICATE") if f["codes"] == ["E11.9"])
    assert len(duplicate["positions"]) == 72
