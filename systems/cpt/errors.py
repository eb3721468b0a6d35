"""The one exception the CPT readers raise for a file they cannot take."""

from __future__ import annotations


class CptFileError(ValueError):
    """A file of the release that is not what its layout says: one line naming the file (and
    the line or row) and what is wrong."""

    def __init__(self, source: str, problem: str, *, line: int | None = None,
                 row: int | None = None) -> None:
        where = source
        if line is not None:
            where += f", line {line}"
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.problem = problem
        self.line = line
        self.row = row


def located(source: str, problem: str, at: str, number: int) -> CptFileError:
    """The error for ``line`` ``number`` of a text file, or ``row`` ``number`` of a workbook."""
    if at == "row":
        return CptFileError(source, problem, row=number)
    return CptFileError(source, problem, line=number)
