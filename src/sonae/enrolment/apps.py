from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "sonae.enrolment"
    label = "enrolment"
    verbose_name = "加入手続（名簿・見積・加入依頼・入金・契約）"

    def ready(self):
        from . import policy  # noqa: F401  (declares the app's actions)
