"""The determination on the database, the insurer's decision (audited, with a reason for an override) and the
approval gate in the claims service (issue 12 point 3)."""

from __future__ import annotations

import pytest

from sonae.claims.coverage_status import coverage_status, coverage_view, policy_for
from sonae.claims.models import CoverageDecision
from sonae.claims.services import claim_transition
from sonae.claims.services.coverage import CoverageNotConfirmed, coverage_decide
from sonae.core.actors import Actor
from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent, Notification
from sonae.incidents.services import incident_report
from tests.factories import member

from ..conftest import jst

pytestmark = pytest.mark.django_db


# --- the determination from the models ---------------------------------------------------------------------------


def test_a_ransomware_case_inside_the_period_is_covered_for_liability_and_costs(incident):
    status = coverage_status(incident)
    assert status.outcome == "covered"
    assert status.policy.number == "P-2025-000001"
    assert status.determination.trigger == "cyber_attack"
    assert status.provisional and not status.confirmed


def test_the_application_declaration_of_known_circumstances_needs_review(knew_before_applying, incident):
    status = coverage_status(incident)
    assert status.outcome == "needs_review"
    assert "declared_known_circumstances" in status.determination.codes()


def test_no_policy_for_a_provider_that_never_joined(world):
    stranger = member("provider", name="未加入株式会社")
    incident = incident_report(
        actor=Actor.from_membership(stranger),
        channel="web",
        provider=stranger.organisation,
        symptoms=["ransom_message"],
        title="暗号化",
        received_at=jst(2025, 11, 10, 10),
        discovered_at=jst(2025, 11, 10, 9),
    )
    status = coverage_status(incident)
    assert status.policy is None
    assert status.outcome == "not_covered"
    assert status.determination.codes() == ["no_policy"]


def test_the_renewal_is_chosen_at_the_end_instant_of_the_old_policy(world, renew):
    from sonae.programme.services import programme_year_load_file, shipped_year_file

    year_2026, _ = programme_year_load_file(path=shipped_year_file("2026"))
    renewal = renew(world.policy, year_2026, plan="B")
    organisation = world.provider.organisation
    assert policy_for(organisation, jst(2026, 10, 1, 15, 59, 59))[0] == world.policy
    assert policy_for(organisation, jst(2026, 10, 1, 16, 0))[0] == renewal


def test_a_cancelled_policy_stops_covering_at_the_cancellation(world, report):
    policy = world.policy
    policy.status = "cancelled"
    policy.cancel_effective_at = jst(2025, 11, 1, 16, 0)
    policy.save(update_fields=["status", "cancel_effective_at"])
    incident = report()  # discovered 2025-11-10
    status = coverage_status(incident)
    assert status.outcome == "not_covered"
    assert "discovered_after_end" in status.determination.codes()


def test_an_unknown_discovery_instant_is_judged_on_the_received_instant(report):
    incident = report(discovered_at=None)
    status = coverage_status(incident)
    assert status.outcome == "covered"
    assert "discovery_assumed" in status.determination.codes()


# --- the insurer's decision --------------------------------------------------------------------------------------


def test_the_insurer_records_confirmed_facts_and_the_determination_follows(world, incident):
    decision = coverage_decide(actor=world.actor("insurer"), incident=incident, facts={"war_terror": True})
    assert decision.determined_outcome == decision.outcome == "not_covered"
    assert decision.override == ""
    status = coverage_status(incident)
    assert status.outcome == "not_covered"
    assert status.facts == {"war_terror": True}


def test_an_override_needs_a_written_reason(world, knew_before_applying, incident):
    with pytest.raises(InvalidInput) as exc:
        coverage_decide(actor=world.actor("insurer"), incident=incident, override="covered", reason="  ")
    assert exc.value.field == "reason"
    assert not CoverageDecision.objects.exists()


def test_an_override_is_stored_audited_and_notified(
    world, knew_before_applying, incident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = coverage_decide(
            actor=world.actor("insurer"),
            incident=incident,
            override="covered",
            reason="告知された不審ログインは別システムで、今回の事故との関係はないことを確認した。",
        )
    assert (decision.determined_outcome, decision.override, decision.outcome) == (
        "needs_review",
        "covered",
        "covered",
    )
    assert decision.determination["reasons"]
    event = AuditEvent.objects.get(action="claims.coverage_decided")
    assert event.reason.startswith("告知された不審ログイン")
    assert event.data["determined"] == "needs_review" and event.data["outcome"] == "covered"
    assert event.actor == world.user("insurer")
    assert Notification.objects.filter(user=world.user("provider"), title__contains="補償対象").exists()
    status = coverage_status(incident)
    assert status.overridden and status.confirmed


def test_an_override_equal_to_the_determination_is_no_override(world, incident):
    decision = coverage_decide(actor=world.actor("insurer"), incident=incident, override="covered")
    assert decision.override == ""
    assert decision.outcome == "covered"


def test_the_latest_decision_counts(world, incident):
    insurer = world.actor("insurer")
    coverage_decide(actor=insurer, incident=incident, override="not_covered", reason="故意の疑い")
    coverage_decide(
        actor=insurer, incident=incident, facts={"wilful_act": False}, reason="故意ではないと確認"
    )
    status = coverage_status(incident)
    assert status.outcome == "covered"
    assert CoverageDecision.objects.filter(incident=incident).count() == 2


@pytest.mark.parametrize(
    ("facts", "override", "field"),
    [
        ({"alien_invasion": True}, "", "facts"),
        ({"war_terror": "yes"}, "", "facts.war_terror"),
        ({}, "maybe", "override"),
    ],
)
def test_bad_decisions_are_refused_naming_the_field(world, incident, facts, override, field):
    with pytest.raises(InvalidInput) as exc:
        coverage_decide(
            actor=world.actor("insurer"), incident=incident, facts=facts, override=override, reason="x"
        )
    assert exc.value.field == field


@pytest.mark.parametrize("who", ["provider", "agency", "desk"])
def test_only_the_insurer_decides(world, incident, who):
    with pytest.raises(PermissionDenied):
        coverage_decide(actor=world.actor(who), incident=incident, override="covered", reason="x")


# --- the approval gate -------------------------------------------------------------------------------------------


def test_a_claim_on_a_case_needing_review_cannot_be_approved(
    world, knew_before_applying, incident, claim_in_review
):
    claim = claim_in_review(incident)
    with pytest.raises(CoverageNotConfirmed) as exc:
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="approved")
    assert exc.value.code == "coverage_not_confirmed"
    assert exc.value.status == 409
    assert "要確認" in exc.value.message and "告知事項" in exc.value.message
    claim.refresh_from_db()
    assert claim.status == "under_review" and claim.amount_approved is None


def test_the_override_lets_the_claim_be_approved(world, knew_before_applying, incident, claim_in_review):
    claim = claim_in_review(incident)
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, override="covered", reason="関係なしを確認"
    )
    claim = claim_transition(actor=world.actor("insurer"), claim=claim, to_status="approved")
    assert claim.status == "approved"


def test_a_claim_on_an_uncovered_case_can_still_be_rejected(world, world_b_insider, claim_in_review):
    claim = claim_in_review(world_b_insider)
    claim = claim_transition(
        actor=world.actor("insurer"), claim=claim, to_status="rejected", reason="追加条項なし"
    )
    assert claim.status == "rejected"


@pytest.fixture
def world_b_insider(world, report):
    """An insider case of the plan A provider: employee crime needs the rider plan A lacks (not covered)."""
    return report(symptoms=["insider"], title="従業員が検査結果を持ち出した")


def test_employee_crime_without_the_rider_blocks_approval_until_overridden(
    world, world_b_insider, claim_in_review
):
    claim = claim_in_review(world_b_insider)
    with pytest.raises(CoverageNotConfirmed) as exc:
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="approved")
    assert "使用人犯罪補償追加条項" in exc.value.message


def test_a_covered_case_is_approved_without_any_decision(world, incident, claim_in_review):
    claim = claim_transition(
        actor=world.actor("insurer"), claim=claim_in_review(incident), to_status="approved"
    )
    assert claim.status == "approved"


def test_a_line_in_an_excluded_part_blocks_approval(world, incident, claim_in_review):
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, facts={"contractual_liability_beyond_law": True}
    )
    claim = claim_in_review(incident, items=(("investigation", 1_000_000), ("damages", 500_000)))
    with pytest.raises(CoverageNotConfirmed) as exc:
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="approved")
    assert "「賠償責任」は補償の対象外" in exc.value.message


def test_the_excluded_part_assessed_to_zero_lets_the_rest_be_approved(world, incident, claim_in_review):
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, facts={"contractual_liability_beyond_law": True}
    )
    claim = claim_in_review(incident, items=(("investigation", 1_000_000), ("damages", 500_000)))
    damages = claim.expenses.get(item="damages")
    claim = claim_transition(
        actor=world.actor("insurer"),
        claim=claim,
        to_status="partly_approved",
        reason="契約で加重された賠償責任は免責",
        adjustments={damages.pk: (0, "契約による加重部分（免責）")},
    )
    assert claim.status == "partly_approved"


# --- what each party sees ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "level", "reasons"),
    [
        ("provider", "full", True),
        ("insurer", "full", True),
        ("agency", "summary", False),
        ("desk", "provisional", True),
    ],
)
def test_each_party_sees_its_level(world, incident, who, level, reasons):
    view = coverage_view(world.actor(who), incident)
    assert view.level == level
    assert bool(view.reasons) is reasons


def test_the_desk_reading_leaves_out_the_application_declarations(world, knew_before_applying, incident):
    view = coverage_view(world.actor("desk"), incident)
    assert view.provisional
    assert view.outcome == "covered"
    assert view.headline == "補償対象の見込み"
    assert all(r.code != "declared_known_circumstances" for r in view.reasons)


def test_the_desk_reading_stays_provisional_after_the_insurer_decided(world, incident):
    coverage_decide(actor=world.actor("insurer"), incident=incident, facts={"wilful_act": False})
    view = coverage_view(world.actor("desk"), incident)
    assert view.provisional and view.decision is None


@pytest.mark.parametrize("who", ["provider_b", "hospital", "foundation"])
def test_others_see_nothing(world, incident, who):
    with pytest.raises(NotFound):
        coverage_view(world.actor(who), incident)
