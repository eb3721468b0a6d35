"""The GraphQL enums of the public contract: the domain's ``StrEnum``s (``domain.vocabulary``,
``domain.validation.findings``, the code-system registry), wrapped with their descriptions."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

from domain.validation.findings import FindingKind as FindingKindValue
from domain.validation.findings import Severity as SeverityValue
from domain.vocabulary import CodeLevel as CodeLevelValue
from domain.vocabulary import DescriptionKind as DescriptionKindValue
from domain.vocabulary import GuidelineKind as GuidelineKindValue
from domain.vocabulary import RelationKind as RelationKindValue
from systems import SPECS
from systems import CodeSystemId as CodeSystemIdValue

E = TypeVar("E", bound=type[Enum])


def described(enum: E, description: str, values: dict[str, str]) -> E:
    """``strawberry.enum(enum)``, in place, with a description for each value (every value
    needs one)."""
    wrapped = strawberry.enum(enum, description=description)
    definition = wrapped.__strawberry_definition__  # type: ignore[attr-defined]
    missing = {v.name for v in definition.values} - values.keys()
    if missing:
        raise ValueError(f"{enum.__name__} values without a description: {sorted(missing)}")
    for value in definition.values:
        value.description = values[value.name]
    return wrapped


CodeSystemId = CodeSystemIdValue
described(CodeSystemId, "A code system medcode serves.",
          {s.id: s.enum_description for s in SPECS.values()})

CodeLevel = CodeLevelValue
described(
    CodeLevel, "Where an item sits in the tabular's hierarchy.",
    {
        "CHAPTER": (
            "A chapter, named by its number (`4`: Endocrine, nutritional "
            "and metabolic diseases)."
        ),
        "BLOCK": (
            "A range of categories within a chapter (`E08-E13`: Diabetes "
            "mellitus); HCPCS and CPT: a titled range of codes within a section "
            "(`96401-96549`: chemotherapy administration)."
        ),
        "CATEGORY": (
            "A three-character code (`E11`); billable only when nothing "
            "sits below it (`I10`)."
        ),
        "SUBCATEGORY": (
            "A code of four to six characters with more specific codes "
            "below it (`E11.6`): a header, not billable."
        ),
        "CODE": "A leaf of the tabular (`E11.9`, `S52.001A`): billable on a claim.",
        "SECTION": (
            "A section of a procedure code system: an HCPCS Level II letter (`J`: drugs "
            "administered other than oral method, chemotherapy drugs), a CPT section by its "
            "code range (`90281-99607`: Medicine), or the modifiers."
        ),
        "TABLE": "An ICD-10-PCS table: the first three characters of its codes (`0DT`).",
        "MODIFIER": (
            "A modifier (`XE`, `LT`, `59`): added to a procedure code on a claim line, never "
            "reported alone, so not billable."
        ),
    },
)

DescriptionKind = DescriptionKindValue
described(
    DescriptionKind, "The kind of a description of a code.",
    {
        "OFFICIAL": "The official title.",
        "MEDIUM": (
            "CPT: the AMA's medium descriptor, a shortened form of the long one (at most 48 "
            "characters, upper case)."
        ),
        "SHORT": (
            "The official short title (where the "
            "system publishes one; ICD-10-CM's tabular does not)."
        ),
        "LAY": (
            "A plain-language description (CPT: the AMA's consumer friendly descriptor, the "
            "common-language description)."
        ),
        "CLINICIAN": (
            "CPT: one of the AMA's clinician descriptors, the ways clinicians phrase the "
            "procedure (a code may have several)."
        ),
        "INCLUSION_TERM": "A term listed under the code as coded here.",
        "INDEX_TERM": (
            "A term of the system's Alphabetic Index that leads to the code (ICD-10-PCS: "
            "`Appendectomy` for the appendix resections and excisions)."
        ),
    },
)

RelationKind = RelationKindValue
described(
    RelationKind, "The instructional note a related code comes from.",
    {
        "EXCLUDES1": "NOT CODED HERE: never use together with this code.",
        "EXCLUDES2": "Not included here: both may be coded when both are present.",
        "CODE_FIRST": "Sequence the underlying condition before this code.",
        "USE_ADDITIONAL_CODE": "Add a code to describe the condition fully.",
        "CODE_ALSO": "Another code may be needed; sequencing is discretionary.",
        "CROSS_REFERENCE": (
            "HCPCS cross-reference (XREF): the code CMS says to use instead, as for a "
            "terminated code."
        ),
        "FAMILY": (
            "CPT: a code of the same descriptor family. An indented CPT code's descriptor "
            "implies the text before the semicolon of its family's first code (96422, 96423 and "
            "96425 read on from 96420's)."
        ),
        "PRIMARY_CODE": (
            "CPT, HCPCS: for an add-on code, a primary code it is reported with (from the "
            "Medicare fee schedule and NCCI's add-on code edits)."
        ),
        "ADD_ON_CODE": (
            "CPT, HCPCS: for a primary code, an add-on code that may be reported with it."
        ),
    },
)

GuidelineKind = GuidelineKindValue
described(
    GuidelineKind, "The kind of a coding guideline attached to a code.",
    {
        "INCLUDES": "An includes note.",
        "NOTE": "A plain instructional note.",
        "SEVENTH_CHARACTER": "A 7th-character instruction or definition.",
        "DEFINITION": (
            "An official definition: of an ICD-10-PCS table's operation (`Resection: Cutting "
            "out or off, without replacement, all of a body part`)."
        ),
    },
)

Severity = SeverityValue
described(
    Severity, "How serious a finding is.",
    {
        "ERROR": "A payer's edits would reject the claim: fix it before it goes out.",
        "WARNING": (
            "Allowed as sent, but check it: a coding instruction may not "
            "have been followed."
        ),
    },
)

FindingKind = FindingKindValue
described(
    FindingKind, "What a finding is about.",
    {
        "UNKNOWN_CODE": (
            "No such code in the release in force on the date of "
            "service (ERROR). Suggestions: the nearest real codes, billable ones first."
        ),
        "NOT_BILLABLE": (
            "A header (category or subcategory, or a block or "
            "chapter) with more specific codes below it (ERROR). Suggestions: its billable codes, "
            "the least specific and unspecified ones first."
        ),
        "MISSING_SEVENTH_CHARACTER": (
            "A code that needs a 7th character (with "
            "placeholder X's where it is short) sent without one (ERROR). Suggestions: the valid "
            "completions."
        ),
        "NOT_VALID_ON_DATE": (
            "A code of another loaded release that is not in the "
            "release in force on the date of service: deleted, expanded, or not yet in effect "
            "(ERROR). Suggestions: its replacements in force on that date."
        ),
        "EXCLUDES1_CONFLICT": (
            "One code's Excludes1 note, its own or inherited "
            "from a category above it, names another code of the claim (ERROR). The message "
            "quotes the note and the guideline's exception for unrelated conditions."
        ),
        "CODE_FIRST_SEQUENCE": (
            "A code with a \"Code first\" note whose condition "
            "is listed after it, or, for a manifestation code (\"in diseases classified "
            "elsewhere\"), is not on the claim at all (WARNING). Suggestions: codes the note names."
        ),
        "USE_ADDITIONAL_CODE": (
            "A \"Use additional code\" note of the code or of "
            "its category none of whose codes is on the claim (WARNING; notes marked \"if "
            "applicable\" and a chapter's or block's general notes are not checked). Suggestions: "
            "codes the note names."
        ),
        "DUPLICATE": (
            "The same code listed more than once, however it is spelled "
            "(WARNING)."
        ),
        "INVALID_COMBINATION": (
            "An ICD-10-PCS code of a real table that no row of the table allows (ERROR): the "
            "message names the character the closest row refuses. Suggestions: the valid codes "
            "that differ in that character."
        ),
        "PTP_CONFLICT": (
            "`validateClaim`: a column-2 code billed with its column-1 code on one date of "
            "service, an NCCI procedure-to-procedure edit in force (ERROR): the column-2 line "
            "is denied. The message names the pair, its modifier indicator, and what would "
            "make it acceptable."
        ),
        "MUE_EXCEEDED": (
            "`validateClaim`: more units than the code's Medically Unlikely Edit allows: per "
            "line for adjudication indicator 1, per code and date of service for 2 and 3 "
            "(ERROR). The message says which indicator and whether a denial can be appealed."
        ),
        "ADD_ON_WITHOUT_PRIMARY": (
            "`validateClaim`: an add-on code with none of its primary codes on the claim for "
            "the same date (ERROR for a type 1 add-on; WARNING for type 3, whose list the "
            "contractor may extend, and for type 2, which has no list)."
        ),
        "UNKNOWN_MODIFIER": (
            "`validateClaim`: a line's modifier that is neither an HCPCS Level II nor a CPT "
            "modifier (ERROR)."
        ),
    },
)
