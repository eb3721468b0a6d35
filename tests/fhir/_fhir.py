"""Calling the facade in tests: every answer must be ``application/fhir+json`` and parse as the
FHIR resource it says it is, with ``fhir.resources``' models."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.resource import Resource


def parsed(response: httpx.Response) -> Any:
    """The answer as its fhir.resources model (validated)."""
    assert response.headers["content-type"].startswith("application/fhir+json"), response.text
    kind = json.loads(response.content)["resourceType"]
    model: type[Resource] = get_fhir_model_class(kind)
    return model.model_validate_json(response.content)


def get(client: TestClient, path: str, headers: dict[str, str] | None = None,
        **params: Any) -> tuple[int, Any]:
    r = client.get(f"/fhir/{path}", params=params, headers=headers or {})
    return r.status_code, parsed(r)


def post(client: TestClient, path: str, parameters: list[dict[str, Any]],
         headers: dict[str, str] | None = None) -> tuple[int, Any]:
    body = Parameters.model_validate({"resourceType": "Parameters", "parameter": parameters})
    r = client.post(f"/fhir/{path}", content=body.model_dump_json(),
                    headers={"Content-Type": "application/fhir+json", **(headers or {})})
    return r.status_code, parsed(r)


def values(resource: Parameters, name: str) -> list[Any]:
    """The values of the parameters named ``name`` (a part list stays a list of parts)."""
    out = []
    for p in resource.parameter or []:
        if p.name != name:
            continue
        if p.part:
            out.append(p.part)
            continue
        for field in ("valueString", "valueBoolean", "valueCode", "valueUri", "valueCoding"):
            value = getattr(p, field, None)
            if value is not None:
                out.append(value)
                break
        else:
            out.append(p.resource)
    return out


def one(resource: Parameters, name: str) -> Any:
    found = values(resource, name)
    assert len(found) == 1, (name, found)
    return found[0]


def properties(resource: Parameters) -> dict[str, list[Any]]:
    """$lookup's properties: code -> values, in order."""
    out: dict[str, list[Any]] = {}
    for parts in values(resource, "property"):
        code = next(p.valueCode for p in parts if p.name == "code")
        value = next(p for p in parts if p.name == "value")
        for field in ("valueCode", "valueBoolean", "valueString", "valueDateTime",
                      "valueCoding"):
            v = getattr(value, field, None)
            if v is not None:
                out.setdefault(code, []).append(v)
                break
    return out


def issue_codes(outcome: OperationOutcome) -> list[str]:
    """The medcode error codes (GraphQL's ``extensions.code``) of an OperationOutcome."""
    return [c.code for i in outcome.issue if i.details for c in i.details.coding or []]
