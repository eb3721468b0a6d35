"""CPT importer: the operator's AMA data files (or medcode's CSV layout) into a parsed release.

- Files: see ``files`` (what ``--file`` may name), ``layouts`` (the descriptor files),
  ``modifiers`` (``MODUL.txt``) and ``csvfile`` (``code,kind,text``). Any bad row, unknown
  code shape, duplicate or code without a long descriptor stops the import with one line naming
  the file and line: nothing is loaded.
- Release: the calendar year (``2026``, in force January 1 to December 31): ``--year``, else
  the year the files' notices name (``CPT 2026``), else the year in the file or folder name;
  none, or more than one, and the import asks for ``--year``.
- Hierarchy: ``sections`` (sections and subsections by code range, in medcode's words), then
  the codes; the modifiers under a section of their own. Codes are billable; sections,
  subsections and modifiers are not.
- Descriptions: the long descriptor is the official one (``display``); MEDIUM, SHORT, LAY
  (consumer friendly) and CLINICIAN (several a code) beside it.
- Related codes: ``families``, the semicolon convention (``FAMILY``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from domain.parsed import Node, ParsedRelease, Reference
from domain.spec import ImportFileError, Source
from domain.vocabulary import CodeLevel, DescriptionKind, RelationKind
from systems.cpt.codes import category_of, is_modifier, sort_key
from systems.cpt.csvfile import read_csv
from systems.cpt.errors import CptFileError, located
from systems.cpt.families import families, family_note, relations
from systems.cpt.files import DataFile, Layout, Release, open_release
from systems.cpt.layouts import Descriptor, FileContent, read_fixed, read_long, read_table
from systems.cpt.modifiers import read_modifiers
from systems.cpt.sections import MODIFIER_SECTION, section_of

VERSION = re.compile(r"20\d\d")
SINGLE = (DescriptionKind.OFFICIAL, DescriptionKind.MEDIUM, DescriptionKind.SHORT,
          DescriptionKind.LAY)
ORDER = {k: i for i, k in enumerate((*SINGLE, DescriptionKind.CLINICIAN))}
READERS = {
    Layout.LONG: read_long, Layout.MEDIUM: read_fixed, Layout.SHORT: read_fixed,
    Layout.MODIFIERS: read_modifiers, Layout.CONSUMER: read_table,
    Layout.CLINICIAN: read_table, Layout.CSV: read_csv,
}


def effective_dates(version: str) -> tuple[date, date]:
    if not VERSION.fullmatch(version):
        raise ValueError(f"a CPT release is named by its calendar year (2026), not {version!r}")
    year = int(version)
    return date(year, 1, 1), date(year, 12, 31)


def _version(source: Source, release: Release, contents: list[FileContent]) -> str:
    if source.version is not None:
        if not VERSION.fullmatch(source.version):
            raise ImportFileError(f"--year {source.version!r}: a CPT release is named by its "
                                  "calendar year, e.g. --year 2026")
        return source.version
    for years in (set().union(*(c.years for c in contents)), release.name_years):
        if len(years) == 1:
            return years.pop()
        if len(years) > 1:
            raise ImportFileError(f"the files name several years ({', '.join(sorted(years))}): "
                                  "say which release this is with --year YYYY")
    raise ImportFileError("the files do not say which year's release they are: give it with "
                          "--year YYYY (2026: in force January 1 to December 31, 2026)")


def _by_code(descriptors: list[Descriptor]) -> dict[str, list[Descriptor]]:
    """Each code's descriptors; CptFileError for a second descriptor of a kind a code has
    once, and for a code without a long descriptor."""
    by_code: dict[str, list[Descriptor]] = defaultdict(list)
    first: dict[tuple[str, DescriptionKind], Descriptor] = {}
    for d in descriptors:
        if d.kind in SINGLE:
            earlier = first.setdefault((d.code, d.kind), d)
            if earlier is not d:
                same = earlier.file == d.file
                place = f"{earlier.at} {earlier.line}" if same else earlier.where
                raise located(d.file, f"{d.code} has a second {d.kind} descriptor (the first "
                              f"is on {place})", d.at, d.line)
        by_code[d.code].append(d)
    for code, found in by_code.items():
        if not any(d.kind is DescriptionKind.OFFICIAL for d in found):
            d = found[0]
            raise located(d.file, f"{code} has no long descriptor (OFFICIAL; LONGULT.txt in "
                          "the AMA's files)", d.at, d.line)
    return by_code


def _add(nodes: list[Node], node: Node) -> int:
    nodes.append(node)
    if node.parent is not None:
        nodes[node.parent].children.append(len(nodes) - 1)
    return len(nodes) - 1


def to_release(by_code: dict[str, list[Descriptor]], version: str, label: str) -> ParsedRelease:
    nodes: list[Node] = []
    placed: dict[str, int] = {}  # section or subsection code -> node index
    place_of: dict[str, str] = {}
    codes = sorted((c for c in by_code if not is_modifier(c)), key=sort_key)
    modifiers = sorted(c for c in by_code if is_modifier(c))
    for code in codes:
        section, subsection = section_of(code)
        if section.code not in placed:
            placed[section.code] = _add(nodes, Node(section.code, section.code, section.name,
                                                    CodeLevel.SECTION, None))
        parent = placed[section.code]
        if subsection is not None:
            if subsection.code not in placed:
                placed[subsection.code] = _add(nodes, Node(
                    subsection.code, subsection.code, subsection.name, CodeLevel.BLOCK, parent))
            parent = placed[subsection.code]
        place_of[code] = subsection.code if subsection is not None else section.code
        placed[code] = _add(nodes, _node(code, by_code[code], CodeLevel.CODE, parent))
    if modifiers:
        section_code, name = MODIFIER_SECTION
        parent = _add(nodes, Node(section_code, section_code, name, CodeLevel.SECTION, None))
        for code in modifiers:
            _add(nodes, _node(code, by_code[code], CodeLevel.MODIFIER, parent))
    long_texts = {c: _official(by_code[c]) for c in codes}
    for family in families(long_texts, place_of):
        note = family_note(family[0])
        for code, others in relations(family).items():
            node = nodes[placed[code]]
            for other in others:
                node.relations.append((RelationKind.FAMILY, note))
                node.references.append(Reference(RelationKind.FAMILY, note, other, [other]))
    first, last = effective_dates(version)
    return ParsedRelease(version=version, nodes=nodes, effective_from=first, effective_to=last,
                         source=label)


def _official(found: list[Descriptor]) -> str:
    return next(d.text for d in found if d.kind is DescriptionKind.OFFICIAL)


def _node(code: str, found: list[Descriptor], level: CodeLevel, parent: int) -> Node:
    others = sorted((d for d in found if d.kind is not DescriptionKind.OFFICIAL),
                    key=lambda d: ORDER[d.kind])
    is_code = level is CodeLevel.CODE
    return Node(code, code, _official(found), level, parent, billable=is_code,
                descriptions=[(d.kind, d.text) for d in others],
                details={"category": category_of(code).value} if is_code else None)


def _read(file: DataFile) -> FileContent:
    return READERS[file.layout](file)


def read(source: Source) -> ParsedRelease:
    """Parse the release ``source`` names; ImportFileError (one line) on anything unreadable."""
    try:
        release = open_release(source.path)
        contents = [_read(f) for f in release.files]
        by_code = _by_code([d for c in contents for d in c.descriptors])
    except CptFileError as exc:  # the caller names the path: say where in it, and what
        if exc.source != source.path.name:  # a file of a folder or archive: name it
            raise ImportFileError(str(exc)) from None
        where = "".join(f", {k} {v}" for k, v in (("line", exc.line), ("row", exc.row)) if v)
        raise ImportFileError(f"{where[2:]}: {exc.problem}" if where else exc.problem) from None
    except OSError as exc:
        raise ImportFileError(f"cannot read it ({exc.strerror or exc})") from None
    return to_release(by_code, _version(source, release, contents), source.label)
