"""The cause → trigger tables cover exactly the incident app's triage categories and the duties cause codes."""

from __future__ import annotations

import pytest

from sonae.claims.determination import CATEGORY_TRIGGERS, CAUSE_TRIGGERS, Cause, trigger_for
from sonae.duties.rules import CAUSES
from sonae.incidents.triage import CATEGORIES
from sonae.programme.cover_terms import TRIGGERS


def test_every_triage_category_has_an_entry():
    assert set(CATEGORY_TRIGGERS) == set(CATEGORIES)


def test_every_duties_cause_has_an_entry():
    assert set(CAUSE_TRIGGERS) == set(CAUSES)


def test_the_tables_name_only_known_triggers():
    named = {t for t in (*CATEGORY_TRIGGERS.values(), *CAUSE_TRIGGERS.values()) if t}
    assert named <= set(TRIGGERS)


def test_every_trigger_is_reachable_from_some_cause():
    named = {t for t in (*CATEGORY_TRIGGERS.values(), *CAUSE_TRIGGERS.values()) if t}
    assert named | {"leak_or_risk"} == set(TRIGGERS)


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (Cause(category="ransomware"), ("cyber_attack", "category")),
        (Cause(category="ransomware", cause="loss"), ("lost_device_or_bag", "cause")),
        (Cause(category="other", cause="other"), (None, "")),
        (
            Cause(category="other", cause="other", personal_data_at_risk=True),
            ("leak_or_risk", "data_at_risk"),
        ),
        (Cause(), (None, "")),
    ],
)
def test_trigger_for_prefers_the_confirmed_cause(cause, expected):
    assert trigger_for(cause) == expected


@pytest.mark.parametrize("cause", [Cause(category="volcano"), Cause(cause="volcano")])
def test_unknown_codes_are_refused(cause):
    with pytest.raises(ValueError):
        trigger_for(cause)
