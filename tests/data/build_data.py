"""Builds the test data files in this folder from public CMS/CDC ICD-10-CM tabular releases.

Run once by hand when a file must change; the tests only read the files (nothing downloads at
test time):

- ``python tests/data/build_data.py excerpt`` writes ``icd10cm-tabular-excerpt.xml``: a few
  hundred codes of the bundled FY2026 tabular (the ``simple-icd-10-cm`` wheel's) that cover
  every convention the importer handles, for unit tests that need no full release.
- ``python tests/data/build_data.py fy2025 WHEEL`` writes ``icd10cm-tabular-2025.xml.gz``, the
  FY2025 tabular (April 2025 update) taken from ``simple-icd-10-cm`` 1.4.0's wheel, fetched once
  with ``pip download --no-deps simple-icd-10-cm==1.4.0``.

The ICD-10-CM tabular is public-domain US government data (CDC/NCHS).
"""

from __future__ import annotations

import gzip
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXCERPT = HERE / "icd10cm-tabular-excerpt.xml"
FY2025 = HERE / "icd10cm-tabular-2025.xml.gz"

# Diags kept whole (with every descendant); their ancestors are kept with their own notes but
# only the children that lead here. Chosen for the conventions of systems/icd10cm/tabular.py.
WHOLE = (
    "A00",  # inclusion terms (Classical cholera), a plain category
    "B10",  # a one-category block: section B10 becomes B10-B10
    "B20",  # codeFirst and useAdditionalCode
    "C25",  # codeAlso
    "D63",  # codeFirst on codes
    "E10.1", "E10.9",  # the excludes1 partner of E11
    "E11.2", "E11.9",  # excludes1, useAdditionalCode on the category; E11.22 codeFirst N18
    "E11.32",  # sevenChrNote and sevenChrDef on a subcategory (eye laterality)
    "F32.A",  # a letter in the code
    "G63",  # a manifestation: codeFirst
    "H54",  # notes, and the visualImpairment table (H54.8)
    "I10",  # includes (high blood pressure)
    "N18",  # codeAlso, useAdditionalCode; targets of E11.22's note
    "S06.0", "S06.1",  # S06: the note that drops D and S after 6th character 7 or 8
    "S12.0", "S12.8", "S12.9",  # nearest sevenChrDef wins: S12's, then S12.8's and S12.9's own
    "S52.00",  # fracture 7th characters whose extensions carry inclusion notes
    "T36.0",  # placeholder X before the 6th character, then a 7th
    "W19",  # placeholders XXX up to six characters
    "Z79.4",  # the target of E11's useAdditionalCode
)
# Every element the importer reads, each of which the excerpt must hold at least once.
TAGS = ("inclusionTerm", "includes", "notes", "excludes1", "excludes2", "codeFirst",
        "useAdditionalCode", "codeAlso", "sevenChrNote", "sevenChrDef", "visualImpairment")


def bundled_tabular() -> Path:
    sys.path.insert(0, str(HERE.parents[1]))
    from systems.icd10cm.importer import bundled_source

    return bundled_source().path


def _wanted(name: str) -> bool:
    """Is the diag ``name`` kept whole, inside a kept diag, or on the way to one?"""
    return any(name == w or name.startswith(w) or w.startswith(name) for w in WHOLE)


def _prune(el: ET.Element) -> bool:
    """Keep the diags (and sections, chapters) that lead to a wanted one; False: drop ``el``."""
    if el.tag == "diag":
        name = el.findtext("name") or ""
        if not _wanted(name):
            return False
        if any(name.startswith(w) for w in WHOLE):
            return True
    for child in list(el):
        if child.tag == "sectionIndex" or (child.tag in ("chapter", "section", "diag")
                                           and not _prune(child)):
            el.remove(child)
    return el.tag not in ("chapter", "section") or el.find(".//diag") is not None


def excerpt() -> None:
    root = ET.parse(bundled_tabular()).getroot()
    intro = root.find("introduction")
    if intro is not None:
        root.remove(intro)
    _prune(root)
    missing = [tag for tag in TAGS if root.find(f".//{tag}") is None]
    if missing:
        raise SystemExit(f"the excerpt lacks {missing}")
    ET.indent(root)
    EXCERPT.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
    print(f"{EXCERPT.name}: {sum(1 for _ in root.iter('diag'))} diags")


def fy2025(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        [member] = [n for n in z.namelist() if "tabular" in n and n.endswith(".xml")]
        data = z.read(member)
    if b"<version>2025</version>" not in data:
        raise SystemExit(f"{member} is not the FY2025 tabular")
    FY2025.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{FY2025.name}: {member}, {len(data):,} bytes")


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["excerpt"]:
            excerpt()
        case ["fy2025", wheel]:
            fy2025(Path(wheel))
        case _:
            raise SystemExit(__doc__)
