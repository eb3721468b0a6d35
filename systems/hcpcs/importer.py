"""HCPCS Level II importer: a CMS quarterly file (``.xlsx`` or fixed-width ``.txt``) into a
parsed release.

- Hierarchy: a section per first letter (level ``SECTION``), the titled ranges within it
  (level ``BLOCK``: ``J9000-J9999`` Chemotherapy Drugs), then the codes; the Level II modifiers
  (level ``MODIFIER``) under a section of their own. A section or range without codes in the
  file is left out.
- ``billable``: a code (never a modifier) in force on the release's first day; a code
  terminated before it stays loaded, for history, with ``valid_to`` its termination date, so a
  lookup dated after that answers null.
- Descriptions: the long description is the official one (``display``), the short one ``SHORT``.
- Cross-references (XREF: the code to use instead) are related codes of kind
  ``CROSS_REFERENCE``, resolved when the target is in the release. The processing note a
  record names (``proc_notes_<MON><year>.txt``, next to the file or else the bundled one) is a
  ``NOTE`` guideline; CIM/MCM/statute references are in ``details`` (``HcpcsDetails``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from domain.parsed import Node, ParsedRelease, Reference
from domain.spec import ImportFileError, Source
from domain.vocabulary import CodeLevel, DescriptionKind, GuidelineKind, RelationKind
from systems.hcpcs.bundled import NOTES_FILE, bundled_files
from systems.hcpcs.errors import HcpcsFileError
from systems.hcpcs.notes import read_notes
from systems.hcpcs.parse import HcpcsFile, read_hcpcs
from systems.hcpcs.records import HcpcsRecord
from systems.hcpcs.sections import section_of


def bundled_sources() -> list[Source]:
    return [Source(path, f"bundled: {path.name}") for path in bundled_files()]


def _notes_for(path: Path) -> dict[str, str]:
    """The processing notes beside the file (any ``proc_notes*`` there), else the bundled ones."""
    beside = sorted(path.parent.glob("proc_notes*.txt*")) if path.parent.is_dir() else []
    try:
        return read_notes(beside[-1] if beside else NOTES_FILE)
    except (OSError, HcpcsFileError, UnicodeDecodeError):
        return read_notes(NOTES_FILE)


def details_of(record: HcpcsRecord) -> dict[str, Any]:
    """The record's fields as stored (``code_content.details``): codes, not meanings."""
    out = asdict(record)
    for name in ("code", "is_modifier", "long_description", "short_description"):
        out.pop(name)
    return {k: (list(v) if isinstance(v, tuple) else v.isoformat() if isinstance(v, date)
                else v) for k, v in out.items()}


def _code_node(record: HcpcsRecord, parent: int, first_day: date,
               notes: dict[str, str], keys: set[str]) -> Node:
    level = CodeLevel.MODIFIER if record.is_modifier else CodeLevel.CODE
    node = Node(code=record.code, key=record.code, display=record.long_description,
                level=level, parent=parent,
                billable=not record.is_modifier and record.in_force_on(first_day),
                details=details_of(record), valid_from=record.code_added_date,
                valid_to=record.termination_date)
    if record.short_description:
        node.descriptions.append((DescriptionKind.SHORT, record.short_description))
    note = notes.get(record.procedure_note or "")
    if note:
        node.guidelines.append((GuidelineKind.NOTE, note))
    for target in record.cross_references:
        text = f"Cross reference: {target}"
        node.relations.append((RelationKind.CROSS_REFERENCE, text))
        node.references.append(Reference(RelationKind.CROSS_REFERENCE, text, target,
                                         [target] if target in keys else []))
    return node


def to_release(parsed: HcpcsFile, notes: dict[str, str], source: str) -> ParsedRelease:
    """The file's records under their sections and ranges, in code order."""
    nodes: list[Node] = []

    def add(node: Node) -> int:
        nodes.append(node)
        if node.parent is not None:
            nodes[node.parent].children.append(len(nodes) - 1)
        return len(nodes) - 1

    keys = {r.code for r in parsed.records}
    placed: dict[str, int] = {}  # section or range code -> node index
    first_day = parsed.effective_from
    records = sorted(parsed.records, key=lambda r: (r.is_modifier, r.code))
    for record in records:
        section_code, section_name, range_code, range_name = section_of(record.code)
        if section_code not in placed:
            placed[section_code] = add(Node(
                code=section_code, key=section_code, display=section_name,
                level=CodeLevel.SECTION, parent=None))
        parent = placed[section_code]
        if range_code is not None and range_name is not None:
            if range_code not in placed:
                placed[range_code] = add(Node(code=range_code, key=range_code,
                                              display=range_name, level=CodeLevel.BLOCK,
                                              parent=parent))
            parent = placed[range_code]
        add(_code_node(record, parent, first_day, notes, keys))
    return ParsedRelease(version=parsed.version, nodes=nodes, effective_from=first_day,
                         effective_to=None, source=source)


def read(source: Source) -> ParsedRelease:
    """Parse a quarterly file; ImportFileError (one line) on anything unreadable."""
    try:
        parsed = read_hcpcs(source.path)
        return to_release(parsed, _notes_for(source.path), source.label)
    except HcpcsFileError as exc:  # the caller names the file: say where in it, and what
        where = "".join(f", {k} {v}" for k, v in (("line", exc.line), ("row", exc.row)) if v)
        raise ImportFileError(f"{where[2:]}: {exc.problem}" if where else exc.problem) from None
    except KeyError as exc:  # a code of no known section
        raise ImportFileError(f"{exc.args[0]}: not a Level II code or modifier") from None
