"""The whole October 2025 file (CMS's, its description column emptied), where the machine has
it at ``/work/shared/data/pfs/``: it is not in the repository (operators download PFS files
from CMS), so without it this check says so and does not run. Loaded on SQLite and PostgreSQL:
every record, 96425's values and payment; the rows and the time are printed (``-s``)."""

from __future__ import annotations

import csv
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from domain.db import make_engine
from domain.fee_schedule import PfsRate, rates_of
from systems.pfs import layout
from systems.pfs.load import write_pfs
from systems.pfs.parse import read_pfs
from systems.pfs.payment import non_facility_payment
from tests.databases import Databases

from .conftest import FULL_FILE

pytestmark = pytest.mark.skipif(
    not FULL_FILE.is_file(), reason=f"{FULL_FILE} is not on this machine: the whole-file "
    "check runs where it is")


def test_the_whole_october_2025_file_loads(backend: str, databases: Databases) -> None:
    with FULL_FILE.open(newline="", encoding="latin-1") as handle:
        records = [cells for cells in list(csv.reader(handle))[10:] if any(cells)]
    engine = make_engine(databases.settings(backend, "empty", "pfs_full_file"))
    try:
        started = time.perf_counter()
        parsed = read_pfs(FULL_FILE)
        read = time.perf_counter() - started
        result = write_pfs(engine, parsed, force=True)
        took = time.perf_counter() - started
        print(f"\nPFS {result.version} on {backend}: {result.row_count:,} rows in {took:.1f} s "
              f"(read {read:.1f} s, write {took - read:.1f} s)")
        assert result.row_count == len(records) == 19_090
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(PfsRate)
                                  .where(col(PfsRate.release_id) == result.release_id))
            assert stored.scalar_one() == 19_090
            (row,) = rates_of(conn, result.release_id, ["96425"])
        assert (row.work_rvu, row.non_facility_pe_rvu, row.malpractice_rvu,
                row.non_facility_total, row.global_days, row.conversion_factor) == (
            Decimal("0.17"), Decimal("4.53"), Decimal("0.10"), Decimal("4.80"), "XXX",
            Decimal("32.3465"))
        assert non_facility_payment(row) == Decimal("155.26")
        # every coded value of the whole file has its meaning in the layout
        attributes = ("status", "pctc", "global_days", "multiple_procedure", "bilateral",
                      "assistant", "co_surgeons", "team_surgery", "supervision",
                      "imaging_family", "modifier")
        assert not {(a, r[a]) for r in parsed.rows for a in attributes
                    if r[a] is not None and layout.meaning(a, r[a]) is None}
    finally:
        engine.dispose()
