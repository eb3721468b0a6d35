"""A code's properties for ``$lookup``: ``parent``, ``child``, ``inactive`` and the facts of
each system (billable, level, 7th-character definition, PCS axes, HCPCS file facts, Medicare fee
status), read with the domain's row functions, as the GraphQL ``Code`` fields read them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, inspect

from domain.fee_schedule import pfs_release_for, pfs_releases, rates_of
from domain.rows import CodeRow, children_of, codes_by_id, details_of, guidelines_of
from domain.vocabulary import CodeLevel, GuidelineKind
from systems.hcpcs.layout import meaning
from systems.icd10pcs.axes import axes_of

# Every property $lookup can answer, with its FHIR type and meaning (CodeSystem.property and
# TerminologyCapabilities list them).
PROPERTIES: dict[str, tuple[str, str]] = {
    "parent": ("code", "The code one level up in the hierarchy"),
    "child": ("code", "A code one level down"),
    "inactive": ("boolean", "True when the code is not in force on the date asked (HCPCS: "
                            "past its termination date)"),
    "billable": ("boolean", "True when the code may be reported on a claim"),
    "level": ("code", "Where the code sits: CHAPTER, BLOCK, CATEGORY, SUBCATEGORY, CODE, "
                      "SECTION, TABLE, MODIFIER"),
    "seventh-character": ("string", "ICD-10-CM: the 7th-character definition in force (the "
                                    "nearest one up the hierarchy); needs an API key"),
    "pcs-axis": ("Coding", "ICD-10-PCS: each character (1-7) with its axis and meaning; the "
                           "part `description` names the axis"),
    "coverage": ("Coding", "HCPCS: Medicare coverage code"),
    "betos": ("Coding", "HCPCS: Berenson-Eggers Type of Service"),
    "pricing": ("Coding", "HCPCS: pricing indicator"),
    "action": ("Coding", "HCPCS: action code of the release"),
    "type-of-service": ("Coding", "HCPCS: Medicare type of service"),
    "added": ("dateTime", "HCPCS: when the code was first effective"),
    "effective": ("dateTime", "HCPCS: when the latest action took effect"),
    "terminated": ("dateTime", "HCPCS: the last day the code may be used"),
    "cross-reference": ("code", "HCPCS: a code CMS says to use instead (see ConceptMap/"
                                "$translate)"),
    "fee-status": ("code", "Medicare Physician Fee Schedule status indicator, when a fee "
                           "schedule is loaded"),
}

_HCPCS_CODED = (("coverage", "coverage_code"), ("betos", "betos"), ("action", "action_code"))
_HCPCS_LISTS = (("pricing", "pricing_indicators"), ("type-of-service", "types_of_service"))
_HCPCS_DATES = (("added", "code_added_date"), ("effective", "action_effective_date"),
                ("terminated", "termination_date"))


@dataclass(frozen=True, slots=True)
class Property:
    code: str
    kind: str  # valueCode, valueBoolean, valueString, valueDateTime or valueCoding
    value: Any
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Asked:
    """What a $lookup reads: the system, the date, which properties, and the caller's keys."""

    system_id: str
    date: datetime.date | None
    wanted: frozenset[str] | None  # None: every property
    keyed: bool  # a key (any plan): what GraphQL's guidelines need


def inactive(row: CodeRow, day: datetime.date | None) -> bool:
    return not row.in_force_on(day or datetime.date.today())


def properties_of(conn: Connection, row: CodeRow, asked: Asked) -> Iterator[Property]:
    """The code's properties, in a fixed order, only those asked for."""
    def want(code: str) -> bool:
        return asked.wanted is None or code in asked.wanted

    if want("parent") and row.parent_id is not None:
        parent = codes_by_id(conn, [row.parent_id]).get(row.parent_id)
        if parent is not None:
            yield Property("parent", "valueCode", parent.code)
    if want("child"):
        for child in children_of(conn, [row.id]):
            yield Property("child", "valueCode", child.code)
    if want("inactive"):
        yield Property("inactive", "valueBoolean", inactive(row, asked.date))
    if want("billable"):
        yield Property("billable", "valueBoolean", row.billable)
    if want("level"):
        yield Property("level", "valueCode", str(row.level))
    if asked.system_id == "ICD10CM" and want("seventh-character") and asked.keyed:
        for text in seventh_character(conn, row):
            yield Property("seventh-character", "valueString", text)
    if asked.system_id == "ICD10PCS" and want("pcs-axis"):
        yield from _pcs_axes(conn, row)
    if asked.system_id == "HCPCS":
        yield from _hcpcs(conn, row, want)
    if asked.system_id in ("HCPCS", "CPT") and want("fee-status"):
        yield from _fee_status(conn, row, asked.date)


def seventh_character(conn: Connection, row: CodeRow) -> list[str]:
    """The 7th-character definition in force: the nearest one up the hierarchy, each of its
    paragraphs (GraphQL's inherited ``guidelines`` keep the same)."""
    owners = [row.id, *row.ancestor_ids]
    rows = codes_by_id(conn, owners)
    contents = [rows[i].content_id for i in owners if i in rows]
    found = guidelines_of(conn, contents)
    for content_id in contents:
        texts = [g.text for g in found.get(content_id, [])
                 if g.kind == GuidelineKind.SEVENTH_CHARACTER]
        if texts:
            return texts
    return []


def _pcs_axes(conn: Connection, row: CodeRow) -> Iterator[Property]:
    if row.level != CodeLevel.CODE or row.parent_id is None:
        return
    table = codes_by_id(conn, [row.parent_id]).get(row.parent_id)
    details = details_of(conn, [table.content_id]).get(table.content_id) if table else None
    axes = axes_of(details, row.key) if details is not None else None
    for axis in axes or []:
        yield Property("pcs-axis", "valueCoding", {"code": axis.value, "display": axis.label},
                       f"{axis.position} {axis.title}")


def _hcpcs(conn: Connection, row: CodeRow, want: Any) -> Iterator[Property]:
    details = details_of(conn, [row.content_id]).get(row.content_id)
    if details is None:
        return
    for code, attribute in _HCPCS_CODED:
        value = details.get(attribute)
        if value is not None and want(code):
            yield Property(code, "valueCoding", _coding(attribute, value))
    for code, attribute in _HCPCS_LISTS:
        if want(code):
            for value in details.get(attribute, []):
                yield Property(code, "valueCoding", _coding(attribute, value))
    for code, attribute in _HCPCS_DATES:
        value = details.get(attribute)
        if value is not None and want(code):
            yield Property(code, "valueDateTime", value)
    if want("cross-reference"):
        for value in details.get("cross_references", []):
            yield Property("cross-reference", "valueCode", value)


def _coding(attribute: str, code: str) -> dict[str, str]:
    said = meaning(attribute, code)
    return {"code": code, **({"display": said} if said else {})}


def _fee_status(conn: Connection, row: CodeRow, day: datetime.date | None) -> Iterator[Property]:
    if not inspect(conn).has_table("pfs_release"):  # a database migrated before the PFS
        return
    release = pfs_release_for(pfs_releases(conn), day)
    if release is None:
        return
    rates = [r for r in rates_of(conn, release.id, [row.code]) if not r.modifier]
    if rates:
        yield Property("fee-status", "valueCode", rates[0].status,
                       f"Medicare PFS {release.version}")

