"""Every write of the self-check app: one function per use case, in a transaction, with its audit row.

Audit rows record what was done and to which record, never the contents of the contact chart (personal data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from sonae.core.models import Membership, Role
from sonae.jp.calendar import tokyo_date

from . import selectors
from .models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist
from .rules import bcp as bcp_rules
from .rules import vendor_checklist as vcl
from .rules.data_items import DATA_ITEM_LABELS
from .rules.exposure import estimate_to_dict
from .rules.plans import comparison_to_dict
from .rules.questions import QUESTIONS_VERSION
from .rules.scoring import score_answers


def _require(actor, action: str) -> None:
    if actor is None or actor.kind != "provider" or not actor.may(action):
        raise PermissionDenied()


def _today() -> date:
    return tokyo_date(timezone.now())


# --- self-check ---------------------------------------------------------------------------------------------------


def self_check_submit(*, actor, answers: Mapping[str, str]) -> SelfCheck:
    """Score a complete set of 25 answers and keep it in the organisation's history."""
    _require(actor, "selfcheck.answer")
    result = score_answers(answers)
    with transaction.atomic():
        check = SelfCheck.objects.create(
            organisation=actor.organisation,
            taken_by=actor.user,
            questions_version=QUESTIONS_VERSION,
            answers=result.answers,
            score=result.score,
            band=result.band.code,
            part_scores={p.code: p.score for p in result.parts},
        )
        audit_record(
            action="selfcheck.submitted",
            actor=actor.user,
            organisation=actor.organisation,
            target=check,
            data={"score": result.score, "band": result.band.code},
        )
    return check


# --- vendor checklist ---------------------------------------------------------------------------------------------


def vendor_checklist_submit(*, actor, checked_on: date, answers: Mapping[str, Mapping]) -> VendorChecklist:
    """Record a filled-in vendor checklist (every いいえ with a target date within the fiscal year)."""
    _require(actor, "selfcheck.vendor_checklist.edit")
    if not isinstance(checked_on, date):
        raise InvalidInput("確認日を入力してください。", field="checked_on")
    if checked_on > _today():
        raise InvalidInput("確認日に未来の日付は入力できません。", field="checked_on")
    cleaned = vcl.validate_answers(answers, checked_on)
    with transaction.atomic():
        checklist = VendorChecklist.objects.create(
            organisation=actor.organisation,
            checked_on=checked_on,
            answers={code: answer.to_json() for code, answer in cleaned.items()},
            yes_count=sum(1 for a in cleaned.values() if a.answer == vcl.YES),
            no_count=sum(1 for a in cleaned.values() if a.answer == vcl.NO),
            created_by=actor.user,
        )
        audit_record(
            action="selfcheck.vendor_checklist.submitted",
            actor=actor.user,
            organisation=actor.organisation,
            target=checklist,
            data={"checked_on": checked_on.isoformat(), "no": checklist.no_count},
        )
    return checklist


def vendor_checklist_exported(*, actor, checklist: VendorChecklist, fmt: str) -> None:
    """Record that a checklist was exported (hospitals ask for it; the file leaves Sonae)."""
    audit_record(
        action="selfcheck.vendor_checklist.exported",
        actor=actor.user,
        organisation=actor.organisation,
        target=checklist,
        data={"format": fmt},
    )


# --- exposure estimate --------------------------------------------------------------------------------------------


def exposure_estimate_save(*, actor, data_items: Sequence[str], persons: int, **options) -> ExposureEstimate:
    """Compute and keep an exposure estimate for the actor's organisation (the dashboard shows the latest)."""
    _require(actor, "selfcheck.exposure.save")
    estimate, comparisons, year = selectors.exposure_compute(
        data_items=data_items, persons=persons, **options
    )
    with transaction.atomic():
        saved = ExposureEstimate.objects.create(
            organisation=actor.organisation,
            created_by=actor.user,
            programme_year=year,
            persons=estimate.inputs.persons,
            damages=estimate.damages,
            costs_high=estimate.costs_high,
            result=estimate_to_dict(estimate),
            comparisons=[comparison_to_dict(c) for c in comparisons],
        )
        audit_record(
            action="selfcheck.exposure.saved",
            actor=actor.user,
            organisation=actor.organisation,
            target=saved,
            data={"persons": saved.persons, "items": list(estimate.inputs.data_items)},
        )
    return saved


# --- cyber-BCP ----------------------------------------------------------------------------------------------------

MAX_ROWS = 50
_SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "contacts": bcp_rules.CONTACT_FIELDS,
    "systems": bcp_rules.SYSTEM_FIELDS,
    "paper_operations": bcp_rules.PAPER_FIELDS,
    "backups": bcp_rules.BACKUP_FIELDS,
    "drills": bcp_rules.DRILL_FIELDS,
}
_DATE_FIELDS = {"last_restore_test", "held_on"}


def _own_plan(actor, plan: BcpPlan) -> None:
    if plan.organisation_id != actor.organisation.pk:
        raise NotFound()


def bcp_start(*, actor) -> BcpPlan:
    """The organisation's plan, created on first use with the desk's number and the roles to fill in."""
    _require(actor, "selfcheck.bcp.edit")
    with transaction.atomic():
        plan, created = BcpPlan.objects.get_or_create(
            organisation=actor.organisation,
            defaults={
                "contacts": bcp_rules.default_contacts(selectors.desk_phone()),
                "updated_by": actor.user,
            },
        )
        if created:
            audit_record(
                action="selfcheck.bcp.started", actor=actor.user, organisation=actor.organisation, target=plan
            )
    return plan


def _clean_row(section: str, row: Mapping, index: int) -> dict | None:
    fields = _SECTION_FIELDS[section]
    cleaned: dict = {}
    for field in fields:
        value = row.get(field)
        if field == "data_items":
            codes = [c for c in (value or []) if c]
            unknown = [c for c in codes if c not in DATA_ITEM_LABELS]
            if unknown:
                raise InvalidInput(
                    f"{index}行目：不明な情報の種類です（{', '.join(unknown)}）。", field=section
                )
            cleaned[field] = codes
        elif field == "offline":
            cleaned[field] = bool(value)
        elif field in _DATE_FIELDS:
            if value in (None, ""):
                cleaned[field] = ""
            else:
                try:
                    cleaned[field] = (
                        value if isinstance(value, date) else date.fromisoformat(str(value))
                    ).isoformat()
                except ValueError:
                    raise InvalidInput(
                        f"{index}行目：日付は YYYY-MM-DD で入力してください。", field=section
                    ) from None
        else:
            cleaned[field] = str(value or "").strip()[:500]
    if section == "contacts" and cleaned["category"] not in bcp_rules.CONTACT_CATEGORIES:
        raise InvalidInput(f"{index}行目：連絡先の区分を選んでください。", field=section)
    meaningful = [f for f in fields if f not in {"category", "offline", "data_items"}]
    if not any(cleaned[f] for f in meaningful) and not cleaned.get("data_items"):
        return None  # an empty row of the form
    return cleaned


def bcp_update_section(*, actor, plan: BcpPlan, section: str, rows: Sequence[Mapping]) -> BcpPlan:
    """Replace one list section of the plan (contacts, systems, paper operations, backups, drills).

    Empty rows are dropped. Editing an adopted plan keeps it adopted: the review date records the last full review.
    """
    _require(actor, "selfcheck.bcp.edit")
    _own_plan(actor, plan)
    if section not in _SECTION_FIELDS:
        raise InvalidInput("不明な項目です。", field="section")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"1つの項目に入力できるのは{MAX_ROWS}行までです。", field=section)
    cleaned = [r for i, row in enumerate(rows, start=1) if (r := _clean_row(section, row, i)) is not None]
    with transaction.atomic():
        setattr(plan, section, cleaned)
        plan.updated_by = actor.user
        plan.save(update_fields=[section, "updated_by", "updated_at"])
        audit_record(
            action="selfcheck.bcp.updated",
            actor=actor.user,
            organisation=actor.organisation,
            target=plan,
            data={"section": section, "rows": len(cleaned)},
        )
    return plan


def bcp_update_step_notes(*, actor, plan: BcpPlan, notes: Mapping[str, str]) -> BcpPlan:
    """The organisation's own procedure for each of the five steps (free text)."""
    _require(actor, "selfcheck.bcp.edit")
    _own_plan(actor, plan)
    unknown = set(notes) - set(bcp_rules.STEP_BY_CODE)
    if unknown:
        raise InvalidInput("不明な段階です。", field="step_notes")
    with transaction.atomic():
        plan.step_notes = {code: str(notes.get(code) or "").strip()[:4000] for code in bcp_rules.STEP_BY_CODE}
        plan.updated_by = actor.user
        plan.save(update_fields=["step_notes", "updated_by", "updated_at"])
        audit_record(
            action="selfcheck.bcp.updated", actor=actor.user, organisation=actor.organisation, target=plan,
            data={"section": "step_notes"},
        )  # fmt: skip
    return plan


def bcp_transition(*, actor, plan: BcpPlan, to: str) -> BcpPlan:
    """Adopt the plan (it must be complete; the adoption counts as its review) or reopen it for revision."""
    _require(actor, "selfcheck.bcp.adopt")
    _own_plan(actor, plan)
    if to not in bcp_rules.STATUS_TRANSITIONS.get(plan.status, frozenset()):
        raise IllegalTransition()
    if to == bcp_rules.ADOPTED:
        missing = selectors.bcp_missing(plan)
        if missing:
            raise InvalidInput("策定の前に入力が必要です：" + " ".join(missing), field="status")
    with transaction.atomic():
        previous = plan.status
        plan.status = to
        fields = ["status", "updated_by", "updated_at"]
        if to == bcp_rules.ADOPTED:
            plan.adopted_at = timezone.now()
            plan.reviewed_on = _today()
            fields += ["adopted_at", "reviewed_on"]
        plan.updated_by = actor.user
        plan.save(update_fields=fields)
        audit_record(
            action="selfcheck.bcp.transition",
            actor=actor.user,
            organisation=actor.organisation,
            target=plan,
            data={"from": previous, "to": to},
        )
    return plan


def bcp_mark_reviewed(*, actor, plan: BcpPlan) -> BcpPlan:
    """Record this year's review of an adopted plan (starts the next yearly period)."""
    _require(actor, "selfcheck.bcp.adopt")
    _own_plan(actor, plan)
    if plan.status != bcp_rules.ADOPTED:
        raise IllegalTransition("策定済みの計画だけを見直し済みにできます。")
    with transaction.atomic():
        plan.reviewed_on = _today()
        plan.updated_by = actor.user
        plan.save(update_fields=["reviewed_on", "updated_by", "updated_at"])
        audit_record(
            action="selfcheck.bcp.reviewed", actor=actor.user, organisation=actor.organisation, target=plan
        )
    return plan


def bcp_exported(*, actor, plan: BcpPlan) -> None:
    """Record that the plan (with its contact chart) was printed to PDF."""
    audit_record(
        action="selfcheck.bcp.exported", actor=actor.user, organisation=actor.organisation, target=plan,
        data={"format": "pdf"},
    )  # fmt: skip


def bcp_review_reminders(*, today: date | None = None, warn_days: int = 30) -> list[dict]:
    """Notify the admins of every adopted plan whose yearly review is due within ``warn_days`` or overdue.

    Each review period is reminded once (``review_reminded_for`` keeps the due date reminded for), so the command
    and the task can run daily. Returns one summary row per organisation reminded.
    """
    from django.urls import NoReverseMatch, reverse

    from sonae.core.services import notify

    today = today or _today()
    try:
        url = reverse("selfcheck:bcp")
    except NoReverseMatch:
        url = ""
    reminded = []
    plans = BcpPlan.objects.filter(status=bcp_rules.ADOPTED, reviewed_on__isnull=False).select_related(
        "organisation"
    )
    for plan in plans:
        due = plan.next_review_due
        state = bcp_rules.review_state(plan.reviewed_on, today, warn_days=warn_days)
        if (
            state not in (bcp_rules.REVIEW_DUE_SOON, bcp_rules.REVIEW_OVERDUE)
            or plan.review_reminded_for == due
        ):
            continue
        admins = Membership.objects.filter(organisation=plan.organisation, role=Role.ADMIN).select_related(
            "user"
        )
        with transaction.atomic():
            title = (
                "サイバーBCPの見直し期限を過ぎています"
                if state == bcp_rules.REVIEW_OVERDUE
                else "サイバーBCPの見直し時期です"
            )
            body = f"見直しの期限は{due.year}年{due.month}月{due.day}日です。連絡先や体制に変更がないか確認してください。"
            for membership in admins:
                notify(user=membership.user, title=title, body=body, url=url, organisation=plan.organisation)
            plan.review_reminded_for = due
            plan.save(update_fields=["review_reminded_for"])
            audit_record(
                action="selfcheck.bcp.review_reminded", organisation=plan.organisation, target=plan,
                data={"due": due.isoformat(), "state": state, "notified": len(admins)},
            )  # fmt: skip
        reminded.append(
            {
                "organisation": plan.organisation.code,
                "due": due.isoformat(),
                "state": state,
                "notified": len(admins),
            }
        )
    return reminded
