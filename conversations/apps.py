from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # Registered in every process, so that anything may enqueue them by name (task_queue.py).
        from . import tasks  # noqa: F401
