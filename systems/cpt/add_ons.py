"""Add-on codes and the primary codes they are reported with, from public facts.

An add-on code (96423: each additional hour) is never reported alone; the Medicare fee schedule
marks it with the global period ``ZZZ`` ("the code is related to another service and is always
included in the global period of the other service"). Which codes are its primaries comes from
NCCI's add-on code edits when they are loaded; before that, from the descriptor family the
semicolon convention makes: an add-on is reported with the nearest code before it in its family
that is not an add-on (96423 with 96422, the first hour), which is how the AMA orders a family's
codes. Nothing here reads or returns descriptor text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

ADD_ON_GLOBAL = "ZZZ"


def family_primaries(code: str, family: Sequence[str],
                     global_days: Mapping[str, str]) -> list[str]:
    """The primary code an add-on ``code`` is reported with in its ``family`` (its members,
    ``code`` among them): the nearest one before it, in code order, that is not an add-on.
    Empty when ``code`` is not an add-on (by ``global_days``) or no such member exists."""
    if global_days.get(code) != ADD_ON_GLOBAL:
        return []
    before = [m for m in sorted(family) if m < code and global_days.get(m) != ADD_ON_GLOBAL]
    return before[-1:]


def family_add_ons(code: str, family: Sequence[str],
                   global_days: Mapping[str, str]) -> list[str]:
    """The add-on codes of ``family`` reported with ``code`` (the inverse of
    ``family_primaries``); empty for an add-on code."""
    if global_days.get(code, ADD_ON_GLOBAL) == ADD_ON_GLOBAL and code in global_days:
        return []
    return [m for m in sorted(family)
            if m != code and family_primaries(m, family, global_days) == [code]]
