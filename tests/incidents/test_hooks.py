"""A change of a case's facts schedules the registered follow-ups (the duties re-assessment) after commit."""

import pytest

from sonae.incidents import hooks

pytestmark = pytest.mark.django_db


def test_duties_refresh_is_registered():
    from sonae.duties.services.assessments import assessment_refresh

    assert assessment_refresh in hooks._facts_changed


def test_facts_update_runs_callbacks_after_commit(
    report, world, django_capture_on_commit_callbacks, monkeypatch
):
    from sonae.incidents.services import incident_update_facts

    incident = report()
    seen = []
    monkeypatch.setattr(hooks, "_facts_changed", [lambda *, actor, incident: seen.append(incident.reference)])
    with django_capture_on_commit_callbacks(execute=True):
        incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=6000)
    assert seen == [incident.reference]


def test_failing_callback_does_not_raise(report, world, django_capture_on_commit_callbacks, monkeypatch):
    from sonae.incidents.services import incident_update_facts

    incident = report()

    def boom(*, actor, incident):
        raise RuntimeError("boom")

    monkeypatch.setattr(hooks, "_facts_changed", [boom])
    with django_capture_on_commit_callbacks(execute=True):
        incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=7000)
