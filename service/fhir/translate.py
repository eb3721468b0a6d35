"""``ConceptMap/$translate`` over the maps medcode holds: HCPCS Level II cross-references
(CMS's XREF field: the code to use instead of a terminated or replaced one), read from the
code's stored details as the GraphQL ``hcpcs.crossReferences`` field reads them.

Costs one code view (the code looked up), given back when the code is unknown.
"""

from __future__ import annotations

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.parameters import Parameters, ParametersParameter

from domain.rows import codes_by_key, details_of
from service.fhir.call import Call
from service.fhir.canonical import HCPCS_XREF_MAP, URIS
from service.fhir.codes import find, target_of, unknown_code
from service.fhir.outcome import bad_request, not_found
from service.fhir.params import Params

PARAMETERS = frozenset({"url", "system", "code", "version", "targetsystem", "reverse"})
MAPS = {HCPCS_XREF_MAP: "HCPCS"}  # concept map url -> the source system


def translate(call: Call, params: Params) -> Parameters:
    url = params.one("url")
    if url is not None and url not in MAPS:
        raise not_found(f"No concept map {url!r} here; medcode holds {', '.join(MAPS)}.")
    if params.one("reverse") == "true":
        raise bad_request("`reverse` is not supported: the cross-reference map is read from "
                          "source to target.")
    uri = params.required("system")
    code = params.required("code")
    where = target_of(call, uri, params.one("version"), None)
    if where.system_id not in MAPS.values():
        raise not_found(f"medcode holds no concept map from {where.uri}; it maps "
                        f"{URIS['HCPCS']} (HCPCS cross-references).")
    wanted = params.one("targetsystem") or None
    call.charge(1)
    row = find(call, where, code, None)
    if row is None:
        call.refund(1)
        raise unknown_code(where, code)
    conn = call.ctx.conn()
    details = details_of(conn, [row.content_id]).get(row.content_id) or {}
    targets = list(details.get("cross_references", []))
    found = {r.key: r for r in codes_by_key(conn, (where.release.id,), targets)}
    matches = []
    for key in targets:
        hit = found.get(key)
        system = where.uri if hit is not None else _system_of_reference(key)
        if wanted is not None and system != wanted:
            continue
        display = hit.display if hit is not None and call.may_read_text(where.system_id) \
            else None
        matches.append(ParametersParameter(name="match", part=[
            ParametersParameter(name="equivalence", valueCode="relatedto"),
            ParametersParameter(name="concept", valueCoding=Coding(
                system=system, code=hit.code if hit else key, display=display)),
            ParametersParameter(name="source", valueUri=HCPCS_XREF_MAP),
        ]))
    message = (f"{row.code} has {len(matches)} cross-reference{'s' if len(matches) != 1 else ''}"
               f" in {where.spec.short_name} {where.release.version}"
               + (": the codes CMS says to use instead." if matches else "."))
    return Parameters(parameter=[
        ParametersParameter(name="result", valueBoolean=bool(matches)),
        ParametersParameter(name="message", valueString=message),
        *matches,
    ])


def _system_of_reference(key: str) -> str:
    """A cross-reference to a code the release does not hold: five digits (or four and a
    letter: CPT categories II/III) are CPT's, the rest HCPCS Level II's."""
    if len(key) == 5 and key[:4].isdigit():
        return URIS["CPT"]
    return URIS["HCPCS"]
