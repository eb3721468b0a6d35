"""A release as an importer hands it to ``seed`` to write: its items in hierarchy order, what
each says, and the code references of its notes resolved to code keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Reference:
    """A related-code entry as stored: one reference of one note."""

    kind: str
    note: str
    target_code: str | None
    target_keys: list[str]


@dataclass(slots=True)
class Node:
    """One item of a release: a code, or a group of codes (chapter, block, section...)."""

    code: str
    key: str  # the stored lookup form
    display: str
    level: str
    parent: int | None  # index into the node list
    billable: bool = False
    inclusion_terms: list[str] = field(default_factory=list)
    # Descriptions besides the official one and the inclusion terms: (kind, text), e.g. SHORT.
    descriptions: list[tuple[str, str]] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (kind, note text)
    guidelines: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)
    children: list[int] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)  # resolved, by the importer
    # What only this system says of a code (HCPCS pricing, coverage...), stored as JSON.
    details: dict[str, Any] | None = None
    # The code's own dates within the release (an HCPCS code added or terminated mid-way):
    # a lookup for a date outside them answers null. None: the release's dates apply.
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(slots=True)
class ParsedRelease:
    version: str
    nodes: list[Node]
    effective_from: date | None = None
    effective_to: date | None = None
    source: str = ""

    @property
    def billable_count(self) -> int:
        return sum(1 for n in self.nodes if n.billable)
