"""October 2025 -> January 2026: what changed, and the January file's action codes."""

from __future__ import annotations

from collections import Counter

from systems.hcpcs.bundled import bundled_files
from systems.hcpcs.changes import compare

from ._data import JAN_TXT, OCT_XLSX, jan, oct_


def test_bundled_files_oldest_first() -> None:
    assert bundled_files() == [OCT_XLSX, JAN_TXT]


def test_october_to_january() -> None:
    changes = compare(oct_(), jan())
    assert (changes.old, changes.new) == ("2025-10", "2026-01")
    assert len(changes.added) == 160 and changes.added[:3] == ("A4295", "A4296", "A4297")
    assert "G9871" in changes.added and "M1503" in changes.added
    assert changes.dropped == ()
    assert len(changes.terminated) == 95 and "Q4100" in changes.terminated
    assert changes.reinstated == ()
    assert len(changes.long_description_changed) == 294
    assert len(changes.short_description_changed) == 16
    assert len(changes.unchanged) == 8_195
    assert {jan().by_code()[c].termination_date for c in changes.terminated} == {
        jan().by_code()["Q4100"].termination_date}
    assert repr(changes).startswith("ReleaseChanges(2025-10 -> 2026-01: added=160, dropped=0")


def test_changes_agree_with_the_action_codes() -> None:
    table = compare(oct_(), jan()).by_action()
    assert {action: counts["records"] for action, counts in table.items()} == {
        "A": 160, "C": 294, "D": 95, "N": 8_391, "P": 65, "S": 1}
    assert table["A"]["added"] == 160
    assert table["D"]["terminated"] == 95
    assert table["C"]["long_description_changed"] == 294
    assert table["C"]["short_description_changed"] == 15
    assert table["S"]["short_description_changed"] == 1
    assert table["P"]["data_changed"] == 65
    assert table["N"]["unchanged"] == 8_195
    # Nothing happens to a code with N but bookkeeping, except three silent data changes.
    n = table["N"]
    assert n["added"] == n["terminated"] == n["long_description_changed"] == 0
    assert n["short_description_changed"] == 0 and n["data_changed"] == 3
    changes = compare(oct_(), jan())
    assert [c for c in changes.data_changed if changes.actions[c] == "N"] == [
        "C9248", "J1572", "J3290"]
    # The October file's own action codes, for the record.
    assert Counter(r.action_code for r in oct_().records) == {
        "N": 8_747, "A": 76, "C": 10, "D": 7, "B": 2, "P": 2, "R": 1, "S": 1}
