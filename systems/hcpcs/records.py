"""One HCPCS Level II code or modifier, with every field of the record layout.

Both file forms (the fixed-width ``.txt`` and the ``.xlsx``) become the same
:class:`HcpcsRecord`, so a code that did not change between two files compares equal.

What is left out of the layout on purpose: the fillers, the redefinition group (it only says
that positions 1-5 hold either a code or three blanks and a modifier: ``is_modifier``), the
record identification code (``is_modifier`` again; continuation lines are folded into the
long description) and the sequence number, which numbers the *lines* of a record (00100,
00200, ...) and is printed differently by the two forms (``00100`` in the text file,
``0010`` in the workbook).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HcpcsRecord:
    """A code (``J9035``) or Level II modifier (``LT``) as one release file states it.

    Multi-valued fields are tuples in file order (blank occurrences dropped); absent
    single values are ``None``.  Codes are the layout's codes (see ``layout``), not meanings.
    """

    code: str
    is_modifier: bool
    long_description: str
    short_description: str
    pricing_indicators: tuple[str, ...]
    multiple_pricing_indicator: str | None
    cim_references: tuple[str, ...]  # Coverage Issues Manual sections
    mcm_references: tuple[str, ...]  # Medicare Carriers Manual sections
    statute: str | None
    lab_certifications: tuple[str, ...]
    cross_references: tuple[str, ...]  # XREF: the code(s) to use instead
    coverage_code: str | None
    asc_payment_group: str | None  # "YY" = approved for an ambulatory surgical center
    asc_effective_date: date | None
    mog_payment_group: str | None  # the workbook calls the MOG fields OPPS / OPPS_PI / OPPS_DT
    mog_payment_policy_indicator: str | None
    mog_effective_date: date | None
    procedure_note: str | None  # processing note number, "0088"; see notes.py
    betos: str | None
    types_of_service: tuple[str, ...]
    anesthesia_base_units: int | None
    code_added_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str | None

    def in_force_on(self, day: date) -> bool:
        """True unless the record's termination date lies before ``day``.

        The termination date is the "last date for which a procedure or modifier code may
        be used by Medicare providers", so a code terminated on ``day`` is still in force.
        """
        return self.termination_date is None or self.termination_date >= day

    @property
    def references(self) -> tuple[str, ...]:
        """CIM, MCM and statute references, in that order (the contract's ``references``)."""
        statute = (self.statute,) if self.statute else ()
        return self.cim_references + self.mcm_references + statute


def join_description(segments: Iterable[str]) -> str:
    """Join the 80-character long-description segments of a record's lines.

    CMS wraps the text at word boundaries and pads each line with blanks: every segment but
    the last ends in at least one blank (all 7,608 wraps of the January 2026 file), and the
    next starts with a blank only where the text had two there (2 wraps: G0501, G9678).  So
    each segment loses its trailing padding and the segments are joined with one space.
    Against the October 2025 workbook, whose cell holds the whole text, this gives the same
    text for every code but 309: 294 whose description CMS changed (action C) and 15 where
    the workbook has two or three blanks at a wrap point, which the fixed-width form cannot
    show.  :func:`normalize_text` removes that difference.
    """
    return " ".join(segment.rstrip() for segment in segments).strip()


def normalize_text(text: str) -> str:
    """Fold every run of white space into one space and trim the ends.

    Applied to both descriptions by both readers: CMS's texts carry stray double blanks
    (107 long descriptions in October 2025), some of which fall on a line break of the
    fixed-width file and so cannot survive there.  Folding them makes the two forms agree.
    """
    return " ".join(text.split())
