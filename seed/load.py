"""Write a parsed release into the database in one transaction.

All or nothing: the release row, its codes, notes and search index are written in a single
transaction, so a reader (or a crash) never sees half a release. Ids are assigned here rather
than by the database so that parent links and note targets can be written with plain bulk
inserts (``executemany``), which is what keeps a full load well under a minute on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from seed.references import parse_references
from seed.resolve import Resolver
from seed.search_index import index_release, search_rows, unindex_release
from seed.tabular import Tabular
from service.models import (
    Code,
    CodeSystem,
    Description,
    Guideline,
    RelatedCode,
    RelatedTarget,
    Release,
    SearchEntry,
)

Progress = Callable[[str, int], None]  # (phase description, units advanced)
BATCH = 5_000


@dataclass(slots=True)
class LoadResult:
    release_id: int
    version: str
    loaded: bool  # False when the release was already there (a no-op)
    code_count: int
    billable_count: int
    related_count: int = 0
    unresolved_references: int = 0


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def find_release(conn: Connection, system_id: str, version: str) -> int | None:
    return conn.execute(
        select(Release.id).where(Release.system_id == system_id, Release.version == version)
    ).scalar_one_or_none()


def delete_release(conn: Connection, release_id: int) -> None:
    """Remove a release and everything hanging from it (inside the caller's transaction)."""
    codes = select(Code.id).where(Code.release_id == release_id).scalar_subquery()
    related = select(RelatedCode.id).where(RelatedCode.code_id.in_(codes)).scalar_subquery()
    unindex_release(conn, release_id)
    conn.execute(delete(SearchEntry).where(SearchEntry.release_id == release_id))
    conn.execute(delete(RelatedTarget).where(RelatedTarget.related_id.in_(related)))
    conn.execute(delete(RelatedCode).where(RelatedCode.code_id.in_(codes)))
    conn.execute(delete(Guideline).where(Guideline.code_id.in_(codes)))
    conn.execute(delete(Description).where(Description.code_id.in_(codes)))
    conn.execute(text("UPDATE code SET parent_id = NULL WHERE release_id = :r"), {"r": release_id})
    conn.execute(delete(Code).where(Code.release_id == release_id))
    conn.execute(delete(Release).where(Release.id == release_id))


def _lock(conn: Connection) -> None:
    """Serialise concurrent loaders: ids are assigned from max(id)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7252001)"))
    else:
        conn.execute(text("DELETE FROM code_system WHERE 0"))  # takes SQLite's write lock


def _next_id(conn: Connection, column: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1


def write_release(
    engine: Engine,
    *,
    system_id: str,
    system_name: str,
    tabular: Tabular,
    source: str,
    effective_from: date,
    effective_to: date | None,
    force: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``tabular`` as release ``tabular.version`` of ``system_id``; idempotent unless force."""
    tick: Progress = progress or (lambda _d, _n: None)
    nodes = tabular.nodes
    with engine.begin() as conn:
        _lock(conn)
        existing = find_release(conn, system_id, tabular.version)
        if existing is not None and not force:
            row = conn.execute(select(Release).where(Release.id == existing)).one()
            return LoadResult(existing, tabular.version, False, row.code_count, row.billable_count)
        if conn.execute(select(CodeSystem.id).where(CodeSystem.id == system_id)).first() is None:
            conn.execute(insert(CodeSystem).values(id=system_id, name=system_name))
        if existing is not None:
            tick("Removing the previous copy", 0)
            delete_release(conn, existing)

        release_id = conn.execute(
            insert(Release).values(
                system_id=system_id,
                version=tabular.version,
                effective_from=effective_from,
                effective_to=effective_to,
                source=source,
                loaded_at=datetime.now(UTC),
                code_count=len(nodes),
                billable_count=tabular.billable_count,
            )
        ).inserted_primary_key[0]

        base = _next_id(conn, Code.id)
        ids = [base + i for i in range(len(nodes))]
        code_rows = []
        for i, n in enumerate(nodes):
            ancestors = []
            p = n.parent
            while p is not None:
                ancestors.append(str(ids[p]))
                p = nodes[p].parent
            code_rows.append(
                {
                    "id": ids[i],
                    "release_id": release_id,
                    "code": n.code,
                    "key": n.key,
                    "display": n.display,
                    "level": n.level,
                    "billable": n.billable,
                    "parent_id": None if n.parent is None else ids[n.parent],
                    "ancestor_ids": ",".join(ancestors),
                    "sort_order": i,
                }
            )
        for batch in _batches(code_rows):
            conn.execute(insert(Code), batch)
            tick("Codes", len(batch))

        descriptions, guidelines = [], []
        for cid, n in zip(ids, nodes, strict=True):
            descriptions.append({"code_id": cid, "kind": "OFFICIAL", "text": n.display, "seq": 0})
            descriptions.extend(
                {"code_id": cid, "kind": "INCLUSION_TERM", "text": term, "seq": s}
                for s, term in enumerate(n.inclusion_terms, start=1)
            )
            guidelines.extend(
                {"code_id": cid, "kind": kind, "text": body, "seq": s}
                for s, (kind, body) in enumerate(n.guidelines)
            )
        search = search_rows(release_id, ids, nodes)

        resolver = Resolver(nodes)
        related, targets = [], []
        rid = _next_id(conn, RelatedCode.id)
        unresolved = 0
        for i, n in enumerate(nodes):
            seq = 0
            for kind, note in n.relations:
                refs = parse_references(note) or [None]
                for ref in refs:
                    related.append({"id": rid, "code_id": ids[i], "kind": kind, "note": note,
                                    "target_code": None if ref is None else ref.text, "seq": seq})
                    if ref is not None:
                        hits = resolver.resolve(ref)
                        unresolved += not hits
                        targets.extend({"related_id": rid, "seq": t, "target_id": ids[h]}
                                       for t, h in enumerate(hits))
                    rid += 1
                    seq += 1

        for table, rows, label in (
            (Description, descriptions, "Descriptions"),
            (Guideline, guidelines, "Guidelines"),
            (RelatedCode, related, "Related codes"),
            (RelatedTarget, targets, "Related codes"),
            (SearchEntry, search, "Search index"),
        ):
            for batch in _batches(rows):
                conn.execute(insert(table), batch)
                tick(label, len(batch))

        index_release(conn, release_id)
        if conn.dialect.name == "postgresql":
            for table in ("code", "related_code"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))
        tick("Search index", 0)
        return LoadResult(release_id, tabular.version, True, len(nodes), tabular.billable_count,
                          len(related), unresolved)


def planned_units(tabular: Tabular) -> int:
    """Rows the load writes, for the progress bar's total (an estimate for notes)."""
    nodes = tabular.nodes
    terms = sum(len(n.inclusion_terms) for n in nodes)
    return len(nodes) * 4 + terms * 2 + sum(len(n.guidelines) + len(n.relations) for n in nodes)
