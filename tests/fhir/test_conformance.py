"""``metadata`` (CapabilityStatement, TerminologyCapabilities) and the CodeSystem resources."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.terminologycapabilities import TerminologyCapabilities

from tests.fhir._data import CM, CPT, HCPCS, PCS
from tests.fhir._fhir import get


def test_capability_statement(fhir_client: TestClient) -> None:
    status, statement = get(fhir_client, "metadata")
    assert status == 200 and isinstance(statement, CapabilityStatement)
    assert statement.fhirVersion == "4.0.1"
    operations = {o.name for r in statement.rest[0].resource for o in r.operation or []}
    assert operations == {"CodeSystem-lookup", "CodeSystem-validate-code", "ValueSet-expand",
                          "ValueSet-validate-code", "ConceptMap-translate"}


def test_terminology_capabilities_list_each_system_and_version(fhir_client: TestClient) -> None:
    status, caps = get(fhir_client, "metadata", mode="terminology")
    assert status == 200 and isinstance(caps, TerminologyCapabilities)
    versions = {cs.uri: [v.code for v in cs.version] for cs in caps.codeSystem}
    assert versions == {CM: ["2026"], PCS: ["2026"], HCPCS: ["2026-01", "2025-10"],
                        CPT: ["2026"]}
    defaults = {cs.uri: [v.isDefault for v in cs.version] for cs in caps.codeSystem}
    assert defaults[HCPCS] == [True, False]


def test_code_systems(fhir_client: TestClient) -> None:
    status, bundle = get(fhir_client, "CodeSystem")
    assert status == 200 and isinstance(bundle, Bundle) and bundle.type == "searchset"
    found = {(e.resource.url, e.resource.version) for e in bundle.entry}
    assert found == {(CM, "2026"), (PCS, "2026"), (HCPCS, "2026-01"), (HCPCS, "2025-10"),
                     (CPT, "2026")}
    assert all(e.resource.content == "not-present" for e in bundle.entry)
    _, hcpcs = get(fhir_client, "CodeSystem", url=HCPCS, version="2025-10")
    (entry,) = hcpcs.entry
    status, one = get(fhir_client, f"CodeSystem/{entry.resource.id}")
    assert status == 200 and isinstance(one, CodeSystem)
    assert (one.url, one.version, one.id) == (HCPCS, "2025-10", "hcpcs-2025-10")
    assert one.count and one.count > 1000
    _, cpt = get(fhir_client, "CodeSystem/cpt-2026")
    assert "American Medical Association" in (cpt.copyright or "")
    status, missing = get(fhir_client, "CodeSystem/loinc-2.80")
    assert status == 404 and missing.issue[0].code == "not-found"


def test_an_unknown_mode_is_a_400_with_the_quota(fhir_client: TestClient) -> None:
    r = fhir_client.get("/fhir/metadata", params={"mode": "everything"})
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
    assert "X-RateLimit-Remaining" in r.headers


def test_code_system_search_by_id(fhir_client: TestClient) -> None:
    _, bundle = get(fhir_client, "CodeSystem", _id="hcpcs-2025-10", _format="json")
    assert [e.resource.version for e in bundle.entry] == ["2025-10"]
