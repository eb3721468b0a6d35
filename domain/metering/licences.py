"""Licences on API keys: content that is not ours to give away, served only to keys that hold
the licence for it.

CPT's descriptors (long, medium, short, consumer friendly, clinician) and its modifiers' texts
belong to the AMA. The operator loads their own licensed CPT file and grants the ``cpt`` licence
to the keys allowed to read it (``medcode keys create --licence cpt``, ``medcode keys licence``);
every other caller gets the code numbers and the public facts (fee schedule, NCCI edits,
hierarchy), and each field that would show the text answers null with ``LICENSE_REQUIRED``.
"""

from __future__ import annotations

from collections.abc import Iterable

CPT = "cpt"
KNOWN = frozenset({CPT})  # licences an operator can grant

# The code systems whose descriptive text needs a licence, and which one.
TEXT_LICENCE: dict[str, str] = {"CPT": CPT}

AMA_COPYRIGHT = (
    "CPT® is a registered trademark of the American Medical Association. CPT five-digit codes, "
    "descriptions and other data only are copyright the American Medical Association. All "
    "rights reserved. Applicable FARS/DFARS apply."
)
COPYRIGHT = {CPT: AMA_COPYRIGHT}  # the notice licensed answers carry


class UnknownLicence(ValueError):
    """A licence name medcode does not know."""


def parse(stored: str) -> frozenset[str]:
    """A key's stored licences (``"cpt"``, comma-separated) as a set."""
    return frozenset(part for part in stored.split(",") if part)


def stored(licences: Iterable[str]) -> str:
    """Licences as the key row stores them: known names, sorted, comma-separated."""
    names = {name.strip().lower() for name in licences}
    unknown = names - KNOWN
    if unknown:
        raise UnknownLicence(f"unknown licence {sorted(unknown)[0]!r}; known: "
                             f"{', '.join(sorted(KNOWN))}")
    return ",".join(sorted(names))


def needed_for_text(system_id: str) -> str | None:
    """The licence a system's descriptive text needs; None when it is open to everyone."""
    return TEXT_LICENCE.get(system_id)


def may_read_text(licences: frozenset[str], system_id: str) -> bool:
    """Whether a caller holding ``licences`` may read ``system_id``'s descriptive text."""
    needed = TEXT_LICENCE.get(system_id)
    return needed is None or needed in licences
