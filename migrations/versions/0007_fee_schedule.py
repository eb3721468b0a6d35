"""the Medicare Physician Fee Schedule: PFS releases and their rows

Revision ID: 0007_fee_schedule
Revises: 0006_key_licences
Create Date: 2026-11-30

A PFS relative value file (``medcode seed pfs``) is not a code system: it prices HCPCS and CPT
codes. ``pfs_release`` holds each loaded file (``2025-10``: CMS's October 2025 release) and
``pfs_rate`` its records, one per code and modifier (``""``, ``26``, ``TC``, ``53``), with RVUs
as exact decimals. The file's description column is never stored.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_fee_schedule"
down_revision = "0006_key_licences"
branch_labels = None
depends_on = None

RVU = sa.Numeric(7, 2)
SHARE = sa.Numeric(3, 2)
FACTOR = sa.Numeric(8, 4)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "pfs_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", _text(32), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("title", _text(200), nullable=False),
        sa.Column("source", _text(500), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    op.create_table(
        "pfs_rate",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("code", _text(5), nullable=False),
        sa.Column("modifier", _text(2), nullable=False),
        sa.Column("status", _text(1), nullable=False),
        sa.Column("not_used_for_payment", sa.Boolean(), nullable=False),
        sa.Column("work_rvu", RVU, nullable=False),
        sa.Column("non_facility_pe_rvu", RVU, nullable=False),
        sa.Column("non_facility_na", sa.Boolean(), nullable=False),
        sa.Column("facility_pe_rvu", RVU, nullable=False),
        sa.Column("facility_na", sa.Boolean(), nullable=False),
        sa.Column("malpractice_rvu", RVU, nullable=False),
        sa.Column("non_facility_total", RVU, nullable=False),
        sa.Column("facility_total", RVU, nullable=False),
        sa.Column("pctc", _text(1), nullable=False),
        sa.Column("global_days", _text(3), nullable=False),
        sa.Column("pre_operative", SHARE, nullable=False),
        sa.Column("intra_operative", SHARE, nullable=False),
        sa.Column("post_operative", SHARE, nullable=False),
        sa.Column("multiple_procedure", _text(1), nullable=False),
        sa.Column("bilateral", _text(1), nullable=False),
        sa.Column("assistant", _text(1), nullable=False),
        sa.Column("co_surgeons", _text(1), nullable=False),
        sa.Column("team_surgery", _text(1), nullable=False),
        sa.Column("endoscopic_base", _text(5), nullable=True),
        sa.Column("conversion_factor", FACTOR, nullable=False),
        sa.Column("supervision", _text(2), nullable=True),
        sa.Column("calculation_flag", _text(1), nullable=True),
        sa.Column("imaging_family", _text(2), nullable=True),
        sa.Column("opps_non_facility_pe_rvu", RVU, nullable=False),
        sa.Column("opps_facility_pe_rvu", RVU, nullable=False),
        sa.Column("opps_malpractice_rvu", RVU, nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["pfs_release.id"]),
        sa.PrimaryKeyConstraint("release_id", "code", "modifier"),
    )


def downgrade() -> None:
    op.drop_table("pfs_rate")
    op.drop_table("pfs_release")
