from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "sonae.duties"
    label = "duties"
    verbose_name = "法的対応（個人情報保護法・マイナンバー法）"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (declares the app's actions)
