from __future__ import annotations

from celery import shared_task

from conversations.tasks import OnOutboundQueue

from . import retention


# Short database work: on the queue whose tasks are quick, never behind a generation.
@shared_task(base=OnOutboundQueue)
def purge_expired_transcripts() -> None:
    retention.purge_expired_transcripts()
