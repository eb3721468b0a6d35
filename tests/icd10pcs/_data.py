"""The bundled files, read once per test session (plain cached functions, not fixtures: the
suite may run with ``--noconftest``)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from systems.icd10pcs.bundled import bundled_files
from systems.icd10pcs.definitions import PcsDefinitions, read_definitions
from systems.icd10pcs.index import PcsIndex, read_index
from systems.icd10pcs.tables import PcsCode, PcsTables, expand, read_tables

DATA = Path(__file__).resolve().parent / "data"
TITLE_DIGESTS = DATA / "official_title_digests_2026.txt.gz"


@cache
def tables() -> PcsTables:
    return read_tables(bundled_files().tables)


@cache
def codes() -> tuple[PcsCode, ...]:
    return tuple(expand(tables()))


@cache
def code_map() -> dict[str, PcsCode]:
    return {code.code: code for code in codes()}


@cache
def definitions() -> PcsDefinitions:
    return read_definitions(bundled_files().definitions)


@cache
def index() -> PcsIndex:
    return read_index(bundled_files().alphabetic_index)


@cache
def official_title_digests() -> dict[str, str]:
    """Code -> first 8 hex digits of the SHA-256 of its official FY2026 long title."""
    with gzip.open(TITLE_DIGESTS, "rt", encoding="ascii") as stream:
        return dict(line.split() for line in stream if line.strip())
