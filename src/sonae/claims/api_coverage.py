"""Coverage determination API (issue 12 point 5): ``GET /api/v1/incidents/{reference}/coverage``.

Scoped as the pages are: the provider (own cases) and the insurer get the full determination with reasons, clauses
and the insurer's decision; the agency a summary (outcome per part, no reasons or facts); the desk a provisional
reading (policy in force, does the cause look covered), always ``provisional: true``. Others, and other providers'
cases, get 404. Mounted by ``claims/api.py`` (the API auto-mounts only that module's ``router``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema

from sonae.programme.cover_terms import TRIGGERS

from . import coverage_status as coverage
from .determination import OUTCOME_LABELS

router = Router(tags=["補償の判定"])

Outcome = Literal["covered", "needs_review", "not_covered"]
OUTCOME_DESCRIPTION = "判定：" + "、".join(f"`{code}` {label}" for code, label in OUTCOME_LABELS.items())


class CoveragePolicyOut(Schema):
    number: str = Field(..., description="証券番号")
    plan: str
    cover_start: datetime = Field(..., description="保険始期（この日時ちょうどから補償）")
    cover_end: datetime = Field(..., description="保険終期（この日時は更新後の契約の期間）")
    cancel_effective_at: datetime | None = None
    in_force_at_discovery: bool = Field(..., description="発覚日時（未登録なら受付日時）に保険期間中か")


class CoveragePartOut(Schema):
    part: str = Field(
        ...,
        description="補償区分：`liability` 賠償責任、`costs` 各種対応費用、`business_interruption` 利益損害",
    )
    label: str
    outcome: Outcome = Field(..., description=OUTCOME_DESCRIPTION)
    outcome_label: str
    in_plan: bool = Field(..., description="プランにこの補償区分があるか")
    clause: str = Field(..., description="補償区分の条項（サンプル）")


class ReasonOut(Schema):
    code: str = Field(..., description="理由コード（安定）")
    effect: Literal["covered", "needs_review", "not_covered", "info"]
    subject: str = Field(..., description="対象の事由・免責事由・告知事項のコード")
    parts: list[str] = Field(..., description="この理由が関わる補償区分（空ならすべて）")
    message: str = Field(..., description="理由（日本語）")
    clause: str = Field(..., description="根拠の条項（サンプル）")
    clause_summary: str


class DecisionOut(Schema):
    outcome: Outcome
    override: Literal["", "covered", "not_covered"] = Field(..., description="判定を変更したときの判断")
    determined_outcome: Outcome = Field(..., description="判断のときの判定")
    reason: str
    decided_at: datetime
    decided_by: str = Field(..., description="判断した組織")


class CoverageOut(Schema):
    reference: str
    view: Literal["full", "summary", "provisional"] = Field(
        ..., description="見える範囲：full（事業者・保険会社）、summary（代理店）、provisional（デスク）"
    )
    provisional: bool = Field(..., description="保険会社の判断前の暫定判定か（デスクには常に true）")
    outcome: Outcome = Field(..., description=OUTCOME_DESCRIPTION)
    outcome_label: str
    headline: str = Field(..., description="見出し（例: 補償対象の見込み）")
    policy: CoveragePolicyOut | None
    discovered_at: datetime | None
    discovered_at_assumed: bool = Field(..., description="発覚日時が未登録で受付日時で判定したか")
    trigger: str | None = Field(None, description="補償の対象となる事由のコード：" + "、".join(TRIGGERS))
    trigger_label: str
    parts: list[CoveragePartOut]
    reasons: list[ReasonOut]
    decision: DecisionOut | None
    notice: str


def _payload(view: coverage.CoverageView) -> dict:
    status = view.status
    incident = status.incident
    determination = status.determination
    policy = status.policy
    decision = view.decision
    full = view.level == coverage.FULL
    return {
        "reference": incident.reference,
        "view": view.level,
        "provisional": view.provisional,
        "outcome": view.outcome,
        "outcome_label": view.outcome_label,
        "headline": view.headline,
        "policy": (
            {
                "number": policy.number,
                "plan": policy.plan,
                "cover_start": policy.cover_start,
                "cover_end": policy.cover_end,
                "cancel_effective_at": policy.cancel_effective_at,
                "in_force_at_discovery": status.policy_in_force,
            }
            if policy is not None
            else None
        ),
        "discovered_at": incident.discovered_at,
        "discovered_at_assumed": incident.discovered_at is None,
        "trigger": determination.trigger,
        "trigger_label": status.trigger_label,
        "parts": [p.to_dict() for p in view.parts],
        "reasons": [r.to_dict() for r in view.reasons],
        "decision": (
            {
                "outcome": decision.outcome,
                "override": decision.override,
                "determined_outcome": decision.determined_outcome,
                "reason": decision.reason if full else "",
                "decided_at": decision.decided_at,
                "decided_by": decision.decided_by_organisation.name
                if decision.decided_by_organisation
                else "",
            }
            if decision is not None
            else None
        ),
        "notice": determination.notice or coverage.PROVISIONAL_NOTE,
    }


@router.get(
    "/incidents/{reference}/coverage",
    response=CoverageOut,
    summary="インシデントの補償の判定",
    description="保険期間（発覚日時が始期ちょうど以後・終期より前）、原因（補償の対象となる事由）、免責事由、"
    "加入時の告知事項から、補償対象・補償対象外・要確認を補償区分ごとに、理由と約款の条項（サンプル）とともに返します。"
    "事業者（自社の案件）と保険会社は全体、代理店は概要、デスクは暫定判定のみ。",
)
def incident_coverage(request, reference: str):
    return _payload(coverage.coverage_view_by_reference(request.auth, reference))
