"""ICD-10-CM as a code system: dotted codes, fiscal-year releases, the tabular's conventions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection

from domain.parsed import ParsedRelease
from domain.releases import ReleaseRow
from domain.spec import CodeSystemSpec, ReleaseCalendar, Source
from domain.validation.findings import Validation
from domain.vocabulary import CodeLevel
from systems.icd10cm import importer, validation
from systems.icd10cm.tabular import dotted, lookup_key


class Icd10Cm(CodeSystemSpec):
    id = "ICD10CM"
    name = (
        "ICD-10-CM (International Classification of Diseases, Tenth Revision, Clinical "
        "Modification)"
    )
    short_name = "ICD-10-CM"
    enum_description = (
        "ICD-10-CM, the US clinical modification of ICD-10: diagnosis codes, one release per "
        "fiscal year (FY2026 is in force from 2025-10-01)."
    )
    calendar = ReleaseCalendar.FISCAL_YEAR
    levels = (CodeLevel.CHAPTER, CodeLevel.BLOCK, CodeLevel.CATEGORY, CodeLevel.SUBCATEGORY,
              CodeLevel.CODE)
    code_shapes = (
        re.compile(r"^[A-Za-z]\d[0-9A-Za-z](?:\.?[0-9A-Za-z]{0,4})?\.?-?$"),  # E11.9, e11., S52
        re.compile(r"^[A-Za-z]\d\d-[A-Za-z]\d\d$"),  # a block: E08-E13
    )

    def lookup_key(self, code: str) -> str:
        return lookup_key(code)

    def canonical(self, key: str) -> str:
        return dotted(key)

    def release_label(self, version: str) -> str:
        return f"FY{version}" if version.isdigit() else version

    def effective_dates(self, version: str) -> tuple[date, date | None]:
        return importer.effective_dates(version)

    def bundled_sources(self) -> list[Source]:
        return [importer.bundled_source()]

    def read(self, source: Source) -> ParsedRelease:
        return importer.read(source)

    def validate(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], codes: Sequence[str],
                 date_of_service: date | None) -> Validation:
        return validation.validate(conn, release, others, codes, date_of_service,
                                   self.normalise)


ICD10CM = Icd10Cm()
