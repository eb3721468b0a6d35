"""Search over a release's texts: SQLite FTS5 by default, PostgreSQL full text at scale.

Code-shaped input (``e11.``, ``S52.001a``) puts the exact code first, then its family in tabular
order. Words match in any order, case-insensitively, with stemming and the last word as a
prefix (autocomplete); when no code holds every word, codes holding most of them follow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from seed.tabular import lookup_key

CODE_SHAPE = re.compile(r"^[A-Za-z]\d[0-9A-Za-z](?:\.?[0-9A-Za-z]{0,4})?\.?-?$")
WORD = re.compile(r"[0-9a-z]+")
MAX_WORDS = 16


@dataclass(frozen=True, slots=True)
class Hit:
    code_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Page:
    hits: list[Hit]
    total: int


def words_of(query: str) -> list[str]:
    return WORD.findall(query.lower())[:MAX_WORDS]


def search(
    conn: Connection, release_ids: Sequence[int], query: str, *, billable_only: bool,
    limit: int, offset: int,
) -> Page:
    if not release_ids:
        return Page([], 0)
    stripped = query.strip()
    if CODE_SHAPE.match(stripped):
        page = _code_search(conn, release_ids, stripped, billable_only, limit, offset)
        if page.total:
            return page
    words = words_of(stripped)
    if not words:
        return Page([], 0)
    if conn.dialect.name == "postgresql":
        return _pg_search(conn, release_ids, words, billable_only, limit, offset)
    return _fts_search(conn, release_ids, words, billable_only, limit, offset)


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _code_search(
    conn: Connection, release_ids: Sequence[int], raw: str, billable_only: bool, limit: int,
    offset: int,
) -> Page:
    key = lookup_key(raw.rstrip("-").rstrip("."))
    where = (
        f"release_id IN ({_in(release_ids)}) AND key >= :lo AND key < :hi"
        + (" AND billable" if billable_only else "")
    )
    params = {"lo": key, "hi": key + "~", "key": key}
    total = conn.execute(text(f"SELECT COUNT(*) FROM code WHERE {where}"), params).scalar_one()
    rows = conn.execute(
        text(
            f"SELECT id, CASE WHEN key = :key THEN 2.0 ELSE 1.0 END AS s FROM code WHERE {where} "
            "ORDER BY s DESC, release_id DESC, sort_order LIMIT :n OFFSET :o"
        ),
        {**params, "n": limit, "o": offset},
    )
    return Page([Hit(r[0], float(r[1])) for r in rows], int(total))


def _fts_search(
    conn: Connection, release_ids: Sequence[int], words: list[str], billable_only: bool,
    limit: int, offset: int,
) -> Page:
    terms = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    for joiner in (" AND ", " OR "):
        match = joiner.join(terms)
        base = (
            "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
            + ("JOIN code c ON c.id = e.code_id " if billable_only else "")
            + f"WHERE search_fts MATCH :m AND e.release_id IN ({_in(release_ids)})"
            + (" AND c.billable" if billable_only else "")
        )
        total = conn.execute(
            text(f"SELECT COUNT(DISTINCT e.code_id) {base}"), {"m": match}
        ).scalar_one()
        if total:
            rows = conn.execute(
                text(
                    f"SELECT e.code_id, MIN(bm25(search_fts)) AS s {base} "
                    "GROUP BY e.code_id ORDER BY s, e.code_id LIMIT :n OFFSET :o"
                ),
                {"m": match, "n": limit, "o": offset},
            )
            return Page([Hit(r[0], round(-float(r[1]), 6)) for r in rows], int(total))
    return Page([], 0)


def _pg_search(
    conn: Connection, release_ids: Sequence[int], words: list[str], billable_only: bool,
    limit: int, offset: int,
) -> Page:
    terms = [*words[:-1], f"{words[-1]}:*"]
    for joiner in (" & ", " | "):
        tsq = joiner.join(terms)
        base = (
            "FROM search_entry e "
            + ("JOIN code c ON c.id = e.code_id " if billable_only else "")
            + "WHERE to_tsvector('english', e.text) @@ to_tsquery('english', :q) "
            + f"AND e.release_id IN ({_in(release_ids)})"
            + (" AND c.billable" if billable_only else "")
        )
        total = conn.execute(
            text(f"SELECT COUNT(DISTINCT e.code_id) {base}"), {"q": tsq}
        ).scalar_one()
        if total:
            rows = conn.execute(
                text(
                    "SELECT e.code_id, MAX(ts_rank(to_tsvector('english', e.text), "
                    f"to_tsquery('english', :q))) AS s {base} "
                    "GROUP BY e.code_id ORDER BY s DESC, e.code_id LIMIT :n OFFSET :o"
                ),
                {"q": tsq, "n": limit, "o": offset},
            )
            return Page([Hit(r[0], round(float(r[1]), 6)) for r in rows], int(total))
    return Page([], 0)
