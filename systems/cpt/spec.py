"""CPT as a code system: the AMA's procedure codes (HCPCS Level I) and CPT modifiers; a release
per calendar year, in force January 1 to December 31, loaded only from the operator's own
licensed data file (medcode ships none)."""

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
from systems.cpt import importer, validation


class Cpt(CodeSystemSpec):
    id = "CPT"
    name = "CPT (Current Procedural Terminology, HCPCS Level I)"
    short_name = "CPT"
    enum_description = (
        "CPT (HCPCS Level I): the AMA's codes for procedures and services (`96425`; Category "
        "II `0001F`, Category III `0042T`, PLA `0001U`) and the CPT modifiers (`59`); a "
        "release per calendar year (`2026`), loaded from the operator's own AMA-licensed data "
        "file; its descriptors are served only to keys that hold the `cpt` licence."
    )
    calendar = ReleaseCalendar.CALENDAR_YEAR
    levels = (CodeLevel.SECTION, CodeLevel.BLOCK, CodeLevel.CODE, CodeLevel.MODIFIER)
    code_shapes = (
        re.compile(r"^\d{3,5}$"),  # 96425, or its start: 964
        re.compile(r"^\d{4}[AFMTUaftmu]$"),  # 0001F, 0042T, 0001U, 0001A, 0002M
        re.compile(r"^\d{5}-\d{5}$"),  # a range: 96401-96549
        re.compile(r"^\d{4}[AFMTU]-\d{4}[AFMTU]$"),  # 0001F-0015F
        re.compile(r"^(?:\d{2}|P\d|\dP)$"),  # a modifier: 59, 25, P1, 1P
    )
    # A descriptor names the procedure, then narrows it after its semicolon ("...; each
    # additional hour"): a search that says the part before it in full asks for the family.
    search_qualifier_cost = 0.5
    # At an equal score, Category I codes first, then Category III (emerging technology), PLA
    # and Category II (performance measurement) codes, which repeat Category I's words.
    search_later = re.compile(r"\d{4}[FTU]")
    release_option = "--year"
    reads_folders = True

    def effective_dates(self, version: str) -> tuple[date, date | None]:
        return importer.effective_dates(version)

    def bundled_sources(self) -> list[Source]:
        return []  # CPT descriptors are the AMA's: medcode never ships them

    def read(self, source: Source) -> ParsedRelease:
        return importer.read(source)

    def validate(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], codes: Sequence[str],
                 date_of_service: date | None) -> Validation:
        return validation.validate(conn, release, others, codes, date_of_service,
                                   self.normalise)


CPT = Cpt()
