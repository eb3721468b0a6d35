"""The typo index stored with each release (``search_spelling``) and read by every process."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Connection, Engine, text

from domain.search import spelling
from domain.search.lexicon import Lexicon, _load
from seed.search_index import spell_missing_releases

READ = text("SELECT format, digest, deletions FROM search_spelling WHERE release_id = :r")


def _words(conn: Connection, release_id: int) -> list[str]:
    return list(conn.execute(text("SELECT word FROM search_term WHERE release_id = :r"),
                             {"r": release_id}).scalars())


def _typos(lex: Lexicon, n: int) -> list[str]:
    """``n`` words of the release, each with one letter dropped and one vowel added."""
    rng = random.Random(7)
    words = sorted(w for w in lex.word_stem if len(w) >= 5 and w.isalpha())
    out = []
    for w in rng.sample(words, n):
        i = rng.randrange(len(w))
        out.append(w[:i] + w[i + 1:] + rng.choice("aeiou"))
    return out


def test_the_stored_index_is_the_one_built_from_the_words(engine: Engine,
                                                          release_id: int) -> None:
    with engine.connect() as conn:
        fmt, digest, stored = conn.execute(READ, {"r": release_id}).one()
        words = spelling.spell_words(_words(conn, release_id))
    assert fmt == spelling.FORMAT and digest == spelling.digest(words)
    assert len(words) > 10_000
    keys = spelling.from_bytes(bytes(stored))
    assert keys == spelling.build(words)
    assert len(keys) > 20 * len(words)  # every word with its one and two deletions


def test_keys_are_the_same_in_every_process() -> None:
    """CRC-32 of the string, not ``hash()`` (salted per process): a stored key is a constant."""
    # `printf pneumonia | gzip | tail -c8` starts with this CRC-32 (little-endian)
    assert spelling.key("pneumonia") == 0x9F8EA961 << spelling.OWNER_BITS
    keys = spelling.build(["abcd"])
    assert spelling.to_bytes(keys)[:8] == keys[0].to_bytes(8, "little")
    assert spelling.from_bytes(spelling.to_bytes(keys)) == keys


def test_a_stored_index_corrects_as_one_built_in_memory(engine: Engine, release_id: int) -> None:
    with engine.connect() as conn:
        stored = _load(conn, release_id)
    built = Lexicon(dict(stored.word_stem), dict(stored.word_df), stored.documents,
                    stored.id_range)
    typos = _typos(stored, 400)
    assert [stored.corrections(t) for t in typos] == [built.corrections(t) for t in typos]
    assert sum(1 for t in typos if stored.corrections(t)) > 300
    assert stored.corrections("pnuemonia")[0] == ("pneumonia", 1)


@pytest.mark.parametrize("damage", [
    "DELETE FROM search_spelling WHERE release_id = :r",
    "UPDATE search_spelling SET format = format + 1 WHERE release_id = :r",
    "UPDATE search_spelling SET digest = digest + 1 WHERE release_id = :r",
])
def test_a_missing_or_stale_index_is_built_in_memory_and_written_by_migrate(
        engine: Engine, release_id: int, damage: str) -> None:
    """A release loaded before migration 0009 (or by another format) still corrects typos, and
    ``medcode migrate`` stores its index (``spell_missing_releases``)."""
    with engine.connect() as conn:
        before = conn.execute(READ, {"r": release_id}).one()
        try:  # in the connection's transaction, rolled back
            conn.execute(text(damage), {"r": release_id})
            lex = _load(conn, release_id)
            assert lex.corrections("pnuemonia")[0] == ("pneumonia", 1)
            assert lex.corrections("diabtes")[0] == ("diabetes", 1)
            if damage.startswith("DELETE") or "format" in damage:
                assert release_id in spell_missing_releases(conn)
                assert tuple(conn.execute(READ, {"r": release_id}).one()) == tuple(before)
            assert spell_missing_releases(conn) == []
        finally:
            conn.rollback()
