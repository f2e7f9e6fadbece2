"""Admin: the programme operator creates hospital organisations (core) and may add their sites here; links,
invitations and requests are shown for support (changes go through the portal's services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ChecklistRequest, ContractorLink, HospitalInvitation, HospitalSite


@admin.register(HospitalSite)
class HospitalSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "hospital", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "hospital__name"]


@admin.register(ContractorLink)
class ContractorLinkAdmin(SimpleHistoryAdmin):
    list_display = [
        "provider",
        "hospital",
        "status",
        "since",
        "share_insurance",
        "share_selfcheck",
        "share_checklist",
        "share_bcp",
    ]
    list_filter = ["status"]
    search_fields = ["provider__name", "hospital__name"]
    readonly_fields = [f.name for f in ContractorLink._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(HospitalInvitation)
class HospitalInvitationAdmin(admin.ModelAdmin):
    list_display = ["hospital_name", "provider", "email", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["hospital_name", "provider__name", "email"]
    readonly_fields = [f.name for f in HospitalInvitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ChecklistRequest)
class ChecklistRequestAdmin(admin.ModelAdmin):
    list_display = ["hospital", "fiscal_year", "due_date", "created_at"]
    readonly_fields = [f.name for f in ChecklistRequest._meta.fields]

    def has_add_permission(self, request):
        return False
