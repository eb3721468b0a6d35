"""Code systems by their canonical URIs (HL7 Terminology, THO), and the implicit value sets
``<system>?fhir_vs`` and ``<system>?fhir_vs=isa/<code>``."""

from __future__ import annotations

from dataclasses import dataclass

# HL7's canonical URIs (terminology.hl7.org: CodeSystem icd10CM, icd10PCS, hcpcs-Level-II, CPT).
URIS: dict[str, str] = {
    "ICD10CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "ICD10PCS": "http://www.cms.gov/Medicare/Coding/ICD10",
    "HCPCS": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "CPT": "http://www.ama-assn.org/go/cpt",
}
SYSTEM_IDS = {uri: system_id for system_id, uri in URIS.items()}
IMPLICIT = "?fhir_vs"
ISA = "isa/"

# medcode's own vocabularies in the answers (description kinds, error codes, the HCPCS map).
DESCRIPTION_KIND = "urn:medcode:fhir:description-kind"
ERROR_CODE = "urn:medcode:fhir:error-code"
HCPCS_XREF_MAP = "urn:medcode:fhir:ConceptMap:hcpcs-cross-reference"


def split_version(uri: str) -> tuple[str, str | None]:
    """``url|version`` (a canonical with its version) into its two parts."""
    base, bar, version = uri.partition("|")
    return base, (version or None) if bar else None


def system_id_of(uri: str) -> str | None:
    """medcode's id (``ICD10CM``) of a code system URI; None for one medcode does not hold."""
    return SYSTEM_IDS.get(split_version(uri.strip())[0])


@dataclass(frozen=True, slots=True)
class ImplicitValueSet:
    system_id: str
    isa: str | None  # the code whose subtree the value set is, or None for the whole system
    url: str


def value_set_of(url: str) -> ImplicitValueSet | None:
    """The implicit value set a ``url`` names (``<system>?fhir_vs``, ``...?fhir_vs=isa/E11``);
    None when it is not one of medcode's."""
    base, sep, query = url.strip().partition("?")
    system_id = SYSTEM_IDS.get(base)
    if system_id is None or not sep:
        return None
    if query == "fhir_vs":
        return ImplicitValueSet(system_id, None, url)
    name, eq, value = query.partition("=")
    if name == "fhir_vs" and eq and value.startswith(ISA) and len(value) > len(ISA):
        return ImplicitValueSet(system_id, value[len(ISA):], url)
    return None
