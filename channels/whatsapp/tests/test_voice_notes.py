"""A WhatsApp voice note: the Cloud API's media endpoint gives a URL, the OGG/Opus file is fetched with the token
and transcribed on this machine; the transcript is what the agent reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conversations.models import Conversation, Message
from tests.fake_platform import Answer, FakePlatformServer, serving
from tests.support import spoken_audio
from tests.support.voice_notes import receive, transcribed

from .harness import HARNESS, cloud_api_success

MEDIA_ID = "1043337611068012"
MEDIA_PATH = "/whatsapp_business/attachments/"


def media_description(api: FakePlatformServer, size: int) -> Answer:
    """What `GET /{media-id}` answers: a short-lived URL on Meta's media host, and the file's size (as text)."""
    return Answer(
        200,
        {
            "messaging_product": "whatsapp",
            "url": f"{api.url}{MEDIA_PATH}?mid={MEDIA_ID}&ext=1749812462&hash=ATuXk",
            "mime_type": "audio/ogg",
            "sha256": "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
            "file_size": str(size),
            "id": MEDIA_ID,
        },
    )


@pytest.fixture
def cloud_api() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer()
    audio = spoken_audio("ogg")
    server.default = serving(
        {
            f"/v21.0/{MEDIA_ID}": media_description(server, len(audio)),
            MEDIA_PATH: Answer(200, audio, {"Content-Type": "audio/ogg"}),
        },
        otherwise=cloud_api_success,
    )
    yield server
    server.close()


def test_a_voice_note_waits_for_its_transcript_which_becomes_the_customers_words(
    client, business, cloud_api, django_capture_on_commit_callbacks
):
    connection = HARNESS.connect(business, cloud_api.url)
    with django_capture_on_commit_callbacks() as stored:
        message = receive(client, HARNESS, connection, HARNESS.raw("voice_message"))
    assert (message.transcription, message.text) == (Message.Transcription.PENDING, "[customer sent a voice message]")
    assert len(stored) == 1  # its transcription, not yet its turn

    with django_capture_on_commit_callbacks() as transcribed_callbacks:
        message = transcribed(message)
    assert message.transcription == Message.Transcription.DONE
    assert "do you ship abroad" in message.transcript.lower()
    assert message.text == message.transcript
    assert len(transcribed_callbacks) == 1  # the turn, now
    description, download = cloud_api.requests
    assert (description.method, description.path) == ("GET", f"/v21.0/{MEDIA_ID}")
    assert (download.method, download.path) == ("GET", MEDIA_PATH)
    assert download.headers["Authorization"] == description.headers["Authorization"] == f"Bearer {HARNESS.access_token}"


def test_a_voice_note_the_api_says_is_too_large_is_not_downloaded_and_goes_to_staff(
    client, business, cloud_api, settings
):
    settings.PARLEY_VOICE_MAX_BYTES = 1000
    connection = HARNESS.connect(business, cloud_api.url)
    message = transcribed(receive(client, HARNESS, connection, HARNESS.raw("voice_message")))
    assert (message.transcription, message.error_code) == (Message.Transcription.FAILED, "voice_too_large")
    assert message.conversation.status == Conversation.Status.NEEDS_HUMAN
    assert [request.path for request in cloud_api.requests] == [f"/v21.0/{MEDIA_ID}"]


def test_a_model_missing_on_the_server_hands_the_voice_note_to_staff_and_downloads_no_model(
    client, business, cloud_api, settings, tmp_path
):
    settings.PARLEY_SPEECH_MODEL_DIR = str(tmp_path / "no-such-model")
    connection = HARNESS.connect(business, cloud_api.url)
    message = transcribed(receive(client, HARNESS, connection, HARNESS.raw("voice_message")))
    assert (message.transcription, message.error_code) == (Message.Transcription.FAILED, "voice_transcription_failed")
    assert message.conversation.status == Conversation.Status.NEEDS_HUMAN
