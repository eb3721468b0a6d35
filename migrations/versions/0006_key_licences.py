"""licences on API keys (CPT: the AMA's descriptors, served only to licensed keys)

Revision ID: 0006_key_licences
Revises: 0005_code_details
Create Date: 2026-11-30

``api_key.licences`` lists the licences the operator granted a key, comma-separated and sorted
(``cpt``); empty for none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_key_licences"
down_revision = "0005_code_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("licences", sa.String(length=200), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("licences")
