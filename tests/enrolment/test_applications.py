import pytest

from sonae.core.errors import DeadlinePassed, IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.enrolment.models import Application, Quote
from sonae.enrolment.services import (
    application_accept,
    application_return,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
)

from .conftest import jst
from .helpers import COMPLETE_FORM, drafted, quoted, submitted

pytestmark = pytest.mark.django_db
S = Application.Status


def test_starting_an_application_accepts_the_quote_for_one_plan(
    year_2025, sakura, sakura_actor, sakura_entry
):
    quote = quoted(sakura_actor, sakura, year_2025)
    application = application_start(actor=sakura_actor, quote=quote, plan="B", at=jst(2025, 8, 21, 9))
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert (application.status, application.plan, application.premium) == (S.DRAFT, "B", 193_190)
    assert application.payer_kana == "サクラリンショウケンサ"


def test_a_form_without_consent_cannot_be_submitted(year_2025, sakura, sakura_actor, sakura_entry):
    quote = quoted(sakura_actor, sakura, year_2025)
    application = application_start(actor=sakura_actor, quote=quote, plan="A", at=jst(2025, 8, 21, 9))
    with pytest.raises(InvalidInput) as exc:
        application_submit(actor=sakura_actor, application=application, at=jst(2025, 9, 1, 9))
    assert exc.value.field == "consent"


def test_a_declared_incident_needs_its_details(year_2025, sakura, sakura_actor, sakura_entry):
    application = drafted(sakura_actor, sakura, year_2025)
    application_update(actor=sakura_actor, application=application, data={"past_incidents": True})
    with pytest.raises(InvalidInput) as exc:
        application_submit(actor=sakura_actor, application=application, at=jst(2025, 9, 1, 9))
    assert exc.value.field == "past_incidents_detail"


def test_submission_on_the_deadline_day_is_in_time(year_2025, sakura, sakura_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 9, 16, 23, 59, 59))
    assert application.status == S.SUBMITTED


def test_after_the_deadline_the_provider_cannot_submit(year_2025, sakura, sakura_actor, sakura_entry):
    application = drafted(sakura_actor, sakura, year_2025)
    with pytest.raises(DeadlinePassed) as exc:
        application_submit(actor=sakura_actor, application=application, at=jst(2025, 9, 17, 0, 0))
    assert "2025年9月16日" in exc.value.message
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_after_the_deadline_the_provider_cannot_start_an_application(
    year_2025, sakura, sakura_actor, sakura_entry
):
    quote = quoted(sakura_actor, sakura, year_2025)
    with pytest.raises(DeadlinePassed):
        application_start(actor=sakura_actor, quote=quote, plan="A", at=jst(2025, 9, 17, 9))


def test_late_acceptance_needs_a_written_reason(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    application = drafted(sakura_actor, sakura, year_2025)
    with pytest.raises(InvalidInput) as exc:
        application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 18, 10))
    assert exc.value.field == "reason"
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_late_acceptance_with_a_reason_is_audited(
    year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = drafted(sakura_actor, sakura, year_2025)
    reason = "9月16日消印の郵送書類を9月18日に受領したため"
    application = application_accept(
        actor=agency_actor, application=application, reason=reason, at=jst(2025, 9, 18, 10)
    )
    assert application.status == S.ACCEPTED
    assert application.late_reason == reason
    event = AuditEvent.objects.get(action="application.accepted", target_id=str(application.pk))
    assert event.reason == reason
    assert event.data["late"] is True
    assert event.actor == agency_actor.user


def test_an_application_submitted_in_time_is_accepted_after_the_deadline_without_a_reason(
    year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = submitted(sakura_actor, sakura, year_2025)
    application = application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 20, 10))
    assert application.status == S.ACCEPTED and application.late_reason == ""


def test_returned_form_is_edited_and_resubmitted(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    application = application_return(
        actor=agency_actor,
        application=application,
        reason="代表者の役職を記入してください",
        at=jst(2025, 9, 6, 10),
    )
    assert application.status == S.RETURNED and "役職" in application.return_reason
    application_update(
        actor=sakura_actor, application=application, data={"representative_title": "代表取締役社長"}
    )
    application = application_submit(actor=sakura_actor, application=application, at=jst(2025, 9, 7, 10))
    assert application.status == S.SUBMITTED
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(application.pk), target_type="enrolment.application"
        ).values_list("action", flat=True)
    )
    assert actions == [
        "application.created",
        "application.updated",
        "application.submitted",
        "application.returned",
        "application.updated",
        "application.submitted",
    ]


def test_a_return_needs_reasons(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    with pytest.raises(InvalidInput):
        application_return(actor=agency_actor, application=application, reason=" ")


def test_a_submitted_form_cannot_be_edited(year_2025, sakura, sakura_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    with pytest.raises(IllegalTransition):
        application_update(
            actor=sakura_actor, application=application, data=COMPLETE_FORM | {"consent": False}
        )


def test_a_withdrawn_application_cannot_be_accepted(
    year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = submitted(sakura_actor, sakura, year_2025)
    application_withdraw(actor=sakura_actor, application=application, at=jst(2025, 9, 8))
    with pytest.raises(IllegalTransition):
        application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 9))


def test_a_provider_cannot_accept_its_own_application(year_2025, sakura, sakura_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    with pytest.raises(PermissionDenied):
        application_accept(actor=sakura_actor, application=application, at=jst(2025, 9, 9))


def test_another_provider_cannot_submit_it(year_2025, sakura, sakura_actor, aoba_actor, sakura_entry):
    application = drafted(sakura_actor, sakura, year_2025)
    with pytest.raises(PermissionDenied):
        application_submit(actor=aoba_actor, application=application, at=jst(2025, 9, 9))
