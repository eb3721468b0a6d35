"""The processing notes file (``proc_notes_JAN2026.txt``): note number -> text.

How notes link to codes: through the records.  Layout field 22, "HCPCS Processing Note
Number" (positions 253-256), holds the four-digit number of "the processing note contained
in Appendix A of the HCPCS manual", which is this file; ``HcpcsRecord.procedure_note`` is
that number ("0088") and ``read_notes(...)[record.procedure_note]`` its text.  In January
2026, 838 records carry one of 113 distinct note numbers (0088, "S" codes are not valid for
Medicare, alone on 318), every one of them in the file.

The texts also name codes themselves ("CODE J2545 TO BE REPORTED WITH 94642"), often CPT
codes or codes long deleted; :func:`codes_named` lists those as written.  They are
references in prose, not the link: a note's text usually does not name the codes that
carry it.

File format (ASCII, CRLF): a title, then per note a line ``NNNN--TEXT`` and its continuation
lines, each padded (blanks or tabs) to a column of ``*``; blank lines between notes.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import HcpcsFileError
from .records import HcpcsRecord, normalize_text

_NOTE_START = re.compile(r"^\s*(\d{4})--(.*)$")
_RIGHT_MARGIN = re.compile(r"\s*\*\s*$")
# A Level II code (letter + 4 digits) or a 5-digit CPT code, alone or as a range "A-B".
_CODE = r"(?:[A-Z]\d{4}|\d{5})"
_REFERENCE = re.compile(rf"\b({_CODE})(?:\s*-\s*({_CODE}))?\b")
# Five-digit numbers that are page numbers, not codes ("84 FR 62792", "PAGE 50941").
_NOT_A_CODE_BEFORE = re.compile(r"(?:\bFR|\bPAGE|\bP\.)\s*$")


def parse_notes(text: str, source: str = "processing notes") -> dict[str, str]:
    """Note number ("0001") -> its text, lines joined and white space folded."""
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = _RIGHT_MARGIN.sub("", line.expandtabs())
        start = _NOTE_START.match(line)
        if start:
            if start[1] in notes:
                raise HcpcsFileError(source, f"duplicate note {start[1]}", line=number)
            current = notes[start[1]] = [start[2]]
        elif line.strip() and current is not None:
            current.append(line)
    if not notes:
        raise HcpcsFileError(source, "no processing notes (lines NNNN--text) in the file")
    return {key: normalize_text(" ".join(lines)) for key, lines in notes.items()}


def read_notes(path: str | Path) -> dict[str, str]:
    """:func:`parse_notes` of a notes file (``.gz`` read transparently; ASCII)."""
    path = Path(path)
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        raise HcpcsFileError(path.name, f"byte at offset {error.start} is not ASCII") from None
    return parse_notes(text, path.name)


def codes_named(text: str) -> list[str]:
    """The code references in a note's text as written: ``J2545``, ``E1510-E1600``, ``94642``.

    Level II codes and five-digit (CPT) codes; Federal Register and page numbers are left
    out.  Two-character modifiers ("MODIFIERS 80, 81, AK") are not picked up.
    """
    found: list[str] = []
    for match in _REFERENCE.finditer(text):
        if _NOT_A_CODE_BEFORE.search(text, 0, match.start()):
            continue
        found.append(f"{match[1]}-{match[2]}" if match[2] else match[1])
    return found


def codes_by_note(records: Iterable[HcpcsRecord]) -> dict[str, list[str]]:
    """Note number -> the codes whose records carry it, in record order."""
    by_note: dict[str, list[str]] = {}
    for record in records:
        if record.procedure_note:
            by_note.setdefault(record.procedure_note, []).append(record.code)
    return by_note
