"""Generated long titles against CMS's official FY2026 titles.

``data/official_title_digests_2026.txt.gz`` holds a digest of the official title of every
FY2026 code (see data/README.md); every generated title must hash to it. Titles of codes
that a later release rewords go in ``YEAR_DIFFERENCES`` with the reason, and nowhere else.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from systems.icd10pcs.tables import CodeAxis, PcsCode
from systems.icd10pcs.titles import long_title

from ._data import code_map, codes, official_title_digests

# code -> why its generated title may differ from the official one (none for FY2026)
YEAR_DIFFERENCES: dict[str, str] = {}

# official titles written out, as CMS's order file prints them (FY2025/FY2026 code files,
# CMS's ICD-10-PCS course and public code lookups)
OFFICIAL = {
    "0DTJ4ZZ": "Resection of Appendix, Percutaneous Endoscopic Approach",
    "0DTJ4ZG": "Resection of Appendix, Percutaneous Endoscopic Approach, Hand-Assisted",
    "0DBJ4ZG": "Excision of Appendix, Percutaneous Endoscopic Approach, Hand-Assisted",
    "0DBJ8ZZ": "Excision of Appendix, Via Natural or Artificial Opening Endoscopic",
    "0D9J4ZZ": "Drainage of Appendix, Percutaneous Endoscopic Approach",
    "0D9J40Z": "Drainage of Appendix with Drainage Device, Percutaneous Endoscopic Approach",
    "0D9J4ZX": "Drainage of Appendix, Percutaneous Endoscopic Approach, Diagnostic",
    "02100Z9": "Bypass Coronary Artery, One Artery from Left Internal Mammary, Open Approach",
    "0016070": "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, "
               "Open Approach",
    "00160J1": "Bypass Cerebral Ventricle to Mastoid Sinus with Synthetic Substitute, "
               "Open Approach",
    "10D00Z1": "Extraction of Products of Conception, Low, Open Approach",
    "3E0234Z": "Introduction of Serum, Toxoid and Vaccine into Muscle, Percutaneous Approach",
    "5A1955Z": "Respiratory Ventilation, Greater than 96 Consecutive Hours",
    "5A1945Z": "Respiratory Ventilation, 24-96 Consecutive Hours",
    "5A1935Z": "Respiratory Ventilation, Less than 24 Consecutive Hours",
    "5A19054": "Respiratory Ventilation, Single, Nonmechanical",
    "5A0945A": "Assistance with Respiratory Ventilation, 24-96 Consecutive Hours, "
               "High Flow/Velocity Cannula",
}


def _digest(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]


def test_every_title_agrees_with_the_official_one() -> None:
    digests = official_title_digests()
    assert set(digests) == set(code_map()), "the official file and the tables list other codes"
    checked: Counter[str] = Counter()
    disagreeing: dict[str, str] = {}
    for code in codes():
        checked[code.section] += 1
        title = long_title(code)
        if _digest(title) != digests[code.code]:
            disagreeing[code.code] = title
    assert sum(checked.values()) == 79_115
    assert len(checked) == 17  # every section
    assert set(disagreeing) == set(YEAR_DIFFERENCES), sorted(disagreeing.items())[:20]


@pytest.mark.parametrize(("code", "title"), sorted(OFFICIAL.items()))
def test_official_titles_written_out(code: str, title: str) -> None:
    assert long_title(code_map()[code]) == title
    assert _digest(title) == official_title_digests()[code]


@pytest.mark.parametrize(("code", "title"), [
    # one of each section's wordings
    ("0JH806Z", "Insertion of Pacemaker, Dual Chamber into Abdomen Subcutaneous Tissue and Fascia, "
                "Open Approach"),
    ("047U372", "Dilation of Left Peroneal Artery with Four or More Drug-eluting Intraluminal "
                "Devices, Sustained Release, Percutaneous Approach"),
    ("2W3RXYZ", "Immobilization of Left Lower Leg using Other Device"),
    ("30243X3", "Transfusion of Allogeneic Unrelated Cord Blood Stem Cells into Central Vein, "
                "Percutaneous Approach"),
    ("4A1GXSH", "Monitoring of Skin and Breast Vascular Perfusion using Indocyanine Green Dye, "
                "External Approach"),
    ("5A02110", "Assistance with Cardiac Output using Balloon Pump, Intermittent"),
    ("6A550ZT", "Pheresis of Cord Blood Stem Cells, Single"),
    ("7W02X7Z", "Osteopathic Treatment of Thoracic Region using Muscle Energy-Isometric Forces"),
    ("8E0ZXY4", "Yoga Therapy"),
    ("9WB3XDZ", "Chiropractic Manipulation of Lumbar Region, Extra-Articular"),
    ("B210110", "Fluoroscopy of Single Coronary Artery using Low Osmolar Contrast, "
                "Laser Intraoperative"),
    ("CW23KZZ", "Tomographic (Tomo) Nuclear Medicine Imaging of Chest using Fluorine 18 (F-18)"),
    ("DT13BB1", "Low Dose Rate (LDR) Brachytherapy of Urethra using Palladium 103 (Pd-103), "
                "Unidirectional Source"),
    ("F00ZCMZ", "Aphasia Assessment using Augmentative / Alternative Communication Equipment"),
    ("GZ72ZZZ", "Family Psychotherapy"),
    ("HZ85ZZZ", "Medication Management for Substance Abuse Treatment, Naloxone"),
    ("XRGF058", "Fusion of Left Sacroiliac Joint using Internal Fixation Device with Tulip "
                "Connector, Open Approach, New Technology Group 8"),
])
def test_each_section_wording(code: str, title: str) -> None:
    assert long_title(code_map()[code]) == title
    assert _digest(title) == official_title_digests()[code]


def test_an_unknown_section_gets_its_labels() -> None:
    def axis(position: int, label: str) -> CodeAxis:
        return CodeAxis(position, "Qualifier", "Z", label)

    code = PcsCode("YZZZZZZ", (axis(1, "Future"), axis(2, "Future"), axis(3, "Operation"),
                               axis(4, "Body Part"), axis(5, "None"), axis(6, "No Device"),
                               axis(7, "Group 1")))
    assert long_title(code) == "Operation, Body Part, Group 1"
