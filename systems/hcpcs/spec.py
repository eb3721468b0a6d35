"""HCPCS Level II as a code system: letter-and-four-digit codes and two-character modifiers,
a release per CMS quarterly file, in force from its first day until the next one."""

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
from systems.hcpcs import importer, validation
from systems.hcpcs.parse import release_of

VERSION = re.compile(r"\d{4}-\d{2}")
SEARCH = Path(__file__).resolve().parent / "search"


class Hcpcs(CodeSystemSpec):
    id = "HCPCS"
    name = "HCPCS Level II (Healthcare Common Procedure Coding System, Level II)"
    short_name = "HCPCS Level II"
    enum_description = (
        "HCPCS Level II: CMS's codes for drugs, supplies, ambulance, DME and services outside "
        "CPT (`J9035`), and the Level II modifiers (`XE`, `LT`); a release per quarterly file "
        "(`2026-01`), in force from its first day."
    )
    calendar = ReleaseCalendar.QUARTER
    levels = (CodeLevel.SECTION, CodeLevel.BLOCK, CodeLevel.CODE, CodeLevel.MODIFIER)
    code_shapes = (
        re.compile(r"^[A-Za-z]\d{1,4}$"),  # J9035, j90, a code or its start
        re.compile(r"^[A-Za-z]\d{4}-[A-Za-z]\d{4}$"),  # a range: J9000-J9999
        # A modifier: two capitals or digits as typed (XE, 59, E1); "ms" in lower case is a
        # word, not the modifier MS.
        re.compile(r"^(?:[A-Z0-9]{2}|[a-z]\d|\d[a-z])$"),
    )
    # The abbreviations the descriptions use (BLS, ALS: advanced life support here, not
    # amyotrophic lateral sclerosis), brand names of the drugs, a biller's lay words.
    search_expansions = (SEARCH / "abbreviations.tsv", SEARCH / "synonyms.tsv")
    # CMS's descriptors name the item, then qualify it: "Walker, rigid (pickup), adjustable or
    # fixed height" is what "walker" asks for, before "Seat attachment, walker".
    search_qualifier_cost = 0.25
    # At an equal score, the permanent national codes first, then the temporary ones (C: OPPS,
    # G, H, K, Q, S, T, U): "bevacizumab" is J9035 before C9257, the same words at another dose.
    search_later = re.compile(r"[CGHKQSTU]\d{4}")

    def effective_dates(self, version: str) -> tuple[date, date | None]:
        if not VERSION.fullmatch(version):
            raise ValueError(f"an HCPCS release is named YYYY-MM, not {version!r}")
        return release_of("", version)[1], None

    def bundled_sources(self) -> list[Source]:
        return importer.bundled_sources()

    def read(self, source: Source) -> ParsedRelease:
        return importer.read(source)

    def validate(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], codes: Sequence[str],
                 date_of_service: date | None) -> Validation:
        return validation.validate(conn, release, others, codes, date_of_service,
                                   self.normalise)


HCPCS = Hcpcs()
