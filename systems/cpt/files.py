"""The files of a CPT release as ``--file`` names them: a folder of the AMA's data files, a
``.zip`` of them, one of those files alone, or one CSV in medcode's own layout.

Which file is which goes by its name, as the AMA names them (any case, anywhere in the folder
or archive): ``LONGULT.txt``, ``MEDU.txt``, ``SHORTU.txt``, ``MODUL.txt``,
``ConsumerDescriptor.txt`` (or ``.xlsx``), ``ClinicianDescriptor.txt`` (or ``.xlsx``). The rest
of a release folder (PDFs, the upper-case and fixed-width variants of the long descriptors,
other products' files) is not read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from systems.cpt.errors import CptFileError


class Layout(StrEnum):
    LONG = "LONGULT.txt"  # long descriptors, upper and lower case, tab after the code
    MEDIUM = "MEDU.txt"  # medium descriptors, upper case, fixed width
    SHORT = "SHORTU.txt"  # short descriptors, upper case, fixed width
    MODIFIERS = "MODUL.txt"  # the modifiers (Appendix A), as text paragraphs
    CONSUMER = "ConsumerDescriptor"  # consumer friendly descriptors, tab-delimited or .xlsx
    CLINICIAN = "ClinicianDescriptor"  # clinician descriptors, tab-delimited or .xlsx
    CSV = "code,kind,text"  # medcode's own CSV layout


BY_NAME: dict[str, Layout] = {
    "longult.txt": Layout.LONG, "medu.txt": Layout.MEDIUM, "shortu.txt": Layout.SHORT,
    "modul.txt": Layout.MODIFIERS,
    "consumerdescriptor.txt": Layout.CONSUMER, "consumerdescriptor.xlsx": Layout.CONSUMER,
    "cliniciandescriptor.txt": Layout.CLINICIAN, "cliniciandescriptor.xlsx": Layout.CLINICIAN,
}
READS = ("LONGULT.txt, MEDU.txt, SHORTU.txt, MODUL.txt, ConsumerDescriptor.txt, "
         "ClinicianDescriptor.txt")
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass(frozen=True, slots=True)
class DataFile:
    """One file of the release, read into memory."""

    name: str  # as messages name it, within what --file names: ``standard/LONGULT.txt``
    layout: Layout
    data: bytes

    @property
    def is_workbook(self) -> bool:
        return self.name.lower().endswith(".xlsx")


@dataclass(frozen=True, slots=True)
class Release:
    """What ``--file`` named: its files, and the years its names mention."""

    files: list[DataFile]
    name_years: set[str]


def _layout(name: str) -> Layout | None:
    return BY_NAME.get(PurePosixPath(name).name.lower())


def _years(*names: str) -> set[str]:
    return {y for n in names for y in YEAR.findall(n)}


def _pick(found: list[tuple[str, Layout, bytes]], where: str) -> list[DataFile]:
    seen: dict[Layout, str] = {}
    for name, layout, _ in found:
        if layout in seen:
            raise CptFileError(where, f"holds two {layout.value} files ({seen[layout]} and "
                               f"{name}): point --file at one release's folder")
        seen[layout] = name
    if not found:
        raise CptFileError(where, f"holds none of the CPT data files ({READS})")
    return [DataFile(name, layout, data) for name, layout, data in found]


def _folder(path: Path) -> Release:
    found = []
    relative = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        layout = _layout(rel)
        if layout is not None:
            found.append((rel, layout, file.read_bytes()))
            relative.append(rel)
    return Release(_pick(found, path.name or str(path)), _years(path.name, *relative))


def _archive(path: Path) -> Release:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            found = [(m.filename, layout, archive.read(m))
                     for m in members if (layout := _layout(m.filename)) is not None]
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # RuntimeError: encrypted
        raise CptFileError(path.name, f"not a readable .zip archive ({exc})") from None
    return Release(_pick(found, path.name), _years(path.name, *(n for n, _, _ in found)))


def open_release(path: Path) -> Release:
    """The files ``path`` names; CptFileError when it holds nothing this importer reads."""
    if path.is_dir():
        return _folder(path)
    if path.suffix.lower() == ".zip":
        return _archive(path)
    layout = Layout.CSV if path.suffix.lower() == ".csv" else _layout(path.name)
    if layout is None:
        raise CptFileError(path.name, f"not a CPT data file this importer reads ({READS}, a "
                           ".zip or folder of them, or a code,kind,text CSV)")
    return Release([DataFile(path.name, layout, path.read_bytes())], _years(path.name))


def decode(file: DataFile) -> list[str]:
    """The file's lines: UTF-8 (with or without a byte order mark), UTF-16 with its mark, or
    else Windows-1252, as the AMA's own loaders read the ``.txt`` files."""
    data = file.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if file.layout is Layout.CSV:
                raise CptFileError(file.name, "not UTF-8 text: save the CSV as UTF-8") from None
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise CptFileError(file.name, "neither UTF-8 nor Windows-1252 text (byte "
                                   f"{exc.start})") from None
    if "\x00" in text:
        raise CptFileError(file.name, "holds NUL bytes: not a text file")
    return [line.rstrip("\r") for line in text.split("\n")]
