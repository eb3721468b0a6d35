"""Write a parsed release into the database in one transaction.

All or nothing: the release row, its codes, notes and search index are written in a single
transaction, so a reader (or a crash) never sees half a release. Ids are assigned here rather
than by the database so that parent links and notes can be written with plain bulk writes
(:mod:`seed.bulk`: COPY on PostgreSQL, ``executemany`` on SQLite).

What a code says (title, inclusion terms, notes, the codes its notes name) is stored once per
distinct content, keyed by its SHA-256 (``code_content``): loading next year's release adds
content rows only for the codes that changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, String, delete, func, insert, select, text
from sqlmodel import col

from domain import generation
from domain.list_params import with_lists
from domain.models import (
    Code,
    CodeContent,
    CodeSystem,
    Description,
    Guideline,
    RelatedCode,
    RelatedTarget,
    Release,
    SearchEntry,
)
from domain.parsed import Node, ParsedRelease
from domain.spec import CodeSystemSpec, Source
from domain.vocabulary import DescriptionKind
from seed.bulk import write_rows
from seed.search_index import index_release, search_rows, unindex_release

Progress = Callable[[str, int], None]  # (phase description, units advanced)
BATCH = 5_000
T = TypeVar("T")
Row = tuple[Any, ...]
# The columns of each table's rows, in the order of their values.
COLUMNS: dict[type, tuple[str, ...]] = {
    CodeContent: ("id", "digest", "details"),
    Code: ("id", "release_id", "code", "key", "display", "level", "billable", "parent_id",
           "ancestor_ids", "sort_order", "content_id", "valid_from", "valid_to"),
    Description: ("content_id", "kind", "text", "seq"),
    Guideline: ("content_id", "kind", "text", "seq"),
    RelatedCode: ("id", "content_id", "kind", "note", "target_code", "seq"),
    RelatedTarget: ("related_id", "seq", "target_key"),
    SearchEntry: ("id", "release_id", "code_id", "billable", "text", "terms"),
}


@dataclass(slots=True)
class LoadResult:
    release_id: int
    version: str
    loaded: bool  # False when the release was already there (a no-op)
    code_count: int
    billable_count: int
    related_count: int = 0


def _batches(rows: Sequence[T]) -> Iterator[Sequence[T]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def find_release(conn: Connection, system_id: str, version: str) -> int | None:
    return conn.execute(
        select(col(Release.id))
        .where(col(Release.system_id) == system_id, col(Release.version) == version)
    ).scalar_one_or_none()


def delete_release(conn: Connection, release_id: int) -> None:
    """Remove a release, and the contents no other release uses (in the caller's transaction)."""
    unindex_release(conn, release_id)
    conn.execute(delete(SearchEntry).where(col(SearchEntry.release_id) == release_id))
    # One statement, parents and children together: both databases check a foreign key at the
    # statement's end, when no child is left (setting every parent_id to NULL first cost a
    # PostgreSQL reload of ICD-10-CM 1.3 s of rewriting 98k rows and their indexes).
    conn.execute(delete(Code).where(col(Code.release_id) == release_id))
    conn.execute(delete(Release).where(col(Release.id) == release_id))
    # NOT EXISTS, not NOT IN: PostgreSQL cannot hash a NOT IN subquery larger than work_mem
    # and compares every content with every code instead (a reload of ICD-10-CM beside
    # ICD-10-PCS and HCPCS spent over ten minutes here; an anti-join takes seconds).
    used = select(col(Code.id)).where(col(Code.content_id) == col(CodeContent.id))
    orphans = select(col(CodeContent.id)).where(~used.exists()).scalar_subquery()
    related = (select(col(RelatedCode.id)).where(col(RelatedCode.content_id).in_(orphans))
               .scalar_subquery())
    conn.execute(delete(RelatedTarget).where(col(RelatedTarget.related_id).in_(related)))
    for table in (RelatedCode, Guideline, Description):
        conn.execute(delete(table).where(col(table.content_id).in_(orphans)))
    conn.execute(delete(CodeContent).where(col(CodeContent.id).in_(orphans)))


def _lock(conn: Connection) -> None:
    """Serialise concurrent loaders: ids are assigned from max(id)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7252001)"))
    else:
        conn.execute(text("DELETE FROM code_system WHERE 0"))  # takes SQLite's write lock


def _next_id(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


def content_digest(node: Node) -> str:
    """SHA-256 of everything a code says; equal digests mean the content can be shared."""
    payload: list[Any] = [
        node.key, node.display, node.inclusion_terms, node.guidelines,
        [(r.kind, r.note, r.target_code, r.target_keys) for r in node.references]]
    if node.descriptions or node.details is not None:  # (ICD-10-CM digests stay as they were)
        payload += [node.descriptions, node.details]
    return hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _known_contents(conn: Connection, digests: Sequence[str]) -> dict[str, int]:
    """The ids of the contents already stored, by digest, the digests bound as one list
    (:mod:`domain.list_params`: one placeholder per digest cost 1.5 s of a PostgreSQL load)."""
    query = with_lists("SELECT digest, id FROM code_content WHERE digest {d}", {"d": String},
                       conn.dialect.name)
    rows = conn.execute(query, {"d": sorted(set(digests))})
    return {str(d): int(cid) for d, cid in rows}


def _content_rows(
    conn: Connection, nodes: Sequence[Node], digests: list[str],
    content_ids: list[int], new: list[int],
) -> dict[type, list[Row]]:
    """Rows of the notes tables for the nodes (indices ``new``) whose content is new, as
    tuples in the order of ``COLUMNS``."""
    rows: dict[type, list[Row]] = {
        CodeContent: [], Description: [], Guideline: [], RelatedCode: [], RelatedTarget: []}
    rid = _next_id(conn, col(RelatedCode.id))
    for i in new:
        n, cid = nodes[i], content_ids[i]
        details = None if n.details is None else json.dumps(n.details, sort_keys=True,
                                                             default=str)
        rows[CodeContent].append((cid, digests[i], details))
        described = [(DescriptionKind.OFFICIAL, n.display), *n.descriptions,
                     *((DescriptionKind.INCLUSION_TERM, term) for term in n.inclusion_terms)]
        rows[Description].extend(
            (cid, kind, body, s) for s, (kind, body) in enumerate(described))
        rows[Guideline].extend((cid, kind, body, s) for s, (kind, body) in enumerate(n.guidelines))
        for seq, ref in enumerate(n.references):
            rows[RelatedCode].append((rid, cid, ref.kind, ref.note, ref.target_code, seq))
            rows[RelatedTarget].extend((rid, t, key) for t, key in enumerate(ref.target_keys))
            rid += 1
    return rows


def write_release(
    engine: Engine,
    *,
    system_id: str,
    release: ParsedRelease,
    force: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``release`` as release ``release.version`` of ``system_id``; idempotent unless
    force. The release's notes must have their references resolved (``Node.references``)."""
    tick: Progress = progress or (lambda _d, _n: None)
    nodes = release.nodes
    if release.effective_from is None:
        raise ValueError("a release to write needs its effective_from date")
    digests = [content_digest(n) for n in nodes]
    tick("Resolving note references", len(nodes))
    with engine.begin() as conn:
        _lock(conn)
        existing = find_release(conn, system_id, release.version)
        if existing is not None and not force:
            row = conn.execute(select(Release).where(col(Release.id) == existing)).one()
            return LoadResult(existing, release.version, False, row.code_count, row.billable_count)
        known_system = select(col(CodeSystem.id)).where(col(CodeSystem.id) == system_id)
        if conn.execute(known_system).first() is None:
            conn.execute(insert(CodeSystem).values(id=system_id))
        if existing is not None:
            tick("Removing the previous copy", 0)
            delete_release(conn, existing)

        inserted = conn.execute(
            insert(Release).values(
                system_id=system_id, version=release.version,
                effective_from=release.effective_from, effective_to=release.effective_to,
                source=release.source, loaded_at=datetime.now(UTC),
                code_count=len(nodes), billable_count=release.billable_count,
            )
        ).inserted_primary_key
        assert inserted is not None
        release_id = int(inserted[0])

        known = _known_contents(conn, digests)
        next_content = _next_id(conn, col(CodeContent.id))
        content_ids: list[int] = []
        new: list[int] = []
        for i, d in enumerate(digests):
            if d not in known:
                known[d] = next_content
                next_content += 1
                new.append(i)
            content_ids.append(known[d])
        tables = _content_rows(conn, nodes, digests, content_ids, new)

        for batch in _batches(tables.pop(CodeContent)):
            write_rows(conn, CodeContent, COLUMNS[CodeContent], batch)
        base = _next_id(conn, col(Code.id))
        ids = [base + i for i in range(len(nodes))]
        for batch in _batches(_code_rows(nodes, ids, release_id, content_ids)):
            write_rows(conn, Code, COLUMNS[Code], batch)
            tick("Codes", len(batch))
        documents = search_rows(release_id, ids, nodes)
        tables[SearchEntry] = list(map(itemgetter(*COLUMNS[SearchEntry]), documents))
        del documents
        for table, rows in tables.items():
            for batch in _batches(rows):
                write_rows(conn, table, COLUMNS[table], batch)
                label = str(getattr(table, "__tablename__", table.__name__))
                tick(label.replace("_", " ").capitalize(), len(batch))
        index_release(conn, release_id)
        if existing is not None and conn.dialect.name == "sqlite":
            # A replaced release leaves the full-text index in fragments (deleted entries and
            # new segments) that every search then reads: merged, a search's p95 is back from
            # 27 ms to 2 ms.
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        if conn.dialect.name == "postgresql":
            for name in ("code", "related_code", "code_content"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                ))
        # Fresh statistics: without them SQLite's planner scans `code` for the note-target join
        # (43 ms instead of 0.1 ms per lookup).
        conn.execute(text("ANALYZE"))
        if conn.dialect.name == "postgresql":
            # A bulk insert leaves its GIN entries in the index's pending list, which every
            # search then scans: merged, a three-word search takes 2.3 ms instead of 5.2.
            conn.execute(text(
                "SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'gin' AND n.nspname = current_schema()"))
        tick("Search index", 0)
        result = LoadResult(release_id, release.version, True, len(nodes),
                            release.billable_count, sum(len(n.references) for n in nodes))
    generation.releases_changed()  # committed: this process's prepared answers are stale
    return result


def _code_rows(nodes: Sequence[Node], ids: list[int], release_id: int,
               content_ids: list[int]) -> list[Row]:
    rows = []
    # Each node's ancestor ids, nearest first, built on its parent's (parents come first).
    chains: list[str] = []
    for i, n in enumerate(nodes):
        p = n.parent
        chains.append("" if p is None else f"{ids[p]},{chains[p]}" if chains[p] else str(ids[p]))
        rows.append((
            ids[i], release_id, n.code, n.key, n.display, n.level, n.billable,
            None if p is None else ids[p], chains[i], i, content_ids[i], n.valid_from, n.valid_to,
        ))
    return rows


def planned_units(release: ParsedRelease) -> int:
    """Rows the load writes, for the progress bar's total (an estimate for notes)."""
    nodes = release.nodes
    terms = sum(len(n.inclusion_terms) for n in nodes)
    notes = sum(len(n.guidelines) + 2 * len(n.relations) for n in nodes)
    return len(nodes) * 5 + terms * 2 + notes


def load_release(
    engine: Engine,
    spec: CodeSystemSpec,
    *,
    path: Path | None = None,
    parsed: ParsedRelease | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load one release of ``spec``'s system: ``parsed`` (what ``spec.read`` returned), the
    official file at ``path``, or else the newest bundled release. Raises ImportFileError on a
    bad file; idempotent unless ``force``."""
    if parsed is None:
        source = Source(path, str(path)) if path else spec.bundled_sources()[-1]
        parsed = spec.read(source)
    return write_release(engine, system_id=spec.id, release=parsed, force=force,
                         progress=progress)
