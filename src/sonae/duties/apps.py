from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "sonae.duties"
    label = "duties"
    verbose_name = "法的対応（個人情報保護法・マイナンバー法）"

    def ready(self) -> None:
        from sonae.incidents import hooks

        from . import policy  # noqa: F401  (declares the app's actions)
        from .services.assessments import assessment_refresh

        # DESIGN §4: each change of the known facts re-runs the engine (a new version when the result changes).
        hooks.on_facts_changed(assessment_refresh)
