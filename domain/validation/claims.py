"""What every system's validation rules do alike: a claim's distinct codes (however they were
spelled, where each appears), findings about them, and the order findings are reported in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from domain.releases import ReleaseRow
from domain.rows import CodeRow, codes_by_key
from domain.validation.findings import KIND_ORDER, Finding, FindingKind, Severity

MAX_SUGGESTIONS = 10  # ranked suggestions of one finding
MAX_ECHO = 40  # characters of unknown input echoed back


@dataclass(slots=True)
class ClaimItem:
    """One distinct code of a claim, after normalisation: where it appears, and its row in the
    release when there is one."""

    key: str
    raw: str
    positions: list[int]
    row: CodeRow | None = None

    @property
    def label(self) -> str:
        """The canonical code when the release knows it, else the input as sent (shortened)."""
        if self.row is not None:
            return self.row.code
        raw = self.raw.strip()
        return raw if len(raw) <= MAX_ECHO else raw[:MAX_ECHO] + "…"


def claim_items(codes: Sequence[str],
                normalise: Callable[[str], str | None]) -> dict[str, ClaimItem]:
    """The claim's distinct codes by lookup key, in claim order. Input that cannot be a code
    keeps its own squeezed, upper-case text as its key (reported unknown, never looked up)."""
    items: dict[str, ClaimItem] = {}
    for pos, raw in enumerate(codes):
        key = normalise(raw) or "".join(raw.split()).upper()
        items.setdefault(key, ClaimItem(key, raw, [])).positions.append(pos)
    return items


def finding(severity: Severity, kind: FindingKind, item: ClaimItem, message: str,
            suggestions: Sequence[CodeRow] = (),
            positions: Sequence[int] | None = None) -> Finding:
    """A finding about one code (at its first position unless told)."""
    return Finding(severity, kind, [item.label],
                   list(positions) if positions else [item.positions[0]], message,
                   list(suggestions)[:MAX_SUGGESTIONS])


def duplicate(item: ClaimItem, advice: str) -> Finding | None:
    """The DUPLICATE warning of a code listed more than once, or None."""
    if len(item.positions) < 2:
        return None
    return finding(Severity.WARNING, FindingKind.DUPLICATE, item,
                   f"{item.label} is listed {len(item.positions)} times: {advice}",
                   positions=item.positions)


def in_claim_order(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, each in claim order (then by kind)."""
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR,
                                           min(f.positions, default=0),
                                           KIND_ORDER.index(f.kind)))


class ClaimRun:
    """One validation of a claim against the release in force: what every system's rules
    start from (the release, the system's other releases, the date, the findings so far)."""

    def __init__(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], dos: date | None,
                 normalise: Callable[[str], str | None]) -> None:
        self.conn = conn
        self.release = release
        self.others = list(others)
        self.dos = dos
        self.normalise = normalise
        self.findings: list[Finding] = []

    def add(self, severity: Severity, kind: FindingKind, item: ClaimItem, message: str,
            suggestions: Sequence[CodeRow] = (), positions: Sequence[int] | None = None) -> None:
        self.findings.append(finding(severity, kind, item, message, suggestions, positions))

    def elsewhere(self, keys: Sequence[str]) -> dict[str, tuple[ReleaseRow, CodeRow]]:
        """The codes with these keys in the system's other loaded releases (one statement)."""
        found: dict[str, tuple[ReleaseRow, CodeRow]] = {}
        wanted = [k for k in keys if k]
        if wanted and self.others:
            by_id = {r.id: r for r in self.others}
            for row in codes_by_key(self.conn(), by_id, wanted):
                found.setdefault(row.key, (by_id[row.release_id], row))
        return found
