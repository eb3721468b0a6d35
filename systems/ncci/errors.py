"""The one error an NCCI file can raise: what is wrong, and where (one line for the operator)."""

from __future__ import annotations


class NcciFileError(ValueError):
    def __init__(self, problem: str, record: int | None = None) -> None:
        super().__init__(f"record {record}: {problem}" if record is not None else problem)
        self.problem = problem
        self.record = record
