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


@pytest.mark.parametrize(
    ("reference", "provider", "phrase"),
    [
        (
            "INC-DEMO-0001",
            "sakura-lab",
            "個人情報保護委員会への報告：不要（委託元への通知により、委託元が報告します）",
        ),
        ("INC-DEMO-0002", "aoba-transport", "まず、かわせ記念病院（委託元）へ"),
        ("INC-DEMO-0003", "midori-food", "個人情報保護委員会への報告：不要（報告対象の事態に当たりません）"),
    ],
)
def test_the_demo_cases_duties_pages_open(demo, reference, provider, phrase):
    from django.test import Client

    from sonae.core.models import User

    client = Client()
    client.force_login(User.objects.get(email=f"staff@{provider}.example.jp"))
    response = client.get(f"/duties/incident/{reference}/")
    assert response.status_code == 200
    assert phrase in response.content.decode()
