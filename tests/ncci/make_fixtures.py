"""Writes the NCCI fixture files in ``tests/ncci/data`` in CMS's exact layouts:
``python -m tests.ncci.make_fixtures``.

The practitioner PTP part f1 and the practitioner MUE table start with the real excerpts
(``/work/shared/data/ncci``, kept byte for byte in ``data/excerpts``); every other row is made
here in the same layout, shaped like the real ones (code pairs, dates, indicators and rationales
as CMS writes them) but NOT CMS's values: the chemotherapy administration codes (96413-96425),
and HCPCS Level II pairs the tests' claims use. Those rows are test data, not edits to bill by.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
EXCERPTS = DATA / "excerpts"
PTP_PREAMBLE = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\r\n"
    "Column1/Column2 Edits\t\t\t\t\t\t\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)
CODING = "CPT Manual or CMS manual coding instruction"
MISUSE = "Misuse of Column Two code with Column One code"
EXCLUSIVE = "Mutually exclusive procedures"
STANDARDS = "Standards of medical/surgical practice"
MUE_NOTICE = (
    '"Current Procedural Terminology (CPT) codes, descriptions and other data only are '
    "copyright 2025 American Medical Association. All rights reserved. \n\nCPT\xae is a "
    "registered trademark of the American Medical Association.\n\nApplicable FARS/DFARS "
    "Restrictions Apply to Government Use. \n\nFee schedules, relative value units, conversion "
    "factors and/or related components are not assigned by the AMA, are not part of CPT, and "
    "the AMA is not recommending their use.  The AMA does not directly or indirectly practice "
    "medicine or dispense medical services.  The AMA assumes no liability for the data "
    'contained or not contained herein.",,,\r\n'
)
MUE_LABELS = {1: "1 Line Edit", 2: "2 Date of Service Edit: Policy",
              3: "3 Date of Service Edit: Clinical"}

CHEMO = ("96413", "96415", "96417", "96420", "96422", "96423", "96425")
INFUSION = ("96360", "96361", "96365", "96366", "96367", "96368", "96372", "96374", "96375",
            "96376")
ACCESS = ("36000", "36410", "36591", "36592", "96523")
VISITS = ("99211", "99212", "99213", "99214", "99215")

Ptp = tuple[str, str, str, str, str, str, str]


def _ptp(c1: str, c2: str, eff: str, dele: str = "*", ind: str = "1",
         why: str = MISUSE, pre: str = "") -> Ptp:
    return (c1, c2, pre, eff, dele, ind, why)


def practitioner_f4() -> list[Ptp]:
    rows: list[Ptp] = []
    for c1 in CHEMO:
        for c2 in INFUSION + ACCESS + VISITS:
            ind = "0" if c2 == "96523" else "1"
            why = STANDARDS if c2 in ACCESS else CODING if c2 in VISITS else MISUSE
            rows.append(_ptp(c1, c2, "20090101", ind=ind, why=why))
    rows += [
        # the intra-arterial family: the push and the hour are parts of the longer infusion
        _ptp("96422", "96420", "20090101", why=EXCLUSIVE),
        _ptp("96425", "96420", "20090101", why=EXCLUSIVE),
        _ptp("96425", "96422", "20090101", ind="0", why=EXCLUSIVE),
        _ptp("96425", "96423", "20090101", ind="0", why=EXCLUSIVE),
        _ptp("96413", "96420", "20090101", why=EXCLUSIVE),
        _ptp("96413", "96422", "20090101", ind="0", why=EXCLUSIVE),
        # HCPCS Level II pairs the claim tests use
        _ptp("G0008", "G0009", "20150101", "20191231", "0", CODING),
        _ptp("G0008", "G0009", "20200101", "*", "1", CODING),
        _ptp("G0102", "G0103", "20150101", "20251231", "1", STANDARDS),
        _ptp("G0121", "G0105", "20200101", "20200101", "9", EXCLUSIVE),
        _ptp("G0402", "G0403", "20100101", "*", "1", CODING),
        _ptp("G0438", "G0439", "20110101", "*", "0", EXCLUSIVE),
        _ptp("G0438", "G0402", "20110101", "*", "0", EXCLUSIVE),
        _ptp("J2405", "J1100", "20200101", "20260815", "0", STANDARDS),
        _ptp("J9035", "J7050", "20100101", "*", "1", STANDARDS),
        _ptp("J9045", "J7050", "20100101", "*", "1", STANDARDS),
        _ptp("J9060", "J7050", "20100101", "*", "1", STANDARDS),
        _ptp("E0105", "E0100", "20040101", "*", "0", EXCLUSIVE, "*"),
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[3]))


def outpatient_f1() -> list[Ptp]:
    rows: list[Ptp] = []
    for c1 in CHEMO:
        for c2 in INFUSION + ACCESS:
            rows.append(_ptp(c1, c2, "20090101", ind="1", why=MISUSE))
    for c1 in ("G0463",):
        for c2 in ("G0008", "G0009", "96372", "96374") + VISITS:
            rows.append(_ptp(c1, c2, "20160101", ind="1", why=CODING))
    rows += [
        _ptp("G0402", "G0403", "20100101", "*", "0", CODING),
        _ptp("J9035", "J7050", "20100101", "*", "1", STANDARDS),
        _ptp("96425", "96422", "20090101", ind="0", why=EXCLUSIVE),
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[3]))


def previous_quarter_f4() -> list[Ptp]:
    """2026-Q2 (v321r0): G0402/G0403 was not bypassable then (indicator 0)."""
    return [_ptp("G0402", "G0403", "20100101", "*", "0", CODING),
            _ptp("G0438", "G0439", "20110101", "*", "0", EXCLUSIVE)]


def write_ptp(path: Path, rows: list[Ptp], head: str = "") -> None:
    body = head or PTP_PREAMBLE
    body += "".join("\t".join(r) + "\r\n" for r in rows)
    path.write_bytes(body.encode("latin-1"))


Mue = tuple[str, str, int, str]


def _mues_common() -> list[Mue]:
    rows: list[Mue] = [
        ("96360", "1", 3, "Clinical: Data"), ("96361", "24", 3, "Clinical: Data"),
        ("96365", "1", 2, "Code Descriptor / CPT Instruction"),
        ("96366", "24", 3, "Clinical: Data"), ("96367", "4", 3, "Clinical: Data"),
        ("96368", "1", 3, "Clinical: Data"), ("96372", "4", 3, "Clinical: Data"),
        ("96374", "1", 3, "Clinical: Data"), ("96375", "6", 3, "Clinical: Data"),
        ("96376", "10", 3, "Clinical: Data"),
        ("96413", "1", 2, "Code Descriptor / CPT Instruction"),
        ("96415", "8", 3, "Clinical: Data"), ("96417", "3", 3, "Clinical: Data"),
        ("96420", "2", 3, "Clinical: Data"),
        ("96422", "1", 2, "Code Descriptor / CPT Instruction"),
        ("96423", "2", 3, "Clinical: Data"),
        ("96425", "1", 2, "Code Descriptor / CPT Instruction"),
        ("A4550", "1", 1, "Clinical: Data"), ("E0100", "1", 1, "Clinical: Data"),
        ("E0105", "1", 1, "Clinical: Data"),
        ("G0008", "1", 2, "Code Descriptor / CPT Instruction"),
        ("G0009", "1", 2, "Code Descriptor / CPT Instruction"),
        ("G0402", "1", 2, "CMS Policy"), ("G0403", "1", 2, "CMS Policy"),
        ("G0438", "1", 2, "CMS Policy"), ("G0439", "1", 2, "CMS Policy"),
        ("J1100", "120", 3, "Clinical: Data"), ("J2405", "32", 3, "Clinical: Data"),
        ("J7050", "10", 3, "Clinical: Data"), ("J9035", "180", 3, "Clinical: Data"),
        ("J9045", "30", 3, "Clinical: Data"), ("J9060", "24", 3, "Clinical: Data"),
    ]
    for code in range(99202, 99206):
        rows.append((str(code), "1", 2, "Code Descriptor / CPT Instruction"))
    for code in range(99211, 99216):
        rows.append((str(code), "1", 2, "Code Descriptor / CPT Instruction"))
    # Lab codes, as the table's long runs of them look (not CMS's values)
    for n in range(80047, 80300, 2):
        rows.append((str(n), "1" if n % 3 else "2", 2 if n % 3 else 3,
                     "Code Descriptor / CPT Instruction" if n % 3 else "Clinical: Data"))
    return rows


def write_mue(path: Path, value_column: str, rows: list[Mue], excerpt: bytes = b"") -> None:
    if excerpt:
        body = excerpt
    else:
        body = (MUE_NOTICE + f'"HCPCS/\nCPT Code",{value_column},MUE Adjudication Indicator,'
                "MUE Rationale\r\n").encode("latin-1")
    lines = "".join(f"{code},{value},{MUE_LABELS[mai]},{why}\r\n"
                    for code, value, mai, why in sorted(rows))
    path.write_bytes(body + lines.encode("latin-1"))


Aoc = tuple[int, str, str, str, str, str, str, str]


def aoc_rows() -> list[Aoc]:
    rows: list[Aoc] = [
        (1, "96415", "", "96413", "", "2009001", "", ""),
        (1, "96417", "", "96413", "", "2009001", "", ""),
        (1, "96423", "", "96422", "", "2009001", "", ""),
        (1, "99292", "", "99291", "", "2013001", "", ""),
        (2, "G0453", "", "CCCCC", "", "2013001", "", "Contractor defines primary codes"),
        (3, "G0176", "", "G0177", "", "2016001", "", "Contractor may allow other primaries"),
    ]
    for primary in ("99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214",
                    "99215"):
        rows.append((1, "G2211", "", primary, "", "2024001", "", ""))
    for primary in ("99205", "99215", "G0438"):
        rows.append((1, "G2212", "", primary, "", "2021001", "", ""))
    for add_on, primary in (("11045", "11042"), ("11046", "11043"), ("11047", "11044"),
                            ("15003", "15002"), ("15005", "15004"), ("22552", "22551"),
                            ("22614", "22610"), ("22614", "22612"), ("22632", "22630"),
                            ("22634", "22633"), ("64462", "64461"), ("64484", "64483"),
                            ("64495", "64494"), ("77001", "36568"), ("77001", "36569"),
                            ("99417", "99205"), ("99417", "99215")):
        rows.append((1, add_on, "", primary, "", "2015001", "", ""))
    # an edit that ended (its primary code deleted at the end of 2020)
    rows.append((1, "96417", "", "96409", "2020366", "2009001", "2020366", ""))
    return rows


def write_aoc_fixed(path: Path, rows: list[Aoc], header: str = "") -> None:
    def line(r: Aoc) -> str:
        kind, add_on, add_on_del, primary, primary_del, eff, dele, notes = r
        return (f"{kind}{add_on:5}{add_on_del:7}{primary:5}{primary_del:7}{eff:7}{dele:7}"
                f"{notes:58}")[:97]

    text = (header + "\r\n" if header else "") + "".join(line(r) + "\r\n" for r in rows)
    path.write_bytes(text.encode("latin-1"))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    excerpt_ptp = (EXCERPTS / "ccipra-v322r0-f1.excerpt.TXT").read_bytes()
    (DATA / "ccipra-v322r0-f1.TXT").write_bytes(excerpt_ptp)
    write_ptp(DATA / "ccipra-v322r0-f4.TXT", practitioner_f4())
    write_ptp(DATA / "ccioph-v322r0-f1.TXT", outpatient_f1())
    write_ptp(DATA / "ccipra-v321r0-f4.TXT", previous_quarter_f4())
    excerpt_mue = (EXCERPTS / "MCR_MUE_PractitionerServices_Eff_07-01-2026.excerpt.csv"
                   ).read_bytes()
    write_mue(DATA / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", "", _mues_common(),
              excerpt_mue)
    write_mue(DATA / "MCR_MUE_OutpatientHospitalServices_Eff_07-01-2026.csv",
              "Outpatient Hospital Services MUE Values",
              [(c, "2" if v == "1" and m == 3 else v, m, w) for c, v, m, w in _mues_common()])
    write_mue(DATA / "MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv",
              "DME Supplier Services MUE Values",
              [r for r in _mues_common() if r[0][0] in "AEJ"]
              + [(f"E{n:04d}", "1", 1 if n % 2 else 3, "Clinical: Data")
                 for n in range(110, 400, 3)])
    write_aoc_fixed(DATA / "AOC_V2026Q3-F-MCR.txt", aoc_rows())


if __name__ == "__main__":
    main()
