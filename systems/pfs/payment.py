"""National payment amounts from a PFS row, as CMS computes them.

A locality's amount is ``[(work RVU x work GPCI) + (PE RVU x PE GPCI) + (MP RVU x MP GPCI)] x
conversion factor``. Nationally every GPCI is 1.000, so the amount is the setting's total RVUs
(non-facility or facility) times the conversion factor, rounded to the cent (half a cent up).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.fee_schedule import PfsRateRow
from systems.pfs.layout import PAID_STATUSES

CENT = Decimal("0.01")


def national_amount(total_rvus: Decimal, conversion_factor: Decimal) -> Decimal:
    """Total RVUs x conversion factor, to the cent: 4.80 x 32.3465 = 155.26."""
    return (total_rvus * conversion_factor).quantize(CENT, rounding=ROUND_HALF_UP)


def _payable(row: PfsRateRow, total: Decimal, not_applicable: bool) -> Decimal | None:
    # Only the RVUs of status A, R and T codes are used for Medicare payment; a "+" in the
    # not-used column, an NA for the setting, or no RVUs at all (contractor-priced R codes)
    # leave no national amount to state.
    if (row.status not in PAID_STATUSES or row.not_used_for_payment or not_applicable
            or total == 0):
        return None
    return national_amount(total, row.conversion_factor)


def non_facility_payment(row: PfsRateRow) -> Decimal | None:
    """The national non-facility (office) amount; None when the file prices none."""
    return _payable(row, row.non_facility_total, row.non_facility_na)


def facility_payment(row: PfsRateRow) -> Decimal | None:
    """The national facility (hospital, ASC, SNF) amount; None when the file prices none."""
    return _payable(row, row.facility_total, row.facility_na)
