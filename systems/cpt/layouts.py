"""Readers of the AMA's CPT descriptor files, one per layout (see the README's "CPT" section
for the documents and readers these layouts were taken from).

- ``LONGULT.txt``: a few lines of notice, a blank line, then one descriptor a line: the code,
  a tab, the long descriptor in upper and lower case.
- ``MEDU.txt`` / ``SHORTU.txt``: the same notice, then fixed width: the code in columns 1-5, a
  space, the descriptor from column 7 (upper case; at most 48 and 28 characters).
- ``ConsumerDescriptor.txt``: tab-delimited with a header line: Concept Id, CPT Code, Consumer
  Friendly Descriptor. ``ClinicianDescriptor.txt``: Concept Id, CPT Code, Clinician Descriptor
  Id, Clinician Descriptor (several a code). Either may come as ``.xlsx`` (first sheet, the same
  columns, a header row).

Lines before the first record (the notice) are skipped; after it, every non-blank line must be
a record of the layout, else the file and line are named and nothing is loaded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from domain.vocabulary import DescriptionKind
from systems.cpt.codes import is_code
from systems.cpt.errors import CptFileError, located
from systems.cpt.files import DataFile, Layout, decode

# Where the records begin after the notice: a line that starts like a code (every CPT code
# starts with four digits), then the separator.
RECORD_START = re.compile(r"\d{4}[0-9A-Za-z][\t ]")
TABLE_START = re.compile(r"\d+\t\d{4}[0-9A-Za-z]\t")
YEAR_IN_TEXT = re.compile(r"\bCPT\W{0,4}(20\d\d)\b")
CODE_SHAPE = "five digits, or four digits and A, F, M, T or U"


@dataclass(frozen=True, slots=True)
class Descriptor:
    """One descriptor of one code, and where it was read."""

    code: str
    kind: DescriptionKind
    text: str
    file: str
    line: int
    at: str = "line"  # "row" in a workbook

    @property
    def where(self) -> str:
        return f"{self.file}, {self.at} {self.line}"


@dataclass(slots=True)
class FileContent:
    descriptors: list[Descriptor]
    years: set[str]  # the release years the file's notice names ("CPT 2026")


def _code(file: DataFile, raw: str, line: int, at: str = "line") -> str:
    code = raw.strip().upper()
    if not is_code(code):
        raise located(file.name, f"{raw.strip()!r} is not a CPT code ({CODE_SHAPE})", at, line)
    return code


def _text(file: DataFile, code: str, raw: str, line: int, at: str = "line") -> str:
    text = " ".join(raw.split())
    if not text:
        raise located(file.name, f"{code} has no descriptor text", at, line)
    return text


def _records(file: DataFile, start: re.Pattern[str]) -> tuple[list[tuple[int, str]], set[str]]:
    """The record lines (number, text) after the notice, and the years the notice names."""
    notice: list[str] = []
    records: list[tuple[int, str]] = []
    for number, line in enumerate(decode(file), 1):
        if not line.strip():
            continue
        if not records and start.match(line) is None:
            notice.append(line)
            continue
        records.append((number, line))
    if not records:
        raise CptFileError(file.name, f"no records: not the layout of {file.layout.value}")
    return records, set(YEAR_IN_TEXT.findall("\n".join(notice)))


def read_long(file: DataFile) -> FileContent:
    records, years = _records(file, RECORD_START)
    out = []
    for number, line in records:
        head, tab, rest = line.partition("\t")
        if not tab:
            raise CptFileError(file.name, "expected a code, a tab and the long descriptor "
                               f"({file.layout.value} is tab-delimited)", line=number)
        code = _code(file, head, number)
        out.append(Descriptor(code, DescriptionKind.OFFICIAL, _text(file, code, rest, number),
                              file.name, number))
    return FileContent(out, years)


def read_fixed(file: DataFile) -> FileContent:
    kind = DescriptionKind.MEDIUM if file.layout is Layout.MEDIUM else DescriptionKind.SHORT
    records, years = _records(file, RECORD_START)
    out = []
    for number, line in records:
        if len(line) < 7 or line[5] != " ":
            raise CptFileError(file.name, "expected the code in columns 1-5, a space, and the "
                               "descriptor from column 7", line=number)
        code = _code(file, line[:5], number)
        out.append(Descriptor(code, kind, _text(file, code, line[6:], number), file.name,
                              number))
    return FileContent(out, years)


def _table_rows(file: DataFile) -> Iterator[tuple[int, str, list[str]]]:
    """(line or row number, "line"/"row", cells) of a descriptor table, header skipped."""
    if file.is_workbook:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        try:
            book = openpyxl.load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
            raise CptFileError(file.name, f"not a readable .xlsx workbook ({exc})") from None
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            for number, row in enumerate(rows, 1):
                cells = ["" if v is None else str(v) for v in row]
                while cells and not cells[-1].strip():
                    cells.pop()
                if cells and not (number == 1 and not cells[0].strip().isdigit()):
                    yield number, "row", cells
        finally:
            book.close()
        return
    lines = decode(file)
    first = next((i for i, line in enumerate(lines) if TABLE_START.match(line)), None)
    if first is None:
        raise CptFileError(file.name, f"no records: not the layout of {file.layout.value}.txt "
                           "(tab-delimited, Concept Id first)")
    reader = csv.reader(lines[first:], delimiter="\t")
    for cells in reader:
        if any(c.strip() for c in cells):
            yield first + reader.line_num, "line", cells


def read_table(file: DataFile) -> FileContent:
    clinician = file.layout is Layout.CLINICIAN
    columns = 4 if clinician else 3
    kind = DescriptionKind.CLINICIAN if clinician else DescriptionKind.LAY
    names = ("Concept Id, CPT Code, Clinician Descriptor Id, Clinician Descriptor" if clinician
             else "Concept Id, CPT Code, Consumer Friendly Descriptor")
    out = []
    for number, at, cells in _table_rows(file):
        if len(cells) != columns:
            raise located(file.name, f"{len(cells)} columns where the layout has {columns} "
                          f"({names})", at, number)
        ids = [cells[0], cells[2]] if clinician else [cells[0]]
        if not all(i.strip().isdigit() for i in ids):
            ids_named = "Concept Id, Clinician Descriptor Id" if clinician else "Concept Id"
            raise located(file.name, f"the ids ({ids_named}) must be numbers", at, number)
        code = _code(file, cells[1], number, at)
        out.append(Descriptor(code, kind, _text(file, code, cells[-1], number, at), file.name,
                              number, at))
    if not out:
        raise CptFileError(file.name, f"no records: not the layout of {file.layout.value}")
    return FileContent(out, set())
