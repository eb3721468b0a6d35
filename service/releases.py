"""Loaded releases as plain rows (no schema imports, so both layers can use it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    id: int
    system_id: str
    version: str
    effective_from: date
    effective_to: date | None
    code_count: int
    billable_count: int


def signature(releases: Iterable[tuple[int, str]]) -> str:
    """Loaded releases as ``id:version`` pairs, in ``Context.releases`` order: what a kept
    answer depends on (a reloaded release gets a new id)."""
    return ",".join(f"{i}:{v}" for i, v in releases)
