"""The instructional notes a claim is checked against, as coders read them.

The tabular prints a note as a list of lines: ``Code first underlying disease, such as:``
followed by one line per condition. medcode stores one ``related_code`` row per code reference
in a line, so this module puts the lines back together:

- **Code first**: all lines of one code's note are one instruction (alternatives: any of the
  conditions named satisfies it).
- **Use additional code**: a line ending in ``:`` with no code of its own heads the lines after
  it (alternatives); any other line is an instruction of its own.
- **Excludes1**: every line is its own instruction.

A few references qualify a range in words the importer does not resolve (``E08-E13 with .42``,
``I69. with final characters -23``); their targets are then the whole range. For Excludes1,
where that would turn into false errors, :func:`qualifier` reads the qualification and checks it
against the other code, and a qualification it cannot read makes the line uncheckable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.rows import NoteRow
from domain.vocabulary import RelationKind

EXCLUDES1 = RelationKind.EXCLUDES1
CODE_FIRST = RelationKind.CODE_FIRST
USE_ADDITIONAL_CODE = RelationKind.USE_ADDITIONAL_CODE
KINDS = (EXCLUDES1, CODE_FIRST, USE_ADDITIONAL_CODE)
PREFIX: dict[str, str] = {EXCLUDES1: "Excludes1:", CODE_FIRST: "Code first",
                          USE_ADDITIONAL_CODE: "Use additional"}
MAX_LINES = 6
CONDITIONAL = re.compile(r"\b(?:if|where) (?:applicable|known)\b", re.I)


@dataclass(slots=True)
class Instruction:
    """One instruction of a note: its lines (the first may be a heading) and target keys."""

    kind: str
    lines: list[str]
    targets: list[str]
    references: list[NoteRow]

    @property
    def conditional(self) -> bool:
        """"if applicable", "where applicable", "if known": code it only when it is present."""
        return any(CONDITIONAL.search(line) for line in self.lines)

    def text(self) -> str:
        """The note as the tabular prints it, with its lead-in (``Code first …``)."""
        lines = self.lines
        more = len(lines) - 1 - MAX_LINES if _is_heading(lines[0]) else len(lines) - MAX_LINES
        if _is_heading(lines[0]):
            body = f"{lines[0]} {'; '.join(lines[1:1 + MAX_LINES])}".rstrip()
        else:
            body = "; ".join(lines[:MAX_LINES])
        if more > 0:
            body += f"; and {more} more"
        prefix = PREFIX[self.kind]
        return f"{prefix}{'' if body.startswith(',') else ' '}{body}"


def _is_heading(line: str) -> bool:
    return line.rstrip().endswith(":")


def _add(inst: Instruction, row: NoteRow) -> None:
    if row.note not in inst.lines:
        inst.lines.append(row.note)
    inst.references.append(row)
    for t in row.targets:
        if t not in inst.targets:
            inst.targets.append(t)


def instructions(rows: Sequence[NoteRow], kind: str) -> list[Instruction]:
    """The instructions of one kind in one code's own notes (rows in tabular order)."""
    mine = [r for r in rows if r.kind == kind]
    if not mine:
        return []
    out: list[Instruction] = []
    if kind == CODE_FIRST:
        whole = Instruction(kind, [], [], [])
        for r in mine:
            _add(whole, r)
        out.append(whole)
    elif kind == USE_ADDITIONAL_CODE:
        heading: Instruction | None = None
        by_line: dict[str, Instruction] = {}
        for r in mine:
            if not r.targets and _is_heading(r.note):
                heading = Instruction(kind, [], [], [])
                _add(heading, r)
                out.append(heading)
            elif heading is not None:
                _add(heading, r)
            else:
                inst = by_line.get(r.note)
                if inst is None:
                    inst = by_line[r.note] = Instruction(kind, [], [], [])
                    out.append(inst)
                _add(inst, r)
    else:  # Excludes1: one instruction per line, under its heading if it has one
        by_line = {}
        lead: str | None = None
        for r in mine:
            if not r.targets and _is_heading(r.note):
                lead = r.note
                continue
            inst = by_line.get(r.note)
            if inst is None:
                inst = by_line[r.note] = Instruction(kind, [lead] if lead else [], [], [])
                out.append(inst)
            _add(inst, r)
    return [i for i in out if i.targets]


# --- qualified ranges ------------------------------------------------------------------------

_ORDINAL = {"fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6}
_DOTTED = re.compile(r"\.([0-9A-Z]+)(-)?")
_FINAL = re.compile(r"final characters? -([0-9A-Z]+)", re.I)
_NTH = re.compile(
    r"(fifth|5th|sixth|6th|seventh|7th)(?: or (fifth|5th|sixth|6th|seventh|7th))?"
    r"[- ]characters? \.?([0-9A-Z])(?![0-9A-Z])(?:-([0-9A-Z]))?(?: or ([0-9A-Z])(?![0-9A-Z]))?",
    re.I)
_SPAN = re.compile(r"(fifth|5th) to (sixth|6th) characters ([0-9A-Z]{2})", re.I)

Matcher = Callable[[str], bool]


def _coarse(targets: Sequence[str]) -> bool:
    """Targets that are whole categories or blocks: the qualification was not resolved."""
    return any("-" in t or len(t) <= 3 for t in targets)


def _dotted(qual: str) -> Matcher | None:
    parts = _DOTTED.findall(qual)
    if not parts or _NTH.search(qual):
        return None
    suffixes = [p for p, _ in parts]
    # ".51-.52": a range of two suffixes of the same length
    m = re.search(r"\.([0-9]+)-\.([0-9]+)", qual)
    if m and len(m.group(1)) == len(m.group(2)):
        lo, hi, width = int(m.group(1)), int(m.group(2)), len(m.group(1))
        suffixes += [str(n).zfill(width) for n in range(lo, hi + 1)]
    return lambda key: any(key[3:].startswith(s) for s in suffixes)


def qualifier(row: NoteRow) -> Matcher | None | bool:
    """How a reference qualified in words (``E08-E13 with .42``) limits the codes it names.

    ``None``: no qualification to apply (the targets stand as they are); a function: the other
    code's key must also pass it (this also corrects a resolution that is too broad); ``False``:
    a qualification that cannot be read over targets that are whole categories or blocks, so the
    reference cannot be checked.
    """
    ref = row.target_code or ""
    if " with" not in ref:
        return None
    matcher = _read(ref.split(" with", 1)[1].upper())
    if matcher is not None:
        return matcher
    return False if _coarse(row.targets) else None


def _read(qual: str) -> Matcher | None:
    m = _FINAL.search(qual)
    if m:
        tail = m.group(1)
        return lambda key: key.endswith(tail)
    m = _SPAN.search(qual)
    if m:
        span = m.group(3)
        return lambda key: key[4:6] == span
    m = _NTH.search(qual)
    if m:
        positions = {_ORDINAL[g.lower()] for g in (m.group(1), m.group(2)) if g}
        first, last, alt = m.group(3), m.group(4), m.group(5)
        chars = {first} | ({alt} if alt else set())
        if last:
            chars |= {chr(c) for c in range(ord(first), ord(last) + 1)}
        return lambda key: any(len(key) > p and key[p] in chars for p in positions)
    return _dotted(qual)
