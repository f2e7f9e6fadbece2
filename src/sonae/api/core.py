"""Core API routes: who am I, the organisation and its members, its API tokens, the user's notifications.

The same selectors and services as the core pages (``sonae.core.views``); the organisation is always the
authenticated one, so there is no other organisation's object to reach (another organisation's token or
notification is 404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from sonae.core import selectors, services
from sonae.core.errors import DomainError, PermissionDenied
from sonae.documents.tabular import Column

from .listing import Export, ListParams, list_get, paginate

router = Router(tags=["基盤"])


def _actor_for(request, action: str):
    """The authenticated actor when the policy allows ``action`` (403 otherwise), as the pages' check."""
    actor = request.auth
    if not actor.may(action):
        raise PermissionDenied()
    return actor


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str


class MeOut(Schema):
    organisation: OrganisationOut
    role: str
    user_email: str | None = None
    via: str


@router.get(
    "/me",
    response=MeOut,
    summary="認証中の主体",
    description="APIトークンまたはセッションの組織と権限を返します。",
)
def me(request):
    actor = request.auth
    org = actor.organisation
    return {
        "organisation": {
            "id": org.pk,
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "kind_label": org.get_kind_display(),
        },
        "role": actor.role,
        "user_email": actor.user.email if actor.user else None,
        "via": "token" if actor.token is not None else "session",
    }


# --- the organisation, its API tokens, the user's notifications (the settings and notification pages) ----------


class MemberOut(Schema):
    display_name: str
    email: str
    role: str = Field(description="権限：`admin` 管理者、`staff` 担当者、`viewer` 閲覧のみ")
    role_label: str
    created_at: datetime = Field(description="登録日時")


class OrganisationDetailOut(OrganisationOut):
    name_kana: str
    corporate_number: str
    role: str = Field(description="この主体の権限")
    members: list[MemberOut] = Field(description="組織のメンバー")


@router.get(
    "/organisation",
    response=OrganisationDetailOut,
    summary="組織の情報とメンバー",
    description="認証中の組織の名称・種別・組織コードと、メンバー（表示名・メールアドレス・権限）を返します"
    "（組織の設定の画面と同じ内容）。",
)
def organisation(request):
    actor = _actor_for(request, "organisation.view")
    org = actor.organisation
    return {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "name_kana": org.name_kana,
        "corporate_number": org.corporate_number,
        "role": actor.role,
        "members": [
            {
                "display_name": m.user.display_name,
                "email": m.user.email,
                "role": m.role,
                "role_label": m.get_role_display(),
                "created_at": m.created_at,
            }
            for m in selectors.members_of(actor).order_by("created_at", "pk")
        ],
    }


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="トークンの先頭8文字（識別用。秘密の値は返しません）")
    role: str
    role_label: str
    created_by: str | None = Field(description="作成したユーザーのメールアドレス")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class ApiTokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="トークンの名前（用途がわかる名前）")
    role: Literal["admin", "staff", "viewer"] = Field("staff", description="トークンの権限")


class ApiTokenCreatedOut(ApiTokenOut):
    secret: str = Field(description="トークンの値（この応答でのみ返します。安全な場所に保管してください）")


TOKEN_EXPORT = Export(
    name="APIトークン",
    columns=(
        Column("id", "ID", 8),
        Column("name", "名前", 30),
        Column("prefix", "先頭", 12),
        Column("role_label", "権限", 10),
        Column("created_by", "作成者", 30),
        Column("created_at", "作成日時", 18),
        Column("last_used_at", "最終利用日時", 18),
        Column("revoked_at", "無効化日時", 18),
    ),
)


class TokenCannotCreateTokens(DomainError):
    code = "session_required"
    status = 403
    default_message = "APIトークンは、ログインした管理者のセッションからのみ作成できます（トークンでトークンは作れません）。"


def _token(token) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "role": token.role,
        "role_label": token.get_role_display(),
        "created_by": token.created_by.email if token.created_by else None,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "active": token.is_active,
    }


@list_get(
    router,
    "/api-tokens",
    item=ApiTokenOut,
    summary="APIトークンの一覧",
    description="組織のAPIトークン（無効にしたものを含む）を新しい順に返します（組織の管理者のみ）。"
    "`updated_since` は作成日時に適用します。",
)
def api_token_list(request, page: Query[ListParams]):
    actor = _actor_for(request, "api_token.manage")
    return paginate(
        request,
        selectors.api_tokens_for(actor).select_related("created_by"),
        page,
        _token,
        export=TOKEN_EXPORT,
        updated_field="created_at",
    )


@router.post(
    "/api-tokens",
    response={201: ApiTokenCreatedOut},
    summary="APIトークンを作成する",
    description="組織のAPIトークンを作成し、その値を一度だけ返します（組織の管理者のみ）。漏えいしたトークンで"
    "新しいトークンが作られないよう、この操作はログイン中のブラウザセッションからのみ行えます"
    "（トークンでは 403 `session_required`）。",
)
def api_token_create(request, payload: ApiTokenIn):
    actor = _actor_for(request, "api_token.manage")
    if actor.token is not None:
        raise TokenCannotCreateTokens()
    token, secret = services.api_token_create(actor=actor, name=payload.name, role=payload.role)
    response = {**_token(token), "secret": secret}
    return Status(201, response)


@router.post(
    "/api-tokens/{token_id}/revoke",
    response=ApiTokenOut,
    summary="APIトークンを無効にする",
    description="組織のAPIトークンを無効にします（組織の管理者のみ。すでに無効なら何もしません）。",
)
def api_token_revoke(request, token_id: int):
    actor = _actor_for(request, "api_token.manage")
    token = selectors.api_token_get_for(actor, token_id)
    if token.is_active:
        token = services.api_token_revoke(actor=actor, token=token)
    return _token(token)


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str = Field(description="関連する画面のパス")
    organisation_code: str | None
    created_at: datetime
    read_at: datetime | None


class ReadAllOut(Schema):
    read: int = Field(description="既読にした数")


NOTIFICATION_EXPORT = Export(
    name="お知らせ",
    columns=(
        Column("id", "ID", 8),
        Column("created_at", "日時", 18),
        Column("title", "件名", 40),
        Column("body", "本文", 60),
        Column("url", "リンク", 30),
        Column("read_at", "既読日時", 18),
    ),
)


def _notification(n) -> dict:
    return {
        "id": n.pk,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "organisation_code": n.organisation.code if n.organisation_id else None,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


class UnreadFilter(Schema):
    unread: bool = Field(False, description="未読だけを返す")


@list_get(
    router,
    "/notifications",
    item=NotificationOut,
    summary="お知らせの一覧",
    description="ログイン中のユーザーへのお知らせを新しい順に返します（お知らせはユーザーごとのため、"
    "APIトークンでは常に空です）。`updated_since` は作成日時に適用します。",
)
def notification_list(request, filters: Query[UnreadFilter], page: Query[ListParams]):
    rows = selectors.notifications_for(request.auth.user).select_related("organisation")
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    return paginate(
        request, rows, page, _notification, export=NOTIFICATION_EXPORT, updated_field="created_at"
    )


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="お知らせを既読にする",
    description="ログイン中のユーザーのお知らせ1件を既読にします（最初に読んだ日時を残します）。",
)
def notification_read(request, notification_id: int):
    user = request.auth.user
    notification = selectors.notification_get_for_user(user, notification_id)
    return _notification(services.notification_mark_read(user=user, notification=notification))


@router.post(
    "/notifications/read-all",
    response=ReadAllOut,
    summary="お知らせをすべて既読にする",
    description="ログイン中のユーザーの未読のお知らせをすべて既読にします（APIトークンでは 0 件）。",
)
def notifications_read_all(request):
    user = request.auth.user
    return {"read": services.notifications_mark_all_read(user=user) if user is not None else 0}
