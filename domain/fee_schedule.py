"""The Medicare Physician Fee Schedule (PFS): its releases and one row per code and modifier.

The PFS is not a code system: it prices the HCPCS and CPT codes that the code systems define, so
it has tables of its own (``pfs_release``, ``pfs_rate``) instead of ``release``/``code`` rows.
Several PFS releases live side by side (CMS publishes one each quarter: ``2025-10`` is the
October 2025 file, RVU25D); the newest release in force on a date answers for it.

RVUs, percentages and the conversion factor are exact decimals (``NUMERIC``), as the file
prints them, so that payment amounts round exactly as CMS rounds them. The file's description
column is never stored (for CPT codes it is the AMA's text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Column, Connection, ForeignKey, Integer, Numeric, select
from sqlmodel import Field, SQLModel, col

from domain.rows import one_of

RVU = Numeric(7, 2)  # the layout's 999.99
SHARE = Numeric(3, 2)  # pre/intra/post-operative shares of the global package: .99
FACTOR = Numeric(8, 4)  # the conversion factor: 999.9999


class PfsRelease(SQLModel, table=True):
    """One loaded PFS relative value file (e.g. ``2025-10``, CMS's October 2025 release)."""

    __tablename__ = "pfs_release"
    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=32, unique=True)
    effective_from: date
    released_on: date | None = None  # the file's "RELEASED mm/dd/yyyy" line
    title: str = Field(max_length=200)  # the file's first line, as printed
    source: str = Field(max_length=500)
    loaded_at: datetime
    row_count: int = 0


class PfsRate(SQLModel, table=True):
    """One record of the relative value file: a code, or a code with modifier 26, TC or 53."""

    __tablename__ = "pfs_rate"
    release_id: int = Field(sa_column=Column(Integer, ForeignKey("pfs_release.id"),
                                             primary_key=True))
    code: str = Field(primary_key=True, max_length=5)
    modifier: str = Field(primary_key=True, max_length=2, default="")  # "" for the code alone
    status: str = Field(max_length=1)
    not_used_for_payment: bool = False  # "+" in NOT USED FOR MEDICARE PAYMENT
    work_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    non_facility_pe_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    non_facility_na: bool = False
    facility_pe_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    facility_na: bool = False
    malpractice_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    non_facility_total: Decimal = Field(sa_column=Column(RVU, nullable=False))
    facility_total: Decimal = Field(sa_column=Column(RVU, nullable=False))
    pctc: str = Field(max_length=1)
    global_days: str = Field(max_length=3)
    pre_operative: Decimal = Field(sa_column=Column(SHARE, nullable=False))
    intra_operative: Decimal = Field(sa_column=Column(SHARE, nullable=False))
    post_operative: Decimal = Field(sa_column=Column(SHARE, nullable=False))
    multiple_procedure: str = Field(max_length=1)
    bilateral: str = Field(max_length=1)
    assistant: str = Field(max_length=1)
    co_surgeons: str = Field(max_length=1)
    team_surgery: str = Field(max_length=1)
    endoscopic_base: str | None = Field(default=None, max_length=5)
    conversion_factor: Decimal = Field(sa_column=Column(FACTOR, nullable=False))
    supervision: str | None = Field(default=None, max_length=2)
    calculation_flag: str | None = Field(default=None, max_length=1)
    imaging_family: str | None = Field(default=None, max_length=2)
    opps_non_facility_pe_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    opps_facility_pe_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))
    opps_malpractice_rvu: Decimal = Field(sa_column=Column(RVU, nullable=False))


RATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in PfsRate.__table__.columns)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PfsReleaseRow:
    id: int
    version: str
    effective_from: date


@dataclass(frozen=True, slots=True)
class PfsRateRow:
    """A ``pfs_rate`` row, its fields named as the table's columns."""

    release_id: int
    code: str
    modifier: str
    status: str
    not_used_for_payment: bool
    work_rvu: Decimal
    non_facility_pe_rvu: Decimal
    non_facility_na: bool
    facility_pe_rvu: Decimal
    facility_na: bool
    malpractice_rvu: Decimal
    non_facility_total: Decimal
    facility_total: Decimal
    pctc: str
    global_days: str
    pre_operative: Decimal
    intra_operative: Decimal
    post_operative: Decimal
    multiple_procedure: str
    bilateral: str
    assistant: str
    co_surgeons: str
    team_surgery: str
    endoscopic_base: str | None
    conversion_factor: Decimal
    supervision: str | None
    calculation_flag: str | None
    imaging_family: str | None
    opps_non_facility_pe_rvu: Decimal
    opps_facility_pe_rvu: Decimal
    opps_malpractice_rvu: Decimal


def pfs_releases(conn: Connection) -> list[PfsReleaseRow]:
    """Every loaded PFS release, newest first."""
    rows = conn.execute(
        select(col(PfsRelease.id), col(PfsRelease.version), col(PfsRelease.effective_from))
        .order_by(col(PfsRelease.effective_from).desc(), col(PfsRelease.id).desc()))
    return [PfsReleaseRow(cast(int, i), version, day) for i, version, day in rows]


def pfs_release_for(releases: Sequence[PfsReleaseRow], on: date | None) -> PfsReleaseRow | None:
    """The newest of ``releases`` (``pfs_releases``) in force on ``on`` (each is in force until
    a newer one starts), or the newest of all when ``on`` is None; None before the oldest."""
    for release in releases:
        if on is None or release.effective_from <= on:
            return release
    return None


def rates_in_force(conn: Connection, on: date | None,
                   codes: Sequence[str]) -> list[tuple[PfsReleaseRow, PfsRateRow]]:
    """Every row (each modifier) of ``codes`` in the newest PFS release in force on ``on``
    (each release is in force until a newer one starts; the newest of all when ``on`` is None),
    with that release, in one statement; none before the oldest release."""
    in_force = select(col(PfsRelease.id))
    if on is not None:
        in_force = in_force.where(col(PfsRelease.effective_from) <= on)
    in_force = in_force.order_by(col(PfsRelease.effective_from).desc(),
                                 col(PfsRelease.id).desc()).limit(1)
    rate = PfsRate.__table__.c  # type: ignore[attr-defined]
    rows = conn.execute(
        select(col(PfsRelease.version), col(PfsRelease.effective_from),
               *(rate[name] for name in RATE_COLUMNS))
        .join_from(PfsRate, PfsRelease, col(PfsRelease.id) == col(PfsRate.release_id))
        .where(col(PfsRate.release_id) == in_force.scalar_subquery(),
               one_of(conn, col(PfsRate.code), list(codes))))
    return [(PfsReleaseRow(r[2], r[0], r[1]), PfsRateRow(*r[2:])) for r in rows]


def rates_of(conn: Connection, release_id: int, codes: Sequence[str]) -> list[PfsRateRow]:
    """Every row (each modifier) of ``codes`` in a release, in one statement."""
    columns = [PfsRate.__table__.c[name] for name in RATE_COLUMNS]  # type: ignore[attr-defined]
    rows = conn.execute(
        select(*columns).where(col(PfsRate.release_id) == release_id,
                               one_of(conn, col(PfsRate.code), list(codes))))
    return [PfsRateRow(*r) for r in rows]
