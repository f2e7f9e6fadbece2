"""API of enrolment: quotes and applications of the provider's own organisation (read and create), policies (read).

``request.auth`` is the acting ``Actor``. Reads go through the scoped selectors (another organisation's record is
404); writes go through the services (a missing permission is 403; business rules raise the domain errors — e.g.
``not_eligible``, ``deadline_passed`` — in the shared envelope).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, NotFound
from sonae.core.models import Organisation
from sonae.documents.tabular import Column
from sonae.programme.businesses import business_label
from sonae.programme.selectors import programme_year_get, terms_for, windows_open_at

from . import selectors, services
from .models import Application, Policy, Quote

router = Router(tags=["加入手続（見積・加入依頼・契約）"])


class StepOut(Schema):
    code: str
    label: str
    factor: str
    amount: str


class PremiumOut(Schema):
    plan: str
    premium: int = Field(..., description="払込保険料（円）。中途加入は月割")
    annual_premium: int
    months: int | None
    sales_band: str
    business_code: str
    business_factor: str
    plan_factor: str
    security_discount: str
    group_discount: str
    rounding: str
    steps: list[StepOut]


class QuoteOut(Schema):
    id: int
    number: str
    programme_year: str
    organisation_id: int
    company_name: str
    corporate_number: str
    business_codes: list[str]
    business_labels: list[str]
    joining: str
    cover_start: datetime
    cover_end: datetime
    valid_until: date
    annual_sales: int
    records_held: int
    employees: int
    security_score: int | None
    security_score_source: str
    incidents_5y: int
    status: str
    premiums: dict[str, PremiumOut]
    terms_version: str
    issued_at: datetime
    updated_at: datetime


class QuoteIn(Schema):
    programme_year: str = Field(..., description="年度コード（例: 2025）")
    annual_sales: int = Field(..., ge=0, description="直近会計年度の売上高（税込・円）")
    records_held: int = Field(..., ge=0, description="保有する個人データの人数")
    employees: int = Field(..., ge=0)
    plans: list[str] = Field(..., min_length=1, description='見積もるプラン（例: ["A", "B"]）')
    business_codes: list[str] | None = Field(
        None, description="認定業務コード。省略時は名簿の有効な認定業務すべて"
    )
    security_score: int | None = Field(
        None, description="セルフチェック未実施のときの自己診断点数（−25〜100）"
    )
    incidents_5y: int = Field(0, ge=0)
    organisation_id: int | None = Field(None, description="代理店が代理で見積もるときの事業者ID")


class ApplicationOut(Schema):
    id: int
    number: str
    quote_id: int
    organisation_id: int
    programme_year: str
    plan: str
    premium: int
    status: str
    past_incidents: bool
    past_incidents_detail: str
    known_circumstances: bool
    known_circumstances_detail: str
    consent: bool
    representative_name: str
    representative_title: str
    payer_kana: str
    deadline: date
    submitted_at: datetime | None
    accepted_at: datetime | None
    return_reason: str
    payment_status: str
    paid_total: int
    updated_at: datetime


class ApplicationIn(Schema):
    quote_id: int
    plan: str
    late_reason: str = Field(
        "", max_length=2000, description="見積の期限後に代理店が手続を進める理由（期限後は代理店のみ・必須）"
    )


class ApplicationUpdateIn(Schema):
    past_incidents: bool | None = None
    past_incidents_detail: str | None = None
    known_circumstances: bool | None = None
    known_circumstances_detail: str | None = None
    consent: bool | None = None
    representative_name: str | None = None
    representative_title: str | None = None
    payer_kana: str | None = None


class PolicyOut(Schema):
    id: int
    number: str
    organisation_id: int
    programme_year: str
    plan: str
    joining: str
    insured_name: str
    corporate_number: str
    business_codes: list[str]
    cover_start: datetime
    cover_end: datetime
    status: str
    cancel_effective_at: datetime | None
    liability_limit: int
    costs_limit: int
    premium: int | None = Field(
        None, description="保険料（円。事業者・代理店・保険会社のみ。デスクには null）"
    )
    updated_at: datetime


class WindowOut(Schema):
    programme_year: str
    name: str
    joining: str
    cover_start: datetime
    cover_end: datetime
    quote_deadline: date
    application_deadline: date
    months: int | None
    notice: str


def _quote_out(q: Quote) -> dict:
    return {
        "id": q.pk,
        "number": q.number,
        "programme_year": q.programme_year.code,
        "organisation_id": q.organisation_id,
        "company_name": q.company_name,
        "corporate_number": q.corporate_number,
        "business_codes": q.business_codes,
        "business_labels": [business_label(c) for c in q.business_codes],
        "joining": q.joining,
        "cover_start": q.cover_start,
        "cover_end": q.cover_end,
        "valid_until": q.valid_until,
        "annual_sales": q.annual_sales,
        "records_held": q.records_held,
        "employees": q.employees,
        "security_score": q.security_score,
        "security_score_source": q.security_score_source,
        "incidents_5y": q.incidents_5y,
        "status": q.status,
        "premiums": q.premiums,
        "terms_version": q.terms_version,
        "issued_at": q.issued_at,
        "updated_at": q.updated_at,
    }


def _application_out(a: Application) -> dict:
    fields = {name: getattr(a, name) for name in ApplicationOut.model_fields if hasattr(a, name)}
    return {
        **fields,
        "quote_id": a.quote_id,
        "organisation_id": a.organisation_id,
        "programme_year": a.programme_year.code,
        "deadline": a.deadline,
    }


# The policy page shows the premium to the provider, the agency and the insurer (not to the desk).
PREMIUM_READERS = {"provider", "agency", "insurer"}


def _policy_out(p: Policy, actor=None) -> dict:
    plan = terms_for(p.programme_year).plan(p.plan)
    return {
        "premium": p.premium if actor is not None and actor.kind in PREMIUM_READERS else None,
        "id": p.pk,
        "number": p.number,
        "organisation_id": p.organisation_id,
        "programme_year": p.programme_year.code,
        "plan": p.plan,
        "joining": p.joining,
        "insured_name": p.insured_name,
        "corporate_number": p.corporate_number,
        "business_codes": p.business_codes,
        "cover_start": p.cover_start,
        "cover_end": p.cover_end,
        "status": p.status,
        "cancel_effective_at": p.cancel_effective_at,
        "liability_limit": plan.liability_limit,
        "costs_limit": plan.costs_limit,
        "updated_at": p.updated_at,
    }


@router.get(
    "/enrolment/windows",
    response=list[WindowOut],
    summary="いま加入できる年度と締切",
    description="現在受け付けている年度・加入区分ごとに、保険期間と見積・加入依頼の締切を返します。",
)
def windows(request):
    from django.utils import timezone

    return [
        {
            "programme_year": year.code,
            "name": year.name,
            "joining": w.joining,
            "cover_start": w.cover_start,
            "cover_end": w.cover_end,
            "quote_deadline": w.quote_deadline,
            "application_deadline": w.application_deadline,
            "months": w.months,
            "notice": terms_for(year).notice,
        }
        for year, w in windows_open_at(timezone.now())
    ]


# The pages' filters of the three lists (``views/provider.py``, ``views/agency.py``).
class QuoteFilter(Schema):
    year: str | None = Field(None, max_length=20, description="年度コードで絞り込む")
    status: Literal[tuple(Quote.Status.values)] | None = Field(None, description="状態で絞り込む")  # type: ignore[valid-type]
    joining: str | None = Field(None, max_length=20, description="加入区分で絞り込む")
    q: str | None = Field(None, max_length=200, description="事業者名の一部")


class ApplicationFilter(Schema):
    year: str | None = Field(None, max_length=20, description="年度コードで絞り込む")
    status: Literal[tuple(Application.Status.values)] | None = Field(None, description="状態で絞り込む")  # type: ignore[valid-type]
    payment: Literal["unpaid", "partial", "paid", "overpaid"] | None = Field(
        None, description="入金状況で絞り込む"
    )
    q: str | None = Field(None, max_length=200, description="事業者名の一部")


class PolicyFilter(Schema):
    year: str | None = Field(None, max_length=20, description="年度コードで絞り込む")
    status: Literal[tuple(Policy.Status.values)] | None = Field(None, description="状態で絞り込む")  # type: ignore[valid-type]
    plan: str | None = Field(None, max_length=10, description="プランで絞り込む")
    joining: str | None = Field(None, max_length=20, description="加入区分で絞り込む")
    q: str | None = Field(None, max_length=200, description="被保険者名の一部")


def _filtered(queryset, **lookups):
    """``queryset`` filtered by the lookups that were given (an empty filter is no filter)."""
    return queryset.filter(**{k: v for k, v in lookups.items() if v})


QUOTE_EXPORT = Export(
    name="見積一覧",
    columns=(
        Column("number", "見積番号", 18),
        Column("programme_year", "年度", 8),
        Column("company_name", "事業者名", 30),
        Column("corporate_number", "法人番号", 16),
        Column("business_labels", "認定業務", 30),
        Column("joining", "加入区分", 10),
        Column("cover_start", "保険始期", 18),
        Column("valid_until", "有効期限", 12),
        Column("annual_sales", "売上高（円）", 16),
        Column("security_score", "自己診断点数", 12),
        Column("premiums.A.premium", "プランA保険料（円）", 16),
        Column("premiums.B.premium", "プランB保険料（円）", 16),
        Column("status", "状態", 10),
        Column("issued_at", "発行日時", 18),
        Column("updated_at", "更新日時", 18),
    ),
)
APPLICATION_EXPORT = Export(
    name="加入依頼一覧",
    columns=(
        Column("number", "加入依頼番号", 18),
        Column("programme_year", "年度", 8),
        Column("organisation_id", "事業者ID", 10),
        Column("plan", "プラン", 8),
        Column("premium", "保険料（円）", 14),
        Column("status", "状態", 12),
        Column("deadline", "締切", 12),
        Column("submitted_at", "提出日時", 18),
        Column("accepted_at", "受付日時", 18),
        Column("payment_status", "入金状況", 12),
        Column("paid_total", "入金額（円）", 14),
        Column("updated_at", "更新日時", 18),
    ),
)
POLICY_EXPORT = Export(
    name="契約一覧",
    columns=(
        Column("number", "証券番号", 18),
        Column("programme_year", "年度", 8),
        Column("insured_name", "被保険者", 30),
        Column("corporate_number", "法人番号", 16),
        Column("plan", "プラン", 8),
        Column("joining", "加入区分", 10),
        Column("cover_start", "保険始期", 18),
        Column("cover_end", "保険終期", 18),
        Column("status", "状態", 10),
        Column("cancel_effective_at", "解約日時", 18),
        Column("liability_limit", "賠償責任の限度額（円）", 18),
        Column("costs_limit", "費用の限度額（円）", 18),
        Column("premium", "保険料（円）", 14),
        Column("updated_at", "更新日時", 18),
    ),
)


@list_get(
    router,
    "/enrolment/quotes",
    item=QuoteOut,
    summary="見積の一覧",
    description="権限の範囲の見積を新しい順に返します（事業者は自社の見積のみ）。",
)
def quote_list(request, filters: Query[QuoteFilter], page: Query[ListParams]):
    quotes = _filtered(
        selectors.quotes_for(request.auth),
        programme_year__code=filters.year,
        status=filters.status,
        joining=filters.joining,
        company_name__icontains=filters.q,
    )
    return paginate(request, quotes, page, _quote_out, export=QUOTE_EXPORT)


@router.get(
    "/enrolment/quotes/{quote_id}",
    response=QuoteOut,
    summary="見積",
    description="見積1件（プランごとの保険料を含む）を返します。権限の範囲外は 404 です。",
)
def quote_detail(request, quote_id: int):
    return _quote_out(selectors.quote_get(request.auth, quote_id))


@router.post(
    "/enrolment/quotes",
    response={201: QuoteOut},
    summary="見積を作成する（保険料を計算）",
    description="名簿の認定業務・売上高・保有件数・セルフチェックの点数から、プランごとの保険料を計算して見積を発行します。",
)
def quote_create(request, payload: QuoteIn):
    actor = request.auth
    if payload.organisation_id is None or payload.organisation_id == actor.organisation.pk:
        organisation = actor.organisation
    else:
        try:
            # Found in the read scope, so that an agency viewer is refused the quote (403 from the service)
            # for a provider it may see, not told that the provider does not exist.
            providers = selectors.provider_organisations_for(actor, "enrolment.quote.view")
            organisation = providers.get(pk=payload.organisation_id)
        except (Organisation.DoesNotExist, ValueError):
            raise NotFound() from None
    quote = services.quote_create(
        actor=actor,
        organisation=organisation,
        year=programme_year_get(payload.programme_year),
        annual_sales=payload.annual_sales,
        records_held=payload.records_held,
        employees=payload.employees,
        plans=payload.plans,
        business_codes=payload.business_codes,
        security_score=payload.security_score,
        incidents_5y=payload.incidents_5y,
    )
    return Status(201, _quote_out(quote))


@list_get(
    router,
    "/enrolment/applications",
    item=ApplicationOut,
    summary="加入依頼の一覧",
    description="権限の範囲の加入依頼を新しい順に返します（事業者は自社の加入依頼のみ）。",
)
def application_list(request, filters: Query[ApplicationFilter], page: Query[ListParams]):
    applications = _filtered(
        selectors.applications_for(request.auth),
        programme_year__code=filters.year,
        status=filters.status,
        organisation__name__icontains=filters.q,
    )
    applications = selectors.applications_by_payment(applications, filters.payment)
    return paginate(request, applications, page, _application_out, export=APPLICATION_EXPORT)


@router.get(
    "/enrolment/applications/{application_id}",
    response=ApplicationOut,
    summary="加入依頼",
    description="加入依頼1件（告知事項・入金状況を含む）を返します。権限の範囲外は 404 です。",
)
def application_detail(request, application_id: int):
    return _application_out(selectors.application_get(request.auth, application_id))


@router.post(
    "/enrolment/applications",
    response={201: ApplicationOut},
    summary="見積から加入依頼書を作成する",
    description="有効な見積と選んだプランから加入依頼書を作成します（締切後は作成できません。代理店は理由を添えて"
    "期限後も作成できます）。",
)
def application_create(request, payload: ApplicationIn):
    quote = selectors.quote_get(request.auth, payload.quote_id)
    try:
        application = services.application_start(
            actor=request.auth, quote=quote, plan=payload.plan, late_reason=payload.late_reason
        )
    except InvalidInput as exc:
        if exc.field == "reason":  # the service's (and the page's) name of this field
            exc.field = "late_reason"
        raise
    return Status(201, _application_out(application))


@router.patch(
    "/enrolment/applications/{application_id}",
    response=ApplicationOut,
    summary="加入依頼書を記入する",
    description="告知事項・同意・代表者・振込名義を記入します。送った項目だけを変更します。",
)
def application_update(request, application_id: int, payload: ApplicationUpdateIn):
    application = selectors.application_get(request.auth, application_id)
    data = payload.model_dump(exclude_none=True)
    application = services.application_update(actor=request.auth, application=application, data=data)
    return _application_out(application)


@router.post(
    "/enrolment/applications/{application_id}/submit",
    response=ApplicationOut,
    summary="加入依頼書を提出する",
    description="記入を終えた加入依頼書を代理店に提出します。記入漏れや締切後は提出できません。",
)
def application_submit(request, application_id: int):
    application = selectors.application_get(request.auth, application_id)
    return _application_out(services.application_submit(actor=request.auth, application=application))


@list_get(
    router,
    "/enrolment/policies",
    item=PolicyOut,
    summary="契約の一覧",
    description="権限の範囲の契約を保険始期の新しい順に返します（事業者は自社の契約のみ）。",
)
def policy_list(request, filters: Query[PolicyFilter], page: Query[ListParams]):
    policies = _filtered(
        selectors.policies_for(request.auth),
        programme_year__code=filters.year,
        status=filters.status,
        plan=filters.plan,
        joining=filters.joining,
        insured_name__icontains=filters.q,
    )
    return paginate(request, policies, page, lambda p: _policy_out(p, request.auth), export=POLICY_EXPORT)


@router.get(
    "/enrolment/policies/{policy_id}",
    response=PolicyOut,
    summary="契約",
    description="契約1件（保険期間・プランの限度額を含む）を返します。権限の範囲外は 404 です。",
)
def policy_detail(request, policy_id: int):
    return _policy_out(selectors.policy_get(request.auth, policy_id), request.auth)


# --- decisions on quotes, applications and policies ---------------------------------------------------------------


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000, description="理由")


class ReviewIn(Schema):
    decision: Literal["accept", "return"] = Field(..., description="`accept` 受け付ける、`return` 差し戻す")
    reason: str = Field(
        "", max_length=2000, description="理由（差戻しでは必須。締切後の受付では遅延の理由が必須）"
    )


class CancelIn(Schema):
    effective_date: date = Field(..., description="解約日（その日の16:00に終了）")
    reason: str = Field(..., min_length=1, max_length=2000, description="解約の理由")


@router.post(
    "/enrolment/quotes/{quote_id}/decline",
    response=QuoteOut,
    summary="見積を辞退する",
    description="発行済みの見積を使わないことを記録します（事業者）。",
)
def quote_decline(request, quote_id: int, payload: ReasonIn):
    quote = selectors.quote_get(request.auth, quote_id)
    services.quote_decline(actor=request.auth, quote=quote, reason=payload.reason)
    return _quote_out(selectors.quote_get(request.auth, quote_id))


@router.post(
    "/enrolment/applications/{application_id}/review",
    response=ApplicationOut,
    summary="加入依頼書を受け付ける・差し戻す（代理店）",
    description="提出された加入依頼書を受け付けるか、理由を付けて事業者に差し戻します。",
)
def application_review(request, application_id: int, payload: ReviewIn):
    application = selectors.application_get(request.auth, application_id)
    if payload.decision == "accept":
        services.application_accept(actor=request.auth, application=application, reason=payload.reason)
    else:
        services.application_return(actor=request.auth, application=application, reason=payload.reason)
    return _application_out(selectors.application_get(request.auth, application_id))


@router.post(
    "/enrolment/applications/{application_id}/withdraw",
    response=ApplicationOut,
    summary="加入依頼を取り下げる",
    description="受付前の加入依頼を取り下げます（事業者）。",
)
def application_withdraw(request, application_id: int, payload: ReasonIn):
    application = selectors.application_get(request.auth, application_id)
    services.application_withdraw(actor=request.auth, application=application, reason=payload.reason)
    return _application_out(selectors.application_get(request.auth, application_id))


@router.post(
    "/enrolment/policies/{policy_id}/cancel",
    response=PolicyOut,
    summary="契約を解約する（代理店）",
    description="解約日と理由を記録して契約を解約します。",
)
def policy_cancel(request, policy_id: int, payload: CancelIn):
    policy = selectors.policy_get(request.auth, policy_id)
    services.policy_cancel(
        actor=request.auth, policy=policy, effective_date=payload.effective_date, reason=payload.reason
    )
    return _policy_out(selectors.policy_get(request.auth, policy_id), request.auth)


# The agency's back office, premium payments, the roster and the PDFs, on this router (a path with several methods
# must be declared on one router for Ninja to route both).
from . import api_backoffice, api_documents, api_payments, api_roster  # noqa: E402, F401
