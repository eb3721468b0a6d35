"""The shapes of CPT codes and modifiers, and the order codes of different shapes sort in."""

from __future__ import annotations

import re
from enum import StrEnum

# Category I: five digits (96425); four digits and a letter: A, vaccine administration, and M,
# administrative MAAA codes (Category I too); F: Category II; T: Category III; U: Proprietary
# Laboratory Analyses.
CODE = re.compile(r"\d{5}|\d{4}[AFMTU]")
# Two digits (59, 25), a physical status modifier (P1), a Category II modifier (1P).
MODIFIER = re.compile(r"\d{2}|P\d|\dP")


class Category(StrEnum):
    CATEGORY_I = "Category I"
    CATEGORY_II = "Category II"
    CATEGORY_III = "Category III"
    PLA = "Proprietary Laboratory Analyses"


def category_of(code: str) -> Category:
    """The CPT category of a code of CODE's shape."""
    return {"F": Category.CATEGORY_II, "T": Category.CATEGORY_III,
            "U": Category.PLA}.get(code[-1], Category.CATEGORY_I)


def is_code(text: str) -> bool:
    return CODE.fullmatch(text) is not None


def is_modifier(text: str) -> bool:
    return MODIFIER.fullmatch(text) is not None


def sort_key(code: str) -> tuple[str, str]:
    """Five-digit codes in numeric order, then each lettered series (0001A.., 0001F..)."""
    return ("", code) if code.isdigit() else (code[-1], code)
