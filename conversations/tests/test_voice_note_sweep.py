"""A voice note whose transcription task was lost (a broker outage) is found again by the sweeper: its transcription
is enqueued, not a turn that would only find it pending."""

from __future__ import annotations

from datetime import timedelta

from conversations.events import Attachment, CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import ChannelConnection, Message
from conversations.sweeper import unanswered_messages, untranscribed_voice_notes


def test_a_voice_note_still_waiting_for_its_transcript_is_transcribed_again_not_answered(business, settings):
    connection = ChannelConnection.objects.create(business=business, platform="telegram", credentials={})
    voice_note = CustomerMessage(
        "731245980:4531", "731245980", kind=Kind.MEDIA, attachments=(Attachment("voice", media_id="AgACAgQ"),)
    )
    message = store_customer_message(connection, voice_note)
    assert message is not None and message.transcription == Message.Transcription.PENDING
    grace = timedelta(seconds=settings.PARLEY_SWEEP_GRACE_SECONDS)
    now = message.created_at + grace + timedelta(seconds=1)
    assert list(untranscribed_voice_notes(now, now - grace)) == [message]
    assert message not in unanswered_messages(now, now - grace)
    # Within the grace its task may still be running.
    now = message.created_at + grace / 2
    assert not untranscribed_voice_notes(now, now - grace).exists()
