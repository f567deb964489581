"""The store's Celery tasks: on the `outbound` queue, quick database work and sends, never behind a generation;
on the `llm` queue, transcribing voice notes."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from . import outbox, sweeper, voice_notes
from .media import MediaUnavailable
from .sending import TemporarySendError
from .task_queue import LLM_QUEUE

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


class OnLlmQueue(Task):
    """Transcription is inference like a turn's, CPU-bound for seconds: on the `llm` queue it takes the
    turn's place on the worker (one at a time per process, as a turn does) instead of competing with turns
    for the same cores from another pool, and it never holds up a send. It runs just before the turn that
    needs its transcript, and every worker already consumes the queue."""

    queue_name = LLM_QUEUE


# Tries again for a platform refusing the download for now (5xx, throttled, unreachable), backing off as sends do.
VOICE_FETCH_RETRIES = 3


@shared_task(bind=True, base=OnLlmQueue, max_retries=VOICE_FETCH_RETRIES)
def transcribe_voice_note(self: Any, message_id: int) -> None:
    try:
        voice_notes.transcribe_message(message_id)
    except MediaUnavailable as error:
        if self.request.retries >= self.max_retries:
            voice_notes.give_up(message_id, error)
            return
        raise self.retry(countdown=outbox.backoff_seconds(self.request.retries)) from error
