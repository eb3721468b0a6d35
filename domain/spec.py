"""What a code system is to medcode: the contract each system's spec (``systems/<system>/``)
fills in, so that lookups, search, validation, the importers and the command line work for any
system without knowing which one it is.

A spec owns: how input is normalised to the stored lookup key and how a key is written in the
system's canonical form; which input is code-shaped for search; its hierarchy levels; its
release calendar (fiscal year, quarter, calendar year); its importer (official files into a
:class:`ParsedRelease`, written by ``seed``); and its validation rules.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from sqlalchemy import Connection

from domain.parsed import ParsedRelease
from domain.releases import ReleaseRow
from domain.validation.findings import Validation
from domain.vocabulary import CodeLevel


class ReleaseCalendar(StrEnum):
    FISCAL_YEAR = "fiscal year"  # October 1 to September 30, named by the year it ends in
    QUARTER = "quarter"  # in force from its first day until the next one
    CALENDAR_YEAR = "calendar year"


class ImportFileError(ValueError):
    """An official file that cannot be imported; the message is one line for the operator."""


class LocatedFileError(ImportFileError):
    """A file of a release that is not what its layout says: one line naming the file (and the
    line or row) and what is wrong, so that a loader can show it as is."""

    def __init__(self, source: str, problem: str, *, line: int | None = None,
                 row: int | None = None) -> None:
        where = source
        if line is not None:
            where += f", line {line}"
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.problem = problem
        self.line = line
        self.row = row


@dataclass(frozen=True, slots=True)
class Source:
    """A file to import, and how the release records where it came from."""

    path: Path
    label: str
    # The release the operator names (``medcode seed cpt --year 2026``) for files that do not
    # say it themselves; None: the importer reads it from the file, or refuses.
    version: str | None = None


KEY_SHAPE = re.compile(r"[0-9A-Z][0-9A-Z-]{0,15}")
DASHES = str.maketrans({"\u2013": "-", "\u2014": "-"})


class CodeSystemSpec(ABC):
    """One code system. Subclasses set the class attributes and implement the methods."""

    id: ClassVar[str]  # the GraphQL enum value and the database's system_id: ``ICD10CM``
    name: ClassVar[str]  # the full name, stored with the system
    short_name: ClassVar[str]  # for messages: ``ICD-10-CM``
    enum_description: ClassVar[str]  # the GraphQL enum value's description
    calendar: ClassVar[ReleaseCalendar]
    levels: ClassVar[tuple[CodeLevel, ...]]
    # Search input that is a code, the start of one, or a range of them.
    code_shapes: ClassVar[tuple[re.Pattern[str], ...]]
    # Search phrases of the system's own (``domain.search.expansions``' table format): the
    # abbreviations its descriptions use and the names its users type, read for its releases
    # only; a phrase listed here replaces the shared tables' reading of it.
    search_expansions: ClassVar[tuple[Path, ...]] = ()
    # What a description's unmatched words after its first clause cost (relative to the others)
    # when a search says that clause in full: below 1 for descriptors that name the item first
    # and qualify it after commas (HCPCS: "Walker, folding, wheeled, adjustable or fixed
    # height" is a walker), 1 where a title's every word says what the code is.
    search_qualifier_cost: ClassVar[float] = 1.0
    # Words the titles repeat after every value of an axis, which say nothing of their own: a
    # description's unmatched one costs nothing (ICD-10-PCS: "Open Approach", "Percutaneous
    # Approach": the approach is the word before).
    search_free_words: ClassVar[frozenset[str]] = frozenset()
    # Codes (their keys) that rank after the others at an equal score, or None (HCPCS: its
    # temporary codes after the permanent national ones).
    search_later: ClassVar[re.Pattern[str] | None] = None
    # Whether, at an equal score (and equally late), the codes whose own titles say the query
    # best come first: where index terms lead to whole families of codes alike (ICD-10-PCS:
    # "Resection, Kidney, Right" on every 0TT0 code), the titles tell them apart ("..., Open
    # Approach" before "..., Open Approach, Allogeneic").
    search_title_breaks_ties: ClassVar[bool] = False
    # The ``medcode seed`` option that names the release when the files may not say it
    # (CPT: ``--year``), or None; its value reaches the importer as ``Source.version``.
    release_option: ClassVar[str | None] = None
    # Whether ``--file`` may name a folder of the release's files (CPT's data file release).
    reads_folders: ClassVar[bool] = False

    # --- codes ----------------------------------------------------------------------------

    def lookup_key(self, code: str) -> str:
        """The stored lookup form of a code as the system writes it."""
        return code.upper()

    def canonical(self, key: str) -> str:
        """A lookup key written in the system's canonical form."""
        return key

    def normalise(self, raw: str) -> str | None:
        """User input to the stored lookup key (any case, spaces ignored, a reference as notes
        write it: ``E08.-``, en dashes). None for input that cannot be a code (never sent to the
        database: NUL bytes and the like)."""
        text = "".join(raw.split()).translate(DASHES)
        if len(text) > 1 and text.endswith("-"):
            text = text.rstrip("-").rstrip(".")
        key = self.lookup_key(text)
        return key if KEY_SHAPE.fullmatch(key) else None

    def search_key(self, text: str) -> str | None:
        """The key prefix that code-shaped search input stands for; None for words."""
        stripped = text.strip()
        if not any(shape.match(stripped) for shape in self.code_shapes):
            return None
        if "-" in stripped[1:-1]:  # a range, as written
            return stripped.upper()
        return self.lookup_key(stripped.rstrip("-").rstrip("."))

    # --- releases -------------------------------------------------------------------------

    def release_label(self, version: str) -> str:
        """A release as coders name it (``FY2026``)."""
        return version

    @abstractmethod
    def effective_dates(self, version: str) -> tuple[date, date | None]:
        """When a release is in force, from its version."""

    # --- importing ------------------------------------------------------------------------

    @abstractmethod
    def bundled_sources(self) -> list[Source]:
        """The releases shipped with medcode, oldest first (empty when none may be shipped)."""

    @abstractmethod
    def read(self, source: Source) -> ParsedRelease:
        """Parse an official file; raise :class:`ImportFileError` on anything unreadable."""

    # --- validation -----------------------------------------------------------------------

    @abstractmethod
    def validate(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], codes: Sequence[str],
                 date_of_service: date | None) -> Validation:
        """Check a claim's codes against ``release``; ``others`` are the system's other
        loaded releases (for codes not valid on the date)."""
