"""The PFS relative value file's layout, and what each coded value means.

Read from CMS's documentation of the file (``RVUPUF25``/``RVU26A`` in the quarterly RVU zip:
"National Physician Fee Schedule Relative Value File, Calendar Year 2025", its record layout and
Attachment A). The meanings are CMS's, shortened to what a coder needs on a code page.
"""

from __future__ import annotations

# The comma-separated file's five header lines (lines 6-10), cell by cell, exactly as CMS
# prints them in the 2025 files (trailing spaces included). A file whose header differs has
# another layout: it is refused rather than read by guesswork.
HEADER: tuple[tuple[str, ...], ...] = (
    ("", "", " ", " ", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "", "", "", "", "", "NON-FACILITY", "FACILITY", ""),
    ("", "", "", "", "NOT USED", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
     "", "", "", "", "PHYSICIAN", "", "DIAGNOSTIC", "PE USED", "PE USED", "MP USED"),
    ("", "", "", "", "FOR", "", "", "NON-FAC", "", "FACILITY ", "", "", "", "", "", "", "", "",
     "", "", "", "", "", "", "", "SUPERVISION OF", "", "IMAGING", "FOR OPPS", "FOR OPPS",
     "FOR OPPS"),
    ("", "", "", "STATUS", "MEDICARE ", "WORK", "NON-FAC", "NA", "FACILITY", "NA", "MP",
     "NON-FACILITY", "FACILITY", "PCTC", "GLOB", "PRE", "INTRA", "POST", "MULT", "BILAT", "ASST",
     "CO-", "TEAM", "ENDO", "CONV", "DIAGNOSTIC", "CALCULATION", "FAMILY", "PAYMENT", "PAYMENT",
     "PAYMENT"),
    ("HCPCS", "MOD", "DESCRIPTION", "CODE", "PAYMENT", "RVU", "PE RVU", "INDICATOR", "PE RVU",
     "INDICATOR", "RVU", "TOTAL", "TOTAL", "IND", "DAYS", "OP", "OP", "OP", "PROC", "SURG",
     "SURG", "SURG", "SURG", "BASE", "FACTOR", "PROCEDURES", "FLAG", "INDICATOR", "AMOUNT",
     "AMOUNT", "AMOUNT"),
)
PREAMBLE_LINES = 5  # title, AMA and ADA copyright lines, a blank line, "RELEASED mm/dd/yyyy"
COLUMNS = len(HEADER[-1])

# Column positions of a data record (0-based), named as the layout names them.
AT_HCPCS, AT_MODIFIER, AT_DESCRIPTION, AT_STATUS, AT_NOT_USED = 0, 1, 2, 3, 4
AT_WORK_RVU, AT_NF_PE_RVU, AT_NF_NA, AT_F_PE_RVU, AT_F_NA = range(5, 10)
AT_MP_RVU, AT_NF_TOTAL, AT_F_TOTAL = range(10, 13)
AT_PCTC, AT_GLOBAL_DAYS, AT_PRE_OP, AT_INTRA_OP, AT_POST_OP = range(13, 18)
AT_MULT_PROC, AT_BILATERAL, AT_ASSISTANT, AT_CO_SURGEONS, AT_TEAM_SURGERY = range(18, 23)
AT_ENDO_BASE, AT_CONV_FACTOR = 23, 24
AT_SUPERVISION, AT_CALCULATION_FLAG, AT_IMAGING_FAMILY = 25, 26, 27
AT_OPPS_NF_PE, AT_OPPS_F_PE, AT_OPPS_MP = 28, 29, 30

# Modifiers that have rows of their own: the professional and technical components of a
# diagnostic test, and a discontinued colonoscopy (44388, 45378, G0105, G0121).
MODIFIERS = {
    "": "The global service (no modifier).",
    "26": "Professional component.",
    "TC": "Technical component.",
    "53": "Discontinued procedure: separate RVUs for a procedure the physician terminated "
          "before completion.",
}

STATUS_CODES = {
    "A": "Active code: paid separately under the physician fee schedule, if covered.",
    "B": "Bundled code: payment is always bundled into payment for other services; RVUs "
         "shown, if any, are not used for Medicare payment.",
    "C": "Contractors price the code: the MAC establishes RVUs and payment, generally case by "
         "case.",
    "D": "Deleted code, effective with the beginning of the year.",
    "E": "Excluded from the physician fee schedule by regulation: no RVUs, no payment under the "
         "fee schedule.",
    "F": "Deleted/discontinued code (not subject to a 90-day grace period).",
    "G": "Not valid for Medicare purposes: Medicare uses another code (90-day grace period).",
    "H": "Deleted modifier: the TC or 26 component of the code has been deleted.",
    "I": "Not valid for Medicare purposes: Medicare uses another code for reporting and "
         "payment (no grace period).",
    "J": "Anesthesia service: no RVUs or payment amounts on this file.",
    "M": "Measurement code: used for reporting purposes only.",
    "N": "Non-covered service: not covered by Medicare.",
    "P": "Bundled/excluded code: no RVUs and no separate payment under the fee schedule.",
    "R": "Restricted coverage: special coverage instructions apply; if covered, contractor "
         "priced.",
    "T": "Injections: paid only if no other physician fee schedule service is billed on the "
         "same date by the same provider.",
    "X": "Statutory exclusion: not a physician service for fee schedule purposes; no payment "
         "under the physician fee schedule.",
}
# "Only RVUs associated with status codes of A, R, or T are used for Medicare payment."
PAID_STATUSES = frozenset({"A", "R", "T"})

NOT_USED_FLAG = {"+": "The RVUs shown are not used for Medicare payment."}

NA_INDICATOR = {"NA": "The procedure is rarely or never performed in this setting."}

PCTC_INDICATORS = {
    "0": "Physician service: the professional/technical split does not apply; modifiers 26 "
         "and TC cannot be used.",
    "1": "Diagnostic test with professional and technical components: modifiers 26 and TC can "
         "be used.",
    "2": "Professional component only code: modifiers 26 and TC cannot be used.",
    "3": "Technical component only code: modifiers 26 and TC cannot be used.",
    "4": "Global test only code (the sum of its professional and technical component codes): "
         "modifiers 26 and TC cannot be used.",
    "5": "Incident to code: services by auxiliary personnel under a physician's direct "
         "supervision; not paid for hospital inpatients or outpatients; modifiers 26 and TC "
         "cannot be used.",
    "6": "Laboratory physician interpretation code: separate payment for the interpretation; "
         "modifier TC cannot be used.",
    "7": "Physical therapy service for which payment may not be made when an independent "
         "therapist provides it to a hospital inpatient or outpatient.",
    "8": "Physician interpretation code (85060): payable only for an abnormal smear of a "
         "hospital inpatient.",
    "9": "Not applicable: the professional/technical component concept does not apply.",
}

GLOBAL_DAYS = {
    "000": "Endoscopic or minor procedure: related pre- and postoperative work on the day of "
           "the procedure only is included.",
    "010": "Minor procedure: the day of the procedure and a 10-day postoperative period are "
           "included.",
    "090": "Major surgery: a 1-day preoperative and a 90-day postoperative period are "
           "included.",
    "MMM": "Maternity code: the usual global period does not apply.",
    "XXX": "The global concept does not apply.",
    "YYY": "The contractor determines whether the global concept applies and sets the "
           "postoperative period.",
    "ZZZ": "Related to another service and always included in that service's global period "
           "(an add-on code).",
}

MULTIPLE_PROCEDURE = {
    "0": "No multiple procedure payment adjustment applies.",
    "1": "Standard multiple procedure rules in effect before 1995 apply.",
    "2": "Standard multiple procedure rules apply (modifier 51): 100% for the highest priced "
         "procedure, 50% for each of the others.",
    "3": "Special rules for multiple endoscopic procedures in the same family (see the "
         "endoscopic base code).",
    "4": "Multiple procedure reduction of diagnostic imaging (50% of the technical component, "
         "5% of the professional component of subsequent procedures).",
    "5": "Subject to 50% of the practice expense component for certain therapy services.",
    "6": "Subject to 25% reduction of the technical component of the second and subsequent "
         "diagnostic cardiovascular services.",
    "7": "Subject to 20% reduction of the technical component of the second and subsequent "
         "diagnostic ophthalmology services.",
    "9": "Concept does not apply.",
}

BILATERAL = {
    "0": "150% bilateral adjustment does not apply: both sides are paid at most 100% of the "
         "fee schedule amount for one.",
    "1": "150% bilateral adjustment applies (modifier 50, or RT and LT).",
    "2": "150% adjustment does not apply: the RVUs already describe a bilateral procedure.",
    "3": "The usual bilateral adjustment does not apply: each side is paid at 100% of the fee "
         "schedule amount (mostly radiology and other diagnostic tests).",
    "9": "Concept does not apply.",
}

ASSISTANT = {
    "0": "Assistant at surgery paid only with documentation of medical necessity.",
    "1": "Statutory payment restriction: an assistant at surgery may not be paid.",
    "2": "No payment restriction: an assistant at surgery may be paid.",
    "9": "Concept does not apply.",
}

CO_SURGEONS = {
    "0": "Co-surgeons (modifier 62) not permitted for this procedure.",
    "1": "Co-surgeons could be paid, with documentation of the medical necessity of two "
         "surgeons.",
    "2": "Co-surgeons permitted, no documentation required if the two-specialty requirement "
         "is met.",
    "9": "Concept does not apply.",
}

TEAM_SURGERY = {
    "0": "Team surgeons (modifier 66) not permitted for this procedure.",
    "1": "Team surgeons could be paid, with documentation of the medical necessity of a team; "
         "paid by report.",
    "2": "Team surgeons permitted; paid by report.",
    "9": "Concept does not apply.",
}

SUPERVISION = {
    "01": "Must be performed under the general supervision of a physician.",
    "02": "Must be performed under the direct supervision of a physician.",
    "03": "Must be performed under the personal supervision of a physician.",
    "04": "Supervision policy does not apply when furnished by a qualified independent or "
          "clinical psychologist; otherwise general supervision.",
    "05": "Supervision policy does not apply when furnished by a qualified audiologist; "
          "otherwise general supervision.",
    "06": "Must be performed by a physician or an ABPTS-certified electrophysiological "
          "clinical specialist physical therapist.",
    "09": "Concept does not apply.",
    "21": "May be performed by a certified technician under general supervision; otherwise "
          "direct supervision.",
    "22": "May be performed by a technician with on-line real-time contact with a physician.",
    "66": "May be performed by a physician or by an ABPTS-certified physical therapist "
          "certified in this procedure.",
    "6A": "Level 66 applies; an ABPTS-certified physical therapist may also supervise another "
          "physical therapist, but only the certified one may bill.",
    "77": "Must be performed by an ABPTS-certified physical therapist, by an uncertified one "
          "under direct physician supervision, or by a certified technician under general "
          "supervision.",
    "7A": "Level 77 applies; an ABPTS-certified physical therapist may also supervise another "
          "physical therapist, but only the certified one may bill.",
}

IMAGING_FAMILY = {
    "88": "Subject to the multiple procedure reduction of diagnostic imaging (technical and "
          "professional components).",
    "99": "Concept does not apply.",
}

MEANINGS: dict[str, dict[str, str]] = {
    "modifier": MODIFIERS,
    "status": STATUS_CODES,
    "not_used_for_payment": NOT_USED_FLAG,
    "na_indicator": NA_INDICATOR,
    "pctc": PCTC_INDICATORS,
    "global_days": GLOBAL_DAYS,
    "multiple_procedure": MULTIPLE_PROCEDURE,
    "bilateral": BILATERAL,
    "assistant": ASSISTANT,
    "co_surgeons": CO_SURGEONS,
    "team_surgery": TEAM_SURGERY,
    "supervision": SUPERVISION,
    "imaging_family": IMAGING_FAMILY,
}


def meaning(attribute: str, code: str) -> str | None:
    """What the layout says ``code`` means for ``attribute``; None for a value it does not
    define."""
    return MEANINGS[attribute].get(code)
