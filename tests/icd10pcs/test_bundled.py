"""The bundled files are CMS's, byte for byte; every reader takes .xml and .xml.gz alike."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from systems.icd10pcs.bundled import SHA256, bundled_files
from systems.icd10pcs.definitions import read_definitions
from systems.icd10pcs.index import read_index
from systems.icd10pcs.tables import read_tables

from ._data import definitions, index, tables

# as listed in shared/data/README.md for the files CMS published
PUBLISHED = {
    "icd10pcs_tables_2026.xml": "8a9020bde754a93826ae122ac6bb293271a167e34c05181f1789b5fd3038e96a",
    "icd10pcs_definitions_2026.xml":
        "920d19c11639063bca0632e2dd230998b3137429702d0d6df143a285bb1167da",
    "icd10pcs_index_2023.xml": "3bd20fbd7dc9f9bd999d7f7ff10e6049df07cd390ac2e333db0201eff25244c2",
}


def test_bundled_files_decompress_to_the_published_bytes() -> None:
    files = bundled_files()
    assert [path.name for path in files] == [f"{name}.gz" for name in PUBLISHED]
    for path in files:
        digest = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()
        assert digest == PUBLISHED[path.name.removesuffix(".gz")] == SHA256[path.name]


def test_readers_take_plain_xml_too(tmp_path: Path) -> None:
    files = bundled_files()
    plain = {}
    for path in files:
        target = tmp_path / path.name.removesuffix(".gz")
        target.write_bytes(gzip.decompress(path.read_bytes()))
        plain[path] = target
    assert read_tables(plain[files.tables]).tables == tables().tables
    assert read_definitions(plain[files.definitions]).definitions == definitions().definitions
    assert read_index(plain[files.alphabetic_index]).entries == index().entries
