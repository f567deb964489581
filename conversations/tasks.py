"""The store's Celery tasks, on the `outbound` queue: quick database work and sends, never behind a generation."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from . import outbox, sweeper
from .sending import TemporarySendError

OUTBOUND_QUEUE = "outbound"


class OnOutboundQueue(Task):
    """Its tasks run on the `outbound` queue (config/celery.py's router reads `queue_name`)."""

    queue_name = OUTBOUND_QUEUE


@shared_task(bind=True, base=OnOutboundQueue, max_retries=outbox.MAX_SEND_ATTEMPTS - 1)
def deliver_message(self: Any, message_id: int) -> None:
    last_attempt = self.request.retries >= self.max_retries
    try:
        outbox.deliver(message_id, last_attempt=last_attempt)
    except TemporarySendError as error:
        if last_attempt:
            outbox.give_up(message_id, error)
            return
        raise self.retry(countdown=error.retry_after or outbox.backoff_seconds(self.request.retries)) from error


@shared_task(base=OnOutboundQueue)
def sweep_unfinished_work() -> None:
    """Run by Celery beat (settings.CELERY_BEAT_SCHEDULE); see sweeper.py."""
    sweeper.sweep_unfinished_work()
