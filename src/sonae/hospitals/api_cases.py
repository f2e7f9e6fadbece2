"""API of the conversation on a notified case between the entrusting hospital and its contractor: questions and
answers, and the joint-report (連名) flag, from both sides. Routes on the hospital portal's router
(``hospitals.api``).

The same selectors and services as the pages: the hospital reaches a case through a notice it received, the
provider through its own case, and either side sees only its conversations with the other. A message may name a
patient (encrypted at rest): an export of the list is a personal-data export. Questions and answers are written by
a signed-in person (an API token gets 403), as the audit and the other side's notification name who wrote them.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import NotFound
from sonae.core.models import OrganisationKind
from sonae.documents.tabular import Column

from . import selectors, services
from .api import _require, router

HOSPITAL = OrganisationKind.HOSPITAL
PROVIDER = OrganisationKind.PROVIDER


# --- schemas ----------------------------------------------------------------------------------------------------


class CaseMessageOut(Schema):
    id: int
    body: str = Field(..., description="本文")
    author: str = Field(..., description="投稿者（担当者と組織）")
    author_organisation_code: str
    author_organisation_name: str
    side: str = Field(..., description="`hospital` 医療機関、`provider` 委託先の事業者")
    created_at: datetime = Field(..., description="投稿日時")


class CaseThreadOut(CaseMessageOut):
    reference: str = Field(..., description="案件の受付番号")
    hospital_code: str = Field(..., description="やりとりの相手方の医療機関の組織コード")
    hospital_name: str
    subject: str = Field(..., description="件名")
    answers: list[CaseMessageOut] = Field(..., description="回答（古い順）")
    updated_at: datetime = Field(..., description="最後の投稿の日時")


class HospitalQuestionIn(Schema):
    subject: str = Field(..., max_length=200, description="件名（200文字まで）")
    body: str = Field(..., max_length=5000, description="質問（5,000文字まで）")


class ProviderQuestionIn(HospitalQuestionIn):
    hospital_code: str = Field(
        ..., max_length=50, description="質問する医療機関の組織コード（この案件を通知した先）"
    )


class CaseAnswerIn(Schema):
    body: str = Field(..., max_length=5000, description="回答（5,000文字まで）")


class JointReportIn(Schema):
    enabled: bool = Field(..., description="true で連名で報告する、false で取りやめる")


class JointReportOut(Schema):
    hospital_code: str
    hospital_name: str
    enabled: bool = Field(..., description="連名で個人情報保護委員会へ報告する")
    updated_at: datetime | None = Field(None, description="最後に設定した日時（未設定は null）")
    updated_by_organisation: str | None = Field(None, description="最後に設定した組織の名称")


# --- converters -------------------------------------------------------------------------------------------------


def _side(message) -> str:
    return "hospital" if message.author_organisation.kind == HOSPITAL else "provider"


def _message(message) -> dict:
    return {
        "id": message.pk,
        "body": message.body or "",
        "author": message.author_label,
        "author_organisation_code": message.author_organisation.code,
        "author_organisation_name": message.author_organisation.name,
        "side": _side(message),
        "created_at": message.created_at,
    }


def _last_activity(thread) -> datetime:
    return max([thread.created_at, *(a.created_at for a in thread.thread)])


def _thread(thread) -> dict:
    answers = [_message(a) for a in thread.thread]
    return {
        **_message(thread),
        "reference": thread.incident.reference,
        "hospital_code": thread.hospital.code,
        "hospital_name": thread.hospital.name,
        "subject": thread.subject,
        "answers": answers,
        "updated_at": _last_activity(thread),
        # For the file export only (one cell): the answers as text.
        "answers_text": "\n".join(f"{a['author']}：{a['body']}" for a in answers),
    }


def _threads(incident, hospital) -> list:
    """The case's threads with ``hospital``, each knowing its case and hospital (no query per row)."""
    threads = selectors.threads_for(incident, hospital)
    for thread in threads:
        thread.incident = incident
        thread.hospital = hospital
    return threads


def _one_thread(incident, hospital, pk) -> dict:
    thread = next((t for t in _threads(incident, hospital) if t.pk == pk), None)
    if thread is None:  # gone meanwhile
        raise NotFound()
    return _thread(thread)


def _joint(incident, hospital) -> dict:
    joint = selectors.joint_report_for(incident, hospital)
    touched = joint is not None and joint.updated_by_organisation_id is not None
    return {
        "hospital_code": hospital.code,
        "hospital_name": hospital.name,
        "enabled": bool(joint and joint.enabled),
        "updated_at": joint.updated_at if touched else None,
        "updated_by_organisation": joint.updated_by_organisation.name if touched else None,
    }


THREAD_EXPORT = Export(
    name="委託元とのやりとり",
    columns=(
        Column("id", "ID", 8),
        Column("reference", "受付番号", 18),
        Column("hospital_name", "医療機関", 30),
        Column("subject", "件名", 30),
        Column("body", "質問", 60),
        Column("author", "質問者", 30),
        Column("created_at", "質問日時", 18),
        Column("answers_text", "回答", 80),
        Column("updated_at", "最後の投稿", 18),
    ),
    personal=True,  # a question may name a patient
)
JOINT_EXPORT = Export(
    name="連名報告の設定",
    columns=(
        Column("hospital_code", "医療機関コード", 16),
        Column("hospital_name", "医療機関", 30),
        Column("enabled", "連名で報告", 10),
        Column("updated_at", "設定日時", 18),
        Column("updated_by_organisation", "設定した組織", 30),
    ),
)
_LIST_DOC = (
    "質問を古い順に、それぞれの回答とともに返します。`updated_since` は最後の投稿の日時で絞り込みます。"
)
_POST_DOC = "ログインした担当者（スタッフ以上）が投稿します（APIトークンでは 403）。相手方に通知されます（メールに本文は載せません）。"


# --- the hospital's side ----------------------------------------------------------------------------------------


@list_get(
    router,
    "/hospitals/notices/{notice_id}/questions",
    item=CaseThreadOut,
    summary="委託先とのやりとり（医療機関）",
    description="通知を受けた案件について、委託先の事業者との質問と回答を返します。" + _LIST_DOC,
    personal=True,
)
def notice_questions(request, notice_id: int, page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.question.view", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    threads = _threads(notice.incident, actor.organisation)
    return paginate(request, threads, page, _thread, export=THREAD_EXPORT, updated_of=_last_activity)


@router.post(
    "/hospitals/notices/{notice_id}/questions",
    response={201: CaseThreadOut},
    summary="委託先に質問する（医療機関）",
    description="通知を受けた案件について委託先の事業者に質問します。" + _POST_DOC,
)
def notice_question_post(request, notice_id: int, payload: HospitalQuestionIn):
    actor = request.auth
    _require(actor, "hospitals.question.post", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    thread = services.question_post(
        actor=actor, incident=notice.incident, hospital=actor.organisation, **payload.dict()
    )
    return Status(201, _one_thread(notice.incident, actor.organisation, thread.pk))


@router.post(
    "/hospitals/notices/{notice_id}/questions/{thread_id}/answers",
    response={201: CaseThreadOut},
    summary="質問に回答する（医療機関）",
    description="委託先とのやりとりの質問に回答し、回答を含むやりとりを返します。" + _POST_DOC,
)
def notice_answer_post(request, notice_id: int, thread_id: int, payload: CaseAnswerIn):
    actor = request.auth
    _require(actor, "hospitals.question.post", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    root = selectors.thread_get(notice.incident, actor.organisation, thread_id)
    services.answer_post(actor=actor, thread=root, body=payload.body)
    return Status(201, _one_thread(notice.incident, actor.organisation, root.pk))


@router.put(
    "/hospitals/notices/{notice_id}/joint-report",
    response=JointReportOut,
    summary="連名報告の設定（医療機関）",
    description="この案件を委託先と連名で個人情報保護委員会へ報告するかを設定します（Sonae解釈R8：期限は委託先の起算）。"
    "委託先に通知され、案件のタイムラインに残ります。",
)
def notice_joint(request, notice_id: int, payload: JointReportIn):
    actor = request.auth
    _require(actor, "hospitals.joint_report.set", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    services.joint_report_set(
        actor=actor, incident=notice.incident, hospital=actor.organisation, enabled=payload.enabled
    )
    return _joint(notice.incident, actor.organisation)


# --- the provider's side ----------------------------------------------------------------------------------------


class CaseQuestionFilter(Schema):
    hospital_code: str | None = Field(None, max_length=50, description="医療機関の組織コードで絞り込む")


def _case_hospital(actor, incident, code: str):
    """A hospital notified of the provider's case, by its organisation code (another one is 404)."""
    for hospital in selectors.notified_hospitals(incident):
        if hospital.code == code:
            return selectors.hospital_of_case_get(actor, incident, hospital.pk)
    raise NotFound("この案件を通知した医療機関ではありません。")


@list_get(
    router,
    "/hospitals/cases/{reference}/questions",
    item=CaseThreadOut,
    summary="委託元の医療機関とのやりとり（事業者）",
    description="自社の案件を通知した医療機関ごとの質問と回答を、医療機関の名称順・古い順に返します。"
    + _LIST_DOC,
    personal=True,
)
def case_questions(request, reference: str, filters: Query[CaseQuestionFilter], page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.question.view", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    hospitals = selectors.notified_hospitals(incident)
    if filters.hospital_code:
        hospitals = [_case_hospital(actor, incident, filters.hospital_code)]
    threads = [thread for hospital in hospitals for thread in _threads(incident, hospital)]
    return paginate(request, threads, page, _thread, export=THREAD_EXPORT, updated_of=_last_activity)


@router.post(
    "/hospitals/cases/{reference}/questions",
    response={201: CaseThreadOut},
    summary="委託元の医療機関に質問する（事業者）",
    description="自社の案件を通知した医療機関に質問します。" + _POST_DOC,
)
def case_question_post(request, reference: str, payload: ProviderQuestionIn):
    actor = request.auth
    _require(actor, "hospitals.question.post", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    hospital = _case_hospital(actor, incident, payload.hospital_code)
    thread = services.question_post(
        actor=actor, incident=incident, hospital=hospital, subject=payload.subject, body=payload.body
    )
    return Status(201, _one_thread(incident, hospital, thread.pk))


@router.post(
    "/hospitals/cases/{reference}/questions/{thread_id}/answers",
    response={201: CaseThreadOut},
    summary="医療機関からの質問に回答する（事業者）",
    description="医療機関とのやりとりの質問に回答し、回答を含むやりとりを返します。" + _POST_DOC,
)
def case_answer_post(request, reference: str, thread_id: int, payload: CaseAnswerIn):
    actor = request.auth
    _require(actor, "hospitals.question.post", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    root = selectors.case_thread_get(actor, incident, thread_id)
    services.answer_post(actor=actor, thread=root, body=payload.body)
    return Status(201, _one_thread(incident, root.hospital, root.pk))


@list_get(
    router,
    "/hospitals/cases/{reference}/joint-reports",
    item=JointReportOut,
    summary="通知した医療機関と連名報告の設定（事業者）",
    description="自社の案件を通知した医療機関ごとに、連名で報告するかの設定を返します。"
    "`updated_since` は設定の日時で絞り込みます。",
)
def case_joint_list(request, reference: str, page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.question.view", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    rows = [_joint(incident, hospital) for hospital in selectors.notified_hospitals(incident)]
    return paginate(
        request, rows, page, lambda row: row, export=JOINT_EXPORT, updated_of=lambda row: row["updated_at"]
    )


@router.put(
    "/hospitals/cases/{reference}/joint-reports/{hospital_code}",
    response=JointReportOut,
    summary="連名報告の設定（事業者）",
    description="案件を通知した医療機関と連名で個人情報保護委員会へ報告するかを設定します（Sonae解釈R8）。"
    "医療機関に通知され、案件のタイムラインに残ります。",
)
def case_joint(request, reference: str, hospital_code: str, payload: JointReportIn):
    actor = request.auth
    _require(actor, "hospitals.joint_report.set", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    hospital = _case_hospital(actor, incident, hospital_code)
    services.joint_report_set(actor=actor, incident=incident, hospital=hospital, enabled=payload.enabled)
    return _joint(incident, hospital)
