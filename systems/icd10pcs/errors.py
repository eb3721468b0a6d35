"""The one exception the readers raise for a file they cannot take."""

from __future__ import annotations


class PcsFileError(ValueError):
    """An ICD-10-PCS file that is not what CMS publishes.

    The message is one line naming the file and what is wrong, so a loader can show it as is.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
