"""The HCPCS Level II hierarchy: sections by first letter and the ranges within them.

CMS's release files carry no hierarchy: a Level II code is a letter and four digits, and
the letter is the section.  The section and range titles here are the ones the HCPCS Level
II code books print over their sections (the brief's examples: "J0120-J8499 Drugs
Administered Other Than Oral Method", "J9000-J9999 Chemotherapy Drugs"), as found in public
references; a CMS-published table of contents was not found.  Sources consulted (search of
stored public pages and repositories):

- Wikipedia, "HCPCS Level 2" (https://en.wikipedia.org/wiki/HCPCS_Level_2), "Types of
  Level II codes": the meaning of each first letter;
- andrewallenbruce/northstar (R), HCPCS Level II code ranges and titles: A0021-A0999
  "Transportation Services Including Ambulance", A2000-A9999 "Medical and Surgical
  Supplies", "Enteral and Parenteral Therapy", "Outpatient PPS", "Durable Medical
  Equipment", "Procedures/Professional Services (Temporary)", H0001-H2037 "Alcohol and Drug
  Abuse Treatment Services", H2038-H2041 "Rehabilitative Services", J0120-J8499 "Drugs
  Administered Other Than Oral Method", J8501-J9999 "Chemotherapy Drugs", "Diagnostic
  Radiology Services", V2020-V2799 "Vision Services",
  V5008-V5361 "Hearing Services", V5362-V5364 "Speech-Language Pathology Services";
- a public billing-system report definition (revenue categories by HCPCS range):
  "Administrative, Miscellaneous and Investigational (A9150-A9999)", "Chemotherapy Drugs
  (J9000-J9999)", "Orthotic Procedures (L0100-L4398)", "Prosthetic Procedures (L5000-L9900)",
  "National T-Codes Established for State Medicaid Agencies (T1000-T5999)";
- hcpcs.codes-style hierarchies in public repositories ("Orthotic Procedures and services"
  L0112-L4631, "Temporary National Codes (Non-Medicare)" S0012-S9999, "Coronavirus
  Diagnostic Panel" U0001-U0005, "Components, Accessories and Supplies" K1001-K1037);
- wamuir/hcpcs (Jekyll site built from CMS's ANWEB file): one title per letter, e.g.
  "Transportation Services, Including Ambulance Medical and Surgical Supplies".

Ranges are widened to whole blocks where a source's bounds are just the first and last
code of its day, so that codes added since fall in a range; J0120-J8499 keeps the bounds
every code book prints, and J0013 (new in January 2026, below J0120) sits under section J
directly.  Two titles are this module's
own, marked "(descriptive)": the sources disagree on J8500-J8999 (oral anticancer and
antiemetic drugs such as J8520 capecitabine, J8999 "prescription drug, oral,
chemotherapeutic, nos"; under chemotherapy in one, under drugs other than oral in another,
neither of which fits an oral drug), and none titles the M1000-M1999 quality-reporting codes.
Level II modifiers (two characters) form a section of their own, ``MODIFIER``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeRange:
    """A titled range of codes within a section, bounds inclusive (``J9000``-``J9999``)."""

    first: str
    last: str
    name: str

    @property
    def code(self) -> str:
        return f"{self.first}-{self.last}"

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and len(code) == 5 and self.first <= code <= self.last


@dataclass(frozen=True)
class Section:
    """A first letter's codes (``J``), or the Level II modifiers (``MODIFIER``)."""

    code: str
    name: str
    ranges: tuple[CodeRange, ...] = ()


MODIFIER_SECTION = Section("MODIFIER", "HCPCS Level II Modifiers")

SECTIONS: tuple[Section, ...] = (
    Section("A", "Transportation Services Including Ambulance, Medical and Surgical Supplies, "
                 "Administrative, Miscellaneous and Investigational", (
        CodeRange("A0000", "A0999", "Transportation Services Including Ambulance"),
        CodeRange("A2000", "A8999", "Medical and Surgical Supplies"),
        CodeRange("A9000", "A9999", "Administrative, Miscellaneous and Investigational"),
    )),
    Section("B", "Enteral and Parenteral Therapy"),
    Section("C", "Outpatient PPS"),
    Section("D", "Dental Procedures"),  # CDT, the ADA's; not in CMS's files
    Section("E", "Durable Medical Equipment"),
    Section("G", "Procedures/Professional Services (Temporary)"),
    Section("H", "Alcohol and Drug Abuse Treatment Services, Rehabilitative Services", (
        CodeRange("H0000", "H2037", "Alcohol and Drug Abuse Treatment Services"),
        CodeRange("H2038", "H9999", "Rehabilitative Services"),
    )),
    Section("J", "Drugs Administered Other Than Oral Method, Chemotherapy Drugs", (
        CodeRange("J0120", "J8499", "Drugs Administered Other Than Oral Method"),
        CodeRange("J8500", "J8999", "Oral Anticancer and Antiemetic Drugs (descriptive)"),
        CodeRange("J9000", "J9999", "Chemotherapy Drugs"),
    )),
    Section("K", "Temporary Codes for Durable Medical Equipment Medicare Administrative "
                 "Contractors", (
        CodeRange("K0000", "K0999", "Durable Medical Equipment (DME MACs)"),
        CodeRange("K1000", "K9999", "Components, Accessories and Supplies"),
    )),
    Section("L", "Orthotic and Prosthetic Procedures, Devices", (
        CodeRange("L0000", "L4999", "Orthotic Procedures and Services"),
        CodeRange("L5000", "L9999", "Prosthetic Procedures"),
    )),
    Section("M", "Medical Services", (
        CodeRange("M0000", "M0999", "Medical Services"),
        CodeRange("M1000", "M1999", "Quality Measures (descriptive)"),
    )),
    Section("P", "Pathology and Laboratory Services"),
    Section("Q", "Temporary Codes"),
    Section("R", "Diagnostic Radiology Services"),
    Section("S", "Temporary National Codes (Non-Medicare)"),
    Section("T", "National T Codes Established for State Medicaid Agencies"),
    Section("U", "Coronavirus Diagnostic Panel"),
    Section("V", "Vision, Hearing and Speech-Language Pathology Services", (
        CodeRange("V0000", "V2999", "Vision Services"),
        CodeRange("V5000", "V5361", "Hearing Services"),
        CodeRange("V5362", "V5999", "Speech-Language Pathology Services"),
    )),
)
SECTION_BY_CODE: dict[str, Section] = {s.code: s for s in (*SECTIONS, MODIFIER_SECTION)}


def section_of(code: str) -> tuple[str, str, str | None, str | None]:
    """``(section code, section name, range code or None, range name or None)`` of a code.

    >>> section_of("J9035")[2:]
    ('J9000-J9999', 'Chemotherapy Drugs')

    A two-character code is a Level II modifier.  Raises ``KeyError`` for a code that is
    neither a modifier nor a letter-and-four-digits code of a known section.
    """
    code = code.strip().upper()
    if len(code) == 2 and code.isalnum():
        return MODIFIER_SECTION.code, MODIFIER_SECTION.name, None, None
    section = SECTION_BY_CODE.get(code[:1]) if len(code) == 5 and code[1:].isdigit() else None
    if section is None or section is MODIFIER_SECTION:
        raise KeyError(f"{code!r} is not an HCPCS Level II code")
    for code_range in section.ranges:
        if code in code_range:
            return section.code, section.name, code_range.code, code_range.name
    return section.code, section.name, None, None
