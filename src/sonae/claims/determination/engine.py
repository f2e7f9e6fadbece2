"""The coverage determination: is this incident covered, under which policy and part, and why (issue 12 point 2).

Pure (no Django). Reading of the rules, in the order the reasons are listed:

1. Policy and period. Cover applies to incidents *discovered* within the policy period ``[start, end)``: the start
   instant itself is covered (16:00:00), one second before is not; the end instant belongs to the renewal, whose
   period starts at that same instant (``select_policy``). No policy → not covered. Unknown discovery instant →
   needs review (the adapter may let the received instant stand in, with an ``info`` reason saying so).
2. Cause → trigger (``causes.trigger_for``). A trigger the plan lists is covered for the parts it names, unless it
   needs a rider the policy lacks (employee crime: §2.4) → not covered. A cause that maps to no trigger → needs
   review.
3. Declared facts → exclusions. A fact declared true takes away the exclusion's parts: outright (``excluded`` →
   not covered) or for the insurer to look at (``review`` → needs review). Unknown (None) and false facts change
   nothing: the determination judges the facts as declared, and the insurer's decision records them.
4. Application declarations (告知事項): "knew of circumstances likely to lead to a claim" → needs review
   (known-before-inception exclusion, with the disclosure); "past incidents" → information only.
5. Parts: a part missing from the plan's coverage terms is not covered. Each part's outcome is the most adverse
   effect among the reasons that concern it. Overall: not covered when every part of the plan is not covered,
   needs review when any part needs review, covered otherwise (some part covered, none waiting for review) —
   the parts then say which respond.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sonae.programme.cover_terms import EXCLUDED, EXCLUSIONS, REVIEW
from sonae.programme.coverage_items import PARTS

from . import texts
from .causes import trigger_for
from .model import (
    COVERED,
    INFO,
    NEEDS_REVIEW,
    NOT_COVERED,
    Determination,
    DeterminationInput,
    PartResult,
    PolicyPeriod,
    Reason,
    worst,
)


def select_policy(periods: Iterable[PolicyPeriod], instant: datetime) -> PolicyPeriod | None:
    """The policy whose period ``[start, end)`` contains ``instant`` (the latest-starting one if periods overlap),
    or None. At a renewal the old period's end instant is the new one's start, so it selects the new policy."""
    if instant.tzinfo is None:
        raise ValueError("instant must be aware")
    found = [p for p in periods if p.contains(instant)]
    return max(found, key=lambda p: p.start) if found else None


def closest_policy(periods: Iterable[PolicyPeriod], instant: datetime) -> PolicyPeriod | None:
    """The policy to judge an incident against: the one in force at ``instant``; else the next one to start after
    it (an incident discovered just before cover began); else the last one that ended before it."""
    periods = list(periods)
    chosen = select_policy(periods, instant)
    if chosen is not None:
        return chosen
    later = [p for p in periods if p.start > instant]
    if later:
        return min(later, key=lambda p: p.start)
    earlier = [p for p in periods if p.end <= instant]
    return max(earlier, key=lambda p: p.end) if earlier else None


def _check_facts(facts) -> None:
    unknown = sorted(set(facts) - set(EXCLUSIONS))
    if unknown:
        raise ValueError(f"unknown declared facts: {', '.join(unknown)}")
    for code, value in facts.items():
        if value not in (True, False, None):
            raise ValueError(f"declared fact {code} must be true, false or null")


def _period_reasons(inp: DeterminationInput) -> list[Reason]:
    period, instant = inp.period, inp.discovered_at
    clause = inp.terms.period_clause.ref if inp.terms else ""
    summary = inp.terms.period_clause.summary if inp.terms else ""
    if instant is None:
        return [Reason("discovery_unknown", NEEDS_REVIEW, texts.discovery_unknown(), clause, summary)]
    if instant.tzinfo is None:
        raise ValueError("discovery instant must be aware")
    reasons = []
    if inp.discovered_at_assumed:
        reasons.append(Reason("discovery_assumed", INFO, texts.discovery_assumed(instant), clause, summary))
    # Policy period [start, end): 16:00:00 on the start date is covered, 15:59:59 is not (sample 普通保険約款 第2条).
    if instant < period.start:
        reasons.append(
            Reason(
                "discovered_before_start",
                NOT_COVERED,
                texts.discovered_before_start(instant, period),
                clause,
                summary,
            )
        )
    elif instant >= period.end:
        reasons.append(
            Reason(
                "discovered_after_end",
                NOT_COVERED,
                texts.discovered_after_end(instant, period),
                clause,
                summary,
            )
        )
    else:
        reasons.append(
            Reason(
                "discovered_in_period", COVERED, texts.discovered_in_period(instant, period), clause, summary
            )
        )
    return reasons


def _trigger_reasons(inp: DeterminationInput, trigger: str | None, source: str) -> list[Reason]:
    terms = inp.terms
    if trigger is None:
        return [Reason("trigger_unknown", NEEDS_REVIEW, texts.trigger_unknown(inp.cause))]
    if trigger not in terms.triggers:
        return [
            Reason(
                "trigger_not_in_plan",
                NOT_COVERED,
                texts.trigger_not_in_plan(trigger, terms.plan),
                subject=trigger,
            )
        ]
    term = terms.triggers[trigger]
    if term.rider and term.rider not in terms.riders:
        rider = terms.rider_terms[term.rider]
        return [
            Reason(
                "trigger_needs_rider",
                NOT_COVERED,
                texts.trigger_needs_rider(trigger, term.rider, terms.plan),
                rider.clause.ref,
                rider.clause.summary,
                subject=trigger,
            )
        ]
    reasons = [
        Reason(
            "trigger_covered",
            COVERED,
            texts.trigger_covered(trigger, inp.cause, source),
            term.clause.ref,
            term.clause.summary,
            subject=trigger,
            parts=term.parts,
        )
    ]
    for part in terms.parts:
        if part not in term.parts:
            reasons.append(
                Reason(
                    "part_not_for_trigger",
                    NOT_COVERED,
                    texts.part_not_for_trigger(trigger, part),
                    term.clause.ref,
                    term.clause.summary,
                    subject=trigger,
                    parts=(part,),
                )
            )
    return reasons


def _exclusion_reasons(inp: DeterminationInput) -> list[Reason]:
    reasons = []
    for code, term in inp.terms.exclusions.items():
        if inp.facts.get(code) is not True:
            continue
        if term.effect == EXCLUDED:
            code_, effect, message = (
                "exclusion_applies",
                NOT_COVERED,
                texts.exclusion_applies(code, term.parts),
            )
        else:
            code_, effect, message = "exclusion_to_review", NEEDS_REVIEW, texts.exclusion_to_review(code)
        reasons.append(
            Reason(
                code_, effect, message, term.clause.ref, term.clause.summary, subject=code, parts=term.parts
            )
        )
    return reasons


def _declaration_reasons(inp: DeterminationInput) -> list[Reason]:
    reasons = []
    declared = {
        "known_circumstances": (inp.declarations.known_circumstances, texts.declared_known_circumstances()),
        "past_incidents": (inp.declarations.past_incidents, texts.declared_past_incidents()),
    }
    for code, (made, message) in declared.items():
        term = inp.terms.declarations.get(code)
        if not made or term is None:
            continue
        effect = NEEDS_REVIEW if term.effect == REVIEW else INFO
        reasons.append(
            Reason(f"declared_{code}", effect, message, term.clause.ref, term.clause.summary, subject=code)
        )
    return reasons


def determine(inp: DeterminationInput) -> Determination:
    """Covered / not covered / needs review, overall and per part, with the reasons and their clauses."""
    _check_facts(inp.facts)
    trigger, source = trigger_for(inp.cause)
    if inp.period is None:
        reason = Reason("no_policy", NOT_COVERED, texts.no_policy(inp.discovered_at))
        parts = tuple(PartResult(part, NOT_COVERED, False, "", (reason,)) for part in PARTS)
        return Determination(NOT_COVERED, parts, (reason,), trigger=trigger)
    if inp.terms is None:
        return _without_terms(inp, trigger)

    terms = inp.terms
    reasons = [
        *_period_reasons(inp),
        *_trigger_reasons(inp, trigger, source),
        *_exclusion_reasons(inp),
        *_declaration_reasons(inp),
    ]
    parts = []
    for part in PARTS:
        clause = terms.part_clauses[part].ref if part in terms.part_clauses else ""
        if part not in terms.parts:
            reason = Reason(
                "part_not_in_plan",
                NOT_COVERED,
                texts.part_not_in_plan(part, terms.plan),
                clause,
                parts=(part,),
            )
            reasons.append(reason)
            parts.append(PartResult(part, NOT_COVERED, False, clause, (reason,)))
            continue
        concerning = tuple(r for r in reasons if r.concerns(part))
        parts.append(PartResult(part, worst(r.effect for r in concerning), True, clause, concerning))

    in_plan = [p.outcome for p in parts if p.in_plan]
    if not in_plan or all(o == NOT_COVERED for o in in_plan):
        outcome = NOT_COVERED
    elif NEEDS_REVIEW in in_plan:
        outcome = NEEDS_REVIEW
    else:
        outcome = COVERED
    return Determination(
        outcome=outcome,
        parts=tuple(parts),
        reasons=tuple(reasons),
        trigger=trigger,
        policy=inp.period.key,
        notice=terms.notice,
        version=terms.version,
    )


def _without_terms(inp: DeterminationInput, trigger: str | None) -> Determination:
    """A policy whose programme year has no determination terms (a year loaded before issue 12): the period is
    still checked; everything else waits for the insurer."""
    reasons = [*_period_reasons(inp), Reason("terms_missing", NEEDS_REVIEW, texts.terms_missing())]
    outcome = worst(r.effect for r in reasons)
    parts = tuple(PartResult(part, outcome, True, "", tuple(reasons)) for part in PARTS)
    return Determination(outcome, parts, tuple(reasons), trigger=trigger, policy=inp.period.key)
