"""Modifiers as the NCCI edits read them.

``PTP_BYPASS``: the modifiers that may bypass a PTP edit whose modifier indicator is 1, as the
CMS "Medicare NCCI Policy Manual" (Chapter I, "NCCI PTP-associated modifiers") lists them:
anatomic modifiers E1-E4, FA, F1-F9, TA, T1-T9, LT, RT, LC, LD, RC, LM, RI; global surgery
modifiers 24, 25, 57, 58, 78, 79; and 27, 59, 91, XE, XS, XP, XU. (Modifier 59 and the X{EPSU}
modifiers say the service is distinct; 91 is a repeat clinical laboratory test; 27 a second
hospital outpatient E/M visit on the same day.) A modifier may bypass an edit only when the
clinical circumstances justify it: the finding says which would, not that one should be added.

``CPT_MODIFIERS``: the two-character identifiers of the CPT (HCPCS Level I) modifiers, numbers
only, no descriptors: a claim line's modifier is known when it is an HCPCS Level II modifier of
the loaded HCPCS release, a modifier of the loaded CPT release, or, while no CPT release is
loaded, one of these.
"""

from __future__ import annotations

ANATOMIC = frozenset(
    {"E1", "E2", "E3", "E4", "FA", *(f"F{i}" for i in range(1, 10)), "TA",
     *(f"T{i}" for i in range(1, 10)), "LT", "RT", "LC", "LD", "RC", "LM", "RI"})
GLOBAL_SURGERY = frozenset({"24", "25", "57", "58", "78", "79"})
DISTINCT = frozenset({"59", "XE", "XS", "XP", "XU"})
OTHER = frozenset({"27", "91"})
PTP_BYPASS = ANATOMIC | GLOBAL_SURGERY | DISTINCT | OTHER

CPT_MODIFIERS = frozenset({
    "22", "23", "24", "25", "26", "27", "32", "33", "47", "50", "51", "52", "53", "54", "55",
    "56", "57", "58", "59", "62", "63", "66", "73", "74", "76", "77", "78", "79", "80", "81",
    "82", "90", "91", "92", "93", "95", "96", "97", "99",
    "P1", "P2", "P3", "P4", "P5", "P6",  # anesthesia physical status
    "1P", "2P", "3P", "8P",  # Category II performance measurement
})
