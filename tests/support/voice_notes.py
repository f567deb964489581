"""Delivering a voice note to a connection as its platform does, and transcribing it as the worker's task does."""

from __future__ import annotations

from typing import Any

from conversations.models import ChannelConnection, Message
from conversations.tasks import transcribe_voice_note
from tests.support.platform_contract import PlatformHarness


def receive(client: Any, harness: PlatformHarness, connection: ChannelConnection, body: bytes) -> Message:
    """The stored customer message of an authentic delivery of `body`."""
    response = harness.post(client, connection, harness.deliver(connection, body))
    assert response.status_code in harness.accepted_statuses
    return Message.objects.get(direction=Message.Direction.INBOUND)


def transcribed(message: Message) -> Message:
    """The message after its transcription task ran (Celery's own task, run in this process)."""
    transcribe_voice_note.apply((message.pk,))
    message.refresh_from_db()
    return message
