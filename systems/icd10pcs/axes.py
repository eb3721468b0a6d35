"""A code's characters read through its table's stored details (``importer.table_details``):
what each character means, and which rows allow which values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = dict[str, list[Any]]  # position ("4".."7") -> [axis title, {value: label}]


@dataclass(frozen=True, slots=True)
class Axis:
    position: int
    title: str
    value: str
    label: str
    definition: str | None
    explanation: str | None
    includes: tuple[str, ...]


def row_of(details: dict[str, Any], key: str) -> Row | None:
    """The row of the table that allows the code ``key`` (seven characters), if any."""
    for row in details["rows"]:
        if all(key[int(p) - 1] in values for p, (_title, values) in row.items()):
            return row
    return None


def axes_of(details: dict[str, Any], key: str) -> list[Axis] | None:
    """Positions 1-7 of a valid code, with their definitions; None if no row allows it."""
    row = row_of(details, key)
    if row is None:
        return None
    defs: dict[str, list[Any]] = details.get("definitions", {})
    out = []
    entries = [(p, title, value, label) for p, title, value, label in details["head"]]
    entries += [(int(p), title, key[int(p) - 1], values[key[int(p) - 1]])
                for p, (title, values) in sorted(row.items())]
    for position, title, value, label in entries:
        found = defs.get(f"{position}|{label}")
        definition, explanation, includes = found if found else (None, None, [])
        out.append(Axis(position, title, value, label, definition, explanation,
                        tuple(includes)))
    return out


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Why no row allows a code: the first character the closest row does not allow."""

    position: int
    title: str
    value: str
    allowed: dict[str, str]  # value -> label, of that row at that position
    row: Row


def closest_mismatch(details: dict[str, Any], key: str) -> Mismatch:
    """For a code of a real table that no row allows: the row that allows the most of its
    characters 4-7 (the earliest such row on a tie), and the first character it refuses."""
    rows: list[Row] = details["rows"]

    def allowed(row: Row) -> int:
        return sum(key[int(p) - 1] in values for p, (_t, values) in row.items())

    best = max(rows, key=allowed)  # max keeps the first of equals
    for p, (title, values) in sorted(best.items()):
        if key[int(p) - 1] not in values:
            return Mismatch(int(p), title, key[int(p) - 1], values, best)
    raise ValueError(f"{key} is allowed by its table")
