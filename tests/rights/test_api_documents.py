"""Rights-requests API files: the reply letter (PDF, Word) and the disclosure package, as on the pages.

Both name the requester (the package decrypts the person's record on the victims list): personal-data exports,
audit-logged (with the token when through one), a browser session needs a recent sign-in, and the desk gets the
package only while the provider grants it the case's personal data.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from docx import Document

from sonae.core.models import AuditEvent
from sonae.rights.models import RightsRequest
from sonae.rights.services import (
    rights_request_decide,
    rights_request_receive,
    rights_request_verify_identity,
)
from tests.factories import MembershipFactory
from tests.incidents.conftest import token_for  # noqa: F401  (shared fixture)
from tests.pdftext import pdf_text
from tests.rights.conftest import person_on


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _decided_disclosure(world, incident) -> RightsRequest:
    provider = world.actor("provider")
    request = rights_request_receive(
        actor=provider,
        incident=incident,
        kind="disclosure",
        channel="call",
        received_on=incident.received_at.date(),
        asked="保有している私の個人データを開示してほしい。",
        victim_id=person_on(world, incident),
        requester_name="山田 花子",
    )
    rights_request_verify_identity(actor=provider, request=request, method="運転免許証の写し")
    return rights_request_decide(actor=provider, request=request, decision="comply")


def _base(request: RightsRequest) -> str:
    return f"/api/v1/incidents/{request.incident.reference}/rights-requests/{request.pk}"


def _exports(request: RightsRequest):
    return AuditEvent.objects.filter(action="personal_data.exported", target_id=str(request.pk))


def _grant_desk(world, incident) -> None:
    from sonae.core.actors import Actor
    from sonae.victims.services.case import desk_access_set

    admin = MembershipFactory(organisation=world.provider.organisation, role="admin")
    desk_access_set(actor=Actor.from_membership(admin), incident=incident, granted=True)


# --- the reply letter --------------------------------------------------------------------------------------------


def test_the_reply_letter_pdf_names_the_requester_and_the_decision(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    token = token_for("provider")

    response = client.get(f"{_base(item)}/reply-letter", headers=_auth(token))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "山田 花子 様" in text and "開示のご請求に対するご回答" in text and "請求に応じる" in text
    event = _exports(item).get()
    assert event.data["document"] == "reply_letter" and event.data["format"] == "pdf"
    assert event.data["via"] == "token" and event.data["token"] == token[6:14]


def test_the_reply_letter_as_word_says_the_same(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)

    response = client.get(f"{_base(item)}/reply-letter?format=docx", headers=_auth(token_for("provider")))

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "山田 花子 様" in text and "請求に応じる" in text
    assert _exports(item).get().data["format"] == "docx"


def test_an_unknown_letter_format_is_a_400(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    response = client.get(f"{_base(item)}/reply-letter?format=xls", headers=_auth(token_for("provider")))
    assert response.status_code in (400, 422)
    assert not _exports(item).exists()


@pytest.mark.parametrize("who", ["provider_b", "agency", "hospital"])
def test_other_organisations_get_404_for_the_letter(world, own_case, token_for, client, who):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    response = client.get(f"{_base(item)}/reply-letter", headers=_auth(token_for(who)))
    assert response.status_code == 404
    assert not _exports(item).exists()


def test_the_desk_without_the_grant_gets_404_for_the_letter(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    response = client.get(f"{_base(item)}/reply-letter", headers=_auth(token_for("desk")))
    assert response.status_code == 404


def test_a_browser_session_needs_a_recent_sign_in_for_the_letter(world, own_case, settings):
    item = _decided_disclosure(world, own_case)
    browser = Client()
    browser.force_login(world.user("provider"))
    settings.SONAE_REQUIRE_RECENT_AUTH = True  # force_login records no sign-in time

    response = browser.get(f"{_base(item)}/reply-letter")

    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not _exports(item).exists()


def test_a_recently_signed_in_session_gets_the_letter_logged_as_a_session(world, own_case):
    item = _decided_disclosure(world, own_case)
    browser = Client()
    browser.force_login(world.user("provider"))

    response = browser.get(f"{_base(item)}/reply-letter")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    event = _exports(item).get()
    assert event.data["via"] == "session" and event.actor_id == world.user("provider").pk


# --- the disclosure package --------------------------------------------------------------------------------------


def _post(client, item, token, **body):
    return client.post(
        f"{_base(item)}/disclosure",
        {"reason": "開示請求への回答", **body},
        content_type="application/json",
        headers=_auth(token),
    )


def test_the_disclosure_package_holds_the_persons_record(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    token = token_for("provider")

    response = _post(client, item, token)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "保有個人データの開示" in text and "山田 花子" in text and "東京都千代田区千代田1-1" in text
    event = _exports(item).get()
    assert event.reason == "開示請求への回答"
    assert event.data["victim"] == item.victim_id and event.data["token"] == token[6:14]


def test_the_disclosure_package_as_word(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)

    response = _post(client, item, token_for("provider"), format="docx")

    assert response.status_code == 200, response.content
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "山田 花子" in cells and "P0001" in cells


def test_the_disclosure_package_needs_a_reason(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    response = _post(client, item, token_for("provider"), reason="   ")
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert not _exports(item).exists()


def test_a_viewer_may_not_export_the_disclosure_package(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    response = _post(client, item, token_for("provider", role="viewer"))
    assert response.status_code == 403
    assert not _exports(item).exists()


@pytest.mark.parametrize("who", ["provider_b", "agency", "hospital"])
def test_other_organisations_get_404_for_the_package(world, own_case, token_for, client, who):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    assert _post(client, item, token_for(who)).status_code == 404
    assert not _exports(item).exists()


def test_the_desk_gets_the_package_only_with_the_providers_grant(world, own_case, token_for, client):  # noqa: F811
    item = _decided_disclosure(world, own_case)
    token = token_for("desk")
    assert _post(client, item, token).status_code == 404
    _grant_desk(world, own_case)

    response = _post(client, item, token)

    assert response.status_code == 200 and "山田 花子" in pdf_text(response.content)
    assert _exports(item).count() == 1


def test_a_browser_session_needs_a_recent_sign_in_for_the_package(world, own_case, settings):
    item = _decided_disclosure(world, own_case)
    browser = Client()
    browser.force_login(world.user("provider"))
    settings.SONAE_REQUIRE_RECENT_AUTH = True

    response = browser.post(
        f"{_base(item)}/disclosure", {"reason": "開示請求への回答"}, content_type="application/json"
    )

    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not _exports(item).exists()
