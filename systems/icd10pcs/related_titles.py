"""Long titles of the Medical and Surgical-related sections 2-9: placement, administration,
measurement and monitoring, extracorporeal assistance and performance, extracorporeal
therapies, osteopathic, other procedures and chiropractic.

Their axes 4-7 mean different things section by section (a substance, a function, a duration,
a method), so each section has its own sentence: ``Introduction of Serum, Toxoid and Vaccine
into Muscle, Percutaneous Approach``, ``Assistance with Cardiac Output using Balloon Pump,
Intermittent``, ``Chiropractic Manipulation of Lumbar Region, Extra-Articular``.
"""

from __future__ import annotations

from .tables import PcsCode
from .wording import approach_phrase, as_region, device_phrase, is_none, reorder


def _labels(code: PcsCode) -> tuple[str, str, str, str, str]:
    """The labels of positions 3-7."""
    third, fourth, fifth, sixth, seventh = (axis.label for axis in code.axes[2:])
    return third, fourth, fifth, sixth, seventh


def _join(*pieces: str | None) -> str:
    return ", ".join(piece for piece in pieces if piece)


def placement(code: PcsCode) -> str:
    """Section 2: ``Immobilization of Left Lower Leg using Other Device``."""
    op, part, _approach, device_label, _qualifier = _labels(code)
    body = reorder(part)
    device = device_phrase(device_label)
    orifice = code.code[1] == "Y"  # packing in an orifice: "Change Nasal Packing Material"
    if op == "Change":
        return f"Change {body} {device}" if orifice else f"Change {device} on {body}"
    if op == "Removal":
        return f"Removal of {body} {device}" if orifice else f"Removal of {device} on {body}"
    if is_none(device_label):
        return f"{op} of {body}"
    return f"{op} of {as_region(body)} using {device}"


SUBSTANCE_ADJECTIVES = frozenset({"Autologous", "Nonautologous", "Hyperthermic"})
SUBSTANCE_FORMS = {
    ("Gas", "Nitric Oxide"): "Nitric Oxide Gas",
    ("Other Therapeutic Substance", "Blood Brain Barrier Disruption"):
        "Blood Brain Barrier Disruption Substance",
    ("Antineoplastic", "Monoclonal Antibody"): "Antineoplastic, Monoclonal Antibody,",
}
# substances whose titles print the approach without "Approach"
BARE_APPROACH_SUBSTANCES = frozenset({"Recombinant Human-activated Protein C",
                                      "Immunostimulator", "Immunosuppressive"})


def administration(code: PcsCode) -> str:
    """Section 3: the substance (its qualifier when that is more exact) into the body part."""
    op, part, approach_label, substance_label, qualifier = _labels(code)
    body = reorder(part)
    substance = reorder(substance_label)
    approach: str | None = approach_phrase(approach_label)
    if qualifier in BARE_APPROACH_SUBSTANCES:
        approach = approach_label
    if op == "Irrigation":
        if code.code[:4] in ("3E10", "3E1C") and approach_label == "External":
            approach = None  # skin and eye irrigation
        where = "Indwelling Device" if code.code[1] == "C" else body
        return _join(f"Irrigation of {where} using {substance}", approach,
                     None if is_none(qualifier) else qualifier)
    if (substance_label, qualifier) in SUBSTANCE_FORMS:
        what = SUBSTANCE_FORMS[(substance_label, qualifier)]
    elif is_none(qualifier) or qualifier == "Other Substance":
        what = substance
    elif qualifier in SUBSTANCE_ADJECTIVES or op == "Transfusion":
        what = f"{qualifier.replace(', ', ' ')} {substance}"  # "Allogeneic Related Bone Marrow"
    else:
        what = qualifier  # the qualifier names the substance exactly ("Oxazolidinones")
    return _join(f"{op} of {what} into {body}", approach)


def measurement(code: PcsCode) -> str:
    """Section 4: ``Measurement of Arterial Pressure, Peripheral, Open Approach``."""
    op, system, approach_label, function, qualifier = _labels(code)
    if (function, qualifier) == ("Total Activity", "Stress"):
        function = "Stress" if op == "Monitoring" else function
        qualifier = "No Qualifier"
    if qualifier == "Intracranial" and system == "Central Nervous":
        system, qualifier = qualifier, "No Qualifier"
    head = f"{op} of {function}" if is_none(system) else f"{op} of {system} {function}"
    middle = None
    if not is_none(qualifier):
        if code.code[1] == "B" or qualifier == "Indocyanine Green Dye":
            head += f" using {qualifier}"
        else:
            middle = qualifier
    return _join(head, middle, approach_phrase(approach_label))


def assistance(code: PcsCode) -> str:
    """Section 5: ``Assistance with Respiratory Ventilation, 24-96 Consecutive Hours``."""
    op, system, duration, function, qualifier_label = _labels(code)
    qualifier = None if is_none(qualifier_label) else qualifier_label
    if function == "Cerebral Embolic Filtration":
        return _join(f"{duration} {function}", qualifier)
    if system == "Circulatory" and function in ("Oxygenation", "Filtration"):
        if qualifier == "Hyperbaric" or function == "Filtration":
            return f"Extracorporeal {qualifier} {function}, {duration}"
        return _join("Extracorporeal Oxygenation", qualifier,
                     duration if duration == "Intraoperative" else None)
    if qualifier == "Supersaturated":
        return f"Assistance with {system} {function}, {qualifier}"
    if op == "Performance" and system == "Respiratory":
        return _join(f"{system} {function}", duration, qualifier)
    if op == "Assistance" and qualifier and ("Pump" in qualifier or "Compression" in qualifier):
        return f"Assistance with {system} {function} using {qualifier}, {duration}"
    head = f"Assistance with {system} {function}" if op == "Assistance" else \
        f"{op} of {system} {function}"
    return _join(head, duration, qualifier)


def therapies(code: PcsCode) -> str:
    """Section 6: ``Pheresis of Platelets, Single``, ``Decompression, Circulatory, Single``."""
    op, system, duration, sixth, seventh = _labels(code)
    if sixth == "Donor Organ":
        return f"{op} of {system} {sixth}, {duration}"
    if not is_none(sixth):
        return _join(f"{op} of {system} using {sixth}", duration,
                     None if is_none(seventh) else seventh)
    if not is_none(seventh):
        return f"{op} of {reorder(seventh)}, {duration}"
    if is_none(system):
        return f"{op}, {duration}"
    if system == "Skin":
        return f"{op} of {system}, {duration}"
    return f"{op}, {system}, {duration}"


NOT_FORCES = frozenset({"Fascial Release", "General Mobilization", "Lymphatic Pump",
                        "Other Method"})


def osteopathic(code: PcsCode) -> str:
    """Section 7: ``Osteopathic Treatment of Sacrum using Indirect Forces``."""
    _op, region, _approach, method, _qualifier = _labels(code)
    forces = "" if method in NOT_FORCES else " Forces"
    return f"Osteopathic Treatment of {as_region(region)} using {method}{forces}"


def other_procedures(code: PcsCode) -> str:
    """Section 8: the method names the procedure (``Robotic Assisted Procedure of ...``)."""
    _op, region, approach_label, method, qualifier_label = _labels(code)
    if code.code[1] == "C":  # indwelling device
        return f"{method} of {qualifier_label} from Indwelling Device in {region}"
    external = approach_label == "External" and method != "Near Infrared Spectroscopy"
    approach = None if external else approach_phrase(approach_label)
    qualifier = None if is_none(qualifier_label) else qualifier_label
    if method == "Other Method":
        if is_none(region):
            return qualifier_label  # "Yoga Therapy"
        joint = "from" if qualifier_label == "Suture Removal" else "of"
        return _join(f"{qualifier_label} {joint} {region}", approach)
    if method == "Collection":
        return _join(f"{qualifier_label} Collection", approach)
    if method in ("Acupuncture", "Therapeutic Massage"):
        if qualifier is None:
            return method
        return f"{method} {'using' if method == 'Acupuncture' else 'of'} {qualifier}"
    if is_none(region):
        return _join(f"{approach_label} {method}", qualifier)
    head = f"{method} of {region}"
    if qualifier and method == "Fluorescence Guided Procedure":
        head, qualifier = f"{head} using {qualifier}", None
    return _join(head, qualifier, approach)


def chiropractic(code: PcsCode) -> str:
    """Section 9: ``Chiropractic Manipulation of Head, Non-Manual``."""
    _op, region, _approach, method, _qualifier = _labels(code)
    return f"Chiropractic Manipulation of {as_region(region)}, {method}"
