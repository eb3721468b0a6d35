"""``CodeSystem/$validate-code`` and ``ValueSet/$validate-code`` (the implicit value sets
``<system>?fhir_vs`` and ``...?fhir_vs=isa/<code>``).

The code is checked by the system's own validation rules (the spec's ``validate``, what the
GraphQL ``validateCodes`` runs), for a claim of one code on ``date``: ``result`` is true when the
code is in the release, in force on the date, in the value set and (when given) shown with one
of its own descriptions; the rules' other findings (not billable, a missing 7th character) come
back as warnings in ``message`` and ``issues``. A wrong display is answered as terminology
servers (tx.fhir.org) answer it: ``result`` false, "Wrong Display Name ...". Costs one code
view, as one code of ``validateCodes`` does.
"""

from __future__ import annotations

import re

from fhir.resources.R4B.operationoutcome import OperationOutcomeIssue
from fhir.resources.R4B.parameters import Parameters, ParametersParameter

from domain.rows import CodeRow, descriptions_of
from domain.validation.findings import FindingKind, Severity
from schema.errors import LICENSE_REQUIRED
from service.fhir.call import Call
from service.fhir.canonical import value_set_of
from service.fhir.codes import Target, find, target, target_of
from service.fhir.outcome import bad_request, issue, not_found, outcome
from service.fhir.params import Params

CODE_SYSTEM_PARAMETERS = frozenset({"url", "system", "code", "version", "display", "date",
                                    "displayLanguage"})
VALUE_SET_PARAMETERS = CODE_SYSTEM_PARAMETERS | {"systemVersion"}
_SPACES = re.compile(r"\s+")
# Findings that make a code invalid here; the others say it is not reportable as sent.
_INVALID = frozenset({FindingKind.UNKNOWN_CODE, FindingKind.NOT_VALID_ON_DATE,
                      FindingKind.INVALID_COMBINATION})
# What the rules say of the code itself; the rest (Excludes1, Code first, Use additional code,
# duplicates) is about the other codes of a claim, which a $validate-code has none of.
_OF_THE_CODE = _INVALID | {FindingKind.NOT_BILLABLE, FindingKind.MISSING_SEVENTH_CHARACTER}


def validate_in_code_system(call: Call, params: Params) -> Parameters:
    uri = params.one("url") or params.required("system")
    where = target_of(call, uri, params.one("version"), params.date())
    return _validate(call, params, where, isa=None)


def validate_in_value_set(call: Call, params: Params) -> Parameters:
    url = params.required("url")
    value_set = value_set_of(url)
    if value_set is None:
        raise not_found(f"No value set {url!r} here: medcode answers the implicit value sets "
                        "<system>?fhir_vs and <system>?fhir_vs=isa/<code>.")
    system = params.one("system")
    if system is not None:
        asked = target_of(call, system, None, None)
        if asked.system_id != value_set.system_id:
            raise bad_request(f"The code's system {system!r} is not the value set's.")
    version = params.one("systemVersion") or params.one("version")
    where = target(call, value_set.system_id, version, params.date())
    return _validate(call, params, where, isa=value_set.isa)


def _same(a: str, b: str) -> bool:
    return _SPACES.sub(" ", a).strip().casefold() == _SPACES.sub(" ", b).strip().casefold()


def _validate(call: Call, params: Params, where: Target, isa: str | None) -> Parameters:
    code = params.required("code")
    display = params.one("display")
    day = params.date()
    call.charge(1)
    ctx = call.ctx
    others = [r for r in ctx.releases
              if r.system_id == where.system_id and r.id != where.release.id]
    findings = [f for f in where.spec.validate(ctx.conn, where.release, others, [code],
                                               day).findings if f.kind in _OF_THE_CODE]
    row = find(call, where, code, day)
    issues: list[OperationOutcomeIssue] = []
    messages: list[str] = []
    result = row is not None and not any(f.kind in _INVALID for f in findings)
    for f in findings:
        invalid = f.kind in _INVALID or row is None
        severity = "error" if invalid else "warning"
        if f.severity == Severity.WARNING:
            severity = "warning"
        issues.append(issue(severity, "code-invalid" if invalid else "business-rule",
                            f.message, str(f.kind)))
        messages.append(f.message)
    if row is None and not findings:
        message = (f"Unknown code {code.strip()!r} in {where.spec.short_name} "
                   f"{where.release.version}.")
        issues.append(issue("error", "code-invalid", message, str(FindingKind.UNKNOWN_CODE)))
        messages.append(message)
    licensed = call.may_read_text(where.system_id)
    if row is not None and isa is not None and not _under(call, where, row, isa):
        result = False
        message = (f"{row.code} is not in the value set {where.uri}?fhir_vs=isa/{isa} (it is "
                   f"not {isa} or below it).")
        issues.append(issue("error", "code-invalid", message, "NOT_IN_VALUE_SET"))
        messages.insert(0, message)
    if row is not None and display is not None and licensed and not _displays(call, row,
                                                                              display):
        result = False
        message = (f"Wrong Display Name {display!r} for {where.uri}#{row.code}. Valid display "
                   f"is {row.display!r} (en).")
        issues.append(issue("error", "invalid", message, "INVALID_DISPLAY"))
        messages.insert(0, message)
    if not licensed:
        issues.append(issue("information", "suppressed", call.licence_message(where.system_id),
                            LICENSE_REQUIRED))
    out = [ParametersParameter(name="result", valueBoolean=result)]
    if messages:
        out.append(ParametersParameter(name="message", valueString=" ".join(messages)))
    if row is not None and licensed:
        out.append(ParametersParameter(name="display", valueString=row.display))
    out += [ParametersParameter(name="code", valueCode=row.code if row else code.strip()),
            ParametersParameter(name="system", valueUri=where.uri),
            ParametersParameter(name="version", valueString=where.release.version)]
    if issues:
        out.append(ParametersParameter(name="issues", resource=outcome(*issues)))
    return Parameters(parameter=out)


def _displays(call: Call, row: CodeRow, display: str) -> bool:
    """Whether ``display`` is one of the code's own descriptions (any case and spacing)."""
    if _same(display, row.display):
        return True
    texts = descriptions_of(call.ctx.conn(), [row.content_id])[row.content_id]
    return any(_same(display, d.text) for d in texts)


def _under(call: Call, where: Target, row: CodeRow, isa: str) -> bool:
    root = find(call, where, isa, None)
    return root is not None and (root.id == row.id or root.id in row.ancestor_ids)
