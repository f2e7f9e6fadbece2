from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "sonae.rights"
    label = "rights"
    verbose_name = "本人からの開示等の請求"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers the app's actions)
