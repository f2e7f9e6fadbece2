"""Pages: the case tab, the expense form with the suggested item, approvals, the claim screen, the insurer's
decision and work queue — and 404 for everyone outside the scope."""

from datetime import date

import pytest
from django.urls import reverse

from sonae.claims.models import Claim, Expense, PriorApproval
from sonae.claims.services import claim_create, claim_transition
from sonae.incidents.models import Task

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_case_tab_shows_coverage_expenses_and_remaining_limits(world, incident, add_expense, client_for):
    add_expense("call_center", 1_200_000, payee="株式会社コールサポート東日本")
    page = client_for("provider").get(reverse("claims:expenses", args=[incident.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "P-2025-000001" in html and "2026年11月10日まで" in html
    assert "株式会社コールサポート東日本" in html and "1,200,000円" in html
    assert "保険期間の支払限度額の残り" in html and "30,000,000円" in html
    assert reverse("claims:expense_create", args=[incident.reference]) in html


def test_case_page_has_the_claims_tab_for_provider_and_insurer_only(world, incident, client_for):
    url = reverse("claims:expenses", args=[incident.reference])
    for who in ("provider", "insurer"):
        html = client_for(who).get(reverse("incidents:detail", args=[incident.reference])).content.decode()
        assert url in html and "費用・保険金" in html
    html = client_for("desk").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert url not in html


def test_case_without_cover_says_why_and_offers_no_form(world, report, client_for):
    from .conftest import jst

    incident = report(discovered_at=jst(2025, 9, 1, 9), received_at=jst(2025, 9, 1, 10))
    html = client_for("provider").get(reverse("claims:expenses", args=[incident.reference])).content.decode()
    assert "有効な保険契約がありません" in html
    assert reverse("claims:expense_create", args=[incident.reference]) not in html


def test_expense_form_records_an_expense_with_a_receipt(world, incident, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("provider").post(
        reverse("claims:expense_create", args=[incident.reference]),
        {
            "spent_on": "2025-11-20",
            "amount": "１，２００，０００円",
            "payee": "株式会社コールサポート東日本",
            "item": "call_center",
            "receipt": SimpleUploadedFile("請求書.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.amount, expense.item) == (1_200_000, "call_center")
    assert expense.attachments.get().original_name == "請求書.pdf"


def test_expense_form_proposes_the_tasks_item_and_asks_to_confirm(world, incident, client_for):
    task = Task.objects.create(incident=incident, title="データの復旧作業", phase="recovery")
    url = reverse("claims:expense_create", args=[incident.reference])
    client = client_for("provider")
    response = client.post(
        url, {"spent_on": "2025-11-20", "amount": "300000", "payee": "復旧ラボ", "task": task.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Expense.objects.exists()
    assert "データ・システム復旧費用" in html and "確認して" in html
    assert 'value="data_recovery" selected' in html
    response = client.post(
        url,
        {
            "spent_on": "2025-11-20",
            "amount": "300000",
            "payee": "復旧ラボ",
            "task": task.pk,
            "item": "data_recovery",
        },
    )
    assert response.status_code == 302
    assert Expense.objects.get().item_suggested == "data_recovery"


def test_expense_form_shows_a_japanese_error_for_a_date_outside_the_response_period(
    world, incident, client_for
):
    response = client_for("provider").post(
        reverse("claims:expense_create", args=[incident.reference]),
        {"spent_on": "2025-11-01", "amount": "1000", "payee": "x", "item": "investigation"},
    )
    assert response.status_code == 400
    assert "発覚日（2025年11月10日）より前" in response.content.decode()


def test_claimed_expense_shows_read_only_and_refuses_edits(world, incident, add_expense, client_for):
    expense = add_expense(amount=1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    client = client_for("provider")
    url = reverse("claims:expense_edit", args=[incident.reference, expense.pk])
    html = client.get(url).content.decode()
    assert "変更できません" in html and '<form method="post" enctype' not in html
    response = client.post(
        url, {"spent_on": "2025-11-20", "amount": "5", "payee": "x", "item": "investigation"}
    )
    assert response.status_code == 400 and "提出済み" in response.content.decode()
    response = client.post(reverse("claims:expense_delete", args=[incident.reference, expense.pk]))
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.amount == 1_000_000


def test_approval_request_and_insurer_decision_pages(world, incident, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("provider").post(
        reverse("claims:approval_request", args=[incident.reference]),
        {
            "item": "litigation",
            "amount": "2,000,000",
            "reason": "委託元からの損害賠償請求への対応を弁護士に依頼するため",
            "quote": SimpleUploadedFile("見積書.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    approval = PriorApproval.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "claims:approval_detail", args=[approval.pk]
    )
    insurer = client_for("insurer")
    assert approval.number in insurer.get(reverse("claims:approvals")).content.decode()
    page = insurer.get(reverse("claims:approval_detail", args=[approval.pk])).content.decode()
    assert "判断する" in page and "見積書.pdf" in page
    response = insurer.post(
        reverse("claims:approval_decide", args=[approval.pk]),
        {"decision": "reduce", "amount": "1,500,000", "reason": "着手金の相場に合わせます"},
    )
    approval.refresh_from_db()
    assert response.status_code == 302 and (approval.status, approval.amount_approved) == (
        "reduced",
        1_500_000,
    )


def test_decision_without_a_reason_shows_the_error(world, incident, client_for):
    from sonae.claims.services import approval_request

    approval = approval_request(
        actor=world.actor("provider"), incident=incident, item="litigation", amount=1_000_000, reason="訴訟"
    )
    response = client_for("insurer").post(
        reverse("claims:approval_decide", args=[approval.pk]), {"decision": "refuse", "reason": ""}
    )
    assert response.status_code == 400 and "不承認の理由" in response.content.decode()


def test_claim_screen_shows_the_breakdown_in_japanese(world, incident, add_expense, client_for):
    add_expense("investigation", 3_500_000)
    add_expense("call_center", 1_000_000, payee="コールセンター")
    add_expense("litigation", 2_000_000, payee="桜橋法律事務所")
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    html = client_for("provider").get(reverse("claims:detail", args=[claim.number])).content.decode()
    for text in (
        "保険会社の事前承認がありません",  # litigation without approval
        "縮小支払割合を適用しました",
        "免責金額（自己負担額）を差し引きました",
        "90%",
        "−100,000円",
        "4,300,000円",  # 3,500,000 + 900,000 − 100,000
        "25,700,000円",  # costs limit left after this claim
        "保険会社に提出する",
    ):
        assert text in html, text


def test_insurer_queue_lists_open_claims_pending_approvals_and_totals(
    world, incident, add_expense, client_for
):
    from sonae.claims.services import approval_request

    add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    approval_request(
        actor=world.actor("provider"), incident=incident, item="litigation", amount=1, reason="x"
    )
    html = client_for("insurer").get(reverse("claims:queue")).content.decode()
    assert claim.number in html and "APR-2025-00001" in html and "制度年度ごとの支払" in html


def test_agency_sees_a_summary_without_lines_or_files(world, incident, add_expense, client_for):
    add_expense("investigation", 1_000_000, receipt=("r.pdf", PDF_BYTES))
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    client = client_for("agency")
    assert claim.number in client.get(reverse("claims:list")).content.decode()
    html = client.get(reverse("claims:detail", args=[claim.number])).content.decode()
    assert "900,000円" in html
    assert "東京デジタルフォレンジック" not in html and "r.pdf" not in html
    assert client.get(reverse("claims:pdf", args=[claim.number])).status_code == 403
    assert client.get(reverse("claims:expenses", args=[incident.reference])).status_code == 403
    assert (
        client.post(
            reverse("claims:transition", args=[claim.number]), {"to_status": "under_review"}
        ).status_code
        == 403
    )
    assert Claim.objects.get().status == "submitted"


def test_draft_claims_are_not_shown_to_the_insurer(world, incident, add_expense, client_for):
    add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    client = client_for("insurer")
    assert client.get(reverse("claims:detail", args=[claim.number])).status_code == 404
    assert claim.number not in client.get(reverse("claims:list")).content.decode()


def test_provider_submits_and_insurer_reviews_through_the_pages(world, incident, add_expense, client_for):
    add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    provider, insurer = client_for("provider"), client_for("insurer")
    url = reverse("claims:transition", args=[claim.number])
    assert provider.post(url, {"to_status": "submitted"}).status_code == 302
    assert insurer.post(url, {"to_status": "under_review"}).status_code == 302
    response = insurer.post(url, {"to_status": "info_requested", "reason": ""}, follow=True)
    assert "必要な資料・確認事項を入力してください" in response.content.decode()
    assert Claim.objects.get().status == "under_review"
    response = insurer.post(url, {"to_status": "submitted"}, follow=True)
    assert Claim.objects.get().status == "under_review"


def test_partly_approving_through_the_decision_page(world, incident, add_expense, client_for):
    expense = add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    claim_transition(actor=world.actor("insurer"), claim=claim, to_status="under_review")
    client = client_for("insurer")
    url = reverse("claims:decide", args=[claim.number])
    assert "査定額" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "decision": "partly_approved",
            "reason": "一部は通常保守のため",
            f"accepted_{expense.pk}": "600,000",
            f"reason_{expense.pk}": "通常保守分を除く",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == ("partly_approved", 500_000)
    pay = client.post(
        reverse("claims:pay", args=[claim.number]), {"paid_on": "2025-12-01", "amount": "500,000"}
    )
    assert pay.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "paid"


def test_payment_form_error_is_shown(world, incident, add_expense, client_for):
    add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    for who, status in (("provider", "submitted"), ("insurer", "under_review"), ("insurer", "approved")):
        claim = claim_transition(actor=world.actor(who), claim=claim, to_status=status)
    response = client_for("insurer").post(
        reverse("claims:pay", args=[claim.number]), {"paid_on": "2025-12-01", "amount": "1"}
    )
    assert response.status_code == 400 and "認定額（900,000円）" in response.content.decode()


def test_provider_withdraws_a_draft_from_the_claim_screen(world, incident, add_expense, client_for):
    add_expense("investigation", 1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    response = client_for("provider").post(
        reverse("claims:transition", args=[claim.number]), {"to_status": "withdrawn"}
    )
    assert response["Location"] == reverse("claims:expenses", args=[incident.reference])
    assert Expense.objects.get().claim is None


def test_claim_is_created_from_the_case_tab(world, incident, add_expense, client_for):
    first = add_expense("investigation", 1_000_000)
    add_expense("regulatory", 50_000, spent_on=date(2025, 11, 21))
    response = client_for("provider").post(
        reverse("claims:claim_create", args=[incident.reference]), {"expenses": [first.pk], "note": "内払い"}
    )
    claim = Claim.objects.get()
    assert response["Location"] == reverse("claims:detail", args=[claim.number])
    assert list(claim.expenses.all()) == [first] and claim.note == "内払い"
