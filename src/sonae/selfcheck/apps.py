from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "sonae.selfcheck"
    label = "selfcheck"
    verbose_name = "セルフチェック・リスク試算・サイバーBCP"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (declares the app's actions)
