"""HCPCS Level II validation rules: what a payer's front-end edits check on the codes alone.

- ``UNKNOWN_CODE``: no such code in the release in force on the date of service, with the
  nearest real codes (same first characters, one or two edits away).
- ``NOT_VALID_ON_DATE``: a code of the release whose own dates exclude the date of service
  (terminated on 2025-12-31 and billed for January), or a code that another loaded release has
  and the one in force does not (not yet added, or gone); the replacement its cross-reference
  (XREF) names is suggested.
- ``NOT_BILLABLE``: a Level II modifier sent as a code (it belongs on a claim line after a
  procedure code), or a section or range of codes.
- ``DUPLICATE``: the same code twice, however spelled.

A handful of statements for any claim: the codes, the same keys in the other releases, the
cross-references of the codes that need them, the nearest codes to unknown ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection

from domain.releases import ReleaseRow
from domain.rows import CodeRow, ReleaseRows, billable_descendants
from domain.validation.claims import (
    MAX_SUGGESTIONS,
    ClaimItem,
    ClaimRun,
    claim_items,
    duplicate,
    in_claim_order,
)
from domain.validation.findings import FindingKind, Severity, Validation
from domain.validation.nearest import fuzzy_key, nearest_codes
from domain.vocabulary import CodeLevel, RelationKind


def _when(release: ReleaseRow, dos: date | None) -> str:
    if dos is None:
        return f"the {release.version} file, the newest loaded"
    return f"the {release.version} file, in force on {dos.isoformat()}"


class _Run(ClaimRun):
    def __init__(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], dos: date | None,
                 normalise: Callable[[str], str | None]) -> None:
        super().__init__(conn, release, others, dos, normalise)
        self.read = ReleaseRows(conn, release.id)  # the release's codes and notes, kept

    def _replacements(self, rows: Sequence[CodeRow]) -> dict[int, list[CodeRow]]:
        """The codes each row's cross-reference names, as codes of the release in force."""
        if not rows:
            return {}
        notes = self.read.notes_of((r.content_id for r in rows), (RelationKind.CROSS_REFERENCE,))
        wanted = {k for refs in notes.values() for n in refs for k in n.targets}
        wanted |= {n.target_code for refs in notes.values() for n in refs if n.target_code}
        found = self.read.by_key(sorted(wanted)) if wanted else {}
        return {row.id: [found[n.target_code] for n in notes.get(row.content_id, [])
                         if n.target_code in found] for row in rows}

    def run(self, codes: Sequence[str]) -> Validation:
        items = claim_items(codes, self.normalise)
        lookups = [k for k in items if self.normalise(k) == k]
        found = self.read.by_key(lookups) if lookups else {}
        for item in items.values():
            item.row = found.get(item.key)
        missing = [i for i in items.values() if i.row is None and i.key in lookups]
        elsewhere = self.elsewhere([i.key for i in missing])
        dated_out = [i for i in items.values() if i.row is not None
                     and i.row.level == CodeLevel.CODE and not self._in_force(i.row)]
        replacements = self._replacements([i.row for i in dated_out if i.row is not None])
        unknown = [i for i in items.values() if i.row is None and i.key not in elsewhere]
        words = {i.key: fuzzy_key(i.key) for i in unknown if i.key}
        nearest = nearest_codes(self.conn, self.release.id, sorted(set(words.values())),
                                MAX_SUGGESTIONS) if words else {}
        suggested = sorted({k for ks in nearest.values() for k in ks})
        near_rows = self.read.by_key(suggested) if suggested else {}
        headers = [i for i in items.values() if i.row is not None
                   and i.row.level in (CodeLevel.SECTION, CodeLevel.BLOCK)]
        header_ids = {i.row.id for i in headers if i.row is not None}
        dated_ids = {i.row.id for i in dated_out if i.row is not None}
        below = billable_descendants(self.conn(), header_ids)

        for item in items.values():
            found_row = item.row
            if found_row is None and item.key in elsewhere:
                self._other_release(item, *elsewhere[item.key])
            elif found_row is None:
                close = [near_rows[k] for k in nearest.get(words.get(item.key, ""), [])
                         if k in near_rows]
                self._unknown(item, close)
            elif found_row.level == CodeLevel.MODIFIER:
                self.add(Severity.ERROR, FindingKind.NOT_BILLABLE, item,
                         f"{found_row.code} is an HCPCS Level II modifier "
                         f"({found_row.display}), not a code: it goes on a claim line after "
                         "the procedure code it modifies.")
            elif found_row.id in header_ids:
                kids = below.get(found_row.id, [])
                self.add(Severity.ERROR, FindingKind.NOT_BILLABLE, item,
                         f"{found_row.code} ({found_row.display}) is a "
                         f"{found_row.level.lower()} of {len(kids):,} HCPCS codes, not a code: "
                         "choose the code for the item or service supplied.", kids)
            elif found_row.id in dated_ids:
                self._dated_out(item, found_row, replacements.get(found_row.id, []))
            twice = duplicate(item, "report each code once (with units for quantities).")
            if twice is not None:
                self.findings.append(twice)
        return Validation(self.release, in_claim_order(self.findings))

    def _in_force(self, row: CodeRow) -> bool:
        return row.in_force_on(self.dos) if self.dos is not None else row.billable

    def _unknown(self, item: ClaimItem, close: list[CodeRow]) -> None:
        if not item.key:
            message = "An empty entry is not a code."
        else:
            message = (f'"{item.label}" is not an HCPCS Level II code or modifier in '
                       f"{_when(self.release, self.dos)}.")
            if close:
                message += " Nearest real codes: " + ", ".join(r.code for r in close[:3]) + "."
        self.add(Severity.ERROR, FindingKind.UNKNOWN_CODE, item, message, close)

    def _dated_out(self, item: ClaimItem, row: CodeRow, replacements: list[CodeRow]) -> None:
        if row.valid_to is not None and (self.dos is None or self.dos > row.valid_to):
            when = (f"on {self.dos.isoformat()}" if self.dos is not None
                    else f"from {self.release.effective_from.isoformat()}")
            message = (f"{row.code} ({row.display}) was terminated on "
                       f"{row.valid_to.isoformat()}: it cannot be billed {when}.")
        else:
            start = row.valid_from.isoformat() if row.valid_from else "a later date"
            message = (f"{row.code} ({row.display}) takes effect on {start}: it cannot be "
                       f"billed on {self.dos.isoformat() if self.dos else 'that date'}.")
        if replacements:
            message += " Its cross-reference names the code to use instead: " + ", ".join(
                r.code for r in replacements) + "."
        self.add(Severity.ERROR, FindingKind.NOT_VALID_ON_DATE, item, message, replacements)

    def _other_release(self, item: ClaimItem, other: ReleaseRow, row: CodeRow) -> None:
        if other.effective_from > self.release.effective_from:
            message = (f"{row.code} ({row.display}) is added in the {other.version} file "
                       f"(in force from {other.effective_from.isoformat()}); it is not in "
                       f"{_when(self.release, self.dos)}.")
        else:
            message = (f"{row.code} ({row.display}) was in the {other.version} file and is "
                       f"not in {_when(self.release, self.dos)}.")
        self.add(Severity.ERROR, FindingKind.NOT_VALID_ON_DATE, item, message)


def validate(conn: Callable[[], Connection], release: ReleaseRow, others: Sequence[ReleaseRow],
             codes: Sequence[str], date_of_service: date | None,
             normalise: Callable[[str], str | None]) -> Validation:
    """Validate HCPCS codes against ``release`` (the quarter in force on the date of service)."""
    return _Run(conn, release, others, date_of_service, normalise).run(codes)
