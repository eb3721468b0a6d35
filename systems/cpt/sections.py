"""The CPT hierarchy: sections and the subsections within them, by code range.

The AMA's data files carry no hierarchy, only codes and descriptors; the CPT code book arranges
the codes in sections by range, and the ranges are public facts (CMS and payers cite them: the
Medicine section is 90281-99607; chemotherapy administration is 96401-96549). The names here
are medcode's own short descriptions of what each range holds, not the AMA's headings.

A code sits in the narrowest range that holds it: the Evaluation and Management services
99202-99499 lie inside Medicine's 90281-99607 and belong to Evaluation and Management; the
immunization administration codes of the A series belong to Medicine and the administrative
MAAA codes (M) to Pathology and Laboratory. A five-digit code outside every section's range (a
code added between the printed ranges) goes to the section it follows in code order.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


def _series(code: str) -> str:
    """The lettered series a code belongs to (``F`` for 0001F), or "" for five digits."""
    return code[-1] if code[-1].isalpha() else ""


def _number(code: str) -> int:
    return int(code[:4] if code[-1].isalpha() else code)


@dataclass(frozen=True)
class CodeRange:
    """A range of codes of one shape, bounds inclusive (``96401``-``96549``, ``0001F``-...)."""

    first: str
    last: str
    name: str = ""

    @property
    def code(self) -> str:
        return f"{self.first}-{self.last}"

    @property
    def width(self) -> int:
        return _number(self.last) - _number(self.first)

    def __contains__(self, code: object) -> bool:
        return (isinstance(code, str) and len(code) == 5 and _series(code) == _series(self.first)
                and self.first <= code <= self.last)


@dataclass(frozen=True)
class Section:
    """A CPT section: its own range (its code), further ranges it also holds, its
    subsections."""

    first: str
    last: str
    name: str
    subsections: tuple[CodeRange, ...] = ()
    also: tuple[CodeRange, ...] = ()  # other series it holds (Medicine: 0001A-9999A)

    @property
    def code(self) -> str:
        return f"{self.first}-{self.last}"

    @property
    def bounds(self) -> tuple[CodeRange, ...]:
        return (CodeRange(self.first, self.last), *self.also)


R = CodeRange
MODIFIER_SECTION = ("MODIFIER", "CPT modifiers")

SECTIONS: tuple[Section, ...] = (
    Section("00100", "01999", "Anesthesia", (
        R("00100", "00222", "Anesthesia for procedures on the head"),
        R("00300", "00352", "Anesthesia for procedures on the neck"),
        R("00400", "00474", "Anesthesia for procedures on the thorax (chest wall and shoulder "
                            "girdle)"),
        R("00500", "00580", "Anesthesia for procedures inside the chest"),
        R("00600", "00670", "Anesthesia for procedures on the spine and spinal cord"),
        R("00700", "00797", "Anesthesia for procedures on the upper abdomen"),
        R("00800", "00882", "Anesthesia for procedures on the lower abdomen"),
        R("00902", "00952", "Anesthesia for procedures on the perineum"),
        R("01112", "01173", "Anesthesia for procedures on the pelvis (except the hip)"),
        R("01200", "01274", "Anesthesia for procedures on the upper leg (except the knee)"),
        R("01320", "01444", "Anesthesia for procedures on the knee and popliteal area"),
        R("01462", "01522", "Anesthesia for procedures on the lower leg, ankle and foot"),
        R("01610", "01682", "Anesthesia for procedures on the shoulder and axilla"),
        R("01710", "01782", "Anesthesia for procedures on the upper arm and elbow"),
        R("01810", "01860", "Anesthesia for procedures on the forearm, wrist and hand"),
        R("01916", "01936", "Anesthesia for radiological procedures"),
        R("01951", "01953", "Anesthesia for burn excision or debridement"),
        R("01958", "01969", "Anesthesia for obstetric procedures"),
        R("01990", "01999", "Anesthesia, other procedures"),
    )),
    Section("10004", "69990", "Surgery", (
        R("10004", "10021", "Surgery, general"),
        R("10030", "19499", "Surgery of the skin and integumentary system"),
        R("20100", "29999", "Surgery of the musculoskeletal system"),
        R("30000", "32999", "Surgery of the respiratory system"),
        R("33016", "37799", "Surgery of the heart and blood vessels"),
        R("38100", "38999", "Surgery of the blood-forming and lymphatic systems"),
        R("39000", "39599", "Surgery of the mediastinum and diaphragm"),
        R("40490", "49999", "Surgery of the digestive system"),
        R("50010", "53899", "Surgery of the urinary system"),
        R("54000", "55899", "Surgery of the male genital system"),
        R("55920", "55980", "Reproductive and intersex surgery"),
        R("56405", "58999", "Surgery of the female genital system"),
        R("59000", "59899", "Pregnancy and delivery care"),
        R("60000", "60699", "Surgery of the endocrine system"),
        R("61000", "64999", "Surgery of the nervous system"),
        R("65091", "68899", "Surgery of the eye and its adnexa"),
        R("69000", "69979", "Surgery of the ear"),
        R("69990", "69990", "Operating microscope"),
    )),
    Section("70010", "79999", "Radiology", (
        R("70010", "76499", "Diagnostic imaging"),
        R("76506", "76999", "Diagnostic ultrasound"),
        R("77001", "77022", "Imaging guidance"),
        R("77046", "77067", "Breast imaging"),
        R("77071", "77092", "Bone and joint studies"),
        R("77261", "77799", "Radiation oncology"),
        R("78012", "79999", "Nuclear medicine"),
    )),
    Section("80047", "89398", "Pathology and Laboratory", (
        R("80047", "80081", "Organ or disease panels"),
        R("80143", "80377", "Drug levels and drug testing"),
        R("80400", "80439", "Stimulation and suppression testing"),
        R("80503", "80506", "Pathology consultations on clinical problems"),
        R("81000", "81099", "Urine tests"),
        R("81105", "81479", "Molecular pathology"),
        R("81490", "81599", "Multianalyte assays with algorithmic analyses"),
        R("82009", "84999", "Clinical chemistry"),
        R("85002", "85999", "Blood cells and coagulation"),
        R("86000", "86849", "Immunology"),
        R("86850", "86999", "Blood bank and transfusion"),
        R("87003", "87999", "Microbiology"),
        R("88000", "88099", "Autopsy"),
        R("88104", "88199", "Cytopathology"),
        R("88230", "88299", "Chromosome studies"),
        R("88300", "88399", "Surgical pathology"),
        R("88720", "88749", "Laboratory tests done in the body"),
        R("89049", "89240", "Other laboratory procedures"),
        R("89250", "89398", "Reproductive laboratory procedures"),
        R("0001M", "9999M", "Administrative codes for multianalyte assays"),
    ), also=(R("0001M", "9999M"),)),
    Section("90281", "99607", "Medicine", (
        R("90281", "90399", "Immune globulins"),
        R("90460", "90474", "Giving vaccines and toxoids"),
        R("90476", "90759", "Vaccine and toxoid products"),
        R("90785", "90899", "Psychiatry"),
        R("90901", "90913", "Biofeedback"),
        R("90935", "90999", "Dialysis"),
        R("91010", "91299", "Gastroenterology"),
        R("92002", "92499", "Eye care services"),
        R("92502", "92700", "Ear, nose and throat services"),
        R("92920", "93799", "Heart and vessel services"),
        R("93880", "93998", "Vascular studies without entering the body"),
        R("94002", "94799", "Lung and breathing services"),
        R("95004", "95199", "Allergy and clinical immunology"),
        R("95249", "95251", "Glucose monitoring"),
        R("95700", "96020", "Nerve, muscle and brain function tests"),
        R("96040", "96040", "Genetic counseling"),
        R("96105", "96146", "Brain function and development tests"),
        R("96156", "96171", "Health behavior assessment and intervention"),
        R("96360", "96379", "Hydration, injections and infusions other than chemotherapy"),
        R("96401", "96549", "Chemotherapy and complex drug or biologic administration"),
        R("96567", "96574", "Light-activated drug therapy"),
        R("96900", "96999", "Skin treatments"),
        R("97010", "97799", "Physical medicine and rehabilitation"),
        R("97802", "97804", "Nutrition therapy"),
        R("97810", "97814", "Acupuncture"),
        R("98925", "98929", "Osteopathic manipulation"),
        R("98940", "98943", "Chiropractic manipulation"),
        R("98960", "98962", "Teaching patients to manage their own care"),
        R("99000", "99091", "Special services and reports"),
        R("99100", "99140", "Circumstances that complicate anesthesia"),
        R("99151", "99157", "Moderate sedation"),
        R("99170", "99199", "Other services"),
        R("99500", "99602", "Home health services"),
        R("99605", "99607", "Pharmacist medication therapy management"),
        R("0001A", "9999A", "Giving specific vaccines"),
    ), also=(R("0001A", "9999A"),)),
    Section("99202", "99499", "Evaluation and Management", (
        R("99202", "99215", "Office and outpatient visits"),
        R("99221", "99239", "Hospital inpatient and observation care"),
        R("99242", "99255", "Consultations"),
        R("99281", "99288", "Emergency department visits"),
        R("99291", "99292", "Critical care"),
        R("99304", "99316", "Nursing facility care"),
        R("99341", "99350", "Home and residence visits"),
        R("99358", "99360", "Prolonged services without the patient, and standby"),
        R("99366", "99368", "Team conferences"),
        R("99374", "99380", "Care plan oversight"),
        R("99381", "99429", "Preventive medicine"),
        R("99441", "99458", "Remote and digital services"),
        R("99460", "99486", "Newborn, pediatric and neonatal care"),
        R("99487", "99491", "Care management"),
        R("99492", "99494", "Collaborative behavioral health care"),
        R("99495", "99496", "Care after discharge"),
        R("99497", "99498", "Advance care planning"),
    )),
    Section("0001F", "9999F", "Category II (performance measurement)", (
        R("0001F", "0499F", "Composite measures"),
        R("0500F", "0999F", "Patient management"),
        R("1000F", "1999F", "Patient history"),
        R("2000F", "2999F", "Physical examination"),
        R("3000F", "3999F", "Diagnostic and screening processes or results"),
        R("4000F", "4999F", "Treatments, prevention and other interventions"),
        R("5000F", "5999F", "Follow-up and other outcomes"),
        R("6000F", "6999F", "Patient safety"),
        R("7000F", "7999F", "Structural measures"),
        R("9000F", "9999F", "Non-measure tracking codes"),
    )),
    Section("0001T", "9999T", "Category III (emerging technology)"),
    Section("0001U", "9999U", "Proprietary Laboratory Analyses (PLA)"),
)


# Lookup tables: every section bound as (series, first, last, width, section), and each
# section's subsections sorted by (series, first) (they do not overlap; a test checks it).
_BOUNDS = [(_series(b.first), b.first, b.last, b.width, s) for s in SECTIONS for b in s.bounds]
_SUBSECTIONS = {s.code: sorted(s.subsections, key=lambda r: (_series(r.first), r.first))
                for s in SECTIONS}
_STARTS = {code: [(_series(r.first), r.first) for r in ranges]
           for code, ranges in _SUBSECTIONS.items()}


def section_of(code: str) -> tuple[Section, CodeRange | None]:
    """The section and subsection (or None) of a CPT code of a known shape.

    >>> [r.code for r in section_of("96425")]
    ['90281-99607', '96401-96549']
    >>> section_of("99213")[0].name
    'Evaluation and Management'
    """
    series = _series(code)
    held = [(width, section) for s, first, last, width, section in _BOUNDS
            if s == series and first <= code <= last]
    if held:
        section = min(held, key=lambda pair: pair[0])[1]
    else:  # a five-digit code between the printed ranges: the section it follows
        before = [s for s in SECTIONS if s.first.isdigit() and s.first <= code]
        section = max(before, key=lambda s: s.first) if before else SECTIONS[0]
    at = bisect_right(_STARTS[section.code], (series, code)) - 1
    if at >= 0:
        candidate = _SUBSECTIONS[section.code][at]
        if code in candidate:
            return section, candidate
    return section, None
