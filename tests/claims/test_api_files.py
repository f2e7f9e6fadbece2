"""Claims API, the insurer's work queue and the files of the claims pages: the claim pack PDF, the Excel of a
claim's and a case's expenses, attachments — checked as the pages (404 outside the claims world, 403 without the
power, 404 for another provider's records)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sonae.claims.services import attachment_add, claim_create, claim_transition
from sonae.core.models import AuditEvent
from tests.claims.conftest import PDF_BYTES
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db
INVALID = "入力内容に誤りがあります。項目を確認してください。"
DENIED = {"code": "permission_denied", "message": "この操作を行う権限がありません。"}


@pytest.fixture
def get(client, token_for):
    made = {}

    def call(who: str, path: str, role: str = "staff"):
        if (who, role) not in made:
            made[who, role] = token_for(who, role)
        return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {made[who, role]}")

    return call


@pytest.fixture
def claim(world, incident, add_expense):
    add_expense()
    made = claim_create(actor=world.actor("provider"), incident=incident)
    return claim_transition(actor=world.actor("provider"), claim=made, to_status="submitted")


@pytest.fixture
def foreign_claim(world, report, add_expense):
    case = report("provider_b")
    add_expense(case=case, who="provider_b")
    made = claim_create(actor=world.actor("provider_b"), incident=case)
    return claim_transition(actor=world.actor("provider_b"), claim=made, to_status="submitted")


def test_the_insurer_sees_its_work_queue(world, claim, get):
    response = get("insurer", "/insurer/queue", role="viewer")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["number"] for c in body["claims"]] == [claim.number]
    assert body["claims"][0]["age_band"] == "7日未満"
    assert {"status": "submitted", "label": "提出済み", "count": 1} in body["status_counts"]


@pytest.mark.parametrize(
    ("who", "status"), [("provider", 403), ("agency", 403), ("desk", 404), ("hospital", 404)]
)
def test_only_the_insurer_has_a_work_queue(world, claim, get, who, status):
    response = get(who, "/insurer/queue")
    assert response.status_code == status
    if status == 403:
        assert response.json() == DENIED


def test_the_claim_pack_and_its_expenses(world, claim, get):
    pdf = get("insurer", f"/claims/{claim.number}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert claim.number in pdf_text(pdf.content)
    xlsx = get("provider", f"/claims/{claim.number}/xlsx")
    assert xlsx.status_code == 200, xlsx.content
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "東京デジタルフォレンジック株式会社" in [c.value for row in sheet.iter_rows() for c in row]
    case = get("insurer", f"/incidents/{claim.incident.reference}/expenses/xlsx")
    assert case.status_code == 200 and case.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("who", "role", "status"), [("provider", "viewer", 403), ("agency", "staff", 403), ("desk", "staff", 404)]
)
def test_the_claim_files_need_the_export_power(world, claim, get, who, role, status):
    for path in (
        f"/claims/{claim.number}/pdf",
        f"/claims/{claim.number}/xlsx",
        f"/incidents/{claim.incident.reference}/expenses/xlsx",
    ):
        assert get(who, path, role=role).status_code == status, path


def test_another_providers_claim_files_are_not_found(world, claim, foreign_claim, get):
    for path in (
        f"/claims/{foreign_claim.number}/pdf",
        f"/claims/{foreign_claim.number}/xlsx",
        f"/incidents/{foreign_claim.incident.reference}/expenses/xlsx",
    ):
        response = get("provider", path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path


def test_an_attachment_is_downloaded_and_audited(world, incident, add_expense, get):
    expense = add_expense()
    attachment = attachment_add(
        actor=world.actor("provider"), expense=expense, name="領収書.pdf", data=PDF_BYTES
    )
    response = get("insurer", f"/attachments/{attachment.pk}")
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="claims.attachment_downloaded").count() == 1


def test_attachments_are_scoped_and_checked(world, incident, report, add_expense, get, client_for, settings):
    expense = add_expense()
    attachment = attachment_add(actor=world.actor("provider"), expense=expense, name="r.pdf", data=PDF_BYTES)
    assert get("provider_b", f"/attachments/{attachment.pk}").json()["code"] == "not_found"
    assert get("provider", f"/attachments/{attachment.pk}", role="viewer").json() == DENIED
    assert get("agency", f"/attachments/{attachment.pk}").status_code == 403
    assert get("desk", f"/attachments/{attachment.pk}").status_code == 404
    bad = get("provider", "/attachments/abc")
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
    settings.SONAE_REQUIRE_RECENT_AUTH = True  # force_login records no sign-in time
    session = client_for("provider").get(f"/api/v1/attachments/{attachment.pk}")
    assert session.status_code == 403 and session.json()["code"] == "reauthentication_required"
    assert not AuditEvent.objects.filter(action="claims.attachment_downloaded").exists()


# --- a quote attached to a prior-approval request -----------------------------------------------------------------


@pytest.fixture
def approval(world, incident):
    from sonae.claims.services import approval_request

    return approval_request(
        actor=world.actor("provider"),
        incident=incident,
        item="litigation",
        amount=1_000_000,
        reason="損害賠償請求への対応",
    )


@pytest.fixture
def attach(client, token_for):
    """``attach(who, approval_id, role="staff", **form)``: upload a quote with that organisation's token."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    made = {}

    def call(who, approval_id, role="staff", with_file=True, **data):
        if (who, role) not in made:
            made[who, role] = token_for(who, role)
        body = {"file": SimpleUploadedFile("見積書.pdf", PDF_BYTES), **data} if with_file else {}
        return client.post(
            f"/api/v1/approvals/{approval_id}/attachments",
            body,
            HTTP_AUTHORIZATION=f"Bearer {made[who, role]}",
        )

    return call


def test_the_provider_attaches_a_quote_to_its_pending_request(world, approval, attach, get):
    response = attach("provider", approval.pk)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "quote" and response.json()["name"] == "見積書.pdf"
    assert approval.attachments.count() == 1
    detail = get("insurer", f"/approvals/{approval.pk}").json()
    assert [a["id"] for a in detail["attachments"]] == [response.json()["id"]]


def test_a_decided_request_takes_no_more_documents(world, approval, attach):
    from sonae.claims.services import approval_decide

    approval_decide(actor=world.actor("insurer"), approval=approval, decision="approve")
    response = attach("provider", approval.pk)
    assert response.status_code == 400 and response.json()["field"] == "file"
    assert "判断済み" in response.json()["message"]
    assert approval.attachments.count() == 0


def test_attaching_to_a_request_is_the_providers_staffs(world, approval, attach):
    assert attach("provider", approval.pk, role="viewer").json() == DENIED
    assert attach("insurer", approval.pk).json() == DENIED
    assert attach("provider_b", approval.pk).json()["code"] == "not_found"
    bad_kind = attach("provider", approval.pk, kind="poem")
    assert bad_kind.status_code == 400 and bad_kind.json()["field"] == "kind"
    no_file = attach("provider", approval.pk, with_file=False)
    assert no_file.status_code == 422 and no_file.json()["message"] == INVALID
    assert approval.attachments.count() == 0
