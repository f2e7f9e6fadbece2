"""Incidents seen from the hospital (issue 11 point 4) and the case's questions and joint-report flag (point 5).

A hospital reaches a case only through a notice the contractor sent to it (``incidents.selectors
.hospital_notices_for``): the notice letter, the facts the contractor recorded for the legal assessment (codes and
counts — never a victim's personal data, never the caller's name or number, never evidence), and its **own** duties
computed by the duties engine from the day it received the notice (Sonae reading R7). The provider reaches the
same conversation through its own case (``incidents.selectors.incident_get``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import JSONField, OuterRef, Prefetch, QuerySet, Subquery

from sonae.core.actors import Actor
from sonae.core.errors import InvalidInput, NotFound
from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import (
    APPI_CATEGORY_LABELS,
    CAUSE_LABELS,
    DATA_ITEM_LABELS,
    EXFILTRATION_LABELS,
    assess,
    parse_facts,
)
from sonae.incidents import selectors as incident_selectors
from sonae.incidents.models import HospitalNotice, Incident
from sonae.jp.calendar import to_tokyo

from ..models import CaseMessage, JointReport

# --- which case, for whom ------------------------------------------------------------------------------------------


def notices_for(actor: Actor | None) -> QuerySet[HospitalNotice]:
    """The hospital's inbox (the incidents app's scope: notices sent to its organisation)."""
    if actor is None or actor.kind != OrganisationKind.HOSPITAL or not actor.may("hospitals.case.view"):
        return HospitalNotice.objects.none()
    return incident_selectors.hospital_notices_for(actor)


def notice_get(actor: Actor | None, pk) -> HospitalNotice:
    try:
        return notices_for(actor).get(pk=pk)
    except (HospitalNotice.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def case_for_provider(actor: Actor | None, reference: str) -> Incident:
    """The provider's own case (another provider's, or any case for other kinds, is NotFound)."""
    if actor is None or actor.kind != OrganisationKind.PROVIDER or not actor.may("hospitals.question.view"):
        raise NotFound()
    incident = incident_selectors.incident_get(actor, reference)
    if incident.provider_id != actor.organisation.pk:
        raise NotFound()
    return incident


def notified_hospitals(incident: Incident) -> list[Organisation]:
    """Hospitals that received a notice of this case: the other side of its conversations."""
    ids = (
        HospitalNotice.objects.filter(incident=incident, sent_at__isnull=False, hospital__isnull=False)
        .values_list("hospital_id", flat=True)
        .distinct()
    )
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


def hospital_of_case_get(actor: Actor | None, incident: Incident, hospital_id) -> Organisation:
    """A hospital notified of the provider's case (for replies and the joint flag from the provider's side)."""
    case_for_provider(actor, incident.reference)
    for hospital in notified_hospitals(incident):
        if str(hospital.pk) == str(hospital_id):
            return hospital
    raise NotFound()


# --- the facts the contractor shared ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedFacts:
    discovered_at: datetime | None
    cause: str
    cause_label: str
    data_items: tuple[str, ...]
    data_item_labels: tuple[str, ...]
    persons: int | None
    exfiltration_label: str
    encrypted_high_level: bool
    backup_intact: bool
    assessment_version: int | None  # None: taken from the incident record (no assessment yet)
    raw: dict = field(default_factory=dict, repr=False)


def _instant_text(value: datetime | None) -> str | None:
    return to_tokyo(value).isoformat() if value is not None else None


def _incident_facts(incident: Incident) -> dict:
    """The engine's input as far as the incident record knows it (used until the case has an assessment)."""
    from sonae.incidents import triage

    cause = incident.cause or (triage.cause_for(incident.category) if incident.category else None)
    return {
        "discovered_at": _instant_text(incident.discovered_at or incident.received_at),
        "role": "contractor",
        "data_items": list(incident.data_items or []),
        "persons": incident.persons_estimate,
        "cause": cause or None,
    }


def _assessments():
    try:
        from sonae.duties.models import DutyAssessment
    except ImportError:  # the duties app's case assessments are optional for this page
        return None
    return DutyAssessment.objects


def _latest_assessment_facts(incident: Incident) -> tuple[dict, int] | None:
    assessments = _assessments()
    latest = (
        None if assessments is None else assessments.filter(incident=incident).order_by("-version").first()
    )
    if latest is None:
        return None
    return dict(latest.facts), latest.version


def shared_facts(incident: Incident) -> SharedFacts:
    """The latest assessment's facts (or the incident's record before the first assessment)."""
    return _shared_facts(incident, _latest_assessment_facts(incident))


def _shared_facts(incident: Incident, found: tuple[dict, int] | None) -> SharedFacts:
    facts, version = found if found is not None else (_incident_facts(incident), None)
    discovered = facts.get("discovered_at")
    try:
        discovered_at = datetime.fromisoformat(discovered) if discovered else None
    except (TypeError, ValueError):
        discovered_at = None
    items = tuple(facts.get("data_items") or ())
    cause = facts.get("cause") or ""
    return SharedFacts(
        discovered_at=discovered_at,
        cause=cause,
        cause_label=CAUSE_LABELS.get(cause, "調査中"),
        data_items=items,
        data_item_labels=tuple(DATA_ITEM_LABELS.get(c, c) for c in items),
        persons=facts.get("persons"),
        exfiltration_label=EXFILTRATION_LABELS.get(facts.get("exfiltration_evidence") or "unknown", ""),
        encrypted_high_level=bool(facts.get("encrypted_high_level")),
        backup_intact=bool(facts.get("backup_intact")),
        assessment_version=version,
        raw=facts,
    )


# --- the hospital's own duties (R7, R8) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HospitalDuties:
    available: bool
    message: str = ""
    reportable: bool = False
    categories: tuple[str, ...] = ()
    knowing_date: date | None = None
    preliminary_report_target: date | None = None
    final_report_due: date | None = None
    final_period_days: int | None = None
    individual_notice_required: bool = False
    joint: bool = False
    joint_preliminary_target: date | None = None
    joint_final_due: date | None = None
    my_number: bool = False
    basis: tuple[str, ...] = ()

    @property
    def category_labels(self) -> list[str]:
        return [APPI_CATEGORY_LABELS.get(c, c) for c in self.categories]


def hospital_duties(facts: SharedFacts, *, received_at: datetime, joint: bool) -> HospitalDuties:
    """The entrusting party's own duties from the day it received the contractor's notice (Sonae reading R7); with
    a joint report the contractor's clock governs the report and the individual notice falls on the hospital (R8)."""
    payload = {
        **facts.raw,
        "role": "contractor",
        "entrusting_party_notified_at": _instant_text(received_at),
        "joint_report": joint,
    }
    try:
        result = assess(parse_facts(payload))
    except InvalidInput as exc:
        return HospitalDuties(
            available=False,
            message="委託先から共有された情報がまだ足りないため、期限を計算できません"
            f"（{exc.message}）。委託先に確認してください。",
        )
    appi = result.appi
    my_number = "my_number" in facts.data_items
    if not appi.reportable_situation:
        return HospitalDuties(
            available=True,
            reportable=False,
            message="共有された事実からは、個人情報保護委員会への報告が必要な事態には当たりません。"
            "事実が変わったときは改めて確認してください。",
            joint=joint,
            my_number=my_number,
            basis=appi.basis,
        )
    ep = appi.entrusting_party
    return HospitalDuties(
        available=True,
        reportable=True,
        categories=appi.categories,
        knowing_date=ep.knowing_date,  # Sonae reading R7
        preliminary_report_target=ep.preliminary_report_target,
        final_report_due=ep.final_report_due,
        final_period_days=ep.final_period_days,
        individual_notice_required=ep.individual_notice_required,
        joint=joint,
        joint_preliminary_target=appi.preliminary_report_target if joint else None,  # Sonae reading R8
        joint_final_due=appi.final_report_due if joint else None,
        my_number=my_number,
        basis=appi.basis,
    )


@dataclass
class CaseView:
    notice: HospitalNotice
    incident: Incident
    facts: SharedFacts
    duties: HospitalDuties
    joint: JointReport | None
    notices: list[HospitalNotice]


def first_notice_received(incident: Incident, hospital: Organisation) -> HospitalNotice | None:
    """The first notice of the case this hospital received: its clock starts there (R7)."""
    return (
        HospitalNotice.objects.filter(incident=incident, hospital=hospital, sent_at__isnull=False)
        .order_by("sent_at", "id")
        .first()
    )


def case_view(actor: Actor | None, notice: HospitalNotice) -> CaseView:
    """Everything the notice page shows; ``notice`` must come from ``notice_get``."""
    notice_get(actor, notice.pk)
    incident = notice.incident
    hospital = actor.organisation
    joint = joint_report_for(incident, hospital)
    first = first_notice_received(incident, hospital) or notice
    facts = shared_facts(incident)
    return CaseView(
        notice=notice,
        incident=incident,
        facts=facts,
        duties=hospital_duties(facts, received_at=first.sent_at, joint=bool(joint and joint.enabled)),
        joint=joint,
        notices=list(notices_for(actor).filter(incident=incident)),
    )


def notices_with_duties(actor: Actor | None) -> QuerySet[HospitalNotice]:
    """The hospital's inbox (``notices_for``) with what its own duties in each case depend on read alongside: when
    it first received a notice of the case, whether the case is reported jointly, and the latest assessment's facts
    — so that a list gives every row's ``notice_duties`` without a query per row."""
    first = HospitalNotice.objects.filter(
        incident=OuterRef("incident"), hospital=OuterRef("hospital"), sent_at__isnull=False
    ).order_by("sent_at", "id")
    joint = JointReport.objects.filter(incident=OuterRef("incident"), hospital=OuterRef("hospital"))
    notices = notices_for(actor).annotate(
        first_received_at=Subquery(first.values("sent_at")[:1]),
        joint_enabled=Subquery(joint.values("enabled")[:1]),
    )
    assessments = _assessments()
    if assessments is None:
        return notices
    latest = assessments.filter(incident=OuterRef("incident")).order_by("-version")
    return notices.annotate(
        latest_facts=Subquery(latest.values("facts")[:1], output_field=JSONField()),
        latest_version=Subquery(latest.values("version")[:1]),
    )


def notice_duties(notice: HospitalNotice) -> HospitalDuties:
    """The hospital's own duties in the case of a notice from ``notices_with_duties`` (what ``case_view`` gives as
    ``duties``)."""
    version = getattr(notice, "latest_version", None)
    found = (dict(notice.latest_facts), version) if version is not None else None
    return hospital_duties(
        _shared_facts(notice.incident, found),
        received_at=notice.first_received_at or notice.sent_at,
        joint=bool(notice.joint_enabled),
    )


# --- questions and the joint flag ----------------------------------------------------------------------------------


def joint_report_for(incident: Incident, hospital: Organisation) -> JointReport | None:
    return (
        JointReport.objects.filter(incident=incident, hospital=hospital)
        .select_related("updated_by", "updated_by_organisation")
        .first()
    )


def threads_for(incident: Incident, hospital: Organisation) -> list[CaseMessage]:
    """The questions of one case and one hospital, oldest first, each with its answers (``.thread``)."""
    replies = CaseMessage.objects.select_related("author_organisation").order_by("created_at", "id")
    return list(
        CaseMessage.objects.filter(incident=incident, hospital=hospital, parent__isnull=True)
        .select_related("author_organisation")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread"))
        .order_by("created_at", "id")
    )


def thread_get(incident: Incident, hospital: Organisation, pk) -> CaseMessage:
    try:
        return CaseMessage.objects.get(incident=incident, hospital=hospital, parent__isnull=True, pk=pk)
    except (CaseMessage.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def case_thread_get(actor: Actor | None, incident: Incident, pk) -> CaseMessage:
    """A question on the provider's case with any hospital notified of it (the provider's side of ``thread_get``)."""
    case_for_provider(actor, incident.reference)
    hospitals = [h.pk for h in notified_hospitals(incident)]
    try:
        return CaseMessage.objects.select_related("hospital").get(
            incident=incident, hospital_id__in=hospitals, parent__isnull=True, pk=pk
        )
    except (CaseMessage.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
