"""What a validation finds: severities, kinds, and the findings themselves.

The kinds are shared by every code system; which of them a system reports, and when, is that
system's validation rules (``systems/<system>/validation.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.releases import ReleaseRow
from domain.rows import CodeRow


class Severity(StrEnum):
    ERROR = "ERROR"
    WARNING = "WARNING"


class FindingKind(StrEnum):
    UNKNOWN_CODE = "UNKNOWN_CODE"
    NOT_BILLABLE = "NOT_BILLABLE"
    MISSING_SEVENTH_CHARACTER = "MISSING_SEVENTH_CHARACTER"
    NOT_VALID_ON_DATE = "NOT_VALID_ON_DATE"
    EXCLUDES1_CONFLICT = "EXCLUDES1_CONFLICT"
    CODE_FIRST_SEQUENCE = "CODE_FIRST_SEQUENCE"
    USE_ADDITIONAL_CODE = "USE_ADDITIONAL_CODE"
    DUPLICATE = "DUPLICATE"
    INVALID_COMBINATION = "INVALID_COMBINATION"
    PTP_CONFLICT = "PTP_CONFLICT"
    MUE_EXCEEDED = "MUE_EXCEEDED"
    ADD_ON_WITHOUT_PRIMARY = "ADD_ON_WITHOUT_PRIMARY"
    UNKNOWN_MODIFIER = "UNKNOWN_MODIFIER"


# Findings are reported errors first, then warnings, each in claim order; within one position
# in this order of kinds.
KIND_ORDER = (FindingKind.UNKNOWN_CODE, FindingKind.INVALID_COMBINATION,
              FindingKind.NOT_VALID_ON_DATE, FindingKind.NOT_BILLABLE,
              FindingKind.MISSING_SEVENTH_CHARACTER, FindingKind.EXCLUDES1_CONFLICT,
              FindingKind.CODE_FIRST_SEQUENCE, FindingKind.USE_ADDITIONAL_CODE,
              FindingKind.DUPLICATE, FindingKind.UNKNOWN_MODIFIER, FindingKind.PTP_CONFLICT,
              FindingKind.MUE_EXCEEDED, FindingKind.ADD_ON_WITHOUT_PRIMARY)


@dataclass(slots=True)
class Finding:
    severity: Severity
    kind: FindingKind
    codes: list[str]
    positions: list[int]
    message: str
    suggestions: list[CodeRow] = field(default_factory=list)
    # codes named by a note, looked up in the release once every finding is known
    suggestion_keys: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Validation:
    release: ReleaseRow
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        return all(f.severity != Severity.ERROR for f in self.findings)
