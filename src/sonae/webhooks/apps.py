from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "sonae.webhooks"
    label = "webhooks"
    verbose_name = "Webhook（外部システムへのイベント通知）"

    def ready(self):
        from . import policy  # noqa: F401  (declares the app's actions)
