"""CPT validation rules: what a payer's front-end edits check on the codes alone.

- ``UNKNOWN_CODE``: no such code in the release in force on the date of service, with the
  nearest real codes.
- ``NOT_VALID_ON_DATE``: a code another loaded release has and the one in force does not (added
  in a later year, or deleted).
- ``NOT_BILLABLE``: a modifier sent as a code, or a section or subsection.
- ``DUPLICATE``: the same code twice.

Messages name codes only, never their descriptors: the descriptors are the AMA's, shown only
to licensed callers, and a message is plain text that the schema cannot gate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection

from domain.releases import ReleaseRow
from domain.rows import CodeRow, billable_descendants, codes_by_key
from domain.validation.claims import ClaimItem, ClaimRun, claim_items, duplicate, in_claim_order
from domain.validation.findings import FindingKind, Severity, Validation
from domain.validation.nearest import fuzzy_key, nearest_codes
from domain.vocabulary import CodeLevel

MAX_NEAR = 10


def _when(release: ReleaseRow, dos: date | None) -> str:
    if dos is None:
        return f"CPT {release.version}, the newest loaded"
    return f"CPT {release.version}, in force on {dos.isoformat()}"


class _Run(ClaimRun):
    def run(self, codes: Sequence[str]) -> Validation:
        items = claim_items(codes, self.normalise)
        lookups = [k for k in items if self.normalise(k) == k]
        found = ({r.key: r for r in codes_by_key(self.conn(), (self.release.id,), lookups)}
                 if lookups else {})
        for item in items.values():
            item.row = found.get(item.key)
        missing = [i.key for i in items.values() if i.row is None and i.key in lookups]
        elsewhere = self.elsewhere(missing)
        unknown = [i for i in items.values() if i.row is None and i.key not in elsewhere]
        words = {i.key: fuzzy_key(i.key) for i in unknown if i.key}
        nearest = (nearest_codes(self.conn, self.release.id, sorted(set(words.values())),
                                 MAX_NEAR) if words else {})
        suggested = sorted({k for ks in nearest.values() for k in ks})
        near_rows = ({r.key: r for r in codes_by_key(self.conn(), (self.release.id,), suggested)}
                     if suggested else {})
        headers = {i.row.id for i in items.values() if i.row is not None
                   and i.row.level in (CodeLevel.SECTION, CodeLevel.BLOCK)}
        below = billable_descendants(self.conn(), headers) if headers else {}
        for item in items.values():
            row = item.row
            if row is None and item.key in elsewhere:
                self._other_release(item, *elsewhere[item.key])
            elif row is None:
                close = [near_rows[k] for k in nearest.get(words.get(item.key, ""), [])
                         if k in near_rows]
                self._unknown(item, close)
            elif row.level == CodeLevel.MODIFIER:
                self.add(Severity.ERROR, FindingKind.NOT_BILLABLE, item,
                         f"{row.code} is a CPT modifier, not a code: it goes on a claim line "
                         "after the procedure code it modifies.")
            elif row.id in headers:
                kids = below.get(row.id, [])
                self.add(Severity.ERROR, FindingKind.NOT_BILLABLE, item,
                         f"{row.code} is a {row.level.lower()} of {len(kids):,} CPT codes, not "
                         "a code: choose the code for the service performed.", kids)
            twice = duplicate(item, "report each code once (with units for repeats).")
            if twice is not None:
                self.findings.append(twice)
        return Validation(self.release, in_claim_order(self.findings))

    def _unknown(self, item: ClaimItem, close: list[CodeRow]) -> None:
        if not item.key:
            message = "An empty entry is not a code."
        else:
            message = f'"{item.label}" is not a CPT code or modifier in ' \
                      f"{_when(self.release, self.dos)}."
            if close:
                message += " Nearest real codes: " + ", ".join(r.code for r in close[:3]) + "."
        self.add(Severity.ERROR, FindingKind.UNKNOWN_CODE, item, message, close)

    def _other_release(self, item: ClaimItem, other: ReleaseRow, row: CodeRow) -> None:
        if other.effective_from > self.release.effective_from:
            message = (f"{row.code} is added in CPT {other.version} (in force from "
                       f"{other.effective_from.isoformat()}); it is not in "
                       f"{_when(self.release, self.dos)}.")
        else:
            message = (f"{row.code} was in CPT {other.version} and is not in "
                       f"{_when(self.release, self.dos)}.")
        self.add(Severity.ERROR, FindingKind.NOT_VALID_ON_DATE, item, message)


def validate(conn: Callable[[], Connection], release: ReleaseRow, others: Sequence[ReleaseRow],
             codes: Sequence[str], date_of_service: date | None,
             normalise: Callable[[str], str | None]) -> Validation:
    """Validate CPT codes against ``release`` (the year in force on the date of service)."""
    return _Run(conn, release, others, date_of_service, normalise).run(codes)
