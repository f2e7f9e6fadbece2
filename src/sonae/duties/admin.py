"""Admin: read-only views of assessments and duties (every change goes through the services)."""

from django.contrib import admin

from .models import DutyAssessment, DutyItem


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyAssessment)
class DutyAssessmentAdmin(_ReadOnly):
    list_display = ("incident", "version", "status", "created_at", "created_by_label")
    list_filter = ("status",)
    search_fields = ("incident__reference",)


@admin.register(DutyItem)
class DutyItemAdmin(_ReadOnly):
    list_display = ("incident", "kind", "required", "due_date", "done_at", "reference_number")
    list_filter = ("kind", "required")
    search_fields = ("incident__reference", "reference_number")
