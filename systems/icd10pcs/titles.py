"""``long_title``: a code's official long title, as CMS's order file prints it.

The tables file has no titles; CMS builds them from the axis labels, worded section by section
(``Resection of Appendix, Percutaneous Endoscopic Approach``, ``Fluoroscopy of Left Renal Vein
using Low Osmolar Contrast``, ``Pharmacotherapy for Substance Abuse Treatment, Naloxone``). The
rules live in one module per group of sections; checked against every title of CMS's FY2026
code file they agree on all 79,115 codes (tests/icd10pcs/test_titles.py).

A section the rules do not know (a later release adding one) gets a plain title: its labels
in position order, the "no device / no qualifier" ones left out.
"""

from __future__ import annotations

from collections.abc import Callable

from .ancillary_titles import imaging, mental_health, radiation, rehabilitation, substance_abuse
from .new_technology_titles import new_technology
from .related_titles import (
    administration,
    assistance,
    chiropractic,
    measurement,
    osteopathic,
    other_procedures,
    placement,
    therapies,
)
from .surgical_titles import medical_surgical
from .tables import PcsCode
from .wording import is_none

__all__ = ["BUILDERS", "long_title"]

BUILDERS: dict[str, Callable[[PcsCode], str]] = {
    "0": medical_surgical, "1": medical_surgical, "2": placement, "3": administration,
    "4": measurement, "5": assistance, "6": therapies, "7": osteopathic,
    "8": other_procedures, "9": chiropractic, "B": imaging, "C": imaging, "D": radiation,
    "F": rehabilitation, "G": mental_health, "H": substance_abuse, "X": new_technology,
}


def long_title(code: PcsCode) -> str:
    """The long title of a seven-character code."""
    builder = BUILDERS.get(code.section)
    if builder is None:
        return ", ".join(axis.label for axis in code.axes[2:] if not is_none(axis.label))
    return builder(code)
