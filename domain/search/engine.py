"""Search over a release's documents: SQLite FTS5 by default, PostgreSQL full text at scale.

Code-shaped input (``e11.``, ``S52.001a``, ``E119``) puts the exact code first, then its family
in tabular order. Anything else is planned into slots (:mod:`domain.search.query`), matched by
the database against the documents' stems (the same terms and the same boolean query on both
databases), and ranked here (:mod:`domain.search.ranking`), so both give the same results:

- the database returns matching documents in id order, which is a static rank (the cost of a
  document's cheapest entry; see ``seed/search_index.py``): the first ``HEAD`` of them are
  scored and sorted; results past them follow in static order. Scanning in id order stops
  after ``HEAD`` rows however common the words, and the order of every page is fixed, so
  offset cursors are stable;
- when no document holds every slot, documents holding all but one (then all but two, ...)
  are searched, and score lower for what they miss; when fewer than ``FILL_BELOW`` hold every
  slot, those come first and the documents holding all but one follow;
- the codes in force come before retired ones (kept in a release for history), and at an equal
  score, the codes a system ranks later (its spec's ``search_later``) follow the others; then,
  where the spec says so (``search_title_breaks_ties``), the codes whose own titles say the
  query best come first.

Each release is searched with its system's conventions (``CodeSystemSpec``): its own
abbreviation and synonym tables, and how its descriptors are written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from domain.search.lexicon import Lexicon, lexicon
from domain.search.query import Plan, build_plan
from domain.search.ranking import DocumentCache, fit
from domain.spec import CodeSystemSpec

HEAD = 100
FILL_BELOW = 5
PG_TERMS = "array_to_tsvector(string_to_array(terms, ' '))"
MAX_OFFSET = 1 << 62  # a cursor may name any offset; the databases take 64-bit integers


@dataclass(frozen=True, slots=True)
class Hit:
    code_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Page:
    hits: list[Hit]
    total: int


def search(
    conn: Connection, releases: Sequence[tuple[int, CodeSystemSpec]], query: str, *,
    billable_only: bool, limit: int, offset: int, codes_only: Collection[int] = (),
) -> Page:
    """Search the releases (each with its system's spec, which says what input is a code, which
    phrases of its own expand and how its descriptors are written). ``codes_only``: releases
    searched by code shape alone, never by their words (licensed text the caller may not
    read: nothing of it may match, rank or show)."""
    if not releases or limit < 0 or offset < 0:
        return Page([], 0)
    offset = min(offset, MAX_OFFSET)
    stripped = query.strip()
    prefixes: dict[str, list[int]] = {}
    for release_id, spec in releases:
        key = spec.search_key(stripped)
        if key is not None:
            prefixes.setdefault(key, []).append(release_id)
    if prefixes:
        page = _code_search(conn, prefixes, billable_only, limit, offset)
        if page.total:
            return page
    if not stripped:
        return Page([], 0)
    parts = [_release_search(conn, r, spec, query, billable_only) for r, spec in releases
             if r not in codes_only]
    found = [p for p in parts if p is not None and p.total]
    if not found:
        return Page([], 0)
    if len(found) == 1:
        return found[0].page(conn, limit, offset)
    return _merged(conn, found, limit, offset)


def warm(conn: Connection, release_ids: Sequence[int]) -> None:
    """Load the releases' dictionaries now rather than on the first search."""
    for r in release_ids:
        lexicon(conn, r)


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _code_search(
    conn: Connection, prefixes: dict[str, list[int]], billable_only: bool, limit: int,
    offset: int,
) -> Page:
    """The codes whose key starts with the prefix each release's system reads in the input:
    the exact code first, then its family in tabular order."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    exact: list[str] = []
    for n, (key, release_ids) in enumerate(prefixes.items()):
        clauses.append(f"(release_id IN ({_in(release_ids)}) AND key >= :lo{n} AND key < :hi{n})")
        params.update({f"lo{n}": key, f"hi{n}": key + "~", f"key{n}": key})
        exact.append(f"key = :key{n}")
    where = (" OR ".join(clauses) if len(clauses) == 1 else f"({' OR '.join(clauses)})") + (
        " AND billable" if billable_only else "")
    total = conn.execute(text(f"SELECT COUNT(*) FROM code WHERE {where}"), params).scalar_one()
    rows = conn.execute(
        text(
            f"SELECT id, CASE WHEN {' OR '.join(exact)} THEN 1.0 ELSE 0.5 END AS s FROM code "
            f"WHERE {where} ORDER BY s DESC, release_id DESC, sort_order LIMIT :n OFFSET :o"
        ),
        {**params, "n": limit, "o": offset},
    )
    return Page([Hit(r[0], float(r[1])) for r in rows], int(total))


@dataclass(slots=True)
class _Matches:
    """One release's matching documents for one boolean query, in result order: ``head``
    ranked, then the rest of the matches in id order (less ``exclude``, which the head holds),
    from ``tail_start`` on."""

    backend: _Backend
    plan: Plan
    lex: Lexicon
    expr: str
    billable_only: bool
    head: list[Hit]
    total: int
    tail_start: int
    exclude: tuple[int, ...] = ()
    order: list[Order] = field(default_factory=list)  # each head hit's place in a ranking

    def page(self, conn: Connection, limit: int, offset: int) -> Page:
        hits = self.head[offset : offset + limit]
        if len(hits) < limit and offset + len(hits) < self.total:
            start = self.tail_start + max(0, offset - len(self.head))
            rows = self.backend.rows(conn, self.expr, self.lex, self.billable_only,
                                     limit - len(hits), start, self.exclude)
            hits += [Hit(cid, _points(self.plan, self.lex, did, body)) for did, cid, body in rows]
        return Page(hits, self.total)


# retired, -score, later at equal score, -the title's own points (when the system says so)
Order = tuple[bool, float, bool, float]


def _fit(plan: Plan, lex: Lexicon, doc_id: int, code_id: int, body: str) -> tuple[float, Order]:
    """A document's score (0 to 1), and its place in a ranking: codes in force before retired
    ones, then by score, then the codes the system ranks later at equal score, then (where the
    system's spec says so) the codes whose own titles say the query best."""
    if lex.documents_cache is None:
        lex.documents_cache = DocumentCache()
    doc = lex.documents_cache.get(doc_id, body, lex)
    points, title = fit(doc, plan, bool(doc_id & 1), lex)
    shown = round(max(0.0, points) / 100.0, 4)
    later = lex.later_codes is not None and code_id in lex.later_codes
    return shown, (doc.retired, -shown, later, -title if plan.title_breaks_ties else 0.0)


def _later_codes(conn: Connection, release_id: int, spec: CodeSystemSpec,
                 lex: Lexicon) -> None:
    """The release's codes that its system ranks later at equal score, read once; and the
    stems of its words that cost nothing (set before any of its documents is parsed)."""
    if spec.search_free_words and not lex.free_stems:
        lex.free_stems = frozenset(lex.stem_of(w) for w in spec.search_free_words)
    if spec.search_later is not None and lex.later_codes is None:
        keys = conn.execute(text("SELECT id, key FROM code WHERE release_id = :r"),
                            {"r": release_id})
        lex.later_codes = frozenset(i for i, k in keys if spec.search_later.fullmatch(k))


def _points(plan: Plan, lex: Lexicon, doc_id: int, body: str) -> float:
    return _fit(plan, lex, doc_id, 0, body)[0]


def _release_search(conn: Connection, release_id: int, spec: CodeSystemSpec, query: str,
                    billable_only: bool) -> _Matches | None:
    lex = lexicon(conn, release_id)
    plan = build_plan(query, lex, spec.search_expansions)
    plan.qualifier_cost = spec.search_qualifier_cost
    plan.title_breaks_ties = spec.search_title_breaks_ties
    if not plan.slots:
        return None
    _later_codes(conn, release_id, spec, lex)
    backend = _Backend.of(conn)
    levels = list(plan.levels())
    for depth, subsets in enumerate(levels):
        expr = backend.expression(plan, subsets)
        rows, total = backend.head(conn, expr, lex, billable_only, HEAD)
        if not rows:
            continue
        strict: set[int] = set()
        exclude: tuple[int, ...] = ()
        tail_start = len(rows)
        if total < FILL_BELOW and depth + 1 < len(levels):
            # Few codes hold every word: the codes holding all but one follow them.
            strict = {r[0] for r in rows}
            expr = backend.expression(plan, levels[depth + 1])
            wider, total = backend.head(conn, expr, lex, billable_only, HEAD)
            seen = {r[0] for r in wider}
            tail_start = len(wider) - len(strict & seen)
            exclude = tuple(sorted(strict))
            rows = wider + [r for r in rows if r[0] not in seen]
        ranked = sorted(
            ((*_fit(plan, lex, did, cid, body), did, cid) for did, cid, body in rows),
            key=lambda t: (t[2] not in strict, t[1], t[2]),
        )
        head = [Hit(cid, s) for s, _, _, cid in ranked]
        return _Matches(backend, plan, lex, expr, billable_only, head, total, tail_start,
                        exclude, [o for _, o, _, _ in ranked])
    return None


def _merged(conn: Connection, parts: Sequence[_Matches], limit: int, offset: int) -> Page:
    """Several releases (systems): heads ranked together, then each release's tail in turn."""
    head = [h for _, h in sorted(((o, h) for p in parts for o, h in zip(p.order, p.head,
                                                                      strict=True)),
                                 key=lambda oh: (oh[0], oh[1].code_id))]
    total = sum(p.total for p in parts)
    hits = head[offset : offset + limit]
    skip = max(0, offset - len(head))
    for p in parts:
        if len(hits) >= limit:
            break
        tail = p.total - len(p.head)
        if skip >= tail:
            skip -= tail
            continue
        more = p.page(conn, limit - len(hits), len(p.head) + skip)
        hits += more.hits
        skip = 0
    return Page(hits, total)


class _Backend:
    """The database side: match a boolean query against the stems, in id order."""

    @staticmethod
    def of(conn: Connection) -> _Backend:
        return _Postgres() if conn.dialect.name == "postgresql" else _Sqlite()

    def expression(self, plan: Plan, subsets: list[tuple[int, ...]]) -> str:
        raise NotImplementedError

    def rows(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool, limit: int,
             offset: int, exclude: Sequence[int] = ()) -> list[tuple[int, int, str]]:
        raise NotImplementedError

    def head(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool,
             limit: int) -> tuple[list[tuple[int, int, str]], int]:
        """The first ``limit`` matches in id order, and how many match in all."""
        raise NotImplementedError


class _Sqlite(_Backend):
    def expression(self, plan: Plan, subsets: list[tuple[int, ...]]) -> str:
        return plan.fts(subsets)

    @staticmethod
    def _where(billable_only: bool, exclude: Sequence[int] = ()) -> str:
        return ("search_fts MATCH :m AND search_fts.rowid BETWEEN :lo AND :hi"
                + (" AND (search_fts.rowid & 1) = 1" if billable_only else "")
                + (f" AND search_fts.rowid NOT IN ({_in(exclude)})" if exclude else ""))

    def rows(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool, limit: int,
             offset: int, exclude: Sequence[int] = ()) -> list[tuple[int, int, str]]:
        lo, hi = lex.id_range
        found = conn.execute(
            text("SELECT e.id, e.code_id, e.text FROM search_fts "
                 "JOIN search_entry e ON e.id = search_fts.rowid "
                 f"WHERE {self._where(billable_only, exclude)} "
                 "ORDER BY search_fts.rowid LIMIT :n OFFSET :o"),
            {"m": expr, "lo": lo, "hi": hi, "n": limit, "o": offset},
        )
        return [(int(a), int(b), str(c)) for a, b, c in found]

    def head(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool,
             limit: int) -> tuple[list[tuple[int, int, str]], int]:
        # FTS5 walks the matches in rowid order and stops at the limit; counting reads the
        # doclists alone (no row is fetched), and only when there are more.
        rows = self.rows(conn, expr, lex, billable_only, limit, 0)
        if len(rows) < limit:
            return rows, len(rows)
        lo, hi = lex.id_range
        total = conn.execute(
            text(f"SELECT count(*) FROM search_fts WHERE {self._where(billable_only)}"),
            {"m": expr, "lo": lo, "hi": hi},
        ).scalar_one()
        return rows, int(total)


class _Postgres(_Backend):
    """The match is fenced (``OFFSET 0``) so that the planner always takes the GIN index (left
    free, it may walk the primary key and build the tsvector of every row), and it returns ids
    only: the texts of the page's rows are read afterwards. The tsquery is written into the
    statement, checked to hold nothing but stems and operators, so that psycopg's prepared
    statements never fall back to a generic plan that cannot see how selective it is."""

    SAFE = re.compile(r"[a-z0-9'&|():* ]+")

    def expression(self, plan: Plan, subsets: list[tuple[int, ...]]) -> str:
        return plan.tsquery(subsets)

    def _matches(self, expr: str, lex: Lexicon, billable_only: bool,
                 exclude: Sequence[int] = ()) -> str:
        if not self.SAFE.fullmatch(expr):
            raise ValueError(f"not a stem query: {expr!r}")
        lo, hi = (int(x) for x in lex.id_range)
        literal = expr.replace("'", "''")
        return (f"SELECT id FROM search_entry WHERE {PG_TERMS} @@ '{literal}'::tsquery "
                f"AND id BETWEEN {lo} AND {hi}" + (" AND billable" if billable_only else "")
                + (f" AND id NOT IN ({_in(exclude)})" if exclude else "") + " OFFSET 0")

    def rows(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool, limit: int,
             offset: int, exclude: Sequence[int] = ()) -> list[tuple[int, int, str]]:
        found = conn.execute(
            text(f"SELECT e.id, e.code_id, e.text FROM (SELECT id FROM "
                 f"({self._matches(expr, lex, billable_only, exclude)}) m ORDER BY id "
                 f"LIMIT {int(limit)} OFFSET {int(offset)}"
                 ") t JOIN search_entry e ON e.id = t.id ORDER BY e.id"),
        )
        return [(int(a), int(b), str(c)) for a, b, c in found]

    def head(self, conn: Connection, expr: str, lex: Lexicon, billable_only: bool,
             limit: int) -> tuple[list[tuple[int, int, str]], int]:
        found = conn.execute(
            text(f"SELECT e.id, e.code_id, e.text, t.n FROM (SELECT id, count(*) OVER () AS n "
                 f"FROM ({self._matches(expr, lex, billable_only)}) m ORDER BY id "
                 f"LIMIT {int(limit)}) t JOIN search_entry e ON e.id = t.id ORDER BY e.id"),
        ).all()
        total = int(found[0][3]) if found else 0
        return [(int(a), int(b), str(c)) for a, b, c, _ in found], total
