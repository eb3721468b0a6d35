"""``ValueSet/$expand`` of the implicit value sets: a code system (``<system>?fhir_vs``) or a
code and everything below it (``...?fhir_vs=isa/<code>``), all of it or what ``filter`` finds
with medcode's search (``domain.search.engine.search``, what the GraphQL ``search`` runs), a
page at a time (``count`` at most the ``search`` bound, ``offset``).

Free, as ``search`` is. For a system whose text is licensed (CPT), a caller without the licence
gets the codes without displays, and a ``filter`` in words (which would match the licensed text)
is refused with a 403; a code-shaped filter (``992``) still finds codes by their numbers.
"""

from __future__ import annotations

import datetime
import uuid

from fhir.resources.R4B.valueset import (
    ValueSet,
    ValueSetExpansion,
    ValueSetExpansionContains,
    ValueSetExpansionParameter,
)

from domain.hierarchy import CodePage, release_page, subtree_page
from domain.rows import codes_by_id
from domain.search.engine import search
from service.fhir.call import Call
from service.fhir.canonical import value_set_of
from service.fhir.codes import Target, find, target
from service.fhir.outcome import FhirError, not_found
from service.fhir.params import Params

PARAMETERS = frozenset({"url", "filter", "count", "offset", "date", "displayLanguage",
                        "system-version"})
DEFAULT_COUNT = 20  # as ``search``'s ``first``
SUBTREE_SCAN = 1_000  # search results read to find those under an ``isa`` code


def expand(call: Call, params: Params) -> ValueSet:
    url = params.required("url")
    value_set = value_set_of(url)
    if value_set is None:
        raise not_found(f"No value set {url!r} here: medcode expands the implicit value sets "
                        "<system>?fhir_vs and <system>?fhir_vs=isa/<code>.")
    settings = call.ctx.settings
    count = params.integer("count", DEFAULT_COUNT)
    if count > settings.max_first:
        raise FhirError(400, "too-costly", f"`count` of {count} is over the limit of "
                        f"{settings.max_first}: page with `offset`.", error_code="QUERY_TOO_LARGE")
    offset = params.integer("offset", 0)
    text = params.one("filter")
    if text is not None and len(text) > settings.max_search_text:
        raise FhirError(400, "too-costly", f"The filter of {len(text)} characters is over the "
                        f"limit of {settings.max_search_text}.", error_code="QUERY_TOO_LARGE")
    day = params.date()
    where = target(call, value_set.system_id, params.one("system-version"), day)
    licensed = call.may_read_text(where.system_id)
    if text is not None and text.strip() and not licensed and \
            where.spec.search_key(text) is None:
        raise call.licence_error(where.system_id)
    root = None
    if value_set.isa is not None:
        root = find(call, where, value_set.isa, None)
        if root is None:
            raise not_found(f"Unknown code {value_set.isa!r} in {where.spec.short_name} "
                            f"{where.release.version}: no value set below it.")
    conn = call.ctx.conn()
    if text is not None and text.strip():
        page = _found(call, where, text, root.id if root else None, count, offset)
    elif root is not None:
        page = subtree_page(conn, root.id, limit=count, offset=offset)
    else:
        page = release_page(conn, where.release.id, limit=count, offset=offset)
    return _value_set(url, where, page, licensed, text, count, offset, day)


def _found(call: Call, where: Target, text: str, root_id: int | None, count: int,
           offset: int) -> CodePage:
    conn = call.ctx.conn()
    releases = [(where.release.id, where.spec)]
    # As the GraphQL search does: text the caller may not read is never searched.
    codes_only = () if call.may_read_text(where.system_id) else (where.release.id,)
    if root_id is None:
        hits = search(conn, releases, text, billable_only=False, limit=count, offset=offset,
                      codes_only=codes_only)
        rows = codes_by_id(conn, [h.code_id for h in hits.hits])
        return CodePage([rows[h.code_id] for h in hits.hits if h.code_id in rows], hits.total)
    hits = search(conn, releases, text, billable_only=False, limit=SUBTREE_SCAN, offset=0,
                  codes_only=codes_only)
    rows = codes_by_id(conn, [h.code_id for h in hits.hits])
    under = [rows[h.code_id] for h in hits.hits if h.code_id in rows
             and (h.code_id == root_id or root_id in rows[h.code_id].ancestor_ids)]
    return CodePage(under[offset:offset + count], len(under))


def _value_set(url: str, where: Target, page: CodePage, licensed: bool, text: str | None,
               count: int, offset: int, day: datetime.date | None) -> ValueSet:
    used = [ValueSetExpansionParameter(name="version",
                                       valueUri=f"{where.uri}|{where.release.version}"),
            ValueSetExpansionParameter(name="count", valueInteger=count),
            ValueSetExpansionParameter(name="offset", valueInteger=offset)]
    if text is not None:
        used.append(ValueSetExpansionParameter(name="filter", valueString=text))
    if day is not None:
        used.append(ValueSetExpansionParameter(name="date", valueDateTime=datetime.datetime.combine(
            day, datetime.time(), datetime.UTC)))
    contains = [
        ValueSetExpansionContains(
            system=where.uri, version=where.release.version, code=row.code,
            display=row.display if licensed else None,
            inactive=True if not row.in_force_on(day or datetime.date.today()) else None)
        for row in page.rows
    ]
    return ValueSet(
        status="active", url=url, version=where.release.version,
        name=f"{where.system_id}", title=f"{where.spec.short_name} {where.release.version}",
        expansion=ValueSetExpansion(
            identifier=f"urn:uuid:{uuid.uuid4()}",
            timestamp=datetime.datetime.now(datetime.UTC).replace(microsecond=0),
            total=page.total, offset=offset, parameter=used, contains=contains or None))
