"""The code systems medcode serves, one spec each (``systems/<system>/spec.py``).

Adding a system: write its spec (a ``domain.spec.CodeSystemSpec``) with its importer and
validation rules in a folder of its own, and list it in ``SPECS`` below. The GraphQL enum, the
``medcode seed`` commands and what ``medcode serve`` loads come from this registry.
"""

from __future__ import annotations

from enum import StrEnum

from domain.spec import CodeSystemSpec
from systems.cpt.spec import CPT
from systems.hcpcs.spec import HCPCS
from systems.icd10cm.spec import ICD10CM
from systems.icd10pcs.spec import ICD10PCS

SPECS: dict[str, CodeSystemSpec] = {spec.id: spec for spec in (ICD10CM, ICD10PCS, HCPCS, CPT)}


class CodeSystemId(StrEnum):
    """The systems' ids as an enum (the GraphQL ``CodeSystemId``), one member per spec."""

    ICD10CM = ICD10CM.id
    ICD10PCS = ICD10PCS.id
    HCPCS = HCPCS.id
    CPT = CPT.id


if set(CodeSystemId) != set(SPECS):  # pragma: no cover - a spec listed in one place only
    raise RuntimeError("systems.CodeSystemId and systems.SPECS must list the same systems")


def spec_of(system_id: str) -> CodeSystemSpec:
    """The spec of a system by its id (``ICD10CM``); KeyError for an unknown one."""
    return SPECS[system_id]
