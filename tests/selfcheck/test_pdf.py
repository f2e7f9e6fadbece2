from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from sonae.jp.calendar import TOKYO
from sonae.selfcheck import services
from tests.pdftext import pdf_text
from tests.selfcheck.conftest import answers_with, complete_bcp_rows

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=TOKYO), tick=False)
def test_bcp_pdf_is_a_japanese_document_with_the_desk_number_and_deadlines(client, admin_actor, settings):
    settings.SONAE_DESK_PHONE = "0120-246-810"
    plan = services.bcp_start(actor=admin_actor)
    for section, rows in complete_bcp_rows().items():
        services.bcp_update_section(actor=admin_actor, plan=plan, section=section, rows=rows)
    services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")
    client.force_login(admin_actor.user)
    response = client.get(reverse("selfcheck:bcp_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for phrase in (
        "サイバーBCP",
        "連絡体制",
        "0120-246-810",
        "山田",
        "速報",
        "確報",
        "平時",
        "事後対応",
        "紙の報告書",
    ):
        assert phrase in text, phrase


def test_self_check_pdf_names_the_band_and_the_advice(client, provider, actor):
    check = services.self_check_submit(actor=actor, answers=answers_with(q14="not_implemented"))
    client.force_login(provider.user)
    text = pdf_text(client.get(reverse("selfcheck:check_pdf", args=[check.pk])).content)
    assert "96点" in text
    assert "おおむね実施" in text
    assert "画面ロック" in text


def test_bcp_pdf_export_is_audited(client, admin_actor):
    from sonae.core.models import AuditEvent

    plan = services.bcp_start(actor=admin_actor)
    client.force_login(admin_actor.user)
    client.get(reverse("selfcheck:bcp_pdf"))
    assert AuditEvent.objects.filter(action="selfcheck.bcp.exported", target_id=str(plan.pk)).exists()
