"""Reads of links, invitations, sites and checklist requests, scoped by the acting party.

- provider: its own links (any status) and invitations;
- hospital: links addressed to it — pending ones as requests to answer, accepted ones as its contractors; its own
  sites and checklist requests. A provider that has not linked to the hospital, or whose link the hospital has not
  accepted, is never a contractor here (issue 11 point 6);
- anyone else: nothing. An object outside the scope is ``NotFound`` (404).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.db.models import QuerySet

from sonae.core.actors import Actor
from sonae.core.errors import NotFound
from sonae.core.models import Organisation, OrganisationKind

from ..models import (
    ChecklistRequest,
    ContractorLink,
    HospitalInvitation,
    HospitalSite,
    InvitationStatus,
    LinkStatus,
)
from ..rules import fiscal_year_of


def _get(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _is(actor: Actor | None, kind: str, action: str) -> bool:
    return actor is not None and actor.kind == kind and actor.may(action)


def _links() -> QuerySet[ContractorLink]:
    return ContractorLink.objects.select_related("provider", "hospital", "site")


# --- provider side ------------------------------------------------------------------------------------------------


def links_for_provider(actor: Actor | None) -> QuerySet[ContractorLink]:
    """The provider's links to hospitals, live ones first."""
    if not _is(actor, OrganisationKind.PROVIDER, "hospitals.link.view"):
        return ContractorLink.objects.none()
    return _links().filter(provider=actor.organisation).order_by("status", "hospital__name", "-declared_at")


def link_get_for_provider(actor: Actor | None, pk) -> ContractorLink:
    return _get(links_for_provider(actor), pk=pk)


def invitations_for_provider(actor: Actor | None) -> QuerySet[HospitalInvitation]:
    if not _is(actor, OrganisationKind.PROVIDER, "hospitals.link.view"):
        return HospitalInvitation.objects.none()
    return HospitalInvitation.objects.filter(provider=actor.organisation).select_related("link__hospital")


def invitation_get_for_provider(actor: Actor | None, pk) -> HospitalInvitation:
    return _get(invitations_for_provider(actor), pk=pk)


def hospital_choices() -> QuerySet[Organisation]:
    """Hospitals a provider can declare (names of registered hospitals are not secret: the incident form lists
    them too)."""
    return Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, is_active=True).order_by(
        "name_kana", "name"
    )


def site_choices() -> QuerySet[HospitalSite]:
    """Active sites of active hospitals, for the provider's declaration form."""
    return HospitalSite.objects.filter(is_active=True, hospital__is_active=True).select_related("hospital")


# --- hospital side ------------------------------------------------------------------------------------------------


def link_requests_for(actor: Actor | None) -> QuerySet[ContractorLink]:
    """Links declared to the hospital and not answered yet (what the hospital needs to accept or decline)."""
    if not _is(actor, OrganisationKind.HOSPITAL, "hospitals.contractor.view"):
        return ContractorLink.objects.none()
    return _links().filter(hospital=actor.organisation, status=LinkStatus.PENDING).order_by("declared_at")


def link_request_get(actor: Actor | None, pk) -> ContractorLink:
    return _get(link_requests_for(actor), pk=pk)


def contractor_links_for(actor: Actor | None) -> QuerySet[ContractorLink]:
    """The hospital's contractors: accepted links only."""
    if not _is(actor, OrganisationKind.HOSPITAL, "hospitals.contractor.view"):
        return ContractorLink.objects.none()
    return (
        _links()
        .filter(hospital=actor.organisation, status=LinkStatus.ACCEPTED)
        .order_by("provider__name_kana", "provider__name")
    )


def contractor_link_get(actor: Actor | None, pk) -> ContractorLink:
    return _get(contractor_links_for(actor), pk=pk)


def sites_for(actor: Actor | None) -> QuerySet[HospitalSite]:
    if not _is(actor, OrganisationKind.HOSPITAL, "hospitals.contractor.view"):
        return HospitalSite.objects.none()
    return HospitalSite.objects.filter(hospital=actor.organisation)


def site_get(actor: Actor | None, pk) -> HospitalSite:
    return _get(sites_for(actor), pk=pk)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def invitation_get_by_token(token: str, *, now: datetime) -> HospitalInvitation:
    """The open, unexpired invitation of a token link; anything else (unknown, used, cancelled, expired) is
    NotFound, so a guessed token learns nothing."""
    invitation = (
        HospitalInvitation.objects.select_related("provider")
        .filter(token_hash=invitation_token_hash(token), status=InvitationStatus.OPEN)
        .first()
    )
    if invitation is None or not invitation.is_usable(now):
        raise NotFound("この招待リンクは無効か、有効期限が切れています。")
    return invitation


def checklist_requests_for(actor: Actor | None) -> QuerySet[ChecklistRequest]:
    if not _is(actor, OrganisationKind.HOSPITAL, "hospitals.contractor.view"):
        return ChecklistRequest.objects.none()
    return ChecklistRequest.objects.filter(hospital=actor.organisation).prefetch_related(
        "recipients__link__provider"
    )


def checklist_request_this_year(actor: Actor | None, today: date) -> ChecklistRequest | None:
    """The hospital's request of the fiscal year containing ``today``, if it has sent one."""
    return checklist_requests_for(actor).filter(fiscal_year=fiscal_year_of(today)).first()
