"""The one exception the CPT readers raise for a file they cannot take."""

from __future__ import annotations

from domain.spec import LocatedFileError


class CptFileError(LocatedFileError):
    """A file of the release that is not what its layout says (file, line or row, and what is
    wrong)."""


def located(source: str, problem: str, at: str, number: int) -> CptFileError:
    """The error for ``line`` ``number`` of a text file, or ``row`` ``number`` of a workbook."""
    if at == "row":
        return CptFileError(source, problem, row=number)
    return CptFileError(source, problem, line=number)
