"""What the search index holds for a release: one document per code.

A code's document (a ``search_entry`` row) lists its searchable entries, one a line, each word
with a cost mark (see :mod:`domain.search.analysis`): the official title (``O``; ``B`` for a
block or chapter), inclusion terms (``I``), includes notes (``N``) and entries it inherits, an
``H`` for each step up (``HN``: a parent's includes note, ``HHO``: a grandparent's title):

- the *default child* of a code, the one whose title adds nothing but "unspecified", "NOS" or a
  negated clause (E11 -> E11.9 "... without complications", B02 -> B02.9), inherits its parent's
  entries: the includes note "shingles" under B02 finds B02.9, the billable code a coder wants;
- a word that only ever follows one word costs nothing there (*mellitus* after *diabetes*);
- a 7th-character code inherits its parent's terms followed by its 7th character's meaning;
  the first 7th character (``A``, initial encounter) is the default and its words cost nothing.

``terms`` holds the distinct stems of every entry plus the code's lookup key: SQLite's FTS5
table ``search_fts`` (external content, rowid = ``id``) and PostgreSQL's GIN index over
``array_to_tsvector(string_to_array(terms, ' '))`` match queries against it, so both databases
see the very same terms.

An item of a level users name by the level's own word (a modifier: "telehealth modifier") has
that word as an entry of its own (``L``), which fills the word's slot but leaves the document's
static rank alone.

A *retired* code (kept in its release for history, no longer in force: not billable, with an
end date; an HCPCS code terminated before the quarter) has the line ``R`` first, and ranks
after the codes in force (``domain.search.ranking``).

Ids carry a static order: ``id = 2 * (first code id of the release + rank) + billable``. Rank
sorts documents by the cost of their cheapest entry (retired codes last), so scanning matches
in id order meets the documents that a query can say best first; the low bit filters billable
codes without reading the row, and a release's documents hold one contiguous id range.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, insert, text

from domain.models import SearchEntry, SearchSpelling, SearchTerm
from domain.parsed import Node
from domain.search import spelling
from domain.search.analysis import (
    encode,
    entry_tokens,
    entry_tokens_and_head,
    with_collocations,
)
from domain.search.ranking import RETIRED_MARK
from domain.search.stemmer import stem
from domain.vocabulary import HEADER_LEVELS, CodeLevel, DescriptionKind, GuidelineKind
from seed.bulk import write_rows

Tokens = list[tuple[str, float]]
MARKERS = frozenset({"unspecified", "nos", "without", "not", "uncomplicated", "unsp"})
MAX_INHERITED = 12
LEVEL = "L"  # the kind of a level's word entry
LEVEL_WORDS: dict[str, str] = {CodeLevel.MODIFIER: "modifier"}
_WORDS = re.compile(r"[a-z0-9]+")
_KIND = re.compile(r"^[A-Z]+[0-9]*", re.MULTILINE)
_UNSPECIFIED_SIDE = re.compile(r", unspecified [A-Za-z]+(?: limb)?(?=,|$)")


def _costly(tokens: Tokens) -> set[str]:
    return {stem(w) for w, c in tokens if c >= 0.6}


def _is_seventh(nodes: Sequence[Node], n: Node) -> bool:
    if n.parent is None or len(n.code) != 8 or n.level != CodeLevel.CODE:
        return False
    p = nodes[n.parent]
    return len(p.code) < 8 and n.display.startswith(p.display + ", ")


@lru_cache(maxsize=1024)
def _extension(meaning: str, default: bool) -> Tokens:
    """A 7th character's words; those of the default (first) character cost nothing."""
    return [(w, 0.0 if default else c) for w, c in entry_tokens(meaning)]


def _default_children(nodes: Sequence[Node], titles: Sequence[Tokens],
                      seventh: Sequence[bool]) -> dict[int, int]:
    """parent index -> its default child's index (for codes that have one); ``seventh``: which
    nodes are 7th-character codes (``_is_seventh``)."""
    out: dict[int, int] = {}
    for i, p in enumerate(nodes):
        if not p.children or p.level in HEADER_LEVELS:
            continue
        children = [c for c in p.children if not seventh[c]]
        if not children:
            continue
        p_costly = _costly(titles[i])
        p_all = {stem(w) for w, _ in titles[i]}
        p_markers = {w for w, _ in titles[i] if w in MARKERS}
        best: tuple[int, int] | None = None
        for c in children:
            c_costly = _costly(titles[c])
            if c_costly - p_all:
                continue
            new_marker = any(w in MARKERS and w not in p_markers for w, _ in titles[c])
            if new_marker or c_costly == p_costly:
                size = len(titles[c])
                if best is None or size <= best[0]:
                    best = (size, c)
        if best is not None:
            out[i] = best[1]
    return out


@dataclass(slots=True)
class Entry:
    """One searchable entry of a document, with what ranking needs precomputed."""

    kind: str  # O title, B block or chapter title, I, N; HO, HHI...: inherited, steps up
    body: str  # the encoded words
    cost: float
    terms: frozenset[str]
    head: int = 0  # the words of its first clause, when it has several (``head_size``)

    @classmethod
    def of(cls, kind: str, tokens: Tokens, head: int = 0) -> Entry:
        return cls(kind, encode(tokens), sum([c for _, c in tokens]),
                   frozenset(map(stem, [w for w, _ in tokens])), head)

    def extended(self, kind: str, ext: Entry) -> Entry:
        return Entry(kind, f"{self.body} {ext.body}" if ext.body else self.body,
                     self.cost + ext.cost, self.terms | ext.terms, self.head)

    @property
    def line(self) -> str:
        """As stored: the kind, the size of the first clause if any (``O1 walker -rigid``),
        the words."""
        return f"{self.kind}{self.head or ''} {self.body}"

    @property
    def rank_cost(self) -> float:
        return self.cost + 0.5 * self.kind.count("H")


def collocations(token_lists: Iterable[Tokens]) -> dict[str, str]:
    """Words that (nearly) only ever follow one word, which itself mostly precedes them:
    *mellitus* after *diabetes*, *cuff* after *rotator*, *pulmonale* after *cor*."""
    lists = list(token_lists)
    seen = Counter([w for tokens in lists for w, _ in tokens])
    # counted in order of first sight, which most_common keeps among equal counts
    pairs = Counter([(a, b) for tokens in lists
                     for (a, _), (b, _) in zip(tokens, tokens[1:], strict=False)])
    out: dict[str, str] = {}
    for (prev, w), n in pairs.most_common():
        if (w not in out and prev != w and n >= 3 and w.isalpha() and len(w) >= 4
                and n >= 0.95 * seen[w] and n >= 0.8 * seen[prev]):
            out[w] = prev
    return out


def _terms(n: Node) -> list[str]:
    return [*n.inclusion_terms, *(b for _k, b in n.descriptions)]


def _notes(n: Node) -> list[str]:
    return [b for k, b in n.guidelines if k == GuidelineKind.INCLUDES]


def build_documents(nodes: Sequence[Node]) -> list[list[Entry]]:
    """Each node's entries, in node order (parents come before their children)."""
    seventh = [_is_seventh(nodes, n) for n in nodes]
    analysed: dict[str, tuple[Tokens, int]] = {}  # text -> its tokens and head size

    def analyse(text: str) -> tuple[Tokens, int]:
        """Many texts recur (ICD-10-PCS): each is analysed once (nothing changes tokens)."""
        found = analysed.get(text)
        if found is None:
            found = analysed[text] = entry_tokens_and_head(text)
        return found

    # Each node's title, terms (inclusion terms, and other descriptions like them: HCPCS short
    # descriptions) and includes notes; a 7th-character code's are its parent's (below).
    texts: list[tuple[str, list[str], list[str]] | None] = [
        None if seventh[i] else (n.display, _terms(n), _notes(n)) for i, n in enumerate(nodes)]
    pairs = collocations(analyse(t)[0] for own_texts in texts if own_texts is not None
                         for t in (own_texts[0], *own_texts[1], *own_texts[2]))
    collocated = {t: (with_collocations(tokens, pairs), head)
                  for t, (tokens, head) in analysed.items()}
    entries_of: dict[tuple[str, str], Entry] = {}

    def entry(kind: str, text: str) -> Entry:
        """A text's entry of a kind, made once (entries are not changed once made)."""
        found = entries_of.get((kind, text))
        if found is None:
            found = entries_of[kind, text] = Entry.of(kind, *collocated[text])
        return found

    titles: list[Tokens] = []
    seventh_ext: dict[int, Entry] = {}
    extensions: dict[tuple[str, bool], Entry] = {}  # (meaning, default) -> its entry
    first_seventh: set[int] = set()
    for i, n in enumerate(nodes):
        if seventh[i]:
            p = n.parent
            assert p is not None
            default = p not in first_seventh
            first_seventh.add(p)
            meaning = n.display[len(nodes[p].display) + 2:]
            ext = _extension(meaning, default)
            found = extensions.get((meaning, default))
            if found is None:
                found = extensions[meaning, default] = Entry.of("X", ext)
            seventh_ext[i] = found
            titles.append(titles[p] + ext)
        else:
            titles.append(collocated[n.display][0])
    # "Lateral epicondylitis, unspecified elbow" adds no more than its parent says: the side.
    plain = [entry_tokens(_UNSPECIFIED_SIDE.sub(", unspecified", n.display))
             if not seventh[i] and _UNSPECIFIED_SIDE.search(n.display) else titles[i]
             for i, n in enumerate(nodes)]
    defaults = _default_children(nodes, plain, seventh)
    inherit_from = {c: p for p, c in defaults.items()}

    docs: list[list[Entry]] = []
    for i, n in enumerate(nodes):
        seventh_entry = seventh_ext.get(i)
        own_texts = texts[i]
        if own_texts is None:
            assert seventh_entry is not None and n.parent is not None
            entries = [docs[n.parent][0].extended("O", seventh_entry)]
            entries.extend(Entry.of("I", analyse(t)[0]) for t in n.inclusion_terms)
        else:
            title, terms, notes = own_texts
            entries = [entry("B" if n.level in HEADER_LEVELS else "O", title)]
            entries.extend(entry("I", t) for t in terms)
            entries.extend(entry("N", t) for t in notes)
        if i in inherit_from:
            entries.extend(Entry("H" + e.kind, e.body, e.cost, e.terms, e.head)
                           for e in docs[inherit_from[i]][:MAX_INHERITED])
        elif seventh_entry is not None and n.parent is not None:
            entries.extend(e.extended(e.kind if e.kind.startswith("H") else "H" + e.kind,
                                      seventh_entry)
                           for e in docs[n.parent][1 : 1 + MAX_INHERITED])
        level_word = LEVEL_WORDS.get(n.level)
        if level_word is not None:
            entries.append(Entry.of(LEVEL, [(level_word, 0.0)]))
        docs.append(entries)
    return docs


def search_rows(release_id: int, ids: Sequence[int], nodes: Sequence[Node]) -> list[dict[str, Any]]:
    """The ``search_entry`` rows of a release: one document per code, in static rank order."""
    if not nodes:
        return []
    collecting = gc.isenabled()
    gc.disable()  # a million small objects, no cycles: the collector would only cost 40%
    try:
        return _rows(release_id, ids, nodes)
    finally:
        if collecting:
            gc.enable()


def retired(node: Node) -> bool:
    """A code kept in its release for history only: not billable, and its end date passed."""
    return not node.billable and node.valid_to is not None


def _rows(release_id: int, ids: Sequence[int], nodes: Sequence[Node]) -> list[dict[str, Any]]:
    docs = build_documents(nodes)
    # Each document's text, terms and rank key in node order: reading the documents in rank
    # order would take twice as long, the CPU's caches missing them.
    texts: list[str] = []
    terms: list[str] = []
    keys: list[tuple[bool, float, int]] = []
    for i, (n, doc) in enumerate(zip(nodes, docs, strict=True)):
        words: set[str] = set()
        for e in doc:
            words |= e.terms
        if n.level not in HEADER_LEVELS:
            words.add(n.key.lower())
        lines = [e.line for e in doc]
        gone = retired(n)
        texts.append("\n".join([RETIRED_MARK, *lines] if gone else lines))
        terms.append(" ".join(sorted(words)))
        keys.append((gone, min([e.rank_cost for e in doc if e.kind != LEVEL]), i))
    order = [i for _, _, i in sorted(keys)]
    billable = [n.billable for n in nodes]
    base = min(ids)
    return [{
        "id": 2 * (base + rank) + int(billable[i]),
        "release_id": release_id,
        "code_id": ids[i],
        "billable": billable[i],
        "text": texts[i],
        "terms": terms[i],
    } for rank, i in enumerate(order)]


def vocabulary(texts: Sequence[str]) -> Counter[str]:
    """How many documents hold each word (the typo corrector's dictionary)."""
    df: Counter[str] = Counter()
    for body in texts:
        # Each line's kind (``HO``, ``I1``) is not a word, nor are the marks.
        df.update(set(_WORDS.findall(_KIND.sub("", body))))
    return df


def index_release(conn: Connection, release_id: int) -> None:
    """Index a release's documents: the full-text index (SQLite) and the word list."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO search_fts(rowid, terms) "
                "SELECT id, terms FROM search_entry WHERE release_id = :r"
            ),
            {"r": release_id},
        )
    texts = conn.execute(
        text("SELECT text FROM search_entry WHERE release_id = :r"), {"r": release_id}
    ).scalars().all()
    df = vocabulary(texts)
    words = [w for w in sorted(df) if len(w) <= 64]
    write_rows(conn, SearchTerm, ("release_id", "word", "stem", "df"),
               [(release_id, w, stem(w), df[w]) for w in words])
    write_spelling(conn, release_id, words)


def write_spelling(conn: Connection, release_id: int, words: Sequence[str]) -> None:
    """Store the typo index of a release whose ``search_term`` words are ``words``."""
    spelled = spelling.spell_words(words)
    conn.execute(insert(SearchSpelling).values(
        release_id=release_id, format=spelling.FORMAT, digest=spelling.digest(spelled),
        deletions=spelling.to_bytes(spelling.build(spelled))))


def spell_missing_releases(conn: Connection) -> list[int]:
    """Store the typo index of every indexed release without one (loaded before migration
    0009, or by another format); the releases written."""
    missing = conn.execute(text(
        "SELECT r.id FROM release r WHERE EXISTS "
        "(SELECT 1 FROM search_term t WHERE t.release_id = r.id) AND NOT EXISTS "
        "(SELECT 1 FROM search_spelling s WHERE s.release_id = r.id "
        "AND s.format = :format) ORDER BY r.id"), {"format": spelling.FORMAT}).scalars().all()
    for release_id in missing:
        words = conn.execute(text("SELECT word FROM search_term WHERE release_id = :r"),
                             {"r": release_id}).scalars().all()
        conn.execute(text("DELETE FROM search_spelling WHERE release_id = :r"),
                     {"r": release_id})
        write_spelling(conn, release_id, words)
    return list(missing)


def unindex_release(conn: Connection, release_id: int) -> None:
    """Remove a release from the index, before its search_entry rows go."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO search_fts(search_fts, rowid, terms) "
                "SELECT 'delete', id, terms FROM search_entry WHERE release_id = :r"
            ),
            {"r": release_id},
        )
    conn.execute(text("DELETE FROM search_term WHERE release_id = :r"), {"r": release_id})
    conn.execute(text("DELETE FROM search_spelling WHERE release_id = :r"), {"r": release_id})


def nodes_from_database(conn: Connection, release_id: int) -> tuple[list[int], list[Node]]:
    """A loaded release's codes as tabular nodes (for rebuilding its index in a migration)."""
    rows = conn.execute(
        text("SELECT id, code, key, display, level, billable, parent_id, valid_from, valid_to "
             "FROM code WHERE release_id = :r ORDER BY sort_order"), {"r": release_id}
    ).all()
    index = {r.id: i for i, r in enumerate(rows)}
    nodes = [Node(code=r.code, key=r.key, display=r.display, level=r.level,
                  billable=bool(r.billable), parent=index.get(r.parent_id),
                  valid_from=r.valid_from, valid_to=r.valid_to) for r in rows]
    for i, n in enumerate(nodes):
        if n.parent is not None:
            nodes[n.parent].children.append(i)
    for table, where in (("description", "t.kind <> :official"), ("guideline", "t.kind = :inc")):
        found = conn.execute(text(
            f"SELECT c.id, t.kind, t.text FROM {table} t JOIN code c "
            f"ON c.content_id = t.content_id WHERE c.release_id = :r AND {where} "
            "ORDER BY c.id, t.seq"),
            {"r": release_id, "official": DescriptionKind.OFFICIAL,
             "inc": GuidelineKind.INCLUDES})
        for cid, kind, body in found:
            node = nodes[index[cid]]
            if table == "guideline":
                node.guidelines.append((kind, body))
            elif kind == DescriptionKind.INCLUSION_TERM:
                node.inclusion_terms.append(body)
            else:
                node.descriptions.append((kind, body))
    return [r.id for r in rows], nodes


def rebuild_release(conn: Connection, release_id: int) -> None:
    """Write a loaded release's search documents anew from its codes (after an index change)."""
    ids, nodes = nodes_from_database(conn, release_id)
    unindex_release(conn, release_id)
    conn.execute(text("DELETE FROM search_entry WHERE release_id = :r"), {"r": release_id})
    columns = ("id", "release_id", "code_id", "billable", "text", "terms")
    write_rows(conn, SearchEntry, columns,
               list(map(itemgetter(*columns), search_rows(release_id, ids, nodes))))
    index_release(conn, release_id)


def rebuild_missing_documents(conn: Connection) -> list[int]:
    """Rebuild the documents of every loaded release that has none; the releases rebuilt."""
    missing = conn.execute(text(
        "SELECT id FROM release r WHERE NOT EXISTS "
        "(SELECT 1 FROM search_entry s WHERE s.release_id = r.id) ORDER BY id")).scalars().all()
    for release_id in missing:
        rebuild_release(conn, release_id)
    if missing:  # the planner needs statistics on the new index (PostgreSQL above all)
        conn.execute(text("ANALYZE search_entry"))
        conn.execute(text("ANALYZE search_term"))
    return list(missing)
