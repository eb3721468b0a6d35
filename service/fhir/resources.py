"""The conformance resources: one ``CodeSystem`` per system and release (``content:
not-present``: the codes are reached through the operations), the ``CapabilityStatement`` and,
with ``?mode=terminology``, the ``TerminologyCapabilities``. Free, as ``codeSystems`` is."""

from __future__ import annotations

import datetime

from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch
from fhir.resources.R4B.capabilitystatement import (
    CapabilityStatement,
    CapabilityStatementImplementation,
    CapabilityStatementRest,
    CapabilityStatementRestResource,
    CapabilityStatementRestResourceInteraction,
    CapabilityStatementRestResourceOperation,
    CapabilityStatementRestResourceSearchParam,
    CapabilityStatementSoftware,
)
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemProperty
from fhir.resources.R4B.terminologycapabilities import (
    TerminologyCapabilities,
    TerminologyCapabilitiesCodeSystem,
    TerminologyCapabilitiesCodeSystemVersion,
    TerminologyCapabilitiesExpansion,
    TerminologyCapabilitiesExpansionParameter,
    TerminologyCapabilitiesSoftware,
    TerminologyCapabilitiesTranslation,
    TerminologyCapabilitiesValidateCode,
)

from domain.metering.licences import COPYRIGHT, needed_for_text
from domain.releases import ReleaseRow
from service.fhir.call import Call
from service.fhir.canonical import URIS
from service.fhir.outcome import not_found
from service.fhir.params import Params
from service.fhir.properties import PROPERTIES
from systems import SPECS

FHIR_VERSION = "4.0.1"
SOFTWARE = "medcode"
PUBLISHERS = {
    "ICD10CM": "National Center for Health Statistics (NCHS), CDC",
    "ICD10PCS": "Centers for Medicare & Medicaid Services (CMS)",
    "HCPCS": "Centers for Medicare & Medicaid Services (CMS)",
    "CPT": "American Medical Association (AMA)",
}
SEARCH_PARAMETERS = frozenset({"url", "version", "system", "_id"})


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def resource_id(release: ReleaseRow) -> str:
    """``icd10cm-2026``, ``hcpcs-2026-01``: a FHIR id (letters, digits, ``-`` and ``.``)."""
    return f"{release.system_id.lower()}-{release.version}".replace("_", "-")


def _served(call: Call) -> list[ReleaseRow]:
    return [r for r in call.ctx.releases if r.system_id in SPECS and r.system_id in URIS]


def code_system(release: ReleaseRow, newest: bool) -> CodeSystem:
    spec = SPECS[release.system_id]
    licence = needed_for_text(release.system_id)
    return CodeSystem(
        id=resource_id(release), url=URIS[release.system_id], version=release.version,
        name=release.system_id, title=spec.name, status="active", experimental=False,
        publisher=PUBLISHERS.get(release.system_id),
        description=(f"{spec.short_name} release {release.version}, in force from "
                     f"{release.effective_from.isoformat()}"
                     + (f" to {release.effective_to.isoformat()}" if release.effective_to
                        else "") + (" (the newest loaded)." if newest else ".")),
        copyright=COPYRIGHT.get(licence) if licence else None,
        caseSensitive=False, hierarchyMeaning="is-a", content="not-present",
        count=release.code_count,
        valueSet=f"{URIS[release.system_id]}?fhir_vs",
        property=[CodeSystemProperty(code=code, type=kind if kind != "Coding" else "Coding",
                                     description=text)
                  for code, (kind, text) in PROPERTIES.items()],
    )


def _newest_ids(releases: list[ReleaseRow]) -> set[int]:
    newest: dict[str, int] = {}
    for r in releases:  # newest first within each system
        newest.setdefault(r.system_id, r.id)
    return set(newest.values())


def read_code_system(call: Call, resource: str) -> CodeSystem:
    releases = _served(call)
    newest = _newest_ids(releases)
    for r in releases:
        if resource_id(r) == resource:
            return code_system(r, r.id in newest)
    raise not_found(f"No CodeSystem/{resource} here; see GET /fhir/CodeSystem for the "
                    "systems and releases loaded.")


def search_code_systems(call: Call, params: Params) -> Bundle:
    releases = _served(call)
    newest = _newest_ids(releases)
    url, version, ident = params.one("url") or params.one("system"), params.one("version"), \
        params.one("_id")
    chosen = [r for r in releases
              if (url is None or URIS[r.system_id] == url)
              and (version is None or r.version == version)
              and (ident is None or resource_id(r) == ident)]
    return Bundle(type="searchset", total=len(chosen), entry=[
        BundleEntry(fullUrl=f"CodeSystem/{resource_id(r)}",
                    resource=code_system(r, r.id in newest), search=BundleEntrySearch(mode="match"))
        for r in chosen] or None)


def _operation(name: str) -> CapabilityStatementRestResourceOperation:
    return CapabilityStatementRestResourceOperation(
        name=name, definition=f"http://hl7.org/fhir/OperationDefinition/{name}")


def capability_statement() -> CapabilityStatement:
    return CapabilityStatement(
        status="active", date=_now(), kind="instance", fhirVersion=FHIR_VERSION,
        format=["application/fhir+json", "json"], name="medcode",
        title="medcode FHIR R4 terminology facade",
        software=CapabilityStatementSoftware(name=SOFTWARE),
        implementation=CapabilityStatementImplementation(
            description="medcode: ICD-10-CM, ICD-10-PCS, HCPCS Level II and CPT, metered by API "
                        "key (Authorization: Bearer <key>)"),
        instantiates=["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        rest=[CapabilityStatementRest(mode="server", resource=[
            CapabilityStatementRestResource(
                type="CodeSystem",
                interaction=[CapabilityStatementRestResourceInteraction(code="read"),
                             CapabilityStatementRestResourceInteraction(code="search-type")],
                searchParam=[CapabilityStatementRestResourceSearchParam(name="url", type="uri"),
                             CapabilityStatementRestResourceSearchParam(name="version",
                                                                        type="token")],
                operation=[_operation("CodeSystem-lookup"),
                           _operation("CodeSystem-validate-code")]),
            CapabilityStatementRestResource(
                type="ValueSet", operation=[_operation("ValueSet-expand"),
                                            _operation("ValueSet-validate-code")]),
            CapabilityStatementRestResource(
                type="ConceptMap", operation=[_operation("ConceptMap-translate")]),
        ])],
    )


def terminology_capabilities(call: Call) -> TerminologyCapabilities:
    releases = _served(call)
    by_system: dict[str, list[ReleaseRow]] = {}
    for r in releases:
        by_system.setdefault(r.system_id, []).append(r)
    return TerminologyCapabilities(
        status="active", date=_now(), kind="instance", name="medcode",
        software=TerminologyCapabilitiesSoftware(name=SOFTWARE),
        codeSystem=[TerminologyCapabilitiesCodeSystem(
            uri=URIS[system_id], version=[
                TerminologyCapabilitiesCodeSystemVersion(
                    code=r.version, isDefault=i == 0, property=list(PROPERTIES))
                for i, r in enumerate(rows)]) for system_id, rows in by_system.items()],
        expansion=TerminologyCapabilitiesExpansion(
            hierarchical=False, paging=True, incomplete=False,
            parameter=[TerminologyCapabilitiesExpansionParameter(name=n)
                       for n in ("filter", "count", "offset", "date")],
            textFilter="medcode's search: words in any order, stems, the last word as a "
                       "prefix, abbreviations; or a code or its start."),
        codeSearch="all",
        validateCode=TerminologyCapabilitiesValidateCode(translations=False),
        translation=TerminologyCapabilitiesTranslation(needsMap=False),
    )
