from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "sonae.incidents"
    label = "incidents"
    verbose_name = "インシデント対応（受付・対応案件）"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers the app's actions)
