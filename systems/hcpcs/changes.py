"""What changed between two HCPCS release files, and the action codes CMS gave it.

Each file repeats every record (terminated ones included), so the changes are found by
comparing the two files code by code; the newer file's action codes (layout field 30) say
what CMS did, and :meth:`ReleaseChanges.by_action` lines the two up.  From October 2025 to
January 2026 they agree: the 160 added codes are the 160 with action A, the 95 terminated
are the 95 with D, the 294 changed long descriptions are the 294 with C, the one S changed
its short description, and the 65 P changed pricing or ASC data.  Of the 8,391 with N,
8,195 are identical; the rest differ only in bookkeeping (the action code or a back-filled
action effective date) but for three silent data changes (C9248, J1572, J3290).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

from .parse import HcpcsFile
from .records import HcpcsRecord


@dataclass(frozen=True)
class ReleaseChanges:
    """Codes (and modifiers) added, terminated and revised from ``old`` to ``new``."""

    old: str  # version, "2025-10"
    new: str
    added: tuple[str, ...]  # in the new file only
    dropped: tuple[str, ...]  # in the old file only (CMS keeps terminated records, so rare)
    terminated: tuple[str, ...]  # in force on old's first day, not on new's
    reinstated: tuple[str, ...]  # not in force on old's first day, in force on new's
    long_description_changed: tuple[str, ...]
    short_description_changed: tuple[str, ...]
    data_changed: tuple[str, ...]  # any other field (pricing, ASC, ...); bookkeeping aside
    unchanged: tuple[str, ...]  # identical records in both files
    actions: dict[str, str] = field(repr=False)  # code -> the new file's action code

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("added", "dropped", "terminated", "reinstated",
                         "long_description_changed", "short_description_changed",
                         "data_changed", "unchanged"))
        return f"ReleaseChanges({self.old} -> {self.new}: {counts})"

    def by_action(self) -> dict[str, Counter[str]]:
        """For each action code of the new file, how many of its codes fall in each list."""
        lists = {
            "added": self.added,
            "terminated": self.terminated,
            "reinstated": self.reinstated,
            "long_description_changed": self.long_description_changed,
            "short_description_changed": self.short_description_changed,
            "data_changed": self.data_changed,
            "unchanged": self.unchanged,
        }
        table: dict[str, Counter[str]] = {}
        for action in sorted(set(self.actions.values())):
            counts: Counter[str] = Counter()
            codes = {code for code, act in self.actions.items() if act == action}
            counts["records"] = len(codes)
            for name, members in lists.items():
                counts[name] = len(codes.intersection(members))
            table[action] = counts
        return table


# Fields compare() reports on its own, or that only record the file's bookkeeping.
_NOT_DATA = {"long_description", "short_description", "termination_date", "action_code",
             "action_effective_date"}


def _data(record: HcpcsRecord) -> dict[str, object]:
    return {f.name: getattr(record, f.name) for f in fields(record) if f.name not in _NOT_DATA}


def compare(old: HcpcsFile, new: HcpcsFile) -> ReleaseChanges:
    """The changes from ``old`` to ``new`` (codes in file order of the newer file)."""
    before, after = old.by_code(), new.by_code()
    both = [code for code in after if code in before]

    def in_force(file: HcpcsFile, code: str) -> bool:
        record = (before if file is old else after)[code]
        return record.in_force_on(file.effective_from)

    return ReleaseChanges(
        old=old.version,
        new=new.version,
        added=tuple(code for code in after if code not in before),
        dropped=tuple(code for code in before if code not in after),
        terminated=tuple(c for c in both if in_force(old, c) and not in_force(new, c)),
        reinstated=tuple(c for c in both if not in_force(old, c) and in_force(new, c)),
        long_description_changed=tuple(
            c for c in both if before[c].long_description != after[c].long_description),
        short_description_changed=tuple(
            c for c in both if before[c].short_description != after[c].short_description),
        data_changed=tuple(c for c in both if _data(before[c]) != _data(after[c])),
        unchanged=tuple(c for c in both if before[c] == after[c]),
        actions={code: record.action_code or "" for code, record in after.items()},
    )
