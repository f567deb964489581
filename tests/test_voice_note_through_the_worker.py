"""A WhatsApp voice note followed at once by a text, through the real worker: the text's turn waits for the voice
note's transcript, then one turn answers both, in order, with what the customer asked aloud."""

from __future__ import annotations

import pytest

from agents.models import AgentRun
from channels.whatsapp.tests.harness import HARNESS
from channels.whatsapp.tests.test_voice_notes import MEDIA_ID, MEDIA_PATH, media_description
from conversations.models import Message
from tests.fake_platform import Answer, FakePlatformServer, serving
from tests.support import spoken_audio, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]


def sent_replies() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT))


def test_a_voice_note_and_the_text_after_it_get_one_reply_to_what_was_said(client, business):
    api = FakePlatformServer()
    audio = spoken_audio("ogg")
    api.default = serving(
        {f"/v21.0/{MEDIA_ID}": media_description(api, len(audio)), MEDIA_PATH: Answer(200, audio)},
        otherwise=HARNESS.api_answer,
    )
    try:
        connection = HARNESS.connect(business, api.url)
        text = HARNESS.raw("text_message").replace(b"Hi, is my table for 4 tonight still confirmed?", b"Thanks!")
        for body in (HARNESS.raw("voice_message"), text):
            assert HARNESS.post(client, connection, HARNESS.deliver(connection, body)).status_code == 200

        [reply] = wait_until(sent_replies, timeout=300, what="the reply to be sent")
        voice_note, thanks = Message.objects.filter(direction=Message.Direction.INBOUND).order_by("id")
        assert voice_note.transcription == Message.Transcription.DONE
        assert "do you ship abroad" in voice_note.text.lower()
        assert reply.reply_to == thanks and AgentRun.objects.count() == 1
        assert "Canada" in reply.text
    finally:
        api.close()
