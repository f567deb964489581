from django.apps import AppConfig


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents"

    def ready(self) -> None:
        # Registered in every process, so that the store enqueues a turn by its name (conversations/task_queue.py).
        from . import tasks  # noqa: F401
