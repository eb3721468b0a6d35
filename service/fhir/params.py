"""An operation's input parameters: from the query string (GET), or from a ``Parameters``
resource (POST, parsed with ``fhir.resources``) or a form body (POST, as FHIR allows)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from fastapi import Request
from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError

from service.fhir.outcome import bad_request

_IGNORED = frozenset({"_format", "_pretty"})  # the answer is compact JSON either way
MAX_VALUES = 50  # repeats of one parameter (``property``): a bound on the work one call asks

# Parameter value types read as text (every operation here takes primitive values or a Coding).
_VALUE_FIELDS = ("valueString", "valueCode", "valueUri", "valueUrl", "valueCanonical",
                 "valueDate", "valueDateTime", "valueInteger", "valueBoolean",
                 "valuePositiveInt", "valueUnsignedInt")


class Params:
    """Parameter name -> its values as text, in the order sent."""

    def __init__(self, values: dict[str, list[str]], allowed: frozenset[str]) -> None:
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise bad_request(f"Unknown parameter {unknown[0]!r}; this operation takes "
                              f"{', '.join(sorted(allowed))}.")
        for name, given in values.items():
            if len(given) > MAX_VALUES:
                raise bad_request(f"{name!r} is given {len(given)} times, over the limit of "
                                  f"{MAX_VALUES}.")
        self.values = values

    def one(self, name: str) -> str | None:
        given = self.values.get(name)
        if not given:
            return None
        if len(given) > 1:
            raise bad_request(f"{name!r} is given {len(given)} times; give it once.")
        return given[0]

    def required(self, name: str) -> str:
        value = self.one(name)
        if value is None or not value.strip():
            raise bad_request(f"The parameter {name!r} is required.")
        return value

    def many(self, name: str) -> list[str]:
        return list(self.values.get(name, []))

    def date(self, name: str = "date") -> datetime.date | None:
        """A FHIR date or dateTime (its day)."""
        value = self.one(name)
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise bad_request(f"{name!r} must be a date such as 2026-01-15, not "
                              f"{value!r}.") from None

    def integer(self, name: str, default: int) -> int:
        value = self.one(name)
        if value is None:
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise bad_request(f"{name!r} must be a whole number, not {value!r}.") from None
        if number < 0:
            raise bad_request(f"{name!r} must be zero or more.")
        return number


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _from_resource(body: bytes) -> dict[str, list[str]]:
    try:
        parsed = Parameters.model_validate_json(body)
    except (ValidationError, ValueError):
        raise bad_request("The body is not a FHIR Parameters resource "
                          '({"resourceType": "Parameters", "parameter": [...]}).') from None
    out: dict[str, list[str]] = defaultdict(list)
    for p in parsed.parameter or []:
        coding = p.valueCoding
        if coding is not None:  # a Coding stands for its parts (as $lookup's `coding` does)
            for part in ("system", "code", "version", "display"):
                if getattr(coding, part) is not None:
                    out[part].append(_text(getattr(coding, part)))
            continue
        for field in _VALUE_FIELDS:
            value = getattr(p, field, None)
            if value is not None:
                out[str(p.name)].append(_text(value))
                break
        else:
            raise bad_request(f"The parameter {p.name!r} has no value this operation reads.")
    return out


async def read_params(request: Request, allowed: frozenset[str]) -> Params:
    """The operation's parameters, refused with a 400 OperationOutcome when unknown."""
    values: dict[str, list[str]] = defaultdict(list)
    for name, value in request.query_params.multi_items():
        if name in _IGNORED:
            continue
        values[name].append(value)
    if request.method == "POST":
        body = await request.body()
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            form = await request.form()
            for name, item in form.multi_items():
                values[name].append(str(item))
        elif body.strip():
            for name, given in _from_resource(body).items():
                values[name].extend(given)
        else:
            raise bad_request("POST a FHIR Parameters resource as the body.")
    return Params(dict(values), allowed)

