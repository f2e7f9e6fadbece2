"""Every read of enrolment data, scoped by the acting party (an ``Actor``).

Providers see their own organisation's quotes, applications and policies; the agency sees the whole programme;
the insurer and the desk see policies; the foundation sees the roster (and anonymous statistics, ``stats``).
An object outside the actor's scope is ``NotFound`` (404), never a hint that it exists.

Other apps rely on these names here: ``policy_in_force`` (and its list form ``policies_in_force``),
``provider_ids_by_policy_number``, ``policies_for``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from sonae.core.actors import Actor
from sonae.core.errors import NotEligible, NotFound
from sonae.core.models import Organisation
from sonae.jp.wareki import format_date_ja

from .models import (
    PAYMENT_STATUS_LABELS,
    Application,
    Certification,
    Deposit,
    DepositImport,
    Policy,
    Quote,
    RosterEntry,
    RosterImport,
)
from .rules import normalise_corporate_number

PROGRAMME_WIDE = {"agency"}


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- roster --------------------------------------------------------------------------------------------------


def roster_entries_for(actor: Actor | None) -> QuerySet[RosterEntry]:
    if actor is None or not actor.may("enrolment.roster.view"):
        return RosterEntry.objects.none()
    return RosterEntry.objects.prefetch_related("certifications")


def roster_entry_get(actor: Actor | None, pk) -> RosterEntry:
    return _get(roster_entries_for(actor), pk)


def roster_imports_for(actor: Actor | None) -> QuerySet[RosterImport]:
    """Uploads of the actor's own organisation (another organisation's pending file is none of its business)."""
    if actor is None or not actor.may("enrolment.roster.manage"):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(organisation=actor.organisation)


def roster_import_get(actor: Actor | None, pk) -> RosterImport:
    return _get(roster_imports_for(actor), pk)


def roster_entry_for_organisation(organisation: Organisation) -> RosterEntry | None:
    """The roster entry linked to an organisation, or found by its corporate number."""
    entry = RosterEntry.objects.filter(organisation=organisation).first()
    if entry is None and organisation.corporate_number:
        entry = RosterEntry.objects.filter(corporate_number=organisation.corporate_number).first()
    return entry


def certifications_valid_on(entry: RosterEntry, day: date) -> list[Certification]:
    return list(entry.certifications.filter(certified_from__lte=day, valid_until__gte=day))


def eligibility(organisation: Organisation, day: date) -> tuple[RosterEntry, list[Certification]]:
    """The roster entry and its certifications valid on ``day`` (the cover start date).

    Eligibility = at least one certification valid on the cover start date (issue 5; DESIGN §4). Raises NotEligible
    with the reason in Japanese otherwise.
    """
    entry = roster_entry_for_organisation(organisation)
    if entry is None:
        number = f"（法人番号 {organisation.corporate_number}）" if organisation.corporate_number else ""
        raise NotEligible(
            f"{organisation.name}{number}は医療関連サービスマークの認定事業者名簿に登録されていないため、"
            "この制度には加入できません。認定を受けている場合は振興会の名簿登録をご確認ください。"
        )
    valid = certifications_valid_on(entry, day)
    if not valid:
        last = entry.certifications.order_by("-valid_until").first()
        detail = (
            f"（最新の認定の有効期限: {format_date_ja(last.valid_until)}）"
            if last
            else "（認定の登録がありません）"
        )
        raise NotEligible(
            f"保険始期の{format_date_ja(day)}時点で有効な医療関連サービスマークの認定がないため、加入できません{detail}。"
        )
    return entry, valid


def security_score_for(organisation: Organisation) -> int | None:
    """The latest security self-check score, when the self-check app provides one (else None: entered by hand)."""
    try:
        from sonae.selfcheck.selectors import latest_score
    except ImportError:
        return None
    score = latest_score(organisation)
    if score is None:
        return None
    if isinstance(score, tuple | list):  # (score, band, taken_at)
        score = score[0] if score else None
    for attribute in ("score", "total"):
        if hasattr(score, attribute):
            score = getattr(score, attribute)
            break
    try:
        return int(score)
    except (TypeError, ValueError):
        return None


# --- quotes and applications -----------------------------------------------------------------------------------


def _own_or_all(actor: Actor | None, action: str, queryset: QuerySet) -> QuerySet:
    if actor is None or not actor.may(action):
        return queryset.none()
    if actor.kind in PROGRAMME_WIDE:
        return queryset
    return queryset.filter(organisation=actor.organisation)


def quotes_for(actor: Actor | None) -> QuerySet[Quote]:
    qs = Quote.objects.select_related("programme_year", "organisation", "roster_entry")
    return _own_or_all(actor, "enrolment.quote.view", qs)


def quote_get(actor: Actor | None, pk) -> Quote:
    return _get(quotes_for(actor), pk)


def applications_for(actor: Actor | None) -> QuerySet[Application]:
    qs = Application.objects.select_related("quote", "programme_year", "organisation").prefetch_related(
        Prefetch("deposits", queryset=Deposit.objects.order_by("deposited_on"))
    )
    return _own_or_all(actor, "enrolment.application.view", qs)


def application_get(actor: Actor | None, pk) -> Application:
    return _get(applications_for(actor), pk)


def _matched_total() -> Coalesce:
    """``Application.paid_total`` in SQL: the sum of the application's matched deposits (0 when none)."""
    matched = (
        Deposit.objects.filter(application=OuterRef("pk"), status=Deposit.Status.MATCHED)
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(matched), Value(0))


def with_payment_status(applications: QuerySet[Application]) -> QuerySet[Application]:
    """``applications`` with ``Application.payment_status`` computed by the database (the alias
    ``payment_state``), so that a list filters on it before it paginates instead of reading every row.

    The same cases in the same order as the property: nothing matched is unpaid, then short, over or exact.
    """
    return applications.alias(paid_amount=_matched_total()).alias(
        payment_state=Case(
            When(paid_amount=0, then=Value("unpaid")),
            When(paid_amount__lt=F("premium"), then=Value("partial")),
            When(paid_amount__gt=F("premium"), then=Value("overpaid")),
            default=Value("paid"),
            output_field=CharField(),
        )
    )


def applications_by_payment(
    applications: QuerySet[Application], payment: str | None
) -> QuerySet[Application]:
    """``applications`` whose payment status is ``payment`` (unpaid / partial / paid / overpaid); no filter when
    ``payment`` is empty, none when it is not a status (as the pages' filter always did)."""
    if not payment:
        return applications
    if payment not in PAYMENT_STATUS_LABELS:
        return applications.none()
    return with_payment_status(applications).filter(payment_state=payment)


def provider_organisations_for(
    actor: Actor | None, action: str = "enrolment.quote.create"
) -> QuerySet[Organisation]:
    """Providers the actor may do ``action`` for — by default quote for; ``enrolment.quote.view`` for what any
    member may read (eligibility): its own organisation, or (agency) every provider."""
    if actor is None or not actor.may(action):
        return Organisation.objects.none()
    if actor.kind in PROGRAMME_WIDE:
        return Organisation.objects.filter(kind="provider", is_active=True)
    return Organisation.objects.filter(pk=actor.organisation.pk)


# --- payments --------------------------------------------------------------------------------------------------


def deposits_for(actor: Actor | None) -> QuerySet[Deposit]:
    if actor is None or not actor.may("enrolment.payment.view"):
        return Deposit.objects.none()
    # The application's policy too: a matched deposit can be unmatched only while no policy was issued on it.
    return Deposit.objects.select_related("application__organisation", "application__policy")


def deposit_get(actor: Actor | None, pk) -> Deposit:
    return _get(deposits_for(actor), pk)


def deposit_imports_for(actor: Actor | None) -> QuerySet[DepositImport]:
    if actor is None or not actor.may("enrolment.payment.view"):
        return DepositImport.objects.none()
    return DepositImport.objects.all()


def unpaid_applications(actor: Actor | None) -> QuerySet[Application]:
    """Submitted or accepted applications still waiting for money: unpaid, partly paid, or over-paid with the
    excess not yet resolved (partial and over-payment are never treated as paid). Filtered by the database."""
    apps = applications_for(actor).filter(
        status__in=[Application.Status.SUBMITTED, Application.Status.ACCEPTED], policy__isnull=True
    )
    return with_payment_status(apps).filter(
        Q(payment_state__in=["unpaid", "partial"]) | Q(payment_state="overpaid", overpayment_note="")
    )


# --- policies --------------------------------------------------------------------------------------------------

POLICY_READERS = {"agency", "insurer", "desk"}


def policies_for(actor: Actor | None) -> QuerySet[Policy]:
    """Policies the actor may read: its own (provider) or all (agency, insurer, desk)."""
    qs = Policy.objects.select_related("organisation", "programme_year", "application")
    if actor is None or not actor.may("enrolment.policy.view"):
        return qs.none()
    if actor.kind in POLICY_READERS:
        return qs
    return qs.filter(organisation=actor.organisation)


def policy_get(actor: Actor | None, pk) -> Policy:
    return _get(policies_for(actor), pk)


def policy_in_force(organisation: Organisation, instant: datetime) -> Policy | None:
    """The organisation's policy covering ``instant``: cover_start ≤ instant < cover_end, not cancelled by then.

    Cover begins exactly at the start instant (2025-10-01 16:00:00 JST; 15:59:59 is not covered).
    """
    return _in_force_at(Policy.objects.filter(organisation=organisation), instant).first()


def policies_in_force(organisation_ids, instant: datetime) -> dict[int, Policy]:
    """``policy_in_force`` of each organisation of ``organisation_ids`` that has one, in one query."""
    found: dict[int, Policy] = {}
    policies = _in_force_at(Policy.objects.filter(organisation_id__in=list(organisation_ids)), instant)
    for policy in policies.order_by("organisation_id", "-cover_start"):
        found.setdefault(policy.organisation_id, policy)
    return found


def _in_force_at(policies: QuerySet[Policy], instant: datetime) -> QuerySet[Policy]:
    return (
        policies.filter(cover_start__lte=instant, cover_end__gt=instant)
        .filter(Q(cancel_effective_at__isnull=True) | Q(cancel_effective_at__gt=instant))
        .select_related("programme_year")
        .order_by("-cover_start")
    )


def policy_number_key(text: str) -> str:
    """A policy number as typed (full-width, lower case, spaces or other dashes) reduced to letters and digits."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text or "").upper())


def provider_ids_by_policy_number(text: str) -> list[int]:
    """Ids of the provider organisations holding a policy with this number (as a caller reads it out)."""
    key = policy_number_key(text)
    if not key:
        return []
    return sorted(set(Policy.objects.filter(number_key=key).values_list("organisation_id", flat=True)))


def organisation_by_corporate_number(text: str) -> Organisation | None:
    number = normalise_corporate_number(text)
    return Organisation.objects.filter(kind="provider", corporate_number=number).first() if number else None
