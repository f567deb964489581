from django.apps import AppConfig
from django.core import checks


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents"

    def ready(self) -> None:
        # Registered in every process, so that the store enqueues a turn by its name (conversations/task_queue.py).
        from . import tasks  # noqa: F401
        from .demo_account import check_no_account_has_the_demo_password

        checks.register(check_no_account_has_the_demo_password, checks.Tags.security)
