"""The bundled files, read once per test session (plain cached functions, not fixtures).

The prescribed command runs pytest with ``--noconftest``, which would skip a conftest.py, so
the tests call these functions instead of asking for fixtures.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import openpyxl  # type: ignore[import-untyped, unused-ignore]

from systems.hcpcs.bundled import DATA
from systems.hcpcs.parse import HcpcsFile, read_hcpcs
from tests.databases import run_cache

JAN_TXT = DATA / "HCPC2026_JAN_ANWEB_01122026.txt.gz"
OCT_XLSX = DATA / "HCPC2025_OCT_ANWEB_v4.xlsx"


@cache
def jan() -> HcpcsFile:
    return read_hcpcs(JAN_TXT)


@run_cache  # 5 s of openpyxl: read once per run, shared by the workers
def oct_() -> HcpcsFile:
    return read_hcpcs(OCT_XLSX)


@cache
def raw_txt_lines() -> tuple[bytes, ...]:
    """The January file's lines as bytes, split on CRLF (the last, empty piece dropped)."""
    data = gzip.decompress(JAN_TXT.read_bytes())
    assert data.endswith(b"\r\n")
    return tuple(data[:-2].split(b"\r\n"))


@run_cache  # 5 s of openpyxl: read once per run, shared by the workers
def raw_xlsx_rows() -> tuple[tuple[object, ...], ...]:
    """The October workbook's rows as openpyxl gives them, header first."""
    workbook = openpyxl.load_workbook(OCT_XLSX, read_only=True)
    try:
        return tuple(tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def write(path: Path, lines: list[bytes], *, terminator: bytes = b"\r\n") -> Path:
    """A small fixed-width file made of ``lines``."""
    path.write_bytes(b"".join(line + terminator for line in lines))
    return path
