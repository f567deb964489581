from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import log_context, tasks  # noqa: F401 (tasks: registered in every process)

        log_context.connect_signals()
