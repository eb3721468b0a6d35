"""The result of validating a claim's codes: findings a coder can act on."""

from __future__ import annotations

import strawberry

from schema.codes.types import Code
from schema.enums import FindingKind, Severity


@strawberry.type(description="One problem found in a claim's codes, with what to do about it.")
class Finding:
    severity: Severity = strawberry.field(description="ERROR: a payer would reject it; "
                                          "WARNING: check it.")
    kind: FindingKind = strawberry.field(description="What the finding is about.")
    codes: list[str] = strawberry.field(
        description="The codes involved, in claim order: the canonical code (`E11.9`) when the "
        "release knows it, otherwise the input as sent."
    )
    positions: list[int] = strawberry.field(
        description="Where those codes are in the list sent (0 = first); for DUPLICATE, every "
        "place the code appears."
    )
    message: str = strawberry.field(
        description="What is wrong and how to fix it, for a coder; quotes the tabular's note "
        "where one applies."
    )
    suggestions: list[Code] = strawberry.field(
        description="Codes that fix the finding, best first (at most 10; at most 25 codes named "
        "by a note, in the note's order). Empty when there is nothing to suggest."
    )


@strawberry.type(description="The result of validating a claim's codes.")
class CodeSetValidation:
    valid: bool = strawberry.field(description="True when there is no ERROR finding (warnings "
                                   "may remain).")
    release: str = strawberry.field(
        description="The release the codes were checked against (`2026`): the one in force on "
        "the date of service, or the newest."
    )
    findings: list[Finding] = strawberry.field(
        description="Errors first, then warnings; each group in the order of the claim."
    )
