"""The fixtures are synthetic: every descriptor in them carries the marker word of this
project's invention, so that no real (AMA) descriptor can slip in unnoticed. The few lines
without it are the layouts' own structure (headings, header rows), listed here."""

from __future__ import annotations

from domain.spec import Source
from systems.cpt.files import open_release
from systems.cpt.importer import READERS
from systems.cpt.spec import CPT

from ._data import CSV, DATA, MARKER, RELEASE

STRUCTURE = {
    "Appendix A", "Anesthesia Physical Status", "Modifiers", "CPT Level I Modifiers",
    "Category II Modifiers", "Level II (HCPCS/National) Modifiers",
    "Concept Id\tCPT Code\tConsumer Friendly Descriptor",
    "Concept Id\tCPT Code\tClinician Descriptor Id\tClinician Descriptor",
    "code,kind,text",
}


def test_every_line_of_every_fixture_carries_the_marker() -> None:
    files = sorted(p for p in DATA.rglob("*") if p.is_file())
    assert len(files) == 7
    for path in files:
        for number, line in enumerate(path.read_bytes().decode("cp1252").splitlines(), 1):
            text = line.strip().lstrip("\ufeff").lstrip("ï»¿")
            if text and text not in STRUCTURE:
                assert MARKER in text.casefold(), f"{path.name}, line {number}: {text!r}"


def test_every_descriptor_the_importer_reads_carries_the_marker() -> None:
    descriptors = [d for f in open_release(RELEASE).files for d in READERS[f.layout](f)
                   .descriptors]
    descriptors += READERS[open_release(CSV).files[0].layout](open_release(CSV).files[0]) \
        .descriptors
    assert len(descriptors) > 60
    assert all(MARKER in d.text.casefold() for d in descriptors)
    for path in (RELEASE, CSV):
        release = CPT.read(Source(path, path.name))
        for node in release.nodes:
            if node.level in ("CODE", "MODIFIER"):
                texts = [node.display, *(t for _, t in node.descriptions)]
                assert all(MARKER in t.casefold() for t in texts), node.code
