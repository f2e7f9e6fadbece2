"""Which coverage terms apply to an incident (issue 7 point 1).

The policy is the provider's policy in force at the incident's discovery instant (the incident must be discovered
within the policy period; cover runs from ``cover_start`` inclusive to ``cover_end`` or a cancellation exclusive).
Its plan's coverage terms (claims-contract ``terms`` shape) come from the programme year's data, together with the
response period: costs count when incurred from the discovery date up to ``response_period_days`` days after it
(programme data ``response_period_days``, default 365).

When the incident has no discovery instant yet, the received instant stands in for it (an incident is discovered at
the latest when it is reported) and the result says so, so the screens can ask for the real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sonae.core.errors import InvalidInput, NotEligible
from sonae.jp.calendar import tokyo_date
from sonae.jp.wareki import format_date_ja, format_datetime_ja
from sonae.programme.coverage_items import item_label, part_of

DEFAULT_RESPONSE_PERIOD_DAYS = 365


@dataclass(frozen=True)
class IncidentCoverage:
    """The coverage of one incident: the policy and its terms, or ``reason`` (Japanese) why none applies."""

    incident: object
    discovered_at: datetime | None
    discovered_at_assumed: bool = False
    policy: object | None = None
    terms: dict = field(default_factory=dict)
    response_period_days: int = DEFAULT_RESPONSE_PERIOD_DAYS
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def discovery_date(self) -> date | None:
        return tokyo_date(self.discovered_at) if self.discovered_at else None

    @property
    def response_period_last_day(self) -> date | None:
        """The last day costs count: the discovery date plus the response period (Tokyo dates)."""
        if self.discovery_date is None:
            return None
        return self.discovery_date + timedelta(days=self.response_period_days)

    def item_terms(self, item: str) -> dict | None:
        """The terms of a covered item (``{}`` when covered without conditions), None when not covered."""
        part = part_of(item)
        if part is None:
            return None
        return ((self.terms.get(part) or {}).get("items") or {}).get(item)

    def covered_items(self) -> list[tuple[str, str]]:
        """(part, item) of every item the plan covers, in the terms' order."""
        return [(part, item) for part, data in self.terms.items() for item in (data.get("items") or {})]

    def approval_kind(self, item: str) -> str | None:
        """``prior_approval`` or ``consent`` when the item needs the insurer's word before spending, else None."""
        terms = self.item_terms(item) or {}
        if terms.get("requires_prior_approval"):
            return "prior_approval"
        if terms.get("requires_consent"):
            return "consent"
        return None

    def check_date(self, day: date, *, today: date, field_name: str = "spent_on") -> None:
        """InvalidInput when ``day`` is outside the response period (or in the future)."""
        if self.discovery_date is None:
            return
        if day > today:
            raise InvalidInput(
                "未来の日付は登録できません。支払った日・費用が発生した日を入力してください。",
                field=field_name,
            )
        if day < self.discovery_date:
            raise InvalidInput(
                f"インシデントの発覚日（{format_date_ja(self.discovery_date)}）より前の費用は補償の対象になりません。",
                field=field_name,
            )
        last = self.response_period_last_day
        if day > last:
            raise InvalidInput(
                f"事故対応期間（発覚から{self.response_period_days}日、{format_date_ja(last)}まで）を過ぎた費用は"
                "補償の対象になりません。",
                field=field_name,
            )

    def require(self) -> IncidentCoverage:
        """Self when a policy applies; NotEligible with the Japanese reason otherwise."""
        if not self.ok:
            raise NotEligible(self.reason, code="no_coverage")
        return self


def incident_coverage(incident) -> IncidentCoverage:
    """The coverage terms that apply to ``incident``, or a clear Japanese reason why none applies."""
    from sonae.enrolment.selectors import policy_in_force

    discovered_at = incident.discovered_at
    assumed = False
    if discovered_at is None:
        discovered_at, assumed = incident.received_at, True
    if discovered_at is None:  # pragma: no cover - every incident has a received instant
        return IncidentCoverage(
            incident, None, reason="発覚日時が登録されていないため、補償条件を決められません。"
        )
    policy = policy_in_force(incident.provider, discovered_at)
    if policy is None:
        return IncidentCoverage(
            incident,
            discovered_at,
            assumed,
            reason=f"{incident.provider.name}には、発覚日時（{format_datetime_ja(discovered_at)}）に有効な保険契約が"
            "ありません。保険期間外に発覚したインシデント、または未加入・解約後のインシデントは補償の対象外です。",
        )
    try:
        terms = policy.coverage_terms()
        days = policy.response_period_days
    except InvalidInput as exc:
        return IncidentCoverage(
            incident,
            discovered_at,
            assumed,
            policy=policy,
            reason=f"契約（{policy.number}）の補償条件を読み込めません: {exc.message}",
        )
    return IncidentCoverage(
        incident,
        discovered_at,
        assumed,
        policy=policy,
        terms=terms,
        response_period_days=days or DEFAULT_RESPONSE_PERIOD_DAYS,
    )


def covered_item_choices(coverage: IncidentCoverage) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices (part label → items) of the items the plan covers, for select boxes."""
    from sonae.programme.coverage_items import PARTS

    groups: dict[str, list[tuple[str, str]]] = {}
    for part, item in coverage.covered_items():
        groups.setdefault(PARTS.get(part, part), []).append((item, item_label(item)))
    return list(groups.items())
