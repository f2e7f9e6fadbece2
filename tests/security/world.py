"""The fixture world of the isolation matrix: the demo data set plus users of every kind × role.

``home`` objects belong to the provider ``sakura-lab`` (and the hospital ``minato-hospital``); ``foreign``
objects belong to another provider ``aoba-transport`` (and the hospital ``kawase-hospital``). Every URL keyword
of every page / API route is filled from these objects by :func:`page_kwargs` / :func:`api_path`.

Each side's case (``incident``: ``INC-DEMO-0001`` / ``INC-DEMO-0002``, both on data entrusted by the side's
hospital) has a committed victims list, a letter run, an inquiry, the desk's access granted and the public
inquiry page open; a rights request on it is forwarded to the side's hospital, and a second case of the
provider on its own data (``rights_request.incident``) has a request the provider answers itself.
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
    from sonae.incidents.models import Evidence, HospitalNotice, Incident, Task, Vendor
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
        "vendor": _first(Vendor.objects.all()),  # the desk's directory: no owner to isolate
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
    "rights:hospital_": "forwarded",
    "rights:": "rights_request",
    "victims:import_": "victim_import",
    "victims:letter_": "letter_run",
    "victims:inquiry_": "inquiry",
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
            # The rights pages of a case are checked on the own-data case, where the provider answers itself.
            case = (
                getattr(ids.get("rights_request"), "incident", None) if name.startswith("rights:") else None
            )
            value = getattr(case or ids["incident"], "reference", None)
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
            if name.startswith("victims:public_"):
                value = getattr(ids.get("victim_case"), "self_service_token", None)
            else:
                value = "no-such-invitation-token"
        elif kw == "fmt":
            value = "pdf"
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
    "estimate_id": "exposure",
    "checklist_id": "vendor_checklist",
    "thread_id": "thread",
    "inquiry_id": "inquiry",
    "token_id": "api_token",
    "notification_id": "notification",
    "vendor_id": "vendor",
    "entry_id": "roster_entry",
    "roster_import_id": "roster_import",
    "attachment_id": "attachment",
}


def api_path(path: str, side: Side, case_side: Side | None = None) -> str | None:
    """``path`` with its ``{param}``s filled from ``side``'s objects (the case's ``{reference}`` from
    ``case_side``'s when given); ``None`` when the world lacks one."""
    import re

    rights_case = "/rights-requests" in path

    def value(param: str):
        if param == "reference":
            ids = (case_side or side).ids
            incident = getattr(ids.get("rights_request"), "incident", None) if rights_case else None
            return getattr(incident or ids["incident"], "reference", None)
        if param == "pk":
            key = "rights_request" if rights_case else "forwarded" if "/rights/forwarded/" in path else "?"
            return getattr(side.ids.get(key), "pk", None)
        if param == "year":
            return side.ids["incident"].programme_year.code
        if param == "version":  # duty assessment versions: the first exists on every assessed case
            return 1
        if param == "kind":  # a duty's draft: the demo cases need a preliminary report to the PPC
            return "ppc" if path.startswith("/api/v1/hospitals/") else "ppc_preliminary"
        if param == "number":
            if "/batches/" in path:  # a letter run's first print file
                return 1
            return getattr(side.ids["claim"], "number", None)
        if param == "delivery_id":
            return getattr(side.ids.get("delivery"), "delivery_id", None)
        if param == "hospital_code":
            return side.hospital.code
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


# The list of a side's case when the demo gives it none (the demo imports 200 made-up persons on the home case).
LIST_HEADER = "氏名,フリガナ,生年月日,郵便番号,住所,患者ID,漏えい項目"
LIST_ROWS = {
    "sakura-lab": "桜井 葉子,サクライ ヨウコ,1971-04-05,1000001,東京都千代田区千代田1-1,PM001,氏名;検査結果",
    "aoba-transport": "青葉 次郎,アオバ ジロウ,1965-07-14,9800811,宮城県仙台市青葉区一番町1-1,PM002,氏名;病歴",
}


def _provider_admin(side: Side):
    from sonae.core.actors import Actor

    membership = (
        Membership.objects.filter(organisation=side.provider, role=Role.ADMIN)
        .select_related("organisation", "user")
        .order_by("pk")
        .first()
    )
    return Actor.from_membership(membership)


def _add_victims(side: Side) -> None:
    """A committed list, a letter run with its batches, an inquiry, the desk's access and the public page."""
    import datetime
    import tempfile
    from pathlib import Path

    from sonae.core.keyring import get_keyring
    from sonae.victims import codes
    from sonae.victims.models import ImportJob, ImportStatus, Inquiry, InquiryCategory, LetterRun
    from sonae.victims.services import case as case_services
    from sonae.victims.services import imports, letters, lookup
    from sonae.victims.services.scope import committed_victims

    actor, incident = _provider_admin(side), side.ids["incident"]
    committed = ImportJob.objects.filter(incident=incident, status=ImportStatus.COMMITTED)
    if not committed.exists():  # the demo imports the home list; the foreign case gets one person
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "list.csv"
            path.write_text(f"{LIST_HEADER}\n{LIST_ROWS[side.provider.code]}\n", encoding="utf-8")
            job = imports.import_job_create(actor=actor, incident=incident, name="list.csv", path=str(path))
            source = imports.job_source(job, str(path))
            job = imports.import_validate(job=job, source=source, workers=0)
            imports.import_commit(actor=actor, job=job, source=imports.job_source(job, str(path)), workers=0)
    assert committed.exists(), f"no committed list on {incident.reference}"
    if not LetterRun.objects.filter(incident=incident).exists():
        run = letters.letter_run_start(actor=actor, incident=incident, letter_date=datetime.date(2026, 3, 1))
        letters.letter_run_execute(run.pk)
    if not Inquiry.objects.filter(incident=incident).exists():
        lookup.inquiry_record(
            actor=actor,
            incident=incident,
            victim=committed_victims(incident).order_by("pk").first(),
            category=InquiryCategory.LETTER,
            answer="お詫び状の再送を受け付けた。",
        )
    case_services.desk_access_set(actor=actor, incident=incident, granted=True)
    case = case_services.self_service_set(actor=actor, incident=incident, enabled=True)
    # A person who got a letter: what they type on the public page (the code on the letter, the birth date).
    person = (
        committed_victims(incident)
        .filter(letter_sequence__isnull=False, excluded=False)
        .order_by("pk")
        .first()
    )
    side.ids.update(
        victim_case=case,
        victim_import=committed.order_by("pk").first(),
        letter_run=LetterRun.objects.filter(incident=incident).order_by("pk").first(),
        inquiry=Inquiry.objects.filter(incident=incident).order_by("pk").first(),
        person_code=codes.inquiry_code(get_keyring(), incident.pk, person.letter_sequence),
        person_birth=person.record["birth"],
    )


def _add_rights(side: Side) -> None:
    """A request on the (entrusted) case forwarded to the side's hospital, and a second case of the provider on its
    own data with a request it answers itself."""
    import datetime

    from sonae.incidents.services import incident_report
    from sonae.rights.models import RightsRequest
    from sonae.rights.services import rights_request_receive

    actor, incident = _provider_admin(side), side.ids["incident"]
    assert incident.entrusting_hospital_id == side.hospital.pk, incident.reference
    received_on = datetime.date(2026, 3, 2)
    forwarded = (
        RightsRequest.objects.filter(incident=incident, forwarded_to=side.hospital).order_by("pk").first()
    )
    if forwarded is None:  # the demo forwards one on the home case
        forwarded = rights_request_receive(
            actor=actor,
            incident=incident,
            kind="suspension",
            channel="call",
            received_on=received_on,
            asked="自分のデータの利用を停止してほしい。",
            requester_name="青葉 次郎",
        )
    own = incident_report(
        actor=actor,
        channel="web",
        provider=side.provider,
        symptoms=["lost_or_stolen"],
        title="顧客名簿の入ったUSBメモリを紛失",
        data_items=["name"],
        persons_estimate=10,
        data_owner="own",
    )
    request = rights_request_receive(
        actor=actor,
        incident=own,
        kind="disclosure",
        channel="letter",
        received_on=received_on,
        asked="保有している私の個人データを開示してほしい。",
        requester_name="山田 一郎",
    )
    # The desk takes requests for the provider only while it is granted the case's personal data (DESIGN §1).
    from sonae.victims.services import case as case_services

    case_services.desk_access_set(actor=actor, incident=own, granted=True)
    assert forwarded.forwarded_to_id == side.hospital.pk and request.forwarded_to_id is None
    side.ids.update(forwarded=forwarded, rights_request=request)


def add_rights_and_victims(world: World) -> None:
    """What the rights and victims routes need, on both sides (see the module's docstring)."""
    for side in (world.home, world.foreign):
        _add_victims(side)
        _add_rights(side)


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
    """:func:`build_world` with the foreign side completed, rights and victims objects, tokens and webhooks."""
    world = build_world()
    complete_foreign(world)
    add_rights_and_victims(world)  # before the webhooks: its events must not be sent to their endpoints
    add_tokens_and_webhooks(world)
    return world
