"""ICD-10-PCS validation rules: a code is valid when a row of its table allows it.

- ``INVALID_COMBINATION``: the table (the first three characters) exists, but none of its rows
  allows the code: the message names the first character that the closest row refuses (its
  position, axis and value, with what the row allows there), and the suggestions are the valid
  codes that differ from it in that character only.
- ``UNKNOWN_CODE``: no such table (or not seven characters), with the nearest real codes.
- ``NOT_VALID_ON_DATE``: a code of another loaded fiscal year, not of the one in force.
- ``NOT_BILLABLE``: a section, body system or table sent as a code.
- ``DUPLICATE``: the same code twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection

from domain.releases import ReleaseRow
from domain.rows import CodeRow, codes_by_key, details_of
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
from domain.vocabulary import CodeLevel
from systems.icd10pcs.axes import Mismatch, closest_mismatch

LEVEL_NAMES = {CodeLevel.SECTION: "a section", CodeLevel.BLOCK: "a body system",
               CodeLevel.TABLE: "a table"}


def _fiscal(release: ReleaseRow) -> str:
    return f"FY{release.version}" if release.version.isdigit() else release.version


class _Run(ClaimRun):
    def _when(self) -> str:
        if self.dos is None:
            return f"{_fiscal(self.release)}, the newest code set"
        return f"{_fiscal(self.release)}, the code set in force on {self.dos.isoformat()}"

    def _by_key(self, keys: Sequence[str]) -> dict[str, CodeRow]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        return {r.key: r for r in codes_by_key(self.conn(), (self.release.id,), wanted)}

    def run(self, codes: Sequence[str]) -> Validation:
        items = claim_items(codes, self.normalise)
        lookups = [k for k in items if self.normalise(k) == k]
        tables_wanted = [k[:3] for k in lookups if len(k) == 7]
        found = self._by_key([*lookups, *tables_wanted])
        for item in items.values():
            item.row = found.get(item.key)
        missing = [i for i in items.values() if i.row is None]
        elsewhere = self.elsewhere([i.key for i in missing])
        tables = {k: r for k, r in found.items() if r.level == CodeLevel.TABLE}
        details = details_of(self.conn(), [r.content_id for r in tables.values()])
        combos = [i for i in missing if i.key not in elsewhere and len(i.key) == 7
                  and i.key[:3] in tables]
        mismatches = {i.key: closest_mismatch(details[tables[i.key[:3]].content_id], i.key)
                      for i in combos}
        variants = {key: [key[:m.position - 1] + v + key[m.position:] for v in m.allowed]
                    for key, m in mismatches.items()}
        valid = self._by_key([v for vs in variants.values() for v in vs])
        unknown = [i for i in missing if i.key not in elsewhere and i.key not in mismatches]
        words = {i.key: fuzzy_key(i.key) for i in unknown if i.key}
        nearest = nearest_codes(self.conn, self.release.id, sorted(set(words.values())),
                                MAX_SUGGESTIONS) if words else {}
        near = self._by_key([k for ks in nearest.values() for k in ks])

        for item in items.values():
            if item.row is not None and item.row.level != CodeLevel.CODE:
                row = item.row
                self.add(Severity.ERROR, FindingKind.NOT_BILLABLE, item,
                         f"{row.code} ({row.display}) is "
                         f"{LEVEL_NAMES.get(CodeLevel(row.level), 'a heading')}, not a code: "
                         "an ICD-10-PCS code has seven characters, one from each axis.")
            elif item.row is None and item.key in elsewhere:
                other, there = elsewhere[item.key]
                self.add(Severity.ERROR, FindingKind.NOT_VALID_ON_DATE, item,
                         f"{there.code} ({there.display}) is a code of {_fiscal(other)}, not "
                         f"of {self._when()}.")
            elif item.row is None and item.key in mismatches:
                self._combination(item, tables[item.key[:3]], mismatches[item.key],
                                  [valid[v] for v in variants[item.key] if v in valid])
            elif item.row is None:
                close = [near[k] for k in nearest.get(words.get(item.key, ""), []) if k in near]
                self._unknown(item, close)
            if (twice := duplicate(item, "report each procedure code once.")) is not None:
                self.findings.append(twice)
        return Validation(self.release, in_claim_order(self.findings))

    def _combination(self, item: ClaimItem, table: CodeRow, mismatch: Mismatch,
                     suggestions: list[CodeRow]) -> None:
        position, title, value = mismatch.position, mismatch.title, mismatch.value
        allowed = mismatch.allowed
        choices = ", ".join(f"{v} {label}" for v, label in list(allowed.items())[:8])
        more = f" and {len(allowed) - 8} more" if len(allowed) > 8 else ""
        self.add(Severity.ERROR, FindingKind.INVALID_COMBINATION, item,
                 f"{item.key} is not a valid code: table {table.code} ({table.display}) has no "
                 f"row that allows it. Character {position} ({title}) is {value}, which the "
                 f"closest row does not allow; it allows {choices}{more}.", suggestions)

    def _unknown(self, item: ClaimItem, close: list[CodeRow]) -> None:
        if not item.key:
            message = "An empty entry is not a code."
        elif len(item.key) != 7:
            message = (f'"{item.label}" is not an ICD-10-PCS code: a code has seven '
                       f"characters, one per axis ({self._when()}).")
        else:
            message = (f'"{item.label}" is not an ICD-10-PCS code in {self._when()}: there is '
                       f"no table {item.key[:3]}.")
        if close:
            message += " Nearest real codes: " + ", ".join(r.code for r in close[:3]) + "."
        self.add(Severity.ERROR, FindingKind.UNKNOWN_CODE, item, message, close)


def validate(conn: Callable[[], Connection], release: ReleaseRow, others: Sequence[ReleaseRow],
             codes: Sequence[str], date_of_service: date | None,
             normalise: Callable[[str], str | None]) -> Validation:
    """Validate procedure codes against ``release`` (the fiscal year in force on the date)."""
    return _Run(conn, release, others, date_of_service, normalise).run(codes)
