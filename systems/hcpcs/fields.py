"""Turning the layout's raw field values into HcpcsRecord values, for both file forms."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from .records import HcpcsRecord, normalize_text

# The raw values both readers hand to :func:`build_record`: one string per occurrence of the
# layout's field (blank occurrences included).
RAW_FIELDS: dict[str, int] = {
    "short_description": 1,
    "pricing_indicators": 4,
    "multiple_pricing_indicator": 1,
    "cim_references": 3,
    "mcm_references": 3,
    "statute": 1,
    "lab_certifications": 8,
    "cross_references": 5,
    "coverage_code": 1,
    "asc_payment_group": 1,
    "asc_effective_date": 1,
    "mog_payment_group": 1,
    "mog_payment_policy_indicator": 1,
    "mog_effective_date": 1,
    "procedure_note": 1,
    "betos": 1,
    "types_of_service": 5,
    "anesthesia_base_units": 1,
    "code_added_date": 1,
    "action_effective_date": 1,
    "termination_date": 1,
    "action_code": 1,
}

_PROCEDURE_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER_CODE = re.compile(r"[A-Z0-9]{2}")


class FieldError(ValueError):
    """A value that does not fit its field; the reader adds where it was."""


def check_code(code: str, is_modifier: bool) -> str:
    """The code itself, if it has the shape its record id promises (5 or 2 characters)."""
    pattern = _MODIFIER_CODE if is_modifier else _PROCEDURE_CODE
    if not pattern.fullmatch(code):
        kind = "a modifier (2 characters)" if is_modifier else "a code (5 characters)"
        raise FieldError(f"{code!r} is not {kind}")
    return code


def parse_date(text: str, name: str) -> date | None:
    """``YYYYMMDD`` (the layout's edit rule) or blank."""
    text = text.strip()
    if not text:
        return None
    if len(text) != 8 or not text.isdigit():
        raise FieldError(f"{name} {text!r} is not a YYYYMMDD date")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FieldError(f"{name} {text!r} is not a valid date") from None


def build_record(code: str, is_modifier: bool, long_description: str,
                 raw: Mapping[str, Sequence[str]]) -> HcpcsRecord:
    """An HcpcsRecord from one record's raw values (keyed and counted as RAW_FIELDS)."""
    for name, occurs in RAW_FIELDS.items():
        if len(raw[name]) != occurs:
            raise FieldError(f"{name} has {len(raw[name])} values, the layout has {occurs}")

    def one(name: str) -> str | None:
        return raw[name][0].strip() or None

    def many(name: str) -> tuple[str, ...]:
        return tuple(value.strip() for value in raw[name] if value.strip())

    def day(name: str) -> date | None:
        return parse_date(raw[name][0], name)

    units = one("anesthesia_base_units")
    if units is not None and not units.isdigit():
        raise FieldError(f"anesthesia_base_units {units!r} is not a number")
    return HcpcsRecord(
        code=check_code(code, is_modifier),
        is_modifier=is_modifier,
        long_description=normalize_text(long_description),
        short_description=normalize_text(raw["short_description"][0]),
        pricing_indicators=many("pricing_indicators"),
        multiple_pricing_indicator=one("multiple_pricing_indicator"),
        cim_references=many("cim_references"),
        mcm_references=many("mcm_references"),
        statute=one("statute"),
        lab_certifications=many("lab_certifications"),
        cross_references=many("cross_references"),
        coverage_code=one("coverage_code"),
        asc_payment_group=one("asc_payment_group"),
        asc_effective_date=day("asc_effective_date"),
        mog_payment_group=one("mog_payment_group"),
        mog_payment_policy_indicator=one("mog_payment_policy_indicator"),
        mog_effective_date=day("mog_effective_date"),
        procedure_note=one("procedure_note"),
        betos=one("betos"),
        types_of_service=many("types_of_service"),
        anesthesia_base_units=int(units) if units is not None else None,
        code_added_date=day("code_added_date"),
        action_effective_date=day("action_effective_date"),
        termination_date=day("termination_date"),
        action_code=one("action_code"),
    )
