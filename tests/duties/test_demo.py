"""Demo data: an assessment for each demo case, loaded after the incident desk's demo, idempotent."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(db, mailoutbox):
    from sonae.core.demo.loader import load_demo

    load_demo()
    return mailoutbox


def _latest(reference: str):
    from sonae.duties.models import DutyAssessment

    return DutyAssessment.objects.filter(incident__reference=reference).order_by("-version").first()


def test_the_ransomware_contractor_notified_the_hospital_and_is_released(demo):
    latest = _latest("INC-DEMO-0001")
    assert latest.facts["role"] == "contractor" and latest.facts["cause"] == "ransomware"
    assert latest.facts["persons"] == 5000 and "test_results" in latest.facts["data_items"]
    assert latest.facts["entrusting_party_notified_at"] is not None
    assert latest.result["appi"]["reporting_mode"] == "via_entrusting_party"
    assert latest.result["appi"]["entrusting_party"]["final_period_days"] == 60
    assert latest.entrusting_party_display == "みなと総合病院"


def test_the_lost_bag_must_notify_the_hospital_and_has_two_versions(demo):
    from sonae.duties.models import DutyItem

    latest = _latest("INC-DEMO-0002")
    assert latest.version == 2 and latest.facts["persons"] == 30
    assert {"ward", "hospital_visit"} <= set(latest.facts["data_items"])
    assert latest.result["appi"]["entrusting_party_notice_required"] is True
    item = DutyItem.objects.get(incident__reference="INC-DEMO-0002", kind="entrusting_party_notice")
    assert item.required and item.done_at is None and item.task.due_date == item.due_date


def test_the_fax_retrieved_unread_is_not_reportable(demo):
    latest = _latest("INC-DEMO-0003")
    assert latest.result["appi"]["reportable_situation"] is False


def test_loading_again_changes_nothing_and_sends_no_mail(demo):
    from sonae.core.demo.loader import load_demo
    from sonae.duties.models import DutyAssessment, DutyItem

    counts = (DutyAssessment.objects.count(), DutyItem.objects.count())
    load_demo()
    assert (DutyAssessment.objects.count(), DutyItem.objects.count()) == counts == (4, counts[1])
    assert demo == []
