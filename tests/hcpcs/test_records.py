"""Whole records, every field, against values read off the published files by eye.

25 codes from every letter section of the January 2026 text file (one- and many-line
descriptions, every multi-valued field filled at least once) and 10 modifiers; then three
October 2025 workbook rows whose cells are numbers rather than text.  Descriptions are as
the file prints them with line breaks and runs of blanks folded to one space.
"""

from __future__ import annotations

from datetime import date

import pytest

from systems.hcpcs.records import HcpcsRecord

from ._data import jan, oct_


def rec(code: str, long: str, short: str, *, pricing: tuple[str, ...] = (),
        multiple: str | None = None, cim: tuple[str, ...] = (), mcm: tuple[str, ...] = (),
        statute: str | None = None, lab: tuple[str, ...] = (), xref: tuple[str, ...] = (),
        coverage: str | None = None, asc: str | None = None, asc_date: date | None = None,
        note: str | None = None, betos: str | None = None, tos: tuple[str, ...] = (),
        units: int | None = None, added: date | None = None, effective: date | None = None,
        terminated: date | None = None, action: str | None = None) -> HcpcsRecord:
    """A record with every field given (the MOG fields are blank in both files)."""
    return HcpcsRecord(
        code=code, is_modifier=len(code) == 2, long_description=long, short_description=short,
        pricing_indicators=pricing, multiple_pricing_indicator=multiple, cim_references=cim,
        mcm_references=mcm, statute=statute, lab_certifications=lab, cross_references=xref,
        coverage_code=coverage, asc_payment_group=asc, asc_effective_date=asc_date,
        mog_payment_group=None, mog_payment_policy_indicator=None, mog_effective_date=None,
        procedure_note=note, betos=betos, types_of_service=tos, anesthesia_base_units=units,
        code_added_date=added, action_effective_date=effective, termination_date=terminated,
        action_code=action,
    )


D = date
JANUARY_CODES = [
    rec("A0021", "Ambulance service, outside state per mile, transport (medicaid only)",
        "Outside state ambulance serv", pricing=("00",), multiple="9", xref=("A0030",),
        coverage="I", betos="O1A", tos=("D",), units=0, added=D(1985, 1, 1),
        effective=D(1996, 9, 10), action="N"),
    rec("A4216", "Sterile water, saline and/or dextrose, diluent/flush, 10 ml",
        "Sterile water/saline, 10 ml", pricing=("37",), multiple="A", mcm=("2049",),
        coverage="D", betos="D1F", tos=("1", "L", "P"), units=0, added=D(2004, 1, 1),
        effective=D(2007, 1, 1), action="N"),
    rec("B4034", "Enteral feeding supply kit; syringe fed, per day, includes but not limited "
        "to feeding/flushing syringe, administration set tubing, dressings, tape",
        "Enter feed supkit syr by day", pricing=("39",), multiple="A", cim=("65-10",),
        mcm=("2130", "4450"), coverage="D", betos="O1C", tos=("E",), units=0,
        added=D(1986, 1, 1), effective=D(2011, 1, 1), action="N"),
    rec("C9754", "Creation of arteriovenous fistula, percutaneous; direct, any site, including "
        "all imaging and radiologic supervision and interpretation, when performed and "
        "secondary procedures to redirect blood flow (e.g., transluminal balloon angioplasty, "
        "coil embolization, when performed)",
        "Perc av fistula, direct", pricing=("53",), multiple="A", statute="1833(t)",
        coverage="D", betos="P5E", tos=("2",), units=0, added=D(2019, 1, 1),
        effective=D(2020, 7, 1), terminated=D(2020, 6, 30), action="N"),
    rec("C9742", "Laryngoscopy, flexible fiberoptic, with injection into vocal cord(s), "
        "therapeutic, including diagnostic laryngoscopy, if performed",
        "Laryngoscopy with injection", pricing=("53",), multiple="A", statute="1833(t)",
        xref=("31573", "31574"), coverage="D", betos="P8H", tos=("2", "F"), units=0,
        added=D(2015, 1, 1), effective=D(2017, 1, 1), terminated=D(2016, 12, 31),
        action="N"),
    rec("C1300", "Hyperbaric oxygen under pressure, full body chamber, per 30 minute interval",
        "Hyperbaric oxygen", pricing=("53",), multiple="A", statute="1833(T)", coverage="D",
        note="0093", betos="P5E", tos=("9",), units=0, added=D(2000, 8, 1),
        effective=D(2015, 1, 1), terminated=D(2014, 12, 31), action="N"),
    rec("E0100", "Cane, includes canes of all materials, adjustable or fixed, with tip",
        "Cane adjust/fixed with tip", pricing=("32",), multiple="A", cim=("60-3", "60-9"),
        mcm=("2100.1",), coverage="D", betos="D1E", tos=("A", "P", "R"), units=0,
        added=D(1986, 1, 1), effective=D(1996, 1, 1), action="N"),
    rec("G0328", "Colorectal cancer screening; fecal occult blood test, immunoassay, 1-3 "
        "simultaneous", "Fecal blood scrn immunoassay", pricing=("21",), multiple="A",
        lab=("310", "400"), coverage="D", note="0064", betos="T1H", tos=("1",), units=0,
        added=D(2004, 1, 1), effective=D(2004, 1, 1), action="N"),
    rec("G9143", "Warfarin responsiveness testing by genetic technique using any method, any "
        "number of specimen(s)", "Warfarin respon genetic test", pricing=("13", "21"),
        multiple="A", lab=("220", "400"), coverage="C", betos="M5D", tos=("1",), units=0,
        added=D(2009, 8, 3), effective=D(2014, 1, 1), action="N"),
    rec("G9871", "Behavioral counseling for diabetes prevention, online, 60 minutes",
        "Bhv couns dm prev, onln 60 m", pricing=("00",), multiple="9", coverage="C",
        betos="Y1", tos=("1",), units=0, added=D(2026, 1, 1), effective=D(2026, 1, 1),
        action="A"),
    rec("H0001", "Alcohol and/or drug assessment", "Alcohol and/or drug assess",
        pricing=("00",), multiple="9", coverage="I", betos="Z2", tos=("9",), units=0,
        added=D(2001, 1, 1), effective=D(2001, 1, 1), action="N"),
    rec("J9035", "Injection, bevacizumab, 10 mg", "Bevacizumab injection", pricing=("51",),
        multiple="A", coverage="C", asc="YY", asc_date=D(2008, 1, 1), betos="O1E",
        tos=("1", "P"), units=0, added=D(2005, 1, 1), effective=D(2005, 1, 1), action="N"),
    rec("J7518", "Mycophenolic acid, oral, 180 mg", "Mycophenolic acid", pricing=("51",),
        multiple="A", mcm=("2050.5", "4471", "5249"), coverage="D", betos="O1E",
        tos=("1", "G"), units=0, added=D(2005, 1, 1), effective=D(2005, 1, 1), action="N"),
    rec("J1572", "Injection, immune globulin, (flebogamma/flebogamma dif), intravenous, "
        "non-lyophilized (e.g., liquid), 500 mg", "Flebogamma injection", pricing=("51",),
        multiple="A", mcm=("2049",), coverage="D", betos="O1E", tos=("1", "P"), units=0,
        added=D(2008, 1, 1), effective=D(2009, 1, 1), action="N"),
    rec("K0001", "Standard wheelchair", "Standard wheelchair", pricing=("36",), multiple="A",
        coverage="C", betos="D1D", tos=("R",), units=0, added=D(1994, 1, 1),
        effective=D(1994, 1, 1), action="N"),
    rec("L0112", "Cranial cervical orthosis, congenital torticollis type, with or without soft "
        "interface material, adjustable range of motion joint, custom fabricated",
        "Cranial cervical orthosis", pricing=("38",), multiple="A", coverage="C",
        betos="D1F", tos=("P",), units=0, added=D(2004, 1, 1), effective=D(2004, 1, 1),
        action="N"),
    rec("M1503", "Vascular surgery mips value pathway", "Vascular surgery mvp",
        pricing=("00",), multiple="9", coverage="C", betos="Z2", tos=("1",), units=0,
        added=D(2026, 1, 1), effective=D(2026, 1, 1), action="A"),
    rec("P3001", "Screening papanicolaou smear, cervical or vaginal, up to three smears, "
        "requiring interpretation by physician", "Screening pap smear by phys",
        pricing=("11", "21"), multiple="C", cim=("50-20",), lab=("630",), coverage="D",
        note="0045", betos="T1G", tos=("5",), units=0, added=D(1992, 1, 1),
        effective=D(2002, 1, 1), action="N"),
    rec("Q0111", "Wet mounts, including preparations of vaginal, cervical or skin specimens",
        "Wet mounts/ w preparations", pricing=("21",), multiple="A",
        lab=("110", "120", "130", "400"), coverage="C", betos="T1H", tos=("5",), units=0,
        added=D(1994, 1, 1), effective=D(2020, 1, 1), action="N"),
    rec("Q4100", "Skin substitute, not otherwise specified", "Skin substitute, nos",
        pricing=("51",), multiple="A", coverage="C", betos="O1E", tos=("1",), units=0,
        added=D(2009, 1, 1), effective=D(2026, 1, 1), terminated=D(2025, 12, 31),
        action="D"),
    rec("R0070", "Transportation of portable x-ray equipment and personnel to home or nursing "
        "home, per trip to facility or location, one patient seen", "Transport portable x-ray",
        pricing=("13",), multiple="A", mcm=("2070.4", "5244.B"), coverage="D", betos="I1F",
        tos=("4",), units=0, added=D(1982, 1, 1), effective=D(1998, 1, 1), action="N"),
    rec("S9999", "Sales tax", "Sales tax", pricing=("00",), multiple="9", coverage="I",
        note="0088", betos="Z2", tos=("9",), units=0, added=D(2000, 1, 1),
        effective=D(2000, 1, 1), action="N"),
    rec("T1000", "Private duty / independent nursing service(s) - licensed, up to 15 minutes",
        "Private duty/independent nsg", pricing=("00",), multiple="9", coverage="I",
        betos="Z2", tos=("9",), units=0, added=D(2001, 7, 1), effective=D(2001, 7, 1),
        action="N"),
    rec("U0001", "Cdc 2019 novel coronavirus (2019-ncov) real-time rt-pcr diagnostic panel",
        "2019-ncov diagnostic p", pricing=("22",), multiple="A", coverage="C", note="0221",
        betos="T1H", tos=("5",), units=0, added=D(2020, 2, 4), effective=D(2020, 2, 4),
        action="N"),
    rec("V5364", "Dysphagia screening", "Dysphagia screening", pricing=("00",), multiple="9",
        statute="1862(a)(7)", coverage="S", betos="O1F", tos=("1", "W"), units=0,
        added=D(1990, 1, 1), effective=D(2004, 1, 1), action="N"),
]

JANUARY_MODIFIERS = [
    rec("A1", "Dressing for one wound", "Dressing for one wound", coverage="C",
        added=D(2002, 7, 1), effective=D(2002, 7, 1), action="N"),
    rec("AA", "Anesthesia services performed personally by anesthesiologist",
        "Anesthesia perf by anesgst", mcm=("3350.5",), coverage="D", added=D(1984, 1, 1),
        effective=D(2001, 1, 1), action="N"),
    rec("G7", "Pregnancy resulted from rape or incest or pregnancy certified by physician as "
        "life threatening", "Payment limits do not apply", cim=("35-99",), mcm=("2005.1",),
        coverage="D", note="0084", added=D(1999, 7, 1), effective=D(1999, 7, 1), action="N"),
    rec("GA", "Waiver of liability statement issued as required by payer policy, individual "
        "case", "Liability waiver ind case", coverage="C", added=D(1995, 1, 1),
        effective=D(2011, 1, 1), action="N"),
    rec("JW", "Drug amount discarded/not administered to any patient",
        "Discarded drug not administe", coverage="C", added=D(2003, 1, 1),
        effective=D(2003, 1, 1), action="N"),
    rec("KX", "Requirements specified in the medical policy have been met",
        "Documentation on file", coverage="C", added=D(2002, 7, 1), effective=D(2002, 7, 1),
        action="N"),
    rec("LT", "Left side (used to identify procedures performed on the left side of the body)",
        "Left side", coverage="C", added=D(1984, 1, 1), effective=D(1997, 1, 1), action="N"),
    rec("TC", "Technical component; under certain circumstances, a charge may be made for the "
        "technical component alone; under those circumstances the technical component "
        "charge is identified by adding modifier 'tc' to the usual procedure number; "
        "technical component charges are institutional charges and not billed separately by "
        "physicians; however, portable x-ray suppliers only bill for technical component and "
        "should utilize modifier tc; the charge data from portable x-ray suppliers will then "
        "be used to build customary and prevailing profiles", "Technical component",
        coverage="C", added=D(1984, 1, 1), effective=D(1997, 1, 1), action="N"),
    rec("XE", "Separate encounter, a service that is distinct because it occurred during a "
        "separate encounter", "Separate encounter", coverage="C", added=D(2015, 1, 1),
        effective=D(2015, 1, 1), action="N"),
    rec("ZC", "Merck/samsung bioepis", "Merck/samsung bioepis", coverage="C",
        added=D(2017, 10, 1), effective=D(2018, 4, 1), terminated=D(2018, 3, 31),
        action="N"),
]

OCTOBER_NUMERIC_CELLS = [
    # TOS1 is the number 2 in the workbook.
    rec("C1742", "Pressure monitoring system, compartmental intramuscular (implantable), "
        "continuous, including all components (e.g., introducer, sensor), excludes mobile "
        "(wireless) software application", "Pressure sens syst, cont im", pricing=("53",),
        multiple="A", statute="1833(t)", coverage="D", asc="YY", asc_date=D(2025, 10, 1),
        betos="D1A", tos=("2",), units=0, added=D(2025, 10, 1), effective=D(2025, 10, 1),
        action="A"),
    # TERM DT is the number 20250930; PRICE2 is blank and PRICE3 is 11 in C9248, below.
    rec("C9088", "Instillation, bupivacaine and meloxicam, 1 mg/0.03 mg",
        "Instill, bupivac and meloxic", pricing=("53",), multiple="A", statute="1833(t)",
        coverage="D", betos="O1E", tos=("9", "F"), units=0, added=D(2022, 1, 1),
        effective=D(2025, 10, 1), terminated=D(2025, 9, 30), action="D"),
    # ACT EFF DT is the number 20241001 and TERM DT an empty cell.
    rec("E0716", "Supplies and accessories for intravaginal device intended to strengthen "
        "pelvic floor muscles during kegel exercises", "Supp and acces intravag pelv",
        pricing=("00",), multiple="9", statute="1861(n)", coverage="S", betos="Z2",
        tos=("9",), units=0, added=D(2024, 10, 1), effective=D(2024, 10, 1), action="N"),
    rec("C9248", "Injection, clevidipine butyrate, 1 mg", "Inj, clevidipine butyrate",
        pricing=("53", "11"), multiple="A", statute="1833(t)", coverage="D", betos="O1E",
        tos=("1",), units=0, added=D(2009, 1, 1), effective=D(2025, 10, 1),
        terminated=D(2025, 9, 30), action="D"),
]


def test_sample_covers_every_letter_section() -> None:
    letters = {record.code[0] for record in jan().codes}
    assert letters == {r.code[0] for r in JANUARY_CODES} == set("ABCEGHJKLMPQRSTUV")


@pytest.mark.parametrize("expected", JANUARY_CODES + JANUARY_MODIFIERS,
                         ids=lambda r: r.code)
def test_january_text_record(expected: HcpcsRecord) -> None:
    assert jan().by_code()[expected.code] == expected


@pytest.mark.parametrize("expected", OCTOBER_NUMERIC_CELLS, ids=lambda r: r.code)
def test_october_workbook_record(expected: HcpcsRecord) -> None:
    assert oct_().by_code()[expected.code] == expected


def test_record_helpers() -> None:
    q4100 = jan().by_code()["Q4100"]
    assert q4100.in_force_on(D(2025, 12, 31)) and not q4100.in_force_on(D(2026, 1, 1))
    assert jan().by_code()["B4034"].references == ("65-10", "2130", "4450")
    assert jan().by_code()["V5364"].references == ("1862(a)(7)",)
