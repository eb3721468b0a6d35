"""The release files bundled with the project (CMS publications, public domain).

``data/`` holds, byte for byte as CMS published them (the text files gzip-compressed):

- ``HCPC2025_OCT_ANWEB_v4.xlsx``: October 2025 quarterly file (release 2025-10);
- ``HCPC2026_JAN_ANWEB_01122026.txt.gz``: January 2026 annual file (release 2026-01);
- ``HCPC2026_recordlayout.txt.gz``: the record layout both follow (see ``layout``);
- ``proc_notes_JAN2026.txt.gz``: the processing notes the records' note numbers refer to.
"""

from __future__ import annotations

from pathlib import Path

from .parse import release_of

DATA = Path(__file__).resolve().parent / "data"
LAYOUT_FILE = DATA / "HCPC2026_recordlayout.txt.gz"
NOTES_FILE = DATA / "proc_notes_JAN2026.txt.gz"


def bundled_files() -> list[Path]:
    """The bundled release files (``HCPC*_ANWEB*``), oldest release first."""
    files = [path for path in DATA.iterdir()
             if path.name.upper().startswith("HCPC") and "_ANWEB" in path.name.upper()]
    return sorted(files, key=lambda path: release_of(path.name)[1])
