"""``read_definitions``: CMS's ``icd10pcs_definitions_<year>.xml`` as definition records.

The file lists, section by section and axis by axis, ``<terms>``: one or more ``<title>``
(axis labels sharing the record), a ``<definition>``, an ``<explanation>`` and ``<includes>``
(the terms an axis value covers). A record is found by the axis label within its section and
position, and some labels carry the context that tells their records apart:

- section 0, devices: ``Autologous Arterial Tissue in Heart and Great Vessels``,
  ``Cardiac Lead, Pacemaker for Insertion in Heart and Great Vessels`` (label, operation,
  body system);
- section X, devices: ``Posterior Vertebral Tether in New Technology``;
- section F, type qualifiers: ``Aphasia (Assessment)`` and ``Aphasia (Treatment)``.

:meth:`PcsDefinitions.lookup` tries the most specific form first. ``deviceAggregation`` (which
general device value a specific one rolls up to) is read too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PcsFileError
from .tables import PcsCode
from .xmlfiles import read_root, text_of

__all__ = ["Definition", "DeviceAggregate", "PcsDefinitions", "read_definitions"]

ROOT = "ICD10PCS.definitions"
NEW_TECHNOLOGY = "New Technology"


@dataclass(frozen=True, slots=True)
class Definition:
    """One ``<terms>`` record: the labels it covers (as the file writes them, context and
    all) and what it says about them."""

    section: str
    position: int
    axis_title: str
    titles: tuple[str, ...]
    definition: str | None
    explanation: str | None
    includes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeviceAggregate:
    """A specific device value and the general value it rolls up to, for an operation
    ("All applicable") in some body systems."""

    device: str
    operation: str
    body_systems: tuple[str, ...]
    parent_value: str
    parent_label: str


@dataclass(frozen=True)
class PcsDefinitions:
    """A whole definitions file: section titles, records and device aggregation."""

    version: str
    title: str
    source: str
    sections: dict[str, str]  # section character -> title ("0" -> "Medical and Surgical")
    definitions: tuple[Definition, ...]
    device_aggregates: tuple[DeviceAggregate, ...]
    _by_key: dict[tuple[str, int, str], Definition] = field(repr=False, compare=False,
                                                            default_factory=dict)

    def __post_init__(self) -> None:
        for record in self.definitions:
            for title in record.titles:
                self._by_key.setdefault((record.section, record.position, title), record)

    def get(self, section: str, position: int, title: str) -> Definition | None:
        """The record whose title is exactly ``title`` (context included, if any)."""
        return self._by_key.get((section, position, title))

    def lookup(self, section: str, position: int, label: str, *,
               operation: str | None = None, body_system: str | None = None) -> Definition | None:
        """The record for an axis label of a section: the label qualified by operation and
        body system, by body system alone, by "New Technology" or by the kind of operation
        (Assessment/Treatment) when the file writes it so, else the bare label."""
        for title in _candidates(section, label, operation, body_system):
            record = self._by_key.get((section, position, title))
            if record is not None:
                return record
        return None

    def for_code(self, code: PcsCode, position: int) -> Definition | None:
        """The record for one character of a code (position 3-7), in the code's context."""
        axis = code.axes[position - 1]
        return self.lookup(code.section, position, axis.label,
                           operation=code.axes[2].label, body_system=code.axes[1].label)


def _candidates(section: str, label: str, operation: str | None,
                body_system: str | None) -> list[str]:
    titles = []
    if operation and body_system:
        titles.append(f"{label} for {operation} in {body_system}")
    if body_system:
        titles.append(f"{label} in {body_system}")
    if section == "X":
        titles.append(f"{label} in {NEW_TECHNOLOGY}")
    if operation:
        kind = operation.split()[-1]  # "Speech Assessment" -> "Assessment"
        titles.append(f"{label} ({kind})")
    titles.append(label)
    return titles


def read_definitions(path: str | Path) -> PcsDefinitions:
    """Every record of a definitions file (``.xml`` or ``.xml.gz``).

    Raises :class:`PcsFileError` for a file that is not XML, has another root element, has no
    section, or holds a record without a title.
    """
    name = Path(path).name
    root = read_root(path, ROOT)
    sections: dict[str, str] = {}
    records: list[Definition] = []
    for element in root.findall("section"):
        code = (element.get("code") or "").strip()
        if len(code) != 1:
            raise PcsFileError(name, f"a <section> has code {code!r}, expected one character")
        sections[code] = text_of(element.find("title"))
        for axis in element.findall("axis"):
            records.extend(_records(name, code, axis))
    if not sections:
        raise PcsFileError(name, "no <section> element: not a definitions file")
    aggregates = tuple(_aggregate(name, element) for element in root.iter("aggregate"))
    return PcsDefinitions(version=text_of(root.find("version")), title=text_of(root.find("title")),
                          source=name, sections=sections, definitions=tuple(records),
                          device_aggregates=aggregates)


def _records(name: str, section: str, axis: ET.Element) -> list[Definition]:
    raw = (axis.get("pos") or "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 7:
        raise PcsFileError(name, f"section {section}: an <axis> has pos={raw!r}, expected 1-7")
    position, axis_title = int(raw), text_of(axis.find("title"))
    records = []
    for number, terms in enumerate(axis.findall("terms"), start=1):
        titles = tuple(text_of(title) for title in terms.findall("title") if text_of(title))
        if not titles:
            raise PcsFileError(name, f"section {section} axis {position} record {number} has "
                                     "no <title>")
        records.append(Definition(
            section=section, position=position, axis_title=axis_title, titles=titles,
            definition=text_of(terms.find("definition")) or None,
            explanation=text_of(terms.find("explanation")) or None,
            includes=tuple(text_of(item) for item in terms.findall("includes") if text_of(item))))
    return records


def _aggregate(name: str, element: ET.Element) -> DeviceAggregate:
    parent = element.find("parent")
    if parent is None:
        raise PcsFileError(name, f"device aggregate {text_of(element.find('device'))!r} has no "
                                 "<parent>")
    return DeviceAggregate(
        device=text_of(element.find("device")), operation=text_of(element.find("operation")),
        body_systems=tuple(text_of(item) for item in element.findall("bodySys")),
        parent_value=(parent.get("value") or "").strip(), parent_label=text_of(parent))
