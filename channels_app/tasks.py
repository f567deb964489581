from __future__ import annotations

from celery import shared_task

from . import outbox
from .sending import TemporarySendError

MAX_SEND_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300.0


def backoff_seconds(retries: int) -> float:
    return min(2.0**retries, MAX_BACKOFF_SECONDS)


@shared_task(bind=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def deliver_message(self, message_id: int) -> None:
    last_attempt = self.request.retries >= self.max_retries
    try:
        outbox.deliver(message_id, last_attempt=last_attempt)
    except TemporarySendError as error:
        if last_attempt:
            outbox.give_up(message_id, error)
            return
        raise self.retry(countdown=error.retry_after or backoff_seconds(self.request.retries))


@shared_task
def sweep_unfinished_work() -> None:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE); see sweeper.py."""
    from .sweeper import sweep_unfinished_work as sweep  # sweeper.py imports this module

    sweep()
