"""Calling validateCodes and picking findings out of the answer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import gql

VALIDATE = """
query($codes: [String!]!, $date: Date) {
  validateCodes(system: ICD10CM, codes: $codes, dateOfService: $date) {
    valid release
    findings {
      severity kind codes positions message
      suggestions { code display billable level parent { code } }
    }
  }
}"""


def validate(client: TestClient, headers: dict[str, str], codes: list[str],
             date: str | None = None) -> dict[str, Any]:
    body = gql(client, VALIDATE, {"codes": codes, "date": date}, headers)
    assert body["_status"] == 200, body
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["validateCodes"]
    return result


def of_kind(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["kind"] == kind]


def only(result: dict[str, Any], kind: str) -> dict[str, Any]:
    found = of_kind(result, kind)
    assert len(found) == 1, (kind, result["findings"])
    return found[0]


def suggested(finding: dict[str, Any]) -> list[str]:
    return [s["code"] for s in finding["suggestions"]]
