"""NCCI edits: PTP pairs, MUEs and add-on code edits, each CMS file a release by quarter

Revision ID: 0008_ncci
Revises: 0007_fee_schedule
Create Date: 2026-11-30

Tables of ``domain/ncci.py``: ``ncci_release`` (one loaded file: table, quarter, PTP part),
``ncci_rationale`` (a PTP rationale stored once), ``ncci_ptp``, ``ncci_mue``, ``ncci_add_on``.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_ncci"
down_revision = "0007_fee_schedule"
branch_labels = None
depends_on = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "ncci_rationale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("text"),
    )
    op.create_table(
        "ncci_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _string(8), nullable=False),
        sa.Column("setting", _string(16), nullable=False),
        sa.Column("quarter", _string(8), nullable=False),
        sa.Column("part", _string(8), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("version", _string(16), nullable=False),
        sa.Column("source", _string(500), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "setting", "quarter", "part"),
    )
    op.create_table(
        "ncci_add_on",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("edit_type", sa.SmallInteger(), nullable=False),
        sa.Column("add_on_code", _string(8), nullable=False),
        sa.Column("add_on_deleted_on", sa.Date(), nullable=True),
        sa.Column("primary_code", _string(8), nullable=False),
        sa.Column("primary_deleted_on", sa.Date(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("deleted_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["release_id"], ["ncci_release.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ncci_add_on_code", "ncci_add_on", ["release_id", "add_on_code"])
    op.create_table(
        "ncci_mue",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("code", _string(8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("raw_value", _string(16), nullable=False),
        sa.Column("adjudication_indicator", sa.SmallInteger(), nullable=False),
        sa.Column("rationale", _string(200), nullable=True),
        sa.ForeignKeyConstraint(["release_id"], ["ncci_release.id"]),
        sa.PrimaryKeyConstraint("release_id", "code"),
    )
    op.create_table(
        "ncci_ptp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("column1", _string(8), nullable=False),
        sa.Column("column2", _string(8), nullable=False),
        sa.Column("pre_1996", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("deleted_on", sa.Date(), nullable=True),
        sa.Column("modifier_indicator", sa.SmallInteger(), nullable=False),
        sa.Column("rationale_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["rationale_id"], ["ncci_rationale.id"]),
        sa.ForeignKeyConstraint(["release_id"], ["ncci_release.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ncci_ptp_pair", "ncci_ptp", ["release_id", "column1", "column2"])
    op.create_index("ix_ncci_ptp_column2", "ncci_ptp", ["release_id", "column2"])


def downgrade() -> None:
    op.drop_index("ix_ncci_ptp_column2", table_name="ncci_ptp")
    op.drop_index("ix_ncci_ptp_pair", table_name="ncci_ptp")
    op.drop_table("ncci_ptp")
    op.drop_table("ncci_mue")
    op.drop_index("ix_ncci_add_on_code", table_name="ncci_add_on")
    op.drop_table("ncci_add_on")
    op.drop_table("ncci_release")
    op.drop_table("ncci_rationale")
