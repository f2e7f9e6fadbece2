"""The desk's vendor directory and vendor dispatches to cases."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput
from sonae.incidents.models import Incident, Phase, Task, TimelineKind, Vendor, VendorCategory, VendorDispatch
from sonae.incidents.models.vendors import VENDOR_COVERAGE_ITEM

from .common import audit_actor, case_url, require, require_case_access, timeline_add
from .lifecycle import incident_mark_first_response
from .notify import members_of, notify_users

# Which stage of the flyer's flow a vendor's work belongs to.
VENDOR_PHASE: dict[str, str] = {
    VendorCategory.FORENSICS: Phase.INVESTIGATION,
    VendorCategory.LEGAL: Phase.AUTHORITIES,
    VendorCategory.PR: Phase.PUBLIC_APOLOGY,
    VendorCategory.CALL_CENTRE: Phase.INQUIRIES,
    VendorCategory.DATA_RECOVERY: Phase.RECOVERY,
    VendorCategory.LETTER_PRINTING: Phase.VICTIM_APOLOGY,
}

VENDOR_FIELDS = ("name", "name_kana", "categories", "contact_name", "phone", "email", "notes", "is_active")


def _clean_vendor(fields: dict) -> dict:
    cleaned = {}
    for key, value in fields.items():
        if key not in VENDOR_FIELDS:
            raise TypeError(f"unknown vendor field {key}")
        cleaned[key] = value.strip() if isinstance(value, str) else value
    if "name" in cleaned and not cleaned["name"]:
        raise InvalidInput("ベンダーの名称を入力してください。", field="name")
    if "categories" in cleaned:
        categories = list(dict.fromkeys(cleaned["categories"] or []))
        unknown = [c for c in categories if c not in VendorCategory.values]
        if unknown or not categories:
            raise InvalidInput(
                "対応分野を1つ以上選んでください（"
                + "、".join(str(label) for label in VendorCategory.labels)
                + "）。",
                field="categories",
            )
        cleaned["categories"] = categories
    return cleaned


def vendor_create(*, actor: Actor, name: str, categories: list[str], **fields) -> Vendor:
    """Add a vendor to the directory (desk staff)."""
    require(actor, "vendor.manage")
    data = _clean_vendor({"name": name, "categories": categories, **fields})
    with transaction.atomic():
        vendor = Vendor.objects.create(**data)
        audit_record(
            action="incident.vendor_created", target=vendor, data={"name": vendor.name}, **audit_actor(actor)
        )
    return vendor


def vendor_update(*, actor: Actor, vendor: Vendor, **fields) -> Vendor:
    """Change a vendor's entry (desk staff); ``is_active=False`` takes it out of dispatch lists."""
    require(actor, "vendor.manage")
    data = _clean_vendor(fields)
    with transaction.atomic():
        for key, value in data.items():
            setattr(vendor, key, value)
        vendor.save()
        audit_record(
            action="incident.vendor_updated",
            target=vendor,
            data={"fields": sorted(data)},
            **audit_actor(actor),
        )
    return vendor


def vendor_dispatch(
    *,
    actor: Actor,
    incident: Incident,
    vendor: Vendor,
    category: str,
    scope: str = "",
    due_date: date | None = None,
) -> VendorDispatch:
    """The desk sends a vendor to a case: a task owned by the vendor (visible to the provider on its case), charged
    to the coverage item of the vendor's field. Counts as a first response; the provider is told."""
    require(actor, "vendor.dispatch")
    require_case_access(actor, incident)
    if not incident.is_open:
        raise InvalidInput("完了・取り下げ済みの案件にはベンダーを手配できません。", field="vendor")
    if not vendor.is_active:
        raise InvalidInput("このベンダーは現在手配できません。", field="vendor")
    if category not in VendorCategory.values:
        raise InvalidInput("依頼分野を選んでください。", field="category")
    if category not in (vendor.categories or []):
        raise InvalidInput(
            f"{vendor.name} は「{VendorCategory(category).label}」に対応していません。", field="category"
        )
    scope = (scope or "").strip()
    label = VendorCategory(category).label
    with transaction.atomic():
        last = incident.tasks.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
        task = Task.objects.create(
            incident=incident,
            phase=VENDOR_PHASE[category],
            title=f"{label}（{vendor.name}）",
            description=scope,
            owner_vendor=vendor,
            due_date=due_date,
            coverage_item=VENDOR_COVERAGE_ITEM[category],
            sort_order=last + 10,
            created_by=actor.user,
        )
        dispatch = VendorDispatch.objects.create(
            incident=incident,
            vendor=vendor,
            category=category,
            scope=scope,
            task=task,
            dispatched_by=actor.user,
        )
        timeline_add(
            incident,
            kind=TimelineKind.VENDOR,
            actor=actor,
            text=f"ベンダーを手配しました: {vendor.name}（{label}）"
            + (f"\n依頼内容: {scope}" if scope else ""),
            data={"dispatch": dispatch.pk, "vendor": vendor.pk, "category": category},
        )
        incident_mark_first_response(incident, actor)
        audit_record(
            action="incident.vendor_dispatched",
            target=dispatch,
            data={"incident": incident.reference, "vendor": vendor.pk, "category": category},
            **audit_actor(actor),
        )
        notify_users(
            members_of(incident.provider),
            title=f"{incident.reference}: ベンダーを手配しました（{label}）",
            body=f"{vendor.name} が対応します。タスクの一覧でご確認ください。",
            url=case_url(incident, "tasks"),
            organisation=incident.provider,
        )
    return dispatch
