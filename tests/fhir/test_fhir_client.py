"""A real FHIR client (``fhirpy``) against a live ``uvicorn`` server: every operation for every
bundled system, as a partner's EHR integration would call them; each answer parsed with
``fhir.resources``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.terminologycapabilities import TerminologyCapabilities
from fhir.resources.R4B.valueset import ValueSet
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, ResourceNotFound
from fhirpy.base.exceptions import OperationOutcome as OutcomeError

from domain.settings import Settings
from tests.fhir._data import CM, CPT, HCPCS, PCS
from tests.fhir._fhir import one, values
from tests.fhir.test_operations import CASES, IDS, Case
from tests.live import live_server


@pytest.fixture(scope="module")
def server(fhir_settings: Settings) -> Iterator[str]:
    with live_server(fhir_settings.database_url) as base:
        yield base


@pytest.fixture(scope="module")
def fhir(server: str, key_for: Callable[..., dict[str, str]]) -> SyncFHIRClient:
    return SyncFHIRClient(f"{server}/fhir", authorization=key_for("partner")["Authorization"])


def run(client: SyncFHIRClient, operation: str, model: type[Any], **params: Any) -> Any:
    """A GET operation through the client, its answer parsed as ``model``."""
    answer = client.execute(operation, method="get", params=params)
    return model.model_validate_json(json.dumps(answer))


def test_metadata_and_code_systems(fhir: SyncFHIRClient) -> None:
    caps = run(fhir, "metadata", TerminologyCapabilities, mode="terminology")
    assert {cs.uri for cs in caps.codeSystem} == {CM, PCS, HCPCS, CPT}
    found = fhir.resources("CodeSystem").search(url=HCPCS).fetch_all()
    systems = [CodeSystem.model_validate_json(json.dumps(r.serialize())) for r in found]
    assert sorted(s.version for s in systems) == ["2025-10", "2026-01"]
    bundle = Bundle.model_validate_json(json.dumps(fhir.execute("CodeSystem", method="get")))
    assert bundle.total == 5


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_operation(fhir: SyncFHIRClient, case: Case) -> None:
    found = run(fhir, "CodeSystem/$lookup", Parameters, system=case.uri, code=case.asked)
    assert one(found, "display") == case.display
    posted = Parameters.model_validate_json(json.dumps(fhir.execute(
        "CodeSystem/$lookup", data={"resourceType": "Parameters", "parameter": [
            {"name": "system", "valueUri": case.uri}, {"name": "code", "valueCode": case.code}]})))
    assert one(posted, "display") == case.display
    with pytest.raises(ResourceNotFound) as missing:
        fhir.execute("CodeSystem/$lookup", method="get",
                     params={"system": case.uri, "code": case.unknown})
    outcome = OperationOutcome.model_validate_json(str(missing.value))
    assert outcome.issue[0].code == "not-found"

    valid = run(fhir, "CodeSystem/$validate-code", Parameters, url=case.uri, code=case.code,
                display=case.display)
    assert one(valid, "result") is True
    invalid = run(fhir, "CodeSystem/$validate-code", Parameters, url=case.uri,
                  code=case.unknown)
    assert one(invalid, "result") is False
    wrong = run(fhir, "ValueSet/$validate-code", Parameters, url=f"{case.uri}?fhir_vs",
                code=case.code, display="Not what it says")
    assert one(wrong, "result") is False and "Wrong Display Name" in one(wrong, "message")

    expansion = run(fhir, "ValueSet/$expand", ValueSet, url=f"{case.uri}?fhir_vs",
                    filter=case.filter, count=100).expansion
    assert case.found in [c.code for c in expansion.contains]
    page = run(fhir, "ValueSet/$expand", ValueSet, url=f"{case.uri}?fhir_vs",
               filter=case.filter, count=2, offset=1).expansion
    assert [c.code for c in page.contains] == [c.code for c in expansion.contains[1:3]]


def test_translate(fhir: SyncFHIRClient) -> None:
    mapped = run(fhir, "ConceptMap/$translate", Parameters, system=HCPCS, code="B4105")
    assert one(mapped, "result") is True
    (match,) = values(mapped, "match")
    assert next(p.valueCoding.code for p in match if p.name == "concept") == "Q9994"


def test_errors_reach_the_client_as_operation_outcomes(server: str) -> None:
    stranger = SyncFHIRClient(f"{server}/fhir", authorization="Bearer mc_live_nonsense")
    with pytest.raises(AuthorizationError) as refused:
        stranger.execute("CodeSystem/$lookup", method="get", params={"system": CM,
                                                                     "code": "E11.9"})
    assert OperationOutcome.model_validate_json(str(refused.value)).issue[0].code == "login"
    guest = SyncFHIRClient(f"{server}/fhir")
    with pytest.raises(OutcomeError) as bad:
        guest.execute("ValueSet/$expand", method="get", params={"url": f"{CM}?fhir_vs",
                                                                "count": "1000"})
    assert "too-costly" in str(bad.value)
