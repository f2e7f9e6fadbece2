from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sonae.core"
    label = "core"
    verbose_name = "基盤（組織・監査・暗号化）"
