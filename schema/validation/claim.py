"""The ``validateClaim`` query field: a claim's procedure lines and diagnoses checked together
(the rules are ``systems.ncci.claim``'s)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.schema.name_converter import NameConverter
from strawberry.types import Info
from strawberry.types.arguments import InputContext

from schema.codes.types import Code
from schema.enums import CodeSystemId, FindingKind, Severity
from schema.errors import BAD_USER_INPUT, coded_error, too_large
from schema.ncci.types import SETTINGS, NcciSetting
from systems.ncci.claim import ClaimInputError, ClaimLine, validate_claim

MAX_UNITS = 1_000_000
MAX_MODIFIERS = 10  # a claim line carries at most 4; more is not a claim line


@strawberry.input(description="A procedure line of a claim.")
class ClaimLineInput:
    system: CodeSystemId = strawberry.field(description="The code's system: `HCPCS` or `CPT`.")
    code: str = strawberry.field(description="The procedure code (`96413`, `J9035`).")
    modifiers: list[str] | None = strawberry.field(
        default_factory=list, description="The line's modifiers (`59`, `XS`, `LT`).")
    units: int | None = strawberry.field(default=1, description="Units of service.")
    date_of_service: datetime.date | None = strawberry.field(
        default=None, description="The line's date of service (default: the claim's).")


@functools.cache
def _field_names(cls: type, names: NameConverter) -> tuple[tuple[str, str], ...]:
    """(GraphQL name, Python name) of each field of an input type."""
    return tuple((names.from_field(f), f.python_name)
                 for f in cls.__strawberry_definition__.fields)  # type: ignore[attr-defined]


def _from_leaves(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
    """An input whose fields are all scalars, enums or lists of them, from its GraphQL value,
    which graphql-core has coerced already: what strawberry's own conversion gives (lists
    copied: graphql-core hands every request the same default list), without resolving each
    field's type again for every line (1.7 ms of a 20-line claim; this takes 0.05 ms)."""
    kwargs = {}
    for name, python_name in _field_names(cls, context.config.name_converter):
        if name in value:
            v = value[name]
            kwargs[python_name] = list(v) if isinstance(v, list) else v
    return cls(**kwargs)


ClaimLineInput.__strawberry_definition__.from_input = _from_leaves  # type: ignore[attr-defined]


@strawberry.type(description="One problem found on a claim, with what to do about it.")
class ClaimFinding:
    severity: Severity = strawberry.field(description="ERROR: a payer's edits would deny it; "
                                          "WARNING: check it.")
    kind: FindingKind = strawberry.field(description="What the finding is about.")
    lines: list[int] = strawberry.field(description="The lines involved (0 = first line sent).")
    diagnoses: list[int] = strawberry.field(
        description="The diagnoses involved (0 = first diagnosis sent).")
    codes: list[str] = strawberry.field(description="The codes involved, in claim order.")
    message: str = strawberry.field(description="What is wrong and how to fix it.")
    suggestions: list[Code] = strawberry.field(description="Codes that fix the finding, best "
                                               "first; empty when there is nothing to suggest.")


@strawberry.type(description="The result of checking a claim's procedure lines and diagnoses.")
class ClaimValidation:
    valid: bool = strawberry.field(description="True when there is no ERROR finding.")
    findings: list[ClaimFinding] = strawberry.field(
        description="In claim order: the lines' findings (by first line), then the diagnoses'.")
    setting: NcciSetting = strawberry.field(description="The NCCI tables' setting.")
    ncci_release: str | None = strawberry.field(
        description="The quarter of the NCCI PTP table used (`2026-Q3`): the one in force on "
        "the claim's date of service; null when none is loaded.")
    mue_release: str | None = strawberry.field(
        description="The quarter of the MUE table used; null when none is loaded.")
    add_on_release: str | None = strawberry.field(
        description="The quarter of the add-on code edits used; null when none is loaded.")
    releases: list[str] = strawberry.field(
        description="The code releases the line codes and diagnoses were checked against "
        "(`HCPCS 2026-01`, `ICD10CM 2026`).")


@strawberry.type
class ClaimQueries:
    @strawberry.field(description="Check a claim's procedure lines the way Medicare's NCCI edits "
                      "do (PTP pairs with their modifier indicators and bypass modifiers, MUEs "
                      "per line or per day, add-on codes without a primary), their codes and "
                      "modifiers, and the claim's diagnoses as `validateCodes` does. Costs one "
                      "code view per line and per diagnosis.")
    async def validate_claim(
        self,
        info: Info,
        *,
        setting: Annotated[NcciSetting | None, strawberry.argument(
            description="Whose NCCI tables: practitioner or hospital outpatient."
        )] = NcciSetting.PRACTITIONER,
        date_of_service: Annotated[datetime.date | None, strawberry.argument(
            description="The claim's date of service: picks the NCCI quarter and the code "
            "releases, and is each line's date unless the line has its own (default: the "
            "latest line date, else the newest).")] = None,
        diagnoses: Annotated[list[str] | None, strawberry.argument(
            description="The claim's ICD-10-CM diagnoses, principal first.")] = [],  # noqa: B006
        lines: Annotated[list[ClaimLineInput], strawberry.argument(
            description="The procedure lines, in claim order.")],
    ) -> ClaimValidation:
        ctx = info.context
        dx = list(diagnoses) if diagnoses else []
        limit = ctx.settings.max_codes
        if len(lines) + len(dx) > limit:
            raise too_large(f"The claim's {len(lines)} lines and {len(dx)} diagnoses", limit)
        if not lines:
            raise coded_error("A claim needs at least one line.", BAD_USER_INPUT)
        for i, line in enumerate(lines):
            units = 1 if line.units is None else line.units
            if not 0 < units <= MAX_UNITS:
                raise coded_error(f"Line {i + 1}: units must be from 1 to {MAX_UNITS:,}.",
                                  BAD_USER_INPUT)
            if len(line.modifiers or ()) > MAX_MODIFIERS:
                raise coded_error(f"Line {i + 1}: at most {MAX_MODIFIERS} modifiers.",
                                  BAD_USER_INPUT)
        claim_lines = [ClaimLine(system=ln.system.value, code=ln.code,
                                 modifiers=tuple(ln.modifiers or ()),
                                 units=1 if ln.units is None else ln.units,
                                 date_of_service=ln.date_of_service) for ln in lines]
        try:
            setting = setting or NcciSetting.PRACTITIONER
            result = validate_claim(ctx.conn, ctx.releases, SETTINGS[setting], date_of_service,
                                    dx, claim_lines)
        except ClaimInputError as exc:
            raise coded_error(str(exc), BAD_USER_INPUT) from None
        return ClaimValidation(
            valid=result.valid,
            findings=[ClaimFinding(severity=Severity(f.severity), kind=FindingKind(f.kind),
                                   lines=f.lines, diagnoses=f.diagnoses, codes=f.codes,
                                   message=f.message,
                                   suggestions=[Code.from_row(r) for r in f.suggestions])
                      for f in result.findings],
            setting=setting,
            ncci_release=result.ptp.quarter if result.ptp else None,
            mue_release=result.mue.quarter if result.mue else None,
            add_on_release=result.add_on.quarter if result.add_on else None,
            releases=[f"{r.system_id} {r.version}" for r in sorted(
                result.code_releases, key=lambda r: (r.system_id, r.version))],
        )
