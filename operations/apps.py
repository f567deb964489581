from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from infrastructure import log_context

        from . import tasks  # noqa: F401 (registered in every process)

        log_context.connect_signals()
