"""Demo data of the self-check app. Idempotent: every record is found by a stable key before it is created.

- ``sakura-lab``: a self-check a year ago and a recent one, a complete vendor checklist, an exposure estimate for
  5,000 patients' test results and an adopted cyber-BCP.
- ``aoba-transport``: a vendor checklist with いいえ items whose target dates have passed (the hospital portal
  shows both checklists).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from sonae.core.audit import audit_record
from sonae.core.models import Organisation, User
from sonae.jp.calendar import TOKYO

from .models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist
from .rules import bcp as bcp_rules
from .rules import vendor_checklist as vcl
from .rules.exposure import estimate_to_dict
from .rules.plans import comparison_to_dict
from .rules.questions import QUESTIONS, QUESTIONS_VERSION
from .rules.scoring import score_answers

PAST_CHECK_AT = datetime(2025, 8, 20, 10, 0, tzinfo=TOKYO)
RECENT_CHECK_AT = datetime(2026, 8, 25, 10, 0, tzinfo=TOKYO)

# A year ago: basics half done, little organisation; recently: most gaps closed.
PAST_ANSWERS = {
    "q01": "partial", "q02": "implemented", "q03": "not_implemented", "q04": "partial", "q05": "unknown",
    "q06": "partial", "q07": "implemented", "q08": "not_implemented", "q09": "implemented", "q10": "partial",
    "q11": "partial", "q12": "implemented", "q13": "not_implemented", "q14": "partial", "q15": "implemented",
    "q16": "partial", "q17": "implemented", "q18": "implemented", "q19": "implemented", "q20": "not_implemented",
    "q21": "unknown", "q22": "implemented", "q23": "partial", "q24": "not_implemented", "q25": "not_implemented",
}  # fmt: skip
RECENT_ANSWERS = {q.code: "implemented" for q in QUESTIONS} | {
    "q03": "partial", "q13": "partial", "q21": "not_implemented", "q23": "partial",
}  # fmt: skip


def _org(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _self_check(org: Organisation, user: User | None, taken_at: datetime, answers: dict) -> None:
    if SelfCheck.objects.filter(organisation=org, taken_at=taken_at).exists():
        return
    result = score_answers(answers)
    check = SelfCheck.objects.create(
        organisation=org,
        taken_at=taken_at,
        taken_by=user,
        questions_version=QUESTIONS_VERSION,
        answers=result.answers,
        score=result.score,
        band=result.band.code,
        part_scores={p.code: p.score for p in result.parts},
    )
    audit_record(
        action="selfcheck.submitted", actor=user, organisation=org, target=check, data={"demo": True}
    )


def _checklist(org: Organisation, user: User | None, checked_on: date, answers: dict) -> None:
    if VendorChecklist.objects.filter(organisation=org, checked_on=checked_on).exists():
        return
    cleaned = vcl.validate_answers(answers, checked_on)
    checklist = VendorChecklist.objects.create(
        organisation=org,
        checked_on=checked_on,
        answers={code: a.to_json() for code, a in cleaned.items()},
        yes_count=sum(1 for a in cleaned.values() if a.answer == vcl.YES),
        no_count=sum(1 for a in cleaned.values() if a.answer == vcl.NO),
        created_by=user,
    )
    audit_record(
        action="selfcheck.vendor_checklist.submitted", actor=user, organisation=org, target=checklist,
        data={"demo": True},
    )  # fmt: skip


def _estimate(org: Organisation, user: User | None) -> None:
    created_at = datetime(2026, 8, 25, 10, 30, tzinfo=TOKYO)
    if ExposureEstimate.objects.filter(organisation=org, created_at=created_at).exists():
        return
    from sonae.selfcheck.selectors import exposure_compute

    estimate, comparisons, year = exposure_compute(
        data_items=["name", "birth_date", "patient_id", "test_results"], persons=5000, at=created_at
    )
    ExposureEstimate.objects.create(
        organisation=org,
        created_at=created_at,
        created_by=user,
        programme_year=year,
        persons=5000,
        damages=estimate.damages,
        costs_high=estimate.costs_high,
        result=estimate_to_dict(estimate),
        comparisons=[comparison_to_dict(c) for c in comparisons],
    )


def _bcp(org: Organisation, user: User | None) -> None:
    if BcpPlan.objects.filter(organisation=org).exists():
        return
    contacts = bcp_rules.default_contacts(settings.SONAE_DESK_PHONE)
    contacts[0] |= {
        "name": "桜井 一郎（代表取締役）",
        "phone": "090-0000-1111",
        "email": "sakurai@sakura-lab.example.jp",
    }
    contacts[1] |= {"name": "佐藤 花子（情報システム課）", "phone": "090-0000-2222"}
    contacts[2] |= {"name": "みなと総合病院 医療情報部", "phone": "03-0000-3333"}
    contacts[4] |= {
        "name": "株式会社デモシステム保守",
        "phone": "03-0000-4444",
        "note": "保守契約番号 DEMO-001",
    }
    plan = BcpPlan(
        organisation=org,
        status=bcp_rules.ADOPTED,
        contacts=contacts,
        systems=[
            {"name": "検査結果報告システム", "purpose": "検査結果の作成・医療機関への報告",
             "data_items": ["name", "birth_date", "patient_id", "test_results"], "location": "本社サーバー室",
             "vendor": "株式会社デモシステム保守", "impact": "結果の報告が止まる", "priority": "最優先"},
            {"name": "検体受付端末（3台）", "purpose": "検体の受付・ラベル発行", "data_items": ["name", "patient_id"],
             "location": "受付", "vendor": "株式会社デモシステム保守", "impact": "受付が手書きになる", "priority": "高"},
        ],
        paper_operations=[
            {"operation": "検査結果の報告", "fallback": "結果を紙の報告書に転記し、医療機関へ手渡しする（FAXは使わない）",
             "materials": "報告書の用紙・封筒（1週間分）"},
            {"operation": "検体の受付", "fallback": "受付台帳に手書きで記録し、復旧後に入力する", "materials": "受付台帳・ラベル"},
        ],
        backups=[
            {"target": "検査結果データベース", "method": "外付けディスク（2台を交互に使用）", "frequency": "毎日",
             "generations": "14", "offline": True, "last_restore_test": "2026-05-20"},
        ],
        drills=[
            {"held_on": "2026-05-20", "kind": "ランサムウェア感染を想定した机上訓練と復元の確認",
             "participants": "代表・情報システム課・検査部", "findings": "夜間の連絡網に抜けがあり、更新した"},
        ],
        step_notes={
            "detection": "異常に気づいた人は、すぐに情報システム課（佐藤）に電話する。",
            "initial_response": "感染が疑われる端末のLANケーブルを抜き、代表と事故対応窓口に連絡する。",
        },
        adopted_at=datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO),
        reviewed_on=date(2026, 6, 1),
        updated_by=user,
    )  # fmt: skip
    plan.save()
    audit_record(
        action="selfcheck.bcp.started", actor=user, organisation=org, target=plan, data={"demo": True}
    )


def load() -> None:
    """Create the demo records when the demo organisations exist (safe to run again)."""
    sakura = _org("sakura-lab")
    if sakura is not None:
        user = _user("admin@sakura-lab.example.jp")
        _self_check(sakura, user, PAST_CHECK_AT, PAST_ANSWERS)
        _self_check(sakura, user, RECENT_CHECK_AT, RECENT_ANSWERS)
        _checklist(sakura, user, date(2026, 8, 25), {item.code: {"answer": vcl.YES} for item in vcl.ITEMS})
        _estimate(sakura, user)
        _bcp(sakura, user)
    aoba = _org("aoba-transport")
    if aoba is not None:
        answers = {item.code: {"answer": vcl.YES} for item in vcl.ITEMS} | {
            "backup_restore": {"answer": vcl.NO, "target_date": "2025-09-30", "note": "復元手順書を作成中"},
            "cyber_bcp": {"answer": vcl.NO, "target_date": "2025-12-26", "note": "サイバーBCPを作成予定"},
        }
        _checklist(aoba, _user("admin@aoba-transport.example.jp"), date(2025, 6, 2), answers)
