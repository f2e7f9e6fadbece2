"""The claims demo on INC-DEMO-0001, and the issue's "new user" scenario on it: record expenses, ask approval for
litigation costs, submit a claim, approve it as the insurer — the amounts on screen match the calculation."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sonae.claims.coverage import calculate_json_payload
from sonae.claims.models import Claim, Expense, Payment, PriorApproval
from sonae.core.models import User
from sonae.jp.calendar import tokyo_date
from sonae.jp.formatting import format_yen

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db, settings, tmp_path):
    """The whole demo (core, enrolment, incidents … claims), loaded at a fixed instant inside the 2026 year."""
    from datetime import datetime

    import time_machine

    from sonae.core.demo.loader import load_demo
    from sonae.jp.calendar import TOKYO

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO), tick=True):
        load_demo()
        yield


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_demo_case_has_expenses_in_most_items_one_approval_and_one_paid_interim_claim(demo):
    expenses = Expense.objects.filter(incident__reference="INC-DEMO-0001")
    assert expenses.values("item").distinct().count() >= 12
    assert all(e.attachments.exists() for e in expenses)
    approval = PriorApproval.objects.get()
    assert (approval.item, approval.status, approval.amount_approved) == ("litigation", "reduced", 1_500_000)
    claim = Claim.objects.get()
    assert claim.status == "paid" and claim.amount_paid == Payment.objects.get().amount > 0
    # investigation 3,800,000 + call centre 1,080,000 + staff 405,000 + recovery 2,400,000 − deductible 100,000
    assert claim.amount_paid == 7_585_000


def test_demo_load_is_idempotent(demo):
    from sonae.claims.demo import load

    before = (Expense.objects.count(), Claim.objects.count(), PriorApproval.objects.count())
    load()
    assert (Expense.objects.count(), Claim.objects.count(), PriorApproval.objects.count()) == before


def test_new_user_records_expenses_asks_approval_claims_and_the_insurer_approves(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sonae.incidents.models import Incident

    incident = Incident.objects.get(reference="INC-DEMO-0001")
    today = tokyo_date(timezone.now())
    provider = _client("staff@sakura-lab.example.jp")
    insurer = _client("staff@hinode-insurance.example.jp")

    # 1. The case tab shows the paid interim claim and what is left of the limits.
    tab = provider.get(reverse("claims:expenses", args=[incident.reference])).content.decode()
    assert "保険期間の支払限度額の残り" in tab and "CLM-2026-00001" in tab

    # 2. Record an expense with its receipt.
    response = provider.post(
        reverse("claims:expense_create", args=[incident.reference]),
        {
            "spent_on": today.isoformat(),
            "amount": "330,000",
            "payee": "株式会社コールサポート東日本",
            "item": "call_center",
            "description": "専用ダイヤルの延長（2週間）",
            "receipt": SimpleUploadedFile("請求書.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    assert response.status_code == 302

    # 3. Ask for prior approval of litigation costs; the insurer approves.
    response = provider.post(
        reverse("claims:approval_request", args=[incident.reference]),
        {"item": "litigation", "amount": "800,000", "reason": "病院との交渉が決裂した場合の訴訟対応費用"},
    )
    approval = PriorApproval.objects.get(amount_requested=800_000)
    assert response.status_code == 302 and approval.status == "requested"
    assert approval.number in insurer.get(reverse("claims:queue")).content.decode()
    insurer.post(reverse("claims:approval_decide", args=[approval.pk]), {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.status == "approved"

    # 4. Record the litigation costs linked to the approval.
    response = provider.post(
        reverse("claims:expense_create", args=[incident.reference]),
        {
            "spent_on": today.isoformat(),
            "amount": "800000",
            "payee": "桜橋法律事務所",
            "item": "litigation",
            "approval": str(approval.pk),
        },
    )
    assert response.status_code == 302

    # 5. Create the claim from every unclaimed expense and submit it.
    unclaimed = Expense.objects.filter(incident=incident, claim__isnull=True)
    response = provider.post(
        reverse("claims:claim_create", args=[incident.reference]), {"expenses": [e.pk for e in unclaimed]}
    )
    claim = Claim.objects.get(status="draft")
    provider.post(reverse("claims:transition", args=[claim.number]), {"to_status": "submitted"})

    # 6. The insurer reviews and approves it.
    insurer.post(reverse("claims:transition", args=[claim.number]), {"to_status": "under_review"})
    response = insurer.post(reverse("claims:decide", args=[claim.number]), {"decision": "approved"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "approved"

    # The amounts on screen are the contract's calculation on the claim's input.
    output, ok = calculate_json_payload(json.dumps(claim.calculation["input"]))
    assert ok and output["total_payable"] == claim.amount_approved
    page = insurer.get(reverse("claims:detail", args=[claim.number])).content.decode()
    assert format_yen(output["total_payable"]) in page
    for part, data in output["parts"].items():
        assert f'data-part="{part}">{format_yen(data["payable"])}' in page
    for entry in output["expenses"]:
        assert f'data-line="{entry["id"]}">{format_yen(entry["eligible"])}' in page
    # The first (paid) claim used part of the limits: this claim's input says so.
    assert claim.calculation["input"]["already_paid"]["costs"] == 7_585_000
    assert claim.calculation["input"]["terms"]["costs"]["deductible"] == 0  # borne by the interim claim
    # Condolence gifts without the insurer's consent are not paid, and the screen says why.
    assert "保険会社の同意がありません" in page
