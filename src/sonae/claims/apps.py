from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "sonae.claims"
    label = "claims"
    verbose_name = "保険金請求（費用・事前承認・請求・支払）"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (declares the app's actions)
