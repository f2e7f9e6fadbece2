from datetime import date, timedelta

import pytest

from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.enrolment.models import Policy
from sonae.enrolment.selectors import policies_for, policy_get, policy_in_force, provider_ids_by_policy_number
from sonae.enrolment.services import application_accept, deposit_import, policy_cancel

from .conftest import jst, member
from .helpers import deposit_csv, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8, 10))
    deposit_import(
        actor=agency_actor,
        file_name="b.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=jst(2025, 9, 11, 9),
    )
    return Policy.objects.get(organisation=sakura)


def test_policy_is_issued_when_accepted_and_paid(policy, sakura):
    assert policy.number == "P-2025-000001"
    assert (policy.plan, policy.premium, policy.insured_name) == ("A", 112_320, "株式会社さくら臨床検査")
    assert policy.business_codes == ["clinical_lab"]
    assert policy.cover_end == jst(2026, 10, 1, 16, 0)


@pytest.mark.parametrize(
    ("instant", "active"),
    [
        (jst(2025, 10, 1, 15, 59, 59), False),
        (jst(2025, 10, 1, 16, 0, 0), True),
        (jst(2026, 10, 1, 15, 59, 59), True),
        (jst(2026, 10, 1, 16, 0, 0), False),
    ],
)
def test_policy_is_in_force_exactly_from_16_00_on_the_start_date(policy, sakura, instant, active):
    assert (policy_in_force(sakura, instant) == policy) is active
    assert policy.is_active_at(instant) is active


def test_a_second_before_the_start_is_not_covered(policy, sakura):
    assert policy_in_force(sakura, jst(2025, 10, 1, 16, 0) - timedelta(microseconds=1)) is None


@pytest.mark.parametrize(
    "typed", ["P-2025-000001", "p2025000001", "Ｐ－２０２５－０００００１", " P 2025 000001 "]
)
def test_provider_is_found_by_policy_number_as_typed(policy, sakura, typed):
    assert provider_ids_by_policy_number(typed) == [sakura.pk]


def test_unknown_policy_number_finds_nobody(policy):
    assert provider_ids_by_policy_number("P-2025-999999") == []
    assert provider_ids_by_policy_number("") == []


def test_policies_are_scoped_by_actor(policy, aoba_actor, agency_actor, sakura_actor, foundation_actor):
    assert list(policies_for(sakura_actor)) == [policy]
    assert list(policies_for(agency_actor)) == [policy]
    assert list(policies_for(aoba_actor)) == []
    assert list(policies_for(foundation_actor)) == []
    from sonae.core.errors import NotFound

    with pytest.raises(NotFound):
        policy_get(aoba_actor, policy.pk)


def test_insurer_and_desk_read_policies(policy):
    from .conftest import org

    insurer = member(org("insurer", "hinode"))
    desk = member(org("desk", "desk"))
    assert list(policies_for(insurer)) == list(policies_for(desk)) == [policy]


def test_cancellation_ends_cover_at_16_00_of_the_effective_date(policy, sakura, agency_actor):
    policy_cancel(actor=agency_actor, policy=policy, effective_date=date(2026, 3, 31), reason="事業廃止")
    policy.refresh_from_db()
    assert policy.status == Policy.Status.CANCELLED
    assert policy_in_force(sakura, jst(2026, 3, 31, 15, 59)) == policy
    assert policy_in_force(sakura, jst(2026, 3, 31, 16, 0)) is None
    assert policy.history.count() == 2


def test_cancellation_needs_a_reason_and_a_date_in_the_period(policy, agency_actor):
    with pytest.raises(InvalidInput):
        policy_cancel(actor=agency_actor, policy=policy, effective_date=date(2026, 3, 31), reason="")
    with pytest.raises(InvalidInput):
        policy_cancel(actor=agency_actor, policy=policy, effective_date=date(2026, 10, 2), reason="x")


def test_a_cancelled_policy_cannot_be_cancelled_again(policy, agency_actor):
    policy_cancel(actor=agency_actor, policy=policy, effective_date=date(2026, 3, 31), reason="事業廃止")
    with pytest.raises(IllegalTransition):
        policy_cancel(actor=agency_actor, policy=policy, effective_date=date(2026, 4, 30), reason="x")


def test_providers_cannot_cancel(policy, sakura_actor):
    with pytest.raises(PermissionDenied):
        policy_cancel(actor=sakura_actor, policy=policy, effective_date=date(2026, 3, 31), reason="x")


def test_coverage_terms_come_from_the_programme_year(policy):
    terms = policy.coverage_terms()
    assert terms["liability"]["limit"] == 100_000_000
    assert terms["costs"]["items"]["condolence"]["per_individual_cap"] == 1000
    assert policy.response_period_days == 365
