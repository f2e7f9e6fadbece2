"""Admin for support: claims records are read-only here — every change goes through the services (audit,
recalculation, notifications), never by hand."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, Claim, ClaimEvent, ClaimLine, Expense, Payment, PriorApproval


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClaimLineInline(ReadOnlyMixin, admin.TabularInline):
    model = ClaimLine
    extra = 0
    fields = ["position", "spent_on", "payee", "item", "amount", "claimed_amount", "eligible", "reasons"]
    readonly_fields = fields


class ClaimEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ["at", "actor_label", "from_status", "to_status", "reason", "amount"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "incident",
        "policy",
        "status",
        "amount_calculated",
        "amount_approved",
        "amount_paid",
    ]
    list_filter = ["status"]
    search_fields = ["number", "incident__reference", "policy__number"]
    inlines = [ClaimLineInline, ClaimEventInline]


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["incident", "spent_on", "payee", "item", "amount", "claim"]
    list_filter = ["part", "item"]
    search_fields = ["incident__reference", "payee"]


@admin.register(PriorApproval)
class PriorApprovalAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["number", "incident", "kind", "item", "amount_requested", "status", "amount_approved"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "incident__reference"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "kind", "expense", "approval", "size", "uploaded_at"]
    exclude = ["storage_name"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["claim", "amount", "paid_on", "reference", "recorded_by_label"]
