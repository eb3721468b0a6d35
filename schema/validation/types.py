"""The result of validating a claim's codes: findings a coder can act on."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.codes.types import Code


@strawberry.enum(description="How serious a finding is.")
class Severity(Enum):
    ERROR = strawberry.enum_value(
        "ERROR", description="A payer's edits would reject the claim: fix it before it goes out."
    )
    WARNING = strawberry.enum_value(
        "WARNING", description="Allowed as sent, but check it: a coding instruction may not "
        "have been followed."
    )


@strawberry.enum(description="What a finding is about.")
class FindingKind(Enum):
    UNKNOWN_CODE = strawberry.enum_value(
        "UNKNOWN_CODE", description="No such code in the release in force on the date of "
        "service (ERROR). Suggestions: the nearest real codes, billable ones first."
    )
    NOT_BILLABLE = strawberry.enum_value(
        "NOT_BILLABLE", description="A header (category or subcategory, or a block or "
        "chapter) with more specific codes below it (ERROR). Suggestions: its billable codes, "
        "the least specific and unspecified ones first."
    )
    MISSING_SEVENTH_CHARACTER = strawberry.enum_value(
        "MISSING_SEVENTH_CHARACTER", description="A code that needs a 7th character (with "
        "placeholder X's where it is short) sent without one (ERROR). Suggestions: the valid "
        "completions."
    )
    NOT_VALID_ON_DATE = strawberry.enum_value(
        "NOT_VALID_ON_DATE", description="A code of another loaded release that is not in the "
        "release in force on the date of service: deleted, expanded, or not yet in effect "
        "(ERROR). Suggestions: its replacements in force on that date."
    )
    EXCLUDES1_CONFLICT = strawberry.enum_value(
        "EXCLUDES1_CONFLICT", description="One code's Excludes1 note, its own or inherited "
        "from a category above it, names another code of the claim (ERROR). The message "
        "quotes the note and the guideline's exception for unrelated conditions."
    )
    CODE_FIRST_SEQUENCE = strawberry.enum_value(
        "CODE_FIRST_SEQUENCE", description="A code with a \"Code first\" note whose condition "
        "is listed after it, or, for a manifestation code (\"in diseases classified "
        "elsewhere\"), is not on the claim at all (WARNING). Suggestions: codes the note names."
    )
    USE_ADDITIONAL_CODE = strawberry.enum_value(
        "USE_ADDITIONAL_CODE", description="A \"Use additional code\" note of the code or of "
        "its category none of whose codes is on the claim (WARNING; notes marked \"if "
        "applicable\" and a chapter's or block's general notes are not checked). Suggestions: "
        "codes the note names."
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE", description="The same code listed more than once, however it is spelled "
        "(WARNING)."
    )


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
