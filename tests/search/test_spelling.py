"""The typo index stored with each release (``search_spelling``) and read by every process."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from itertools import combinations

import pytest
from sqlalchemy import Connection, Engine, text

from domain.db import make_engine
from domain.search import spelling
from domain.search.lexicon import _load
from seed.search_index import spell_missing_releases
from tests.databases import Databases

READ = text("SELECT format, digest, deletions FROM search_spelling WHERE release_id = :r")


def _words(conn: Connection, release_id: int) -> list[str]:
    return list(conn.execute(text("SELECT word FROM search_term WHERE release_id = :r"),
                             {"r": release_id}).scalars())


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


def test_keys_are_every_deletion_of_every_word_in_every_process() -> None:
    """CRC-32 of the deletion's UTF-8, not ``hash()`` (salted per process): a stored key is a
    constant, whatever the word's letters."""
    # `printf pneumonia | gzip | tail -c8` starts with this CRC-32 (little-endian)
    assert spelling.key("pneumonia") == 0x9F8EA961 << spelling.OWNER_BITS
    rng = random.Random(5)
    words = sorted({"".join(rng.choice("abcdeéñ") for _ in range(rng.randrange(4, 10)))
                    for _ in range(500)})
    expected = sorted(
        (zlib.crc32(d.encode()) << spelling.OWNER_BITS) | i
        for i, w in enumerate(words)
        for d in {w} | {"".join(c for k, c in enumerate(w) if k not in gone)
                        for n in (1, 2) for gone in combinations(range(len(w)), n)})
    keys = spelling.build(words)
    assert list(keys) == expected
    assert spelling.to_bytes(keys)[:8] == keys[0].to_bytes(8, "little")
    assert spelling.from_bytes(spelling.to_bytes(keys)) == keys


def test_a_process_reads_the_stored_index_without_building_one(
        engine: Engine, release_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_build(words: list[str]) -> None:
        raise AssertionError("the stored index was built again")

    monkeypatch.setattr(spelling, "build", no_build)
    with engine.connect() as conn:
        lex = _load(conn, release_id)
        stored = conn.execute(READ, {"r": release_id}).one()[2]
    assert spelling.to_bytes(lex._deletions) == bytes(stored)
    assert lex.corrections("pnuemonia")[0] == ("pneumonia", 1)
    assert lex.corrections("hypothyrodism")[0] == ("hypothyroidism", 1)


@pytest.fixture(scope="module")
def small(backend: str, databases: Databases) -> Iterator[Engine]:
    """A copy of the ICD-10-CM excerpt's template (a few hundred codes: a cheap index)."""
    engine = make_engine(databases.settings(backend, "icd10cm_excerpt", "spelling"))
    yield engine
    engine.dispose()


@pytest.mark.parametrize("damage", [
    "DELETE FROM search_spelling WHERE release_id = :r",
    "UPDATE search_spelling SET format = format + 1 WHERE release_id = :r",
    "UPDATE search_spelling SET digest = digest + 1 WHERE release_id = :r",
])
def test_a_missing_or_stale_index_is_built_in_memory_and_written_by_migrate(
        small: Engine, damage: str) -> None:
    """A release loaded before migration 0009 (or by another format) still corrects typos, and
    ``medcode migrate`` stores its index (``spell_missing_releases``)."""
    with small.connect() as conn:
        release_id = conn.execute(text("SELECT id FROM release")).scalar_one()
        before = tuple(conn.execute(READ, {"r": release_id}).one())
        try:  # in the connection's transaction, rolled back
            conn.execute(text(damage), {"r": release_id})
            lex = _load(conn, release_id)
            assert spelling.to_bytes(lex._deletions) == before[2]
            assert lex.corrections("diabtes")[0] == ("diabetes", 1)
            if "digest" not in damage:  # a digest of other words is the words' business
                assert spell_missing_releases(conn) == [release_id]
                assert tuple(conn.execute(READ, {"r": release_id}).one()) == before
            assert spell_missing_releases(conn) == []
        finally:
            conn.rollback()
