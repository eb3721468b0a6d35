"""Who is calling: a plan and, for a key, its id and licences."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Viewer:
    """Who is calling: a plan, and the key's id (None for a guest)."""

    plan: str = "guest"
    key_id: int | None = None
    subject: str = "guest:unknown"
    # The licences the operator granted the key (``domain.metering.licences``); none for guests.
    licences: frozenset[str] = frozenset()

    @property
    def is_guest(self) -> bool:
        return self.key_id is None
