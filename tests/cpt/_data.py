"""The synthetic CPT fixtures (``data/``): files in the AMA's layouts and in medcode's CSV
layout, with invented descriptors that all carry the marker word ``zorb`` (see
``test_marker.py``). No AMA text is ever written into this repository."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
RELEASE = DATA / "release2026"  # a data file release folder, as the AMA lays it out
CSV = DATA / "cpt2026.csv"  # medcode's code,kind,text layout
MARKER = "zorb"
CONSUMER = Path("Consumer Friendly Descriptors") / "ConsumerDescriptor.txt"
CLINICIAN = Path("Clinician Descriptors") / "ClinicianDescriptor.txt"


def copy_release(into: Path, name: str = "release2026") -> Path:
    """A copy of the release folder to change a file of."""
    return Path(shutil.copytree(RELEASE, into / name))


def zipped(folder: Path, into: Path, name: str = "CPT 2026 data files.zip") -> Path:
    """The folder as an archive, its files under ``standard/`` as the AMA ships them."""
    path = into / name
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, "standard/" + file.relative_to(folder).as_posix())
    return path


def edit_line(path: Path, number: int, line: str, encoding: str = "cp1252") -> None:
    """Replace line ``number`` (1-based) of a CRLF text file."""
    lines = path.read_bytes().decode(encoding).split("\r\n")
    lines[number - 1] = line
    path.write_bytes("\r\n".join(lines).encode(encoding))


def line_of(path: Path, code: str, encoding: str = "cp1252") -> int:
    """The (1-based) number of the line of ``code``."""
    lines = path.read_bytes().decode(encoding).split("\r\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(code))
