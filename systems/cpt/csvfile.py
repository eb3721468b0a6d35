"""Reader of medcode's own CPT layout, for licences that come in another form than the AMA's
data files: a UTF-8 CSV, header ``code,kind,text``, one descriptor a row.

``kind`` is one of OFFICIAL (the long descriptor, one a code, required), MEDIUM, SHORT, LAY
(the consumer friendly descriptor; at most one each) and CLINICIAN (any number). A modifier is
a row whose code is its two characters (``59``, ``P1``, ``1P``).
"""

from __future__ import annotations

import csv

from domain.vocabulary import DescriptionKind
from systems.cpt.codes import is_code, is_modifier
from systems.cpt.errors import CptFileError
from systems.cpt.files import DataFile, decode
from systems.cpt.layouts import CODE_SHAPE, Descriptor, FileContent

HEADER = ["code", "kind", "text"]
KINDS = {k.value: k for k in (DescriptionKind.OFFICIAL, DescriptionKind.MEDIUM,
                              DescriptionKind.SHORT, DescriptionKind.LAY,
                              DescriptionKind.CLINICIAN)}


def read_csv(file: DataFile) -> FileContent:
    reader = csv.reader(decode(file))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        header = []
    if [h.strip().lower() for h in header] != HEADER:
        raise CptFileError(file.name, "the first line must be the header code,kind,text",
                           line=1)
    out = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != 3:
                raise CptFileError(file.name, f"{len(cells)} fields where the layout has 3 "
                                   "(code,kind,text; quote a text that holds commas)",
                                   line=number)
            code, kind, text = (c.strip() for c in cells)
            code = code.upper()
            if not (is_code(code) or is_modifier(code)):
                raise CptFileError(file.name, f"{code!r} is not a CPT code ({CODE_SHAPE}) or "
                                   "modifier (two characters: 59, P1, 1P)", line=number)
            if kind.upper() not in KINDS:
                raise CptFileError(file.name, f"kind {kind!r} is not one of "
                                   f"{', '.join(KINDS)}", line=number)
            text = " ".join(text.split())
            if not text:
                raise CptFileError(file.name, f"{code} has no descriptor text", line=number)
            out.append(Descriptor(code, KINDS[kind.upper()], text, file.name, number))
    except csv.Error as exc:
        raise CptFileError(file.name, f"not a readable CSV ({exc})",
                           line=reader.line_num) from None
    if not out:
        raise CptFileError(file.name, "no rows after the header")
    return FileContent(out, set())
