"""CPT's semicolon convention: the descriptor families.

In the code book an indented code's descriptor is printed without the text before the semicolon
of the code it is indented under; that text is implied (96422, 96423 and 96425 read on from
96420's). The data files print every descriptor in full, so a family is found again as the codes
of one subsection whose long descriptors have the same text before their first semicolon; the
family's first code (in code order) is the one the others are indented under.

Each member is related (``FAMILY``) to every other member, with a note in medcode's words that
quotes nothing of the descriptors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from systems.cpt.codes import sort_key


def _stem(descriptor: str) -> str | None:
    """The text before the first semicolon, compared without case or spacing differences."""
    head, semicolon, _ = descriptor.partition(";")
    stem = " ".join(head.split()).casefold()
    return stem if semicolon and stem else None


def families(descriptors: Mapping[str, str], places: Mapping[str, str]) -> list[list[str]]:
    """The families (each in code order, first the code the others read on from) among codes
    with their long descriptors and the subsection (or section) each is placed in."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, text in descriptors.items():
        stem = _stem(text)
        if stem is not None:
            groups[places[code], stem].append(code)
    found = [sorted(codes, key=sort_key) for codes in groups.values() if len(codes) > 1]
    return sorted(found, key=lambda f: sort_key(f[0]))


def family_note(head: str) -> str:
    """What a FAMILY relation says (medcode's words; no descriptor text)."""
    return f"Same descriptor family as {head} (the text before its semicolon)"


def relations(family: Sequence[str]) -> dict[str, list[str]]:
    """For each member, the other members in code order."""
    return {code: [other for other in family if other != code] for code in family}
