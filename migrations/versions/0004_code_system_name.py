"""code_system.name goes: nothing read it (a system's name comes from its spec)

Revision ID: 0004
Revises: 0003_search
Create Date: 2026-12-01

Batch mode without the table copy (``recreate="never"``): SQLite (3.35 and later) drops and adds
such a column in place, while copying the table would drop ``code_system`` under the releases
that reference it, which SQLite's foreign keys refuse once a release is loaded. The downgrade
brings the column back, filled with each system's id (a migration does not import the
code-system specs), with a default of '' (removing it would need the copy).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('code_system', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('name')


def downgrade() -> None:
    with op.batch_alter_table('code_system', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False,
                                      server_default=''))
    op.execute("UPDATE code_system SET name = id")
