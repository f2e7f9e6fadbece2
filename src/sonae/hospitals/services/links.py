"""Links between providers and hospitals: declaration, acceptance, ending, sharing consents, invitations, sites.

Every service is keyword-only, runs in one transaction, writes its audit row in it and sends e-mail after commit.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, NotFound
from sonae.core.models import Organisation, OrganisationKind
from sonae.jp.calendar import tokyo_date

from ..models import (
    LINK_TRANSITIONS,
    ContractorLink,
    HospitalInvitation,
    HospitalSite,
    InvitationStatus,
    LinkStatus,
)
from ..rules import (
    INVITATION_VALID_DAYS,
    SHARING_FIELDS,
    SHARING_SECTIONS,
    business_codes_clean,
    data_items_clean,
    since_clean,
)
from ..selectors import invitation_get_by_token, invitation_token_hash
from .common import audit_actor, notify_organisation, require, send_email_after_commit, url_of

PROVIDER = OrganisationKind.PROVIDER
HOSPITAL = OrganisationKind.HOSPITAL


def _clean_terms(business_codes, data_items, since: date | None) -> tuple[list[str], list[str], date]:
    today = tokyo_date(timezone.now())
    return business_codes_clean(business_codes), data_items_clean(data_items), since_clean(since, today)


def link_declare(
    *,
    actor: Actor,
    hospital: Organisation,
    business_codes,
    data_items,
    since: date | None,
    site: HospitalSite | None = None,
) -> ContractorLink:
    """A provider declares that it works for ``hospital``: a pending link the hospital then accepts or declines."""
    require(actor, "hospitals.link.declare", PROVIDER)
    if hospital is None or hospital.kind != HOSPITAL or not hospital.is_active:
        raise InvalidInput("委託元には、Sonaeに登録されている医療機関を選んでください。", field="hospital")
    if site is not None and site.hospital_id != hospital.pk:
        raise InvalidInput("選んだ施設はこの医療機関の施設ではありません。", field="site")
    codes, items, since = _clean_terms(business_codes, data_items, since)
    try:
        with transaction.atomic():
            link = ContractorLink.objects.create(
                provider=actor.organisation,
                hospital=hospital,
                site=site,
                business_codes=codes,
                data_items=items,
                since=since,
                declared_by=actor.user,
                declared_at=timezone.now(),
            )
            audit_record(
                action="hospitals.link_declared",
                target=link,
                data={"hospital": hospital.pk, "business_codes": codes, "data_items": items},
                **audit_actor(actor),
            )
            notify_organisation(
                hospital,
                title=f"{actor.organisation.name} から委託先としての登録申請が届きました",
                body="内容を確認し、承認または非承認を選んでください。",
                url=url_of("hospitals:dashboard"),
            )
    except IntegrityError:
        raise InvalidInput(
            "この医療機関とはすでに登録済み（または承認待ち）の委託関係があります。", field="hospital"
        ) from None
    return link


def link_transition(*, actor: Actor, link: ContractorLink, to_status: str, note: str = "") -> ContractorLink:
    """Move a link along ``LINK_TRANSITIONS``: the hospital accepts or declines a pending link; either side ends a
    live one. Anything else is ``IllegalTransition``."""
    if to_status in (LinkStatus.ACCEPTED, LinkStatus.DECLINED):
        require(actor, "hospitals.link.respond", HOSPITAL)
        own = link.hospital_id == actor.organisation.pk
    elif to_status == LinkStatus.ENDED:
        if actor.kind == PROVIDER:
            require(actor, "hospitals.link.declare", PROVIDER)
            own = link.provider_id == actor.organisation.pk
        else:
            require(actor, "hospitals.link.respond", HOSPITAL)
            own = link.hospital_id == actor.organisation.pk
    else:
        raise IllegalTransition()
    if not own:
        raise NotFound()
    note = (note or "").strip()[:500]
    with transaction.atomic():
        link = (
            ContractorLink.objects.select_for_update(of=("self",))
            .select_related("provider", "hospital")
            .get(pk=link.pk)
        )
        if to_status not in LINK_TRANSITIONS[link.status]:
            raise IllegalTransition(
                f"「{link.get_status_display()}」の委託関係は「{LinkStatus(to_status).label}」にできません。"
            )
        now = timezone.now()
        previous = link.status
        link.status = to_status
        fields = ["status"]
        if to_status == LinkStatus.ENDED:
            link.ended_at, link.ended_by = now, actor.user
            fields += ["ended_at", "ended_by"]
        else:
            link.responded_at, link.responded_by, link.response_note = now, actor.user, note
            fields += ["responded_at", "responded_by", "response_note"]
        link.save(update_fields=fields)
        audit_record(
            action=f"hospitals.link_{to_status}",
            target=link,
            data={"from": previous, "to": to_status},
            **audit_actor(actor),
        )
        other = link.provider if actor.kind == HOSPITAL else link.hospital
        titles = {
            LinkStatus.ACCEPTED: f"{link.hospital.name} が委託先としての登録を承認しました",
            LinkStatus.DECLINED: f"{link.hospital.name} が委託先としての登録を承認しませんでした",
            LinkStatus.ENDED: f"{actor.organisation.name} との委託関係が終了しました",
        }
        url = url_of("hospitals:links") if other.kind == PROVIDER else url_of("hospitals:contractors")
        notify_organisation(other, title=titles[to_status], body=note, url=url)
    return link


def consent_update(*, actor: Actor, link: ContractorLink, **sections: bool) -> ContractorLink:
    """The provider turns sharing with one hospital on or off, section by section (``insurance``, ``selfcheck``,
    ``checklist``, ``bcp``). Takes effect at once: the hospital's next page shows the new state."""
    require(actor, "hospitals.consent.manage", PROVIDER)
    if link.provider_id != actor.organisation.pk:
        raise NotFound()
    unknown = sorted(set(sections) - set(SHARING_SECTIONS))
    if unknown:
        raise InvalidInput(f"共有の項目が正しくありません：{', '.join(unknown)}", field="sections")
    with transaction.atomic():
        link = (
            ContractorLink.objects.select_for_update(of=("self",)).select_related("hospital").get(pk=link.pk)
        )
        if link.status not in (LinkStatus.PENDING, LinkStatus.ACCEPTED):
            raise IllegalTransition("終了した委託関係の共有設定は変更できません。")
        before = {code: link.shares(code) for code in SHARING_SECTIONS}
        for code, value in sections.items():
            setattr(link, SHARING_FIELDS[code], bool(value))
        after = {code: link.shares(code) for code in SHARING_SECTIONS}
        if after == before:
            return link
        link.sharing_changed_at = timezone.now()
        link.save(update_fields=[*SHARING_FIELDS.values(), "sharing_changed_at", "updated_at"])
        audit_record(
            action="hospitals.consent_changed",
            target=link,
            data={"hospital": link.hospital_id, "before": before, "after": after},
            **audit_actor(actor),
        )
    return link


# --- invitations ------------------------------------------------------------------------------------------------


def invitation_create(
    *, actor: Actor, hospital_name: str, email: str, business_codes, data_items, since: date | None
) -> tuple[HospitalInvitation, str]:
    """Invite a hospital that is not on Sonae yet: an e-mail with a token link (valid 30 days). Returns the
    invitation and the token (only its hash is stored)."""
    require(actor, "hospitals.link.declare", PROVIDER)
    hospital_name = (hospital_name or "").strip()
    email = (email or "").strip().lower()
    if not hospital_name or len(hospital_name) > 200:
        raise InvalidInput("医療機関名を200文字以内で入力してください。", field="hospital_name")
    if "@" not in email or len(email) > 254:
        raise InvalidInput("送付先のメールアドレスを正しく入力してください。", field="email")
    codes, items, since = _clean_terms(business_codes, data_items, since)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = HospitalInvitation.objects.create(
            provider=actor.organisation,
            hospital_name=hospital_name,
            email=email,
            token_hash=invitation_token_hash(token),
            business_codes=codes,
            data_items=items,
            since=since,
            created_by=actor.user,
            created_at=now,
            expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
        )
        audit_record(
            action="hospitals.invitation_created",
            target=invitation,
            data={"hospital_name": hospital_name},
            **audit_actor(actor),
        )
        link = f"{settings.SONAE_SITE_URL.rstrip('/')}{url_of('hospitals:invitation', token)}"
        body = (
            f"{hospital_name} ご担当者様\n\n"
            f"{actor.organisation.name} から、医療関連サービスの委託先として貴院を「備え（Sonae）」に登録したい"
            "との招待が届きました。\nSonaeでは、委託先のセキュリティ対策の状況（委託先が共有に同意したもの）と、"
            "個人情報の漏えい等の通知を確認できます。\n\n"
            "貴院がSonaeをご利用でない場合は、制度の運営事務局に医療機関としての登録をご依頼ください。\n"
            f"登録後、医療機関の管理者としてログインした状態で次のリンクを開くと、委託関係が登録されます"
            f"（有効期限 {INVITATION_VALID_DAYS}日）。\n{link}"
        )
        send_email_after_commit(f"{actor.organisation.name} からSonaeへの招待", body, [email])
    return invitation, token


def invitation_cancel(*, actor: Actor, invitation: HospitalInvitation) -> HospitalInvitation:
    require(actor, "hospitals.link.declare", PROVIDER)
    if invitation.provider_id != actor.organisation.pk:
        raise NotFound()
    with transaction.atomic():
        invitation = HospitalInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != InvitationStatus.OPEN:
            raise IllegalTransition("この招待はすでに承諾または取消されています。")
        invitation.status = InvitationStatus.CANCELLED
        invitation.save(update_fields=["status"])
        audit_record(action="hospitals.invitation_cancelled", target=invitation, **audit_actor(actor))
    return invitation


def invitation_accept(*, actor: Actor, token: str) -> ContractorLink:
    """A hospital admin, signed in, opens the invitation link: the link to the inviting provider is created and
    accepted at once (opening the link is the hospital's acceptance). An existing pending link is accepted
    instead; an existing accepted one is kept."""
    require(actor, "hospitals.invitation.accept", HOSPITAL)
    now = timezone.now()
    with transaction.atomic():
        invitation = invitation_get_by_token(token, now=now)
        invitation = (
            HospitalInvitation.objects.select_for_update(of=("self",))
            .select_related("provider")
            .get(pk=invitation.pk)
        )
        if not invitation.is_usable(now):
            raise NotFound("この招待リンクは無効か、有効期限が切れています。")
        hospital = actor.organisation
        link = (
            ContractorLink.objects.select_for_update()
            .filter(
                provider=invitation.provider,
                hospital=hospital,
                status__in=[LinkStatus.PENDING, LinkStatus.ACCEPTED],
            )
            .first()
        )
        if link is None:
            link = ContractorLink.objects.create(
                provider=invitation.provider,
                hospital=hospital,
                business_codes=invitation.business_codes,
                data_items=invitation.data_items,
                since=invitation.since,
                status=LinkStatus.ACCEPTED,
                declared_by=invitation.created_by,
                declared_at=invitation.created_at,
                responded_by=actor.user,
                responded_at=now,
            )
        elif link.status == LinkStatus.PENDING:
            link.status, link.responded_by, link.responded_at = LinkStatus.ACCEPTED, actor.user, now
            link.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_by, invitation.accepted_at, invitation.link = actor.user, now, link
        invitation.save(update_fields=["status", "accepted_by", "accepted_at", "link"])
        audit_record(
            action="hospitals.invitation_accepted",
            target=invitation,
            data={"link": link.pk, "hospital": hospital.pk},
            **audit_actor(actor),
        )
        notify_organisation(
            invitation.provider,
            title=f"{hospital.name} が招待を承諾し、委託関係が登録されました",
            body="共有する情報を「委託元の医療機関」で選んでください。",
            url=url_of("hospitals:link", link.pk),
        )
    return link


# --- sites ------------------------------------------------------------------------------------------------------


def site_create(*, actor: Actor, name: str, address: str = "") -> HospitalSite:
    """A hospital admin adds one of its sites (本院, 分院 …)."""
    require(actor, "hospitals.site.manage", HOSPITAL)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("施設名を200文字以内で入力してください。", field="name")
    try:
        with transaction.atomic():
            site = HospitalSite.objects.create(
                hospital=actor.organisation, name=name, address=(address or "").strip()[:300]
            )
            audit_record(action="hospitals.site_created", target=site, **audit_actor(actor))
    except IntegrityError:
        raise InvalidInput("同じ名前の施設がすでに登録されています。", field="name") from None
    return site


def site_set_active(*, actor: Actor, site: HospitalSite, active: bool) -> HospitalSite:
    require(actor, "hospitals.site.manage", HOSPITAL)
    if site.hospital_id != actor.organisation.pk:
        raise NotFound()
    with transaction.atomic():
        site.is_active = bool(active)
        site.save(update_fields=["is_active"])
        audit_record(
            action="hospitals.site_updated",
            target=site,
            data={"active": site.is_active},
            **audit_actor(actor),
        )
    return site
