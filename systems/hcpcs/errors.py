"""The one exception the readers raise for a file they cannot take."""

from __future__ import annotations


class HcpcsFileError(ValueError):
    """A release file that is not what the record layout describes.

    The message is one line naming the file (and the line or row) and what is wrong, so a
    loader can show it as is.
    """

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
