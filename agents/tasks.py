from __future__ import annotations

from celery import shared_task


@shared_task(bind=True)
def answer_message(self, message_id: int) -> None:
    # Imported here so that the web process, which only enqueues, never loads llama.cpp.
    from .turns import answer_inbound_message

    # Run in-process (the chat command), a turn cannot wait for more messages: the caller waits for it.
    wait = answer_inbound_message(message_id, settle=not self.request.is_eager)
    if wait is not None:
        # The customer may still be typing: look again once they have been quiet long enough.
        answer_message.apply_async((message_id,), countdown=wait)
