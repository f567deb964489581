"""An Instagram audio message is fetched like Messenger's (channels/meta/media.py): a file whose Content-Length is
over the limit is refused before its body is read, and the conversation goes to staff."""

from __future__ import annotations

from conversations.models import Conversation, Message
from tests.fake_platform import Answer, FakePlatformServer, graph_send_success, serving
from tests.support import spoken_audio
from tests.support.voice_notes import receive, transcribed

from .harness import HARNESS

CDN_PATH = "/ig_messaging_cdn/"


def test_an_audio_file_over_the_size_limit_is_refused_from_its_content_length(client, business, settings):
    settings.PARLEY_VOICE_MAX_BYTES = 1000
    audio = Answer(200, spoken_audio("mp4"), {"Content-Type": "audio/mp4"})
    cdn = FakePlatformServer(default=serving({CDN_PATH: audio}, graph_send_success))
    try:
        body = HARNESS.raw("audio").replace(b"https:\\/\\/lookaside.fbsbx.com", cdn.url.replace("/", "\\/").encode())
        message = transcribed(receive(client, HARNESS, HARNESS.connect(business, cdn.url), body))
        assert (message.transcription, message.error_code) == (Message.Transcription.FAILED, "voice_too_large")
        assert message.conversation.status == Conversation.Status.NEEDS_HUMAN
        assert [request.path for request in cdn.requests] == [CDN_PATH]
    finally:
        cdn.close()
