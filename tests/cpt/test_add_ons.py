"""Primary and add-on codes from the fee schedule's ZZZ global period and the descriptor family
(the 96420 family's shape: 96423 is the add-on hour reported with 96422)."""

from systems.cpt.add_ons import family_add_ons, family_primaries

FAMILY = ["96420", "96422", "96423", "96425"]
DAYS = {"96420": "XXX", "96422": "XXX", "96423": "ZZZ", "96425": "XXX"}


def test_an_add_on_is_reported_with_the_nearest_primary_before_it() -> None:
    assert family_primaries("96423", FAMILY, DAYS) == ["96422"]
    assert family_add_ons("96422", FAMILY, DAYS) == ["96423"]


def test_codes_that_are_not_add_ons_have_no_primary() -> None:
    for code in ("96420", "96422", "96425"):
        assert family_primaries(code, FAMILY, DAYS) == []
    assert family_add_ons("96420", FAMILY, DAYS) == []
    assert family_add_ons("96425", FAMILY, DAYS) == []
    assert family_add_ons("96423", FAMILY, DAYS) == []


def test_without_fee_schedule_facts_nothing_is_inferred() -> None:
    assert family_primaries("96423", FAMILY, {}) == []
    assert family_add_ons("96422", FAMILY, {}) == []
