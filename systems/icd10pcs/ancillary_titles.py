"""Long titles of the ancillary sections: imaging (B), nuclear medicine (C), radiation therapy
(D), physical rehabilitation and diagnostic audiology (F), mental health (G) and substance
abuse treatment (H).

``Computerized Tomography (CT Scan) of Left Kidney using Low Osmolar Contrast``, ``High Dose
Rate (HDR) Brachytherapy of Gallbladder using Iridium 192 (Ir-192)``, ``Individual
Psychotherapy, Cognitive``, ``Group Counseling for Substance Abuse Treatment, Spiritual``.
"""

from __future__ import annotations

from .tables import PcsCode
from .wording import is_none, reorder


def _join(*pieces: str) -> str:
    return ", ".join(piece for piece in pieces if piece and not is_none(piece))


def imaging(code: PcsCode) -> str:
    """Sections B and C: the type of imaging of the body part using the contrast (B) or the
    radionuclide (C), then the qualifiers."""
    op, part, agent, sixth, seventh = (axis.label for axis in code.axes[2:])
    head = f"{op} of {reorder(part)}"
    if not is_none(agent):
        head += f" using {_contrast(agent) if code.section == 'B' else agent}"
    elif not is_none(sixth):
        head, sixth = f"{head} using {sixth}", "None"  # "using Intravascular Optical Coherence"
    if (sixth, seventh) == ("Laser", "Intraoperative"):
        sixth, seventh = "Laser Intraoperative", "None"
    return _join(head, sixth, seventh)


def _contrast(label: str) -> str:
    if label.endswith("Contrast") or label == "Fluorescing Agent":
        return label
    return f"{label} Contrast"


def radiation(code: PcsCode) -> str:
    """Section D: the modality of the treatment site, using the isotope."""
    op, site, modality, isotope, qualifier = (axis.label for axis in code.axes[2:])
    body = reorder(site)
    if op == "Brachytherapy":
        head = f"{modality} Brachytherapy of {body}"
    elif op == "Beam Radiation":
        head = f"Beam Radiation of {body} using {modality}"
    elif modality == "Isotope Administration":
        head = f"Isotope Administration to {body}"
    else:
        head = f"{modality} of {body}"
    if not is_none(isotope):
        head += f" using {isotope}"
    return _join(head, qualifier)


# equipment a title names as it is; the others get "Equipment" ("using Audiovisual Equipment")
EQUIPMENT_NOUNS = frozenset({
    "Audiometer", "Computer", "Negative Pressure Therapy", "Orthosis", "Other Equipment",
    "Physical Agents", "Prosthesis", "Sound Field / Booth", "Speech Prosthesis", "Tympanometer",
})


def rehabilitation(code: PcsCode) -> str:
    """Section F: the type qualifier names the assessment or treatment
    (``Voice Assessment``, ``Caregiver Training in Transfer using Prosthesis``)."""
    op, body, kind, equipment, _qualifier = (axis.label for axis in code.axes[2:])
    if op == "Caregiver Training":
        head = f"Caregiver Training in {kind}"
    elif op == "Device Fitting":
        head = f"{kind} Device Fitting"
    else:
        head = f"{kind} {op.split()[-1]}"  # "Speech Assessment" -> "... Assessment"
    if not is_none(body):
        head += f" of {body}"
    if not is_none(equipment):
        noun = equipment if equipment in EQUIPMENT_NOUNS else f"{equipment} Equipment"
        head += f" using {noun}"
    return head


MENTAL_HEALTH_FORMS = {"Other Family Psychotherapy": "Family Psychotherapy",
                       "Other Biofeedback": "Biofeedback"}


def mental_health(code: PcsCode) -> str:
    """Section G: ``Individual Psychotherapy, Interactive``, ``Educational Counseling``."""
    op, qualifier = code.axes[2].label, code.axes[3].label
    if is_none(qualifier):
        return op
    if qualifier in MENTAL_HEALTH_FORMS:
        return MENTAL_HEALTH_FORMS[qualifier]
    if qualifier.startswith("Other "):
        return qualifier  # "Other Electroconvulsive Therapy"
    if op == "Counseling":
        return f"{qualifier} Counseling"
    return f"{op}, {qualifier}"


def substance_abuse(code: PcsCode) -> str:
    """Section H: ``Pharmacotherapy for Substance Abuse Treatment, Naltrexone``."""
    op, qualifier = code.axes[2].label, code.axes[3].label
    head = f"{op} for Substance Abuse Treatment"
    if is_none(qualifier) or qualifier == f"Other {op}":
        return head
    return f"{head}, {qualifier}"
