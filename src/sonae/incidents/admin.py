"""Admin: playbooks are edited here (data, not code); the rest is for support, mostly read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Evidence,
    HospitalNotice,
    Incident,
    PlaybookStep,
    PlaybookTemplate,
    Task,
    Vendor,
    VendorDispatch,
)


class PlaybookStepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1
    fields = [
        "order",
        "phase",
        "title",
        "owner",
        "due_business_days",
        "coverage_item",
        "condition",
        "description",
    ]


@admin.register(PlaybookTemplate)
class PlaybookTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "code"]
    inlines = [PlaybookStepInline]


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact_name", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "name_kana"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through the services (audit, timeline, notifications), never by hand in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "provider", "channel", "category", "severity", "status", "received_at"]
    list_filter = ["status", "category", "channel"]
    search_fields = ["reference", "title", "provider__name"]
    # Caller details are personal data: never listed or shown in the admin.
    exclude = ["caller_name", "caller_phone", "row_key"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "incident",
        "status",
        "due_date",
        "owner_organisation",
        "owner_user",
        "owner_vendor",
    ]
    list_filter = ["status", "phase"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "incident", "size", "sha256", "uploaded_at", "uploaded_by_label"]


@admin.register(HospitalNotice)
class HospitalNoticeAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient_name", "sent_at", "acknowledged_at"]


@admin.register(VendorDispatch)
class VendorDispatchAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "incident", "category", "dispatched_at"]
