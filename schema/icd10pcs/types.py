"""``Code.pcsAxes``: what each character of an ICD-10-PCS code means."""

from __future__ import annotations

import strawberry

from systems.icd10pcs.axes import Axis


@strawberry.type(description="One character of an ICD-10-PCS code: its axis and what its value "
                 "means there, with the official definition where CMS gives one.")
class PcsAxis:
    position: int = strawberry.field(description="1 to 7.")
    title: str = strawberry.field(description="The axis (`Section`, `Body System`, "
                                  "`Operation`, `Body Part`, `Approach`, `Device`, "
                                  "`Qualifier`; other sections name theirs differently).")
    value: str = strawberry.field(description="The character (`T`).")
    label: str = strawberry.field(description="What it means on this axis (`Resection`).")
    definition: str | None = strawberry.field(
        description="The definition of the value, from CMS's definitions file (operations, "
                    "approaches, devices...); null where it gives none.")
    explanation: str | None = strawberry.field(
        description="The definitions file's explanation of the value, where it gives one.")
    includes: list[str] = strawberry.field(
        description="What the value includes, per the definitions file (body parts: the "
                    "structures it covers).")

    @classmethod
    def from_axis(cls, a: Axis) -> PcsAxis:
        return cls(position=a.position, title=a.title, value=a.value, label=a.label,
                   definition=a.definition, explanation=a.explanation,
                   includes=list(a.includes))
