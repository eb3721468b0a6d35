"""Parse the official ICD-10-CM tabular XML (CDC/NCHS) into a flat list of nodes in tabular order.

The conventions that turn the XML into the code set CMS counts (74,719 billable codes in FY2026):

- chapter -> section (block) -> diag (category, subcategories, codes); a ``diag`` without ``diag``
  children is a leaf.
- A ``sevenChrDef`` applies to every leaf below the diag that carries it; the nearest definition
  wins (S12 defines fracture characters for S12.0-S12.6, S12.8 and S12.9 their own). Such a leaf is
  not billable itself: each 7th character makes a billable child, padded with the placeholder
  ``X`` to six characters first (S00.00 -> S00.00XA).
- Some ``notes`` restrict the 7th characters: "7th characters D and S do not apply to codes in
  category S06 with 6th character 7 - death ... or 8 - death ...". Those are read from the note
  text (:func:`seventh_character_exclusions`), not hard-coded; without them the count is 76 too
  high.
- A block that holds one category (section ``B10``) is named ``B10-B10``: the XML gives the
  block and its category the same id.
- A 7th-character code's title is its parent's title, a comma, and the character's meaning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from domain.parsed import Node, ParsedRelease
from domain.vocabulary import CodeLevel, GuidelineKind, RelationKind

RELATION_TAGS = {
    "excludes1": RelationKind.EXCLUDES1,
    "excludes2": RelationKind.EXCLUDES2,
    "codeFirst": RelationKind.CODE_FIRST,
    "useAdditionalCode": RelationKind.USE_ADDITIONAL_CODE,
    "codeAlso": RelationKind.CODE_ALSO,
}
GUIDELINE_TAGS = {"includes": GuidelineKind.INCLUDES, "notes": GuidelineKind.NOTE}


class TabularError(ValueError):
    """The file is not a readable ICD-10-CM tabular."""


Tabular = ParsedRelease  # the parsed tabular: its version and nodes in tabular order


def lookup_key(code: str) -> str:
    """The stored lookup form: upper case, no dot (``E11.9`` -> ``E119``)."""
    return code.replace(".", "").upper()


def dotted(undotted: str) -> str:
    return undotted if len(undotted) <= 3 else f"{undotted[:3]}.{undotted[3:]}"


def block_code(section_id: str) -> str:
    """A block's code is its range; a one-category block (section ``B10``) becomes ``B10-B10``
    so that it never collides with the category it holds (as code-lookup sites print it)."""
    return section_id if "-" in section_id else f"{section_id}-{section_id}"


def seventh_character_code(code: str, char: str) -> str:
    """``S00.00`` + ``A`` -> ``S00.00XA``: pad with the placeholder X to six characters."""
    return dotted(lookup_key(code).ljust(6, "X") + char)


_EXCLUSION = re.compile(
    r"7th characters? (?P<chars>[A-Z](?:(?:,\s*|\s+and\s+|,\s*and\s+)[A-Z])*) do(?:es)? not apply "
    r"to codes in (?:sub)?category (?P<scope>[A-Z0-9.]+) with (?P<pos>\d)th character (?P<rest>.*)",
    re.IGNORECASE,
)


def seventh_character_exclusions(note: str) -> tuple[set[str], str, int, set[str]] | None:
    """Read a note like S06's into (characters, scope code, position, values at that position)."""
    m = _EXCLUSION.search(note)
    if not m:
        return None
    chars = set(re.findall(r"\b([A-Z])\b", m.group("chars")))
    values = set(re.findall(r"(?:^|\bor\s+|,\s*)(\w)\s+-", m.group("rest")))
    if not chars or not values:
        return None
    return chars, lookup_key(m.group("scope")), int(m.group("pos")), values


def _texts(el: ET.Element, tag: str) -> list[str]:
    return [_clean(n.text) for sub in el.findall(tag) for n in sub.findall("note") if n.text]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _visual_impairment(el: ET.Element) -> list[str]:
    """H54's table of visual impairment categories, rendered as plain notes."""
    lines = []
    for cat in el.iter("visCategory"):
        value = _clean(cat.findtext("value"))
        if not value:
            continue
        ranges = [
            f"less than {_clean(r.findtext('visMax/value'))}, "
            f"equal to or better than {_clean(r.findtext('visMin/value'))}"
            for r in cat.findall("visRange")
        ]
        lines.append(f"Category {value} of visual impairment: " + "; ".join(ranges))
    return lines


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def add(self, node: Node) -> int:
        idx = len(self.nodes)
        self.nodes.append(node)
        if node.parent is not None:
            self.nodes[node.parent].children.append(idx)
        return idx

    def annotate(self, node: Node, el: ET.Element) -> None:
        node.inclusion_terms.extend(_texts(el, "inclusionTerm"))
        for tag, guideline in GUIDELINE_TAGS.items():
            node.guidelines.extend((guideline, t) for t in _texts(el, tag))
        vis = el.find("visualImpairment")
        if vis is not None:
            node.guidelines.extend((GuidelineKind.NOTE, t) for t in _visual_impairment(vis))
        for tag, relation in RELATION_TAGS.items():
            node.relations.extend((relation, t) for t in _texts(el, tag))

    def diag(
        self,
        el: ET.Element,
        parent: int,
        seventh: list[tuple[str, str, list[str]]] | None,
        exclusions: list[tuple[set[str], str, int, set[str]]],
    ) -> None:
        name = _clean(el.findtext("name"))
        if not name:
            raise TabularError("a <diag> without a <name>")
        desc = _clean(el.findtext("desc"))
        node = Node(code=name, key=lookup_key(name), display=desc, level=CodeLevel.CATEGORY,
                    parent=parent)
        idx = self.add(node)
        self.annotate(node, el)
        for n in _texts(el, "notes"):
            rule = seventh_character_exclusions(n)
            if rule:
                exclusions = [*exclusions, rule]
        for n in _texts(el, "sevenChrNote"):
            node.guidelines.append((GuidelineKind.SEVENTH_CHARACTER, n))
        sdef = el.find("sevenChrDef")
        if sdef is not None:
            seventh = _seventh_definitions(sdef)
            node.guidelines.extend(
                (GuidelineKind.SEVENTH_CHARACTER, f"{c}: {t}" + "".join(f"; {x}" for x in terms))
                for c, t, terms in seventh
            )
        kids = el.findall("diag")
        if kids:
            if len(node.key) > 3:
                node.level = CodeLevel.SUBCATEGORY
            for kid in kids:
                self.diag(kid, idx, seventh, exclusions)
            return
        if len(node.key) > 3:
            node.level = CodeLevel.CODE
        if not seventh:
            node.billable = True
            return
        if len(node.key) > 3:
            node.level = CodeLevel.SUBCATEGORY
        for char, meaning, terms in seventh:
            if _excluded(node.key, char, exclusions):
                continue
            self.add(
                Node(
                    code=(code := seventh_character_code(name, char)),
                    key=lookup_key(code),
                    display=f"{desc}, {meaning}",
                    level=CodeLevel.CODE,
                    parent=idx,
                    billable=True,
                    inclusion_terms=[f"{desc}, {t}" for t in terms],
                )
            )


def _seventh_definitions(sdef: ET.Element) -> list[tuple[str, str, list[str]]]:
    """(character, meaning, inclusion terms): a ``<note>`` after an ``<extension>`` is an
    inclusion term of that character ("B: ... type I or II" / "open fracture NOS")."""
    out: list[tuple[str, str, list[str]]] = []
    for child in sdef:
        if child.tag == "extension":
            out.append((child.get("char", ""), _clean(child.text), []))
        elif child.tag == "note" and out and child.text:
            out[-1][2].append(_clean(child.text))
    return out


def _excluded(key: str, char: str, rules: Iterable[tuple[set[str], str, int, set[str]]]) -> bool:
    padded = key.ljust(6, "X")
    return any(
        char in chars and key.startswith(scope) and padded[pos - 1] in values
        for chars, scope, pos, values in rules
    )


def parse_tabular(source: Path | str) -> Tabular:
    """Parse the tabular XML at ``source``; raise :class:`TabularError` on anything unreadable."""
    try:
        root = ET.parse(source).getroot()
    except ET.ParseError as exc:
        raise TabularError(f"not well-formed XML ({exc})") from None
    except OSError as exc:
        raise TabularError(f"cannot read the file ({exc.strerror or exc})") from None
    if root.tag != "ICD10CM.tabular":
        raise TabularError(f"root element is <{root.tag}>, expected <ICD10CM.tabular>")
    version = _clean(root.findtext("version"))
    if not re.fullmatch(r"\d{4}", version):
        raise TabularError(f"<version> is {version!r}, expected a fiscal year such as 2026")
    b = _Builder()
    for ch in root.findall("chapter"):
        name = _clean(ch.findtext("name"))
        chapter = Node(
            code=name,
            key=lookup_key(name),
            display=_clean(ch.findtext("desc")),
            level=CodeLevel.CHAPTER,
            parent=None,
        )
        ci = b.add(chapter)
        b.annotate(chapter, ch)
        for sec in ch.findall("section"):
            code = block_code(sec.get("id", ""))
            block = Node(
                code=code,
                key=lookup_key(code),
                display=_clean(sec.findtext("desc")),
                level=CodeLevel.BLOCK,
                parent=ci,
            )
            bi = b.add(block)
            b.annotate(block, sec)
            for d in sec.findall("diag"):
                b.diag(d, bi, None, [])
    if not b.nodes or not any(n.billable for n in b.nodes):
        raise TabularError("no codes found: is this the tabular (not the index) file?")
    _check_unique(b.nodes)
    return Tabular(version=version, nodes=b.nodes)


def _check_unique(nodes: list[Node]) -> None:
    seen: set[str] = set()
    for n in nodes:
        if n.key in seen:
            raise TabularError(f"code {n.code} appears twice")
        seen.add(n.key)
