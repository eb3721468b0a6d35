"""ICD-10-CM importer: the official CDC/NCHS tabular XML into a parsed release.

The bundled release is the tabular that the ``simple-icd-10-cm`` wheel (pinned 1.5.0) ships,
the April 1 2026 update of FY2026; it is used as a data file only. Any other fiscal year's
``icd10cm-tabular-*.xml`` from the CMS/CDC release files loads with ``--file``.
"""

from __future__ import annotations

from datetime import date
from importlib.metadata import distribution
from pathlib import Path

from domain.parsed import ParsedRelease, Reference
from domain.spec import ImportFileError, Source
from systems.icd10cm.references import parse_references
from systems.icd10cm.resolve import Resolver
from systems.icd10cm.tabular import TabularError, parse_tabular

BUNDLED_DISTRIBUTION = "simple-icd-10-cm"


def bundled_source() -> Source:
    """The tabular XML inside the installed simple-icd-10-cm wheel.

    Found through the distribution's file list rather than by importing
    ``simple_icd_10_cm.data``: importing that package parses the whole XML (2 s, and memory
    the server would keep for nothing).
    """
    dist = distribution(BUNDLED_DISTRIBUTION)
    names = sorted(str(f) for f in dist.files or () if "icd10c-tabular" in str(f))
    if not names:
        raise FileNotFoundError(f"the {BUNDLED_DISTRIBUTION} package holds no tabular XML")
    path = Path(str(dist.locate_file(names[-1])))
    return Source(path, f"{BUNDLED_DISTRIBUTION} {dist.version}: {path.name}")


def effective_dates(version: str) -> tuple[date, date]:
    """Fiscal year N runs from October 1 of N-1 to September 30 of N."""
    year = int(version)
    return date(year - 1, 10, 1), date(year, 9, 30)


def resolve_references(release: ParsedRelease) -> None:
    """Give every node its notes' code references, resolved to the keys they denote."""
    nodes = release.nodes
    resolver = Resolver(nodes)
    for n in nodes:
        refs: list[Reference] = []
        for kind, note in n.relations:
            found = parse_references(note)
            if not found:
                refs.append(Reference(kind, note, None, []))
            for ref in found:
                keys = [nodes[i].key for i in resolver.resolve(ref)]
                refs.append(Reference(kind, note, ref.text, keys))
        n.references = refs


def read(source: Source) -> ParsedRelease:
    """Parse a tabular into a release ready to write; ImportFileError on a bad file."""
    try:
        release = parse_tabular(source.path)
    except TabularError as exc:
        raise ImportFileError(str(exc)) from None
    release.effective_from, release.effective_to = effective_dates(release.version)
    release.source = source.label
    resolve_references(release)
    return release
