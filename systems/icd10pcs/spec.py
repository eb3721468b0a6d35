"""ICD-10-PCS as a code system: seven characters, each an axis of a table; a release per fiscal
year (October 1), like ICD-10-CM."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from domain.parsed import ParsedRelease
from domain.releases import ReleaseRow
from domain.spec import CodeSystemSpec, ReleaseCalendar, Source
from domain.validation.findings import Validation
from domain.vocabulary import CodeLevel
from systems.icd10pcs import importer, validation

SEARCH = Path(__file__).resolve().parent / "search"


class Icd10Pcs(CodeSystemSpec):
    id = "ICD10PCS"
    name = "ICD-10-PCS (International Classification of Diseases, Tenth Revision, Procedure " \
           "Coding System)"
    short_name = "ICD-10-PCS"
    enum_description = (
        "ICD-10-PCS: inpatient procedure codes, seven characters each an axis of a table "
        "(`0DTJ4ZZ`); one release per fiscal year (FY2026 is in force from 2025-10-01)."
    )
    calendar = ReleaseCalendar.FISCAL_YEAR
    levels = (CodeLevel.SECTION, CodeLevel.BLOCK, CodeLevel.TABLE, CodeLevel.CODE)
    # A code or its start: a digit or letter first, then at least two more characters with a
    # digit among the first three (``0DT``, ``0dtj4``, ``3E0``); a word such as "bed" is not.
    code_shapes = (re.compile(r"^(?=[0-9A-Za-z]{0,2}\d)[0-9A-HJ-NP-Za-hj-np-z]{3,7}$"),)
    # What a coder types for a procedure (appendectomy, laparoscopic, CABG, PEG tube) in the
    # titles' words: root operation, body part, approach.
    search_expansions = (SEARCH / "abbreviations.tsv", SEARCH / "synonyms.tsv")
    # A title names the operation and body part (and device) first, then the approach and
    # qualifiers after commas: "Resection of Appendix, Percutaneous Endoscopic Approach" is an
    # appendectomy; so is the index's "Replacement, Joint, Knee, Right" a knee replacement.
    search_qualifier_cost = 0.25
    # "Open Approach" is the open approach: the word "approach" tells no code from another (and
    # would make "Via Natural or Artificial Opening", a fixed phrase costing one word, look
    # closer to a query that names no approach than "Open Approach").
    search_free_words = frozenset({"approach"})
    # At an equal score: a Resection before an Excision of the same part (the index sends an
    # "-ectomy" to both: the whole part is what the word says), a code before its diagnostic
    # twin (qualifier X, a biopsy), the medical and surgical codes before the New Technology
    # ones (section X) that repeat them with a new device or substance.
    search_later = re.compile(r"0.B.{4}|0.{5}X|X.{6}")
    # The index's terms lead to partial codes ("Resection, Kidney, Right": 0TT0): the titles
    # tell the codes they name alike apart.
    search_title_breaks_ties = True

    def release_label(self, version: str) -> str:
        return f"FY{version}" if version.isdigit() else version

    def effective_dates(self, version: str) -> tuple[date, date | None]:
        return importer.effective_dates(version)

    def bundled_sources(self) -> list[Source]:
        return importer.bundled_sources()

    def read(self, source: Source) -> ParsedRelease:
        return importer.read(source)

    def validate(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], codes: Sequence[str],
                 date_of_service: date | None) -> Validation:
        return validation.validate(conn, release, others, codes, date_of_service,
                                   self.normalise)


ICD10PCS = Icd10Pcs()
