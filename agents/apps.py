from django.apps import AppConfig
from django.core import checks


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = "Agents"

    def ready(self) -> None:
        # Registered in every process, so that the store enqueues a turn by its name (conversations/task_queue.py).
        from conversations.choices import handle_choices

        from . import tasks  # noqa: F401
        from .booking_reminders import CHOICE_NAMESPACE as REMINDER
        from .demo_account import check_no_account_has_the_demo_password
        from .outreach_answers import on_rating_choice, on_reminder_choice
        from .satisfaction import CHOICE_NAMESPACE as SATISFACTION

        checks.register(check_no_account_has_the_demo_password, checks.Tags.security)
        # A reminder's Confirm and Cancel, a survey's ratings: answered by the store, not by an agent turn.
        handle_choices(REMINDER, on_reminder_choice)
        handle_choices(SATISFACTION, on_rating_choice)
