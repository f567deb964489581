from __future__ import annotations

from celery import shared_task


@shared_task
def answer_message(message_id: int) -> None:
    # Imported here so that the web process, which only enqueues, never loads llama.cpp.
    from .turns import answer_inbound_message

    answer_inbound_message(message_id)
