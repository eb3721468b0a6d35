"""Long titles of the New Technology section (X).

They read like the Medical and Surgical ones, with the seventh character (``New Technology
Group 10``) always last, after the approach. The sixth character names the device, substance
or technology; whether a title introduces it with "with" or "using" is set table by table.
"""

from __future__ import annotations

from .surgical_titles import OF_OPERATIONS
from .tables import PcsCode
from .wording import approach_phrase, device_phrase, reorder

USING_TABLES = frozenset({"X05", "X28", "X2C", "X2J", "X2K", "X2R", "X2V", "XDJ", "XDP", "XF5",
                          "XFJ", "XRG", "XT2"})
USING_DEVICES = frozenset({"Magnetically Controlled Growth Rod(s)",
                           "Posterior (Dynamic) Distraction Device"})
WITH_DEVICES = frozenset({"Multi-plane Flex Technology Bioprosthetic Valve", "Reduction Device"})
NO_APPROACH_TABLES = frozenset({"X0Z", "X2J", "XXE", "XY0", "XFJ"})
# body systems a monitoring title leaves out: the technology names what is monitored
UNNAMED_MONITORED = frozenset({"Subcutaneous Tissue", "Central Nervous", "Circulatory"})


def new_technology(code: PcsCode) -> str:
    """The long title of a code of section X."""
    op, part, approach_label, technology, group = (a.label for a in code.axes[2:])
    table = code.code[:3]
    body = reorder(part)
    device = device_phrase(technology)
    approach: str | None = approach_phrase(approach_label)
    if table in NO_APPROACH_TABLES or (op == "Measurement" and approach_label == "External"):
        approach = None
    if table == "XY0":
        head = f"Extracorporeal Introduction of {device}"
        if part != "Extracorporeal":
            head += f" to {body}"
    elif op in ("Insertion", "Introduction", "Transfusion"):
        head = f"{op} of {device} into {body}"
    elif op == "Extirpation":
        head = f"Extirpation of Matter from {body} using {device}"
    elif op == "Measurement":
        named = technology.startswith("Output")  # "Cardiac Output, ..."
        head = f"Measurement of {body} {technology}" if named else f"Measurement of {technology}"
    elif op == "Monitoring":
        if table == "XX2" and approach_label == "External" and part != "Subcutaneous Tissue":
            approach = None
        if table == "XT2":
            head = f"Monitoring of {body} using {device}"
        elif part in UNNAMED_MONITORED:
            head = f"Monitoring of {technology}"
        else:
            head = f"Monitoring of {body} {technology}"
    elif op == "Assistance":
        alone = table == "X2A" and ", " not in technology
        head = technology if alone else f"{body} {technology}"
    elif op == "Other Procedures":
        head = f"{device} of {body}"
    else:
        of = (op in OF_OPERATIONS or op == "Irrigation"
              or (table == "XNS" and technology in USING_DEVICES))
        head = f"{op} of {body}" if of else f"{op} {body}"
        using = ((table in USING_TABLES or technology in USING_DEVICES)
                 and technology not in WITH_DEVICES)
        head += f" {'using' if using else 'with'} {device}"
    return ", ".join(piece for piece in (head, approach, group) if piece)
