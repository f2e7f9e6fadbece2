from django.apps import AppConfig


class HospitalsConfig(AppConfig):
    name = "sonae.hospitals"
    label = "hospitals"
    verbose_name = "医療機関ポータル（委託先の管理・共有・通知）"

    def ready(self):
        from . import policy  # noqa: F401  (declares the app's actions)
