"""Reader of ``MODUL.txt``, the AMA's modifiers file: Appendix A of the code book as text.

The layout (as the AMA's own parser of the file reads it): a notice, then a line ``Appendix A``;
after it, paragraphs. A modifier's paragraph starts with its two characters, a space and its
text (``59 ...``), and runs to the next blank line; other paragraphs are the appendix's prose.
Headings, each a line of its own, open the later lists: ``Anesthesia Physical Status`` (its
modifiers written ``... P1: text``), ``CPT Level I Modifiers`` (those approved for hospital
outpatient use: the same codes again, kept once), ``Category II Modifiers`` (``1P ...``), and
``Level II (HCPCS/National) Modifiers``, which are HCPCS Level II's and are loaded from CMS's
HCPCS file (``medcode seed hcpcs``), so reading stops there.
"""

from __future__ import annotations

import re
from enum import StrEnum

from domain.vocabulary import DescriptionKind
from systems.cpt.errors import CptFileError
from systems.cpt.files import DataFile, decode
from systems.cpt.layouts import YEAR_IN_TEXT, Descriptor, FileContent


class ModifierList(StrEnum):
    GENERAL = "appendix a"
    PHYSICAL_STATUS = "anesthesia physical status"
    HOSPITAL_OUTPATIENT = "cpt level i modifiers"
    CATEGORY_II = "category ii modifiers"
    LEVEL_II = "level ii (hcpcs/national) modifiers"


HEADINGS = {m.value: m for m in ModifierList} | {
    "anesthesia physical status modifiers": ModifierList.PHYSICAL_STATUS}
STARTS = {
    ModifierList.GENERAL: re.compile(r"(\d\d) +(\S.*)"),
    ModifierList.HOSPITAL_OUTPATIENT: re.compile(r"(\d\d) +(\S.*)"),
    ModifierList.CATEGORY_II: re.compile(r"(\dP) +(\S.*)"),
    ModifierList.PHYSICAL_STATUS: re.compile(r".*\b(P\d) *: *(\S.*)"),
}


def read_modifiers(file: DataFile) -> FileContent:
    current: ModifierList | None = None
    prose: list[str] = []  # the notice and the appendix's prose before the first modifier
    found: dict[str, Descriptor] = {}
    entry: tuple[str, int, list[str]] | None = None  # code, first line, text lines

    def close() -> None:
        if entry is None:
            return
        code, line, parts = entry
        if code not in found:  # a code of an earlier list again: kept once, as first listed
            found[code] = Descriptor(code, DescriptionKind.OFFICIAL, " ".join(parts),
                                     file.name, line)

    for number, raw in enumerate(decode(file), 1):
        line = " ".join(raw.split())
        heading = HEADINGS.get(line.lower())
        if heading is not None and (current is not None or heading is ModifierList.GENERAL):
            close()
            entry = None
            if heading is ModifierList.LEVEL_II:
                break
            current = heading
            continue
        if current is None or not line:
            close()
            entry = None
            if current is None:
                prose.append(line)
            continue
        if entry is not None:
            entry[2].append(line)
            continue
        match = STARTS[current].fullmatch(line)
        if match is None:
            if not found:
                prose.append(line)
            continue
        code = match.group(1)
        if current is ModifierList.GENERAL and code in found:
            raise CptFileError(file.name, f"modifier {code} is listed twice (first on line "
                               f"{found[code].line})", line=number)
        entry = (code, number, [match.group(2)])
    close()
    if current is None:
        raise CptFileError(file.name, "no 'Appendix A' heading: not the layout of MODUL.txt")
    if not found:
        raise CptFileError(file.name, "no modifiers after the 'Appendix A' heading (a modifier's "
                           "paragraph starts with its two characters and a space)")
    return FileContent(list(found.values()), set(YEAR_IN_TEXT.findall("\n".join(prose))))
