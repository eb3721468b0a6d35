"""Long titles of the Medical and Surgical section (0) and of Obstetrics (1), which words its
titles the same way.

A title names the operation, the body part, the device, the qualifier and the approach:
``Resection of Appendix, Percutaneous Endoscopic Approach``. Each operation has its own
opening (``Bypass X to Y``, ``Insertion of D into X``, ``Control Bleeding in X``); a qualifier
goes before the approach unless it is one of those CMS prints after it or turns into a phrase
of its own (``using Drug-Coated Balloon``, ``created from Truncal Valve``).
"""

from __future__ import annotations

from .tables import PcsCode
from .wording import approach_phrase, device_phrase, is_none, reorder

# "<Operation> of <body part>"; the other operations put the body part straight after
OF_OPERATIONS = frozenset({
    "Abortion", "Alteration", "Delivery", "Destruction", "Dilation", "Division", "Drainage",
    "Excision", "Extraction", "Fusion", "Inspection", "Occlusion", "Reattachment",
    "Replacement", "Resection", "Restriction", "Transplantation",
})
# ... and these tables or body parts, where CMS wrote "of" for operations that omit it
OF_TABLES = frozenset({"0JU"})
OF_BODY_PARTS = frozenset({"08U0", "08U1", "0CQW", "0CQX"})
# operations whose object is the device: "<opening> <device> <preposition> <body part>"
DEVICE_OBJECT = {"Change": ("Change", "in"), "Insertion": ("Insertion of", "into"),
                 "Removal": ("Removal of", "from"), "Revision": ("Revision of", "in")}
OPENINGS = {"Control": "Control Bleeding in", "Extirpation": "Extirpation of Matter from",
            "Detachment": "Detachment at"}

# qualifiers printed after the approach
AFTER_APPROACH = frozenset({"Diagnostic", "Ultrasonic", "Hand-Assisted", "Vertical"})
AFTER_APPROACH_IN = frozenset({
    ("Drainage", "All"), ("Drainage", "Multiple"), ("Drainage", "Single"),
    ("Excision", "All"), ("Excision", "Multiple"), ("Excision", "Single"),
    ("Resection", "Allogeneic"), ("Resection", "Syngeneic"), ("Resection", "Zooplastic"),
})
# qualifiers naming a technique: "... using <qualifier>"
USING = frozenset({
    "Drug-Coated Balloon", "Laser Interstitial Thermal Therapy", "Irreversible Electroporation",
    "Stereoelectroencephalographic Radiofrequency Ablation", "Stent Retriever",
    "Connectomic Analysis", "Rapid Deployment Technique",
    "Deep Inferior Epigastric Artery Perforator Flap", "Gluteal Artery Perforator Flap",
    "Latissimus Dorsi Myocutaneous Flap", "Lumbar Artery Perforator Flap",
    "Superficial Inferior Epigastric Artery Flap", "Transverse Rectus Abdominis Myocutaneous Flap",
})
# qualifiers naming the exact site, printed instead of the body part
SITES = frozenset({
    "Hemorrhoidal Plexus", "Left Atrial Appendage", "Ductus Arteriosus",
    "Uterine Artery, Right", "Uterine Artery, Left", "Prostatic Artery, Right",
    "Prostatic Artery, Left",
})
# valves a repaired or supplemented valve was "created from"
CREATED_FROM = frozenset({"Truncal Valve", "Atrioventricular Valve, Left",
                          "Atrioventricular Valve, Right"})
CREATION_SOURCES = frozenset({"Truncal Valve", "Common Atrioventricular Valve"})
# bypasses written from their source: "Bypass Pulmonary Trunk from Innominate Artery"
PULMONARY_SOURCES = frozenset({"Carotid", "Innominate Artery", "Subclavian"})
# rows CMS added with an approach worded apart from the rest of the section
VIA_WITH_APPROACH_TABLES = frozenset({"07Q"})
VIA_WITH_APPROACH_BODY_PARTS = frozenset({"0WJP", "0WJQ", "0WJR"})
BARE_APPROACH_BODY_PARTS = frozenset({"0UDN"})


def medical_surgical(code: PcsCode) -> str:
    """The long title of a code of section 0 or 1."""
    op, part, approach_label, device_label, qualifier_label = (a.label for a in code.axes[2:])
    table, prefix = code.code[:3], code.code[:4]
    body = reorder(part)
    device = None if is_none(device_label) else device_phrase(device_label)
    qualifier = None if is_none(qualifier_label) else qualifier_label
    approach = _approach(table, prefix, approach_label, qualifier_label)
    attached = False  # a qualifier set off after the body part ("Upper Tooth, Single,")

    if qualifier in SITES:
        body, qualifier = reorder(qualifier), None
    elif qualifier == "Biventricular" and device:
        device, qualifier = f"Biventricular {device}", None
    elif qualifier == "Via Umbilical Vein" and device:
        device, qualifier = f"{device}, Via Umbilical Vein,", None
    elif qualifier in CREATED_FROM and op != "Creation":
        body, qualifier = f"{body} created from {reorder(qualifier)}", None
    elif qualifier and _attaches_to_body(op, part, approach_label, qualifier, device):
        body, qualifier, attached = f"{body}, {qualifier}", None, True
    if qualifier and qualifier.endswith("Flap") and op == "Replacement":
        device = None  # the flap says what the autologous tissue is

    head, device, qualifier = _opening(code, op, part, body, device, qualifier)
    using_after_device = bool(device)
    if device:
        head += f"{',' if attached else ''} with {device}"
    before: list[str] = []
    after: list[str] = []
    if qualifier is None:
        pass
    elif qualifier in USING:
        head += f"{',' if using_after_device else ''} using {qualifier}"
    elif qualifier in AFTER_APPROACH or (op, qualifier) in AFTER_APPROACH_IN:
        after.append(qualifier)
    else:
        before.append(qualifier)
    return ", ".join([head, *before, approach, *after])


def _approach(table: str, prefix: str, label: str, qualifier: str) -> str:
    if prefix in BARE_APPROACH_BODY_PARTS:
        return label
    phrase = approach_phrase(label)
    if label.startswith("Via") and (table in VIA_WITH_APPROACH_TABLES
                                    or prefix in VIA_WITH_APPROACH_BODY_PARTS
                                    or (table == "079" and qualifier == "Diagnostic")):
        phrase += " Approach"
    return phrase


def _attaches_to_body(op: str, part: str, approach: str, qualifier: str,
                      device: str | None) -> bool:
    """Qualifiers CMS sets off right after the body part, before any device."""
    if qualifier == "Sesamoid Bone(s) 1st Toe":
        return True
    if qualifier == "Bifurcation" and part.startswith("Coronary Artery"):
        return True
    return (part.endswith("Tooth") and device is not None
            and (op == "Replacement" or (op == "Reposition" and approach == "External")))


def _opening(code: PcsCode, op: str, part: str, body: str, device: str | None,
             qualifier: str | None) -> tuple[str, str | None, str | None]:
    """The title up to the device, with the device and qualifier it has not used."""
    if code.section == "1" and qualifier:
        obstetric = _obstetric_opening(op, body, qualifier)
        if obstetric:
            return obstetric, device, None
    if op == "Bypass" and qualifier:
        target = reorder(qualifier)
        if part.startswith("Coronary Artery"):
            return f"Bypass {body} from {target}", device, None
        if qualifier in PULMONARY_SOURCES and part.startswith("Pulmonary"):
            return f"Bypass {body} from {target}", device or "No Device", None
        return f"Bypass {body} to {target}", device, None
    if op == "Transfer" and qualifier:
        if qualifier.startswith(("Skin", "Subcutaneous Tissue")):
            return f"Transfer {body} with {qualifier}", device, None
        if qualifier.endswith("Flap"):
            return f"Transfer {body}, {qualifier}", device, None
        return f"Transfer {body} to {reorder(qualifier)}", device, None
    if op in DEVICE_OBJECT:
        opening, preposition = DEVICE_OBJECT[op]
        return f"{opening} {device} {preposition} {body}", None, qualifier
    if op in OPENINGS:
        return f"{OPENINGS[op]} {body}", device, qualifier
    if op == "Creation" and qualifier:
        if qualifier in CREATION_SOURCES:
            using = f" using {device}" if device else ""
            return f"Creation of {body} from {qualifier}{using}", None, None
        return f"Creation of {qualifier} in {body}", device, None
    if op == "Fragmentation":
        vessel = code.code[1] in "3456" or (code.code[1] == "2" and part.startswith("Pulmonary"))
        return f"Fragmentation {'of' if vessel else 'in'} {body}", device, qualifier
    if op == "Replacement" and qualifier and qualifier.startswith("Toe, "):
        return f"Replacement of {body} with {reorder(qualifier)}, {device}", None, None
    of = (op in OF_OPERATIONS or code.code[:3] in OF_TABLES
          or code.code[:4] in OF_BODY_PARTS)
    return (f"{op} of {body}" if of else f"{op} {body}"), device, qualifier


def _obstetric_opening(op: str, body: str, qualifier: str) -> str | None:
    """Obstetrics names what is drained, repaired or transplanted as its qualifier."""
    if op == "Drainage":
        return f"Drainage of {reorder(qualifier)} from {body}"
    if op == "Repair":
        return f"Repair {qualifier} in {body}"
    if op == "Transplantation":
        return f"Transplantation of {qualifier} into {body}"
    if op == "Extraction":
        if qualifier == "Manual":
            return f"Manual Extraction of {body}"
        return f"Extraction of {body}, {qualifier}"
    return None
