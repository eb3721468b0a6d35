"""ICD-10-CM importer: the official CDC/NCHS tabular XML into one release.

The bundled release is the tabular that the ``simple-icd-10-cm`` wheel (pinned 1.5.0) ships,
the April 1 2026 update of FY2026; it is used as a data file only. Any other fiscal year's
``icd10cm-tabular-*.xml`` from the CMS/CDC release files loads with ``--file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.metadata import distribution
from pathlib import Path

from sqlalchemy import Engine

from seed.load import LoadResult, Progress, write_release
from seed.tabular import Tabular, parse_tabular

SYSTEM_ID = "ICD10CM"
SYSTEM_NAME = (
    "ICD-10-CM (International Classification of Diseases, Tenth Revision, Clinical Modification)"
)
BUNDLED_DISTRIBUTION = "simple-icd-10-cm"


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    label: str  # recorded as the release's source


def bundled_source() -> SourceFile:
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
    return SourceFile(path, f"{BUNDLED_DISTRIBUTION} {dist.version}: {path.name}")


def effective_dates(version: str) -> tuple[date, date]:
    """Fiscal year N runs from October 1 of N-1 to September 30 of N."""
    year = int(version)
    return date(year - 1, 10, 1), date(year, 9, 30)


def load(
    engine: Engine,
    *,
    path: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    parsed: Tabular | None = None,
) -> LoadResult:
    """Load the bundled release, or the tabular at ``path``. Raises TabularError on a bad file."""
    source = SourceFile(path, str(path)) if path else bundled_source()
    tabular = parsed or parse_tabular(source.path)
    start, end = effective_dates(tabular.version)
    return write_release(
        engine,
        system_id=SYSTEM_ID,
        system_name=SYSTEM_NAME,
        tabular=tabular,
        source=source.label,
        effective_from=start,
        effective_to=end,
        force=force,
        progress=progress,
    )
