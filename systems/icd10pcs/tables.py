"""``read_tables``: CMS's ``icd10pcs_tables_<year>.xml`` as tables and rows; ``expand``: the codes.

Each ``<pcsTable>`` fixes characters 1-3 (section, body system, operation: one value each, the
operation with its definition) and holds ``<pcsRow>`` elements; a row lists, for each of the
characters 4-7, the values it allows. Every combination a row allows is a valid code, and no
other code is: the codes of a release are the union over all rows of the cartesian product of
their four value lists.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import prod
from pathlib import Path

from .errors import PcsFileError
from .xmlfiles import read_root, text_of

__all__ = [
    "AxisValue",
    "CodeAxis",
    "CodeCounts",
    "PcsCode",
    "PcsFileError",
    "PcsRow",
    "PcsTable",
    "PcsTables",
    "RowAxis",
    "count_codes",
    "expand",
    "read_tables",
]

ROOT = "ICD10PCS.tabular"
TABLE_POSITIONS = (1, 2, 3)
ROW_POSITIONS = (4, 5, 6, 7)
CODE_LENGTH = 7
# PCS values are the digits and the letters but I and O (kept apart from 1 and 0).
_VALUE = re.compile(r"[0-9A-HJ-NP-Z]")


@dataclass(frozen=True, slots=True)
class AxisValue:
    """One value of an axis: its character and its label (``J``, ``Appendix``)."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class RowAxis:
    """What a row allows at one position (4-7): the axis title and its values, file order."""

    position: int
    title: str
    values: tuple[AxisValue, ...]


@dataclass(frozen=True, slots=True)
class PcsRow:
    """One ``<pcsRow>``: an axis for each of the positions 4-7, in position order."""

    axes: tuple[RowAxis, ...]

    @property
    def size(self) -> int:
        """How many codes the row allows (the product of its axes' value counts)."""
        return prod(len(axis.values) for axis in self.axes)


@dataclass(frozen=True, slots=True)
class PcsTable:
    """One ``<pcsTable>``: characters 1-3 with their axis titles, the operation's definition
    where the file gives one, and the rows."""

    section: AxisValue
    body_system: AxisValue
    operation: AxisValue
    axis_titles: tuple[str, str, str]  # the titles of positions 1-3 ("Section", ...)
    definition: str | None
    rows: tuple[PcsRow, ...]

    @property
    def code(self) -> str:
        """The table's three characters (``0DT``)."""
        return self.section.value + self.body_system.value + self.operation.value

    @property
    def head(self) -> tuple[AxisValue, AxisValue, AxisValue]:
        return (self.section, self.body_system, self.operation)


@dataclass(frozen=True, slots=True)
class PcsTables:
    """A whole tables file: its version (the fiscal year, ``"2026"``), title and tables."""

    version: str
    title: str
    source: str  # the file name it was read from
    tables: tuple[PcsTable, ...]

    def by_code(self) -> dict[str, PcsTable]:
        """The tables keyed by their three characters (unique within a file)."""
        return {table.code: table for table in self.tables}


@dataclass(frozen=True, slots=True)
class CodeAxis:
    """One character of a code: position (1-7), axis title, value and label."""

    position: int
    title: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class PcsCode:
    """A valid seven-character code and what each of its characters means."""

    code: str
    axes: tuple[CodeAxis, ...]  # positions 1-7

    @property
    def section(self) -> str:
        return self.code[0]

    @property
    def table(self) -> str:
        return self.code[:3]

    def label(self, position: int) -> str:
        return self.axes[position - 1].label


@dataclass(frozen=True, slots=True)
class CodeCounts:
    """How many distinct codes the tables allow, in all and per section (first character),
    and how many codes more than one row allows (each counted once in the totals)."""

    total: int
    by_section: dict[str, int]
    duplicates: dict[str, int]  # code -> number of rows allowing it, for codes in 2+ rows


def read_tables(path: str | Path) -> PcsTables:
    """Every table and row of a tables file (``.xml`` or ``.xml.gz``).

    Raises :class:`PcsFileError` for a file that is not XML, has another root element, or
    holds a table without rows, an axis without values or a value that is not one character.
    """
    name = Path(path).name
    root = read_root(path, ROOT)
    version = text_of(root.find("version"))
    if not version:
        raise PcsFileError(name, "no <version> (the fiscal year) under the root element")
    elements = root.findall("pcsTable")
    if not elements:
        raise PcsFileError(name, "no <pcsTable> element: not a tables file")
    tables = tuple(_table(name, number, element) for number, element in
                   enumerate(elements, start=1))
    seen: set[str] = set()
    for table in tables:
        if table.code in seen:
            raise PcsFileError(name, f"table {table.code} appears twice")
        seen.add(table.code)
    return PcsTables(version=version, title=text_of(root.find("title")), source=name,
                     tables=tables)


def expand(tables: PcsTables | Iterable[PcsTable]) -> Iterator[PcsCode]:
    """Every valid code, once each, in file order (table by table, row by row, each row's
    combinations with the later positions varying fastest)."""
    seen: set[str] = set()
    for table in tables.tables if isinstance(tables, PcsTables) else tables:
        head = tuple(CodeAxis(position, title, value.value, value.label) for position, title, value
                     in zip(TABLE_POSITIONS, table.axis_titles, table.head, strict=True))
        prefix = table.code
        for row in table.rows:
            choices = [[CodeAxis(axis.position, axis.title, value.value, value.label)
                        for value in axis.values] for axis in row.axes]
            for combination in itertools.product(*choices):
                code = prefix + "".join(axis.value for axis in combination)
                if code in seen:
                    continue
                seen.add(code)
                yield PcsCode(code, head + combination)


def count_codes(tables: PcsTables) -> CodeCounts:
    """The number of distinct codes, per section, and the codes that two or more rows allow."""
    rows_allowing: Counter[str] = Counter()
    for table in tables.tables:
        for row in table.rows:
            for combination in itertools.product(*[[v.value for v in axis.values]
                                                   for axis in row.axes]):
                rows_allowing[table.code + "".join(combination)] += 1
    by_section: Counter[str] = Counter(code[0] for code in rows_allowing)
    return CodeCounts(total=len(rows_allowing), by_section=dict(sorted(by_section.items())),
                      duplicates={code: n for code, n in rows_allowing.items() if n > 1})


def _table(name: str, number: int, element: ET.Element) -> PcsTable:
    where = f"table {number}"
    axes = {}
    for axis in element.findall("axis"):
        position = _position(name, where, axis)
        if position not in TABLE_POSITIONS:
            raise PcsFileError(name, f"{where}: axis {position} belongs in a row, not a table")
        if position in axes:
            raise PcsFileError(name, f"{where}: axis {position} appears twice")
        axes[position] = axis
    missing = [str(p) for p in TABLE_POSITIONS if p not in axes]
    if missing:
        raise PcsFileError(name, f"{where}: no axis {', '.join(missing)} (a table fixes "
                                 "characters 1-3), so its codes would not have 7 characters")
    head = []
    for position in TABLE_POSITIONS:
        values = _values(name, where, axes[position], position)
        if len(values) != 1:
            raise PcsFileError(name, f"{where}: axis {position} has {len(values)} values, "
                                     "a table fixes one")
        head.append(values[0])
    where = f"table {''.join(v.value for v in head)}"
    rows = element.findall("pcsRow")
    if not rows:
        raise PcsFileError(name, f"{where} has no <pcsRow>: a table without rows allows no code")
    definition = text_of(axes[3].find("definition")) or None
    titles = tuple(text_of(axes[p].find("title")) for p in TABLE_POSITIONS)
    return PcsTable(section=head[0], body_system=head[1], operation=head[2],
                    axis_titles=(titles[0], titles[1], titles[2]), definition=definition,
                    rows=tuple(_row(name, f"{where} row {n}", row)
                               for n, row in enumerate(rows, start=1)))


def _row(name: str, where: str, element: ET.Element) -> PcsRow:
    axes: dict[int, RowAxis] = {}
    for axis in element.findall("axis"):
        position = _position(name, where, axis)
        if position not in ROW_POSITIONS:
            raise PcsFileError(name, f"{where}: axis {position} belongs in the table, not a row")
        if position in axes:
            raise PcsFileError(name, f"{where}: axis {position} appears twice")
        axes[position] = RowAxis(position, text_of(axis.find("title")),
                                 _values(name, where, axis, position))
    missing = [str(p) for p in ROW_POSITIONS if p not in axes]
    if missing:
        raise PcsFileError(name, f"{where}: no axis {', '.join(missing)} (a row gives characters "
                                 "4-7), so its codes would not have 7 characters")
    row = PcsRow(tuple(axes[p] for p in ROW_POSITIONS))
    declared = element.get("codes")
    if declared is not None and declared.strip() != str(row.size):
        raise PcsFileError(name, f"{where} says it has {declared} codes but its axes allow "
                                 f"{row.size}")
    return row


def _position(name: str, where: str, axis: ET.Element) -> int:
    raw = axis.get("pos", "")
    if not raw.strip().isdigit():
        raise PcsFileError(name, f"{where}: an <axis> has pos={raw!r}, expected 1-7")
    position = int(raw)
    if not 1 <= position <= CODE_LENGTH:
        raise PcsFileError(name, f"{where}: axis pos={position} is outside 1-7, so codes would "
                                 "not have 7 characters")
    return position


def _values(name: str, where: str, axis: ET.Element, position: int) -> tuple[AxisValue, ...]:
    values = []
    seen: set[str] = set()
    for label in axis.findall("label"):
        value = (label.get("code") or "").strip()
        if len(value) != 1:
            raise PcsFileError(name, f"{where}: axis {position} value {value!r} is not one "
                                     "character, so its codes would not have 7 characters")
        if not _VALUE.fullmatch(value):
            raise PcsFileError(name, f"{where}: axis {position} value {value!r} is not a PCS "
                                     "character (0-9, A-Z but I and O)")
        if value in seen:
            raise PcsFileError(name, f"{where}: axis {position} lists value {value} twice")
        seen.add(value)
        values.append(AxisValue(value, text_of(label)))
    if not values:
        raise PcsFileError(name, f"{where}: axis {position} has no values (no <label>)")
    declared = axis.get("values")
    if declared is not None and declared.strip() != str(len(values)):
        raise PcsFileError(name, f"{where}: axis {position} says it has {declared} values but "
                                 f"lists {len(values)}")
    return tuple(values)
