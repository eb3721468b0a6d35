"""What the search index holds for a release: titles, inclusion terms, includes notes, codes.

The importer calls :func:`search_rows` for the rows of ``search_entry`` and
:func:`index_release` inside its transaction, so the index always matches the loaded release.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from seed.tabular import Node


def search_rows(release_id: int, ids: Sequence[int], nodes: Sequence[Node]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for cid, n in zip(ids, nodes, strict=True):
        def add(kind: str, body: str, cid: int = cid) -> None:
            rows.append({"release_id": release_id, "code_id": cid, "kind": kind, "text": body})

        add("CODE", f"{n.code} {n.key}" if n.key != n.code else n.code)
        add("OFFICIAL", n.display)
        for term in n.inclusion_terms:
            add("INCLUSION_TERM", term)
        for kind, body in n.guidelines:
            if kind == "INCLUDES":
                add("INCLUDES", body)
    return rows


def index_release(conn: Connection, release_id: int) -> None:
    """Add a release's rows to the full-text index (SQLite FTS5; PostgreSQL indexes itself)."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO search_fts(rowid, text) "
                "SELECT id, text FROM search_entry WHERE release_id = :r"
            ),
            {"r": release_id},
        )


def unindex_release(conn: Connection, release_id: int) -> None:
    """Remove a release's rows from the full-text index, before its search_entry rows go."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, text) "
                "SELECT 'delete', id, text FROM search_entry WHERE release_id = :r"
            ),
            {"r": release_id},
        )
