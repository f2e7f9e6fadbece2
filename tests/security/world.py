"""The fixture world of the isolation matrix: the demo data set plus users of every kind × role.

``home`` objects belong to the provider ``sakura-lab`` (and the hospital ``minato-hospital``); ``foreign``
objects belong to another provider ``aoba-transport`` (and the hospital ``kawase-hospital``). Every URL keyword
of every page / API route is filled from these objects by :func:`page_kwargs` / :func:`api_path_params`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sonae.core.models import Membership, Organisation, Role, User
from tests.factories import enrol_totp

KINDS = ("provider", "agency", "insurer", "desk", "foundation", "hospital")
ROLES = (Role.ADMIN, Role.STAFF, Role.VIEWER)
MFA_KINDS = {"agency", "insurer", "desk"}

# The organisation each kind's test users belong to.
HOME_ORG = {
    "provider": "sakura-lab",
    "agency": "sonae-agency",
    "insurer": "hinode-insurance",
    "desk": "cyber-desk",
    "foundation": "foundation",
    "hospital": "minato-hospital",
}
FOREIGN_PROVIDER = "aoba-transport"
FOREIGN_HOSPITAL = "kawase-hospital"


@dataclass
class Side:
    """Ids of one provider's (and its hospital's) objects, by keyword."""

    provider: Organisation
    hospital: Organisation
    ids: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    users: dict[tuple[str, str], User]
    home: Side
    foreign: Side


def _first(qs):
    obj = qs.order_by("pk").first()
    return None if obj is None else obj


def _collect(provider: Organisation, hospital: Organisation) -> Side:
    from sonae.claims.models import Attachment, Claim, Expense, PriorApproval
    from sonae.core.models import ApiToken, Notification
    from sonae.enrolment.models import Application, Policy, Quote, RosterEntry, RosterImport
    from sonae.hospitals.models import CaseMessage, ContractorLink, HospitalInvitation, HospitalSite
    from sonae.incidents.models import Evidence, HospitalNotice, Incident, Task
    from sonae.selfcheck.models import ExposureEstimate, SelfCheck, VendorChecklist

    side = Side(provider=provider, hospital=hospital)
    incident = _first(Incident.objects.filter(provider=provider))
    notice = _first(HospitalNotice.objects.filter(incident__provider=provider, hospital=hospital)) or _first(
        HospitalNotice.objects.filter(incident__provider=provider)
    )
    objects = {
        "quote": _first(Quote.objects.filter(organisation=provider)),
        "application": _first(Application.objects.filter(organisation=provider)),
        "policy": _first(Policy.objects.filter(organisation=provider)),
        "roster_entry": _first(RosterEntry.objects.filter(organisation=provider)),
        "roster_import": _first(RosterImport.objects.all()),
        "selfcheck": _first(SelfCheck.objects.filter(organisation=provider)),
        "vendor_checklist": _first(VendorChecklist.objects.filter(organisation=provider)),
        "exposure": _first(ExposureEstimate.objects.filter(organisation=provider)),
        "incident": incident,
        "task": _first(Task.objects.filter(incident__provider=provider)),
        "evidence": _first(Evidence.objects.filter(incident__provider=provider)),
        "notice": notice,
        "expense": _first(Expense.objects.filter(incident__provider=provider)),
        "approval": _first(PriorApproval.objects.filter(incident__provider=provider)),
        "attachment": _first(Attachment.objects.filter(expense__incident__provider=provider)),
        "claim": _first(Claim.objects.filter(incident__provider=provider)),
        "link": _first(ContractorLink.objects.filter(provider=provider, hospital=hospital))
        or _first(ContractorLink.objects.filter(provider=provider)),
        "site": _first(HospitalSite.objects.filter(hospital=hospital)),
        "invitation": _first(HospitalInvitation.objects.filter(provider=provider)),
        "thread": _first(CaseMessage.objects.all()),
        "api_token": _first(ApiToken.objects.filter(organisation=provider)),
        "notification": _first(Notification.objects.all()),
    }
    side.ids = {k: v for k, v in objects.items()}
    return side


def build_world() -> World:
    """Load the demo data set and add one user per kind × role (TOTP enrolled where the gate needs it)."""
    from sonae.core.demo.loader import load_demo

    load_demo()
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {}
    for kind in KINDS:
        org = orgs[HOME_ORG[kind]]
        for role in ROLES:
            user = User.objects.create_user(
                email=f"matrix-{kind}-{role}@example.jp", password="x-matrix-pass-1"
            )
            Membership.objects.create(user=user, organisation=org, role=role)
            if kind in MFA_KINDS:
                enrol_totp(user)
            users[(kind, str(role))] = user
    home = _collect(orgs[HOME_ORG["provider"]], orgs[HOME_ORG["hospital"]])
    foreign = _collect(orgs[FOREIGN_PROVIDER], orgs[FOREIGN_HOSPITAL])
    return World(users=users, home=home, foreign=foreign)


def _clone(obj, **changes):
    """A copy of ``obj`` re-parented to the other side (scoping is all the matrix needs of it)."""
    obj = type(obj).objects.get(pk=obj.pk)
    obj.pk = None
    if hasattr(obj, "id"):
        obj.id = None
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def complete_foreign(world: World) -> None:
    """Give the foreign provider a copy of each kind of object the demo gives only to the home provider."""
    home, foreign = world.home.ids, world.foreign.ids
    fp, fh = world.foreign.provider, world.foreign.hospital
    if foreign["selfcheck"] is None and home["selfcheck"]:
        foreign["selfcheck"] = _clone(home["selfcheck"], organisation=fp)
    if foreign["exposure"] is None and home["exposure"]:
        foreign["exposure"] = _clone(home["exposure"], organisation=fp)
    if foreign["site"] is None and home["site"]:
        foreign["site"] = _clone(home["site"], hospital=fh)
    incident, policy = foreign["incident"], foreign["policy"]
    if foreign["notice"] is None and home["notice"]:
        foreign["notice"] = _clone(home["notice"], incident=incident, hospital=fh)
    if foreign["expense"] is None and home["expense"]:
        foreign["expense"] = _clone(home["expense"], incident=incident, approval=None, claim=None, task=None)
    if foreign["approval"] is None and home["approval"]:
        foreign["approval"] = _clone(
            home["approval"], incident=incident, policy=policy, number=home["approval"].number + "9"
        )
    if foreign["claim"] is None and home["claim"]:
        foreign["claim"] = _clone(home["claim"], incident=incident, policy=policy, number="CLM-2099-99999")
    # Attachments are not cloned: their ciphertext is bound to its row (AAD), so a copy cannot be opened.


# URL keyword → object key in Side.ids, per URL name when the keyword alone is ambiguous.
_PK_OBJECT = {
    "enrolment:quote_": "quote",
    "enrolment:application_": "application",
    "enrolment:overpayment_resolve": "application",
    "enrolment:policy_": "policy",
    "enrolment:deposit_": None,  # agency-wide deposits: no owner to isolate
    "enrolment:roster_import": "roster_import",
    "enrolment:roster_entry": "roster_entry",
    "selfcheck:check_": "selfcheck",
    "selfcheck:vendor_checklist_": "vendor_checklist",
    "selfcheck:exposure_": "exposure",
    "incidents:hospital_notice": "notice",
    "incidents:vendor_edit": None,
    "incidents:task_": "task",
    "incidents:evidence_": "evidence",
    "incidents:notice_": "notice",
    "claims:approval_": "approval",
    "claims:attachment": "attachment",
    "claims:expense_": "expense",
    "hospitals:contractor": "link",
    "hospitals:link_respond": "link",
    "hospitals:site_": "site",
    "hospitals:notice": "notice",
    "hospitals:link": "link",
    "hospitals:invitation_cancel": "invitation",
    "webhooks:": "webhook",
    "core:api_token_": "api_token",
    "core:notification_": "notification",
}
_FIXED = {
    "section": "contacts",
    "token": "no-such-invitation-token",
    "number_version": 1,
    "thread": "thread",
}


def page_kwargs(name: str, keywords: list[str], side: Side) -> dict | None:
    """Fill the keywords of URL ``name`` from ``side``'s objects; ``None`` when the world lacks one."""
    ids = side.ids
    kwargs = {}
    for kw in keywords:
        value = None
        if kw == "pk":
            key = next((v for prefix, v in _PK_OBJECT.items() if name.startswith(prefix)), "?")
            obj = ids.get(key) if key else None
            value = getattr(obj, "pk", None)
        elif kw == "reference":
            value = getattr(ids["incident"], "reference", None)
        elif kw == "number":
            if name.startswith("claims:"):
                value = getattr(ids["claim"], "number", None)
            else:
                value = 1
        elif kw == "kind":
            value = "ppc" if name.startswith("hospitals:") else "ppc_preliminary"
        elif kw == "section":
            value = "contacts"
        elif kw == "thread":
            value = getattr(ids["thread"], "pk", None)
        elif kw == "hospital":
            value = side.hospital.pk
        elif kw == "token":
            value = "no-such-invitation-token"
        elif kw == "delivery_id":
            value = getattr(ids.get("delivery"), "delivery_id", None)
        if value is None:
            return None
        kwargs[kw] = value
    return kwargs


_API_PARAM = {
    "quote_id": "quote",
    "application_id": "application",
    "policy_id": "policy",
    "check_id": "selfcheck",
    "expense_id": "expense",
    "approval_id": "approval",
    "link_id": "link",
    "notice_id": "notice",
    "endpoint_id": "webhook",
    "task_id": "task",
    "evidence_id": "evidence",
    "import_id": "victim_import",
    "run_id": "letter_run",
}


def api_path(path: str, side: Side) -> str | None:
    """``path`` with its ``{param}``s filled from ``side``'s objects; ``None`` when the world lacks one."""
    import re

    def value(param: str):
        if param == "reference":
            return getattr(side.ids["incident"], "reference", None)
        if param == "version":  # duty assessment versions: the first exists on every assessed case
            return 1
        if param == "number":
            return getattr(side.ids["claim"], "number", None)
        if param == "delivery_id":
            return getattr(side.ids.get("delivery"), "delivery_id", None)
        return getattr(side.ids.get(_API_PARAM.get(param, "?")), "pk", None)

    missing = False

    def fill(match):
        nonlocal missing
        v = value(match.group(1))
        if v is None:
            missing = True
            return ""
        return str(v)

    filled = re.sub(r"\{(\w+)\}", fill, path)
    return None if missing else filled


def add_tokens_and_webhooks(world: World) -> None:
    """An admin API token and a webhook endpoint for each side's provider (the demo has none)."""
    from sonae.core.actors import Actor
    from sonae.core.services import api_token_create
    from sonae.webhooks.models import WebhookEndpoint

    for side in (world.home, world.foreign):
        membership = (
            Membership.objects.filter(organisation=side.provider, role=Role.ADMIN).order_by("pk").first()
        )
        token, secret = api_token_create(
            actor=Actor.from_membership(membership), name="matrix", role=Role.ADMIN
        )
        side.ids["api_token"] = token
        side.ids["api_secret"] = secret
        side.ids["webhook"] = WebhookEndpoint.objects.create(
            organisation=side.provider, name="matrix", url="https://example.jp/hook", secret="s" * 32
        )


def build_full_world() -> World:
    """:func:`build_world` with the foreign side completed, tokens and webhooks."""
    world = build_world()
    complete_foreign(world)
    add_tokens_and_webhooks(world)
    return world
