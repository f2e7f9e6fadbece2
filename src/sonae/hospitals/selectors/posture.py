"""What an accepted contractor shares with one hospital: insurance status, latest self-check, vendor checklist,
cyber-BCP — each only while the provider's consent for that hospital is on (issue 11 point 2).

These functions take a link the caller has already scoped (``contractor_link_get`` / ``contractor_links_for``) and
read the other apps by organisation. Nothing here ever reads the premium, the BCP's contact chart or any other
field the consent does not cover. Views record each hospital view with ``services.shared_view_record``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sonae.core.actors import Actor
from sonae.incidents.models import HospitalNotice

from ..models import ContractorLink
from ..rules import SHARING_SECTIONS
from .links import contractor_links_for


@dataclass(frozen=True)
class InsuranceView:
    in_force: bool
    plan: str = ""
    plan_label: str = ""
    cover_start: datetime | None = None
    cover_end: datetime | None = None
    year_name: str = ""


@dataclass(frozen=True)
class ScoreView:
    score: int
    band: str
    band_label: str
    level: str
    taken_at: datetime


@dataclass(frozen=True)
class ChecklistItemView:
    number: str
    section: str
    text: str
    answer: str  # yes / no
    answer_label: str
    target_date: date | None
    overdue: bool
    note: str


@dataclass(frozen=True)
class ChecklistView:
    checked_on: date
    complete: bool
    yes: int
    no: int
    total: int
    overdue_count: int
    items: tuple[ChecklistItemView, ...]


@dataclass(frozen=True)
class BcpView:
    status: str  # draft / adopted
    status_label: str
    reviewed_on: date | None
    next_review: date | None
    review_label: str


@dataclass
class Posture:
    """One contractor as one hospital sees it. ``shared[section]`` says whether the consent is on; a section's value
    is None when it is not shared or when the contractor has nothing to show yet (the template tells them apart)."""

    link: ContractorLink
    shared: dict[str, bool] = field(default_factory=dict)
    insurance: InsuranceView | None = None
    score: ScoreView | None = None
    checklist: ChecklistView | None = None
    bcp: BcpView | None = None

    @property
    def shared_sections(self) -> list[str]:
        return [code for code, on in self.shared.items() if on]


def _plan_label(policy) -> str:
    from sonae.programme.selectors import terms_for

    try:
        return terms_for(policy.programme_year).plan(policy.plan).name
    except Exception:  # terms not loaded or plan renamed: the code is still meaningful
        return f"プラン{policy.plan}"


def _insurance_view(policy) -> InsuranceView:
    """Policy in force, plan and period — never the premium."""
    if policy is None:
        return InsuranceView(in_force=False)
    end = (
        min(policy.cover_end, policy.cancel_effective_at) if policy.cancel_effective_at else policy.cover_end
    )
    return InsuranceView(
        in_force=True,
        plan=policy.plan,
        plan_label=_plan_label(policy),
        cover_start=policy.cover_start,
        cover_end=end,
        year_name=policy.programme_year.name,
    )


def _score_view(latest: tuple[int, str, datetime] | None) -> ScoreView | None:
    from sonae.selfcheck.rules.scoring import BAND_BY_CODE

    if latest is None:
        return None
    score, band_code, taken_at = latest
    band = BAND_BY_CODE.get(band_code)
    return ScoreView(
        score=score,
        band=band_code,
        band_label=band.label if band else band_code,
        level=band.level if band else "secondary",
        taken_at=taken_at,
    )


def _checklist_view(checklist, today: date) -> ChecklistView | None:
    """The latest MHLW vendor checklist: every item's answer, with the target date of every いいえ."""
    from sonae.selfcheck.rules import vendor_checklist as vcl
    from sonae.selfcheck.selectors import vendor_checklist_summary

    if checklist is None:
        return None
    summary = vendor_checklist_summary(checklist, today)
    answers = vcl.parse_stored(checklist.answers)
    items = []
    for item in vcl.ITEMS:
        answer = answers.get(item.code)
        if answer is None:
            continue
        overdue = answer.answer == vcl.NO and answer.target_date is not None and answer.target_date < today
        items.append(
            ChecklistItemView(
                number=item.number,
                section=vcl.SECTION_BY_CODE[item.section].label,
                text=item.text,
                answer=answer.answer,
                answer_label=vcl.ANSWER_LABELS.get(answer.answer, answer.answer),
                target_date=answer.target_date if answer.answer == vcl.NO else None,
                overdue=overdue,
                note=answer.note,
            )
        )
    return ChecklistView(
        checked_on=checklist.checked_on,
        complete=summary.complete,
        yes=summary.yes,
        no=summary.no,
        total=summary.total,
        overdue_count=len(summary.overdue),
        items=tuple(items),
    )


def _bcp_rows(provider_ids) -> dict[int, dict]:
    """Status and last review date only (the plan's contact chart holds personal data and is never read here)."""
    from sonae.selfcheck.models import BcpPlan

    rows = BcpPlan.objects.filter(
        organisation_id__in=list(provider_ids)
    ).order_by()  # one plan per organisation
    return {row["organisation_id"]: row for row in rows.values("organisation_id", "status", "reviewed_on")}


def _bcp_view(row: dict | None, today: date) -> BcpView | None:
    from sonae.selfcheck.rules import bcp as bcp_rules

    if row is None:
        return None
    adopted = row["status"] == bcp_rules.ADOPTED
    review = bcp_rules.review_state(row["reviewed_on"], today) if adopted else bcp_rules.REVIEW_NONE
    return BcpView(
        status=row["status"],
        status_label=bcp_rules.STATUS_LABELS.get(row["status"], row["status"]),
        reviewed_on=row["reviewed_on"],
        next_review=bcp_rules.next_review_due(row["reviewed_on"]) if adopted else None,
        review_label=bcp_rules.REVIEW_LABELS.get(review, "") if adopted else "",
    )


def posture_for(link: ContractorLink, *, now: datetime, today: date) -> Posture:
    """What ``link``'s hospital may see of its contractor right now (consents are read from the link as stored, so
    a withdrawn consent hides the section on the next request)."""
    return postures_for([link], now=now, today=today)[0]


def postures_for(links: list[ContractorLink], *, now: datetime, today: date) -> list[Posture]:
    """``posture_for`` of each link, each section read once for all the contractors that share it (a list of
    contractors reads a fixed number of queries, and nothing of a contractor whose consent for it is off)."""
    from sonae.enrolment.selectors import policies_in_force
    from sonae.selfcheck.selectors import latest_scores, latest_vendor_checklists

    postures = [
        Posture(link=link, shared={code: link.shares(code) for code in SHARING_SECTIONS}) for link in links
    ]

    sharing = {
        section: {p.link.provider_id for p in postures if p.shared[section]} for section in SHARING_SECTIONS
    }
    policies = policies_in_force(sharing["insurance"], now) if sharing["insurance"] else {}
    scores = latest_scores(sharing["selfcheck"]) if sharing["selfcheck"] else {}
    checklists = latest_vendor_checklists(sharing["checklist"]) if sharing["checklist"] else {}
    bcps = _bcp_rows(sharing["bcp"]) if sharing["bcp"] else {}
    for posture in postures:
        provider_id = posture.link.provider_id
        if posture.shared["insurance"]:
            posture.insurance = _insurance_view(policies.get(provider_id))
        if posture.shared["selfcheck"]:
            posture.score = _score_view(scores.get(provider_id))
        if posture.shared["checklist"]:
            posture.checklist = _checklist_view(checklists.get(provider_id), today)
        if posture.shared["bcp"]:
            posture.bcp = _bcp_view(bcps.get(provider_id), today)
    return postures


@dataclass
class ContractorRow:
    posture: Posture
    last_notice: HospitalNotice | None

    @property
    def link(self) -> ContractorLink:
        return self.posture.link


@dataclass(frozen=True)
class ContractorFilters:
    business: str = ""
    insured: str = ""  # "yes" / "no" / "hidden"
    checklist: str = ""  # "complete" / "incomplete" / "overdue" / "none" / "hidden"
    site: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.business, self.insured, self.checklist, self.site, self.q))


def _matches(row: ContractorRow, filters: ContractorFilters) -> bool:
    posture = row.posture
    if filters.insured:
        if not posture.shared["insurance"]:
            state = "hidden"
        else:
            state = "yes" if posture.insurance and posture.insurance.in_force else "no"
        if state != filters.insured:
            return False
    if filters.checklist:
        checklist = posture.checklist
        if not posture.shared["checklist"]:
            state = {"hidden"}
        elif checklist is None:
            state = {"none", "incomplete"}
        else:
            state = {"complete"} if checklist.complete else {"incomplete"}
            if checklist.overdue_count:
                state.add("overdue")
        if filters.checklist not in state:
            return False
    return True


def contractor_rows(
    actor: Actor | None, *, now: datetime, today: date, filters: ContractorFilters | None = None
) -> list[ContractorRow]:
    """The hospital's contractors in one table: 業務, insured?, checklist complete?, items overdue, last incident
    notified to this hospital. Filters by 業務, site and name in the database, by shared status in Python."""
    filters = filters or ContractorFilters()
    links = contractor_links_for(actor)
    if filters.business:
        # JSON containment is not portable across SQLite and PostgreSQL: filter the (short) list in Python.
        links = [link for link in links if filters.business in link.business_codes]
    if filters.site:
        links = [link for link in links if str(link.site_id) == filters.site]
    if filters.q:
        needle = filters.q.strip()
        links = [
            link
            for link in links
            if needle in link.provider.name or needle in (link.provider.name_kana or "")
        ]
    links = list(links)
    last_notices = _last_notices(actor, [link.provider_id for link in links])
    rows = [
        ContractorRow(posture, last_notices.get(posture.link.provider_id))
        for posture in postures_for(links, now=now, today=today)
    ]
    return [row for row in rows if _matches(row, filters)]


def _last_notices(actor: Actor | None, provider_ids: list[int]) -> dict[int, HospitalNotice]:
    """The latest notice each provider sent to this hospital (only notices addressed to it count): the ids of all
    of them in one narrow query, the latest of each provider in a second."""
    if actor is None or not provider_ids:
        return {}
    sent = HospitalNotice.objects.filter(
        hospital=actor.organisation, sent_at__isnull=False, incident__provider_id__in=provider_ids
    )
    latest: dict[int, int] = {}
    for pk, provider_id in sent.order_by(
        "incident__provider_id", "-sent_at", "-created_at", "-id"
    ).values_list("pk", "incident__provider_id"):
        latest.setdefault(provider_id, pk)
    if not latest:
        return {}
    notices = HospitalNotice.objects.select_related("incident").in_bulk(list(latest.values()))
    return {provider_id: notices[pk] for provider_id, pk in latest.items()}


def last_notice_for(actor: Actor | None, link: ContractorLink) -> HospitalNotice | None:
    return _last_notices(actor, [link.provider_id]).get(link.provider_id)
