"""The search documents the importer writes, and their rebuild from the database."""

from __future__ import annotations

from sqlalchemy import Engine, text

from seed.search_index import rebuild_release


def _doc(engine: Engine, release_id: int, code: str) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text(
            "SELECT e.text FROM search_entry e JOIN code c ON c.id = e.code_id "
            "WHERE c.release_id = :r AND c.code = :c"), {"r": release_id, "c": code}).scalar_one())


def test_a_default_child_inherits_its_parents_entries(engine: Engine, release_id: int) -> None:
    assert "HN shingles" in _doc(engine, release_id, "B02.9").split("\n")
    assert "HN diabetes ~nos" in _doc(engine, release_id, "E11.9").split("\n")
    assert "shingles" not in _doc(engine, release_id, "B02.1")  # not the default child


def test_a_7th_character_code_inherits_with_its_meaning(engine: Engine, release_id: int) -> None:
    a = _doc(engine, release_id, "S72.009A").split("\n")
    assert a[0].endswith("~initial ~encounter ~closed ~fracture")  # A is the default: free
    assert any(line.startswith("H") and "hip" in line for line in a)
    d = _doc(engine, release_id, "S72.009D").split("\n")
    assert d[0].endswith("subsequent encounter closed fracture routine healing")


def test_collocations_cost_nothing(engine: Engine, release_id: int) -> None:
    assert _doc(engine, release_id, "E11").startswith("O type 2 diabetes ~mellitus")


def test_ids_carry_rank_and_billable_bit(engine: Engine, release_id: int) -> None:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT e.id, c.billable, e.billable FROM search_entry e "
            "JOIN code c ON c.id = e.code_id WHERE c.release_id = :r"), {"r": release_id}).all()
        codes = conn.execute(text("SELECT count(*) FROM code WHERE release_id = :r"),
                             {"r": release_id}).scalar_one()
        words = conn.execute(text("SELECT count(*) FROM search_term WHERE release_id = :r"),
                             {"r": release_id}).scalar_one()
    assert len(rows) == codes and words > 10_000
    assert all(i % 2 == int(b) == int(eb) for i, b, eb in rows)
    ids = sorted(i // 2 for i, _, _ in rows)
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # one contiguous range


def test_rebuild_from_the_database_matches_the_import(engine: Engine, release_id: int) -> None:
    """What the 0003 migration does for releases already loaded."""
    query = text("SELECT id, code_id, billable, text, terms FROM search_entry "
                 "WHERE release_id = :r ORDER BY id")
    words = text("SELECT word, stem, df FROM search_term WHERE release_id = :r ORDER BY word")
    typos = text("SELECT format, digest, deletions FROM search_spelling WHERE release_id = :r")
    with engine.connect() as conn:
        before = conn.execute(query, {"r": release_id}).all()
        vocabulary = conn.execute(words, {"r": release_id}).all()
        spelling = tuple(conn.execute(typos, {"r": release_id}).one())
        try:  # in the connection's transaction, rolled back
            rebuild_release(conn, release_id)
            assert conn.execute(query, {"r": release_id}).all() == before
            assert conn.execute(words, {"r": release_id}).all() == vocabulary
            assert tuple(conn.execute(typos, {"r": release_id}).one()) == spelling
            if conn.dialect.name == "sqlite":
                fts = conn.execute(text(
                    "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'diabet'")).scalar()
                assert fts == conn.execute(text(
                    "SELECT count(*) FROM search_entry WHERE ' ' || terms || ' ' "
                    "LIKE '% diabet %'")).scalar()
        finally:
            conn.rollback()
