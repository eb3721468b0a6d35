"""A claim's procedure lines checked the way Medicare's NCCI edits check them, with its line codes
and diagnoses checked by their systems' own validation rules.

- ``PTP_CONFLICT``: two lines on one date of service whose codes are a PTP pair in force on it
  (the edit's effective date on or before the date, its deletion date, the last day it applies,
  on or after it). Modifier indicator 0: nothing bypasses it; 1: a PTP-associated modifier
  (``systems.ncci.modifiers.PTP_BYPASS``) on either line does; 9: no longer an edit. The
  column-2 line is the one denied.
- ``MUE_EXCEEDED``: adjudication indicator 1 checks each line's units; 2 and 3 the units of the
  code over all lines of one date.
- ``ADD_ON_WITHOUT_PRIMARY``: an add-on code none of whose primaries is on a line of the same
  date (types 1 and 3; type 2 has no list, so only an add-on alone on its date is reported).
- ``UNKNOWN_MODIFIER``, and the line codes' and diagnoses' own findings (``UNKNOWN_CODE``,
  ``NOT_VALID_ON_DATE``...) from their systems' rules (``CodeSystemSpec.validate``).

The NCCI tables used are those of the quarter in force on the claim's date of service (default:
the latest line date, else the newest quarter); a date before the oldest loaded quarter uses
that quarter, whose edits carry their own dates. The PTP lookup is one statement whatever the
number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, text

from domain.ncci import (
    AddOnRow,
    NcciKind,
    NcciQuarter,
    NcciSetting,
    PtpRow,
    kept_add_ons,
    kept_mues,
    loaded_quarters,
    ptp_between,
)
from domain.releases import ReleaseRow, release_for
from domain.rows import CodeRow
from domain.validation.findings import KIND_ORDER, FindingKind, Severity
from systems import SPECS
from systems.ncci.modifiers import CPT_MODIFIERS, PTP_BYPASS

MAX_LISTED = 10  # primary codes named in a message
DIAGNOSIS_SYSTEM = "ICD10CM"
CPT = "CPT"
HCPCS = "HCPCS"


class ClaimInputError(ValueError):
    """A claim that cannot be checked at all (one line for the caller)."""


@dataclass(frozen=True, slots=True)
class ClaimLine:
    system: str
    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    date_of_service: date | None = None


@dataclass(slots=True)
class ClaimFinding:
    severity: Severity
    kind: FindingKind
    lines: list[int]
    diagnoses: list[int]
    codes: list[str]
    message: str
    suggestions: list[CodeRow] = field(default_factory=list)


@dataclass(slots=True)
class ClaimResult:
    findings: list[ClaimFinding]
    setting: NcciSetting
    ptp: NcciQuarter | None
    mue: NcciQuarter | None
    add_on: NcciQuarter | None
    code_releases: list[ReleaseRow]

    @property
    def valid(self) -> bool:
        return all(f.severity != Severity.ERROR for f in self.findings)


@dataclass(slots=True)
class _Line:
    index: int
    line: ClaimLine
    key: str  # the code's lookup form (``96413``, ``J9035``); "" when it cannot be a code
    label: str  # the canonical code when known, else the input
    dos: date | None
    modifiers: tuple[str, ...]


MODIFIERS = text("SELECT key FROM code WHERE release_id = :r AND level = 'MODIFIER'")
_MODIFIERS: dict[ReleaseRow, frozenset[str]] = {}


def _modifiers_of(conn: Callable[[], Connection], release: ReleaseRow) -> frozenset[str]:
    """A release's modifiers (a few hundred keys), read once per loaded release: the row (id,
    version, counts) names the release's content, a reload gets a new one."""
    found = _MODIFIERS.get(release)
    if found is None:
        found = frozenset(r[0] for r in conn().execute(MODIFIERS, {"r": release.id}))
        if len(_MODIFIERS) > 32:
            _MODIFIERS.clear()
        _MODIFIERS[release] = found
    return found


def _order(f: ClaimFinding) -> tuple[int, int, int]:
    if f.lines:
        return (0, min(f.lines), KIND_ORDER.index(f.kind))
    return (1, min(f.diagnoses, default=0), KIND_ORDER.index(f.kind))


def _quarter(quarters: Sequence[NcciQuarter], kind: NcciKind, setting: NcciSetting,
             day: date | None) -> NcciQuarter | None:
    mine = [q for q in quarters if q.kind == kind and q.setting == setting]
    if not mine:
        return None
    if day is None:
        return mine[0]
    return next((q for q in mine if q.effective_from <= day), mine[-1])


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


class ClaimCheck:
    """One claim's check: the lines and diagnoses, the releases and tables in force."""

    def __init__(self, conn: Callable[[], Connection], releases: Sequence[ReleaseRow],
                 setting: NcciSetting, claim_date: date | None) -> None:
        self.conn = conn
        self.releases = list(releases)
        self.setting = setting
        self.claim_date = claim_date
        self.findings: list[ClaimFinding] = []
        self.used: dict[int, ReleaseRow] = {}

    def add(self, severity: Severity, kind: FindingKind, lines: Sequence[int], codes: list[str],
            message: str, suggestions: Sequence[CodeRow] = (),
            diagnoses: Sequence[int] = ()) -> None:
        self.findings.append(ClaimFinding(severity, kind, sorted(lines), list(diagnoses), codes,
                                          message, list(suggestions)))

    # --- line codes ---------------------------------------------------------------------------

    def _lines(self, lines: Sequence[ClaimLine]) -> list[_Line]:
        out = []
        for i, line in enumerate(lines):
            spec = SPECS.get(line.system)
            key = (spec.normalise(line.code) if spec else None) or ""
            if not key:
                text = "".join(line.code.split()).upper()
                key = text if text.isalnum() and len(text) <= 16 else ""
            mods = tuple(dict.fromkeys("".join(m.split()).upper() for m in line.modifiers))
            label = spec.canonical(key) if spec and key else line.code.strip()[:40]
            out.append(_Line(i, line, key, label,
                             line.date_of_service or self.claim_date, mods))
        return out

    def check_codes(self, lines: list[_Line]) -> None:
        """Each line's code by its system's rules, in the release in force on its date; the
        system's DUPLICATE warning is left out (a code on two lines is how units and
        modifiers are billed)."""
        groups: dict[tuple[str, int | None], list[_Line]] = defaultdict(list)
        for ln in lines:
            release = release_for(self.releases, ln.line.system, ln.dos)
            groups[(ln.line.system, release.id if release else None)].append(ln)
        for (system, release_id), members in groups.items():
            spec = SPECS.get(system)
            release = next((r for r in self.releases if r.id == release_id), None)
            if spec is None or release is None:
                loaded = [r for r in self.releases if r.system_id == system]
                why = (f"no {system} release loaded here covers "
                       f"{members[0].dos.isoformat() if members[0].dos else 'that date'}"
                       if loaded else f"no {system} release is loaded")
                self.add(Severity.WARNING, FindingKind.UNKNOWN_CODE,
                         [m.index for m in members], [m.label for m in members],
                         f"The {system} code{'s' if len(members) > 1 else ''} "
                         f"{', '.join(m.label for m in members)} could not be checked: {why}. "
                         "The NCCI edits still apply to them by code number.")
                continue
            self.used[release.id] = release
            others = [r for r in self.releases if r.system_id == system and r.id != release.id]
            # one validation per distinct date (a code's own dates decide NOT_VALID_ON_DATE)
            by_date: dict[date | None, list[_Line]] = defaultdict(list)
            for m in members:
                by_date[m.dos].append(m)
            for dos, dated in by_date.items():
                result = spec.validate(self.conn, release, others, [m.line.code for m in dated],
                                       dos)
                for f in result.findings:
                    if f.kind == FindingKind.DUPLICATE:
                        continue
                    at = [dated[p].index for p in f.positions if p < len(dated)]
                    self.add(Severity(f.severity), FindingKind(f.kind), at, f.codes, f.message,
                             f.suggestions)

    def check_modifiers(self, lines: list[_Line]) -> None:
        wanted = sorted({m for ln in lines for m in ln.modifiers})
        if not wanted:
            return
        sources = [r for r in (release_for(self.releases, HCPCS, self.claim_date),
                               release_for(self.releases, CPT, self.claim_date)) if r]
        known: set[str] = set()
        for release in sources:
            known |= _modifiers_of(self.conn, release)
        if not any(r.system_id == CPT for r in sources):
            known |= CPT_MODIFIERS
        for ln in lines:
            for mod in ln.modifiers:
                if mod not in known:
                    shown = mod if len(mod) <= 8 else mod[:8] + "…"
                    self.add(Severity.ERROR, FindingKind.UNKNOWN_MODIFIER, [ln.index],
                             [ln.label],
                             f'Line {ln.index + 1} ({ln.label}): "{shown}" is not an HCPCS Level '
                             "II or CPT modifier. A modifier is two characters (59, XS, LT, 25).")

    # --- NCCI ---------------------------------------------------------------------------------

    def check_ptp(self, lines: list[_Line], quarter: NcciQuarter | None) -> None:
        codes = sorted({ln.key for ln in lines if ln.key})
        if quarter is None or len(codes) < 2:
            return
        pairs: dict[tuple[str, str], list[PtpRow]] = defaultdict(list)
        for row in ptp_between(self.conn(), quarter.release_ids, codes):
            pairs[(row.column1, row.column2)].append(row)
        if not pairs:
            return
        by_key: dict[str, list[_Line]] = defaultdict(list)
        for ln in lines:
            by_key[ln.key].append(ln)
        # the lines of each pair found (not every two lines of the claim), in line order
        found = sorted(((first, second, rows) for (c1, c2), rows in pairs.items()
                        for first in by_key.get(c1, ()) for second in by_key.get(c2, ())
                        if first.index != second.index and first.dos == second.dos),
                       key=lambda hit: (hit[0].index, hit[1].index))
        for first, second, rows in found:
            edit = next((r for r in rows if r.active_on(first.dos)), None)
            if edit is None or edit.modifier_indicator == 9:
                continue
            bypass = set(first.modifiers + second.modifiers) & PTP_BYPASS
            if edit.modifier_indicator == 1 and bypass:
                continue
            self._ptp_finding(first, second, edit, quarter)

    def _ptp_finding(self, col1: _Line, col2: _Line, edit: PtpRow,
                     quarter: NcciQuarter) -> None:
        when = f" on {col1.dos.isoformat()}" if col1.dos else ""
        dates = (f"in force from {edit.effective_from.isoformat()}"
                 + (f" to {edit.deleted_on.isoformat()}" if edit.deleted_on else ""))
        why = f" ({edit.rationale})" if edit.rationale else ""
        message = (f"Lines {col1.index + 1} and {col2.index + 1}: {col2.label} (column 2) is not "
                   f"paid with {col1.label} (column 1){when}: an NCCI PTP edit of the "
                   f"{quarter.quarter} {self.setting.value.lower()} table{why}, {dates}, "
                   f"modifier indicator {edit.modifier_indicator}. Line {col2.index + 1} is "
                   "denied. ")
        if edit.modifier_indicator == 0:
            message += ("Indicator 0: no modifier bypasses this edit; report only "
                        f"{col1.label}, or {col2.label} alone if that is the service performed.")
        else:
            message += ("Indicator 1: a PTP-associated modifier on either line bypasses it "
                        "when the services were truly distinct (a separate encounter, "
                        "structure, practitioner or non-overlapping service: XE, XS, XP, XU or "
                        "59; an anatomic modifier such as LT/RT or F1-F9; 24, 25, 57, 58, 78, "
                        "79, 27 or 91 where they apply); otherwise report only "
                        f"{col1.label}.")
        self.add(Severity.ERROR, FindingKind.PTP_CONFLICT, [col1.index, col2.index],
                 [col1.label, col2.label], message)

    def check_mue(self, lines: list[_Line], quarter: NcciQuarter | None) -> None:
        codes = sorted({ln.key for ln in lines if ln.key})
        if quarter is None or not codes:
            return
        mues = kept_mues(self.conn(), quarter, codes)
        per_day: dict[tuple[str, date | None], list[_Line]] = defaultdict(list)
        table = f"the {quarter.quarter} {self.setting.value.lower()} MUE table"
        for ln in lines:
            mue = mues.get(ln.key)
            if mue is None or mue.value is None:
                continue
            if mue.adjudication_indicator == 1:
                if ln.line.units > mue.value:
                    self.add(Severity.ERROR, FindingKind.MUE_EXCEEDED, [ln.index], [ln.label],
                             f"Line {ln.index + 1}: {_units(ln.line.units)} of {ln.label}, over "
                             f"its MUE of {mue.value} in {table} (adjudication indicator 1, a "
                             "claim line edit: the line's units are checked on their own). The "
                             "line is denied; units that were truly given may be reported on "
                             "another line with an appropriate modifier (76, 77, an anatomic "
                             "modifier), and a denial can be appealed.")
            else:
                per_day[(ln.key, ln.dos)].append(ln)
        for (key, dos), group in per_day.items():
            mue = mues[key]
            total = sum(g.line.units for g in group)
            if mue.value is None or total <= mue.value:
                continue
            where = (f"line {group[0].index + 1}" if len(group) == 1 else
                     "lines " + ", ".join(str(g.index + 1) for g in group))
            on = f" on {dos.isoformat()}" if dos else ""
            if mue.adjudication_indicator == 2:
                kind = ("indicator 2, a date of service edit based on policy: more units are "
                        "impossible under CMS policy, so the denial cannot be appealed; correct "
                        "the units")
            else:
                kind = ("indicator 3, a date of service edit based on clinical benchmarks: the "
                        "units over the value are denied, and a denial can be appealed with "
                        "records showing the units were given and needed")
            self.add(Severity.ERROR, FindingKind.MUE_EXCEEDED, [g.index for g in group],
                     [group[0].label],
                     f"{group[0].label}: {_units(total)}{on} ({where}), over its MUE of "
                     f"{mue.value} per day in {table} ({kind}).")

    def check_add_ons(self, lines: list[_Line], quarter: NcciQuarter | None) -> None:
        codes = sorted({ln.key for ln in lines if ln.key})
        if quarter is None or not codes:
            return
        edits = kept_add_ons(self.conn(), quarter, codes)
        for ln in lines:
            rows = [r for r in edits.get(ln.key, ()) if r.active_on(ln.dos)]
            if not rows:
                continue
            same_day = {o.key for o in lines if o.index != ln.index and o.dos == ln.dos}
            listed = [r for r in rows if r.edit_type in (1, 3)]
            if listed:
                self._listed(ln, listed, same_day, quarter)
            elif not same_day:
                self.add(Severity.WARNING, FindingKind.ADD_ON_WITHOUT_PRIMARY, [ln.index],
                         [ln.label],
                         f"Line {ln.index + 1}: {ln.label} is an add-on code (type 2 in the "
                         f"{quarter.quarter} add-on code edits) billed with no other procedure "
                         "on its date. Type 2 has no primary list (CMS writes CCCCC): the "
                         "contractor defines its primary codes; bill it with its primary "
                         "procedure.")

    def _listed(self, ln: _Line, rows: list[AddOnRow], same_day: set[str],
                quarter: NcciQuarter) -> None:
        def primary_on(r: AddOnRow) -> bool:
            d = ln.dos
            return r.primary_deleted_on is None or (d is not None and d <= r.primary_deleted_on)

        primaries = list(dict.fromkeys(r.primary_code for r in rows if primary_on(r)))
        if same_day & set(primaries):
            return
        edit_type = min(r.edit_type for r in rows)
        shown = ", ".join(primaries[:MAX_LISTED]) + (
            f" and {len(primaries) - MAX_LISTED} more" if len(primaries) > MAX_LISTED else "")
        on = f" on {ln.dos.isoformat()}" if ln.dos else ""
        if edit_type == 1:
            self.add(Severity.ERROR, FindingKind.ADD_ON_WITHOUT_PRIMARY, [ln.index], [ln.label],
                     f"Line {ln.index + 1}: {ln.label} is an add-on code (type 1 in the "
                     f"{quarter.quarter} add-on code edits) and none of its primary codes is "
                     f"billed{on}: {shown}. It is paid only with one of them; add the primary "
                     "procedure's line or remove the add-on.")
        else:
            self.add(Severity.WARNING, FindingKind.ADD_ON_WITHOUT_PRIMARY, [ln.index],
                     [ln.label],
                     f"Line {ln.index + 1}: {ln.label} is an add-on code (type 3 in the "
                     f"{quarter.quarter} add-on code edits) and none of the primary codes CMS "
                     f"lists is billed{on}: {shown}. The contractor may accept other primaries; "
                     "check its policy.")

    # --- diagnoses ----------------------------------------------------------------------------

    def check_diagnoses(self, diagnoses: Sequence[str]) -> None:
        if not diagnoses:
            return
        spec = SPECS[DIAGNOSIS_SYSTEM]
        release = release_for(self.releases, DIAGNOSIS_SYSTEM, self.claim_date)
        if release is None:
            raise ClaimInputError(f"No {spec.short_name} release loaded here covers "
                                  f"{self.claim_date or 'the claim'}: the diagnoses cannot "
                                  "be checked.")
        self.used[release.id] = release
        others = [r for r in self.releases
                  if r.system_id == DIAGNOSIS_SYSTEM and r.id != release.id]
        result = spec.validate(self.conn, release, others, diagnoses, self.claim_date)
        for f in result.findings:
            self.add(Severity(f.severity), FindingKind(f.kind), [], f.codes, f.message,
                     f.suggestions, diagnoses=f.positions)


def validate_claim(conn: Callable[[], Connection], releases: Sequence[ReleaseRow],
                   setting: NcciSetting, claim_date: date | None, diagnoses: Sequence[str],
                   lines: Sequence[ClaimLine]) -> ClaimResult:
    """Check a claim: its lines' codes and modifiers, the NCCI edits among its lines, and its
    diagnoses; findings in claim order (the lines', then the diagnoses')."""
    day = claim_date or max((ln.date_of_service for ln in lines if ln.date_of_service),
                            default=None)
    check = ClaimCheck(conn, releases, setting, day)
    prepared = check._lines(lines)
    check.check_codes(prepared)
    check.check_modifiers(prepared)
    quarters = loaded_quarters(conn())
    ptp = _quarter(quarters, NcciKind.PTP, setting, day)
    mue = _quarter(quarters, NcciKind.MUE, setting, day)
    aoc = _quarter(quarters, NcciKind.AOC, NcciSetting.ALL, day)
    check.check_ptp(prepared, ptp)
    check.check_mue(prepared, mue)
    check.check_add_ons(prepared, aoc)
    check.check_diagnoses(diagnoses)
    check.findings.sort(key=_order)
    return ClaimResult(check.findings, setting, ptp, mue, aoc, list(check.used.values()))
