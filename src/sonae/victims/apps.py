from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "sonae.victims"
    label = "victims"
    verbose_name = "対象者（影響を受けた個人）"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers the app's actions)
