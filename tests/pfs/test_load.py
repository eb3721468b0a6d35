"""Storing PFS releases, on SQLite and PostgreSQL: exact values (96425 against the file), a
reload that is a no-op or (forced) a replacement in one transaction, releases side by side
answering by date, and a load that fails leaving everything as it was."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from domain.fee_schedule import (
    PfsRate,
    PfsRelease,
    pfs_release_for,
    pfs_releases,
    rates_in_force,
    rates_of,
)
from systems.pfs.load import write_pfs
from systems.pfs.parse import read_pfs
from systems.pfs.payment import facility_payment, non_facility_payment

from .conftest import EXCERPT


def _release_id(engine: Engine, version: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(col(PfsRelease.id))
                                .where(col(PfsRelease.version) == version)).scalar_one())


def _count(engine: Engine, release_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(PfsRate)
                                .where(col(PfsRate.release_id) == release_id)).scalar_one())


def _january(tmp_path: Path, factor: str = "33.4009") -> Path:
    """The excerpt as a (made-up) January 2026 release with another conversion factor."""
    text_ = EXCERPT.read_bytes().decode("latin-1")
    text_ = text_.replace("2025 National Physician Fee Schedule Relative Value File October",
                          "2026 National Physician Fee Schedule Relative Value File January")
    path = tmp_path / "PPRRVU2026_Jan_excerpt.csv"
    path.write_bytes(text_.replace(",32.3465,", f",{factor},").encode("latin-1"))
    return path


def test_96425_is_stored_exactly_and_priced_at_155_26(pfs_engine: Engine) -> None:
    release_id = _release_id(pfs_engine, "2025-10")
    with pfs_engine.connect() as conn:
        (row,) = rates_of(conn, release_id, ["96425"])
    assert (row.status, row.work_rvu, row.non_facility_pe_rvu, row.malpractice_rvu,
            row.non_facility_total, row.facility_total, row.global_days,
            row.conversion_factor, row.pctc) == (
        "A", Decimal("0.17"), Decimal("4.53"), Decimal("0.10"), Decimal("4.80"),
        Decimal("4.80"), "XXX", Decimal("32.3465"), "5")
    assert (row.multiple_procedure, row.bilateral, row.assistant, row.co_surgeons,
            row.team_surgery) == ("0", "0", "0", "0", "0")
    assert non_facility_payment(row) == Decimal("155.26")
    assert row.facility_na and facility_payment(row) is None


def test_every_record_of_the_excerpt_is_stored(pfs_engine: Engine) -> None:
    release_id = _release_id(pfs_engine, "2025-10")
    parsed = read_pfs(EXCERPT)
    assert _count(pfs_engine, release_id) == len(parsed.rows) == 284
    with pfs_engine.connect() as conn:
        stored = rates_of(conn, release_id, sorted({r["code"] for r in parsed.rows}))
    by_key = {(r.code, r.modifier): r for r in stored}
    for row in parsed.rows:
        kept = by_key[(row["code"], row["modifier"])]
        assert {k: getattr(kept, k) for k in row} == row
    with pfs_engine.connect() as conn:
        (release,) = conn.execute(select(PfsRelease)).all()
    assert (release.effective_from, release.released_on, release.row_count) == (
        date(2025, 10, 1), date(2025, 9, 11), 284)


def test_loading_the_same_release_again_is_a_no_op(pfs_engine: Engine) -> None:
    before = _release_id(pfs_engine, "2025-10")
    result = write_pfs(pfs_engine, read_pfs(EXCERPT))
    assert (result.loaded, result.release_id, result.row_count) == (False, before, 284)


def test_releases_side_by_side_and_a_forced_reload(pfs_engine: Engine, tmp_path: Path) -> None:
    january = write_pfs(pfs_engine, read_pfs(_january(tmp_path)))
    try:
        with pfs_engine.connect() as conn:
            releases = pfs_releases(conn)
            assert [r.version for r in releases] == ["2026-01", "2025-10"]
            assert [getattr(pfs_release_for(releases, day), "version", None) for day in (
                date(2025, 9, 30), date(2025, 12, 31), date(2026, 1, 1), None)] == [
                None, "2025-10", "2026-01", "2026-01"]
            in_force = {day: [(release.version, row.code, row.modifier) for release, row
                              in rates_in_force(conn, day, ["96425", "G0130"])]
                        for day in (date(2025, 9, 30), date(2025, 12, 31), date(2026, 1, 1),
                                    None)}
            (row,) = rates_of(conn, january.release_id, ["96425"])
        assert non_facility_payment(row) == Decimal("160.32")  # 4.80 x 33.4009 = 160.3243
        assert in_force[date(2025, 9, 30)] == []  # before the oldest release
        for day, version in ((date(2025, 12, 31), "2025-10"), (date(2026, 1, 1), "2026-01"),
                             (None, "2026-01")):
            assert sorted(in_force[day]) == [(version, "96425", ""), (version, "G0130", ""),
                                             (version, "G0130", "26"), (version, "G0130", "TC")]

        replaced = write_pfs(pfs_engine, read_pfs(_january(tmp_path, "33.5000")), force=True)
        assert replaced.loaded and replaced.release_id != january.release_id
        assert _count(pfs_engine, january.release_id) == 0
        with pfs_engine.connect() as conn:
            (row,) = rates_of(conn, replaced.release_id, ["96425"])
            versions = [r.version for r in pfs_releases(conn)]
        assert row.conversion_factor == Decimal("33.5000") and versions == ["2026-01", "2025-10"]
    finally:
        with pfs_engine.begin() as conn:
            conn.execute(text("DELETE FROM pfs_rate WHERE release_id IN (SELECT id FROM "
                              "pfs_release WHERE version = '2026-01')"))
            conn.execute(text("DELETE FROM pfs_release WHERE version = '2026-01'"))


def test_a_load_that_fails_leaves_the_loaded_release_untouched(pfs_engine: Engine) -> None:
    release_id = _release_id(pfs_engine, "2025-10")
    broken = read_pfs(EXCERPT)
    broken.rows.append(dict(broken.rows[0]))  # a duplicate key: the insert fails half-way
    with pytest.raises(IntegrityError):
        write_pfs(pfs_engine, broken, force=True)
    assert _release_id(pfs_engine, "2025-10") == release_id
    assert _count(pfs_engine, release_id) == 284
    with pfs_engine.connect() as conn:
        assert [r.version for r in pfs_releases(conn)] == ["2025-10"]
