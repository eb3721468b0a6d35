"""``read_hcpcs``: one HCPCS Level II release file, either form, as records.

CMS publishes each quarterly file as ``HCPC<year>_<MON>_ANWEB...`` in a fixed-width ``.txt``
and an ``.xlsx`` holding the same records; both give identical :class:`HcpcsRecord` values.
The release is named by its file: ``HCPC2026_JAN_ANWEB_01122026.txt`` is release
``"2026-01"``, in force from 2026-01-01.  A ``.gz`` suffix is read through transparently.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import HcpcsFileError
from .fixed_width import decode, parse_text
from .records import HcpcsRecord
from .workbook import parse_workbook

__all__ = ["HcpcsFile", "HcpcsFileError", "read_hcpcs", "release_of"]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NAME = re.compile(r"HCPC(?P<year>\d{4})_(?P<month>[A-Z]{3})_ANWEB", re.IGNORECASE)
_VERSION = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")


@dataclass(frozen=True)
class HcpcsFile:
    """A release file's records (file order) and the quarter it is named for."""

    records: list[HcpcsRecord]
    version: str  # "2026-01"
    effective_from: date  # first day of the release's month
    source: str  # the file name it was read from

    def by_code(self) -> dict[str, HcpcsRecord]:
        """The records keyed by code (codes are unique within a file)."""
        return {record.code: record for record in self.records}

    @property
    def codes(self) -> list[HcpcsRecord]:
        return [record for record in self.records if not record.is_modifier]

    @property
    def modifiers(self) -> list[HcpcsRecord]:
        return [record for record in self.records if record.is_modifier]


def release_of(name: str, version: str | None = None) -> tuple[str, date]:
    """``("2026-01", date(2026, 1, 1))`` from a file name, or from an explicit ``version``."""
    if version is not None:
        match = _VERSION.fullmatch(version)
        if not match or not 1 <= int(match["month"]) <= 12:
            raise HcpcsFileError(name, f"version {version!r} is not YYYY-MM")
        year, month = int(match["year"]), int(match["month"])
    else:
        found = _NAME.search(name)
        if not found or found["month"].upper() not in MONTHS:
            raise HcpcsFileError(
                name,
                "no release quarter in the file name: keep the name CMS gives its files, "
                "HCPC<year>_<MON>_ANWEB... (e.g. HCPC2026_JAN_ANWEB.txt)",
            )
        year, month = int(found["year"]), MONTHS.index(found["month"].upper()) + 1
    return f"{year:04d}-{month:02d}", date(year, month, 1)


def _kind(name: str) -> str:
    lower = name.lower().removesuffix(".gz")
    for suffix in (".txt", ".xlsx"):
        if lower.endswith(suffix):
            return suffix
    raise HcpcsFileError(name, "unknown file type: expected .txt, .xlsx or either + .gz")


def read_hcpcs(path: str | Path, *, version: str | None = None) -> HcpcsFile:
    """Read a release file (``.txt``, ``.xlsx``, optionally ``.gz``) into an HcpcsFile.

    ``version`` ("2026-01") overrides the release read from the file name.  Anything the
    layout does not describe raises :class:`HcpcsFileError` with a one-line message.
    """
    path = Path(path)
    name = path.name
    kind = _kind(name)
    release, effective_from = release_of(name, version)
    data = path.read_bytes()  # a missing file raises FileNotFoundError, as usual
    if name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise HcpcsFileError(name, f"not a readable gzip file ({error})") from None
    if not data:
        raise HcpcsFileError(name, "empty file")
    if kind == ".xlsx":
        records = parse_workbook(data, name)
    else:
        records = parse_text(decode(data, name), name)
    return HcpcsFile(records=records, version=release, effective_from=effective_from,
                     source=name)
