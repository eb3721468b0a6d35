"""``read_index``: CMS's Alphabetic Index (``icd10pcs_index_<year>.xml``) as search terms.

The index maps words to tables: a main term (``Appendectomy``) and its subterms, each ending
in a pointer (a table ``0DT``, a partial code ``0DTJ`` or a whole code ``10A07ZX``), a
"see" reference (``see Resection, Appendix 0DTJ``) or a "use" reference that names the axis
value to use (``Achilles tendon use Lower Leg Tendon, Right``). The bundled index is of FY2023,
older than the tables: use it to route words to tables and partial codes, never as a source of
codes, and keep only the pointers the current tables still allow (:func:`current_pointers`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import PcsFileError
from .tables import PcsTable, PcsTables
from .xmlfiles import read_root, text_of

__all__ = ["IndexEntry", "PcsIndex", "TermPointer", "current_pointers", "pointer_allowed",
           "read_index", "term_pointers"]

ROOT = "ICD10PCS.index"
POINTER_TAGS = ("code", "codes", "tab")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One index line: the term path down to it, its "see"/"use" reference if any, and the
    table, partial code or code it points to if any."""

    path: tuple[str, ...]  # ("Abortion", "Vacuum")
    reference: str | None  # "see"/"use" text ("Resection, Appendix")
    kind: str  # "see", "use" or "code" (a plain pointer)
    pointer: str | None  # "0DTJ", "0QB", "10A07Z6"


@dataclass(frozen=True, slots=True)
class TermPointer:
    """A search term (its path) and the table or partial code it routes to."""

    path: tuple[str, ...]
    pointer: str
    kind: str  # "see", "use" or "code"

    @property
    def table(self) -> str:
        return self.pointer[:3]

    @property
    def term(self) -> str:
        """The path as one phrase: ``Appendectomy``, ``Abortion, Vacuum``."""
        return ", ".join(self.path)


@dataclass(frozen=True, slots=True)
class PcsIndex:
    version: str
    title: str
    source: str
    entries: tuple[IndexEntry, ...]


def read_index(path: str | Path) -> PcsIndex:
    """Every entry of an index file (``.xml`` or ``.xml.gz``), in file order.

    Raises :class:`PcsFileError` for a file that is not XML, has another root element, has no
    main term, or points at something that is not a table or (partial) code.
    """
    name = Path(path).name
    root = read_root(path, ROOT)
    main_terms = list(root.iter("mainTerm"))
    if not main_terms:
        raise PcsFileError(name, "no <mainTerm> element: not an index file")
    entries: list[IndexEntry] = []
    for element in main_terms:
        entries.extend(_entries(name, element, ()))
    return PcsIndex(version=text_of(root.find("version")), title=text_of(root.find("title")),
                    source=name, entries=tuple(entries))


def term_pointers(index: PcsIndex) -> list[TermPointer]:
    """The (term path, pointer) pairs: every entry that names a table or a (partial) code."""
    return [TermPointer(entry.path, entry.pointer, entry.kind)
            for entry in index.entries if entry.pointer]


def current_pointers(pairs: Iterable[TermPointer], tables: PcsTables) -> list[TermPointer]:
    """The pairs whose pointer the tables still allow: its table exists and some row of it
    allows the characters given after the first three."""
    by_code = tables.by_code()
    return [pair for pair in pairs if pointer_allowed(pair.pointer, by_code)]


def pointer_allowed(pointer: str, tables: dict[str, PcsTable]) -> bool:
    """True if a table (3 characters), partial code (4-6) or code (7) is allowed by the
    tables (keyed by their three characters)."""
    table = tables.get(pointer[:3])
    if table is None:
        return False
    rest = pointer[3:]
    return any(all(char in {value.value for value in axis.values}
                   for char, axis in zip(rest, row.axes, strict=False))
               for row in table.rows)


def _entries(name: str, element: ET.Element, parent: tuple[str, ...]) -> Iterator[IndexEntry]:
    title = text_of(element.find("title"))
    path = (*parent, title) if title else parent
    if not path:
        raise PcsFileError(name, "a <mainTerm> has no <title>")
    for child in element:
        if child.tag in ("see", "use"):
            yield IndexEntry(path, text_of(child) or None, child.tag, _pointer(name, path, child))
        elif child.tag in POINTER_TAGS:
            yield IndexEntry(path, None, "code", _checked(name, path, child))
    for term in element.findall("term"):
        yield from _entries(name, term, path)


def _pointer(name: str, path: tuple[str, ...], reference: ET.Element) -> str | None:
    for child in reference:
        if child.tag in POINTER_TAGS:
            return _checked(name, path, child)
    return None


def _checked(name: str, path: tuple[str, ...], element: ET.Element) -> str:
    pointer = text_of(element).upper()
    if not 3 <= len(pointer) <= 7 or not pointer.isalnum():
        raise PcsFileError(name, f"term {', '.join(path)!r} points at {pointer!r}, not a table "
                                 "or a code")
    return pointer
