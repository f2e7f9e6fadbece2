"""Coverage terms of an incident: the policy in force at discovery, its plan's terms, the response period."""

from datetime import date

import pytest

from sonae.claims.resolution import incident_coverage
from sonae.core.errors import InvalidInput, NotEligible

from .conftest import jst

pytestmark = pytest.mark.django_db


def test_terms_come_from_the_plan_of_the_policy_in_force_at_discovery(world, incident):
    coverage = incident_coverage(incident)
    assert coverage.ok
    assert coverage.policy == world.policy
    assert coverage.terms["costs"]["limit"] == 30_000_000  # plan A
    assert coverage.terms["liability"]["items"]["litigation"] == {"requires_prior_approval": True}


def test_other_provider_gets_its_own_plan(world, report):
    coverage = incident_coverage(report("provider_b"))
    assert coverage.policy == world.policy_b
    assert coverage.terms["costs"]["limit"] == 100_000_000  # plan B


def test_response_period_runs_365_days_from_the_discovery_date(incident):
    coverage = incident_coverage(incident)
    assert coverage.response_period_days == 365
    assert coverage.discovery_date == date(2025, 11, 10)
    assert coverage.response_period_last_day == date(2026, 11, 10)


def test_incident_discovered_before_the_policy_period_has_no_cover_and_says_why(world, report):
    incident = report(discovered_at=jst(2025, 10, 1, 15, 59), received_at=jst(2025, 10, 1, 17, 0))
    coverage = incident_coverage(incident)
    assert not coverage.ok
    assert "有効な保険契約がありません" in coverage.reason
    assert "2025年10月1日 15:59" in coverage.reason
    with pytest.raises(NotEligible) as caught:
        coverage.require()
    assert caught.value.code == "no_coverage"


def test_discovery_exactly_at_the_start_of_cover_is_covered(world, report):
    incident = report(discovered_at=jst(2025, 10, 1, 16, 0), received_at=jst(2025, 10, 1, 17, 0))
    assert incident_coverage(incident).policy == world.policy


def test_incident_without_a_discovery_instant_uses_the_received_instant_and_says_so(world, report):
    coverage = incident_coverage(report(discovered_at=None))
    assert coverage.ok and coverage.discovered_at_assumed
    assert coverage.discovery_date == date(2025, 11, 10)


def test_provider_without_a_policy_has_no_cover(world, report):
    world.policy.delete()
    world.policy.application.delete()
    coverage = incident_coverage(report())
    assert not coverage.ok and "株式会社さくら臨床検査" in coverage.reason


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2025, 11, 9), "発覚日（2025年11月10日）より前"),
        (date(2026, 11, 11), "事故対応期間（発覚から365日、2026年11月10日まで）"),
    ],
)
def test_expense_dates_outside_the_response_period_are_refused(incident, day, message):
    coverage = incident_coverage(incident)
    with pytest.raises(InvalidInput) as caught:
        coverage.check_date(day, today=date(2027, 1, 1))
    assert message in caught.value.message


def test_last_day_of_the_response_period_is_accepted(incident):
    coverage = incident_coverage(incident)
    coverage.check_date(date(2026, 11, 10), today=date(2027, 1, 1))
    coverage.check_date(date(2025, 11, 10), today=date(2027, 1, 1))


def test_future_expense_date_is_refused(incident):
    coverage = incident_coverage(incident)
    with pytest.raises(InvalidInput, match="未来の日付"):
        coverage.check_date(date(2025, 12, 2), today=date(2025, 12, 1))


def test_items_needing_the_insurers_word(incident):
    coverage = incident_coverage(incident)
    assert coverage.approval_kind("litigation") == "prior_approval"
    assert coverage.approval_kind("condolence") == "consent"
    assert coverage.approval_kind("investigation") is None
    assert coverage.item_terms("lost_profit") is None  # business interruption not in plan A


def test_cover_follows_a_cancellation(world, report):
    world.policy.cancel_effective_at = jst(2025, 11, 1, 0, 0)
    world.policy.save()
    assert not incident_coverage(report()).ok
