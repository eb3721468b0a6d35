"""search_spelling: each release's typo index, stored when its words are

Revision ID: 0009_search_spelling
Revises: 0008_ncci
Create Date: 2026-11-30

The symmetric-delete keys that "did you mean" looks words up in (``domain/search/spelling.py``)
were built by every process that searched a release (0.6 s per ICD-10 release). They are now
written beside ``search_term`` when a release is indexed. Releases loaded before this revision
get theirs when ``medcode migrate`` (or ``serve``) next runs, after the upgrade; until then a
process builds them in memory as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_search_spelling"
down_revision = "0008_ncci"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_spelling",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("digest", sa.BigInteger(), nullable=False),
        sa.Column("deletions", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"]),
        sa.PrimaryKeyConstraint("release_id"),
    )


def downgrade() -> None:
    op.drop_table("search_spelling")
