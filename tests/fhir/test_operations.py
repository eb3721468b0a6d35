"""Every operation for every bundled system (ICD-10-CM, ICD-10-PCS, HCPCS Level II): a valid
code, an unknown one, a wrong display, ``$expand`` with a filter and its pages; each answer
parsed with ``fhir.resources``."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.valueset import ValueSet

from tests.fhir._data import CM, HCPCS, PCS
from tests.fhir._fhir import get, issue_codes, one, post, properties, values


@dataclass(frozen=True)
class Case:
    uri: str
    name: str
    version: str
    code: str
    asked: str  # how a user might type it
    display: str
    parent: str
    unknown: str
    filter: str
    found: str  # a code the filter finds
    isa: str  # a code above ``code``
    outside: str  # a valid code not under ``isa``


CASES = [
    Case(CM, "ICD-10-CM", "2026", "E11.9", "e119", "Type 2 diabetes mellitus without "
         "complications", "E11", "E11.99", "diabetes kidney", "E11.22", "E11", "E10.9"),
    Case(PCS, "ICD-10-PCS", "2026", "0DTJ4ZZ", " 0dtj4zz ", "Resection of Appendix, "
         "Percutaneous Endoscopic Approach", "0DT", "0DTJ4ZX", "appendectomy", "0DTJ4ZZ", "0DT",
         "0DBJ4ZZ"),
    Case(HCPCS, "HCPCS Level II", "2026-01", "J9035", "j9035", "Injection, bevacizumab, 10 mg",
         "J9000-J9999", "J9998", "bevacizumab", "J9035", "J9000-J9999", "A4467"),
]
IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lookup(fhir_client: TestClient, partner: dict[str, str], case: Case) -> None:
    status, found = get(fhir_client, "CodeSystem/$lookup", partner, system=case.uri,
                        code=case.asked)
    assert status == 200 and isinstance(found, Parameters)
    assert one(found, "name") == case.name and one(found, "version") == case.version
    assert one(found, "display") == case.display
    designations = {p.valueString for parts in values(found, "designation") for p in parts
                    if p.name == "value"}
    assert case.display in designations
    props = properties(found)
    assert props["parent"] == [case.parent]
    assert props["inactive"] == [False] and props["billable"] == [True]
    assert props["level"] == ["CODE"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lookup_by_post_with_a_coding(fhir_client: TestClient, partner: dict[str, str],
                                      case: Case) -> None:
    status, found = post(fhir_client, "CodeSystem/$lookup", [
        {"name": "coding", "valueCoding": {"system": case.uri, "code": case.code}},
        {"name": "property", "valueCode": "parent"}], partner)
    assert status == 200
    assert one(found, "display") == case.display
    assert properties(found) == {"parent": [case.parent]}  # only the property asked


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lookup_of_an_unknown_code_is_404(fhir_client: TestClient, partner: dict[str, str],
                                          case: Case) -> None:
    status, outcome = get(fhir_client, "CodeSystem/$lookup", partner, system=case.uri,
                          code=case.unknown)
    assert status == 404 and isinstance(outcome, OperationOutcome)
    assert outcome.issue[0].code == "not-found"
    assert case.unknown in (outcome.issue[0].diagnostics or "")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validate_code(fhir_client: TestClient, partner: dict[str, str], case: Case) -> None:
    status, ok = get(fhir_client, "CodeSystem/$validate-code", partner, url=case.uri,
                     code=case.asked, display=case.display.upper())
    assert status == 200 and one(ok, "result") is True
    assert one(ok, "display") == case.display and one(ok, "code") == case.code

    _, unknown = get(fhir_client, "CodeSystem/$validate-code", partner, url=case.uri,
                     code=case.unknown)
    assert one(unknown, "result") is False  # the system's own rules say why (PCS: the table)
    assert set(issue_codes(one(unknown, "issues"))) & {"UNKNOWN_CODE", "INVALID_COMBINATION"}

    _, wrong = get(fhir_client, "CodeSystem/$validate-code", partner, url=case.uri,
                   code=case.code, display="Something else entirely")
    assert one(wrong, "result") is False
    assert one(wrong, "message").startswith("Wrong Display Name 'Something else entirely'")
    assert one(wrong, "display") == case.display  # what it should say
    assert "INVALID_DISPLAY" in issue_codes(one(wrong, "issues"))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_set_validate_code(fhir_client: TestClient, partner: dict[str, str],
                                 case: Case) -> None:
    subtree = f"{case.uri}?fhir_vs=isa/{case.isa}"
    _, inside = get(fhir_client, "ValueSet/$validate-code", partner, url=subtree,
                    code=case.code, system=case.uri)
    assert one(inside, "result") is True
    _, whole = get(fhir_client, "ValueSet/$validate-code", partner, url=f"{case.uri}?fhir_vs",
                   code=case.outside)
    assert one(whole, "result") is True
    _, outside = get(fhir_client, "ValueSet/$validate-code", partner, url=subtree,
                     code=case.outside)
    assert one(outside, "result") is False
    assert "NOT_IN_VALUE_SET" in issue_codes(one(outside, "issues"))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expand_with_a_filter_pages(fhir_client: TestClient, case: Case) -> None:
    url = f"{case.uri}?fhir_vs"
    status, first = get(fhir_client, "ValueSet/$expand", url=url, filter=case.filter, count=4)
    assert status == 200 and isinstance(first, ValueSet)
    expansion = first.expansion
    codes = [c.code for c in expansion.contains]
    assert expansion.total >= len(codes) > 0 and expansion.offset == 0
    assert all(c.system == case.uri and c.display for c in expansion.contains)
    _, everything = get(fhir_client, "ValueSet/$expand", url=url, filter=case.filter,
                        count=100)
    assert case.found in [c.code for c in everything.expansion.contains]
    _, page1 = get(fhir_client, "ValueSet/$expand", url=url, filter=case.filter, count=2)
    _, page2 = get(fhir_client, "ValueSet/$expand", url=url, filter=case.filter, count=2,
                   offset=2)
    assert [c.code for c in page1.expansion.contains + page2.expansion.contains] == codes
    assert page2.expansion.offset == 2 and page2.expansion.total == expansion.total


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expand_a_subtree(fhir_client: TestClient, case: Case) -> None:
    url = f"{case.uri}?fhir_vs=isa/{case.isa}"
    _, tree = get(fhir_client, "ValueSet/$expand", url=url, count=100)
    codes = [c.code for c in tree.expansion.contains]
    assert codes[0] == case.isa and case.outside not in codes
    _, deep = get(fhir_client, "ValueSet/$expand", url=url, filter=case.filter, count=100)
    assert case.found in [c.code for c in deep.expansion.contains] or case.found not in codes
    _, later = get(fhir_client, "ValueSet/$expand", url=url, count=3, offset=1)
    assert [c.code for c in later.expansion.contains] == codes[1:4]
    assert later.expansion.total == tree.expansion.total


def test_expand_bounds_and_unknown_value_sets(fhir_client: TestClient) -> None:
    status, outcome = get(fhir_client, "ValueSet/$expand", url=f"{CM}?fhir_vs", count=101)
    assert status == 400 and outcome.issue[0].code == "too-costly"
    status, outcome = get(fhir_client, "ValueSet/$expand", url=f"{CM}?fhir_vs", offset=-1)
    assert status == 400 and outcome.issue[0].code == "invalid"
    status, outcome = get(fhir_client, "ValueSet/$expand", url="http://loinc.org?fhir_vs")
    assert status == 404 and outcome.issue[0].code == "not-found"
    status, outcome = get(fhir_client, "ValueSet/$expand", url=f"{CM}?fhir_vs=isa/E11.99")
    assert status == 404


def test_icd10cm_properties_and_the_key_gate(fhir_client: TestClient,
                                             partner: dict[str, str]) -> None:
    _, keyed = get(fhir_client, "CodeSystem/$lookup", partner, system=CM, code="S52.001A")
    props = properties(keyed)
    assert props["parent"] == ["S52.001"]
    assert any("A: initial encounter for closed fracture" in text
               for text in props["seventh-character"])
    _, parent = get(fhir_client, "CodeSystem/$lookup", partner, system=CM, code="S52.001",
                    property="child")
    assert "S52.001A" in properties(parent)["child"]
    # guests get the rest, as on GraphQL where `guidelines` is null for them
    _, guest = get(fhir_client, "CodeSystem/$lookup", system=CM, code="S52.001A")
    assert "seventh-character" not in properties(guest)
    assert issue_codes(one(guest, "issues")) == ["REGISTRATION_REQUIRED"]


def test_icd10pcs_axes(fhir_client: TestClient, partner: dict[str, str]) -> None:
    _, found = get(fhir_client, "CodeSystem/$lookup", partner, system=PCS, code="0DTJ4ZZ",
                   property="pcs-axis")
    axes = properties(found)["pcs-axis"]
    assert [a.code for a in axes] == list("0DTJ4ZZ")
    assert [a.display for a in axes][2:5] == ["Resection", "Appendix",
                                              "Percutaneous Endoscopic"]


def test_hcpcs_properties_versions_and_dates(fhir_client: TestClient,
                                             partner: dict[str, str]) -> None:
    _, found = get(fhir_client, "CodeSystem/$lookup", partner, system=HCPCS, code="A4466")
    props = properties(found)
    assert props["inactive"] == [True] and props["billable"] == [False]
    assert props["cross-reference"] == ["A4467"]
    assert str(props["terminated"][0])[:10] == "2016-12-31"
    _, j9035 = get(fhir_client, "CodeSystem/$lookup", partner, system=HCPCS, code="J9035")
    coverage = properties(j9035)["coverage"][0]
    assert coverage.code and coverage.display
    # A4295 is new in the January 2026 file: not in October's, nor on a date before January
    assert get(fhir_client, "CodeSystem/$lookup", partner, system=HCPCS, code="A4295")[0] == 200
    assert get(fhir_client, "CodeSystem/$lookup", partner, system=HCPCS, code="A4295",
               version="2025-10")[0] == 404
    assert get(fhir_client, "CodeSystem/$lookup", partner, system=f"{HCPCS}|2025-10",
               code="A4295")[0] == 404
    assert get(fhir_client, "CodeSystem/$lookup", partner, system=HCPCS, code="A4295",
               date="2025-11-15")[0] == 404
    _, old = get(fhir_client, "ValueSet/$validate-code", partner, url=f"{HCPCS}?fhir_vs",
                 code="A4295", date="2025-11-15")
    assert one(old, "result") is False


def test_translate_hcpcs_cross_references(fhir_client: TestClient,
                                          partner: dict[str, str]) -> None:
    status, mapped = get(fhir_client, "ConceptMap/$translate", partner, system=HCPCS,
                         code="A4466")
    assert status == 200 and one(mapped, "result") is True
    (match,) = values(mapped, "match")
    concept = next(p.valueCoding for p in match if p.name == "concept")
    assert (concept.system, concept.code) == (HCPCS, "A4467") and concept.display
    assert next(p.valueCode for p in match if p.name == "equivalence") == "relatedto"
    _, none = get(fhir_client, "ConceptMap/$translate", partner, system=HCPCS, code="J9035")
    assert one(none, "result") is False and values(none, "match") == []
    status, outcome = get(fhir_client, "ConceptMap/$translate", partner, system=CM,
                          code="E11.9")
    assert status == 404 and isinstance(outcome, OperationOutcome)


def test_bad_requests_are_operation_outcomes(fhir_client: TestClient,
                                             partner: dict[str, str]) -> None:
    status, outcome = get(fhir_client, "CodeSystem/$lookup", partner, system=CM)
    assert status == 400 and "code" in outcome.issue[0].diagnostics
    status, outcome = get(fhir_client, "CodeSystem/$lookup", partner, system="http://snomed"
                          ".info/sct", code="73211009")
    assert status == 404 and CM in outcome.issue[0].diagnostics
    status, outcome = get(fhir_client, "CodeSystem/$lookup", partner, system=CM, code="E11",
                          colour="blue")
    assert status == 400 and "colour" in outcome.issue[0].diagnostics
    status, outcome = get(fhir_client, "CodeSystem/$lookup", partner, system=CM, code="E11",
                          date="yesterday")
    assert status == 400
    r = fhir_client.post("/fhir/CodeSystem/$lookup", content=b'{"resourceType": "Patient"}',
                         headers={"Content-Type": "application/fhir+json", **partner})
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
    r = fhir_client.post("/fhir/CodeSystem/$lookup", content=b"\xff\x00{",
                         headers={"Content-Type": "application/fhir+json", **partner})
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"


def test_lookup_by_form_post(fhir_client: TestClient, partner: dict[str, str]) -> None:
    r = fhir_client.post("/fhir/CodeSystem/$lookup", data={"system": CM, "code": "E11.9"},
                         headers=partner)
    assert r.status_code == 200
    assert r.json()["parameter"][2] == {"name": "display", "valueString": "Type 2 diabetes "
                                        "mellitus without complications"}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_validate_code_by_post_with_a_coding(fhir_client: TestClient, partner: dict[str, str],
                                             case: Case) -> None:
    status, checked = post(fhir_client, "CodeSystem/$validate-code", [
        {"name": "coding", "valueCoding": {"system": case.uri, "code": case.code,
                                           "display": case.display}}], partner)
    assert status == 200 and one(checked, "result") is True


def test_parameters_read_nowhere_are_refused(fhir_client: TestClient) -> None:
    status, outcome = get(fhir_client, "ValueSet/$expand", url=f"{CM}?fhir_vs",
                          activeOnly="true")
    assert status == 400 and "activeOnly" in outcome.issue[0].diagnostics
