"""Aggregate reads: the agency's funnel and overdue/at-risk lists, the foundation's anonymous statistics.

Scoped like every selector: the funnel needs ``enrolment.backoffice.view`` (agency), the statistics
``enrolment.statistics.view`` (foundation, agency). Statistics carry counts only — never a business's premium.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sonae.core.actors import Actor
from sonae.core.policy import require as _require
from sonae.jp.calendar import tokyo_date
from sonae.programme.businesses import BUSINESSES
from sonae.programme.models import ProgrammeYear

from .models import Application, Certification, Policy, Quote
from .rules import REGIONS, region_of

AT_RISK_DAYS = 7


@dataclass
class FunnelStep:
    code: str
    label: str
    count: int
    amount: int | None


@dataclass
class Attention:
    """An item the agency should look at: what, whose, the deadline and how many days are left (negative: overdue)."""

    kind: str
    label: str
    organisation: str
    number: str
    deadline: date
    days_left: int
    url_name: str
    pk: int


@dataclass
class Funnel:
    year: ProgrammeYear
    steps: list[FunnelStep]
    overdue: list[Attention] = field(default_factory=list)
    at_risk: list[Attention] = field(default_factory=list)


def eligible_count(year: ProgrammeYear) -> int:
    """Roster businesses with a certification valid on the period start date."""
    day = tokyo_date(year.period_start)
    return (
        Certification.objects.filter(certified_from__lte=day, valid_until__gte=day)
        .values("entry_id")
        .distinct()
        .count()
    )


def funnel(actor: Actor, year: ProgrammeYear, *, at: datetime) -> Funnel:
    """eligible → quoted → applied → accepted → paid → policy, counted per business, with premium amounts."""
    _require(actor, "enrolment.backoffice.view")
    quotes = list(Quote.objects.filter(programme_year=year).order_by("organisation_id", "-issued_at"))
    latest_quote: dict[int, Quote] = {}
    for q in quotes:
        latest_quote.setdefault(q.organisation_id, q)
    apps = list(
        Application.objects.filter(programme_year=year)
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("quote", "organisation")
        .prefetch_related("deposits")
    )
    applied = [a for a in apps if a.status in (Application.Status.SUBMITTED, Application.Status.ACCEPTED)]
    accepted = [a for a in apps if a.status == Application.Status.ACCEPTED]
    paid = [a for a in apps if a.payment_status in ("paid", "overpaid")]
    policies = list(Policy.objects.filter(programme_year=year))
    quoted_amount = sum(
        min(p["premium"] for p in q.premiums.values()) for q in latest_quote.values() if q.premiums
    )
    steps = [
        FunnelStep("eligible", "加入資格あり（名簿）", eligible_count(year), None),
        FunnelStep("quoted", "見積済", len(latest_quote), quoted_amount),
        FunnelStep("applied", "加入依頼書 提出", len(applied), sum(a.premium for a in applied)),
        FunnelStep("accepted", "受理", len(accepted), sum(a.premium for a in accepted)),
        FunnelStep("paid", "入金済", len(paid), sum(a.paid_total for a in paid)),
        FunnelStep("policy", "契約（加入者証発行）", len(policies), sum(p.premium for p in policies)),
    ]
    result = Funnel(year=year, steps=steps)
    today = tokyo_date(at)

    def add(kind, label, org, number, deadline, url_name, pk):
        days_left = (deadline - today).days
        item = Attention(kind, label, org, number, deadline, days_left, url_name, pk)
        if days_left < 0:
            result.overdue.append(item)
        elif days_left <= AT_RISK_DAYS:
            result.at_risk.append(item)

    for q in latest_quote.values():
        if q.status == Quote.Status.ISSUED:
            add(
                "quote",
                "見積後、加入依頼書が未作成",
                q.company_name,
                q.number,
                q.application_deadline,
                "enrolment:quote_detail",
                q.pk,
            )
    for a in apps:
        if hasattr(a, "policy"):
            continue
        if a.status in (Application.Status.DRAFT, Application.Status.RETURNED):
            label = "差戻し後、未再提出" if a.status == Application.Status.RETURNED else "加入依頼書が未提出"
            add(
                "application",
                label,
                a.organisation.name,
                a.number,
                a.deadline,
                "enrolment:application_detail",
                a.pk,
            )
        elif a.status == Application.Status.SUBMITTED:
            add(
                "review",
                "代理店の確認待ち",
                a.organisation.name,
                a.number,
                a.deadline,
                "enrolment:application_detail",
                a.pk,
            )
        if a.payment_status in ("unpaid", "partial"):
            label = "保険料が未入金" if a.payment_status == "unpaid" else "保険料が一部入金（不足）"
            add(
                "payment",
                label,
                a.organisation.name,
                a.number,
                a.deadline,
                "enrolment:application_detail",
                a.pk,
            )
    result.overdue.sort(key=lambda i: i.deadline)
    result.at_risk.sort(key=lambda i: i.deadline)
    return result


@dataclass
class StatRow:
    label: str
    certified: int
    quoted: int
    enrolled: int

    @property
    def rate(self) -> str:
        return f"{self.enrolled / self.certified:.0%}" if self.certified else "—"


@dataclass
class Statistics:
    year: ProgrammeYear
    on: date
    by_business: list[StatRow]
    by_region: list[StatRow]
    by_prefecture: list[StatRow]
    total: StatRow


def statistics(actor: Actor, year: ProgrammeYear) -> Statistics:
    """Certified businesses (valid on the period start), quoted and enrolled, by 業務 and by region/prefecture.

    Counts businesses, never amounts: the foundation sees no premium of any business (issue 5 §8).
    """
    _require(actor, "enrolment.statistics.view")
    day = tokyo_date(year.period_start)
    certs = list(
        Certification.objects.filter(certified_from__lte=day, valid_until__gte=day).select_related("entry")
    )
    quoted_numbers = set(Quote.objects.filter(programme_year=year).values_list("corporate_number", flat=True))
    enrolled_numbers = set(
        Policy.objects.filter(programme_year=year, status=Policy.Status.IN_FORCE).values_list(
            "corporate_number", flat=True
        )
    )
    entries = {c.entry.corporate_number: c.entry for c in certs}

    def row(label: str, numbers: set[str]) -> StatRow:
        return StatRow(label, len(numbers), len(numbers & quoted_numbers), len(numbers & enrolled_numbers))

    by_business = []
    for business in BUSINESSES:
        numbers = {c.entry.corporate_number for c in certs if c.business == business.code}
        by_business.append(row(business.label, numbers))
    prefectures = Counter()
    by_pref_numbers: dict[str, set[str]] = {}
    for number, entry in entries.items():
        key = entry.prefecture or "不明"
        prefectures[key] += 1
        by_pref_numbers.setdefault(key, set()).add(number)
    by_prefecture = [
        row(p, by_pref_numbers[p]) for p in sorted(by_pref_numbers, key=lambda p: (-prefectures[p], p))
    ]
    by_region = []
    for region in [*REGIONS, "不明"]:
        numbers = {n for n, e in entries.items() if (region_of(e.prefecture) or "不明") == region}
        if numbers:
            by_region.append(row(region, numbers))
    return Statistics(year, day, by_business, by_region, by_prefecture, row("合計", set(entries)))


def default_year(at: datetime) -> ProgrammeYear | None:
    """The year to show first: the one in force, else the next to start, else the latest."""
    from sonae.programme.selectors import programme_year_at

    year = programme_year_at(at)
    if year is not None:
        return year
    upcoming = ProgrammeYear.objects.filter(period_start__gt=at).order_by("period_start").first()
    return upcoming or ProgrammeYear.objects.order_by("-period_start").first()


def days_until(deadline: date, at: datetime) -> int:
    return (deadline - tokyo_date(at)).days
