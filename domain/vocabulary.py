"""The words every layer shares: levels, description, relation and guideline kinds.

Plain ``StrEnum``s, so a member is the string stored in the database and compares equal to it;
``schema/enums.py`` wraps them as the GraphQL enums with their descriptions.
"""

from __future__ import annotations

from enum import StrEnum


class CodeLevel(StrEnum):
    CHAPTER = "CHAPTER"
    BLOCK = "BLOCK"
    CATEGORY = "CATEGORY"
    SUBCATEGORY = "SUBCATEGORY"
    CODE = "CODE"
    SECTION = "SECTION"
    TABLE = "TABLE"
    MODIFIER = "MODIFIER"


# Groups of codes, not codes: what a note written there says applies to a range.
HEADER_LEVELS = frozenset({CodeLevel.CHAPTER, CodeLevel.BLOCK, CodeLevel.SECTION})


class DescriptionKind(StrEnum):
    OFFICIAL = "OFFICIAL"
    MEDIUM = "MEDIUM"
    SHORT = "SHORT"
    LAY = "LAY"
    CLINICIAN = "CLINICIAN"
    INCLUSION_TERM = "INCLUSION_TERM"
    INDEX_TERM = "INDEX_TERM"


class RelationKind(StrEnum):
    EXCLUDES1 = "EXCLUDES1"
    EXCLUDES2 = "EXCLUDES2"
    CODE_FIRST = "CODE_FIRST"
    USE_ADDITIONAL_CODE = "USE_ADDITIONAL_CODE"
    CODE_ALSO = "CODE_ALSO"
    CROSS_REFERENCE = "CROSS_REFERENCE"
    FAMILY = "FAMILY"
    PRIMARY_CODE = "PRIMARY_CODE"
    ADD_ON_CODE = "ADD_ON_CODE"


class GuidelineKind(StrEnum):
    INCLUDES = "INCLUDES"
    NOTE = "NOTE"
    SEVENTH_CHARACTER = "SEVENTH_CHARACTER"
    DEFINITION = "DEFINITION"
