"""Operators see which customer messages were voice notes: the transcript the agent read, or why there is none."""

from __future__ import annotations

from django.urls import reverse

from conversations.models import ChannelConnection, Contact, Conversation, Message
from conversations.voice_notes import TOO_LONG


def test_a_transcribed_voice_note_and_one_that_failed_are_told_apart(staff_client, business):
    connection = ChannelConnection.objects.create(business=business, platform="telegram", credentials={})
    contact = Contact.objects.create(connection=connection, platform_user_id="731245980")
    conversation = Conversation.objects.create(
        business=business, connection=connection, contact=contact, status=Conversation.Status.NEEDS_HUMAN
    )
    customer = {"conversation": conversation, "connection": connection, "direction": "in", "author": "customer"}
    Message.objects.create(
        **customer, kind="media", text="Do you ship abroad?", transcript="Do you ship abroad?",
        transcription=Message.Transcription.DONE, status=Message.Status.RECEIVED,
    )  # fmt: skip
    Message.objects.create(
        **customer, kind="media", text="[customer sent a voice message]", transcription=Message.Transcription.FAILED,
        error_code=TOO_LONG.code, error_detail=TOO_LONG.reason, status=Message.Status.RECEIVED,
    )  # fmt: skip

    page = staff_client.get(reverse("console:transcript", args=[business.slug, conversation.pk]))
    html = page.content.decode()
    assert "Do you ship abroad?" in html and "Voice message, transcribed on this server" in html
    assert "Voice message not transcribed: the audio is longer than the duration limit" in html
