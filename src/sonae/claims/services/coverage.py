"""The insurer's coverage decision and the approval gate it opens (issue 12 point 3).

``coverage_decide`` records the facts the insurer confirmed and, where it departs from the determination, an
override with a written reason — one new ``CoverageDecision`` row, audited in the same transaction, the provider
notified after commit. ``require_coverage_confirmed`` is called by ``claim_transition`` when a claim is approved:
a claim on an incident that is not covered, or still needs review, cannot be approved without that override.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.programme.cover_terms import EXCLUSIONS
from sonae.programme.coverage_items import PARTS

from ..coverage_status import DECIDE_ACTION, coverage_status, determine_incident
from ..determination import COVERED, OUTCOME_LABELS
from ..models import CoverageDecision, CoverageOverride
from .common import actor_label, audit_actor, notify_organisation, require, url_or_blank

MAX_REASON = 4000


class CoverageNotConfirmed(IllegalTransition):
    """The claim cannot be approved: its incident's coverage is not confirmed (not covered or needs review)."""

    code = "coverage_not_confirmed"
    default_message = "補償の対象であることが確認されていないため、認定できません。"


def _clean_facts(facts) -> dict[str, bool | None]:
    if facts is None:
        return {}
    if not isinstance(facts, Mapping):
        raise InvalidInput("確認した事実の形式が正しくありません。", field="facts")
    unknown = sorted(set(facts) - set(EXCLUSIONS))
    if unknown:
        raise InvalidInput(f"不明な事実の項目です: {', '.join(unknown)}", field="facts")
    cleaned = {}
    for code in EXCLUSIONS:  # stored in the vocabulary's order
        if code in facts:
            value = facts[code]
            if value not in (True, False, None):
                raise InvalidInput(
                    "事実は「該当する」「該当しない」「未確認」のいずれかです。", field=f"facts.{code}"
                )
            cleaned[code] = value
    return cleaned


def coverage_decide(
    *,
    actor: Actor,
    incident,
    facts: Mapping[str, bool | None] | None = None,
    override: str = "",
    reason: str = "",
) -> CoverageDecision:
    """Record the insurer's decision on an incident's coverage: the facts it confirmed (exclusion code →
    True/False/None), optionally an override (``covered`` / ``not_covered``) that needs a written reason. An
    override equal to the determination is no override. Returns the new decision (the latest counts)."""
    require(actor, DECIDE_ACTION)
    facts = _clean_facts(facts)
    override = override or ""
    if override not in CoverageOverride.values:
        raise InvalidInput(
            "判定の変更は「補償対象と認める」「補償対象外とする」のいずれかです。", field="override"
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"理由は{MAX_REASON}文字以内で入力してください。", field="reason")
    from sonae.incidents.models import Incident

    with transaction.atomic():
        # One decision at a time per incident: each is made on the one before it.
        incident = Incident.objects.select_for_update().select_related("provider").get(pk=incident.pk)
        determination, policy = determine_incident(incident, facts=facts)
        if override == determination.outcome:
            override = ""
        if override and not reason:
            raise InvalidInput(
                "判定を変更する理由を入力してください（契約者にも表示されます）。", field="reason"
            )
        outcome = override or determination.outcome
        decision = CoverageDecision.objects.create(
            incident=incident,
            policy=policy,
            facts=facts,
            determined_outcome=determination.outcome,
            determination=determination.to_dict(),
            override=override,
            outcome=outcome,
            reason=reason,
            terms_version=determination.version,
            decided_by=actor.user,
            decided_by_label=actor_label(actor),
            decided_by_organisation=actor.organisation,
            decided_at=timezone.now(),
        )
        audit_record(
            action="claims.coverage_decided",
            target=decision,
            reason=reason,
            data={
                "incident": incident.reference,
                "policy": policy.number if policy is not None else None,
                "determined": determination.outcome,
                "reasons": determination.codes(),
                "override": override,
                "outcome": outcome,
                "facts": facts,
                "terms_version": determination.version,
            },
            **audit_actor(actor),
        )
        notify_organisation(
            incident.provider,
            title=f"補償の判断（{incident.reference}）: {OUTCOME_LABELS[outcome]}",
            body=reason,
            url=url_or_blank("claims:coverage", incident.reference),
        )
    return decision


def require_coverage_confirmed(claim) -> None:
    """CoverageNotConfirmed unless the claim's incident may be paid under the claim's policy: the insurer
    overrode the determination to covered, or the determination (with the insurer's confirmed facts) is covered,
    for the claim's policy, and no line with an eligible amount lies in a part that is not covered."""
    status = coverage_status(claim.incident)
    if status.overridden and status.outcome == COVERED:
        return
    if status.outcome != COVERED:
        adverse = status.determination.adverse_reasons()
        why = f"（{adverse[0].message}）" if adverse else ""
        raise CoverageNotConfirmed(
            f"この事故は補償の判定が「{status.outcome_label}」のため、認定できません{why}"
            "「補償の判断」で事実を確認するか、理由を付けて判定を変更してから認定してください。"
        )
    if status.policy is not None and status.policy.pk != claim.policy_id:
        raise CoverageNotConfirmed(
            f"請求の契約（{claim.policy.number}）と、発覚日時から判定した契約（{status.policy.number}）が異なります。"
            "発覚日時を確認するか、「補償の判断」で理由を付けて判定を変更してから認定してください。"
        )
    uncovered = {p.part for p in status.determination.parts if p.outcome != COVERED}
    parts = sorted(
        set(claim.lines.filter(part__in=uncovered, eligible__gt=0).values_list("part", flat=True)),
        key=list(PARTS).index,
    )
    if parts:
        names = "・".join(f"「{PARTS[p]}」" for p in parts)
        raise CoverageNotConfirmed(
            f"{names}は補償の対象外と判定されています。その区分の明細を0円に査定するか、"
            "「補償の判断」で理由を付けて判定を変更してから認定してください。"
        )
