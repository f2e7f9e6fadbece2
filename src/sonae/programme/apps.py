from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "sonae.programme"
    label = "programme"
    verbose_name = "保険制度（年度・プラン）"
