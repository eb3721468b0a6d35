"""The GraphQL enums of the public contract."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="A code system medcode serves.")
class CodeSystemId(Enum):
    ICD10CM = strawberry.enum_value(
        "ICD10CM", description="ICD-10-CM, the US clinical modification of ICD-10: diagnosis "
        "codes, one release per fiscal year (FY2026 is in force from 2025-10-01)."
    )


@strawberry.enum(description="Where an item sits in the tabular's hierarchy.")
class CodeLevel(Enum):
    CHAPTER = strawberry.enum_value(
        "CHAPTER", description="A chapter, named by its number (`4`: Endocrine, nutritional "
        "and metabolic diseases)."
    )
    BLOCK = strawberry.enum_value(
        "BLOCK", description="A range of categories within a chapter (`E08-E13`: Diabetes "
        "mellitus)."
    )
    CATEGORY = strawberry.enum_value(
        "CATEGORY", description="A three-character code (`E11`); billable only when nothing "
        "sits below it (`I10`)."
    )
    SUBCATEGORY = strawberry.enum_value(
        "SUBCATEGORY", description="A code of four to six characters with more specific codes "
        "below it (`E11.6`): a header, not billable."
    )
    CODE = strawberry.enum_value(
        "CODE", description="A leaf of the tabular (`E11.9`, `S52.001A`): billable on a claim."
    )


@strawberry.enum(description="The kind of a description of a code.")
class DescriptionKind(Enum):
    OFFICIAL = strawberry.enum_value("OFFICIAL", description="The official title.")
    SHORT = strawberry.enum_value("SHORT", description="The official short title (where the "
                                  "system publishes one; ICD-10-CM's tabular does not).")
    LAY = strawberry.enum_value("LAY", description="A plain-language description.")
    INCLUSION_TERM = strawberry.enum_value(
        "INCLUSION_TERM", description="A term listed under the code as coded here."
    )


@strawberry.enum(description="The instructional note a related code comes from.")
class RelationKind(Enum):
    EXCLUDES1 = strawberry.enum_value(
        "EXCLUDES1", description="NOT CODED HERE: never use together with this code."
    )
    EXCLUDES2 = strawberry.enum_value(
        "EXCLUDES2", description="Not included here: both may be coded when both are present."
    )
    CODE_FIRST = strawberry.enum_value(
        "CODE_FIRST", description="Sequence the underlying condition before this code."
    )
    USE_ADDITIONAL_CODE = strawberry.enum_value(
        "USE_ADDITIONAL_CODE", description="Add a code to describe the condition fully."
    )
    CODE_ALSO = strawberry.enum_value(
        "CODE_ALSO", description="Another code may be needed; sequencing is discretionary."
    )


@strawberry.enum(description="The kind of a coding guideline attached to a code.")
class GuidelineKind(Enum):
    INCLUDES = strawberry.enum_value("INCLUDES", description="An includes note.")
    NOTE = strawberry.enum_value("NOTE", description="A plain instructional note.")
    SEVENTH_CHARACTER = strawberry.enum_value(
        "SEVENTH_CHARACTER", description="A 7th-character instruction or definition."
    )
