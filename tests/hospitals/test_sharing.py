"""Sharing by the contractor's consent: what the hospital sees, that withdrawal hides it at once, that every view is
audit-logged, and that nothing outside the consent (premium, BCP contacts) is ever shown."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from sonae.core.models import AuditEvent
from sonae.hospitals import selectors, services
from tests.hospitals.conftest import ALL_SHARED, NOW, jst

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def fake_policy(monkeypatch):
    """A policy in force for every provider (the enrolment flow is tested in its own app)."""
    from sonae.programme.models import ProgrammeYear

    year = ProgrammeYear(code="2026", name="2026年度")
    policy = SimpleNamespace(
        plan="A",
        premium=987_654,
        programme_year=year,
        cover_start=jst(2026, 10, 1, 16),
        cover_end=jst(2027, 10, 1, 16),
        cancel_effective_at=None,
    )
    monkeypatch.setattr("sonae.enrolment.selectors.policy_in_force", lambda org, instant: policy)
    monkeypatch.setattr(
        "sonae.enrolment.selectors.policies_in_force", lambda ids, instant: dict.fromkeys(ids, policy)
    )
    return policy


def test_with_every_consent_the_hospital_sees_every_section(
    world, link_for, security_records, fake_policy, client_for
):
    link = link_for(shared=ALL_SHARED)
    security_records(world.org("provider"))
    page = _text(client_for("hospital").get(f"/hospitals/contractors/{link.pk}/"))
    assert "プランA" in page and "2027年10月1日" in page
    assert "100点" in page and "入門レベル達成" in page
    assert "すべて「はい」" in page
    assert "策定済み" in page and "2026年6月1日" in page
    assert "非公開" not in page


def test_without_consent_every_section_is_hidden(world, link_for, security_records, fake_policy, client_for):
    link = link_for()
    security_records(world.org("provider"))
    page = _text(client_for("hospital").get(f"/hospitals/contractors/{link.pk}/"))
    assert page.count("事業者が共有していません") == 4
    assert "プランA" not in page and "100点" not in page and "策定済み" not in page


def test_the_premium_and_the_bcp_contacts_are_never_shown(
    world, link_for, security_records, fake_policy, client_for
):
    link = link_for(shared=ALL_SHARED)
    security_records(world.org("provider"))
    client = client_for("hospital")
    for url in (
        f"/hospitals/contractors/{link.pk}/",
        "/hospitals/contractors/",
        "/api/v1/hospitals/contractors",
    ):
        body = client.get(url).content.decode()
        assert "987654" not in body and "987,654" not in body
        assert "秘密 太郎" not in body and "090-9999-0000" not in body


def test_withdrawing_consent_hides_the_section_on_the_next_request(
    world, link_for, security_records, client_for
):
    link = link_for(shared={"checklist": True})
    security_records(world.org("provider"), overdue=True)
    client = client_for("hospital")
    assert "2026年9月30日" in _text(client.get(f"/hospitals/contractors/{link.pk}/"))
    services.consent_update(actor=world.actor("provider_admin"), link=link, checklist=False)
    page = _text(client.get(f"/hospitals/contractors/{link.pk}/"))
    assert "2026年9月30日" not in page and "事業者が共有していません" in page


def test_checklist_shows_every_no_with_its_target_date_and_overdue_flag(world, link_for, security_records):
    link = link_for(shared={"checklist": True})
    security_records(world.org("provider"), overdue=True)
    posture = selectors.posture_for(link, now=NOW, today=NOW.date())
    (no,) = [item for item in posture.checklist.items if item.answer == "no"]
    assert (no.number, no.target_date.isoformat(), no.overdue) == ("3-(3)", "2026-09-30", True)
    assert posture.checklist.overdue_count == 1 and not posture.checklist.complete


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("/hospitals/contractors/", "list"),
        ("/hospitals/contractors/{pk}/", "detail"),
        ("/hospitals/contractors/export.xlsx", "export"),
    ],
)
def test_every_view_by_the_hospital_is_audit_logged(world, link_for, client_for, url, what):
    link = link_for(shared={"checklist": True, "bcp": True})
    response = client_for("hospital").get(url.format(pk=link.pk))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="hospitals.shared_viewed").latest("id")
    assert event.organisation == world.org("hospital") and event.actor == world.user("hospital")
    assert event.data["what"] == what
    assert event.data["contractors"] == [{"provider": link.provider_id, "sections": ["checklist", "bcp"]}]


def test_the_provider_previews_what_the_hospital_sees(world, link_for, security_records, client_for):
    link = link_for(shared={"selfcheck": True})
    security_records(world.org("provider"))
    page = _text(client_for("provider").get(f"/hospitals/links/{link.pk}/"))
    assert "100点" in page and page.count("事業者が共有していません") == 3
    assert not AuditEvent.objects.filter(action="hospitals.shared_viewed").exists()


def test_the_consent_form_saves_and_takes_effect(world, link_for, client_for):
    link = link_for()
    response = client_for("provider_admin").post(
        f"/hospitals/links/{link.pk}/", {"checklist": "on", "bcp": "on"}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.share_insurance, link.share_selfcheck, link.share_checklist, link.share_bcp) == (
        False,
        False,
        True,
        True,
    )


def test_provider_staff_see_the_consents_but_cannot_change_them(world, link_for, client_for):
    link = link_for()
    client = client_for("provider")
    assert "共有設定の変更は管理者が行えます" in _text(client.get(f"/hospitals/links/{link.pk}/"))
    assert client.post(f"/hospitals/links/{link.pk}/", {"checklist": "on"}).status_code == 403
    link.refresh_from_db()
    assert not link.share_checklist
