"""Loaded releases as plain rows (no schema imports, so both layers can use it)."""

from __future__ import annotations

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
