"""What HCPCS Level II says of a code beyond its descriptions (``Code.hcpcs``), each coded value
with the meaning CMS's record layout gives it (``systems/hcpcs/layout.py``)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from systems.hcpcs.layout import meaning


@strawberry.type(description="A coded value of an official file, and what the file's record "
                 "layout says it means.")
class Coded:
    code: str = strawberry.field(description="The value as the file carries it.")
    meaning: str | None = strawberry.field(
        description="Its meaning per the record layout; null when the layout does not define "
                    "the value.")


def coded(attribute: str, code: str | None) -> Coded | None:
    return None if code is None else Coded(code=code, meaning=meaning(attribute, code))


def coded_list(attribute: str, codes: list[str]) -> list[Coded]:
    return [Coded(code=c, meaning=meaning(attribute, c)) for c in codes]


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


@strawberry.type(description="Everything CMS's HCPCS Level II file says of a code or modifier "
                 "besides its descriptions.")
class HcpcsDetails:
    short_description: str | None = strawberry.field(
        description="The short description (at most 28 characters), as the file prints it.")
    added_on: datetime.date | None = strawberry.field(
        description="Code added date: when the code was first effective.")
    effective_on: datetime.date | None = strawberry.field(
        description="Action effective date: when the latest action (`action`) took effect.")
    terminated_on: datetime.date | None = strawberry.field(
        description="Termination date: the last day the code may be used; null while it is "
                    "in force.")
    action: Coded | None = strawberry.field(
        description="The action code of this release: A added, C changed, D discontinued, "
                    "N no change, P payment change, ...")
    coverage: Coded | None = strawberry.field(
        description="Medicare coverage code: C carrier judgement, D special coverage "
                    "instructions, I not payable, M non-covered, S not payable by Medicare.")
    betos: Coded | None = strawberry.field(
        description="Berenson-Eggers Type of Service (BETOS) classification.")
    pricing: list[Coded] = strawberry.field(
        description="Pricing indicators: how Medicare prices the code (fee schedule, "
                    "reasonable charge, ...), in file order.")
    multiple_pricing: Coded | None = strawberry.field(
        description="Multiple pricing indicator: which of several pricing methods applies.")
    types_of_service: list[Coded] = strawberry.field(
        description="Medicare types of service, in file order.")
    references: list[str] = strawberry.field(
        description="Coverage references: Coverage Issues Manual and Medicare Carriers Manual "
                    "sections, then the statute.")
    cross_references: list[str] = strawberry.field(
        description="Cross-reference codes (XREF): the codes CMS says to use instead.")
    lab_certifications: list[Coded] = strawberry.field(
        description="Laboratory certification codes (CLIA specialties) the code requires.")
    asc_group: Coded | None = strawberry.field(
        description="ASC payment group: `YY` when approved for an ambulatory surgical center.")
    asc_effective_on: datetime.date | None = strawberry.field(
        description="When the ASC payment group took effect.")
    processing_note: str | None = strawberry.field(
        description="The processing note number (its text is among the code's guidelines).")
    anesthesia_base_units: int | None = strawberry.field(
        description="Anesthesia base units, where the file gives them.")

    @classmethod
    def from_details(cls, short: str | None, d: dict[str, Any]) -> HcpcsDetails:
        return cls(
            short_description=short,
            added_on=_date(d.get("code_added_date")),
            effective_on=_date(d.get("action_effective_date")),
            terminated_on=_date(d.get("termination_date")),
            action=coded("action_code", d.get("action_code")),
            coverage=coded("coverage_code", d.get("coverage_code")),
            betos=coded("betos", d.get("betos")),
            pricing=coded_list("pricing_indicators", d.get("pricing_indicators", [])),
            multiple_pricing=coded("multiple_pricing_indicator",
                                   d.get("multiple_pricing_indicator")),
            types_of_service=coded_list("types_of_service", d.get("types_of_service", [])),
            references=[*d.get("cim_references", []), *d.get("mcm_references", []),
                        *([d["statute"]] if d.get("statute") else [])],
            cross_references=list(d.get("cross_references", [])),
            lab_certifications=coded_list("lab_certifications",
                                          d.get("lab_certifications", [])),
            asc_group=coded("asc_payment_group", d.get("asc_payment_group")),
            asc_effective_on=_date(d.get("asc_effective_date")),
            processing_note=d.get("procedure_note"),
            anesthesia_base_units=d.get("anesthesia_base_units"),
        )
