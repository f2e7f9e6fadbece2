"""Admin for enrolment records: for inspection and rare corrections. Lifecycle changes go through the services
(pages and API), so statuses and amounts are read-only here; simple_history shows every version."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    Certification,
    Deposit,
    DepositImport,
    Policy,
    Quote,
    RosterEntry,
    RosterImport,
)


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(RosterEntry)
class RosterEntryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "corporate_number", "prefecture", "organisation", "updated_at"]
    search_fields = ["name", "name_kana", "corporate_number"]
    list_filter = ["prefecture", "certifications__business"]
    inlines = [CertificationInline]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "organisation", "uploaded_at", "status", "rows_total", "rows_valid"]
    readonly_fields = [f.name for f in RosterImport._meta.fields]


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["number", "company_name", "programme_year", "joining", "status", "valid_until_display"]
    list_filter = ["programme_year", "status", "joining"]
    search_fields = ["number", "company_name", "corporate_number"]
    readonly_fields = ["premiums", "status", "number", "issued_at", "terms_version"]

    @admin.display(description="有効期限")
    def valid_until_display(self, obj):
        return obj.valid_until


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["number", "organisation", "programme_year", "plan", "premium", "status"]
    list_filter = ["programme_year", "status"]
    search_fields = ["number", "organisation__name"]
    readonly_fields = [
        "number",
        "quote",
        "premium",
        "status",
        "submitted_at",
        "accepted_at",
        "accepted_by",
        "late_reason",
    ]


@admin.register(DepositImport)
class DepositImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_at", "rows_total", "rows_new", "rows_duplicate", "rows_matched"]
    readonly_fields = [f.name for f in DepositImport._meta.fields]


@admin.register(Deposit)
class DepositAdmin(SimpleHistoryAdmin):
    list_display = ["deposited_on", "payer_name", "amount", "status", "match_kind", "application"]
    list_filter = ["status", "match_kind"]
    search_fields = ["payer_name", "payer_key"]
    readonly_fields = ["status", "application", "match_kind", "matched_by", "matched_at", "fingerprint"]


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = ["number", "insured_name", "programme_year", "plan", "cover_start", "cover_end", "status"]
    list_filter = ["programme_year", "status", "plan", "joining"]
    search_fields = ["number", "insured_name", "corporate_number"]
    readonly_fields = ["number", "number_key", "application", "status", "cancel_effective_at", "issued_at"]
