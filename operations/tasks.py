from __future__ import annotations

from celery import shared_task

from . import retention


@shared_task
def purge_expired_transcripts() -> None:
    retention.purge_expired_transcripts()
