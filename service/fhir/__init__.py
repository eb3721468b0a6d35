"""The FHIR R4 terminology facade under ``/fhir``: ``$lookup``, ``$validate-code``, ``$expand``,
``$translate``, ``CodeSystem`` and ``metadata``, answered from the same domain functions as the
GraphQL schema and metered by the same policy (``service.policy``).

Resources are built and parsed with ``fhir.resources``' R4B models: the 8.x line is the one on
pydantic 2 (6.x, the last plain-R4 line, needs pydantic 1), and the terminology resources used
here (Parameters, CodeSystem, ValueSet, ConceptMap, OperationOutcome, CapabilityStatement,
TerminologyCapabilities, Bundle) have the same JSON in R4 and R4B.
"""
