"""How CMS words an axis label inside a long title.

The tables print a label with its most general word first (``Kidney, Right``,
``Intraluminal Device, Drug-eluting, Two``); a long title reads it the other way round
(``Right Kidney``, ``Two Drug-eluting Intraluminal Devices``). Lists (``Chest, Abdomen and
Pelvis``), catch-alls (``Musculoskeletal System, All``) and the labels in :data:`AS_PRINTED`
stay as the tables print them; :data:`TITLE_FORMS` holds the labels whose title wording is
their own.
"""

from __future__ import annotations

NO_VALUE = frozenset({"No Device", "No Qualifier", "None"})
LATERALITY = frozenset({"Right", "Left", "Bilateral"})
COUNTS = ("Two", "Three", "Four or More")
# two-word modifiers that read as one ("Lymphatics, Head and Neck" -> "Head and Neck Lymphatics")
PAIRED_MODIFIERS = frozenset({"Right and Left", "Head and Neck", "Abdomen and Pelvis"})
# adjectives the tables use as body regions, which a title turns into nouns
ADJECTIVE_REGIONS = frozenset({"Anorectal", "Nasal", "Thoracic", "Lumbar", "Cervical"})

AS_PRINTED = frozenset({
    # body parts
    "Coronary Artery, One Artery", "Coronary Artery, Two Arteries",
    "Coronary Artery, Three Arteries", "Coronary Artery, Four or More Arteries",
    "Stomach, Pylorus", "Tongue, Palate, Pharynx Muscle",
    "Thoracic Aorta, Ascending/Arch", "Thoracic Aorta, Descending", "Thoracic Aorta, Arch",
    "Thoracic Aorta, Ascending", "Thoracic Sympathetic Nerve, Cardiac Plexus",
    "Hip Joint, Acetabular Surface", "Hip Joint, Femoral Surface",
    "Knee Joint, Femoral Surface", "Knee Joint, Tibial Surface",
    "Products of Conception, Retained", "Products of Conception, Ectopic",
    "Products of Conception, Circulatory", "Products of Conception, Nervous",
    "Products of Conception, Cardiac", "Chest, Abdomen and Pelvis",
    "First Trimester, Single Fetus", "First Trimester, Multiple Gestation",
    "Second Trimester, Single Fetus", "Second Trimester, Multiple Gestation",
    "Third Trimester, Single Fetus", "Third Trimester, Multiple Gestation",
    # devices and substances
    "Pacemaker, Dual Chamber", "Pacemaker, Single Chamber",
    "Pacemaker, Single Chamber Rate Responsive",
    "Radioactive Element, Cesium-131 Collagen Implant",
    "Radioactive Element, Palladium-103 Collagen Implant",
    "Intraluminal Device, Flow Diverter", "Intraluminal Device, Endovascular Anchors",
    "Intraluminal Device, Bioprosthetic Valve",
    "Intraluminal Device, Everolimus-eluting Resorbable Scaffold(s)",
    "Intraluminal Device, Heterotopic Bioprosthetic Valve(s)",
    "Synthetic Substitute, Pneumatic", "Synthetic Substitute, Extraluminal Support Device",
    "Synthetic Substitute, Lateral Meniscus", "Synthetic Substitute, Medial Meniscus",
    "Spinal Stabilization Device, Vertebral Body Tether",
    "Branched Intraluminal Device, Manufactured Integrated System, Four or More Arteries",
    "Facet Joint Fusion Device, Paired Titanium Cages",
    "Paclitaxel-Coated Balloon Technology, One Balloon",
    "Paclitaxel-Coated Balloon Technology, Two Balloons",
    "Paclitaxel-Coated Balloon Technology, Three Balloons",
    "Paclitaxel-Coated Balloon Technology, Four or More Balloons",
    "Amniotic Fluid, Therapeutic", "Amniotic Fluid, Diagnostic",
    "Hematopoietic Stem/Progenitor Cells, Genetically Modified",
    "Bentracimab, Ticagrelor Reversal Agent", "Leaflet Laceration, Radiofrequency Energy",
    "Nonautologous (Human) Fibrinogen Concentrate, Shelf-stable",
    "Prademagene Zamikeracel, Genetically Engineered Autologous Cell Therapy",
    "Transthoracic Echocardiography, Computer-aided Guidance",
    "Vancomycin Hydrochloride and Tobramycin Sulfate Anti-Infective, "
    "Temporary Irrigation Spacer System",
})

TITLE_FORMS = {
    "Pulmonary Vein, Confluence": "Pulmonary Vein Confluence",
    "Cardiac Lead, Defibrillator": "Defibrillator Lead",
    "Cardiac Lead, Pacemaker": "Pacemaker Lead",
    "Hearing Device, Multiple Channel Cochlear Prosthesis": "Multiple Channel Cochlear Prosthesis",
    "Hearing Device, Single Channel Cochlear Prosthesis": "Single Channel Cochlear Prosthesis",
    "Infusion Device, Pump": "Infusion Pump",
    "Intraluminal Device, Airway": "Airway",
    "Intraluminal Device, Endobronchial Valve": "Endobronchial Valve",
    "Intraluminal Device, Endotracheal Airway": "Endotracheal Airway",
    "Intraluminal Device, Pessary": "Pessary",
    "Intraluminal Device, Uncovered with Support Cuff":
        "Uncovered Intraluminal Device with Support Cuff",
    "Intraluminal Device, Branched or Fenestrated, One or Two Arteries":
        "Branched or Fenestrated Intraluminal Device, One or Two Arteries",
    "Intraluminal Device, Branched or Fenestrated, Three or More Arteries":
        "Branched or Fenestrated Intraluminal Device, Three or More Arteries",
    "Synthetic Substitute, Intraocular Telescope": "Intraocular Telescope",
    "Synthetic Substitute, Unicondylar Medial": "Medial Unicondylar Synthetic Substitute",
    "Synthetic Substitute, Unicondylar Lateral": "Lateral Unicondylar Synthetic Substitute",
    "Biologic with Synthetic Substitute, Autoregulated Electrohydraulic":
        "Biologic and Synthetic Substitute, Autoregulated Electrohydraulic",
    "Plasma, Convalescent (Nonautologous)": "Convalescent Plasma (Nonautologous)",
}


def is_none(label: str) -> bool:
    """True for the labels that mean "nothing here" (``No Device``, ``No Qualifier``, ``None``),
    which a title leaves out."""
    return label in NO_VALUE


def reorder(label: str) -> str:
    """The label as a title reads it: ``Kidney, Right`` -> ``Right Kidney``,
    ``Lymphatic, Internal Mammary, Left`` -> ``Left Internal Mammary Lymphatic``."""
    if label in TITLE_FORMS:
        return TITLE_FORMS[label]
    if label in AS_PRINTED:
        return label
    parts = label.split(", ")
    if len(parts) > 2 and parts[-1] in LATERALITY:
        return f"{parts[-1]} {reorder(', '.join(parts[:-1]))}"
    if parts[0].endswith("System"):  # a catch-all: "Musculoskeletal System, All"
        return label
    if len(parts) > 2:  # a list: "Analgesics, Hypnotics, Sedatives"
        return label
    if (" and " in parts[-1] and parts[-1] not in PAIRED_MODIFIERS
            and not parts[0].endswith(("Device", "Substitute"))):
        return label  # a list: "Kidneys, Ureters and Bladder"
    return " ".join(reversed(parts))


def device_phrase(label: str) -> str:
    """A device as a title names it, counted ones in the plural:
    ``Intraluminal Device, Drug-eluting, Two`` -> ``Two Drug-eluting Intraluminal Devices``."""
    parts = label.split(", ")
    if len(parts) > 1 and parts[-1] in COUNTS:
        return f"{parts[-1]} {reorder(', '.join(parts[:-1]))}s"
    return reorder(label)


def approach_phrase(label: str) -> str:
    """``Open`` -> ``Open Approach``; the ``Via ...`` approaches read as they are."""
    return label if label.startswith("Via") else f"{label} Approach"


def as_region(phrase: str) -> str:
    """An adjective naming a body region (``Nasal``) as the noun a title needs
    (``Nasal Region``)."""
    return f"{phrase} Region" if phrase in ADJECTIVE_REGIONS else phrase
