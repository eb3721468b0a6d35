"""``CodeSystem/$lookup``: a code's display, designations and properties.

Costs one code view, charged before the work and given back when the code is unknown, as the
GraphQL ``code`` field is. Licensed text (CPT) is left out for a caller whose key does not hold
the licence: the code, its hierarchy and public facts come back (and cost the view, as on
GraphQL), with an ``issues`` OperationOutcome saying which licence would show the text.
"""

from __future__ import annotations

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.operationoutcome import OperationOutcomeIssue
from fhir.resources.R4B.parameters import Parameters, ParametersParameter

from domain.rows import descriptions_of
from domain.vocabulary import DescriptionKind
from schema.codes.types import REGISTER_HINT
from schema.errors import LICENSE_REQUIRED, REGISTRATION_REQUIRED
from service.fhir.call import Call
from service.fhir.canonical import DESCRIPTION_KIND
from service.fhir.codes import find, target_of, unknown_code
from service.fhir.outcome import bad_request, issue, outcome
from service.fhir.params import Params
from service.fhir.properties import PROPERTIES, Asked, Property, properties_of

# A POSTed ``coding`` stands for its system, code, version and display (``params``).
PARAMETERS = frozenset({"system", "code", "version", "date", "property", "displayLanguage"})
DESIGNATION_USE = "http://terminology.hl7.org/CodeSystem/designation-usage"


def lookup(call: Call, params: Params) -> Parameters:
    uri = params.required("system")
    code = params.required("code")
    day = params.date()
    where = target_of(call, uri, params.one("version"), day)
    wanted = params.many("property")
    unknown = sorted(set(wanted) - set(PROPERTIES) - {"display", "designation"})
    if unknown:
        raise bad_request(f"Unknown property {unknown[0]!r}; $lookup answers "
                          f"{', '.join(PROPERTIES)}.")
    call.charge(1)
    row = find(call, where, code, day)
    if row is None:
        call.refund(1)
        raise unknown_code(where, code)
    conn = call.ctx.conn()
    out = [ParametersParameter(name="name", valueString=where.spec.short_name),
           ParametersParameter(name="version", valueString=where.release.version)]
    issues: list[OperationOutcomeIssue] = []
    if call.may_read_text(where.system_id):
        out.append(ParametersParameter(name="display", valueString=row.display))
        for d in descriptions_of(conn, [row.content_id])[row.content_id]:
            out.append(_designation(d.kind, d.text))
    else:
        issues.append(issue("information", "suppressed", call.licence_message(where.system_id),
                            LICENSE_REQUIRED))
    asked = Asked(where.system_id, day, frozenset(wanted) if wanted else None,
                  keyed=not call.viewer.is_guest)
    if where.system_id == "ICD10CM" and call.viewer.is_guest and (
            asked.wanted is None or "seventh-character" in asked.wanted):
        issues.append(issue("information", "suppressed",
                            "The seventh-character property is left out: " + REGISTER_HINT,
                            REGISTRATION_REQUIRED))
    out += [_property(p) for p in properties_of(conn, row, asked)]
    if issues:
        out.append(ParametersParameter(name="issues", resource=outcome(*issues)))
    return Parameters(parameter=out)


def _designation(kind: str, text: str) -> ParametersParameter:
    use = (Coding(system=DESIGNATION_USE, code="display") if kind == DescriptionKind.OFFICIAL
           else Coding(system=DESCRIPTION_KIND, code=kind))
    return ParametersParameter(name="designation", part=[
        ParametersParameter(name="language", valueCode="en"),
        ParametersParameter(name="use", valueCoding=use),
        ParametersParameter(name="value", valueString=text),
    ])


def _property(p: Property) -> ParametersParameter:
    part = [ParametersParameter(name="code", valueCode=p.code),
            ParametersParameter.model_validate({"name": "value", p.kind: p.value})]
    if p.description is not None:
        part.append(ParametersParameter(name="description", valueString=p.description))
    return ParametersParameter(name="property", part=part)
