from django.contrib import admin

from .models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist


@admin.register(SelfCheck)
class SelfCheckAdmin(admin.ModelAdmin):
    list_display = ("organisation", "taken_at", "score", "band")
    list_filter = ("band",)
    readonly_fields = ("organisation", "taken_at", "taken_by", "questions_version", "answers", "score", "band",
                       "part_scores")  # fmt: skip


@admin.register(VendorChecklist)
class VendorChecklistAdmin(admin.ModelAdmin):
    list_display = ("organisation", "checked_on", "yes_count", "no_count")
    readonly_fields = (
        "organisation",
        "checked_on",
        "answers",
        "yes_count",
        "no_count",
        "created_by",
        "created_at",
    )


@admin.register(ExposureEstimate)
class ExposureEstimateAdmin(admin.ModelAdmin):
    list_display = ("organisation", "created_at", "persons", "damages", "costs_high")
    readonly_fields = ("organisation", "created_at", "created_by", "programme_year", "persons", "damages",
                       "costs_high", "result", "comparisons")  # fmt: skip


@admin.register(BcpPlan)
class BcpPlanAdmin(admin.ModelAdmin):
    """Status and dates only: the contact chart (personal data) is not shown in the admin."""

    list_display = ("organisation", "status", "reviewed_on", "updated_at")
    list_filter = ("status",)
    fields = ("organisation", "status", "adopted_at", "reviewed_on", "review_reminded_for", "updated_at")
    readonly_fields = fields
