"""``Code.fee``: what the Medicare Physician Fee Schedule says of an HCPCS or CPT code, each
coded value with the meaning CMS's layout gives it (``systems/pfs/layout.py``). Public: the fee
schedule is CMS's, open to every caller."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from domain.fee_schedule import PfsRateRow
from schema.hcpcs.types import Coded
from schema.pfs.loaders import fee_loaders
from systems.pfs.layout import meaning
from systems.pfs.payment import facility_payment, non_facility_payment

PRICED_SYSTEMS = frozenset({"HCPCS", "CPT"})
PFS_CODE = re.compile(r"[0-9A-Z]{5}")  # a PFS row's code: five letters or digits


def _coded(attribute: str, code: str | None) -> Coded | None:
    return None if code is None else Coded(code=code, meaning=meaning(attribute, code))


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type(description="How the global surgical package divides between the periods "
                 "(fractions of the fee; they add up to 1).")
class GlobalSplit:
    pre_operative: float = strawberry.field(description="Preoperative share.")
    intra_operative: float = strawberry.field(
        description="Intraoperative share, including postoperative work in the hospital.")
    post_operative: float = strawberry.field(
        description="Postoperative share: care in the office after discharge.")


@strawberry.type(description="A code's record in the Medicare Physician Fee Schedule relative "
                 "value file (CMS's PPRRVU file), with national payment amounts computed from "
                 "it: total RVUs x conversion factor, rounded to the cent (every GPCI is 1.000 "
                 "nationally).")
class FeeSchedule:
    release: str = strawberry.field(
        description="The PFS release answering: the year and month it takes effect "
                    "(`2025-10`: CMS's October 2025 file, RVU25D).")
    effective_from: datetime.date = strawberry.field(
        description="The first day the release is in force.")
    code: str = strawberry.field(description="The HCPCS or CPT code.")
    modifier: str | None = strawberry.field(
        description="`26` (professional component), `TC` (technical component) or `53` "
                    "(discontinued procedure) for a component's own row; null for the code "
                    "alone (the global service).")
    modifiers: list[str] = strawberry.field(
        description="The modifiers with rows of their own for this code (`fee(modifier:)`).")
    status: Coded = strawberry.field(
        description="Status code: whether the code is in the fee schedule and separately "
                    "payable (A active, B bundled, C contractor priced, I not valid for "
                    "Medicare, X statutory exclusion, ...).")
    not_used_for_medicare_payment: bool = strawberry.field(
        description="True when the file marks the RVUs as not used for Medicare payment "
                    "(`+`): shown for reference only.")
    global_days: str | None = strawberry.field(
        description="Global surgery period: `000`, `010`, `090`, or `MMM`, `XXX`, `YYY`, "
                    "`ZZZ` (see `globalPeriod` for the meaning).")
    global_period: Coded | None = strawberry.field(
        description="The global surgery period with its meaning.")
    global_split: GlobalSplit | None = strawberry.field(
        description="Pre-, intra- and postoperative shares of the global package; null when "
                    "the file gives none.")
    work_rvu: float | None = strawberry.field(description="Physician work RVUs.")
    non_facility_practice_expense_rvu: float | None = strawberry.field(
        description="Practice expense RVUs in a non-facility setting (an office).")
    facility_practice_expense_rvu: float | None = strawberry.field(
        description="Practice expense RVUs in a facility (hospital, ASC, SNF).")
    malpractice_rvu: float | None = strawberry.field(description="Malpractice RVUs.")
    non_facility_total: float | None = strawberry.field(
        description="Work + non-facility practice expense + malpractice RVUs.")
    facility_total: float | None = strawberry.field(
        description="Work + facility practice expense + malpractice RVUs.")
    non_facility_not_applicable: bool = strawberry.field(
        description="True when the file marks the code `NA` in a non-facility setting: rarely "
                    "or never performed there (no non-facility payment).")
    facility_not_applicable: bool = strawberry.field(
        description="True when the file marks the code `NA` in a facility: rarely or never "
                    "performed there (no facility payment).")
    conversion_factor: float | None = strawberry.field(
        description="Dollars per RVU (32.3465 for 2025).")
    non_facility_payment: float | None = strawberry.field(
        description="National non-facility payment: non-facility total x conversion factor, "
                    "to the cent. Null unless the status is A, R or T with RVUs used for "
                    "payment, or when the setting is `NA`.")
    facility_payment: float | None = strawberry.field(
        description="National facility payment: facility total x conversion factor, to the "
                    "cent; null as for `nonFacilityPayment`.")
    pctc: Coded | None = strawberry.field(
        description="Professional component/technical component indicator: whether modifiers "
                    "26 and TC apply.")
    multiple_procedure: Coded | None = strawberry.field(
        description="Multiple procedure indicator (modifier 51): the payment adjustment when "
                    "reported with other procedures.")
    bilateral: Coded | None = strawberry.field(
        description="Bilateral surgery indicator (modifier 50).")
    assistant: Coded | None = strawberry.field(
        description="Assistant at surgery indicator (modifiers 80, 81, 82, AS).")
    co_surgeons: Coded | None = strawberry.field(
        description="Co-surgeons indicator (modifier 62).")
    team_surgery: Coded | None = strawberry.field(
        description="Team surgery indicator (modifier 66).")
    endoscopic_base: str | None = strawberry.field(
        description="The endoscopic base code, for codes under the multiple endoscopy rules "
                    "(multiple procedure indicator 3).")
    supervision: Coded | None = strawberry.field(
        description="Physician supervision of diagnostic procedures.")
    imaging_family: Coded | None = strawberry.field(
        description="Diagnostic imaging family indicator (multiple procedure indicator 4).")

    @classmethod
    def from_row(cls, row: PfsRateRow, version: str, effective_from: datetime.date,
                 modifiers: list[str]) -> FeeSchedule:
        split = (row.pre_operative, row.intra_operative, row.post_operative)
        return cls(
            release=version, effective_from=effective_from, code=row.code,
            modifier=row.modifier or None, modifiers=modifiers,
            status=Coded(code=row.status, meaning=meaning("status", row.status)),
            not_used_for_medicare_payment=row.not_used_for_payment,
            global_days=row.global_days, global_period=_coded("global_days", row.global_days),
            global_split=None if not any(split) else GlobalSplit(
                pre_operative=float(split[0]), intra_operative=float(split[1]),
                post_operative=float(split[2])),
            work_rvu=_float(row.work_rvu),
            non_facility_practice_expense_rvu=_float(row.non_facility_pe_rvu),
            facility_practice_expense_rvu=_float(row.facility_pe_rvu),
            malpractice_rvu=_float(row.malpractice_rvu),
            non_facility_total=_float(row.non_facility_total),
            facility_total=_float(row.facility_total),
            non_facility_not_applicable=row.non_facility_na,
            facility_not_applicable=row.facility_na,
            conversion_factor=_float(row.conversion_factor),
            non_facility_payment=_float(non_facility_payment(row)),
            facility_payment=_float(facility_payment(row)),
            pctc=_coded("pctc", row.pctc),
            multiple_procedure=_coded("multiple_procedure", row.multiple_procedure),
            bilateral=_coded("bilateral", row.bilateral),
            assistant=_coded("assistant", row.assistant),
            co_surgeons=_coded("co_surgeons", row.co_surgeons),
            team_surgery=_coded("team_surgery", row.team_surgery),
            endoscopic_base=row.endoscopic_base,
            supervision=_coded("supervision", row.supervision),
            imaging_family=_coded("imaging_family", row.imaging_family),
        )


def _modifier(value: str | None) -> str:
    return (value or "").strip().lstrip("-").upper()


def _priced_on(context: Any, release_id: int) -> tuple[str | None, datetime.date | None]:
    """The code release's system, and the day whose PFS release answers for it: the last day
    of a superseded code release; None (the newest PFS release) for the newest one."""
    releases = context.releases  # newest first within each system
    release = next((r for r in releases if r.id == release_id), None)
    if release is None:
        return None, None
    newest = next(r for r in releases if r.system_id == release.system_id)
    return release.system_id, None if newest.id == release.id else release.effective_to


async def fee_on(info: Info, on: datetime.date | None, code: str,
                 modifier: str | None = None) -> FeeSchedule | None:
    """The PFS row of ``code`` (with ``modifier``: that component's row) in the PFS release in
    force on ``on`` (None: the newest); None when the code has no such row."""
    key = code.strip().upper()
    if not PFS_CODE.fullmatch(key):  # not a code any PFS row can have: never sent to the database
        return None
    release, rows = await fee_loaders(info.context).rates.load((on, key))
    wanted = _modifier(modifier)
    row = next((r for r in rows if r.modifier == wanted), None)
    if release is None or row is None:
        return None
    return FeeSchedule.from_row(row, release.version, release.effective_from,
                                [r.modifier for r in rows if r.modifier])


async def fee_of(info: Info, release_id: int, code: str,
                 modifier: str | None = None) -> FeeSchedule | None:
    """The PFS row of an HCPCS or CPT ``code`` of code release ``release_id`` (with
    ``modifier``: that component's row), from the newest PFS release in force during the code
    release; None for other systems, unpriced codes, or when no PFS release is loaded."""
    system_id, on = _priced_on(info.context, release_id)
    if system_id not in PRICED_SYSTEMS:
        return None
    return await fee_on(info, on, code, modifier)
