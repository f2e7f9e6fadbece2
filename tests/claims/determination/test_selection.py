"""Which policy an incident falls under when two follow each other (renewal): periods are [start, end)."""

from __future__ import annotations

import pytest

from sonae.claims.determination import (
    COVERED,
    NOT_COVERED,
    PolicyPeriod,
    closest_policy,
    determine,
    select_policy,
)

from .terms import jst, make_input, year_period

OLD = year_period("2025", "P-2025")  # 2025-10-01 16:00 → 2026-10-01 16:00
NEW = year_period("2026", "P-2026")  # 2026-10-01 16:00 → 2027-10-01 16:00


@pytest.mark.parametrize(
    ("instant", "selected"),
    [
        (jst(2025, 10, 1, 15, 59, 59), None),
        (jst(2025, 10, 1, 16, 0), "P-2025"),
        (jst(2026, 10, 1, 15, 59), "P-2025"),
        (jst(2026, 10, 1, 15, 59, 59), "P-2025"),
        (jst(2026, 10, 1, 16, 0), "P-2026"),  # the end instant belongs to the renewal
        (jst(2026, 10, 1, 16, 0, 1), "P-2026"),
        (jst(2027, 10, 1, 15, 59, 59), "P-2026"),
        (jst(2027, 10, 1, 16, 0), None),
    ],
)
def test_the_policy_in_force_at_discovery_is_selected(instant, selected):
    chosen = select_policy([OLD, NEW], instant)
    assert (chosen.key if chosen else None) == selected


def test_the_order_of_the_policies_does_not_matter():
    instant = jst(2026, 10, 1, 16, 0)
    assert select_policy([NEW, OLD], instant) == select_policy([OLD, NEW], instant) == NEW


@pytest.mark.parametrize(
    ("instant", "closest"),
    [
        (jst(2025, 10, 1, 15, 59), "P-2025"),  # before any cover: judged against the first, not covered
        (jst(2027, 10, 1, 16, 0), "P-2026"),  # after all cover: the last one that ended
        (jst(2026, 10, 1, 16, 0), "P-2026"),
    ],
)
def test_the_closest_policy_explains_an_incident_outside_all_periods(instant, closest):
    assert closest_policy([OLD, NEW], instant).key == closest


def test_a_gap_between_a_cancellation_and_a_new_policy_has_no_policy():
    cancelled = PolicyPeriod(OLD.start, jst(2026, 3, 1, 16, 0), "P-CANCELLED")
    rejoined = PolicyPeriod(jst(2026, 5, 1, 16, 0), OLD.end, "P-REJOIN")
    assert select_policy([cancelled, rejoined], jst(2026, 4, 1, 9, 0)) is None
    assert closest_policy([cancelled, rejoined], jst(2026, 4, 1, 9, 0)).key == "P-REJOIN"


def test_no_policies_select_nothing():
    assert select_policy([], jst(2026, 1, 1)) is None
    assert closest_policy([], jst(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("instant", "policy", "outcome"),
    [
        (jst(2026, 10, 1, 15, 59), "P-2025", COVERED),
        (jst(2026, 10, 1, 16, 0), "P-2026", COVERED),
    ],
)
def test_an_incident_at_the_renewal_is_covered_by_exactly_one_policy(instant, policy, outcome):
    chosen = select_policy([OLD, NEW], instant)
    result = determine(make_input(discovered_at=instant, period=chosen))
    assert (result.policy, result.outcome) == (policy, outcome)
    other = NEW if chosen is OLD else OLD
    assert determine(make_input(discovered_at=instant, period=other)).outcome == NOT_COVERED


def test_naive_instants_are_refused():
    from datetime import datetime

    with pytest.raises(ValueError):
        select_policy([OLD], datetime(2026, 1, 1))
