"""A release's typo index: the symmetric-delete (SymSpell) table behind "did you mean".

Every indexed word of four letters or more is stored with every string one or two deletions
away from it (``pneumonia``: ``pnumonia``, ``peumonia``, ...), each as a 64-bit key: the
string's CRC-32 above the word's number in :func:`spell_words`. A query word's own deletions are
looked up in the sorted keys; a hit names a candidate word, which the lexicon then checks with
the optimal-string-alignment distance, so a hash collision only costs one check.

The table is built when a release's documents are indexed and stored in ``search_spelling``
(4 MB for ICD-10-CM: little-endian int64s, with the format and the word list's digest).
Building it is 80% of a dictionary's load (0.6 s per ICD-10 release on a fast machine), and
every process that searches, or warms up to search, would otherwise build it again (reading
it takes a fifteenth of the time). CRC-32, not ``hash()``: ``hash()`` of a ``str`` differs
between processes. Change :data:`FORMAT` with anything that changes the keys: a stored table of
another format, or of other words, is ignored and built again in memory.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable
from typing import AnyStr

MAX_EDITS = 2
FORMAT = 1
OWNER_BITS = 20  # words per release, at most a million
OWNER_MASK = (1 << OWNER_BITS) - 1


def max_edits(word: str) -> int:
    """Edits forgiven in a word of this length: none below 4 letters, one below 7, then two."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 7 else MAX_EDITS


def deletions(word: AnyStr, depth: int) -> set[AnyStr]:
    """The word and every string one or ``depth`` (at most two) deletions away from it (of a
    ``str``'s characters, or of ``bytes``)."""
    out = {word}
    for i in range(len(word)):
        one = word[:i] + word[i + 1:]
        out.add(one)
        if depth > 1:  # the second deletion at or after the first: each pair once
            out.update(one[:j] + one[j + 1:] for j in range(i, len(one)))
    return out


def key(deleted: str) -> int:
    """The first key a deletion's entries can have (its owners follow in the low bits)."""
    return zlib.crc32(deleted.encode()) << OWNER_BITS


def spell_words(words: Iterable[str]) -> list[str]:
    """The words the index corrects to, in the order the keys number them."""
    return sorted(w for w in words if len(w) >= 4 and w.isalpha())


def digest(words: list[str]) -> int:
    """The CRC-32 of the word list: a stored table is used only with the words it numbers."""
    return zlib.crc32("\n".join(words).encode())


def build(words: list[str]) -> array:
    """The sorted keys of every deletion of each of ``words`` (from :func:`spell_words`)."""
    crc, keys = zlib.crc32, []
    for i, w in enumerate(words):
        # An ASCII word's deletions taken of its bytes (the same strings' UTF-8, made faster);
        # any other word's of its characters, never splitting one (key() hashes UTF-8)
        if w.isascii():
            keys.extend([(crc(d) << OWNER_BITS) | i for d in deletions(w.encode(), MAX_EDITS)])
        else:
            keys.extend([(crc(d.encode()) << OWNER_BITS) | i for d in deletions(w, MAX_EDITS)])
    keys.sort()
    return array("q", keys)


def to_bytes(keys: array) -> bytes:
    stored = array("q", keys)
    if sys.byteorder != "little":
        stored.byteswap()
    return stored.tobytes()


def from_bytes(data: bytes) -> array:
    keys = array("q")
    keys.frombytes(data)
    if sys.byteorder != "little":
        keys.byteswap()
    return keys
