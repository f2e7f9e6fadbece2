"""Core API routes: who am I."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["基盤"])


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
