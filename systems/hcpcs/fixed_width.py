"""Reader for the fixed-width ``HCPC<year>_<MON>_ANWEB*.txt`` file.

Encoding: ASCII, strictly.  Every byte of the published January 2026 file is ASCII (as are
the layout and the processing notes), and the layout counts positions in bytes, so a byte
above 0x7F means the file is not the one the layout describes (a UTF-8 re-save would shift
every later field); it is refused rather than guessed at.

Lines end in CRLF as published (a bare LF is accepted too).  A record line is 320
characters; anything past 320 must be blanks (the published G9871 line carries 253 trailing
blanks, 226 of them past position 320).  Blank lines may only end the file (the published
file ends with a line of 296 blanks).
"""

from __future__ import annotations

from collections.abc import Iterator

from .errors import HcpcsFileError
from .fields import RAW_FIELDS, FieldError, build_record
from .layout import (
    CONTINUATION_IDS,
    FIELD_BY_ALIAS,
    FIELDS,
    FIRST_LINE_IDS,
    MODIFIER_IDS,
    RECORD_IDENTIFICATION,
    RECORD_LENGTH,
)
from .records import HcpcsRecord, join_description

ENCODING = "ascii"

# HcpcsRecord attribute -> the layout field (by standard alias) it is read from.
_ALIAS = {
    "short_description": "HCPCS_SHRT_DESC_TXT",
    "pricing_indicators": "HCPCS_PRCNG_IND_CD",
    "multiple_pricing_indicator": "HCPCS_MLTPL_PRCNG_IND_CD",
    "cim_references": "HCPCS_CIM_RFRNC_SECT_NUM",
    "mcm_references": "HCPCS_MCM_RFRNC_SECT_NUM",
    "statute": "HCPCS_STATUTE_NUM",
    "lab_certifications": "HCPCS_LAB_CRTFCTN_CD",
    "cross_references": "HCPCS_XREF_CD",
    "coverage_code": "HCPCS_CVRG_CD",
    "asc_payment_group": "HCPCS_ASC_PMT_GRP_CD",
    "asc_effective_date": "HCPCS_ASC_PMT_GRP_EFCTV_DT",
    "mog_payment_group": "HCPCS_MOG_PMT_GRP_CD",
    "mog_payment_policy_indicator": "HCPCS_MOG_PMT_PLCY_IND_CD",
    "mog_effective_date": "HCPCS_MOG_PMT_GRP_EFCTV_DT",
    "procedure_note": "HCPCS_PRCSG_NOTE_NUM",
    "betos": "HCPCS_BETOS_CD",
    "types_of_service": "HCPCS_TYPE_SRVC_CD",
    "anesthesia_base_units": "HCPCS_ANSTHSA_BASE_UNIT_QTY",
    "code_added_date": "HCPCS_CD_ADD_DT",
    "action_effective_date": "HCPCS_ACTN_EFCTV_DT",
    "termination_date": "HCPCS_TRMNTN_DT",
    "action_code": "HCPCS_ACTN_CD",
}
assert set(_ALIAS) == set(RAW_FIELDS)
_SLICES = {name: FIELD_BY_ALIAS[alias].slices() for name, alias in _ALIAS.items()}
_CODE = FIELDS[0].slices()[0]
_RECORD_ID = FIELD_BY_ALIAS["HCPCS_REC_IDENT_CD"].slices()[0]
_LONG_DESCRIPTION = FIELD_BY_ALIAS["HCPCS_LONG_DESC_TXT"].slices()[0]


def decode(data: bytes, source: str) -> str:
    """The file's text; a byte that is not ASCII is refused with its line and offset."""
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise HcpcsFileError(
            source,
            f"byte 0x{data[error.start]:02X} at offset {error.start} is not ASCII "
            "(the layout's files are ASCII; re-encoded or not an HCPCS text file?)",
            line=line,
        ) from None


def _lines(text: str, source: str) -> Iterator[tuple[int, str]]:
    """(line number, 320-character line) for each record line; trailing blank lines dropped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line terminator
    while lines and not lines[-1].strip():
        lines.pop()
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            raise HcpcsFileError(source, "blank line inside the file", line=number)
        if len(line) < RECORD_LENGTH:
            raise HcpcsFileError(
                source,
                f"truncated record: {len(line)} characters, the layout has {RECORD_LENGTH}",
                line=number,
            )
        if line[RECORD_LENGTH:].strip():
            raise HcpcsFileError(
                source,
                f"record longer than the layout's {RECORD_LENGTH} characters "
                f"({len(line.rstrip())} without trailing blanks)",
                line=number,
            )
        yield number, line[:RECORD_LENGTH]


def parse_text(text: str, source: str) -> list[HcpcsRecord]:
    """The records of a fixed-width file's text, in file order."""
    records: list[HcpcsRecord] = []
    seen: set[str] = set()
    first: tuple[int, str] | None = None  # (line number, first line) of the open record
    segments: list[str] = []

    def close() -> None:
        if first is None:
            return
        number, line = first
        is_modifier = line[_RECORD_ID] in MODIFIER_IDS
        raw = {name: [line[s] for s in slices] for name, slices in _SLICES.items()}
        try:
            records.append(build_record(line[_CODE].strip(), is_modifier,
                                        join_description(segments), raw))
        except FieldError as error:
            raise HcpcsFileError(source, str(error), line=number) from None

    for number, line in _lines(text, source):
        record_id = line[_RECORD_ID]
        code = line[_CODE].strip()
        if record_id not in RECORD_IDENTIFICATION:
            raise HcpcsFileError(
                source,
                f"unknown record id {record_id!r} in position 11 (the layout knows "
                f"{', '.join(sorted(RECORD_IDENTIFICATION))})",
                line=number,
            )
        if record_id in FIRST_LINE_IDS:
            close()
            if code in seen:
                raise HcpcsFileError(source, f"duplicate code {code}", line=number)
            seen.add(code)
            first, segments = (number, line), [line[_LONG_DESCRIPTION]]
            continue
        open_code = first[1][_CODE].strip() if first is not None else None
        expected = CONTINUATION_IDS[first[1][_RECORD_ID]] if first is not None else None
        if first is None or code != open_code or record_id != expected:
            raise HcpcsFileError(
                source,
                f"continuation line (record id {record_id}) for {code or 'a blank code'} "
                "without its first line"
                + (f" (the open record is {open_code})" if open_code else ""),
                line=number,
            )
        segments.append(line[_LONG_DESCRIPTION])
    close()
    if not records:
        raise HcpcsFileError(source, "empty file: no records")
    return records
