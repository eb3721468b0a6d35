"""The ICD-10-PCS files bundled with the project (CMS publications, public domain).

``data/`` holds, gzip-compressed, byte for byte as CMS published them (the decompressed
SHA-256 values are those of ``shared/data/README.md``, checked by the tests):

- ``icd10pcs_tables_2026.xml.gz``: the FY2026 tables, every table and row;
- ``icd10pcs_definitions_2026.xml.gz``: the FY2026 definitions of axis values;
- ``icd10pcs_index_2023.xml.gz``: the FY2023 Alphabetic Index (the newest at hand), for search
  terms only.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent / "data"
TABLES_FILE = DATA / "icd10pcs_tables_2026.xml.gz"
DEFINITIONS_FILE = DATA / "icd10pcs_definitions_2026.xml.gz"
INDEX_FILE = DATA / "icd10pcs_index_2023.xml.gz"

# SHA-256 of each file as CMS published it (decompressed)
SHA256 = {
    TABLES_FILE.name: "8a9020bde754a93826ae122ac6bb293271a167e34c05181f1789b5fd3038e96a",
    DEFINITIONS_FILE.name: "920d19c11639063bca0632e2dd230998b3137429702d0d6df143a285bb1167da",
    INDEX_FILE.name: "3bd20fbd7dc9f9bd999d7f7ff10e6049df07cd390ac2e333db0201eff25244c2",
}


class BundledFiles(NamedTuple):
    """The paths of the bundled release files."""

    tables: Path
    definitions: Path
    alphabetic_index: Path  # ("index" would hide tuple.index)


def bundled_files() -> BundledFiles:
    """The bundled tables (FY2026), definitions (FY2026) and index (FY2023)."""
    return BundledFiles(TABLES_FILE, DEFINITIONS_FILE, INDEX_FILE)
