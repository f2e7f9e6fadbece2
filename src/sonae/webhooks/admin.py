from django.contrib import admin

from .models import Delivery, DeliveryAttempt, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url", "organisation__name")
    # The secret is never shown or edited here (it is shown once to the organisation's admin).
    exclude = ("secret", "row_key")
    readonly_fields = ("secret_hint", "created_by", "created_at", "updated_at")


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "status_code", "duration_ms", "error", "response_excerpt")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_type", "endpoint", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event_type", "is_test")
    readonly_fields = [field.name for field in Delivery._meta.fields]
    inlines = [DeliveryAttemptInline]
