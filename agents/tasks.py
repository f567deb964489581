from __future__ import annotations

from celery import Task, shared_task

from conversations.task_queue import LLM_QUEUE
from conversations.tasks import OnOutboundQueue


class OnLlmQueue(Task):
    """Its tasks run on the `llm` queue (config/celery.py's router reads `queue_name`)."""

    queue_name = LLM_QUEUE


@shared_task(bind=True, base=OnLlmQueue)
def answer_message(self, message_id: int) -> None:
    # Imported here so that the web process, which only enqueues, never loads llama.cpp.
    from .process_memory import give_back_free_memory
    from .turn_quota import MAX_COUNTDOWN_SECONDS, seconds_until_turn
    from .turns import answer_inbound_message

    # Run in-process (the chat command), a turn cannot wait for more messages or for its business's
    # next free start: the caller waits for it.
    if not self.request.is_eager and (until_start := seconds_until_turn(message_id)) > 0:
        # Over its business's turns per minute: the worker answers other businesses meanwhile.
        answer_message.apply_async((message_id,), countdown=min(until_start, MAX_COUNTDOWN_SECONDS))
        return
    wait = answer_inbound_message(message_id, settle=not self.request.is_eager)
    give_back_free_memory()
    if wait is not None:
        # The customer may still be typing: look again once they have been quiet long enough.
        answer_message.apply_async((message_id,), countdown=wait)


# Quick database work and sends, never behind a generation: on the outbound queue.
@shared_task(base=OnOutboundQueue)
def remind_due_bookings() -> None:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE); see booking_reminders.py."""
    from .booking_reminders import remind_due_bookings as remind

    remind()


@shared_task(base=OnOutboundQueue)
def ask_for_ratings() -> None:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE); see satisfaction.py."""
    from .satisfaction import ask_for_ratings as ask

    ask()
