"""A claim costs a fixed number of SQL statements, whatever its size (no per-code round trips)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from domain.rows import forget_kept
from domain.settings import Settings
from service.app import create_app
from tests.conftest import StatementCounter
from tests.validation.helpers import validate

# One code of each kind of finding, with a date of service that makes FY2025 codes move.
EVERY_KIND = [
    "E11.9", "E10.9",  # EXCLUDES1_CONFLICT
    "E11",  # NOT_BILLABLE
    "S52.001", "T88.7XX",  # MISSING_SEVENTH_CHARACTER
    "E11.99", "E19.1",  # UNKNOWN_CODE, in a category and in none
    "S30.1XXA",  # NOT_VALID_ON_DATE (deleted on October 1, 2025)
    "G63", "E11.22",  # CODE_FIRST_SEQUENCE, USE_ADDITIONAL_CODE
    "E11.9",  # DUPLICATE
]
KINDS = {"EXCLUDES1_CONFLICT", "NOT_BILLABLE", "MISSING_SEVENTH_CHARACTER", "UNKNOWN_CODE",
         "NOT_VALID_ON_DATE", "CODE_FIRST_SEQUENCE", "USE_ADDITIONAL_CODE", "DUPLICATE"}
BIG = [
    "I10", "J45.909", "K21.9", "M54.50", "N39.0", "R51.9", "Z00.00", "F32.A", "E78.5", "I25.10",
    "E66.9", "G47.33", "H52.4", "J30.9", "L40.0", "M17.11", "N18.30", "R10.9", "Z79.4",
    "E11.65", "E10.65", "S52.5", "S72.0", "T36.0X1", "E11.299", "J44.9", "K57.30", "S30.1XXD",
    "S30.1XXS", "C50.919", "I48.91", "B20", "A41.9", "F02.80", "G30.9", "E87.1", "D64.9",
    "E11.41", "E10.41", "Q12", "X99.9", "W19", "V00",
]


def statements(client: TestClient, engine: Engine, headers: dict[str, str],
               codes: list[str]) -> tuple[int, set[str]]:
    forget_kept()  # the statements of a claim whose codes were never read before
    with StatementCounter(engine) as counter:
        result = validate(client, headers, codes, "2025-12-15")
    return counter.count, {f["kind"] for f in result["findings"]}


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """Without the fast path, whose once-a-second read of the releases would land in one
    count or the other, and on a clock that stands still (a key's last use is written on its
    first request only, never in whichever count a minute's end falls)."""
    now = time.time()
    app = create_app(settings.model_copy(update={"fast_path": False}), engine,
                     clock=lambda: now)
    with TestClient(app) as c:
        yield c


def test_500_codes_cost_no_more_statements_than_11(fy2025: Engine, client: TestClient,
                                                    partner: dict[str, str]) -> None:
    small, small_kinds = statements(client, fy2025, partner, EVERY_KIND)
    claim = (EVERY_KIND + BIG) * 10
    claim = claim[:500]
    large, large_kinds = statements(client, fy2025, partner, claim)
    print(f"SQL statements: {len(EVERY_KIND)} codes {small}, {len(claim)} codes {large}")
    assert small_kinds == KINDS and large_kinds == KINDS
    assert large <= small
    assert small <= 20  # the validation itself needs at most 12; the rest is metering
