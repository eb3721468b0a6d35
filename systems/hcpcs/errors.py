"""The one exception the readers raise for a file they cannot take."""

from __future__ import annotations

from domain.spec import LocatedFileError


class HcpcsFileError(LocatedFileError):
    """A release file that is not what the record layout describes (file, line or row, and
    what is wrong)."""
