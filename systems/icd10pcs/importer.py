"""ICD-10-PCS importer: CMS's tables XML (with the definitions and the index beside it, or the
bundled ones) into a parsed release.

- Hierarchy: section (level ``SECTION``, ``0`` Medical and Surgical) -> body system (level
  ``BLOCK``, ``0D`` Gastrointestinal System) -> table (level ``TABLE``, ``0DT``) -> code, every
  combination a row of the table allows. ``billable``: the seven-character codes.
- ``display``: the official long title, built from the axis labels by CMS's conventions
  (``titles.py``; checked against all 79,115 FY2026 titles).
- A table's ``details`` keep its rows (what each row allows at positions 4-7, with the axis
  titles and labels) and the definitions of the labels it uses: ``pcsAxes`` and the validation
  of a combination read them. A table's guideline is its operation's definition.
- The Alphabetic Index's terms (``Appendectomy`` -> ``0DTJ``) are ``INDEX_TERM`` descriptions of
  the codes they lead to (at most ``MAX_INDEX_TERMS`` a code), so search finds codes by them. A
  term more specific than its partial code goes to the codes whose labels say most of it
  (``Transfusion, Products of Conception, Blood, Red Cells`` -> ``3027``: the red cells, not the
  plasma nor the globulin).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from domain.parsed import Node, ParsedRelease
from domain.search.analysis import STOPWORDS, words
from domain.search.stemmer import stem
from domain.spec import ImportFileError, Source
from domain.vocabulary import CodeLevel, DescriptionKind, GuidelineKind
from systems.icd10pcs.bundled import DEFINITIONS_FILE, INDEX_FILE, bundled_files
from systems.icd10pcs.definitions import PcsDefinitions, read_definitions
from systems.icd10pcs.errors import PcsFileError
from systems.icd10pcs.index import current_pointers, read_index, term_pointers
from systems.icd10pcs.tables import PcsCode, PcsTable, PcsTables, expand, read_tables
from systems.icd10pcs.titles import long_title

MAX_INDEX_TERMS = 12
# The index's wording of its root operations ("Insertion of device in", "Introduction of
# substance in or on"): no label these words name tells a code from another.
GENERIC_WORDS = frozenset({"device", "substance"})


def bundled_sources() -> list[Source]:
    path = bundled_files().tables
    return [Source(path, f"bundled: {path.name}")]


def effective_dates(version: str) -> tuple[date, date]:
    """Fiscal year N runs from October 1 of N-1 to September 30 of N."""
    year = int(version)
    return date(year - 1, 10, 1), date(year, 9, 30)


def _beside(path: Path, stem: str, bundled: Path) -> Path:
    """The newest ``<stem>*.xml[.gz]`` in the tables file's folder, else the bundled one."""
    found = sorted(path.parent.glob(f"{stem}*.xml*")) if path.parent.is_dir() else []
    return found[-1] if found else bundled


def table_details(table: PcsTable, definitions: PcsDefinitions) -> dict[str, Any]:
    """What ``pcsAxes`` and validation need of a table: the head (positions 1-3), each row's
    axes (position -> [title, {value: label}]) and the definitions of the labels used."""
    section, body, operation = table.head
    defs: dict[str, list[Any]] = {}

    def define(position: int, label: str) -> None:
        record = definitions.lookup(section.value, position, label,
                                    operation=operation.label, body_system=body.label)
        if record is not None and (record.definition or record.explanation or record.includes):
            defs[f"{position}|{label}"] = [record.definition, record.explanation,
                                           list(record.includes)]

    head: list[list[Any]] = []
    for p, title, v in zip((1, 2, 3), table.axis_titles, table.head, strict=True):
        head.append([p, title, v.value, v.label])
        define(p, v.label)
    rows = []
    for row in table.rows:
        rows.append({str(a.position): [a.title, {v.value: v.label for v in a.values}]
                     for a in row.axes})
        for a in row.axes:
            for v in a.values:
                define(a.position, v.label)
    return {"head": head, "rows": rows, "definitions": defs}


def to_release(tables: PcsTables, definitions: PcsDefinitions,
               index_terms: dict[str, list[str]], source: str) -> ParsedRelease:
    nodes: list[Node] = []
    placed: dict[str, int] = {}

    def add(node: Node) -> int:
        nodes.append(node)
        if node.parent is not None:
            nodes[node.parent].children.append(len(nodes) - 1)
        placed[node.key] = len(nodes) - 1
        return len(nodes) - 1

    codes_by_table: dict[str, list[Any]] = {}
    for code in expand(tables):
        codes_by_table.setdefault(code.table, []).append(code)
    for table in sorted(tables.tables, key=lambda t: t.code):
        section, body, operation = table.head
        if section.value not in placed:
            add(Node(code=section.value, key=section.value, display=section.label,
                     level=CodeLevel.SECTION, parent=None))
        system_key = section.value + body.value
        if system_key not in placed:
            add(Node(code=system_key, key=system_key, display=body.label,
                     level=CodeLevel.BLOCK, parent=placed[section.value]))
        node = Node(code=table.code, key=table.code,
                    display=f"{section.label}, {body.label}, {operation.label}",
                    level=CodeLevel.TABLE, parent=placed[system_key],
                    details=table_details(table, definitions))
        if table.definition:
            node.guidelines.append((GuidelineKind.DEFINITION,
                                    f"{operation.label}: {table.definition}"))
        node.descriptions.extend((DescriptionKind.INDEX_TERM, t)
                                 for t in index_terms.get(table.code, [])[:MAX_INDEX_TERMS])
        table_index = add(node)
        for code in sorted(codes_by_table.get(table.code, []), key=lambda c: c.code):
            leaf = Node(code=code.code, key=code.code, display=long_title(code),
                        level=CodeLevel.CODE, parent=table_index, billable=True)
            leaf.descriptions.extend((DescriptionKind.INDEX_TERM, t)
                                     for t in index_terms.get(code.code, [])[:MAX_INDEX_TERMS])
            add(leaf)
    start, end = effective_dates(tables.version)
    return ParsedRelease(version=tables.version, nodes=nodes, effective_from=start,
                         effective_to=end, source=source)


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text)
                     if w not in STOPWORDS and w not in GENERIC_WORDS)


def index_terms(tables: PcsTables, index_path: Path) -> dict[str, list[str]]:
    """Each table's and code's index terms: a table pointer (``0DT``) gives the table a term,
    a longer one (``0DTJ``) the codes starting with it that the term names best (all of them
    when its words tell none apart: ``Appendectomy``, ``Resection, Kidney, Right``)."""
    codes = sorted(expand(tables), key=lambda c: c.code)
    keys = [c.code for c in codes]
    labels: dict[int, frozenset[str]] = {}

    def label_stems(i: int) -> frozenset[str]:
        found = labels.get(i)
        if found is None:
            found = labels[i] = _stems(" ".join(a.label for a in codes[i].axes[2:]))
        return found

    out: dict[str, list[str]] = {}
    for pair in current_pointers(term_pointers(read_index(index_path)), tables):
        if len(pair.pointer) <= 3:
            targets = [pair.pointer]
        else:
            lo = bisect.bisect_left(keys, pair.pointer)
            hi = bisect.bisect_left(keys, pair.pointer + "~", lo)
            targets = _named_best(pair.term, range(lo, hi), codes, label_stems)
        for key in targets:
            terms = out.setdefault(key, [])
            if pair.term not in terms:
                terms.append(pair.term)
    return out


def _named_best(term: str, family: range, codes: list[PcsCode],
                label_stems: Callable[[int], frozenset[str]]) -> list[str]:
    """The codes of a partial code's family whose labels say most of the term's words."""
    wanted = _stems(term)
    said = [len(wanted & label_stems(i)) for i in family]
    best = max(said, default=0)
    return [codes[i].code for i, n in zip(family, said, strict=True) if n == best]


def read(source: Source) -> ParsedRelease:
    """Parse a tables file (definitions and index from beside it, else the bundled ones);
    ImportFileError (one line) on anything unreadable."""
    try:
        tables = read_tables(source.path)
        if not tables.version.isdigit():
            raise ImportFileError(f"<version> is {tables.version!r}, expected a fiscal year "
                                  "such as 2026")
        definitions = read_definitions(_beside(source.path, "icd10pcs_definitions",
                                               DEFINITIONS_FILE))
        terms = index_terms(tables, _beside(source.path, "icd10pcs_index", INDEX_FILE))
        return to_release(tables, definitions, terms, source.label)
    except PcsFileError as exc:
        raise ImportFileError(exc.problem) from None
