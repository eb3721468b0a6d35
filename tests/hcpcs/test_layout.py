"""The layout transcription (systems/hcpcs/layout.py) against the layout text itself.

The text is parsed here on its own (the module transcribes it by hand) from the bundled
copy, ``data/HCPC2026_recordlayout.txt.gz``.  Where the shared original is on the machine,
``test_fields_match_the_layout_text`` also checks that the bundled copy is byte for byte
that file: the only test that looks outside the project (the bundled copies are otherwise
checked against the SHA-256 sums the data README publishes).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from systems.hcpcs import layout
from systems.hcpcs.bundled import DATA, LAYOUT_FILE, NOTES_FILE

SHARED = Path("/work/shared/data/hcpcs")
# SHA-256 of the published files, as listed in the data README.
PUBLISHED_SHA256 = {
    "HCPC2026_recordlayout.txt": "7297dbafc72c6660425b90ea9dbd99a7bde09e8ee0a683d6982962796f58fcc6",
    "HCPC2026_JAN_ANWEB_01122026.txt":
        "1a9ce53ae6546c54e8150fc51b25d2b3e3eeefbca657c2ab2f7f1d7888a2239e",
    "proc_notes_JAN2026.txt": "83afd641a0356fc35e264b138c22f8e1637315ca8198448139dc54d9bc2cfc21",
    "HCPC2025_OCT_ANWEB_v4.xlsx":
        "d9d8c801fd7d4f65ee312ccb80e29bfc60a06e05f0835f8f73716a339ddc451e",
}

_HEADER = re.compile(r"^  (\d+)\.\s+(.+?)\s*$")
_NUMBERS = re.compile(r"^\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+(CHAR|NUM|GRP))?\s*$")
_ENTRY = re.compile(r"^( +)([0-9A-Z]{1,3}) *= *(.+?)\s*$")
_TABLE = re.compile(r"^\s*([A-Z_]+_TB)\s{2,}(.+?)\s*$")


@dataclass
class Parsed:
    fields: list[layout.LayoutField] = field(default_factory=list)
    codes: dict[int, dict[str, str]] = field(default_factory=dict)  # field number -> table
    tables: dict[str, dict[str, str]] = field(default_factory=dict)  # appendix tables
    table_of: dict[int, str] = field(default_factory=dict)  # field number -> CODE TABLE
    headings: dict[int, dict[str, str]] = field(default_factory=dict)  # code -> heading above
    parents: dict[int, dict[str, str]] = field(default_factory=dict)  # code -> code it's under
    blocks: dict[int, str] = field(default_factory=dict)  # field number -> its text


def fold(text: str) -> str:
    return " ".join(text.split())


def parse_entries(lines: list[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """``code = meaning`` lines and the lines indented under them; headings in between."""
    entries: dict[str, list[str]] = {}
    headings: dict[str, str] = {}
    parents: dict[str, str] = {}
    indent = None  # of the entry being continued
    top_indent = None
    heading: list[str] = []
    top_code = None
    for line in lines:
        if not line.strip():
            continue
        match = _ENTRY.match(line)
        if match:
            code = match[2]
            assert code not in entries, f"{code} twice"
            entries[code] = [match[3]]
            indent = len(match[1])
            if top_indent is None or indent <= top_indent:
                top_indent, top_code = indent, code
            else:
                parents[code] = top_code or ""
            if heading:
                headings[code] = fold(" ".join(heading))
                heading = []
            elif headings and code not in headings:
                headings[code] = list(headings.values())[-1]
            continue
        stripped = line.strip()
        current = len(line) - len(line.lstrip())
        if indent is not None and current > indent and not set(stripped) <= {"-"}:
            entries[list(entries)[-1]].append(stripped)
        elif not set(stripped) <= {"-"}:
            heading.append(stripped)
    return ({code: fold(" ".join(text)) for code, text in entries.items()}, headings, parents)


def parse_layout(text: str) -> Parsed:
    lines = text.expandtabs(8).splitlines()
    appendix = next(i for i, line in enumerate(lines) if "TABLE OF CODES APPENDIX" in line)
    starts = [i for i, line in enumerate(lines[:appendix]) if _HEADER.match(line)]
    parsed = Parsed()
    for start, end in zip(starts, [*starts[1:], appendix], strict=True):
        header = _HEADER.match(lines[start])
        assert header
        number = int(header[1])
        name, kind = header[2], ""
        named_kind = re.match(r"(.+?)\s{2,}(CHAR|NUM|GRP)$", name)
        if named_kind:
            name, kind = named_kind[1], named_kind[2]
        block = lines[start + 1:end]
        numbers = next(m for m in map(_NUMBERS.match, block) if m)
        occurs, alias = 1, None
        for line in block:
            if found := re.search(r"OCCURS MAX:\s*(\d+)", line):
                occurs = int(found[1])
            if found := re.search(r"STANDARD ALIAS\s*:\s*(\S+)", line):
                alias = found[1]
            if found := re.search(r"CODE TABLE\s*:\s*(\S+)", line):
                parsed.table_of[number] = found[1]
        parsed.fields.append(layout.LayoutField(
            number, name, int(numbers[1]), int(numbers[2]), int(numbers[3]),
            numbers[4] or kind, occurs, alias))
        parsed.blocks[number] = fold("\n".join(block))
        codes_at = [i for i, line in enumerate(block) if re.match(r"^\s*CODES\s*:", line)]
        if codes_at:
            body = []
            for line in block[codes_at[0] + 1:]:
                if re.match(r"^\s*(OCCURS|DB2|SAS|STANDARD|LENGTH|EDIT)\b", line):
                    break
                body.append(line)
            parsed.codes[number], parsed.headings[number], parsed.parents[number] = (
                parse_entries(body))
    tables = [i for i in range(appendix, len(lines)) if _TABLE.match(lines[i])]
    for start, end in zip(tables, [*tables[1:], len(lines)], strict=True):
        match = _TABLE.match(lines[start])
        assert match
        parsed.tables[match[1]] = parse_entries(lines[start + 1:end])[0]
    return parsed


def layout_text() -> str:
    return gzip.decompress(LAYOUT_FILE.read_bytes()).decode("ascii")


def test_bundled_copies_are_the_published_files() -> None:
    for path in sorted(DATA.iterdir()):
        data = path.read_bytes()
        name = path.name.removesuffix(".gz")
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        assert hashlib.sha256(data).hexdigest() == PUBLISHED_SHA256[name], name
    assert {p.name for p in DATA.iterdir()} == {
        "HCPC2025_OCT_ANWEB_v4.xlsx", "HCPC2026_JAN_ANWEB_01122026.txt.gz",
        LAYOUT_FILE.name, NOTES_FILE.name}


def test_fields_match_the_layout_text() -> None:
    text = layout_text()
    shared = SHARED / layout.LAYOUT_FILE
    if shared.exists():  # the shared original, where this machine has it
        assert shared.read_bytes() == text.encode("ascii")
    parsed = parse_layout(text)
    assert [f.number for f in parsed.fields] == list(range(1, 32))
    assert parsed.fields == list(layout.FIELDS)
    # The fields tile the 320-character record (the code and its redefinition overlap).
    covered = sorted((f.start, f.last) for f in layout.FIELDS if f.number not in (1, 2))
    assert covered[0][0] == 1 and covered[-1][1] == layout.RECORD_LENGTH == 320
    assert all(a[1] + 1 == b[0] for a, b in zip(covered, covered[1:], strict=False))


def test_every_code_list_is_transcribed_in_full() -> None:
    parsed = parse_layout(layout_text())
    by_field = {
        6: layout.RECORD_IDENTIFICATION,
        9: layout.PRICING_INDICATOR,
        10: layout.MULTIPLE_PRICING_INDICATOR,
        14: layout.LAB_CERTIFICATION,
        16: layout.COVERAGE,
        19: layout.MOG_PAYMENT_GROUP,
        20: layout.MOG_PAYMENT_POLICY_INDICATOR,
        30: layout.ACTION,
    }
    assert set(parsed.codes) == set(by_field)
    for number, table in by_field.items():
        assert parsed.codes[number] == table, number
    assert parsed.table_of == {23: "BETOS_TB", 25: "CMS_TYPE_SRVC_TB"}
    assert parsed.tables == {"BETOS_TB": layout.BETOS, "CMS_TYPE_SRVC_TB": layout.TYPE_OF_SERVICE}
    # Sizes, as a reader of the layout would count them.
    assert [len(layout.PRICING_INDICATOR), len(layout.LAB_CERTIFICATION),
            len(layout.MOG_PAYMENT_GROUP), len(layout.BETOS), len(layout.TYPE_OF_SERVICE),
            len(layout.ACTION)] == [26, 31, 98, 107, 34, 10]


def test_headings_and_subgroups() -> None:
    parsed = parse_layout(layout_text())
    assert parsed.headings[9] == {code: group for code, group
                                  in layout.PRICING_INDICATOR_GROUP.items()}
    assert parsed.parents[14] == layout.LAB_CERTIFICATION_PARENT
    mog = parsed.headings[19]
    assert {code: layout.MOG_BODY_SYSTEM[code[0]] for code in layout.MOG_PAYMENT_GROUP} == mog


def test_asc_payment_group_edit_rules() -> None:
    block = parse_layout(layout_text()).blocks[17]
    assert "CODE: YY BLANK = Not Approved For ASC" in block
    assert layout.ASC_PAYMENT_GROUP_BLANK == "Not Approved For ASC"
    assert layout.ASC_PAYMENT_GROUP["YY"] in block


def test_meaning_lookup() -> None:
    assert layout.meaning("coverage_code", "D") == "Special coverage instructions apply"
    assert layout.meaning("betos", "O1E") == "Other drugs"
    assert layout.meaning("types_of_service", "0") == (
        "Whole blood only eff 01/96, whole blood or packed red cells before 01/96")
    assert layout.meaning("action_code", None) is None
    assert layout.meaning("pricing_indicators", "98") is None
