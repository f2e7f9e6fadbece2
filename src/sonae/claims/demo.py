"""Demo data of the claims workflow, on the ransomware case ``INC-DEMO-0001`` of ``sakura-lab``.

Expenses in most coverage items (with receipts), one prior approval (litigation costs, approved at a lower amount
by the insurer), and one interim claim (the first response costs) submitted, approved and paid — so the case
shows what is left of the policy period's limits, and a new user can record more costs, ask for approvals and
claim the rest. Condolence gifts are recorded without the insurer's consent, to show why they are not paid yet.

Idempotent: nothing is added when the case already has expenses. Runs after the incidents and enrolment demos;
does nothing when the case or a policy in force at its discovery is missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.models import Membership
from sonae.jp.calendar import tokyo_date

from . import services
from .models import Expense
from .resolution import incident_coverage

CASE = "INC-DEMO-0001"

# A minimal PDF standing in for scanned receipts and quotes.
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# (day offset from discovery, item, amount, payee, description, interim claim?, counts)
EXPENSES = [
    (
        0,
        "investigation",
        3_800_000,
        "東京デジタルフォレンジック株式会社",
        "感染サーバーの保全・侵入経路と持ち出しの調査",
        True,
        None,
    ),
    (
        1,
        "call_center",
        1_200_000,
        "株式会社コールサポート東日本",
        "患者・医療機関向け専用ダイヤルの設置と運営（1か月）",
        True,
        None,
    ),
    (
        1,
        "temporary_staff",
        450_000,
        "株式会社ひまわりスタッフ",
        "検査結果の手作業での再送付のための派遣社員",
        True,
        None,
    ),
    (
        1,
        "data_recovery",
        2_400_000,
        "株式会社データリカバリー・ラボ",
        "バックアップからの検査結果サーバーの復旧",
        True,
        None,
    ),
    (2, "apology_ad", 800_000, "東都新聞社 広告局", "新聞へのお詫び広告の掲載", False, None),
    (2, "press_conference", 350_000, "ホテル本郷 宴会課", "記者会見の会場費", False, None),
    (2, "apology_letter", 1_250_000, "株式会社あさひ印刷", "お詫び状 5,000通の印刷・封入・発送", False, None),
    (
        2,
        "condolence",
        2_500_000,
        "株式会社ギフトカード・ジャパン",
        "お詫びのQUOカード（500円×5,000名）",
        False,
        (5000, 0),
    ),
    (2, "regulatory", 150_000, "みなと行政書士事務所", "個人情報保護委員会への報告書の作成支援", False, None),
    (
        2,
        "recurrence_prevention",
        900_000,
        "株式会社セキュアプラス",
        "再発防止策の策定支援（ネットワーク分離の設計）",
        False,
        None,
    ),
    (
        2,
        "equipment",
        180_000,
        "株式会社オフィス機器レンタル",
        "対策本部用の複合機の追加レンタル",
        False,
        None,
    ),
]


def _actor(code: str, role: str = "staff") -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        organisation__code=code, user__email=f"{role}@{code}.example.jp"
    )
    return Actor.from_membership(membership)


@transaction.atomic
def load() -> None:
    """Add the claims demo to INC-DEMO-0001 when it has no expenses yet."""
    from sonae.incidents.models import Incident

    incident = Incident.objects.filter(reference=CASE).select_related("provider").first()
    if incident is None or Expense.objects.filter(incident=incident).exists():
        return
    coverage = incident_coverage(incident)
    if not coverage.ok:
        return
    provider = _actor(incident.provider.code)
    insurer = _actor("hinode-insurance")
    today = tokyo_date(timezone.now())

    def day(offset: int):
        return min(coverage.discovery_date + timedelta(days=offset), today)

    tasks = {
        task.coverage_item: task for task in incident.tasks.exclude(coverage_item="").order_by("sort_order")
    }
    interim = []
    for offset, item, amount, payee, description, in_interim, counts in EXPENSES:
        individuals, corporations = counts or (None, None)
        expense = services.expense_create(
            actor=provider,
            incident=incident,
            spent_on=day(offset),
            amount=amount,
            payee=payee,
            description=description,
            item=item,
            task=tasks.get(item),
            individuals=individuals,
            corporations=corporations,
            receipt=(f"領収書_{payee}.pdf", DEMO_PDF),
            today=today,
        )
        if in_interim:
            interim.append(expense)

    approval = services.approval_request(
        actor=provider,
        incident=incident,
        item="litigation",
        amount=2_000_000,
        reason="委託元のみなと総合病院から、検査結果の配信停止による損害の賠償を求める通知が届いた。"
        "桜橋法律事務所に交渉と訴訟対応を依頼したい（着手金と報酬の見積書を添付）。",
        quotes=[("見積書_桜橋法律事務所.pdf", DEMO_PDF)],
    )
    approval = services.approval_decide(
        actor=insurer,
        approval=approval,
        decision="reduce",
        amount=1_500_000,
        reason="交渉段階の着手金として1,500,000円まで承認します。訴訟に移行する場合は改めて依頼してください。",
    )
    services.expense_create(
        actor=provider,
        incident=incident,
        spent_on=day(2),
        amount=1_500_000,
        payee="桜橋法律事務所",
        description="委託元との損害賠償交渉の着手金",
        item="litigation",
        approval=approval,
        receipt=("請求書_桜橋法律事務所.pdf", DEMO_PDF),
        today=today,
    )

    claim = services.claim_create(
        actor=provider, incident=incident, expenses=interim, note="初動対応の費用を先に請求します（内払い）。"
    )
    services.claim_transition(actor=provider, claim=claim, to_status="submitted")
    services.claim_transition(actor=insurer, claim=claim, to_status="under_review")
    services.claim_transition(
        actor=insurer, claim=claim, to_status="approved", reason="初動対応費用として認定します。"
    )
    services.claim_pay(actor=insurer, claim=claim, paid_on=today, reference="デモ振込 0001")
