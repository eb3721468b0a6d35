"""a code's own dates within its release, and what only its system says of it

Revision ID: 0005_code_details
Revises: 0004
Create Date: 2026-11-30

HCPCS Level II (the second code system) dates each code: a code terminated on 2025-12-31 is
still in the January file, for history, but answers no lookup dated after that. ``code`` gets
``valid_from``/``valid_to``; ``code_content`` gets ``details``, a JSON object of what only the
code's system says of it (HCPCS pricing, coverage, BETOS...).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_code_details"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("code", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
    with op.batch_alter_table("code_content", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("details", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("code_content", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("details")
    with op.batch_alter_table("code", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
