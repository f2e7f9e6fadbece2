"""Issue 12, "How we will check it", as a new user would — through the pages: an incident discovered one minute
before the cover starts is not covered; one caused by an employee's mistake is; one the provider knew of before
applying needs review and shows why (and the insurer can only approve its claim after a reasoned override)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sonae.claims.models import Claim
from sonae.claims.services import expense_create
from sonae.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _coverage_page(client, incident) -> str:
    response = client.get(reverse("claims:coverage", args=[incident.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_new_user_incident_discovered_one_minute_before_cover_starts_is_not_covered(world, client_for):
    desk = client_for("desk")
    response = desk.post(
        reverse("incidents:intake"),
        {
            "q": "さくら",
            "provider": world.provider.organisation.pk,
            "caller_name": "佐藤 花子",
            "caller_phone": "03-1234-5678",
            "called_at": "2025-10-01T16:20",
            "discovered_at": "2025-10-01T15:59",
            "symptoms": ["ransom_message"],
            "data_owner": "own",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "暫定判定" in html and "補償対象外の見込み" in html
    assert "2025年10月1日 15:59" in html and "保険期間の開始（2025年10月1日 16:00）より前" in html

    incident = Incident.objects.get()
    provider_view = _coverage_page(client_for("provider"), incident)
    assert "補償対象外" in provider_view
    assert "普通保険約款 第2条（保険期間と事故の発見）（サンプル）" in provider_view


def test_new_user_incident_at_16_00_sharp_is_covered(world, client_for):
    client_for("desk").post(
        reverse("incidents:intake"),
        {
            "q": "さくら",
            "provider": world.provider.organisation.pk,
            "caller_name": "佐藤 花子",
            "caller_phone": "03-1234-5678",
            "called_at": "2025-10-01T16:20",
            "discovered_at": "2025-10-01T16:00",
            "symptoms": ["ransom_message"],
            "data_owner": "own",
        },
    )
    assert "補償対象の見込み" in _coverage_page(client_for("provider"), Incident.objects.get())


def test_new_user_incident_caused_by_an_employees_mistake_is_covered(world, client_for):
    provider = client_for("provider")
    response = provider.post(
        reverse("incidents:report"),
        {
            "symptoms": ["misdelivery"],
            "discovered_at": "2025-11-28T11:00",
            "data_items": ["name", "test_results"],
            "persons_estimate": "12",
            "data_owner": "own",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    html = _coverage_page(provider, incident)
    assert "補償対象の見込み" in html
    assert "従業員等の操作・設定ミス（誤送信・誤送付・誤廃棄等）" in html
    assert "賠償責任補償条項 第1条③・事故対応費用補償条項 第1条③（サンプル）" in html


def test_new_user_incident_known_before_applying_needs_review_and_shows_why(
    world, knew_before_applying, client_for
):
    provider = client_for("provider")
    provider.post(
        reverse("incidents:report"),
        {
            "symptoms": ["data_leaking"],
            "discovered_at": "2025-11-20T09:30",
            "data_items": ["name"],
            "persons_estimate": "300",
            "data_owner": "own",
        },
    )
    incident = Incident.objects.get()
    html = _coverage_page(provider, incident)
    assert "要確認" in html
    assert (
        "加入時の告知事項で「保険金請求につながるおそれのある事実を認識している」と申告されています" in html
    )
    assert "普通保険約款 第5条⑥・第8条（告知義務）（サンプル）" in html

    # The provider claims; the insurer sees the determination on the claim screen and cannot approve yet.
    expense_create(
        actor=world.actor("provider"),
        incident=incident,
        item="investigation",
        amount=1_500_000,
        spent_on=date(2025, 11, 25),
        payee="東京デジタルフォレンジック株式会社",
    )
    provider.post(
        reverse("claims:claim_create", args=[incident.reference]),
        {"expenses": [str(pk) for pk in incident.expenses.values_list("pk", flat=True)]},
    )
    claim = Claim.objects.get()
    provider.post(reverse("claims:transition", args=[claim.number]), {"to_status": "submitted"})
    insurer = client_for("insurer")
    insurer.post(reverse("claims:transition", args=[claim.number]), {"to_status": "under_review"})
    screen = insurer.get(reverse("claims:detail", args=[claim.number])).content.decode()
    assert "補償の判定" in screen and "要確認" in screen
    refused = insurer.post(
        reverse("claims:decide", args=[claim.number]), {"decision": "approved", "reason": ""}
    )
    assert refused.status_code == 400 and "認定できません" in refused.content.decode()

    # A written override, then the approval goes through and the provider reads why.
    insurer.post(
        reverse("claims:coverage", args=[incident.reference]),
        {
            "override": "covered",
            "reason": "告知の不審ログインは別の端末で、今回の漏えいとは無関係と確認。",
            "claim": claim.number,
        },
    )
    approved = insurer.post(
        reverse("claims:decide", args=[claim.number]), {"decision": "approved", "reason": ""}
    )
    assert approved.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"
    provider_screen = provider.get(reverse("claims:detail", args=[claim.number])).content.decode()
    assert "保険会社が判定を変更" in provider_screen
    assert "今回の漏えいとは無関係と確認" in provider_screen
