"""A Messenger audio message: its MP4/AAC file is fetched from the URL in the webhook and transcribed on this
machine; one stating a length over the limit is refused before it is transcribed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conversations.models import Conversation, Message
from tests.fake_platform import Answer, FakePlatformServer, graph_send_success, serving
from tests.support import spoken_audio
from tests.support.voice_notes import receive, transcribed

from .harness import HARNESS

CLIP_PATH = "/v/t59.3654-21/audioclip-1749812355000-3456.mp4"


@pytest.fixture
def cdn() -> Iterator[FakePlatformServer]:
    server = FakePlatformServer(
        default=serving(
            {CLIP_PATH: Answer(200, spoken_audio("mp4"), {"Content-Type": "audio/mp4"})}, graph_send_success
        )
    )
    yield server
    server.close()


def audio_message(cdn: FakePlatformServer) -> bytes:
    """The fixture, its file on the fake CDN (the webhook's JSON escapes slashes, as Meta's does)."""
    url = f"{cdn.url}{CLIP_PATH}?_nc_cat=1&oh=00_AfB".replace("/", "\\/")
    return HARNESS.raw("voice_message").replace(b"https://cdn.fbsbx.example/audioclip.mp4", url.encode())


def test_an_audio_message_is_transcribed_from_its_mp4_file(client, business, cdn):
    connection = HARNESS.connect(business, cdn.url)
    message = transcribed(receive(client, HARNESS, connection, audio_message(cdn)))
    assert message.transcription == Message.Transcription.DONE
    assert "do you ship abroad" in message.text.lower()
    [download] = cdn.requests
    assert download.path == CLIP_PATH and "Authorization" not in download.headers


def test_audio_longer_than_the_limit_is_not_transcribed(client, business, cdn, settings):
    settings.PARLEY_VOICE_MAX_SECONDS = 2
    connection = HARNESS.connect(business, cdn.url)
    message = transcribed(receive(client, HARNESS, connection, audio_message(cdn)))
    assert (message.transcription, message.error_code) == (Message.Transcription.FAILED, "voice_too_long")
    assert message.conversation.status == Conversation.Status.NEEDS_HUMAN
