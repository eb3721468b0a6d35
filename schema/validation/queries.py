"""The ``validateCodes`` query field."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from schema.codes.types import Code
from schema.enums import CodeSystemId
from schema.errors import BAD_USER_INPUT, coded_error, too_large
from schema.validation.types import CodeSetValidation, Finding, FindingKind, Severity
from systems import spec_of


@strawberry.type
class ValidationQueries:
    @strawberry.field(description="Check a claim's codes at once, as a payer's edits would: "
                      "unknown, non-billable or incomplete codes, codes not valid on the date of "
                      "service, Excludes1 conflicts, Code first / Use additional code notes and "
                      "duplicates, each finding with a message and suggested codes. At most 500 "
                      "codes. Costs one code view per code in the list.")
    async def validate_codes(
        self,
        info: Info,
        system: Annotated[CodeSystemId, strawberry.argument(description="The code system.")],
        codes: Annotated[list[str], strawberry.argument(
            description="The claim's codes in the claim's order (principal or first-listed "
            "first); dotted or not, any case.")],
        date_of_service: Annotated[datetime.date | None, strawberry.argument(
            description="Picks the release in force on that date (default: the newest).")] = None,
    ) -> CodeSetValidation:
        ctx = info.context
        limit = ctx.settings.max_codes
        if len(codes) > limit:
            raise too_large(f"`codes` asks for {len(codes)} codes, which", limit)
        release = ctx.release_for(system.value, date_of_service)
        if release is None:
            loaded = [r for r in ctx.releases if r.system_id == system.value]
            if not loaded:
                raise coded_error(f"No {system.value} release is loaded.", BAD_USER_INPUT)
            first = min(r.effective_from for r in loaded)
            raise coded_error(
                f"No {system.value} release loaded here covers {date_of_service}: the earliest "
                f"starts on {first.isoformat()}.", BAD_USER_INPUT)
        others = [r for r in ctx.releases if r.system_id == system.value and r.id != release.id]
        result = spec_of(system.value).validate(ctx.conn, release, others, codes,
                                                date_of_service)
        return CodeSetValidation(
            valid=result.valid,
            release=release.version,
            findings=[
                Finding(severity=Severity(f.severity), kind=FindingKind(f.kind), codes=f.codes,
                        positions=f.positions, message=f.message,
                        suggestions=[Code.from_row(r) for r in f.suggestions])
                for f in result.findings
            ],
        )
