"""The facade's test data: the bundled ICD-10-CM (the run's ``fy2026`` template), both bundled
HCPCS Level II releases, and the ICD-10-PCS release cut down to its gastrointestinal body system
(``0D``: 3,000-odd codes instead of 80,000, read from the bundled files and loaded with the real
loader; loading all of it would add a minute to the run)."""

from __future__ import annotations

from domain.parsed import Node, ParsedRelease
from systems.icd10pcs.spec import ICD10PCS

CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT = "http://www.ama-assn.org/go/cpt"
PCS_KEEP = "0D"


def pcs_excerpt(keep: str = PCS_KEEP) -> ParsedRelease:
    """The bundled ICD-10-PCS release with only the codes under ``keep`` (and what is above
    them), parent and child indexes renumbered."""
    full = ICD10PCS.read(ICD10PCS.bundled_sources()[-1])
    kept: set[int] = set()
    for i, node in enumerate(full.nodes):
        if node.key.startswith(keep):
            j: int | None = i
            while j is not None and j not in kept:
                kept.add(j)
                j = full.nodes[j].parent
    order = sorted(kept)
    index = {old: new for new, old in enumerate(order)}
    nodes: list[Node] = []
    for old in order:
        node = full.nodes[old]
        node.parent = index[node.parent] if node.parent is not None else None
        node.children = [index[c] for c in node.children if c in index]
        nodes.append(node)
    return ParsedRelease(version=full.version, nodes=nodes, effective_from=full.effective_from,
                         effective_to=full.effective_to, source=f"{full.source} (0D only)")
