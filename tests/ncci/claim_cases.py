"""The claim cases of the README's table, each one a test (``test_claims.py``), against the NCCI
fixture tables (``tests/ncci/data``: practitioner PTP 2026-Q2 and 2026-Q3, outpatient PTP, the
three MUE tables and the add-on code edits of 2026-Q3), both bundled HCPCS quarters and an
ICD-10-CM excerpt. ``python -m tests.ncci.claim_cases`` prints the table as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Line = dict[str, Any]
Expected = tuple[str, list[int], list[int]]  # kind, lines, diagnoses


def line(code: str, *modifiers: str, units: int = 1, dos: str | None = None,
         system: str = "HCPCS") -> Line:
    out: Line = {"system": system, "code": code, "modifiers": list(modifiers), "units": units}
    if dos:
        out["dateOfService"] = dos
    return out


@dataclass(frozen=True)
class Case:
    name: str
    lines: list[Line]
    expected: list[Expected]
    valid: bool
    date: str | None = "2026-08-01"
    diagnoses: list[str] = field(default_factory=list)
    setting: str = "PRACTITIONER"
    says: str = ""  # a phrase the first finding's message holds
    release: str = "2026-Q3"  # the PTP quarter the answer names


CASES = [
    Case("clean claim", [line("J9035", units=10), line("J2405", units=4)], [], True),
    Case("PTP indicator 0", [line("G0438"), line("G0439")],
         [("PTP_CONFLICT", [0, 1], [])], False, says="Indicator 0: no modifier bypasses"),
    Case("PTP indicator 0, modifier 59 does not bypass", [line("G0438"), line("G0439", "59")],
         [("PTP_CONFLICT", [0, 1], [])], False, says="modifier indicator 0"),
    Case("PTP indicator 1, no modifier", [line("G0402"), line("G0403")],
         [("PTP_CONFLICT", [0, 1], [])], False, says="Indicator 1: a PTP-associated modifier"),
    Case("PTP indicator 1 bypassed by XE on the column-2 line",
         [line("G0402"), line("G0403", "XE")], [], True),
    Case("PTP indicator 1 bypassed by 25 on the column-1 line",
         [line("G0402", "25"), line("G0403")], [], True),
    Case("PTP indicator 1 bypassed by anatomic LT / RT",
         [line("G0008", "LT"), line("G0009", "RT")], [], True),
    Case("PTP indicator 1, modifier 76 is not a bypass modifier",
         [line("G0402"), line("G0403", "76")], [("PTP_CONFLICT", [0, 1], [])], False),
    Case("PTP pair deleted before the date of service (G0102/G0103 to 2025-12-31)",
         [line("G0102"), line("G0103")], [], True),
    Case("PTP pair on a date before its deletion (J2405/J1100 to 2026-08-15)",
         [line("J2405"), line("J1100")], [("PTP_CONFLICT", [0, 1], [])], False,
         date="2026-08-10", says="in force from 2020-01-01 to 2026-08-15"),
    Case("PTP pair on a date after its deletion", [line("J2405"), line("J1100")], [], True,
         date="2026-08-20"),
    Case("PTP indicator 9 (never in effect)", [line("G0121"), line("G0105")], [], True),
    Case("PTP pair with two date windows: the current one (indicator 1) applies",
         [line("G0008"), line("G0009", "XS")], [], True),
    Case("column-2 code listed first", [line("G0439"), line("G0438")],
         [("PTP_CONFLICT", [0, 1], [])], False, says="Line 1 is denied"),
    Case("lines on different dates are not paired",
         [line("G0438", dos="2026-08-01"), line("G0439", dos="2026-08-02")], [], True,
         date=None),
    Case("the quarter in force: 2026-Q2, where G0402/G0403 had indicator 0",
         [line("G0402"), line("G0403", "XE")], [("PTP_CONFLICT", [0, 1], [])], False,
         date="2026-05-15", release="2026-Q2", says="2026-Q2 practitioner table"),
    Case("OUTPATIENT tables: G0402/G0403 indicator 0 there",
         [line("G0402"), line("G0403", "XE")], [("PTP_CONFLICT", [0, 1], [])], False,
         setting="OUTPATIENT", says="2026-Q3 outpatient table"),
    Case("OUTPATIENT tables: no G0438/G0439 edit there", [line("G0438"), line("G0439")], [],
         True, setting="OUTPATIENT"),
    Case("MUE indicator 1, one line over", [line("A4550", units=2)],
         [("MUE_EXCEEDED", [0], [])], False, says="adjudication indicator 1, a claim line edit"),
    Case("MUE indicator 1 counts each line alone",
         [line("A4550"), line("A4550", "76")], [], True),
    Case("MUE indicator 3, units of the day added over lines",
         [line("J9035", units=100), line("J9035", "JW", units=100)],
         [("MUE_EXCEEDED", [0, 1], [])], False, says="can be appealed"),
    Case("MUE indicator 3, the day's units within the value",
         [line("J9035", units=100), line("J9035", "JW", units=80)], [], True),
    Case("MUE indicator 2 (policy), not appealable", [line("G0008", units=2)],
         [("MUE_EXCEEDED", [0], [])], False, says="cannot be appealed"),
    Case("MUE per day: other dates are not added",
         [line("J9035", units=100, dos="2026-08-01"), line("J9035", units=100, dos="2026-08-02")],
         [], True, date=None),
    Case("add-on type 1 without its primary", [line("G2212")],
         [("ADD_ON_WITHOUT_PRIMARY", [0], [])], False, says="99205, 99215, G0438"),
    Case("add-on type 1 with its primary", [line("G0438"), line("G2212")], [], True),
    Case("add-on type 1 with its primary on another date",
         [line("G0438", dos="2026-08-01"), line("G2212", dos="2026-08-02")],
         [("ADD_ON_WITHOUT_PRIMARY", [1], [])], False, date=None),
    Case("add-on type 3 without a listed primary (warning)", [line("G0176")],
         [("ADD_ON_WITHOUT_PRIMARY", [0], [])], True, says="type 3"),
    Case("add-on type 2 alone (no primary list: warning)", [line("G0453")],
         [("ADD_ON_WITHOUT_PRIMARY", [0], [])], True, says="Type 2 has no primary list"),
    Case("add-on type 2 with another procedure", [line("G0402"), line("G0453")], [], True),
    Case("unknown modifier", [line("G0402", "ZZ")], [("UNKNOWN_MODIFIER", [0], [])], False),
    Case("CPT modifier 59 is known (no CPT release loaded) and bypasses",
         [line("G0402", "59"), line("G0403")], [], True),
    Case("unknown line code", [line("J99999")], [("UNKNOWN_CODE", [0], [])], False),
    Case("line code terminated before the date (A9155, 2025-03-31)", [line("A9155")],
         [("NOT_VALID_ON_DATE", [0], [])], False),
    Case("a modifier sent as a line code", [line("XE")], [("NOT_BILLABLE", [0], [])], False),
    Case("CPT lines, no CPT release loaded: the edits apply by number (96425/96422)",
         [line("96425", system="CPT"), line("96422", system="CPT")],
         [("UNKNOWN_CODE", [0, 1], []), ("PTP_CONFLICT", [0, 1], [])], False,
         says="could not be checked: no CPT release is loaded"),
    Case("CPT add-on 96423 without its primary 96422",
         [line("96413", system="CPT"), line("96423", system="CPT")],
         [("UNKNOWN_CODE", [0, 1], []), ("ADD_ON_WITHOUT_PRIMARY", [1], [])], False),
    Case("CPT add-on 96423 with 96422, over its MUE of 2 (indicator 3)",
         [line("96422", system="CPT"), line("96423", system="CPT", units=3)],
         [("UNKNOWN_CODE", [0, 1], []), ("MUE_EXCEEDED", [1], [])], False),
    Case("lines and diagnoses together",
         [line("G0438"), line("G0439"), line("A4550", units=3)],
         [("PTP_CONFLICT", [0, 1], []), ("MUE_EXCEEDED", [2], []),
          ("EXCLUDES1_CONFLICT", [], [0, 1]), ("USE_ADDITIONAL_CODE", [], [0]),
          ("UNKNOWN_CODE", [], [2])], False, diagnoses=["E11.9", "E10.9", "XYZ"]),
    Case("clean lines, diagnosis findings only", [line("G0402", "25"), line("G0403")],
         [("USE_ADDITIONAL_CODE", [], [0])], True, diagnoses=["E11.9"]),
]


def table() -> str:
    rows = ["| # | case | lines (code-modifiers x units) | diagnoses | findings (0 = first line "
            "or diagnosis) | valid |", "|---|---|---|---|---|---|"]
    for i, c in enumerate(CASES, start=1):
        shown = ", ".join(
            f"{ln['code']}{''.join('-' + m for m in ln['modifiers'])}"
            + (f" x{ln['units']}" if ln["units"] != 1 else "")
            + (f" ({ln['dateOfService']})" if "dateOfService" in ln else "") for ln in c.lines)
        found = "; ".join(f"{k} " + " ".join(([f"lines {ls}"] if ls else [])
                                            + ([f"dx {ds}"] if ds else []))
                          for k, ls, ds in c.expected) or "none"
        where = f"{c.setting.lower()}, {c.date}" if c.date else c.setting.lower()
        rows.append(f"| {i} | {c.name} ({where}) | {shown} | {', '.join(c.diagnoses)} | "
                    f"{found} | {'yes' if c.valid else 'no'} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
