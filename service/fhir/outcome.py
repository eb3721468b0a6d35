"""FHIR answers: resources as ``application/fhir+json``, and errors as OperationOutcome with
the HTTP status that goes with them."""

from __future__ import annotations

from fastapi.responses import Response
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource

from service.fhir.canonical import ERROR_CODE

FHIR_JSON = "application/fhir+json"


def issue(severity: str, code: str, message: str,
          error_code: str | None = None) -> OperationOutcomeIssue:
    """One issue; ``error_code`` is the GraphQL side's ``extensions.code`` for the same case
    (``QUOTA_EXCEEDED``, ``LICENSE_REQUIRED``...), as a coding of the issue's details."""
    details = None
    if error_code is not None:
        details = CodeableConcept(coding=[Coding(system=ERROR_CODE, code=error_code)],
                                  text=message)
    return OperationOutcomeIssue(severity=severity, code=code, diagnostics=message,
                                 details=details)


def outcome(*issues: OperationOutcomeIssue) -> OperationOutcome:
    return OperationOutcome(issue=list(issues))


def fhir_response(resource: Resource, status: int = 200,
                  headers: dict[str, str] | None = None) -> Response:
    return Response(resource.model_dump_json(), status_code=status, headers=headers,
                    media_type=FHIR_JSON)


class FhirError(Exception):
    """A request answered with an OperationOutcome: ``status``, the issue's type (``code``,
    FHIR's IssueType), the message, and headers of its own (``Retry-After``...)."""

    def __init__(self, status: int, code: str, message: str, *, error_code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_code = error_code
        self.headers = headers or {}

    def resource(self) -> OperationOutcome:
        return outcome(issue("error", self.code, self.message, self.error_code))


def bad_request(message: str) -> FhirError:
    return FhirError(400, "invalid", message, error_code="BAD_USER_INPUT")


def not_found(message: str) -> FhirError:
    return FhirError(404, "not-found", message, error_code="NOT_FOUND")
