"""What the robustness suite tried and what it got, printed as one Markdown table at the end.

Every robustness test records its rows here (:func:`record`). Under pytest-xdist each worker
hands its rows to the controller, which prints them all (tests/conftest.py).
"""

from __future__ import annotations

import pytest

from bench.robustness import table

LEDGER: list[tuple[str, str, int, str]] = []


def record(backend: str, kind: str, cases: int, result: str) -> None:
    LEDGER.append((backend, kind, cases, result))


def print_ledger(terminalreporter: pytest.TerminalReporter) -> None:
    if not LEDGER:
        return
    rows = sorted(LEDGER, key=lambda row: row[0])  # by backend; stable: in the order run
    terminalreporter.write_sep("=", "robustness: what was tried and what it got")
    terminalreporter.write_line(table(rows))
    cases = sum(r[2] for r in rows)
    terminalreporter.write_line(f"{cases} cases in {len(rows)} rows")
