"""search documents: one per code, with word costs, terms and a dictionary

Revision ID: 0003_search
Revises: 0001
Create Date: 2026-11-28

``search_entry`` becomes one document per code (see ``seed/search_index.py``): ``kind`` goes,
``billable`` and ``terms`` come, and the full-text indexes are rebuilt over ``terms``: FTS5
(``unicode61``: the terms are already stemmed) on SQLite, a GIN index over the terms as a
tsvector on PostgreSQL. ``search_term`` is each release's dictionary.

Releases already loaded are left without documents here: a migration does not import the
application, and the documents depend on its search analysis. ``service.migrate.upgrade`` (what
``medcode migrate`` and ``medcode serve`` run) rebuilds the documents of every release that has
none, in the same transaction as the migration.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003_search'
down_revision = '0001'
branch_labels = None
depends_on = None

PG_TERMS = "array_to_tsvector(string_to_array(terms, ' '))"


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_tsv")
        op.execute("DROP INDEX IF EXISTS ix_search_entry_tsv_trgm")
    op.execute("DELETE FROM search_entry")
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_column('kind')
        batch_op.add_column(sa.Column('billable', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('terms', sa.Text(), nullable=False))
    op.create_table('search_term',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('word', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('stem', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], ),
    sa.PrimaryKeyConstraint('release_id', 'word')
    )
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_entry', "
            "content_rowid='id', tokenize='unicode61', prefix='2 3 4')"
        )
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_search_entry_tsv_terms ON search_entry USING gin ({PG_TERMS})")


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_tsv_terms")
    op.drop_table('search_term')
    op.execute("DELETE FROM search_entry")
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_column('terms')
        batch_op.drop_column('billable')
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False))
    # 0001's rows: the code, the title, each inclusion term and includes note.
    op.execute(
        "INSERT INTO search_entry(release_id, code_id, kind, text) "
        "SELECT release_id, id, 'CODE', CASE WHEN code = key THEN code "
        "ELSE code || ' ' || key END FROM code"
    )
    op.execute(
        "INSERT INTO search_entry(release_id, code_id, kind, text) "
        "SELECT c.release_id, c.id, d.kind, d.text FROM description d "
        "JOIN code c ON c.content_id = d.content_id ORDER BY c.id, d.seq"
    )
    op.execute(
        "INSERT INTO search_entry(release_id, code_id, kind, text) "
        "SELECT c.release_id, c.id, g.kind, g.text FROM guideline g "
        "JOIN code c ON c.content_id = g.content_id WHERE g.kind = 'INCLUDES' "
        "ORDER BY c.id, g.seq"
    )
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_entry', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', "
            "prefix='2 3 4')"
        )
        op.execute("INSERT INTO search_fts(rowid, text) SELECT id, text FROM search_entry")
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_entry_tsv ON search_entry "
            "USING gin (to_tsvector('english', text))"
        )
        op.execute(
            "CREATE INDEX ix_search_entry_tsv_trgm ON search_entry USING gin (text gin_trgm_ops)"
        )
